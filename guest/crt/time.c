/*
 * The current time: time in its 32- and 64-bit forms (GetSystemTimeAsFileTime), clock, difftime, _ftime, and
 * _strdate and _strtime (the local date and time as "MM/DD/YY" and "HH:MM:SS").
 */
#include "libc.h"

#define EPOCH_FILETIME 116444736000000000ll           /* 1970-01-01 in 100 ns units since 1601 */

static long long now_100ns(void)
{
    FILETIME ft;

    GetSystemTimeAsFileTime(&ft);
    return ((long long)ft.dwHighDateTime << 32 | ft.dwLowDateTime) - EPOCH_FILETIME;
}

long long CRT_EXPORT _time64(long long *t)
{
    long long now = now_100ns() / 10000000;

    if (t)
        *t = now;
    return now;
}

int CRT_EXPORT _time32(int *t)
{
    long long now = _time64(NULL);
    int r = now > 0x7FFFFFFF ? -1 : (int)now;

    if (t)
        *t = r;
    return r;
}

/* clock: milliseconds (CLOCKS_PER_SEC 1000) since the process was created, which the system's process list
 * (NtQuerySystemInformation's SystemProcessInformation) tells; since the first call if it cannot be read. */
LONG WINAPI NtQuerySystemInformation(ULONG info_class, void *buffer, ULONG size, ULONG *returned);

struct process_record {                                 /* the head of SYSTEM_PROCESS_INFORMATION */
    ULONG next, threads;
    LARGE_INTEGER private_working_set;
    ULONG hard_faults, threads_high;
    ULONGLONG cycles;
    LARGE_INTEGER create_time, user_time, kernel_time;
    struct { USHORT length, maximum; wchar_t *buffer; } image_name;
    LONG base_priority;
    HANDLE pid;
};

static long long clock_start;

static long long process_start(void)
{
    ULONG size = 0x4000, needed = 0;
    unsigned char *buf = NULL;
    long long start = 0;
    LONG status;

    for (int tries = 0; tries < 4; tries++) {
        buf = crt_alloc(size);
        if (!buf)
            return 0;
        status = NtQuerySystemInformation(5 /* SystemProcessInformation */, buf, size, &needed);
        if (status != (LONG)0xC0000004 /* STATUS_INFO_LENGTH_MISMATCH */)
            break;
        crt_free(buf);
        buf = NULL;
        size = needed + 0x1000;
    }
    if (buf && status >= 0)
        for (const unsigned char *p = buf;; p += ((const struct process_record *)p)->next) {
            const struct process_record *r = (const void *)p;

            if ((uintptr_t)r->pid == GetCurrentProcessId()) {
                start = r->create_time.QuadPart - EPOCH_FILETIME;
                break;
            }
            if (!r->next)
                break;
        }
    crt_free(buf);
    return start;
}

static void clock_init(void)
{
    long long start;

    if (clock_start)
        return;
    start = process_start();
    clock_start = start > 0 ? start : now_100ns();
}

long CRT_EXPORT clock(void)
{
    clock_init();
    return (long)((now_100ns() - clock_start) / 10000);
}

double CRT_EXPORT _difftime64(long long later, long long earlier)
{
    return (double)(later - earlier);
}

double CRT_EXPORT _difftime32(int later, int earlier)
{
    return (double)((long long)later - earlier);
}

/* _ftime: the time with its milliseconds, the zone's minutes west of UTC and whether daylight time is in force. */
struct timeb32 { int time; unsigned short millitm; short timezone, dstflag; };
struct timeb64 { long long time; unsigned short millitm; short timezone, dstflag; };

static void ftime_fill(long long *time, unsigned short *millitm, short *timezone, short *dstflag)
{
    long long now = now_100ns();
    struct crt_tm tm;

    *time = now / 10000000;
    *millitm = (unsigned short)(now / 10000 % 1000);
    crt_tzset_once();
    *timezone = (short)(_timezone / 60);
    *dstflag = !_localtime64_s(&tm, time) && tm.tm_isdst > 0;
}

