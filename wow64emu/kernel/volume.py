"""The C: volume as NTFS keeps it: the files that are open, and what a file has that the host cannot hold.

The host directory gives names, contents, sizes, the write, access and change times and the read-only bit (the
host's user write bit, for files). The rest lives here, for the life of the process:
- The attributes a Linux file system has no place for (HIDDEN, SYSTEM, ARCHIVE, NOT_CONTENT_INDEXED, ..., and
  READONLY of a directory, which must not stop the host from creating files in it). A file starts with ARCHIVE,
  as NTFS sets it on every new file; a directory with nothing; the root directory with HIDDEN | SYSTEM, as C:\\
  has on Windows.
- The creation time: the host's birth time is out of reach from Python on Linux, so a file gets the earliest of
  its write and change times when the kernel creates it or first looks at it, pinned there so that later writes
  do not move it. A time the guest sets replaces it.
- A change time the guest set: NTFS keeps it until the file changes again, so it holds while the host's change
  time is still the one it had right after the guest set it.
- Per open file (NTFS' FCB): how many file objects are open on it and whether it is to be deleted when the last
  one closes (FileDispositionInformation, FILE_DELETE_ON_CLOSE, NtDeleteFile of an open file). A delete-pending
  file stays visible, and opens of it fail with STATUS_DELETE_PENDING.
- The reparse points (junctions, symbolic links; reparse.py), which outlive the process in the drive's own store:
  a file with one has FILE_ATTRIBUTE_REPARSE_POINT and its tag; deleting or renaming the file takes it along.

A fresh Windows 10 C: drive has its standard folders (STANDARD_FOLDERS): the volume makes on the host those the
drive lacks (matching names in any case) when it is set up, so each run starts with them. C:\\Windows,
C:\\Program Files and C:\\Program Files (x86) are protected (PROTECTED_FOLDERS): their security lets a standard user
read them and nothing more, so only an elevated administrator's token may create, write, delete or rename there
(`write_denied`); C:\\Windows\\Temp lets users create and write files. The shipped system DLLs
(C:\\Windows\\System32 and SysWOW64 of the sysroot) are read-only for every token; an elevated run's drive gets its
own Windows\\System32 and SysWOW64 (make_system_folders), where what an administrator creates in the system folders
goes, as Windows lets an administrator add files there (TrustedInstaller keeps the shipped ones).
"""

from __future__ import annotations

import contextlib
import os
import stat
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from ..log import getLogger
from ..nt.status import NTSTATUS
from .dirindex import INDEX, upcase
from .errors import NtError
from .hostfiles import HostFiles
from .paths import HostPath, host_status, is_system, system_volume_name
from .reparse import FILE_ATTRIBUTE_REPARSE_POINT, ReparseStore

if TYPE_CHECKING:
    from .token import Token

SYSTEM_VOLUME = "\\Device\\HarddiskVolume3"  # the NT device of the C: drive

log = getLogger(__name__)

FILE_ATTRIBUTE_READONLY = 0x0001
FILE_ATTRIBUTE_HIDDEN = 0x0002
FILE_ATTRIBUTE_SYSTEM = 0x0004
FILE_ATTRIBUTE_DIRECTORY = 0x0010
FILE_ATTRIBUTE_ARCHIVE = 0x0020
FILE_ATTRIBUTE_NORMAL = 0x0080
FILE_ATTRIBUTE_VALID_FLAGS = 0x00007FB7  # what NtCreateFile accepts
FILE_ATTRIBUTE_VALID_SET_FLAGS = 0x000031A7  # what FileBasicInformation may set

CLUSTER = 4096  # NTFS' default cluster: AllocationSize is EndOfFile rounded up to it
FILETIME_UNIX_EPOCH = 116444736000000000  # 100-ns intervals from 1601-01-01 to 1970-01-01
_WRITE_BITS = stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH

USER_NAME = "User"  # the token's user (GetUserName) and its profile folder, C:\Users\User
# The folders of a fresh Windows 10 C: drive that programs and the default environment's variables name
# (loader/environment.py; tests/test_environment.py checks that each folder a variable names is here).
STANDARD_FOLDERS = (
    "Program Files\\Common Files", "Program Files (x86)\\Common Files", "ProgramData",
    f"Users\\{USER_NAME}\\AppData\\Local\\Temp", f"Users\\{USER_NAME}\\AppData\\Roaming", "Users\\Public",
    f"Users\\{USER_NAME}\\AppData\\Local\\Microsoft\\WindowsApps",
    "Windows\\Temp",
)
SYSTEM_FOLDERS = ("Windows\\System32", "Windows\\SysWOW64")  # the drive's own, below the sysroot's (paths.py)


