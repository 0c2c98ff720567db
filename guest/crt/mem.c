/*
 * The memory functions of <string.h> and <memory.h>: memcpy and its family, the bounds-checked memcpy_s and
 * memmove_s, and _swab. Every guest instruction is emulated, so the bulk of a copy or fill is one string
 * instruction over machine words (rep movsd/movsq, rep stosd/stosq) with the odd bytes after it, and comparisons
 * and searches go a word at a time where they can.
 */
#include "libc.h"

#define WORD_SIZE sizeof(size_t)
#ifdef __x86_64__
#define REP_MOVS_WORDS "rep movsq"
#define REP_STOS_WORDS "rep stosq"
#else
#define REP_MOVS_WORDS "rep movsl"
#define REP_STOS_WORDS "rep stosl"
#endif

/* Forward copy: the words, then the odd bytes. */
static inline void copy_forward(void *dst, const void *src, size_t n)
{
    size_t words = n / WORD_SIZE, bytes = n % WORD_SIZE;

    __asm__ volatile(REP_MOVS_WORDS : "+D"(dst), "+S"(src), "+c"(words) : : "memory");
    __asm__ volatile("rep movsb" : "+D"(dst), "+S"(src), "+c"(bytes) : : "memory");
}

/* Overlapping copies go backwards when the destination is above the source: the odd bytes at the end first, then
 * the words below them, with the direction flag set. */
static void copy_backward(void *dst, const void *src, size_t n)
{
    unsigned char *d = (unsigned char *)dst + n - 1;
    const unsigned char *s = (const unsigned char *)src + n - 1;
    size_t words = n / WORD_SIZE, bytes = n % WORD_SIZE;

    __asm__ volatile("std\n\trep movsb" : "+D"(d), "+S"(s), "+c"(bytes) : : "memory");
    d -= WORD_SIZE - 1;
    s -= WORD_SIZE - 1;
    __asm__ volatile(REP_MOVS_WORDS "\n\tcld" : "+D"(d), "+S"(s), "+c"(words) : : "memory");
}

void *CRT_EXPORT memmove(void *dst, const void *src, size_t n)
{
    if ((uintptr_t)dst - (uintptr_t)src >= n)       /* no harmful overlap: dst below src or past its end */
        copy_forward(dst, src, n);
    else if (n)
        copy_backward(dst, src, n);
    return dst;
}

/* Both CRTs' memcpy copies overlapping blocks as memmove does, and programs depend on it. */
void *CRT_EXPORT memcpy(void *dst, const void *src, size_t n)
{
    return memmove(dst, src, n);
}

void *CRT_EXPORT memset(void *dst, int c, size_t n)
{
    void *d = dst;
    size_t words = n / WORD_SIZE, bytes = n % WORD_SIZE;
    size_t pattern = (size_t)(unsigned char)c * ((size_t)-1 / 0xFF);

    __asm__ volatile(REP_STOS_WORDS : "+D"(d), "+c"(words) : "a"(pattern) : "memory");
    __asm__ volatile("rep stosb" : "+D"(d), "+c"(bytes) : "a"(pattern) : "memory");
    return dst;
}

int CRT_EXPORT memcmp(const void *a, const void *b, size_t n)
{
    const unsigned char *p = a, *q = b;

    /* Equal words are skipped whole; the first difference is then found bytewise. */
    while (n >= WORD_SIZE && *(const size_t __attribute__((may_alias, aligned(1))) *)p
                                 == *(const size_t __attribute__((may_alias, aligned(1))) *)q) {
        p += WORD_SIZE;
        q += WORD_SIZE;
        n -= WORD_SIZE;
    }
    for (; n; n--, p++, q++)
        if (*p != *q)
            return *p < *q ? -1 : 1;
    return 0;
}

void *CRT_EXPORT memchr(const void *s, int c, size_t n)
{
    const unsigned char *p = s;
    unsigned char ch = (unsigned char)c;

    for (; n; n--, p++)
        if (*p == ch)
            return (void *)p;
    return NULL;
}

/* Compares n bytes without regard to case (the current locale's folding). */
int CRT_EXPORT _memicmp(const void *a, const void *b, size_t n)
{
    return _memicmp_l(a, b, n, NULL);
}

int CRT_EXPORT _memicmp_l(const void *a, const void *b, size_t n, _locale_t locale)
{
    const unsigned char *p = a, *q = b;
    int x, y;

    if (n && (!a || !b)) {
        crt_invalid_parameter(CRT_EINVAL);
        return 0x7FFFFFFF;
    }
    for (; n; n--, p++, q++) {
        x = crt_locale_case(locale, *p, 0);
        y = crt_locale_case(locale, *q, 0);
        if (x != y)
            return x - y;
    }
    return 0;
}

/* Copies up to and including the first byte c: the byte after it in dst, or NULL when c did not come. */
void *CRT_EXPORT _memccpy(void *dst, const void *src, int c, size_t n)
{
    unsigned char *d = dst;
    const unsigned char *s = src;

    for (; n; n--) {
        if ((*d++ = *s++) == (unsigned char)c)
            return d;
    }
    return NULL;
}

int CRT_EXPORT memcpy_s(void *dst, size_t size, const void *src, size_t n)
{
    if (n == 0)
        return 0;
    if (!dst) {
        crt_invalid_parameter(CRT_EINVAL);
        return CRT_EINVAL;
    }
    if (!src || size < n) {
        memset(dst, 0, size);                         /* the destination is cleared on either error */
        crt_invalid_parameter(src ? CRT_ERANGE : CRT_EINVAL);
        return src ? CRT_ERANGE : CRT_EINVAL;
    }
    memcpy(dst, src, n);
    return 0;
}

int CRT_EXPORT memmove_s(void *dst, size_t size, const void *src, size_t n)
{
    if (n == 0)
        return 0;
    if (!dst || !src) {
        crt_invalid_parameter(CRT_EINVAL);
        return CRT_EINVAL;
    }
    if (size < n) {
        crt_invalid_parameter(CRT_ERANGE);
        return CRT_ERANGE;
    }
    memmove(dst, src, n);
    return 0;
}

/* Swaps adjacent bytes: n bytes of src to dst in pairs (an odd last byte is not copied). */
void CRT_EXPORT _swab(char *src, char *dst, int n)
{
    char a, b;

    if (!src || !dst || n < 0) {
        crt_invalid_parameter(CRT_EINVAL);
        return;
    }
    for (; n > 1; n -= 2, src += 2, dst += 2) {
        a = src[0];
        b = src[1];
        dst[0] = b;
        dst[1] = a;
    }
}

/* The wide forms count wchar_t elements. */
int CRT_EXPORT wmemcpy_s(wchar_t *dst, size_t size, const wchar_t *src, size_t n)
{
    if (n > (size_t)-1 / sizeof(wchar_t) || size > (size_t)-1 / sizeof(wchar_t)) {
        crt_invalid_parameter(CRT_EINVAL);
        return CRT_EINVAL;
    }
    return memcpy_s(dst, size * sizeof(wchar_t), src, n * sizeof(wchar_t));
}

int CRT_EXPORT wmemmove_s(wchar_t *dst, size_t size, const wchar_t *src, size_t n)
{
    if (n > (size_t)-1 / sizeof(wchar_t) || size > (size_t)-1 / sizeof(wchar_t)) {
        crt_invalid_parameter(CRT_EINVAL);
        return CRT_EINVAL;
    }
    return memmove_s(dst, size * sizeof(wchar_t), src, n * sizeof(wchar_t));
}
