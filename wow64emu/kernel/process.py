"""Process services: the process and thread objects, opening them, querying and setting process information.

The process has one thread. Its kernel objects (ProcessObject, ThreadObject) hold what Windows keeps in the
EPROCESS and ETHREAD: priorities, the hard-error mode, the cookie, the primary token, the impersonation token.
Handles opened on the own process or thread name these same objects; (HANDLE)-1 and (HANDLE)-2 do too.

Choices where Windows is subtle:
- NtQueryInformationProcess checks in the kernel's order: the class, the length, the handle, then writes the
  buffer and ReturnLength (a bad buffer is STATUS_ACCESS_VIOLATION only then). A wrong length leaves
  ReturnLength alone, except for the image-name classes, which report the length needed.
- ProcessCookie is given to the current process only, through (HANDLE)-1: STATUS_INVALID_PARAMETER otherwise.
- NtOpenProcess / NtOpenThread by client id: a process id that names nothing is STATUS_INVALID_PARAMETER
  (PsLookupProcessByProcessId), a pair of process and thread ids that do not belong together STATUS_INVALID_CID
  (PsLookupProcessThreadByCid); the Idle process (pid 0) is no process object. The System process (pid 4) is
  STATUS_ACCESS_DENIED to this standard user. An object name is STATUS_OBJECT_NAME_NOT_FOUND (processes and
  threads have none); a name and a client id together, or neither, STATUS_INVALID_PARAMETER_MIX.
- The parent (InheritedFromUniqueProcessId) is a process that has already exited, so it cannot be opened.
"""

from __future__ import annotations

import logging
import secrets
import struct
from collections.abc import Callable
from typing import TYPE_CHECKING, TypeVar

from ..nt import layouts as L
from ..nt.process import (
    PROCESS_BASIC_INFORMATION,
    ProcessBasicInformation,
    ProcessCookie,
    ProcessDebugPort,
    ProcessDefaultHardErrorMode,
    ProcessHandleCount,
    ProcessImageFileName,
    ProcessImageFileNameWin32,
    ProcessSessionInformation,
    ProcessWow64Information,
)
from ..nt.status import NTSTATUS
from .errors import NtError
from .handles import CURRENT_PROCESS, CURRENT_THREAD, KernelObject
from .time import system_time
from .token import SESSION_ID, Token

if TYPE_CHECKING:
    from ..emu.memory import AddressSpace
    from ..emu.process import Process
    from . import Kernel

log = logging.getLogger(__name__)
T = TypeVar("T")
S = TypeVar("S")

PARENT_PID = 0x1A08  # the console that started the program; it has exited since
SYSTEM_PID = 4
AFFINITY_MASK = 0b11  # two processors
NORMAL_PRIORITY = 8  # the base priority of NORMAL_PRIORITY_CLASS
SATURATION = 16  # the base priority increments of THREAD_PRIORITY_TIME_CRITICAL (+) and THREAD_PRIORITY_IDLE (-)
HARD_ERROR_MODE_DEFAULT = 1  # SEM_FAILCRITICALERRORS clear: GetErrorMode() is 0
SYSTEM_VOLUME = "\\Device\\HarddiskVolume3"  # the NT device of the C: drive


class ProcessObject(KernelObject):
    """The process's own kernel object (EPROCESS)."""

    type_name = "Process"

    def __init__(self, process: Process) -> None:
        self.process = process
        self.create_time = system_time()
        self.cookie = secrets.randbits(32) | 1  # nonzero, fixed for the life of the process
        self.hard_error_mode = HARD_ERROR_MODE_DEFAULT
        self.token = Token()
        self.thread = ThreadObject(self)

    def describe(self) -> str:
        return f"Process {self.process.pid} ({self.process.image_path})"

    @property
    def exit_status(self) -> int:
        status = self.process.exit_status
        return NTSTATUS.PENDING if status is None else status

    def image_name(self, win32: bool) -> str:
        """The image's full path: the NT device path, or the Win32 one ("C:\\...")."""
        path = self.process.image_path
        return path if win32 else SYSTEM_VOLUME + path[2:]

    def entry_point(self) -> int:
        """The image's entry point, read from its headers in memory (0 when there is no image)."""
        base = self.process.image_base
        if not base:
            return 0
        memory = self.process.memory
        nt_headers = base + struct.unpack("<I", memory.peek(base + 0x3C, 4))[0]
        return base + struct.unpack("<I", memory.peek(nt_headers + 0x28, 4))[0]  # AddressOfEntryPoint


