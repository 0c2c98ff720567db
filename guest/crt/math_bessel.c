/*
 * The Bessel functions _j0, _j1, _jn (first kind) and _y0, _y1, _yn (second kind), which both CRTs export:
 * - |x| <= 25: the power series, in double-double (the terms grow to about e^|x| before they shrink, which costs
 *   at most 40 of the 106 bits): J_n(x) = sum (-1)^k (x/2)^(2k+n) / (k! (k+n)!), and Y0, Y1 by their series
 *   with the harmonic numbers (log(x/2) + Euler's gamma) J;
 * - larger x: Hankel's asymptotic expansion sqrt(2/(pi x)) (P cos chi -/+ Q sin chi), chi = x - (2n+1) pi/4
 *   reduced exactly like sin's argument;
 * - J_n for n >= 2 and large x: upward recurrence while n < x, else Miller's downward recurrence normalised by
 *   1 = J0 + 2 (J2 + J4 + ...); Y_n by upward recurrence (stable for Y).
 * Results are within an ulp or two of the amplitude; near the functions' zeros the relative error grows, as it
 * does in most libms. Y of a negative x is a domain error (EDOM, -inf), of zero a singularity (ERANGE, -inf).
 */
#include "mathlib.h"
#include "mathfuncs.h"

#define SERIES_LIMIT 25.0

/* J_n(x) by its power series, n >= 0 */
static struct dd j_series(int n, double x)
{
    struct dd half = {0.5 * x, 0}, q = dd_neg(dd_mul(half, half)), term = {1, 0}, sum;
    int k;

    for (k = 1; k <= n; k++)                                 /* (x/2)^n / n! */
        term = dd_div(dd_mul(term, half), dd_make(k, 0));
    sum = term;
    for (k = 1; k < 500; k++) {
        term = dd_div(dd_mul(term, q), dd_make((double)k * (k + n), 0));
        sum = dd_add(sum, term);
        if (k > 0.5 * math_fabs(x) && (math_fabs(term.hi) < math_fabs(sum.hi) * 0x1p-110 || term.hi == 0))
            break;
    }
    return sum;
}

/* sqrt(2/(pi x)) times (P cos chi - Q sin chi) for J (second = 0) or (P sin chi + Q cos chi) for Y, x > 25 */
static double hankel(int n, double x, int second)
{
    double mu = 4.0 * n * n, inv8x = 1 / (8 * x), p = 1, q = 0, term = 1, prev = 2;
    struct dd r, s, c;
    int k, quadrant;

    for (k = 1; k < 200; k++) {
        double odd = 2.0 * k - 1;

        term *= (mu - odd * odd) * inv8x / k;
        if (math_fabs(term) > prev || math_fabs(term) < 0x1p-60)   /* asymptotic: stop at the smallest term */
            break;
        prev = math_fabs(term);
        switch (k & 3) {
        case 1: q += term; break;
        case 2: p -= term; break;
        case 3: q -= term; break;
        case 0: p += term; break;
        }
    }
    /* chi = x - (2n+1) pi/4 = (quadrant - n) pi/2 + (r - pi/4), r - pi/4 brought back into [-pi/4, pi/4] */
    quadrant = math_rem_pio2(x, &r) - n;
    r = dd_add(r, dd_neg(DD_PI_4));
    if (r.hi < -DD_PI_4.hi) {
        r = dd_add(r, DD_PI_2);
        quadrant--;
    }
    s = math_sin_dd(r);
    c = math_cos_dd(r);
    switch (quadrant & 3) {                                  /* sin chi into s, cos chi into c */
    case 1: r = s; s = c; c = dd_neg(r); break;
    case 2: s = dd_neg(s); c = dd_neg(c); break;
    case 3: r = s; s = dd_neg(c); c = r; break;
    }
    r = second ? dd_add(dd_mul_d(s, p), dd_mul_d(c, q)) : dd_add(dd_mul_d(c, p), dd_mul_d(s, -q));
    return dd_round(dd_mul(r, dd_sqrt(dd_div(dd_make(2, 0), dd_mul_d(DD_PI, x)))));
}

