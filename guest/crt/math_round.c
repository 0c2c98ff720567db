/*
 * The exact functions of the integer part: floor, ceil, trunc, round (half away from zero), rint and nearbyint (the
 * current rounding mode, which on both widths is the MXCSR's: _controlfp sets it), their conversions to long and
 * long long, and modf. Done on the bits, so no rounding can creep in.
 */
#include "mathlib.h"

/* The fraction bits of x (a finite non-zero double with 0 <= exponent < 52), as a mask. */
static uint64_t fraction_mask(uint64_t bits)
{
    int e = (int)((bits >> 52) & 0x7FF) - 1023;

    return (1ULL << (52 - e)) - 1;
}

static int exponent(uint64_t bits)
{
    return (int)((bits >> 52) & 0x7FF) - 1023;
}

double CRT_EXPORT trunc(double x)
{
    uint64_t bits = math_bits(x);
    int e = exponent(bits);

    if (e >= 52)
        return math_isnan(x) ? x + x : x;
    if (e < 0)
        return math_from_bits(bits & 0x8000000000000000ULL);
    return math_from_bits(bits & ~fraction_mask(bits));
}

/* floor (up = 0) and ceil (up = 1): the magnitude rounded up when x's sign is the other direction */
static double floor_ceil(double x, int up)
{
    uint64_t bits = math_bits(x), mask;
    int e = exponent(bits), negative = (int)(bits >> 63);

    if (e >= 52)
        return math_isnan(x) ? x + x : x;
    if (e < 0) {
        if ((bits << 1) == 0)
            return x;
        if (negative == up)
            return math_from_bits(bits & 0x8000000000000000ULL);
        return negative ? -1.0 : 1.0;
    }
    mask = fraction_mask(bits);
    if (!(bits & mask))
        return x;
    if (negative != up)
        bits += mask;                                        /* carries into the exponent when it must */
    return math_from_bits(bits & ~mask);
}

double CRT_EXPORT floor(double x)
{
    return floor_ceil(x, 0);
}

double CRT_EXPORT ceil(double x)
{
    return floor_ceil(x, 1);
}

double CRT_EXPORT round(double x)
{
    uint64_t bits = math_bits(x), mask;
    int e = exponent(bits);

    if (e >= 52)
        return math_isnan(x) ? x + x : x;
    if (e < -1)
        return math_from_bits(bits & 0x8000000000000000ULL);
    if (e == -1)
        return math_copysign(1.0, x);
    mask = fraction_mask(bits);
    bits += (mask + 1) >> 1;                                 /* add one half */
    return math_from_bits(bits & ~mask);
}

/* x rounded to an integer in the current rounding mode */
double CRT_EXPORT rint(double x)
{
    double big = math_copysign(0x1p52, x);

    if (!(math_fabs(x) < 0x1p52))
        return math_isnan(x) ? x + x : x;
    return math_copysign((x + big) - big, x);
}

double CRT_EXPORT nearbyint(double x)
{
    return rint(x);
}

/* An integer-valued double as a long / long long: out of range (or NaN), the CPU's "integer indefinite" */
static long to_long(double r)
{
    if (!(r >= -2147483648.0 && r < 2147483648.0))
        return (long)0x80000000UL;
    return (long)r;
}

static long long to_llong(double r)
{
    if (!(r >= -0x1p63 && r < 0x1p63))
        return (long long)0x8000000000000000ULL;
    return (long long)r;
}

long CRT_EXPORT lround(double x)
{
    return to_long(round(x));
}

long long CRT_EXPORT llround(double x)
{
    return to_llong(round(x));
}

long CRT_EXPORT lrint(double x)
{
    return to_long(rint(x));
}

long long CRT_EXPORT llrint(double x)
{
    return to_llong(rint(x));
}

double CRT_EXPORT modf(double x, double *integer)
{
    double i = trunc(x);

    *integer = i;
    if (math_isnan(x))
        return x + x;
    if (math_isinf(x))
        return math_copysign(0.0, x);
    return math_copysign(x - i, x);
}
