"""The scheduler: the threads of every process run one at a time, each on its process's CPU, and a wait returns
to the scheduler instead of sleeping.

A service that must wait puts a WaitBlock on the calling thread (waits.py); the kernel's entry then stops the CPU
after the `syscall` instruction, and the scheduler takes over outside of it. So do a thread's end, its suspension,
a yield (NtYieldExecution, Sleep(0)), an exception or NtContinue that gives it new registers, and a console control
event (Ctrl-C, GenerateConsoleCtrlEvent), for which it starts a thread at kernel32's CtrlRoutine.

Between runs it tries the waits again (what another thread did may satisfy them) and chooses the thread to run: the
one that ran while it can, else the next runnable thread after it in the order of creation (by thread id). While a
process has more than one thread, each run is a time slice of QUANTUM instructions, counted exactly by the CPU, so
that a thread that spins (waiting for a flag another thread sets) cannot keep the others from running; the same
program gives the same interleaving, and the same output, every time. `--seed N` draws the next thread at random
instead, from a generator seeded with N: another interleaving, still the same for the same N.

Processes are scheduled alike: a thread of a child process is one more thread in the order of creation (each
process has its own CPU; a switch between processes is a switch between CPUs). While more than one thread of the
System is alive, runs are time slices. A run ends when the first process ends, or, when the Machine waits for the
whole tree (the default; --no-wait-children), when no thread of any process is left.

A switch keeps the old thread's registers (the CPU's whole context) and loads the new one's, whose TEB the CPU's
descriptor for FS then describes; a thread that has not run yet starts from the process's blank registers at its
ThreadStart, through the kernel's first return to user mode. When no thread can run, the scheduler waits on the host
until the earliest timeout of a waiting thread, never past the run's --timeout. When every thread waits with no
timeout, nothing can ever end the waits: the emulator stops with WaitForever, naming each thread and what it waits
on, where Windows would hang.
"""
from __future__ import annotations

import time
from functools import cached_property
from typing import TYPE_CHECKING

from ..emu.cpu.backend import CS64, FaultKind, RunResult
from ..errors import GuestBudgetExceeded
from ..interrupt import DEFERRAL
from .threadlife import create_user_thread
from .waits import REDO, WaitForever

if TYPE_CHECKING:
    import random

    from .exceptions import ExceptionDispatch
    from .system import System
    from .threadobject import Thread


QUANTUM = 200_000  # the instructions of a time slice while a process has more than one thread
SLEEP_SLICE = 0.05  # seconds: the host sleeps no longer at once, so that a control event is delivered soon


