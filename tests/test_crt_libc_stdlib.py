"""The C runtime's <stdlib.h> beyond strings (guest/crt: sort.c, stdlib.c, env.c, stdlib_path.c,
conv_multibyte.c, mbstring.c): sorting and searching, rand, the arithmetic helpers, the environment, the path
functions and the multibyte conversions, in programs built by the standard mingw-w64 toolchain, in both widths,
compared with what Windows' msvcrt.dll prints."""

from __future__ import annotations

import pytest

from tests.test_crt_libc import WIDTHS, run

SORTING = r"""
static long calls;
static int __cdecl by_value(const void *a, const void *b)
{
    int x = *(const int *)a, y = *(const int *)b;
    calls++;
    return x < y ? -1 : x > y;
}
static int __cdecl by_value_desc(void *context, const void *a, const void *b)
{
    ++*(int *)context;
    return by_value(b, a);
}
struct rec { char name[6]; short key; };
static int __cdecl by_key(const void *a, const void *b)
{ return ((const struct rec *)a)->key - ((const struct rec *)b)->key; }
int main(void)
{
    static int v[10000];
    unsigned long long sum = 0, sum2 = 0;
    int i, bad = 0, ctx = 0, key, *found;
    unsigned n;
    struct rec recs[5] = {{"e", 5}, {"a", 1}, {"d", 4}, {"c", 3}, {"b", 2}};
    srand(7);
    for (i = 0; i < 10000; i++) { v[i] = rand() % 50; sum += v[i]; }
    qsort(v, 10000, sizeof v[0], by_value);
    for (i = 1; i < 10000; i++) if (v[i - 1] > v[i]) bad++;
    for (i = 0; i < 10000; i++) sum2 += v[i];
    line("many duplicates: out of order", bad);
    line("same elements", sum == sum2);
    line("n log n comparisons", calls < 400000);
    for (i = 0; i < 10000; i++) v[i] = i;
    calls = 0; qsort(v, 10000, sizeof v[0], by_value);
    line("sorted input stays linearithmic", calls < 400000);
    for (i = 0; i < 10000; i++) v[i] = 10000 - i;
    calls = 0; qsort(v, 10000, sizeof v[0], by_value);
    line("reversed input: first", v[0]);
    line("reversed input stays linearithmic", calls < 400000);
    for (i = 0; i < 10000; i++) v[i] = 1;
    calls = 0; qsort(v, 10000, sizeof v[0], by_value);
    line("all equal stays linearithmic", calls < 400000);
    for (i = 0; i < 1000; i++) v[i] = (i * 7919) % 1000;
    qsort_s(v, 1000, sizeof v[0], by_value_desc, &ctx);
    line("qsort_s first", v[0]); line("qsort_s last", v[999]); line("qsort_s used context", ctx > 0);
    qsort(recs, 5, sizeof recs[0], by_key);
    for (i = 0; i < 5; i++) put(recs[i].name);
    put("\n");
    for (i = 0; i < 1000; i++) v[i] = 2 * i;
    key = 1234; found = bsearch(&key, v, 1000, sizeof v[0], by_value); line("bsearch", found - v);
    key = 1235; line("bsearch absent", bsearch(&key, v, 1000, sizeof v[0], by_value) == NULL);
    key = 0; line("bsearch first", (int *)bsearch(&key, v, 1000, sizeof v[0], by_value) - v);
    key = 1998; line("bsearch last", (int *)bsearch(&key, v, 1000, sizeof v[0], by_value) - v);
    n = 3; v[0] = 5; v[1] = 6; v[2] = 7; key = 6;
    line("_lfind", (int *)_lfind(&key, v, &n, sizeof v[0], by_value) - v);
    key = 9; line("_lfind absent", _lfind(&key, v, &n, sizeof v[0], by_value) == NULL);
    found = _lsearch(&key, v, &n, sizeof v[0], by_value);
    line("_lsearch appended at", found - v); line("count", n); line("value", v[3]);
    return 0;
}
"""

