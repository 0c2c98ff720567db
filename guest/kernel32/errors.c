/*
 * kernel32: the last error, and the NTSTATUS -> Win32 error conversion every failing function uses (ntdll's
 * RtlNtStatusToDosError, guest/ntdll/ntstatus.c).
 */
#define _KERNEL32_          /* windows.h declares our own exports without dllimport */
#include "k32.h"

/* ---- Last error ---------------------------------------------------------------------------------------- */

DWORD WINAPI GetLastError(void)
{
    return nt_current_teb()->LastErrorValue;
}

void WINAPI SetLastError(DWORD error)
{
    nt_current_teb()->LastErrorValue = error;
}

DWORD error_from_status(NTSTATUS status)
{
    return RtlNtStatusToDosError(status);
}

/* Sets the last error from a failed status; returns FALSE for the callers' convenience. */
BOOL fail_status(NTSTATUS status)
{
    SetLastError(error_from_status(status));
    return FALSE;
}
