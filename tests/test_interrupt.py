"""Ctrl-C reaches the guest at once, wherever its time goes (guest code that makes no system call, a wait in the
kernel, a console read): as on Windows, a console program with no control handler of its own ends with
STATUS_CONTROL_C_EXIT (tests/test_ctrl_events.py has the handlers, and the second Ctrl-C that ends any run)."""

from __future__ import annotations

import os
import pty
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.ctrlc import default_sigint
from wow64emu.interrupt import DEFERRAL, raise_pending, stop_on_interrupt, wait_for_input

BIN = Path(__file__).resolve().parent.parent / "fixtures" / "bin"
FOREVER = "4000000000"  # iterations of bench.exe's spin loop: minutes of guest code without a system call
CONTROL_C_EXIT_CODE = 0x3A  # STATUS_CONTROL_C_EXIT (0xC000013A) modulo 256
CONTROL_C_EXIT_SAID = b"wow64emu: exit status 0xC000013A (STATUS_CONTROL_C_EXIT)\n"


def interrupt_when_running(*args: str) -> tuple[int, bytes, float]:
    """Start `wow64emu run --timeout 0 ...`, wait until process creation is over (the last step of its trace on
    stderr), let the guest run a moment, press Ctrl-C: the exit code, what stderr said after the trace, and how long
    the emulator took to end after the key."""
    proc = subprocess.Popen([sys.executable, "-m", "wow64emu", "run", "--timeout", "0", "--trace", "process", *args],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, preexec_fn=default_sigint)
    try:
        assert proc.stderr is not None
        for line in proc.stderr:  # the steps of process creation, the loader's lists last
            if b" ldr " in line:
                break
        else:
            raise AssertionError("the guest never started")
        time.sleep(0.5)  # inside the guest by now
        pressed = time.monotonic()
        proc.send_signal(signal.SIGINT)
        rest = [line for line in proc.stderr.read().splitlines(keepends=True) if not line.startswith(b" ")]
        proc.wait(timeout=30)
        return proc.returncode, b"".join(rest), time.monotonic() - pressed  # less the regions the last step added
    finally:
        if proc.poll() is None:
            proc.kill()


@pytest.mark.parametrize("width", ["x86", "x64"])
def test_ctrl_c_ends_guest_code_that_makes_no_system_call(width: str) -> None:
    code, said, seconds = interrupt_when_running(str(BIN / width / "bench.exe"), "spin", FOREVER)
    assert (code, said) == (CONTROL_C_EXIT_CODE, CONTROL_C_EXIT_SAID)
    assert seconds < 5  # at once; the bound leaves room for a busy machine


def test_ctrl_c_reaches_guest_code_whose_every_block_is_counted() -> None:
    # --max-insns counts each block in a hook: the watcher never sees guest code that enters no hook, so the budget's
    # hook stops the run for the Ctrl-C the guest took (without it the guest spins on and the wait below times out)
    code, said, _ = interrupt_when_running("--max-insns", "100000000000", str(BIN / "x86" / "bench.exe"), "spin",
                                           FOREVER)
    assert (code, said) == (CONTROL_C_EXIT_CODE, CONTROL_C_EXIT_SAID)


def test_ctrl_c_ends_a_wait_in_the_kernel() -> None:
    code, said, seconds = interrupt_when_running(str(BIN / "x86" / "sleeper.exe"), "600000")
    assert (code, said) == (CONTROL_C_EXIT_CODE, CONTROL_C_EXIT_SAID)
    assert seconds < 5


@pytest.mark.usefixtures("python_sigint")
def test_a_ctrl_c_while_guest_code_runs_is_raised_when_the_run_ends() -> None:
    """Where the CPU runs (guest code, or a hook callback's own frame, where ctypes would drop an exception), the
    handler only marks the Ctrl-C pending and the watcher stops the CPU; the run raises it after emu_start."""
    stopped: list[bool] = []
    with stop_on_interrupt(lambda: stopped.append(True)):
        DEFERRAL.running = Guest()
        try:
            os.kill(os.getpid(), signal.SIGINT)  # the handler runs at the next bytecode: it must not raise
            reached = True
        finally:
            DEFERRAL.running = None
        assert reached and DEFERRAL.pending
        deadline = time.monotonic() + 30
        while not stopped and time.monotonic() < deadline:  # by the watcher thread
            time.sleep(0.01)
        with pytest.raises(KeyboardInterrupt):
            raise_pending()
        assert not DEFERRAL.pending
    assert stopped and not Guest.halted  # a run that ends is stopped, not halted


class Guest:
    """A CPU that runs guest code, for the watcher."""

    runs = 1
    halted: list[int] = []

    def halt(self, hooks: int) -> int | None:
        Guest.halted.append(self.runs)
        return self.runs


def test_ctrl_c_ends_a_program_waiting_in_a_console_read() -> None:
    """A program with no control handler waiting in ReadFile on a console (a terminal) for a line: the first Ctrl-C
    ends the read, as Windows' console does, and the default handler ends the process."""
    master, slave = pty.openpty()
    command = [sys.executable, "-m", "wow64emu", "run", "--timeout", "120", str(BIN / "x86" / "echo.exe")]
    proc = subprocess.Popen(command, stdin=slave, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            preexec_fn=default_sigint)
    try:
        os.write(master, b"hi\n")
        assert proc.stdout is not None and proc.stdout.read(3) == b"hi\n"  # it read a line and waits for the next
        time.sleep(0.3)
        proc.send_signal(signal.SIGINT)
        _, err = proc.communicate(timeout=30)
        assert (proc.returncode, err) == (CONTROL_C_EXIT_CODE, CONTROL_C_EXIT_SAID)
    finally:
        if proc.poll() is None:
            proc.kill()
        os.close(master)
        os.close(slave)


def test_a_terminal_wait_ends_for_a_ctrl_c_taken_before_it_began() -> None:
    """A Ctrl-C the guest took and the scheduler has not delivered yet ends a wait for a terminal's input that begins
    meanwhile (the handler's wake-up could not reach it: the wait was not yet under way); a wake-up left from before
    the wait does not end it. (A pipe stands for the terminal: select treats both alike.)"""
    terminal, typing = os.pipe()
    wake = os.pipe()
    for end in wake:
        os.set_blocking(end, False)
    saved = DEFERRAL.wake
    DEFERRAL.wake = wake
    try:
        DEFERRAL.taken = True
        assert wait_for_input(terminal) is False
        DEFERRAL.taken = False
        os.write(wake[1], b"\0")
        os.write(typing, b"line\n")
        assert wait_for_input(terminal) is True
    finally:
        DEFERRAL.wake, DEFERRAL.taken = saved, False
        for fd in (terminal, typing, *wake):
            os.close(fd)
