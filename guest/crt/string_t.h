/*
 * The string functions of <string.h> and their <wchar.h> twins, written once: string.c includes this with CH char
 * (S(len) is strlen, U(dup) _strdup) and wstring.c with CH wchar_t (wcslen, _wcsdup). The includer defines CH, UCH
 * (its unsigned type), S, U and N(narrow, wide) (the names), FOLD_LOWER_L/FOLD_UPPER_L (the case mapping of a UCH
 * in a _locale_t, NULL for the current locale), SET_BITS (1 << bits of a UCH), SET_LINEAR and SET_LOCAL (for
 * S(charset) below), COMPARE_STRING (CompareStringA or W), LOCALE_XFRM (strxfrm in a locale) and CHAR_ARG (the type of strchr's character: int,
 * wchar_t).
 */

/* --- length, copy, concatenation ------------------------------------------------------------------------ */

size_t CRT_EXPORT S(nlen)(const CH *s, size_t max)
{
    size_t n = 0;

    while (n < max && s[n])
        n++;
    return n;
}

/* __strncnt and __wcsncnt (the UCRT's): strnlen under another name. */
size_t CRT_EXPORT N(__strncnt, __wcsncnt)(const CH *s, size_t max)
{
    return S(nlen)(s, max);
}

CH *CRT_EXPORT S(cpy)(CH *dst, const CH *src)
{
    CH *d = dst;

    while ((*d++ = *src++))
        ;
    return dst;
}

/* Copies at most n characters and pads the rest of the n with NULs (no NUL when src is n or longer). */
CH *CRT_EXPORT S(ncpy)(CH *dst, const CH *src, size_t n)
{
    size_t i = 0;

    for (; i < n && src[i]; i++)
        dst[i] = src[i];
    for (; i < n; i++)
        dst[i] = 0;
    return dst;
}

CH *CRT_EXPORT S(cat)(CH *dst, const CH *src)
{
    S(cpy)(dst + S(len)(dst), src);
    return dst;
}

/* Appends at most n characters, then always a NUL. */
CH *CRT_EXPORT S(ncat)(CH *dst, const CH *src, size_t n)
{
    CH *d = dst + S(len)(dst);

    for (; n && *src; n--)
        *d++ = *src++;
    *d = 0;
    return dst;
}

CH *CRT_EXPORT U(dup)(const CH *s)
{
    size_t n;
    CH *copy;

    if (!s)
        return NULL;
    n = (S(len)(s) + 1) * sizeof(CH);
    copy = crt_alloc(n);
    if (!copy) {
        crt_thread_data()->err = CRT_ENOMEM;
        return NULL;
    }
    return memcpy(copy, s, n);
}

/* --- comparison ------------------------------------------------------------------------------------------- */

int CRT_EXPORT S(cmp)(const CH *a, const CH *b)
{
    while (*a && *a == *b)
        a++, b++;
    return (UCH)*a < (UCH)*b ? -1 : (UCH)*a > (UCH)*b;
}

int CRT_EXPORT S(ncmp)(const CH *a, const CH *b, size_t n)
{
    if (!n)
        return 0;
    while (--n && *a && *a == *b)
        a++, b++;
    return (UCH)*a < (UCH)*b ? -1 : (UCH)*a > (UCH)*b;
}

/* Case-blind comparisons fold both sides to lower case, as the CRTs do (so '_' sorts after letters), with the
 * case of a _locale_t (NULL: the current locale). */
static int S(nicmp_in)(const CH *a, const CH *b, size_t n, const void *locale)
{
    int x = 0, y = 0;

    if (n && (!a || !b)) {
        crt_invalid_parameter(CRT_EINVAL);
        return 0x7FFFFFFF;                                /* _NLSCMPERROR */
    }
    for (; n; n--, a++, b++) {
        x = FOLD_LOWER_L(locale, (UCH)*a);
        y = FOLD_LOWER_L(locale, (UCH)*b);
        if (x != y || !x)
            break;
    }
    return n ? x - y : 0;
}

