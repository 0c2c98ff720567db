"""Job objects: groups of processes with limits, accounting, and one way to end them all.

A JobObject is named in \\BaseNamedObjects like an event (namespace.py). A process belongs to at most one job
directly, `Process.job`, its immediate job; jobs nest as Windows 8 and later nest them, so the process is also in
every job of its job's parent chain, and a job's counts and process list take in its child jobs' processes.

Choices where Windows is subtle (Windows 10 22H2; kernel32's own tests, run on Windows, show most of them):
- NtAssignProcessToJobObject: a process in no job joins the job. One already in the job, or in a child job of it,
  stays where it is (success, nothing changes). One in another job moves into the new job only when that job is
  empty (no process, no child job) and has no parent: the new job becomes a child of the process's job, as the
  nested-jobs documentation describes; any other case is STATUS_ACCESS_DENIED (what Windows 7 gave for every
  process already in a job). A process that has ended is STATUS_PROCESS_IS_TERMINATING (ERROR_ACCESS_DENIED).
- JOB_OBJECT_LIMIT_ACTIVE_PROCESS: a process whose assignment would pass the limit of its job, or of a job above
  it, is counted in TotalProcesses and TotalTerminatedProcesses, ended with STATUS_QUOTA_EXCEEDED, and the call
  fails with STATUS_QUOTA_EXCEEDED (ERROR_NOT_ENOUGH_QUOTA), as the documentation says ("AssignProcessToJobObject
  fails, and the specified process is terminated"). A new child of a process in a full job is refused with the
  same status before it exists (`join_new_process`).
- TotalTerminatedProcesses counts the processes a limit ended; TerminateJobObject and kill-on-close end processes
  without counting them there (Windows' NtTerminateJobObject does not count them either).
- NtTerminateJobObject ends every active process of the job and of its child jobs with the status, through the
  same Process.terminate that NtTerminateProcess uses, and signals the job: a wait on it is satisfied from then on
  (only then: processes that end by themselves leave it unsignalled, and a new process does not reset it).
- JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE: when the last handle to the job closes, its processes end with status 0
  (STATUS_SUCCESS), as Windows' close procedure terminates them.
- Queries: the fixed classes need their exact length (STATUS_INFO_LENGTH_MISMATCH otherwise, ERROR_BAD_LENGTH);
  the process-id list needs room for its header and one id, and when the ids do not all fit it writes those that
  do, NumberOfAssignedProcesses being the whole count, and returns STATUS_BUFFER_OVERFLOW (ERROR_MORE_DATA) without
  ReturnLength. A NULL job handle queries the caller's own job (STATUS_ACCESS_DENIED when it has none).
- Accounting: the processes' user and kernel times (the host CPU time each one's Lifetime measured, ended ones
  included); no page faults, no I/O counts are kept (0). PeakProcessMemoryUsed and PeakJobMemoryUsed are 0.
- Limits: every flag of the class's valid mask is accepted and stored (another flag is STATUS_INVALID_PARAMETER,
  and so are working-set sizes of which one is zero or the minimum above the maximum, an affinity outside the
  system's processors, a scheduling class above 9), each value with its flag; setting
  JobObjectBasicLimitInformation keeps the extended-only flags. Enforced are the active-process count,
  kill-on-close and the breakaway flags (`job_of_new_child`); the memory limits are stored (in whole pages, as
  Windows keeps them) and reported, not enforced; times, working sets, affinity, priority and scheduling class are
  stored only.
- Setting a class that cannot be set (the accounting classes, the process list) is STATUS_INVALID_INFO_CLASS, and
  so is any class this kernel does not serve (UI restrictions, security limits, end-of-job time, completion ports,
  logged).
"""

from __future__ import annotations

import struct
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING

from ..log import getLogger
from ..nt import jobs as J
from ..nt.layouts import Layout
from ..nt.status import NTSTATUS
from .errors import NtError
from .handles import CURRENT_PROCESS, KernelObject
from .namespace import create_object, open_object
from .process import AFFINITY_MASK, Process

if TYPE_CHECKING:
    from .system import System
    from .threadobject import Thread

log = getLogger(__name__)

# Job rights.
JOB_OBJECT_ASSIGN_PROCESS = 0x0001
JOB_OBJECT_SET_ATTRIBUTES = 0x0002
JOB_OBJECT_QUERY = 0x0004
JOB_OBJECT_TERMINATE = 0x0008
# Process rights the calls need.
PROCESS_TERMINATE = 0x0001
PROCESS_SET_QUOTA = 0x0100
PROCESS_QUERY_INFORMATION = 0x0400
PROCESS_QUERY_LIMITED_INFORMATION = 0x1000

