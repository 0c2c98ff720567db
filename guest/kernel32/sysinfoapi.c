/*
 * kernel32: the system a process runs on: GetSystemInfo and GetNativeSystemInfo, the version of Windows,
 * and whether the process runs under WoW64 (IsWow64Process, IsWow64Process2 of wow64apiset.h).
 *
 * GetSystemInfo shows the process's own view: for a 32-bit process wow64 answers SystemBasicInformation and
 * SystemProcessorInformation with the x86 view. GetNativeSystemInfo is that view with the machine's processor
 * architecture, which KUSER_SHARED_DATA holds. The version is the one in the PEB (no manifest compatibility).
 * GetSystemTimeAdjustment and SetSystemTime ask the kernel about its clock, which the guest cannot set.
 */
#define _KERNEL32_          /* windows.h declares our own exports without dllimport */
#include "k32process.h"
#include "k32time.h"

/* ---- System information ------------------------------------------------------------------------------- */

static DWORD processor_type(USHORT architecture, USHORT level)
{
    if (architecture == PROCESSOR_ARCHITECTURE_AMD64)
        return PROCESSOR_AMD_X8664;
    return level == 3 ? PROCESSOR_INTEL_386 : level == 4 ? PROCESSOR_INTEL_486 : PROCESSOR_INTEL_PENTIUM;
}

static void fill_system_info(SYSTEM_INFO *si, USHORT architecture)
{
    SYSTEM_BASIC_INFORMATION basic = { 0 };
    SYSTEM_PROCESSOR_INFORMATION cpu = { 0 };

    /* Neither query fails with these lengths (the zeros keep the answer defined if one ever did). */
    NtQuerySystemInformation(SystemBasicInformation, &basic, sizeof basic, NULL);
    NtQuerySystemInformation(SystemProcessorInformation, &cpu, sizeof cpu, NULL);
    if (architecture == 0xFFFF)
        architecture = cpu.ProcessorArchitecture;
    si->wProcessorArchitecture = architecture;
    si->wReserved = 0;
    si->dwPageSize = basic.PageSize;
    si->lpMinimumApplicationAddress = (LPVOID)basic.MinimumUserModeAddress;
    si->lpMaximumApplicationAddress = (LPVOID)basic.MaximumUserModeAddress;
    si->dwActiveProcessorMask = basic.ActiveProcessorsAffinityMask;
    si->dwNumberOfProcessors = (DWORD)basic.NumberOfProcessors;
    si->dwProcessorType = processor_type(architecture, cpu.ProcessorLevel);
    si->dwAllocationGranularity = basic.AllocationGranularity;
    si->wProcessorLevel = cpu.ProcessorLevel;
    si->wProcessorRevision = cpu.ProcessorRevision;
}

void WINAPI GetSystemInfo(LPSYSTEM_INFO si)
{
    fill_system_info(si, 0xFFFF);
}

void WINAPI GetNativeSystemInfo(LPSYSTEM_INFO si)
{
    fill_system_info(si, KUSD_FIELD(USHORT, KUSD_NATIVE_PROCESSOR_ARCHITECTURE));
}

/* ---- WoW64 --------------------------------------------------------------------------------------------- */

static BOOL wow64_peb(HANDLE process, ULONG_PTR *peb32)
{
    return query_process(process, ProcessWow64Information, peb32, sizeof *peb32);
}

BOOL WINAPI IsWow64Process(HANDLE process, PBOOL wow64)
{
    ULONG_PTR peb32;

    if (!wow64_peb(process, &peb32))
        return FALSE;
    *wow64 = peb32 != 0;
    return TRUE;
}

BOOL WINAPI IsWow64Process2(HANDLE process, USHORT *process_machine, USHORT *native_machine)
{
    ULONG_PTR peb32;

    if (!wow64_peb(process, &peb32))
        return FALSE;
    *process_machine = peb32 ? IMAGE_FILE_MACHINE_I386 : IMAGE_FILE_MACHINE_UNKNOWN;
    if (native_machine)
        *native_machine = KUSD_FIELD(USHORT, KUSD_NATIVE_PROCESSOR_ARCHITECTURE) == PROCESSOR_ARCHITECTURE_AMD64
                              ? IMAGE_FILE_MACHINE_AMD64 : IMAGE_FILE_MACHINE_I386;
    return TRUE;
}

/* ---- Version ------------------------------------------------------------------------------------------- */

