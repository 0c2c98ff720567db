/*
 * erf, erfc, tgamma and lgamma, in double-double:
 * - erf(x) for |x| < 3 by the series of positive terms 2/sqrt(pi) e^-x^2 sum 2^n x^(2n+1) / (1.3.5...(2n+1)) (no
 *   cancellation); erfc(x) for x >= 3 by its continued fraction e^-x^2/sqrt(pi) / (x + (1/2)/(x + 1/(x + ...))),
 *   and 1 - erf(x) below;
 * - log gamma(y) for y >= 12 by Stirling's series (ten terms), smaller arguments shifted up by the recurrence
 *   (the product kept in double-double), negative ones by the reflection formula with sin(pi x) reduced exactly;
 *   near its zeros 1 and 2 (x in [0.8, 1.25] and [1.75, 2.35]) by its Taylor series about them, from zeta(k).
 */
#include "mathlib.h"
#include "mathfuncs.h"

/* erf(x) for 0 <= x < 3 */
static struct dd erf_series(double x)
{
    struct dd x2 = dd_two_prod(x, x), term = {x, 0}, sum = term, e;
    struct dd twice = {2 * x2.hi, 2 * x2.lo};
    int n, k;

    for (n = 1; n < 200 && term.hi > sum.hi * 0x1p-110; n++) {
        struct dd odd = {2.0 * n + 1, 0};

        term = dd_div(dd_mul(term, twice), odd);
        sum = dd_add(sum, term);
    }
    e = math_exp_dd(dd_neg(x2), &k);
    e.hi = math_scale(e.hi, k);
    e.lo = math_scale(e.lo, k);
    return dd_mul(dd_mul(sum, e), DD_2_SQRTPI);
}

/* erfc(x) for x >= 2.5 as m * 2^(*k) */
static struct dd erfc_fraction(double x, int *k)
{
    double t = x;
    int n;
    struct dd half = {0.5, 0}, big, e, x2 = dd_two_prod(x, x);

    for (n = 60; n > 1; n--)
        t = x + (n * 0.5) / t;
    big = dd_add_d(dd_div(half, dd_make(t, 0)), x);          /* the last step in double-double */
    e = math_exp_dd(dd_neg(x2), k);
    return dd_div(dd_mul(e, DD_INV_SQRTPI), big);
}

double CRT_EXPORT erf(double x)
{
    double a = math_fabs(x);
    struct dd r, one = {1.0, 0};
    int k;

    if (math_isnan(x))
        return x + x;
    if (a >= 6)
        return math_copysign(1.0, x);
    if (a < 0x1p-28)
        return dd_round(dd_mul_d(DD_2_SQRTPI, x));
    if (a < 2.5) {
        r = erf_series(a);
    } else {
        r = erfc_fraction(a, &k);
        r.hi = math_scale(r.hi, k);
        r.lo = math_scale(r.lo, k);
        r = dd_add(one, dd_neg(r));
    }
    return math_copysign(dd_round(r), x);
}

double CRT_EXPORT erfc(double x)
{
    struct dd r, one = {1.0, 0};
    int k;

    if (math_isnan(x))
        return x + x;
    if (x < -6)
        return 2.0;
    if (x < 2.5) {
        r = x < 0 ? erf_series(-x) : erf_series(x);
        if (x < 0)
            return dd_round(dd_add(one, r));
        return dd_round(dd_add(one, dd_neg(r)));
    }
    if (x > 27.3)
        return 0.0;
    r = erfc_fraction(x, &k);
    return math_scale(dd_round(r), k);
}

/* log gamma(y), y >= 12 */
static struct dd stirling(struct dd y)
{
    struct dd r = dd_mul(dd_add_d(y, -0.5), math_log_dd(y.hi, y.lo));
    double inv = 1.0 / y.hi, inv2 = inv * inv, s = 0;
    int k;

    for (k = 9; k >= 0; k--)
        s = s * inv2 + STIRLING[k];
    r = dd_add(r, dd_neg(y));
    r = dd_add(r, DD_HALF_LN_2PI);
    return dd_add_d(r, s * inv);
}

