"""The C runtime's libm and floating-point environment (guest/crt/math_*.c, fpenv.c), in both widths and both DLLs.

The programs are built by the standard mingw-w64 toolchain without its start-up code (which needs more of msvcrt
than the math area): their own entry point, the functions imported from msvcrt.dll (`-lmsvcrt`) or ucrtbase.dll
(`-lucrtbase`) through mingw-w64's import libraries, declared dllimport (mingw-w64's i686 libmsvcrt.a has only the
import pointers of the functions libmingwex replaces). Each program prints the 64-bit patterns of its results in
hex; the expected values are Python's (math, exact fractions), within an ulp for the transcendental functions and
exactly for the exact ones, or correctly rounded values computed once with mpmath at 200 bits (erf, erfc, tgamma,
lgamma, which Python's math gives less precisely), and both widths must print the same.
"""

from __future__ import annotations

import math
import random
import struct
from decimal import Decimal, localcontext
from fractions import Fraction
from pathlib import Path

import pytest

from tests.toolchain import NO_CRT, build, run_program

WIDTHS = ["x86", "x64"]
EDOM, ERANGE = 33, 34

PRELUDE = r"""
#include <windows.h>
#define I __declspec(dllimport)
I int *_errno(void);
static char buf[1 << 16];
static DWORD used;
static void flush(void)
{
    DWORD n;
    WriteFile(GetStdHandle(STD_OUTPUT_HANDLE), buf, used, &n, 0);
    used = 0;
}
static void out(const char *s)
{
    while (*s) {
        if (used == sizeof buf)
            flush();
        buf[used++] = *s++;
    }
}
static void hex(unsigned long long v, int digits)
{
    char b[17];
    int i;
    for (i = digits - 1; i >= 0; i--) {
        b[i] = "0123456789abcdef"[v & 15];
        v >>= 4;
    }
    b[digits] = 0;
    out(b);
    out(" ");
}
static unsigned long long bits(double x)
{
    union { double d; unsigned long long u; } c = {x};
    return c.u;
}
static double dbl(unsigned long long u)
{
    union { unsigned long long u; double d; } c = {u};
    return c.d;
}
static unsigned fbits(float x)
{
    union { float f; unsigned u; } c = {x};
    return c.u;
}
static float flt(unsigned u)
{
    union { unsigned u; float f; } c = {u};
    return c.f;
}
"""


def dbits(x: float) -> int:
    return struct.unpack("<Q", struct.pack("<d", x))[0]


def fbits(x: float) -> int:
    return struct.unpack("<I", struct.pack("<f", x))[0]


def from_bits(b: int) -> float:
    return struct.unpack("<d", struct.pack("<Q", b))[0]


def run_c(tmp_path: Path, width: str, body: str, lib: str = "msvcrt", name: str = "prog",
          flags: tuple[str, ...] = ()) -> tuple[int, str]:
    """Builds PRELUDE + body (which defines `void start(void)`) against kernel32 and `lib`, runs it."""
    root = tmp_path / f"c_{width}"
    root.mkdir(exist_ok=True)
    program = build(PRELUDE + body, tmp_path / f"{name}_{width}.exe", width,
                    flags=NO_CRT + ("-fno-builtin",) + flags, libs=("kernel32", lib))
    ran = run_program(program, root)
    assert ran.stderr == ""
    return ran.status, ran.stdout


def table_program(sig: str, names: list[str], inputs: list[tuple[int, ...]]) -> str:
    """A program calling each function of signature `sig` ("d_d", "d_dd", "d_ddd", "f_f", "f_ff") on each input
    (bit patterns): one line per call, "name input... result errno"."""
    ret, args = sig.split("_")
    ctype = {"d": "double", "f": "float"}
    conv = {"d": "dbl", "f": "flt"}
    width = {"d": 16, "f": 8}
    proto = ", ".join(ctype[a] for a in args)
    decls = "".join(f"I {ctype[ret]} {n}({proto});\n" for n in names)
    ints = "ULL" if args[0] == "d" else "U"
    table = ",\n".join("{" + ", ".join(f"0x{v:X}{ints}" for v in row) + "}" for row in inputs)
    call_args = ", ".join(f"{conv[a]}(X[j][{k}])" for k, a in enumerate(args))
    out_args = "".join(f"hex(X[j][{k}], {width[a]}); " for k, a in enumerate(args))
    result_bits = "bits(r)" if ret == "d" else "fbits(r)"
    assigns = "".join(f"    F[{i}] = {n}; N[{i}] = \"{n}\";\n" for i, n in enumerate(names))
    return decls + f"""
typedef {ctype[ret]} (*fn_t)({proto});
static fn_t F[{len(names)}];
static const char *N[{len(names)}];
static const {"unsigned long long" if args[0] == "d" else "unsigned"} X[][{len(args)}] = {{
{table}
}};
void start(void)
{{
    unsigned i, j;
{assigns}    for (i = 0; i < {len(names)}; i++)
        for (j = 0; j < sizeof X / sizeof X[0]; j++) {{
            {ctype[ret]} r;
            *_errno() = 0;
            r = F[i]({call_args});
            out(N[i]); out(" "); {out_args}hex({result_bits}, {width[ret]}); hex(*_errno(), 2); out("\\n");
        }}
    flush();
    ExitProcess(0);
}}
"""


def parse_table(stdout: str) -> dict[tuple, tuple[int, int]]:
    """{(name, input bits...): (result bits, errno)}"""
    results = {}
    for line in stdout.splitlines():
        name, *fields = line.split()
        *args, result, err = (int(f, 16) for f in fields)
        results[(name, *args)] = (result, err)
    return results


def ulps(a: int, b: int, bits: int = 64) -> int:
    """The distance in ulps between two patterns of the same sign convention (NaNs equal to NaNs)."""
    sign = 1 << (bits - 1)

    def ordered(v: int) -> int:
        return -(v & (sign - 1)) if v & sign else v

    return abs(ordered(a) - ordered(b))


def run_both(tmp_path: Path, body: str, lib: str = "msvcrt", name: str = "prog") -> str:
    """Runs the program in both widths; they must print the same. Returns the output."""
    outputs = []
    for width in WIDTHS:
        status, out = run_c(tmp_path, width, body, lib, name)
        assert status == 0
        outputs.append(out)
    assert outputs[0] == outputs[1], "the widths differ"
    return outputs[0]


# ---------------------------------------------------------------------------------------------------------------
# What mingw-w64's C and C++ programs import from msvcrt.dll for their maths (libmingwex has the rest): these first.

