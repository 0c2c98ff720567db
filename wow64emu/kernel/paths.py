"""The C: drive sandbox: an OBJECT_ATTRIBUTES in guest memory -> a host path inside the process's root.

Only the names NTFS would give a file on C: reach the host: `\\??\\C:\\...` (also spelled `\\DosDevices\\`
and `\\GLOBAL??\\`), or a name relative to an open directory. Every component is checked against NTFS' rules
before anything on the host is touched, each existing component is matched case-insensitively (Windows'
object and file names are case-insensitive by default), and every host symlink met on the way is resolved and
must stay inside the root. The host path handed back is free of symlinks, so later host calls cannot be
redirected.

Statuses, following the object manager and NTFS:
- OBJECT_ATTRIBUTES.Length other than 48, or attribute bits outside OBJ_VALID_ATTRIBUTES: INVALID_PARAMETER.
- ObjectName NULL: OBJECT_PATH_SYNTAX_BAD without a RootDirectory (the lookup has no name to start from),
  OBJECT_NAME_INVALID with one (ObpCaptureObjectCreateInformation refuses a root without a name).
- UNICODE_STRING.Length odd: OBJECT_NAME_INVALID; a Buffer that is not WCHAR-aligned: DATATYPE_MISALIGNMENT.
  MaximumLength is not looked at: Windows captures exactly Length bytes and ignores it.
- A name without a leading backslash and no RootDirectory, or an empty one: OBJECT_PATH_SYNTAX_BAD.
- Another drive letter, or any other object-namespace name with more components: OBJECT_PATH_NOT_FOUND (the
  last component alone: OBJECT_NAME_NOT_FOUND, as the object manager says for a missing leaf).
- `\\??\\C:` itself (the volume, not its root directory): ACCESS_DENIED, what a user gets for a volume open.
- An empty component, ".", "..", a character NTFS forbids (`< > : " | ? * / \\` and controls; ':' would name
  a stream, which the sandbox does not have) or more than 255 UTF-16 units: OBJECT_NAME_INVALID.
- A missing or non-directory intermediate component: OBJECT_PATH_NOT_FOUND. A missing leaf is not an error
  here: the caller decides by the create disposition (OBJECT_NAME_NOT_FOUND or a new file).
- A host symlink that resolves outside the root: ACCESS_DENIED.
- `System Volume Information` in the root, where the kernel keeps what NTFS would keep in its metadata (the
  reparse points): ACCESS_DENIED, as Windows answers a user there.
- A component with a reparse point (a junction, a symbolic link; reparse.py) sends the lookup on to its
  substitute name, with the rest of the path, at most MAX_REPARSE_DEPTH times (REPARSE_POINT_NOT_RESOLVED);
  the last component is not followed when the open asks for FILE_OPEN_REPARSE_POINT, and none is with
  OBJ_DONT_REPARSE (REPARSE_POINT_ENCOUNTERED).

The system folders: C:\\Windows\\System32 and C:\\Windows\\SysWOW64 are the emulator's own (its sysroot, where the
guest DLLs live), shown over the drive: a name below them resolves to the sysroot's file. The guest may read and
execute those; the file services refuse to create, write, delete or rename them (STATUS_ACCESS_DENIED, what a user
gets for the system's files on Windows). Where the user made the folder on the drive (ROOT\\Windows\\System32,
ROOT\\Windows\\SysWOW64), its files are in the same folder too (a name the sysroot has stays the sysroot's file:
a user file of a shipped DLL's name is shadowed), are the guest's to change, and new files go there; without it,
nothing can be created in the system folders. C:\\Windows itself stays the drive's.

C:\\System Volume Information, and anything below it, is STATUS_ACCESS_DENIED to open, create or rename to, as
for a standard user on Windows: the registry's database (registry_keys.py) and the reparse points are kept there,
out of the guest's reach.
"""

from __future__ import annotations

import errno
import os
from dataclasses import dataclass
from pathlib import Path

from ..emu.memory import AddressSpace
from ..log import getLogger
from ..nt import layouts as L
from ..nt.status import NTSTATUS
from .dirindex import INDEX, upcase
from .errors import NtError
from .reparse import MAX_REPARSE_DEPTH, ReparsePoint, ReparseStore, substitute_name

log = getLogger(__name__)

