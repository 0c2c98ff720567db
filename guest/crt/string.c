/*
 * The narrow string functions of <string.h> (the bodies in string_t.h, shared with the wide ones of wstring.c),
 * strlen a word at a time, and strtok over the per-thread position.
 */
#include "libc.h"

/* strlen looks at aligned words: a word holds a zero byte when (w - 0x01..01) & ~w & 0x80..80 is not zero. An
 * aligned word never crosses a page, so reading past the terminator within it is safe. */
size_t CRT_EXPORT strlen(const char *s)
{
    const char *p = s;
    const size_t ones = (size_t)-1 / 0xFF, highs = ones << 7;
    const size_t __attribute__((may_alias)) *w;

    for (; (uintptr_t)p % sizeof(size_t); p++)
        if (!*p)
            return p - s;
    for (w = (const void *)p; !((*w - ones) & ~*w & highs); w++)
        ;
    for (p = (const char *)w; *p; p++)
        ;
    return p - s;
}

/* strxfrm in a locale: LCMapString's sort key (its bytes, with the NUL), copied when it fits; its length. */
static size_t sort_key(char *dst, const char *src, size_t n)
{
    int need = LCMapStringA(crt_ctype.handle_collate, LCMAP_SORTKEY, src, -1, NULL, 0);

    if (!need) {
        crt_thread_data()->err = CRT_EILSEQ;
        return 0x7FFFFFFF;
    }
    if ((size_t)need <= n)
        LCMapStringA(crt_ctype.handle_collate, LCMAP_SORTKEY, src, -1, dst, need);
    else
        crt_thread_data()->err = CRT_ERANGE;
    return need - 1;
}

#define CH char
#define LOCALE_XFRM sort_key
#define UCH unsigned char
#define S(name) str##name
#define U(name) _str##name
#define FOLD_LOWER_L(locale, c) crt_locale_case(locale, c, 0)
#define FOLD_UPPER_L(locale, c) crt_locale_case(locale, c, 1)
#define SET_BITS 256
#define SET_LINEAR 0
#define SET_LOCAL 32
#define COMPARE_STRING CompareStringA
#define N(narrow, wide) narrow
#define CHAR_ARG int
#include "string_t.h"

int CRT_EXPORT _strcmpi(const char *a, const char *b)
{
    return _stricmp(a, b);
}

char *CRT_EXPORT strtok(char *s, const char *delim)
{
    return strtokenize(s, delim, &crt_thread_data()->strtok_next);
}
