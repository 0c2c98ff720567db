"""File objects, and what every I/O service shares: access rights, options, the IO_STATUS_BLOCK, handle lookups.

Disk files and directories are FileObjects on the C: volume (volume.py). Consoles (console.py) are File objects
too, as they are on Windows 10 (handles on \\Device\\ConDrv), so the services reach both through IoObject, whose
defaults are the answers of a device that does not do what is asked: STATUS_INVALID_DEVICE_REQUEST.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from ..log import getLogger
from ..nt import layouts as L
from ..nt.status import NTSTATUS
from .errors import NtError
from .filevirtual import store_copy
from .handles import KernelObject, is_pseudo_handle
from .hostfiles import HostFile
from .paths import CapturedAttributes, HostPath, host_status, resolve
from .volume import FileInfo, FileNode, Volume

if TYPE_CHECKING:
    from ..emu.memory import AddressSpace
    from .directory import DirectoryScan
    from .system import System
    from .threadobject import Thread

log = getLogger(__name__)

# Access rights.
FILE_READ_DATA = 0x0001  # FILE_LIST_DIRECTORY on a directory
FILE_LIST_DIRECTORY = FILE_READ_DATA
FILE_WRITE_DATA = 0x0002
FILE_APPEND_DATA = 0x0004
FILE_EXECUTE = 0x0020
FILE_READ_ATTRIBUTES = 0x0080
FILE_WRITE_ATTRIBUTES = 0x0100
DELETE = 0x00010000
SYNCHRONIZE = 0x00100000
MAXIMUM_ALLOWED = 0x02000000
GENERIC_READ = 0x80000000
GENERIC_WRITE = 0x40000000
GENERIC_EXECUTE = 0x20000000
GENERIC_ALL = 0x10000000
FILE_GENERIC_READ = 0x00120089
FILE_GENERIC_WRITE = 0x00120116
FILE_GENERIC_EXECUTE = 0x001200A0
FILE_ALL_ACCESS = 0x001F01FF

# Create and open options.
FILE_DIRECTORY_FILE = 0x0001
FILE_WRITE_THROUGH = 0x0002
FILE_SEQUENTIAL_ONLY = 0x0004
FILE_NO_INTERMEDIATE_BUFFERING = 0x0008
FILE_SYNCHRONOUS_IO_ALERT = 0x0010
FILE_SYNCHRONOUS_IO_NONALERT = 0x0020
FILE_NON_DIRECTORY_FILE = 0x0040
FILE_DELETE_ON_CLOSE = 0x1000
FILE_OPEN_BY_FILE_ID = 0x2000
FILE_OPEN_REPARSE_POINT = 0x00200000
FILE_VALID_OPTION_FLAGS = 0x00FFFFFF
SYNCHRONOUS_OPTIONS = FILE_SYNCHRONOUS_IO_ALERT | FILE_SYNCHRONOUS_IO_NONALERT
# The options FileModeInformation reports.
MODE_OPTIONS = (FILE_WRITE_THROUGH | FILE_SEQUENTIAL_ONLY | FILE_NO_INTERMEDIATE_BUFFERING | SYNCHRONOUS_OPTIONS
                | FILE_DELETE_ON_CLOSE)

# Device types and characteristics (FileFsDeviceInformation).
FILE_DEVICE_DISK = 0x07
FILE_DEVICE_CONSOLE = 0x50
FILE_DEVICE_IS_MOUNTED = 0x20

OBJ_DONT_REPARSE = 0x1000


def map_generic(access: int) -> int:
    """DesiredAccess with generic rights and MAXIMUM_ALLOWED mapped to file rights (the File mapping)."""
    mapped = access & ~(GENERIC_READ | GENERIC_WRITE | GENERIC_EXECUTE | GENERIC_ALL | MAXIMUM_ALLOWED)
    for generic, specific in ((GENERIC_READ, FILE_GENERIC_READ), (GENERIC_WRITE, FILE_GENERIC_WRITE),
                              (GENERIC_EXECUTE, FILE_GENERIC_EXECUTE), (GENERIC_ALL, FILE_ALL_ACCESS),
                              (MAXIMUM_ALLOWED, FILE_ALL_ACCESS)):
        if access & generic:
            mapped |= specific
    return mapped


def write_iosb(memory: AddressSpace, address: int, status: int, information: int) -> None:
    """The 64-bit IO_STATUS_BLOCK: Status in the low half of its pointer-sized union, Information after it."""
    values = {"Status": status & 0xFFFFFFFF, "Information": information}
    memory.write(address, L.IO_STATUS_BLOCK.pack(values, 64))


class IoObject(KernelObject):
    """Windows' File object type: what the I/O services accept.

    Subclasses override what their device does; the defaults are the answers of a device that does not.
    """

    type_name = "File"
    short_name_status = NTSTATUS.BUFFER_OVERFLOW
    seekable = True  # whether the object has a file pointer and byte offsets mean anything
    device_type = 0  # FileFsDeviceInformation
    characteristics = 0

    def __init__(self, access: int, options: int) -> None:
        self.access = access  # granted rights, generic rights already mapped
        self.options = options
        self.position = 0

    @property
    def synchronous(self) -> bool:
        return bool(self.options & SYNCHRONOUS_OPTIONS)

    def read(self, offset: int, length: int) -> bytes:
        """Up to `length` bytes at `offset`; empty only at the end (for length > 0)."""
        raise NtError(NTSTATUS.INVALID_DEVICE_REQUEST)

    def write(self, offset: int | None, data: bytes) -> int:
        """Write at `offset` (None: at the end of the file); returns the offset just after the data."""
        raise NtError(NTSTATUS.INVALID_DEVICE_REQUEST)

    def flush(self) -> None:
        raise NtError(NTSTATUS.INVALID_DEVICE_REQUEST)

    def device_control(self, thread: Thread, code: int, input_buffer: int, input_length: int, output_buffer: int,
                       output_length: int) -> int:
        """Serve an IOCTL; returns the IO_STATUS_BLOCK's Information. No control code is known by default."""
        raise NtError(NTSTATUS.INVALID_DEVICE_REQUEST)

    def on_volume(self) -> FileObject:
        """The object as a file of the C: volume, for the file-system requests (information, directories)."""
        raise NtError(NTSTATUS.INVALID_DEVICE_REQUEST)