PROCESS_CREATE_FLAGS_BREAKAWAY = 0x1  # NtCreateUserProcess's ProcessFlags: CreateProcess's CREATE_BREAKAWAY_FROM_JOB
DEFAULT_SCHEDULING_CLASS = 5
MAX_SCHEDULING_CLASS = 9
PAGE_SHIFT = 12
KILL_ON_CLOSE_STATUS = NTSTATUS.SUCCESS


class JobObject(KernelObject):
    """One job (EJOB): its limits, its processes and child jobs, its counts."""

    type_name = "Job"

    def __init__(self) -> None:
        self.parent: JobObject | None = None
        self.children: list[JobObject] = []
        self.members: list[Process] = []  # the processes whose immediate job this is, live or ended
        self.accounted: list[Process] = []  # every process ever counted here (children's too): their times
        self.limits = dict.fromkeys(J.JOBOBJECT_EXTENDED_LIMIT_INFORMATION.names, 0)
        self.limits["SchedulingClass"] = DEFAULT_SCHEDULING_CLASS
        self.total = 0
        self.active = 0
        self.terminated = 0
        self.ended = False  # NtTerminateJobObject signalled it

    @property
    def flags(self) -> int:
        return self.limits["LimitFlags"]

    def chain(self) -> Iterator[JobObject]:
        """This job and every job above it."""
        job: JobObject | None = self
        while job is not None:
            yield job
            job = job.parent

    def active_processes(self) -> list[Process]:
        """The live processes of this job and of its child jobs, in the order they joined."""
        found = [p for p in self.members if p.exit_status is None]
        for child in self.children:
            found += child.active_processes()
        return found

    def signalled(self, thread: Thread) -> bool:
        return self.ended

    def describe(self) -> str:
        return f"{super().describe()} ({self.active} active)"

    # ---- membership ----------------------------------------------------------------------------------------

    def admit(self, process: Process) -> None:
        """Make `process` (in no job) a member; every job of the chain counts it. STATUS_QUOTA_EXCEEDED (nothing
        changed) when a job of the chain has reached its active-process limit."""
        for job in self.chain():
            if job.flags & J.JOB_OBJECT_LIMIT_ACTIVE_PROCESS and job.active >= job.limits["ActiveProcessLimit"]:
                raise NtError(NTSTATUS.QUOTA_EXCEEDED)
        self.members.append(process)
        process.job = self
        for job in self.chain():
            job.total += 1
            job.active += 1
            job.accounted.append(process)

    def process_ended(self, process: Process) -> None:
        """Called by Process.terminate for a member: it is no longer active anywhere in the chain."""
        for job in self.chain():
            job.active -= 1

    def terminate(self, status: int) -> None:
        """End every active process of the job and its child jobs with `status`, as NtTerminateProcess would."""
        for process in self.active_processes():
            process.terminate(status)

    def close(self) -> None:
        """The last handle went: with KILL_ON_JOB_CLOSE, every process of the job ends."""
        if self.flags & J.JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE:
            self.terminate(KILL_ON_CLOSE_STATUS)

    def is_empty(self) -> bool:
        return not self.children and not any(p.exit_status is None for p in self.members)


def job_of_new_child(parent: Process, process_flags: int) -> JobObject | None:
    """The job a new child of `parent` joins (None: no job), following the breakaway rules.

    `process_flags` are NtCreateUserProcess's ProcessFlags, where kernelbase puts PROCESS_CREATE_FLAGS_BREAKAWAY for
    CreateProcess's CREATE_BREAKAWAY_FROM_JOB. The child leaves, from the parent's immediate job upwards, each job
    that lets it go: one with JOB_OBJECT_LIMIT_SILENT_BREAKAWAY_OK always, one with JOB_OBJECT_LIMIT_BREAKAWAY_OK
    when it asks to break away; it joins the first job that keeps it. Asking to break away from a job that allows
    neither is STATUS_ACCESS_DENIED (CreateProcess's ERROR_ACCESS_DENIED). Process creation then calls
    join_new_process(job, child).
    """
    job = parent.job
    breakaway = bool(process_flags & PROCESS_CREATE_FLAGS_BREAKAWAY)
    allowed = J.JOB_OBJECT_LIMIT_BREAKAWAY_OK | J.JOB_OBJECT_LIMIT_SILENT_BREAKAWAY_OK
    if job is not None and breakaway and not job.flags & allowed:
        raise NtError(NTSTATUS.ACCESS_DENIED)
    while job is not None and (job.flags & J.JOB_OBJECT_LIMIT_SILENT_BREAKAWAY_OK or
                               breakaway and job.flags & J.JOB_OBJECT_LIMIT_BREAKAWAY_OK):
        job = job.parent
    return job


