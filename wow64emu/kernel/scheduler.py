"""The scheduler: threads run on their process's CPU, and a wait returns to the scheduler instead of sleeping.

A service that must wait (NtWaitForSingleObject on what is not signalled, NtDelayExecution) puts a WaitBlock on
the calling thread and returns; the kernel's entry then stops the CPU after the `syscall` instruction, and the
scheduler takes over outside of it. It tries the waits again (what another thread did may satisfy them), runs a
thread that can run, or, when none can, waits on the host until the earliest timeout of a waiting thread, never
past the run's --timeout, and gives that thread its status in RAX before it goes on. A wait that nothing can ever
end (no timeout, and no other thread that could act) stops the emulator with WaitForever, where Windows would
hang.

Satisfying a wait changes the objects as Windows does: a synchronization event resets, a mutant becomes owned
(recursively by its owner), a semaphore's count drops; WAIT_ALL satisfies all of them or none.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..emu.cpu.backend import FaultKind, RunResult
from ..errors import EmulatorError, GuestBudgetExceeded
from ..nt.status import NTSTATUS
from .exceptions import ExceptionDispatch, context_io

if TYPE_CHECKING:
    from .handles import KernelObject
    from .system import System
    from .threadobject import Thread


class WaitForever(EmulatorError):
    """The guest waits, with no timeout, for what nothing in its System can ever bring."""


@dataclass
class WaitBlock:
    """What a blocked thread waits for: objects (any or all of them) and a deadline on the host's monotonic clock
    (None: no timeout). A delay waits for no object."""

    call: str
    objects: list[KernelObject]
    wait_all: bool
    deadline: float | None
    timeout_status: int = NTSTATUS.TIMEOUT  # what the thread gets when the deadline comes first

    def satisfy(self, thread: Thread) -> int | None:
        """The status of the wait if it is satisfied now (changing the objects as Windows does), else None."""
        return satisfy(thread, self.objects, self.wait_all)

    def describe(self, thread: Thread) -> str:
        if not self.objects:
            return f"the guest sleeps forever ({self.call} with an infinite interval) and has no other thread to " \
                   "wake it"
        unsignalled = ", ".join(o.describe() for o in self.objects if not o.signalled(thread))
        return (f"the guest waits forever ({self.call} with no timeout) on {unsignalled}, and has no other thread "
                "to signal it")


def satisfy(thread: Thread, objects: list[KernelObject], wait_all: bool) -> int | None:
    """WAIT_0 + i (ABANDONED_WAIT_0 + i for an abandoned mutant) if the wait is satisfied now, else None."""
    if not objects:
        return None
    if wait_all:
        if all(o.signalled(thread) for o in objects):
            abandoned = [o.satisfy(thread) for o in objects]
            return NTSTATUS.ABANDONED_WAIT_0 if any(abandoned) else NTSTATUS.SUCCESS
        return None
    for i, obj in enumerate(objects):
        if obj.signalled(thread):
            return (NTSTATUS.ABANDONED_WAIT_0 if obj.satisfy(thread) else NTSTATUS.SUCCESS) + i
    return None


def block(thread: Thread, wait: WaitBlock) -> int:
    """Make the calling thread wait; the service returns what this returns, which the thread never sees (it gets
    the wait's own status when the wait ends)."""
    thread.wait = wait
    return NTSTATUS.PENDING


class Scheduler:
    def __init__(self, system: System) -> None:
        self.system = system
        self.exceptions = ExceptionDispatch(system)

    def run(self, thread: Thread, begin: int, *, until: int | None = None, max_insns: int = 0) -> RunResult:
        """Run `thread` from `begin` until its process ends, it faults, reaches `until`, or runs out of budget;
        its waits are served here between runs of the CPU. `max_insns` bounds the instructions of all the CPU's runs
        together."""
        cpu = thread.process.cpu
        left = max_insns
        while True:
            self.system.recycle_frames()
            thread.process.running = thread
            deadline = self.system.deadline
            timeout = max(deadline - time.monotonic(), 0.001) if deadline is not None else 0.0
            result = cpu.run(begin, until=until, max_insns=left, timeout=timeout)
            left -= result.executed
            fault = result.fault
            if fault is not None and fault.kind is FaultKind.PAGE and fault.access is not None and \
                    thread.process.memory.resolve_fault(fault.address, fault.access):
                begin = fault.pc  # the page is there now (or copied): the instruction runs again
            elif fault is not None:
                self.exceptions.on_fault(thread, fault)  # the thread resumes at the dispatcher, or the process ends
            elif result.reason != "stopped" or (thread.wait is None and thread.resume is None):
                return result
            elif thread.wait is not None:
                cpu.registers(["rax"]).write((self.finish_wait(thread),))
                begin = result.pc  # after the `syscall` instruction
            if thread.process.exit_status is not None:
                thread.resume = None
                return RunResult("stopped", result.pc, executed=result.executed)
            if thread.resume is not None:
                context, thread.resume = thread.resume, None
                begin = context_io(thread.process).resume(context)
            if max_insns and left <= 0:
                return RunResult("budget", begin)
            if deadline is not None and time.monotonic() >= deadline:
                # Runs that each end early (a fault and its handler, again and again) never reach the CPU's own
                # timeout: the run's time is checked between them.
                return RunResult("timeout", begin)

    def finish_wait(self, thread: Thread) -> int:
        """End a thread's wait: satisfied now, or at its deadline (waiting on the host, as no other thread can run
        meanwhile); its status."""
        wait = thread.wait
        assert wait is not None
        status = wait.satisfy(thread)
        if status is None:
            if wait.deadline is None:
                raise WaitForever(wait.describe(thread))
            self._sleep_until(wait.deadline)
            status = wait.timeout_status
        thread.wait = None
        return status

    def _sleep_until(self, deadline: float) -> None:
        """Wait on the host; a wait that would outlast the run's --timeout ends the run when the time is up."""
        limit = self.system.deadline
        if limit is not None and deadline > limit:
            time.sleep(max(0.0, limit - time.monotonic()))
            raise GuestBudgetExceeded(f"the guest was still waiting when its --timeout ran out "
                                      f"({deadline - limit:.3g} s more to wait)")
        time.sleep(max(0.0, deadline - time.monotonic()))
