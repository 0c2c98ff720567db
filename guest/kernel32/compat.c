/*
 * kernel32: two winbase.h functions older programs and C runtimes still call at start-up.
 *
 * MulDiv(a, b, c) is a * b / c computed in 64 bits and rounded half away from zero (MulDiv(5, 1, 2) = 3,
 * MulDiv(-5, 1, 2) = -3); -1 for a zero divisor or a result outside -2147483647..2147483647. SetHandleCount, a
 * Win16 relic, returns its argument.
 */
#define _KERNEL32_          /* windows.h declares our own exports without dllimport */
#include "k32.h"

int WINAPI MulDiv(int a, int b, int c)
{
    LONGLONG product = (LONGLONG)a * b;
    ULONGLONG divisor = c < 0 ? 0 - (ULONGLONG)(LONGLONG)c : (ULONGLONG)c;
    ULONGLONG magnitude;

    if (!c)
        return -1;
    magnitude = ((product < 0 ? 0 - (ULONGLONG)product : (ULONGLONG)product) + divisor / 2) / divisor;
    if (magnitude > 2147483647)
        return -1;
    return (product < 0) != (c < 0) ? -(int)magnitude : (int)magnitude;
}

UINT WINAPI SetHandleCount(UINT count)
{
    return count;
}
