/*
 * kernel32: the time zone (timezoneapi.h). GetTimeZoneInformation asks the kernel for the current zone
 * (NtQuerySystemInformation(SystemCurrentTimeZoneInformation): an RTL_TIME_ZONE_INFORMATION, 172 bytes in both
 * widths, which is a TIME_ZONE_INFORMATION) and for which of its times is in force (SystemTimeOfDayInformation's
 * TimeZoneId): TIME_ZONE_ID_UNKNOWN for a zone without daylight time, as UTC, this emulator's zone, is. A failed
 * query returns TIME_ZONE_ID_INVALID with its error.
 */
#define _KERNEL32_          /* windows.h declares our own exports without dllimport */
#include "k32.h"

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