int CRT_EXPORT U(nicmp)(const CH *a, const CH *b, size_t n)
{
    return S(nicmp_in)(a, b, n, NULL);
}

int CRT_EXPORT U(nicmp_l)(const CH *a, const CH *b, size_t n, _locale_t locale)
{
    return S(nicmp_in)(a, b, n, locale);
}

int CRT_EXPORT U(icmp)(const CH *a, const CH *b)
{
    if (!a || !b) {
        crt_invalid_parameter(CRT_EINVAL);
        return 0x7FFFFFFF;
    }
    return S(nicmp_in)(a, b, (size_t)-1, NULL);
}

int CRT_EXPORT U(icmp_l)(const CH *a, const CH *b, _locale_t locale)
{
    if (!a || !b) {
        crt_invalid_parameter(CRT_EINVAL);
        return 0x7FFFFFFF;
    }
    return S(nicmp_in)(a, b, (size_t)-1, locale);
}

/* Collation: the code-point order in the "C" locale of LC_COLLATE, CompareString's order in another. */
static int S(compare_locale)(const CH *a, size_t na, const CH *b, size_t nb, DWORD flags)
{
    int r = COMPARE_STRING(crt_ctype.handle_collate, flags, a, (int)na, b, (int)nb);

    if (!r) {
        crt_thread_data()->err = CRT_EINVAL;
        return 0x7FFFFFFF;
    }
    return r - 2;
}

int CRT_EXPORT S(coll)(const CH *a, const CH *b)
{
    if (!crt_ctype.handle_collate)
        return S(cmp)(a, b);
    return S(compare_locale)(a, S(len)(a), b, S(len)(b), 0);
}

int CRT_EXPORT U(icoll)(const CH *a, const CH *b)
{
    if (!crt_ctype.handle_collate)
        return U(icmp)(a, b);
    return S(compare_locale)(a, S(len)(a), b, S(len)(b), NORM_IGNORECASE);
}

int CRT_EXPORT U(ncoll)(const CH *a, const CH *b, size_t n)
{
    if (!crt_ctype.handle_collate)
        return S(ncmp)(a, b, n);
    return S(compare_locale)(a, S(nlen)(a, n), b, S(nlen)(b, n), 0);
}

int CRT_EXPORT U(nicoll)(const CH *a, const CH *b, size_t n)
{
    if (!crt_ctype.handle_collate)
        return U(nicmp)(a, b, n);
    return S(compare_locale)(a, S(nlen)(a, n), b, S(nlen)(b, n), NORM_IGNORECASE);
}

/* The _l collations: the current locale's order (a _locale_t's own is not kept). */
int CRT_EXPORT U(coll_l)(const CH *a, const CH *b, _locale_t locale) { (void)locale; return S(coll)(a, b); }
int CRT_EXPORT U(icoll_l)(const CH *a, const CH *b, _locale_t locale) { (void)locale; return U(icoll)(a, b); }

int CRT_EXPORT U(ncoll_l)(const CH *a, const CH *b, size_t n, _locale_t locale)
{
    (void)locale;
    return U(ncoll)(a, b, n);
}

int CRT_EXPORT U(nicoll_l)(const CH *a, const CH *b, size_t n, _locale_t locale)
{
    (void)locale;
    return U(nicoll)(a, b, n);
}

/* The transformed string of the "C" locale is the string itself: copied when it fits; its length. In another
 * locale it is the sort key (LOCALE_XFRM). */
size_t CRT_EXPORT S(xfrm)(CH *dst, const CH *src, size_t n)
{
    size_t len;

    if (crt_ctype.handle_collate)
        return LOCALE_XFRM(dst, src, n);
    len = S(len)(src);

    if (len < n)
        S(cpy)(dst, src);
    return len;
}

