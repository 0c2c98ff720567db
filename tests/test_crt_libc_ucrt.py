"""Where ucrtbase.dll's strings, locale and time differ from msvcrt.dll's (the same guest/crt objects, the UCRT
flavor): the three-argument wcstok, strftime's ISO %z and C99 conversions, isblank, setlocale's invalid-parameter
call for a bad category, the __sys_errlist/_get_timezone accessors. The programs (standard mingw-w64 toolchain,
both widths) reach ucrtbase.dll through LoadLibrary and GetProcAddress, as its import library would not mix with
msvcrt's start-up code."""

from __future__ import annotations

import pytest

from tests.test_crt_libc import WIDTHS, run

UCRT = r"""
static HMODULE ucrt;
#define FN(type, name) ((type)GetProcAddress(ucrt, name))
typedef size_t (__cdecl *strftime_t)(char *, size_t, const char *, const struct tm *);
typedef wchar_t *(__cdecl *wcstok3_t)(wchar_t *, const wchar_t *, wchar_t **);
typedef char *(__cdecl *setlocale_t)(int, const char *);
typedef void *(__cdecl *handler_t)(void *);
typedef int *(__cdecl *errno_t_)(void);
int main(void)
{
    wchar_t text[] = L"one two", *ctx = NULL, *tok;
    char buf[128];
    struct tm tm;
    long tz = -1;
    ucrt = LoadLibraryA("ucrtbase.dll");
    line("loaded", ucrt != NULL);
    FN(handler_t, "_set_invalid_parameter_handler")((void *)ignore);
    for (tok = FN(wcstok3_t, "wcstok")(text, L" ", &ctx); tok; tok = FN(wcstok3_t, "wcstok")(NULL, L" ", &ctx))
        wsline("wcstok", tok);
    SetEnvironmentVariableA("TZ", "PST8PDT");
    FN(void (__cdecl *)(void), "_tzset")();
    FN(int (__cdecl *)(long *), "_get_timezone")(&tz); line("_get_timezone", tz);
    memset(&tm, 0, sizeof tm);
    tm.tm_year = 121; tm.tm_mon = 0; tm.tm_mday = 3; tm.tm_hour = 9; tm.tm_min = 5; tm.tm_sec = 7;
    tm.tm_wday = 0; tm.tm_yday = 2; tm.tm_isdst = 0;
    FN(strftime_t, "strftime")(buf, sizeof buf, "%z|%Z|%C|%D|%e|%F|%g|%G|%V|%u|%T|%R|%r|%h|%Ey|%n|%t|", &tm);
    sline("strftime", buf);
    tm.tm_isdst = 1;
    FN(strftime_t, "strftime")(buf, sizeof buf, "%z %Z", &tm); sline("summer", buf);
    line("isblank tab", FN(int (__cdecl *)(int), "isblank")('\t') != 0);
    line("isblank x", FN(int (__cdecl *)(int), "isblank")('x') != 0);
    line("setlocale 99", FN(setlocale_t, "setlocale")(99, "C") == NULL);
    line("errno", *FN(errno_t_, "_errno")());
    sline("setlocale en-US", FN(setlocale_t, "setlocale")(LC_ALL, "en-US"));
    sline("__sys_errlist[2]", FN(char **(__cdecl *)(void), "__sys_errlist")()[2]);
    line("__sys_nerr", *FN(int *(__cdecl *)(void), "__sys_nerr")());
    line("__timezone", *FN(long *(__cdecl *)(void), "__timezone")());
    sline("__tzname[1]", FN(char **(__cdecl *)(void), "__tzname")()[1]);
    line("__strncnt", FN(size_t (__cdecl *)(const char *, size_t), "__strncnt")("abcdef", 4));
    FN(setlocale_t, "setlocale")(LC_ALL, "");
    wsline("___lc_locale_name_func", FN(wchar_t **(__cdecl *)(void), "___lc_locale_name_func")()[LC_CTYPE]);
    return 0;
}
"""

UCRT_OUT = """loaded 1
wcstok [one]
wcstok [two]
_get_timezone 28800
strftime [-0800|PST|20|01/03/21| 3|2021-01-03|20|2020|53|7|09:05:07|09:05|09:05:07 AM|Jan|21|
|\t|]
summer [-0700 PDT]
isblank tab 1
isblank x 0
setlocale 99 1
errno 22
setlocale en-US [en-US]
__sys_errlist[2] [No such file or directory]
__sys_nerr 43
__timezone 28800
__tzname[1] [PDT]
__strncnt 4
___lc_locale_name_func [en-US]
"""


@pytest.mark.parametrize("width", WIDTHS)
def test_ucrtbase_flavor(tmp_path, width):
    ran = run(tmp_path, width, UCRT)
    assert (ran.status, ran.stdout) == (0, UCRT_OUT)
