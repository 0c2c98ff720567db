/*
 * The synchronisation of user mode that needs no kernel object: slim reader/writer locks (RtlAcquireSRWLock...),
 * condition variables (RtlSleepConditionVariableSRW/CS, RtlWake...), one-time initialisation (RtlRunOnce...) and
 * the waits on an address (RtlWaitOnAddress, RtlWakeAddressSingle/All) they all wait with.
 * kernel32 forwards InitializeSRWLock, AcquireSRWLockExclusive, ..., WakeConditionVariable, InitOnceInitialize to
 * these, as Windows' does; its SleepConditionVariableSRW/CS and InitOnceExecuteOnce/BeginInitialize/Complete turn
 * their statuses into last errors.
 *
 * Each is one pointer-sized word:
 * - SRW lock: bit 0 Locked, bit 1 Waiting, the count of shared owners from bit 4, as in Windows' word. Held
 *   exclusively: 1; held by n readers: n << 4 | 1; bit 1 set while a thread waits for it (Windows puts its wait
 *   list's address in the word then; here the waiters are in the address waits below). A reader does not pass a
 *   waiting writer. Releasing a lock that is not held in that mode raises STATUS_RESOURCE_NOT_OWNED (0xC0000264), as
 *   Windows does. A lock is not recursive: acquiring one the thread holds waits for ever, as on Windows.
 * - Condition variable: here a count of wakes; a sleeper releases its lock, waits on the word while the count is
 *   what it saw (or until its time-out: STATUS_TIMEOUT), and takes the lock again. WakeConditionVariable wakes the
 *   sleeper that waited longest, WakeAllConditionVariable all of them; a sleeper may also wake spuriously, which
 *   the API allows (sleepers must check their condition again).
 * - Run-once (INIT_ONCE): the low 2 bits are the state (0 not begun, 1 begun by one thread, 3 begun
 *   asynchronously, 2 done), the rest the context the initialisation gave (its low 2 bits must be 0).
 *
 * Waiting, as Windows 8 and later do it: a waiter puts a wait block on its own stack into a list, then sleeps in
 * NtWaitForAlertByThreadId until a waker takes the block out of the list and alerts it by its thread id
 * (NtAlertThreadByThreadId). The lists are a table of buckets by address, each with a spin lock; a waiter looks at
 * the word under its bucket's lock before it parks, and a waker changes the word before it takes the lock to wake,
 * so that no wake is lost. A waker takes what it needs from a block under the lock and marks it woken there: once
 * the waiter sees that, the block (its stack) is its own again. An alert may come late (its block was woken and the
 * waiter left): the next wait of that thread then returns early, and loops, as every waiter does until its block
 * is marked woken.
 */
#define _NTSYSTEM_                                  /* winnt.h declares ntdll's functions without dllimport */
#include "ldr.h"

#define SRW_LOCKED      0x1
#define SRW_WAITING     0x2
#define SRW_SHARED_ONE  0x10

#define ONCE_MASK       3
#define ONCE_BEGUN      1
#define ONCE_DONE       2
#define ONCE_ASYNC      3

#define WAIT_BUCKETS    128
#define WAKE_BATCH      32                          /* threads a wake-all alerts per turn of its bucket's lock */

static BOOL swap(volatile PVOID *word, ULONG_PTR want, ULONG_PTR with)
{
    return __sync_bool_compare_and_swap((volatile ULONG_PTR *)word, want, with);
}

static ULONG_PTR value_of(volatile PVOID *word)
{
    return (ULONG_PTR)*word;
}

/* ---- waits on an address -------------------------------------------------------------------------------- */

typedef struct address_wait {
    struct address_wait *next;
    const volatile void *address;
    HANDLE thread;
    BOOL woken;                                     /* set by the waker, under the bucket's lock */
} ADDRESS_WAIT;

static struct wait_bucket {
    volatile LONG lock;
    ADDRESS_WAIT *head;                             /* the longest waiter first */
} buckets[WAIT_BUCKETS];

static struct wait_bucket *bucket_of(const volatile void *address)
{
    ULONG_PTR a = (ULONG_PTR)address;
    return &buckets[((a >> 3) ^ (a >> 11)) % WAIT_BUCKETS];
}

static void lock_bucket(struct wait_bucket *bucket)
{
    while (__sync_lock_test_and_set(&bucket->lock, 1))
        NtYieldExecution();                         /* its holder was preempted: let it run */
}

