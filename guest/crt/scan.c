/*
 * The scanf family, narrow and wide, for both DLLs: one engine (scan_t.h, included for each width) reading from a
 * string (NUL-terminated, or counted as _snscanf's) or a stream (its lock held for the call), and the exports
 * around it. Floats go through the exact parse strtod uses (fltconv.c): msvcrt.dll's scanf reads only decimal,
 * ucrtbase.dll's also "inf", "nan" and hexadecimal.
 */
#include "format.h"

FILE *CRT_EXPORT __acrt_iob_func(unsigned index);

enum { SZ_INT, SZ_CHAR, SZ_SHORT, SZ_LONG, SZ_64, SZ_PTR, SZ_WIDE, SZ_LONGDOUBLE };

struct scan_src {
    FILE *stream;             /* the stream read, or NULL for a string */
    const void *str;
    size_t pos, limit;        /* the string's position and its count ((size_t)-1: up to the NUL) */
    size_t consumed;          /* characters read, for %n */
    int eof;                  /* the end of the input was met */
};

static int is_space(int c)
{
    return c == ' ' || (c >= 9 && c <= 13);
}

static int digit_value(int c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'z')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'Z')
        return c - 'A' + 10;
    return -1;
}

#define CH char
#define CH_MAX 0xFFu
#define WIDE 0
#define F(name) name##_narrow
#define MAP_BYTES 32
#include "scan_t.h"
#undef CH
#undef CH_MAX
#undef WIDE
#undef F
#undef MAP_BYTES
#define CH wchar_t
#define CH_MAX 0xFFFFu
#define WIDE 1
#define F(name) name##_wide
#define MAP_BYTES 8192
#include "scan_t.h"
#undef CH
#undef CH_MAX
#undef WIDE
#undef F
#undef MAP_BYTES

#define UNCOUNTED ((size_t)-1)

#define SCAN_API(W, CHT)                                                                                        \
static int vsscan_##W(const CHT *s, size_t count, const CHT *fmt, va_list ap, unsigned opts)                   \
{                                                                                                               \
    struct scan_src src = {0};                                                                                  \
                                                                                                                \
    if (!s || !fmt) {                                                                                           \
        crt_invalid_parameter(CRT_EINVAL);                                                                      \
        return -1;                                                                                              \
    }                                                                                                           \
    src.str = s;                                                                                                \
    src.limit = count;                                                                                          \
    return crt_scan_##W(&src, fmt, ap, opts);                                                                   \
}                                                                                                               \
static int vfscan_##W(FILE *f, const CHT *fmt, va_list ap, unsigned opts)                                      \
{                                                                                                               \
    struct scan_src src = {0};                                                                                  \
    int r;                                                                                                      \
                                                                                                                \
    if (!f || !fmt) {                                                                                           \
        crt_invalid_parameter(CRT_EINVAL);                                                                      \
        return -1;                                                                                              \
    }                                                                                                           \
    src.stream = f;                                                                                             \
    _lock_file(f);                                                                                              \
    r = crt_scan_##W(&src, fmt, ap, opts);                                                                      \
    _unlock_file(f);                                                                                            \
    return r;                                                                                                   \
}
SCAN_API(narrow, char)
SCAN_API(wide, wchar_t)

/* ---- msvcrt.dll: %s in the wide functions is wide; the _s forms take sizes. ---- */
#define MS (SCAN_MSVCRT | SCAN_WIDE_LEGACY)
#define MS_S (MS | SCAN_SECURE)
#define STDIN __acrt_iob_func(0)

/* SCANF(NAME, (its parameters before the arguments), the last of them, the call with `ap`) */
#define UNPAREN(...) __VA_ARGS__
#define SCANF(name, params, last, call) \
    int CRT_EXPORT name(UNPAREN params, ...) { va_list ap; int r; va_start(ap, last); r = call; va_end(ap); return r; }

SCANF(sscanf, (const char *s, const char *fmt), fmt, vsscan_narrow(s, UNCOUNTED, fmt, ap, MS))
SCANF(_snscanf, (const char *s, size_t n, const char *fmt), fmt, vsscan_narrow(s, n, fmt, ap, MS))
SCANF(fscanf, (FILE *f, const char *fmt), fmt, vfscan_narrow(f, fmt, ap, MS))
SCANF(scanf, (const char *fmt), fmt, vfscan_narrow(STDIN, fmt, ap, MS))
SCANF(sscanf_s, (const char *s, const char *fmt), fmt, vsscan_narrow(s, UNCOUNTED, fmt, ap, MS_S))
SCANF(_snscanf_s, (const char *s, size_t n, const char *fmt), fmt, vsscan_narrow(s, n, fmt, ap, MS_S))
SCANF(fscanf_s, (FILE *f, const char *fmt), fmt, vfscan_narrow(f, fmt, ap, MS_S))
SCANF(scanf_s, (const char *fmt), fmt, vfscan_narrow(STDIN, fmt, ap, MS_S))
SCANF(swscanf, (const wchar_t *s, const wchar_t *fmt), fmt, vsscan_wide(s, UNCOUNTED, fmt, ap, MS))
SCANF(_snwscanf, (const wchar_t *s, size_t n, const wchar_t *fmt), fmt, vsscan_wide(s, n, fmt, ap, MS))
SCANF(fwscanf, (FILE *f, const wchar_t *fmt), fmt, vfscan_wide(f, fmt, ap, MS))
SCANF(wscanf, (const wchar_t *fmt), fmt, vfscan_wide(STDIN, fmt, ap, MS))
SCANF(swscanf_s, (const wchar_t *s, const wchar_t *fmt), fmt, vsscan_wide(s, UNCOUNTED, fmt, ap, MS_S))
SCANF(_snwscanf_s, (const wchar_t *s, size_t n, const wchar_t *fmt), fmt, vsscan_wide(s, n, fmt, ap, MS_S))
SCANF(fwscanf_s, (FILE *f, const wchar_t *fmt), fmt, vfscan_wide(f, fmt, ap, MS_S))
SCANF(wscanf_s, (const wchar_t *fmt), fmt, vfscan_wide(STDIN, fmt, ap, MS_S))

