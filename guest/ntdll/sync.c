/*
 * The synchronisation of user mode that needs no kernel object: slim reader/writer locks (RtlAcquireSRWLock...),
 * condition variables (RtlSleepConditionVariableSRW/CS, RtlWake...) and one-time initialisation (RtlRunOnce...).
 * kernel32 forwards InitializeSRWLock, AcquireSRWLockExclusive, ..., WakeConditionVariable, InitOnceInitialize to
 * these, as Windows' does; its SleepConditionVariableSRW/CS and InitOnceExecuteOnce/BeginInitialize/Complete turn
 * their statuses into last errors.
 *
 * Each is one pointer-sized word, laid out as Windows lays it out:
 * - SRW lock: bit 0 Locked, bit 1 Waiting, bit 2 Waking, bit 3 MultipleShared, the count of shared owners from bit
 *   4. Held exclusively: 1; held by n readers: n << 4 | 1. Releasing a lock that is not held in that mode raises
 *   STATUS_RESOURCE_NOT_OWNED (0xC0000264), as Windows does. A lock is not recursive: acquiring one the thread
 *   holds waits for ever, as on Windows.
 * - Condition variable: here a count of wakes; a sleeper releases its lock, waits for the count to change or its
 *   time-out to pass (STATUS_TIMEOUT), and takes the lock again. Waking one sleeper may wake them all, which the
 *   API allows (sleepers must check their condition again).
 * - Run-once (INIT_ONCE): the low 2 bits are the state (0 not begun, 1 begun by one thread, 3 begun
 *   asynchronously, 2 done), the rest the context the initialisation gave (its low 2 bits must be 0).
 *
 * Waiting. Windows parks a waiter on the lock's wait list with NtWaitForAlertByThreadId; this kernel has neither
 * that call nor more than one thread per process yet, so a waiter polls: it sleeps a millisecond
 * (NtDelayExecution) and looks again. With one thread, only a thread waiting on itself waits, which on Windows
 * hangs for ever: here too, until the emulator's --timeout.
 */
#define _NTSYSTEM_                                  /* winnt.h declares ntdll's functions without dllimport */
#include "ldr.h"

#define SRW_LOCKED      0x1
#define SRW_SHARED_ONE  0x10

#define ONCE_MASK       3
#define ONCE_BEGUN      1
#define ONCE_DONE       2
#define ONCE_ASYNC      3

static void wait_a_moment(void)
{
    LARGE_INTEGER one_ms;
    one_ms.QuadPart = -10000;
    NtDelayExecution(FALSE, &one_ms);
}

static BOOL swap(volatile PVOID *word, ULONG_PTR want, ULONG_PTR with)
{
    return __sync_bool_compare_and_swap((volatile ULONG_PTR *)word, want, with);
}

static ULONG_PTR value_of(volatile PVOID *word)
{
    return (ULONG_PTR)*word;
}

/* ---- SRW locks ------------------------------------------------------------------------------------------ */

void NTAPI RtlInitializeSRWLock(PRTL_SRWLOCK SRWLock)
{
    SRWLock->Ptr = NULL;
}

BOOLEAN NTAPI RtlTryAcquireSRWLockExclusive(PRTL_SRWLOCK SRWLock)
{
    return swap(&SRWLock->Ptr, 0, SRW_LOCKED);
}

BOOLEAN NTAPI RtlTryAcquireSRWLockShared(PRTL_SRWLOCK SRWLock)
{
    for (;;) {
        ULONG_PTR v = value_of(&SRWLock->Ptr);
        if (v && v < SRW_SHARED_ONE)                /* held exclusively */
            return FALSE;
        if (swap(&SRWLock->Ptr, v, v ? v + SRW_SHARED_ONE : SRW_SHARED_ONE | SRW_LOCKED))
            return TRUE;
    }
}

void NTAPI RtlAcquireSRWLockExclusive(PRTL_SRWLOCK SRWLock)
{
    while (!RtlTryAcquireSRWLockExclusive(SRWLock))
        wait_a_moment();
}

void NTAPI RtlAcquireSRWLockShared(PRTL_SRWLOCK SRWLock)
{
    while (!RtlTryAcquireSRWLockShared(SRWLock))
        wait_a_moment();
}

