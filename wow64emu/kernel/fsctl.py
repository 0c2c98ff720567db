"""File-system control: NtFsControlFile, and the reparse-point requests NTFS serves (reparse.py keeps the points).

- FSCTL_SET_REPARSE_POINT: the input is a REPARSE_DATA_BUFFER (reparse.py's checks and statuses); the handle
  needs FILE_WRITE_DATA or FILE_WRITE_ATTRIBUTES (ACCESS_DENIED), and a file of the system folders cannot be
  changed (a user never gets such a handle there).
- FSCTL_GET_REPARSE_POINT: the buffer as it was set. An output shorter than the 8-byte header is
  STATUS_BUFFER_TOO_SMALL; one shorter than the whole buffer gets as much as fits with STATUS_BUFFER_OVERFLOW
  (ReparseDataLength still the whole length, so the caller can ask again). No reparse point:
  STATUS_NOT_A_REPARSE_POINT.
- FSCTL_DELETE_REPARSE_POINT: the input is a bare header naming the tag (ReparseDataLength 0, else
  STATUS_IO_REPARSE_DATA_INVALID); another tag than the file's: STATUS_IO_REPARSE_TAG_MISMATCH. The file or
  directory stays, as an ordinary one.
- FSCTL_PIPE_PEEK on a pipe end (pipes.py's peek; the handle needs FILE_READ_DATA, as the control code says);
  FSCTL_PIPE_LISTEN and FSCTL_PIPE_DISCONNECT on a pipe end, FSCTL_PIPE_WAIT on the pipe file system's root
  (pipes.py: ConnectNamedPipe, DisconnectNamedPipe, WaitNamedPipe). A FILE_PIPE_WAIT_FOR_BUFFER shorter than its
  name, or whose name is longer than 64 KB or not whole characters, is STATUS_INVALID_PARAMETER.
- Any other control code, and any handle that is not a file of the C: drive or a pipe (the console):
  STATUS_INVALID_DEVICE_REQUEST.
- After the handle, the buffers are probed as the I/O manager probes METHOD_BUFFERED ones (STATUS_ACCESS_VIOLATION),
  the first 16 KB of each: no reparse point reaches further, and a huge length costs nothing.
"""

from __future__ import annotations

import struct
from typing import TYPE_CHECKING

from ..log import getLogger
from ..nt import layouts as L
from ..nt.fsctl import (
    FSCTL_DELETE_REPARSE_POINT,
    FSCTL_GET_REPARSE_POINT,
    FSCTL_PIPE_DISCONNECT,
    FSCTL_PIPE_LISTEN,
    FSCTL_PIPE_PEEK,
    FSCTL_PIPE_WAIT,
    FSCTL_SET_REPARSE_POINT,
)
from ..nt.status import NTSTATUS
from .errors import NtError
from .fileobject import (
    FILE_READ_DATA,
    FILE_WRITE_ATTRIBUTES,
    FILE_WRITE_DATA,
    FileObject,
    IoServices,
    write_iosb,
)
from .paths import host_status, is_system
from .pipes import MAX_QUOTA, PEEK_HEADER, PipeEnd, PipeRoot
from .reparse import (
    HEADER_SIZE,
    IO_REPARSE_TAG_MOUNT_POINT,
    IO_REPARSE_TAG_SYMLINK,
    MAXIMUM_REPARSE_DATA_BUFFER_SIZE,
    delete_request,
    parse_buffer,
)
from .token import check_privilege

if TYPE_CHECKING:
    from .threadobject import Thread

log = getLogger(__name__)

_WAIT_NAME = 14  # FILE_PIPE_WAIT_FOR_BUFFER's Name
_MAX_WAIT_NAME = 0xFFFF  # bytes of a pipe's name (a UNICODE_STRING's most)


