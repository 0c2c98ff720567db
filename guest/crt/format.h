/*
 * The format area's shared declarations: the exact conversions between binary floating point and decimal
 * (fltconv.c), the printf engine's options (format.c) and the scanf engine's (scan.c).
 */
#ifndef WOW64EMU_CRT_FORMAT_H
#define WOW64EMU_CRT_FORMAT_H

#include "crt.h"

/* A double's decimal digits: value = d[0].d[1]d[2]... x 10^exp, n digits ('0'..'9', or the characters of msvcrt's
 * "1#INF" and the like), the digits after the n-th all zero. n == 0: the value is zero (exp 0). */
#define CRT_DIGITS_MAX 800          /* a double's exact expansion has at most 767 significant digits */
struct crt_digits {
    int n;
    int exp;
    char d[CRT_DIGITS_MAX + 2];
};

/* How crt_dtoa rounds the last digit: ties away from zero (the Microsoft CRTs' printf) or to even. */
enum crt_round { CRT_ROUND_HALF_UP, CRT_ROUND_HALF_EVEN };

/* |v| (finite) to decimal, exactly, rounded: `sig` significant digits (sig > 0), or with fixed >= 0 digits after
 * the decimal point (sig == 0). */
void crt_dtoa(double v, int sig, int fixed, enum crt_round round, struct crt_digits *out);
/* The digits rounded half up as a string (msvcrt's second rounding): keep `keep` digits (keep may be <= 0). */
void crt_digits_round(struct crt_digits *digits, int keep);

/* A decimal number as its significant digits (no leading zeros; at most CRT_DIGITS_MAX, a last '1' standing for
 * any non-zero digits dropped beyond): value = (the integer d) x 10^exp. */
struct crt_decimal {
    int n;
    long exp;
    char d[CRT_DIGITS_MAX + 2];
};
/* The nearest double (ties to even); *range set to 1 on overflow (infinity returned) or underflow to zero. */
double crt_decimal_to_double(const struct crt_decimal *dec, int negative, int *range);

/* The bits of a double. */
static inline uint64_t crt_double_bits(double v)
{
    union { double d; uint64_t u; } x = {v};
    return x.u;
}
static inline double crt_bits_double(uint64_t u)
{
    union { uint64_t u; double d; } x = {u};
    return x.d;
}

/* The printf engine's switches: the __stdio_common_* options (the values of their bits) and the flavor's rules. */
#define FMT_WIDE_LEGACY    0x0004   /* wide functions: %s %c take wide arguments (LEGACY_WIDE_SPECIFIERS) */
#define FMT_LEGACY_INFNAN  0x0008   /* "1.#INF", "-1.#IND", "1.#QNAN" (LEGACY_MSVCRT_COMPATIBILITY) */
#define FMT_THREE_DIGITS   0x0010   /* three exponent digits at least (LEGACY_THREE_DIGIT_EXPONENTS) */
#define FMT_ROUND_EVEN     0x0020   /* exact ties to even (STANDARD_ROUNDING) */
#define FMT_MSVCRT_DIGITS  0x0040   /* msvcrt: 17 significant digits, then zeros, rounded as a string */
#define FMT_SECURE         0x0100   /* the _s functions: %n refused */
#define FMT_COUNT_OUTPUT   0x0200   /* %n allowed */
#define FMT_MSVCRT_SYNTAX  0x0400   /* msvcrt: an unknown character in a conversion is printed as is */
#define FMT_POSITIONAL     0x0800   /* the _p functions: numbered arguments ("%2$s") */

/* Where the printf engine writes: a stream (its lock held by the caller), a buffer of `cap` characters (of the
 * engine's width; what goes beyond is counted, not written), or nothing (counting only). */
struct fmt_sink {
    FILE *stream;
    void *buf;
    size_t cap;
    size_t len;                  /* characters produced */
    int error;                   /* a stream's write failed, or a character had no conversion */
    size_t held;                 /* a narrow stream's bytes in chunk, written in one call */
    char chunk[256];
};
int crt_format_narrow(struct fmt_sink *sink, const char *format, va_list args, unsigned opts);
int crt_format_wide(struct fmt_sink *sink, const wchar_t *format, va_list args, unsigned opts);

/* The scanf engine's switches. */
#define SCAN_SECURE        0x0001   /* sizes after %s %c %[ (_CRT_INTERNAL_SCANF_SECURECRT) */
#define SCAN_WIDE_LEGACY   0x0002   /* in the wide functions %s %c %[ store wide characters */
#define SCAN_MSVCRT        0x0004   /* msvcrt's floats (no inf, nan or hexadecimal) */

/* The parse of a floating-point number shared by strtod and scanf, the characters (of either width) read through
 * the callback: the bits of the nearest double (or float), *accepted the length of the number (0: none; the
 * callback may have given more, as "1e+" gives the number 1), *range 1 on overflow or underflow to zero. */
#define PARSE_MSVCRT 1               /* msvcrt.dll's strtod: no "inf", "nan" or hexadecimal */
#define PARSE_SINGLE 2               /* a float, rounded once */
typedef int (*crt_peek_fn)(void *ctx, int consume);   /* the next character (consume: and step over it), -1 at end */
uint64_t crt_parse_real(crt_peek_fn peek, void *ctx, unsigned how, size_t *accepted, int *range);

#endif
