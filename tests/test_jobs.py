"""Job objects (wow64emu/kernel/jobs.py, wow64emu/thunks/jobs.py, guest/kernel32/jobapi.c): the kernel's services
called as the 64-bit entry calls them, with second processes of the same System (one made by the loader), and the
fixture fixtures/src/jobs.c run in both widths (the 32-bit build through the whole WoW64 path)."""

from __future__ import annotations

import io
import struct
from pathlib import Path

import pytest

from tests.conftest import new_thread
from tests.test_kernel_objects import ObjRig, make_rig
from tests.wow64rig import DATA, Wow64Rig
from wow64emu.kernel import jobs
from wow64emu.kernel.console import StdStreams
from wow64emu.kernel.errors import NtError
from wow64emu.kernel.handles import CURRENT_PROCESS
from wow64emu.kernel.jobs import JobObject, job_of_new_child, join_new_process
from wow64emu.kernel.process import Process
from wow64emu.loader.process import create_process
from wow64emu.machine import Machine
from wow64emu.nt import jobs as J
from wow64emu.nt.status import NTSTATUS

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
BIN = FIXTURES / "bin"
JOB_ALL_ACCESS = 0x1F003F
EXTENDED = J.JOBOBJECT_EXTENDED_LIMIT_INFORMATION
BASIC = J.JOBOBJECT_BASIC_LIMIT_INFORMATION


@pytest.fixture
def rig(tmp_path: Path) -> ObjRig:
    return make_rig(tmp_path)


def create_job(rig: ObjRig, name: str | None = None, attributes: int = 0) -> int:
    status, handle = rig.open_or_create("NtCreateJobObject", name=name, attributes=attributes,
                                        access=JOB_ALL_ACCESS)
    assert status == NTSTATUS.SUCCESS, NTSTATUS.name_of(status)
    return handle


def other_process(rig: ObjRig) -> tuple[Process, int]:
    """A second process of the System, and a handle to it in the rig's process."""
    process = new_thread(rig.system, wow64=False).process
    return process, rig.process.handles.insert(process)


def query(rig: ObjRig, job: int, info_class: int, length: int) -> tuple[int, bytes, int]:
    """(status, the buffer, ReturnLength) of NtQueryInformationJobObject; the buffer starts as sentinels."""
    buf, ret = rig.out(length), rig.out(4)
    status = rig.call("NtQueryInformationJobObject", job, info_class, buf, length, ret)
    return status, rig.read(buf, length), rig.u32(ret)


def limits(rig: ObjRig, job: int) -> dict[str, int]:
    status, data, returned = query(rig, job, J.JobObjectExtendedLimitInformation, EXTENDED.size64)
    assert status == NTSTATUS.SUCCESS and returned == EXTENDED.size64
    return EXTENDED.unpack(data, 64)


def set_limits(rig: ObjRig, job: int, **values: int) -> int:
    fields = dict.fromkeys(EXTENDED.names, 0) | values
    return rig.call("NtSetInformationJobObject", job, J.JobObjectExtendedLimitInformation,
                    rig.put(EXTENDED.pack(fields, 64)), EXTENDED.size64)


def accounting(rig: ObjRig, job: int) -> dict[str, int]:
    layout = J.JOBOBJECT_BASIC_ACCOUNTING_INFORMATION
    status, data, _ = query(rig, job, J.JobObjectBasicAccountingInformation, layout.size64)
    assert status == NTSTATUS.SUCCESS
    return layout.unpack(data, 64)


def in_job(rig: ObjRig, process: int, job: int) -> int:
    return rig.call("NtIsProcessInJob", process, job)


# ---- layouts (the sizes and offsets mingw-w64's headers give) -------------------------------------------------

@pytest.mark.parametrize(("layout", "size32", "size64"), [
    (BASIC, 0x30, 0x40), (EXTENDED, 0x70, 0x90), (J.JOBOBJECT_BASIC_ACCOUNTING_INFORMATION, 0x30, 0x30),
    (J.JOBOBJECT_BASIC_AND_IO_ACCOUNTING_INFORMATION, 0x60, 0x60)], ids=lambda v: getattr(v, "name", v))