# Upcased names: the folders a standard user may not change, and the one below them where it may create files.
PROTECTED_FOLDERS = frozenset({"WINDOWS", "PROGRAM FILES", "PROGRAM FILES (X86)"})
USERS_WRITE_BELOW = ("WINDOWS", "TEMP")


def make_standard_folders(drive: Path, folders: tuple[str, ...] = STANDARD_FOLDERS) -> None:
    """Make each standard folder (of `folders`) the drive lacks, walking each name's components as Windows matches
    them (a user's `program files` is the folder itself, and nothing is made beside it). A drive folder that does
    not exist yet is made (as the registry's database would make it); a drive that is a file gets nothing."""
    try:
        drive.mkdir(parents=True, exist_ok=True)
        empty = INDEX.is_empty(drive)
    except OSError:
        return
    if empty:  # a new drive (the temporary one of a run): nothing to match, each folder made as it is named
        _make_folders(drive, folders)
        return
    for folder in folders:
        here = drive
        for part in folder.split("\\"):
            found = INDEX.find(here, part)
            if found is None:
                try:
                    os.mkdir(here / part)
                except FileExistsError:
                    pass
                else:
                    INDEX.added(here / part)
                found = part
            here = here / found
            if not here.is_dir():
                break  # a file of that name: the drive is the user's


def make_system_folders(drive: Path) -> None:
    """The drive's own Windows\\System32 and SysWOW64, where the files that a token allowed to create files in the
    system folders creates go (paths.py shows them through the sysroot's): an elevated administrator's."""
    make_standard_folders(drive, SYSTEM_FOLDERS)


def _make_folders(drive: Path, folders: tuple[str, ...]) -> None:
    made: set[str] = set()
    for folder in folders:
        here = str(drive)
        for part in folder.split("\\"):
            here = os.path.join(here, part)
            if here not in made:
                made.add(here)
                with contextlib.suppress(FileExistsError):  # made by the host meanwhile
                    os.mkdir(here)
                INDEX.added(Path(here))


def filetime(ns: int) -> int:
    """A host time in nanoseconds since 1970 as a Windows FILETIME (100-ns intervals since 1601)."""
    return ns // 100 + FILETIME_UNIX_EPOCH


def host_ns(ft: int) -> int:
    return (ft - FILETIME_UNIX_EPOCH) * 100


@dataclass(frozen=True)
class FileInfo:
    """What the information classes report about one file or directory."""

    attributes: int
    creation: int  # FILETIME
    access: int
    write: int
    change: int
    end_of_file: int
    allocation: int
    links: int
    index: int  # FileInternalInformation.IndexNumber: the host inode
    directory: bool
    reparse_tag: int = 0  # FileAttributeTagInformation.ReparseTag, a directory entry's EaSize


@dataclass
class FileNode:
    """One open file or directory, shared by every file object open on it (NTFS' FCB)."""

    host: Path
    opens: int = 0
    delete_pending: bool = False


@dataclass
class _Extra:
    """What NTFS holds about a file that the host cannot."""

    attributes: int  # every bit but READONLY of a file (the host's) and DIRECTORY
    creation: int  # FILETIME
    change: tuple[int, int] | None = None  # (FILETIME the guest set, the host st_ctime_ns it stands for)