def test_what_mingw_programs_import(tmp_path: Path) -> None:
    body = r"""
I double acos(double); I double asin(double); I double atan(double); I double cosh(double); I double log10(double);
I double sinh(double); I double tan(double); I double tanh(double); I double _hypot(double, double);
I double _chgsign(double); I double _copysign(double, double); I int _finite(double); I int _fpclass(double);
I int _isnan(double); I double _logb(double); I double _nextafter(double, double); I double _scalb(double, long);
volatile double half = 0.5, three = 3, four = 4, minus = -2.5, inf = 1e308 * 10, zero = 0;
void start(void)
{
    hex(bits(acos(half)), 16); hex(bits(asin(half)), 16); hex(bits(atan(half)), 16); hex(bits(cosh(half)), 16);
    hex(bits(log10(three)), 16); hex(bits(sinh(half)), 16); hex(bits(tan(half)), 16); hex(bits(tanh(half)), 16);
    out("\n");
    hex(bits(_hypot(three, four)), 16); hex(bits(_chgsign(minus)), 16); hex(bits(_copysign(three, minus)), 16);
    hex(_finite(inf), 1); hex(_finite(half), 1); hex(_isnan(inf - inf), 1); hex(_fpclass(minus), 4);
    hex(_fpclass(-zero), 4); hex(_fpclass(inf), 4); hex(bits(_logb(minus)), 16);
    hex(bits(_nextafter(half, three)), 16); hex(bits(_scalb(three, 4)), 16);
    out("\n");
    flush();
    ExitProcess(0);
}
"""
    out = run_both(tmp_path, body)
    first, second = out.splitlines()
    expected = [math.acos(0.5), math.asin(0.5), math.atan(0.5), math.cosh(0.5), math.log10(3), math.sinh(0.5),
                math.tan(0.5), math.tanh(0.5)]
    for got, want in zip(first.split(), expected, strict=True):
        assert ulps(int(got, 16), dbits(want)) <= 1, (got, want)
    assert second.split() == [
        "4014000000000000", "4004000000000000", "c008000000000000", "0", "1", "1",
        "0008", "0020", "0200", "3ff0000000000000", f"{dbits(math.nextafter(0.5, 3)):016x}", "4048000000000000"]


# ---------------------------------------------------------------------------------------------------------------
# The transcendental functions, within an ulp, the same bits in both widths.

def _sample(seed: int) -> list[float]:
    rnd = random.Random(seed)
    xs = [0.0, -0.0, 1e-300, 5e-324, 0.1, 0.5, 1.0, 2.0, 3.0, 10.0, 100.0, 1e22, 1e300, 2.0 ** 1023,
          1.5707963267948966, 3.141592653589793, 0.7853981633974483, -1.0, -0.5,
          -3.0, 709.0, -745.0, 1e-8, 0.999, 1.001]
    xs += [rnd.uniform(-10, 10) for _ in range(40)]
    xs += [math.copysign(math.exp(rnd.uniform(-700, 700)), rnd.uniform(-1, 1)) for _ in range(30)]
    return xs


PYTHON_1 = {
    "sin": math.sin, "cos": math.cos, "tan": math.tan, "asin": math.asin, "acos": math.acos, "atan": math.atan,
    "sinh": math.sinh, "cosh": math.cosh, "tanh": math.tanh, "exp": math.exp, "log": math.log,
    "log10": math.log10,
}
def _cbrt(x: float) -> float:
    """The correctly rounded cube root (glibc's, hence math.cbrt, can be 2 ulps away)."""
    if x == 0 or not math.isfinite(x):
        return x
    with localcontext() as context:
        context.prec = 60
        return math.copysign(float(Decimal(abs(x)) ** (Decimal(1) / 3)), x)


PYTHON_C99 = {
    "exp2": math.exp2, "expm1": math.expm1, "log2": math.log2, "log1p": math.log1p, "cbrt": _cbrt,
    "asinh": math.asinh, "acosh": math.acosh, "atanh": math.atanh,
}


def _python_value(f, *args: float) -> float | None:
    """Python's result, or None where it raises (a domain or range error: checked elsewhere)."""
    try:
        return f(*args)
    except (ValueError, OverflowError):
        return None


def _check_table(results: dict, functions: dict, inputs: list[tuple[float, ...]], bits: int = 64,
                 tolerance: int = 1, to_result=float) -> None:
    pack = dbits if bits == 64 else fbits
    for name, f in functions.items():
        for args in inputs:
            want = _python_value(f, *args)
            if want is None or (bits == 32 and not 2.0 ** -126 <= abs(to_result(want)) < math.inf):
                continue
            got, err = results[(name, *(pack(a) for a in args))]
            want_bits = pack(to_result(want))
            if math.isnan(want):
                assert got & 0x7FF0000000000000 == 0x7FF0000000000000, (name, args)
                continue
            assert ulps(got, want_bits, bits) <= tolerance, (name, args, hex(got), hex(want_bits))
            assert err == 0, (name, args, err)


def test_c89_functions_within_an_ulp(tmp_path: Path) -> None:
    xs = _sample(1)
    body = table_program("d_d", list(PYTHON_1), [(dbits(x),) for x in xs])
    results = parse_table(run_both(tmp_path, body))
    _check_table(results, PYTHON_1, [(x,) for x in xs])


def test_c99_functions_within_an_ulp(tmp_path: Path) -> None:
    xs = _sample(2) + [1 + 1e-9, 1 - 1e-9, 0.9999999, 1e-17]
    body = table_program("d_d", list(PYTHON_C99), [(dbits(x),) for x in xs])
    results = parse_table(run_both(tmp_path, body, lib="ucrtbase"))
    _check_table(results, PYTHON_C99, [(x,) for x in xs])


def test_two_argument_functions_within_an_ulp(tmp_path: Path) -> None:
    rnd = random.Random(3)
    pairs = [(rnd.uniform(0, 10), rnd.uniform(-50, 50)) for _ in range(40)]
    pairs += [(rnd.uniform(-10, 10) * 10 ** rnd.randint(-200, 200), rnd.uniform(-10, 10) * 10 ** rnd.randint(-200, 200))
              for _ in range(30)]
    pairs += [(2.0, 0.5), (10.0, 3.0), (0.5, 1074.0), (1.0000001, 1e9), (-2.0, 3.0), (-8.0, -2.0), (3.0, 4.0),
              (1e-320, 1e-320), (1e308, 1e308), (-1.0, -0.0), (0.0, -1.0)]
    functions = {"pow": math.pow, "atan2": math.atan2, "hypot": math.hypot, "_hypot": math.hypot}
    body = table_program("d_dd", list(functions), [(dbits(a), dbits(b)) for a, b in pairs])
    results = parse_table(run_both(tmp_path, body))
    _check_table(results, functions, pairs)