def test_layout_sizes(layout, size32: int, size64: int) -> None:
    assert (layout.size(32), layout.size(64)) == (size32, size64)


@pytest.mark.parametrize(("field", "off32", "off64"), [
    ("MinimumWorkingSetSize", 20, 24), ("ActiveProcessLimit", 28, 40), ("Affinity", 32, 48),
    ("SchedulingClass", 40, 60), ("ReadOperationCount", 48, 64), ("ProcessMemoryLimit", 96, 112),
    ("PeakJobMemoryUsed", 108, 136)])
def test_extended_limit_offsets(field: str, off32: int, off64: int) -> None:
    assert (EXTENDED.offset(field, 32), EXTENDED.offset(field, 64)) == (off32, off64)


def test_process_id_list_sizes() -> None:
    assert (J.process_id_list_size(1, 32), J.process_id_list_size(1, 64)) == (12, 16)


# ---- creating and opening -------------------------------------------------------------------------------------

def test_a_named_job_is_opened_by_name_and_openif_gives_the_same(rig: ObjRig) -> None:
    job = create_job(rig, "\\BaseNamedObjects\\j")
    assert rig.open_or_create("NtCreateJobObject", name="\\BaseNamedObjects\\j")[0] == NTSTATUS.OBJECT_NAME_COLLISION
    status, again = rig.open_or_create("NtCreateJobObject", name="\\BaseNamedObjects\\j", attributes=0x80)
    assert status == NTSTATUS.OBJECT_NAME_EXISTS and rig.obj(again) is rig.obj(job)
    status, opened = rig.open_or_create("NtOpenJobObject", name="\\BaseNamedObjects\\j", access=jobs.JOB_OBJECT_QUERY)
    assert status == NTSTATUS.SUCCESS and rig.obj(opened) is rig.obj(job)
    assert rig.process.handles.entry(opened).access == 0x4
    assert rig.open_or_create("NtOpenJobObject", name="\\BaseNamedObjects\\nope")[0] == \
        NTSTATUS.OBJECT_NAME_NOT_FOUND
    rig.open_or_create("NtCreateEvent", 0, 0, name="\\BaseNamedObjects\\ev")
    assert rig.open_or_create("NtOpenJobObject", name="\\BaseNamedObjects\\ev")[0] == NTSTATUS.OBJECT_TYPE_MISMATCH


# ---- limits ---------------------------------------------------------------------------------------------------

def test_a_new_job_has_no_limits_and_the_default_scheduling_class(rig: ObjRig) -> None:
    values = limits(rig, create_job(rig))
    assert values["LimitFlags"] == 0 and values["SchedulingClass"] == 5
    assert values["ActiveProcessLimit"] == values["ProcessMemoryLimit"] == values["PeakJobMemoryUsed"] == 0


def test_limits_set_and_read_back(rig: ObjRig) -> None:
    job = create_job(rig)
    flags = (J.JOB_OBJECT_LIMIT_ACTIVE_PROCESS | J.JOB_OBJECT_LIMIT_PROCESS_MEMORY | J.JOB_OBJECT_LIMIT_JOB_MEMORY
             | J.JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE | J.JOB_OBJECT_LIMIT_WORKINGSET)
    assert set_limits(rig, job, LimitFlags=flags, ActiveProcessLimit=3, ProcessMemoryLimit=0x200123,
                      JobMemoryLimit=0x1_0000_0000, MinimumWorkingSetSize=0x10000, MaximumWorkingSetSize=0x20000,
                      Affinity=1) == NTSTATUS.SUCCESS
    values = limits(rig, job)
    assert values["LimitFlags"] == flags and values["ActiveProcessLimit"] == 3
    assert values["ProcessMemoryLimit"] == 0x200000  # kept in whole pages
    assert values["JobMemoryLimit"] == 0x1_0000_0000
    assert (values["MinimumWorkingSetSize"], values["MaximumWorkingSetSize"]) == (0x10000, 0x20000)
    assert values["Affinity"] == 0  # its flag was not given
    # The basic class replaces the basic flags and keeps the extended ones.
    basic = dict.fromkeys(BASIC.names, 0) | {"LimitFlags": J.JOB_OBJECT_LIMIT_ACTIVE_PROCESS, "ActiveProcessLimit": 9}
    assert rig.call("NtSetInformationJobObject", job, J.JobObjectBasicLimitInformation,
                    rig.put(BASIC.pack(basic, 64)), BASIC.size64) == NTSTATUS.SUCCESS
    values = limits(rig, job)
    assert values["LimitFlags"] == flags & ~J.JOB_OBJECT_LIMIT_WORKINGSET and values["ActiveProcessLimit"] == 9


