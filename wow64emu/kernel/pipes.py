"""Pipes: the named-pipe file system (\\Device\\NamedPipe) and the anonymous pipes kernel32's CreatePipe makes on it.

What Windows 10 does, and this kernel after it:
- NtCreateNamedPipeFile makes the server end of a new instance, named `\\Device\\NamedPipe\\NAME` (through the
  `\\??\\pipe\\` link) or, relative to a handle to `\\Device\\NamedPipe\\` with an empty name, unnamed: that is
  CreatePipe's read end. An instance listens as soon as it exists. FILE_CREATE fails when the name has instances
  (STATUS_ACCESS_DENIED, as FILE_FLAG_FIRST_PIPE_INSTANCE does); no more instances than MaximumInstances
  (STATUS_INSTANCE_NOT_AVAILABLE); one whose ShareAccess (the directions: CreateNamedPipe's open mode) is not the
  first instance's is STATUS_ACCESS_DENIED. A message read mode on a byte-type pipe is STATUS_INVALID_PARAMETER.
- A client opens the name (NtCreateFile / NtOpenFile), or the server's handle with an empty name (CreatePipe's
  write end): it connects to a listening instance (STATUS_PIPE_NOT_AVAILABLE when every instance is taken,
  STATUS_OBJECT_NAME_NOT_FOUND when the name has none).
- Each direction holds its data in a buffer of the instance's quota (the sizes given, 4 KB when 0). A read takes
  what there is, up to its length; with the other end closed and nothing left it fails with STATUS_PIPE_BROKEN
  (ERROR_BROKEN_PIPE, which the C runtime takes for the end of the file). A write into a pipe whose other end
  has closed fails with STATUS_PIPE_CLOSING (ERROR_NO_DATA); on a server no client has connected to, either
  fails with STATUS_PIPE_LISTENING.
- A read of an empty pipe whose writer is open waits until data comes or the writer closes; a write past the quota
  gives what fits and waits until the reader makes room (or closes: the write then fails with STATUS_PIPE_BROKEN, as
  NPFS completes a stalled write). Both are restart waits (waits.py): the thread does its NtReadFile / NtWriteFile
  again when it can go on, the write carrying the bytes it gave already. When nothing can ever end the wait (no
  other thread or process), the run stops with one line (WaitForever), where Windows would hang.
- An end in PIPE_NOWAIT mode (CompletionMode FILE_PIPE_COMPLETE_OPERATION: NtCreateNamedPipeFile's for the server
  end, FilePipeInformation's, which SetNamedPipeHandleState sets, for either) never waits: a read of an empty pipe
  is STATUS_PIPE_EMPTY (ERROR_NO_DATA), a write past the quota gives what fits and says how much (ShortWrite).
  FilePipeInformation reads and sets the end's modes: ReadMode is byte mode (a message mode on a byte-type pipe is
  STATUS_INVALID_PARAMETER, as is any value but 0 and 1), and on what is not a pipe the class is
  STATUS_INVALID_PARAMETER. A handle opened for asynchronous
  (overlapped) I/O cannot wait here yet: a read or write that would wait is STATUS_NOT_SUPPORTED with a warning.
- FSCTL_PIPE_PEEK (PeekNamedPipe) copies what the end would read without taking it, after the FILE_PIPE_PEEK_BUFFER
  header (the pipe's state, the bytes available; the message counts are 0 in byte mode): STATUS_BUFFER_OVERFLOW
  when the data does not all fit, STATUS_BUFFER_TOO_SMALL for less than the header, STATUS_PIPE_BROKEN when the
  other end has closed and nothing is left.
- An instance listens from its creation. FSCTL_PIPE_LISTEN (ConnectNamedPipe) on its server end waits until a
  client connects (STATUS_SUCCESS); a client already connected is STATUS_PIPE_CONNECTED, one that has gone since
  STATUS_PIPE_CLOSING; in PIPE_NOWAIT mode the end answers STATUS_PIPE_LISTENING instead of waiting.
  FSCTL_PIPE_DISCONNECT (DisconnectNamedPipe) drops the data either way and cuts the client off (its end then fails
  with STATUS_PIPE_DISCONNECTED) and leaves the instance disconnected, neither connected nor listening (a client
  gets STATUS_PIPE_NOT_AVAILABLE until the server listens again); a listening instance just stops listening (a
  listen that waited ends with STATUS_PIPE_DISCONNECTED), a disconnected one is STATUS_PIPE_DISCONNECTED. On a
  client end both are STATUS_ILLEGAL_FUNCTION. The order of these answers is that of ReactOS's npfs (a reference
  for Windows' behaviour).
- FSCTL_PIPE_WAIT (WaitNamedPipe), on a handle to \\Device\\NamedPipe\\ with a FILE_PIPE_WAIT_FOR_BUFFER: at once
  when an instance of the name listens, STATUS_OBJECT_NAME_NOT_FOUND when the name has none, else a wait until one
  listens, up to the time-out given (or the pipe's default time-out, from its creation): STATUS_IO_TIMEOUT. Every
  waiter an instance's listening wakes succeeds, whether or not a client has taken the instance since (its open
  then gets STATUS_PIPE_NOT_AVAILABLE). Closing a server end ends a listen that waits on it.
- What a pipe holds counts against the commit limit, as Windows charges it to the process's quota: a guest cannot
  fill the host's memory with pipes (STATUS_COMMITMENT_LIMIT). Byte mode only: a message-mode pipe is refused with
  STATUS_NOT_SUPPORTED and a warning.
"""