class FileObject(IoObject):
    """An open file or directory of the C: drive.

    A directory, or a handle without data rights (attributes only), holds no host file.
    """

    device_type = FILE_DEVICE_DISK
    characteristics = FILE_DEVICE_IS_MOUNTED

    def __init__(self, volume: Volume, node: FileNode, host: HostFile | None, access: int, options: int) -> None:
        super().__init__(access, options)
        self.volume = volume
        self.node = node
        self.host = host
        self.is_directory = node.host.is_dir()
        self.delete_on_close = bool(options & FILE_DELETE_ON_CLOSE)
        self.scan: DirectoryScan | None = None  # the state of NtQueryDirectoryFile on a directory handle

    @property
    def path(self) -> HostPath:
        return self.volume.host_path(self.node.host)

    @property
    def nt_name(self) -> str:
        return self.volume.nt_name(self.node.host)

    def describe(self) -> str:
        return f"{'Directory' if self.is_directory else 'File'} {self.nt_name}"

    def query_name(self) -> str:
        """The name the I/O manager gives the file: its path on the volume's device."""
        return self.volume.device_name(self.node.host)

    def on_volume(self) -> FileObject:
        return self

    def info(self) -> FileInfo:
        return self.volume.info(self.node.host)

    def _file(self) -> HostFile:
        if self.is_directory or self.host is None:
            raise NtError(NTSTATUS.INVALID_DEVICE_REQUEST)
        return self.host

    def size(self) -> int:
        return self.volume.stat(self.node.host).st_size

    def read(self, offset: int, length: int) -> bytes:
        host = self._file()
        length = min(length, max(0, self.size() - offset))  # no host buffer bigger than what is there
        try:
            return host.pread(length, offset)
        except OSError as exc:
            raise NtError(host_status(exc)) from None

    def write(self, offset: int | None, data: bytes) -> int:
        """Write at `offset`, or at the end of the file with None; the offset just past what was written."""
        try:
            return self._file().pwrite(data, offset)
        except OSError as exc:
            raise NtError(host_status(exc)) from None

    def truncate(self, size: int) -> None:
        try:
            self._file().truncate(size)
        except OSError as exc:
            raise NtError(host_status(exc)) from None

    def flush(self) -> None:
        if self.host is not None:
            try:
                self.host.sync()
            except OSError as exc:
                raise NtError(host_status(exc)) from None

    def close(self) -> None:
        """The last handle to the object is gone (cleanup): delete-on-close marks the file for deletion."""
        if self.host is not None:
            try:
                self.host.close()
            except OSError as exc:
                log.info("closing %s: %s", self.node.host, exc)
        if self.delete_on_close:
            self.node.delete_pending = True
        self.volume.release(self.node)