OBJ_VALID_ATTRIBUTES = 0x1FF2  # OBJ_INHERIT ... OBJ_DONT_REPARSE, Windows 10
MAX_COMPONENT = 255  # UTF-16 units, NTFS

DRIVE_PREFIXES = ("\\??\\", "\\dosdevices\\", "\\global??\\")

SYSROOT = Path(os.path.realpath(Path(__file__).parents[1] / "sysroot" / "Windows"))
_SYSTEM_FOLDERS = {"SYSTEM32": "System32", "SYSWOW64": "SysWOW64"}  # upcased name -> the sysroot's folder
_PRIVATE_FOLDER = "SYSTEM VOLUME INFORMATION"  # the system's own: the registry and the reparse points
_INVALID_CHARS = frozenset('<>:"|?*/\\') | frozenset(chr(c) for c in range(0x20))


@dataclass(frozen=True)
class CapturedAttributes:
    """What the kernel takes from an OBJECT_ATTRIBUTES: root handle, name (None if NULL), attribute flags."""

    root_directory: int
    name: str | None
    attributes: int


@dataclass(frozen=True)
class HostPath:
    """A resolved name: the symlink-free host path, the name the guest sees, and what is there now."""

    host: Path
    nt_name: str
    exists: bool
    is_dir: bool
    trailing_backslash: bool = False  # the name ended in "\": it may only name a directory

    def refreshed(self) -> HostPath:
        host = self.host
        return HostPath(host, self.nt_name, host.exists(), host.is_dir(), self.trailing_backslash)


def read_object_attributes(memory: AddressSpace, address: int) -> CapturedAttributes:
    """Capture a 64-bit OBJECT_ATTRIBUTES and its name from guest memory (GuestFault on a bad pointer)."""
    oa = L.OBJECT_ATTRIBUTES.unpack(memory.read(address, L.OBJECT_ATTRIBUTES.size(64)), 64)
    if oa["Length"] != L.OBJECT_ATTRIBUTES.size(64) or oa["Attributes"] & ~OBJ_VALID_ATTRIBUTES:
        raise NtError(NTSTATUS.INVALID_PARAMETER)
    root = oa["RootDirectory"]
    if oa["ObjectName"] == 0:
        if root:
            raise NtError(NTSTATUS.OBJECT_NAME_INVALID)
        return CapturedAttributes(0, None, oa["Attributes"])
    us = L.UNICODE_STRING.unpack(memory.read(oa["ObjectName"], L.UNICODE_STRING.size(64)), 64)
    length, buffer = us["Length"], us["Buffer"]
    if length & 1:
        raise NtError(NTSTATUS.OBJECT_NAME_INVALID)
    if length and buffer & 1:
        raise NtError(NTSTATUS.DATATYPE_MISALIGNMENT)
    try:
        name = memory.read(buffer, length).decode("utf-16-le")
    except UnicodeDecodeError:  # a lone surrogate: NTFS would take it, the host cannot spell it
        raise NtError(NTSTATUS.OBJECT_NAME_INVALID) from None
    return CapturedAttributes(root, name, oa["Attributes"])


def resolve(drive: Path, name: str, base: HostPath | None = None, links: ReparseStore | None = None,
            open_link: bool = False, dont_reparse: bool = False) -> HostPath:
    """The host path of `name`: absolute (an NT path to C:) without `base`, else relative to directory `base`.

    `drive` is the host directory that is C:. An empty relative name stands for `base` itself. What the host
    refuses while looking (a name too long for it, a directory it may not search) comes back as a status.
    Reparse points in `links` are followed, the last component's only without `open_link`; with `dont_reparse`
    (OBJ_DONT_REPARSE) one that would be is STATUS_REPARSE_POINT_ENCOUNTERED.
    """
    try:
        for _ in range(MAX_REPARSE_DEPTH + 1):
            try:
                return _resolve(drive, name, base, links and _Links(links, open_link, dont_reparse))
            except _Reparse as reparse:  # the I/O manager's STATUS_REPARSE: again, with the substitute name
                name, base = reparse.name, None
        raise NtError(NTSTATUS.REPARSE_POINT_NOT_RESOLVED)
    except OSError as exc:
        raise NtError(host_status(exc)) from None
    except ValueError:  # a name the host cannot spell
        raise NtError(NTSTATUS.OBJECT_NAME_INVALID) from None


