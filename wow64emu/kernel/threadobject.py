"""The thread object: what Windows keeps in the ETHREAD, and what the emulator keeps of a thread besides.

A Thread belongs to one process. Its id comes from the System's id allocator (the same table as process ids, as
Windows' client ids). It has its TEB64 (and in a WoW64 process its TEB32, 0x2000 after it), both stacks and the CPU
area (set by whoever creates it), its scheduling state (priorities), its impersonation token, its CPU context while
it does not run, and the wait it is blocked in. As a kernel object it is what a thread handle names, and a wait on it
is satisfied once it has ended.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..nt.status import NTSTATUS
from .handles import KernelObject
from .time import Lifetime


@dataclass(frozen=True)
class ThreadStart:
    """The registers a thread starts with: the kernel's first return to user mode at `rip` with `rsp`, and RCX,
    RDX the arguments of the 64-bit start (RtlUserThreadStart's start routine and argument)."""

    rip: int
    rsp: int
    rcx: int = 0
    rdx: int = 0


if TYPE_CHECKING:
    from ..nt.exceptions import Context
    from .process import Process
    from .sync import MutantObject
    from .token import Token
    from .waits import RestartWait, WaitBlock

NORMAL_PRIORITY = 8  # the base priority of NORMAL_PRIORITY_CLASS
SATURATION = 16  # the base priority increments of THREAD_PRIORITY_TIME_CRITICAL (+) and THREAD_PRIORITY_IDLE (-)
REALTIME_BASE = 24  # the base priority of REALTIME_PRIORITY_CLASS, whose threads saturate at 31 and 16


class Thread(KernelObject):
    type_name = "Thread"

    def __init__(self, process: Process, tid: int) -> None:
        self.process = process
        self.tid = tid
        self.lifetime = Lifetime()  # its creation and exit times, and CPU times (ThreadTimes)
        self.create_time = self.lifetime.create_time
        self.exit_status: int | None = None
        # Set by the creator of the thread (process creation, for the first one).
        self.teb64 = 0
        self.teb32 = 0
        self.stack64: tuple[int, int] = (0, 0)  # (limit, base)
        self.stack32: tuple[int, int] = (0, 0)
        self.cpu_area = 0  # WoW64: the CPU area (TEB64 TLS slot 1), whose WOW64_CONTEXT is the 32-bit context
        self.wow64: object | None = None  # what wow64.dll keeps for the thread (its per-call arena and calls)
        self.context: object | None = None  # the CPU's saved registers while the thread does not run
        self.pc = 0  # where it goes on, with them
        self.start: ThreadStart | None = None  # its first registers, until it first runs
        self.start_address = 0  # the start routine it was created with (ThreadQuerySetWin32StartAddress)
        self.wait: WaitBlock | None = None  # what the thread waits for, while it waits
        self.wake_status: int | None = None  # the status its ended wait gives it in RAX when it runs again
        self.redo: RestartWait | None = None  # the ended wait whose system call the thread does again (waits.py)
        self.resume: Context | None = None  # the registers it goes on with, set by NtContinue or an exception
        self.suspend_count = 0
        self.owned_mutants: list[MutantObject] = []  # abandoned when the thread ends
        self.yielding = False  # NtYieldExecution: the scheduler runs another thread first, if one can run
        self.alerted = False  # NtAlertThreadByThreadId's flag, which NtWaitForAlertByThreadId takes (alerts.py)
        # Scheduling and security.
        self.base_increment = 0  # the base priority relative to the process's (THREAD_PRIORITY_*)
        self.priority = NORMAL_PRIORITY
        self.hidden_from_debugger = False
        self.impersonation: Token | None = None

    @property
    def base_priority(self) -> int:
        """The process's base priority plus the increment; the saturation increments give 15 and 1 (31 and 16 in
        the real-time class)."""
        base = self.process.base_priority
        high, low = (31, 16) if base >= REALTIME_BASE else (15, 1)
        return {SATURATION: high, -SATURATION: low}.get(self.base_increment, base + self.base_increment)

    def end(self, status: int) -> None:
        """The thread ended with `status` (once: a thread that has ended stays so)."""
        if self.exit_status is not None:
            return
        self.exit_status = status
        self.wait = None
        self.process.live.remove(self)
        for mutant in self.owned_mutants:
            mutant.abandon()
        self.owned_mutants.clear()
        self.lifetime.end()

    @property
    def runnable(self) -> bool:
        """Neither ended, nor suspended, nor blocked in a wait."""
        return self.exit_status is None and not self.suspend_count and self.wait is None

    @property
    def status(self) -> int:
        """ExitStatus as THREAD_BASIC_INFORMATION gives it: STATUS_PENDING while the thread runs."""
        return NTSTATUS.PENDING if self.exit_status is None else self.exit_status

    def describe(self) -> str:
        return f"Thread {self.tid} of process {self.process.pid}"

    def signalled(self, thread: Thread) -> bool:
        return self.exit_status is not None

    def effective_token(self) -> Token:
        return self.impersonation or self.process.token
