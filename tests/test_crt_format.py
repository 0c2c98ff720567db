"""The guest C runtime's printf and scanf families and its conversions between doubles and decimal (guest/crt/format*,
scan*, fltconv.c, strtod*), in both DLLs and both widths, with programs built by mingw-w64's own gcc as a user
builds them.

msvcrt.dll: the program is built as usual with `-D__USE_MINGW_ANSI_STDIO=0` (else mingw-w64's C99 mode routes
printf to its own libmingwex implementation and never calls the DLL). ucrtbase.dll: `-D_UCRT` makes mingw-w64's
headers call ucrtbase's __stdio_common_* functions with their options, the way programs built against the UCRT do;
the program has its own entry point (`-nostdlib`, no mingw-w64 start-up code for the UCRT in this toolchain) and
imports ucrtbase.dll through the toolchain's libucrtbase.a. `-fno-builtin` keeps gcc from folding constant calls.

Each program formats into a buffer and writes it with WriteFile: expected bytes are exact, the same in both widths
(apart from %p's digit count), and are what Windows 10's msvcrt.dll and ucrtbase.dll give.
"""

from __future__ import annotations

import random
import struct
from decimal import Decimal
from pathlib import Path

import pytest

from tests.toolchain import Ran, build, run_program

WIDTHS = ("x86", "x64")
FLAVORS = ("msvcrt", "ucrtbase")

PRELUDE = r"""
#include <windows.h>
#include <stdio.h>
#include <stdlib.h>
#include <wchar.h>
#include <errno.h>
#ifdef _UCRT
#define CRT_DLL "ucrtbase.dll"
#else
#define CRT_DLL "msvcrt.dll"
#endif
static char outbuf[65536];
static int outlen;
static void out(const char *s) { while (*s && outlen < (int)sizeof outbuf) outbuf[outlen++] = *s++; }
static void outnum(long long v)
{
    char t[24]; int n = 0; unsigned long long u = v < 0 ? -(unsigned long long)v : (unsigned long long)v;
    if (v < 0) out("-");
    do t[n++] = (char)('0' + u % 10); while (u /= 10);
    while (n) { char c[2] = {t[--n], 0}; out(c); }
}
static void flush(void) { DWORD w; WriteFile(GetStdHandle(STD_OUTPUT_HANDLE), outbuf, outlen, &w, NULL); outlen = 0; }
static FARPROC crt(const char *name) { return GetProcAddress(GetModuleHandleA(CRT_DLL), name); }
#ifdef _UCRT
int main(void);
void __main(void) {}
void start(void) { ExitProcess(main()); }
#endif
/* T(format, args...): the text sprintf gives, '|', its return value, a new line. */
#define T(...) do { char b_[4096]; int r_ = sprintf(b_, __VA_ARGS__); out(b_); out("|"); outnum(r_); out("\n"); } \
               while (0)
"""


def run_c(body: str, tmp_path: Path, width: str, flavor: str, *, stdin: bytes = b"") -> Ran:
    """Builds PRELUDE + body against `flavor`'s DLL and runs it."""
    if flavor == "msvcrt":
        flags: tuple[str, ...] = ("-O2", "-fno-builtin", "-D__USE_MINGW_ANSI_STDIO=0")
        libs: tuple[str, ...] = ()
    else:
        flags = ("-O2", "-fno-builtin", "-D_UCRT", "-nostdlib")
        libs = ("ucrtbase", "kernel32", "gcc")
    program = build(PRELUDE + body, tmp_path / f"prog_{flavor}_{width}.exe", width, flags=flags, libs=libs)
    root = tmp_path / f"c_{flavor}_{width}"
    root.mkdir()
    return run_program(program, root, stdin=stdin)


def table(rows: list[tuple[str, str] | tuple[str, str, str]], flavor: str) -> tuple[str, str]:
    """A program printing T(row[0]) for each row, and the output expected: row[1] (both DLLs) or row[1] (msvcrt)
    and row[2] (ucrtbase), each followed by '|' and its length as sprintf returns it."""
    body = "int main(void)\n{\n" + "".join(f"    T({row[0]});\n" for row in rows) + "    flush();\n    return 0;\n}\n"
    expected = ""
    for row in rows:
        text = row[1] if len(row) == 2 or flavor == "msvcrt" else row[2]  # type: ignore[misc]
        expected += f"{text}|{len(text)}\n"
    return body, expected


def expect(ran: Ran, expected: str) -> None:
    """The program ended with 0 and wrote `expected` (compared line by line for a readable difference)."""
    assert ran.status == 0
    assert ran.stdout.split("\n") == expected.split("\n")


def check_table(rows: list, tmp_path: Path, width: str, flavor: str) -> None:
    body, expected = table(rows, flavor)
    expect(run_c(body, tmp_path, width, flavor), expected)


both = pytest.mark.parametrize("flavor", FLAVORS)
widths = pytest.mark.parametrize("width", WIDTHS)


INTEGERS = [
    (r'"[%d] [%5d] [%-5d] [%05d] [%+d] [% d]", 42, 42, 42, -42, 42, 42', "[42] [   42] [42   ] [-0042] [+42] [ 42]"),
    (r'"[%.3d] [%.0d] [%5.0d] [%08.3d] [%-+6d] [%#.0o] [%.0x]", 7, 0, 0, -7, 3, 0, 0',
     "[007] [] [     ] [    -007] [+3    ] [0] []"),
    (r'"[%u] [%i] [%d]", -1, -2147483647 - 1, 2147483647', "[4294967295] [-2147483648] [2147483647]"),
    (r'"[%x] [%X] [%#x] [%#X] [%#x] [%#o] [%#o] [%o]", 255, 255, 255, 255, 0, 8, 0, 8',
     "[ff] [FF] [0xff] [0XFF] [0] [010] [0] [10]"),
    (r'"[%#10x] [%#010x] [%-#10o]", 255, 255, 8', "[      0xff] [0x000000ff] [010       ]"),
    (r'"[%*d] [%-*d] [%*d] [%.*d]", 4, 1, 4, 2, -4, 3, 3, 4', "[   1] [2   ] [3   ] [004]"),
    (r'"[%lld] [%llu] [%I64d] [%I64x] [%I32d]", -1234567890123LL, 18446744073709551615ULL, 9007199254740993LL, '
     r'0x123456789abcULL, -5',
     "[-1234567890123] [18446744073709551615] [9007199254740993] [123456789abc] [-5]"),
    (r'"[%hd] [%hu] [%hx] [%ld] [%lu]", 70000, 70000, -1, -5L, 4000000000UL', "[4464] [4464] [ffff] [-5] [4000000000]"),
    (r'"[%Id] [%Iu] [%Ix]", (INT_PTR)-3, (UINT_PTR)3, (UINT_PTR)255', "[-3] [3] [ff]"),
    (r'"[%%] [100%%]"', "[%] [100%]"),
]


