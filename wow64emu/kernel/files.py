"""File services: opening, reading and writing, flushing and deleting files of the C: drive.

The information classes (fileinfo.py), directory listings (directory.py) and volume information (fsinfo.py) are
mixins of FileServices; what they share is in fileobject.py, the volume's state in volume.py.

Choices where Windows is subtle, in the order IoCreateFile and the file systems apply them:
- Parameter checks come first and touch nothing: bad FileAttributes, ShareAccess, disposition or option bits,
  FILE_SYNCHRONOUS_IO_* without SYNCHRONIZE in the raw DesiredAccess, FILE_DELETE_ON_CLOSE without DELETE,
  both synchronous flags, both directory flags, or FILE_DIRECTORY_FILE with a disposition other than
  FILE_CREATE/FILE_OPEN/FILE_OPEN_IF: STATUS_INVALID_PARAMETER. Then the output pointers are probed.
- On failure the IO_STATUS_BLOCK and the handle are left alone (no file object was created).
- An existing directory with FILE_SUPERSEDE/FILE_OVERWRITE(_IF) (no FILE_DIRECTORY_FILE): FILE_IS_A_DIRECTORY,
  which Win32 shows as ERROR_ACCESS_DENIED, as CreateFile(dir, CREATE_ALWAYS) does. A name ending in "\\" that
  names (or would create) a file: OBJECT_NAME_INVALID.
- A read-only file: opening it for writing or appending data, or overwriting it, is ACCESS_DENIED; opening it
  FILE_DELETE_ON_CLOSE is CANNOT_DELETE. A delete-pending file cannot be opened: DELETE_PENDING.
- In the system folders (paths.py) creating anything, overwriting, or opening for data writes, attribute writes
  or delete is ACCESS_DENIED.
- FileAttributes apply to a file or directory the call creates (new files also get ARCHIVE, as on NTFS), and
  replace those of a file it overwrites.
- FILE_DELETE_ON_CLOSE on a non-empty directory is accepted and silently does nothing when the directory is
  closed, as Microsoft's file-system behaviour notes describe for NTFS.
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
- NtFlushBuffersFile needs a handle with FILE_WRITE_DATA or FILE_APPEND_DATA (ACCESS_DENIED otherwise); a
  directory has nothing to flush; the console answers INVALID_DEVICE_REQUEST.
- NtDeviceIoControlFile: the handle's device serves the control code; a disk file, a directory and the null
  device know none (STATUS_INVALID_DEVICE_REQUEST), the console connection serves the console API (console.py).
- NtDeleteFile deletes at once, or marks the file delete-pending when handles are open on it (it goes with the
  last one). The root directory and read-only files: CANNOT_DELETE; a non-empty directory: DIRECTORY_NOT_EMPTY.
"""

from __future__ import annotations

import os
import struct
from typing import TYPE_CHECKING

from ..log import getLogger
from ..nt import layouts as L
from ..nt.status import NTSTATUS
from .devices import device_name, open_device
from .dirindex import INDEX
from .errors import Alerted, NtError
from .fileobject import (
    DELETE,
    FILE_APPEND_DATA,
    FILE_DELETE_ON_CLOSE,
    FILE_DIRECTORY_FILE,
    FILE_EXECUTE,
    FILE_NON_DIRECTORY_FILE,
    FILE_OPEN_BY_FILE_ID,
    FILE_OPEN_REPARSE_POINT,
    FILE_READ_DATA,
    FILE_VALID_OPTION_FLAGS,
    FILE_WRITE_ATTRIBUTES,
    FILE_WRITE_DATA,
    SYNCHRONIZE,
    SYNCHRONOUS_OPTIONS,
    FileObject,
    IoObject,
    IoServices,
    map_generic,
    write_iosb,
)
from .filevirtual import virtualized_target
from .hostfiles import HostFile, HostFiles
from .paths import HostPath, host_status, read_object_attributes
from .pipes import ShortWrite, open_client
from .volume import FILE_ATTRIBUTE_ARCHIVE, FILE_ATTRIBUTE_VALID_FLAGS, FileNode
from .waits import Restart, redone

