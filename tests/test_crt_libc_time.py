"""The C runtime's time functions (guest/crt: time.c, time_tm.c, time_format.c): gmtime, mktime's normalisation,
the time zone from TZ and from the system (the emulator's zone is UTC), strftime's conversions, asctime and
ctime, _strtime and _strdate, in programs built by the standard mingw-w64 toolchain against msvcrt.dll (time_t of
32 bits in i686, 64 in x86_64: the plain names are the DLL's aliases of _time32 or _time64 and their kin), in
both widths, compared with what Windows' msvcrt.dll prints."""

from __future__ import annotations

import pytest

from tests.test_crt_libc import WIDTHS, run

TM = r"""
static void show(const char *label, const struct tm *tm)
{
    put(label); put(" ");
    if (!tm) { put("(null)\n"); return; }
    num(tm->tm_year + 1900); put("-"); num(tm->tm_mon + 1); put("-"); num(tm->tm_mday); put(" ");
    num(tm->tm_hour); put(":"); num(tm->tm_min); put(":"); num(tm->tm_sec); put(" wday "); num(tm->tm_wday);
    put(" yday "); num(tm->tm_yday); put(" dst "); num(tm->tm_isdst); put("\n");
}
"""

CALENDAR = TM + r"""
int main(void)
{
    time_t t = 0;
    struct tm tm, *p;
    show("gmtime(0)", gmtime(&t));
    put("asctime "); put(asctime(gmtime(&t)));
    t = 951782400; show("2000-02-29", gmtime(&t));
    t = 2147483647; show("max 32", gmtime(&t));
    t = -1; errno = 0; p = gmtime(&t); show("gmtime(-1)", p); line("errno", errno);
    memset(&tm, 0, sizeof tm);
    tm.tm_year = 123; tm.tm_mon = 12; tm.tm_mday = 0; tm.tm_hour = 10; tm.tm_isdst = -1;
    t = _mkgmtime(&tm); line("_mkgmtime month 13 day 0", t); show("normalised", &tm);
    memset(&tm, 0, sizeof tm);
    tm.tm_year = 124; tm.tm_mon = 1; tm.tm_mday = 30; tm.tm_sec = 3661;
    t = _mkgmtime(&tm); line("_mkgmtime feb 30", t); show("normalised", &tm);
    memset(&tm, 0, sizeof tm);
    tm.tm_year = 100; tm.tm_mon = -1; tm.tm_mday = 1; tm.tm_min = -1;
    t = _mkgmtime(&tm); line("_mkgmtime month -1", t); show("normalised", &tm);
    line("difftime", (long)difftime(100, 40));
    return 0;
}
"""

CALENDAR_OUT = """gmtime(0) 1970-1-1 0:0:0 wday 4 yday 0 dst 0
asctime Thu Jan 01 00:00:00 1970
2000-02-29 2000-2-29 0:0:0 wday 2 yday 59 dst 0
max 32 2038-1-19 3:14:7 wday 2 yday 18 dst 0
gmtime(-1) (null)
errno 22
_mkgmtime month 13 day 0 1704016800
normalised 2023-12-31 10:0:0 wday 0 yday 364 dst 0
_mkgmtime feb 30 1709254861
normalised 2024-3-1 1:1:1 wday 5 yday 60 dst 0
_mkgmtime month -1 944006340
normalised 1999-11-30 23:59:0 wday 2 yday 333 dst 0
difftime 60
"""


@pytest.mark.parametrize("width", WIDTHS)
def test_gmtime_and_normalisation(tmp_path, width):
    ran = run(tmp_path, width, CALENDAR)
    assert (ran.status, ran.stdout) == (0, CALENDAR_OUT)


