"""Console control events as Windows delivers them (issue 8's control handler): a CTRL_C_EVENT or CTRL_BREAK_EVENT
(GenerateConsoleCtrlEvent, or Ctrl-C on the host) starts a thread at kernel32!CtrlRoutine in the process, which
calls the handlers of SetConsoleCtrlHandler newest first; when none takes it, the default handler ends the process
with STATUS_CONTROL_C_EXIT. SetConsoleCtrlHandler(NULL, TRUE) ignores CTRL_C_EVENT. A second Ctrl-C soon after one
the guest took ends the run whatever its handlers say (exit 130), so a guest cannot make itself uninterruptible.

A Ctrl-C the guest takes ends a console read that waits for a line, as Windows' console ends a cooked read.

The fixture is threads.exe (`ctrl`, `ignore` and `readctrl`, fixtures/src/threads.c).
"""

from __future__ import annotations

import io
import os
import pty
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


def ctrl_c_run(width: str, *args: str, presses: int = 1, scenario: str = "ctrl",
               stdin: int = subprocess.DEVNULL) -> tuple[int, list[str], bytes]:
    """Run threads.exe SCENARIO ARGS in a child emulator; press Ctrl-C `presses` times once it says "ready" (a
    moment apart); its exit code, stdout lines, and stderr."""
    proc = subprocess.Popen([sys.executable, "-m", "wow64emu", "run", "--timeout", "120",
                             str(BIN / width / "threads.exe"), scenario, *args],
                            stdin=stdin, stdout=subprocess.PIPE, stderr=subprocess.PIPE, preexec_fn=default_sigint)
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
        out, err = proc.communicate(timeout=30)
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


def read_ended_by_ctrl_c(width: str, how: str) -> tuple[int, list[str], bytes]:
    """threads.exe readctrl HOW with a terminal for its input, that nobody types at: Ctrl-C while it reads."""
    terminal, console = pty.openpty()
    try:
        return ctrl_c_run(width, how, scenario="readctrl", stdin=console)
    finally:
        os.close(console)
        os.close(terminal)


@pytest.mark.parametrize("width", ["x86", "x64"])
def test_ctrl_c_ends_a_console_read_as_windows_console_does(width: str) -> None:
    # Without waiting for a line (the run would end at the communicate's time-out): ReadConsoleW returns TRUE with 0
    # characters and ERROR_OPERATION_ABORTED (995), ReadFile TRUE with 0 bytes and the last error untouched (Windows
    # 8 and later), and the handler, on its thread, took CTRL_C_EVENT (0).
    code, lines, err = read_ended_by_ctrl_c(width, "console")
    assert lines == ["ready", "ReadConsoleW 1", "count 0", "error 995", "event 0"]
    assert (code, err) == (0, b"")
    code, lines, err = read_ended_by_ctrl_c(width, "file")
    assert lines == ["ready", "ReadFile 1", "count 0", "error 48879", "event 0"]  # 0xBEEF, as the program set it
    assert (code, err) == (0, b"")


def test_ctrl_c_leaves_a_read_of_redirected_input_whole() -> None:
    # Input from a pipe is no console's on Windows: Ctrl-C ends no read of it, and what came before the key is kept
    # (the read waits for the rest of its line; the handler runs after it).
    proc = subprocess.Popen([sys.executable, "-m", "wow64emu", "run", "--timeout", "120",
                             str(BIN / "x86" / "threads.exe"), "readctrl", "console"],
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            preexec_fn=default_sigint)
    try:
        assert proc.stdin is not None and proc.stdout is not None
        assert proc.stdout.readline().rstrip() == b"ready"
        proc.stdin.write(b"ab")
        proc.stdin.flush()
        time.sleep(0.3)
        proc.send_signal(signal.SIGINT)
        time.sleep(0.3)
        out, err = proc.communicate(b"cd\n", timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert out.decode().splitlines() == ["ReadConsoleW 1", "count 6", "error 48879", "event 0"]  # abcd\r\n
    assert (proc.returncode, err) == (0, b"")


def test_ctrl_c_that_no_handler_takes_ends_a_process_that_reads_the_console() -> None:
    code, lines, err = read_ended_by_ctrl_c("x86", "refuse")
    assert lines == ["ready"]
    assert code == NTSTATUS.CONTROL_C_EXIT & 0xFF
    assert b"0xC000013A (STATUS_CONTROL_C_EXIT)" in err
