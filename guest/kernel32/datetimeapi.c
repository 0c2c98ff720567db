/*
 * kernel32: dates and times as text, GetDateFormatW/A/Ex and GetTimeFormatW/A/Ex, for en-US (locale.c's locales;
 * any other is ERROR_INVALID_PARAMETER, and so is a calendar given to GetDateFormatEx, a reserved argument).
 *
 * GetDateFormat: a picture of its own (lpFormat), or the locale's: DATE_SHORTDATE (the default, "M/d/yyyy"),
 * DATE_LONGDATE ("dddd, MMMM d, yyyy"), DATE_YEARMONTH ("MMMM yyyy"), DATE_MONTHDAY ("MMMM d"). More than one of
 * them, one of them with a picture, DATE_LTRREADING with DATE_RTLREADING, or another flag is ERROR_INVALID_FLAGS
 * (DATE_USE_ALT_CALENDAR, DATE_AUTOLAYOUT and LOCALE_NOUSEROVERRIDE are accepted: en-US has one calendar, reads left
 * to right and has no user overrides). Pictures: d, dd, ddd, dddd; M, MM, MMM, MMMM; y, yy, yyyy (yyy and more as
 * yyyy); g, gg ("A.D."); text in single quotes ('' is a quote); anything else as it is. The day of the week is
 * the date's own (wDayOfWeek is not read). A date that does not exist (month, day, a year outside 1601-30827) is
 * ERROR_INVALID_PARAMETER.
 *
 * GetTimeFormat: the locale's "h:mm:ss tt" or a picture: h, hh (12-hour), H, HH, m, mm, s, ss, t, tt, quotes as
 * above. TIME_NOMINUTESORSECONDS, TIME_NOSECONDS and TIME_NOTIMEMARKER leave out those parts and the text before
 * each (back to the part before it), as Windows does ("h:mm tt"); TIME_FORCE24HOURFORMAT gives 24-hour hours.
 * LOCALE_NOUSEROVERRIDE with a picture, or another flag, is ERROR_INVALID_FLAGS; a time that does not exist is
 * ERROR_INVALID_PARAMETER.
 *
 * No SYSTEMTIME means now: the system time, which is local time here (no time zones). A size of 0 returns the
 * size needed, NUL included; too small is ERROR_INSUFFICIENT_BUFFER. The A functions give the text in code page
 * 1252 and take the picture in it.
 */
#define _KERNEL32_          /* windows.h declares our own exports without dllimport */
#include "k32nls.h"

#define DATE_FORMATS (DATE_SHORTDATE | DATE_LONGDATE | DATE_YEARMONTH | DATE_MONTHDAY)
#define MAX_TEXT 256                     /* the longest result: pictures longer than that are cut */

/* The text being made: up to MAX_TEXT characters. */
struct text {
    WCHAR buf[MAX_TEXT];
    int n;
};

static void put_char(struct text *t, WCHAR c)
{
    if (t->n < MAX_TEXT)
        t->buf[t->n++] = c;
}

static void put_text(struct text *t, const WCHAR *s)
{
    while (*s)
        put_char(t, *s++);
}

/* A number with at least `digits` digits. */
static void put_number(struct text *t, unsigned v, int digits)
{
    WCHAR buf[10];
    int n = 0;

    do {
        buf[n++] = (WCHAR)('0' + v % 10);
        v /= 10;
    } while (v);
    while (n < digits)
        buf[n++] = '0';
    while (n)
        put_char(t, buf[--n]);
}

/* The locale's value of an LCTYPE, into `value` of 80 characters. */
static void locale_text(LCTYPE type, WCHAR *value)
{
    if (!GetLocaleInfoW(LOCALE_USER_DEFAULT, type, value, 80))
        value[0] = 0;
}

/* The length of the run of `c` at s. */
static int run_of(const WCHAR *s, WCHAR c)
{
    int n = 0;
    while (s[n] == c)
        n++;
    return n;
}

/* Text in quotes, from the opening quote: copied, '' as a quote; returns what follows. */
static const WCHAR *quoted(struct text *t, const WCHAR *p)
{
    for (p++; *p; p++) {
        if (*p == '\'') {
            if (p[1] != '\'')
                return p + 1;
            p++;
        }
        put_char(t, *p);
    }
    return p;
}

static BOOL is_leap(unsigned year)
{
    return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
}

static BOOL valid_date(const SYSTEMTIME *st)
{
    static const BYTE days[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };

    return st->wYear >= 1601 && st->wYear <= 30827 && st->wMonth >= 1 && st->wMonth <= 12 && st->wDay >= 1
           && st->wDay <= days[st->wMonth - 1] + (st->wMonth == 2 && is_leap(st->wYear));
}