ZONES = TM + r"""
int main(void)
{
    time_t t;
    struct tm tm;
    char buf[64];
    line("_timezone before _tzset", _timezone); line("_daylight", _daylight);
    sline("_tzname[0]", _tzname[0]); sline("_tzname[1]", _tzname[1]);
    _tzset();
    line("system _timezone", _timezone); line("_daylight", _daylight); sline("_tzname[0]", _tzname[0]);
    t = 0; show("localtime(0)", localtime(&t));
    put("ctime "); put(ctime(&t));
    memset(&tm, 0, sizeof tm); tm.tm_year = 70; tm.tm_mday = 1; tm.tm_mon = 13; tm.tm_isdst = -1;
    line("mktime UTC", mktime(&tm)); show("normalised", &tm);
    _putenv("TZ=PST8PDT");
    _tzset();
    line("PST8PDT _timezone", _timezone); line("_daylight", _daylight); line("_dstbias", _dstbias);
    sline("_tzname[0]", _tzname[0]); sline("_tzname[1]", _tzname[1]);
    t = 1719835200; show("2024-07-01 12:00 UTC", localtime(&t));
    strftime(buf, sizeof buf, "%Z %z", localtime(&t)); sline("%Z %z", buf);
    t = 1704110400; show("2024-01-01 12:00 UTC", localtime(&t));
    t = 1710064799; show("2024-03-10 09:59:59 UTC", localtime(&t));
    t = 1710064800; show("2024-03-10 10:00:00 UTC", localtime(&t));
    t = 1730624399; show("2024-11-03 08:59:59 UTC", localtime(&t));
    t = 1730624400; show("2024-11-03 09:00:00 UTC", localtime(&t));
    t = 1104537600; show("2005-01-01 00:00 UTC", localtime(&t));
    t = 1112522400; show("2005-04-03 10:00 UTC", localtime(&t));
    memset(&tm, 0, sizeof tm); tm.tm_year = 124; tm.tm_mon = 6; tm.tm_mday = 1; tm.tm_hour = 5; tm.tm_isdst = -1;
    line("mktime summer", mktime(&tm)); show("normalised", &tm);
    memset(&tm, 0, sizeof tm); tm.tm_year = 124; tm.tm_mon = 0; tm.tm_mday = 32; tm.tm_hour = 4; tm.tm_isdst = 0;
    line("mktime winter", mktime(&tm)); show("normalised", &tm);
    _putenv("TZ=EST5");
    _tzset();
    line("EST5 _timezone", _timezone); line("_daylight", _daylight); sline("_tzname[0]", _tzname[0]);
    _putenv("TZ=XYZ-5:30");
    _tzset();
    line("XYZ-5:30 _timezone", _timezone);
    return 0;
}
"""

ZONES_OUT = """_timezone before _tzset 28800
_daylight 1
_tzname[0] [PST]
_tzname[1] [PDT]
system _timezone 0
_daylight 0
_tzname[0] [Coordinated Universal Time]
localtime(0) 1970-1-1 0:0:0 wday 4 yday 0 dst 0
ctime Thu Jan 01 00:00:00 1970
mktime UTC 34214400
normalised 1971-2-1 0:0:0 wday 1 yday 31 dst 0
PST8PDT _timezone 28800
_daylight 1
_dstbias -3600
_tzname[0] [PST]
_tzname[1] [PDT]
2024-07-01 12:00 UTC 2024-7-1 5:0:0 wday 1 yday 182 dst 1
%Z %z [PDT PDT]
2024-01-01 12:00 UTC 2024-1-1 4:0:0 wday 1 yday 0 dst 0
2024-03-10 09:59:59 UTC 2024-3-10 1:59:59 wday 0 yday 69 dst 0
2024-03-10 10:00:00 UTC 2024-3-10 3:0:0 wday 0 yday 69 dst 1
2024-11-03 08:59:59 UTC 2024-11-3 1:59:59 wday 0 yday 307 dst 1
2024-11-03 09:00:00 UTC 2024-11-3 1:0:0 wday 0 yday 307 dst 0
2005-01-01 00:00 UTC 2004-12-31 16:0:0 wday 5 yday 365 dst 0
2005-04-03 10:00 UTC 2005-4-3 3:0:0 wday 0 yday 92 dst 1
mktime summer 1719835200
normalised 2024-7-1 5:0:0 wday 1 yday 182 dst 1
mktime winter 1706788800
normalised 2024-2-1 4:0:0 wday 4 yday 31 dst 0
EST5 _timezone 18000
_daylight 0
_tzname[0] [EST]
XYZ-5:30 _timezone -19800
"""


@pytest.mark.parametrize("width", WIDTHS)
def test_time_zones(tmp_path, width):
    ran = run(tmp_path, width, ZONES)
    assert (ran.status, ran.stdout) == (0, ZONES_OUT)