def test_limit_errors(rig: ObjRig) -> None:
    job = create_job(rig)
    assert set_limits(rig, job, LimitFlags=0x8000) == NTSTATUS.INVALID_PARAMETER
    assert set_limits(rig, job, LimitFlags=J.JOB_OBJECT_LIMIT_JOB_TIME | J.JOB_OBJECT_LIMIT_PRESERVE_JOB_TIME) == \
        NTSTATUS.INVALID_PARAMETER
    working_set = J.JOB_OBJECT_LIMIT_WORKINGSET
    assert set_limits(rig, job, LimitFlags=working_set, MinimumWorkingSetSize=0x1000) == NTSTATUS.INVALID_PARAMETER
    assert set_limits(rig, job, LimitFlags=working_set, MinimumWorkingSetSize=0x2000,
                      MaximumWorkingSetSize=0x1000) == NTSTATUS.INVALID_PARAMETER
    assert set_limits(rig, job, LimitFlags=J.JOB_OBJECT_LIMIT_AFFINITY, Affinity=0b100) == NTSTATUS.INVALID_PARAMETER
    assert set_limits(rig, job, LimitFlags=J.JOB_OBJECT_LIMIT_SCHEDULING_CLASS, SchedulingClass=10) == \
        NTSTATUS.INVALID_PARAMETER
    assert set_limits(rig, job, LimitFlags=J.JOB_OBJECT_LIMIT_SCHEDULING_CLASS, SchedulingClass=9) == NTSTATUS.SUCCESS
    basic = rig.put(bytes(BASIC.size64))
    assert rig.call("NtSetInformationJobObject", job, J.JobObjectBasicLimitInformation, basic, BASIC.size64 + 8) == \
        NTSTATUS.INFO_LENGTH_MISMATCH
    # The basic class takes the basic flags only.
    assert rig.call("NtSetInformationJobObject", job, J.JobObjectBasicLimitInformation,
                    rig.put(BASIC.pack(dict.fromkeys(BASIC.names, 0) | {"LimitFlags": 0x2000}, 64)),
                    BASIC.size64) == NTSTATUS.INVALID_PARAMETER
    assert rig.call("NtSetInformationJobObject", job, J.JobObjectBasicAccountingInformation, basic, 0x30) == \
        NTSTATUS.INVALID_INFO_CLASS
    assert rig.call("NtSetInformationJobObject", job, J.JobObjectExtendedLimitInformation, 0x10,
                    EXTENDED.size64) == NTSTATUS.ACCESS_VIOLATION
    event = rig.event()
    assert set_limits(rig, event, LimitFlags=0) == NTSTATUS.OBJECT_TYPE_MISMATCH
    assert query(rig, job, J.JobObjectBasicLimitInformation, BASIC.size64 - 1)[0] == NTSTATUS.INFO_LENGTH_MISMATCH
    assert query(rig, job, J.JobObjectBasicLimitInformation, BASIC.size64 + 8)[0] == NTSTATUS.INFO_LENGTH_MISMATCH
    assert query(rig, job, 77, 0x40)[0] == NTSTATUS.INVALID_INFO_CLASS
    assert query(rig, job, J.JobObjectBasicUIRestrictions, 4)[0] == NTSTATUS.INVALID_INFO_CLASS
    assert rig.call("NtQueryInformationJobObject", job, J.JobObjectBasicLimitInformation, 0x10, BASIC.size64, 0) == \
        NTSTATUS.ACCESS_VIOLATION
    # A NULL handle is the caller's own job, and it has none.
    assert query(rig, 0, J.JobObjectBasicLimitInformation, BASIC.size64)[0] == NTSTATUS.ACCESS_DENIED


