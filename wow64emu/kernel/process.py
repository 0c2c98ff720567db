"""Processes: the process object (what Windows keeps in the EPROCESS) and the services about processes.

A Process belongs to one System and owns its address space, its handle table, its CPU (one Unicorn) and its
threads. Its id comes from the System's id allocator. As a kernel object it is what a process handle names, and a
wait on it is satisfied once it has ended.

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
- A handle to another process grants what NtOpenProcess asked for (processaccess.py); each service checks the
  right it needs (STATUS_ACCESS_DENIED): the queried classes PROCESS_QUERY_LIMITED_INFORMATION but the hard-error
  mode (PROCESS_QUERY_INFORMATION), the set classes PROCESS_SET_INFORMATION, NtTerminateProcess PROCESS_TERMINATE.
- NtSetInformationProcess checks the length, reads the value, checks it, then the handle. ProcessPriorityClass
  takes one of the six classes (1-6) and gives the process the class's base priority (idle 4, below normal 6,
  normal 8, above normal 10, high 13, real time 24), and its threads theirs; the real-time class needs
  SeIncreaseBasePriorityPrivilege (STATUS_PRIVILEGE_NOT_HELD for this standard user). ProcessAffinityMask takes a
  non-empty subset of the system's processors (STATUS_INVALID_PARAMETER otherwise), which
  PROCESS_BASIC_INFORMATION and the threads' THREAD_BASIC_INFORMATION then report.
- ProcessTimes (and ThreadTimes): the creation and exit times, and as kernel and user times the host CPU time the
  emulator spent (system and user) from the creation to the exit or to now (time.py's Lifetime).
"""

from __future__ import annotations

import os
import struct
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, TypeVar

from ..emu.memory import AddressSpace
from ..log import getLogger
from ..nt import layouts as L
from ..nt.process import (
    PROCESS_BASIC_INFORMATION,
    ProcessAffinityMask,
    ProcessBasicInformation,
    ProcessCookie,
    ProcessDebugPort,
    ProcessDefaultHardErrorMode,
    ProcessHandleCount,
    ProcessImageFileName,
    ProcessImageFileNameWin32,
    ProcessPriorityClass,
    ProcessSessionInformation,
    ProcessTimes,
    ProcessWow64Information,
)
from ..nt.status import NTSTATUS
from .errors import NtError
from .handles import CURRENT_PROCESS, CURRENT_THREAD, HandleTable, KernelObject, handle_attributes
from .processaccess import (
    PROCESS_QUERY_INFORMATION,
    PROCESS_QUERY_LIMITED_INFORMATION,
    PROCESS_SET_INFORMATION,
    PROCESS_TERMINATE,
    process_access,
    reference_process,
)
from .threadobject import NORMAL_PRIORITY, REALTIME_BASE, Thread
from .threadsetup import DEFAULT_STACK
from .time import KERNEL_USER_TIMES_SIZE, Lifetime
from .token import SESSION_ID, Token, check_privilege
from .volume import SYSTEM_VOLUME

if TYPE_CHECKING:
    from ..emu.trace import Tracer
    from ..nt.exceptions import ExceptionRecord
    from .exceptions import CpuContext
    from .jobs import JobObject
    from .system import System

log = getLogger(__name__)
T = TypeVar("T")
S = TypeVar("S")

PARENT_PID = 0x1A08  # the console that started the program; it has exited since
SYSTEM_PID = 4
AFFINITY_MASK = 0b11  # two processors
# PROCESS_PRIORITY_CLASS.PriorityClass: idle, normal, high, real-time, below normal, above normal; and the base
# priority of each.
PROCESS_PRIORITY_CLASS_NORMAL = 2
PROCESS_PRIORITY_CLASS_REALTIME = 4
BASE_PRIORITIES = {1: 4, 2: NORMAL_PRIORITY, 3: 13, 4: REALTIME_BASE, 5: 6, 6: 10}
HARD_ERROR_MODE_DEFAULT = 1  # SEM_FAILCRITICALERRORS clear: GetErrorMode() is 0