if TYPE_CHECKING:
    from .threadobject import Thread
    from .token import Token

log = getLogger(__name__)

# Create dispositions and what IoStatusBlock.Information says happened.
FILE_SUPERSEDE, FILE_OPEN, FILE_CREATE, FILE_OPEN_IF, FILE_OVERWRITE, FILE_OVERWRITE_IF = range(6)
FILE_SUPERSEDED, FILE_OPENED, FILE_CREATED, FILE_OVERWRITTEN = range(4)

FILE_SHARE_VALID_FLAGS = 0x7

# The rights a user is not granted in the system folders: writing data or attributes, deleting.
_SYSTEM_DENIED = FILE_WRITE_DATA | FILE_APPEND_DATA | FILE_WRITE_ATTRIBUTES | DELETE

# ByteOffset values with a meaning of their own.
FILE_WRITE_TO_END_OF_FILE = -1  # LowPart 0xFFFFFFFF, HighPart -1
FILE_USE_FILE_POINTER_POSITION = -2  # LowPart 0xFFFFFFFE, HighPart -1


class FileServices(IoServices):
    # ---- open ----------------------------------------------------------------------------------------------

    def NtCreateFile(self, thread: Thread, FileHandle: int, DesiredAccess: int, ObjectAttributes: int,
                     IoStatusBlock: int, AllocationSize: int, FileAttributes: int, ShareAccess: int,
                     CreateDisposition: int, CreateOptions: int, EaBuffer: int, EaLength: int) -> int:
        return self._create(thread, FileHandle, DesiredAccess & 0xFFFFFFFF, ObjectAttributes, IoStatusBlock,
                            AllocationSize, FileAttributes & 0xFFFFFFFF, ShareAccess & 0xFFFFFFFF,
                            CreateDisposition & 0xFFFFFFFF, CreateOptions & 0xFFFFFFFF, EaBuffer,
                            EaLength & 0xFFFFFFFF)

    def NtOpenFile(self, thread: Thread, FileHandle: int, DesiredAccess: int, ObjectAttributes: int, IoStatusBlock: int,
                   ShareAccess: int, OpenOptions: int) -> int:
        return self._create(thread, FileHandle, DesiredAccess & 0xFFFFFFFF, ObjectAttributes, IoStatusBlock, 0, 0,
                            ShareAccess & 0xFFFFFFFF, FILE_OPEN, OpenOptions & 0xFFFFFFFF, 0, 0)

    def _create(self, thread: Thread, handle_out: int, desired: int, oa_address: int, iosb: int, allocation_size: int,
                attributes: int, share: int, disposition: int, options: int, ea_buffer: int,
                ea_length: int) -> int:
        _check_create_parameters(desired, attributes, share, disposition, options)
        memory = thread.process.memory
        memory.probe(handle_out, 8, write=True)
        memory.read(handle_out, 8)  # its page present now: writing the handle cannot fail once the file is open
        memory.probe(iosb, L.IO_STATUS_BLOCK.size(64), write=True)
        if allocation_size:
            memory.read(allocation_size, 8)  # captured as Windows does; a preallocation hint only
        if ea_buffer and ea_length:
            memory.probe(ea_buffer, ea_length)
            raise NtError(NTSTATUS.EAS_NOT_SUPPORTED)
        if options & FILE_OPEN_BY_FILE_ID:
            log.warning("NtCreateFile: FILE_OPEN_BY_FILE_ID is not implemented")
            raise NtError(NTSTATUS.NOT_IMPLEMENTED)
        oa = read_object_attributes(memory, oa_address)
        device = device_name(oa.name) if oa.name and not oa.root_directory else None
        pipe = open_client(thread, self.system.pipes, oa, map_generic(desired), options)
        if pipe is not None:
            obj, information = pipe, FILE_OPENED
        elif device is not None:
            obj, information = open_device(thread.process, device, map_generic(desired)), FILE_OPENED
        else:
            open_link = bool(options & FILE_OPEN_REPARSE_POINT)
            target = virtualized_target(
                self.volume, thread, None if oa.root_directory else oa.name,
                lambda: self._target(thread, oa, open_link), writes=bool(map_generic(desired) & _SYSTEM_DENIED),
                creates=disposition not in (FILE_OPEN, FILE_OVERWRITE),
                overwrites=disposition in (FILE_SUPERSEDE, FILE_OVERWRITE, FILE_OVERWRITE_IF))
            obj, information = self._open(target, map_generic(desired), disposition, options, attributes,
                                          thread.effective_token())
        try:
            handle = thread.process.handles.insert(obj, attributes=oa.attributes)
        except NtError:  # no handle for it (the table or the commit limit is full): the open is undone
            obj.close()
            raise
        memory.write_u64(handle_out, handle)
        write_iosb(memory, iosb, NTSTATUS.SUCCESS, information)
        return NTSTATUS.SUCCESS

    def _open(self, target: HostPath, access: int, disposition: int, options: int,
              attributes: int, token: Token) -> tuple[FileObject, int]:
        """Apply the disposition to the host; returns the new file object and IoStatusBlock.Information."""
        volume = self.volume
        want_directory = bool(options & FILE_DIRECTORY_FILE)
        truncate = False
        if target.exists:
            if disposition == FILE_CREATE:
                raise NtError(NTSTATUS.OBJECT_NAME_COLLISION)
            volume.check_openable(target.host)
            if target.is_dir:
                if options & FILE_NON_DIRECTORY_FILE or disposition not in (FILE_OPEN, FILE_OPEN_IF):
                    raise NtError(NTSTATUS.FILE_IS_A_DIRECTORY)
            else:
                if want_directory:
                    raise NtError(NTSTATUS.NOT_A_DIRECTORY)
                if target.trailing_backslash:
                    raise NtError(NTSTATUS.OBJECT_NAME_INVALID)
            truncate = disposition in (FILE_SUPERSEDE, FILE_OVERWRITE, FILE_OVERWRITE_IF)
            if not target.is_dir and volume.is_read_only(target.host):
                _check_read_only_open(access, options, truncate)
            information = {FILE_SUPERSEDE: FILE_SUPERSEDED, FILE_OVERWRITE: FILE_OVERWRITTEN,
                           FILE_OVERWRITE_IF: FILE_OVERWRITTEN}.get(disposition, FILE_OPENED)
        else:
            if disposition in (FILE_OPEN, FILE_OVERWRITE):
                raise NtError(NTSTATUS.OBJECT_NAME_NOT_FOUND)
            if target.trailing_backslash and not want_directory:
                raise NtError(NTSTATUS.OBJECT_NAME_INVALID)
            information = FILE_CREATED
        if volume.write_denied(target.host, token) and (not target.exists or truncate or access & _SYSTEM_DENIED):
            raise NtError(NTSTATUS.ACCESS_DENIED)  # the system and protected folders (paths.py, volume.py)
        try:
            if not target.exists:
                if want_directory:
                    os.mkdir(target.host)
                else:
                    os.close(os.open(target.host, os.O_CREAT | os.O_EXCL | os.O_WRONLY | _O_BINARY, 0o666))
            elif truncate:
                os.truncate(target.host, 0)
        except OSError as exc:
            raise NtError(host_status(exc)) from None
        if not target.exists:
            INDEX.added(target.host)
        node = volume.open_node(target.host)
        host = None
        try:
            host = None if target.host.is_dir() else _open_host(volume.files, node, access)
            if not target.exists:
                volume.created(target.host, attributes)
            elif truncate:
                volume.set_attributes(target.host, attributes | FILE_ATTRIBUTE_ARCHIVE)
        except (OSError, NtError) as exc:  # nothing opened after all: the node's open goes too
            if host is not None:
                host.close()
            volume.release(node)
            raise exc if isinstance(exc, NtError) else NtError(host_status(exc)) from None
        return FileObject(volume, node, host, access, options), information

    # ---- read and write ------------------------------------------------------------------------------------

    def NtReadFile(self, thread: Thread, FileHandle: int, Event: int, ApcRoutine: int, ApcContext: int,
                   IoStatusBlock: int, Buffer: int, Length: int, ByteOffset: int, Key: int) -> int:
        length = Length & 0xFFFFFFFF
        obj = self._io_object(thread, FileHandle, FILE_READ_DATA)
        memory = thread.process.memory
        memory.probe(IoStatusBlock, L.IO_STATUS_BLOCK.size(64), write=True)
        memory.probe(Buffer, length, write=True)
        offset = self._offset(thread, obj, ByteOffset)
        if offset is None or offset < 0:
            raise NtError(NTSTATUS.INVALID_PARAMETER)
        done = 0
        while done < length:  # by pieces: the host holds one piece at a time, not the guest's whole buffer
            if done:
                thread.process.system.check_deadline("NtReadFile")
            piece = min(length - done, _PIECE)
            try:
                data = obj.read(offset + done, piece)
            except Alerted:  # the console's read, ended by Ctrl-C: nothing read (its first and only piece)
                write_iosb(memory, IoStatusBlock, NTSTATUS.ALERTED, 0)
                return NTSTATUS.ALERTED
            memory.write(Buffer + done, data)
            done += len(data)
            if len(data) < piece or not obj.seekable:  # the end of the file; a device gives what it has, once
                break
        if length and not done:
            write_iosb(memory, IoStatusBlock, NTSTATUS.END_OF_FILE, 0)
            return NTSTATUS.END_OF_FILE
        if obj.synchronous and obj.seekable:
            obj.position = offset + done
        write_iosb(memory, IoStatusBlock, NTSTATUS.SUCCESS, done)
        return NTSTATUS.SUCCESS

    def NtWriteFile(self, thread: Thread, FileHandle: int, Event: int, ApcRoutine: int, ApcContext: int,
                    IoStatusBlock: int, Buffer: int, Length: int, ByteOffset: int, Key: int) -> int:
        length = Length & 0xFFFFFFFF
        obj = self._writable(thread, FileHandle)
        memory = thread.process.memory
        memory.probe(IoStatusBlock, L.IO_STATUS_BLOCK.size(64), write=True)
        memory.probe(Buffer, length)
        offset = self._offset(thread, obj, ByteOffset)
        if not obj.access & FILE_WRITE_DATA or offset == FILE_WRITE_TO_END_OF_FILE:
            offset = None  # append-only handles, and FILE_WRITE_TO_END_OF_FILE
        elif offset is None or offset < 0:
            raise NtError(NTSTATUS.INVALID_PARAMETER)
        key = ("NtWriteFile", FileHandle, Buffer, length)
        done = redone(thread, key) or 0  # what the write gave before it waited for room (a pipe's)
        while done < length:  # by pieces, as NtReadFile
            if done:
                thread.process.system.check_deadline("NtWriteFile")
            piece = min(length - done, _PIECE)
            try:
                end = obj.write(None if offset is None else offset + done, memory.read(Buffer + done, piece))
            except Restart as restart:  # the object took `progress` bytes of the piece and waits for room
                restart.key, restart.progress = key, done + restart.progress
                raise
            except ShortWrite as short:  # a pipe that does not wait took what fitted
                done += short.taken
                break
            done += piece
        if done and obj.synchronous and obj.seekable:
            obj.position = end
        write_iosb(memory, IoStatusBlock, NTSTATUS.SUCCESS, done)
        return NTSTATUS.SUCCESS

    def _writable(self, thread: Thread, handle: int) -> IoObject:
        """The File object behind a handle that may write data or append it (ACCESS_DENIED otherwise)."""
        obj = self._io_object(thread, handle)
        if not obj.access & (FILE_WRITE_DATA | FILE_APPEND_DATA):
            raise NtError(NTSTATUS.ACCESS_DENIED)
        return obj

    def _offset(self, thread: Thread, obj: IoObject, pointer: int) -> int | None:
        """The byte offset a transfer starts at: the file pointer where it stands in, else the one given.

        None when an asynchronous handle got none (or asked for the file pointer it does not have).
        """
        offset = struct.unpack("<q", thread.process.memory.read(pointer, 8))[0] if pointer else None
        if not obj.seekable:
            return 0
        if offset is None or offset == FILE_USE_FILE_POINTER_POSITION:
            return obj.position if obj.synchronous else None
        return offset

    def NtFlushBuffersFile(self, thread: Thread, FileHandle: int, IoStatusBlock: int) -> int:
        thread.process.memory.probe(IoStatusBlock, L.IO_STATUS_BLOCK.size(64), write=True)
        self._writable(thread, FileHandle).flush()
        write_iosb(thread.process.memory, IoStatusBlock, NTSTATUS.SUCCESS, 0)
        return NTSTATUS.SUCCESS

    # ---- device control ------------------------------------------------------------------------------------

    def NtDeviceIoControlFile(self, thread: Thread, FileHandle: int, Event: int, ApcRoutine: int, ApcContext: int,
                              IoStatusBlock: int, IoControlCode: int, InputBuffer: int, InputBufferLength: int,
                              OutputBuffer: int, OutputBufferLength: int) -> int:
        """The request goes to the handle's device; on success the IO_STATUS_BLOCK gets its Information. The
        console connection serves the console API (console.py); a disk file or the null device knows no control
        code: STATUS_INVALID_DEVICE_REQUEST."""
        obj = self._io_object(thread, FileHandle)
        thread.process.memory.probe(IoStatusBlock, L.IO_STATUS_BLOCK.size(64), write=True)
        try:
            information = obj.device_control(thread, IoControlCode & 0xFFFFFFFF, InputBuffer,
                                             InputBufferLength & 0xFFFFFFFF, OutputBuffer,
                                             OutputBufferLength & 0xFFFFFFFF)
        except Alerted:  # ReadConsole, ended by Ctrl-C
            write_iosb(thread.process.memory, IoStatusBlock, NTSTATUS.ALERTED, 0)
            return NTSTATUS.ALERTED
        write_iosb(thread.process.memory, IoStatusBlock, NTSTATUS.SUCCESS, information)
        return NTSTATUS.SUCCESS

    # ---- delete --------------------------------------------------------------------------------------------

    def NtDeleteFile(self, thread: Thread, ObjectAttributes: int) -> int:
        target = self._existing(thread, read_object_attributes(thread.process.memory, ObjectAttributes))
        if self.volume.write_denied(target.host, thread.effective_token()):
            raise NtError(NTSTATUS.ACCESS_DENIED)
        self.volume.check_deletable(target.host)
        node = self.volume.node(target.host)
        if node is not None:
            node.delete_pending = True  # open elsewhere: it goes with the last handle
        else:
            self.volume.remove(target.host)
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


