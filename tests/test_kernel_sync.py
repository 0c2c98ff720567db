"""Synchronisation and time services, called as the 64-bit kernel entry calls them: events, mutants,
semaphores, waits, delays and the timer resolution."""

from __future__ import annotations

import struct
import time
from pathlib import Path

import pytest

from tests.test_kernel_objects import EVENT_ALL_ACCESS, SENTINEL, ObjRig, make_rig
from wow64emu.errors import EmulatorError
from wow64emu.kernel import handles as H
from wow64emu.kernel.sync import MutantObject
from wow64emu.kernel.time import system_time
from wow64emu.kernel.waits import WaitForever
from wow64emu.nt.status import NTSTATUS

MUTANT_ALL_ACCESS = 0x1F0001
SEMAPHORE_ALL_ACCESS = 0x1F0003
WAIT_ALL, WAIT_ANY = 0, 1


@pytest.fixture
def rig(tmp_path: Path) -> ObjRig:
    return make_rig(tmp_path)


def timeout(rig: ObjRig, interval: int) -> int:
    return rig.put(struct.pack("<q", interval))


def poll(rig: ObjRig) -> int:
    return timeout(rig, 0)


def mutant(rig: ObjRig, owned: bool = False) -> int:
    status, handle = rig.open_or_create("NtCreateMutant", int(owned), access=MUTANT_ALL_ACCESS, name=None)
    assert status == NTSTATUS.SUCCESS
    return handle


def semaphore(rig: ObjRig, count: int, maximum: int) -> int:
    status, handle = rig.open_or_create("NtCreateSemaphore", count, maximum, access=SEMAPHORE_ALL_ACCESS, name=None)
    assert status == NTSTATUS.SUCCESS
    return handle


def previous(rig: ObjRig, call: str, handle: int, *args: int) -> tuple[int, int]:
    out = rig.out(4)
    status = rig.call(call, handle, *args, out)
    return status, struct.unpack("<i", rig.read(out, 4))[0]


def basic(rig: ObjRig, call: str, handle: int) -> tuple[int, int]:
    buf, ret = rig.out(8), rig.out(4)
    assert rig.call(call, handle, 0, buf, 8, ret) == NTSTATUS.SUCCESS
    assert rig.u32(ret) == 8
    return struct.unpack("<ii", rig.read(buf, 8))


# ---- events ---------------------------------------------------------------------------------------------------

def test_event_state_changes_report_the_previous_state(rig: ObjRig) -> None:
    event = rig.event()
    assert previous(rig, "NtSetEvent", event) == (NTSTATUS.SUCCESS, 0)
    assert previous(rig, "NtSetEvent", event) == (NTSTATUS.SUCCESS, 1)
    assert basic(rig, "NtQueryEvent", event) == (0, 1)
    assert previous(rig, "NtPulseEvent", event) == (NTSTATUS.SUCCESS, 1)
    assert previous(rig, "NtResetEvent", event) == (NTSTATUS.SUCCESS, 0)
    rig.call("NtSetEvent", event, 0)
    assert rig.call("NtClearEvent", event) == NTSTATUS.SUCCESS
    assert basic(rig, "NtQueryEvent", event) == (0, 0)


def test_event_type_and_initial_state(rig: ObjRig) -> None:
    status, handle = rig.open_or_create("NtCreateEvent", 1, 1, access=EVENT_ALL_ACCESS, name=None)
    assert status == NTSTATUS.SUCCESS and basic(rig, "NtQueryEvent", handle) == (1, 1)
    assert rig.open_or_create("NtCreateEvent", 2, 0, name=None) == (NTSTATUS.INVALID_PARAMETER, SENTINEL)


def test_event_rights_and_failures(rig: ObjRig) -> None:
    weak = rig.event(access=H.SYNCHRONIZE)
    out = rig.out(4)
    assert rig.call("NtSetEvent", weak, out) == NTSTATUS.ACCESS_DENIED
    assert rig.read(out, 4) == b"\xad" * 4
    assert rig.call("NtQueryEvent", weak, 0, rig.out(), 8, 0) == NTSTATUS.ACCESS_DENIED
    event = rig.event()
    assert rig.call("NtSetEvent", event, 0x10) == NTSTATUS.ACCESS_VIOLATION
    assert basic(rig, "NtQueryEvent", event) == (0, 0)  # nothing changed
    assert rig.call("NtResetEvent", mutant(rig), 0) == NTSTATUS.OBJECT_TYPE_MISMATCH
    assert rig.call("NtClearEvent", H.CURRENT_PROCESS) == NTSTATUS.OBJECT_TYPE_MISMATCH
    assert rig.call("NtPulseEvent", 0x99, 0) == NTSTATUS.INVALID_HANDLE
    assert rig.call("NtQueryEvent", event, 1, rig.out(), 8, 0) == NTSTATUS.INVALID_INFO_CLASS
    assert rig.call("NtQueryEvent", event, 0, rig.out(), 9, 0) == NTSTATUS.INFO_LENGTH_MISMATCH


