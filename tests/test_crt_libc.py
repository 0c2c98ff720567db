"""The C runtime's strings, memory, conversions, error messages and locale (guest/crt: mem.c, string.c, wstring.c,
conv.c, strerror.c, locale.c): programs built by the standard mingw-w64 toolchain against msvcrt.dll, run in both
widths, printing through a small WriteFile helper (no printf needed) and compared with what Windows' msvcrt.dll
prints. -fno-builtin keeps gcc from answering strlen("...") and its kin at compile time; an undeclared function
is an error (its pointer result would be cut to an int)."""

from __future__ import annotations

import pytest

from tests.toolchain import build_and_run

WIDTHS = ("x86", "x64")
FLAGS = ("-O2", "-fno-builtin", "-Werror=implicit-function-declaration")

# The helpers every test program starts with: put() a string, num() a signed number, hex() an unsigned one,
# line() a label and a number, check() an "ok" or a "FAIL <what>" line, and a quiet invalid-parameter handler
# (quiet() installs it in msvcrt.dll: a function then returns its error instead of ending the process).
PRELUDE = r"""
#include <windows.h>
#include <string.h>
#include <stdlib.h>
#include <errno.h>
#include <locale.h>
#include <ctype.h>
#include <wchar.h>
#include <wctype.h>
#include <limits.h>
#include <search.h>
#include <mbstring.h>
#include <mbctype.h>
#include <time.h>
#include <sys/timeb.h>
static void put(const char *s) { DWORD n; WriteFile(GetStdHandle(STD_OUTPUT_HANDLE), s, lstrlenA(s), &n, 0); }
static void hex(unsigned long long v)
{
    char b[20], *p = b + 19; *p = 0;
    do { *--p = "0123456789abcdef"[v & 15]; v >>= 4; } while (v);
    put(p);
}
static void num(long long v)
{
    char b[24], *p = b + 23; unsigned long long u = v < 0 ? -(unsigned long long)v : (unsigned long long)v;
    *p = 0;
    do { *--p = (char)('0' + u % 10); u /= 10; } while (u);
    if (v < 0) *--p = '-';
    put(p);
}
static void line(const char *label, long long v) { put(label); put(" "); num(v); put("\n"); }
static void sline(const char *label, const char *s) { put(label); put(" ["); put(s ? s : "(null)"); put("]\n"); }
static void wsline(const char *label, const wchar_t *s)
{
    char b[256]; int i = 0;
    for (; s && s[i] && i < 255; i++) b[i] = s[i] < 128 ? (char)s[i] : '?';
    b[i] = 0;
    sline(label, s ? b : NULL);
}
#define check(cond) (put((cond) ? "ok " #cond "\n" : "FAIL " #cond "\n"))
static void __cdecl ignore(const wchar_t *e, const wchar_t *f, const wchar_t *file, unsigned l, uintptr_t r)
{ (void)e; (void)f; (void)file; (void)l; (void)r; }
/* mingw-w64's libmsvcrt.a defines its own _set_invalid_parameter_handler (for old msvcrt.dll versions), which
   msvcrt.dll never sees: the DLL's is reached by name. */
static void quiet(void)
{
    typedef void *(__cdecl *set_t)(void *);
    ((set_t)GetProcAddress(GetModuleHandleA("msvcrt.dll"), "_set_invalid_parameter_handler"))((void *)ignore);
}
"""


def run(tmp_path, width: str, body: str, *args: str):
    return build_and_run(PRELUDE + body, tmp_path, width, *args, flags=FLAGS)


