"""GetThreadContext / SetThreadContext of another thread of a WoW64 process (thunks/exceptions.py, as wow64cpu's
CpuGetContext and CpuSetContext do it), against the same program built for x64: a thread that has not run (its
32-bit start registers, in its CPU area), one stopped in its own 32-bit code (its registers in its CPU's saved
context) taken to a routine of ours with the Eax we set, and one stopped in a system call (its registers in its CPU
area) sent elsewhere once its wait ends. The fixture is fixtures/src/threads.c ('context', 'context2')."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.test_threads import run


def test_a_32bit_thread_that_has_not_run_shows_and_takes_its_start_registers(tmp_path: Path) -> None:
    _, status, lines = run("x86", "context", root=tmp_path)
    assert lines == ["GetThreadContext 1", "Eax is the routine 1", "Ebx is the argument 11",
                     "Eip is RtlUserThreadStart 1", "SetThreadContext 1", "exit code 22"]


@pytest.mark.parametrize("width", ["x86", "x64"])
def test_threads_that_ran_go_on_with_the_registers_set(width: str, tmp_path: Path) -> None:
    _, status, lines = run(width, "context2", root=tmp_path)
    assert status == 0
    spinner = ["SuspendThread spinner 0", "GetThreadContext spinner 1", "in the program 1"]
    if width == "x86":
        spinner.append("code selector 35")  # 0x23: it stopped in 32-bit code
    assert lines == [*spinner, "SetThreadContext spinner 1",
                     "spinner's exit code 77",  # it went on at our routine with the Eax we set
                     "SuspendThread waiter 0", "GetThreadContext waiter 1", "in ntdll 1",
                     "SetThreadContext waiter 1", "still waiting 1",
                     "waiter's exit code 99"]  # once its wait ended, it went where we sent it
