/*
 * The printf family, narrow and wide, for both DLLs: one engine (format_t.h, included for each width) writing to a
 * sink, and the exports around it. msvcrt.dll's functions have its fixed rules (floats as 17 significant digits
 * then zeros, "1.#INF", three exponent digits unless _set_output_format(_TWO_DIGIT_EXPONENT), %n on, an unknown
 * conversion printed as is); ucrtbase.dll's __stdio_common_* functions take their rules from the options the
 * program's headers pass (exact digits, "inf"/"nan", two exponent digits, %n off unless
 * _set_printf_count_output(1), an unknown conversion an invalid parameter).
 */
#include "format.h"

/* The standard streams' array (the stdio area): stdout is __acrt_iob_func(1) in both DLLs. */
FILE *CRT_EXPORT __acrt_iob_func(unsigned index);

#define FL_MINUS 1
#define FL_PLUS 2
#define FL_SPACE 4
#define FL_HASH 8
#define FL_ZERO 16

enum { SZ_INT, SZ_CHAR, SZ_SHORT, SZ_LONG, SZ_64, SZ_32, SZ_PTR, SZ_WIDE, SZ_LONGDOUBLE };
#define INT_MIN_ (-0x7FFFFFFF - 1)

struct fmt_spec {
    int flags, width, prec, conv, size;
    int arg, width_star, width_arg, prec_star, prec_arg;   /* numbered arguments (1...), '*' width and precision */
};

/* The _p functions' numbered arguments, all read before the output: their kinds and values. */
#define FMT_ARGMAX 100               /* _ARGMAX */
enum { ARG_NONE, ARG_INT, ARG_INT64, ARG_DOUBLE, ARG_PTR };
struct fmt_args {
    int positional;
    union {
        uint64_t u;
        double d;
        const void *p;
    } v[FMT_ARGMAX + 1];
};

/* The kind of argument a conversion takes. */
static int arg_kind(const struct fmt_spec *sp)
{
    switch (sp->conv) {
    case 'd': case 'i': case 'u': case 'o': case 'x': case 'X':
        return sp->size == SZ_64 || (sp->size == SZ_PTR && sizeof(void *) == 8) ? ARG_INT64 : ARG_INT;
    case 'c': case 'C':
        return ARG_INT;
    case 'e': case 'E': case 'f': case 'F': case 'g': case 'G': case 'a': case 'A':
        return ARG_DOUBLE;
    default:
        return ARG_PTR;
    }
}

static size_t strlen_ascii(const char *s)
{
    size_t n = 0;

    while (s[n])
        n++;
    return n;
}

/* The length of an exponent part: the letter, the sign and at least min_digits digits. */
static int exponent_length(int exp, int min_digits)
{
    int n = 1;

    for (exp = exp < 0 ? -exp : exp; exp >= 10; exp /= 10)
        n++;
    return 2 + (n > min_digits ? n : min_digits);
}

#define UNLIMITED ((size_t)-1 / 4)     /* sprintf's buffer: no bound */
#define TRUNCATE ((size_t)-1)          /* _TRUNCATE */

static const char null_narrow[] = "(null)";
static const wchar_t null_wide[] = L"(null)";

#define CH char
#define OCH wchar_t
#define WIDE 0
#define F(name) name##_narrow
#define SAME_NULL null_narrow
#define OTHER_NULL null_wide
#include "format_t.h"
#include "format_api_t.h"
#undef CH
#undef OCH
#undef WIDE
#undef F
#undef SAME_NULL
#undef OTHER_NULL

#define CH wchar_t
#define OCH char
#define WIDE 1
#define F(name) name##_wide
#define SAME_NULL null_wide
#define OTHER_NULL null_narrow
#include "format_t.h"
#include "format_api_t.h"
#undef CH
#undef OCH
#undef WIDE
#undef F
#undef SAME_NULL
#undef OTHER_NULL

/* ---- msvcrt.dll ---- */

static int output_format;              /* _set_output_format: _TWO_DIGIT_EXPONENT (1) */

unsigned int CRT_EXPORT _set_output_format(unsigned int format)
{
    unsigned int old = output_format;

    output_format = format & 1;
    return old;
}

unsigned int CRT_EXPORT _get_output_format(void)
{
    return output_format;
}

static unsigned msvcrt_opts(void)
{
    return FMT_WIDE_LEGACY | FMT_LEGACY_INFNAN | FMT_MSVCRT_DIGITS | FMT_COUNT_OUTPUT | FMT_MSVCRT_SYNTAX
           | (output_format & 1 ? 0 : FMT_THREE_DIGITS);
}