from __future__ import annotations

import struct
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ..log import getLogger
from ..nt.status import NTSTATUS
from .errors import NtError
from .fileobject import IoObject, IoServices, map_generic, write_iosb
from .handles import KernelObject, is_pseudo_handle
from .paths import CapturedAttributes, read_object_attributes
from .waits import Restart, redone

if TYPE_CHECKING:
    from ..emu.physical import PhysicalMemory
    from .threadobject import Thread

log = getLogger(__name__)

FILE_DEVICE_NAMED_PIPE = 0x11
DEFAULT_QUOTA = 0x1000
MAX_QUOTA = 0x100000  # what one direction may hold: the host memory a pipe costs stays small
UNLIMITED_INSTANCES = 0xFFFFFFFF
_PREFIXES = ("\\device\\namedpipe\\", "\\??\\pipe\\", "\\global??\\pipe\\", "\\dosdevices\\pipe\\")
_ROOT_NAMES = ("\\device\\namedpipe", "\\device\\namedpipe\\")
_FILE_CREATE, _FILE_OPEN_IF = 2, 3
_DIRECTIONS = 3  # FILE_SHARE_READ | FILE_SHARE_WRITE: the directions of a pipe's instances
FILE_PIPE_COMPLETE_OPERATION = 1  # CompletionMode: PIPE_NOWAIT
FILE_PIPE_CONNECTED_STATE, FILE_PIPE_CLOSING_STATE = 3, 4
PEEK_HEADER = 16  # FILE_PIPE_PEEK_BUFFER up to Data: NamedPipeState, ReadDataAvailable, NumberOfMessages, MessageLength
DEFAULT_WAIT = -500_000  # 50 ms: the wait for an instance when the pipe was made with no default time-out


@dataclass
class Instance:
    """One instance of a pipe: a server end, at most one client, a buffer each way."""

    name: str  # as created, "" for an anonymous pipe
    quota_in: int  # client -> server
    quota_out: int  # server -> client
    to_server: bytearray = field(default_factory=bytearray)
    to_client: bytearray = field(default_factory=bytearray)
    timeout: int = 0  # the default time-out of a wait for an instance (100 ns, negative: relative)
    directions: int = 0  # the ShareAccess it was made with (FILE_SHARE_READ: outbound, _WRITE: inbound)
    server_open: bool = True
    client_open: bool = False
    connected: bool = False  # a client has connected (and may have gone since)
    listening: bool = True  # a client may connect now
    disconnected: bool = False  # the server cut its client off: the client's end fails


class ShortWrite(Exception):  # noqa: N818 (an answer to NtWriteFile, not an error)
    """A write into a PIPE_NOWAIT end that took only `taken` bytes: the write ends there, successfully."""

    def __init__(self, taken: int) -> None:
        super().__init__(taken)
        self.taken = taken