/* --- search ------------------------------------------------------------------------------------------------ */

CH *CRT_EXPORT S(chr)(const CH *s, CHAR_ARG c)
{
    CH ch = (CH)c;

    for (;; s++) {
        if (*s == ch)
            return (CH *)s;
        if (!*s)
            return NULL;
    }
}

CH *CRT_EXPORT S(rchr)(const CH *s, CHAR_ARG c)
{
    CH ch = (CH)c;
    const CH *last = NULL;

    for (;; s++) {
        if (*s == ch)
            last = s;
        if (!*s)
            return (CH *)last;
    }
}

/* A set of characters (strspn's and strtok's second argument) in a form that answers membership in O(1) once it
 * is longer than SET_LINEAR: a bitmap, in the structure for bytes, from the heap for wide characters (a plain
 * scan when that cannot be allocated). */
struct S(charset) {
    const CH *list;
    size_t len;
    unsigned char *bits;
    unsigned char local[SET_LOCAL];
};

static void S(set_init)(struct S(charset) *set, const CH *list)
{
    set->list = list;
    set->len = S(len)(list);
    set->bits = NULL;
    if (set->len <= SET_LINEAR)
        return;
    set->bits = SET_BITS / 8 <= SET_LOCAL ? set->local : crt_alloc(SET_BITS / 8);
    if (!set->bits)
        return;
    memset(set->bits, 0, SET_BITS / 8);
    for (; *list; list++)
        set->bits[(UCH)*list >> 3] |= 1 << ((UCH)*list & 7);
}

static void S(set_free)(struct S(charset) *set)
{
    if (set->bits && set->bits != set->local)
        crt_free(set->bits);
}

static inline int S(set_has)(const struct S(charset) *set, CH c)
{
    if (set->bits)
        return set->bits[(UCH)c >> 3] & (1 << ((UCH)c & 7));
    for (size_t i = 0; i < set->len; i++)
        if (set->list[i] == c)
            return 1;
    return 0;
}

size_t CRT_EXPORT S(spn)(const CH *s, const CH *accept)
{
    struct S(charset) set;
    size_t n = 0;

    S(set_init)(&set, accept);
    while (s[n] && S(set_has)(&set, s[n]))
        n++;
    S(set_free)(&set);
    return n;
}

size_t CRT_EXPORT S(cspn)(const CH *s, const CH *reject)
{
    struct S(charset) set;
    size_t n = 0;

    S(set_init)(&set, reject);
    while (s[n] && !S(set_has)(&set, s[n]))
        n++;
    S(set_free)(&set);
    return n;
}

CH *CRT_EXPORT S(pbrk)(const CH *s, const CH *accept)
{
    size_t n = S(cspn)(s, accept);

    return s[n] ? (CH *)s + n : NULL;
}

/* The first occurrence of needle: a direct comparison at each position for short needles; for longer ones the
 * Knuth-Morris-Pratt scan (linear), unless its table cannot be allocated. */
CH *CRT_EXPORT S(str)(const CH *hay, const CH *needle)
{
    size_t m = S(len)(needle), *fail, k, i;

    if (!m)
        return (CH *)hay;
    if (m > 16 && (fail = crt_alloc(m * sizeof *fail))) {
        /* fail[i]: the length of the longest proper border of needle[0..i] */
        fail[0] = k = 0;
        for (i = 1; i < m; i++) {
            while (k && needle[i] != needle[k])
                k = fail[k - 1];
            if (needle[i] == needle[k])
                k++;
            fail[i] = k;
        }
        for (k = 0; *hay; hay++) {
            while (k && *hay != needle[k])
                k = fail[k - 1];
            if (*hay == needle[k] && ++k == m) {
                crt_free(fail);
                return (CH *)hay - (m - 1);
            }
        }
        crt_free(fail);
        return NULL;
    }
    for (; *hay; hay++) {
        for (i = 0; i < m && hay[i] == needle[i]; i++)
            ;
        if (i == m)
            return (CH *)hay;
    }
    return NULL;
}

