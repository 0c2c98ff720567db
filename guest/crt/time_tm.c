/*
 * Broken-down time: gmtime, localtime, mktime and _mkgmtime in their 32- and 64-bit forms (and _s forms), and the
 * time zone they use (_tzset: the TZ variable, "PST8PDT", or else GetTimeZoneInformation; _timezone, _daylight,
 * _dstbias, _tzname). The calendar is proleptic Gregorian over days counted from 1970-01-01; times run from
 * 1970-01-01 00:00:00 UTC to 2038-01-19 03:14:07 (32-bit) or 3000-12-31 23:59:59 (64-bit), as in the CRTs.
 */
#include "libc.h"

#define MAX_TIME32 0x7FFFFFFFll
#define MAX_TIME64 32535215999ll
#define DAY 86400ll

/* --- the calendar --------------------------------------------------------------------------------------------- */

static long long floor_div(long long a, long long b)
{
    return a / b - (a % b != 0 && (a < 0) != (b < 0));
}

/* Days from 1970-01-01 to year-month-day (month 1-12), in 400-year eras of 146097 days counted from March. */
long long crt_days_from_civil(long long y, int m, int d)
{
    long long era, yoe, doy;

    y -= m <= 2;
    era = floor_div(y, 400);
    yoe = y - era * 400;
    doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    return era * 146097 + yoe * 365 + yoe / 4 - yoe / 100 + doy - 719468;
}

