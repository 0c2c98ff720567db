"""System calls about processes, threads, tokens and the system: declarations, layouts of their information
classes in both widths, and the class numbers."""

from __future__ import annotations

from .decl import CLIENT_ID_IN, HANDLE_OUT, OA, ULONG_OUT, decl
from .kinds import ACCESS_MASK, BOOLEAN, HANDLE, PVOID, ULONG
from .kinds import NTSTATUS as NTSTATUS_KIND
from .layouts import F, Field, Layout

TEB64_TO_TEB32 = 0x2000  # a WoW64 thread's TEB32 follows its TEB64

# ---- layouts -----------------------------------------------------------------------------------------------

PROCESS_BASIC_INFORMATION = Layout("PROCESS_BASIC_INFORMATION", [
    Field("ExitStatus", F.U32),  # an NTSTATUS: the same bytes
    Field("PebBaseAddress", F.PTR),
    Field("AffinityMask", F.SIZE),
    Field("BasePriority", F.I32),
    Field("UniqueProcessId", F.SIZE),
    Field("InheritedFromUniqueProcessId", F.SIZE),
])

THREAD_BASIC_INFORMATION = Layout("THREAD_BASIC_INFORMATION", [
    Field("ExitStatus", F.U32),  # an NTSTATUS: the same bytes
    Field("TebBaseAddress", F.PTR),
    Field("UniqueProcess", F.HANDLE),  # ClientId
    Field("UniqueThread", F.HANDLE),
    Field("AffinityMask", F.SIZE),
    Field("Priority", F.I32),
    Field("BasePriority", F.I32),
])

SYSTEM_BASIC_INFORMATION = Layout("SYSTEM_BASIC_INFORMATION", [
    Field("Reserved", F.U32),
    Field("TimerResolution", F.U32),
    Field("PageSize", F.U32),
    Field("NumberOfPhysicalPages", F.U32),
    Field("LowestPhysicalPageNumber", F.U32),
    Field("HighestPhysicalPageNumber", F.U32),
    Field("AllocationGranularity", F.U32),
    Field("MinimumUserModeAddress", F.PTR),
    Field("MaximumUserModeAddress", F.PTR),
    Field("ActiveProcessorsAffinityMask", F.SIZE),
    Field("NumberOfProcessors", F.U8),
])

SYSTEM_PROCESSOR_INFORMATION = Layout("SYSTEM_PROCESSOR_INFORMATION", [
    Field("ProcessorArchitecture", F.U16),
    Field("ProcessorLevel", F.U16),
    Field("ProcessorRevision", F.U16),
    Field("MaximumProcessors", F.U16),
    Field("ProcessorFeatureBits", F.U32),
])

SYSTEM_TIMEOFDAY_INFORMATION = Layout("SYSTEM_TIMEOFDAY_INFORMATION", [
    Field("BootTime", F.I64),
    Field("CurrentTime", F.I64),
    Field("TimeZoneBias", F.I64),
    Field("TimeZoneId", F.U32),
    Field("Reserved", F.U32),
    Field("BootTimeBias", F.U64),
    Field("SleepTimeBias", F.U64),
])

SYSTEM_PROCESS_INFORMATION = Layout("SYSTEM_PROCESS_INFORMATION", [
    Field("NextEntryOffset", F.U32),
    Field("NumberOfThreads", F.U32),
    Field("WorkingSetPrivateSize", F.I64),
    Field("HardFaultCount", F.U32),
    Field("NumberOfThreadsHighWatermark", F.U32),
    Field("CycleTime", F.U64),
    Field("CreateTime", F.I64),
    Field("UserTime", F.I64),
    Field("KernelTime", F.I64),
    Field("ImageNameLength", F.U16),  # ImageName, a UNICODE_STRING
    Field("ImageNameMaximumLength", F.U16),
    Field("ImageNameBuffer", F.PTR),
    Field("BasePriority", F.I32),
    Field("UniqueProcessId", F.HANDLE),
    Field("InheritedFromUniqueProcessId", F.HANDLE),
    Field("HandleCount", F.U32),
    Field("SessionId", F.U32),
    Field("UniqueProcessKey", F.SIZE),
    Field("PeakVirtualSize", F.SIZE),
    Field("VirtualSize", F.SIZE),
    Field("PageFaultCount", F.U32),
    Field("PeakWorkingSetSize", F.SIZE),
    Field("WorkingSetSize", F.SIZE),
    Field("QuotaPeakPagedPoolUsage", F.SIZE),
    Field("QuotaPagedPoolUsage", F.SIZE),
    Field("QuotaPeakNonPagedPoolUsage", F.SIZE),
    Field("QuotaNonPagedPoolUsage", F.SIZE),
    Field("PagefileUsage", F.SIZE),
    Field("PeakPagefileUsage", F.SIZE),
    Field("PrivatePageCount", F.SIZE),
    Field("ReadOperationCount", F.I64),
    Field("WriteOperationCount", F.I64),
    Field("OtherOperationCount", F.I64),
    Field("ReadTransferCount", F.I64),
    Field("WriteTransferCount", F.I64),
    Field("OtherTransferCount", F.I64),
])

