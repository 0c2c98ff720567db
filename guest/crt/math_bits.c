/*
 * The functions that work on a double's parts: fabs, copysign and _chgsign, frexp, ldexp and the scalb family,
 * logb and ilogb, nextafter, fmin, fmax, fdim, nan, and the classifications (_finite, _isnan, _fpclass, and the
 * UCRT's _dclass, _dsign, _dtest, _dpcomp behind its fpclassify, signbit and comparison macros, with the float and
 * long double twins: long double is double in both Microsoft CRTs).
 */
#include "mathlib.h"

double CRT_EXPORT fabs(double x)
{
    return math_fabs(x);
}

double CRT_EXPORT copysign(double x, double y)
{
    return math_copysign(x, y);
}

double CRT_EXPORT _copysign(double x, double y)
{
    return math_copysign(x, y);
}

double CRT_EXPORT _chgsign(double x)
{
    return math_from_bits(math_bits(x) ^ 0x8000000000000000ULL);
}

double CRT_EXPORT frexp(double x, int *e)
{
    uint64_t bits = math_bits(x);
    int exp = (int)((bits >> 52) & 0x7FF);

    *e = 0;
    if (x == 0 || exp == 0x7FF)
        return math_isnan(x) ? x + x : x;
    if (!exp) {                                              /* subnormal */
        bits = math_bits(x * 0x1p54);
        exp = (int)((bits >> 52) & 0x7FF) - 54;
    }
    *e = exp - 1022;
    return math_from_bits((bits & 0x800FFFFFFFFFFFFFULL) | 0x3FE0000000000000ULL);
}

/* x * 2^n rounded once; ERANGE when a finite x overflows */
double CRT_EXPORT scalbln(double x, long n)
{
    double r = x;

    if (x == 0 || !math_isfinite(x))
        return x + x;
    if (n > 1023) {
        r *= 0x1p1023;
        n -= 1023;
        if (n > 1023) {
            r *= 0x1p1023;
            n -= 1023;
            if (n > 1023)
                n = 1023;
        }
    } else if (n < -1022) {
        /* steps of 2^-969 keep r normal (exact) until the last multiplication, which rounds once */
        r *= 0x1p-969;
        n += 969;
        if (n < -1022) {
            r *= 0x1p-969;
            n += 969;
            if (n < -1022)
                n = -1022;
        }
    }
    r *= math_pow2((int)n);
    if (math_isinf(r))
        math_overflow(0);
    return r;
}

double CRT_EXPORT scalbn(double x, int n)
{
    return scalbln(x, n);
}

double CRT_EXPORT ldexp(double x, int n)
{
    return scalbln(x, n);
}

double CRT_EXPORT _scalb(double x, long n)
{
    return scalbln(x, n);
}

double CRT_EXPORT logb(double x)
{
    int e;

    if (math_isnan(x))
        return x + x;
    if (math_isinf(x))
        return math_fabs(x);
    if (x == 0)
        return math_pole(-MATH_INF);
    frexp(x, &e);
    return e - 1;
}

double CRT_EXPORT _logb(double x)
{
    return logb(x);
}

#define ILOGB0 ((int)0x80000000)
#define ILOGBNAN 0x7FFFFFFF

int CRT_EXPORT ilogb(double x)
{
    int e;

    if (math_isnan(x) || x == 0)
        return math_isnan(x) ? ILOGBNAN : ILOGB0;
    if (math_isinf(x))
        return 0x7FFFFFFF;
    frexp(x, &e);
    return e - 1;
}

double CRT_EXPORT nextafter(double x, double y)
{
    uint64_t bits = math_bits(x);
    double r;

    if (math_isnan(x) || math_isnan(y))
        return x + y;
    if (x == y)
        return y;
    if (x == 0)
        r = math_copysign(math_from_bits(1), y);
    else
        r = math_from_bits(((x < y) == (x > 0)) ? bits + 1 : bits - 1);
    if (math_isinf(r))
        math_overflow(0);
    return r;
}

double CRT_EXPORT _nextafter(double x, double y)
{
    return nextafter(x, y);
}

double CRT_EXPORT nexttoward(double x, double y)           /* long double is double */
{
    return nextafter(x, y);
}

double CRT_EXPORT fmin(double x, double y)
{
    if (math_isnan(x))
        return y;
    if (math_isnan(y))
        return x;
    if (x == y)                                              /* -0 before +0 */
        return (math_bits(x) >> 63) ? x : y;
    return x < y ? x : y;
}