def host_status(exc: OSError) -> int:
    """The NTSTATUS Windows would give for what the host file system refused."""
    if isinstance(exc, PermissionError):
        return NTSTATUS.ACCESS_DENIED
    if isinstance(exc, FileExistsError):
        return NTSTATUS.OBJECT_NAME_COLLISION
    if isinstance(exc, FileNotFoundError | NotADirectoryError):
        return NTSTATUS.OBJECT_PATH_NOT_FOUND
    if isinstance(exc, IsADirectoryError):
        return NTSTATUS.FILE_IS_A_DIRECTORY
    if exc.errno == errno.ENAMETOOLONG:
        return NTSTATUS.OBJECT_NAME_INVALID
    if exc.errno in (errno.ENOSPC, errno.EFBIG):
        return NTSTATUS.DISK_FULL
    if exc.errno == errno.ENOTEMPTY:
        return NTSTATUS.DIRECTORY_NOT_EMPTY
    if exc.errno == errno.EINVAL:  # e.g. a directory moved into itself
        return NTSTATUS.INVALID_PARAMETER
    log.warning("host file error mapped to STATUS_UNSUCCESSFUL: %s", exc)
    return NTSTATUS.UNSUCCESSFUL


class _Reparse(Exception):
    """A component with a reparse point was met: the lookup starts again at `name`."""

    def __init__(self, name: str) -> None:
        self.name = name


def _resolve(drive: Path, name: str, base: HostPath | None, links: _Links | None) -> HostPath:
    drive = Path(os.path.realpath(drive))
    if base is None:
        rest = _strip_drive(name)
        start, nt_prefix = drive, "\\??\\C:"
        rest = rest[1:]  # the backslash after "C:"
    else:
        if name.startswith("\\"):
            raise NtError(NTSTATUS.OBJECT_NAME_INVALID)
        if not name:
            return base.refreshed()
        start, nt_prefix = base.host, base.nt_name.rstrip("\\")
        rest = name
    trailing = rest.endswith("\\")
    if not rest:
        parts: list[str] = []  # "\??\C:\" is the root directory
    else:
        parts = (rest[:-1] if trailing else rest).split("\\")
    for part in parts:
        check_component(part)
    if start == drive and parts and upcase(parts[0]) == _PRIVATE_FOLDER:
        raise NtError(NTSTATUS.ACCESS_DENIED)
    if is_system(start):
        folder, *above = start.relative_to(SYSROOT).parts
        host, shown = _overlay(drive, folder, [*above, *parts], links)
        shown = shown[len(above):]
    else:
        above = list(start.relative_to(drive).parts)  # a name relative to C:\\Windows may lead into System32
        folder = _system_folder([*above, *parts])
        if folder is not None:
            host, shown = _overlay(drive, folder, [*above, *parts][2:], links)
            shown = ["Windows", folder, *shown][len(above):]
        else:
            host, shown = _walk(drive, start, parts, links)
    nt_name = nt_prefix + "\\" + "\\".join(shown)
    return HostPath(host, nt_name, host.exists(), host.is_dir(), trailing and bool(parts))


def _system_folder(parts: list[str]) -> str | None:
    """The sysroot folder that a name relative to the drive's root goes into (Windows\\System32 or \\SysWOW64)."""
    if len(parts) < 2 or upcase(parts[0]) != "WINDOWS":
        return None
    return _SYSTEM_FOLDERS.get(upcase(parts[1]))


def _overlay(drive: Path, folder: str, parts: list[str], links: _Links | None) -> tuple[Path, list[str]]:
    """A name below a system folder: the sysroot's file if it has one (the shipped files win), else the drive's
    own Windows\\<folder> when the user made that folder on the host (where new files then go, and the user's
    reparse points there are followed); without it, the system folder is the sysroot's alone."""
    user = overlay_folder(drive, SYSROOT / folder)
    if user is not None and parts:
        try:
            host, shown = _walk(SYSROOT, SYSROOT / folder, parts)
            if os.path.lexists(host):
                return host, shown
        except NtError:
            pass
        return _walk(drive, user, parts, links)
    return _walk(SYSROOT, SYSROOT / folder, parts)