MEMORY = r"""
int main(void)
{
    static char buf[300], ref[300];
    int i, bad = 0;
    for (i = 0; i < 300; i++) ref[i] = (char)(i * 7 + 1);
    /* every length and alignment of a copy, a fill, an overlapping move both ways */
    for (int off = 0; off < 9; off++)
        for (int n = 0; n < 40; n++) {
            memset(buf, 'x', sizeof buf);
            if (memcpy(buf + off, ref, n) != buf + off) bad++;
            if (memcmp(buf + off, ref, n) || buf[off + n] != 'x' || (off && buf[off - 1] != 'x')) bad++;
            memset(buf + off, 0x5A, n);
            for (i = 0; i < n; i++) if (buf[off + i] != 0x5A) bad++;
            if (buf[off + n] != 'x') bad++;
        }
    line("copy/fill errors", bad);
    for (int d = -9; d <= 9; d++) {
        memcpy(buf, ref, 300);
        memmove(buf + 100 + d, buf + 100, 77);
        for (i = 0; i < 77; i++) if (buf[100 + d + i] != ref[100 + i]) bad++;
    }
    line("move errors", bad);
    { char o[16]; char *volatile p = o; strcpy(o, "abcdefgh"); memcpy(p + 2, p, 6); sline("memcpy overlap", o); }
    line("memcmp lt", memcmp("abcdefghij1", "abcdefghij2", 11));
    line("memcmp gt", memcmp("abcdefghi\xff", "abcdefghi\x01", 10));
    line("memcmp eq", memcmp("abc", "abd", 2));
    line("memchr", (char *)memchr("hello world", 'o', 11) - "hello world");
    check(memchr("abc", 'z', 3) == NULL);
    line("_memicmp", _memicmp("HeLLo", "hello", 5));
    line("_memicmp diff", _memicmp("abc", "ABD", 3) < 0);
    {
        char d[10] = "........."; char *p = _memccpy(d, "abc:def", ':', 7);
        line("_memccpy", p - d); sline("_memccpy dst", d);
        check(_memccpy(d, "abc", 'z', 3) == NULL);
    }
    {
        char s[] = "abcdef", d[8] = {0};
        _swab(s, d, 6); sline("_swab", d);
    }
    return 0;
}
"""

MEMORY_OUT = """copy/fill errors 0
move errors 0
memcpy overlap [ababcdef]
memcmp lt -1
memcmp gt 1
memcmp eq 0
memchr 4
ok memchr("abc", 'z', 3) == NULL
_memicmp 0
_memicmp diff 1
_memccpy 4
_memccpy dst [abc:.....]
ok _memccpy(d, "abc", 'z', 3) == NULL
_swab [badcfe]
"""


@pytest.mark.parametrize("width", WIDTHS)
def test_memory_functions(tmp_path, width):
    ran = run(tmp_path, width, MEMORY)
    assert (ran.status, ran.stdout) == (0, MEMORY_OUT)


STRINGS = r"""
int main(void)
{
    char buf[64], *tok, *ctx;
    static char big[5000];
    int i;
    for (i = 0; i < 20; i++) big[i] = 'a';
    for (i = 0; i < 20; i += 3) line("strlen", strlen(big + i));
    line("strnlen", strnlen("abcdef", 3));
    line("strcmp", strcmp("abc", "abd"));
    line("strcmp hi", strcmp("a\xe9", "a1"));
    line("strncmp", strncmp("abcX", "abcY", 3));
    line("strncmp 4", strncmp("abcX", "abcY", 4));
    sline("strchr", strchr("a/b/c", '/'));
    sline("strchr nul", strchr("abc", 0) - 3);
    sline("strrchr", strrchr("a/b/c", '/'));
    sline("strstr", strstr("the cat sat", "sat"));
    sline("strstr none", strstr("the cat", "dog"));
    sline("strstr empty", strstr("abc", ""));
    for (i = 0; i < 4000; i++) big[i] = 'a';
    big[4000] = 'b'; big[4001] = 0;
    line("strstr long", strstr(big, "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaab") - big);
    line("strspn", strspn("aabbcx", "abc"));
    line("strcspn", strcspn("hello, world", " ,"));
    sline("strpbrk", strpbrk("hello, world", " ,"));
    strcpy(buf, "a,b,,c");
    for (tok = strtok(buf, ","); tok; tok = strtok(NULL, ",")) sline("strtok", tok);
    strcpy(buf, "  x y ");
    for (tok = strtok_s(buf, " ", &ctx); tok; tok = strtok_s(NULL, " ", &ctx)) sline("strtok_s", tok);
    strcpy(buf, "ab"); strcat(buf, "cd"); strncat(buf, "efgh", 2); sline("strcat", buf);
    memset(buf, 'z', 10); strncpy(buf, "ab", 5); line("strncpy pad", buf[2] == 0 && buf[4] == 0 && buf[5] == 'z');
    { char *d = _strdup("dup"); sline("_strdup", d); free(d); }
    line("_stricmp", _stricmp("Hello", "hELLO"));
    line("_stricmp _", _stricmp("_", "a") > 0);
    line("_strcmpi", _strcmpi("ABC", "abd"));
    line("_strnicmp", _strnicmp("ABCx", "abcY", 3));
    strcpy(buf, "MiXeD 1"); sline("_strlwr", _strlwr(buf)); sline("_strupr", _strupr(buf));
    strcpy(buf, "abcde"); sline("_strrev", _strrev(buf));
    strcpy(buf, "ab"); sline("_strrev 2", _strrev(buf));
    strcpy(buf, "abcde"); sline("_strnset", _strnset(buf, '*', 2)); sline("_strset", _strset(buf, '-'));
    line("strcoll", strcoll("a", "b"));
    line("_stricoll", _stricoll("A", "a"));
    line("strxfrm", strxfrm(buf, "xyz", sizeof buf)); sline("strxfrm buf", buf);
    return 0;
}
"""