SORTING_OUT = """many duplicates: out of order 0
same elements 1
n log n comparisons 1
sorted input stays linearithmic 1
reversed input: first 1
reversed input stays linearithmic 1
all equal stays linearithmic 1
qsort_s first 999
qsort_s last 0
qsort_s used context 1
abcde
bsearch 617
bsearch absent 1
bsearch first 0
bsearch last 999
_lfind 1
_lfind absent 1
_lsearch appended at 3
count 4
value 9
"""


@pytest.mark.parametrize("width", WIDTHS)
def test_sorting_and_searching(tmp_path, width):
    ran = run(tmp_path, width, SORTING)
    assert (ran.status, ran.stdout) == (0, SORTING_OUT)


ARITHMETIC = r"""
int main(void)
{
    int i;
    div_t d; ldiv_t ld;
    srand(1);
    for (i = 0; i < 5; i++) line("rand", rand());
    srand(12345); line("rand 12345", rand());
    line("next", rand());
    line("abs", abs(-5)); line("labs", labs(-7L)); line("_abs64", _abs64(-8LL));
    d = div(-7, 2); line("div quot", d.quot); line("div rem", d.rem);
    ld = ldiv(100L, 7L); line("ldiv quot", ld.quot); line("ldiv rem", ld.rem);
    put("_rotl "); hex(_rotl(0x80000001u, 1)); put("\n");
    put("_rotr "); hex(_rotr(0x80000001u, 4)); put("\n");
    put("_rotl64 "); hex(_rotl64(0x8000000000000001ull, 4)); put("\n");
    put("_rotr64 "); hex(_rotr64(0x1ull, 1)); put("\n");
    return 0;
}
"""

ARITHMETIC_OUT = """rand 41
rand 18467
rand 6334
rand 26500
rand 19169
rand 12345 7584
next 19164
abs 5
labs 7
_abs64 8
div quot -3
div rem -1
ldiv quot 14
ldiv rem 2
_rotl 3
_rotr 18000000
_rotl64 18
_rotr64 8000000000000000
"""


@pytest.mark.parametrize("width", WIDTHS)
def test_rand_and_arithmetic(tmp_path, width):
    ran = run(tmp_path, width, ARITHMETIC)
    assert (ran.status, ran.stdout) == (0, ARITHMETIC_OUT)


ENVIRONMENT = r"""
static void both(const char *name)
{
    char buf[64];
    DWORD n = GetEnvironmentVariableA(name, buf, sizeof buf);
    put(name); put(": getenv ["); put(getenv(name) ? getenv(name) : "(null)");
    put("] process ["); put(n ? buf : "(unset)"); put("]\n");
}
int main(void)
{
    char buf[8], *dup;
    size_t len;
    wchar_t *w;
    int found = 0;
    both("WOW_A");
    line("_putenv", _putenv("WOW_A=one"));
    both("WOW_A");
    sline("getenv other case", getenv("wow_a"));
    line("_putenv_s", _putenv_s("WOW_B", "two"));
    both("WOW_B");
    w = _wgetenv(L"WOW_B"); wsline("_wgetenv", w);
    line("_wputenv", _wputenv(L"WOW_C=three"));
    both("WOW_C");
    for (char **e = _environ; *e; e++) if (!strcmp(*e, "WOW_C=three")) found++;
    line("in _environ", found);
    SetEnvironmentVariableA("WOW_D", "from win32");
    line("getenv_s", getenv_s(&len, buf, sizeof buf, "WOW_A")); sline("buf", buf); line("len", len);
    line("getenv_s unset", getenv_s(&len, buf, sizeof buf, "WOW_NONE")); line("len", len);
    _putenv("WOW_LONG=0123456789");
    line("getenv_s small", getenv_s(&len, buf, sizeof buf, "WOW_LONG")); line("len", len);
    /* i686 libmsvcrt.a has no _dupenv_s: the DLL's, by name */
    {
        typedef int (__cdecl *dupenv_t)(char **, size_t *, const char *);
        dupenv_t dupenv = (dupenv_t)GetProcAddress(GetModuleHandleA("msvcrt.dll"), "_dupenv_s");
        line("_dupenv_s", dupenv(&dup, &len, "WOW_B")); sline("dup", dup); line("len", len); free(dup);
    }
    line("_putenv remove", _putenv("WOW_A="));
    both("WOW_A");
    line("_putenv_s remove", _putenv_s("WOW_B", ""));
    both("WOW_B");
    errno = 0; line("_putenv without =", _putenv("WOW_E")); line("errno", errno);
    return 0;
}
"""