def test_rights_are_checked(rig: ObjRig) -> None:
    job = create_job(rig, "\\BaseNamedObjects\\r")
    _, query_only = rig.open_or_create("NtOpenJobObject", name="\\BaseNamedObjects\\r", access=jobs.JOB_OBJECT_QUERY)
    assert rig.call("NtAssignProcessToJobObject", query_only, CURRENT_PROCESS) == NTSTATUS.ACCESS_DENIED
    assert rig.call("NtTerminateJobObject", query_only, 1) == NTSTATUS.ACCESS_DENIED
    assert set_limits(rig, query_only, LimitFlags=0) == NTSTATUS.ACCESS_DENIED
    assert in_job(rig, CURRENT_PROCESS, query_only) == NTSTATUS.PROCESS_NOT_IN_JOB
    assert rig.call("NtAssignProcessToJobObject", job, 0x1234) == NTSTATUS.INVALID_HANDLE
    assert rig.call("NtAssignProcessToJobObject", job, job) == NTSTATUS.OBJECT_TYPE_MISMATCH


# ---- membership and accounting --------------------------------------------------------------------------------

def test_assigning_the_current_process(rig: ObjRig) -> None:
    job = create_job(rig)
    assert in_job(rig, CURRENT_PROCESS, job) == NTSTATUS.PROCESS_NOT_IN_JOB
    assert in_job(rig, CURRENT_PROCESS, 0) == NTSTATUS.PROCESS_NOT_IN_JOB
    assert rig.call("NtAssignProcessToJobObject", job, CURRENT_PROCESS) == NTSTATUS.SUCCESS
    assert rig.call("NtAssignProcessToJobObject", job, CURRENT_PROCESS) == NTSTATUS.SUCCESS  # already there
    assert in_job(rig, CURRENT_PROCESS, job) == NTSTATUS.PROCESS_IN_JOB
    assert in_job(rig, CURRENT_PROCESS, 0) == NTSTATUS.PROCESS_IN_JOB
    assert in_job(rig, CURRENT_PROCESS, create_job(rig)) == NTSTATUS.PROCESS_NOT_IN_JOB
    assert rig.process.job is rig.obj(job)
    counts = accounting(rig, job)
    assert (counts["TotalProcesses"], counts["ActiveProcesses"], counts["TotalTerminatedProcesses"]) == (1, 1, 0)
    assert query(rig, 0, J.JobObjectBasicLimitInformation, BASIC.size64)[0] == NTSTATUS.SUCCESS  # its own job now