class PipeEnd(IoObject):
    """A File object on one end of a pipe instance."""

    seekable = False
    device_type = FILE_DEVICE_NAMED_PIPE

    def __init__(self, pipes: NamedPipes, instance: Instance, server: bool, access: int, options: int,
                 nowait: bool = False) -> None:
        super().__init__(access, options)
        self.pipes = pipes
        self.instance = instance
        self.server = server
        self.nowait = nowait  # PIPE_NOWAIT: reads and writes never wait
        self.stalled = False  # its last write waited for room

    def describe(self) -> str:
        name = self.instance.name or "(anonymous)"
        return f"File \\Device\\NamedPipe\\{name} ({'server' if self.server else 'client'} end)"

    def query_name(self) -> str:
        return f"\\Device\\NamedPipe\\{self.instance.name}" if self.instance.name else "\\Device\\NamedPipe\\"

    def _peer_open(self) -> bool:
        return self.instance.client_open if self.server else self.instance.server_open

    def _incoming(self) -> bytearray:
        return self.instance.to_server if self.server else self.instance.to_client

    def _check_connected(self) -> None:
        """A read or write needs a connection: a server end without a client, and a client end cut off, fail."""
        inst = self.instance
        if self.server and not inst.connected:
            raise NtError(NTSTATUS.PIPE_LISTENING if inst.listening else NTSTATUS.PIPE_DISCONNECTED)
        if inst.disconnected:
            raise NtError(NTSTATUS.PIPE_DISCONNECTED)

    def read(self, offset: int, length: int) -> bytes:
        buffer = self._incoming()
        self._check_connected()
        if buffer:
            data = bytes(buffer[:length])
            del buffer[:length]
            self.pipes.physical.uncharge(len(data))
            return data
        if not length:
            return b""
        if not self._peer_open():
            raise NtError(NTSTATUS.PIPE_BROKEN)
        if self.nowait:
            raise NtError(NTSTATUS.PIPE_EMPTY)
        self._may_wait("read")
        raise Restart(lambda: bool(buffer) or not self._peer_open(), f"data in {self.describe()}",
                      f"the guest reads from an empty pipe ({self.describe()}) whose writer is open, and has no other "
                      "thread to write to it")

    def write(self, offset: int | None, data: bytes) -> int:
        """Give what fits; with more, wait for room (Restart, whose progress is the bytes given)."""
        inst = self.instance
        self._check_connected()
        stalled, self.stalled = self.stalled, False
        if not self._peer_open():
            raise NtError(NTSTATUS.PIPE_BROKEN if stalled else NTSTATUS.PIPE_CLOSING)
        buffer, quota = (inst.to_client, inst.quota_out) if self.server else (inst.to_server, inst.quota_in)
        taken = data[:max(quota - len(buffer), 0)]
        self.pipes.physical.charge(len(taken))
        buffer += taken
        if len(taken) == len(data):
            return 0
        if self.nowait:
            raise ShortWrite(len(taken))
        self._may_wait("write")
        self.stalled = True
        raise Restart(lambda: len(buffer) < quota or not self._peer_open(), f"room in {self.describe()}",
                      f"the guest writes {len(data)} bytes into a pipe ({self.describe()}) that had room for "
                      f"{len(taken)}, and has no other thread to read from it", progress=len(taken))

    def _may_wait(self, what: str) -> None:
        """Asynchronous I/O that would wait completes later on Windows, which this kernel cannot do yet."""
        if not self.synchronous:
            log.warning("an asynchronous pipe %s that must wait is not implemented", what)
            raise NtError(NTSTATUS.NOT_SUPPORTED)

    def peek(self, length: int) -> tuple[bytes, int]:
        """FSCTL_PIPE_PEEK into `length` bytes: (the FILE_PIPE_PEEK_BUFFER, its status)."""
        buffer = self._incoming()
        if self.server and not self.instance.connected:
            raise NtError(NTSTATUS.INVALID_PIPE_STATE)
        if self.instance.disconnected:
            raise NtError(NTSTATUS.PIPE_DISCONNECTED)
        closing = not self._peer_open()
        if closing and not buffer:
            raise NtError(NTSTATUS.PIPE_BROKEN)
        if length < PEEK_HEADER:
            raise NtError(NTSTATUS.BUFFER_TOO_SMALL)
        data = bytes(buffer[:length - PEEK_HEADER])
        state = FILE_PIPE_CLOSING_STATE if closing else FILE_PIPE_CONNECTED_STATE
        header = struct.pack("<IIII", state, len(buffer), 0, 0)
        return header + data, NTSTATUS.BUFFER_OVERFLOW if len(data) < len(buffer) else NTSTATUS.SUCCESS

    def listen(self, thread: Thread) -> int:
        """FSCTL_PIPE_LISTEN: STATUS_SUCCESS once a client has connected (when the thread does again the listen that
        waited for it)."""
        inst = self.instance
        key = ("FSCTL_PIPE_LISTEN", id(self))
        again = redone(thread, key) is not None
        if not self.server:
            raise NtError(NTSTATUS.ILLEGAL_FUNCTION)
        if inst.connected:
            if again:
                return NTSTATUS.SUCCESS
            raise NtError(NTSTATUS.PIPE_CONNECTED if inst.client_open else NTSTATUS.PIPE_CLOSING)
        if again and not inst.listening:  # a disconnect ended the listen
            raise NtError(NTSTATUS.PIPE_DISCONNECTED)
        inst.listening = True
        if self.nowait:
            raise NtError(NTSTATUS.PIPE_LISTENING)
        self._may_wait("listen")
        raise Restart(lambda: inst.connected or not inst.listening, f"a client of {self.describe()}",
                      f"the guest waits for a client of {self.describe()}, and has no other thread to connect",
                      key=key, progress=True)

    def disconnect(self) -> int:
        """FSCTL_PIPE_DISCONNECT: a connected client is cut off (it keeps the old instance, this end takes a new one,
        disconnected); a listening instance stops listening. STATUS_SUCCESS."""
        inst = self.instance
        if not self.server:
            raise NtError(NTSTATUS.ILLEGAL_FUNCTION)
        if inst.connected:
            fresh = Instance(inst.name, inst.quota_in, inst.quota_out, timeout=inst.timeout,
                             directions=inst.directions, listening=False)
            self.pipes.replace(inst, fresh)
            inst.server_open, inst.disconnected = False, True
            self.pipes.discard(inst.to_server)
            self.pipes.discard(inst.to_client)
            self.instance = fresh
        elif inst.listening:
            inst.listening = False
        else:
            raise NtError(NTSTATUS.PIPE_DISCONNECTED)
        return NTSTATUS.SUCCESS

    def flush(self) -> None:
        pass  # FlushFileBuffers on a pipe waits until the other end has read everything: nothing to do here

    def close(self) -> None:
        inst = self.instance
        if self.server:  # what was written to this end and not read goes with it; what it wrote stays
            inst.server_open = inst.listening = False  # a listen that waits ends (its handle is gone)
            self.pipes.discard(inst.to_server)
            self.pipes.remove(inst)
        else:
            inst.client_open = False
            self.pipes.discard(inst.to_client)


