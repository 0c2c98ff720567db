/*
 * sqrt (the SSE2 instruction, correctly rounded), hypot (and _cabs) and cbrt over double-doubles, and fma correctly rounded:
 * x*y exactly as a double-double, + z exactly, the two low parts added with rounding to odd and the sum rounded
 * once (Boldo and Melquiond's emulation), the operands first scaled so that nothing overflows or underflows.
 */
#include "mathlib.h"

double CRT_EXPORT sqrt(double x)
{
    if (math_isnan(x))
        return x + x;
    if (x < 0)
        return math_domain(MATH_INDEFINITE);
    return math_sqrt(x);
}

static int biased_exponent(double x)
{
    return (int)((math_bits(x) >> 52) & 0x7FF);
}

double CRT_EXPORT hypot(double x, double y)
{
    double ax = math_fabs(x), ay = math_fabs(y), big, small, r;
    int scale;
    struct dd sum;

    if (math_isinf(x) || math_isinf(y))
        return MATH_INF;
    if (math_isnan(x) || math_isnan(y))
        return x + y;
    big = ax > ay ? ax : ay;
    small = ax > ay ? ay : ax;
    if (small == 0 || biased_exponent(big) - biased_exponent(small) > 60)
        return big + small;
    scale = 1023 - biased_exponent(big);                     /* big near 1: no overflow, small stays normal */
    big = math_scale(big, scale);
    small = math_scale(small, scale);
    sum = dd_add(dd_two_prod(big, big), dd_two_prod(small, small));
    r = math_scale(dd_round(dd_sqrt(sum)), -scale);
    return math_isinf(r) ? math_overflow(r) : r;
}

double CRT_EXPORT _hypot(double x, double y)
{
    return hypot(x, y);
}

/* msvcrt's struct _complex, passed by value (by reference under the x64 calling convention, as MSVC does) */
struct crt_complex {
    double x, y;
};

double CRT_EXPORT _cabs(struct crt_complex z)
{
    return hypot(z.x, z.y);
}

double CRT_EXPORT cbrt(double x)
{
    double a = math_fabs(x), m, y;
    int e, k, i;
    struct dd cube, resid;

    if (x == 0 || !math_isfinite(x))
        return x + x;
    m = frexp(a, &e);                                        /* a = m 2^e, m in [0.5, 1) */
    k = (e + 3000) / 3 - 1000;                               /* floor(e / 3) */
    m = math_scale(m, e - 3 * k);                            /* in [0.5, 4) */
    y = 0.7 + 0.3 * m;
    for (i = 0; i < 7; i++)                                  /* Newton's iteration for y^3 = m */
        y -= (y * y * y - m) / (3 * y * y);
    cube = dd_mul_d(dd_two_prod(y, y), y);
    resid = dd_add_d(dd_neg(cube), m);                       /* m - y^3 */
    y = dd_round(dd_fast_two_sum(y, resid.hi / (3 * y * y)));
    return math_copysign(math_scale(y, k), x);
}

/* a + b rounded to odd: an inexact sum gets the neighbour whose last bit is 1 */
static double add_round_to_odd(double a, double b)
{
    struct dd s = dd_two_sum(a, b);
    uint64_t bits = math_bits(s.hi);

    if (s.lo != 0 && !(bits & 1))
        bits += ((s.lo > 0) == (s.hi > 0)) ? 1 : -1;
    return math_from_bits(bits);
}

/* x with its exponent set so that it lies in [1, 2): returns the power of two taken out */
static int normalize(double *x)
{
    int e;

    *x = frexp(*x, &e) * 2;
    return e - 1;
}

double CRT_EXPORT fma(double x, double y, double z)
{
    int ex, ey, ep, ez;
    double zs, t, r;
    struct dd p, s;

    if (!math_isfinite(x) || !math_isfinite(y) || !math_isfinite(z) || x == 0 || y == 0 || z == 0)
        return x * y + z;
    ex = normalize(&x);
    ey = normalize(&y);
    ep = ex + ey;
    zs = z;
    ez = normalize(&zs);
    if (ez - ep > 110)                                       /* x*y is below z's last bit: only z counts */
        return z;
    if (ep - ez > 110)
        zs = math_copysign(0x1p-200, z);                     /* z only decides the rounding direction */
    else
        zs = math_scale(zs, ez - ep);
    p = dd_two_prod(x, y);
    s = dd_two_sum(p.hi, zs);
    t = add_round_to_odd(s.lo, p.lo);
    if (s.hi + t == 0)
        return s.hi + t;
    r = s.hi + t;
    if (biased_exponent(r) - 1023 + ep < -1022)             /* a subnormal result: round to odd, then once */
        r = add_round_to_odd(s.hi, t);
    return math_scale(r, ep);
}