def overlay_folder(drive: Path, host: Path) -> Path | None:
    """The drive's folder that shows through the system folder `host` (C:\\Windows\\System32 or SysWOW64 of the
    sysroot): ROOT\\Windows\\System32 (any case) if the user made it, else None."""
    if host.parent != SYSROOT:
        return None
    windows = INDEX.find(drive, "Windows")
    found = INDEX.find(drive / windows, host.name) if windows else None
    if found is None:
        return None
    user = drive / windows / found
    return user if user.is_dir() and not user.is_symlink() else None


def is_system(host: Path) -> bool:
    """Whether a resolved host path is in the read-only system folders."""
    return host.is_relative_to(SYSROOT)


def system_volume_name(host: Path) -> str:
    """The name of a file of the system folders relative to the volume: \\Windows\\System32\\kernel32.dll."""
    return "\\" + "\\".join(host.relative_to(SYSROOT.parent).parts)


def check_component(part: str) -> None:
    """OBJECT_NAME_INVALID unless `part` is a name NTFS accepts for a file or directory."""
    if part in ("", ".", "..") or len(part.encode("utf-16-le")) // 2 > MAX_COMPONENT:
        raise NtError(NTSTATUS.OBJECT_NAME_INVALID)
    if any(c in _INVALID_CHARS for c in part):
        raise NtError(NTSTATUS.OBJECT_NAME_INVALID)


def _strip_drive(name: str) -> str:
    """What follows `C:` in an absolute NT name (starting with a backslash), or the status of its failure."""
    if not name.startswith("\\"):
        raise NtError(NTSTATUS.OBJECT_PATH_SYNTAX_BAD)
    lowered = name.lower()
    for prefix in DRIVE_PREFIXES:
        if lowered.startswith(prefix):
            link, sep, rest = name[len(prefix):].partition("\\")
            break
    else:
        if name == "\\":
            raise NtError(NTSTATUS.OBJECT_TYPE_MISMATCH)  # the root object directory is not a file
        link, sep, rest = name[1:].partition("\\")
        raise NtError(NTSTATUS.OBJECT_PATH_NOT_FOUND if sep else NTSTATUS.OBJECT_NAME_NOT_FOUND)
    if link.upper() == "C:":
        if not sep:
            raise NtError(NTSTATUS.ACCESS_DENIED)  # the volume device, not a directory
        return "\\" + rest
    raise NtError(NTSTATUS.OBJECT_PATH_NOT_FOUND if sep else NTSTATUS.OBJECT_NAME_NOT_FOUND)


@dataclass(frozen=True)
class _Links:
    """The reparse points a walk inside the drive follows."""

    store: ReparseStore
    open_link: bool
    dont_reparse: bool

    def check(self, drive: Path, host: Path, rest: list[str]) -> None:
        """Send the lookup on (_Reparse) if `host` has a reparse point to follow; `rest` comes after it."""
        point: ReparsePoint | None = self.store.get(host)
        if point is None or (self.open_link and not rest):
            return
        if self.dont_reparse:
            raise NtError(NTSTATUS.REPARSE_POINT_ENCOUNTERED)
        folder = "\\??\\C:" + "".join("\\" + p for p in host.parent.relative_to(drive).parts)
        raise _Reparse(substitute_name(folder, point, rest))


def _walk(drive: Path, start: Path, parts: list[str], links: _Links | None = None) -> tuple[Path, list[str]]:
    """Follow `parts` down from `start`; returns the host path and the components as the guest sees them."""
    current = start
    shown: list[str] = []
    for i, part in enumerate(parts):
        last = i == len(parts) - 1
        entry = INDEX.find(current, part)
        if entry is None:
            if not last:
                raise NtError(NTSTATUS.OBJECT_PATH_NOT_FOUND)
            shown.append(part)  # a new leaf keeps the case the guest asked for
            return current / part, shown
        candidate = current / entry
        if candidate.is_symlink():
            candidate = Path(os.path.realpath(candidate))
            if not candidate.is_relative_to(drive):
                raise NtError(NTSTATUS.ACCESS_DENIED)
        if links is not None:
            links.check(drive, candidate, parts[i + 1:])
        if not last and not candidate.is_dir():
            raise NtError(NTSTATUS.OBJECT_PATH_NOT_FOUND)
        shown.append(entry)
        current = candidate
    return current, shown