FILE_PIPE_INFORMATION_SIZE = 8  # ReadMode, CompletionMode


def query_pipe_information(obj: IoObject) -> bytes:
    """FilePipeInformation of a pipe end: byte read mode, and whether it waits."""
    return struct.pack("<II", 0, FILE_PIPE_COMPLETE_OPERATION if _end(obj).nowait else 0)


def set_pipe_information(obj: IoObject, data: bytes) -> None:
    """FilePipeInformation: the end's read mode (byte mode only: the pipes are byte-type) and completion mode."""
    end = _end(obj)
    read_mode, completion_mode = struct.unpack_from("<II", data)
    if read_mode or completion_mode > FILE_PIPE_COMPLETE_OPERATION:
        raise NtError(NTSTATUS.INVALID_PARAMETER)
    end.nowait = completion_mode == FILE_PIPE_COMPLETE_OPERATION


def _end(obj: IoObject) -> PipeEnd:
    if not isinstance(obj, PipeEnd):
        raise NtError(NTSTATUS.INVALID_PARAMETER)
    return obj


class PipeRoot(IoObject):
    """A handle to \\Device\\NamedPipe\\ itself: the directory an anonymous pipe is created relative to."""

    seekable = False
    device_type = FILE_DEVICE_NAMED_PIPE

    def describe(self) -> str:
        return "File \\Device\\NamedPipe\\"

    def query_name(self) -> str:
        return "\\Device\\NamedPipe\\"