# erf, erfc, tgamma and lgamma, correctly rounded (mpmath, 200 bits); the libm gives these exactly.
HARD = {
    "erf": [
        (0.1, 0x3FBCCA5EA24FB334), (0.5, 0x3FE0A7EF5C18EDD2), (-0.75, 0xBFE6C1C9759D0E5F),
        (1.0, 0x3FEAF767A741088B), (1.5, 0x3FEEEA5557137AE0), (2.0, 0x3FEFD9AE142795E3),
        (2.4, 0x3FEFFA5C14EA981C), (2.6, 0x3FEFFE10FFFCCF10), (3.0, 0x3FEFFFD1AC4135F9),
        (-3.5, 0xBFEFFFFE710D565E), (4.2, 0x3FEFFFFFFE778B3B), (5.9, 0x3FEFFFFFFFFFFFFF),
        (1e-10, 0x3DDF044332D68161), (1e-300, 0x01A82E6D98711D3A),
    ],
    "erfc": [
        (-1.5, 0x3FFF752AAB89BD70), (-0.3, 0x3FF5420E22077A84), (0.1, 0x3FEC66B42BB60999),
        (0.5, 0x3FDEB02147CE245C), (1.0, 0x3FC4226162FBDDD5), (2.0, 0x3F7328F5EC350E67),
        (2.4, 0x3F468FAC559F917C), (2.6, 0x3F2EF000330F060C), (3.0, 0x3EF729DF6503422A),
        (5.0, 0x3D7B0C1A759F7739), (10.0, 0x36A7D8A7F2A8A2D0), (20.0, 0x1B8B54F244DF93DF),
        (26.0, 0x02A284BFE1CDEA24),
    ],
    "tgamma": [
        (0.5, 0x3FFC5BF891B4EF6B), (1.5, 0x3FEC5BF891B4EF6B), (2.5, 0x3FF544FA6D47B390),
        (3.0, 0x4000000000000000), (4.0, 0x4018000000000000), (5.0, 0x4038000000000000),
        (10.0, 0x4116260000000000), (23.0, 0x444E77526159F06C), (24.5, 0x44BAADF749E77E83),
        (100.25, 0x606B7D035F47BC48), (170.5, 0x7F69589F849167A8), (171.5, 0x7FE0E1863DCAD789),
        (-0.5, 0xC00C5BF891B4EF6B), (-1.5, 0x4002E7FB0BCDF4F2), (-2.75, 0xBFF0126C7A2DF451),
        (-10.1, 0xBEC29146A296668A), (-100.3, 0x9F225502F5484BA8), (-170.9, 0x8009DA6D7ED6DEC0),
        (1e-05, 0x40F869F6C3C3E0BB), (7.77, 0x40A8DB1649B19C73),
    ],
    "lgamma": [
        (0.5, 0x3FE250D048E7A1BD), (1.5, 0xBFBEEB95B094C191), (2.5, 0x3FD2383E809A67E8),
        (3.0, 0x3FE62E42FEFA39EF), (4.0, 0x3FFCAB0BFA2A2002), (10.0, 0x40299A8921A7F7CF),
        (12.5, 0x4032BBFE32D3AA7F), (100.25, 0x4076848D8E681F58), (1000.5, 0x40B714AC96C9D5D3),
        (1e10, 0x4249A43710F467C1), (1e100, 0x553060A2246099AE), (1e300, 0x7ED017F38E7A1AB5),
        (-0.5, 0x3FF43F89A3F0EDD6), (-1.5, 0x3FEB858151820F86), (-2.25, 0x3FE1C6AB2D17B786),
        (-10.1, 0xC02A0ABD02322B48), (-100.3, 0xC076BC42616A0967), (0.1, 0x4002058E35F3DEEE),
        (1e-05, 0x4027069D68F4EC83), (7.77, 0x40202157A32B0F0F),
        # near its zeros 1 and 2
        (1.0001, 0xBF0E422756CB35CD), (0.999, 0x3F42F0F04C1BBB44), (2.001, 0x3F3BBA8D96B3FC11),
        (1.9999999, 0xBE66B2B405FA85A3), (0.85, 0x3FBB49D14B2FD3D5), (2.3, 0x3FC3BC7AE538475D),
    ],
}


def test_error_and_gamma_functions_correctly_rounded(tmp_path: Path) -> None:
    xs = sorted({x for table in HARD.values() for x, _ in table})
    body = table_program("d_d", list(HARD), [(dbits(x),) for x in xs])
    results = parse_table(run_both(tmp_path, body, lib="ucrtbase"))
    for name, table in HARD.items():
        for x, want in table:
            got, err = results[(name, dbits(x))]
            assert got == want, (name, x, hex(got), hex(want))


# ---------------------------------------------------------------------------------------------------------------
# The exact functions: equality.

def _round_half_away(x: float) -> float:
    if math.isinf(x) or math.isnan(x):
        return x
    r = math.floor(abs(Fraction(x)) + Fraction(1, 2))
    return math.copysign(float(r), x)


def _zero_signed(f):
    return lambda x: math.copysign(float(f(x)), x) if f(x) == 0 else float(f(x))


EXACT_1 = {
    "floor": _zero_signed(math.floor), "ceil": _zero_signed(math.ceil), "sqrt": math.sqrt, "fabs": math.fabs,
}
EXACT_C99_1 = {
    "trunc": _zero_signed(math.trunc), "round": _round_half_away, "rint": _zero_signed(round),
    "nearbyint": _zero_signed(round), "logb": lambda x: float(math.frexp(x)[1] - 1) if x else math.log(x),
}


def _exact_inputs() -> list[float]:
    rnd = random.Random(4)
    xs = [0.5, 1.5, 2.5, -0.5, -1.5, -2.5, 0.49999999999999994, -0.49999999999999994, 4503599627370495.5,
          4503599627370497.0, 1e300, -1e-300, 5e-324, 0.0, -0.0, 2.0 ** 52, 2.0 ** 52 - 0.5, 0.7, -0.7, 3.0, -3.0]
    xs += [rnd.uniform(-1e6, 1e6) for _ in range(20)]
    xs += [rnd.uniform(-4, 4) for _ in range(20)]
    return xs


def test_exact_functions(tmp_path: Path) -> None:
    xs = _exact_inputs()
    body = table_program("d_d", list(EXACT_1), [(dbits(x),) for x in xs])
    results = parse_table(run_both(tmp_path, body, name="exact"))
    body = table_program("d_d", list(EXACT_C99_1), [(dbits(x),) for x in xs])
    results.update(parse_table(run_both(tmp_path, body, lib="ucrtbase", name="exact99")))
    for name, f in {**EXACT_1, **EXACT_C99_1}.items():
        for x in xs:
            want = _python_value(f, x)
            if want is None:
                continue
            assert results[(name, dbits(x))] == (dbits(want), 0), (name, x)


def _fma(a: float, b: float, c: float) -> float:
    return float(Fraction(a) * Fraction(b) + Fraction(c))


