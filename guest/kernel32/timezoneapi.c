/*
 * kernel32: the time zone (timezoneapi.h). GetTimeZoneInformation asks the kernel for the current zone
 * (NtQuerySystemInformation(SystemCurrentTimeZoneInformation): an RTL_TIME_ZONE_INFORMATION, 172 bytes in both
 * widths, which is a TIME_ZONE_INFORMATION) and for which of its times is in force (SystemTimeOfDayInformation's
 * TimeZoneId): TIME_ZONE_ID_UNKNOWN for a zone without daylight time, as UTC, this emulator's zone, is. A failed
 * query returns TIME_ZONE_ID_INVALID with its error.
 *
 * SystemTimeToTzSpecificLocalTime and TzSpecificLocalTimeToSystemTime convert with a zone given (or the current one,
 * for NULL): UTC = local time + Bias, plus StandardBias or DaylightBias when the zone has daylight time
 * (DaylightDate.wMonth set) and the time is in standard or daylight time. A transition date is either the
 * day-in-month form (wYear 0: the wDay-th wDayOfWeek of wMonth at wHour:wMinute, 5 meaning the last) or an absolute
 * date (wYear set), which holds in its own year only: a year without both transitions has no daylight time.
 * DaylightDate is a local standard time and StandardDate a local daylight time, as Windows reads them. For a local
 * time, the hour the clocks skip counts as daylight time and the hour they repeat as daylight time too. A
 * SYSTEMTIME out of range is ERROR_INVALID_PARAMETER.
 */
#define _KERNEL32_          /* windows.h declares our own exports without dllimport */
#include "k32time.h"

DWORD WINAPI GetTimeZoneInformation(LPTIME_ZONE_INFORMATION info)
{
    SYSTEM_TIMEOFDAY_INFORMATION day;
    NTSTATUS status = NtQuerySystemInformation(SystemCurrentTimeZoneInformation, info, sizeof *info, NULL);

    if (NT_SUCCESS(status))
        status = NtQuerySystemInformation(SystemTimeOfDayInformation, &day, sizeof day, NULL);
    if (!NT_SUCCESS(status)) {
        fail_status(status);
        return TIME_ZONE_ID_INVALID;
    }
    return day.TimeZoneId;
}

/* When a transition rule takes effect in `year`, in the local reckoning the rule is written in; FALSE when the
 * rule gives none that year (an absolute date of another year, or a date out of range). */
static BOOL transition(const SYSTEMTIME *rule, unsigned year, LONGLONG *when)
{
    SYSTEMTIME at = *rule;
    ULONGLONG t;

    if (rule->wYear) {
        if (rule->wYear != year)
            return FALSE;
    } else {
        unsigned first = (days_since_1601(year, rule->wMonth, 1) + 1) % 7;     /* weekday of the 1st, 0 Sunday */
        unsigned day;

        if (rule->wMonth < 1 || rule->wMonth > 12 || rule->wDay < 1 || rule->wDay > 5 || rule->wDayOfWeek > 6)
            return FALSE;
        day = 1 + (rule->wDayOfWeek + 7 - first) % 7 + 7 * (rule->wDay - 1u);
        while (day > days_in_month(year, rule->wMonth))
            day -= 7;                                       /* the fifth is the last */
        at.wYear = (WORD)year;
        at.wDay = (WORD)day;
    }
    if (!time_of_fields(&at, &t))
        return FALSE;
    *when = (LONGLONG)t;
    return TRUE;
}

/* The zone's bias in minutes at a time (UTC, or local with `local`): Bias alone for a zone without daylight time,
 * else plus StandardBias or DaylightBias. */
static LONG bias_at(const TIME_ZONE_INFORMATION *tz, LONGLONG t, BOOL local)
{
    LONGLONG standard = tz->Bias + tz->StandardBias, daylight = tz->Bias + tz->DaylightBias;
    LONGLONG local_standard = local ? t : t - standard * TICKS_PER_MINUTE, start, end;
    SYSTEMTIME fields;
    FILETIME ft;
    BOOL in_daylight;

    if (!tz->DaylightDate.wMonth)
        return tz->Bias;
    ft.dwLowDateTime = (DWORD)local_standard;
    ft.dwHighDateTime = (DWORD)((ULONGLONG)local_standard >> 32);
    if (!FileTimeToSystemTime(&ft, &fields)
        || !transition(&tz->DaylightDate, fields.wYear, &start) || !transition(&tz->StandardDate, fields.wYear, &end))
        return (LONG)standard;
    if (!local) {                                           /* both transitions as UTC */
        start += standard * TICKS_PER_MINUTE;
        end += daylight * TICKS_PER_MINUTE;
    }
    in_daylight = start < end ? start <= t && t < end : !(end <= t && t < start);
    return (LONG)(in_daylight ? daylight : standard);
}

/* A SYSTEMTIME moved by the zone's bias: to local time (`to_local`) or to UTC. */
static BOOL convert(const TIME_ZONE_INFORMATION *tz, const SYSTEMTIME *in, SYSTEMTIME *out, BOOL to_local)
{
    TIME_ZONE_INFORMATION current;
    ULONGLONG t;
    LONGLONG moved;
    FILETIME ft;

    if (!tz) {
        if (GetTimeZoneInformation(&current) == TIME_ZONE_ID_INVALID)
            return FALSE;
        tz = &current;
    }
    if (!time_of_fields(in, &t)) {
        SetLastError(ERROR_INVALID_PARAMETER);
        return FALSE;
    }
    moved = (LONGLONG)t + (to_local ? -1 : 1) * (LONGLONG)bias_at(tz, (LONGLONG)t, !to_local) * TICKS_PER_MINUTE;
    ft.dwLowDateTime = (DWORD)moved;
    ft.dwHighDateTime = (DWORD)((ULONGLONG)moved >> 32);
    return FileTimeToSystemTime(&ft, out);
}

BOOL WINAPI SystemTimeToTzSpecificLocalTime(const TIME_ZONE_INFORMATION *tz, const SYSTEMTIME *utc,
                                            LPSYSTEMTIME local)
{
    return convert(tz, utc, local, TRUE);
}

BOOL WINAPI TzSpecificLocalTimeToSystemTime(const TIME_ZONE_INFORMATION *tz, const SYSTEMTIME *local,
                                            LPSYSTEMTIME utc)
{
    return convert(tz, local, utc, FALSE);
}
