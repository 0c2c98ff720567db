/*
 * kernel32: the critical-section functions of synchapi.h. Windows' kernel32 forwards InitializeCriticalSection,
 * EnterCriticalSection, TryEnterCriticalSection, LeaveCriticalSection, DeleteCriticalSection and
 * SetCriticalSectionSpinCount to ntdll (exports/sync.def); InitializeCriticalSectionAndSpinCount and
 * InitializeCriticalSectionEx are kernelbase's, because they return a BOOL and set the last error where ntdll
 * returns a status (guest/ntdll/critsec.c).
 */
#define _KERNEL32_          /* windows.h declares our own exports without dllimport */
#include "k32.h"

BOOL WINAPI InitializeCriticalSectionAndSpinCount(LPCRITICAL_SECTION lpCriticalSection, DWORD dwSpinCount)
{
    NTSTATUS status = RtlInitializeCriticalSectionAndSpinCount(lpCriticalSection, dwSpinCount);
    return NT_SUCCESS(status) ? TRUE : fail_status(status);
}

BOOL WINAPI InitializeCriticalSectionEx(LPCRITICAL_SECTION lpCriticalSection, DWORD dwSpinCount, DWORD Flags)
{
    NTSTATUS status = RtlInitializeCriticalSectionEx(lpCriticalSection, dwSpinCount, Flags);
    return NT_SUCCESS(status) ? TRUE : fail_status(status);
}