class Process(KernelObject):
    """One process of a System (EPROCESS): its address space, handles, CPU, threads and identity."""

    type_name = "Process"

    def __init__(self, system: System, pid: int, *, wow64: bool, large_address_aware: bool = False) -> None:
        self.system = system
        self.pid = pid
        self.wow64 = wow64
        self.large_address_aware = large_address_aware
        self.cpu = system.new_cpu()
        self.blank_context = self.cpu.save_context()  # the registers a new thread starts from (scheduler.py)
        self.memory = AddressSpace(self.cpu, system.physical)
        self.handles = HandleTable(system.physical)
        self.threads: list[Thread] = []
        self.live: list[Thread] = []  # those that have not ended: what the scheduler looks through
        self.running: Thread | None = None  # the thread the CPU runs now
        self.exit_status: int | None = None
        self.reaped = False  # its address space and CPU freed after its end (System.reap)
        # What the kernel knows of the process's own structures, set by process creation (0 where there is none).
        self.peb64 = 0
        self.peb32 = 0
        self.image_base = 0
        self.image_path = ""  # the guest's path of the image, e.g. C:\hello.exe
        self.parameters = (0, 0)  # its RTL_USER_PROCESS_PARAMETERS: 64-bit, 32-bit (0 without)
        self.parent_pid = PARENT_PID  # InheritedFromUniqueProcessId
        self.lifetime = Lifetime()  # its creation and exit times, and CPU times (ProcessTimes)
        self.create_time = self.lifetime.create_time
        self.priority_class = PROCESS_PRIORITY_CLASS_NORMAL
        self.affinity = AFFINITY_MASK  # the processors its threads may run on
        # nonzero, fixed for the life of the process (os.urandom: the secrets module costs 3 ms of every start)
        self.cookie = int.from_bytes(os.urandom(4), "little") | 1
        self.hard_error_mode = HARD_ERROR_MODE_DEFAULT
        self.token = Token(elevated=system.elevated)
        # Exceptions: ntdll!KiUserExceptionDispatcher (64-bit), set when the system DLLs are mapped; what ended the
        # process if an exception did; the tracer of exception events, if any.
        self.user_exception_dispatcher = 0
        # Where threads start, set when the system DLLs are mapped: the 64-bit ntdll's RtlUserThreadStart; in a
        # WoW64 process wow64cpu's RunSimulatedCode and the 32-bit ntdll's RtlUserThreadStart (threadlife.py). The
        # stack sizes a new thread gets by default: the image's SizeOfStackReserve and SizeOfStackCommit.
        self.thread_start64 = 0
        self.run_simulated = 0
        self.thread_start32 = 0
        self.ctrl_routine = 0  # kernel32!CtrlRoutine (of the process's width), where a console control event starts
        self.default_stack = DEFAULT_STACK
        self.unhandled: ExceptionRecord | None = None
        self.tracer: Tracer | None = None
        self.context_io: CpuContext | None = None  # made by the first exception (exceptions.py)
        self.job: JobObject | None = None  # its immediate job, if it is in one (jobs.py)

    def close(self) -> None:
        """Its last handle closed: a process that has ended and been reaped leaves the process table (its id can no
        longer be opened)."""
        if self.reaped:
            self.system.processes.pop(self.pid, None)

    def create_thread(self) -> Thread:
        """A new thread of this process, with an id from the System; its TEBs and stacks are the creator's to set."""
        thread = Thread(self, self.system.new_id())
        self.threads.append(thread)
        self.live.append(thread)
        return thread

    @property
    def highest_address32(self) -> int:
        """The highest user address a 32-bit image sees (with and without LARGE_ADDRESS_AWARE)."""
        return 0xFFFEFFFF if self.large_address_aware else 0x7FFEFFFF

    def describe(self) -> str:
        return f"Process {self.pid} ({self.image_path})"

    def signalled(self, thread: Thread) -> bool:
        return self.exit_status is not None

    @property
    def base_priority(self) -> int:
        """The base priority of its priority class."""
        return BASE_PRIORITIES[self.priority_class]

    @property
    def status(self) -> int:
        """ExitStatus as PROCESS_BASIC_INFORMATION gives it: STATUS_PENDING while the process runs."""
        return NTSTATUS.PENDING if self.exit_status is None else self.exit_status

    def terminate(self, status: int) -> None:
        """End the process: its job no longer counts it active, its threads end, its views of data sections are
        unmapped, its handles are closed, and its CPU stops after the current instruction."""
        if self.exit_status is not None:
            return
        self.exit_status = status & 0xFFFFFFFF
        if self.job is not None:
            self.job.process_ended(self)
        for thread in list(self.live):
            thread.end(self.exit_status)
        self.lifetime.end()
        sections = sys.modules.get(f"{__package__}.section")  # where data sections are made: none if never imported
        if sections is not None:
            sections.unmap_data_views(self.memory)
        self.handles.close_all()
        self.cpu.stop()

    def image_name(self, win32: bool) -> str:
        """The image's full path: the NT device path, or the Win32 one ("C:\\...")."""
        path = self.image_path
        return path if win32 else SYSTEM_VOLUME + path[2:]

    def entry_point(self) -> int:
        """The image's entry point, read from its headers in memory (0 when there is no image)."""
        base = self.image_base
        if not base:
            return 0
        nt_headers = base + struct.unpack("<I", self.memory.peek(base + 0x3C, 4))[0]
        return base + struct.unpack("<I", self.memory.peek(nt_headers + 0x28, 4))[0]  # AddressOfEntryPoint


