/*
 * The CRT's libm, shared between its sources (math_*.c): bit access to doubles, double-double arithmetic (a value
 * as an unevaluated sum hi + lo of two doubles, ~106 bits) and the extended-precision kernels the functions are
 * built on. Every source is compiled for SSE2 arithmetic in both widths (on i686 with -msse2 -mfpmath=sse, see
 * guest/build.sh), so that no result depends on the x87's excess precision: the same input gives the same bits in
 * both widths. The error-free transformations below rely on that (and on round-to-nearest).
 *
 * errno as Microsoft's CRTs set it from the kind of math error: EDOM for a domain error (the result is the
 * "indefinite" NaN, 0xFFF8...), ERANGE for a pole (singularity) or an overflow; an underflow leaves errno alone.
 */
#ifndef WOW64EMU_CRT_MATHLIB_H
#define WOW64EMU_CRT_MATHLIB_H

#include "crt.h"

struct dd {
    double hi, lo;
};

#include "mathtables.h"

static inline uint64_t math_bits(double x)
{
    union { double d; uint64_t u; } c = {x};
    return c.u;
}

static inline double math_from_bits(uint64_t u)
{
    union { uint64_t u; double d; } c = {u};
    return c.d;
}

static inline uint32_t math_fbits(float x)
{
    union { float f; uint32_t u; } c = {x};
    return c.u;
}

static inline float math_from_fbits(uint32_t u)
{
    union { uint32_t u; float f; } c = {u};
    return c.f;
}

#define MATH_INDEFINITE math_from_bits(0xFFF8000000000000ULL)   /* what the CPU gives for an invalid operation */
#define MATH_INF math_from_bits(0x7FF0000000000000ULL)

static inline int math_isnan(double x)
{
    return (math_bits(x) & 0x7FFFFFFFFFFFFFFFULL) > 0x7FF0000000000000ULL;
}

static inline int math_isinf(double x)
{
    return (math_bits(x) & 0x7FFFFFFFFFFFFFFFULL) == 0x7FF0000000000000ULL;
}

static inline int math_isfinite(double x)
{
    return (math_bits(x) & 0x7FF0000000000000ULL) != 0x7FF0000000000000ULL;
}

static inline double math_fabs(double x)
{
    return math_from_bits(math_bits(x) & 0x7FFFFFFFFFFFFFFFULL);
}

static inline double math_copysign(double x, double y)
{
    return math_from_bits((math_bits(x) & 0x7FFFFFFFFFFFFFFFULL) | (math_bits(y) & 0x8000000000000000ULL));
}

static inline double math_sqrt(double x)     /* correctly rounded by the instruction */
{
    double r;
    __asm__("sqrtsd %1, %0" : "=x"(r) : "x"(x));
    return r;
}

/* 2^e for -1022 <= e <= 1023 */
static inline double math_pow2(int e)
{
    return math_from_bits((uint64_t)(e + 1023) << 52);
}

/* x * 2^e, with the rounding of a result that is subnormal done once */
double math_scale(double x, int e);

/* The math errors: errno, and the exception flag the operation raises on hardware (set in the MXCSR, which
 * _statusfp and fetestexcept read on both widths): a domain error is EDOM and "invalid", a pole (singularity)
 * ERANGE and "zero divide", an overflow ERANGE and "overflow" with "inexact". Each returns `result`. */
static inline void math_raise(unsigned flags)
{
    unsigned mxcsr;

    __asm__ volatile("stmxcsr %0" : "=m"(mxcsr));
    mxcsr |= flags;
    __asm__ volatile("ldmxcsr %0" : : "m"(mxcsr));
}

static inline double math_domain(double result)
{
    crt_thread_data()->err = CRT_EDOM;
    math_raise(0x01);
    return result;
}

static inline double math_pole(double result)
{
    crt_thread_data()->err = CRT_ERANGE;
    math_raise(0x04);
    return result;
}

static inline double math_overflow(double result)
{
    crt_thread_data()->err = CRT_ERANGE;
    math_raise(0x28);
    return result;
}

