/*
 * kernel32: time and waiting (the performance counter, the tick count, Sleep).
 */
#define _KERNEL32_          /* windows.h declares our own exports without dllimport */
#include "k32.h"

/* ---- Time --------------------------------------------------------------------------------------------- */

BOOL WINAPI QueryPerformanceCounter(LARGE_INTEGER *counter)
{
    NTSTATUS status = NtQueryPerformanceCounter(counter, NULL);
    if (!NT_SUCCESS(status))
        return fail_status(status);
    return TRUE;
}

BOOL WINAPI QueryPerformanceFrequency(LARGE_INTEGER *frequency)
{
    LARGE_INTEGER counter;
    NTSTATUS status = NtQueryPerformanceCounter(&counter, frequency);
    if (!NT_SUCCESS(status))
        return fail_status(status);
    return TRUE;
}

/* Milliseconds since boot, from KUSER_SHARED_DATA: no system call, as on Windows. */
DWORD WINAPI GetTickCount(void)
{
    ULONG ticks = KUSD_FIELD(KSYSTEM_TIME, KUSD_TICK_COUNT).LowPart;
    ULONG multiplier = KUSD_FIELD(ULONG, KUSD_TICK_COUNT_MULTIPLIER);
    return (DWORD)(((ULONG64)ticks * multiplier) >> 24);
}

void WINAPI Sleep(DWORD milliseconds)
{
    LARGE_INTEGER interval;
    if (milliseconds == INFINITE)
        interval.QuadPart = (LONGLONG)0x8000000000000000ULL;        /* the longest relative wait */
    else
        interval.QuadPart = -(LONGLONG)milliseconds * 10000;        /* relative, in 100 ns units */
    NtDelayExecution(FALSE, &interval);
}
