/*
 * The multibyte conversions of <stdlib.h> and <wchar.h> in the current LC_CTYPE code page. Every code page a
 * locale here can have is single-byte (MB_CUR_MAX 1), so a character is one byte and the conversion state is
 * never used: in the "C" locale byte b is U+00bb and only U+0000-U+00FF have bytes; otherwise the code page's
 * table (locale.c) says, and a character without a byte is EILSEQ.
 */
#include "libc.h"

#define TRUNCATE_ ((size_t)-1)

static int eilseq(void)
{
    crt_thread_data()->err = CRT_EILSEQ;
    return -1;
}

int CRT_EXPORT mbtowc(wchar_t *wc, const char *s, size_t n)
{
    int c;

    if (!s || !n)
        return 0;
    if (!*s) {
        if (wc)
            *wc = 0;
        return 0;
    }
    c = crt_byte_to_wide((unsigned char)*s);
    if (c < 0)
        return eilseq();
    if (wc)
        *wc = (wchar_t)c;
    return 1;
}

int CRT_EXPORT mblen(const char *s, size_t n)
{
    return mbtowc(NULL, s, n);
}

int CRT_EXPORT wctomb(char *s, wchar_t wc)
{
    int b;

    if (!s)
        return 0;
    b = crt_wide_to_byte(wc);
    if (b < 0)
        return eilseq();
    *s = (char)b;
    return 1;
}

int CRT_EXPORT wctomb_s(int *count, char *s, size_t size, wchar_t wc)
{
    int b;

    if (!s && size) {
        crt_invalid_parameter(CRT_EINVAL);
        return CRT_EINVAL;
    }
    if (!s) {
        if (count)
            *count = 0;
        return 0;
    }
    b = crt_wide_to_byte(wc);
    if (b < 0) {
        if (count)
            *count = -1;
        crt_thread_data()->err = CRT_EILSEQ;
        return CRT_EILSEQ;
    }
    if (!size) {
        crt_invalid_parameter(CRT_ERANGE);
        return CRT_ERANGE;
    }
    *s = (char)b;
    if (count)
        *count = 1;
    return 0;
}

/* --- strings ------------------------------------------------------------------------------------------------- */

/* Converts up to n characters of src (all of it, with dst NULL) and the NUL when it comes within n: the count
 * without the NUL, or -1 (EILSEQ). *end, when asked, is where the conversion stopped (NULL after the NUL). */
static size_t to_wide(wchar_t *dst, const char *src, size_t n, const char **end)
{
    size_t i;
    int c;

    for (i = 0; !dst || i < n; i++) {
        if (!src[i]) {
            if (dst)
                dst[i] = 0;
            if (end)
                *end = NULL;
            return i;
        }
        c = crt_byte_to_wide((unsigned char)src[i]);
        if (c < 0) {
            if (end)
                *end = src + i;
            eilseq();
            return (size_t)-1;
        }
        if (dst)
            dst[i] = (wchar_t)c;
    }
    if (end)
        *end = src + i;
    return i;
}

static size_t to_bytes(char *dst, const wchar_t *src, size_t n, const wchar_t **end)
{
    size_t i;
    int b;

    for (i = 0; !dst || i < n; i++) {
        if (!src[i]) {
            if (dst)
                dst[i] = 0;
            if (end)
                *end = NULL;
            return i;
        }
        b = crt_wide_to_byte(src[i]);
        if (b < 0) {
            if (end)
                *end = src + i;
            eilseq();
            return (size_t)-1;
        }
        if (dst)
            dst[i] = (char)b;
    }
    if (end)
        *end = src + i;
    return i;
}

size_t CRT_EXPORT mbstowcs(wchar_t *dst, const char *src, size_t n)
{
    if (!src) {
        crt_invalid_parameter(CRT_EINVAL);
        return (size_t)-1;
    }
    return to_wide(dst, src, n, NULL);
}

size_t CRT_EXPORT wcstombs(char *dst, const wchar_t *src, size_t n)
{
    if (!src) {
        crt_invalid_parameter(CRT_EINVAL);
        return (size_t)-1;
    }
    return to_bytes(dst, src, n, NULL);
}

