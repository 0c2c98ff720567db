"""Ctrl-C that always works, even while guest code runs for minutes without a system call.

Python runs a signal handler only between bytecodes of the main thread, and the main thread spends guest time
inside Unicorn's emu_start, which returns on an event of the guest's. So while a run lasts, the C-level signal
handler also writes the signal's number to a pipe (signal.set_wakeup_fd) that a watcher thread reads. The handler
itself (on_sigint) raises KeyboardInterrupt, unless the guest takes the Ctrl-C as Windows gives it to a console
program (a CTRL_C_EVENT that its control handlers, or kernel32's default one, answer: kernel/system.py,
take_interrupt).

The watcher stops the CPU only where the run can go on cleanly from the stop. Unicorn ends a run that is stopped
while a code hook runs, or between the hook's return and its instruction, before that instruction: the thread,
going on from there, would run the hook twice (wow64's dispatch would serve its call twice). So the watcher first
waits for the handler: it runs at the main thread's next bytecode, and a guest that makes system calls reaches one
in microseconds. The CPU is halted (UnicornCpu.halt) only once guest code has run ANSWER_WAIT with no hook entered
(the hooks count their entries: Deferral.hooks): the handler has not run, or it ran in a hook and the guest took
the Ctrl-C, whose thread the scheduler has yet to start (the thread running gives way at its next system call; one
that makes none is halted so). A run that is to end with KeyboardInterrupt may be stopped anywhere (stop).

While the CPU runs, the main thread runs Python only inside Unicorn's hook callbacks, and an exception raised at a
bytecode of a callback outside its own try is printed and dropped by ctypes (a second Ctrl-C was lost so, and the
guest ran on until --timeout). So there the handler marks the interrupt pending instead of raising, and the CPU
raises KeyboardInterrupt once emu_start has returned (emu/cpu/unicorn.py, run); inside the try, where the kernel
serves a call (and may wait for the host: a console read), it raises as usual.

A Ctrl-C the guest takes while the kernel waits for a terminal's next line (wait_for_input) ends that wait, as
Windows' console ends a cooked read at Ctrl-C: the guest's handlers then run at once, where they would otherwise
wait for the line. The handler does not raise there (an exception could land after a read has taken its bytes,
which would be lost): it writes to a pipe the wait watches beside the terminal.
"""

from __future__ import annotations

import contextlib
import os
import signal
import threading
import time
from collections.abc import Callable, Iterator
from typing import Protocol

ANSWER_WAIT = 0.2  # seconds the watcher waits for the handler before it halts guest code that runs no Python
POLL = 0.005  # seconds between the watcher's looks


class Haltable(Protocol):
    runs: int  # the runs begun so far

    def halt(self, hooks: int) -> int | None: ...  # the run halted (its number), or None: not halted (a hook was
    # entered since Deferral.hooks was `hooks`, or no guest code runs)


class Deferral:
    """The CPU whose guest code runs now (`running`; None while Python runs, a hook callback's included), the hooks
    entered from guest code so far (`hooks`), a Ctrl-C the guest took that the scheduler has not delivered yet
    (`taken`: a block hook that counts every block, which keeps the watcher from halting guest code, stops the run
    for it instead), a KeyboardInterrupt that waits for the CPU to stop (`pending`), whether the handler has run
    since the watcher last looked (`answered`), whether the main thread waits for a terminal's input (`reading`,
    wait_for_input), and the pipe that ends that wait (`wake`: its two ends, while Ctrl-C is handled)."""

    running: Haltable | None = None
    hooks = 0
    taken = False  # a Ctrl-C the guest took, not yet delivered (scheduler.py): a block hook stops the run for it
    pending = False
    answered = False
    reading = False
    wake: tuple[int, int] | None = None


DEFERRAL = Deferral()


def wait_for_input(fd: int) -> bool:
    """Wait until the terminal at `fd` has input (a line, or its end): True; False when a Ctrl-C the guest takes
    comes first (the handler writes to DEFERRAL.wake while DEFERRAL.reading). A Ctrl-C that ends the run raises
    KeyboardInterrupt here, as anywhere."""
    import select  # only a program that reads a terminal waits here

    wake = DEFERRAL.wake
    if wake is None:  # no handler of ours: the default one raises
        select.select([fd], [], [])
        return True
    with contextlib.suppress(BlockingIOError):
        while os.read(wake[0], 64):  # a Ctrl-C taken before this wait began ends none
            pass
    DEFERRAL.reading = True
    try:
        if DEFERRAL.taken:  # taken just before the wait began, not yet delivered: the wait ends as if it came now
            return False
        readable, _, _ = select.select([fd, wake[0]], [], [])
    finally:
        DEFERRAL.reading = False
    return fd in readable


