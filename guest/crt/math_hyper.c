/* sinh, cosh, tanh and their inverses, over the double-double exponential and logarithm (math_explog.c). */
#include "mathlib.h"

#define HYPER_OVERFLOW 710.4758600739439         /* above it, sinh and cosh overflow */

/* e^a as a double-double, 0 <= a <= 40 */
static struct dd exp_dd_scaled(double a)
{
    struct dd x = {a, 0}, m;
    int e;

    m = math_exp_dd(x, &e);
    m.hi = math_scale(m.hi, e);
    m.lo = math_scale(m.lo, e);
    return m;
}

/* e^a / 2 for a > 40, with ERANGE for an overflow */
static double half_exp(double a)
{
    struct dd x = {a, 0}, m;
    int e;
    double v;

    if (a > HYPER_OVERFLOW)
        return math_overflow(MATH_INF);
    m = math_exp_dd(x, &e);
    v = math_scale(dd_round(m), e - 1);
    return math_isinf(v) ? math_overflow(v) : v;
}

double CRT_EXPORT sinh(double x)
{
    double a = math_fabs(x);
    struct dd s, one = {1.0, 0};

    if (!math_isfinite(x))
        return x + x;
    if (a < 0x1p-26)
        return x;
    if (a > 40)
        return math_copysign(half_exp(a), x);
    if (a <= 1) {                                            /* (e^a - 1)(1 + 1/e^a) / 2, no cancellation */
        struct dd em = math_expm1_dd(a);

        s = dd_add(em, dd_div(em, dd_add_d(em, 1.0)));
    } else {
        struct dd e = exp_dd_scaled(a);

        s = dd_add(e, dd_neg(dd_div(one, e)));
    }
    return math_copysign(0.5 * dd_round(s), x);
}

double CRT_EXPORT cosh(double x)
{
    double a = math_fabs(x);
    struct dd e, one = {1.0, 0};

    if (math_isnan(x))
        return x + x;
    if (math_isinf(x))
        return a;
    if (a < 0x1p-27)
        return 1.0;
    if (a > 40)
        return half_exp(a);
    e = exp_dd_scaled(a);
    return 0.5 * dd_round(dd_add(e, dd_div(one, e)));
}

double CRT_EXPORT tanh(double x)
{
    double a = math_fabs(x);
    struct dd t;

    if (math_isnan(x))
        return x + x;
    if (a > 22)
        return math_copysign(1.0, x);
    if (a < 0x1p-28)
        return x;
    t = math_expm1_dd(2 * a);                                /* tanh(a) = (e^2a - 1)/(e^2a + 1) */
    return math_copysign(dd_round(dd_div(t, dd_add_d(t, 2.0))), x);
}

double CRT_EXPORT asinh(double x)
{
    double a = math_fabs(x);
    struct dd w;

    if (!math_isfinite(x))
        return x + x;
    if (a < 0x1p-26)
        return x;
    if (a > 0x1p28)
        return math_copysign(dd_round(dd_add(math_log_dd(a, 0), DD_LN2)), x);
    w = dd_add_d(dd_sqrt(dd_add_d(dd_two_prod(a, a), 1.0)), a);    /* a + sqrt(a^2 + 1) */
    return math_copysign(dd_round(math_log_dd(w.hi, w.lo)), x);
}

double CRT_EXPORT acosh(double x)
{
    struct dd w;

    if (math_isnan(x))
        return x + x;
    if (x < 1)
        return math_domain(MATH_INDEFINITE);
    if (x == 1)
        return 0.0;
    if (math_isinf(x))
        return x;
    if (x > 0x1p28)
        return dd_round(dd_add(math_log_dd(x, 0), DD_LN2));
    w = dd_mul(dd_two_sum(x, -1.0), dd_two_sum(x, 1.0));      /* x^2 - 1 as (x - 1)(x + 1) */
    w = dd_add_d(dd_sqrt(w), x);
    return dd_round(math_log_dd(w.hi, w.lo));
}

double CRT_EXPORT atanh(double x)
{
    double a = math_fabs(x);
    struct dd q;

    if (math_isnan(x))
        return x + x;
    if (a > 1)
        return math_domain(MATH_INDEFINITE);
    if (a == 1)
        return math_pole(math_copysign(MATH_INF, x));
    if (a < 0x1p-27)
        return x;
    q = dd_div(dd_two_sum(1.0, a), dd_two_sum(1.0, -a));     /* atanh(a) = log((1 + a)/(1 - a)) / 2 */
    return math_copysign(0.5 * dd_round(math_log_dd(q.hi, q.lo)), x);
}
