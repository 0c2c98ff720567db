/*
 * kernel32: clocks. The performance counter (a system call), the tick counts and the system time (read from
 * KUSER_SHARED_DATA without one, as on Windows), the calendar form of a FILETIME and back, the MS-DOS date and time
 * (DosDateTimeToFileTime: a local time, converted as it is, as Windows does) and the local time (the time zone
 * bias of KUSER_SHARED_DATA, which the kernel leaves at 0: the emulated machine's clock is set to UTC).
 */
#define _KERNEL32_          /* windows.h declares our own exports without dllimport */
#include "k32time.h"

#define KUSD_SYSTEM_TIME 0x014    /* KSYSTEM_TIME: 100 ns intervals since 1601 (UTC) */
#define KUSD_TIME_ZONE_BIAS 0x020 /* KSYSTEM_TIME: UTC - local time, in 100 ns intervals */

/* A KSYSTEM_TIME read whole: the kernel writes High2Time, LowPart, High1Time in that order. */
static ULONGLONG read_ksystem_time(ULONG offset)
{
    volatile KSYSTEM_TIME *t = (volatile KSYSTEM_TIME *)(ULONG_PTR)(KUSER_SHARED_DATA_ADDRESS + offset);
    for (;;) {
        LONG high = t->High1Time;
        ULONG low = t->LowPart;
        if (high == t->High2Time)
            return ((ULONGLONG)(ULONG)high << 32) | low;
    }
}

/* ---- Performance counter ------------------------------------------------------------------------------- */

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

/* ---- Tick counts ----------------------------------------------------------------------------------------- */

/* Milliseconds since boot: ticks * multiplier >> 24, without overflowing 64 bits. */
ULONGLONG WINAPI GetTickCount64(void)
{
    ULONGLONG ticks = read_ksystem_time(KUSD_TICK_COUNT);
    ULONGLONG multiplier = KUSD_FIELD(ULONG, KUSD_TICK_COUNT_MULTIPLIER);
    return (((ticks >> 32) * multiplier) << 8) + (((ticks & 0xFFFFFFFF) * multiplier) >> 24);
}

DWORD WINAPI GetTickCount(void)
{
    return (DWORD)GetTickCount64();
}

/* ---- System time --------------------------------------------------------------------------------------- */

void WINAPI GetSystemTimeAsFileTime(LPFILETIME time)
{
    ULONGLONG now = read_ksystem_time(KUSD_SYSTEM_TIME);
    time->dwLowDateTime = (DWORD)now;
    time->dwHighDateTime = (DWORD)(now >> 32);
}

#define MS_PER_DAY 86400000UL

/* n / d for a 32-bit d, bit by bit: i686 has no 64-bit division, and there is no libgcc to call. */
static ULONGLONG divide(ULONGLONG n, ULONG d, ULONG *remainder)
{
    ULONGLONG quotient = 0, r = 0;
    for (int i = 63; i >= 0; i--) {
        r = (r << 1) | ((n >> i) & 1);
        if (r >= d) {
            r -= d;
            quotient |= 1ULL << i;
        }
    }
    *remainder = (ULONG)r;
    return quotient;
}

static BOOL is_leap(unsigned year)
{
    return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
}

static const unsigned short month_days[2][12] = {
    { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 },
    { 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 },
};

unsigned days_in_month(unsigned year, unsigned month)
{
    return month_days[is_leap(year)][month - 1];
}

ULONG days_since_1601(unsigned year, unsigned month, unsigned day)
{
    ULONG days = 365 * (year - 1601) + (year - 1) / 4 - (year - 1) / 100 + (year - 1) / 400
                 - (1600 / 4 - 1600 / 100 + 1600 / 400);

    for (unsigned m = 1; m < month; m++)
        days += days_in_month(year, m);
    return days + day - 1;
}

/* RtlTimeFieldsToTime: every field in range (wDayOfWeek is ignored), the year 1601 to 30827. */
BOOL time_of_fields(const SYSTEMTIME *st, ULONGLONG *t)
{
    if (st->wYear < 1601 || st->wYear > 30827 || st->wMonth < 1 || st->wMonth > 12 || st->wDay < 1
        || st->wDay > days_in_month(st->wYear, st->wMonth) || st->wHour > 23 || st->wMinute > 59
        || st->wSecond > 59 || st->wMilliseconds > 999)
        return FALSE;
    *t = (((ULONGLONG)days_since_1601(st->wYear, st->wMonth, st->wDay) * 86400 + st->wHour * 3600
           + st->wMinute * 60 + st->wSecond) * 1000 + st->wMilliseconds) * 10000;
    return TRUE;
}