@widths
@both
def test_integers_with_every_flag(tmp_path: Path, width: str, flavor: str) -> None:
    check_table(INTEGERS, tmp_path, width, flavor)


@widths
@both
def test_c99_sizes_only_in_ucrtbase(tmp_path: Path, width: str, flavor: str) -> None:
    """hh j z t came with the UCRT; msvcrt.dll reads hh as h and prints an unknown size letter as itself."""
    rows = [(r'"[%hhd] [%hhu]", 300, 255 + 256', "[300] [511]", "[44] [255]")]
    if flavor == "ucrtbase":
        rows.append((r'"[%zu] [%jd] [%td]", (size_t)7, (long long)-8, (ptrdiff_t)9', "[7] [-8] [9]"))
    else:
        rows.append((r'"[%zu] [%jd]"', "[zu] [jd]"))
    check_table(rows, tmp_path, width, flavor)


@widths
@both
def test_strings_characters_and_pointers(tmp_path: Path, width: str, flavor: str) -> None:
    pointer = "00001234" if width == "x86" else "0000000000001234"
    rows = [
        (r'"[%s] [%10s] [%-10s] [%.2s] [%5.1s]", "hello", "hi", "hi", "hello", "xyz"',
         "[hello] [        hi] [hi        ] [he] [    x]"),
        (r'"[%s] [%.3s] [%8s]", (char *)0, (char *)0, (char *)0', "[(null)] [(nu] [  (null)]"),
        (r'"[%ls] [%S] [%ws] [%hs] [%ls]", L"wide", L"W", L"ws", "narrow", (wchar_t *)0',
         "[wide] [W] [ws] [narrow] [(null)]"),
        ("\"[%c] [%3c] [%-3c] [%lc] [%C] [%hc]\", 'q', 'r', 's', L'w', L'W', 'h'", "[q] [  r] [s  ] [w] [W] [h]"),
        (r'"[%p] [%20p]", (void *)0x1234, (void *)0', f"[{pointer}] [{'0' * len(pointer):>20}]"),
        (r'"[%Z] [%wZ] [%5.2Z]", &ansi, &unicode, &ansi', "[ansi] [uni] [   an]"),
    ]
    body, expected = table(rows, flavor)
    body = body.replace("{\n", "{\n    ANSI_STRING ansi = {4, 5, (char *)\"ansi!\"};\n"
                        "    UNICODE_STRING unicode = {6, 8, (wchar_t *)L\"unicode\"};\n", 1)
    expect(run_c("#include <winternl.h>\n" + body, tmp_path, width, flavor), expected)


FLOATS = [
    # 0.1: msvcrt.dll stops at 17 significant digits and pads zeros; ucrtbase prints the exact binary value.
    (r'"[%f] [%e] [%g]", 0.1, 0.1, 0.1', "[0.100000] [1.000000e-001] [0.1]", "[0.100000] [1.000000e-01] [0.1]"),
    (r'"[%.30f]", 0.1', "[0.100000000000000010000000000000]", "[0.100000000000000005551115123126]"),
    (r'"[%.20e]", 0.1', "[1.00000000000000010000e-001]", "[1.00000000000000005551e-01]"),
    (r'"[%f] [%.0f]", 1e23, 1e23',
     "[99999999999999992000000.000000] [99999999999999992000000]",
     "[99999999999999991611392.000000] [99999999999999991611392]"),
    (r'"[%.17g] [%.3e] [%E] [%G]", 1e23, 1e23, 5e-324, 5e-324',
     "[9.9999999999999992e+022] [1.000e+023] [4.940656E-324] [4.94066E-324]",
     "[9.9999999999999992e+22] [1.000e+23] [4.940656E-324] [4.94066E-324]"),
    (r'"[%.17e]", 5e-324', "[4.94065645841246540e-324]", "[4.94065645841246544e-324]"),
    (r'"[%e] [%g] [%.0e]", 1.7976931348623157e308, 1.7976931348623157e308, 1.7976931348623157e308',
     "[1.797693e+308] [1.79769e+308] [2e+308]"),
    (r'"[%.0f] [%.0f] [%.0f] [%.0f] [%.1f] [%.1f] [%.2f]", 0.5, 1.5, 2.5, -0.5, 0.25, 0.35, 1.005',
     "[1] [2] [3] [-1] [0.3] [0.3] [1.00]", "[1] [2] [3] [-1] [0.3] [0.3] [1.00]"),
    (r'"[%g] [%g] [%g] [%g] [%g] [%#g] [%#.3g] [%g]", 100000.0, 1e6, 1e-4, 1e-5, 0.0, 1.0, 2.0, 123456789.0',
     "[100000] [1e+006] [0.0001] [1e-005] [0] [1.00000] [2.00] [1.23457e+008]",
     "[100000] [1e+06] [0.0001] [1e-05] [0] [1.00000] [2.00] [1.23457e+08]"),
    (r'"[%10.3f] [%-10.2e] [%+f] [% f] [%010.2f] [%#.0f] [%+.0e]", 3.14159, 2.5, 1.0, 1.0, -3.5, 2.0, 5.0',
     "[     3.142] [2.50e+000 ] [+1.000000] [ 1.000000] [-000003.50] [2.] [+5e+000]",
     "[     3.142] [2.50e+00  ] [+1.000000] [ 1.000000] [-000003.50] [2.] [+5e+00]"),
    (r'"[%f] [%e] [%g] [%.3f]", -0.0, 0.0, -0.0, 123.4565',
     "[-0.000000] [0.000000e+000] [-0] [123.457]", "[-0.000000] [0.000000e+00] [-0] [123.457]"),
    # carries: into a new leading digit, and across %g's switch between its two styles
    (r'"[%.3g] [%g] [%.2e] [%.0f] [%.1f] [%g] [%#.0e]", 9.9996, 999999.5, 9.995, 99.5, 0.96, 0.0001234567, 9.5',
     "[10] [1e+006] [9.99e+000] [100] [1.0] [0.000123457] [1.e+001]",
     "[10] [1e+06] [9.99e+00] [100] [1.0] [0.000123457] [1.e+01]"),
]


