/*
 * exp, exp2, expm1, log, log2, log10, log1p and pow over two double-double kernels:
 * - e^x: x = k ln2/64 + r (|r| <= ln2/128, Cody-Waite with ln2 in three parts), e^x = 2^(k/64) e^r with 2^(j/64)
 *   from a table and e^r by its Taylor polynomial, the first terms in double-double: relative error about 2^-77;
 * - log(x): x = 2^e m (m in [0.7, 1.4)), m = c (1 + r) with 1/c from a table (so that m/c - 1 is exact and
 *   |r| < 0.0057), log(x) = e ln2 + log(c) + log1p(r) by its series: absolute error about 2^-80, relative when the
 *   result is near zero.
 * pow(x, y) = e^(y log|x|) with the product in double-double: within an ulp even when y log|x| is near 709.
 */
#include "mathlib.h"

double math_scale(double x, int e)
{
    if (e >= -1022 && e <= 1023)
        return x * math_pow2(e);
    /* in two steps: the first is exact for any x this library scales, the second rounds once */
    if (e < -2044)
        e = -2044;
    if (e > 2046)
        e = 2046;
    return x * math_pow2(e / 2) * math_pow2(e - e / 2);
}

/* e^r - 1 for |r| <= ln2/64 */
static struct dd exp_poly(struct dd r)
{
    double rh = r.hi, rl = r.lo;
    struct dd sq = dd_two_prod(rh, rh), s;
    double tail = rh * rh * rh *
        (1.0 / 6 + rh * (1.0 / 24 + rh * (1.0 / 120 + rh * (1.0 / 720 + rh * (1.0 / 5040 + rh * (1.0 / 40320))))));

    s = dd_two_sum(rh, 0.5 * sq.hi);
    s.lo += rl + (0.5 * sq.lo + rh * rl) + tail;
    return dd_fast_two_sum(s.hi, s.lo);
}

/* 2^(k/64) e^r as m * 2^(*e) */
static struct dd exp_kernel(struct dd r, int k, int *e)
{
    struct dd t = EXP2_TABLE[k & 63];

    *e = k >> 6;                                             /* arithmetic shift: floor(k / 64) */
    return dd_add(t, dd_mul(t, exp_poly(r)));
}

struct dd math_exp_dd(struct dd x, int *e)
{
    const double shifter = 0x1.8p52;                         /* adding it rounds to an integer */
    double kd = (x.hi * (64 * DD_INV_LN2.hi) + shifter) - shifter;
    struct dd p0 = dd_two_prod(kd, LN2_PART[0] / 64), r;

    r = dd_two_sum(x.hi, -p0.hi);
    r.lo += x.lo - p0.lo - kd * (LN2_PART[1] / 64) - kd * (LN2_PART[2] / 64);
    r = dd_fast_two_sum(r.hi, r.lo);
    return exp_kernel(r, (int)kd, e);
}

struct dd math_expm1_dd(double x)
{
    struct dd r = {x, 0}, m;
    int e;

    if (math_fabs(x) <= 0.0054)
        return exp_poly(r);
    m = math_exp_dd(r, &e);
    m.hi = math_scale(m.hi, e);
    m.lo = math_scale(m.lo, e);
    return dd_add_d(m, -1.0);
}

/* The end of an exponential: m * 2^e rounded, ERANGE for an overflow. */
static double exp_result(struct dd m, int e)
{
    double v = math_scale(m.hi + m.lo, e);

    if (math_isinf(v))
        math_overflow(0);
    return v;
}

double CRT_EXPORT exp(double x)
{
    struct dd m, xd = {x, 0};
    int e;

    if (!math_isfinite(x))
        return math_isnan(x) ? x + x : x > 0 ? x : 0.0;
    if (x > 709.782712893384)
        return math_overflow(MATH_INF);
    if (x < -745.1332191019412)
        return 0.0;
    if (math_fabs(x) < 0x1p-54)
        return 1.0 + x;
    m = math_exp_dd(xd, &e);
    return exp_result(m, e);
}

double CRT_EXPORT exp2(double x)
{
    const double shifter = 0x1.8p52;
    double kd, f;
    struct dd m;
    int e;

    if (!math_isfinite(x))
        return math_isnan(x) ? x + x : x > 0 ? x : 0.0;
    if (x >= 1024)
        return math_overflow(MATH_INF);
    if (x < -1075)
        return 0.0;
    kd = (x * 64 + shifter) - shifter;
    f = x - kd / 64;                                         /* exact */
    m = exp_kernel(dd_mul_d(DD_LN2, f), (int)kd, &e);
    return exp_result(m, e);
}

double CRT_EXPORT expm1(double x)
{
    if (!math_isfinite(x))
        return math_isnan(x) ? x + x : x > 0 ? x : -1.0;
    if (x > 709.782712893384)
        return math_overflow(MATH_INF);
    if (x < -40)
        return -1.0;
    if (math_fabs(x) < 0x1p-54)
        return x;
    if (math_fabs(x) <= 1)
        return dd_round(math_expm1_dd(x));
    {
        struct dd xd = {x, 0}, m;
        int e;

        m = math_exp_dd(xd, &e);
        if (e > 1000)
            return exp_result(m, e);
        m.hi = math_scale(m.hi, e);
        m.lo = math_scale(m.lo, e);
        return dd_round(dd_add_d(m, -1.0));
    }
}

struct dd math_log_dd(double hi, double lo)
{
    uint64_t bits = math_bits(hi);
    int e = 0, j;
    double m, ed, rh, rl, tail, sum;
    struct dd p, r, h, a, b;
    const struct log_entry *t;