/*
 * msvcrt.dll's exports, a pair a line: PAIR(NAME, vNAME, (its parameters before the format's arguments), the last
 * of them, the call with `ap`) defines NAME(..., ...) and vNAME(..., va_list ap).
 */
#define UNPAREN(...) __VA_ARGS__
#define PAIR(name, vname, params, last, call)                                                                 \
    int CRT_EXPORT vname(UNPAREN params, va_list ap) { return call; }                                         \
    int CRT_EXPORT name(UNPAREN params, ...) { va_list ap; int r; va_start(ap, last); r = call; va_end(ap); return r; }
#define STDOUT __acrt_iob_func(1)
#define M msvcrt_opts()
#define MS (msvcrt_opts() | FMT_SECURE)
#define MP (msvcrt_opts() | FMT_SECURE | FMT_POSITIONAL)

PAIR(fprintf, vfprintf, (FILE *f, const char *fmt), fmt, vstream_narrow(f, fmt, ap, M))
PAIR(printf, vprintf, (const char *fmt), fmt, vstream_narrow(STDOUT, fmt, ap, M))
PAIR(sprintf, vsprintf, (char *b, const char *fmt), fmt, vlegacy_narrow(b, UNLIMITED, fmt, ap, M, 1))
PAIR(_snprintf, _vsnprintf, (char *b, size_t n, const char *fmt), fmt, vlegacy_narrow(b, n, fmt, ap, M, 1))
PAIR(_scprintf, _vscprintf, (const char *fmt), fmt, vlegacy_narrow(NULL, 0, fmt, ap, M, 1))
PAIR(fprintf_s, vfprintf_s, (FILE *f, const char *fmt), fmt, vstream_narrow(f, fmt, ap, MS))
PAIR(printf_s, vprintf_s, (const char *fmt), fmt, vstream_narrow(STDOUT, fmt, ap, MS))
PAIR(sprintf_s, vsprintf_s, (char *b, size_t size, const char *fmt), fmt, vsecure_narrow(b, size, size, fmt, ap, M))
PAIR(_snprintf_s, _vsnprintf_s, (char *b, size_t size, size_t n, const char *fmt), fmt,
     vsecure_narrow(b, size, n, fmt, ap, M))
PAIR(_fprintf_p, _vfprintf_p, (FILE *f, const char *fmt), fmt, vstream_narrow(f, fmt, ap, MP))
PAIR(_printf_p, _vprintf_p, (const char *fmt), fmt, vstream_narrow(STDOUT, fmt, ap, MP))
int CRT_EXPORT _vsprintf_p(char *b, size_t n, const char *fmt, va_list ap)
{
    return vpositional_narrow(b, n, fmt, ap, M);
}

PAIR(fwprintf, vfwprintf, (FILE *f, const wchar_t *fmt), fmt, vstream_wide(f, fmt, ap, M))
PAIR(wprintf, vwprintf, (const wchar_t *fmt), fmt, vstream_wide(STDOUT, fmt, ap, M))
/* msvcrt's swprintf and vswprintf have the old signature, without a count (_swprintf is the same function). */
PAIR(swprintf, vswprintf, (wchar_t *b, const wchar_t *fmt), fmt, vlegacy_wide(b, UNLIMITED, fmt, ap, M, 1))
PAIR(_snwprintf, _vsnwprintf, (wchar_t *b, size_t n, const wchar_t *fmt), fmt, vlegacy_wide(b, n, fmt, ap, M, 1))
PAIR(_scwprintf, _vscwprintf, (const wchar_t *fmt), fmt, vlegacy_wide(NULL, 0, fmt, ap, M, 1))
PAIR(fwprintf_s, vfwprintf_s, (FILE *f, const wchar_t *fmt), fmt, vstream_wide(f, fmt, ap, MS))
PAIR(wprintf_s, vwprintf_s, (const wchar_t *fmt), fmt, vstream_wide(STDOUT, fmt, ap, MS))
PAIR(swprintf_s, vswprintf_s, (wchar_t *b, size_t size, const wchar_t *fmt), fmt,
     vsecure_wide(b, size, size, fmt, ap, M))
PAIR(_snwprintf_s, _vsnwprintf_s, (wchar_t *b, size_t size, size_t n, const wchar_t *fmt), fmt,
     vsecure_wide(b, size, n, fmt, ap, M))
PAIR(_fwprintf_p, _vfwprintf_p, (FILE *f, const wchar_t *fmt), fmt, vstream_wide(f, fmt, ap, MP))
PAIR(_wprintf_p, _vwprintf_p, (const wchar_t *fmt), fmt, vstream_wide(STDOUT, fmt, ap, MP))

