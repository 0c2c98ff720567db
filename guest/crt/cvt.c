/*
 * _ecvt, _fcvt and _gcvt (and their _s forms): a double's digits from the digit generator printf uses (fltconv.c),
 * with each DLL's rule: msvcrt.dll's 17 significant digits then zeros, ucrtbase.dll's exact digits; both round
 * halves up. _ecvt and _fcvt give digits only, in one buffer shared by the two (as the CRTs' per-thread one).
 */
#include "format.h"

#define CVTBUFSIZE 349                /* _CVTBUFSIZE: digits of any double, a sign, a point, a terminator */

/* The digits of |v|: `count` significant ones (fixed < 0), or up to `fixed` after the point. */
static void digits_of(double v, int count, int fixed, struct crt_digits *dg)
{
    if (crt_flavor == CRT_MSVCRT) {
        crt_dtoa(v, 17, 0, CRT_ROUND_HALF_UP, dg);
        crt_digits_round(dg, fixed >= 0 ? (dg->n ? dg->exp + 1 + fixed : 0) : count);
    } else if (fixed >= 0) {
        crt_dtoa(v, 0, fixed, CRT_ROUND_HALF_UP, dg);
    } else {
        crt_dtoa(v, count, 0, CRT_ROUND_HALF_UP, dg);
    }
}

/* The digits of _ecvt (count significant) or _fcvt (fixed after the point) into out (size bytes, the terminator
 * included; the digits cut to fit): *decpt the place of the point, *sign 1 when negative. */
static int cvt(double v, int count, int fixed, char *out, size_t size, int *decpt, int *sign)
{
    struct crt_digits dg;
    uint64_t bits = crt_double_bits(v);
    int total, i;

    *sign = (int)(bits >> 63);
    if (count > CVTBUFSIZE - 2)
        count = CVTBUFSIZE - 2;
    if (count < 0)
        count = 0;
    digits_of(v, count, fixed, &dg);
    *decpt = dg.n ? dg.exp + 1 : (fixed >= 0 ? -fixed : 0);
    total = fixed >= 0 ? (dg.n ? dg.exp + 1 + fixed : 0) : count;
    if (total < 0)
        total = 0;
    if ((size_t)total >= size)
        total = (int)size - 1;
    for (i = 0; i < total; i++)
        out[i] = i < dg.n ? dg.d[i] : '0';
    out[total] = 0;
    return 0;
}

static char cvt_buffer[CVTBUFSIZE];

char *CRT_EXPORT _ecvt(double v, int count, int *decpt, int *sign)
{
    if (!decpt || !sign) {
        crt_invalid_parameter(CRT_EINVAL);
        return NULL;
    }
    cvt(v, count, -1, cvt_buffer, sizeof cvt_buffer, decpt, sign);
    return cvt_buffer;
}

char *CRT_EXPORT _fcvt(double v, int fixed, int *decpt, int *sign)
{
    if (!decpt || !sign) {
        crt_invalid_parameter(CRT_EINVAL);
        return NULL;
    }
    cvt(v, 0, fixed < 0 ? 0 : fixed, cvt_buffer, sizeof cvt_buffer, decpt, sign);
    return cvt_buffer;
}

static int cvt_s(char *buf, size_t size, double v, int count, int fixed, int *decpt, int *sign)
{
    if (!buf || !size || !decpt || !sign) {
        if (buf && size)
            buf[0] = 0;
        crt_invalid_parameter(CRT_EINVAL);
        return CRT_EINVAL;
    }
    return cvt(v, count, fixed, buf, size, decpt, sign);
}

int CRT_EXPORT _ecvt_s(char *buf, size_t size, double v, int count, int *decpt, int *sign)
{
    return cvt_s(buf, size, v, count, -1, decpt, sign);
}

int CRT_EXPORT _fcvt_s(char *buf, size_t size, double v, int fixed, int *decpt, int *sign)
{
    return cvt_s(buf, size, v, 0, fixed < 0 ? 0 : fixed, decpt, sign);
}

/* _gcvt: `count` significant digits in the F format when the exponent X is in [-1, count), the point kept and the
 * zeros after it dropped ("1." for 1.0); otherwise the E format, its mantissa's zeros dropped ("1.e+020"). */
static int gcvt_into(double v, int count, char *buf, size_t size)
{
    struct crt_digits dg;
    char tmp[CVTBUFSIZE + 16];
    size_t n = 0;
    int x, i, frac;

    if (count < 1)
        count = 1;
    if (count > CVTBUFSIZE - 2)
        count = CVTBUFSIZE - 2;
    if (crt_double_bits(v) >> 63)
        tmp[n++] = '-';
    digits_of(v, count, -1, &dg);
    x = dg.n ? dg.exp : 0;
    if (x >= -1 && x < count) {
        if (x >= 0) {
            for (i = 0; i <= x; i++)
                tmp[n++] = i < dg.n ? dg.d[i] : '0';
        } else {
            tmp[n++] = '0';
        }
        tmp[n++] = '.';
        frac = dg.n - 1 - x;             /* the significant digits after the point */
        for (i = x + 1; i < x + 1 + frac; i++)
            tmp[n++] = i < 0 ? '0' : dg.d[i];
    } else {
        int e = x < 0 ? -x : x, digits = crt_flavor == CRT_MSVCRT ? 3 : 2;
        char ebuf[8];
        int en = 0;

        tmp[n++] = dg.d[0];
        tmp[n++] = '.';
        for (i = 1; i < dg.n; i++)
            tmp[n++] = dg.d[i];
        tmp[n++] = 'e';
        tmp[n++] = x < 0 ? '-' : '+';
        do {
            ebuf[en++] = (char)('0' + e % 10);
            e /= 10;
        } while (e);
        while (en < digits)
            ebuf[en++] = '0';
        while (en)
            tmp[n++] = ebuf[--en];
    }
    if (n >= size) {
        buf[0] = 0;
        crt_invalid_parameter(CRT_ERANGE);
        return CRT_ERANGE;
    }
    for (i = 0; i < (int)n; i++)
        buf[i] = tmp[i];
    buf[n] = 0;
    return 0;
}

char *CRT_EXPORT _gcvt(double v, int count, char *buf)
{
    if (!buf) {
        crt_invalid_parameter(CRT_EINVAL);
        return NULL;
    }
    gcvt_into(v, count, buf, (size_t)-1);
    return buf;
}

int CRT_EXPORT _gcvt_s(char *buf, size_t size, double v, int count)
{
    if (!buf || !size) {
        crt_invalid_parameter(CRT_EINVAL);
        return CRT_EINVAL;
    }
    return gcvt_into(v, count, buf, size);
}