HEX_FLOATS = [
    (r'"[%a] [%a] [%A] [%a] [%a] [%.3a]", 0.1, 1.0, -0.5, 0.0, 5e-324, 1.5',
     "[0x1.999999999999ap-4] [0x1.0000000000000p+0] [-0X1.0000000000000P-1] [0x0.0000000000000p+0] "
     "[0x0.0000000000001p-1022] [0x1.800p+0]"),
]


@widths
@both
def test_floats_exact_per_dll(tmp_path: Path, width: str, flavor: str) -> None:
    check_table(FLOATS + (HEX_FLOATS if flavor == "ucrtbase" else []), tmp_path, width, flavor)


@widths
@both
def test_infinity_and_nan_spelling(tmp_path: Path, width: str, flavor: str) -> None:
    """msvcrt.dll formats "1#INF" as if its characters were digits: "%.2f" rounds "#I" up on 'N' to "#J"."""
    rows = [
        (r'"[%f] [%e] [%g] [%f]", inf, inf, inf, -inf',
         "[1.#INF00] [1.#INF00e+000] [1.#INF] [-1.#INF00]", "[inf] [inf] [inf] [-inf]"),
        (r'"[%.0f] [%.1f] [%.2f] [%.3f] [%10f] [%-9f]", inf, inf, inf, inf, inf, inf',
         "[1] [1.$] [1.#J] [1.#IO] [  1.#INF00] [1.#INF00 ]", "[inf] [inf] [inf] [inf] [       inf] [inf      ]"),
        (r'"[%f] [%f] [%g] [%e]", ind, qnan, qnan, qnan',
         "[-1.#IND00] [1.#QNAN0] [1.#QNAN] [1.#QNAN0e+000]", "[-nan(ind)] [nan] [nan] [nan]"),
        (r'"[%E] [%G] [%+f] [%f]", inf, qnan, inf, snan',
         "[1.#INF00E+000] [1.#QNAN] [+1.#INF00] [1.#SNAN0]", "[INF] [NAN] [+inf] [nan(snan)]"),
    ]
    if flavor == "ucrtbase":
        rows.append((r'"[%F] [%F]", -inf, ind', "[-INF] [-NAN(IND)]"))
    body, expected = table(rows, flavor)
    body = body.replace("{\n", "{\n    double inf = HUGE_VAL, ind, qnan, snan;\n"
                        "    unsigned long long b1 = 0xFFF8000000000000ULL, b2 = 0x7FF8000000000000ULL, "
                        "b3 = 0x7FF0000000000001ULL;\n"
                        "    memcpy(&ind, &b1, 8); memcpy(&qnan, &b2, 8); memcpy(&snan, &b3, 8);\n", 1)
    ran = run_c("#include <string.h>\n#include <math.h>\n" + body, tmp_path, width, flavor)
    expect(ran, expected)


@widths
@both
def test_exponent_digits(tmp_path: Path, width: str, flavor: str) -> None:
    """Three digits in msvcrt.dll unless _set_output_format(_TWO_DIGIT_EXPONENT); two in ucrtbase.dll unless the
    LEGACY_THREE_DIGIT_EXPONENTS option."""
    if flavor == "msvcrt":
        body = r"""
int main(void)
{
    unsigned (__cdecl *set)(unsigned) = (void *)crt("_set_output_format");
    unsigned (__cdecl *get)(void) = (void *)crt("_get_output_format");
    T("%e %g", 1.5e10, 1e-100);
    outnum(set(1)); outnum(get()); out("\n");
    T("%e %g %e", 1.5e10, 1e-100, 1e300);
    outnum(set(0)); out("\n");
    T("%E", 2.0);
    flush();
    return 0;
}
"""
        expected = "1.500000e+010 1e-100|20\n01\n1.500000e+10 1e-100 1.000000e+300|33\n1\n2.000000E+000|13\n"
    else:
        body = r"""
static int three(char *b, const char *fmt, ...)
{
    va_list ap; int r;
    va_start(ap, fmt);
    r = __stdio_common_vsprintf(_CRT_INTERNAL_PRINTF_LEGACY_THREE_DIGIT_EXPONENTS, b, 100, fmt, NULL, ap);
    va_end(ap);
    return r;
}
int main(void)
{
    char b[100];
    T("%e %g %e", 1.5e10, 1e-100, 1e300);
    outnum(three(b, "%e %g", 1.5e10, 1e-5)); out(" "); out(b); out("\n");
    flush();
    return 0;
}
"""
        expected = "1.500000e+10 1e-100 1.000000e+300|33\n20 1.500000e+010 1e-005\n"
    ran = run_c(body, tmp_path, width, flavor)
    expect(ran, expected)