static int is_leap(long long y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

/* Seconds since 1970 to a struct tm (tm_isdst 0). */
void crt_break_down(long long t, struct crt_tm *tm)
{
    long long days = floor_div(t, DAY), secs = t - days * DAY, z = days + 719468, era, doe, yoe, y, doy, mp;
    static const short before[2][12] = {
        {0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334},
        {0, 31, 60, 91, 121, 152, 182, 213, 244, 274, 305, 335},
    };

    era = floor_div(z, 146097);
    doe = z - era * 146097;
    yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    y = yoe + era * 400;
    doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    mp = (5 * doy + 2) / 153;
    tm->tm_mday = (int)(doy - (153 * mp + 2) / 5 + 1);
    tm->tm_mon = (int)(mp < 10 ? mp + 2 : mp - 10);
    y += tm->tm_mon <= 1;
    tm->tm_year = (int)(y - 1900);
    tm->tm_yday = before[is_leap(y)][tm->tm_mon] + tm->tm_mday - 1;
    tm->tm_wday = (int)((days % 7 + 11) % 7);            /* 1970-01-01 was a Thursday */
    tm->tm_hour = (int)(secs / 3600);
    tm->tm_min = (int)(secs / 60 % 60);
    tm->tm_sec = (int)(secs % 60);
    tm->tm_isdst = 0;
}

/* The seconds a struct tm names, its fields normalised (month 13 is next January, day 0 the last of the month
 * before, and so on). */
static long long seconds_of(const struct crt_tm *tm)
{
    long long mon = tm->tm_mon, year = tm->tm_year + 1900ll + floor_div(mon, 12);

    mon -= floor_div(mon, 12) * 12;
    return (crt_days_from_civil(year, (int)mon + 1, 1) + tm->tm_mday - 1) * DAY + tm->tm_hour * 3600ll
           + tm->tm_min * 60ll + tm->tm_sec;
}

/* --- the time zone --------------------------------------------------------------------------------------------- */

/* msvcrt's values before _tzset: US Pacific time. */
long _timezone = 8 * 3600;
int _daylight = 1;
long _dstbias = -3600;
static char tzname_std[64] = "PST", tzname_dst[64] = "PDT";
char *_tzname[2] = {tzname_std, tzname_dst};

/* Where the daylight-saving rules come from: the US rules (TZ), the system's (TIME_ZONE_INFORMATION) or none. */
static enum { RULES_NONE, RULES_US, RULES_SYSTEM } rules;
static TIME_ZONE_INFORMATION system_zone;
static LONG tz_done;

long *CRT_EXPORT __p__timezone(void) { return &_timezone; }
int *CRT_EXPORT __p__daylight(void) { return &_daylight; }
long *CRT_EXPORT __p__dstbias(void) { return &_dstbias; }
char **CRT_EXPORT __p__tzname(void) { return _tzname; }
long *CRT_EXPORT __timezone(void) { return &_timezone; }            /* the UCRT's accessors */
int *CRT_EXPORT __daylight(void) { return &_daylight; }
long *CRT_EXPORT __dstbias(void) { return &_dstbias; }
char **CRT_EXPORT __tzname(void) { return _tzname; }

/* TZ as "NNN[+|-]hh[:mm[:ss]][DDD]": the standard name, the hours west of UTC, the daylight name. */
static void parse_tz(const char *tz)
{
    long sign = 1, value = 0, part;
    int i;

    for (i = 0; i < 3 && tz[i]; i++)
        tzname_std[i] = tz[i];
    tzname_std[i] = 0;
    tz += i;
    if (*tz == '-' || *tz == '+')
        sign = *tz++ == '-' ? -1 : 1;
    for (part = 0; *tz >= '0' && *tz <= '9'; tz++)
        part = part * 10 + (*tz - '0');
    value = part * 3600;
    for (int unit = 60; *tz == ':' && unit; unit = unit == 60 ? 1 : 0) {
        for (tz++, part = 0; *tz >= '0' && *tz <= '9'; tz++)
            part = part * 10 + (*tz - '0');
        value += part * unit;
    }
    _timezone = sign * value;
    _daylight = *tz != 0;
    for (i = 0; i < 3 && tz[i]; i++)
        tzname_dst[i] = tz[i];
    tzname_dst[i] = 0;
    _dstbias = -3600;
    rules = _daylight ? RULES_US : RULES_NONE;
}

void CRT_EXPORT _tzset(void)
{
    char tz[64];
    DWORD n = GetEnvironmentVariableA("TZ", tz, sizeof tz);

    _lock(CRT_LOCK_ENV);
    if (n && n < sizeof tz) {
        parse_tz(tz);
    } else {
        if (GetTimeZoneInformation(&system_zone) == TIME_ZONE_ID_INVALID)
            memset(&system_zone, 0, sizeof system_zone);
        _timezone = system_zone.Bias * 60l;
        if (system_zone.StandardDate.wMonth)
            _timezone += system_zone.StandardBias * 60l;
        _daylight = system_zone.DaylightDate.wMonth != 0 && system_zone.DaylightBias != 0;
        _dstbias = _daylight ? (system_zone.DaylightBias - system_zone.StandardBias) * 60l : 0;
        rules = _daylight ? RULES_SYSTEM : RULES_NONE;
        if (!WideCharToMultiByte(CP_ACP, 0, system_zone.StandardName, -1, tzname_std, sizeof tzname_std, NULL,
                                 NULL))
            tzname_std[0] = 0;
        if (!WideCharToMultiByte(CP_ACP, 0, system_zone.DaylightName, -1, tzname_dst, sizeof tzname_dst, NULL,
                                 NULL))
            tzname_dst[0] = 0;
    }
    _unlock(CRT_LOCK_ENV);
}

/* The time functions set the zone up once (as the CRTs' do on first use); _tzset again rereads it. */
void crt_tzset_once(void)
{
    if (!InterlockedCompareExchange(&tz_done, 1, 0))
        _tzset();
}

int CRT_EXPORT _get_timezone(long *seconds)
{
    if (!seconds) {
        crt_invalid_parameter(CRT_EINVAL);
        return CRT_EINVAL;
    }
    *seconds = _timezone;
    return 0;
}

int CRT_EXPORT _get_daylight(int *hours)
{
    if (!hours) {
        crt_invalid_parameter(CRT_EINVAL);
        return CRT_EINVAL;
    }
    *hours = _daylight;
    return 0;
}

int CRT_EXPORT _get_dstbias(long *seconds)
{
    if (!seconds) {
        crt_invalid_parameter(CRT_EINVAL);
        return CRT_EINVAL;
    }
    *seconds = _dstbias;
    return 0;
}

/* _get_tzname: name 0 (standard) or 1 (daylight) into buf; *size its size with the NUL. */
int CRT_EXPORT _get_tzname(size_t *size, char *buf, size_t buf_size, int index)
{
    const char *name;
    size_t n;

    if (!size || (index != 0 && index != 1) || (!buf && buf_size)) {
        if (buf && buf_size)
            *buf = 0;
        crt_invalid_parameter(CRT_EINVAL);
        return CRT_EINVAL;
    }
    name = _tzname[index];
    n = strlen(name) + 1;
    *size = n;
    if (!buf)
        return 0;
    if (n > buf_size) {
        *buf = 0;
        crt_invalid_parameter(CRT_ERANGE);
        return CRT_ERANGE;
    }
    memcpy(buf, name, n);
    return 0;
}

/* The seconds (of local standard time in `year`) at which a SYSTEMTIME rule switches: month wMonth, the wDay-th
 * (5: last) weekday wDayOfWeek, at wHour:wMinute. */
static long long rule_time(long long year, int month, int week, int weekday, int hour, int minute)
{
    long long first = crt_days_from_civil(year, month, 1), day;
    int first_wday = (int)((first % 7 + 11) % 7);
    int days_in = (int)(crt_days_from_civil(month == 12 ? year + 1 : year, month == 12 ? 1 : month + 1, 1) - first);

    day = (weekday - first_wday + 7) % 7 + (week - 1) * 7;
    while (day >= days_in)
        day -= 7;
    return (first + day) * DAY + hour * 3600ll + minute * 60ll;
}

/* Whether local standard time `local` falls in daylight saving time. */
static int in_dst(long long local)
{
    struct crt_tm tm;
    long long year, start, end;

    if (rules == RULES_NONE)
        return 0;
    crt_break_down(local, &tm);
    year = tm.tm_year + 1900ll;
    if (rules == RULES_US) {
        /* From 2007: the second Sunday of March to the first of November; before: April's first, October's
         * last. The switches at 2:00 local time (the end in daylight time, so 1:00 standard). */
        if (year >= 2007) {
            start = rule_time(year, 3, 2, 0, 2, 0);
            end = rule_time(year, 11, 1, 0, 1, 0);
        } else {
            start = rule_time(year, 4, 1, 0, 2, 0);
            end = rule_time(year, 10, 5, 0, 1, 0);
        }
    } else {
        const SYSTEMTIME *s = &system_zone.DaylightDate, *e = &system_zone.StandardDate;

        start = rule_time(year, s->wMonth, s->wDay, s->wDayOfWeek, s->wHour, s->wMinute);
        end = rule_time(year, e->wMonth, e->wDay, e->wDayOfWeek, e->wHour, e->wMinute) + _dstbias;
    }
    return start < end ? local >= start && local < end : !(local >= end && local < start);
}

/* --- the conversions ------------------------------------------------------------------------------------------- */

/* A time out of range: every field -1, errno EINVAL, no invalid-parameter call (only NULL pointers make one). */
static int fail_tm(struct crt_tm *tm, int null_time)
{
    memset(tm, 0xFF, sizeof *tm);
    if (null_time)
        crt_invalid_parameter(CRT_EINVAL);
    else
        crt_thread_data()->err = CRT_EINVAL;
    return CRT_EINVAL;
}

static int gmtime_checked(struct crt_tm *tm, const long long *t, long long max)
{
    if (!tm) {
        crt_invalid_parameter(CRT_EINVAL);
        return CRT_EINVAL;
    }
    if (!t || *t < 0 || *t > max)
        return fail_tm(tm, !t);
    crt_break_down(*t, tm);
    return 0;
}

static int localtime_checked(struct crt_tm *tm, const long long *t, long long max)
{
    long long local;

    if (!tm) {
        crt_invalid_parameter(CRT_EINVAL);
        return CRT_EINVAL;
    }
    if (!t || *t < 0 || *t > max)
        return fail_tm(tm, !t);
    crt_tzset_once();
    local = *t - _timezone;
    if (in_dst(local)) {
        crt_break_down(local - _dstbias, tm);
        tm->tm_isdst = 1;
    } else {
        crt_break_down(local, tm);
    }
    return 0;
}

static struct crt_tm *thread_tm(void)
{
    return (struct crt_tm *)crt_thread_data()->tm_buf;
}

int CRT_EXPORT _gmtime64_s(struct crt_tm *tm, const long long *t) { return gmtime_checked(tm, t, MAX_TIME64); }
int CRT_EXPORT _localtime64_s(struct crt_tm *tm, const long long *t) { return localtime_checked(tm, t, MAX_TIME64); }

int CRT_EXPORT _gmtime32_s(struct crt_tm *tm, const int *t)
{
    long long t64 = t ? *t : 0;

    return gmtime_checked(tm, t ? &t64 : NULL, MAX_TIME32);
}

int CRT_EXPORT _localtime32_s(struct crt_tm *tm, const int *t)
{
    long long t64 = t ? *t : 0;

    return localtime_checked(tm, t ? &t64 : NULL, MAX_TIME32);
}

/* The forms returning the per-thread struct tm: NULL (errno EINVAL) for a time out of range. */
struct crt_tm *CRT_EXPORT _gmtime64(const long long *t)
{
    return _gmtime64_s(thread_tm(), t) ? NULL : thread_tm();
}

struct crt_tm *CRT_EXPORT _gmtime32(const int *t)
{
    return _gmtime32_s(thread_tm(), t) ? NULL : thread_tm();
}

struct crt_tm *CRT_EXPORT _localtime64(const long long *t)
{
    return _localtime64_s(thread_tm(), t) ? NULL : thread_tm();
}

struct crt_tm *CRT_EXPORT _localtime32(const int *t)
{
    return _localtime32_s(thread_tm(), t) ? NULL : thread_tm();
}

/* mktime: the UTC time of a local time, tm normalised in place (with tm_wday, tm_yday and tm_isdst). A negative
 * tm_isdst asks whether daylight saving time is in force; a positive one says it is. */
static long long make_time(struct crt_tm *tm, int local, long long max)
{
    long long t;
    int dst;

    if (!tm) {
        crt_invalid_parameter(CRT_EINVAL);
        return -1;
    }
    t = seconds_of(tm);
    if (local) {
        crt_tzset_once();
        t += _timezone;
        dst = tm->tm_isdst > 0 || (tm->tm_isdst < 0 && in_dst(t - _timezone));
        if (dst && _daylight)
            t += _dstbias;
    }
    if (t < 0 || t > max) {
        crt_thread_data()->err = CRT_EINVAL;
        return -1;
    }
    if (local)
        localtime_checked(tm, &t, max);
    else
        crt_break_down(t, tm);
    return t;
}

long long CRT_EXPORT _mktime64(struct crt_tm *tm) { return make_time(tm, 1, MAX_TIME64); }
int CRT_EXPORT _mktime32(struct crt_tm *tm) { return (int)make_time(tm, 1, MAX_TIME32); }
long long CRT_EXPORT _mkgmtime64(struct crt_tm *tm) { return make_time(tm, 0, MAX_TIME64); }
int CRT_EXPORT _mkgmtime32(struct crt_tm *tm) { return (int)make_time(tm, 0, MAX_TIME32); }
