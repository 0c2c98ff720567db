/*
 * asctime and strftime, written once for both widths: time_format.c includes this with CH char (asctime,
 * strftime) and with CH wchar_t (_wasctime, wcsftime). The includer defines CH, N(narrow, wide) and P(name).
 * The names are the "C" locale's (English, as the emulator's only locale has them); %c, %x and %X follow
 * LC_TIME's locale.
 */

/* The output of strftime: characters into out while they fit (max with the NUL); full once one did not. */
struct P(sink) {
    CH *out;
    size_t max, n;
    int full;
};

static void P(putc)(struct P(sink) *s, char c)
{
    if (s->n + 1 >= s->max) {
        s->full = 1;
        return;
    }
    s->out[s->n++] = (CH)(unsigned char)c;
}

static void P(puts)(struct P(sink) *s, const char *text)
{
    while (*text)
        P(putc)(s, *text++);
}

/* value in at least `digits` digits with zeros before it, or none with the # flag. */
static void P(putnum)(struct P(sink) *s, long long value, int digits, int alt)
{
    char buf[24];
    int n = 0;

    if (value < 0) {
        P(putc)(s, '-');
        value = -value;
    }
    do {
        buf[n++] = (char)('0' + value % 10);
        value /= 10;
    } while (value);
    for (int i = n; i < digits && !alt; i++)
        P(putc)(s, '0');
    while (n)
        P(putc)(s, buf[--n]);
}

/* "HH:MM:SS" */
static void P(hms)(struct P(sink) *s, const struct crt_tm *tm)
{
    P(putnum)(s, tm->tm_hour, 2, 0);
    P(putc)(s, ':');
    P(putnum)(s, tm->tm_min, 2, 0);
    P(putc)(s, ':');
    P(putnum)(s, tm->tm_sec, 2, 0);
}

/* %x, %#x and %X in a locale other than "C": its short or long date or its time, as GetDateFormat and
 * GetTimeFormat write them from the locale's pictures ("M/d/yyyy", "h:mm:ss tt"). 0, or -1 to use "C"'s form
 * (a year SYSTEMTIME cannot hold). */
static int P(locale_form)(struct P(sink) *s, char what, int alt, const struct crt_tm *tm)
{
    LCID lcid = crt_lc_time_lcid();
    SYSTEMTIME st = {0};
    wchar_t text[128];
    int n;

    if (!lcid || tm->tm_year < 1601 - 1900 || tm->tm_year > 30827 - 1900 || tm->tm_mday < 1 || tm->tm_mday > 31
        || tm->tm_hour < 0 || tm->tm_hour > 23 || tm->tm_min < 0 || tm->tm_min > 59 || tm->tm_sec < 0
        || tm->tm_sec > 59)
        return -1;
    st.wYear = (WORD)(tm->tm_year + 1900);
    st.wMonth = (WORD)(tm->tm_mon + 1);
    st.wDay = (WORD)tm->tm_mday;
    st.wDayOfWeek = (WORD)tm->tm_wday;
    st.wHour = (WORD)tm->tm_hour;
    st.wMinute = (WORD)tm->tm_min;
    st.wSecond = (WORD)tm->tm_sec;
    if (what == 'x')
        n = GetDateFormatW(lcid, alt ? DATE_LONGDATE : DATE_SHORTDATE, &st, NULL, text, 128);
    else
        n = GetTimeFormatW(lcid, 0, &st, NULL, text, 128);
    if (!n)
        return -1;
    if (sizeof(CH) == 1) {
        char bytes[256];

        if (!WideCharToMultiByte(CP_ACP, 0, text, -1, bytes, sizeof bytes, NULL, NULL))
            return -1;
        P(puts)(s, bytes);
    } else {
        for (int i = 0; text[i]; i++) {
            if (s->n + 1 >= s->max) {
                s->full = 1;
                break;
            }
            s->out[s->n++] = (CH)text[i];
        }
    }
    return 0;
}