def join_new_process(job: JobObject | None, process: Process) -> None:
    """Put a process being created into `job` (from job_of_new_child; None does nothing). A job of the chain at its
    active-process limit refuses it with STATUS_QUOTA_EXCEEDED (ERROR_NOT_ENOUGH_QUOTA from CreateProcess) and
    counts nothing: the creation must fail and the process never run."""
    if job is not None:
        job.admit(process)


def assign(job: JobObject, process: Process) -> None:
    """NtAssignProcessToJobObject's rules (the module docstring)."""
    if process.exit_status is not None:
        raise NtError(NTSTATUS.PROCESS_IS_TERMINATING)
    current = process.job
    if current is None:
        try:
            job.admit(process)
        except NtError:
            for above in job.chain():
                above.total += 1
                above.terminated += 1
            process.terminate(NTSTATUS.QUOTA_EXCEEDED)
            raise
        return
    if job in current.chain():
        return
    if job.parent is not None or not job.is_empty():
        raise NtError(NTSTATUS.ACCESS_DENIED)
    if job.flags & J.JOB_OBJECT_LIMIT_ACTIVE_PROCESS and job.limits["ActiveProcessLimit"] == 0:
        raise NtError(NTSTATUS.QUOTA_EXCEEDED)
    job.parent = current
    current.children.append(job)
    current.members.remove(process)
    job.members.append(process)
    process.job = job
    job.total += 1
    job.active += 1
    job.accounted.append(process)


# ---- information classes --------------------------------------------------------------------------------------

def _times(job: JobObject) -> tuple[int, int]:
    """(user, kernel) time of every process the job counted, in 100 ns units."""
    user = kernel = 0
    for process in job.accounted:
        _create, _exit, k, u = struct.unpack("<qqqq", process.lifetime.kernel_user_times())
        user += u
        kernel += k
    return user, kernel


def _accounting(job: JobObject, layout: Layout) -> bytes:
    values = dict.fromkeys(layout.names, 0)
    user, kernel = _times(job)
    values.update(TotalUserTime=user, TotalKernelTime=kernel, ThisPeriodTotalUserTime=user,
                  ThisPeriodTotalKernelTime=kernel, TotalProcesses=job.total, ActiveProcesses=job.active,
                  TotalTerminatedProcesses=job.terminated)
    return layout.pack(values, 64)


def _limits(job: JobObject, layout: Layout) -> bytes:
    return layout.pack({name: job.limits[name] for name in layout.names}, 64)


# class -> (its exact length, the answer); JobObjectBasicProcessIdList is answered apart (variable length).
_QUERY: dict[int, tuple[Layout, Callable[[JobObject, Layout], bytes]]] = {
    J.JobObjectBasicAccountingInformation: (J.JOBOBJECT_BASIC_ACCOUNTING_INFORMATION, _accounting),
    J.JobObjectBasicAndIoAccountingInformation: (J.JOBOBJECT_BASIC_AND_IO_ACCOUNTING_INFORMATION, _accounting),
    J.JobObjectBasicLimitInformation: (J.JOBOBJECT_BASIC_LIMIT_INFORMATION, _limits),
    J.JobObjectExtendedLimitInformation: (J.JOBOBJECT_EXTENDED_LIMIT_INFORMATION, _limits),
}
_SET = {
    J.JobObjectBasicLimitInformation: (J.JOBOBJECT_BASIC_LIMIT_INFORMATION, J.JOB_OBJECT_BASIC_LIMIT_VALID_FLAGS),
    J.JobObjectExtendedLimitInformation: (J.JOBOBJECT_EXTENDED_LIMIT_INFORMATION,
                                          J.JOB_OBJECT_EXTENDED_LIMIT_VALID_FLAGS),
}
# Classes Windows answers but never sets.
_QUERY_ONLY = (J.JobObjectBasicAccountingInformation, J.JobObjectBasicProcessIdList,
               J.JobObjectBasicAndIoAccountingInformation)