/* The _l forms: the locale is "C" whichever is given. */
#define L(call) ((void)loc, call)
PAIR(_fprintf_l, _vfprintf_l, (FILE *f, const char *fmt, void *loc), loc, L(vstream_narrow(f, fmt, ap, M)))
PAIR(_printf_l, _vprintf_l, (const char *fmt, void *loc), loc, L(vstream_narrow(STDOUT, fmt, ap, M)))
PAIR(_sprintf_l, _vsprintf_l, (char *b, const char *fmt, void *loc), loc,
     L(vlegacy_narrow(b, UNLIMITED, fmt, ap, M, 1)))
PAIR(_snprintf_l, _vsnprintf_l, (char *b, size_t n, const char *fmt, void *loc), loc,
     L(vlegacy_narrow(b, n, fmt, ap, M, 1)))
PAIR(_scprintf_l, _vscprintf_l, (const char *fmt, void *loc), loc, L(vlegacy_narrow(NULL, 0, fmt, ap, M, 1)))
PAIR(_fprintf_s_l, _vfprintf_s_l, (FILE *f, const char *fmt, void *loc), loc, L(vstream_narrow(f, fmt, ap, MS)))
PAIR(_printf_s_l, _vprintf_s_l, (const char *fmt, void *loc), loc, L(vstream_narrow(STDOUT, fmt, ap, MS)))
PAIR(_sprintf_s_l, _vsprintf_s_l, (char *b, size_t size, const char *fmt, void *loc), loc,
     L(vsecure_narrow(b, size, size, fmt, ap, M)))
PAIR(_snprintf_s_l, _vsnprintf_s_l, (char *b, size_t size, size_t n, const char *fmt, void *loc), loc,
     L(vsecure_narrow(b, size, n, fmt, ap, M)))
PAIR(_fprintf_p_l, _vfprintf_p_l, (FILE *f, const char *fmt, void *loc), loc, L(vstream_narrow(f, fmt, ap, MP)))
PAIR(_printf_p_l, _vprintf_p_l, (const char *fmt, void *loc), loc, L(vstream_narrow(STDOUT, fmt, ap, MP)))
PAIR(_sprintf_p_l, _vsprintf_p_l, (char *b, size_t size, const char *fmt, void *loc), loc,
     L(vpositional_narrow(b, size, fmt, ap, M)))
PAIR(_scprintf_p_l, _vscprintf_p_l, (const char *fmt, void *loc), loc, L(vpositional_narrow(NULL, 0, fmt, ap, M)))
PAIR(_fwprintf_l, _vfwprintf_l, (FILE *f, const wchar_t *fmt, void *loc), loc, L(vstream_wide(f, fmt, ap, M)))
PAIR(_wprintf_l, _vwprintf_l, (const wchar_t *fmt, void *loc), loc, L(vstream_wide(STDOUT, fmt, ap, M)))
PAIR(_snwprintf_l, _vsnwprintf_l, (wchar_t *b, size_t n, const wchar_t *fmt, void *loc), loc,
     L(vlegacy_wide(b, n, fmt, ap, M, 1)))
PAIR(_scwprintf_l, _vscwprintf_l, (const wchar_t *fmt, void *loc), loc, L(vlegacy_wide(NULL, 0, fmt, ap, M, 1)))
PAIR(_fwprintf_s_l, _vfwprintf_s_l, (FILE *f, const wchar_t *fmt, void *loc), loc, L(vstream_wide(f, fmt, ap, MS)))
PAIR(_wprintf_s_l, _vwprintf_s_l, (const wchar_t *fmt, void *loc), loc, L(vstream_wide(STDOUT, fmt, ap, MS)))
PAIR(_swprintf_s_l, _vswprintf_s_l, (wchar_t *b, size_t size, const wchar_t *fmt, void *loc), loc,
     L(vsecure_wide(b, size, size, fmt, ap, M)))
PAIR(_snwprintf_s_l, _vsnwprintf_s_l, (wchar_t *b, size_t size, size_t n, const wchar_t *fmt, void *loc), loc,
     L(vsecure_wide(b, size, n, fmt, ap, M)))
PAIR(_fwprintf_p_l, _vfwprintf_p_l, (FILE *f, const wchar_t *fmt, void *loc), loc, L(vstream_wide(f, fmt, ap, MP)))
PAIR(_wprintf_p_l, _vwprintf_p_l, (const wchar_t *fmt, void *loc), loc, L(vstream_wide(STDOUT, fmt, ap, MP)))
PAIR(_swprintf_p_l, _vswprintf_p_l, (wchar_t *b, size_t size, const wchar_t *fmt, void *loc), loc,
     L(vpositional_wide(b, size, fmt, ap, M)))
PAIR(_scwprintf_p_l, _vscwprintf_p_l, (const wchar_t *fmt, void *loc), loc,
     L(vpositional_wide(NULL, 0, fmt, ap, M)))