STRINGS_OUT = """strlen 20
strlen 17
strlen 14
strlen 11
strlen 8
strlen 5
strlen 2
strnlen 3
strcmp -1
strcmp hi 1
strncmp 0
strncmp 4 -1
strchr [/b/c]
strchr nul [abc]
strrchr [/c]
strstr [sat]
strstr none [(null)]
strstr empty [abc]
strstr long 3964
strspn 5
strcspn 5
strpbrk [, world]
strtok [a]
strtok [b]
strtok [c]
strtok_s [x]
strtok_s [y]
strcat [abcdef]
strncpy pad 1
_strdup [dup]
_stricmp 0
_stricmp _ 0
_strcmpi -1
_strnicmp 0
_strlwr [mixed 1]
_strupr [MIXED 1]
_strrev [edcba]
_strrev 2 [ba]
_strnset [**cde]
_strset [-----]
strcoll -1
_stricoll 0
strxfrm 3
strxfrm buf [xyz]
"""


@pytest.mark.parametrize("width", WIDTHS)
def test_string_functions(tmp_path, width):
    ran = run(tmp_path, width, STRINGS)
    assert (ran.status, ran.stdout) == (0, STRINGS_OUT)


WIDE = r"""
int main(void)
{
    wchar_t buf[64], *tok;
    line("wcslen", wcslen(L"hello"));
    line("wcsnlen", wcsnlen(L"hello", 2));
    line("wcscmp", wcscmp(L"abc", L"abd"));
    line("wcscmp hi", wcscmp(L"\x1234", L"a"));
    line("wcsncmp", wcsncmp(L"abcX", L"abcY", 3));
    wsline("wcschr", wcschr(L"a\\b\\c", L'\\'));
    wsline("wcsrchr", wcsrchr(L"a\\b\\c", L'\\'));
    wsline("wcsstr", wcsstr(L"the cat sat", L"cat"));
    line("wcsspn", wcsspn(L"aabbcx", L"abc"));
    line("wcsspn long set", wcsspn(L"zyxwvutsrqponmlkjihgfedcbaZYXWVUTSRQ!",
                                   L"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXY"));
    line("wcscspn", wcscspn(L"hello, world", L" ,"));
    wsline("wcspbrk", wcspbrk(L"hello, world", L" ,"));
    wcscpy(buf, L"ab"); wcscat(buf, L"cd"); wcsncat(buf, L"efgh", 2); wsline("wcscat", buf);
    wcscpy(buf, L"a b");
    for (tok = wcstok(buf, L" "); tok; tok = wcstok(NULL, L" ")) wsline("wcstok", tok);
    { wchar_t *d = _wcsdup(L"dup"); wsline("_wcsdup", d); free(d); }
    line("_wcsicmp", _wcsicmp(L"Hello", L"hELLO"));
    line("_wcsnicmp", _wcsnicmp(L"ABCx", L"abcY", 4) < 0);
    wcscpy(buf, L"MiXeD"); wsline("_wcslwr", _wcslwr(buf)); wsline("_wcsupr", _wcsupr(buf));
    wcscpy(buf, L"abc"); wsline("_wcsrev", _wcsrev(buf));
    line("wcscoll", wcscoll(L"b", L"a"));
    line("towupper", towupper(L'q'));
    return 0;
}
"""