def test_the_process_id_list(rig: ObjRig) -> None:
    job = create_job(rig)
    other, handle = other_process(rig)
    rig.call("NtAssignProcessToJobObject", job, CURRENT_PROCESS)
    assert rig.call("NtAssignProcessToJobObject", job, handle) == NTSTATUS.SUCCESS
    status, data, returned = query(rig, job, J.JobObjectBasicProcessIdList, 8 + 3 * 8)
    assert status == NTSTATUS.SUCCESS and returned == 8 + 2 * 8
    assert struct.unpack_from("<IIQQ", data) == (2, 2, rig.process.pid, other.pid)
    # Room for one id: that one, the whole count, STATUS_BUFFER_OVERFLOW and no ReturnLength.
    status, data, returned = query(rig, job, J.JobObjectBasicProcessIdList, 16)
    assert status == NTSTATUS.BUFFER_OVERFLOW and returned == 0xADADADAD
    assert struct.unpack_from("<IIQ", data) == (2, 1, rig.process.pid)
    assert query(rig, job, J.JobObjectBasicProcessIdList, 15)[0] == NTSTATUS.INFO_LENGTH_MISMATCH
    # A process that ends leaves the list and the active count.
    other.terminate(5)
    status, data, _ = query(rig, job, J.JobObjectBasicProcessIdList, 16)
    assert status == NTSTATUS.SUCCESS and struct.unpack_from("<IIQ", data) == (1, 1, rig.process.pid)
    counts = accounting(rig, job)
    assert (counts["TotalProcesses"], counts["ActiveProcesses"], counts["TotalTerminatedProcesses"]) == (2, 1, 0)
    assert in_job(rig, handle, job) == NTSTATUS.PROCESS_IN_JOB  # an ended process stays in its job
    assert rig.call("NtAssignProcessToJobObject", create_job(rig), handle) == NTSTATUS.PROCESS_IS_TERMINATING


def test_jobs_nest_only_as_windows_8_allows(rig: ObjRig) -> None:
    outer, other_job = create_job(rig), create_job(rig)
    other, handle = other_process(rig)
    rig.call("NtAssignProcessToJobObject", outer, CURRENT_PROCESS)
    rig.call("NtAssignProcessToJobObject", other_job, handle)
    # A job that holds a process already cannot take one from another job.
    assert rig.call("NtAssignProcessToJobObject", other_job, CURRENT_PROCESS) == NTSTATUS.ACCESS_DENIED
    # An empty job nests under the process's job.
    inner = create_job(rig)
    assert rig.call("NtAssignProcessToJobObject", inner, CURRENT_PROCESS) == NTSTATUS.SUCCESS
    assert rig.obj(inner).parent is rig.obj(outer)
    assert in_job(rig, CURRENT_PROCESS, inner) == in_job(rig, CURRENT_PROCESS, outer) == NTSTATUS.PROCESS_IN_JOB
    assert rig.call("NtAssignProcessToJobObject", outer, CURRENT_PROCESS) == NTSTATUS.SUCCESS  # in its chain
    assert (accounting(rig, outer)["ActiveProcesses"], accounting(rig, inner)["ActiveProcesses"]) == (1, 1)
    # The outer job lists the inner job's process; a job with a parent does not nest again.
    assert struct.unpack_from("<IIQ", query(rig, outer, J.JobObjectBasicProcessIdList, 16)[1]) == \
        (1, 1, rig.process.pid)
    assert rig.call("NtAssignProcessToJobObject", inner, handle) == NTSTATUS.ACCESS_DENIED


def test_the_active_process_limit(rig: ObjRig) -> None:
    job = create_job(rig)
    assert set_limits(rig, job, LimitFlags=J.JOB_OBJECT_LIMIT_ACTIVE_PROCESS, ActiveProcessLimit=1) == \
        NTSTATUS.SUCCESS
    other, handle = other_process(rig)
    assert rig.call("NtAssignProcessToJobObject", job, CURRENT_PROCESS) == NTSTATUS.SUCCESS
    assert rig.call("NtAssignProcessToJobObject", job, handle) == NTSTATUS.QUOTA_EXCEEDED
    assert other.exit_status == NTSTATUS.QUOTA_EXCEEDED and other.job is None
    counts = accounting(rig, job)
    assert (counts["TotalProcesses"], counts["ActiveProcesses"], counts["TotalTerminatedProcesses"]) == (2, 1, 1)


# ---- ending a job ---------------------------------------------------------------------------------------------

