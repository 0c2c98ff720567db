/*
 * kernel32: GetProcessAffinityMask and SetProcessAffinityMask (winbase.h): the process's mask from
 * ProcessBasicInformation (set with ProcessAffinityMask, which the kernel checks against the system's) and the system's
 * from SystemBasicInformation, as kernelbase asks for them; FALSE with the last error of a bad handle.
 */
#define _KERNEL32_          /* windows.h declares our own exports without dllimport */
#include "k32process.h"

BOOL WINAPI GetProcessAffinityMask(HANDLE process, PDWORD_PTR process_mask, PDWORD_PTR system_mask)
{
    PROCESS_BASIC_INFORMATION info;
    SYSTEM_BASIC_INFORMATION basic;
    NTSTATUS status;

    if (!query_process(process, ProcessBasicInformation, &info, sizeof info))
        return FALSE;
    status = NtQuerySystemInformation(SystemBasicInformation, &basic, sizeof basic, NULL);
    if (!NT_SUCCESS(status))
        return fail_status(status);
    *process_mask = info.AffinityMask;
    *system_mask = basic.ActiveProcessorsAffinityMask;
    return TRUE;
}

/* ProcessAffinityMask: a mask naming no processor, or one the system lacks, is ERROR_INVALID_PARAMETER. */
BOOL WINAPI SetProcessAffinityMask(HANDLE process, DWORD_PTR mask)
{
    KAFFINITY affinity = mask;
    NTSTATUS status = NtSetInformationProcess(process, ProcessAffinityMask, &affinity, sizeof affinity);

    return NT_SUCCESS(status) ? TRUE : fail_status(status);
}