def reference(thread: Thread, handle: int, cls: type[T]) -> T:
    """The object behind a handle or a pseudo handle (-1 the caller's process, -2 the calling thread), of the
    class asked for."""
    pseudo = {CURRENT_PROCESS: thread.process, CURRENT_THREAD: thread}.get(handle)
    obj = pseudo if pseudo is not None else thread.process.handles.get(handle, KernelObject)
    if not isinstance(obj, cls):
        raise NtError(NTSTATUS.OBJECT_TYPE_MISMATCH)
    return obj


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


Answer = Callable[[Thread, int, int], bytes]  # (the calling thread, handle, buffer) -> the 64-bit bytes


def query_information(thread: Thread, call: str, table: dict[int, tuple[int | None, Answer]], handle: int,
                      info_class: int, buffer: int, length: int, return_length: int) -> int:
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
    data = answer(thread, handle, buffer)
    memory = thread.process.memory
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
    def __init__(self, system: System) -> None:
        self.system = system

    def NtTerminateProcess(self, thread: Thread, ProcessHandle: int, ExitStatus: int) -> int:
        """NULL ends every other thread of the caller's process (ExitProcess does this first, then detaches the
        DLLs on the one thread left); a process handle ends that process."""
        if ProcessHandle == 0:
            for other in list(thread.process.live):
                if other is not thread:
                    other.end(ExitStatus & 0xFFFFFFFF)
            return NTSTATUS.SUCCESS
        reference_process(thread, ProcessHandle, PROCESS_TERMINATE).terminate(ExitStatus)
        return NTSTATUS.SUCCESS

    def NtOpenProcess(self, thread: Thread, ProcessHandle: int, DesiredAccess: int, ObjectAttributes: int,
                      ClientId: int) -> int:
        process = thread.process
        memory = process.memory
        memory.probe(ProcessHandle, 8, write=True)
        cid = read_client_id(memory, ClientId)
        check_open_target(memory, ObjectAttributes, cid)
        pid, tid = cid
        target = self.system.processes.get(pid)
        if tid:
            if target is None or not any(t.tid == tid for t in target.threads):
                raise NtError(NTSTATUS.INVALID_CID)
        elif pid == SYSTEM_PID:
            raise NtError(NTSTATUS.ACCESS_DENIED)
        elif target is None:
            raise NtError(NTSTATUS.INVALID_PARAMETER)
        memory.write_u64(ProcessHandle, process.handles.insert(target, process_access(DesiredAccess),
                                                               handle_attributes(memory, ObjectAttributes)))
        return NTSTATUS.SUCCESS

    # ---- information -----------------------------------------------------------------------------------

    def NtQueryInformationProcess(self, thread: Thread, ProcessHandle: int, ProcessInformationClass: int,
                                  ProcessInformation: int, ProcessInformationLength: int, ReturnLength: int) -> int:
        return query_information(thread, "NtQueryInformationProcess", _QUERY, ProcessHandle, ProcessInformationClass,
                                 ProcessInformation, ProcessInformationLength, ReturnLength)

    def NtSetInformationProcess(self, thread: Thread, ProcessHandle: int, ProcessInformationClass: int,
                                ProcessInformation: int, ProcessInformationLength: int) -> int:
        """The classes of _SET; every other class is STATUS_INVALID_INFO_CLASS (logged)."""
        entry = _SET.get(ProcessInformationClass)
        if entry is None:
            log.warning("NtSetInformationProcess: information class %d is unknown or not implemented",
                        ProcessInformationClass)
            raise NtError(NTSTATUS.INVALID_INFO_CLASS)
        size, apply = entry
        if ProcessInformationLength != size:
            raise NtError(NTSTATUS.INFO_LENGTH_MISMATCH)
        apply(thread, ProcessHandle, thread.process.memory.read(ProcessInformation, size))
        return NTSTATUS.SUCCESS


SERVICES = (ProcessServices.NtTerminateProcess, ProcessServices.NtOpenProcess,
            ProcessServices.NtQueryInformationProcess, ProcessServices.NtSetInformationProcess)


# ---- NtSetInformationProcess: (the calling thread, handle, the value's bytes) --------------------------------

def _set_hard_error_mode(caller: Thread, handle: int, data: bytes) -> None:
    """ProcessDefaultHardErrorMode (SetErrorMode): any ULONG."""
    reference_process(caller, handle, PROCESS_SET_INFORMATION).hard_error_mode = int.from_bytes(data, "little")