int CRT_EXPORT _ftime64_s(struct timeb64 *tb)
{
    if (!tb) {
        crt_invalid_parameter(CRT_EINVAL);
        return CRT_EINVAL;
    }
    ftime_fill(&tb->time, &tb->millitm, &tb->timezone, &tb->dstflag);
    return 0;
}

int CRT_EXPORT _ftime32_s(struct timeb32 *tb)
{
    long long t;

    if (!tb) {
        crt_invalid_parameter(CRT_EINVAL);
        return CRT_EINVAL;
    }
    ftime_fill(&t, &tb->millitm, &tb->timezone, &tb->dstflag);
    tb->time = (int)t;
    return 0;
}

void CRT_EXPORT _ftime64(struct timeb64 *tb) { _ftime64_s(tb); }
void CRT_EXPORT _ftime32(struct timeb32 *tb) { _ftime32_s(tb); }

/* --- _strdate and _strtime ------------------------------------------------------------------------------------- */

/* "a/b/c" or "a:b:c" from three two-digit numbers, 9 characters with the NUL. */
static void two_digits3(char *out, int a, int b, int c, char sep)
{
    int v[3] = {a, b, c};

    for (int i = 0; i < 3; i++) {
        out[3 * i] = (char)('0' + v[i] / 10 % 10);
        out[3 * i + 1] = (char)('0' + v[i] % 10);
        out[3 * i + 2] = i < 2 ? sep : 0;
    }
}

/* what: 'd' for the date, 't' for the time; buf of size characters (narrow or wide). */
static int date_or_time(void *buf, size_t size, int wide, char what)
{
    SYSTEMTIME st;
    FILETIME utc, local;
    char text[9];

    if (!buf || !size) {
        crt_invalid_parameter(CRT_EINVAL);
        return CRT_EINVAL;
    }
    if (size < 9) {
        if (wide)
            *(wchar_t *)buf = 0;
        else
            *(char *)buf = 0;
        crt_invalid_parameter(CRT_ERANGE);
        return CRT_ERANGE;
    }
    GetSystemTimeAsFileTime(&utc);                      /* the system's local time, as GetLocalTime gives it */
    FileTimeToLocalFileTime(&utc, &local);
    FileTimeToSystemTime(&local, &st);
    if (what == 'd')
        two_digits3(text, st.wMonth, st.wDay, st.wYear % 100, '/');
    else
        two_digits3(text, st.wHour, st.wMinute, st.wSecond, ':');
    for (int i = 0; i < 9; i++) {
        if (wide)
            ((wchar_t *)buf)[i] = (unsigned char)text[i];
        else
            ((char *)buf)[i] = text[i];
    }
    return 0;
}

int CRT_EXPORT _strdate_s(char *buf, size_t size) { return date_or_time(buf, size, 0, 'd'); }
int CRT_EXPORT _strtime_s(char *buf, size_t size) { return date_or_time(buf, size, 0, 't'); }
int CRT_EXPORT _wstrdate_s(wchar_t *buf, size_t size) { return date_or_time(buf, size, 1, 'd'); }
int CRT_EXPORT _wstrtime_s(wchar_t *buf, size_t size) { return date_or_time(buf, size, 1, 't'); }
char *CRT_EXPORT _strdate(char *buf) { return date_or_time(buf, 9, 0, 'd') ? NULL : buf; }
char *CRT_EXPORT _strtime(char *buf) { return date_or_time(buf, 9, 0, 't') ? NULL : buf; }
wchar_t *CRT_EXPORT _wstrdate(wchar_t *buf) { return date_or_time(buf, 9, 1, 'd') ? NULL : buf; }
wchar_t *CRT_EXPORT _wstrtime(wchar_t *buf) { return date_or_time(buf, 9, 1, 't') ? NULL : buf; }