void NTAPI RtlReleaseSRWLockExclusive(PRTL_SRWLOCK SRWLock)
{
    if (!swap(&SRWLock->Ptr, SRW_LOCKED, 0))
        RtlRaiseStatus(STATUS_RESOURCE_NOT_OWNED);
}

void NTAPI RtlReleaseSRWLockShared(PRTL_SRWLOCK SRWLock)
{
    for (;;) {
        ULONG_PTR v = value_of(&SRWLock->Ptr);
        if (v < SRW_SHARED_ONE)                     /* free, or held exclusively */
            RtlRaiseStatus(STATUS_RESOURCE_NOT_OWNED);
        if (swap(&SRWLock->Ptr, v, v == (SRW_SHARED_ONE | SRW_LOCKED) ? 0 : v - SRW_SHARED_ONE))
            return;
    }
}

/* ---- condition variables -------------------------------------------------------------------------------- */

void NTAPI RtlInitializeConditionVariable(PRTL_CONDITION_VARIABLE ConditionVariable)
{
    ConditionVariable->Ptr = NULL;
}

void NTAPI RtlWakeConditionVariable(PRTL_CONDITION_VARIABLE ConditionVariable)
{
    __sync_fetch_and_add((volatile ULONG_PTR *)&ConditionVariable->Ptr, 1);
}

void NTAPI RtlWakeAllConditionVariable(PRTL_CONDITION_VARIABLE ConditionVariable)
{
    __sync_fetch_and_add((volatile ULONG_PTR *)&ConditionVariable->Ptr, 1);
}

/* Wait for a wake after `seen`, or the time-out (NULL: none; relative when negative, in 100 ns units, as the
 * kernel's waits take it; an absolute time is taken as from now). */
static NTSTATUS sleep_until_woken(PRTL_CONDITION_VARIABLE cv, ULONG_PTR seen, const LARGE_INTEGER *timeout)
{
    LONGLONG left = timeout ? (timeout->QuadPart < 0 ? -timeout->QuadPart : timeout->QuadPart) : 0;

    while (value_of(&cv->Ptr) == seen) {
        if (timeout && left <= 0)
            return STATUS_TIMEOUT;
        wait_a_moment();
        left -= 10000;
    }
    return STATUS_SUCCESS;
}

NTSTATUS NTAPI RtlSleepConditionVariableSRW(PRTL_CONDITION_VARIABLE ConditionVariable, PRTL_SRWLOCK SRWLock,
                                            const LARGE_INTEGER *Timeout, ULONG Flags)
{
    ULONG_PTR seen = value_of(&ConditionVariable->Ptr);
    NTSTATUS status;

    if (Flags & ~RTL_CONDITION_VARIABLE_LOCKMODE_SHARED)
        return STATUS_INVALID_PARAMETER_4;
    if (Flags)
        RtlReleaseSRWLockShared(SRWLock);
    else
        RtlReleaseSRWLockExclusive(SRWLock);
    status = sleep_until_woken(ConditionVariable, seen, Timeout);
    if (Flags)
        RtlAcquireSRWLockShared(SRWLock);
    else
        RtlAcquireSRWLockExclusive(SRWLock);
    return status;
}

NTSTATUS NTAPI RtlSleepConditionVariableCS(PRTL_CONDITION_VARIABLE ConditionVariable,
                                           PRTL_CRITICAL_SECTION CriticalSection, const LARGE_INTEGER *Timeout)
{
    ULONG_PTR seen = value_of(&ConditionVariable->Ptr);
    NTSTATUS status;

    RtlLeaveCriticalSection(CriticalSection);
    status = sleep_until_woken(ConditionVariable, seen, Timeout);
    RtlEnterCriticalSection(CriticalSection);
    return status;
}

/* ---- one-time initialisation ---------------------------------------------------------------------------- */

void NTAPI RtlRunOnceInitialize(PRTL_RUN_ONCE RunOnce)
{
    RunOnce->Ptr = NULL;
}