STRFTIME = r"""
int main(void)
{
    static const char conv[] = "aAbBcdHIjmMpSUwWxXyYzZ%";
    struct tm tm;
    char buf[100], fmt[4] = "%?";
    wchar_t wbuf[64];
    _putenv("TZ=PST8PDT");
    memset(&tm, 0, sizeof tm);
    tm.tm_year = 124; tm.tm_mon = 2; tm.tm_mday = 5; tm.tm_hour = 14; tm.tm_min = 7; tm.tm_sec = 9;
    tm.tm_wday = 2; tm.tm_yday = 64;
    for (int i = 0; conv[i]; i++) {
        fmt[1] = conv[i];
        strftime(buf, sizeof buf, fmt, &tm);
        put(fmt); put(" ["); put(buf); put("]\n");
    }
    strftime(buf, sizeof buf, "%#d %#H %#I %#j %#m %#M %#S %#U %#w %#W %#y %#Y", &tm); sline("#", buf);
    strftime(buf, sizeof buf, "%#c", &tm); sline("%#c", buf);
    strftime(buf, sizeof buf, "%#x", &tm); sline("%#x", buf);
    setlocale(LC_TIME, "");
    strftime(buf, sizeof buf, "%c|%x|%X|%#x|%#c", &tm); sline("English_United States", buf);
    put("asctime "); put(asctime(&tm));
    setlocale(LC_TIME, "C");
    tm.tm_hour = 0; strftime(buf, sizeof buf, "%I %p", &tm); sline("midnight", buf);
    tm.tm_hour = 12; strftime(buf, sizeof buf, "%I %p", &tm); sline("noon", buf);
    tm.tm_year = 100; tm.tm_yday = 0; tm.tm_wday = 6; strftime(buf, sizeof buf, "%U %W %y", &tm); sline("2000", buf);
    line("too small", strftime(buf, 5, "%A", &tm)); line("errno", errno);
    line("wcsftime", wcsftime(wbuf, 64, L"%A %d %B %Y", &tm)); wsline("wide", wbuf);
    quiet();
    errno = 0; line("unknown", strftime(buf, sizeof buf, "%Q", &tm)); line("errno", errno);
    return 0;
}
"""

STRFTIME_OUT = """%a [Tue]
%A [Tuesday]
%b [Mar]
%B [March]
%c [03/05/24 14:07:09]
%d [05]
%H [14]
%I [02]
%j [065]
%m [03]
%M [07]
%p [PM]
%S [09]
%U [09]
%w [2]
%W [10]
%x [03/05/24]
%X [14:07:09]
%y [24]
%Y [2024]
%z [PST]
%Z [PST]
%% [%]
# [5 14 2 65 3 7 9 9 2 10 24 2024]
%#c [Tuesday, March 05, 2024 14:07:09]
%#x [Tuesday, March 05, 2024]
English_United States [3/5/2024 2:07:09 PM|3/5/2024|2:07:09 PM|Tuesday, March 5, 2024|Tuesday, March 5, 2024 2:07:09 PM]
asctime Tue Mar 05 14:07:09 2024
midnight [12 AM]
noon [12 PM]
2000 [00 00 00]
too small 0
errno 34
wcsftime 22
wide [Saturday 05 March 2000]
unknown 0
errno 22
"""


@pytest.mark.parametrize("width", WIDTHS)
def test_strftime_conversions(tmp_path, width):
    ran = run(tmp_path, width, STRFTIME)
    assert (ran.status, ran.stdout) == (0, STRFTIME_OUT)


NOW = r"""
static int shape(const char *s, char sep)
{
    for (int i = 0; i < 8; i++)
        if (i % 3 == 2 ? s[i] != sep : (s[i] < '0' || s[i] > '9')) return 0;
    return s[8] == 0;
}
int main(void)
{
    long first_clock = clock();           /* the process was created (and its DLLs loaded) some time before */
    char buf[16];
    time_t t = time(NULL), t2;
    FILETIME ft;
    struct _timeb tb;
    long long win;
    GetSystemTimeAsFileTime(&ft);
    win = (((long long)ft.dwHighDateTime << 32 | ft.dwLowDateTime) - 116444736000000000LL) / 10000000;
    line("time agrees", win - t >= 0 && win - t <= 2);
    line("time after 2020", t > 1577836800);
    time(&t2); line("time stores", t2 >= t);
    line("_strtime shape", shape(_strtime(buf), ':'));
    line("_strdate shape", shape(_strdate(buf), '/'));
    quiet();
    {
        /* i686 libmsvcrt.a has its own _strtime_s (over GetLocalTime): the DLL's, by name */
        typedef int (__cdecl *strtime_s_t)(char *, size_t);
        strtime_s_t strtime_s = (strtime_s_t)GetProcAddress(GetModuleHandleA("msvcrt.dll"), "_strtime_s");
        line("_strtime_s small", strtime_s(buf, 8)); line("b0", buf[0]);
    }
    _ftime(&tb);
    line("_ftime time", tb.time - t >= 0 && tb.time - t <= 2);
    line("_ftime millitm", tb.millitm < 1000); line("_ftime timezone", tb.timezone); line("dstflag", tb.dstflag);
    line("clock from the process's start", first_clock > 0 && first_clock < 60000 && clock() >= first_clock);
    return 0;
}
"""

NOW_OUT = """time agrees 1
time after 2020 1
time stores 1
_strtime shape 1
_strdate shape 1
_strtime_s small 34
b0 0
_ftime time 1
_ftime millitm 1
_ftime timezone 0
dstflag 0
clock from the process's start 1
"""


@pytest.mark.parametrize("width", WIDTHS)
def test_current_time(tmp_path, width):
    ran = run(tmp_path, width, NOW)
    assert (ran.status, ran.stdout) == (0, NOW_OUT)