/* Double-double arithmetic. */
static inline struct dd dd_two_sum(double a, double b)
{
    double s = a + b, bb = s - a;
    struct dd r = {s, (a - (s - bb)) + (b - bb)};
    return r;
}

static inline struct dd dd_fast_two_sum(double a, double b)   /* |a| >= |b| */
{
    double s = a + b;
    struct dd r = {s, b - (s - a)};
    return r;
}

static inline struct dd dd_two_prod(double a, double b)
{
    const double split = 134217729.0;                       /* 2^27 + 1: Veltkamp's splitting */
    double p = a * b, ca = split * a, cb = split * b;
    double ah = ca - (ca - a), al = a - ah, bh = cb - (cb - b), bl = b - bh;
    struct dd r = {p, ((ah * bh - p) + ah * bl + al * bh) + al * bl};
    return r;
}

static inline struct dd dd_make(double hi, double lo)
{
    return dd_fast_two_sum(hi, lo);
}

static inline struct dd dd_add(struct dd a, struct dd b)
{
    struct dd s = dd_two_sum(a.hi, b.hi), t = dd_two_sum(a.lo, b.lo);
    s.lo += t.hi;
    s = dd_fast_two_sum(s.hi, s.lo);
    s.lo += t.lo;
    return dd_fast_two_sum(s.hi, s.lo);
}

static inline struct dd dd_add_d(struct dd a, double b)
{
    struct dd s = dd_two_sum(a.hi, b);
    s.lo += a.lo;
    return dd_fast_two_sum(s.hi, s.lo);
}

static inline struct dd dd_neg(struct dd a)
{
    struct dd r = {-a.hi, -a.lo};
    return r;
}

static inline struct dd dd_mul(struct dd a, struct dd b)
{
    struct dd p = dd_two_prod(a.hi, b.hi);
    p.lo += a.hi * b.lo + a.lo * b.hi;
    return dd_fast_two_sum(p.hi, p.lo);
}

static inline struct dd dd_mul_d(struct dd a, double b)
{
    struct dd p = dd_two_prod(a.hi, b);
    p.lo += a.lo * b;
    return dd_fast_two_sum(p.hi, p.lo);
}

static inline struct dd dd_div(struct dd a, struct dd b)
{
    double q1 = a.hi / b.hi, q2;
    struct dd r = dd_add(a, dd_neg(dd_mul_d(b, q1)));

    q2 = r.hi / b.hi;
    r = dd_add(r, dd_neg(dd_mul_d(b, q2)));
    return dd_add_d(dd_fast_two_sum(q1, q2), r.hi / b.hi);
}

static inline struct dd dd_sqrt(struct dd a)       /* a.hi > 0 */
{
    double s = math_sqrt(a.hi);
    struct dd p = dd_two_prod(s, s);

    return dd_fast_two_sum(s, (((a.hi - p.hi) - p.lo) + a.lo) / (2 * s));
}

static inline double dd_round(struct dd a)
{
    return a.hi + a.lo;
}

/* The exported double functions the others call. */
double CRT_EXPORT frexp(double x, int *e);

/* The kernels (math_explog.c, math_trig.c, math_atrig.c). */
/* e^(x.hi + x.lo) as m * 2^k (m in about [0.7, 1.5]): returns m, sets *k. |x| below about 746. */
struct dd math_exp_dd(struct dd x, int *k);
/* log(hi + lo) for hi > 0 finite, |lo| <= ulp(hi): absolute error about 2^-75 (relative to log when near 1). */
struct dd math_log_dd(double hi, double lo);
/* e^x - 1 as a double-double, |x| <= 1 */
struct dd math_expm1_dd(double x);
/* x reduced by multiples of pi/2: r in [-pi/4, pi/4], returns the multiple mod 4 */
int math_rem_pio2(double x, struct dd *r);
/* sin(r) and cos(r) for |r| <= pi/4 (r.hi + r.lo) */
struct dd math_sin_dd(struct dd r);
struct dd math_cos_dd(struct dd r);
/* atan(t) for t >= 0 */
struct dd math_atan_dd(struct dd t);
/* sin(pi * x) for finite x, the reduction exact */
struct dd math_sinpi_dd(double x);

#endif