class FsControlServices(IoServices):
    def NtFsControlFile(self, thread: Thread, FileHandle: int, Event: int, ApcRoutine: int, ApcContext: int,
                        IoStatusBlock: int, FsControlCode: int, InputBuffer: int, InputBufferLength: int,
                        OutputBuffer: int, OutputBufferLength: int) -> int:
        code = FsControlCode & 0xFFFFFFFF
        in_length, out_length = InputBufferLength & 0xFFFFFFFF, OutputBufferLength & 0xFFFFFFFF
        memory = thread.process.memory
        memory.probe(IoStatusBlock, L.IO_STATUS_BLOCK.size(64), write=True)
        obj = self._io_object(thread, FileHandle)
        if isinstance(obj, PipeEnd):
            return self._pipe(thread, obj, code, IoStatusBlock, OutputBuffer, out_length)
        if isinstance(obj, PipeRoot):
            return self._pipe_wait(thread, code, IoStatusBlock, InputBuffer, in_length)
        file = obj.on_volume()
        # The I/O manager's probes of METHOD_BUFFERED buffers, as far as a reparse point can reach into them.
        memory.probe(InputBuffer, min(in_length, MAXIMUM_REPARSE_DATA_BUFFER_SIZE))
        memory.probe(OutputBuffer, min(out_length, MAXIMUM_REPARSE_DATA_BUFFER_SIZE), write=True)
        if code == FSCTL_GET_REPARSE_POINT:
            data, status = self._get(file, out_length)
            memory.write(OutputBuffer, data)
            write_iosb(memory, IoStatusBlock, status, len(data))
            return status
        if code not in (FSCTL_SET_REPARSE_POINT, FSCTL_DELETE_REPARSE_POINT):
            raise NtError(NTSTATUS.INVALID_DEVICE_REQUEST)
        if not file.access & (FILE_WRITE_DATA | FILE_WRITE_ATTRIBUTES) or is_system(file.node.host):
            raise NtError(NTSTATUS.ACCESS_DENIED)
        if in_length > MAXIMUM_REPARSE_DATA_BUFFER_SIZE:  # never read more than a reparse point can hold
            raise NtError(NTSTATUS.IO_REPARSE_DATA_INVALID)
        data = memory.read(InputBuffer, in_length) if in_length else b""
        if code == FSCTL_SET_REPARSE_POINT:
            self._set(thread, file, data)
        else:
            self._delete(file, data)
        write_iosb(memory, IoStatusBlock, NTSTATUS.SUCCESS, 0)
        return NTSTATUS.SUCCESS

    def _pipe(self, thread: Thread, end: PipeEnd, code: int, iosb: int, output: int, length: int) -> int:
        """The named-pipe file system's controls on a pipe end: FSCTL_PIPE_LISTEN, _DISCONNECT and _PEEK."""
        memory = thread.process.memory
        if code in (FSCTL_PIPE_LISTEN, FSCTL_PIPE_DISCONNECT):
            status = end.listen(thread) if code == FSCTL_PIPE_LISTEN else end.disconnect()
            write_iosb(memory, iosb, status, 0)
            return status
        if code != FSCTL_PIPE_PEEK:
            log.warning("NtFsControlFile: pipe control code 0x%x is not implemented", code)
            raise NtError(NTSTATUS.INVALID_DEVICE_REQUEST)
        if not end.access & FILE_READ_DATA:
            raise NtError(NTSTATUS.ACCESS_DENIED)
        memory.probe(output, min(length, PEEK_HEADER + MAX_QUOTA), write=True)
        data, status = end.peek(length)
        memory.write(output, data)
        write_iosb(memory, iosb, status, len(data))
        return status

    def _pipe_wait(self, thread: Thread, code: int, iosb: int, input_buffer: int, length: int) -> int:
        """FSCTL_PIPE_WAIT on the pipe file system's root: its FILE_PIPE_WAIT_FOR_BUFFER (Timeout, NameLength,
        TimeoutSpecified, the name's characters from offset 14)."""
        if code != FSCTL_PIPE_WAIT:
            raise NtError(NTSTATUS.INVALID_DEVICE_REQUEST)
        memory = thread.process.memory
        if length < _WAIT_NAME:
            raise NtError(NTSTATUS.INVALID_PARAMETER)
        timeout, name_length, specified = struct.unpack("<qIB", memory.read(input_buffer, _WAIT_NAME - 1))
        if name_length > length - _WAIT_NAME or name_length > _MAX_WAIT_NAME or name_length & 1:
            raise NtError(NTSTATUS.INVALID_PARAMETER)
        name = memory.read(input_buffer + _WAIT_NAME, name_length).decode("utf-16-le", "replace")
        status = self.system.pipes.wait_for_instance(thread, name, timeout if specified else None)
        write_iosb(memory, iosb, status, 0)
        return status

    def _get(self, file: FileObject, length: int) -> tuple[bytes, int]:
        if length < HEADER_SIZE:
            raise NtError(NTSTATUS.BUFFER_TOO_SMALL)
        point = self.volume.reparse.get(file.node.host)
        if point is None:
            raise NtError(NTSTATUS.NOT_A_REPARSE_POINT)
        if len(point.data) > length:
            return point.data[:length], NTSTATUS.BUFFER_OVERFLOW
        return point.data, NTSTATUS.SUCCESS

    def _set(self, thread: Thread, file: FileObject, data: bytes) -> None:
        point = parse_buffer(data)
        host = file.node.host
        if point.tag == IO_REPARSE_TAG_MOUNT_POINT and not file.is_directory:
            raise NtError(NTSTATUS.NOT_A_DIRECTORY)
        try:
            if file.is_directory and any(host.iterdir()):
                raise NtError(NTSTATUS.DIRECTORY_NOT_EMPTY)
        except OSError as exc:
            raise NtError(host_status(exc)) from None
        if point.tag == IO_REPARSE_TAG_SYMLINK and not self.volume.developer_mode:
            check_privilege(thread.effective_token(), "SeCreateSymbolicLinkPrivilege")
        existing = self.volume.reparse.get(host)
        if existing is not None and existing.tag != point.tag:
            raise NtError(NTSTATUS.IO_REPARSE_TAG_MISMATCH)
        self.volume.reparse.set(host, point)

    def _delete(self, file: FileObject, data: bytes) -> None:
        tag = delete_request(data)
        host = file.node.host
        existing = self.volume.reparse.get(host)
        if existing is None:
            raise NtError(NTSTATUS.NOT_A_REPARSE_POINT)
        if existing.tag != tag:
            raise NtError(NTSTATUS.IO_REPARSE_TAG_MISMATCH)
        self.volume.reparse.delete(host)


SERVICES = (FsControlServices.NtFsControlFile,)