static double j0_pos(double x)
{
    return x <= SERIES_LIMIT ? dd_round(j_series(0, x)) : hankel(0, x, 0);
}

static double j1_pos(double x)
{
    return x <= SERIES_LIMIT ? dd_round(j_series(1, x)) : hankel(1, x, 0);
}

double CRT_EXPORT _j0(double x)
{
    if (!math_isfinite(x))
        return math_isnan(x) ? x + x : 0.0;
    return j0_pos(math_fabs(x));
}

double CRT_EXPORT _j1(double x)
{
    if (!math_isfinite(x))
        return math_isnan(x) ? x + x : 0.0;
    return math_copysign(1.0, x) * j1_pos(math_fabs(x));
}

double CRT_EXPORT _jn(int n, double x)
{
    double ax = math_fabs(x), result;
    int sign = 1, k;

    if (math_isnan(x))
        return x + x;
    if (n < 0) {                                             /* J_-n = (-1)^n J_n */
        sign = (n & 1) ? -1 : 1;
        n = n == (int)0x80000000 ? 0x7FFFFFFF : -n;
    }
    if (x < 0 && (n & 1))
        sign = -sign;
    if (math_isinf(x) || n > 2 * ax + 400)                  /* (x/2)^n / n! is below the smallest double */
        return 0.0;
    if (n == 0)
        result = j0_pos(ax);
    else if (n == 1)
        result = j1_pos(ax);
    else if (ax == 0)
        result = 0;
    else if (ax <= SERIES_LIMIT)
        result = dd_round(j_series(n, ax));
    else if (n < ax) {                                       /* upward: stable while n < x */
        double a = j0_pos(ax), b = j1_pos(ax), c;

        for (k = 1; k < n; k++) {
            c = (2.0 * k / ax) * b - a;
            a = b;
            b = c;
        }
        result = b;
    } else {                                                 /* Miller: downward from well above n */
        int top = 2 * (n + (int)math_sqrt(40.0 * n)) + 20;
        double up = 0, cur = 0x1p-600, down, norm = 0, wanted = 0;

        for (k = top; k > 0; k--) {
            down = (2.0 * k / ax) * cur - up;
            up = cur;
            cur = down;
            if (k - 1 == n)
                wanted = cur;
            if (!((k - 1) & 1))
                norm += (k - 1) ? 2 * cur : cur;
            if (math_fabs(cur) > 0x1p500) {                  /* rescale to stay finite */
                up *= 0x1p-600;
                cur *= 0x1p-600;
                norm *= 0x1p-600;
                wanted *= 0x1p-600;
            }
        }
        result = wanted / norm;
    }
    return sign < 0 ? -result : result;
}

/* The Y functions' arguments: non-zero to return *result */
static int y_special(double x, double *result)
{
    if (math_isnan(x)) {
        *result = x + x;
        return 1;
    }
    if (x < 0) {
        *result = math_domain(-MATH_INF);
        return 1;
    }
    if (x == 0) {
        *result = math_pole(-MATH_INF);
        return 1;
    }
    if (math_isinf(x)) {
        *result = 0.0;
        return 1;
    }
    return 0;
}

/* log(x/2) + Euler's gamma */
static struct dd log_half_plus_gamma(double x)
{
    return dd_add(dd_add(math_log_dd(x, 0), dd_neg(DD_LN2)), DD_EULER_GAMMA);
}