/* One conversion (the character after % and its # flag): 0, or -1 for a conversion the CRT does not know. */
static int P(convert)(struct P(sink) *s, CH c, int alt, const struct crt_tm *tm)
{
    int hour12 = tm->tm_hour % 12 ? tm->tm_hour % 12 : 12, ucrt = crt_flavor == CRT_UCRT;
    long long year = tm->tm_year + 1900ll;

    switch (c) {
    case 'a': P(puts)(s, crt_day_names[tm->tm_wday][0]); return 0;
    case 'A': P(puts)(s, crt_day_names[tm->tm_wday][1]); return 0;
    case 'b': P(puts)(s, crt_month_names[tm->tm_mon][0]); return 0;
    case 'B': P(puts)(s, crt_month_names[tm->tm_mon][1]); return 0;
    case 'c':
        if (alt) {                                          /* the long date and the time */
            P(convert)(s, 'x', 1, tm);
            P(putc)(s, ' ');
            return P(convert)(s, 'X', 0, tm);
        }
        P(convert)(s, 'x', 0, tm);
        P(putc)(s, ' ');
        return P(convert)(s, 'X', 0, tm);
    case 'd': P(putnum)(s, tm->tm_mday, 2, alt); return 0;
    case 'H': P(putnum)(s, tm->tm_hour, 2, alt); return 0;
    case 'I': P(putnum)(s, hour12, 2, alt); return 0;
    case 'j': P(putnum)(s, tm->tm_yday + 1, 3, alt); return 0;
    case 'm': P(putnum)(s, tm->tm_mon + 1, 2, alt); return 0;
    case 'M': P(putnum)(s, tm->tm_min, 2, alt); return 0;
    case 'p': P(puts)(s, tm->tm_hour < 12 ? "AM" : "PM"); return 0;
    case 'S': P(putnum)(s, tm->tm_sec, 2, alt); return 0;
    case 'U': P(putnum)(s, (tm->tm_yday + 7 - tm->tm_wday) / 7, 2, alt); return 0;
    case 'w': P(putnum)(s, tm->tm_wday, 1, alt); return 0;
    case 'W': P(putnum)(s, (tm->tm_yday + 7 - (tm->tm_wday + 6) % 7) / 7, 2, alt); return 0;
    case 'x':
        if (!P(locale_form)(s, 'x', alt, tm))
            return 0;
        if (alt) {                                          /* "Thursday, January 01, 1970" */
            P(puts)(s, crt_day_names[tm->tm_wday][1]);
            P(puts)(s, ", ");
            P(puts)(s, crt_month_names[tm->tm_mon][1]);
            P(putc)(s, ' ');
            P(putnum)(s, tm->tm_mday, 2, 0);
            P(puts)(s, ", ");
            P(putnum)(s, year, 4, 0);
            return 0;
        }
        P(putnum)(s, tm->tm_mon + 1, 2, 0);
        P(putc)(s, '/');
        P(putnum)(s, tm->tm_mday, 2, 0);
        P(putc)(s, '/');
        P(putnum)(s, (year % 100 + 100) % 100, 2, 0);
        return 0;
    case 'X':
        if (P(locale_form)(s, 'X', 0, tm))
            P(hms)(s, tm);
        return 0;
    case 'y': P(putnum)(s, (year % 100 + 100) % 100, 2, alt); return 0;
    case 'Y': P(putnum)(s, year, 4, alt); return 0;
    case 'z':
        if (ucrt) {                                         /* the UCRT's ISO 8601 offset, "-0800" */
            long west;

            crt_tzset_once();
            west = _timezone + (tm->tm_isdst > 0 ? _dstbias : 0);
            P(putc)(s, west > 0 ? '-' : '+');
            west = west < 0 ? -west : west;
            P(putnum)(s, west / 3600 * 100 + west / 60 % 60, 4, 0);
            return 0;
        }
        __attribute__((fallthrough));                       /* msvcrt's %z is the zone's name */
    case 'Z':
        crt_tzset_once();
        P(puts)(s, _tzname[tm->tm_isdst > 0]);
        return 0;
    case '%': P(putc)(s, '%'); return 0;
    }
    if (!ucrt)
        return -1;
    /* The C99 conversions the UCRT adds. */
    switch (c) {
    case 'C': P(putnum)(s, year / 100, 2, alt); return 0;
    case 'D':
        P(convert)(s, 'm', 0, tm), P(putc)(s, '/'), P(convert)(s, 'd', 0, tm), P(putc)(s, '/');
        return P(convert)(s, 'y', 0, tm);
    case 'e':
        if (tm->tm_mday < 10 && !alt)
            P(putc)(s, ' ');
        P(putnum)(s, tm->tm_mday, 1, 0);
        return 0;
    case 'F':
        P(convert)(s, 'Y', 0, tm), P(putc)(s, '-'), P(convert)(s, 'm', 0, tm), P(putc)(s, '-');
        return P(convert)(s, 'd', 0, tm);
    case 'g': case 'G': case 'V': {
        /* ISO 8601 weeks: Monday first; week 1 holds the year's first Thursday. */
        int wday = (tm->tm_wday + 6) % 7, week = (tm->tm_yday - wday + 10) / 7;
        long long iso_year = year;

        if (week < 1) {
            long long prev = year - 1;
            int prev_days = 365 + ((prev % 4 == 0 && prev % 100 != 0) || prev % 400 == 0);

            iso_year--;
            week = (tm->tm_yday + prev_days - wday + 10) / 7;
        } else if (week == 53) {
            int days = 365 + ((year % 4 == 0 && year % 100 != 0) || year % 400 == 0);

            if (tm->tm_yday - wday + 3 >= days) {
                iso_year++;
                week = 1;
            }
        }
        if (c == 'V')
            P(putnum)(s, week, 2, alt);
        else if (c == 'G')
            P(putnum)(s, iso_year, 4, alt);
        else
            P(putnum)(s, (iso_year % 100 + 100) % 100, 2, alt);
        return 0;
    }
    case 'h': return P(convert)(s, 'b', 0, tm);
    case 'n': P(putc)(s, '\n'); return 0;
    case 'r':
        P(convert)(s, 'I', 0, tm), P(putc)(s, ':'), P(convert)(s, 'M', 0, tm), P(putc)(s, ':');
        P(convert)(s, 'S', 0, tm), P(putc)(s, ' ');
        return P(convert)(s, 'p', 0, tm);
    case 'R':
        P(convert)(s, 'H', 0, tm), P(putc)(s, ':');
        return P(convert)(s, 'M', 0, tm);
    case 't': P(putc)(s, '\t'); return 0;
    case 'T': P(hms)(s, tm); return 0;
    case 'u': P(putnum)(s, tm->tm_wday ? tm->tm_wday : 7, 1, 0); return 0;
    }
    return -1;
}