# ---- mutants and semaphores -----------------------------------------------------------------------------------

def mutant_state(rig: ObjRig, handle: int) -> tuple[int, int, int]:
    buf = rig.out(8)
    assert rig.call("NtQueryMutant", handle, 0, buf, 8, 0) == NTSTATUS.SUCCESS
    return struct.unpack("<iBBxx", rig.read(buf, 8))


def test_mutant_ownership_is_recursive_and_counted_as_windows_does(rig: ObjRig) -> None:
    m = mutant(rig, owned=True)
    assert mutant_state(rig, m) == (0, 1, 0)
    assert rig.call("NtWaitForSingleObject", m, 0, 0) == NTSTATUS.SUCCESS
    assert mutant_state(rig, m) == (-1, 1, 0)
    assert previous(rig, "NtReleaseMutant", m) == (NTSTATUS.SUCCESS, -1)
    assert previous(rig, "NtReleaseMutant", m) == (NTSTATUS.SUCCESS, 0)
    assert mutant_state(rig, m) == (1, 0, 0)
    assert rig.call("NtReleaseMutant", m, 0) == NTSTATUS.MUTANT_NOT_OWNED


def test_releasing_a_mutant_needs_no_right(rig: ObjRig) -> None:
    m = mutant(rig, owned=True)
    out = rig.out()
    rig.call("NtDuplicateObject", H.CURRENT_PROCESS, m, H.CURRENT_PROCESS, out, 0, 0, 0)
    assert rig.call("NtReleaseMutant", rig.u64(out), 0) == NTSTATUS.SUCCESS
    assert rig.call("NtQueryMutant", rig.u64(out), 0, rig.out(), 8, 0) == NTSTATUS.ACCESS_DENIED


def test_an_abandoned_mutant_satisfies_the_next_wait_with_its_index(rig: ObjRig) -> None:
    event, m = rig.event(), mutant(rig)
    obj = rig.obj(m)
    assert isinstance(obj, MutantObject)
    obj.abandoned = True  # what the end of its owner thread leaves
    assert mutant_state(rig, m) == (1, 0, 1)
    handles = rig.put(struct.pack("<QQ", event, m))
    assert rig.call("NtWaitForMultipleObjects", 2, handles, WAIT_ANY, 0, poll(rig)) == NTSTATUS.ABANDONED_WAIT_0 + 1
    assert mutant_state(rig, m) == (0, 1, 0)


def test_a_mutant_is_abandoned_when_its_owner_ends(rig: ObjRig) -> None:
    m = mutant(rig, owned=True)
    obj = rig.obj(m)
    assert rig.call("NtWaitForSingleObject", m, 0, 0) == NTSTATUS.SUCCESS  # owned twice
    owner = obj.owner
    owner.end(7)  # what NtTerminateThread does to the owner
    assert obj.owner is None and obj.abandoned and owner.owned_mutants == []
    assert mutant_state(rig, m) == (1, 0, 1)


def test_semaphore_counts(rig: ObjRig) -> None:
    s = semaphore(rig, 1, 2)
    assert basic(rig, "NtQuerySemaphore", s) == (1, 2)
    out = rig.out(4)
    assert rig.call("NtReleaseSemaphore", s, 2, out) == NTSTATUS.SEMAPHORE_LIMIT_EXCEEDED
    assert rig.read(out, 4) == b"\xad" * 4
    assert previous(rig, "NtReleaseSemaphore", s, 1) == (NTSTATUS.SUCCESS, 1)
    assert rig.call("NtReleaseSemaphore", s, 0, 0) == NTSTATUS.INVALID_PARAMETER
    assert rig.call("NtReleaseSemaphore", s, 0xFFFFFFFF, 0) == NTSTATUS.INVALID_PARAMETER  # -1
    assert rig.call("NtWaitForSingleObject", s, 0, poll(rig)) == NTSTATUS.SUCCESS
    assert basic(rig, "NtQuerySemaphore", s) == (1, 2)


@pytest.mark.parametrize(("count", "maximum"), [(2, 1), (0, 0), (0xFFFFFFFF, 1), (0, 0xFFFFFFFF)])
def test_semaphore_counts_that_are_refused(rig: ObjRig, count: int, maximum: int) -> None:
    assert rig.open_or_create("NtCreateSemaphore", count, maximum, name=None)[0] == NTSTATUS.INVALID_PARAMETER