NTSTATUS NTAPI RtlRunOnceBeginInitialize(PRTL_RUN_ONCE RunOnce, ULONG Flags, PVOID *Context)
{
    if (Flags & ~(RTL_RUN_ONCE_CHECK_ONLY | RTL_RUN_ONCE_ASYNC) ||
        Flags == (RTL_RUN_ONCE_CHECK_ONLY | RTL_RUN_ONCE_ASYNC))
        return STATUS_INVALID_PARAMETER_2;
    for (;;) {
        ULONG_PTR v = value_of(&RunOnce->Ptr);
        switch (v & ONCE_MASK) {
        case ONCE_DONE:
            if (Context)
                *Context = (PVOID)(v & ~(ULONG_PTR)ONCE_MASK);
            return STATUS_SUCCESS;
        case 0:
            if (Flags & RTL_RUN_ONCE_CHECK_ONLY)
                return STATUS_UNSUCCESSFUL;
            if (swap(&RunOnce->Ptr, 0, Flags & RTL_RUN_ONCE_ASYNC ? ONCE_ASYNC : ONCE_BEGUN))
                return STATUS_PENDING;
            break;
        case ONCE_ASYNC:
            if (Flags & RTL_RUN_ONCE_CHECK_ONLY)
                return STATUS_UNSUCCESSFUL;
            if (Flags & RTL_RUN_ONCE_ASYNC)
                return STATUS_PENDING;              /* every asynchronous caller initialises; the first to finish wins */
            return STATUS_INVALID_PARAMETER;        /* begun asynchronously, asked synchronously */
        default:                                    /* begun synchronously by another: wait for its result */
            if (Flags & RTL_RUN_ONCE_CHECK_ONLY)
                return STATUS_UNSUCCESSFUL;
            if (Flags & RTL_RUN_ONCE_ASYNC)
                return STATUS_INVALID_PARAMETER;
            wait_a_moment();
        }
    }
}

NTSTATUS NTAPI RtlRunOnceComplete(PRTL_RUN_ONCE RunOnce, ULONG Flags, PVOID Context)
{
    ULONG_PTR v = value_of(&RunOnce->Ptr), context = (ULONG_PTR)Context;

    if (Flags & ~(RTL_RUN_ONCE_ASYNC | RTL_RUN_ONCE_INIT_FAILED))
        return STATUS_INVALID_PARAMETER_2;
    if (context & ONCE_MASK)
        return STATUS_INVALID_PARAMETER_3;
    if (Flags & RTL_RUN_ONCE_INIT_FAILED) {
        if (Context || (Flags & RTL_RUN_ONCE_ASYNC))
            return STATUS_INVALID_PARAMETER;
        return (v & ONCE_MASK) == ONCE_BEGUN && swap(&RunOnce->Ptr, v, 0) ? STATUS_SUCCESS : STATUS_UNSUCCESSFUL;
    }
    if (Flags & RTL_RUN_ONCE_ASYNC) {
        if ((v & ONCE_MASK) != ONCE_ASYNC)
            return (v & ONCE_MASK) == ONCE_DONE ? STATUS_OBJECT_NAME_COLLISION : STATUS_UNSUCCESSFUL;
        return swap(&RunOnce->Ptr, v, context | ONCE_DONE) ? STATUS_SUCCESS : STATUS_OBJECT_NAME_COLLISION;
    }
    if ((v & ONCE_MASK) != ONCE_BEGUN)
        return STATUS_UNSUCCESSFUL;
    RunOnce->Ptr = (PVOID)(context | ONCE_DONE);
    return STATUS_SUCCESS;
}

NTSTATUS NTAPI RtlRunOnceExecuteOnce(PRTL_RUN_ONCE RunOnce, PRTL_RUN_ONCE_INIT_FN InitFn, PVOID Parameter,
                                     PVOID *Context)
{
    PVOID context = NULL;
    NTSTATUS status = RtlRunOnceBeginInitialize(RunOnce, 0, Context);

    if (status != STATUS_PENDING)
        return status;
    if (!InitFn(RunOnce, Parameter, &context)) {
        RtlRunOnceComplete(RunOnce, RTL_RUN_ONCE_INIT_FAILED, NULL);
        return STATUS_UNSUCCESSFUL;
    }
    status = RtlRunOnceComplete(RunOnce, 0, context);
    if (NT_SUCCESS(status) && Context)
        *Context = context;
    return status;
}