ENVIRONMENT_OUT = """WOW_A: getenv [(null)] process [(unset)]
_putenv 0
WOW_A: getenv [one] process [one]
getenv other case [one]
_putenv_s 0
WOW_B: getenv [two] process [two]
_wgetenv [two]
_wputenv 0
WOW_C: getenv [three] process [three]
in _environ 1
getenv_s 0
buf [one]
len 4
getenv_s unset 0
len 0
getenv_s small 34
len 11
_dupenv_s 0
dup [two]
len 4
_putenv remove 0
WOW_A: getenv [(null)] process [(unset)]
_putenv_s remove 0
WOW_B: getenv [(null)] process [(unset)]
_putenv without = -1
errno 22
"""


@pytest.mark.parametrize("width", WIDTHS)
def test_environment(tmp_path, width):
    ran = run(tmp_path, width, ENVIRONMENT)
    assert (ran.status, ran.stdout) == (0, ENVIRONMENT_OUT)


PATHS = r"""
static void split(const char *path)
{
    char drive[3], dir[256], fname[256], ext[256];
    _splitpath(path, drive, dir, fname, ext);
    put("["); put(path); put("] -> ["); put(drive); put("] ["); put(dir); put("] ["); put(fname); put("] [");
    put(ext); put("]\n");
}
int main(void)
{
    char out[300], small[4], *p;
    wchar_t wd[4], wdir[64], wf[64], we[16];
    split("C:\\dir\\sub\\file.tar.gz");
    split("relative/path.txt");
    split("noext");
    split(".hidden");
    split("D:");
    split("\\\\server\\share\\x.y");
    split("dir.d\\name");
    quiet();
    line("_splitpath_s small", _splitpath_s("C:\\d\\file.txt", small, 4, NULL, 0, small, 4, NULL, 0));
    _wsplitpath(L"E:\\w\\wide.c", wd, wdir, wf, we); wsline("_wsplitpath", wdir); wsline("ext", we);
    _makepath(out, "c", "\\dir", "name", "txt"); sline("_makepath", out);
    _makepath(out, NULL, "dir/", "name", ".c"); sline("_makepath slash", out);
    _makepath(out, "", "", "name", ""); sline("_makepath name", out);
    line("_makepath_s small", _makepath_s(small, 4, "c", "dir", "n", "e")); line("p0", small[0]);
    SetCurrentDirectoryA("C:\\");
    p = _fullpath(out, "a\\..\\b.txt", sizeof out); sline("_fullpath", p);
    p = _fullpath(NULL, "x", 0); sline("_fullpath malloc", p); free(p);
    errno = 0; line("_fullpath small", _fullpath(small, "abcdef", 4) == NULL); line("errno", errno);
    return 0;
}
"""

PATHS_OUT = r"""[C:\dir\sub\file.tar.gz] -> [C:] [\dir\sub\] [file.tar] [.gz]
[relative/path.txt] -> [] [relative/] [path] [.txt]
[noext] -> [] [] [noext] []
[.hidden] -> [] [] [] [.hidden]
[D:] -> [D:] [] [] []
[\\server\share\x.y] -> [] [\\server\share\] [x] [.y]
[dir.d\name] -> [] [dir.d\] [name] []
_splitpath_s small 34
_wsplitpath [\w\]
ext [.c]
_makepath [c:\dir\name.txt]
_makepath slash [dir/name.c]
_makepath name [name]
_makepath_s small 34
p0 0
_fullpath [C:\b.txt]
_fullpath malloc [C:\x]
_fullpath small 1
errno 34
"""