size_t CRT_EXPORT N(strftime, wcsftime)(CH *out, size_t max, const CH *format, const struct crt_tm *tm)
{
    struct P(sink) s = {out, max, 0, 0};

    if (!out || !max || !format || !tm) {
        if (out && max)
            *out = 0;
        crt_invalid_parameter(CRT_EINVAL);
        return 0;
    }
    if (tm->tm_mon < 0 || tm->tm_mon > 11 || tm->tm_wday < 0 || tm->tm_wday > 6 || tm->tm_yday < 0
        || tm->tm_yday > 365) {
        *out = 0;
        crt_invalid_parameter(CRT_EINVAL);
        return 0;
    }
    for (; *format && !s.full; format++) {
        int alt = 0;

        if (*format != '%') {
            if (s.n + 1 >= s.max)
                s.full = 1;
            else
                s.out[s.n++] = *format;
            continue;
        }
        format++;
        if (*format == '#')
            alt = 1, format++;
        else if (crt_flavor == CRT_UCRT && (*format == 'E' || *format == 'O'))
            format++;                                       /* the alternative forms are the plain ones */
        if (P(convert)(&s, *format, alt, tm) < 0) {
            *out = 0;
            crt_invalid_parameter(CRT_EINVAL);
            return 0;
        }
    }
    if (s.full) {
        *out = 0;
        crt_thread_data()->err = CRT_ERANGE;
        return 0;
    }
    out[s.n] = 0;
    return s.n;
}