@widths
@both
def test_snprintf_truncation(tmp_path: Path, width: str, flavor: str) -> None:
    """_snprintf: -1 and no terminator when the text does not fit, no terminator when it fits exactly;
    ucrtbase's snprintf (C99) truncates, terminates and returns the full length; the _s forms with _TRUNCATE."""
    body = r"""
static void show(const char *what, int r, const char *b, int n)
{
    int i;
    out(what); out(" "); outnum(r); out(" [");
    for (i = 0; i < n; i++) { char c[2] = {b[i] ? b[i] : '0', 0}; out(c); }
    out("]\n");
}
int main(void)
{
    char b[16];
    memset(b, 'x', 16); show("_snprintf 3", _snprintf(b, 3, "%d", 12345), b, 8);
    memset(b, 'x', 16); show("_snprintf 5", _snprintf(b, 5, "%d", 12345), b, 8);
    memset(b, 'x', 16); show("_snprintf 6", _snprintf(b, 6, "%d", 12345), b, 8);
    memset(b, 'x', 16); show("_snprintf_s T", _snprintf_s(b, 4, _TRUNCATE, "%d", 12345), b, 8);
    memset(b, 'x', 16); show("_snprintf_s 2", _snprintf_s(b, 8, 2, "%d", 12345), b, 8);
    memset(b, 'x', 16); show("_snprintf_s fits", _snprintf_s(b, 8, _TRUNCATE, "%s", "ab"), b, 8);
    memset(b, 'x', 16); show("sprintf_s", sprintf_s(b, 8, "%d", 42), b, 8);
    show("_scprintf", _scprintf("%d-%s", 123, "abc"), "", 0);
#ifdef _UCRT
    memset(b, 'x', 16); show("snprintf 3", snprintf(b, 3, "%d", 12345), b, 8);
    memset(b, 'x', 16); show("snprintf 0", snprintf(NULL, 0, "%d", 12345), b, 8);
#endif
    flush();
    return 0;
}
"""
    expected = (
        "_snprintf 3 -1 [123xxxxx]\n"
        "_snprintf 5 5 [12345xxx]\n"
        "_snprintf 6 5 [123450xx]\n"
        "_snprintf_s T -1 [1230xxxx]\n"
        "_snprintf_s 2 -1 [120xxxxx]\n"
        "_snprintf_s fits 2 [ab0xxxxx]\n"
        "sprintf_s 2 [420xxxxx]\n"
        "_scprintf 7 []\n"
    )
    if flavor == "ucrtbase":
        expected += "snprintf 3 5 [120xxxxx]\nsnprintf 0 5 [xxxxxxxx]\n"
    ran = run_c("#include <string.h>\n" + body, tmp_path, width, flavor)
    expect(ran, expected)


@widths
@both
def test_percent_n(tmp_path: Path, width: str, flavor: str) -> None:
    """%n stores the count in msvcrt.dll; in ucrtbase.dll it is an invalid parameter (EINVAL, -1), in sprintf_s
    too, until _set_printf_count_output(1)."""
    body = r"""
static void __cdecl handler(const wchar_t *e, const wchar_t *f, const wchar_t *file, unsigned line, uintptr_t r)
{
    (void)e; (void)f; (void)file; (void)line; (void)r;
    out("<invalid>");
}
int main(void)
{
    char b[64];
    int n = -1, r;
    short h = -1;
    ((void *(__cdecl *)(void *))crt("_set_invalid_parameter_handler"))((void *)handler);
    errno = 0;
    r = sprintf(b, "abc%n%hn", &n, &h);
    outnum(r); out(" "); outnum(n); out(" "); outnum(h); out(" "); outnum(errno); out("\n");
#ifdef _UCRT
    n = -1; errno = 0;
    r = sprintf_s(b, sizeof b, "ab%n", &n);
    outnum(r); out(" "); outnum(n); out(" "); outnum(errno); out("\n");
    outnum(_set_printf_count_output(1)); out(" ");
    r = sprintf(b, "abcd%n", &n);
    outnum(r); out(" "); outnum(n); out(" "); outnum(_get_printf_count_output()); out("\n");
#endif
    flush();
    return 0;
}
"""
    if flavor == "msvcrt":
        expected = "3 3 3 0\n"
    else:
        expected = "<invalid>-1 -1 -1 22\n<invalid>-1 -1 22\n0 4 4 1\n"
    ran = run_c(body, tmp_path, width, flavor)
    expect(ran, expected)


@widths
@both
def test_unknown_conversion(tmp_path: Path, width: str, flavor: str) -> None:
    """msvcrt.dll prints a conversion letter it does not know; ucrtbase.dll calls it an invalid parameter."""
    body = r"""
static void __cdecl handler(const wchar_t *e, const wchar_t *f, const wchar_t *file, unsigned line, uintptr_t r)
{
    (void)e; (void)f; (void)file; (void)line; (void)r;
    out("<invalid>");
}
int main(void)
{
    char b[64];
    int r;
    ((void *(__cdecl *)(void *))crt("_set_invalid_parameter_handler"))((void *)handler);
    errno = 0;
    r = sprintf(b, "a%yb");
    if (r >= 0) out(b);
    out(" "); outnum(r); out(" "); outnum(errno); out("\n");
    flush();
    return 0;
}
"""
    expected = "ayb 3 0\n" if flavor == "msvcrt" else "<invalid> -1 22\n"
    ran = run_c(body, tmp_path, width, flavor)
    expect(ran, expected)


@widths
@both
def test_wide_printf(tmp_path: Path, width: str, flavor: str) -> None:
    """The wide functions: %s is wide (msvcrt.dll's rule, and ucrtbase's with the LEGACY_WIDE_SPECIFIERS option
    mingw-w64's headers pass), %S and %hs narrow; _snwprintf truncates as _snprintf does."""
    body = r"""
static void wout(const wchar_t *w, int r)
{
    char b[256]; int i;
    for (i = 0; w[i] && i < 255; i++) b[i] = w[i] < 128 ? (char)w[i] : '?';
    b[i] = 0;
    out(b); out("|"); outnum(r); out("\n");
}
int main(void)
{
    wchar_t w[128];
    int r;
    r = _snwprintf(w, 128, L"[%s] [%S] [%hs] [%ls] [%c] [%C] [%5.2f] [%x] [%s]", L"wide", "narrow", "hs", L"ls",
                   L'c', 'C', 3.14159, 255u, (wchar_t *)0);
    wout(w, r);
    r = _snwprintf(w, 128, L"%e %g", 1.5e10, 0.1);
    wout(w, r);
    w[5] = L'z'; w[6] = 0;
    r = _snwprintf(w, 3, L"%d", 12345);
    w[3] = 0;
    wout(w, r);
    r = _scwprintf(L"%d %ls", 42, L"abc");
    wout(L"", r);
    r = swprintf(w, 128, L"%d|%s", 5, L"c99");
    wout(w, r);
#ifndef _UCRT
    r = _swprintf(w, L"%s%d", L"old", 7);      /* msvcrt's swprintf without a count */
    wout(w, r);
#endif
    flush();
    return 0;
}
"""
    exp = "1.500000e+010 0.1" if flavor == "msvcrt" else "1.500000e+10 0.1"
    first = "[wide] [narrow] [hs] [ls] [c] [C] [ 3.14] [ff] [(null)]"
    expected = f"{first}|{len(first)}\n{exp}|{len(exp)}\n123|-1\n|6\n5|c99|5\n"
    if flavor == "msvcrt":
        expected += "old7|4\n"
    ran = run_c(body, tmp_path, width, flavor)
    expect(ran, expected)


