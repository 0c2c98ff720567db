/*
 * What the kernel32 sources of clocks and time zones share (clock.c, timezoneapi.c, sysinfoapi.c): the calendar
 * (Gregorian from 1601, as FILETIMEs count).
 */
#ifndef WOW64EMU_K32TIME_H
#define WOW64EMU_K32TIME_H

#include "k32.h"

#define TICKS_PER_MINUTE 600000000LL    /* 100 ns intervals */

/* The days of a month (1-12) of a year. */
unsigned days_in_month(unsigned year, unsigned month);

/* The days from 1601-01-01 to a date; 1601-01-01 was a Monday. */
ULONG days_since_1601(unsigned year, unsigned month, unsigned day);

/* A SYSTEMTIME as 100 ns intervals since 1601 (RtlTimeFieldsToTime); FALSE when a field is out of range. */
BOOL time_of_fields(const SYSTEMTIME *st, ULONGLONG *t);

#endif