def _set_priority_class(caller: Thread, handle: int, data: bytes) -> None:
    """PROCESS_PRIORITY_CLASS {Foreground, PriorityClass}: a class of BASE_PRIORITIES; the real-time class needs
    SeIncreaseBasePriorityPrivilege. Its threads take the class's base priority."""
    priority_class = data[1]
    if priority_class not in BASE_PRIORITIES:
        raise NtError(NTSTATUS.INVALID_PARAMETER)
    process = reference_process(caller, handle, PROCESS_SET_INFORMATION)
    if priority_class == PROCESS_PRIORITY_CLASS_REALTIME:
        check_privilege(caller.effective_token(), "SeIncreaseBasePriorityPrivilege")
    process.priority_class = priority_class
    for thread in process.threads:
        thread.priority = thread.base_priority


def _set_affinity(caller: Thread, handle: int, data: bytes) -> None:
    """A KAFFINITY: at least one processor, and only the system's (STATUS_INVALID_PARAMETER otherwise)."""
    mask = int.from_bytes(data, "little")
    process = reference_process(caller, handle, PROCESS_SET_INFORMATION)
    if not mask or mask & ~AFFINITY_MASK:
        raise NtError(NTSTATUS.INVALID_PARAMETER)
    process.affinity = mask


# class -> (its exact length, what applies the value read)
_SET: dict[int, tuple[int, Callable[[Thread, int, bytes], None]]] = {
    ProcessDefaultHardErrorMode: (4, _set_hard_error_mode),
    ProcessPriorityClass: (2, _set_priority_class),
    ProcessAffinityMask: (8, _set_affinity),
}


# ---- answers of NtQueryInformationProcess ---------------------------------------------------------------------

def _queried(thread: Thread, handle: int) -> Process:
    """The process a query names: PROCESS_QUERY_LIMITED_INFORMATION is enough for every class but the hard-error
    mode."""
    return reference_process(thread, handle, PROCESS_QUERY_LIMITED_INFORMATION)


def _basic(thread: Thread, handle: int, _buffer: int) -> bytes:
    process = _queried(thread, handle)
    values = {"ExitStatus": process.status, "PebBaseAddress": process.peb64, "AffinityMask": process.affinity,
              "BasePriority": process.base_priority, "UniqueProcessId": process.pid,
              "InheritedFromUniqueProcessId": process.parent_pid}
    return PROCESS_BASIC_INFORMATION.pack(values, 64)


def _cookie(thread: Thread, handle: int, _buffer: int) -> bytes:
    if handle != CURRENT_PROCESS:
        raise NtError(NTSTATUS.INVALID_PARAMETER)
    return struct.pack("<I", thread.process.cookie)


def _image_name(win32: bool) -> Answer:
    def answer(thread: Thread, handle: int, buffer: int) -> bytes:
        return _unicode_string_answer(_queried(thread, handle).image_name(win32), buffer)
    return answer


def _value(value: Callable[[Process], int], size: int = 4, access: int = PROCESS_QUERY_LIMITED_INFORMATION) -> Answer:
    """A class answered with one number of `size` bytes, for a handle granting `access`."""
    def answer(thread: Thread, handle: int, _buffer: int) -> bytes:
        return value(reference_process(thread, handle, access)).to_bytes(size, "little")
    return answer


def _wow64_peb(process: Process) -> int:
    """ProcessWow64Information: the PEB32 of a WoW64 process, 0 for a native one."""
    return process.peb32 if process.wow64 else 0


# class -> (the exact length it takes, or None for a variable one; what answers it)
_QUERY: dict[int, tuple[int | None, Answer]] = {
    ProcessBasicInformation: (PROCESS_BASIC_INFORMATION.size(64), _basic),
    ProcessTimes: (KERNEL_USER_TIMES_SIZE, lambda t, h, _b: _queried(t, h).lifetime.kernel_user_times()),
    ProcessPriorityClass: (2, _value(lambda p: p.priority_class << 8, 2)),  # Foreground FALSE, PriorityClass
    ProcessDebugPort: (8, _value(lambda _p: 0, 8)),  # never debugged
    ProcessDefaultHardErrorMode: (4, _value(lambda p: p.hard_error_mode, access=PROCESS_QUERY_INFORMATION)),
    ProcessHandleCount: (4, _value(lambda p: len(p.handles))),
    ProcessSessionInformation: (4, _value(lambda _p: SESSION_ID)),
    ProcessWow64Information: (8, _value(_wow64_peb, 8)),
    ProcessImageFileName: (None, _image_name(False)),
    ProcessCookie: (4, _cookie),
    ProcessImageFileNameWin32: (None, _image_name(True)),
}
