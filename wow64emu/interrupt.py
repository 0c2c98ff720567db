"""Ctrl-C that always works, even while guest code runs for minutes without a system call.

Python runs a signal handler only between bytecodes of the main thread, and the main thread spends guest time
inside Unicorn's emu_start, which returns on an event of the guest's. So while a run lasts, the C-level signal
handler also writes the signal's number to a pipe (signal.set_wakeup_fd) that a watcher thread reads; on SIGINT
the watcher stops the CPUs (Unicorn's emu_stop may be called from another thread: its own --timeout does so).
emu_start returns, the main thread runs bytecode again, and Python runs the SIGINT handler there: it raises
KeyboardInterrupt, unless the guest takes the Ctrl-C as Windows gives it to a console program (a CTRL_C_EVENT that
its control handlers, or kernel32's default one, answer: kernel/system.py, take_interrupt).

While the CPU runs, the main thread runs Python only inside Unicorn's hook callbacks, and an exception raised at a
bytecode of a callback outside its own try is printed and dropped by ctypes (a second Ctrl-C was lost so, and the
guest ran on until --timeout). So there the handler marks the interrupt pending instead of raising, and the CPU
raises KeyboardInterrupt once emu_start has returned (emu/cpu/unicorn.py, run); inside the try, where the kernel
serves a call (and may wait for the host: a console read), it raises as usual.
"""

from __future__ import annotations

import contextlib
import os
import signal
import threading
from collections.abc import Callable, Iterator


class Deferral:
    """The CPU runs guest code or a callback's own frame (`running`), and a KeyboardInterrupt waits for it to stop
    (`pending`)."""

    running = False
    pending = False


DEFERRAL = Deferral()


def raise_pending() -> None:
    """Raise the KeyboardInterrupt that came while the CPU ran (its run has ended)."""
    if DEFERRAL.pending:
        DEFERRAL.pending = False
        raise KeyboardInterrupt


@contextlib.contextmanager
def stop_on_interrupt(stop: Callable[[], None], take: Callable[[], bool] = lambda: False) -> Iterator[None]:
    """While the block runs in the main thread, call `stop` (from another thread) when SIGINT arrives; then, in the
    main thread, raise KeyboardInterrupt unless `take()` says the guest takes this one (its console control handlers
    will run: scheduler.py delivers the event)."""
    if threading.current_thread() is not threading.main_thread() or \
            signal.getsignal(signal.SIGINT) is not signal.default_int_handler:
        yield  # no signals reach this thread, or someone else handles Ctrl-C
        return
    reader, writer = os.pipe()  # a pipe, not a socket pair: the socket module costs 5 ms of every start
    os.set_blocking(writer, False)
    previous = signal.set_wakeup_fd(writer, warn_on_full_buffer=False)

    def watch() -> None:
        while data := os.read(reader, 64):  # b"" once the writer is closed
            if signal.SIGINT in data:
                stop()

    def on_sigint(signum: int, frame: object) -> None:
        if take():
            return
        if DEFERRAL.running:
            DEFERRAL.pending = True  # the watcher stops the CPU; its run raises (see the module docstring)
            return
        raise KeyboardInterrupt

    watcher = threading.Thread(target=watch, name="wow64emu-interrupt", daemon=True)
    watcher.start()
    DEFERRAL.pending = False
    signal.signal(signal.SIGINT, on_sigint)
    try:
        yield
    finally:
        DEFERRAL.pending = False
        signal.signal(signal.SIGINT, signal.default_int_handler)
        signal.set_wakeup_fd(previous)
        os.close(writer)
        watcher.join()
        os.close(reader)
