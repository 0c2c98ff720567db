"""Console control events as Windows delivers them (issue 8's control handler): a CTRL_C_EVENT or CTRL_BREAK_EVENT
(GenerateConsoleCtrlEvent, or Ctrl-C on the host) starts a thread at kernel32!CtrlRoutine in the process, which
calls the handlers of SetConsoleCtrlHandler newest first; when none takes it, the default handler ends the process
with STATUS_CONTROL_C_EXIT. SetConsoleCtrlHandler(NULL, TRUE) ignores CTRL_C_EVENT. A second Ctrl-C soon after one
the guest took ends the run whatever its handlers say (exit 130), so a guest cannot make itself uninterruptible.

The fixture is threads.exe (`ctrl` and `ignore`, fixtures/src/threads.c).
"""

from __future__ import annotations

import io
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.ctrlc import default_sigint
from wow64emu.kernel.console import StdStreams
from wow64emu.machine import Machine
from wow64emu.nt.status import NTSTATUS

BIN = Path(__file__).resolve().parent.parent / "fixtures" / "bin"


@pytest.mark.parametrize("width", ["x86", "x64"])
def test_ignored_ctrl_c_then_the_default_handler(width: str, tmp_path: Path) -> None:
    streams = StdStreams(io.BytesIO(), io.BytesIO(), io.BytesIO())
    machine = Machine(BIN / width / "threads.exe", ["ignore"], root=tmp_path, streams=streams)
    outcome = machine.run(timeout=60)
    assert streams.stdout.getvalue().decode().splitlines() == ["ignore Ctrl-C 1", "still here"]
    assert outcome.exit_status == NTSTATUS.CONTROL_C_EXIT


def ctrl_c_run(width: str, *args: str, presses: int = 1) -> tuple[int, list[str], bytes]:
    """Run threads.exe ctrl ARGS in a child emulator; press Ctrl-C `presses` times once it says "ready" (a moment
    apart); its exit code, stdout lines, and stderr."""
    proc = subprocess.Popen([sys.executable, "-m", "wow64emu", "run", "--timeout", "120",
                             str(BIN / width / "threads.exe"), "ctrl", *args],
                            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            preexec_fn=default_sigint)
    try:
        assert proc.stdout is not None
        lines = []
        for raw in proc.stdout:
            lines.append(raw.decode().rstrip("\r\n"))
            if lines[-1] == "ready":
                break
        else:
            raise AssertionError(f"the guest never said ready: {lines}")
        for _ in range(presses):
            time.sleep(0.3)
            proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=60)
        return proc.returncode, lines + out.decode().splitlines(), err
    finally:
        if proc.poll() is None:
            proc.kill()


@pytest.mark.parametrize("width", ["x86", "x64"])
def test_a_handler_takes_ctrl_c_on_a_thread_of_its_own(width: str) -> None:
    code, lines, err = ctrl_c_run(width)
    assert lines == ["SetConsoleCtrlHandler 1", "GenerateConsoleCtrlEvent 1", "event 1", "on another thread 1",
                     "ready", "event 0"]
    assert (code, err) == (0, b"")


def test_ctrl_c_that_no_handler_takes_ends_the_process_as_windows_does() -> None:
    code, lines, err = ctrl_c_run("x86", "refuse")
    assert lines[-1] == "ready"
    assert code == NTSTATUS.CONTROL_C_EXIT & 0xFF
    assert b"0xC000013A (STATUS_CONTROL_C_EXIT)" in err


def test_a_second_ctrl_c_ends_a_guest_that_takes_them_all() -> None:
    code, lines, err = ctrl_c_run("x64", "forever", presses=2)
    assert lines[-1] == "event 0"  # it took the first
    assert (code, err) == (130, b"wow64emu: interrupted\n")
