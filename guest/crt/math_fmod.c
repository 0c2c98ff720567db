/* fmod, remainder and remquo, exact: the mantissas divided bit by bit, as long division does it. */
#include "mathlib.h"

#define HIDDEN 0x0010000000000000ULL
#define FRACTION 0x000FFFFFFFFFFFFFULL

/* A finite non-zero magnitude as mantissa in [2^52, 2^53) and exponent: |x| = m * 2^(e - 1075) */
static uint64_t unpack(uint64_t bits, int *e)
{
    uint64_t m = bits & FRACTION;

    *e = (int)(bits >> 52);
    if (*e)
        return m | HIDDEN;
    *e = 1;
    while (m < HIDDEN) {
        m <<= 1;
        (*e)--;
    }
    return m;
}

/* |x| mod |y| for finite x and non-zero finite y, and the low bits of the quotient's magnitude */
static double rem_core(double x, double y, uint32_t *quotient)
{
    uint64_t bx = math_bits(x) & 0x7FFFFFFFFFFFFFFFULL, by = math_bits(y) & 0x7FFFFFFFFFFFFFFFULL, mx, my;
    uint32_t q = 0;
    int ex, ey;

    *quotient = 0;
    if (bx < by)
        return math_from_bits(bx);
    mx = unpack(bx, &ex);
    my = unpack(by, &ey);
    for (; ex > ey; ex--) {
        if (mx >= my) {
            mx -= my;
            q++;
        }
        mx <<= 1;
        q <<= 1;
    }
    if (mx >= my) {
        mx -= my;
        q++;
    }
    *quotient = q;
    if (!mx)
        return 0.0;
    while (mx < HIDDEN && ey > 1) {
        mx <<= 1;
        ey--;
    }
    if (ey < 1) {                                            /* a subnormal result: exact, y's grid is finer */
        mx >>= 1 - ey;
        ey = 0;
    }
    if (mx < HIDDEN)
        return math_from_bits(mx);
    return math_from_bits((uint64_t)ey << 52 | (mx & FRACTION));
}

double CRT_EXPORT fmod(double x, double y)
{
    uint32_t q;

    if (math_isnan(x) || math_isnan(y))
        return x + y;
    if (math_isinf(x) || y == 0)
        return math_domain(MATH_INDEFINITE);
    if (math_isinf(y) || x == 0)
        return x;
    return math_copysign(rem_core(x, y, &q), x);
}

double CRT_EXPORT remquo(double x, double y, int *quo)
{
    double r, ay = math_fabs(y);
    uint32_t q;
    int negative_quotient = (int)((math_bits(x) ^ math_bits(y)) >> 63);

    *quo = 0;
    if (math_isnan(x) || math_isnan(y))
        return x + y;
    if (math_isinf(x) || y == 0)
        return math_domain(MATH_INDEFINITE);
    if (math_isinf(y) || x == 0)
        return x;
    r = rem_core(x, y, &q);
    /* to the nearest multiple, ties to the even quotient; ay - r is exact when it matters (Sterbenz) */
    if (r > ay - r || (r == ay - r && (q & 1))) {
        r -= ay;
        q++;
    }
    q &= 0x7FFFFFFF;
    *quo = negative_quotient ? -(int)q : (int)q;
    return r == 0 ? math_copysign(0.0, x) : (math_bits(x) >> 63 ? -r : r);
}

double CRT_EXPORT remainder(double x, double y)
{
    int q;

    return remquo(x, y, &q);
}