size_t CRT_EXPORT N(_strftime_l, _wcsftime_l)(CH *out, size_t max, const CH *format, const struct crt_tm *tm,
                                               void *locale)
{
    (void)locale;
    return N(strftime, wcsftime)(out, max, format, tm);
}

/* asctime's "Thu Jan 01 00:00:00 1970\n" into buf of size characters (26 needed). */
int CRT_EXPORT N(asctime_s, _wasctime_s)(CH *buf, size_t size, const struct crt_tm *tm)
{
    struct P(sink) s = {buf, size, 0, 0};

    if (!buf || !size) {
        crt_invalid_parameter(CRT_EINVAL);
        return CRT_EINVAL;
    }
    *buf = 0;
    if (!tm || size < 26 || tm->tm_mon < 0 || tm->tm_mon > 11 || tm->tm_wday < 0 || tm->tm_wday > 6
        || tm->tm_mday < 1 || tm->tm_mday > 31 || tm->tm_hour < 0 || tm->tm_hour > 23 || tm->tm_min < 0
        || tm->tm_min > 59 || tm->tm_sec < 0 || tm->tm_sec > 59 || tm->tm_year < 0) {
        crt_invalid_parameter(CRT_EINVAL);
        return CRT_EINVAL;
    }
    P(puts)(&s, crt_day_names[tm->tm_wday][0]);
    P(putc)(&s, ' ');
    P(puts)(&s, crt_month_names[tm->tm_mon][0]);
    P(putc)(&s, ' ');
    P(putnum)(&s, tm->tm_mday, 2, 0);                       /* "Jan 02": Microsoft's CRTs pad with a zero */
    P(putc)(&s, ' ');
    P(hms)(&s, tm);
    P(putc)(&s, ' ');
    P(putnum)(&s, tm->tm_year + 1900ll, 4, 0);
    P(putc)(&s, '\n');
    buf[s.n] = 0;
    return 0;
}

CH *CRT_EXPORT N(asctime, _wasctime)(const struct crt_tm *tm)
{
    CH *buf = N(crt_thread_data()->asctime_buf, crt_thread_data()->wasctime_buf);

    return N(asctime_s, _wasctime_s)(buf, 26, tm) ? NULL : buf;
}

/* ctime: asctime of localtime. */
int CRT_EXPORT N(_ctime64_s, _wctime64_s)(CH *buf, size_t size, const long long *t)
{
    struct crt_tm tm;

    if (!buf || !size) {
        crt_invalid_parameter(CRT_EINVAL);
        return CRT_EINVAL;
    }
    *buf = 0;
    if (!t || _localtime64_s(&tm, t))
        return CRT_EINVAL;
    return N(asctime_s, _wasctime_s)(buf, size, &tm);
}

int CRT_EXPORT N(_ctime32_s, _wctime32_s)(CH *buf, size_t size, const int *t)
{
    long long t64;

    if (t && *t < 0) {
        if (buf && size)
            *buf = 0;
        crt_invalid_parameter(CRT_EINVAL);
        return CRT_EINVAL;
    }
    t64 = t ? *t : 0;
    return N(_ctime64_s, _wctime64_s)(buf, size, t ? &t64 : NULL);
}

CH *CRT_EXPORT N(_ctime64, _wctime64)(const long long *t)
{
    CH *buf = N(crt_thread_data()->asctime_buf, crt_thread_data()->wasctime_buf);

    return N(_ctime64_s, _wctime64_s)(buf, 26, t) ? NULL : buf;
}

CH *CRT_EXPORT N(_ctime32, _wctime32)(const int *t)
{
    CH *buf = N(crt_thread_data()->asctime_buf, crt_thread_data()->wasctime_buf);

    return N(_ctime32_s, _wctime32_s)(buf, 26, t) ? NULL : buf;
}