# ---- waits ----------------------------------------------------------------------------------------------------

def test_a_synchronization_event_resets_when_a_wait_is_satisfied(rig: ObjRig) -> None:
    status, event = rig.open_or_create("NtCreateEvent", 1, 1, access=EVENT_ALL_ACCESS, name=None)
    assert rig.call("NtWaitForSingleObject", event, 0, 0) == NTSTATUS.SUCCESS
    assert rig.call("NtWaitForSingleObject", event, 0, poll(rig)) == NTSTATUS.TIMEOUT
    manual = rig.event(signalled=True)
    for _ in range(2):
        assert rig.call("NtWaitForSingleObject", manual, 1, poll(rig)) == NTSTATUS.SUCCESS


def test_a_finite_timeout_really_waits(rig: ObjRig) -> None:
    event = rig.event()
    start = time.monotonic()
    assert rig.call("NtWaitForSingleObject", event, 0, timeout(rig, -200_000)) == NTSTATUS.TIMEOUT
    assert time.monotonic() - start >= 0.019
    start = time.monotonic()
    past = timeout(rig, system_time() - 10_000_000)
    assert rig.call("NtWaitForSingleObject", event, 0, past) == NTSTATUS.TIMEOUT
    assert time.monotonic() - start < 0.01


def test_an_infinite_wait_nothing_can_end_stops_the_emulator(rig: ObjRig) -> None:
    event = rig.event("\\BaseNamedObjects\\never")
    with pytest.raises(WaitForever, match=r"NtWaitForSingleObject with no timeout\) on Event "
                                          r"\\BaseNamedObjects\\never \(notification, not signalled\)"):
        rig.call("NtWaitForSingleObject", event, 0, 0)
    handles = rig.put(struct.pack("<QQ", event, H.CURRENT_THREAD))
    with pytest.raises(WaitForever, match=r"Thread \d+ of process \d+"):
        rig.call("NtWaitForMultipleObjects", 2, handles, WAIT_ANY, 1, 0)
    with pytest.raises(EmulatorError, match="sleeps forever"):
        rig.call("NtDelayExecution", 0, timeout(rig, -0x8000000000000000))


def test_wait_any_and_wait_all(rig: ObjRig) -> None:
    unsignalled, signalled = rig.event(), rig.event(signalled=True)
    s = semaphore(rig, 1, 1)
    handles = rig.put(struct.pack("<QQQ", unsignalled, s, signalled))
    assert rig.call("NtWaitForMultipleObjects", 3, handles, WAIT_ANY, 0, poll(rig)) == 1
    assert rig.call("NtWaitForMultipleObjects", 3, handles, WAIT_ANY, 0, poll(rig)) == 2
    assert rig.call("NtWaitForMultipleObjects", 2, handles + 8, WAIT_ALL, 0, poll(rig)) == NTSTATUS.TIMEOUT
    rig.call("NtReleaseSemaphore", s, 1, 0)
    assert rig.call("NtWaitForMultipleObjects", 3, handles, WAIT_ALL, 0, poll(rig)) == NTSTATUS.TIMEOUT
    assert basic(rig, "NtQuerySemaphore", s) == (1, 1)  # a wait-all that fails takes nothing
    assert rig.call("NtWaitForMultipleObjects", 2, handles + 8, WAIT_ALL, 0, poll(rig)) == NTSTATUS.SUCCESS
    assert basic(rig, "NtQuerySemaphore", s) == (0, 1)


@pytest.mark.parametrize(("count", "wait_type", "status"), [
    (0, WAIT_ANY, NTSTATUS.INVALID_PARAMETER_1),
    (65, WAIT_ANY, NTSTATUS.INVALID_PARAMETER_1),
    (1, 2, NTSTATUS.INVALID_PARAMETER_3),
    (2, WAIT_ALL, NTSTATUS.INVALID_PARAMETER_MIX),
    (2, WAIT_ANY, NTSTATUS.SUCCESS),
])
def test_wait_multiple_parameters(rig: ObjRig, count: int, wait_type: int, status: int) -> None:
    event = rig.event(signalled=True)
    handles = rig.put(struct.pack("<Q", event) * 65)
    assert rig.call("NtWaitForMultipleObjects", count, handles, wait_type, 0, poll(rig)) == status