/* The _s forms: *done counts the characters written with the NUL; count _TRUNCATE converts what fits. One body
 * for both directions: `convert` is to_wide or to_bytes through the adapters below, `unit` the size of a
 * destination character (the terminator is written as one). */
typedef size_t (*convert_t)(void *dst, const void *src, size_t n);

static size_t wide_of(void *dst, const void *src, size_t n)
{
    return to_wide(dst, src, n, NULL);
}

static size_t bytes_of(void *dst, const void *src, size_t n)
{
    return to_bytes(dst, src, n, NULL);
}

static void terminate_at(void *dst, size_t unit, size_t at)
{
    if (unit == sizeof(wchar_t))
        ((wchar_t *)dst)[at] = 0;
    else
        ((char *)dst)[at] = 0;
}

static int convert_s(size_t *done, void *dst, size_t size, const void *src, size_t count, convert_t convert,
                     size_t unit)
{
    size_t len, n;

    if ((!dst && size) || (dst && !size) || !src) {
        if (dst && size)
            terminate_at(dst, unit, 0);
        crt_invalid_parameter(CRT_EINVAL);
        return CRT_EINVAL;
    }
    len = convert(NULL, src, 0);
    if (len == (size_t)-1) {
        if (dst)
            terminate_at(dst, unit, 0);
        return CRT_EILSEQ;
    }
    n = len < count ? len : count;
    if (!dst) {
        if (done)
            *done = n + 1;
        return 0;
    }
    if (n >= size && count != TRUNCATE_) {
        terminate_at(dst, unit, 0);
        crt_invalid_parameter(CRT_ERANGE);
        return CRT_ERANGE;
    }
    if (n >= size)
        n = size - 1;
    convert(dst, src, n);
    terminate_at(dst, unit, n);
    if (done)
        *done = n + 1;
    return n < len && count == TRUNCATE_ ? CRT_STRUNCATE : 0;
}

int CRT_EXPORT mbstowcs_s(size_t *done, wchar_t *dst, size_t size, const char *src, size_t count)
{
    return convert_s(done, dst, size, src, count, wide_of, sizeof(wchar_t));
}

int CRT_EXPORT wcstombs_s(size_t *done, char *dst, size_t size, const wchar_t *src, size_t count)
{
    return convert_s(done, dst, size, src, count, bytes_of, 1);
}

/* --- the restartable forms (the state is never needed: a character is one byte) ------------------------------ */

typedef int mbstate;

unsigned short CRT_EXPORT btowc(int c)
{
    int w;

    if (c == CRT_EOF)
        return CRT_WEOF;
    w = crt_byte_to_wide((unsigned char)c);
    return w < 0 ? CRT_WEOF : (unsigned short)w;
}

int CRT_EXPORT wctob(unsigned short wc)
{
    int b = wc == CRT_WEOF ? -1 : crt_wide_to_byte(wc);

    return b < 0 ? CRT_EOF : b;
}

int CRT_EXPORT mbsinit(const mbstate *state)
{
    return !state || !*state;
}

size_t CRT_EXPORT mbrtowc(wchar_t *wc, const char *s, size_t n, mbstate *state)
{
    int r;

    if (state)
        *state = 0;
    if (!s)
        return 0;
    if (!n)
        return (size_t)-2;
    r = mbtowc(wc, s, 1);
    return r < 0 ? (size_t)-1 : (size_t)r;
}

size_t CRT_EXPORT mbrlen(const char *s, size_t n, mbstate *state)
{
    return mbrtowc(NULL, s, n, state);
}

size_t CRT_EXPORT wcrtomb(char *s, wchar_t wc, mbstate *state)
{
    int r;

    if (state)
        *state = 0;
    if (!s)
        return 1;
    r = wctomb(s, wc);
    return r < 0 ? (size_t)-1 : (size_t)r;
}

