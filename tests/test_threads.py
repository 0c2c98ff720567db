"""Threads of one process, in both widths (kernel/threadlife.py, kernel/scheduler.py, guest/ntdll/ldrthread.c,
guest/kernel32/threads.c): NtCreateThreadEx through CreateThread (a 32-bit thread gets its TEB32, 32-bit stack and
CPU area and starts in 32-bit code through wow64cpu), the DLLs' thread notifications, TLS per thread, suspension,
termination, the last thread ending the process, synchronisation objects that really block and wake, preemption
of a spinning thread, a deterministic interleaving, and a deadlock named thread by thread.

The fixture is fixtures/src/threads.c with its DLL dll_threads.c (fixtures/README.md).
"""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from tests.toolchain import build_and_run
from wow64emu.kernel.console import StdStreams
from wow64emu.kernel.waits import WaitForever
from wow64emu.machine import Machine
from wow64emu.nt.status import NTSTATUS

BIN = Path(__file__).resolve().parent.parent / "fixtures" / "bin"
WIDTHS = ["x86", "x64"]


def run(width: str, *args: str, root: Path, seed: int | None = None) -> tuple[Machine, int, list[str]]:
    streams = StdStreams(io.BytesIO(), io.BytesIO(), io.BytesIO())
    machine = Machine(BIN / width / "threads.exe", list(args), root=root, streams=streams)
    if seed is not None:
        machine.system.scheduler.seed(seed)
    outcome = machine.run(timeout=120)
    assert outcome.fault is None
    return machine, outcome.exit_status, streams.stdout.getvalue().decode().splitlines()


@pytest.mark.parametrize("width", WIDTHS)
def test_threads_run_with_their_own_tls_and_the_dlls_hear_of_each(width: str, tmp_path: Path) -> None:
    machine, status, lines = run(width, "basic", root=tmp_path)
    assert status == 0
    assert lines == ["running thread's exit code 259",  # STILL_ACTIVE
                     "wait all 0",
                     "exit code 100", "id matches 1", "exit code 200", "id matches 1", "exit code 300", "id matches 1",
                     "main's TLS value 77",
                     "thread attaches 3", "thread detaches 3"]
    threads = machine.process.threads
    assert len(threads) == 4 and [t.exit_status for t in threads[1:]] == [100, 200, 300]
    if width == "x86":  # each WoW64 thread has its TEB32 right after its TEB64, its own CPU area and stacks
        assert all(t.teb32 == t.teb64 + 0x2000 for t in threads)
        assert len({t.cpu_area for t in threads}) == 4 and len({t.stack32 for t in threads}) == 4


@pytest.mark.parametrize("width", WIDTHS)
def test_a_suspended_thread_runs_only_when_resumed(width: str, tmp_path: Path) -> None:
    _, status, lines = run(width, "suspend", root=tmp_path)
    assert status == 0
    assert lines == ["ran while suspended 0", "SuspendThread 1", "ResumeThread 2", "ResumeThread 1", "wait 0",
                     "ran after resume 1", "SuspendThread of an ended thread 4294967295",
                     "error 5",  # STATUS_THREAD_IS_TERMINATING is ERROR_ACCESS_DENIED
                     "ResumeThread of a resumed thread 0"]


@pytest.mark.parametrize("width", WIDTHS)
def test_eight_threads_adding_under_a_critical_section_give_the_right_total(width: str, tmp_path: Path) -> None:
    machine, status, lines = run(width, "counter", "20000", root=tmp_path)
    assert status == 0
    assert lines == ["total 160000", "expected 160000"]
    assert machine.system.scheduler.switches > 8  # the threads were interleaved, not run one after the other


@pytest.mark.parametrize("width", WIDTHS)
def test_synchronisation_objects_block_and_wake(width: str, tmp_path: Path) -> None:
    _, status, lines = run(width, "sync", root=tmp_path)
    assert status == 0
    assert lines == ["semaphore: sum consumed 55", "mutex: turns 10", "events: pings 20",
                     "condition variable: value 42"]


@pytest.mark.parametrize("width", WIDTHS)
def test_a_spinning_thread_is_preempted(width: str, tmp_path: Path) -> None:
    _, status, lines = run(width, "spin", root=tmp_path)
    assert status == 0
    assert lines == ["wait 0", "spinner's exit code 9"]


@pytest.mark.parametrize("width", WIDTHS)
def test_terminate_thread(width: str, tmp_path: Path) -> None:
    _, status, lines = run(width, "terminate", root=tmp_path)
    assert status == 0
    assert lines == ["TerminateThread 1", "wait 0", "exit code 4660", "TerminateThread(NULL) 0", "error 6"]


@pytest.mark.parametrize("width", WIDTHS)
def test_the_process_lives_until_its_last_thread_ends(width: str, tmp_path: Path) -> None:
    _, status, lines = run(width, "exitfirst", root=tmp_path)
    assert lines == ["the first thread ends", "the last thread ends the process"]
    assert status == 44


