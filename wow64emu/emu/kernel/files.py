"""File services: NtCreateFile, NtOpenFile, NtReadFile, NtWriteFile, NtQueryInformationFile.

Disk files live in the C: drive sandbox (paths.py). Consoles (console.py) are File objects too, as they are on
Windows 10 (handles on \\Device\\ConDrv), so read, write and query serve both through IoObject.

Choices where Windows is subtle, in the order IoCreateFile and the file systems apply them:
- Parameter checks come first and touch nothing: bad FileAttributes, ShareAccess, disposition or option bits,
  FILE_SYNCHRONOUS_IO_* without SYNCHRONIZE in the raw DesiredAccess, FILE_DELETE_ON_CLOSE without DELETE,
  both synchronous flags, both directory flags, or FILE_DIRECTORY_FILE with a disposition other than
  FILE_CREATE/FILE_OPEN/FILE_OPEN_IF: STATUS_INVALID_PARAMETER. Then the output pointers are probed.
- On failure the IO_STATUS_BLOCK and the handle are left alone (no file object was created).
- An existing directory with FILE_SUPERSEDE/FILE_OVERWRITE(_IF) (no FILE_DIRECTORY_FILE): FILE_IS_A_DIRECTORY,
  which Win32 shows as ERROR_ACCESS_DENIED, as CreateFile(dir, CREATE_ALWAYS) does. A name ending in "\\" that
  names (or would create) a file: OBJECT_NAME_INVALID.
- RootDirectory: a directory handle opens relative to it; a file handle with an empty name reopens that file
  (ReOpenFile), with a non-empty name is STATUS_INVALID_PARAMETER; a console handle is STATUS_NOT_FOUND (what
  Windows 10's condrv answers); another object type is OBJECT_TYPE_MISMATCH.
- Extended attributes are not kept: an EaBuffer gives STATUS_EAS_NOT_SUPPORTED rather than being dropped.
  FILE_OPEN_BY_FILE_ID gives STATUS_NOT_IMPLEMENTED. Share access is validated but not enforced (no
  STATUS_SHARING_VIOLATION between handles).
- The file pointer belongs to synchronous handles (FILE_SYNCHRONOUS_IO_*): there a NULL ByteOffset, or
  FILE_USE_FILE_POINTER_POSITION, uses and advances it. Without those options the handle is asynchronous and a
  ByteOffset is required (STATUS_INVALID_PARAMETER otherwise), as on Windows; the transfer still completes at
  once (Windows may complete such I/O synchronously too) and Event/ApcRoutine are not used.
- A handle with FILE_APPEND_DATA but not FILE_WRITE_DATA always writes at the end of the file.
- Reading at or past the end: STATUS_END_OF_FILE with the IO_STATUS_BLOCK {END_OF_FILE, 0} (as the fast-I/O
  path writes it). A zero-length read succeeds with 0 bytes wherever it is.
- Reading or writing a directory handle: STATUS_INVALID_DEVICE_REQUEST (Win32's ERROR_INVALID_FUNCTION).
"""

from __future__ import annotations

import io
import logging
import os
import struct
from collections.abc import Callable
from typing import TYPE_CHECKING

from ...thunks import layouts as L
from ..status import NTSTATUS
from .errors import NtError
from .handles import KernelObject
from .objects import is_pseudo_handle
from .paths import CapturedAttributes, HostPath, host_status, read_object_attributes, resolve

if TYPE_CHECKING:
    from ..memory import AddressSpace
    from . import Kernel

log = logging.getLogger(__name__)

# Statuses not (yet) in NTSTATUS.

# Access rights.
FILE_READ_DATA = 0x0001  # FILE_LIST_DIRECTORY on a directory
FILE_WRITE_DATA = 0x0002
FILE_APPEND_DATA = 0x0004
FILE_EXECUTE = 0x0020
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

# Create dispositions and what IoStatusBlock.Information says happened.
FILE_SUPERSEDE, FILE_OPEN, FILE_CREATE, FILE_OPEN_IF, FILE_OVERWRITE, FILE_OVERWRITE_IF = range(6)
FILE_SUPERSEDED, FILE_OPENED, FILE_CREATED, FILE_OVERWRITTEN = range(4)