WIDE_OUT = """wcslen 5
wcsnlen 2
wcscmp -1
wcscmp hi 1
wcsncmp 0
wcschr [\\b\\c]
wcsrchr [\\c]
wcsstr [cat sat]
wcsspn 5
wcsspn long set 26
wcscspn 5
wcspbrk [, world]
wcscat [abcdef]
wcstok [a]
wcstok [b]
_wcsdup [dup]
_wcsicmp 0
_wcsnicmp 1
_wcslwr [mixed]
_wcsupr [MIXED]
_wcsrev [cba]
wcscoll 1
towupper 81
"""


@pytest.mark.parametrize("width", WIDTHS)
def test_wide_string_functions(tmp_path, width):
    ran = run(tmp_path, width, WIDE)
    assert (ran.status, ran.stdout) == (0, WIDE_OUT)


BOUNDED = r"""
int main(void)
{
    char d[8];
    wchar_t w[4];
    quiet();
    errno = 0; line("strcpy_s", strcpy_s(d, sizeof d, "1234567")); sline("dst", d);
    errno = 0; line("strcpy_s small", strcpy_s(d, sizeof d, "12345678")); line("errno", errno); line("d0", d[0]);
    errno = 0; line("strcpy_s null src", strcpy_s(d, sizeof d, NULL)); line("errno", errno);
    errno = 0; line("strcpy_s null dst", strcpy_s(NULL, 5, "a")); line("errno", errno);
    strcpy(d, "ab"); line("strcat_s", strcat_s(d, sizeof d, "cde")); sline("dst", d);
    line("strcat_s small", strcat_s(d, sizeof d, "xyz")); line("d0", d[0]);
    line("strncpy_s", strncpy_s(d, sizeof d, "abcdefghij", 3)); sline("dst", d);
    line("strncpy_s trunc", strncpy_s(d, sizeof d, "abcdefghij", _TRUNCATE)); sline("dst", d);
    line("strncpy_s range", strncpy_s(d, sizeof d, "abcdefghij", 9)); line("d0", d[0]);
    line("strncpy_s zero", strncpy_s(NULL, 0, "x", 0));
    strcpy(d, "ab"); line("strncat_s", strncat_s(d, sizeof d, "cdefgh", 2)); sline("dst", d);
    line("strncat_s trunc", strncat_s(d, sizeof d, "123456", _TRUNCATE)); sline("dst", d);
    memset(d, 'q', sizeof d);
    line("memcpy_s", memcpy_s(d, 4, "abcdef", 6)); line("zeroed", d[0] == 0 && d[3] == 0 && d[4] == 'q');
    line("memcpy_s ok", memcpy_s(d, 8, "abcdef", 7)); sline("dst", d);
    line("memcpy_s null src", memcpy_s(d, 8, NULL, 1)); line("d0", d[0]);
    line("memmove_s", memmove_s(d, 2, "abc", 3));
    line("wcscpy_s", wcscpy_s(w, 4, L"abc"));
    line("wcscpy_s small", wcscpy_s(w, 4, L"abcd"));
    line("wcsncpy_s trunc", wcsncpy_s(w, 4, L"abcdef", _TRUNCATE)); wsline("dst", w);
    return 0;
}
"""