# The values each flag brings with it.
_FLAG_VALUES = {
    J.JOB_OBJECT_LIMIT_WORKINGSET: ("MinimumWorkingSetSize", "MaximumWorkingSetSize"),
    J.JOB_OBJECT_LIMIT_PROCESS_TIME: ("PerProcessUserTimeLimit",),
    J.JOB_OBJECT_LIMIT_JOB_TIME: ("PerJobUserTimeLimit",),
    J.JOB_OBJECT_LIMIT_ACTIVE_PROCESS: ("ActiveProcessLimit",),
    J.JOB_OBJECT_LIMIT_AFFINITY: ("Affinity",),
    J.JOB_OBJECT_LIMIT_PRIORITY_CLASS: ("PriorityClass",),
    J.JOB_OBJECT_LIMIT_SCHEDULING_CLASS: ("SchedulingClass",),
    J.JOB_OBJECT_LIMIT_PROCESS_MEMORY: ("ProcessMemoryLimit",),
    J.JOB_OBJECT_LIMIT_JOB_MEMORY: ("JobMemoryLimit",),
}
_PAGE_ROUNDED = ("ProcessMemoryLimit", "JobMemoryLimit")
# What a flag's values must be: working-set sizes both zero or both set, the minimum not above the maximum; an
# affinity within the system's processors; a scheduling class from 0 to 9.
_CHECKS: dict[int, Callable[[dict[str, int]], bool]] = {
    J.JOB_OBJECT_LIMIT_WORKINGSET: lambda v: bool(v["MinimumWorkingSetSize"]) == bool(v["MaximumWorkingSetSize"])
    and v["MinimumWorkingSetSize"] <= v["MaximumWorkingSetSize"],
    J.JOB_OBJECT_LIMIT_AFFINITY: lambda v: not v["Affinity"] & ~AFFINITY_MASK,
    J.JOB_OBJECT_LIMIT_SCHEDULING_CLASS: lambda v: v["SchedulingClass"] <= MAX_SCHEDULING_CLASS,
}


def _set_limits(job: JobObject, values: dict[str, int], valid: int) -> None:
    flags = values["LimitFlags"]
    if flags & ~valid:
        raise NtError(NTSTATUS.INVALID_PARAMETER)
    if flags & J.JOB_OBJECT_LIMIT_PRESERVE_JOB_TIME and flags & J.JOB_OBJECT_LIMIT_JOB_TIME:
        raise NtError(NTSTATUS.INVALID_PARAMETER)
    if any(flags & flag and not check(values) for flag, check in _CHECKS.items()):
        raise NtError(NTSTATUS.INVALID_PARAMETER)
    job.limits["LimitFlags"] = job.flags & ~valid | flags
    for flag, names in _FLAG_VALUES.items():
        if flags & flag:
            for name in names:
                value = values[name]
                job.limits[name] = value >> PAGE_SHIFT << PAGE_SHIFT if name in _PAGE_ROUNDED else value


