/*
 * kernel32: the functions of synchapi.h over ntdll's user-mode primitives (guest/ntdll/sync.c), where Windows'
 * kernel32 does more than forward (the forwarders -- InitializeSRWLock, AcquireSRWLockExclusive, ...,
 * WakeConditionVariable, InitOnceInitialize -- are in exports/sync.def): statuses become a BOOL and a last error.
 * - SleepConditionVariableSRW/CS: a time-out in milliseconds (INFINITE: none); FALSE with ERROR_TIMEOUT when it
 *   passes.
 * - InitOnceExecuteOnce: FALSE when the function failed (its last error stays what it set); InitOnceBeginInitialize:
 *   *fPending TRUE when the caller is to initialise, FALSE when it is done; with INIT_ONCE_CHECK_ONLY on what is not
 *   done, FALSE and ERROR_GEN_FAILURE. InitOnceComplete: FALSE and a last error when the state does not allow it.
 */
#define _KERNEL32_          /* windows.h declares our own exports without dllimport */
#include "k32.h"

NTSYSAPI NTSTATUS NTAPI RtlSleepConditionVariableSRW(PRTL_CONDITION_VARIABLE ConditionVariable, PRTL_SRWLOCK SRWLock,
                                                     const LARGE_INTEGER *Timeout, ULONG Flags);
NTSYSAPI NTSTATUS NTAPI RtlSleepConditionVariableCS(PRTL_CONDITION_VARIABLE ConditionVariable,
                                                    PRTL_CRITICAL_SECTION CriticalSection, const LARGE_INTEGER *Timeout);
NTSYSAPI NTSTATUS NTAPI RtlRunOnceExecuteOnce(PRTL_RUN_ONCE RunOnce, PRTL_RUN_ONCE_INIT_FN InitFn, PVOID Parameter,
                                              PVOID *Context);
NTSYSAPI NTSTATUS NTAPI RtlRunOnceBeginInitialize(PRTL_RUN_ONCE RunOnce, ULONG Flags, PVOID *Context);
NTSYSAPI NTSTATUS NTAPI RtlRunOnceComplete(PRTL_RUN_ONCE RunOnce, ULONG Flags, PVOID Context);

/* A time-out in milliseconds as the kernel's waits take it: NULL for INFINITE, else relative (negative). */
static LARGE_INTEGER *relative_timeout(DWORD ms, LARGE_INTEGER *storage)
{
    if (ms == INFINITE)
        return NULL;
    storage->QuadPart = -(LONGLONG)ms * 10000;
    return storage;
}

BOOL WINAPI SleepConditionVariableSRW(PCONDITION_VARIABLE ConditionVariable, PSRWLOCK SRWLock, DWORD dwMilliseconds,
                                      ULONG Flags)
{
    LARGE_INTEGER timeout;
    NTSTATUS status = RtlSleepConditionVariableSRW(ConditionVariable, SRWLock,
                                                   relative_timeout(dwMilliseconds, &timeout), Flags);
    return status == STATUS_SUCCESS ? TRUE : fail_status(status);
}

BOOL WINAPI SleepConditionVariableCS(PCONDITION_VARIABLE ConditionVariable, PCRITICAL_SECTION CriticalSection,
                                     DWORD dwMilliseconds)
{
    LARGE_INTEGER timeout;
    NTSTATUS status = RtlSleepConditionVariableCS(ConditionVariable, CriticalSection,
                                                  relative_timeout(dwMilliseconds, &timeout));
    return status == STATUS_SUCCESS ? TRUE : fail_status(status);
}

BOOL WINAPI InitOnceExecuteOnce(PINIT_ONCE InitOnce, PINIT_ONCE_FN InitFn, PVOID Parameter, LPVOID *Context)
{
    return NT_SUCCESS(RtlRunOnceExecuteOnce(InitOnce, (PRTL_RUN_ONCE_INIT_FN)InitFn, Parameter, Context));
}

BOOL WINAPI InitOnceBeginInitialize(LPINIT_ONCE lpInitOnce, DWORD dwFlags, PBOOL fPending, LPVOID *lpContext)
{
    NTSTATUS status = RtlRunOnceBeginInitialize(lpInitOnce, dwFlags, lpContext);

    if (status != STATUS_SUCCESS && status != STATUS_PENDING)
        return fail_status(status);
    *fPending = status == STATUS_PENDING;
    return TRUE;
}

BOOL WINAPI InitOnceComplete(LPINIT_ONCE lpInitOnce, DWORD dwFlags, LPVOID lpContext)
{
    NTSTATUS status = RtlRunOnceComplete(lpInitOnce, dwFlags, lpContext);
    return NT_SUCCESS(status) ? TRUE : fail_status(status);
}