class NamedPipes:
    """The System's pipe instances by name (lower case), each name's instances in creation order."""

    def __init__(self, physical: PhysicalMemory) -> None:
        self.physical = physical  # what the pipes hold is charged to the commit limit
        self.by_name: dict[str, list[Instance]] = {}

    def discard(self, buffer: bytearray) -> None:
        """Drop what a buffer holds (its reader has gone), and its charge."""
        self.physical.uncharge(len(buffer))
        buffer.clear()

    def replace(self, old: Instance, new: Instance) -> None:
        """`new` takes the place of `old` among its name's instances (a disconnected server end's)."""
        instances = self.by_name.get(old.name.lower())
        if instances and old in instances:
            instances[instances.index(old)] = new

    def wait_for_instance(self, thread: Thread, name: str, timeout: int | None) -> int:
        """FSCTL_PIPE_WAIT: STATUS_SUCCESS when an instance of `name` listens, now or within `timeout` (100 ns,
        negative relative, positive absolute system time; None: the pipe's default; INFINITE_INTERVAL: no limit)."""
        from .time import INFINITE_INTERVAL, system_time  # the time services' area: when a wait needs it

        instances = self.by_name.get(name.lower())
        if not instances:
            raise NtError(NTSTATUS.OBJECT_NAME_NOT_FOUND)
        if any(inst.listening for inst in instances):
            return NTSTATUS.SUCCESS
        key = ("FSCTL_PIPE_WAIT", name.lower(), timeout)
        if redone(thread, key) is not None:  # an instance listened when the wait was done again: a client that
            return NTSTATUS.SUCCESS  # came first may have it now (CreateFile then says ERROR_PIPE_BUSY, as on Windows)
        if timeout is None:
            timeout = instances[0].timeout or DEFAULT_WAIT
        deadline = None if timeout == INFINITE_INTERVAL else time.monotonic() + (
            -timeout if timeout < 0 else timeout - system_time()) / 1e7
        if deadline is not None and deadline <= time.monotonic():
            raise NtError(NTSTATUS.IO_TIMEOUT)
        lowered = name.lower()
        raise Restart(lambda: any(inst.listening for inst in self.by_name.get(lowered, ())),
                      f"an instance of \\Device\\NamedPipe\\{name}",
                      f"the guest waits for an instance of \\Device\\NamedPipe\\{name} to listen, and has no other "
                      "thread to make one", key=key, progress=True, deadline=deadline,
                      timeout_status=NTSTATUS.IO_TIMEOUT)

    def remove(self, inst: Instance) -> None:
        instances = self.by_name.get(inst.name.lower())
        if instances and inst in instances:
            instances.remove(inst)
            if not instances:
                del self.by_name[inst.name.lower()]


def pipe_name(name: str) -> str | None:
    """The pipe an absolute NT name opens ("" for the file system's root), or None when it names no pipe."""
    lowered = name.lower()
    if lowered in _ROOT_NAMES:
        return ""
    for prefix in _PREFIXES:
        if lowered.startswith(prefix):
            return name[len(prefix):]
    return None


def open_client(thread: Thread, pipes: NamedPipes, oa: CapturedAttributes, access: int,
                options: int) -> IoObject | None:
    """What NtCreateFile / NtOpenFile opens when the name is the pipe file system's: the root, or the client end
    of a listening instance; None when the name is not a pipe's."""
    if oa.root_directory and not is_pseudo_handle(oa.root_directory):
        base = thread.process.handles.get(oa.root_directory, KernelObject)
        if isinstance(base, PipeEnd):
            if oa.name:
                raise NtError(NTSTATUS.INVALID_PARAMETER)
            return _connect(pipes, [base.instance], access, options)
        if isinstance(base, PipeRoot):
            return _connect(pipes, pipes.by_name.get((oa.name or "").lower(), []), access, options) if oa.name \
                else PipeRoot(access, options)
        return None
    name = pipe_name(oa.name) if oa.name and not oa.root_directory else None
    if name is None:
        return None
    if not name:
        return PipeRoot(access, options)
    return _connect(pipes, pipes.by_name.get(name.lower(), []), access, options)