def test_exact_two_argument_functions(tmp_path: Path) -> None:
    rnd = random.Random(5)
    pairs = [(rnd.uniform(-1e10, 1e10), rnd.uniform(-100, 100)) for _ in range(25)]
    pairs += [(rnd.uniform(-1, 1) * 10 ** rnd.randint(-300, 300), rnd.uniform(-1, 1) * 10 ** rnd.randint(-300, 300))
              for _ in range(25)]
    pairs += [(5.0, 3.0), (-5.0, 3.0), (5.5, 2.0), (7.5, 2.0), (6.5, 2.0), (1e300, 3e-300), (5e-324, 1e-320),
              (3.0, 1.5), (-0.0, 1.0), (2.0, 5e-324)]
    functions = {"fmod": math.fmod, "remainder": math.remainder, "copysign": math.copysign,
                 "nextafter": math.nextafter, "fmin": min, "fmax": max, "fdim": lambda a, b: max(a - b, 0.0)}
    body = table_program("d_dd", list(functions), [(dbits(a), dbits(b)) for a, b in pairs])
    results = parse_table(run_both(tmp_path, body, lib="ucrtbase"))
    for name, f in functions.items():
        for a, b in pairs:
            want = _python_value(f, a, b)
            if want is None:
                continue
            got, _ = results[(name, dbits(a), dbits(b))]
            assert got == dbits(want), (name, a, b, hex(got), hex(dbits(want)))
    triples = [(a, b, rnd.uniform(-1, 1) * abs(a * b)) for a, b in pairs[:30] if math.isfinite(a * b) and a * b]
    triples += [(0.1, 10.0, -1.0), (1 + 2.0 ** -52, 1 - 2.0 ** -53, -1.0), (2.0 ** 600, 2.0 ** 500, -(2.0 ** 1000)),
                (2.0 ** -600, 2.0 ** -500, 2.0 ** -1074), (3.0, 5e-324, -1e-323), (1e308, 10.0, -1e308)]
    body = table_program("d_ddd", ["fma"], [tuple(dbits(v) for v in t) for t in triples])
    results = parse_table(run_both(tmp_path, body, lib="ucrtbase", name="fma"))
    for t in triples:
        want = _python_value(_fma, *t)
        got, _ = results[("fma", *(dbits(v) for v in t))]
        assert got == dbits(want if want is not None else math.inf), (t, hex(got))


def test_frexp_ldexp_modf_remquo_and_the_conversions(tmp_path: Path) -> None:
    body = r"""
I double frexp(double, int *); I double ldexp(double, int); I double modf(double, double *);
I double remquo(double, double, int *); I long lround(double); I long long llround(double); I long lrint(double);
I long long llrint(double); I int ilogb(double); I double scalbn(double, int);
static const double X[] = {0.75, -12.5, 5e-324, 1e300, 0.0, -0.0, 4503599627370497.0, 2.5, -2.5, 3e9, -1e20};
void start(void)
{
    unsigned i;
    for (i = 0; i < sizeof X / sizeof X[0]; i++) {
        int e = 99, q = 99;
        double ip = 99, f = frexp(X[i], &e), m = modf(X[i], &ip), r = remquo(X[i], 0.75, &q);
        hex(bits(f), 16); hex((unsigned)e, 8); hex(bits(m), 16); hex(bits(ip), 16); hex(bits(r), 16);
        hex((unsigned)q, 8); hex((unsigned long)lround(X[i]), 8); hex((unsigned long long)llround(X[i]), 16);
        hex((unsigned long)lrint(X[i]), 8); hex((unsigned long long)llrint(X[i]), 16); hex((unsigned)ilogb(X[i]), 8);
        hex(bits(ldexp(X[i], -1070)), 16); hex(bits(scalbn(X[i], 5)), 16);
        out("\n");
    }
    flush();
    ExitProcess(0);
}
"""
    out = run_both(tmp_path, body, lib="ucrtbase")
    xs = [0.75, -12.5, 5e-324, 1e300, 0.0, -0.0, 4503599627370497.0, 2.5, -2.5, 3e9, -1e20]
    for x, line in zip(xs, out.splitlines(), strict=True):
        fields = line.split()
        m, e = math.frexp(x)
        frac, ip = math.modf(x)
        r = math.remainder(x, 0.75)
        q = round((Fraction(x) - Fraction(r)) / Fraction(3, 4))

        def i32(v: int) -> str:
            return f"{v & 0xFFFFFFFF:08x}"

        def i64(v: int) -> str:
            return f"{v & 0xFFFFFFFFFFFFFFFF:016x}"

        fits32 = -2 ** 31 <= _round_half_away(x) < 2 ** 31
        fits64 = -2 ** 63 <= _round_half_away(x) < 2 ** 63
        expected = [f"{dbits(m):016x}", i32(e), f"{dbits(math.copysign(frac, x)):016x}", f"{dbits(ip):016x}",
                    f"{dbits(r):016x}", i32(q & 0x7FFFFFFF if q >= 0 else -(-q & 0x7FFFFFFF)),
                    i32(int(_round_half_away(x))) if fits32 else "80000000",
                    i64(int(_round_half_away(x))) if fits64 else "8000000000000000",
                    i32(int(round(x))) if fits32 else "80000000", i64(int(round(x))) if fits64 else "8000000000000000",
                    i32(math.frexp(x)[1] - 1) if x else "80000000",
                    f"{dbits(math.ldexp(x, -1070)):016x}", f"{dbits(math.ldexp(x, 5)):016x}"]
        assert fields == expected, (x, fields, expected)


# ---------------------------------------------------------------------------------------------------------------
# Special values and errno, as the Microsoft CRTs give them: a domain error is EDOM and the "indefinite" NaN
# (0xFFF8000000000000), a pole or an overflow ERANGE, an underflow nothing.