@widths
@both
def test_printf_to_stdout(tmp_path: Path, width: str, flavor: str) -> None:
    """printf and wprintf through the standard output stream (no new line: a text-mode stream would translate
    it), their counts returned."""
    body = r"""
int main(void)
{
    int a = printf("[%d %s %.2f]", 42, "abc", 2.5);
    int b = wprintf(L"[%s %d]", L"wide", 7);
    int c = fprintf(stdout, "<%5s>", "x");
    printf("{%d %d %d}", a, b, c);
    return 0;
}
"""
    expect(run_c(body, tmp_path, width, flavor), "[42 abc 2.50][wide 7]<    x>{13 8 7}")


SCANF = r"""
int main(void)
{
    int a = -1, b = -1, n = -1, r;
    unsigned u = 0;
    char s1[16] = "?", s2[16] = "?", c3[4] = "???";
    double d = 0;
    float f = 0;
    short h = 0;
    long long ll = 0;
    wchar_t w[16];
    r = sscanf("  42 -17 0x1f", "%d %i %x", &a, &b, &u); T("%d: %d %d %u", r, a, b, u);
    r = sscanf("abc123 def", "%[a-c]%d %s%n", s1, &a, s2, &n); T("%d: %s %d %s %d", r, s1, a, s2, n);
    r = sscanf("3.25 1e23 -7", "%f %lf %hd", &f, &d, &h); T("%d: %.2f %.17g %hd", r, f, d, h);
    r = sscanf("", "%d", &a); T("%d", r);
    r = sscanf("   ", "%d", &a); T("%d", r);
    r = sscanf("x", "%d", &a); T("%d", r);
    r = sscanf("12", "%d %d", &a, &b); T("%d", r);
    r = sscanf("123456", "%2d%*2d%lld", &a, &ll); T("%d: %d %lld", r, a, ll);
    r = sscanf("xyzw", "%3c", c3); T("%d: %.3s", r, c3);
    r = sscanf("0777 -0 +12", "%i %o %u", &a, &u, &b); T("%d: %d %u %d", r, a, u, b);
    r = sscanf("hello", "%[^l]", s1); T("%d: %s", r, s1);
    r = sscanf("]]x", "%[]]", s1); T("%d: %s", r, s1);
    r = sscanf("5% rest", "%d%% %s", &a, s2); T("%d: %d %s", r, a, s2);
    r = sscanf("abc", "abd%d", &a); T("%d", r);
    r = sscanf("ab", "abc%d", &a); T("%d", r);
    r = swscanf(L"wide 7", L"%s %d", w, &a); T("%d: %ls %d", r, w, a);
    r = swscanf(L"\x3b1\x3b2z", L"%[\x3c9-\x3b1]", w); T("%d: %x %x %d", r, w[0], w[1], w[2]);
    r = _snscanf("12345", 3, "%d", &a); T("%d: %d", r, a);
    r = sscanf_s("toolong ab", "%s", s1, 4); T("%d: [%s]", r, s1);
    r = sscanf_s("ab cd", "%s %2c", s1, 16, c3, 2); T("%d: %s %.2s", r, s1, c3);
    {
        void *p = 0;
        double e = 0, g = 0;
        r = sscanf("00ABCDEF -2.5E-3 +7e2x", "%p %le %lg", &p, &e, &g);
        T("%d: %d %g %g", r, p == (void *)0xABCDEF, e, g);
        r = sscanf("0x1.8p1 nan", "%lf %lf", &e, &g);
        T("%d: %g", r, e);
    }
    flush();
    return 0;
}
"""


@widths
@both
def test_scanf_conversions(tmp_path: Path, width: str, flavor: str) -> None:
    e22 = "e+022" if flavor == "msvcrt" else "e+22"
    expected = [
        "3: 42 -17 31", "3: abc 123 def 10", f"3: 3.25 9.9999999999999992{e22} -7", "-1", "-1", "0", "1",
        "2: 12 56", "1: xyz", "3: 511 0 12", "1: he", "1: ]]", "2: 5 rest", "0", "-1",
        "2: wide 7", "1: 3b1 3b2 0", "1: 123", "0: []", "2: ab cd", "3: 1 -0.0025 700",
        # msvcrt.dll's scanf reads no hexadecimal float: "0x1.8p1" is 0 ending at 'x'
        "1: 0" if flavor == "msvcrt" else "2: 3",
    ]
    ran = run_c(SCANF, tmp_path, width, flavor)
    expect(ran, "".join(f"{line}|{len(line)}\n" for line in expected))


@widths
@both
def test_scanf_from_stdin(tmp_path: Path, width: str, flavor: str) -> None:
    body = r"""
int main(void)
{
    int a = 0, b = 0, r1, r2, r3;
    char s[16] = "";
    r1 = scanf("%d %d", &a, &b);
    r2 = scanf("%15s", s);
    r3 = scanf("%d", &a);
    T("%d %d %d %d %s %d", r1, a, b, r2, s, r3);
    flush();
    return 0;
}
"""
    ran = run_c(body, tmp_path, width, flavor, stdin=b"  12\n-34 word\n")
    expect(ran, "2 12 -34 1 word -1|18\n")