class ThreadObject(KernelObject):
    """The process's one thread (ETHREAD): its priorities and its impersonation token."""

    type_name = "Thread"

    def __init__(self, owner: ProcessObject) -> None:
        self.owner = owner
        self.create_time = owner.create_time
        self.base_increment = 0  # the base priority relative to the process's (THREAD_PRIORITY_*)
        self.priority = NORMAL_PRIORITY
        self.hidden_from_debugger = False
        self.impersonation: Token | None = None

    @property
    def tid(self) -> int:
        return self.owner.process.tid

    @property
    def base_priority(self) -> int:
        """The process's base priority plus the increment; the saturation increments give 15 and 1."""
        return {SATURATION: 15, -SATURATION: 1}.get(self.base_increment, NORMAL_PRIORITY + self.base_increment)

    def describe(self) -> str:
        return f"Thread {self.tid} of process {self.owner.process.pid}"

    def effective_token(self) -> Token:
        return self.impersonation or self.owner.token


def read_client_id(memory: AddressSpace, address: int) -> tuple[int, int] | None:
    """(UniqueProcess, UniqueThread) of a 64-bit CLIENT_ID; None for a NULL pointer."""
    if not address:
        return None
    values = L.CLIENT_ID.unpack(memory.read(address, L.CLIENT_ID.size(64)), 64)
    return values["UniqueProcess"], values["UniqueThread"]


def check_open_target(memory: AddressSpace, object_attributes: int, client_id: tuple[int, int] | None) -> None:
    """NtOpenProcess/NtOpenThread: exactly one of an object name and a client id."""
    named = False
    if object_attributes:
        oa = L.OBJECT_ATTRIBUTES.unpack(memory.read(object_attributes, L.OBJECT_ATTRIBUTES.size(64)), 64)
        named = bool(oa["ObjectName"])
    if named == (client_id is not None):
        raise NtError(NTSTATUS.INVALID_PARAMETER_MIX)
    if named:
        raise NtError(NTSTATUS.OBJECT_NAME_NOT_FOUND)


def query_information(services: S, call: str, table: dict[int, tuple[int | None, Callable[[S, int, int], bytes]]],
                      handle: int, info_class: int, buffer: int, length: int, return_length: int) -> int:
    """A query of process or thread information, in the kernel's order: the class, the length, the handle
    (inside the answer), then the buffer and ReturnLength. The table gives each class its exact length (None for
    a variable one, whose answer reports the length needed when the buffer is too small) and its answer."""
    entry = table.get(info_class)
    if entry is None:
        log.warning("%s: information class %d is unknown or not implemented", call, info_class)
        raise NtError(NTSTATUS.INVALID_INFO_CLASS)
    size, answer = entry
    if size is not None and length != size:
        raise NtError(NTSTATUS.INFO_LENGTH_MISMATCH)
    data = answer(services, handle, buffer)
    memory = services.kernel.process.memory
    if length < len(data):
        if return_length:
            memory.write_u32(return_length, len(data))
        raise NtError(NTSTATUS.INFO_LENGTH_MISMATCH)
    memory.write(buffer, data)
    if return_length:
        memory.write_u32(return_length, len(data))
    return NTSTATUS.SUCCESS


def _unicode_string_answer(text: str, buffer: int) -> bytes:
    """UNICODE_STRING followed by its characters and a NUL, to be written at `buffer`."""
    data = text.encode("utf-16-le")
    header = L.UNICODE_STRING.pack({"Length": len(data), "MaximumLength": len(data) + 2,
                                    "Buffer": buffer + L.UNICODE_STRING.size(64)}, 64)
    return header + data + b"\0\0"