BOUNDED_OUT = """strcpy_s 0
dst [1234567]
strcpy_s small 34
errno 34
d0 0
strcpy_s null src 22
errno 22
strcpy_s null dst 22
errno 22
strcat_s 0
dst [abcde]
strcat_s small 34
d0 0
strncpy_s 0
dst [abc]
strncpy_s trunc 80
dst [abcdefg]
strncpy_s range 34
d0 0
strncpy_s zero 0
strncat_s 0
dst [abcd]
strncat_s trunc 80
dst [abcd123]
memcpy_s 34
zeroed 1
memcpy_s ok 0
dst [abcdef]
memcpy_s null src 22
d0 0
memmove_s 34
wcscpy_s 0
wcscpy_s small 34
wcsncpy_s trunc 80
dst [abc]
"""


@pytest.mark.parametrize("width", WIDTHS)
def test_bounds_checked_functions(tmp_path, width):
    ran = run(tmp_path, width, BOUNDED)
    assert (ran.status, ran.stdout) == (0, BOUNDED_OUT)


@pytest.mark.parametrize("width", WIDTHS)
def test_invalid_parameter_without_handler_ends_the_process(tmp_path, width):
    ran = run(tmp_path, width, r"""
int main(void) { char d[2]; put("before\n"); strcpy_s(d, sizeof d, "too long"); put("after\n"); return 0; }
""")
    assert (ran.status, ran.stdout) == (0xC0000409, "before\n")


CONVERSIONS = r"""
static void strtol_line(const char *s, int base)
{
    char *end; long v;
    errno = 0; v = strtol(s, &end, base);
    put("strtol ["); put(s); put("] "); num(base); put(" -> "); num(v); put(" end +"); num(end - s);
    put(" errno "); num(errno); put("\n");
}
static void strtoul_line(const char *s, int base)
{
    char *end; unsigned long v;
    errno = 0; v = strtoul(s, &end, base);
    put("strtoul ["); put(s); put("] "); num(base); put(" -> "); num(v); put(" end +"); num(end - s);
    put(" errno "); num(errno); put("\n");
}
int main(void)
{
    char buf[80];
    wchar_t wbuf[40], *wend;
    strtol_line("  -123xyz", 10);
    strtol_line("2147483647", 10);
    strtol_line("2147483648", 10);
    strtol_line("-2147483648", 10);
    strtol_line("-2147483649", 0);
    strtol_line("99999999999999999999", 10);
    strtol_line("0x1fZ", 0);
    strtol_line("0x1f", 16);
    strtol_line("0x", 16);
    strtol_line("017", 0);
    strtol_line("\t+z", 36);
    strtol_line("102", 2);
    strtol_line("", 10);
    strtol_line("   ", 10);
    strtol_line("-", 10);
    strtoul_line("4294967295", 10);
    strtoul_line("4294967296", 10);
    strtoul_line("-1", 10);
    strtoul_line("-4294967296", 10);
    errno = 0; line("_strtoi64", _strtoi64("-9223372036854775808", NULL, 10) == LLONG_MIN); line("errno", errno);
    errno = 0; line("_strtoi64 over", _strtoi64("9223372036854775808", NULL, 10) == LLONG_MAX); line("errno", errno);
    errno = 0; line("_strtoui64", _strtoui64("18446744073709551615", NULL, 10) == ULLONG_MAX); line("errno", errno);
    errno = 0; line("_strtoui64 over", _strtoui64("18446744073709551616", NULL, 10) == ULLONG_MAX);
    line("errno", errno);
    errno = 0; line("atoi", atoi("  42abc")); line("atoi over", atoi("3000000000")); line("errno", errno);
    line("atol", atol("-7"));
    line("_atoi64", _atoi64("123456789012") == 123456789012LL);
    line("_wtoi", _wtoi(L" 77"));
    line("wcstol", wcstol(L"-0x10", &wend, 16)); line("wcstol end", *wend);
    line("wcstoul", wcstoul(L"ff", NULL, 16));
    quiet();
    errno = 0; line("strtol base 1", strtol("5", NULL, 1)); line("errno", errno);
    sline("_itoa", _itoa(-255, buf, 10));
    sline("_itoa hex", _itoa(-1, buf, 16));
    sline("_itoa 2", _itoa(5, buf, 2));
    sline("_ltoa", _ltoa(-2147483647 - 1, buf, 10));
    sline("_ultoa", _ultoa(4294967295u, buf, 36));
    sline("_i64toa", _i64toa(-9223372036854775807LL - 1, buf, 10));
    sline("_ui64toa", _ui64toa(18446744073709551615ULL, buf, 16));
    line("_itoa_s small", _itoa_s(12345, buf, 5, 10)); line("b0", buf[0]);
    line("_itoa_s", _itoa_s(1234, buf, 5, 10)); sline("buf", buf);
    line("_itoa_s radix", _itoa_s(1, buf, 5, 37));
    wsline("_itow", _itow(-42, wbuf, 10));
    wsline("_ui64tow", _ui64tow(255, wbuf, 2));
    return 0;
}
"""

