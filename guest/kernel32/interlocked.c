/*
 * kernel32's Interlocked functions of 32-bit Windows: InterlockedIncrement, InterlockedDecrement,
 * InterlockedExchange, InterlockedExchangeAdd, InterlockedCompareExchange and InterlockedCompareExchange64, each one
 * locked instruction (lock xadd, xchg, lock cmpxchg, lock cmpxchg8b). The 64-bit kernel32 has none of them (64-bit
 * compilers inline them), so they exist in the i686 build only and their exports are marked "x86 only" in
 * exports/sync.def. windows.h makes the names inline functions, so they are defined under k32_ names and exported
 * under Windows' names.
 */
#define _KERNEL32_          /* windows.h declares our own exports without dllimport */
#include "k32.h"

#ifndef _WIN64
LONG WINAPI k32_InterlockedIncrement(LONG volatile *Addend)
{
    return __sync_add_and_fetch(Addend, 1);
}

LONG WINAPI k32_InterlockedDecrement(LONG volatile *Addend)
{
    return __sync_sub_and_fetch(Addend, 1);
}

LONG WINAPI k32_InterlockedExchange(LONG volatile *Target, LONG Value)
{
    return __sync_lock_test_and_set(Target, Value);
}

LONG WINAPI k32_InterlockedExchangeAdd(LONG volatile *Addend, LONG Value)
{
    return __sync_fetch_and_add(Addend, Value);
}

LONG WINAPI k32_InterlockedCompareExchange(LONG volatile *Destination, LONG Exchange, LONG Comperand)
{
    return __sync_val_compare_and_swap(Destination, Comperand, Exchange);
}

LONGLONG WINAPI k32_InterlockedCompareExchange64(LONGLONG volatile *Destination, LONGLONG Exchange,
                                                 LONGLONG Comperand)
{
    return __sync_val_compare_and_swap(Destination, Comperand, Exchange);
}
#endif
