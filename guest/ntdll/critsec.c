/*
 * ntdll's critical sections: RtlInitializeCriticalSection(AndSpinCount, Ex), RtlEnterCriticalSection,
 * RtlTryEnterCriticalSection, RtlLeaveCriticalSection, RtlDeleteCriticalSection, RtlSetCriticalSectionSpinCount,
 * RtlIsCriticalSectionLocked(ByThread). kernel32's functions of the same names are forwarders to these, or thin
 * wrappers where Windows' kernelbase has one.
 *
 * Windows' behaviour, and the choices made here:
 * - RTL_CRITICAL_SECTION is winnt.h's, 24 bytes on x86 and 40 on x64. LockCount is encoded as Windows 8 and later
 *   encode it: bit 0 is set while the section is free, bit 1 is set while no waiter has been woken, and the bits
 *   above count the waiting threads, negatively (each waiter subtracts 4). A free section with nobody waiting is -1;
 *   held with nobody waiting, -2. A recursive entry only counts in RecursionCount; OwningThread is the owner's
 *   thread id.
 * - Contention: a thread that finds the section held spins SpinCount times (the low 24 bits of the argument; the
 *   flags are the high byte) watching bit 0, then registers as a waiter and waits on LockSemaphore, an
 *   auto-reset event the section creates the first time it is needed (a race to create it keeps one event and
 *   closes the other). The thread that leaves a section with waiters and no waiter woken wakes one (NtSetEvent),
 *   counting it out of the waiters and clearing bit 1; the woken thread sets bit 1 again and tries anew. The wait
 *   has no timeout (Windows' is PEB.CriticalSectionTimeout, about 30 days, then STATUS_POSSIBLE_DEADLOCK).
 * - DebugInfo: since Windows 8 no RTL_CRITICAL_SECTION_DEBUG is allocated unless the caller of
 *   RtlInitializeCriticalSectionEx asks with RTL_CRITICAL_SECTION_FLAG_FORCE_DEBUG_INFO; the field is then
 *   (PVOID)-1. A forced one comes from the process heap, is linked into the process's list of locks, and counts
 *   the waits in ContentionCount.
 * - RtlInitializeCriticalSectionEx: flags outside the high byte, or reserved ones, are STATUS_INVALID_PARAMETER_3;
 *   a spin count with high-byte bits set is STATUS_INVALID_PARAMETER_2. RtlSetCriticalSectionSpinCount returns the
 *   previous spin count.
 * - A leave of a section the caller does not hold (RecursionCount 0) changes nothing. RtlDeleteCriticalSection
 *   closes the event, frees the debug information and zeroes the structure.
 */
#include "ldr.h"

#define CS_FREE         1                           /* LockCount bit 0: nobody holds the section */
#define CS_NONE_WOKEN   2                           /* LockCount bit 1: no waiter has been woken */
#define CS_WAITER       4                           /* what each waiting thread subtracts */
#define CS_SPIN_MASK    0x00FFFFFFu
#define NO_DEBUG_INFO   ((PRTL_CRITICAL_SECTION_DEBUG)(LONG_PTR)-1)

/* The list of the forced RTL_CRITICAL_SECTION_DEBUG records, and the lock that guards it (itself without one). */
static LIST_ENTRY locks_list = {&locks_list, &locks_list};
static RTL_CRITICAL_SECTION locks_list_lock = {NO_DEBUG_INFO, -1, 0, NULL, NULL, 0};

static HANDLE current_thread_id(void)
{
    return nt_current_teb()->ClientId.UniqueThread;
}

static LONG lock_count(PRTL_CRITICAL_SECTION cs)
{
    return __atomic_load_n(&cs->LockCount, __ATOMIC_ACQUIRE);
}

static BOOLEAN cas(LONG *target, LONG expected, LONG desired)
{
    return __atomic_compare_exchange_n(target, &expected, desired, FALSE, __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE);
}