static void unlock_bucket(struct wait_bucket *bucket)
{
    __sync_lock_release(&bucket->lock);
}

static BOOL same_value(const volatile void *address, const void *compare, SIZE_T size)
{
    switch (size) {
    case 1: return *(const volatile UCHAR *)address == *(const UCHAR *)compare;
    case 2: return *(const volatile USHORT *)address == *(const USHORT *)compare;
    case 4: return *(const volatile ULONG *)address == *(const ULONG *)compare;
    default: return *(const volatile ULONGLONG *)address == *(const ULONGLONG *)compare;
    }
}

/* Take `wait` out of its bucket's list (the lock held); FALSE when a waker already took it. */
static BOOL unlink_wait(struct wait_bucket *bucket, ADDRESS_WAIT *wait)
{
    for (ADDRESS_WAIT **p = &bucket->head; *p; p = &(*p)->next)
        if (*p == wait) {
            *p = wait->next;
            return TRUE;
        }
    return FALSE;
}

NTSTATUS NTAPI RtlWaitOnAddress(const void *Address, const void *CompareAddress, SIZE_T AddressSize,
                                const LARGE_INTEGER *Timeout)
{
    struct wait_bucket *bucket = bucket_of(Address);
    ADDRESS_WAIT self = { NULL, Address, nt_current_teb()->ClientId.UniqueThread, FALSE }, **tail;
    LARGE_INTEGER deadline, *until = NULL;
    NTSTATUS status = STATUS_SUCCESS;

    if (AddressSize != 1 && AddressSize != 2 && AddressSize != 4 && AddressSize != 8)
        return STATUS_INVALID_PARAMETER;
    if (Timeout) {                                  /* one deadline for every turn of the loop below */
        until = &deadline;
        deadline = *Timeout;
        if (deadline.QuadPart <= 0) {
            LARGE_INTEGER now;
            NtQuerySystemTime(&now);
            deadline.QuadPart = now.QuadPart - deadline.QuadPart;
        }
    }
    lock_bucket(bucket);
    if (!same_value(Address, CompareAddress, AddressSize)) {
        unlock_bucket(bucket);
        return STATUS_SUCCESS;
    }
    for (tail = &bucket->head; *tail; tail = &(*tail)->next)
        ;
    *tail = &self;
    unlock_bucket(bucket);
    while (!__atomic_load_n(&self.woken, __ATOMIC_ACQUIRE))
        if (NtWaitForAlertByThreadId((PVOID)Address, until) == STATUS_TIMEOUT) {
            lock_bucket(bucket);
            if (unlink_wait(bucket, &self))
                status = STATUS_TIMEOUT;
            unlock_bucket(bucket);                  /* else it was woken meanwhile: its alert comes late */
            break;
        }
    return status;
}

/* Wake up to `count` waiters on the address (-1: all), the longest waiting first. */
static void wake_address(const void *address, LONG count)
{
    struct wait_bucket *bucket = bucket_of(address);
    HANDLE threads[WAKE_BATCH];
    ULONG n, i;

    do {
        n = 0;
        lock_bucket(bucket);
        for (ADDRESS_WAIT **p = &bucket->head; *p && n < WAKE_BATCH && count; )
            if ((*p)->address == address) {
                ADDRESS_WAIT *wait = *p;
                *p = wait->next;
                threads[n++] = wait->thread;
                __atomic_store_n(&wait->woken, TRUE, __ATOMIC_RELEASE);    /* the waiter's block is its own now */
                count--;
            } else
                p = &(*p)->next;
        unlock_bucket(bucket);
        for (i = 0; i < n; i++)
            NtAlertThreadByThreadId(threads[i]);
    } while (n == WAKE_BATCH && count);
}

void NTAPI RtlWakeAddressSingle(const void *Address)
{
    wake_address(Address, 1);
}

void NTAPI RtlWakeAddressAll(const void *Address)
{
    wake_address(Address, -1);
}

/* Wait while the word holds `seen` (the caller's bucket check makes a change in between a return). */
static NTSTATUS wait_on_word(volatile PVOID *word, ULONG_PTR seen, const LARGE_INTEGER *timeout)
{
    return RtlWaitOnAddress((const void *)word, &seen, sizeof seen, timeout);
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
        if (v && (v < SRW_SHARED_ONE || v & SRW_WAITING))  /* held exclusively, or a writer waits */
            return FALSE;
        if (swap(&SRWLock->Ptr, v, v ? v + SRW_SHARED_ONE : SRW_SHARED_ONE | SRW_LOCKED))
            return TRUE;
    }
}