/* 0 = Sunday, as wDayOfWeek counts. */
static unsigned day_of_week(const SYSTEMTIME *st)
{
    static const BYTE offsets[12] = { 0, 3, 2, 5, 0, 3, 5, 1, 4, 6, 2, 4 };
    unsigned y = st->wYear - (st->wMonth < 3);

    return (y + y / 4 - y / 100 + y / 400 + offsets[st->wMonth - 1] + st->wDay) % 7;
}

static void format_date(struct text *t, const SYSTEMTIME *st, const WCHAR *p)
{
    WCHAR value[80];

    while (*p) {
        int n;
        if (*p == '\'') {
            p = quoted(t, p);
            continue;
        }
        if (*p == 'd') {
            n = run_of(p, 'd');
            if (n <= 2)
                put_number(t, st->wDay, n);
            else {
                unsigned dow = (day_of_week(st) + 6) % 7;            /* LOCALE_SDAYNAME1 is Monday */
                locale_text((n == 3 ? LOCALE_SABBREVDAYNAME1 : LOCALE_SDAYNAME1) + dow, value);
                put_text(t, value);
            }
        } else if (*p == 'M') {
            n = run_of(p, 'M');
            if (n <= 2)
                put_number(t, st->wMonth, n);
            else {
                locale_text((n == 3 ? LOCALE_SABBREVMONTHNAME1 : LOCALE_SMONTHNAME1) + st->wMonth - 1u, value);
                put_text(t, value);
            }
        } else if (*p == 'y') {
            n = run_of(p, 'y');
            if (n <= 2)
                put_number(t, st->wYear % 100, n);
            else
                put_number(t, st->wYear, 1);
        } else if (*p == 'g') {
            n = run_of(p, 'g');
            put_text(t, L"A.D.");
        } else {
            n = 1;
            put_char(t, *p);
        }
        p += n;
    }
}

static void format_time(struct text *t, const SYSTEMTIME *st, const WCHAR *p, DWORD flags)
{
    WCHAR value[80];
    int kept = 0;                                   /* the text's length after the last part written */

    while (*p) {
        WCHAR c = *p;
        int n;
        if (c == '\'') {
            p = quoted(t, p);
            continue;
        }
        if (c != 'h' && c != 'H' && c != 'm' && c != 's' && c != 't') {
            put_char(t, c);
            p++;
            continue;
        }
        n = run_of(p, c);
        p += n;
        if ((c == 'm' && flags & TIME_NOMINUTESORSECONDS) || (c == 's' && flags & (TIME_NOMINUTESORSECONDS
            | TIME_NOSECONDS)) || (c == 't' && flags & TIME_NOTIMEMARKER)) {
            t->n = kept;                            /* the part left out, and the text before it */
            continue;
        }
        if (c == 'h' && flags & TIME_FORCE24HOURFORMAT)
            c = 'H';
        if (c == 'h')
            put_number(t, st->wHour % 12 ? st->wHour % 12u : 12u, n > 1 ? 2 : 1);
        else if (c == 'H')
            put_number(t, st->wHour, n > 1 ? 2 : 1);
        else if (c == 'm')
            put_number(t, st->wMinute, n > 1 ? 2 : 1);
        else if (c == 's')
            put_number(t, st->wSecond, n > 1 ? 2 : 1);
        else {
            locale_text(st->wHour < 12 ? LOCALE_S1159 : LOCALE_S2359, value);
            if (n == 1)
                value[value[0] ? 1 : 0] = 0;
            put_text(t, value);
        }
        kept = t->n;
    }
}

/* The result into the caller's buffer, wide or ANSI. */
static int put_result(const struct text *t, void *buf, int size, BOOL wide)
{
    int n = t->n + 1;

    if (!size)
        return n;
    if (size < n) {
        SetLastError(ERROR_INSUFFICIENT_BUFFER);
        return 0;
    }
    if (wide) {
        for (int i = 0; i < t->n; i++)
            ((WCHAR *)buf)[i] = t->buf[i];
        ((WCHAR *)buf)[t->n] = 0;
    } else {
        nls_unicode_to_ansi(t->buf, (DWORD)t->n, buf);
        ((char *)buf)[t->n] = 0;
    }
    return n;
}

/* The checks of both functions' common arguments; FALSE with the last error set. */
static BOOL check_common(LCID lcid, const void *buf, int size)
{
    WCHAR name[LOCALE_NAME_MAX_LENGTH];

    if (size < 0 || (size && !buf) || !LCIDToLocaleName(lcid, name, LOCALE_NAME_MAX_LENGTH, 0) || !name[0]) {
        SetLastError(ERROR_INVALID_PARAMETER);
        return FALSE;
    }
    return TRUE;
}

