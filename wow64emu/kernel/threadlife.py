"""A thread's life: NtCreateThreadEx, NtTerminateThread, NtSuspendThread, NtResumeThread and NtYieldExecution.

Windows' behaviour, and the choices made here:
- NtCreateThreadEx makes the thread's TEBs and stacks at once (threadsetup.py): StackSize is what is committed and
  MaximumStackSize what is reserved, each 0 for the image's SizeOfStackCommit / SizeOfStackReserve. The thread
  starts at the 64-bit ntdll's RtlUserThreadStart(StartRoutine, Argument); in a WoW64 process it starts in wow64cpu's
  RunSimulatedCode with the 32-bit registers wow64 gives a new thread (the 32-bit ntdll's RtlUserThreadStart, EAX =
  StartRoutine, EBX = Argument). THREAD_CREATE_FLAGS_CREATE_SUSPENDED leaves it with a suspend count of 1,
  THREAD_CREATE_FLAGS_HIDE_FROM_DEBUGGER hides it; other flags Windows knows are accepted, unknown ones are
  STATUS_INVALID_PARAMETER. A thread in a process of the other width is STATUS_NOT_SUPPORTED (as Windows refuses a
  32-bit caller's thread in a 64-bit process); in another process of the same width it is made as in the caller's.
  AttributeList is not read (kernel32 asks for the client id with NtQueryInformationThread instead); a list is
  STATUS_NOT_SUPPORTED, said once in a warning.
- NtTerminateThread: a handle ends that thread (the calling one included, which never returns); the last thread of
  a process to end ends the process with its status, as PspExitThread does. A thread that ends while its process
  lives on gives back its TEBs, stacks, CPU area and arena (threadsetup.release_thread_memory), as Windows frees
  what it made for a thread: a program that starts and ends threads without end never runs out of address space.
  A NULL handle names the calling thread, but not when it is the last one: STATUS_CANT_TERMINATE_SELF. Ending a
  thread that has ended already succeeds.
- NtSuspendThread / NtResumeThread give the previous suspend count; 127 suspensions at most
  (STATUS_SUSPEND_COUNT_EXCEEDED); suspending a thread that has ended is STATUS_THREAD_IS_TERMINATING. A thread that
  suspends itself stops at once.
- NtYieldExecution gives the CPU to another thread that can run, or says STATUS_NO_YIELD_PERFORMED when none can.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..log import getLogger
from ..nt.status import NTSTATUS
from .errors import NtError
from .handles import handle_attributes
from .process import Process, reference
from .threadobject import Thread, ThreadStart
from .threadsetup import build_thread, initial_context32, release_thread_memory

if TYPE_CHECKING:
    from .system import System

log = getLogger(__name__)

THREAD_CREATE_FLAGS_CREATE_SUSPENDED = 0x1
THREAD_CREATE_FLAGS_HIDE_FROM_DEBUGGER = 0x4
THREAD_CREATE_FLAGS = 0xFF  # the flags Windows 10 knows: suspended, skip attach, hide, loader worker, ...
MAXIMUM_SUSPEND_COUNT = 0x7F
WOW64_START_RSP = 0x100  # where RunSimulatedCode starts below the top of the 64-bit stack
NATIVE_START_RSP = 0x108  # RtlUserThreadStart's entry: 16-byte aligned after its return address


class ThreadLifeServices:
    def __init__(self, system: System) -> None:
        self.system = system

    def NtCreateThreadEx(self, thread: Thread, ThreadHandle: int, DesiredAccess: int, ObjectAttributes: int,
                         ProcessHandle: int, StartRoutine: int, Argument: int, CreateFlags: int, ZeroBits: int,
                         StackSize: int, MaximumStackSize: int, AttributeList: int) -> int:
        memory = thread.process.memory
        memory.probe(ThreadHandle, 8, write=True)
        if CreateFlags & ~THREAD_CREATE_FLAGS:
            raise NtError(NTSTATUS.INVALID_PARAMETER)
        if AttributeList:
            log.warning("NtCreateThreadEx: a PS_ATTRIBUTE_LIST is not read; pass NULL")
            raise NtError(NTSTATUS.NOT_SUPPORTED)
        target = reference(thread, ProcessHandle, Process)
        if target.wow64 != thread.process.wow64 or target.exit_status is not None:
            raise NtError(NTSTATUS.NOT_SUPPORTED if target.exit_status is None else NTSTATUS.PROCESS_IS_TERMINATING)
        new = create_user_thread(target, StartRoutine, Argument, reserve=MaximumStackSize, commit=StackSize)
        new.suspend_count = int(bool(CreateFlags & THREAD_CREATE_FLAGS_CREATE_SUSPENDED))
        new.hidden_from_debugger = bool(CreateFlags & THREAD_CREATE_FLAGS_HIDE_FROM_DEBUGGER)
        memory.write_u64(ThreadHandle, thread.process.handles.insert(
            new, attributes=handle_attributes(memory, ObjectAttributes)))
        return NTSTATUS.SUCCESS

    def NtTerminateThread(self, thread: Thread, ThreadHandle: int, ExitStatus: int) -> int:
        if ThreadHandle == 0:
            if _live(thread.process) <= 1:
                raise NtError(NTSTATUS.CANT_TERMINATE_SELF)
            target = thread
        else:
            target = reference(thread, ThreadHandle, Thread)
        end_thread(target, ExitStatus)
        return NTSTATUS.SUCCESS

    def NtSuspendThread(self, thread: Thread, ThreadHandle: int, PreviousSuspendCount: int) -> int:
        target = reference(thread, ThreadHandle, Thread)
        if target.exit_status is not None:
            raise NtError(NTSTATUS.THREAD_IS_TERMINATING)
        previous = target.suspend_count
        if previous >= MAXIMUM_SUSPEND_COUNT:
            raise NtError(NTSTATUS.SUSPEND_COUNT_EXCEEDED)
        _write_count(thread, PreviousSuspendCount, previous)
        target.suspend_count += 1
        return NTSTATUS.SUCCESS

    def NtResumeThread(self, thread: Thread, ThreadHandle: int, PreviousSuspendCount: int) -> int:
        target = reference(thread, ThreadHandle, Thread)
        previous = target.suspend_count
        _write_count(thread, PreviousSuspendCount, previous)
        if previous:
            target.suspend_count -= 1
        return NTSTATUS.SUCCESS

    def NtYieldExecution(self, thread: Thread) -> int:
        if any(t is not thread and t.runnable for t in self.system.scheduler.threads()):
            thread.yielding = True
            return NTSTATUS.SUCCESS
        return NTSTATUS.NO_YIELD_PERFORMED


SERVICES = (ThreadLifeServices.NtCreateThreadEx, ThreadLifeServices.NtTerminateThread,
            ThreadLifeServices.NtSuspendThread, ThreadLifeServices.NtResumeThread,
            ThreadLifeServices.NtYieldExecution)


def create_user_thread(process: Process, start: int, argument: int, *, reserve: int = 0, commit: int = 0) -> Thread:
    """A new thread of `process` that will run start(argument) from ntdll's RtlUserThreadStart: a 32-bit one in a
    WoW64 process (`start` is 32-bit code). The stack sizes default to the image's."""
    default_reserve, default_commit = process.default_stack
    new = build_thread(process, reserve or default_reserve, commit or default_commit)
    new.start_address = start
    if process.wow64:
        initial_context32(process, new, process.thread_start32, start, argument)
        new.start = ThreadStart(process.run_simulated, new.stack64[1] - WOW64_START_RSP)
    else:
        new.start = ThreadStart(process.thread_start64, new.stack64[1] - NATIVE_START_RSP, start, argument)
    return new


def end_thread(thread: Thread, status: int) -> None:
    """The thread ends with `status`; the last thread of its process to end ends the process with it."""
    if thread.exit_status is not None:
        return
    thread.end(status & 0xFFFFFFFF)
    if not _live(thread.process):
        thread.process.terminate(status)
    else:
        release_thread_memory(thread)


def _live(process: Process) -> int:
    return len(process.live)


def _write_count(thread: Thread, address: int, count: int) -> None:
    if address:
        thread.process.memory.write(address, count.to_bytes(4, "little"))
