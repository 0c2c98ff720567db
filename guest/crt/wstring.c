/*
 * The wide string functions of <wchar.h> (the bodies in string_t.h, shared with the narrow ones of string.c), and
 * wcstok, which takes a third argument (the position) in the UCRT but not in msvcrt (exported as crt_wcstok,
 * since mingw-w64's <wchar.h> declares the two-argument form).
 */
#include "libc.h"

size_t CRT_EXPORT wcslen(const wchar_t *s)
{
    const wchar_t *p = s;

    while (*p)
        p++;
    return p - s;
}

/* wcsxfrm in a locale: LCMapString's sort key, a byte in each wchar_t, copied when it fits; its length. */
static size_t sort_key(wchar_t *dst, const wchar_t *src, size_t n)
{
    int need = LCMapStringW(crt_ctype.handle_collate, LCMAP_SORTKEY, src, -1, NULL, 0);
    unsigned char *key;

    if (!need) {
        crt_thread_data()->err = CRT_EILSEQ;
        return 0x7FFFFFFF;
    }
    if ((size_t)need > n) {
        crt_thread_data()->err = CRT_ERANGE;
        return need - 1;
    }
    key = crt_alloc(need);
    if (!key) {
        crt_thread_data()->err = CRT_ENOMEM;
        return 0x7FFFFFFF;
    }
    LCMapStringW(crt_ctype.handle_collate, LCMAP_SORTKEY, src, -1, (wchar_t *)key, need);
    for (int i = 0; i < need; i++)
        dst[i] = key[i];
    crt_free(key);
    return need - 1;
}

#define CH wchar_t
#define LOCALE_XFRM sort_key
#define UCH unsigned short
#define S(name) wcs##name
#define U(name) _wcs##name
#define FOLD_LOWER_L(locale, c) ((void)(locale), towlower(c))
#define FOLD_UPPER_L(locale, c) ((void)(locale), towupper(c))
#define SET_BITS 65536
#define SET_LINEAR 32
#define SET_LOCAL 1
#define COMPARE_STRING CompareStringW
#define N(narrow, wide) wide
#define CHAR_ARG wchar_t
#include "string_t.h"

/* msvcrt: wcstok(s, delim) with the per-thread position; UCRT: wcstok(s, delim, context), where a NULL context
 * means the per-thread position (the UCRT's _wcstok is the two-argument form). */
wchar_t *CRT_EXPORT crt_wcstok(wchar_t *s, const wchar_t *delim, wchar_t **context)
{
    if (crt_flavor == CRT_MSVCRT || !context)
        context = &crt_thread_data()->wcstok_next;
    return wcstokenize(s, delim, context);
}

wchar_t *CRT_EXPORT _wcstok(wchar_t *s, const wchar_t *delim)
{
    return wcstokenize(s, delim, &crt_thread_data()->wcstok_next);
}
