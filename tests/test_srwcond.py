"""SRW locks and condition variables whose waiters really wait (guest/ntdll/sync.c): a waiter parks on an address
with NtWaitForAlertByThreadId and its waker alerts it with NtAlertThreadByThreadId (kernel/alerts.py), where they
used to poll with 1 ms delays. Guest programs in both widths (fixtures/src/srwcond.c), and the kernel's two calls
at the kernel's level."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from tests.conftest import SCRATCH, KernelRig, kernel_rig
from wow64emu.kernel.alerts import AlertWait
from wow64emu.kernel.console import StdStreams
from wow64emu.kernel.waits import WaitForever
from wow64emu.machine import Machine
from wow64emu.nt.status import NTSTATUS
from wow64emu.nt.syscalls import by_name

BIN = Path(__file__).resolve().parent.parent / "fixtures" / "bin"
WIDTHS = ["x86", "x64"]


def run(width: str, scenario: str, root: Path) -> tuple[Machine, int, list[str]]:
    streams = StdStreams(io.BytesIO(), io.BytesIO(), io.BytesIO())
    machine = Machine(BIN / width / "srwcond.exe", [scenario], root=root, streams=streams)
    outcome = machine.run(timeout=120)
    assert outcome.fault is None
    return machine, outcome.exit_status, streams.stdout.getvalue().decode().splitlines()


def calls(machine: Machine, name: str) -> int:
    return sum(n for (call, _), n in machine.entry.served.items() if call == name)


@pytest.mark.parametrize("width", WIDTHS)
def test_producers_and_consumers_under_an_srw_lock_and_condition_variables(width: str, tmp_path: Path) -> None:
    machine, status, lines = run(width, "prodcons", tmp_path)
    assert (status, lines) == (0, ["consumed 1000", "sum 250500"])
    assert calls(machine, "NtWaitForAlertByThreadId") > 0 and calls(machine, "NtAlertThreadByThreadId") > 0
    assert calls(machine, "NtDelayExecution") == 0  # no waiter polls


@pytest.mark.parametrize("width", WIDTHS)
def test_wake_all_condition_variable_wakes_every_sleeper(width: str, tmp_path: Path) -> None:
    machine, status, lines = run(width, "wakeall", tmp_path)
    assert (status, lines) == (0, ["ended before the wake 0", "all woken 1"])
    assert calls(machine, "NtAlertThreadByThreadId") >= 4


@pytest.mark.parametrize("width", WIDTHS)
def test_a_condition_variable_sleep_times_out_with_error_timeout(width: str, tmp_path: Path) -> None:
    _, status, lines = run(width, "timeout", tmp_path)
    assert (status, lines) == (0, ["SleepConditionVariableSRW 0", "error 1460", "waited its time 1",
                                   "the lock is held again 1", "and free after 1"])


@pytest.mark.parametrize("width", WIDTHS)
def test_readers_share_an_srw_lock_and_a_writer_waits_for_the_last(width: str, tmp_path: Path) -> None:
    _, status, lines = run(width, "readers", tmp_path)
    assert (status, lines) == (0, ["the writer gets in with readers inside 0", "readers inside at once 3"])


@pytest.mark.parametrize("width", WIDTHS)
def test_init_once_runs_its_function_once_while_the_others_wait(width: str, tmp_path: Path) -> None:
    machine, status, lines = run(width, "initonce", tmp_path)
    assert (status, lines) == (0, ["initialisations 1", "threads that got its context 4"])
    assert calls(machine, "NtWaitForAlertByThreadId") > 0  # the other three waited, and were woken


@pytest.mark.parametrize("width", WIDTHS)
def test_a_condition_variable_on_a_critical_section(width: str, tmp_path: Path) -> None:
    machine, status, lines = run(width, "critsec", tmp_path)
    assert (status, lines) == (0, ["total 5050"])
    assert calls(machine, "NtDelayExecution") == 0


@pytest.mark.parametrize("width", WIDTHS)
def test_acquiring_an_srw_lock_twice_waits_for_ever_at_once(width: str, tmp_path: Path) -> None:
    """It used to poll until the run's --timeout; now the lone waiter is a wait nothing can end."""
    with pytest.raises(WaitForever, match=r"^the guest waits forever \(NtWaitForAlertByThreadId with no timeout, "
                                          r"at 0x[0-9a-f]+\) for an alert, and has no other thread to alert it$"):
        run(width, "twice", tmp_path)


# ---- the kernel's calls ------------------------------------------------------------------------------------------

@pytest.fixture
def rig(tmp_path: Path) -> KernelRig:
    return kernel_rig(tmp_path)


def test_an_alert_is_a_flag_the_next_wait_takes(rig: KernelRig) -> None:
    zero = SCRATCH
    rig.put_u64(zero, 0)
    assert rig.call("NtWaitForAlertByThreadId", 0x123, zero) == NTSTATUS.TIMEOUT
    assert rig.call("NtAlertThreadByThreadId", rig.thread.tid) == NTSTATUS.SUCCESS
    assert rig.call("NtAlertThreadByThreadId", rig.thread.tid) == NTSTATUS.SUCCESS
    assert rig.call("NtWaitForAlertByThreadId", 0x123, zero) == NTSTATUS.ALERTED
    assert rig.call("NtWaitForAlertByThreadId", 0x123, zero) == NTSTATUS.TIMEOUT  # two alerts, one taken


def test_an_alert_names_a_thread_of_the_callers_process(rig: KernelRig) -> None:
    assert rig.call("NtAlertThreadByThreadId", 0) == NTSTATUS.INVALID_CID
    assert rig.call("NtAlertThreadByThreadId", 0xDEADBEEC) == NTSTATUS.INVALID_CID
    other = rig.system.create_process(wow64=False).create_thread()
    assert rig.call("NtAlertThreadByThreadId", other.tid) == NTSTATUS.ACCESS_DENIED
    assert not other.alerted


def test_a_waiting_thread_is_woken_by_another_threads_alert(rig: KernelRig) -> None:
    waiter = rig.process.create_thread()
    services = rig.system.services
    _, wait = services.lookup(by_name()["NtWaitForAlertByThreadId"].number)
    assert services.dispatch(wait, waiter, [0x5000, 0]) == NTSTATUS.PENDING
    assert isinstance(waiter.wait, AlertWait)
    assert waiter.wait.describe_short(waiter) == "NtWaitForAlertByThreadId at 0x5000"
    assert rig.call("NtAlertThreadByThreadId", waiter.tid) == NTSTATUS.SUCCESS
    assert rig.system.scheduler.finish_wait(waiter) == NTSTATUS.ALERTED and not waiter.alerted


def test_a_bad_timeout_pointer_is_an_access_violation(rig: KernelRig) -> None:
    assert rig.call("NtWaitForAlertByThreadId", 0x123, 0x10) == NTSTATUS.ACCESS_VIOLATION
