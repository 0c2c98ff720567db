/*
 * The string functions of one character width, included by strings.c once for ANSI and once for wide
 * characters: CH is the character type, UCH its unsigned form (a character's value), F(name) the exported name.
 */

static size_t F(length)(const CH *s)
{
    size_t n = 0;
    while (s[n])
        n++;
    return n;
}

/* The first `ch` in `s`; NULL for none, for a NULL string and for ch 0 (the terminator is not searched). */
CH *WINAPI F(StrChr)(const CH *s, CH_ARG ch)
{
    if (s)
        for (; *s; s++)
            if ((UCH)*s == ch)
                return (CH *)s;
    return NULL;
}

/* The last `ch` in [s, end), `end` NULL meaning the end of the string; NULL for none and for a NULL string. */
CH *WINAPI F(StrRChr)(const CH *s, const CH *end, CH_ARG ch)
{
    const CH *last = NULL;

    if (!s)
        return NULL;
    if (!end)
        end = s + F(length)(s);
    for (; s < end; s++)
        if ((UCH)*s == ch)
            last = s;
    return (CH *)last;
}

/* Compares at most `n` characters (n < 0: the whole strings), returning -1, 0 or 1 as CompareString's result
 * less CSTR_EQUAL. Letters compare alphabetically, case folded; without ignore_case the first difference of case
 * then decides, lower case first ("a" < "A" < "b"), as the linguistic sort orders them. Other characters compare
 * by value. */
static int F(compare)(const CH *a, const CH *b, int n, BOOL ignore_case)
{
    for (int i = 0; n < 0 || i < n; i++) {
        unsigned x = fold_case((UCH)a[i]), y = fold_case((UCH)b[i]);
        if (x != y)
            return x < y ? -1 : 1;
        if (!x)
            break;
    }
    if (ignore_case)
        return 0;
    for (int i = 0; (n < 0 || i < n) && a[i]; i++)
        if (a[i] != b[i])
            return (UCH)a[i] > (UCH)b[i] ? -1 : 1;                  /* the lower-case letter has the larger code */
    return 0;
}

int WINAPI F(StrCmpN)(const CH *a, const CH *b, int n)
{
    return F(compare)(a, b, n, FALSE);
}

int WINAPI F(StrCmpNI)(const CH *a, const CH *b, int n)
{
    return F(compare)(a, b, n, TRUE);
}

/* The first place `find` occurs in `s`; NULL for none, and when either is NULL or `find` is empty. */
static CH *F(find)(const CH *s, const CH *find, BOOL ignore_case)
{
    int n;

    if (!s || !find || !*find)
        return NULL;
    n = (int)F(length)(find);
    for (; *s; s++)
        if (!F(compare)(s, find, n, ignore_case))
            return (CH *)s;
    return NULL;
}

CH *WINAPI F(StrStr)(const CH *s, const CH *find)
{
    return F(find)(s, find, FALSE);
}

CH *WINAPI F(StrStrI)(const CH *s, const CH *find)
{
    return F(find)(s, find, TRUE);
}