def test_terminate_ends_every_process_and_signals_the_job(rig: ObjRig) -> None:
    job = create_job(rig)
    first, h1 = other_process(rig)
    second, h2 = other_process(rig)
    rig.call("NtAssignProcessToJobObject", job, h1)
    rig.call("NtAssignProcessToJobObject", job, h2)
    poll = rig.put(struct.pack("<q", 0))
    assert rig.call("NtWaitForSingleObject", job, 0, poll) == NTSTATUS.TIMEOUT
    assert rig.call("NtTerminateJobObject", job, 0x2A) == NTSTATUS.SUCCESS
    assert (first.exit_status, second.exit_status) == (0x2A, 0x2A)
    assert rig.process.exit_status is None
    assert rig.call("NtWaitForSingleObject", job, 0, poll) == NTSTATUS.SUCCESS
    assert rig.call("NtWaitForSingleObject", job, 0, poll) == NTSTATUS.SUCCESS  # stays signalled
    counts = accounting(rig, job)
    assert (counts["TotalProcesses"], counts["ActiveProcesses"], counts["TotalTerminatedProcesses"]) == (2, 0, 0)
    assert rig.call("NtTerminateJobObject", 0x1234, 1) == NTSTATUS.INVALID_HANDLE


def test_processes_that_end_by_themselves_leave_the_job_unsignalled(rig: ObjRig) -> None:
    job = create_job(rig)
    other, handle = other_process(rig)
    rig.call("NtAssignProcessToJobObject", job, handle)
    other.terminate(0)
    assert rig.call("NtWaitForSingleObject", job, 0, rig.put(struct.pack("<q", 0))) == NTSTATUS.TIMEOUT


def test_kill_on_job_close_ends_a_process_the_loader_made(rig: ObjRig) -> None:
    other = create_process(rig.system, BIN / "x64" / "sleeper.exe", []).process
    job = create_job(rig)
    assert set_limits(rig, job, LimitFlags=J.JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE) == NTSTATUS.SUCCESS
    handle = rig.process.handles.insert(other)
    assert rig.call("NtAssignProcessToJobObject", job, handle) == NTSTATUS.SUCCESS
    assert rig.call("NtClose", job) == NTSTATUS.SUCCESS
    assert other.exit_status == 0 and other.live == []
    assert rig.process.exit_status is None


def test_kill_on_close_waits_for_the_last_handle(rig: ObjRig) -> None:
    job = create_job(rig, "\\BaseNamedObjects\\k")
    set_limits(rig, job, LimitFlags=J.JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE)
    _, second = rig.open_or_create("NtOpenJobObject", name="\\BaseNamedObjects\\k")
    other, handle = other_process(rig)
    rig.call("NtAssignProcessToJobObject", job, handle)
    rig.call("NtClose", job)
    assert other.exit_status is None
    rig.call("NtClose", second)
    assert other.exit_status == 0


# ---- the job of a new child (for process creation) ------------------------------------------------------------

def test_a_child_joins_its_parents_job_unless_it_breaks_away(rig: ObjRig) -> None:
    parent = rig.process
    assert job_of_new_child(parent, 0) is None
    job = JobObject()
    job.admit(parent)
    assert job_of_new_child(parent, 0) is job
    with pytest.raises(NtError) as refused:
        job_of_new_child(parent, jobs.PROCESS_CREATE_FLAGS_BREAKAWAY)
    assert refused.value.status == NTSTATUS.ACCESS_DENIED
    job.limits["LimitFlags"] = J.JOB_OBJECT_LIMIT_BREAKAWAY_OK
    assert job_of_new_child(parent, jobs.PROCESS_CREATE_FLAGS_BREAKAWAY) is None
    assert job_of_new_child(parent, 0) is job
    job.limits["LimitFlags"] = J.JOB_OBJECT_LIMIT_SILENT_BREAKAWAY_OK
    assert job_of_new_child(parent, 0) is None


def test_a_nested_child_breaks_away_only_from_the_jobs_that_let_it(rig: ObjRig) -> None:
    parent = rig.process
    outer, inner = JobObject(), JobObject()
    outer.admit(parent)
    jobs.assign(inner, parent)
    inner.limits["LimitFlags"] = J.JOB_OBJECT_LIMIT_BREAKAWAY_OK
    assert job_of_new_child(parent, jobs.PROCESS_CREATE_FLAGS_BREAKAWAY) is outer