INF, NINF, IND, QNAN = 0x7FF0000000000000, 0xFFF0000000000000, 0xFFF8000000000000, 0x7FF8000000000000
PI, HALF_PI = dbits(math.pi), dbits(math.pi / 2)
SPECIAL_1 = [
    ("sqrt", -1.0, IND, EDOM), ("sqrt", -0.0, dbits(-0.0), 0), ("sqrt", math.inf, INF, 0),
    ("log", 0.0, NINF, ERANGE), ("log", -0.0, NINF, ERANGE), ("log", -1.0, IND, EDOM), ("log", math.inf, INF, 0),
    ("log", 1.0, 0, 0), ("log10", 0.0, NINF, ERANGE), ("log10", -5.0, IND, EDOM), ("log10", 1000.0, dbits(3.0), 0),
    ("exp", 1000.0, INF, ERANGE), ("exp", -1000.0, 0, 0), ("exp", -math.inf, 0, 0), ("exp", math.inf, INF, 0),
    ("exp", 0.0, dbits(1.0), 0), ("sin", math.inf, IND, EDOM), ("cos", -math.inf, IND, EDOM),
    ("tan", math.inf, IND, EDOM), ("sin", -0.0, dbits(-0.0), 0), ("asin", 2.0, IND, EDOM),
    ("acos", -1.5, IND, EDOM), ("acos", -1.0, PI, 0), ("asin", 1.0, HALF_PI, 0), ("atan", math.inf, HALF_PI, 0),
    ("cosh", 1000.0, INF, ERANGE), ("sinh", -1000.0, NINF, ERANGE), ("tanh", -math.inf, dbits(-1.0), 0),
    ("sin", math.nan, QNAN, 0), ("log", math.nan, QNAN, 0), ("exp", math.nan, QNAN, 0),
    ("floor", -0.0, dbits(-0.0), 0), ("ceil", -0.5, dbits(-0.0), 0), ("floor", -0.5, dbits(-1.0), 0),
    # the double nearest a multiple of pi/2 (Kahan, McDonald): 6381956970095103 * 2^797 is 4.6871659242546276e-19
    # above one, so its cosine is -4.687165924254628e-19 (glibc's, hence Python's, is 15 ulps away)
    ("cos", 6381956970095103 * 2.0 ** 797, dbits(-4.687165924254628e-19), 0),
    ("sin", 6381956970095103 * 2.0 ** 797, dbits(1.0), 0),
]
SPECIAL_2 = [
    ("pow", (0.0, -1.0), INF, ERANGE), ("pow", (-0.0, -3.0), NINF, ERANGE), ("pow", (-8.0, 1 / 3), IND, EDOM),
    ("pow", (2.0, 2000.0), INF, ERANGE), ("pow", (2.0, -2000.0), 0, 0), ("pow", (-2.0, 3.0), dbits(-8.0), 0),
    ("pow", (math.nan, 0.0), dbits(1.0), 0), ("pow", (1.0, math.nan), dbits(1.0), 0),
    ("pow", (-1.0, math.inf), dbits(1.0), 0), ("pow", (0.5, -math.inf), INF, 0), ("pow", (-math.inf, 3.0), NINF, 0),
    ("pow", (-math.inf, -3.0), dbits(-0.0), 0), ("atan2", (0.0, -0.0), PI, 0),
    ("atan2", (-0.0, -0.0), dbits(-math.pi), 0),
    ("atan2", (-0.0, 0.0), dbits(-0.0), 0), ("atan2", (math.inf, -math.inf), dbits(3 * math.pi / 4), 0),
    ("fmod", (1.0, 0.0), IND, EDOM), ("fmod", (math.inf, 1.0), IND, EDOM), ("fmod", (-0.0, 1.0), dbits(-0.0), 0),
    ("fmod", (5.0, math.inf), dbits(5.0), 0), ("_hypot", (math.inf, math.nan), INF, 0),
    ("_hypot", (1.5e308, 1.5e308), INF, ERANGE),
]
SPECIAL_C99 = [
    ("log1p", -1.0, NINF, ERANGE), ("log1p", -2.0, IND, EDOM), ("acosh", 0.5, IND, EDOM), ("atanh", 1.0, INF, ERANGE),
    ("atanh", -2.0, IND, EDOM), ("tgamma", 0.0, INF, ERANGE), ("tgamma", -0.0, NINF, ERANGE),
    ("tgamma", -1.0, IND, EDOM), ("tgamma", 200.0, INF, ERANGE), ("lgamma", 0.0, INF, ERANGE),
    ("lgamma", -2.0, INF, ERANGE), ("lgamma", 1.0, 0, 0), ("lgamma", 2.0, 0, 0), ("log2", 0.0, NINF, ERANGE),
    ("log2", 1024.0, dbits(10.0), 0), ("exp2", 1024.0, INF, ERANGE), ("exp2", -1074.0, 1, 0),
    ("expm1", -math.inf, dbits(-1.0), 0), ("cbrt", -27.0, dbits(-3.0), 0), ("erf", math.inf, dbits(1.0), 0),
    ("erfc", -math.inf, dbits(2.0), 0), ("round", -0.5, dbits(-1.0), 0), ("trunc", -0.7, dbits(-0.0), 0),
    ("rint", 2.5, dbits(2.0), 0), ("logb", 0.0, NINF, ERANGE),
]


def _special_run(tmp_path: Path, sig: str, table: list, lib: str, name: str) -> None:
    names = sorted({row[0] for row in table})
    inputs = sorted({tuple(dbits(a) for a in (row[1] if isinstance(row[1], tuple) else (row[1],))) for row in table})
    results = parse_table(run_both(tmp_path, table_program(sig, names, inputs), lib=lib, name=name))
    for fn, args, want, err in table:
        key = (fn, *(dbits(a) for a in (args if isinstance(args, tuple) else (args,))))
        assert results[key] == (want, err), (fn, args, hex(results[key][0]), results[key][1])


def test_special_values_and_errno(tmp_path: Path) -> None:
    _special_run(tmp_path, "d_d", SPECIAL_1, "msvcrt", "special1")
    _special_run(tmp_path, "d_dd", SPECIAL_2, "msvcrt", "special2")


def test_special_values_and_errno_of_the_c99_functions(tmp_path: Path) -> None:
    _special_run(tmp_path, "d_d", SPECIAL_C99, "ucrtbase", "special99")


# ---------------------------------------------------------------------------------------------------------------
# The float functions: what ucrtbase.dll exports on both widths, and what both DLLs export on x64 only.

FLOAT_C99 = {"exp2f": math.exp2, "log2f": math.log2, "cbrtf": math.cbrt, "expm1f": math.expm1,
             "log1pf": math.log1p, "asinhf": math.asinh, "roundf": _round_half_away, "truncf": _zero_signed(math.trunc)}
FLOAT_X64 = {"sinf": math.sin, "cosf": math.cos, "tanf": math.tan, "expf": math.exp, "logf": math.log,
             "sqrtf": math.sqrt, "atanf": math.atan, "floorf": _zero_signed(math.floor)}


def _float_inputs() -> list[float]:
    rnd = random.Random(6)
    xs = [0.5, 1.0, 2.0, 3.0, 10.0, 0.1, 100.0, 1e-3, 2.5, -2.5, 1e30, 0.75]
    xs += [rnd.uniform(-20, 20) for _ in range(30)]
    return [struct.unpack("<f", struct.pack("<f", x))[0] for x in xs]


def _f32(x: float) -> float:
    return struct.unpack("<f", struct.pack("<f", x))[0] if abs(x) < 3.4e38 else math.copysign(math.inf, x)


@pytest.mark.parametrize("width", WIDTHS)
def test_c99_float_functions(width: str, tmp_path: Path) -> None:
    xs = _float_inputs()
    status, out = run_c(tmp_path, width, table_program("f_f", list(FLOAT_C99), [(fbits(x),) for x in xs]),
                        "ucrtbase")
    assert status == 0
    _check_table(parse_table(out), FLOAT_C99, [(x,) for x in xs], bits=32, to_result=_f32)


@pytest.mark.parametrize("lib", ["msvcrt", "ucrtbase"])
def test_x64_float_functions(lib: str, tmp_path: Path) -> None:
    xs = _float_inputs()
    status, out = run_c(tmp_path, "x64", table_program("f_f", list(FLOAT_X64), [(fbits(x),) for x in xs]), lib)
    assert status == 0
    _check_table(parse_table(out), FLOAT_X64, [(x,) for x in xs], bits=32, to_result=_f32)


# ---------------------------------------------------------------------------------------------------------------
# The floating-point environment.