# Create options.
FILE_DIRECTORY_FILE = 0x0001
FILE_SYNCHRONOUS_IO_ALERT = 0x0010
FILE_SYNCHRONOUS_IO_NONALERT = 0x0020
FILE_NON_DIRECTORY_FILE = 0x0040
FILE_DELETE_ON_CLOSE = 0x1000
FILE_OPEN_BY_FILE_ID = 0x2000
FILE_VALID_OPTION_FLAGS = 0x00FFFFFF
FILE_ATTRIBUTE_VALID_FLAGS = 0x00007FB7
FILE_SHARE_VALID_FLAGS = 0x7
SYNCHRONOUS_OPTIONS = FILE_SYNCHRONOUS_IO_ALERT | FILE_SYNCHRONOUS_IO_NONALERT

# ByteOffset values with a meaning of their own.
FILE_WRITE_TO_END_OF_FILE = -1  # LowPart 0xFFFFFFFF, HighPart -1
FILE_USE_FILE_POINTER_POSITION = -2  # LowPart 0xFFFFFFFE, HighPart -1

# Information classes.
FileStandardInformation = 5
FilePositionInformation = 14

FILE_STANDARD_INFORMATION = L.Layout("FILE_STANDARD_INFORMATION", [
    L.Field("AllocationSize", L.F.I64),
    L.Field("EndOfFile", L.F.I64),
    L.Field("NumberOfLinks", L.F.U32),
    L.Field("DeletePending", L.F.U8),
    L.Field("Directory", L.F.U8),
])
FILE_POSITION_INFORMATION = L.Layout("FILE_POSITION_INFORMATION", [L.Field("CurrentByteOffset", L.F.I64)])
CLUSTER = 4096  # NTFS' default cluster: AllocationSize is EndOfFile rounded up to it


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
    """Windows' File object type: what NtReadFile, NtWriteFile and NtQueryInformationFile accept.

    Subclasses override what their device does; the defaults are the answers of a device that does not.
    """

    type_name = "File"
    seekable = True  # whether the object has a file pointer and byte offsets mean anything

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

    def standard_information(self) -> bytes:
        raise NtError(NTSTATUS.INVALID_DEVICE_REQUEST)