@pytest.mark.parametrize("width", WIDTHS)
def test_path_functions(tmp_path, width):
    ran = run(tmp_path, width, PATHS)
    assert (ran.status, ran.stdout) == (0, PATHS_OUT)


MULTIBYTE = r"""
int main(void)
{
    wchar_t w[8], wc;
    char b[8];
    const char *src;
    size_t n;
    int r;
    line("MB_CUR_MAX", MB_CUR_MAX);
    line("mbtowc", mbtowc(&wc, "\xe9", 1)); line("wc", wc);
    line("mbtowc nul", mbtowc(&wc, "", 1));
    line("mblen", mblen("abc", 3));
    errno = 0; line("wctomb euro", wctomb(b, 0x20AC)); line("errno", errno);
    line("wctomb e-acute", wctomb(b, 0xE9)); line("byte", (unsigned char)b[0]);
    line("mbstowcs", mbstowcs(w, "a\x80z", 8)); line("w1", w[1]);
    line("mbstowcs count", mbstowcs(NULL, "hello", 0));
    line("wcstombs", wcstombs(b, L"xyz", 8)); sline("b", b);
    line("btowc", btowc('A')); line("wctob", wctob(L'B')); line("wctob wide", wctob(0x3042));
    src = "hi"; line("mbsrtowcs", mbsrtowcs(w, &src, 8, NULL)); line("src null", src == NULL);
    line("mbrtowc", mbrtowc(&wc, "q", 1, NULL)); line("wc", wc);
    line("mbsinit", mbsinit(NULL) != 0);
    line("mbstowcs_s", mbstowcs_s(&n, w, 8, "abc", _TRUNCATE)); line("n", n);
    line("wcstombs_s", wcstombs_s(&n, b, 3, L"abcd", _TRUNCATE)); line("n", n); sline("b", b);
    put("after setlocale: "); put(setlocale(LC_ALL, "")); put("\n");
    line("mbtowc 0x80", mbtowc(&wc, "\x80", 1)); put("wc "); hex(wc); put("\n");
    r = wctomb(b, 0x20AC); line("wctomb euro", r); put("byte "); hex((unsigned char)b[0]); put("\n");
    line("_getmbcp", _getmbcp());
    {
        unsigned char m[] = "Stra\xdf\xe9";
        line("_mbslen", _mbslen(m)); line("_mbschr", _mbschr(m, 0xe9) - m);
        line("_mbsicmp", _mbsicmp(m, (const unsigned char *)"STRA\xdf\xc9"));
        _mbsupr(m); put("_mbsupr "); hex(m[5]); put("\n");
        line("_mbsinc", _mbsinc(m) - m); line("_ismbblead", _ismbblead(0xe9));
    }
    return 0;
}
"""

MULTIBYTE_OUT = """MB_CUR_MAX 1
mbtowc 1
wc 233
mbtowc nul 0
mblen 1
wctomb euro -1
errno 42
wctomb e-acute 1
byte 233
mbstowcs 3
w1 128
mbstowcs count 5
wcstombs 3
b [xyz]
btowc 65
wctob 66
wctob wide -1
mbsrtowcs 2
src null 1
mbrtowc 1
wc 113
mbsinit 1
mbstowcs_s 0
n 4
wcstombs_s 80
n 3
b [ab]
after setlocale: English_United States.1252
mbtowc 0x80 1
wc 20ac
wctomb euro 1
byte 80
_getmbcp 1252
_mbslen 6
_mbschr 5
_mbsicmp 0
_mbsupr c9
_mbsinc 1
_ismbblead 0
"""


@pytest.mark.parametrize("width", WIDTHS)
def test_multibyte_conversions(tmp_path, width):
    ran = run(tmp_path, width, MULTIBYTE)
    assert (ran.status, ran.stdout) == (0, MULTIBYTE_OUT)