/* The lock was `v` (held): say that a thread waits, and wait while it stays so. */
static void wait_for_lock(PRTL_SRWLOCK lock, ULONG_PTR v)
{
    if (!(v & SRW_LOCKED) || (!(v & SRW_WAITING) && !swap(&lock->Ptr, v, v | SRW_WAITING)))
        return;                                     /* it was released or changed: look again */
    wait_on_word(&lock->Ptr, v | SRW_WAITING, NULL);
}

void NTAPI RtlAcquireSRWLockExclusive(PRTL_SRWLOCK SRWLock)
{
    while (!RtlTryAcquireSRWLockExclusive(SRWLock))
        wait_for_lock(SRWLock, value_of(&SRWLock->Ptr));
}

void NTAPI RtlAcquireSRWLockShared(PRTL_SRWLOCK SRWLock)
{
    while (!RtlTryAcquireSRWLockShared(SRWLock))
        wait_for_lock(SRWLock, value_of(&SRWLock->Ptr));
}

/* The lock is free now; it was `v`: wake its waiters, who try again. */
static void released(PRTL_SRWLOCK lock, ULONG_PTR v)
{
    if (v & SRW_WAITING)
        RtlWakeAddressAll((const void *)&lock->Ptr);
}

void NTAPI RtlReleaseSRWLockExclusive(PRTL_SRWLOCK SRWLock)
{
    for (;;) {
        ULONG_PTR v = value_of(&SRWLock->Ptr);
        if ((v & ~(ULONG_PTR)SRW_WAITING) != SRW_LOCKED)
            RtlRaiseStatus(STATUS_RESOURCE_NOT_OWNED);
        if (swap(&SRWLock->Ptr, v, 0)) {
            released(SRWLock, v);
            return;
        }
    }
}

void NTAPI RtlReleaseSRWLockShared(PRTL_SRWLOCK SRWLock)
{
    for (;;) {
        ULONG_PTR v = value_of(&SRWLock->Ptr);
        BOOL last = (v & ~(ULONG_PTR)SRW_WAITING) == (SRW_SHARED_ONE | SRW_LOCKED);
        if (v < SRW_SHARED_ONE)                     /* free, or held exclusively */
            RtlRaiseStatus(STATUS_RESOURCE_NOT_OWNED);
        if (swap(&SRWLock->Ptr, v, last ? 0 : v - SRW_SHARED_ONE)) {
            if (last)
                released(SRWLock, v);
            return;
        }
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
    RtlWakeAddressSingle((const void *)&ConditionVariable->Ptr);
}

void NTAPI RtlWakeAllConditionVariable(PRTL_CONDITION_VARIABLE ConditionVariable)
{
    __sync_fetch_and_add((volatile ULONG_PTR *)&ConditionVariable->Ptr, 1);
    RtlWakeAddressAll((const void *)&ConditionVariable->Ptr);
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
    status = wait_on_word(&ConditionVariable->Ptr, seen, Timeout);
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
    status = wait_on_word(&ConditionVariable->Ptr, seen, Timeout);
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
            wait_on_word(&RunOnce->Ptr, v, NULL);   /* until it is done or failed (RtlRunOnceComplete) */
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
        if ((v & ONCE_MASK) != ONCE_BEGUN || !swap(&RunOnce->Ptr, v, 0))
            return STATUS_UNSUCCESSFUL;
        RtlWakeAddressAll((const void *)&RunOnce->Ptr);  /* a waiter begins it again */
        return STATUS_SUCCESS;
    }
    if (Flags & RTL_RUN_ONCE_ASYNC) {
        if ((v & ONCE_MASK) != ONCE_ASYNC)
            return (v & ONCE_MASK) == ONCE_DONE ? STATUS_OBJECT_NAME_COLLISION : STATUS_UNSUCCESSFUL;
        return swap(&RunOnce->Ptr, v, context | ONCE_DONE) ? STATUS_SUCCESS : STATUS_OBJECT_NAME_COLLISION;
    }
    if ((v & ONCE_MASK) != ONCE_BEGUN)
        return STATUS_UNSUCCESSFUL;
    __atomic_store_n((ULONG_PTR *)&RunOnce->Ptr, context | ONCE_DONE, __ATOMIC_RELEASE);
    RtlWakeAddressAll((const void *)&RunOnce->Ptr);
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