CONVERSIONS_OUT = """strtol [  -123xyz] 10 -> -123 end +6 errno 0
strtol [2147483647] 10 -> 2147483647 end +10 errno 0
strtol [2147483648] 10 -> 2147483647 end +10 errno 34
strtol [-2147483648] 10 -> -2147483648 end +11 errno 0
strtol [-2147483649] 0 -> -2147483648 end +11 errno 34
strtol [99999999999999999999] 10 -> 2147483647 end +20 errno 34
strtol [0x1fZ] 0 -> 31 end +4 errno 0
strtol [0x1f] 16 -> 31 end +4 errno 0
strtol [0x] 16 -> 0 end +0 errno 0
strtol [017] 0 -> 15 end +3 errno 0
strtol [\t+z] 36 -> 35 end +3 errno 0
strtol [102] 2 -> 2 end +2 errno 0
strtol [] 10 -> 0 end +0 errno 0
strtol [   ] 10 -> 0 end +0 errno 0
strtol [-] 10 -> 0 end +0 errno 0
strtoul [4294967295] 10 -> 4294967295 end +10 errno 0
strtoul [4294967296] 10 -> 4294967295 end +10 errno 34
strtoul [-1] 10 -> 4294967295 end +2 errno 0
strtoul [-4294967296] 10 -> 4294967295 end +11 errno 34
_strtoi64 1
errno 0
_strtoi64 over 1
errno 34
_strtoui64 1
errno 0
_strtoui64 over 1
errno 34
atoi 42
atoi over 2147483647
errno 34
atol -7
_atoi64 1
_wtoi 77
wcstol -16
wcstol end 0
wcstoul 255
strtol base 1 0
errno 22
_itoa [-255]
_itoa hex [ffffffff]
_itoa 2 [101]
_ltoa [-2147483648]
_ultoa [1z141z3]
_i64toa [-9223372036854775808]
_ui64toa [ffffffffffffffff]
_itoa_s small 34
b0 0
_itoa_s 0
buf [1234]
_itoa_s radix 22
_itow [-42]
_ui64tow [11111111]
"""


@pytest.mark.parametrize("width", WIDTHS)
def test_integer_conversions(tmp_path, width):
    ran = run(tmp_path, width, CONVERSIONS)
    assert (ran.status, ran.stdout) == (0, CONVERSIONS_OUT.replace("\\t", "\t"))


STRERROR = r"""
int main(void)
{
    char buf[16];
    wchar_t wbuf[64];
    sline("strerror 0", strerror(0));
    sline("strerror 2", strerror(ENOENT));
    sline("strerror 12", strerror(12));
    sline("strerror 16", strerror(16));
    sline("strerror 42", strerror(42));
    sline("strerror 43", strerror(43));
    sline("strerror -1", strerror(-1));
    sline("strerror 1000", strerror(1000));
    line("_sys_nerr", _sys_nerr);
    sline("_sys_errlist 13", _sys_errlist[13]);
    errno = EACCES; sline("_strerror", _strerror("open"));
    errno = EEXIST; sline("_strerror null", _strerror(NULL));
    line("strerror_s", strerror_s(buf, sizeof buf, ENOENT)); sline("buf", buf);
    line("strerror_s fits", strerror_s(buf, sizeof buf, EDOM)); sline("buf", buf);
    wsline("_wcserror", _wcserror(EINVAL));
    line("_wcserror_s", _wcserror_s(wbuf, 64, 34)); wsline("wbuf", wbuf);
    return 0;
}
"""