class FileObject(IoObject):
    """An open file or directory of the C: drive.

    A directory, or a handle without data rights (attributes only), holds no host file.
    """

    def __init__(self, path: HostPath, host: io.FileIO | None, access: int, options: int) -> None:
        super().__init__(access, options)
        self.path = path
        self.host = host
        self.is_directory = path.is_dir
        self.delete_on_close = bool(options & FILE_DELETE_ON_CLOSE)

    @property
    def nt_name(self) -> str:
        return self.path.nt_name

    def describe(self) -> str:
        return f"{'Directory' if self.is_directory else 'File'} {self.nt_name}"

    def _file(self) -> io.FileIO:
        if self.is_directory or self.host is None:
            raise NtError(NTSTATUS.INVALID_DEVICE_REQUEST)
        return self.host

    def size(self) -> int:
        try:
            if self.host is not None:
                return os.fstat(self.host.fileno()).st_size
            return os.stat(self.path.host).st_size
        except OSError as exc:
            raise NtError(host_status(exc)) from None

    def read(self, offset: int, length: int) -> bytes:
        host = self._file()
        length = min(length, max(0, self.size() - offset))  # no host buffer bigger than what is there
        chunks = []
        try:
            host.seek(offset)
            while length > 0:
                chunk = host.read(length)
                if not chunk:
                    break
                chunks.append(chunk)
                length -= len(chunk)
        except OSError as exc:
            raise NtError(host_status(exc)) from None
        return b"".join(chunks)

    def write(self, offset: int | None, data: bytes) -> int:
        host = self._file()
        try:
            host.seek(0 if offset is None else offset, os.SEEK_END if offset is None else os.SEEK_SET)
            view = memoryview(data)
            while view:
                view = view[host.write(view) or 0:]
            return host.tell()
        except OSError as exc:
            raise NtError(host_status(exc)) from None

    def standard_information(self) -> bytes:
        if self.is_directory:  # NTFS reports no data size and one link for a directory
            values = {"AllocationSize": 0, "EndOfFile": 0, "NumberOfLinks": 1, "DeletePending": 0,
                      "Directory": 1}
        else:
            size = self.size()
            try:
                links = os.stat(self.path.host).st_nlink
            except OSError:
                links = 1
            values = {"AllocationSize": -(-size // CLUSTER) * CLUSTER, "EndOfFile": size,
                      "NumberOfLinks": links, "DeletePending": 0, "Directory": 0}
        return FILE_STANDARD_INFORMATION.pack(values, 64)

    def close(self) -> None:
        if self.host is not None:
            try:
                self.host.close()
            except OSError as exc:
                log.info("closing %s: %s", self.path.host, exc)
        if self.delete_on_close:
            try:
                if self.is_directory:
                    os.rmdir(self.path.host)
                else:
                    os.unlink(self.path.host)
            except OSError as exc:  # Windows too leaves the file when the delete fails at cleanup
                log.info("delete-on-close of %s failed: %s", self.path.host, exc)


def _position_information(obj: IoObject) -> bytes:
    return FILE_POSITION_INFORMATION.pack({"CurrentByteOffset": obj.position}, 64)


# class -> (bytes it needs, what answers it)
_QUERY_CLASSES: dict[int, tuple[int, Callable[[IoObject], bytes]]] = {
    FileStandardInformation: (FILE_STANDARD_INFORMATION.size(64), lambda obj: obj.standard_information()),
    FilePositionInformation: (FILE_POSITION_INFORMATION.size(64), _position_information),
}


class FileServices:
    def __init__(self, kernel: Kernel) -> None:
        self.kernel = kernel

    @property
    def _memory(self) -> AddressSpace:
        return self.kernel.process.memory

    def _io_object(self, handle: int) -> IoObject:
        """The File object behind a handle; the pseudo handles name a process, a thread or a token."""
        if is_pseudo_handle(handle):
            raise NtError(NTSTATUS.OBJECT_TYPE_MISMATCH)
        return self.kernel.process.handles.get(handle, IoObject)

    # ---- open ----------------------------------------------------------------------------------------------

    def NtCreateFile(self, FileHandle: int, DesiredAccess: int, ObjectAttributes: int, IoStatusBlock: int,
                     AllocationSize: int, FileAttributes: int, ShareAccess: int, CreateDisposition: int,
                     CreateOptions: int, EaBuffer: int, EaLength: int) -> int:
        return self._create(FileHandle, DesiredAccess & 0xFFFFFFFF, ObjectAttributes, IoStatusBlock,
                            AllocationSize, FileAttributes & 0xFFFFFFFF, ShareAccess & 0xFFFFFFFF,
                            CreateDisposition & 0xFFFFFFFF, CreateOptions & 0xFFFFFFFF, EaBuffer,
                            EaLength & 0xFFFFFFFF)

    def NtOpenFile(self, FileHandle: int, DesiredAccess: int, ObjectAttributes: int, IoStatusBlock: int,
                   ShareAccess: int, OpenOptions: int) -> int:
        return self._create(FileHandle, DesiredAccess & 0xFFFFFFFF, ObjectAttributes, IoStatusBlock, 0, 0,
                            ShareAccess & 0xFFFFFFFF, FILE_OPEN, OpenOptions & 0xFFFFFFFF, 0, 0)

    def _create(self, handle_out: int, desired: int, oa_address: int, iosb: int, allocation_size: int,
                attributes: int, share: int, disposition: int, options: int, ea_buffer: int,
                ea_length: int) -> int:
        _check_create_parameters(desired, attributes, share, disposition, options)
        memory = self._memory
        memory.probe(handle_out, 8, write=True)
        memory.probe(iosb, L.IO_STATUS_BLOCK.size(64), write=True)
        if allocation_size:
            memory.read(allocation_size, 8)  # captured as Windows does; a preallocation hint only
        if ea_buffer and ea_length:
            memory.probe(ea_buffer, ea_length)
            raise NtError(NTSTATUS.EAS_NOT_SUPPORTED)
        if options & FILE_OPEN_BY_FILE_ID:
            log.warning("NtCreateFile: FILE_OPEN_BY_FILE_ID is not implemented")
            raise NtError(NTSTATUS.NOT_IMPLEMENTED)
        target = self._target(read_object_attributes(memory, oa_address))
        obj, information = _open(target, map_generic(desired), disposition, options)
        handle = self.kernel.process.handles.insert(obj)
        memory.write_u64(handle_out, handle)
        write_iosb(memory, iosb, NTSTATUS.SUCCESS, information)
        return NTSTATUS.SUCCESS

    def _target(self, oa: CapturedAttributes) -> HostPath:
        root = self.kernel.process.root
        if not oa.root_directory:
            if oa.name is None:
                raise NtError(NTSTATUS.OBJECT_PATH_SYNTAX_BAD)
            return resolve(root, oa.name)
        base = self.kernel.process.handles.get(oa.root_directory, KernelObject)
        if not isinstance(base, IoObject):
            raise NtError(NTSTATUS.OBJECT_TYPE_MISMATCH)
        if not isinstance(base, FileObject):
            raise NtError(NTSTATUS.NOT_FOUND)
        if oa.name and not base.is_directory:
            raise NtError(NTSTATUS.INVALID_PARAMETER)
        return resolve(root, oa.name or "", base.path)

    # ---- read and write ------------------------------------------------------------------------------------

    def NtReadFile(self, FileHandle: int, Event: int, ApcRoutine: int, ApcContext: int, IoStatusBlock: int,
                   Buffer: int, Length: int, ByteOffset: int, Key: int) -> int:
        length = Length & 0xFFFFFFFF
        obj = self._io_object(FileHandle)
        if not obj.access & FILE_READ_DATA:
            raise NtError(NTSTATUS.ACCESS_DENIED)
        memory = self._memory
        memory.probe(IoStatusBlock, L.IO_STATUS_BLOCK.size(64), write=True)
        memory.probe(Buffer, length, write=True)
        offset = self._offset(obj, ByteOffset)
        if offset is None or offset < 0:
            raise NtError(NTSTATUS.INVALID_PARAMETER)
        data = obj.read(offset, length) if length else b""
        if length and not data:
            write_iosb(memory, IoStatusBlock, NTSTATUS.END_OF_FILE, 0)
            return NTSTATUS.END_OF_FILE
        memory.write(Buffer, data)
        if obj.synchronous and obj.seekable:
            obj.position = offset + len(data)
        write_iosb(memory, IoStatusBlock, NTSTATUS.SUCCESS, len(data))
        return NTSTATUS.SUCCESS

    def NtWriteFile(self, FileHandle: int, Event: int, ApcRoutine: int, ApcContext: int, IoStatusBlock: int,
                    Buffer: int, Length: int, ByteOffset: int, Key: int) -> int:
        length = Length & 0xFFFFFFFF
        obj = self._io_object(FileHandle)
        if not obj.access & (FILE_WRITE_DATA | FILE_APPEND_DATA):
            raise NtError(NTSTATUS.ACCESS_DENIED)
        memory = self._memory
        memory.probe(IoStatusBlock, L.IO_STATUS_BLOCK.size(64), write=True)
        data = memory.read(Buffer, length)
        offset = self._offset(obj, ByteOffset)
        if not obj.access & FILE_WRITE_DATA or offset == FILE_WRITE_TO_END_OF_FILE:
            offset = None  # append-only handles, and FILE_WRITE_TO_END_OF_FILE
        elif offset is None or offset < 0:
            raise NtError(NTSTATUS.INVALID_PARAMETER)
        if data:
            end = obj.write(offset, data)
            if obj.synchronous and obj.seekable:
                obj.position = end
        write_iosb(memory, IoStatusBlock, NTSTATUS.SUCCESS, len(data))
        return NTSTATUS.SUCCESS

    def _offset(self, obj: IoObject, pointer: int) -> int | None:
        """The byte offset a transfer starts at: the file pointer where it stands in, else the one given.

        None when an asynchronous handle got none (or asked for the file pointer it does not have).
        """
        offset = struct.unpack("<q", self._memory.read(pointer, 8))[0] if pointer else None
        if not obj.seekable:
            return 0
        if offset is None or offset == FILE_USE_FILE_POINTER_POSITION:
            return obj.position if obj.synchronous else None
        return offset

    # ---- query ---------------------------------------------------------------------------------------------

    def NtQueryInformationFile(self, FileHandle: int, IoStatusBlock: int, FileInformation: int, Length: int,
                               FileInformationClass: int) -> int:
        """The classes in _QUERY_CLASSES; every other class is STATUS_INVALID_INFO_CLASS (logged)."""
        info_class, length = FileInformationClass & 0xFFFFFFFF, Length & 0xFFFFFFFF
        entry = _QUERY_CLASSES.get(info_class)
        if entry is None:
            log.warning("NtQueryInformationFile: information class %d is not implemented", info_class)
            raise NtError(NTSTATUS.INVALID_INFO_CLASS)
        needed, answer = entry
        if length < needed:
            raise NtError(NTSTATUS.INFO_LENGTH_MISMATCH)
        memory = self._memory
        memory.probe(IoStatusBlock, L.IO_STATUS_BLOCK.size(64), write=True)
        memory.probe(FileInformation, length, write=True)
        data = answer(self._io_object(FileHandle))
        memory.write(FileInformation, data)
        write_iosb(memory, IoStatusBlock, NTSTATUS.SUCCESS, len(data))
        return NTSTATUS.SUCCESS


def _check_create_parameters(desired: int, attributes: int, share: int, disposition: int,
                             options: int) -> None:
    """IoCreateFile's checks on a caller's parameters, before anything is probed or opened."""
    directory = options & FILE_DIRECTORY_FILE
    invalid = (
        attributes & ~FILE_ATTRIBUTE_VALID_FLAGS
        or share & ~FILE_SHARE_VALID_FLAGS
        or disposition > FILE_OVERWRITE_IF
        or options & ~FILE_VALID_OPTION_FLAGS
        or (options & SYNCHRONOUS_OPTIONS and not desired & SYNCHRONIZE)
        or (options & FILE_DELETE_ON_CLOSE and not desired & DELETE)
        or options & SYNCHRONOUS_OPTIONS == SYNCHRONOUS_OPTIONS
        or (directory and options & FILE_NON_DIRECTORY_FILE)
        or (directory and disposition not in (FILE_CREATE, FILE_OPEN, FILE_OPEN_IF))
    )
    if invalid:
        raise NtError(NTSTATUS.INVALID_PARAMETER)


def _open(target: HostPath, access: int, disposition: int, options: int) -> tuple[FileObject, int]:
    """Apply the disposition to the host; returns the new file object and IoStatusBlock.Information."""
    want_directory = bool(options & FILE_DIRECTORY_FILE)
    truncate = False
    if target.exists:
        if disposition == FILE_CREATE:
            raise NtError(NTSTATUS.OBJECT_NAME_COLLISION)
        if target.is_dir:
            if options & FILE_NON_DIRECTORY_FILE or disposition not in (FILE_OPEN, FILE_OPEN_IF):
                raise NtError(NTSTATUS.FILE_IS_A_DIRECTORY)
        else:
            if want_directory:
                raise NtError(NTSTATUS.NOT_A_DIRECTORY)
            if target.trailing_backslash:
                raise NtError(NTSTATUS.OBJECT_NAME_INVALID)
        truncate = disposition in (FILE_SUPERSEDE, FILE_OVERWRITE, FILE_OVERWRITE_IF)
        information = {FILE_SUPERSEDE: FILE_SUPERSEDED, FILE_OVERWRITE: FILE_OVERWRITTEN,
                       FILE_OVERWRITE_IF: FILE_OVERWRITTEN}.get(disposition, FILE_OPENED)
    else:
        if disposition in (FILE_OPEN, FILE_OVERWRITE):
            raise NtError(NTSTATUS.OBJECT_NAME_NOT_FOUND)
        if target.trailing_backslash and not want_directory:
            raise NtError(NTSTATUS.OBJECT_NAME_INVALID)
        information = FILE_CREATED
    try:
        if not target.exists:
            if want_directory:
                os.mkdir(target.host)
            else:
                os.close(os.open(target.host, os.O_CREAT | os.O_EXCL | os.O_WRONLY | _O_BINARY, 0o666))
        elif truncate:
            os.truncate(target.host, 0)
        target = target.refreshed()
        host = None if target.is_dir else _open_host(target, access)
    except OSError as exc:
        raise NtError(host_status(exc)) from None
    return FileObject(target, host, access, options), information


_O_BINARY = getattr(os, "O_BINARY", 0)


def _open_host(target: HostPath, access: int) -> io.FileIO | None:
    """The host file for the data rights granted; None when the handle has none (attributes-only opens)."""
    reads = bool(access & (FILE_READ_DATA | FILE_EXECUTE))
    writes = bool(access & (FILE_WRITE_DATA | FILE_APPEND_DATA))
    if not (reads or writes):
        return None
    flags = os.O_RDWR if reads and writes else os.O_WRONLY if writes else os.O_RDONLY
    fd = os.open(target.host, flags | _O_BINARY)
    mode = "r+b" if reads and writes else "wb" if writes else "rb"
    return io.FileIO(fd, mode, closefd=True)