CONTROL = r"""
I unsigned _controlfp(unsigned, unsigned); I unsigned _control87(unsigned, unsigned); I void _fpreset(void);
I unsigned _statusfp(void); I unsigned _clearfp(void);
typedef int (*controlfp_s_t)(unsigned *, unsigned, unsigned);   /* not in mingw-w64's libmsvcrt.a */
volatile double one = 1, three = 3;
static void set_sse_flags(unsigned flags)
{
    unsigned m;
    __asm__ volatile("stmxcsr %0" : "=m"(m));
    m |= flags;
    __asm__ volatile("ldmxcsr %0" : : "m"(m));
}
static unsigned mxcsr(void)
{
    unsigned m;
    __asm__ volatile("stmxcsr %0" : "=m"(m));
    return m;
}
static unsigned x87cw(void)
{
    unsigned short w;
    __asm__ volatile("fnstcw %0" : "=m"(w));
    return w;
}
void start(void)
{
    unsigned current = 0;
    controlfp_s_t _controlfp_s = (controlfp_s_t)GetProcAddress(LoadLibraryA(DLL), "_controlfp_s");
    _fpreset();
    hex(_controlfp(0, 0), 8); hex(_control87(0, 0), 8); hex(mxcsr(), 8); hex(x87cw(), 4); out("\n");
    hex(_controlfp(0x200, 0x300), 8); hex(mxcsr(), 8); hex(x87cw(), 4); hex(bits(one / three), 16); out("\n");
    hex(_controlfp(0x100, 0x300), 8); hex(bits(one / three), 16); hex(_controlfp(0, 0x300), 8); out("\n");
    hex(_controlfp(0, 0x80000), 8); hex(_control87(0, 0x80000), 8); hex(_control87(0x80000, 0x80000), 8); out("\n");
    hex(_controlfp(0x8000F, 0x8001F), 8); hex(mxcsr(), 8); hex(_controlfp(0x1F, 0x1F), 8); out("\n");
    hex(_controlfp(0x20000, 0x30000), 8); hex(x87cw(), 4); hex(_controlfp(0x10000, 0x30000), 8); out("\n");
    hex(_controlfp(0x01000000, 0x03000000), 8); hex(mxcsr(), 8); hex(_controlfp(0, 0x03000000), 8); out("\n");
    hex((unsigned)_controlfp_s(&current, 0x300, 0x300), 2); hex(current, 8); _controlfp_s(&current, 0, 0x300);
    hex(current, 8); out("\n");
    hex(_statusfp(), 8); set_sse_flags(0x0C); hex(_statusfp(), 8); hex(_clearfp(), 8); hex(_statusfp(), 8);
    hex(mxcsr(), 8); out("\n");
    flush();
    ExitProcess(0);
}
"""


@pytest.mark.parametrize("lib", ["msvcrt", "ucrtbase"])
@pytest.mark.parametrize("width", WIDTHS)
def test_controlfp_round_trips(width: str, lib: str, tmp_path: Path) -> None:
    status, out = run_c(tmp_path, width, f'#define DLL "{lib}.dll"\n' + CONTROL, lib)
    assert status == 0
    third_up, third_down = "3fd5555555555556", "3fd5555555555555"
    if width == "x86":
        assert [line.rstrip() for line in out.splitlines()] == [
            "0009001f 0009001f 00001f80 027f",
            f"0009021f 00005f80 0a7f {third_up}",
            f"0009011f {third_down} 0009001f",
            "0009001f 0001001f 0009001f",
            "0009000f 00001f00 0009001f",
            "000a001f 007f 0009001f",
            "0109001f 00009fc0 0009001f",
            "00 0009031f 0009001f",
            "00000000 0000000c 0000000c 00000000 00001f80",
        ]
    else:
        assert [line.rstrip() for line in out.splitlines()] == [
            "0008001f 0008001f 00001f80 027f",
            f"0008021f 00005f80 027f {third_up}",
            f"0008011f {third_down} 0008001f",
            "0008001f 0000001f 0008001f",
            "0008000f 00001f00 0008001f",
            "0008001f 027f 0008001f",
            "0108001f 00009fc0 0008001f",
            "00 0008031f 0008001f",
            "00000000 0000000c 0000000c 00000000 00001f80",
        ]


FENV = r"""
typedef struct { unsigned long ctl, stat; } fenv_t;
I int fegetround(void); I int fesetround(int); I int fegetenv(fenv_t *); I int fesetenv(const fenv_t *);
I int feholdexcept(fenv_t *); I int feclearexcept(int); I int fetestexcept(int);
I int fegetexceptflag(unsigned long *, int); I int fesetexceptflag(const unsigned long *, int);
I void _fpreset(void); I double rint(double); I double nearbyint(double); I long lrint(double);
I unsigned _controlfp(unsigned, unsigned); I int __fpe_flt_rounds(void);
volatile double two_and_half = 2.5, minus_half = -0.5;
void start(void)
{
    fenv_t env, held;
    unsigned long flags = 0x14, saved = 0;
    _fpreset();
    hex(fegetround(), 4); hex(__fpe_flt_rounds(), 1); hex(fesetround(0x200), 1); hex(fegetround(), 4);
    hex(__fpe_flt_rounds(), 1); hex(bits(rint(two_and_half)), 16); hex(bits(nearbyint(minus_half)), 16);
    hex(lrint(two_and_half), 8); hex(fesetround(5), 1); hex(fegetround(), 4); fesetround(0x300);
    hex(bits(rint(minus_half)), 16); fesetround(0); hex(bits(rint(two_and_half)), 16); out("\n");
    hex(fetestexcept(0x1F), 2); hex(fesetexceptflag(&flags, 0x1F), 1); hex(fetestexcept(0x1F), 2);
    hex(fetestexcept(0x04), 2); hex(feclearexcept(0x10), 1); hex(fetestexcept(0x1F), 2);
    fegetexceptflag(&saved, 0x1F); hex(saved, 2); out("\n");
    hex(fegetenv(&env), 1); hex(env.ctl, 8); hex(env.stat, 8); hex(feholdexcept(&held), 1); hex(fetestexcept(0x1F), 2);
    hex(_controlfp(0, 0) & 0x1F, 2); _controlfp(0x10, 0x1F); hex(fesetenv(&env), 1); hex(fetestexcept(0x1F), 2);
    hex(_controlfp(0, 0) & 0x1F, 2); out("\n");
    flush();
    ExitProcess(0);
}
"""


@pytest.mark.parametrize("width", WIDTHS)
def test_fenv_functions(width: str, tmp_path: Path) -> None:
    status, out = run_c(tmp_path, width, FENV, "ucrtbase")
    assert status == 0
    assert [line.rstrip() for line in out.splitlines()] == [
        "0000 1 0 0200 2 4008000000000000 8000000000000000 00000003 1 0200 8000000000000000 4000000000000000",
        "00 0 14 04 0 04 04",
        "0 0008001f 00000004 0 00 1f 0 04 1f",     # the control part: the exception masks and the rounding
    ]