STRTOD = r"""
#include <string.h>
typedef double (__cdecl *strtod_t)(const char *, char **);
static void one(strtod_t f, const char *s)
{
    char *end, b[64];
    double d;
    unsigned long long u;
    errno = 0;
    d = f(s, &end);
    memcpy(&u, &d, 8);
    sprintf(b, "%016I64x %d %d\n", u, (int)(end - s), errno);
    out(b);
}
int main(void)
{
    strtod_t f = (strtod_t)crt("strtod");
    static char big[6000];
    int i;
    one(f, "2.2250738585072011e-308");
    one(f, "2.2250738585072012e-308");
    one(f, "1e23");
    one(f, "8.98846567431158e307");
    one(f, "4.9e-324");
    one(f, "2.4703282292062327e-324");
    one(f, "2.4703282292062328e-324");
    one(f, "1.7976931348623157e308");
    one(f, "1.7976931348623159e308");
    one(f, "1e-400");
    one(f, "  -0.0e5x");
    one(f, "1e+");
    one(f, ".e1");
    one(f, "0.000000000000000000000000000000000000000001e42");
    /* 800 digits: 0.5 + 2^-54 + 10^-790 rounds up; without the last digit it would be a tie rounding down */
    const char *half = "1.00000000000000011102230246251565404236316680908203125";
    for (i = 0; half[i]; i++) big[i] = half[i];
    for (; i < 800; i++) big[i] = '0';
    big[800] = '1'; big[801] = 0;
    one(f, big);
    big[800] = 0;
    one(f, big);
    /* long inputs: what is beyond the digits kept still scales and rounds */
    big[0] = '1';
    for (i = 1; i <= 3000; i++) big[i] = '0';
    big[3001] = 'e'; big[3002] = '-'; big[3003] = '3'; big[3004] = big[3005] = big[3006] = '0'; big[3007] = 0;
    one(f, big);
    big[0] = '0'; big[1] = '.';
    for (i = 2; i < 5002; i++) big[i] = '0';
    big[5002] = '1'; big[5003] = 'e'; big[5004] = '5'; big[5005] = '0'; big[5006] = '0'; big[5007] = '1';
    big[5008] = 0;
    one(f, big);
    one(f, "inf");
    one(f, "-Infinity");
    one(f, "nan");
    one(f, "-nan(ind)");
    one(f, "nan(12)x");
    one(f, "0x1.8p3");
    one(f, "0x");
    flush();
    return 0;
}
"""


@widths
@both
def test_strtod_hard_cases(tmp_path: Path, width: str, flavor: str) -> None:
    """Correct rounding at the boundaries (the 64 bits checked), the end pointer and ERANGE; ucrtbase.dll reads inf,
    nan and hexadecimal, msvcrt.dll's strtod does not."""
    expected = [
        "000fffffffffffff 23 0", "0010000000000000 23 0", "44b52d02c7e14af6 4 0", "7fe0000000000000 20 0",
        "0000000000000001 8 0", "0000000000000000 23 34", "0000000000000001 23 0", "7fefffffffffffff 22 0",
        "7ff0000000000000 22 34", "0000000000000000 6 34", "8000000000000000 8 0", "3ff0000000000000 1 0",
        "0000000000000000 0 0", "3ff0000000000000 47 0", "3ff0000000000001 801 0", "3ff0000000000000 800 0",
        "3ff0000000000000 3007 0", "3ff0000000000000 5008 0",
    ]
    if flavor == "msvcrt":
        expected += ["0000000000000000 0 0"] * 5 + ["0000000000000000 1 0", "0000000000000000 1 0"]
    else:
        expected += ["7ff0000000000000 3 0", "fff0000000000000 9 0", "7ff8000000000000 3 0",
                     "fff8000000000000 9 0", "7ff8000000000000 7 0",
                     "4028000000000000 7 0", "0000000000000000 1 0"]
    ran = run_c(STRTOD, tmp_path, width, flavor)
    expect(ran, "".join(f"{line}\n" for line in expected))


@widths
@both
def test_atof_wcstod_and_floats(tmp_path: Path, width: str, flavor: str) -> None:
    body = r"""
#include <string.h>
int main(void)
{
    double (__cdecl *atof_)(const char *) = (void *)crt("atof");
    double (__cdecl *wtof)(const wchar_t *) = (void *)crt("_wtof");
    double (__cdecl *wcstod_)(const wchar_t *, wchar_t **) = (void *)crt("wcstod");
    int (__cdecl *atodbl)(double *, const char *) = (void *)crt("_atodbl");
    wchar_t *end;
    double d;
    int r1, r2, r3;
    T("%.17g %.17g", atof_("  3.14159xyz"), wtof(L"-2.5e-3"));
    d = wcstod_(L"1e23 rest", &end);
    T("%.17g [%ls]", d, end);
    r1 = atodbl(&d, "1e999");
    r2 = atodbl(&d, "1e-999");
    r3 = atodbl(&d, "12.5");
    T("%d %d %d", r1, r2, r3);
    T("%g", d);
#ifdef _UCRT
    {
        float (__cdecl *strtof_)(const char *, char **) = (void *)crt("strtof");
        float g = strtof_("1.00000005960464477539062500000001", NULL);
        unsigned u;
        memcpy(&u, &g, 4);
        T("%08x", u);
    }
#endif
    flush();
    return 0;
}
"""
    e = "e+022" if flavor == "msvcrt" else "e+22"
    expected = ["3.1415899999999999 -0.0025000000000000001", f"9.9999999999999992{e} [ rest]", "3 4 0", "12.5"]
    if flavor == "ucrtbase":
        expected.append("3f800001")
    ran = run_c(body, tmp_path, width, flavor)
    expect(ran, "".join(f"{line}|{len(line)}\n" for line in expected))