@pytest.mark.parametrize("width", WIDTHS)
def test_disable_thread_library_calls(width: str, tmp_path: Path) -> None:
    _, status, lines = run(width, "quiet", root=tmp_path)
    assert lines == ["DisableThreadLibraryCalls 1", "thread attaches 0", "thread detaches 0"]


@pytest.mark.parametrize("width", WIDTHS)
def test_a_deadlock_names_every_thread_and_what_it_waits_on(width: str, tmp_path: Path) -> None:
    with pytest.raises(WaitForever, match=r"every thread waits for ever") as caught:
        run(width, "deadlock", root=tmp_path)
    message = str(caught.value)
    assert message.count("NtWaitForSingleObject") == 2 and "NtWaitForMultipleObjects" in message
    assert message.count("Event") >= 2


def test_the_context_of_a_thread_that_has_not_run_is_its_start(tmp_path: Path) -> None:
    _, status, lines = run("x64", "context", root=tmp_path)
    assert lines == ["GetThreadContext 1", "Rcx is the routine 1", "Rdx is the argument 11",
                     "Rip is RtlUserThreadStart 1", "SetThreadContext 1", "exit code 22"]


def test_the_context_of_a_waiting_thread(tmp_path: Path) -> None:
    """The kernel's view: a thread blocked in a wait shows the registers it goes on with, after its `syscall`."""
    from wow64emu.kernel.exceptions import context_io
    from wow64emu.kernel.othercontext import other_context, set_other_context

    streams = StdStreams(io.BytesIO(), io.BytesIO(), io.BytesIO())
    machine = Machine(BIN / "x64" / "threads.exe", ["deadlock"], root=tmp_path, streams=streams)
    with pytest.raises(WaitForever):
        machine.run(timeout=60)
    waiter = machine.process.threads[1]
    io_ = context_io(machine.process)
    ctx = other_context(waiter, io_)
    assert ctx.regs["rip"] == waiter.pc and waiter.stack64[0] < ctx.regs["rsp"] < waiter.stack64[1]
    ctx.regs["rbx"] = 0x1234
    set_other_context(waiter, ctx, io_)
    assert other_context(waiter, io_).regs["rbx"] == 0x1234


def test_the_interleaving_is_the_same_every_run_and_a_seed_changes_it(tmp_path: Path) -> None:
    def switches(seed: int | None) -> int:
        machine, status, lines = run("x86", "counter", "3000", root=tmp_path, seed=seed)
        assert lines == ["total 24000", "expected 24000"]
        return machine.system.scheduler.switches

    assert switches(None) == switches(None)
    assert switches(1) == switches(1)


def test_ntstatus_of_the_thread_calls(tmp_path: Path) -> None:
    from tests.conftest import kernel_rig

    k = kernel_rig(tmp_path)
    assert k.call("NtYieldExecution") == NTSTATUS.NO_YIELD_PERFORMED  # nobody else to run
    assert k.call("NtTerminateThread", 0, 5) == NTSTATUS.CANT_TERMINATE_SELF  # the last thread
    assert k.call("NtSuspendThread", 0x1234, 0) == NTSTATUS.INVALID_HANDLE
    assert k.call("NtCreateThreadEx", 0x10000, 0, 0, -1 & 0xFFFFFFFFFFFFFFFF, 0x1000, 0, 0x100, 0, 0, 0, 0) == \
        NTSTATUS.INVALID_PARAMETER  # an unknown flag


MANY_THREADS = r"""
#include <windows.h>
#include <stdio.h>
#include <stdlib.h>
static DWORD WINAPI body(LPVOID p) { return (DWORD)(ULONG_PTR)p; }
int main(int argc, char **argv)
{
    int n = atoi(argv[1]);
    for (int i = 0; i < n; i++) {
        DWORD code = 0;
        HANDLE h = CreateThread(NULL, 0, body, (LPVOID)(ULONG_PTR)i, 0, NULL);
        if (!h) { printf("CreateThread failed at %d: %lu\n", i, GetLastError()); return 1; }
        WaitForSingleObject(h, INFINITE);
        GetExitCodeThread(h, &code);
        CloseHandle(h);
        if (code != (DWORD)i) { printf("thread %d exited with %lu\n", i, code); return 1; }
    }
    printf("%d threads\n", n);
    return 0;
}
"""


@pytest.mark.parametrize("width", WIDTHS)
def test_a_thread_that_ends_gives_back_its_stacks_and_teb(width: str, tmp_path: Path) -> None:
    # 1000 threads one after another, each with the image's 2 MB stack reserve: 32-bit ones would use up the 2 GB
    # of a 32-bit address space (after about 790) if their stacks and TEBs stayed when they end.
    ran = build_and_run(MANY_THREADS, tmp_path, width, "1000")
    assert (ran.status, ran.stdout) == (0, "1000 threads\r\n")
