"""System calls of job objects: declarations, the layouts of their information classes in both widths, the class
numbers and the limit flags (winnt.h).

The sizes, as mingw-w64's headers give them (i686 / x86_64): JOBOBJECT_BASIC_LIMIT_INFORMATION 0x30 / 0x40,
JOBOBJECT_EXTENDED_LIMIT_INFORMATION 0x70 / 0x90, JOBOBJECT_BASIC_ACCOUNTING_INFORMATION 0x30 in both,
JOBOBJECT_BASIC_AND_IO_ACCOUNTING_INFORMATION 0x60 in both, JOBOBJECT_BASIC_PROCESS_ID_LIST 12 / 16 (its ids are
ULONG_PTR, after two ULONG counts).
"""

from __future__ import annotations

from .decl import HANDLE_OUT, OA, ULONG_OUT, decl
from .kinds import ACCESS_MASK, HANDLE, PVOID, ULONG
from .kinds import NTSTATUS as NTSTATUS_KIND
from .layouts import F, Field, Layout

# JOBOBJECTINFOCLASS
JobObjectBasicAccountingInformation = 1
JobObjectBasicLimitInformation = 2
JobObjectBasicProcessIdList = 3
JobObjectBasicUIRestrictions = 4
JobObjectSecurityLimitInformation = 5
JobObjectEndOfJobTimeInformation = 6
JobObjectAssociateCompletionPortInformation = 7
JobObjectBasicAndIoAccountingInformation = 8
JobObjectExtendedLimitInformation = 9

# LimitFlags
JOB_OBJECT_LIMIT_WORKINGSET = 0x00000001
JOB_OBJECT_LIMIT_PROCESS_TIME = 0x00000002
JOB_OBJECT_LIMIT_ACTIVE_PROCESS = 0x00000008
JOB_OBJECT_LIMIT_AFFINITY = 0x00000010
JOB_OBJECT_LIMIT_PRIORITY_CLASS = 0x00000020
JOB_OBJECT_LIMIT_PRESERVE_JOB_TIME = 0x00000040
JOB_OBJECT_LIMIT_JOB_TIME = 0x00000004
JOB_OBJECT_LIMIT_SCHEDULING_CLASS = 0x00000080
JOB_OBJECT_LIMIT_PROCESS_MEMORY = 0x00000100
JOB_OBJECT_LIMIT_JOB_MEMORY = 0x00000200
JOB_OBJECT_LIMIT_BREAKAWAY_OK = 0x00000800
JOB_OBJECT_LIMIT_SILENT_BREAKAWAY_OK = 0x00001000
JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE = 0x00002000
JOB_OBJECT_BASIC_LIMIT_VALID_FLAGS = 0x000000FF
JOB_OBJECT_EXTENDED_LIMIT_VALID_FLAGS = 0x00007FFF

_BASIC_LIMIT_FIELDS = [
    Field("PerProcessUserTimeLimit", F.I64),
    Field("PerJobUserTimeLimit", F.I64),
    Field("LimitFlags", F.U32),
    Field("MinimumWorkingSetSize", F.SIZE),
    Field("MaximumWorkingSetSize", F.SIZE),
    Field("ActiveProcessLimit", F.U32),
    Field("Affinity", F.SIZE),
    Field("PriorityClass", F.U32),
    Field("SchedulingClass", F.U32),
]
_IO_COUNTERS_FIELDS = [Field(name, F.U64) for name in (
    "ReadOperationCount", "WriteOperationCount", "OtherOperationCount",
    "ReadTransferCount", "WriteTransferCount", "OtherTransferCount")]

JOBOBJECT_BASIC_LIMIT_INFORMATION = Layout("JOBOBJECT_BASIC_LIMIT_INFORMATION", _BASIC_LIMIT_FIELDS)

JOBOBJECT_EXTENDED_LIMIT_INFORMATION = Layout("JOBOBJECT_EXTENDED_LIMIT_INFORMATION", [
    *_BASIC_LIMIT_FIELDS,
    *_IO_COUNTERS_FIELDS,  # IoInfo
    Field("ProcessMemoryLimit", F.SIZE),
    Field("JobMemoryLimit", F.SIZE),
    Field("PeakProcessMemoryUsed", F.SIZE),
    Field("PeakJobMemoryUsed", F.SIZE),
])

_ACCOUNTING_FIELDS = [
    Field("TotalUserTime", F.I64),
    Field("TotalKernelTime", F.I64),
    Field("ThisPeriodTotalUserTime", F.I64),
    Field("ThisPeriodTotalKernelTime", F.I64),
    Field("TotalPageFaultCount", F.U32),
    Field("TotalProcesses", F.U32),
    Field("ActiveProcesses", F.U32),
    Field("TotalTerminatedProcesses", F.U32),
]

JOBOBJECT_BASIC_ACCOUNTING_INFORMATION = Layout("JOBOBJECT_BASIC_ACCOUNTING_INFORMATION", _ACCOUNTING_FIELDS)

JOBOBJECT_BASIC_AND_IO_ACCOUNTING_INFORMATION = Layout("JOBOBJECT_BASIC_AND_IO_ACCOUNTING_INFORMATION", [
    *_ACCOUNTING_FIELDS,
    *_IO_COUNTERS_FIELDS,
])

# JOBOBJECT_BASIC_PROCESS_ID_LIST: {ULONG NumberOfAssignedProcesses; ULONG NumberOfProcessIdsInList;
# ULONG_PTR ProcessIdList[1]}: the header, then one id per process, 4 or 8 bytes.
PROCESS_ID_LIST_HEADER = 8


def process_id_list_size(count: int, width: int) -> int:
    """The bytes of a list of `count` ids (at least one, as sizeof the structure counts)."""
    return PROCESS_ID_LIST_HEADER + max(count, 1) * (width // 8)


ALL_LAYOUTS = (JOBOBJECT_BASIC_LIMIT_INFORMATION, JOBOBJECT_EXTENDED_LIMIT_INFORMATION,
               JOBOBJECT_BASIC_ACCOUNTING_INFORMATION, JOBOBJECT_BASIC_AND_IO_ACCOUNTING_INFORMATION)

DECLARATIONS = {
    "NtCreateJobObject": decl(("JobHandle", HANDLE_OUT), ("DesiredAccess", ACCESS_MASK), ("ObjectAttributes", OA)),
    "NtOpenJobObject": decl(("JobHandle", HANDLE_OUT), ("DesiredAccess", ACCESS_MASK), ("ObjectAttributes", OA)),
    "NtAssignProcessToJobObject": decl(("JobHandle", HANDLE), ("ProcessHandle", HANDLE)),
    "NtIsProcessInJob": decl(("ProcessHandle", HANDLE), ("JobHandle", HANDLE)),
    "NtTerminateJobObject": decl(("JobHandle", HANDLE), ("ExitStatus", NTSTATUS_KIND)),
    "NtQueryInformationJobObject": decl(("JobHandle", HANDLE), ("JobObjectInformationClass", ULONG),
                                        ("JobObjectInformation", PVOID), ("JobObjectInformationLength", ULONG),
                                        ("ReturnLength", ULONG_OUT)),
    "NtSetInformationJobObject": decl(("JobHandle", HANDLE), ("JobObjectInformationClass", ULONG),
                                      ("JobObjectInformation", PVOID), ("JobObjectInformationLength", ULONG)),
}