STRERROR_OUT = """strerror 0 [No error]
strerror 2 [No such file or directory]
strerror 12 [Not enough space]
strerror 16 [Resource device]
strerror 42 [Illegal byte sequence]
strerror 43 [Unknown error]
strerror -1 [Unknown error]
strerror 1000 [Unknown error]
_sys_nerr 43
_sys_errlist 13 [Permission denied]
_strerror [open: Permission denied
]
_strerror null [File exists
]
strerror_s 0
buf [No such file or]
strerror_s fits 0
buf [Domain error]
_wcserror [Invalid argument]
_wcserror_s 0
wbuf [Result too large]
"""


@pytest.mark.parametrize("width", WIDTHS)
def test_strerror(tmp_path, width):
    ran = run(tmp_path, width, STRERROR)
    assert (ran.status, ran.stdout) == (0, STRERROR_OUT)


EXTRAS = r"""
int main(void)
{
    char buf[64], path[MAX_PATH];
    wchar_t w[8];
    _locale_t c = _create_locale(LC_ALL, "C"), us = _create_locale(LC_ALL, "English_United States.1252");
    errno = ENOENT; line("_strerror_s", _strerror_s(buf, sizeof buf, "x")); sline("buf", buf);
    line("_stricmp_l C", _stricmp_l("\xc9", "\xe9", c) != 0);
    line("_stricmp_l 1252", _stricmp_l("\xc9", "\xe9", us));
    line("_strnicmp_l", _strnicmp_l("ABx", "aby", 2, c));
    strcpy(buf, "\xe9t\xe9"); _strupr_l(buf, us); put("_strupr_l "); hex((unsigned char)buf[0]); put("\n");
    line("_strtol_l", _strtol_l("  -0x1F", NULL, 16, c));
    line("_atoi_l", _atoi_l("77", c));
    line("isleadbyte", isleadbyte(0x81));
    line("_iswalpha_l", _iswalpha_l(L'x', c) != 0);
    line("_memicmp_l 1252", _memicmp_l("\xc9", "\xe9", 1, us));
    line("_memicmp_l C", _memicmp_l("\xc9", "\xe9", 1, c) != 0);
    strcpy(buf, "abc"); line("_strset_s", _strset_s(buf, 4, 'z')); sline("buf", buf);
    strcpy(buf, "abc"); line("_strnset_s", _strnset_s(buf, 4, 'y', 2)); sline("buf", buf);
    line("wmemcpy_s", wmemcpy_s(w, 8, L"hey", 4)); wsline("w", w);
    line("towctrans", towctrans(L'a', wctrans("toupper")));
    CreateDirectoryA("C:\\tools", NULL);
    CloseHandle(CreateFileA("C:\\tools\\probe.txt", GENERIC_WRITE, 0, NULL, CREATE_NEW, 0, NULL));
    _putenv("WOWPATH=C:\\nowhere;C:\\tools");
    _searchenv("probe.txt", "WOWPATH", path); sline("_searchenv", path);
    errno = 0; _searchenv("absent.txt", "WOWPATH", path); sline("_searchenv absent", path); line("errno", errno);
    _free_locale(c); _free_locale(us);
    return 0;
}
"""

EXTRAS_OUT = """_strerror_s 0
buf [x: No such file or directory
]
_stricmp_l C 1
_stricmp_l 1252 0
_strnicmp_l 0
_strupr_l c9
_strtol_l -31
_atoi_l 77
isleadbyte 0
_iswalpha_l 1
_memicmp_l 1252 0
_memicmp_l C 1
_strset_s 0
buf [zzz]
_strnset_s 0
buf [yyc]
wmemcpy_s 0
w [hey]
towctrans 65
_searchenv [C:\\tools\\probe.txt]
_searchenv absent []
errno 2
"""


@pytest.mark.parametrize("width", WIDTHS)
def test_locale_forms_and_lesser_functions(tmp_path, width):
    ran = run(tmp_path, width, EXTRAS)
    assert (ran.status, ran.stdout) == (0, EXTRAS_OUT)
