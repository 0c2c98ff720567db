"""What the emulator finds or compiles at run time and keeps between runs, in the user's cache folder
($XDG_CACHE_HOME/wow64emu, else ~/.cache/wow64emu), one file each.

Each value is stored with the key it was found for (what it depends on: a library's path, size and modification
time, the interpreter's version, the format of the value), and used only for that same key, so a stale one is never
used. A value found from a file or folder (its key holds the path) is kept in a file of its own for each such path:
two checkouts or environments used in turn each keep theirs, instead of finding it again at every run after the
other's. A missing, unreadable or corrupt file, or a folder that cannot be written, only means finding the value again.
Values are kept as marshal data (the json module cost a millisecond of every start to import).
"""

from __future__ import annotations

import contextlib
import marshal
import mmap
import os
import zlib
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TypeVar

T = TypeVar("T")


def cache_folder() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "wow64emu"


def file_key(path: str) -> list:
    """What a value found from a file depends on: the file itself (its real path, size and modification time)."""
    st = os.stat(path)
    return [os.path.realpath(path), st.st_size, st.st_mtime_ns]


def sources_key(folder: Path, modules: Iterable[str]) -> list | None:
    """What a value found by importing the modules `modules` of the package in `folder` depends on: their source
    files (size and modification time, what Python's bytecode cache checks too); None if one has no source."""
    key: list = [os.path.realpath(folder)]
    try:
        for name in modules:
            st = os.stat(folder / f"{name}.py")
            key.append([name, st.st_size, st.st_mtime_ns])
    except OSError:
        return None
    return key


def load(name: str) -> bytes | None:
    """The bytes of the cache file `name`, or None."""
    try:
        return (cache_folder() / name).read_bytes()
    except OSError:
        return None


def mapped(name: str) -> memoryview | None:
    """The bytes of the cache file `name` mapped into memory rather than read (the host reads the pages a run
    uses, and copies none), or None. The file is never changed in place (store() renames a new one over it), so
    what is mapped stays whole."""
    try:
        with open(cache_folder() / name, "rb") as file:
            return memoryview(mmap.mmap(file.fileno(), 0, access=mmap.ACCESS_READ))
    except (OSError, ValueError):  # ValueError: an empty file, which cannot be mapped
        return None


def with_parts(head: object, parts: list[bytes]) -> bytes:
    """A file of `head` (marshal data) followed by `parts`, read back by head_and_parts(): a large value whose parts
    a run reads one by one, as it needs them, from the file mapped (mapped()). The head says where each part lies
    in the bytes after it (spans())."""
    data = marshal.dumps(head)
    return b"".join([len(data).to_bytes(8, "little"), data, *parts])


def spans(parts: list[bytes]) -> list[tuple[int, int]]:
    """Where each of `parts` lies after the head of with_parts(): (offset, size)."""
    at, out = 0, []
    for part in parts:
        out.append((at, len(part)))
        at += len(part)
    return out


def head_and_parts(data: bytes | memoryview | None) -> tuple[object, memoryview] | None:
    """The head of a file with_parts() made, and the bytes after it (a view of `data`, not a copy); None if `data`
    is no such file."""
    if not data or len(data) < 8:
        return None
    view = memoryview(data)
    size = int.from_bytes(view[:8], "little")
    if 8 + size > len(view):
        return None
    try:
        return marshal.loads(view[8:8 + size]), view[8 + size:]
    except (ValueError, EOFError, TypeError):
        return None


def store(name: str, data: bytes) -> None:
    """Write the cache file `name` whole (renamed into place: whole or absent to any reader), or nothing."""
    path = cache_folder() / name
    partial = path.with_name(f"{name}.{os.getpid()}.tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        partial.write_bytes(data)
        os.replace(partial, path)
    except OSError:
        with contextlib.suppress(OSError):
            partial.unlink()


def cached(name: str, key: list | None, find: Callable[[], T], dump: Callable[[T], object],
           undump: Callable[[object], T]) -> T:
    """The value stored as `name`.marshal for `key`, else find() (and store it). `dump` makes the value plain data
    (dicts, lists, strings, numbers: what marshal keeps) and `undump` makes it back, raising ValueError, TypeError or
    KeyError on data that is not such a value. With no key (what the value depends on cannot be known), nothing is
    kept: find()."""
    if key is None:
        return find()
    name = named_for_path(name, key)
    try:
        stored = marshal.loads(load(f"{name}.marshal") or b"")
        if stored["key"] == key:
            return undump(stored["value"])
    except (ValueError, TypeError, KeyError, EOFError):
        pass
    value = find()
    store(f"{name}.marshal", marshal.dumps({"key": key, "value": dump(value)}))
    return value


def named_for_path(name: str, key: list) -> str:
    """`name`, with a digest of the first absolute path in `key` (the file or folder the value is found from)."""
    path = next((item for item in key if isinstance(item, str) and os.path.isabs(item)), None)
    return name if path is None else f"{name}-{zlib.crc32(path.encode()):08x}"