static int date_format(LCID lcid, DWORD flags, const SYSTEMTIME *date, const WCHAR *format, void *buf, int size,
                       BOOL wide)
{
    DWORD kind = flags & DATE_FORMATS;
    WCHAR picture[80];
    SYSTEMTIME now;
    struct text t;

    if (!check_common(lcid, buf, size))
        return 0;
    if (flags & ~(DATE_FORMATS | DATE_USE_ALT_CALENDAR | DATE_LTRREADING | DATE_RTLREADING | DATE_AUTOLAYOUT
                  | LOCALE_NOUSEROVERRIDE | LOCALE_USE_CP_ACP)
        || (kind & (kind - 1)) || (kind && format)
        || (flags & DATE_LTRREADING && flags & DATE_RTLREADING)) {
        SetLastError(ERROR_INVALID_FLAGS);
        return 0;
    }
    if (!date) {
        GetSystemTime(&now);
        date = &now;
    }
    if (!valid_date(date)) {
        SetLastError(ERROR_INVALID_PARAMETER);
        return 0;
    }
    if (!format) {
        locale_text(kind == DATE_LONGDATE ? LOCALE_SLONGDATE : kind == DATE_YEARMONTH ? LOCALE_SYEARMONTH
                    : kind == DATE_MONTHDAY ? LOCALE_SMONTHDAY : LOCALE_SSHORTDATE, picture);
        format = picture;
    }
    t.n = 0;
    format_date(&t, date, format);
    return put_result(&t, buf, size, wide);
}

static int time_format(LCID lcid, DWORD flags, const SYSTEMTIME *time, const WCHAR *format, void *buf, int size,
                       BOOL wide)
{
    WCHAR picture[80];
    SYSTEMTIME now;
    struct text t;

    if (!check_common(lcid, buf, size))
        return 0;
    if (flags & ~(TIME_NOMINUTESORSECONDS | TIME_NOSECONDS | TIME_NOTIMEMARKER | TIME_FORCE24HOURFORMAT
                  | LOCALE_NOUSEROVERRIDE | LOCALE_USE_CP_ACP)
        || (format && flags & LOCALE_NOUSEROVERRIDE)) {
        SetLastError(ERROR_INVALID_FLAGS);
        return 0;
    }
    if (!time) {
        GetSystemTime(&now);
        time = &now;
    }
    if (time->wHour > 23 || time->wMinute > 59 || time->wSecond > 59 || time->wMilliseconds > 999) {
        SetLastError(ERROR_INVALID_PARAMETER);
        return 0;
    }
    if (!format) {
        locale_text(LOCALE_STIMEFORMAT, picture);
        format = picture;
    }
    t.n = 0;
    format_time(&t, time, format, flags);
    return put_result(&t, buf, size, wide);
}

/* An ANSI picture in code page 1252, into `wide` of 80 characters (longer ones cut); NULL stays NULL. */
static const WCHAR *wide_picture(const char *format, WCHAR *wide)
{
    int n = 0;

    if (!format)
        return NULL;
    while (format[n] && n < 79)
        n++;
    nls_ansi_to_unicode(format, (DWORD)n, wide);
    wide[n] = 0;
    return wide;
}

int WINAPI GetDateFormatW(LCID lcid, DWORD flags, const SYSTEMTIME *date, LPCWSTR format, LPWSTR buf, int size)
{
    return date_format(lcid, flags, date, format, buf, size, TRUE);
}

int WINAPI GetDateFormatA(LCID lcid, DWORD flags, const SYSTEMTIME *date, LPCSTR format, LPSTR buf, int size)
{
    WCHAR picture[80];
    return date_format(lcid, flags, date, wide_picture(format, picture), buf, size, FALSE);
}

int WINAPI GetDateFormatEx(LPCWSTR locale, DWORD flags, const SYSTEMTIME *date, LPCWSTR format, LPWSTR buf,
                           int size, LPCWSTR calendar)
{
    LCID lcid = LocaleNameToLCID(locale, 0);

    if (!lcid)
        return 0;
    if (calendar) {
        SetLastError(ERROR_INVALID_PARAMETER);
        return 0;
    }
    return date_format(lcid, flags, date, format, buf, size, TRUE);
}

int WINAPI GetTimeFormatW(LCID lcid, DWORD flags, const SYSTEMTIME *time, LPCWSTR format, LPWSTR buf, int size)
{
    return time_format(lcid, flags, time, format, buf, size, TRUE);
}

int WINAPI GetTimeFormatA(LCID lcid, DWORD flags, const SYSTEMTIME *time, LPCSTR format, LPSTR buf, int size)
{
    WCHAR picture[80];
    return time_format(lcid, flags, time, wide_picture(format, picture), buf, size, FALSE);
}

int WINAPI GetTimeFormatEx(LPCWSTR locale, DWORD flags, const SYSTEMTIME *time, LPCWSTR format, LPWSTR buf,
                           int size)
{
    LCID lcid = LocaleNameToLCID(locale, 0);

    return lcid ? time_format(lcid, flags, time, format, buf, size, TRUE) : 0;
}