class Volume:
    """The C: drive of one process: its host directory, its open files, the metadata the host cannot keep."""

    SERIAL_NUMBER = 0x1C2B3A49  # FileFsVolumeInformation.VolumeSerialNumber: any fixed value

    def __init__(self, root: Path, files: HostFiles | None = None, *, on_demand: bool = False) -> None:
        """`on_demand`: the standard folders (and what on_first_use() places) are made when the drive is first
        used (`root` asked for), not now: a run's temporary drive that its program never looks at costs no folders
        to make and to remove."""
        self._root = Path(os.path.realpath(root))
        self._pending: list[Callable[[Path], None]] | None = [] if on_demand else None
        if not on_demand:
            make_standard_folders(self._root)
        self.files = files if files is not None else HostFiles()  # the host descriptors of the open files
        self._nodes: dict[Path, FileNode] = {}
        self._extra: dict[Path, _Extra] = {}
        self.reparse = ReparseStore(self._root)
        self.developer_mode = False  # Windows 10's Developer Mode: the user may create symbolic links

    @property
    def root(self) -> Path:
        """The host folder of the drive, with its standard folders (made now if the drive is made on demand)."""
        pending = self._pending
        if pending is not None:
            self._pending = None
            make_standard_folders(self._root)
            for action in pending:
                action(self._root)
        return self._root

    @property
    def location(self) -> Path:
        """The host folder of the drive, made or not yet: for naming what lies there, not for using it."""
        return self._root

    def on_first_use(self, action: Callable[[Path], None]) -> None:
        """Call `action(root)` when the drive is first used (now, if it has been or is not made on demand)."""
        if self._pending is None:
            action(self._root)
        else:
            self._pending.append(action)

    # ---- names ---------------------------------------------------------------------------------------------

    def nt_name(self, host: Path) -> str:
        """The NT name of a host path inside the drive: \\??\\C:\\dir\\file."""
        return "\\??\\C:" + self.volume_name(host)

    def volume_name(self, host: Path) -> str:
        """The name relative to the volume, as FileNameInformation gives it: \\dir\\file, or \\ for the root."""
        if is_system(host):
            return system_volume_name(host)
        relative = host.relative_to(self.root)
        return "\\" + "\\".join(relative.parts)

    def device_name(self, host: Path) -> str:
        """The full NT name of a host path inside the drive, on the volume's device (what NtQueryObject gives a
        file): \\Device\\HarddiskVolume3\\dir\\file, or \\Device\\HarddiskVolume3\\ for the root."""
        return SYSTEM_VOLUME + self.volume_name(host)

    def host_path(self, host: Path) -> HostPath:
        return HostPath(host, self.nt_name(host), host.exists(), host.is_dir())

    # ---- information ---------------------------------------------------------------------------------------

    def stat(self, host: Path) -> os.stat_result:
        try:
            return os.stat(host)
        except OSError as exc:
            raise NtError(host_status(exc)) from None

    def info(self, host: Path, st: os.stat_result | None = None) -> FileInfo:
        st = st or self.stat(host)
        extra = self._extra_of(host, st)
        directory = stat.S_ISDIR(st.st_mode)
        attributes = extra.attributes
        if directory:
            attributes |= FILE_ATTRIBUTE_DIRECTORY
        elif not st.st_mode & stat.S_IWUSR:
            attributes |= FILE_ATTRIBUTE_READONLY
        change = extra.change[0] if extra.change and extra.change[1] == st.st_ctime_ns else filetime(st.st_ctime_ns)
        size = 0 if directory else st.st_size
        point = self.reparse.get(host)
        if point is not None:
            attributes |= FILE_ATTRIBUTE_REPARSE_POINT
        return FileInfo(
            attributes=attributes or FILE_ATTRIBUTE_NORMAL, creation=extra.creation,
            access=filetime(st.st_atime_ns), write=filetime(st.st_mtime_ns), change=change, end_of_file=size,
            allocation=-(-size // CLUSTER) * CLUSTER, links=1 if directory else st.st_nlink, index=st.st_ino,
            directory=directory, reparse_tag=point.tag if point is not None else 0)

    def _extra_of(self, host: Path, st: os.stat_result) -> _Extra:
        extra = self._extra.get(host)
        if extra is None:
            if host in (self.root, self.reparse.folder.parent):  # C:\ and C:\System Volume Information
                attributes = FILE_ATTRIBUTE_HIDDEN | FILE_ATTRIBUTE_SYSTEM
            else:
                attributes = 0 if stat.S_ISDIR(st.st_mode) else FILE_ATTRIBUTE_ARCHIVE
            extra = self._extra[host] = _Extra(attributes, filetime(min(st.st_mtime_ns, st.st_ctime_ns)))
        return extra

    def is_read_only(self, host: Path) -> bool:
        return bool(self.info(host).attributes & FILE_ATTRIBUTE_READONLY)

    # ---- changes -------------------------------------------------------------------------------------------

    def created(self, host: Path, attributes: int) -> None:
        """A file or directory the kernel has just made, with these FileAttributes: it was created now, which
        the host's own times say (they and the clock the kernel could read may disagree by a tick)."""
        st = self.stat(host)
        self._extra.pop(host, None)
        self.reparse.delete(host)  # a point left by a file the host removed behind the kernel's back
        self._extra_of(host, st)
        self.set_attributes(host, attributes | (0 if stat.S_ISDIR(st.st_mode) else FILE_ATTRIBUTE_ARCHIVE))

    def set_attributes(self, host: Path, attributes: int) -> None:
        """Apply attributes (already checked); FILE_ATTRIBUTE_NORMAL alone clears them all."""
        st = self.stat(host)
        extra = self._extra_of(host, st)
        kept = attributes & FILE_ATTRIBUTE_VALID_SET_FLAGS & ~FILE_ATTRIBUTE_NORMAL
        if stat.S_ISDIR(st.st_mode):
            extra.attributes = kept
            return
        extra.attributes = kept & ~FILE_ATTRIBUTE_READONLY
        mode = st.st_mode & ~_WRITE_BITS if kept & FILE_ATTRIBUTE_READONLY else st.st_mode | stat.S_IWUSR
        if mode != st.st_mode:
            try:
                os.chmod(host, stat.S_IMODE(mode))
            except OSError as exc:
                raise NtError(host_status(exc)) from None

    def set_times(self, host: Path, creation: int, access: int, write: int, change: int) -> None:
        """Set the FILETIMEs that are not 0 (0: leave it; -1: NTFS' "stop updating it", taken as 0 here)."""
        def given(ft: int) -> bool:
            return ft not in (0, -1)

        st = self.stat(host)
        extra = self._extra_of(host, st)
        if given(access) or given(write):
            ns = (host_ns(access) if given(access) else st.st_atime_ns,
                  host_ns(write) if given(write) else st.st_mtime_ns)
            try:
                os.utime(host, ns=ns)
            except (OSError, OverflowError, ValueError):
                raise NtError(NTSTATUS.INVALID_PARAMETER) from None
        if given(creation):
            extra.creation = creation
        if given(change):
            extra.change = (change, self.stat(host).st_ctime_ns)

    # ---- open files ----------------------------------------------------------------------------------------

    def node(self, host: Path) -> FileNode | None:
        return self._nodes.get(host)

    def check_openable(self, host: Path) -> None:
        node = self._nodes.get(host)
        if node is not None and node.delete_pending:
            raise NtError(NTSTATUS.DELETE_PENDING)

    def open_node(self, host: Path) -> FileNode:
        node = self._nodes.setdefault(host, FileNode(host))
        node.opens += 1
        return node

    def release(self, node: FileNode) -> None:
        """One file object on the node is gone; the last one deletes a delete-pending file."""
        node.opens -= 1
        if node.opens:
            return
        del self._nodes[node.host]
        if node.delete_pending:
            try:
                self.remove(node.host)
            except NtError as exc:  # Windows too leaves the file when the delete fails at cleanup
                log.info("delete of %s at its last close failed: %s", node.host, exc)

    def has_open_below(self, directory: Path) -> bool:
        """Whether a file or directory inside `directory` is open (it may then not be renamed)."""
        return any(directory in host.parents for host in self._nodes)

    def is_protected(self, host: Path) -> bool:
        """Whether `host` is a protected folder or below one (C:\\Windows\\Temp's contents are not)."""
        if is_system(host):
            return True
        try:
            parts = [upcase(p) for p in host.relative_to(self.root).parts]
        except ValueError:
            return False
        if not parts or parts[0] not in PROTECTED_FOLDERS:
            return False
        return not (len(parts) > len(USERS_WRITE_BELOW) and tuple(parts[:2]) == USERS_WRITE_BELOW)

    def write_denied(self, host: Path, token: Token) -> bool:
        """Whether the token may not create, change, delete or rename `host` (see the module docstring)."""
        return is_system(host) or (not token.elevated and self.is_protected(host))

    def check_deletable(self, host: Path) -> None:
        """The statuses with which NTFS refuses to mark a file or directory for deletion."""
        if is_system(host):
            raise NtError(NTSTATUS.ACCESS_DENIED)
        if host == self.root:
            raise NtError(NTSTATUS.CANNOT_DELETE)
        if host.is_dir():
            try:
                if any(os.scandir(host)):
                    raise NtError(NTSTATUS.DIRECTORY_NOT_EMPTY)
            except OSError as exc:
                raise NtError(host_status(exc)) from None
        elif self.is_read_only(host):
            raise NtError(NTSTATUS.CANNOT_DELETE)

    def remove(self, host: Path) -> None:
        """Delete a file or an empty directory from the host now, and forget its metadata."""
        try:
            if host.is_dir() and not host.is_symlink():
                os.rmdir(host)
            else:
                os.unlink(host)
        except OSError as exc:
            raise NtError(host_status(exc)) from None
        INDEX.removed(host)
        self._extra.pop(host, None)
        self.reparse.delete(host)

    def rename(self, node: FileNode, target: Path) -> None:
        """Move an open file or directory (checked already) and everything the volume keeps about it."""
        source = node.host
        try:
            os.rename(source, target)
        except OSError as exc:
            raise NtError(host_status(exc)) from None
        INDEX.removed(source)
        INDEX.added(target)
        for host in [h for h in self._extra if h == source or source in h.parents]:
            self._extra[target / host.relative_to(source)] = self._extra.pop(host)
        self.reparse.moved(source, target)
        del self._nodes[source]
        node.host = target
        self._nodes[target] = node