/* y moved to 12 or above by the recurrence: the product of the steps in *product */
static struct dd shift_up(struct dd y, struct dd *product)
{
    product->hi = 1;
    product->lo = 0;
    while (y.hi < 12) {
        *product = dd_mul(*product, y);
        y = dd_add_d(y, 1.0);
    }
    return y;
}

/* gamma(y) for y > 0 (dd) as m * 2^(*k) */
static struct dd gamma_pos(struct dd y, int *k)
{
    struct dd product, m;

    y = shift_up(y, &product);
    m = math_exp_dd(stirling(y), k);
    return dd_div(m, product);
}

static struct dd lgamma_pos(struct dd y)
{
    struct dd product, r;

    y = shift_up(y, &product);
    r = stirling(y);
    if (product.hi != 1)
        r = dd_add(r, dd_neg(math_log_dd(product.hi, product.lo)));
    return r;
}

/* log gamma(x) near its zeros 1 and 2, by its Taylor series about them (z = x - 1 or x - 2, exact) */
static double lgamma_near_zero(double x)
{
    int at_two = x > 1.5;
    double z = x - (at_two ? 2.0 : 1.0), sum = 0;
    const double *c = at_two ? LGAMMA_AT_2 : LGAMMA_AT_1;
    struct dd first = dd_mul_d(at_two ? DD_ONE_MINUS_EULER_GAMMA : dd_neg(DD_EULER_GAMMA), z);
    int k;

    for (k = 38; k >= 0; k--)
        sum = sum * z + c[k];
    return dd_round(dd_add_d(first, sum * z * z));
}

static int is_integer(double x)
{
    return math_fabs(x) >= 0x1p52 || x == (double)(int64_t)x;
}

double CRT_EXPORT tgamma(double x)
{
    struct dd y = {x, 0}, m, s;
    double v;
    int k;

    if (math_isnan(x))
        return x + x;
    if (x == 0)
        return math_pole(math_copysign(MATH_INF, x));
    if (x < 0 && (math_isinf(x) || is_integer(x)))
        return math_domain(MATH_INDEFINITE);
    if (math_isinf(x))
        return x;
    if (x > 171.62437695630272)
        return math_overflow(MATH_INF);
    if (math_fabs(x) < 0x1p-54) {
        v = 1 / x;
        return math_isinf(v) ? math_overflow(v) : v;
    }
    if (x > 0) {
        m = gamma_pos(y, &k);
        return math_scale(dd_round(m), k);
    }
    /* gamma(x) = pi / (sin(pi x) gamma(1 - x)) */
    if (x < -190)
        return ((int64_t)floor(x) & 1) ? -0.0 : 0.0;    /* an underflow, negative on odd floors */
    m = gamma_pos(dd_two_sum(1.0, -x), &k);
    s = math_sinpi_dd(x);
    return math_scale(dd_round(dd_div(DD_PI, dd_mul(s, m))), -k);
}

double CRT_EXPORT lgamma(double x)
{
    struct dd y = {math_fabs(x), 0}, s, q;
    double r;

    if (math_isnan(x))
        return x + x;
    if (math_isinf(x))
        return MATH_INF;
    if (x == 0 || (x < 0 && is_integer(x)))
        return math_pole(MATH_INF);
    if (x == 1 || x == 2)
        return 0.0;
    if (math_fabs(x) < 0x1p-54)
        return -dd_round(math_log_dd(math_fabs(x), 0));
    if (x > 0x1p900) {                                       /* x (log x - 1): the other terms are below an ulp */
        r = x * (dd_round(math_log_dd(x, 0)) - 1);
        return math_isinf(r) ? math_overflow(r) : r;
    }
    if ((x >= 0.8 && x <= 1.25) || (x >= 1.75 && x <= 2.35))
        return lgamma_near_zero(x);
    if (x > 0)
        return dd_round(lgamma_pos(y));
    /* log|gamma(x)| = log(pi / |sin(pi x)|) - log gamma(1 - x) */
    s = math_sinpi_dd(x);
    if (s.hi < 0)
        s = dd_neg(s);
    q = dd_div(DD_PI, s);
    r = dd_round(dd_add(math_log_dd(q.hi, q.lo), dd_neg(lgamma_pos(dd_two_sum(1.0, -x)))));
    return r;
}