/* The _l forms: the locale is "C" whichever is given. */
#define L(call) ((void)loc, call)
SCANF(_sscanf_l, (const char *s, const char *fmt, void *loc), loc, L(vsscan_narrow(s, UNCOUNTED, fmt, ap, MS)))
SCANF(_snscanf_l, (const char *s, size_t n, const char *fmt, void *loc), loc, L(vsscan_narrow(s, n, fmt, ap, MS)))
SCANF(_fscanf_l, (FILE *f, const char *fmt, void *loc), loc, L(vfscan_narrow(f, fmt, ap, MS)))
SCANF(_scanf_l, (const char *fmt, void *loc), loc, L(vfscan_narrow(STDIN, fmt, ap, MS)))
SCANF(_sscanf_s_l, (const char *s, const char *fmt, void *loc), loc,
      L(vsscan_narrow(s, UNCOUNTED, fmt, ap, MS_S)))
SCANF(_snscanf_s_l, (const char *s, size_t n, const char *fmt, void *loc), loc,
      L(vsscan_narrow(s, n, fmt, ap, MS_S)))
SCANF(_fscanf_s_l, (FILE *f, const char *fmt, void *loc), loc, L(vfscan_narrow(f, fmt, ap, MS_S)))
SCANF(_scanf_s_l, (const char *fmt, void *loc), loc, L(vfscan_narrow(STDIN, fmt, ap, MS_S)))
SCANF(_swscanf_l, (const wchar_t *s, const wchar_t *fmt, void *loc), loc,
      L(vsscan_wide(s, UNCOUNTED, fmt, ap, MS)))
SCANF(_snwscanf_l, (const wchar_t *s, size_t n, const wchar_t *fmt, void *loc), loc,
      L(vsscan_wide(s, n, fmt, ap, MS)))
SCANF(_fwscanf_l, (FILE *f, const wchar_t *fmt, void *loc), loc, L(vfscan_wide(f, fmt, ap, MS)))
SCANF(_wscanf_l, (const wchar_t *fmt, void *loc), loc, L(vfscan_wide(STDIN, fmt, ap, MS)))
SCANF(_swscanf_s_l, (const wchar_t *s, const wchar_t *fmt, void *loc), loc,
      L(vsscan_wide(s, UNCOUNTED, fmt, ap, MS_S)))
SCANF(_snwscanf_s_l, (const wchar_t *s, size_t n, const wchar_t *fmt, void *loc), loc,
      L(vsscan_wide(s, n, fmt, ap, MS_S)))
SCANF(_fwscanf_s_l, (FILE *f, const wchar_t *fmt, void *loc), loc, L(vfscan_wide(f, fmt, ap, MS_S)))
SCANF(_wscanf_s_l, (const wchar_t *fmt, void *loc), loc, L(vfscan_wide(STDIN, fmt, ap, MS_S)))
#undef L

/* ---- ucrtbase.dll: the options' bits are the engine's (SECURECRT 1, LEGACY_WIDE_SPECIFIERS 2); msvcrt's
 * compatibility (4) changes nothing here. ---- */
static unsigned ucrt_scan_opts(uint64_t options)
{
    return (unsigned)options & (SCAN_SECURE | SCAN_WIDE_LEGACY);
}

int CRT_EXPORT __stdio_common_vsscanf(uint64_t options, const char *s, size_t n, const char *fmt, void *locale,
                                      va_list ap)
{
    (void)locale;
    return vsscan_narrow(s, n, fmt, ap, ucrt_scan_opts(options));
}

int CRT_EXPORT __stdio_common_vswscanf(uint64_t options, const wchar_t *s, size_t n, const wchar_t *fmt,
                                       void *locale, va_list ap)
{
    (void)locale;
    return vsscan_wide(s, n, fmt, ap, ucrt_scan_opts(options));
}

int CRT_EXPORT __stdio_common_vfscanf(uint64_t options, FILE *f, const char *fmt, void *locale, va_list ap)
{
    (void)locale;
    return vfscan_narrow(f, fmt, ap, ucrt_scan_opts(options));
}

int CRT_EXPORT __stdio_common_vfwscanf(uint64_t options, FILE *f, const wchar_t *fmt, void *locale, va_list ap)
{
    (void)locale;
    return vfscan_wide(f, fmt, ap, ucrt_scan_opts(options));
}
