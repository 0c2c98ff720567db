/*
 * sin, cos and tan. The argument is reduced by multiples of pi/2 exactly enough for any double (Payne-Hanek: the
 * 53-bit mantissa times a 256-bit window of 2/pi's bits, the window chosen by the exponent, so that the remainder
 * keeps about 100 significant bits even for the doubles nearest a multiple of pi/2); the remainder, a
 * double-double in [-pi/4, pi/4], goes to the Taylor polynomials of sin and cos, the first terms in
 * double-double. tan is sin/cos in double-double.
 */
#include "mathlib.h"

/* 64 bits of the little-endian 32-bit limbs s from bit pos up */
static uint64_t limb_bits(const uint32_t *s, int pos)
{
    int idx = pos >> 5, off = pos & 31;
    uint64_t v = s[idx] | (uint64_t)s[idx + 1] << 32;

    if (off)
        v = (v >> off) | (uint64_t)s[idx + 2] << (64 - off);
    return v;
}

int math_rem_pio2(double x, struct dd *r)
{
    uint64_t bits = math_bits(x) & 0x7FFFFFFFFFFFFFFFULL, m, f[3];
    uint32_t d[8], s[14] = {0};
    int ex, i0, sh, q, t, u, negative = math_bits(x) >> 63, below = 0;
    struct dd acc = {0, 0};

    if (bits <= 0x3FE921FB54442D18ULL) {                     /* |x| <= pi/4 */
        r->hi = x;
        r->lo = 0;
        return 0;
    }
    ex = (int)(bits >> 52) - 1075;                           /* |x| = m * 2^ex */
    m = (bits & 0x000FFFFFFFFFFFFFULL) | 0x0010000000000000ULL;
    i0 = ex >= 2 ? (ex - 2) / 32 : 0;                        /* the words before give multiples of 4 */
    for (t = 0; t < 8; t++)
        d[t] = TWO_OVER_PI[i0 + 7 - t];
    for (t = 0; t < 8; t++) {                                /* s = m * d */
        uint64_t carry = 0;

        for (u = 0; u < 2; u++) {
            uint32_t mu = u ? (uint32_t)(m >> 32) : (uint32_t)m;
            uint64_t p = (uint64_t)d[t] * mu + s[t + u] + carry;

            s[t + u] = (uint32_t)p;
            carry = p >> 32;
        }
        for (u = t + 2; carry; u++) {
            uint64_t p = (uint64_t)s[u] + carry;

            s[u] = (uint32_t)p;
            carry = p >> 32;
        }
    }
    sh = 32 * (i0 + 8) - ex;                                 /* the binary point of s, 222 or more bits up */
    q = (int)(limb_bits(s, sh) & 3);
    for (t = 0; t < 3; t++)
        f[t] = limb_bits(s, sh - 64 * (t + 1));              /* 192 bits of the fraction */
    if (f[0] >> 63) {                                        /* above 1/2: the next multiple, fraction - 1 */
        q++;
        below = 1;
        f[2] = ~f[2] + 1;
        f[1] = ~f[1] + !f[2];
        f[0] = ~f[0] + (!f[2] && !f[1]);
    }
    for (t = 0; t < 6; t++) {                                /* each 32-bit piece exact in a double */
        uint32_t piece = (uint32_t)(f[t / 2] >> ((t & 1) ? 0 : 32));

        acc = dd_add_d(acc, (double)piece * math_pow2(-32 * (t + 1)));
    }
    if (below != negative)
        acc = dd_neg(acc);
    *r = dd_mul(acc, DD_PI_2);
    if (negative)
        q = -q;
    return q & 3;
}

struct dd math_sin_dd(struct dd r)
{
    static const struct dd sixth = {0x1.5555555555555p-3, 0x1.5555555555555p-57};   /* 1/6 */
    double rh = r.hi, x2 = rh * rh;
    /* r - r^3/6 in double-double, the rest (below r^5/120) in double */
    struct dd cube = dd_mul(dd_mul_d(dd_two_prod(rh, rh), rh), sixth), s;
    double tail = rh * x2 * x2 * (1.0 / 120 + x2 * (-1.0 / 5040 + x2 * (1.0 / 362880 + x2 * (-1.0 / 39916800 +
                  x2 * (1.0 / 6227020800.0 + x2 * (-1.0 / 1307674368000.0 + x2 * (1.0 / 355687428096000.0 +
                  x2 * (-1.0 / 121645100408832000.0))))))));

    s = dd_add(r, dd_neg(cube));
    s.lo += tail - 0.5 * x2 * r.lo;
    return dd_fast_two_sum(s.hi, s.lo);
}

struct dd math_cos_dd(struct dd r)
{
    double rh = r.hi, x2 = rh * rh;
    struct dd sq = dd_two_prod(rh, rh), w = dd_two_sum(1.0, -0.5 * sq.hi);
    double tail = x2 * x2 * (1.0 / 24 + x2 * (-1.0 / 720 + x2 * (1.0 / 40320 + x2 * (-1.0 / 3628800 +
                  x2 * (1.0 / 479001600 + x2 * (-1.0 / 87178291200.0 + x2 * (1.0 / 20922789888000.0 +
                  x2 * (-1.0 / 6402373705728000.0 + x2 * (1.0 / 2432902008176640000.0)))))))));

    w.lo += tail - 0.5 * sq.lo - rh * r.lo;
    return dd_fast_two_sum(w.hi, w.lo);
}

double CRT_EXPORT sin(double x)
{
    struct dd r, v;
    int q;

    if (!math_isfinite(x))
        return math_isnan(x) ? x + x : math_domain(MATH_INDEFINITE);
    if (math_fabs(x) < 0x1p-26)
        return x;
    q = math_rem_pio2(x, &r);
    v = (q & 1) ? math_cos_dd(r) : math_sin_dd(r);
    return (q & 2) ? -dd_round(v) : dd_round(v);
}

double CRT_EXPORT cos(double x)
{
    struct dd r, v;
    int q;

    if (!math_isfinite(x))
        return math_isnan(x) ? x + x : math_domain(MATH_INDEFINITE);
    if (math_fabs(x) < 0x1p-27)
        return 1.0;
    q = math_rem_pio2(x, &r);
    v = (q & 1) ? math_sin_dd(r) : math_cos_dd(r);
    return ((q + 1) & 2) ? -dd_round(v) : dd_round(v);
}

double CRT_EXPORT tan(double x)
{
    struct dd r, s, c;
    int q;

    if (!math_isfinite(x))
        return math_isnan(x) ? x + x : math_domain(MATH_INDEFINITE);
    if (math_fabs(x) < 0x1p-27)
        return x;
    q = math_rem_pio2(x, &r);
    s = math_sin_dd(r);
    c = math_cos_dd(r);
    if (q & 1)
        return -dd_round(dd_div(c, s));
    return dd_round(dd_div(s, c));
}

/* sin(pi x): x = n/2 + f exactly, |f| <= 1/4 */
struct dd math_sinpi_dd(double x)
{
    double n, f;
    struct dd r, v;
    int q;

    if (math_fabs(x) >= 0x1p51) {
        v.hi = math_copysign(0.0, x);
        v.lo = 0;
        return v;
    }
    n = ((2 * x) + 0x1.8p52) - 0x1.8p52;
    f = x - n / 2;
    r = dd_mul_d(DD_PI, f);
    q = (int)((int64_t)n & 3);
    v = (q & 1) ? math_cos_dd(r) : math_sin_dd(r);
    return (q & 2) ? dd_neg(v) : v;
}