NTSTATUS NTAPI RtlInitializeCriticalSectionEx(PRTL_CRITICAL_SECTION CriticalSection, ULONG SpinCount, ULONG Flags)
{
    if ((Flags & ~RTL_CRITICAL_SECTION_ALL_FLAG_BITS) || (Flags & RTL_CRITICAL_SECTION_FLAG_RESERVED))
        return STATUS_INVALID_PARAMETER_3;
    if (SpinCount & RTL_CRITICAL_SECTION_ALL_FLAG_BITS)
        return STATUS_INVALID_PARAMETER_2;
    CriticalSection->DebugInfo = NO_DEBUG_INFO;
    if (Flags & RTL_CRITICAL_SECTION_FLAG_FORCE_DEBUG_INFO) {
        PRTL_CRITICAL_SECTION_DEBUG debug = RtlAllocateHeap(PEB_FIELD(PVOID, PEB_PROCESS_HEAP), HEAP_ZERO_MEMORY,
                                                            sizeof *debug);
        if (!debug)
            return STATUS_NO_MEMORY;
        debug->Type = RTL_CRITSECT_TYPE;
        debug->CriticalSection = CriticalSection;
        RtlEnterCriticalSection(&locks_list_lock);
        debug->ProcessLocksList.Flink = &locks_list;
        debug->ProcessLocksList.Blink = locks_list.Blink;
        locks_list.Blink->Flink = &debug->ProcessLocksList;
        locks_list.Blink = &debug->ProcessLocksList;
        RtlLeaveCriticalSection(&locks_list_lock);
        CriticalSection->DebugInfo = debug;
    }
    CriticalSection->LockCount = -1;
    CriticalSection->RecursionCount = 0;
    CriticalSection->OwningThread = NULL;
    CriticalSection->LockSemaphore = NULL;
    CriticalSection->SpinCount = SpinCount;
    return STATUS_SUCCESS;
}

NTSTATUS NTAPI RtlInitializeCriticalSectionAndSpinCount(PRTL_CRITICAL_SECTION CriticalSection, ULONG SpinCount)
{
    return RtlInitializeCriticalSectionEx(CriticalSection, SpinCount & CS_SPIN_MASK, 0);
}

NTSTATUS NTAPI RtlInitializeCriticalSection(PRTL_CRITICAL_SECTION CriticalSection)
{
    return RtlInitializeCriticalSectionEx(CriticalSection, 0, 0);
}

ULONG NTAPI RtlSetCriticalSectionSpinCount(PRTL_CRITICAL_SECTION CriticalSection, ULONG SpinCount)
{
    ULONG previous = (ULONG)CriticalSection->SpinCount;

    CriticalSection->SpinCount = SpinCount & CS_SPIN_MASK;
    return previous;
}

/* The section's event, created when first needed. */
static HANDLE wait_event(PRTL_CRITICAL_SECTION cs)
{
    HANDLE event = __atomic_load_n(&cs->LockSemaphore, __ATOMIC_ACQUIRE);
    HANDLE expected = NULL;
    NTSTATUS status;

    if (event)
        return event;
    status = NtCreateEvent(&event, EVENT_ALL_ACCESS, NULL, SynchronizationEvent, FALSE);
    if (!NT_SUCCESS(status))
        RtlRaiseStatus(status);
    if (!__atomic_compare_exchange_n(&cs->LockSemaphore, &expected, event, FALSE, __ATOMIC_ACQ_REL,
                                     __ATOMIC_ACQUIRE)) {
        NtClose(event);
        event = expected;
    }
    return event;
}

/* Take a free section (bit 0 set): TRUE if this thread got it. `woken`: the thread was woken, so it sets bit 1. */
static BOOLEAN try_take(PRTL_CRITICAL_SECTION cs, LONG old, BOOLEAN woken)
{
    return (old & CS_FREE) && cas(&cs->LockCount, old, (old & ~CS_FREE) | (woken ? CS_NONE_WOKEN : 0));
}

static void now_owner(PRTL_CRITICAL_SECTION cs)
{
    cs->OwningThread = current_thread_id();
    cs->RecursionCount = 1;
}

