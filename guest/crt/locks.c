/*
 * The CRT's numbered locks, as msvcrt's _lock(n)/_unlock(n) take them (mingw-w64's start-up code locks
 * _EXIT_LOCK1 around _onexit): one critical section each, initialised on first use under a spin on a flag.
 */
#include "crt.h"

static CRITICAL_SECTION sections[CRT_LOCK_COUNT];
static LONG ready[CRT_LOCK_COUNT];                   /* 0 not made, 1 being made, 2 ready */

static CRITICAL_SECTION *section(int lock)
{
    if ((unsigned)lock >= CRT_LOCK_COUNT)
        lock = 0;
    while (ready[lock] != 2) {
        if (InterlockedCompareExchange(&ready[lock], 1, 0) == 0) {
            InitializeCriticalSection(&sections[lock]);
            InterlockedExchange(&ready[lock], 2);
        } else {
            Sleep(0);
        }
    }
    return &sections[lock];
}

void CRT_EXPORT _lock(int lock)
{
    EnterCriticalSection(section(lock));
}

void CRT_EXPORT _unlock(int lock)
{
    LeaveCriticalSection(section(lock));
}

/* The UCRT's names for the same (ucrtbase exports them for the vcruntime's use). */
void CRT_EXPORT __acrt_lock(int lock)
{
    _lock(lock);
}

void CRT_EXPORT __acrt_unlock(int lock)
{
    _unlock(lock);
}