class ProcessServices:
    def __init__(self, kernel: Kernel) -> None:
        self.kernel = kernel
        self.current = ProcessObject(kernel.process)

    def reference(self, handle: int, cls: type[T]) -> T:
        """The object behind a handle or a pseudo handle (-1 the process, -2 its thread), of the class asked."""
        pseudo = {CURRENT_PROCESS: self.current, CURRENT_THREAD: self.current.thread}.get(handle)
        obj = pseudo if pseudo is not None else self.kernel.process.handles.get(handle, KernelObject)
        if not isinstance(obj, cls):
            raise NtError(NTSTATUS.OBJECT_TYPE_MISMATCH)
        return obj

    def NtTerminateProcess(self, ProcessHandle: int, ExitStatus: int) -> int:
        """NULL ends every other thread of the caller's process (there are none); a process handle ends it."""
        if ProcessHandle == 0:
            return NTSTATUS.SUCCESS
        self.reference(ProcessHandle, ProcessObject).process.terminate(ExitStatus)
        return NTSTATUS.SUCCESS

    def NtOpenProcess(self, ProcessHandle: int, DesiredAccess: int, ObjectAttributes: int, ClientId: int) -> int:
        memory = self.kernel.process.memory
        memory.probe(ProcessHandle, 8, write=True)
        cid = read_client_id(memory, ClientId)
        check_open_target(memory, ObjectAttributes, cid)
        pid, tid = cid
        process = self.kernel.process
        if tid:
            if (pid, tid) != (process.pid, process.tid):
                raise NtError(NTSTATUS.INVALID_CID)
        elif pid == SYSTEM_PID:
            raise NtError(NTSTATUS.ACCESS_DENIED)
        elif pid != process.pid:
            raise NtError(NTSTATUS.INVALID_PARAMETER)
        memory.write_u64(ProcessHandle, process.handles.insert(self.current))
        return NTSTATUS.SUCCESS

    # ---- information -----------------------------------------------------------------------------------

    def NtQueryInformationProcess(self, ProcessHandle: int, ProcessInformationClass: int, ProcessInformation: int,
                                  ProcessInformationLength: int, ReturnLength: int) -> int:
        return query_information(self, "NtQueryInformationProcess", _QUERY, ProcessHandle, ProcessInformationClass,
                                 ProcessInformation, ProcessInformationLength, ReturnLength)

    def NtSetInformationProcess(self, ProcessHandle: int, ProcessInformationClass: int, ProcessInformation: int,
                                ProcessInformationLength: int) -> int:
        """ProcessDefaultHardErrorMode (SetErrorMode); every other class is STATUS_INVALID_INFO_CLASS (logged)."""
        if ProcessInformationClass != ProcessDefaultHardErrorMode:
            log.warning("NtSetInformationProcess: information class %d is unknown or not implemented",
                        ProcessInformationClass)
            raise NtError(NTSTATUS.INVALID_INFO_CLASS)
        if ProcessInformationLength != 4:
            raise NtError(NTSTATUS.INFO_LENGTH_MISMATCH)
        mode = self.kernel.process.memory.read_u32(ProcessInformation)
        self.reference(ProcessHandle, ProcessObject).hard_error_mode = mode
        return NTSTATUS.SUCCESS


# ---- answers of NtQueryInformationProcess: (services, handle, buffer) -> the 64-bit bytes -----------------------

Answer = Callable[[ProcessServices, int, int], bytes]


def _basic(services: ProcessServices, handle: int, _buffer: int) -> bytes:
    process = services.reference(handle, ProcessObject)
    values = {"ExitStatus": process.exit_status, "PebBaseAddress": process.process.peb64,
              "AffinityMask": AFFINITY_MASK, "BasePriority": NORMAL_PRIORITY,
              "UniqueProcessId": process.process.pid, "InheritedFromUniqueProcessId": PARENT_PID}
    return PROCESS_BASIC_INFORMATION.pack(values, 64)


def _cookie(services: ProcessServices, handle: int, _buffer: int) -> bytes:
    if handle != CURRENT_PROCESS:
        raise NtError(NTSTATUS.INVALID_PARAMETER)
    return struct.pack("<I", services.current.cookie)


def _image_name(win32: bool) -> Answer:
    def answer(services: ProcessServices, handle: int, buffer: int) -> bytes:
        return _unicode_string_answer(services.reference(handle, ProcessObject).image_name(win32), buffer)
    return answer


def _value(value: Callable[[ProcessObject], int], size: int = 4) -> Answer:
    """A class answered with one number of `size` bytes."""
    def answer(services: ProcessServices, handle: int, _buffer: int) -> bytes:
        return value(services.reference(handle, ProcessObject)).to_bytes(size, "little")
    return answer


def _wow64_peb(process: ProcessObject) -> int:
    """ProcessWow64Information: the PEB32 of a WoW64 process, 0 for a native one."""
    return process.process.peb32 if process.process.wow64 else 0


# class -> (the exact length it takes, or None for a variable one; what answers it)
_QUERY: dict[int, tuple[int | None, Answer]] = {
    ProcessBasicInformation: (PROCESS_BASIC_INFORMATION.size(64), _basic),
    ProcessDebugPort: (8, _value(lambda _p: 0, 8)),  # never debugged
    ProcessDefaultHardErrorMode: (4, _value(lambda p: p.hard_error_mode)),
    ProcessHandleCount: (4, _value(lambda p: len(p.process.handles))),
    ProcessSessionInformation: (4, _value(lambda _p: SESSION_ID)),
    ProcessWow64Information: (8, _value(_wow64_peb, 8)),
    ProcessImageFileName: (None, _image_name(False)),
    ProcessCookie: (4, _cookie),
    ProcessImageFileNameWin32: (None, _image_name(True)),
}
