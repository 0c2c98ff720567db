"""The time limit of a CPU's runs, kept by one host thread instead of Unicorn's own.

Given a timeout, Unicorn's emu_start starts a timer thread and joins it when the run ends: tens of microseconds at
every run, and a guest that faults or waits often makes many short runs (each exception ends one; its NtContinue
another). The watchdog is one thread per CPU, started at the first run that has a deadline and ended after a second
with none; a run arms it with its deadline and disarms it when it returns, and when a deadline passes the watchdog
stops the CPU (uc_emu_stop may be called from another thread: Unicorn's own timer does so). A stop that comes after
its run ended finds no emulation and does nothing.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

IDLE_EXIT = 1.0  # seconds without a deadline after which the thread ends


class Watchdog:
    def __init__(self, stop: Callable[[], None]) -> None:
        self._stop = stop
        self._cond = threading.Condition()
        self._deadline: float | None = None
        self._thread: threading.Thread | None = None

    def arm(self, deadline: float) -> None:
        """Stop the CPU at `deadline` (time.monotonic()) unless disarm() comes first."""
        with self._cond:
            self._deadline = deadline
            if self._thread is None:
                self._thread = threading.Thread(target=self._watch, name="wow64emu-watchdog", daemon=True)
                self._thread.start()
            self._cond.notify()

    def disarm(self) -> None:
        with self._cond:
            self._deadline = None

    def _watch(self) -> None:
        with self._cond:
            while True:
                if self._deadline is None:
                    if not self._cond.wait(IDLE_EXIT) and self._deadline is None:
                        self._thread = None
                        return
                    continue
                left = self._deadline - time.monotonic()
                if left > 0:
                    self._cond.wait(left)
                    continue
                self._deadline = None
                self._stop()
