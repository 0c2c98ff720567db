/*
 * The float functions: each is its double twin on the float widened (exactly), the result rounded to float once;
 * the double result is within about half an ulp of double precision, so the float one is within an ulp of float
 * (almost always the correctly rounded float). ERANGE when the float result overflows where the double one did
 * not.
 */
#include "mathlib.h"
#include "mathfuncs.h"

static float to_float(double r)
{
    float f = (float)r;

    if (math_isinf(f) && !math_isinf(r))
        math_overflow(0);
    return f;
}

#define FLOAT1(name, twin) float CRT_EXPORT name(float x) { return to_float(twin(x)); }
#define FLOAT2(name, twin) float CRT_EXPORT name(float x, float y) { return to_float(twin(x, y)); }

FLOAT1(acosf, acos)
FLOAT1(asinf, asin)
FLOAT1(atanf, atan)
FLOAT2(atan2f, atan2)
FLOAT1(ceilf, ceil)
FLOAT1(cosf, cos)
FLOAT1(coshf, cosh)
FLOAT1(expf, exp)
FLOAT1(floorf, floor)
FLOAT2(fmodf, fmod)
FLOAT1(logf, log)
FLOAT1(log10f, log10)
FLOAT2(powf, pow)
FLOAT1(sinf, sin)
FLOAT1(sinhf, sinh)
FLOAT1(sqrtf, sqrt)
FLOAT1(tanf, tan)
FLOAT1(tanhf, tanh)
FLOAT1(acoshf, acosh)
FLOAT1(asinhf, asinh)
FLOAT1(atanhf, atanh)
FLOAT1(cbrtf, cbrt)
FLOAT2(copysignf, copysign)
FLOAT2(_copysignf, copysign)
FLOAT1(_chgsignf, _chgsign)
FLOAT1(erff, erf)
FLOAT1(erfcf, erfc)
FLOAT1(exp2f, exp2)
FLOAT1(expm1f, expm1)
FLOAT2(fdimf, fdim)
FLOAT2(fmaxf, fmax)
FLOAT2(fminf, fmin)
FLOAT2(_hypotf, hypot)
FLOAT2(hypotf, hypot)
FLOAT1(lgammaf, lgamma)
FLOAT1(log1pf, log1p)
FLOAT1(log2f, log2)
FLOAT1(logbf, logb)
FLOAT1(_logbf, logb)
FLOAT1(nearbyintf, nearbyint)
FLOAT2(remainderf, remainder)
FLOAT1(rintf, rint)
FLOAT1(roundf, round)
FLOAT1(tgammaf, tgamma)
FLOAT1(truncf, trunc)

float CRT_EXPORT fmaf(float x, float y, float z)
{
    /* x*y is exact in double; the sum rounded to double and then to float rounds twice, so the exact sum is
     * rounded to odd first (53 >= 24 + 2 bits: the float rounding then is the correct one) */
    double p = (double)x * y;
    struct dd s = dd_two_sum(p, z);
    uint64_t bits = math_bits(s.hi);

    if (!math_isfinite(p) || !math_isfinite(z))
        return (float)(p + z);
    if (s.lo != 0 && !(bits & 1))
        bits += ((s.lo > 0) == (s.hi > 0)) ? 1 : -1;
    return to_float(math_from_bits(bits));
}

float CRT_EXPORT nextafterf(float x, float y)
{
    uint32_t bits = math_fbits(x);
    float r;

    if (math_isnan(x) || math_isnan(y))
        return x + y;
    if (x == y)
        return y;
    if (x == 0)
        r = math_from_fbits((math_fbits(y) & 0x80000000) | 1);
    else
        r = math_from_fbits(((x < y) == (x > 0)) ? bits + 1 : bits - 1);
    if (math_isinf(r))
        math_overflow(0);
    return r;
}

float CRT_EXPORT _nextafterf(float x, float y)
{
    return nextafterf(x, y);
}

float CRT_EXPORT nexttowardf(float x, double y)
{
    if (math_isnan(y))
        return (float)(x + y);
    return (double)x == y ? (float)y : nextafterf(x, (double)x < y ? MATH_INF : -MATH_INF);
}

float CRT_EXPORT modff(float x, float *integer)
{
    double i;
    float f = (float)modf(x, &i);

    *integer = (float)i;
    return f;
}

float CRT_EXPORT remquof(float x, float y, int *quo)
{
    return (float)remquo(x, y, quo);
}

float CRT_EXPORT scalbnf(float x, int n)
{
    if (n > 400)
        n = 400;
    if (n < -400)
        n = -400;
    return to_float(scalbn(x, n));
}

float CRT_EXPORT scalblnf(float x, long n)
{
    return scalbnf(x, n > 400 ? 400 : n < -400 ? -400 : (int)n);
}

float CRT_EXPORT _scalbf(float x, long n)
{
    return scalblnf(x, n);
}

int CRT_EXPORT ilogbf(float x)
{
    return ilogb(x);
}

long CRT_EXPORT lroundf(float x)
{
    return lround(x);
}

long long CRT_EXPORT llroundf(float x)
{
    return llround(x);
}

long CRT_EXPORT lrintf(float x)
{
    return lrint(x);
}

long long CRT_EXPORT llrintf(float x)
{
    return llrint(x);
}

int CRT_EXPORT _finitef(float x)
{
    return math_isfinite(x);
}

int CRT_EXPORT _isnanf(float x)
{
    return math_isnan(x);
}

int CRT_EXPORT _fpclassf(float x)
{
    uint32_t bits = math_fbits(x);
    int negative = (int)(bits >> 31), exp = (int)((bits >> 23) & 0xFF);
    uint32_t fraction = bits & 0x7FFFFF;

    if (exp == 0xFF) {
        if (fraction)
            return (fraction >> 22) ? 0x0002 : 0x0001;
        return negative ? 0x0004 : 0x0200;
    }
    if (!exp) {
        if (!fraction)
            return negative ? 0x0020 : 0x0040;
        return negative ? 0x0010 : 0x0080;
    }
    return negative ? 0x0008 : 0x0100;
}