DWORD WINAPI GetVersion(void)
{
    DWORD major = NT_PEB_FIELD(ULONG, NT_PEB_OS_MAJOR_VERSION);
    DWORD minor = NT_PEB_FIELD(ULONG, NT_PEB_OS_MINOR_VERSION);
    DWORD build = NT_PEB_FIELD(USHORT, NT_PEB_OS_BUILD_NUMBER);

    return (build << 16) | (minor << 8) | major;                    /* bit 31 clear: Windows NT */
}

/* The fields OSVERSIONINFOEX[AW] share past the CSD version, in the layout of both. */
typedef struct {
    WORD wServicePackMajor, wServicePackMinor, wSuiteMask;
    BYTE wProductType, wReserved;
} VERSION_EX_TAIL;

/* GetVersionEx[AW]: `size` must be one of the two structure sizes; `numbers` is dwMajorVersion and the three
 * DWORDs after it, `csd` the CSD version string (left empty), `tail` the EX fields. */
static BOOL get_version(DWORD size, DWORD base_size, DWORD ex_size, DWORD *numbers, void *csd,
                        VERSION_EX_TAIL *tail)
{
    if (size != base_size && size != ex_size) {
        SetLastError(ERROR_INSUFFICIENT_BUFFER);
        return FALSE;
    }
    numbers[0] = NT_PEB_FIELD(ULONG, NT_PEB_OS_MAJOR_VERSION);
    numbers[1] = NT_PEB_FIELD(ULONG, NT_PEB_OS_MINOR_VERSION);
    numbers[2] = NT_PEB_FIELD(USHORT, NT_PEB_OS_BUILD_NUMBER);
    numbers[3] = NT_PEB_FIELD(ULONG, NT_PEB_OS_PLATFORM_ID);
    ((char *)csd)[0] = ((char *)csd)[1] = 0;                        /* "" as WCHAR or CHAR */
    if (size == ex_size) {
        tail->wServicePackMajor = tail->wServicePackMinor = 0;
        tail->wSuiteMask = VER_SUITE_SINGLEUSERTS;
        tail->wProductType = VER_NT_WORKSTATION;
        tail->wReserved = 0;
    }
    return TRUE;
}

BOOL WINAPI GetVersionExW(LPOSVERSIONINFOW info)
{
    return get_version(info->dwOSVersionInfoSize, sizeof(OSVERSIONINFOW), sizeof(OSVERSIONINFOEXW),
                       &info->dwMajorVersion, info->szCSDVersion,
                       (VERSION_EX_TAIL *)&((OSVERSIONINFOEXW *)info)->wServicePackMajor);
}

BOOL WINAPI GetVersionExA(LPOSVERSIONINFOA info)
{
    return get_version(info->dwOSVersionInfoSize, sizeof(OSVERSIONINFOA), sizeof(OSVERSIONINFOEXA),
                       &info->dwMajorVersion, info->szCSDVersion,
                       (VERSION_EX_TAIL *)&((OSVERSIONINFOEXA *)info)->wServicePackMajor);
}

/* ---- The system clock ---------------------------------------------------------------------------------- */

/* SystemTimeAdjustmentInformation: the clock's increment per tick and the adjustment added instead when one is made;
 * `disabled` TRUE when none is (the kernel's Enable field means that). */
BOOL WINAPI GetSystemTimeAdjustment(PDWORD adjustment, PDWORD increment, PBOOL disabled)
{
    SYSTEM_QUERY_TIME_ADJUST_INFORMATION info;
    NTSTATUS status = NtQuerySystemInformation(SystemTimeAdjustmentInformation, &info, sizeof info, NULL);

    if (!NT_SUCCESS(status))
        return fail_status(status);
    *adjustment = info.TimeAdjustment;
    *increment = info.TimeIncrement;
    *disabled = info.Enable;
    return TRUE;
}

/* NtSetSystemTime: a SYSTEMTIME out of range is ERROR_INVALID_PARAMETER; setting the clock needs
 * SeSystemtimePrivilege, which a standard user lacks (ERROR_PRIVILEGE_NOT_HELD). */
BOOL WINAPI SetSystemTime(const SYSTEMTIME *st)
{
    LARGE_INTEGER t;
    NTSTATUS status;

    if (!time_of_fields(st, (ULONGLONG *)&t.QuadPart))
        return fail_status(STATUS_INVALID_PARAMETER);
    status = NtSetSystemTime(&t, NULL);
    return NT_SUCCESS(status) ? TRUE : fail_status(status);
}