int CRT_EXPORT wcrtomb_s(size_t *done, char *s, size_t size, wchar_t wc, mbstate *state)
{
    int count = 0, r = wctomb_s(&count, s, size, wc);

    if (state)
        *state = 0;
    if (done)
        *done = r ? (size_t)-1 : (size_t)count;
    return r;
}

size_t CRT_EXPORT mbsrtowcs(wchar_t *dst, const char **src, size_t n, mbstate *state)
{
    if (state)
        *state = 0;
    if (!src || !*src) {
        crt_invalid_parameter(CRT_EINVAL);
        return (size_t)-1;
    }
    return to_wide(dst, *src, n, dst ? src : NULL);
}

size_t CRT_EXPORT wcsrtombs(char *dst, const wchar_t **src, size_t n, mbstate *state)
{
    if (state)
        *state = 0;
    if (!src || !*src) {
        crt_invalid_parameter(CRT_EINVAL);
        return (size_t)-1;
    }
    return to_bytes(dst, *src, n, dst ? src : NULL);
}

/* The _s forms of the restartable string conversions: mbstowcs_s and wcstombs_s from *src, which moves past what
 * was converted (NULL once the NUL was). */
int CRT_EXPORT mbsrtowcs_s(size_t *done, wchar_t *dst, size_t size, const char **src, size_t count,
                           mbstate *state)
{
    int r;
    size_t n = 0;

    if (!src || !*src) {
        if (dst && size)
            *dst = 0;
        crt_invalid_parameter(CRT_EINVAL);
        return CRT_EINVAL;
    }
    if (state)
        *state = 0;
    r = mbstowcs_s(&n, dst, size, *src, count);
    if (done)
        *done = n;
    if (!r && dst)
        *src = n && !(*src)[n - 1] ? NULL : *src + n - 1;
    return r;
}

int CRT_EXPORT wcsrtombs_s(size_t *done, char *dst, size_t size, const wchar_t **src, size_t count,
                           mbstate *state)
{
    int r;
    size_t n = 0;

    if (!src || !*src) {
        if (dst && size)
            *dst = 0;
        crt_invalid_parameter(CRT_EINVAL);
        return CRT_EINVAL;
    }
    if (state)
        *state = 0;
    r = wcstombs_s(&n, dst, size, *src, count);
    if (done)
        *done = n;
    if (!r && dst)
        *src = n && !(*src)[n - 1] ? NULL : *src + n - 1;
    return r;
}

/* The _l forms: the current locale's code page (a _locale_t's own is not kept apart). */
int CRT_EXPORT ___mb_cur_max_l_func(_locale_t l) { (void)l; return 1; }
int CRT_EXPORT _mblen_l(const char *s, size_t n, _locale_t l) { (void)l; return mblen(s, n); }
int CRT_EXPORT _mbtowc_l(wchar_t *wc, const char *s, size_t n, _locale_t l) { (void)l; return mbtowc(wc, s, n); }
int CRT_EXPORT _wctomb_l(char *s, wchar_t wc, _locale_t l) { (void)l; return wctomb(s, wc); }

size_t CRT_EXPORT _mbstowcs_l(wchar_t *dst, const char *src, size_t n, _locale_t l)
{
    (void)l;
    return mbstowcs(dst, src, n);
}

size_t CRT_EXPORT _wcstombs_l(char *dst, const wchar_t *src, size_t n, _locale_t l)
{
    (void)l;
    return wcstombs(dst, src, n);
}

int CRT_EXPORT _wctomb_s_l(int *count, char *s, size_t size, wchar_t wc, _locale_t l)
{
    (void)l;
    return wctomb_s(count, s, size, wc);
}

int CRT_EXPORT _mbstowcs_s_l(size_t *done, wchar_t *dst, size_t size, const char *src, size_t count, _locale_t l)
{
    (void)l;
    return mbstowcs_s(done, dst, size, src, count);
}

int CRT_EXPORT _wcstombs_s_l(size_t *done, char *dst, size_t size, const wchar_t *src, size_t count, _locale_t l)
{
    (void)l;
    return wcstombs_s(done, dst, size, src, count);
}