static double y0_pos(double x)
{
    struct dd half = {0.5 * x, 0}, q, term = {1, 0}, sum = {0, 0}, harmonic = {0, 0}, two_over_pi;
    int k;

    if (x > SERIES_LIMIT)
        return hankel(0, x, 1);
    /* Y0 = 2/pi ((log(x/2) + gamma) J0 + sum (-1)^(k+1) H_k (x^2/4)^k / (k!)^2) */
    q = dd_neg(dd_mul(half, half));
    for (k = 1; k < 500; k++) {
        struct dd inv_k = dd_div(dd_make(1, 0), dd_make(k, 0));

        term = dd_div(dd_mul(term, q), dd_make((double)k * k, 0));
        harmonic = dd_add(harmonic, inv_k);
        sum = dd_add(sum, dd_neg(dd_mul(term, harmonic)));
        if (k > 0.5 * x && math_fabs(term.hi) < 0x1p-110 * (math_fabs(sum.hi) + 0x1p-60))
            break;
    }
    two_over_pi = dd_div(dd_make(2, 0), DD_PI);
    return dd_round(dd_mul(two_over_pi, dd_add(dd_mul(log_half_plus_gamma(x), j_series(0, x)), sum)));
}

static double y1_pos(double x)
{
    struct dd half = {0.5 * x, 0}, q, term, sum, h_k = {0, 0}, h_k1 = {1, 0}, r, two_gamma;
    int k;

    if (x > SERIES_LIMIT)
        return hankel(1, x, 1);
    if (x < 0x1p-60)                                         /* -2/(pi x), which may overflow */
        return -(2 / DD_PI.hi) / x;
    /* Y1 = -2/(pi x) + 2/pi log(x/2) J1 - 1/pi sum (-1)^k (H_k + H_(k+1) - 2 gamma) (x/2)^(2k+1) / (k! (k+1)!) */
    q = dd_neg(dd_mul(half, half));
    two_gamma = dd_make(2 * DD_EULER_GAMMA.hi, 2 * DD_EULER_GAMMA.lo);
    term = half;
    sum = dd_mul(term, dd_add(dd_add(h_k, h_k1), dd_neg(two_gamma)));
    for (k = 1; k < 500; k++) {
        struct dd part;

        term = dd_div(dd_mul(term, q), dd_make((double)k * (k + 1), 0));
        h_k = h_k1;
        h_k1 = dd_add(h_k1, dd_div(dd_make(1, 0), dd_make(k + 1, 0)));
        part = dd_mul(term, dd_add(dd_add(h_k, h_k1), dd_neg(two_gamma)));
        sum = dd_add(sum, part);
        if (k > 0.5 * x && math_fabs(part.hi) < 0x1p-110 * math_fabs(sum.hi))
            break;
    }
    r = dd_mul(dd_mul_d(dd_add(math_log_dd(x, 0), dd_neg(DD_LN2)), 2), j_series(1, x));
    r = dd_add(r, dd_neg(sum));
    r = dd_add(r, dd_neg(dd_div(dd_make(2, 0), dd_make(x, 0))));
    return dd_round(dd_div(r, DD_PI));
}

double CRT_EXPORT _y0(double x)
{
    double result;

    return y_special(x, &result) ? result : y0_pos(x);
}

double CRT_EXPORT _y1(double x)
{
    double result;

    if (y_special(x, &result))
        return result;
    result = y1_pos(x);
    return math_isinf(result) ? math_overflow(result) : result;
}

double CRT_EXPORT _yn(int n, double x)
{
    double result, a, b, c;
    int sign = 1, k;

    if (n < 0) {                                             /* Y_-n = (-1)^n Y_n */
        sign = (n & 1) ? -1 : 1;
        n = n == (int)0x80000000 ? 0x7FFFFFFF : -n;
    }
    if (y_special(x, &result))
        return result;
    if (n == 0)
        return y0_pos(x);
    a = y0_pos(x);
    b = y1_pos(x);
    for (k = 1; k < n && !math_isinf(b); k++) {              /* upward: stable for Y */
        c = (2.0 * k / x) * b - a;
        a = b;
        b = c;
    }
    if (math_isinf(b))
        return math_overflow(sign * b);
    return sign * b;
}