/* strtok's work: the next token of *s (or of *next when s is NULL) delimited by delim; *next after it. */
static CH *S(tokenize)(CH *s, const CH *delim, CH **next)
{
    struct S(charset) set;
    CH *token;

    if (!s)
        s = *next;
    if (!s)
        return NULL;
    S(set_init)(&set, delim);
    while (*s && S(set_has)(&set, *s))
        s++;
    token = *s ? s : NULL;
    while (*s && !S(set_has)(&set, *s))
        s++;
    if (*s)
        *s++ = 0;
    *next = s;
    S(set_free)(&set);
    return token;
}

CH *CRT_EXPORT S(tok_s)(CH *s, const CH *delim, CH **context)
{
    if (!context || !delim || (!s && !*context)) {
        crt_invalid_parameter(CRT_EINVAL);
        return NULL;
    }
    return S(tokenize)(s, delim, context);
}

/* --- in place ------------------------------------------------------------------------------------------------ */

/* _strlwr and _strupr (and their _l and _s forms): the string must end within size (unbounded: (size_t)-1). */
static int S(case_in)(CH *s, size_t size, int upper, const void *locale)
{
    if (!s || !size) {
        crt_invalid_parameter(CRT_EINVAL);
        return CRT_EINVAL;
    }
    if (S(nlen)(s, size) == size) {
        *s = 0;
        crt_invalid_parameter(CRT_EINVAL);
        return CRT_EINVAL;
    }
    for (; *s; s++)
        *s = (CH)(upper ? FOLD_UPPER_L(locale, (UCH)*s) : FOLD_LOWER_L(locale, (UCH)*s));
    return 0;
}

CH *CRT_EXPORT U(lwr)(CH *s) { return S(case_in)(s, (size_t)-1, 0, NULL) ? NULL : s; }
CH *CRT_EXPORT U(upr)(CH *s) { return S(case_in)(s, (size_t)-1, 1, NULL) ? NULL : s; }
CH *CRT_EXPORT U(lwr_l)(CH *s, _locale_t locale) { return S(case_in)(s, (size_t)-1, 0, locale) ? NULL : s; }
CH *CRT_EXPORT U(upr_l)(CH *s, _locale_t locale) { return S(case_in)(s, (size_t)-1, 1, locale) ? NULL : s; }
int CRT_EXPORT U(lwr_s)(CH *s, size_t size) { return S(case_in)(s, size, 0, NULL); }
int CRT_EXPORT U(upr_s)(CH *s, size_t size) { return S(case_in)(s, size, 1, NULL); }
int CRT_EXPORT U(lwr_s_l)(CH *s, size_t size, _locale_t locale) { return S(case_in)(s, size, 0, locale); }
int CRT_EXPORT U(upr_s_l)(CH *s, size_t size, _locale_t locale) { return S(case_in)(s, size, 1, locale); }

CH *CRT_EXPORT U(rev)(CH *s)
{
    size_t n = S(len)(s);

    for (size_t i = 0; i < n / 2; i++) {
        CH t = s[i];

        s[i] = s[n - 1 - i];
        s[n - 1 - i] = t;
    }
    return s;
}

CH *CRT_EXPORT U(set)(CH *s, CHAR_ARG c)
{
    for (CH *p = s; *p; p++)
        *p = (CH)c;
    return s;
}

CH *CRT_EXPORT U(nset)(CH *s, CHAR_ARG c, size_t n)
{
    for (CH *p = s; n && *p; p++, n--)
        *p = (CH)c;
    return s;
}

