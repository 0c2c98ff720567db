"""System calls about processes, threads, tokens and the system: declarations, layouts, and wow64's own part.

wow64.dll converts by hand the information classes whose buffers hold pointers or pointer-sized fields
(infoclass.py); the rest pass through. It also shows a 32-bit caller its own structures: the PEB32 in
PROCESS_BASIC_INFORMATION, the TEB32 in THREAD_BASIC_INFORMATION, and the x86 view of the system (the kernel's
emulation classes) for SystemBasicInformation and SystemProcessorInformation.
"""

from __future__ import annotations

from ..emu.status import NTSTATUS
from . import infoclass as I
from . import layouts as L
from .context import ThunkContext
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
ProcessDebugPort = 7
ProcessDefaultHardErrorMode = 12
ProcessHandleCount = 20
ProcessSessionInformation = 24
ProcessWow64Information = 26
ProcessImageFileName = 27
ProcessCookie = 36
ProcessImageFileNameWin32 = 43

# THREADINFOCLASS
ThreadBasicInformation = 0
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
SystemKernelDebuggerInformation = 35
SystemEmulationBasicInformation = 62
SystemEmulationProcessorInformation = 63

# TOKEN_INFORMATION_CLASS
TokenUser = 1
TokenType = 8
TokenImpersonationLevel = 9
TokenSessionId = 12
TokenElevationType = 18
TokenElevation = 20
TokenIntegrityLevel = 25
TokenIsAppContainer = 29


def _own_peb32(ctx: ThunkContext, values: dict[str, int]) -> None:
    """PebBaseAddress: the caller's PEB32 in place of the PEB64 the kernel knows."""
    if values["PebBaseAddress"] == ctx.process.peb64:
        values["PebBaseAddress"] = ctx.process.peb32


def _teb32(ctx: ThunkContext, values: dict[str, int]) -> None:
    """TebBaseAddress: the thread's TEB32, which follows its TEB64."""
    if values["TebBaseAddress"]:
        values["TebBaseAddress"] += TEB64_TO_TEB32


UNICODE_STRING_HEADER = I.header(L.UNICODE_STRING)
SID_HEADER = I.header(SID_AND_ATTRIBUTES)
POINTER_SIZED = I.fixed(L.SIZE_T)

PROCESS_QUERY = I.special(
    I.Params("ProcessInformationClass", "ProcessInformation", "ProcessInformationLength", "ReturnLength"), {
        ProcessBasicInformation: I.fixed(PROCESS_BASIC_INFORMATION, _own_peb32),
        ProcessDebugPort: POINTER_SIZED,
        ProcessWow64Information: POINTER_SIZED,
        ProcessImageFileName: UNICODE_STRING_HEADER,
        ProcessImageFileNameWin32: UNICODE_STRING_HEADER,
    })

THREAD_QUERY = I.special(
    I.Params("ThreadInformationClass", "ThreadInformation", "ThreadInformationLength", "ReturnLength"), {
        ThreadBasicInformation: I.fixed(THREAD_BASIC_INFORMATION, _teb32),
        ThreadQuerySetWin32StartAddress: I.fixed(L.PVOID),
    })

THREAD_SET = I.special(
    I.Params("ThreadInformationClass", "ThreadInformation", "ThreadInformationLength"), {
        ThreadImpersonationToken: I.fixed_in(L.HANDLE),
    })

TOKEN_QUERY = I.special(
    I.Params("TokenInformationClass", "TokenInformation", "TokenInformationLength", "ReturnLength",
             return_length_optional=False), {
        TokenUser: SID_HEADER,
        TokenIntegrityLevel: SID_HEADER,
    })


def _system_processes(ctx: ThunkContext, p: I.Params) -> None:
    """SystemProcessInformation: every record and its threads rebuilt in the 32-bit layout.

    The kernel answers into an arena buffer big enough for any list this emulator has; the 32-bit length of the
    converted records decides between success and STATUS_INFO_LENGTH_MISMATCH (ReturnLength = the length needed).
    """
    buffer64 = ctx.alloc(bytes(I.VARIABLE_BUFFER_LIMIT))
    ctx.set_arg64(p.buffer, buffer64)
    ctx.set_arg64(p.length, I.VARIABLE_BUFFER_LIMIT)
    rl_addr = I.arena_return_length(ctx, p, always=True)

    def after(ctx: ThunkContext, status: int) -> int:
        written = I.kernel_return_length(ctx, rl_addr)
        if status != NTSTATUS.SUCCESS or written is None:
            I.put_return_length(ctx, p, written)
            return status
        buffer32 = ctx.arg32(p.buffer)
        records = narrow_process_records(ctx.read_arena(buffer64, written), buffer64, buffer32)
        I.put_return_length(ctx, p, len(records))
        if ctx.arg32(p.length) < len(records):
            return NTSTATUS.INFO_LENGTH_MISMATCH
        ctx.write32(buffer32, records, "SYSTEM_PROCESS_INFORMATION")
        return status

    ctx.after(after)