class Scheduler:
    """Runs the threads of every process of the System, one at a time (see the module docstring)."""

    def __init__(self, system: System) -> None:
        self.system = system
        self.quantum = QUANTUM
        self.rng: random.Random | None = None
        self.switches = 0  # how often the CPU went from one thread to another

    @cached_property
    def exceptions(self) -> ExceptionDispatch:
        """KiDispatchException, imported at the first fault the memory manager does not resolve (a run without one,
        most, imports none of it)."""
        from .exceptions import ExceptionDispatch

        return ExceptionDispatch(self.system)

    def seed(self, seed: int) -> None:
        """Draw the next thread at random from now on, from a generator seeded with `seed` (--seed)."""
        import random  # here: most runs never need it, and it costs a start 1-2 ms

        self.rng = random.Random(seed)

    def _shared(self) -> bool:
        """Whether more than one thread of the System is alive, so that each run is a time slice."""
        count = 0
        for process in self.system.processes.values():
            count += len(process.live)
            if count > 1:
                return True
        return False

    def threads(self) -> list[Thread]:
        """Every thread of the System that has not ended, in the order they were created."""
        return [t for p in self.system.processes.values() for t in p.live]

    def run(self, first: Thread, begin: int, *, until: int | None = None, max_insns: int = 0,
            wait_children: bool = False) -> RunResult:
        """Run from `first` (whose registers the CPU holds, at `begin`) and every thread of the System, until
        `first`'s process ends (with `wait_children`, until every process has ended), a thread faults with nothing
        to handle it, reaches `until`, or the run is out of budget. `max_insns` bounds the instructions of all the
        runs together."""
        main = first.process
        thread, pc, left = first, begin, max_insns
        while True:
            self.system.reap(main)
            self.system.recycle_frames()
            process = thread.process
            process.running = thread
            cpu = process.cpu
            deadline = self.system.deadline
            timeout = max(deadline - time.monotonic(), 0.001) if deadline is not None else 0.0
            quantum = self.quantum if self._shared() else 0
            result = cpu.run(pc, until=until, max_insns=left, timeout=timeout, quantum=quantum)
            left -= result.executed
            pc = result.pc
            fault = result.fault
            if fault is not None and fault.kind is FaultKind.PAGE and fault.access is not None and \
                    process.memory.resolve_fault(fault.address, fault.access):
                pc = fault.pc  # the page is there now (or copied): the instruction runs again
            elif fault is not None:
                self.exceptions.on_fault(thread, fault)  # the thread resumes at the dispatcher, or the process ends
            elif result.reason in ("until", "budget", "timeout"):
                return result
            # A stop with no reason on the thread is Ctrl-C's (System.stop, from the watcher thread): the guest took it
            # (a control event is pending, or was delivered before the stop arrived) or Python raises
            # KeyboardInterrupt at its next call; either way the threads go on.
            if main.exit_status is not None and not (wait_children and self.threads()):
                thread.resume = None
                return RunResult("stopped", pc, executed=result.executed)
            if thread.resume is not None and thread.exit_status is None:
                from .exceptions import context_io  # a context to resume with: an exception's, NtContinue's...

                context, thread.resume = thread.resume, None
                pc = context_io(process).resume(context)
            if max_insns and left <= 0:
                return RunResult("budget", pc)
            if deadline is not None and time.monotonic() >= deadline:
                # Runs that each end early (a fault and its handler, again and again) never reach the CPU's own
                # timeout: the run's time is checked between them.
                return RunResult("timeout", pc)
            following = self._next(thread, result.reason == "quantum" or self.system.ctrl_pending is not None)
            if following is not thread:
                pc = self._switch(thread, pc, following)
                thread = following
            elif thread.wake_status is not None:  # its wait ended (at once, or while the host slept)
                pc = _wake(thread, pc)

    # ---- choosing ---------------------------------------------------------------------------------------------

    def _next(self, current: Thread, preempted: bool) -> Thread:
        """The thread to run next: the one that ran, unless it cannot run on, or it was preempted or yielded and
        another can run; then the next runnable one after it in creation order (or, with --seed, one drawn at
        random). When none can run, wait on the host for the earliest timeout among the waits."""
        yielding, current.yielding = current.yielding, False
        while True:
            if self.system.ctrl_pending is not None:
                self._deliver_ctrl()
                preempted = True  # the handlers' thread goes first, even when the event came during a sleep
            threads = self.threads()
            now = time.monotonic()
            for t in threads:
                if t.wait is not None:
                    self._try_wake(t, now)
            if current.runnable and not (preempted or yielding):
                return current
            ready = [t for t in threads if t.runnable]
            if ready:
                others = [t for t in ready if t is not current] or ready
                if self.rng is not None:
                    return self.rng.choice(others)
                later = [t for t in others if t.tid > current.tid]
                return (later or others)[0]
            self._sleep_for(threads)

    def finish_wait(self, thread: Thread) -> int:
        """End the wait of a thread that no other thread can help (the kernel's tests call services this way):
        satisfied now, or at its deadline, waiting on the host; its status (REDO: the caller does the call again)."""
        while thread.wait is not None:
            self._try_wake(thread, time.monotonic())
            if thread.wait is not None:
                self._sleep_for([thread])
        status, thread.wake_status = thread.wake_status, None
        assert status is not None
        return status

    def _deliver_ctrl(self) -> None:
        """A console control event: a new thread at kernel32!CtrlRoutine(event) in each live process that has it
        (the first thread's turn comes after it: it is new, and later in the order)."""
        event, self.system.ctrl_pending = self.system.ctrl_pending, None
        DEFERRAL.taken = False  # delivered: no block hook stops a run for it, no console read ends for it
        for process in list(self.system.processes.values()):
            if process.ctrl_routine and process.exit_status is None:
                create_user_thread(process, process.ctrl_routine, event)

    def _try_wake(self, thread: Thread, now: float) -> None:
        """End the thread's wait if it is satisfied (changing the objects as Windows does) or timed out; the status
        waits in wake_status until the thread runs."""
        wait = thread.wait
        assert wait is not None
        status = wait.satisfy(thread)
        if status is None and wait.deadline is not None and now >= wait.deadline:
            status = wait.timeout_status
        if status is not None:
            thread.wait = None
            thread.wake_status = status
            if status == REDO:
                thread.redo = wait  # only a RestartWait gives REDO

    def _sleep_for(self, threads: list[Thread]) -> None:
        """No thread can run: sleep on the host until the earliest deadline of a wait; with none, every thread
        waits for ever (WaitForever names each and what it waits on)."""
        deadlines = [t.wait.deadline for t in threads if t.wait is not None and t.wait.deadline is not None]
        if not deadlines:
            waiting = [t for t in threads if t.wait is not None]
            if len(waiting) == 1:
                raise WaitForever(waiting[0].wait.describe(waiting[0]))
            suspended = [t.describe() for t in threads if t.suspend_count]
            parts = [f"{t.describe()} in {t.wait.describe_short(t)}" for t in waiting]
            if suspended:
                parts.append("suspended: " + ", ".join(suspended))
            raise WaitForever("every thread waits for ever (a deadlock): " + "; ".join(parts))
        self._sleep_until(min(deadlines))

    def _switch(self, old: Thread, pc: int, new: Thread) -> int:
        """Give the CPU to `new`: keep `old`'s registers (if it lives on) and load `new`'s; the address to run from."""
        self.switches += 1
        if old.exit_status is None:
            old.context = old.process.cpu.save_context()
            old.pc = pc
        elif old.process.tracer is not None:
            old.process.tracer.thread_ended(old.process.pid, old.tid)
        if new.process.tracer is not None:
            new.process.tracer.on_thread(new.process.pid, new.tid, f"thread at 0x{new.start_address:x}"
                                         if new.start_address else "main", new.process.image_path.split("\\")[-1])
        cpu = new.process.cpu
        if new.start is not None:
            start, new.start = new.start, None
            cpu.restore_context(new.process.blank_context)
            cpu.set_teb(new.teb64, new.teb32 or None)
            cpu.registers(["rcx", "rdx"]).write((start.rcx, start.rdx))
            return cpu.resume_at(cpu.enter_user(start.rip, start.rsp), CS64)
        assert new.context is not None
        cpu.restore_context(new.context)
        new.context = None
        cpu.set_teb(new.teb64, new.teb32 or None)
        pc = _wake(new, new.pc) if new.wake_status is not None else new.pc
        return cpu.resume_at(pc, cpu.register("cs"))

    def _sleep_until(self, deadline: float) -> None:
        """Wait on the host; a wait that would outlast the run's --timeout ends the run when the time is up."""
        limit = self.system.deadline
        end = min(deadline, limit) if limit is not None else deadline
        while (left := end - time.monotonic()) > 0 and self.system.ctrl_pending is None:
            time.sleep(min(left, SLEEP_SLICE))  # in slices: a Ctrl-C the guest takes ends the sleep
        if limit is not None and deadline > limit and self.system.ctrl_pending is None:
            raise GuestBudgetExceeded(f"the guest was still waiting when its --timeout ran out "
                                      f"({deadline - limit:.3g} s more to wait)")


def _wake(thread: Thread, pc: int) -> int:
    """Give a thread whose wait ended its status in RAX; one that redoes its system call (a RestartWait) goes back
    on the `syscall` with RAX = the call's number. The address it goes on at."""
    status, thread.wake_status = thread.wake_status, None
    cpu = thread.process.cpu
    if status == REDO and thread.redo is not None and thread.redo.redo_at is not None:
        pc, number = thread.redo.redo_at
        cpu.registers(["rax"]).write((number,))
        if thread.process.tracer is not None:
            thread.process.tracer.emit("kernel", "redo", f"{thread.redo.call}: its wait for {thread.redo.waits_for} "
                                       f"ended: the thread does the call again (rip 0x{pc:x}, eax 0x{number:x})",
                                       name=thread.redo.call, number=number)
        return pc
    cpu.registers(["rax"]).write((status,))
    return pc