@widths
def test_ucrtbase_printf_options(tmp_path: Path, width: str) -> None:
    """__stdio_common_vsprintf's options: STANDARD_ROUNDING (0x20, what MSVC's own headers pass since Windows 10
    2004) rounds exact ties to even, without it halves go up; LEGACY_MSVCRT_COMPATIBILITY (8) spells infinity
    and NaN as msvcrt.dll does, with three exponent digits."""
    body = r"""
#include <string.h>
static void opt(unsigned long long options, const char *fmt, ...)
{
    char b[200];
    va_list ap;
    int r;
    va_start(ap, fmt);
    r = __stdio_common_vsprintf(options, b, sizeof b, fmt, NULL, ap);
    va_end(ap);
    out(b); out("|"); outnum(r); out("\n");
}
int main(void)
{
    double inf = HUGE_VAL, ind;
    unsigned long long bits = 0xFFF8000000000000ULL;
    memcpy(&ind, &bits, 8);
    opt(0x20, "%.0f %.0f %.0f %.1f %.2f %.0e", 0.5, 1.5, 2.5, 0.25, 1.005, 2.5);
    opt(0, "%.0f %.0f %.0f %.1f %.2f %.0e", 0.5, 1.5, 2.5, 0.25, 1.005, 2.5);
    opt(8, "%f %e %g %.2f", inf, 1.5, ind, inf);
    flush();
    return 0;
}
"""
    expected = "0 2 2 0.2 1.00 2e+00|20\n1 2 3 0.3 1.00 3e+00|20\n1.#INF00 1.500000e+000 -1.#IND 1.#J|35\n"
    expect(run_c("#include <math.h>\n" + body, tmp_path, width, "ucrtbase"), expected)


@widths
@both
def test_ecvt_fcvt_gcvt(tmp_path: Path, width: str, flavor: str) -> None:
    body = r"""
static void show(const char *s, int dec, int sign)
{
    out("["); out(s); out("] "); outnum(dec); out(" "); outnum(sign); out("\n");
}
int main(void)
{
    int dec, sign;
    char b[64];
    char *s;
    s = _ecvt(3.1415926535, 5, &dec, &sign); show(s, dec, sign);
    s = _ecvt(-0.000123456, 3, &dec, &sign); show(s, dec, sign);
    s = _ecvt(0.1, 20, &dec, &sign); show(s, dec, sign);
    s = _fcvt(3.1415926535, 7, &dec, &sign); show(s, dec, sign);
    s = _fcvt(-1234.5, 0, &dec, &sign); show(s, dec, sign);
    s = _fcvt(0.0012, 5, &dec, &sign); show(s, dec, sign);
    _gcvt(-1234567890.123, 12, b); out(b); out("\n");
    _gcvt(-123456789012.3, 12, b); out(b); out("\n");
    _gcvt(-0.123456789012, 12, b); out(b); out("\n");
    _gcvt(1.0, 5, b); out(b); out("\n");
    _gcvt(0.5, 5, b); out(b); out("\n");
    outnum(_gcvt_s(b, 4, 12345.0, 5)); out(" ["); out(b); out("]\n");
    flush();
    return 0;
}
"""
    tail = "10000000000000001000" if flavor == "msvcrt" else "10000000000000000555"
    expected = (
        f"[31416] 1 0\n[123] -3 1\n[{tail}] 0 0\n[31415927] 1 0\n[1235] 4 1\n[120] -2 0\n"
        "-1234567890.12\n-123456789012.\n-0.123456789012\n1.\n0.5\n"
    )
    body = body.replace("outnum(_gcvt_s", "((void *(__cdecl *)(void *))crt(\"_set_invalid_parameter_handler\"))"
                        "((void *)quiet);\n    outnum(_gcvt_s")
    body = body.replace("int main(void)", "static void __cdecl quiet(const wchar_t *e, const wchar_t *f, "
                        "const wchar_t *file, unsigned line, uintptr_t r)\n"
                        "{\n    (void)e; (void)f; (void)file; (void)line; (void)r;\n}\nint main(void)")
    expected += "34 []\n"
    expect(run_c(body, tmp_path, width, flavor), expected)


@widths
@both
def test_positional_arguments(tmp_path: Path, width: str, flavor: str) -> None:
    """The _p functions: numbered arguments (width and precision too), read in their order whatever the format's;
    numbered and plain conversions mixed are an invalid parameter. (msvcrt.dll has _vsprintf_p and the stream
    forms; ucrtbase.dll __stdio_common_vsprintf_p and __stdio_common_vswprintf_p.)"""
    body = r"""
static void __cdecl quiet(const wchar_t *e, const wchar_t *f, const wchar_t *file, unsigned line, uintptr_t r)
{
    (void)e; (void)f; (void)file; (void)line; (void)r;
    out("<invalid>");
}
static int psprintf(char *b, size_t n, const char *fmt, ...)
{
    va_list ap;
    int r;
    va_start(ap, fmt);
#ifdef _UCRT
    r = __stdio_common_vsprintf_p(0, b, n, fmt, NULL, ap);
#else
    r = _vsprintf_p(b, n, fmt, ap);
#endif
    va_end(ap);
    return r;
}
int main(void)
{
    char b[64];
    int r;
    ((void *(__cdecl *)(void *))crt("_set_invalid_parameter_handler"))((void *)quiet);
    r = psprintf(b, sizeof b, "%2$s %1$d %3$.*4$f %3$e %5$lld", 7, "x", 2.5, 2, -9LL);
    out(b); out("|"); outnum(r); out("\n");
    r = psprintf(b, sizeof b, "%s-%d", "plain", 3);
    out(b); out("|"); outnum(r); out("\n");
    errno = 0;
    r = psprintf(b, sizeof b, "%1$d %d", 1, 2);
    out(" "); outnum(r); out(" "); outnum(errno); out("\n");
    r = _printf_p("%2$s%1$s", "ab", "cd");
    out("|"); outnum(r); out("\n");
    flush();
    return 0;
}
"""
    e = "2.500000e+000" if flavor == "msvcrt" else "2.500000e+00"
    first = f"x 7 2.50 {e} -9"
    expected = f"{first}|{len(first)}\nplain-3|7\n<invalid> -1 22\n|4\n"
    ran = run_c(body, tmp_path, width, flavor)
    # _printf_p went to the stream (unbuffered in the interim stdio, buffered in the real one): its text, "cdab",
    # is somewhere in the output, the rest is in order.
    assert ran.status == 0
    assert ran.stdout.count("cdab") == 1
    assert ran.stdout.replace("cdab", "") == expected