def test_a_new_process_is_refused_by_a_full_job(rig: ObjRig) -> None:
    job = JobObject()
    job.limits.update(LimitFlags=J.JOB_OBJECT_LIMIT_ACTIVE_PROCESS, ActiveProcessLimit=1)
    join_new_process(job, rig.process)
    child = new_thread(rig.system, wow64=False).process
    with pytest.raises(NtError) as refused:
        join_new_process(job_of_new_child(rig.process, 0), child)
    assert refused.value.status == NTSTATUS.QUOTA_EXCEEDED
    assert child.job is None and (job.total, job.active, job.terminated) == (1, 1, 0)
    join_new_process(None, child)
    assert child.job is None


# ---- the fixture, in both widths ------------------------------------------------------------------------------

def run(width: str, root: Path, *args: str) -> tuple[int, list[str]]:
    streams = StdStreams(io.BytesIO(), io.BytesIO(), io.BytesIO())
    machine = Machine(BIN / width / "jobs.exe", list(args), root=root, streams=streams)
    outcome = machine.run(timeout=60)
    assert outcome.fault is None
    return outcome.exit_status, streams.stdout.getvalue().decode().splitlines()


EXPECTED = """created 1
  last error 0
query basic limits, one byte short: failed error=24
query basic limits: ok
  return length is the structure's 1
  flags 0
  scheduling class 5
  active process limit 0
set extended limits: ok
set extended limits, wrong length: failed error=24
set extended limits, unknown flag: failed error=87
set the accounting: failed error=87
query extended limits: ok
  return length is the structure's 1
  flags 2825
  active process limit 3
  minimum working set 1048576
  maximum working set 8388608
  process memory limit 2097152
  job memory limit 67108864
  scheduling class 5
  io reads 0
  peak job memory 0
set basic limits: ok
query extended limits again: ok
  flags 2824
  active process limit 2
  process memory limit 2097152
in the job before 0
in any job before 0
assign the current process: ok
assign it again: ok
in the job 1
in any job 1
query the process ids, header only: failed error=24
query the process ids: ok
  assigned 1
  listed 1
  the id is ours 1
  return length is one id's 1
query the accounting: ok
  total 1
  active 1
  terminated 0
  io writes 0
  return length 96
job signalled 0
in another job 0
named created 1
named created again 1
  last error 183
opened by name 1
assign to the opened job (an empty job nests): ok
in the named job 1
still in the first job 1
open a missing name 0
  last error 2
open without a name 0
  last error 87
assign through a bad handle: failed error=6
terminate through a query-only handle: failed error=5
query the caller's own job: ok
  active process limit 0
terminate the other job: ok
other job signalled 1
done"""


@pytest.mark.parametrize("width", ["x86", "x64"])
def test_the_fixture_sees_windows_answers(width: str, tmp_path: Path) -> None:
    status, lines = run(width, tmp_path)
    assert lines == EXPECTED.splitlines()
    assert status == 0


@pytest.mark.parametrize("width", ["x86", "x64"])
def test_terminate_job_object_ends_the_current_process_with_its_status(width: str, tmp_path: Path) -> None:
    assert run(width, tmp_path, "terminate") == (42, ["terminating"])


@pytest.mark.parametrize("width", ["x86", "x64"])
def test_closing_a_kill_on_close_job_ends_the_process_in_it(width: str, tmp_path: Path) -> None:
    assert run(width, tmp_path, "killclose") == (0, ["closing"])


# ---- the 32-bit layouts through the whole WoW64 path ----------------------------------------------------------

def wow64_job(rig: Wow64Rig) -> int:
    out = DATA + 0x7000
    assert rig.call("NtCreateJobObject", out, JOB_ALL_ACCESS, 0).exit_status == NTSTATUS.SUCCESS
    return rig.u32(out)


