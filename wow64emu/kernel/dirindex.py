"""Case-insensitive names on a case-sensitive host, at the cost of a dictionary lookup: a folder's entries by their
upcased name, listed the first time a name there is not found in its exact case, and kept while the folder is the
same (its inode) and its modification time says nothing changed. What the volume itself creates, deletes or
renames patches the index instead of listing the folder again, so a guest creating 100,000 files in one folder
lists it once, not 100,000 times; a folder renamed or deleted is forgotten with everything below it.

The index is the host process's (a folder is the same folder for every System), bounded to the folders used
last. The volume looks a name up just before it changes the folder, which brings the index up to date with the
host; a change the host makes between that lookup and the volume's own change is not seen until the folder
changes again.
"""

from __future__ import annotations

import os
from collections import OrderedDict
from collections.abc import Callable
from pathlib import Path

_FOLDERS = 64  # folders indexed at once, the least recently used forgotten first


def upcase(name: str) -> str:
    """Windows' simple one-to-one upcasing (no 'ß' -> 'SS' expansion, unlike str.upper)."""
    if name.isascii():  # the common case, where str.upper is one-to-one
        return name.upper()
    out = []
    for c in name:
        u = c.upper()
        out.append(u if len(u) == 1 else c)
    return "".join(out)


class _Folder:
    def __init__(self, stamp: tuple[int, int, int], entries: list[str]) -> None:
        self.stamp = stamp
        self.names: dict[str, list[str]] = {}
        for entry in sorted(entries):
            self.names.setdefault(upcase(entry), []).append(entry)

    def add(self, entry: str) -> None:
        same = self.names.setdefault(upcase(entry), [])
        if entry not in same:
            same.append(entry)
            same.sort()

    def remove(self, entry: str) -> None:
        key = upcase(entry)
        same = self.names.get(key, [])
        if entry in same:
            same.remove(entry)
            if not same:
                del self.names[key]


class DirectoryIndex:
    def __init__(self, folders: int = _FOLDERS) -> None:
        self._limit = folders
        self._folders: OrderedDict[Path, _Folder] = OrderedDict()

    def find(self, directory: Path, name: str) -> str | None:
        """The entry of `directory` that `name` names, compared as Windows does (upcased), exact case first; of
        several that differ only in case, the first in sorted order. A name with a path in it (a slash, a
        backslash, `..`) names no entry of the folder."""
        if not name or name in (".", "..") or any(c in name for c in "/\\\0"):
            return None
        try:
            if os.path.lexists(directory / name):
                return name
            folder = self._current(directory)
        except OSError:
            return None
        same = folder.names.get(upcase(name))
        return same[0] if same else None

    def is_empty(self, directory: Path) -> bool:
        """Whether the folder has no entries (listed as find() lists it, and kept for it; OSError if it cannot be)."""
        return not self._current(directory).names

    def clear(self) -> None:
        """Forget every folder."""
        self._folders.clear()

    def added(self, path: Path) -> None:
        """The volume created `path` (or renamed something to it)."""
        self._patch(path, _Folder.add)

    def removed(self, path: Path) -> None:
        """The volume deleted `path` (or renamed it away); if it was a folder, it is forgotten with all below it."""
        for folder in [f for f in self._folders if f == path or path in f.parents]:
            del self._folders[folder]
        self._patch(path, _Folder.remove)

    def _current(self, directory: Path) -> _Folder:
        stamp = _stamp(directory)
        folder = self._folders.get(directory)
        if folder is None or folder.stamp != stamp:
            folder = _Folder(stamp, os.listdir(directory))
            self._folders[directory] = folder
            while len(self._folders) > self._limit:
                self._folders.popitem(last=False)
        self._folders.move_to_end(directory)
        return folder

    def _patch(self, path: Path, change: Callable[[_Folder, str], None]) -> None:
        folder = self._folders.get(path.parent)
        if folder is None:
            return
        try:
            stamp = _stamp(path.parent)
        except OSError:
            del self._folders[path.parent]
            return
        change(folder, path.name)
        folder.stamp = stamp


def _stamp(directory: Path) -> tuple[int, int, int]:
    """What tells one state of a folder from another: the folder itself (device, inode) and its last change."""
    st = os.stat(directory)
    return st.st_dev, st.st_ino, st.st_mtime_ns


INDEX = DirectoryIndex()