class IoServices:
    """What the I/O service areas share: the System's C: volume, handle and name lookups."""

    def __init__(self, system: System) -> None:
        self.system = system
        self.volume = system.volume

    def _io_object(self, thread: Thread, handle: int, access: int = 0) -> IoObject:
        """The File object behind a handle, with the rights asked for (STATUS_ACCESS_DENIED without them).

        The pseudo handles name a process, a thread or a token: STATUS_OBJECT_TYPE_MISMATCH.
        """
        if is_pseudo_handle(handle):
            raise NtError(NTSTATUS.OBJECT_TYPE_MISMATCH)
        obj = thread.process.handles.get(handle, IoObject)
        if access & ~obj.access:
            raise NtError(NTSTATUS.ACCESS_DENIED)
        return obj

    def _query(self, thread: Thread, call: str, classes: dict[int, tuple[int, Callable[[IoObject], bytes]]],
               handle: int, iosb: int, buffer: int, length: int, info_class: int) -> int:
        """A query by information class, checked in the I/O manager's order: the class (logged when not served),
        the length against the class's structure size, the pointers, then the handle. An answer longer than
        the buffer (a name that does not fit) is cut to fit, with STATUS_BUFFER_OVERFLOW."""
        entry = classes.get(info_class)
        if entry is None:
            log.warning("%s: information class %d is not implemented", call, info_class)
            raise NtError(NTSTATUS.INVALID_INFO_CLASS)
        needed, answer = entry
        if length < needed:
            raise NtError(NTSTATUS.INFO_LENGTH_MISMATCH)
        memory = thread.process.memory
        memory.probe(iosb, L.IO_STATUS_BLOCK.size(64), write=True)
        memory.probe(buffer, length, write=True)
        data = answer(self._io_object(thread, handle))
        status = NTSTATUS.SUCCESS if len(data) <= length else NTSTATUS.BUFFER_OVERFLOW
        data = data[:length]
        memory.write(buffer, data)
        write_iosb(memory, iosb, status, len(data))
        return status

    def _target(self, thread: Thread, oa: CapturedAttributes, open_link: bool = False) -> HostPath:
        """The host path an OBJECT_ATTRIBUTES names, from the drive's root or from its RootDirectory handle,
        through the drive's reparse points (the last one not followed with `open_link`; none with OBJ_DONT_REPARSE).

        A file handle as RootDirectory with an empty name stands for that file (ReOpenFile), with a name is
        STATUS_INVALID_PARAMETER; a console handle is STATUS_NOT_FOUND (what Windows 10's condrv answers);
        another object type, a pseudo handle among them, is OBJECT_TYPE_MISMATCH.
        """
        root = self.volume.root
        dont_reparse = bool(oa.attributes & OBJ_DONT_REPARSE)
        if not oa.root_directory:
            if oa.name is None:
                raise NtError(NTSTATUS.OBJECT_PATH_SYNTAX_BAD)
            return resolve(root, oa.name, None, self.volume.reparse, open_link, dont_reparse)
        if is_pseudo_handle(oa.root_directory):
            raise NtError(NTSTATUS.OBJECT_TYPE_MISMATCH)
        base = thread.process.handles.get(oa.root_directory, KernelObject)
        if not isinstance(base, IoObject):
            raise NtError(NTSTATUS.OBJECT_TYPE_MISMATCH)
        if not isinstance(base, FileObject):
            raise NtError(NTSTATUS.NOT_FOUND)
        if oa.name and not base.is_directory:
            raise NtError(NTSTATUS.INVALID_PARAMETER)
        return resolve(root, oa.name or "", base.path, self.volume.reparse, open_link, dont_reparse)

    def _existing(self, thread: Thread, oa: CapturedAttributes, open_link: bool = False) -> HostPath:
        """An existing file or directory named by OBJECT_ATTRIBUTES, as an open of it would find it (a virtualized
        process's copy in the virtual store first: filevirtual.py)."""
        copy = store_copy(self.volume, thread, None if oa.root_directory else oa.name)
        target = copy if copy is not None else self._target(thread, oa, open_link)
        if not target.exists:
            raise NtError(NTSTATUS.OBJECT_NAME_NOT_FOUND)
        if target.trailing_backslash and not target.is_dir:
            raise NtError(NTSTATUS.OBJECT_NAME_INVALID)
        self.volume.check_openable(target.host)
        return target
