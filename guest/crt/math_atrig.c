/*
 * atan, atan2, asin and acos over one double-double kernel: atan(t) for t in [0, 1] is atan(c) + atan(u) with
 * c = j/32 the nearest table point and u = (t - c)/(1 + tc), |u| <= 1/64, by its series; atan(t) for t > 1 is
 * pi/2 - atan(1/t). asin(x) = atan(x/sqrt(1 - x^2)) and acos(x) = atan(sqrt(1 - x^2)/x), with 1 - x^2 formed as
 * (1 - x)(1 + x) in double-double, so that the results near |x| = 1 keep their precision.
 */
#include "mathlib.h"

static struct dd atan_unit(struct dd t)                     /* 0 <= t <= 1 */
{
    int j = t.hi >= 0 && t.hi <= 1 ? (int)(t.hi * 32 + 0.5) : 0;
    double c = j / 32.0, uh, u2, tail;
    struct dd u = dd_div(dd_add_d(t, -c), dd_add_d(dd_mul_d(t, c), 1.0));

    uh = u.hi;
    u2 = uh * uh;
    tail = uh * u2 * (-1.0 / 3 + u2 * (1.0 / 5 + u2 * (-1.0 / 7 + u2 * (1.0 / 9 + u2 * (-1.0 / 11 +
           u2 * (1.0 / 13 - u2 / 15))))));
    return dd_add_d(dd_add(ATAN_TABLE[j], u), tail);
}

struct dd math_atan_dd(struct dd t)
{
    struct dd one = {1.0, 0};

    if (t.hi > 0x1p60)                                       /* pi/2 - 1/t: and 1/t's double-double would overflow */
        return dd_add_d(DD_PI_2, -1.0 / t.hi);
    if (t.hi > 1)
        return dd_add(DD_PI_2, dd_neg(atan_unit(dd_div(one, t))));
    return atan_unit(t);
}

double CRT_EXPORT atan(double x)
{
    struct dd t = {math_fabs(x), 0};

    if (math_isnan(x))
        return x + x;
    if (math_isinf(x))
        return math_copysign(DD_PI_2.hi, x);
    if (t.hi < 0x1p-27)
        return x;
    return math_copysign(dd_round(math_atan_dd(t)), x);
}

static int exponent_of(double x)
{
    return (int)((math_bits(x) >> 52) & 0x7FF);
}

double CRT_EXPORT atan2(double y, double x)
{
    double ax = math_fabs(x), ay = math_fabs(y);
    struct dd a;
    int ex, ey, scale;

    if (math_isnan(x) || math_isnan(y))
        return x + y;
    if (y == 0)
        return math_copysign((math_bits(x) >> 63) ? DD_PI.hi : 0.0, y);
    if (x == 0)
        return math_copysign(DD_PI_2.hi, y);
    if (math_isinf(y)) {
        if (math_isinf(x))
            return math_copysign(dd_round(dd_mul_d(DD_PI_4, x > 0 ? 1.0 : 3.0)), y);
        return math_copysign(DD_PI_2.hi, y);
    }
    if (math_isinf(x))
        return math_copysign(x > 0 ? 0.0 : DD_PI.hi, y);
    ex = exponent_of(ax);
    ey = exponent_of(ay);
    if (ey - ex < -60) {                                     /* atan(t) = t to the last bit */
        double t = ay / ax;

        if (x < 0)
            return math_copysign(dd_round(dd_add_d(DD_PI, -t)), y);
        return math_copysign(t, y);
    }
    if (ey - ex > 60) {
        double t = ax / ay;

        return math_copysign(dd_round(dd_add_d(DD_PI_2, x < 0 ? t : -t)), y);
    }
    /* both brought near 1 (exactly), so that the double-double division neither overflows nor underflows */
    scale = 1023 - (ex > ey ? ex : ey);
    ax = math_scale(ax, scale);
    ay = math_scale(ay, scale);
    {
        struct dd dx = {ax, 0}, dy = {ay, 0};

        if (ay <= ax)
            a = math_atan_dd(dd_div(dy, dx));
        else
            a = dd_add(DD_PI_2, dd_neg(math_atan_dd(dd_div(dx, dy))));
    }
    if (x < 0)
        a = dd_add(DD_PI, dd_neg(a));
    return math_copysign(dd_round(a), y);
}

/* sqrt(1 - x^2) in double-double, 0 <= ax < 1 */
static struct dd cosine_of(double ax)
{
    struct dd one_minus = dd_two_sum(1.0, -ax), one_plus = dd_two_sum(1.0, ax);

    return dd_sqrt(dd_mul(one_minus, one_plus));
}

double CRT_EXPORT asin(double x)
{
    double ax = math_fabs(x);
    struct dd dx = {ax, 0};

    if (math_isnan(x))
        return x + x;
    if (ax > 1)
        return math_domain(MATH_INDEFINITE);
    if (ax == 1)
        return math_copysign(DD_PI_2.hi, x);
    if (ax < 0x1p-26)
        return x;
    return math_copysign(dd_round(math_atan_dd(dd_div(dx, cosine_of(ax)))), x);
}

double CRT_EXPORT acos(double x)
{
    double ax = math_fabs(x);
    struct dd dx = {ax, 0}, a;

    if (math_isnan(x))
        return x + x;
    if (ax > 1)
        return math_domain(MATH_INDEFINITE);
    if (x == 1)
        return 0.0;
    if (x == -1)
        return DD_PI.hi;
    if (ax < 0x1p-60)
        return dd_round(dd_add_d(DD_PI_2, -x));
    a = math_atan_dd(dd_div(cosine_of(ax), dx));
    if (x < 0)
        a = dd_add(DD_PI, dd_neg(a));
    return dd_round(a);
}