    if (bits < 0x0010000000000000ULL) {                      /* subnormal */
        bits = math_bits(hi * 0x1p54);
        e = -54;
    }
    e += (int)(bits >> 52) - 1023;
    m = math_from_bits((bits & 0x000FFFFFFFFFFFFFULL) | 0x3FF0000000000000ULL);
    if (m >= 1.4) {
        m *= 0.5;
        e++;
    }
    j = (int)((m - 1.0) * 128.0 + 64.5) - 64;
    t = &LOG_TABLE[j - LOG_TABLE_FIRST];
    p = dd_two_prod(m, t->invc);
    r = dd_fast_two_sum(p.hi - 1.0, p.lo);                   /* m/c - 1, exactly */
    rh = r.hi;
    rl = r.lo;
    h = dd_two_prod(rh, rh);                                 /* r^2, halved below */
    tail = rh * rh * rh * (1.0 / 3 - rh * (1.0 / 4 - rh * (1.0 / 5 - rh * (1.0 / 6 - rh * (1.0 / 7 - rh * (1.0 / 8 -
           rh * (1.0 / 9 - rh * (1.0 / 10 - rh * (1.0 / 11 - rh / 12)))))))));
    a = dd_two_sum(rh, -0.5 * h.hi);
    a.lo += rl - (0.5 * h.lo + rh * rl) + tail;
    ed = e;
    b = dd_two_sum(ed * LN2_PART[0], -t->log_invc.hi);
    r = dd_two_sum(b.hi, a.hi);
    sum = b.lo + r.lo + a.lo + ed * LN2_PART[1] + ed * LN2_PART[2] - t->log_invc.lo + lo / hi;
    return dd_fast_two_sum(r.hi, sum);
}

/* The argument checks shared by the logarithms: non-zero to return *result. */
static int log_special(double x, double *result)
{
    if (math_isnan(x)) {
        *result = x + x;
        return 1;
    }
    if (x == 0) {
        *result = math_pole(-MATH_INF);
        return 1;
    }
    if (x < 0) {
        *result = math_domain(MATH_INDEFINITE);
        return 1;
    }
    if (math_isinf(x)) {
        *result = x;
        return 1;
    }
    return 0;
}

double CRT_EXPORT log(double x)
{
    double result;

    if (log_special(x, &result))
        return result;
    return dd_round(math_log_dd(x, 0));
}

double CRT_EXPORT log2(double x)
{
    double result;

    if (log_special(x, &result))
        return result;
    return dd_round(dd_mul(math_log_dd(x, 0), DD_INV_LN2));
}

double CRT_EXPORT log10(double x)
{
    double result;

    if (log_special(x, &result))
        return result;
    return dd_round(dd_mul(math_log_dd(x, 0), DD_INV_LN10));
}

double CRT_EXPORT log1p(double x)
{
    struct dd u;

    if (math_isnan(x))
        return x + x;
    if (x == -1)
        return math_pole(-MATH_INF);
    if (x < -1)
        return math_domain(MATH_INDEFINITE);
    if (math_isinf(x))
        return x;
    if (math_fabs(x) < 0x1p-20)                              /* x - x^2/2 + x^3/3 */
        return x + x * x * (x * (1.0 / 3) - 0.5);
    u = dd_two_sum(1.0, x);
    return dd_round(math_log_dd(u.hi, u.lo));
}

/* 0 for a non-integer, 1 for an odd integer, 2 for an even one (y finite) */
static int integer_kind(double y)
{
    uint64_t bits = math_bits(y);
    int exp = (int)((bits >> 52) & 0x7FF) - 1023;

    if (y == 0)
        return 2;
    if (exp < 0)
        return 0;
    if (exp > 52)
        return 2;
    if (bits & ((1ULL << (52 - exp)) - 1))
        return 0;
    return exp == 0 ? 1 : ((bits >> (52 - exp)) & 1) ? 1 : 2;
}

double CRT_EXPORT pow(double x, double y)
{
    int kind, negative = 0, e;
    double ax, result;
    struct dd l, z, m;

    if (y == 0)
        return 1.0;
    if (x == 1)
        return 1.0;
    if (math_isnan(x) || math_isnan(y))
        return x + y;
    ax = math_fabs(x);
    if (math_isinf(y)) {
        if (ax == 1)
            return 1.0;
        return (ax < 1) == (y < 0) ? MATH_INF : 0.0;
    }
    kind = integer_kind(y);
    if (x == 0) {
        double zero_or_inf = y < 0 ? MATH_INF : 0.0;

        if (kind == 1)
            zero_or_inf = math_copysign(zero_or_inf, x);
        return y < 0 ? math_pole(zero_or_inf) : zero_or_inf;
    }
    if (math_isinf(x)) {
        double zero_or_inf = y < 0 ? 0.0 : MATH_INF;

        return kind == 1 ? math_copysign(zero_or_inf, x) : zero_or_inf;
    }
    if (x < 0) {
        if (!kind)
            return math_domain(MATH_INDEFINITE);
        negative = kind == 1;
    }
    l = math_log_dd(ax, 0);
    if (math_fabs(y) * math_fabs(l.hi) > 800) {
        result = (y > 0) == (l.hi > 0) ? math_overflow(MATH_INF) : 0.0;
    } else {
        z = dd_two_prod(y, l.hi);
        z.lo += y * l.lo;
        z = dd_fast_two_sum(z.hi, z.lo);
        if (z.hi > 709.79) {
            result = math_overflow(MATH_INF);
        } else if (z.hi < -745.2) {
            result = 0.0;
        } else {
            m = math_exp_dd(z, &e);
            result = exp_result(m, e);
        }
    }
    return negative ? -result : result;
}