def raise_pending() -> None:
    """Raise the KeyboardInterrupt that came while the CPU ran (its run has ended)."""
    if DEFERRAL.pending:
        DEFERRAL.pending = False
        raise KeyboardInterrupt


@contextlib.contextmanager
def stop_on_interrupt(stop: Callable[[], None], take: Callable[[], bool] = lambda: False) -> Iterator[None]:
    """While the block runs in the main thread, handle SIGINT: raise KeyboardInterrupt (in the main thread, `stop`
    called from another if the CPU runs on) unless `take()` says the guest takes this one (its console control
    handlers will run: scheduler.py delivers the event at the end of a run, and clears DEFERRAL.taken)."""
    if threading.current_thread() is not threading.main_thread() or \
            signal.getsignal(signal.SIGINT) is not signal.default_int_handler:
        yield  # no signals reach this thread, or someone else handles Ctrl-C
        return
    reader, writer = os.pipe()  # a pipe, not a socket pair: the socket module costs 5 ms of every start
    os.set_blocking(writer, False)
    previous = signal.set_wakeup_fd(writer, warn_on_full_buffer=False)
    closing = threading.Event()

    def settle() -> None:
        """After a SIGINT: stop a run that is to end; halt guest code that has entered no hook for ANSWER_WAIT while
        the Ctrl-C waits for a run to end (the handler has not run, or the event the guest took is undelivered).
        Done once the handler has run and the event (if taken) is delivered, or the run halted has ended (the main
        thread has run Python since: a SIGINT that came with another one has no handler run of its own)."""
        halted: tuple[Haltable, int] | None = None
        quiet: tuple[Haltable, int, int, float] | None = None  # guest code seen: its CPU, run, hooks, since when
        while not closing.is_set():
            cpu, hooks, now = DEFERRAL.running, DEFERRAL.hooks, time.monotonic()
            if DEFERRAL.pending:
                stop()
            elif halted is not None and (cpu is not halted[0] or cpu.runs != halted[1]):
                DEFERRAL.answered = False
                return
            elif DEFERRAL.answered and not DEFERRAL.taken:
                DEFERRAL.answered = False
                return
            elif cpu is None:
                quiet = None  # Python runs: the handler runs at its next bytecode, or has
            elif quiet is None or quiet[:3] != (cpu, cpu.runs, hooks):
                quiet = (cpu, cpu.runs, hooks, now)
            elif now - quiet[3] >= ANSWER_WAIT:
                # Checked again in halt(), holding the GIL. Halted again later only if that run has not ended
                # (the stop came before emu_start began, and no hook has come since to stop it).
                run = cpu.halt(hooks)
                halted = (cpu, run) if run is not None else halted
                quiet = None
            closing.wait(POLL)

    def watch() -> None:
        while data := os.read(reader, 64):  # b"" once the writer is closed
            if signal.SIGINT in data:
                settle()

    def on_sigint(signum: int, frame: object) -> None:
        DEFERRAL.answered = True
        if take():
            DEFERRAL.taken = True
            if DEFERRAL.reading and DEFERRAL.wake is not None:
                with contextlib.suppress(BlockingIOError):
                    os.write(DEFERRAL.wake[1], b"\0")  # ends wait_for_input's select
            return
        if DEFERRAL.running is not None:
            DEFERRAL.pending = True  # the watcher stops the CPU; its run raises (see the module docstring)
            return
        raise KeyboardInterrupt

    watcher = threading.Thread(target=watch, name="wow64emu-interrupt", daemon=True)
    watcher.start()
    DEFERRAL.pending = DEFERRAL.answered = DEFERRAL.taken = False
    wake = DEFERRAL.wake = os.pipe()
    for end in wake:
        os.set_blocking(end, False)
    signal.signal(signal.SIGINT, on_sigint)
    try:
        yield
    finally:
        DEFERRAL.pending = DEFERRAL.taken = False
        signal.signal(signal.SIGINT, signal.default_int_handler)
        DEFERRAL.wake = None
        for end in wake:
            os.close(end)
        signal.set_wakeup_fd(previous)
        closing.set()
        os.close(writer)
        watcher.join()
        os.close(reader)