#undef L
#undef M
#undef MS
#undef MP

/* ---- ucrtbase.dll ---- */

static int count_output;               /* _set_printf_count_output */

int CRT_EXPORT _set_printf_count_output(int enable)
{
    int old = count_output;

    count_output = enable != 0;
    return old;
}

int CRT_EXPORT _get_printf_count_output(void)
{
    return count_output;
}

/* The engine's switches from __stdio_common_*'s options (the bits the engine shares with them).
 * LEGACY_MSVCRT_COMPATIBILITY brings msvcrt's spelling of infinity and NaN and its three exponent digits. */
static unsigned ucrt_opts(uint64_t options)
{
    unsigned opts = (unsigned)options & (FMT_WIDE_LEGACY | FMT_LEGACY_INFNAN | FMT_THREE_DIGITS | FMT_ROUND_EVEN);

    if (opts & FMT_LEGACY_INFNAN)
        opts |= FMT_THREE_DIGITS;
    return opts | (count_output ? FMT_COUNT_OUTPUT : 0);
}

/* Where __stdio_common_vsprintf's buffer is too small: with STANDARD_SNPRINTF_BEHAVIOR (2) C99's snprintf
 * (truncated, terminated, the full length returned); otherwise _vsnprintf's (-1), terminated unless
 * LEGACY_VSPRINTF_NULL_TERMINATION (1) asks for the old behaviour. */
#define UCRT_SPRINTF(W, CHT)                                                                                       \
int CRT_EXPORT __stdio_common_vs##W##printf(uint64_t options, CHT *b, size_t n, const CHT *fmt, void *locale,    \
                                            va_list ap)                                                          \
{                                                                                                                \
    (void)locale;                                                                                                \
    if (options & 2)                                                                                             \
        return vstandard_##W(b, n, fmt, ap, ucrt_opts(options));                                                \
    return vlegacy_##W(b, n, fmt, ap, ucrt_opts(options), options & 1);                                          \
}                                                                                                                \
int CRT_EXPORT __stdio_common_vs##W##printf_s(uint64_t options, CHT *b, size_t size, const CHT *fmt,            \
                                              void *locale, va_list ap)                                          \
{                                                                                                                \
    (void)locale;                                                                                                \
    return vsecure_##W(b, size, size, fmt, ap, ucrt_opts(options));                                             \
}                                                                                                                \
int CRT_EXPORT __stdio_common_vsn##W##printf_s(uint64_t options, CHT *b, size_t size, size_t n, const CHT *fmt, \
                                               void *locale, va_list ap)                                         \
{                                                                                                                \
    (void)locale;                                                                                                \
    return vsecure_##W(b, size, n, fmt, ap, ucrt_opts(options));                                                \
}                                                                                                                \
int CRT_EXPORT __stdio_common_vf##W##printf(uint64_t options, FILE *f, const CHT *fmt, void *locale, va_list ap) \
{                                                                                                                \
    (void)locale;                                                                                                \
    return vstream_##W(f, fmt, ap, ucrt_opts(options));                                                         \
}                                                                                                                \
int CRT_EXPORT __stdio_common_vf##W##printf_s(uint64_t options, FILE *f, const CHT *fmt, void *locale,          \
                                              va_list ap)                                                        \
{                                                                                                                \
    (void)locale;                                                                                                \
    return vstream_##W(f, fmt, ap, ucrt_opts(options) | FMT_SECURE);                                            \
}                                                                                                                \
int CRT_EXPORT __stdio_common_vf##W##printf_p(uint64_t options, FILE *f, const CHT *fmt, void *locale,          \
                                              va_list ap)                                                        \
{                                                                                                                \
    (void)locale;                                                                                                \
    return vstream_##W(f, fmt, ap, ucrt_opts(options) | FMT_SECURE | FMT_POSITIONAL);                           \
}                                                                                                                \
int CRT_EXPORT __stdio_common_vs##W##printf_p(uint64_t options, CHT *b, size_t size, const CHT *fmt,            \
                                              void *locale, va_list ap)                                          \
{                                                                                                                \
    (void)locale;                                                                                                \
    return vpositional_##W(b, size, fmt, ap, ucrt_opts(options));                                               \
}

#define vstandard_ vstandard_narrow
#define vlegacy_ vlegacy_narrow
#define vsecure_ vsecure_narrow
#define vstream_ vstream_narrow
#define vpositional_ vpositional_narrow
#define vpositional_w vpositional_wide
#define vstandard_w vstandard_wide
#define vlegacy_w vlegacy_wide
#define vsecure_w vsecure_wide
#define vstream_w vstream_wide
UCRT_SPRINTF(, char)
UCRT_SPRINTF(w, wchar_t)