@widths
def test_msvcrt_locale_forms(tmp_path: Path, width: str) -> None:
    """msvcrt.dll's _l forms take a locale after the format (every locale is "C" here)."""
    body = r"""
int main(void)
{
    char b[64];
    int a = 0, r;
    r = _sprintf_l(b, "%d-%.2f", NULL, 42, 2.5);
    out(b); out("|"); outnum(r); out("\n");
    r = _snprintf_l(b, 3, "%s", NULL, "abcdef");
    b[3] = 0;
    out(b); out("|"); outnum(r); out("\n");
    r = _sscanf_l("77", "%d", NULL, &a);
    outnum(r); out(" "); outnum(a); out("\n");
    flush();
    return 0;
}
"""
    expect(run_c(body, tmp_path, width, "msvcrt"), "42-2.50|7\nabc|-1\n1 77\n")



RANDOM_PRINTF = r"""
#include <string.h>
static char text[1 << 17];
static int used;
static unsigned long long state = 88172645463325252ULL;
static unsigned long long next(void) { state ^= state << 13; state ^= state >> 7; state ^= state << 17; return state; }
static int standard(char *b, const char *f, ...)
{
    va_list ap;
    int r;
    va_start(ap, f);
    r = __stdio_common_vsprintf(0x20, b, 700, f, NULL, ap);     /* STANDARD_ROUNDING */
    va_end(ap);
    return r;
}
int main(void)
{
    static const char *fmts[] = {"%.*e", "%.*f", "%.*g", "%#.*g", "%+.*e", "%.*E"};
    int i;
    for (i = 0; i < 400; i++) {
        unsigned long long u = next();
        double d;
        int p = (int)(next() % 25);
        const char *f = fmts[next() % 6];
        char b[700];
        if (i % 3 == 0)
            u = (u & 0x800FFFFFFFFFFFFFULL) | ((next() % 200 + 923) << 52);    /* near 1: ties are common */
        if ((u >> 52 & 0x7FF) == 0x7FF || (f[3] == 'f' && (u >> 52 & 0x7FF) > 1223))
            continue;
        memcpy(&d, &u, 8);
        standard(b, f, p, d);
        used += sprintf(text + used, "%016llx %s %d %s\n", u, f, p, b);
    }
    WriteFile(GetStdHandle(STD_OUTPUT_HANDLE), text, used, (DWORD *)&i, NULL);
    return 0;
}
"""


@widths
def test_ucrtbase_standard_rounding_is_exact(tmp_path: Path, width: str) -> None:
    """With the option MSVC's own headers pass (STANDARD_ROUNDING), ucrtbase prints the correctly rounded decimal
    of the double's binary value, ties to even: what Python prints for the same bits, for random doubles and
    precisions."""
    ran = run_c(RANDOM_PRINTF, tmp_path, width, "ucrtbase")
    assert ran.status == 0
    lines = ran.stdout.splitlines()
    assert len(lines) > 300
    for line in lines:
        bits, fmt, prec, text = line.split(" ", 3)
        value = struct.unpack(">d", bytes.fromhex(bits))[0]
        assert text == fmt.replace("*", prec) % value, line


def random_decimals() -> list[str]:
    """Decimal strings for strtod: random doubles' shortest forms, the exact midpoints between two doubles (and
    just above them), and random digit strings with random exponents."""
    rng = random.Random(7)
    cases = []
    for _ in range(300):
        kind = rng.random()
        if kind < 0.3:
            cases.append(repr(rng.uniform(-1.0, 1.0) * 10.0 ** rng.randint(-300, 300)))
        elif kind < 0.6:
            low = rng.getrandbits(62)
            mid = (Decimal(struct.unpack("<d", struct.pack("<Q", low))[0])
                   + Decimal(struct.unpack("<d", struct.pack("<Q", low + 1))[0])) / 2
            text = format(mid, "e")
            cases.append(text.replace("e", "0000001e") if rng.random() < 0.5 else text)
        else:
            digits = "".join(rng.choice("0123456789") for _ in range(rng.randint(1, 60)))
            cases.append(f"{digits[0]}.{digits[1:]}e{rng.randint(-330, 310)}")
    return cases


STRTOD_STDIN = r"""
#include <string.h>
static char input[1 << 16], text[1 << 16];
int main(void)
{
    DWORD got = 0, size = 0;
    int used = 0;
    char *p, *end, *line_end;
    double (__cdecl *f)(const char *, char **) = (void *)crt("strtod");
    while (ReadFile(GetStdHandle(STD_INPUT_HANDLE), input + size, sizeof input - 1 - size, &got, NULL) && got)
        size += got;                         /* a console gives a line a read */
    for (p = input; p < input + size; p = line_end + 1) {
        double d;
        unsigned long long u;
        line_end = strchr(p, '\n');
        *line_end = 0;
        d = f(p, &end);
        memcpy(&u, &d, 8);
        used += sprintf(text + used, "%016I64x %d\n", u, (int)(end - p));
    }
    WriteFile(GetStdHandle(STD_OUTPUT_HANDLE), text, used, &got, NULL);
    return 0;
}
"""


@widths
@both
def test_strtod_is_correctly_rounded(tmp_path: Path, width: str, flavor: str) -> None:
    """strtod gives the nearest double (ties to even) and reads the whole number, as Python's float() does, for
    random inputs near and at the midpoints between doubles."""
    cases = random_decimals()
    ran = run_c(STRTOD_STDIN, tmp_path, width, flavor, stdin=("\n".join(cases) + "\n").encode())
    assert ran.status == 0
    expected = [f"{struct.pack('>d', float(case)).hex()} {len(case)}" for case in cases]
    assert ran.stdout.splitlines() == expected