def narrow_process_records(data: bytes, base64: int, base32: int) -> bytes:
    """SYSTEM_PROCESS_INFORMATION records (with their threads and image names) from 64-bit to 32-bit layout."""
    out = bytearray()
    offset = 0
    while True:
        record = SYSTEM_PROCESS_INFORMATION.unpack(data[offset:], 64)
        threads_at = offset + SYSTEM_PROCESS_INFORMATION.size(64)
        thread_size64 = SYSTEM_THREAD_INFORMATION.size(64)
        threads = [SYSTEM_THREAD_INFORMATION.narrow(SYSTEM_THREAD_INFORMATION.unpack(data[at:], 64))
                   for at in range(threads_at, threads_at + record["NumberOfThreads"] * thread_size64,
                                   thread_size64)]
        name_at = record["ImageNameBuffer"] - base64
        name = data[name_at: name_at + record["ImageNameMaximumLength"]] if record["ImageNameBuffer"] else b""
        start32 = len(out)
        name32 = (start32 + SYSTEM_PROCESS_INFORMATION.size(32)
                  + len(threads) * SYSTEM_THREAD_INFORMATION.size(32))
        end32 = name32 + len(name)
        end32 += -end32 % 8
        values = SYSTEM_PROCESS_INFORMATION.narrow(record)
        values["ImageNameBuffer"] = base32 + name32 if name else 0
        values["NextEntryOffset"] = end32 - start32 if record["NextEntryOffset"] else 0
        out += SYSTEM_PROCESS_INFORMATION.pack(values, 32)
        for thread in threads:
            out += SYSTEM_THREAD_INFORMATION.pack(thread, 32)
        out += name
        out += bytes(end32 - len(out))
        if not record["NextEntryOffset"]:
            return bytes(out)
        offset += record["NextEntryOffset"]


SYSTEM_QUERY = I.special(
    I.Params("SystemInformationClass", "SystemInformation", "SystemInformationLength", "ReturnLength"), {
        SystemBasicInformation: I.remapped(SystemEmulationBasicInformation, I.fixed(SYSTEM_BASIC_INFORMATION)),
        SystemEmulationBasicInformation: I.fixed(SYSTEM_BASIC_INFORMATION),
        SystemProcessorInformation: I.remapped(SystemEmulationProcessorInformation),
        SystemProcessInformation: _system_processes,
    })

# ---- declarations ------------------------------------------------------------------------------------------

_OPEN = (("DesiredAccess", ACCESS_MASK), ("ObjectAttributes", OA), ("ClientId", CLIENT_ID_IN))

DECLARATIONS = {
    "NtTerminateProcess": decl(("ProcessHandle", HANDLE), ("ExitStatus", NTSTATUS_KIND)),
    "NtOpenProcess": decl(("ProcessHandle", HANDLE_OUT), *_OPEN),
    "NtOpenThread": decl(("ThreadHandle", HANDLE_OUT), *_OPEN),
    "NtQueryInformationProcess": decl(("ProcessHandle", HANDLE), ("ProcessInformationClass", ULONG),
                                      ("ProcessInformation", PVOID), ("ProcessInformationLength", ULONG),
                                      ("ReturnLength", ULONG_OUT), special=PROCESS_QUERY),
    "NtSetInformationProcess": decl(("ProcessHandle", HANDLE), ("ProcessInformationClass", ULONG),
                                    ("ProcessInformation", PVOID), ("ProcessInformationLength", ULONG)),
    "NtQueryInformationThread": decl(("ThreadHandle", HANDLE), ("ThreadInformationClass", ULONG),
                                     ("ThreadInformation", PVOID), ("ThreadInformationLength", ULONG),
                                     ("ReturnLength", ULONG_OUT), special=THREAD_QUERY),
    "NtSetInformationThread": decl(("ThreadHandle", HANDLE), ("ThreadInformationClass", ULONG),
                                   ("ThreadInformation", PVOID), ("ThreadInformationLength", ULONG),
                                   special=THREAD_SET),
    "NtQuerySystemInformation": decl(("SystemInformationClass", ULONG), ("SystemInformation", PVOID),
                                     ("SystemInformationLength", ULONG), ("ReturnLength", ULONG_OUT),
                                     special=SYSTEM_QUERY),
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
                                    ("ReturnLength", ULONG_OUT), special=TOKEN_QUERY),
    "NtQueryDefaultLocale": decl(("UserProfile", BOOLEAN), ("DefaultLocaleId", ULONG_OUT)),
    "NtQueryDefaultUILanguage": decl(("DefaultUILanguageId", PVOID)),
    "NtQueryInstallUILanguage": decl(("InstallUILanguageId", PVOID)),
}
