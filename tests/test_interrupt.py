"""Ctrl-C reaches the guest at once, wherever its time goes (guest code that makes no system call, a wait in the
kernel): as on Windows, a console program with no control handler of its own ends with STATUS_CONTROL_C_EXIT
(tests/test_ctrl_events.py has the handlers, and the second Ctrl-C that ends any run)."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

BIN = Path(__file__).resolve().parent.parent / "fixtures" / "bin"
FOREVER = "4000000000"  # iterations of bench.exe's spin loop: minutes of guest code without a system call
CONTROL_C_EXIT_CODE = 0x3A  # STATUS_CONTROL_C_EXIT (0xC000013A) modulo 256
CONTROL_C_EXIT_SAID = b"wow64emu: exit status 0xC000013A (STATUS_CONTROL_C_EXIT)\n"


def interrupt_when_running(*args: str) -> tuple[int, bytes, float]:
    """Start `wow64emu run --timeout 0 ...`, wait until process creation is over (the last step of its trace on
    stderr), let the guest run a moment, press Ctrl-C: the exit code, what stderr said after the trace, and how long
    the emulator took to end after the key."""
    proc = subprocess.Popen([sys.executable, "-m", "wow64emu", "run", "--timeout", "0", "--trace", "process", *args],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
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


def test_ctrl_c_ends_a_wait_in_the_kernel() -> None:
    code, said, seconds = interrupt_when_running(str(BIN / "x86" / "sleeper.exe"), "600000")
    assert (code, said) == (CONTROL_C_EXIT_CODE, CONTROL_C_EXIT_SAID)
    assert seconds < 5