def wow64_query(rig: Wow64Rig, job: int, info_class: int, length: int) -> tuple[int, bytes, int]:
    buf, ret = DATA, DATA + 0x7100
    rig.put(buf, b"\xad" * 0x200)
    rig.put(ret, struct.pack("<I", 0xDEADBEEF))
    status = rig.call("NtQueryInformationJobObject", job, info_class, buf, length, ret).exit_status
    return status, rig.get(buf, 0x200), rig.u32(ret)


def test_limits_in_the_32bit_layout(tmp_path: Path) -> None:
    rig = Wow64Rig(tmp_path)
    job = wow64_job(rig)
    values = dict.fromkeys(EXTENDED.names, 0) | {
        "LimitFlags": J.JOB_OBJECT_LIMIT_ACTIVE_PROCESS | J.JOB_OBJECT_LIMIT_JOB_MEMORY
        | J.JOB_OBJECT_LIMIT_WORKINGSET, "ActiveProcessLimit": 7, "JobMemoryLimit": 0x3000000,
        "MinimumWorkingSetSize": 0x10000, "MaximumWorkingSetSize": 0x7FFFF000}
    rig.put(DATA + 0x6000, EXTENDED.pack(values, 32))
    set_call = ("NtSetInformationJobObject", job, J.JobObjectExtendedLimitInformation, DATA + 0x6000)
    assert rig.call(*set_call, 0x70).exit_status == NTSTATUS.SUCCESS
    assert rig.call(*set_call, 0x90).exit_status == NTSTATUS.INFO_LENGTH_MISMATCH  # the 64-bit size is wrong here
    kept = rig.process.handles.lookup(job).limits
    assert (kept["ActiveProcessLimit"], kept["JobMemoryLimit"], kept["MaximumWorkingSetSize"]) == \
        (7, 0x3000000, 0x7FFFF000)
    status, data, returned = wow64_query(rig, job, J.JobObjectExtendedLimitInformation, 0x70)
    assert status == NTSTATUS.SUCCESS and returned == 0x70
    assert EXTENDED.unpack(data, 32) == values | {"SchedulingClass": 5}
    assert data[0x70:0x74] == b"\xad" * 4  # nothing past the 32-bit structure
    status, data, returned = wow64_query(rig, job, J.JobObjectBasicLimitInformation, 0x30)
    assert status == NTSTATUS.SUCCESS and returned == 0x30
    assert BASIC.unpack(data, 32)["ActiveProcessLimit"] == 7
    assert wow64_query(rig, job, J.JobObjectBasicLimitInformation, 0x40)[0] == NTSTATUS.INFO_LENGTH_MISMATCH
    status, data, returned = wow64_query(rig, job, J.JobObjectBasicAccountingInformation, 0x30)
    assert status == NTSTATUS.SUCCESS and returned == 0x30


def test_the_process_id_list_in_the_32bit_layout(tmp_path: Path) -> None:
    rig = Wow64Rig(tmp_path)
    job = wow64_job(rig)
    other = new_thread(rig.machine.system, wow64=False).process
    handle = rig.process.handles.insert(other)
    assert rig.call("NtAssignProcessToJobObject", job, 0xFFFFFFFF).exit_status == NTSTATUS.SUCCESS
    assert rig.call("NtAssignProcessToJobObject", job, handle).exit_status == NTSTATUS.SUCCESS
    status, data, returned = wow64_query(rig, job, J.JobObjectBasicProcessIdList, 16)
    assert status == NTSTATUS.SUCCESS and returned == 16
    assert struct.unpack_from("<IIII", data) == (2, 2, rig.process.pid, other.pid)
    status, data, returned = wow64_query(rig, job, J.JobObjectBasicProcessIdList, 12)
    assert status == NTSTATUS.BUFFER_OVERFLOW and returned == 0xDEADBEEF
    assert struct.unpack_from("<IIII", data) == (2, 1, rig.process.pid, 0xADADADAD)
    assert wow64_query(rig, job, J.JobObjectBasicProcessIdList, 11)[0] == NTSTATUS.INFO_LENGTH_MISMATCH