X86_ENTRIES = r"""
static double ci1(const char *name, double x)
{
    void *f = (void *)GetProcAddress(LoadLibraryA(DLL), name);
    double r;
    __asm__ volatile("fldl %1\n\tcall *%2\n\tfstpl %0" : "=m"(r) : "m"(x), "r"(f) : "eax", "ecx", "edx", "memory");
    return r;
}
static double ci2(const char *name, double x, double y)
{
    void *f = (void *)GetProcAddress(LoadLibraryA(DLL), name);
    double r;
    __asm__ volatile("fldl %1\n\tfldl %2\n\tcall *%3\n\tfstpl %0"
                     : "=m"(r) : "m"(x), "m"(y), "r"(f) : "eax", "ecx", "edx", "memory");
    return r;
}
static long long ftol(double x)
{
    void *f = (void *)GetProcAddress(LoadLibraryA(DLL), "_ftol");
    long long r;
    __asm__ volatile("fldl %1\n\tcall *%2" : "=A"(r) : "m"(x), "r"(f) : "ecx", "memory");
    return r;
}
void start(void)
{
    unsigned short cw;
    hex(bits(ci1("_CIsin", 0.5)), 16); hex(bits(ci1("_CIsqrt", 2.0)), 16); hex(bits(ci1("_CIexp", 1.0)), 16);
    hex(bits(ci1("_CIlog10", 1000.0)), 16); hex(bits(ci2("_CIpow", 2.0, 10.0)), 16);
    hex(bits(ci2("_CIatan2", 1.0, -1.0)), 16); hex(bits(ci2("_CIfmod", 7.0, 3.0)), 16);
    __asm__ volatile("fnstsw %%ax\n\tmovw %%ax, %0" : "=m"(cw) : : "eax");
    hex((cw >> 11) & 7, 1);                          /* the x87 stack's top: back where it was */
    hex((unsigned long long)ftol(-2.75), 16); hex((unsigned long long)ftol(3e10), 16);
    out("\n");
    flush();
    ExitProcess(0);
}
"""


@pytest.mark.parametrize("lib", ["msvcrt", "ucrtbase"])
def test_x86_x87_stack_entry_points_and_ftol(lib: str, tmp_path: Path) -> None:
    status, out = run_c(tmp_path, "x86", f'#define DLL "{lib}.dll"\n' + X86_ENTRIES, lib)
    assert status == 0
    assert out.split() == [f"{dbits(math.sin(0.5)):016x}", f"{dbits(math.sqrt(2)):016x}",
                           f"{dbits(math.e):016x}", f"{dbits(3.0):016x}", f"{dbits(1024.0):016x}",
                           f"{dbits(3 * math.pi / 4):016x}", f"{dbits(1.0):016x}", "0",
                           f"{-2 & 0xFFFFFFFFFFFFFFFF:016x}", f"{30000000000:016x}"]


SSE2_ENTRIES = r"""
static double sse2(const char *name, double x, double y)
{
    void *f = (void *)GetProcAddress(LoadLibraryA("ucrtbase.dll"), name);
    double r;
    __asm__ volatile("movsd %1, %%xmm0\n\tmovsd %2, %%xmm1\n\tcall *%3\n\tmovsd %%xmm0, %0"
                     : "=m"(r) : "m"(x), "m"(y), "r"(f) : "eax", "ecx", "edx", "xmm0", "xmm1", "memory");
    return r;
}
static float sse2f(const char *name, float x)
{
    void *f = (void *)GetProcAddress(LoadLibraryA("ucrtbase.dll"), name);
    float r;
    __asm__ volatile("movss %1, %%xmm0\n\tcall *%2\n\tmovss %%xmm0, %0"
                     : "=m"(r) : "m"(x), "r"(f) : "eax", "ecx", "edx", "xmm0", "xmm1", "memory");
    return r;
}
void start(void)
{
    hex(bits(sse2("__libm_sse2_sin", 0.5, 0)), 16); hex(bits(sse2("__libm_sse2_pow", 2.0, 0.5)), 16);
    hex(bits(sse2("_libm_sse2_sqrt_precise", 9.0, 0)), 16); hex(fbits(sse2f("__libm_sse2_expf", 1.0f)), 8);
    out("\n");
    flush();
    ExitProcess(0);
}
"""


def test_x86_sse2_register_entry_points(tmp_path: Path) -> None:
    status, out = run_c(tmp_path, "x86", SSE2_ENTRIES, "ucrtbase", flags=("-msse2",))
    assert status == 0
    assert out.split() == [f"{dbits(math.sin(0.5)):016x}", f"{dbits(math.sqrt(2)):016x}", f"{dbits(3.0):016x}",
                           f"{fbits(math.e):08x}"]