def _check_read_only_open(access: int, options: int, truncate: bool) -> None:
    """What NTFS refuses on a read-only file: data writes, overwriting, delete-on-close."""
    if truncate or access & (FILE_WRITE_DATA | FILE_APPEND_DATA):
        raise NtError(NTSTATUS.ACCESS_DENIED)
    if options & FILE_DELETE_ON_CLOSE:
        raise NtError(NTSTATUS.CANNOT_DELETE)


_O_BINARY = getattr(os, "O_BINARY", 0)
_PIECE = 1 << 20  # what NtReadFile and NtWriteFile copy at a time


def _open_host(files: HostFiles, node: FileNode, access: int) -> HostFile | None:
    """The host file for the data rights granted, from the pool, followed through renames of its node; None when
    the handle has none (attributes-only opens)."""
    reads = bool(access & (FILE_READ_DATA | FILE_EXECUTE))
    writes = bool(access & (FILE_WRITE_DATA | FILE_APPEND_DATA))
    if not (reads or writes):
        return None
    return files.open(lambda: node.host, os.O_RDWR if reads and writes else os.O_WRONLY if writes else os.O_RDONLY)


SERVICES = (FileServices.NtCreateFile, FileServices.NtOpenFile, FileServices.NtReadFile, FileServices.NtWriteFile,
            FileServices.NtFlushBuffersFile, FileServices.NtDeleteFile, FileServices.NtDeviceIoControlFile)