double CRT_EXPORT fmax(double x, double y)
{
    if (math_isnan(x))
        return y;
    if (math_isnan(y))
        return x;
    if (x == y)
        return (math_bits(x) >> 63) ? y : x;
    return x > y ? x : y;
}

double CRT_EXPORT fdim(double x, double y)
{
    double r;

    if (math_isnan(x) || math_isnan(y))
        return x + y;
    if (!(x > y))
        return 0.0;
    r = x - y;
    return math_isinf(r) && math_isfinite(x) && math_isfinite(y) ? math_overflow(r) : r;
}

double CRT_EXPORT nan(const char *tag)
{
    (void)tag;
    return math_from_bits(0x7FF8000000000000ULL);
}

float CRT_EXPORT nanf(const char *tag)
{
    (void)tag;
    return math_from_fbits(0x7FC00000);
}

int CRT_EXPORT _finite(double x)
{
    return math_isfinite(x);
}

int CRT_EXPORT _isnan(double x)
{
    return math_isnan(x);
}

/* _fpclass's classes (float.h) */
#define FPCLASS_SNAN 0x0001
#define FPCLASS_QNAN 0x0002
#define FPCLASS_NINF 0x0004
#define FPCLASS_NN 0x0008
#define FPCLASS_ND 0x0010
#define FPCLASS_NZ 0x0020
#define FPCLASS_PZ 0x0040
#define FPCLASS_PD 0x0080
#define FPCLASS_PN 0x0100
#define FPCLASS_PINF 0x0200

int CRT_EXPORT _fpclass(double x)
{
    uint64_t bits = math_bits(x);
    int negative = (int)(bits >> 63), exp = (int)((bits >> 52) & 0x7FF);
    uint64_t fraction = bits & 0x000FFFFFFFFFFFFFULL;

    if (exp == 0x7FF) {
        if (fraction)
            return (fraction >> 51) ? FPCLASS_QNAN : FPCLASS_SNAN;
        return negative ? FPCLASS_NINF : FPCLASS_PINF;
    }
    if (!exp) {
        if (!fraction)
            return negative ? FPCLASS_NZ : FPCLASS_PZ;
        return negative ? FPCLASS_ND : FPCLASS_PD;
    }
    return negative ? FPCLASS_NN : FPCLASS_PN;
}

/* The UCRT's classes (math.h): FP_INFINITE 1, FP_NAN 2, FP_NORMAL -1, FP_SUBNORMAL -2, FP_ZERO 0 */
static short dclass(double x)
{
    uint64_t bits = math_bits(x);
    int exp = (int)((bits >> 52) & 0x7FF);

    if (exp == 0x7FF)
        return (bits & 0x000FFFFFFFFFFFFFULL) ? 2 : 1;
    if (!exp)
        return (bits << 1) ? -2 : 0;
    return -1;
}

static short fdclass(float x)
{
    uint32_t bits = math_fbits(x);
    int exp = (int)((bits >> 23) & 0xFF);

    if (exp == 0xFF)
        return (bits & 0x7FFFFF) ? 2 : 1;
    if (!exp)
        return (bits << 1) ? -2 : 0;
    return -1;
}

short CRT_EXPORT _dclass(double x)
{
    return dclass(x);
}

short CRT_EXPORT _ldclass(double x)
{
    return dclass(x);
}

short CRT_EXPORT _fdclass(float x)
{
    return fdclass(x);
}

short CRT_EXPORT _dtest(double *x)
{
    return dclass(*x);
}

short CRT_EXPORT _ldtest(double *x)
{
    return dclass(*x);
}

short CRT_EXPORT _fdtest(float *x)
{
    return fdclass(*x);
}

int CRT_EXPORT _dsign(double x)
{
    return (int)(math_bits(x) >> 48) & 0x8000;
}

int CRT_EXPORT _ldsign(double x)
{
    return (int)(math_bits(x) >> 48) & 0x8000;
}

int CRT_EXPORT _fdsign(float x)
{
    return (int)(math_fbits(x) >> 16) & 0x8000;
}

/* The ordering of x and y as the UCRT's comparison macros want it: 1 less, 2 equal, 4 greater, 0 unordered */
int CRT_EXPORT _dpcomp(double x, double y)
{
    if (math_isnan(x) || math_isnan(y))
        return 0;
    return x < y ? 1 : x == y ? 2 : 4;
}

int CRT_EXPORT _ldpcomp(double x, double y)
{
    return _dpcomp(x, y);
}

int CRT_EXPORT _fdpcomp(float x, float y)
{
    return _dpcomp(x, y);
}
