"""UAC file virtualization: where a virtualized process's files under the protected folders go.

For a process whose token has UAC virtualization on (token.py, `Token.virtualization`), Windows (luafv, "Windows
Internals", chapter 6) turns a file create or write that the protected folders refuse into one in the user's
virtual store, `%LOCALAPPDATA%\\VirtualStore` followed by the name without its drive
(`C:\\Users\\User\\AppData\\Local\\VirtualStore\\Program Files\\App\\settings.ini`), and an open finds the store's
copy first:
- The folders are volume.py's protected ones (C:\\Windows but its Temp, C:\\Program Files, C:\\Program Files (x86));
  a file with an executable extension (.exe, .dll, .sys, .bat, ...) is never virtualized, nor are the shipped DLLs
  of System32 and SysWOW64 (their folders are no drive folders to mirror).
- A new file or folder there is made in the store, with the store's folders on the way; an existing file opened for
  writing (or overwritten) is first copied there with its contents; a name whose folder exists in the store only
  (a folder the process made there) is the store's.
- Each such open is a `redirect` event of the kernel layer, kind `virtualize`.
Only absolute names (no RootDirectory) are virtualized. NtCreateFile and NtOpenFile do all of the above; the calls
that take the name of an existing file (NtQueryAttributesFile, NtQueryFullAttributesFile, NtDeleteFile) find the
store's copy first (`store_copy`); renames and directory listings see the real folders only.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import PurePath
from typing import TYPE_CHECKING

from ..nt.status import NTSTATUS
from .dirindex import INDEX
from .errors import NtError
from .paths import DRIVE_PREFIXES, HostPath, host_status, is_system, resolve
from .volume import USER_NAME

if TYPE_CHECKING:
    from .threadobject import Thread
    from .volume import Volume

VIRTUAL_STORE = ("Users", USER_NAME, "AppData", "Local", "VirtualStore")
EXECUTABLE_EXTENSIONS = frozenset({".bat", ".cmd", ".com", ".cpl", ".dll", ".exe", ".js", ".msi", ".ocx", ".ps1",
                                   ".scr", ".sys", ".vbs", ".wsf"})


def drive_parts(name: str) -> list[str] | None:
    """The components of an absolute NT name on C: (`\\??\\C:\\a\\b` -> [a, b]); None for another name."""
    lowered = name.lower()
    for prefix in DRIVE_PREFIXES:
        if lowered.startswith(prefix) and lowered[len(prefix):len(prefix) + 3] == "c:\\":
            return [part for part in name[len(prefix) + 3:].split("\\") if part]
    return None


def _trace(thread: Thread, before: str, after: str) -> None:
    tracer = thread.process.tracer
    if tracer is not None:
        tracer.emit("kernel", "redirect", f"virtualize {before} -> {after} (UAC virtualization)", kind="virtualize",
                    before=before, after=after, why="UAC virtualization")


def _make_folders(volume: Volume, parts: list[str]) -> None:
    """The store's folders down to the parent of `parts` (made where missing, matched in any case)."""
    here = volume.root
    for part in [*VIRTUAL_STORE, *parts[:-1]]:
        found = INDEX.find(here, part)
        if found is None:
            os.mkdir(here / part)
            INDEX.added(here / part)
            found = part
        here = here / found


def _store_name(volume: Volume, thread: Thread, name: str | None) -> tuple[list[str], str] | None:
    """The name's components and its name in the store, for a name a virtualized process's calls redirect."""
    token = thread.effective_token()
    parts = drive_parts(name) if name is not None and token.virtualization and not token.elevated else None
    if (parts is None or not volume.is_protected(volume.root.joinpath(*parts))
            or PurePath(parts[-1]).suffix.lower() in EXECUTABLE_EXTENSIONS):
        return None
    return parts, "\\??\\C:\\" + "\\".join([*VIRTUAL_STORE, *parts])


def store_copy(volume: Volume, thread: Thread, name: str | None) -> HostPath | None:
    """The store's copy of the absolute `name` when the calling process is virtualized and the copy exists."""
    found = _store_name(volume, thread, name)
    if found is None:
        return None
    try:
        copy = resolve(volume.root, found[1])
    except NtError:
        return None
    if not copy.exists:
        return None
    _trace(thread, name or "", found[1])
    return copy


def virtualized_target(volume: Volume, thread: Thread, name: str | None, real: Callable[[], HostPath], *,
                       writes: bool, creates: bool, overwrites: bool) -> HostPath:
    """Where NtCreateFile of the absolute `name` (None: a name relative to a handle) goes: `real()` (the name
    resolved as it is), or its place in the virtual store (see the module docstring). `writes`: the access asked
    writes the file; `creates`, `overwrites`: what the disposition does to a missing and to an existing file."""
    found = _store_name(volume, thread, name)
    if found is None:
        return real()
    parts, store_name = found
    try:
        copy: HostPath | None = resolve(volume.root, store_name)
    except NtError:
        copy = None  # the store lacks the file's folder
    if copy is not None and copy.exists:
        _trace(thread, name or "", store_name)
        return copy
    try:
        target = real()
    except NtError as error:
        if error.status != NTSTATUS.OBJECT_PATH_NOT_FOUND or copy is None or not creates:
            raise
        _trace(thread, name or "", store_name)  # its folder is in the store only
        return copy
    if is_system(target.host) or not volume.write_denied(target.host, thread.effective_token()):
        return target
    if target.exists and (target.is_dir or not (overwrites or writes)):
        return target
    if not target.exists and not creates:
        return target
    try:
        _make_folders(volume, parts)
        if target.exists:
            store = resolve(volume.root, store_name).host
            import shutil  # here: most runs never need it, and it costs a start 1-2 ms

            shutil.copy2(target.host, store)
            INDEX.added(store)
    except OSError as exc:
        raise NtError(host_status(exc)) from None
    _trace(thread, name or "", store_name)
    return resolve(volume.root, store_name)