class JobServices:
    def __init__(self, system: System) -> None:
        self.system = system

    def NtCreateJobObject(self, thread: Thread, JobHandle: int, DesiredAccess: int, ObjectAttributes: int) -> int:
        return create_object(thread, JobHandle, DesiredAccess, ObjectAttributes, JobObject, JobObject)

    def NtOpenJobObject(self, thread: Thread, JobHandle: int, DesiredAccess: int, ObjectAttributes: int) -> int:
        return open_object(thread, JobHandle, DesiredAccess, ObjectAttributes, JobObject)

    def NtAssignProcessToJobObject(self, thread: Thread, JobHandle: int, ProcessHandle: int) -> int:
        job = thread.process.handles.reference(JobHandle, JobObject, JOB_OBJECT_ASSIGN_PROCESS)
        assign(job, _process(thread, ProcessHandle, PROCESS_SET_QUOTA | PROCESS_TERMINATE))
        return NTSTATUS.SUCCESS

    def NtIsProcessInJob(self, thread: Thread, ProcessHandle: int, JobHandle: int) -> int:
        """STATUS_PROCESS_IN_JOB when the process is in the job (or, for a NULL job handle, in any job): in its
        immediate job or in a job above it; STATUS_PROCESS_NOT_IN_JOB otherwise."""
        process = _process(thread, ProcessHandle, PROCESS_QUERY_INFORMATION, PROCESS_QUERY_LIMITED_INFORMATION)
        current = process.job
        if JobHandle:
            job = thread.process.handles.reference(JobHandle, JobObject, JOB_OBJECT_QUERY)
            inside = current is not None and job in current.chain()
        else:
            inside = current is not None
        return NTSTATUS.PROCESS_IN_JOB if inside else NTSTATUS.PROCESS_NOT_IN_JOB

    def NtTerminateJobObject(self, thread: Thread, JobHandle: int, ExitStatus: int) -> int:
        job = thread.process.handles.reference(JobHandle, JobObject, JOB_OBJECT_TERMINATE)
        job.ended = True
        job.terminate(ExitStatus & 0xFFFFFFFF)
        return NTSTATUS.SUCCESS

    def NtQueryInformationJobObject(self, thread: Thread, JobHandle: int, JobObjectInformationClass: int,
                                    JobObjectInformation: int, JobObjectInformationLength: int,
                                    ReturnLength: int) -> int:
        """The class, its length, the buffer and ReturnLength probed, the job, then the answer (the module
        docstring)."""
        info_class, buffer, length = JobObjectInformationClass, JobObjectInformation, JobObjectInformationLength
        memory = thread.process.memory
        fixed = _QUERY.get(info_class)
        if fixed is None and info_class != J.JobObjectBasicProcessIdList:
            log.warning("NtQueryInformationJobObject: information class %d is unknown or not implemented",
                        info_class)
            raise NtError(NTSTATUS.INVALID_INFO_CLASS)
        needed = fixed[0].size(64) if fixed else J.process_id_list_size(1, 64)
        if (length != needed) if fixed else (length < needed):
            raise NtError(NTSTATUS.INFO_LENGTH_MISMATCH)
        memory.probe(buffer, length, write=True)
        if ReturnLength:
            memory.probe(ReturnLength, 4, write=True)
        job = _job(thread, JobHandle, JOB_OBJECT_QUERY)
        if fixed is None:
            data, status = _process_id_list(job, length)
        else:
            data, status = fixed[1](job, fixed[0]), NTSTATUS.SUCCESS
        memory.write(buffer, data)
        if ReturnLength and status == NTSTATUS.SUCCESS:
            memory.write_u32(ReturnLength, len(data))
        return status

    def NtSetInformationJobObject(self, thread: Thread, JobHandle: int, JobObjectInformationClass: int,
                                  JobObjectInformation: int, JobObjectInformationLength: int) -> int:
        entry = _SET.get(JobObjectInformationClass)
        if entry is None:
            if JobObjectInformationClass not in _QUERY_ONLY:
                log.warning("NtSetInformationJobObject: information class %d is unknown or not implemented",
                            JobObjectInformationClass)
            raise NtError(NTSTATUS.INVALID_INFO_CLASS)
        layout, valid = entry
        if JobObjectInformationLength != layout.size(64):
            raise NtError(NTSTATUS.INFO_LENGTH_MISMATCH)
        values = layout.unpack(thread.process.memory.read(JobObjectInformation, layout.size(64)), 64)
        job = thread.process.handles.reference(JobHandle, JobObject, JOB_OBJECT_SET_ATTRIBUTES)
        _set_limits(job, values, valid)
        return NTSTATUS.SUCCESS


SERVICES = (JobServices.NtCreateJobObject, JobServices.NtOpenJobObject, JobServices.NtAssignProcessToJobObject,
            JobServices.NtIsProcessInJob, JobServices.NtTerminateJobObject, JobServices.NtQueryInformationJobObject,
            JobServices.NtSetInformationJobObject)


def _process(thread: Thread, handle: int, access: int, alternative: int = 0) -> Process:
    """The process behind a handle ((HANDLE)-1 the caller's) granting `access` (or `alternative`)."""
    if handle & 0xFFFFFFFFFFFFFFFF == CURRENT_PROCESS:
        return thread.process
    entry = thread.process.handles.entry(handle)
    if not isinstance(entry.obj, Process):
        raise NtError(NTSTATUS.OBJECT_TYPE_MISMATCH)
    if access & ~entry.access and not (alternative and entry.access & alternative):
        raise NtError(NTSTATUS.ACCESS_DENIED)
    return entry.obj


def _job(thread: Thread, handle: int, access: int) -> JobObject:
    """The job of a handle; NULL is the caller's own job (STATUS_ACCESS_DENIED when it is in none)."""
    if handle:
        return thread.process.handles.reference(handle, JobObject, access)
    if thread.process.job is None:
        raise NtError(NTSTATUS.ACCESS_DENIED)
    return thread.process.job


def _process_id_list(job: JobObject, length: int) -> tuple[bytes, int]:
    """JOBOBJECT_BASIC_PROCESS_ID_LIST (64-bit) in `length` bytes: the ids that fit, and the status."""
    ids = [p.pid for p in job.active_processes()]
    room = (length - J.PROCESS_ID_LIST_HEADER) // 8
    shown = ids[:room]
    data = struct.pack(f"<II{len(shown)}Q", len(ids), len(shown), *shown)
    return data, NTSTATUS.SUCCESS if len(shown) == len(ids) else NTSTATUS.BUFFER_OVERFLOW