NTSTATUS NTAPI RtlEnterCriticalSection(PRTL_CRITICAL_SECTION CriticalSection)
{
    PRTL_CRITICAL_SECTION cs = CriticalSection;
    BOOLEAN woken = FALSE;

    if (cs->OwningThread == current_thread_id() && cs->RecursionCount > 0) {
        cs->RecursionCount++;
        return STATUS_SUCCESS;
    }
    for (;;) {
        LONG old = lock_count(cs);
        HANDLE event;
        if (try_take(cs, old, woken))
            break;
        if (old & CS_FREE)
            continue;                               /* lost a race for it */
        for (ULONG spin = (ULONG)cs->SpinCount & CS_SPIN_MASK; spin && !(lock_count(cs) & CS_FREE); spin--)
            __builtin_ia32_pause();
        if (lock_count(cs) & CS_FREE)
            continue;
        event = wait_event(cs);
        if (!cas(&cs->LockCount, old, (old | (woken ? CS_NONE_WOKEN : 0)) - CS_WAITER))
            continue;
        if (cs->DebugInfo != NO_DEBUG_INFO)
            __atomic_add_fetch(&cs->DebugInfo->ContentionCount, 1, __ATOMIC_RELAXED);
        NtWaitForSingleObject(event, FALSE, NULL);
        woken = TRUE;
    }
    now_owner(cs);
    return STATUS_SUCCESS;
}

ULONG NTAPI RtlTryEnterCriticalSection(PRTL_CRITICAL_SECTION CriticalSection)
{
    PRTL_CRITICAL_SECTION cs = CriticalSection;

    if (cs->OwningThread == current_thread_id() && cs->RecursionCount > 0) {
        cs->RecursionCount++;
        return TRUE;
    }
    for (;;) {
        LONG old = lock_count(cs);
        if (!(old & CS_FREE))
            return FALSE;
        if (try_take(cs, old, FALSE)) {
            now_owner(cs);
            return TRUE;
        }
    }
}

NTSTATUS NTAPI RtlLeaveCriticalSection(PRTL_CRITICAL_SECTION CriticalSection)
{
    PRTL_CRITICAL_SECTION cs = CriticalSection;

    if (cs->RecursionCount <= 0)
        return STATUS_SUCCESS;
    if (--cs->RecursionCount)
        return STATUS_SUCCESS;
    cs->OwningThread = NULL;
    for (;;) {
        LONG old = lock_count(cs);
        BOOLEAN wake = (~old >> 2) != 0 && (old & CS_NONE_WOKEN);
        LONG new = wake ? ((old | CS_FREE) & ~CS_NONE_WOKEN) + CS_WAITER : old | CS_FREE;
        if (cas(&cs->LockCount, old, new)) {
            if (wake)
                NtSetEvent(cs->LockSemaphore, NULL);
            return STATUS_SUCCESS;
        }
    }
}

NTSTATUS NTAPI RtlDeleteCriticalSection(PRTL_CRITICAL_SECTION CriticalSection)
{
    PRTL_CRITICAL_SECTION_DEBUG debug = CriticalSection->DebugInfo;

    if (CriticalSection->LockSemaphore)
        NtClose(CriticalSection->LockSemaphore);
    if (debug && debug != NO_DEBUG_INFO) {
        RtlEnterCriticalSection(&locks_list_lock);
        debug->ProcessLocksList.Blink->Flink = debug->ProcessLocksList.Flink;
        debug->ProcessLocksList.Flink->Blink = debug->ProcessLocksList.Blink;
        RtlLeaveCriticalSection(&locks_list_lock);
        RtlFreeHeap(PEB_FIELD(PVOID, PEB_PROCESS_HEAP), 0, debug);
    }
    CriticalSection->DebugInfo = NULL;
    CriticalSection->LockCount = 0;
    CriticalSection->RecursionCount = 0;
    CriticalSection->OwningThread = NULL;
    CriticalSection->LockSemaphore = NULL;
    CriticalSection->SpinCount = 0;
    return STATUS_SUCCESS;
}

ULONG NTAPI RtlIsCriticalSectionLocked(PRTL_CRITICAL_SECTION CriticalSection)
{
    return CriticalSection->RecursionCount != 0;
}

ULONG NTAPI RtlIsCriticalSectionLockedByThread(PRTL_CRITICAL_SECTION CriticalSection)
{
    return CriticalSection->OwningThread == current_thread_id() && CriticalSection->RecursionCount != 0;
}