/* _strset_s and _strnset_s: the string must end within size. */
int CRT_EXPORT U(nset_s)(CH *s, size_t size, CHAR_ARG c, size_t n)
{
    size_t i;

    if (!s || !size) {
        crt_invalid_parameter(CRT_EINVAL);
        return CRT_EINVAL;
    }
    for (i = 0; i < size && s[i]; i++)
        ;
    if (i == size) {
        *s = 0;
        crt_invalid_parameter(CRT_EINVAL);
        return CRT_EINVAL;
    }
    for (i = 0; i < n && s[i]; i++)
        s[i] = (CH)c;
    return 0;
}

int CRT_EXPORT U(set_s)(CH *s, size_t size, CHAR_ARG c)
{
    return U(nset_s)(s, size, c, (size_t)-1);
}

/* --- the bounds-checked copies ------------------------------------------------------------------------------ */

/* The common failure of the _s functions: dst emptied, the invalid-parameter path, the error. */
static int S(fail_s)(CH *dst, int err)
{
    *dst = 0;
    crt_invalid_parameter(err);
    return err;
}

int CRT_EXPORT S(cpy_s)(CH *dst, size_t size, const CH *src)
{
    size_t i;

    if (!dst || !size) {
        crt_invalid_parameter(CRT_EINVAL);
        return CRT_EINVAL;
    }
    if (!src)
        return S(fail_s)(dst, CRT_EINVAL);
    for (i = 0; i < size; i++)
        if (!(dst[i] = src[i]))
            return 0;
    return S(fail_s)(dst, CRT_ERANGE);
}

int CRT_EXPORT S(cat_s)(CH *dst, size_t size, const CH *src)
{
    size_t used, i;

    if (!dst || !size) {
        crt_invalid_parameter(CRT_EINVAL);
        return CRT_EINVAL;
    }
    if (!src)
        return S(fail_s)(dst, CRT_EINVAL);
    used = S(nlen)(dst, size);
    if (used == size)                                     /* dst is not a string within size */
        return S(fail_s)(dst, CRT_EINVAL);
    for (i = 0; used + i < size; i++)
        if (!(dst[used + i] = src[i]))
            return 0;
    return S(fail_s)(dst, CRT_ERANGE);
}

#define TRUNCATE_ ((size_t)-1)                             /* _TRUNCATE */

/* Copies at most n characters of src after the first `used` of dst and a NUL; with n _TRUNCATE, what fits
 * (STRUNCATE when that is not all). */
static int S(ncopy_s)(CH *dst, size_t size, size_t used, const CH *src, size_t n)
{
    size_t room = size - used, i;

    for (i = 0; i < n && src[i]; i++) {
        if (i + 1 >= room) {
            if (n == TRUNCATE_) {
                dst[used + i] = 0;
                return CRT_STRUNCATE;
            }
            return S(fail_s)(dst, CRT_ERANGE);
        }
        dst[used + i] = src[i];
    }
    dst[used + i] = 0;
    return 0;
}

int CRT_EXPORT S(ncpy_s)(CH *dst, size_t size, const CH *src, size_t n)
{
    if (!n && !dst && !size)
        return 0;
    if (!dst || !size) {
        crt_invalid_parameter(CRT_EINVAL);
        return CRT_EINVAL;
    }
    if (!n) {
        *dst = 0;
        return 0;
    }
    if (!src)
        return S(fail_s)(dst, CRT_EINVAL);
    return S(ncopy_s)(dst, size, 0, src, n);
}

int CRT_EXPORT S(ncat_s)(CH *dst, size_t size, const CH *src, size_t n)
{
    size_t used;

    if (!n && !dst && !size)
        return 0;
    if (!dst || !size) {
        crt_invalid_parameter(CRT_EINVAL);
        return CRT_EINVAL;
    }
    if (!src && n)
        return S(fail_s)(dst, CRT_EINVAL);
    used = S(nlen)(dst, size);
    if (used == size)
        return S(fail_s)(dst, CRT_EINVAL);
    if (!n)
        return 0;
    return S(ncopy_s)(dst, size, used, src, n);
}