def test_the_tables_are_what_the_generator_renders() -> None:
    import importlib.util

    crt = Path(__file__).resolve().parent.parent / "guest" / "crt"
    spec = importlib.util.spec_from_file_location("mathtables", crt / "mathtables.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert (crt / "mathtables.h").read_text() == module.render()


DEFAULTS = r"""
I unsigned _controlfp(unsigned, unsigned);
void start(void)
{
    unsigned short cw;
    unsigned mxcsr;
    __asm__ volatile("fnstcw %0" : "=m"(cw));
    __asm__ volatile("stmxcsr %0" : "=m"(mxcsr));
    hex(cw, 4); hex(mxcsr, 8); hex(_controlfp(0, 0), 8); out("\n");
    flush();
    ExitProcess(0);
}
"""


@pytest.mark.parametrize("width", WIDTHS)
def test_a_process_starts_with_the_windows_floating_point_state(width: str, tmp_path: Path) -> None:
    status, out = run_c(tmp_path, width, DEFAULTS)
    assert (status, out.split()) == (0, ["027f", "00001f80", "0009001f" if width == "x86" else "0008001f"])


# The Bessel functions both DLLs export (mingw-w64's j0 and friends import them), against mpmath's values (200
# bits): within 2 ulps away from their zeros; Y of zero a singularity, of a negative number a domain error.
BESSEL = [
    ("_j0", 0, 0.5, 4606628204093652788), ("_j0", 0, 1.0, 4605067507577370864), ("_j0", 0, 3.0, 13821728336321454994),
    ("_j0", 0, 10.0, 13821400826882432596), ("_j0", 0, -7.5, 4598469568653842150),
    ("_j0", 0, 30.0, 13814259926616697757), ("_j0", 0, 100.5, 4588005958109263858),
    ("_j0", 0, 0.001, 4607182416548217735), ("_j1", 1, 0.5, 4597896661376200919),
    ("_j1", 1, -2.0, 13826741931658670576), ("_j1", 1, 5.0, 13822944797900646813),
    ("_j1", 1, 12.0, 13820590587517479286), ("_j1", 1, 40.0, 4593709029267723199),
    ("_j1", 1, 1e-05, 4527516983983491254), ("_y0", 0, 0.1, 13832960452645941644),
    ("_y0", 0, 1.0, 4591024005161638111), ("_y0", 0, 5.5, 13823159195459091686), ("_y0", 0, 20.0, 4589178151358349032),
    ("_y0", 0, 33.0, 4591807837675569278), ("_y1", 1, 0.001, 13872183040476721944),
    ("_y1", 1, 0.75, 13830723766459628931), ("_y1", 1, 6.0, 13818845469316329278),
    ("_y1", 1, 60.0, 4591284323679561817), ("_jn", 3, 2.0, 4593813690452814288), ("_jn", 3, 10.0, 4588574176264113158),
    ("_jn", 3, 50.0, 4591346667527424973), ("_jn", 40, 30.0, 4555298631154352167),
    ("_jn", 40, 5.0, 4127152829230135281), ("_yn", 4, 1.0, 13853252375837798843),
    ("_yn", 4, 12.0, 13817988249123443254), ("_yn", 4, 40.0, 4593678887893181388),
    ("_jn", -3, 2.0, 13817185727307590096),
    ("_y0", 0, 0.0, NINF | (ERANGE << 64)), ("_y1", 1, -1.0, NINF | (EDOM << 64)),
    ("_yn", 2, 0.0, NINF | (ERANGE << 64)),
]


@pytest.mark.parametrize("lib", ["msvcrt", "ucrtbase"])
def test_bessel_functions(lib: str, tmp_path: Path) -> None:
    calls = []
    for name, n, x, _ in BESSEL:
        call = f"{name}({n}, dbl(0x{dbits(x):X}ULL))" if name in ("_jn", "_yn") else f"{name}(dbl(0x{dbits(x):X}ULL))"
        calls.append(f"    *_errno() = 0; r = {call}; hex(bits(r), 16); hex(*_errno(), 2); out(\"\\n\");\n")
    body = ("I double _j0(double); I double _j1(double); I double _jn(int, double);\n"
            "I double _y0(double); I double _y1(double); I double _yn(int, double);\n"
            "void start(void)\n{\n    double r;\n" + "".join(calls) + "    flush();\n    ExitProcess(0);\n}\n")
    out = run_both(tmp_path, body, lib=lib)
    for (name, n, x, want), line in zip(BESSEL, out.splitlines(), strict=True):
        got, err = (int(field, 16) for field in line.split())
        want_bits, want_err = want & ((1 << 64) - 1), want >> 64
        assert ulps(got, want_bits) <= 2 and err == want_err, (name, n, x, hex(got), hex(want_bits), err)


FLAGS = r"""
I double sqrt(double); I double log(double); I double exp(double);
I unsigned _statusfp(void); I unsigned _clearfp(void); I void _fpreset(void);
volatile double minus_one = -1, zero = 0, big = 1000;
void start(void)
{
    _fpreset();
    sqrt(minus_one); hex(_clearfp(), 8);
    log(zero); hex(_clearfp(), 8);
    exp(big); hex(_clearfp(), 8);
    hex(_statusfp(), 8);
    out("\n");
    flush();
    ExitProcess(0);
}
"""


def test_math_errors_raise_the_exception_flags(tmp_path: Path) -> None:
    # as the hardware operation does: invalid for a domain error, zero divide for a pole, overflow and inexact for
    # an overflow (set in the MXCSR, where _statusfp reads them on both widths); _clearfp clears them
    assert run_both(tmp_path, FLAGS).split() == ["00000010", "00000008", "00000005", "00000000"]


CONTROLFP_S_PRECISION = r"""
I int _controlfp_s(unsigned *, unsigned, unsigned);
void start(void)
{
    unsigned current = 0;
    hex((unsigned)_controlfp_s(&current, 0x20000, 0x30000), 2); hex(current & 0x30000, 8); out("\n");
    flush();
    ExitProcess(0);
}
"""


@pytest.mark.parametrize("width", WIDTHS)
def test_controlfp_s_precision_control(width: str, tmp_path: Path) -> None:
    # the x87's precision control: settable on x86; on x64 (no x87 arithmetic) an invalid parameter, which by
    # default ends the process with STATUS_STACK_BUFFER_OVERRUN (__fastfail), as the UCRT does
    status, out = run_c(tmp_path, width, CONTROLFP_S_PRECISION, "ucrtbase")
    if width == "x86":
        assert (status, out.split()) == (0, ["00", "00020000"])
    else:
        assert (status, out) == (0xC0000409, "")


CABS = r"""
struct complex_ { double x, y; };
I double _cabs(struct complex_);
volatile double three = 3, four = -4, big = 1e300;
void start(void)
{
    struct complex_ z = {three, four}, w = {big, big};
    hex(bits(_cabs(z)), 16); hex(bits(_cabs(w)), 16); out("\n");
    flush();
    ExitProcess(0);
}
"""


@pytest.mark.parametrize("lib", ["msvcrt", "ucrtbase"])
def test_cabs_takes_the_complex_by_value(lib: str, tmp_path: Path) -> None:
    expected = [f"{dbits(5.0):016x}", f"{dbits(math.hypot(1e300, 1e300)):016x}"]
    assert run_both(tmp_path, CABS, lib=lib).split() == expected


CONTROL87_2 = r"""
typedef int (*control87_2_t)(unsigned, unsigned, unsigned *, unsigned *);
typedef void (*statusfp2_t)(unsigned *, unsigned *);
I void _fpreset(void); I unsigned _control87(unsigned, unsigned);
void start(void)
{
    HMODULE dll = LoadLibraryA(DLL);
    control87_2_t control87_2 = (control87_2_t)GetProcAddress(dll, "__control87_2");
    statusfp2_t statusfp2 = (statusfp2_t)GetProcAddress(dll, "_statusfp2");
    unsigned x87 = 0, sse = 0, mxcsr;
    _fpreset();
    hex(control87_2(0, 0, &x87, &sse), 1); hex(x87, 8); hex(sse, 8);
    x87 = sse = 0;
    hex(control87_2(0x200, 0x300, &x87, 0), 1); hex(x87, 8); hex(_control87(0, 0), 8);
    _control87(0x200, 0x300); hex(_control87(0, 0), 8);
    __asm__ volatile("stmxcsr %0" : "=m"(mxcsr));
    mxcsr |= 0x04;
    __asm__ volatile("ldmxcsr %0" : : "m"(mxcsr));
    statusfp2(&x87, &sse); hex(x87, 8); hex(sse, 8);
    out("\n");
    flush();
    ExitProcess(0);
}
"""


@pytest.mark.parametrize("lib", ["msvcrt", "ucrtbase"])
def test_x86_control87_2_and_statusfp2(lib: str, tmp_path: Path) -> None:
    # each unit on its own: the x87 has precision control, the SSE unit not; when they disagree _control87 says
    # _EM_AMBIGUOUS (0x80000000)
    status, out = run_c(tmp_path, "x86", f'#define DLL "{lib}.dll"\n' + CONTROL87_2, lib)
    assert (status, out.split()) == (0, ["1", "0009001f", "0008001f", "1", "0009021f", "8009021f", "0009021f",
                                         "00000000", "00000008"])