def _connect(pipes: NamedPipes, instances: list[Instance], access: int, options: int) -> PipeEnd:
    if not instances:
        raise NtError(NTSTATUS.OBJECT_NAME_NOT_FOUND)
    for inst in instances:
        if inst.server_open and inst.listening:
            inst.connected = inst.client_open = True
            inst.listening = False
            return PipeEnd(pipes, inst, False, access, options)
    raise NtError(NTSTATUS.PIPE_NOT_AVAILABLE)


class PipeServices(IoServices):
    def NtCreateNamedPipeFile(self, thread: Thread, FileHandle: int, DesiredAccess: int, ObjectAttributes: int,
                              IoStatusBlock: int, ShareAccess: int, CreateDisposition: int, CreateOptions: int,
                              NamedPipeType: int, ReadMode: int, CompletionMode: int, MaximumInstances: int,
                              InboundQuota: int, OutboundQuota: int, DefaultTimeout: int) -> int:
        memory = thread.process.memory
        memory.probe(FileHandle, 8, write=True)
        memory.probe(IoStatusBlock, 16, write=True)
        disposition = CreateDisposition & 0xFFFFFFFF
        if disposition not in (_FILE_CREATE, _FILE_OPEN_IF) or MaximumInstances & 0xFFFFFFFF == 0:
            raise NtError(NTSTATUS.INVALID_PARAMETER)
        if ReadMode & 1 and not NamedPipeType & 1:  # messages read from a pipe of bytes
            raise NtError(NTSTATUS.INVALID_PARAMETER)
        if NamedPipeType & 1:
            log.warning("NtCreateNamedPipeFile: message-mode pipes are not implemented")
            raise NtError(NTSTATUS.NOT_SUPPORTED)
        timeout = struct.unpack("<q", memory.read(DefaultTimeout, 8))[0] if DefaultTimeout else 0
        oa = read_object_attributes(memory, ObjectAttributes)
        name = self._server_name(thread, oa)
        pipes = self.system.pipes
        instances = pipes.by_name.setdefault(name.lower(), []) if name else []
        directions = ShareAccess & _DIRECTIONS
        if instances and (disposition == _FILE_CREATE or instances[0].directions != directions):
            raise NtError(NTSTATUS.ACCESS_DENIED)  # every instance of a name has the first one's directions
        limit = MaximumInstances & 0xFFFFFFFF
        if limit != UNLIMITED_INSTANCES and len(instances) >= limit:
            raise NtError(NTSTATUS.INSTANCE_NOT_AVAILABLE)
        inst = Instance(name, _quota(InboundQuota), _quota(OutboundQuota), timeout=timeout, directions=directions)
        end = PipeEnd(pipes, inst, True, map_generic(DesiredAccess & 0xFFFFFFFF), CreateOptions & 0xFFFFFFFF,
                      nowait=CompletionMode & 0xFFFFFFFF == FILE_PIPE_COMPLETE_OPERATION)
        handle = thread.process.handles.insert(end, attributes=oa.attributes)
        if name:
            instances.append(inst)
        memory.write_u64(FileHandle, handle)
        write_iosb(memory, IoStatusBlock, NTSTATUS.SUCCESS, 2)  # FILE_CREATED
        return NTSTATUS.SUCCESS

    def _server_name(self, thread: Thread, oa: CapturedAttributes) -> str:
        """The name of the pipe to create: "" for an anonymous one (an empty name relative to the root)."""
        if oa.root_directory:
            if is_pseudo_handle(oa.root_directory):
                raise NtError(NTSTATUS.OBJECT_TYPE_MISMATCH)
            if not isinstance(thread.process.handles.get(oa.root_directory, KernelObject), PipeRoot):
                raise NtError(NTSTATUS.OBJECT_TYPE_MISMATCH)
            name = oa.name or ""
        else:
            name = pipe_name(oa.name) if oa.name else None
            if not name:
                raise NtError(NTSTATUS.OBJECT_NAME_INVALID)
        if "\\" in name:
            raise NtError(NTSTATUS.OBJECT_NAME_INVALID)
        return name


def _quota(value: int) -> int:
    return min(value & 0xFFFFFFFF or DEFAULT_QUOTA, MAX_QUOTA)


SERVICES = (PipeServices.NtCreateNamedPipeFile,)