BOOL WINAPI SystemTimeToFileTime(const SYSTEMTIME *st, LPFILETIME file_time)
{
    ULONGLONG t;

    if (!time_of_fields(st, &t)) {
        SetLastError(ERROR_INVALID_PARAMETER);
        return FALSE;
    }
    file_time->dwLowDateTime = (DWORD)t;
    file_time->dwHighDateTime = (DWORD)(t >> 32);
    return TRUE;
}

/* RtlTimeToTimeFields: 1601 starts a 400-year Gregorian cycle and was a Monday. A time with the top bit set
 * is no FILETIME (ERROR_INVALID_PARAMETER). */
BOOL WINAPI FileTimeToSystemTime(const FILETIME *file_time, LPSYSTEMTIME st)
{
    ULONGLONG t = ((ULONGLONG)file_time->dwHighDateTime << 32) | file_time->dwLowDateTime;
    ULONG days, ms, sub_ms;
    unsigned year = 1601, month = 0;
    if (t >> 63) {
        SetLastError(ERROR_INVALID_PARAMETER);
        return FALSE;
    }
    days = (ULONG)divide(divide(t, 10000, &sub_ms), MS_PER_DAY, &ms);  /* < 2^24 days for t < 2^63 */
    st->wDayOfWeek = (WORD)((days + 1) % 7);
    year += 400 * (days / 146097);
    days %= 146097;
    for (;;) {
        unsigned length = is_leap(year) ? 366 : 365;
        if (days < length)
            break;
        days -= length;
        year++;
    }
    while (days >= month_days[is_leap(year)][month])
        days -= month_days[is_leap(year)][month++];
    st->wYear = (WORD)year;
    st->wMonth = (WORD)(month + 1);
    st->wDay = (WORD)(days + 1);
    st->wHour = (WORD)(ms / 3600000);
    st->wMinute = (WORD)(ms / 60000 % 60);
    st->wSecond = (WORD)(ms / 1000 % 60);
    st->wMilliseconds = (WORD)(ms % 1000);
    return TRUE;
}

void WINAPI GetSystemTime(LPSYSTEMTIME st)
{
    FILETIME now;
    GetSystemTimeAsFileTime(&now);
    FileTimeToSystemTime(&now, st);
}

/* Windows reads it from the performance counter for a finer grain; here the system time of KUSER_SHARED_DATA,
 * which the kernel brings up to date at every system call, is as precise as the emulated clock gets. */
void WINAPI GetSystemTimePreciseAsFileTime(LPFILETIME time)
{
    GetSystemTimeAsFileTime(time);
}

/* The MS-DOS date (day 1-31 in bits 0-4, month 1-12 in 5-8, year - 1980 in 9-15) and time (seconds / 2 in bits
 * 0-4, minutes in 5-10, hours in 11-15) as a FILETIME; FALSE with ERROR_INVALID_PARAMETER for a day, month, hour,
 * minute or second out of range. */
BOOL WINAPI DosDateTimeToFileTime(WORD date, WORD time, LPFILETIME file_time)
{
    unsigned day = date & 0x1F, month = (date >> 5) & 0xF, year = 1980 + (date >> 9);
    unsigned hour = time >> 11, minute = (time >> 5) & 0x3F, second = 2 * (time & 0x1F);
    SYSTEMTIME st = { (WORD)year, (WORD)month, 0, (WORD)day, (WORD)hour, (WORD)minute, (WORD)second, 0 };

    return SystemTimeToFileTime(&st, file_time);
}

BOOL WINAPI FileTimeToLocalFileTime(const FILETIME *utc, LPFILETIME local)
{
    ULONGLONG t = ((ULONGLONG)utc->dwHighDateTime << 32) | utc->dwLowDateTime;

    t -= read_ksystem_time(KUSD_TIME_ZONE_BIAS);
    local->dwLowDateTime = (DWORD)t;
    local->dwHighDateTime = (DWORD)(t >> 32);
    return TRUE;
}