SYSTEM_THREAD_INFORMATION = Layout("SYSTEM_THREAD_INFORMATION", [
    Field("KernelTime", F.I64),
    Field("UserTime", F.I64),
    Field("CreateTime", F.I64),
    Field("WaitTime", F.U32),
    Field("StartAddress", F.PTR),
    Field("UniqueProcess", F.HANDLE),  # ClientId
    Field("UniqueThread", F.HANDLE),
    Field("Priority", F.I32),
    Field("BasePriority", F.I32),
    Field("ContextSwitches", F.U32),
    Field("ThreadState", F.U32),
    Field("WaitReason", F.U32),
])

SID_AND_ATTRIBUTES = Layout("SID_AND_ATTRIBUTES", [  # TOKEN_USER, TOKEN_MANDATORY_LABEL
    Field("Sid", F.PTR),
    Field("Attributes", F.U32),
])

SECURITY_QUALITY_OF_SERVICE = Layout("SECURITY_QUALITY_OF_SERVICE", [
    Field("Length", F.U32),
    Field("ImpersonationLevel", F.U32),
    Field("ContextTrackingMode", F.U8),
    Field("EffectiveOnly", F.U8),
])

LAYOUTS = (PROCESS_BASIC_INFORMATION, THREAD_BASIC_INFORMATION, SYSTEM_BASIC_INFORMATION,
           SYSTEM_PROCESSOR_INFORMATION, SYSTEM_TIMEOFDAY_INFORMATION, SYSTEM_PROCESS_INFORMATION,
           SYSTEM_THREAD_INFORMATION, SID_AND_ATTRIBUTES, SECURITY_QUALITY_OF_SERVICE)

# ---- information classes -----------------------------------------------------------------------------------

# PROCESSINFOCLASS
ProcessBasicInformation = 0
ProcessTimes = 4
ProcessDebugPort = 7
ProcessDefaultHardErrorMode = 12
ProcessPriorityClass = 18
ProcessHandleCount = 20
ProcessAffinityMask = 21
ProcessSessionInformation = 24
ProcessWow64Information = 26
ProcessImageFileName = 27
ProcessCookie = 36
ProcessImageFileNameWin32 = 43

# THREADINFOCLASS
ThreadBasicInformation = 0
ThreadTimes = 1
ThreadPriority = 2
ThreadBasePriority = 3
ThreadImpersonationToken = 5
ThreadQuerySetWin32StartAddress = 9
ThreadAmILastThread = 12
ThreadHideFromDebugger = 17
ThreadIsTerminated = 20

# SYSTEM_INFORMATION_CLASS
SystemBasicInformation = 0
SystemProcessorInformation = 1
SystemTimeOfDayInformation = 3
SystemProcessInformation = 5
SystemTimeAdjustmentInformation = 28
SystemKernelDebuggerInformation = 35
SystemCurrentTimeZoneInformation = 44
SystemEmulationBasicInformation = 62
SystemEmulationProcessorInformation = 63

# TOKEN_INFORMATION_CLASS
TokenUser = 1
TokenType = 8
TokenImpersonationLevel = 9
TokenSessionId = 12
TokenElevationType = 18
TokenElevation = 20
TokenVirtualizationAllowed = 23
TokenVirtualizationEnabled = 24
TokenIntegrityLevel = 25
TokenIsAppContainer = 29

# ---- declarations ------------------------------------------------------------------------------------------

_OPEN = (("DesiredAccess", ACCESS_MASK), ("ObjectAttributes", OA), ("ClientId", CLIENT_ID_IN))