def test_waits_need_synchronize_and_a_handle(rig: ObjRig) -> None:
    weak = rig.event(signalled=True, access=0x1)
    assert rig.call("NtWaitForSingleObject", weak, 0, poll(rig)) == NTSTATUS.ACCESS_DENIED
    directory = rig.directory(None)
    assert rig.call("NtWaitForSingleObject", directory, 0, poll(rig)) == NTSTATUS.ACCESS_DENIED
    assert rig.call("NtWaitForSingleObject", 0x99, 0, poll(rig)) == NTSTATUS.INVALID_HANDLE
    assert rig.call("NtWaitForSingleObject", 0xFFFFFFFFFFFFFFFA, 0, poll(rig)) == NTSTATUS.INVALID_HANDLE
    assert rig.call("NtWaitForSingleObject", weak, 0, 0x10) == NTSTATUS.ACCESS_VIOLATION
    handles = rig.put(struct.pack("<QQ", rig.event(signalled=True), weak))
    assert rig.call("NtWaitForMultipleObjects", 2, handles, WAIT_ANY, 0, poll(rig)) == NTSTATUS.ACCESS_DENIED


def test_objects_without_a_dispatcher_header_are_always_signalled(rig: ObjRig) -> None:
    plain = rig.process.handles.insert(H.KernelObject())
    assert rig.call("NtWaitForSingleObject", plain, 0, 0) == NTSTATUS.SUCCESS
    assert rig.call("NtWaitForSingleObject", H.CURRENT_PROCESS, 0, poll(rig)) == NTSTATUS.TIMEOUT


def test_signal_and_wait(rig: ObjRig) -> None:
    status, event = rig.open_or_create("NtCreateEvent", 1, 0, access=EVENT_ALL_ACCESS, name=None)
    assert rig.call("NtSignalAndWaitForSingleObject", event, event, 0, poll(rig)) == NTSTATUS.SUCCESS
    assert basic(rig, "NtQueryEvent", event) == (1, 0)
    m = mutant(rig, owned=True)
    assert rig.call("NtSignalAndWaitForSingleObject", m, event, 0, poll(rig)) == NTSTATUS.TIMEOUT
    assert mutant_state(rig, m) == (1, 0, 0)
    assert rig.call("NtSignalAndWaitForSingleObject", m, event, 0, poll(rig)) == NTSTATUS.MUTANT_NOT_OWNED
    s = semaphore(rig, 1, 1)
    assert rig.call("NtSignalAndWaitForSingleObject", s, event, 0, poll(rig)) == NTSTATUS.SEMAPHORE_LIMIT_EXCEEDED
    weak = rig.event(access=H.SYNCHRONIZE)
    assert rig.call("NtSignalAndWaitForSingleObject", weak, event, 0, poll(rig)) == NTSTATUS.ACCESS_DENIED
    directory = rig.directory(None)
    assert rig.call("NtSignalAndWaitForSingleObject", directory, event, 0, poll(rig)) == \
        NTSTATUS.OBJECT_TYPE_MISMATCH
    assert rig.call("NtSignalAndWaitForSingleObject", H.CURRENT_PROCESS, event, 0, 0) == \
        NTSTATUS.OBJECT_TYPE_MISMATCH


# ---- time -----------------------------------------------------------------------------------------------------

def resolution(rig: ObjRig) -> tuple[int, int, int]:
    outs = [rig.out(4) for _ in range(3)]
    assert rig.call("NtQueryTimerResolution", *outs) == NTSTATUS.SUCCESS
    return tuple(rig.u32(o) for o in outs)


def test_timer_resolution(rig: ObjRig) -> None:
    assert resolution(rig) == (156250, 5000, 156250)
    current = rig.out(4)
    assert rig.call("NtSetTimerResolution", 0, 0, current) == NTSTATUS.TIMER_RESOLUTION_NOT_SET
    assert rig.u32(current) == 156250
    assert rig.call("NtSetTimerResolution", 10000, 1, current) == NTSTATUS.SUCCESS
    assert rig.u32(current) == 10000 and resolution(rig)[2] == 10000
    assert rig.call("NtSetTimerResolution", 1_000_000, 1, current) == NTSTATUS.SUCCESS
    assert rig.u32(current) == 156250
    assert rig.call("NtSetTimerResolution", 0, 0, current) == NTSTATUS.SUCCESS
    assert resolution(rig)[2] == 156250
    assert rig.call("NtSetTimerResolution", 5000, 1, 0x10) == NTSTATUS.ACCESS_VIOLATION
    assert rig.call("NtQueryTimerResolution", rig.out(4), 0x10, rig.out(4)) == NTSTATUS.ACCESS_VIOLATION


def test_delay_execution(rig: ObjRig) -> None:
    start = time.monotonic()
    assert rig.call("NtDelayExecution", 0, timeout(rig, -200_000)) == NTSTATUS.SUCCESS
    assert time.monotonic() - start >= 0.019
    assert rig.call("NtDelayExecution", 1, timeout(rig, system_time() - 1)) == NTSTATUS.SUCCESS
    assert rig.call("NtDelayExecution", 0, 0x10) == NTSTATUS.ACCESS_VIOLATION