DECLARATIONS = {
    "NtTerminateProcess": decl(("ProcessHandle", HANDLE), ("ExitStatus", NTSTATUS_KIND)),
    # AttributeList (a PS_ATTRIBUTE_LIST) is not read: it must be NULL (kernel/threadlife.py).
    "NtCreateThreadEx": decl(("ThreadHandle", HANDLE_OUT), ("DesiredAccess", ACCESS_MASK), ("ObjectAttributes", OA),
                             ("ProcessHandle", HANDLE), ("StartRoutine", PVOID), ("Argument", PVOID),
                             ("CreateFlags", ULONG), ("ZeroBits", PVOID), ("StackSize", PVOID),
                             ("MaximumStackSize", PVOID), ("AttributeList", PVOID)),
    # ProcessParameters (RTL_USER_PROCESS_PARAMETERS), CreateInfo (PS_CREATE_INFO) and AttributeList
    # (PS_ATTRIBUTE_LIST) are rebuilt by hand for a 32-bit caller (thunks/processcreate.py).
    "NtCreateUserProcess": decl(("ProcessHandle", HANDLE_OUT), ("ThreadHandle", HANDLE_OUT),
                                ("ProcessDesiredAccess", ACCESS_MASK), ("ThreadDesiredAccess", ACCESS_MASK),
                                ("ProcessObjectAttributes", OA), ("ThreadObjectAttributes", OA),
                                ("ProcessFlags", ULONG), ("ThreadFlags", ULONG), ("ProcessParameters", PVOID),
                                ("CreateInfo", PVOID), ("AttributeList", PVOID)),
    "NtTerminateThread": decl(("ThreadHandle", HANDLE), ("ExitStatus", NTSTATUS_KIND)),
    "NtSuspendThread": decl(("ThreadHandle", HANDLE), ("PreviousSuspendCount", ULONG_OUT)),
    "NtResumeThread": decl(("ThreadHandle", HANDLE), ("PreviousSuspendCount", ULONG_OUT)),
    "NtYieldExecution": decl(),
    "NtOpenProcess": decl(("ProcessHandle", HANDLE_OUT), *_OPEN),
    "NtOpenThread": decl(("ThreadHandle", HANDLE_OUT), *_OPEN),
    "NtQueryInformationProcess": decl(("ProcessHandle", HANDLE), ("ProcessInformationClass", ULONG),
                                      ("ProcessInformation", PVOID), ("ProcessInformationLength", ULONG),
                                      ("ReturnLength", ULONG_OUT)),
    "NtSetInformationProcess": decl(("ProcessHandle", HANDLE), ("ProcessInformationClass", ULONG),
                                    ("ProcessInformation", PVOID), ("ProcessInformationLength", ULONG)),
    "NtQueryInformationThread": decl(("ThreadHandle", HANDLE), ("ThreadInformationClass", ULONG),
                                     ("ThreadInformation", PVOID), ("ThreadInformationLength", ULONG),
                                     ("ReturnLength", ULONG_OUT)),
    "NtSetInformationThread": decl(("ThreadHandle", HANDLE), ("ThreadInformationClass", ULONG),
                                   ("ThreadInformation", PVOID), ("ThreadInformationLength", ULONG)),
    "NtQuerySystemInformation": decl(("SystemInformationClass", ULONG), ("SystemInformation", PVOID),
                                     ("SystemInformationLength", ULONG), ("ReturnLength", ULONG_OUT)),
    "NtGetCurrentProcessorNumber": decl(),
    "NtOpenProcessToken": decl(("ProcessHandle", HANDLE), ("DesiredAccess", ACCESS_MASK),
                               ("TokenHandle", HANDLE_OUT)),
    "NtOpenProcessTokenEx": decl(("ProcessHandle", HANDLE), ("DesiredAccess", ACCESS_MASK),
                                 ("HandleAttributes", ULONG), ("TokenHandle", HANDLE_OUT)),
    "NtOpenThreadToken": decl(("ThreadHandle", HANDLE), ("DesiredAccess", ACCESS_MASK), ("OpenAsSelf", BOOLEAN),
                              ("TokenHandle", HANDLE_OUT)),
    "NtImpersonateThread": decl(("ServerThreadHandle", HANDLE), ("ClientThreadHandle", HANDLE),
                                ("SecurityQos", PVOID)),
    "NtQueryInformationToken": decl(("TokenHandle", HANDLE), ("TokenInformationClass", ULONG),
                                    ("TokenInformation", PVOID), ("TokenInformationLength", ULONG),
                                    ("ReturnLength", ULONG_OUT)),
    "NtQueryDefaultLocale": decl(("UserProfile", BOOLEAN), ("DefaultLocaleId", ULONG_OUT)),
    "NtQueryDefaultUILanguage": decl(("DefaultUILanguageId", PVOID)),
    "NtQueryInstallUILanguage": decl(("InstallUILanguageId", PVOID)),
}
