/*
 * The printf family's outputs for one character width (included by format.c after format_t.h, with its macros):
 * a stream, and a buffer with each of the three truncation rules the CRTs have.
 */

/* To a stream, its lock held for the whole call. */
static int F(vstream)(FILE *f, const CH *fmt, va_list ap, unsigned opts)
{
    struct fmt_sink s = {0};
    int r;

    if (!f || !fmt) {
        crt_invalid_parameter(CRT_EINVAL);
        return -1;
    }
    s.stream = f;
    _lock_file(f);
    r = F(crt_format)(&s, fmt, ap, opts);
    _unlock_file(f);
    return r;
}

/* _vsnprintf's rule: the length when it fits (terminated if there is room); -1 when truncated, not terminated
 * when `legacy` (msvcrt, LEGACY_VSPRINTF_NULL_TERMINATION), else terminated at the last place. A NULL buffer with
 * count 0 only counts. */
static int F(vlegacy)(CH *b, size_t n, const CH *fmt, va_list ap, unsigned opts, int legacy)
{
    struct fmt_sink s = {0};
    int r;

    if (!fmt || (!b && n)) {
        crt_invalid_parameter(CRT_EINVAL);
        return -1;
    }
    s.buf = b;
    s.cap = n;
    r = F(crt_format)(&s, fmt, ap, opts);
    if (!b || r < 0)
        return r;
    if ((size_t)r < n) {
        b[r] = 0;
        return r;
    }
    if (legacy)
        return (size_t)r == n ? r : -1;
    b[n - 1] = 0;
    return -1;
}

/* C99's vsnprintf: at most n-1 characters and the terminator; the full length. */
static int F(vstandard)(CH *b, size_t n, const CH *fmt, va_list ap, unsigned opts)
{
    struct fmt_sink s = {0};
    int r;

    if (!fmt || (!b && n)) {
        crt_invalid_parameter(CRT_EINVAL);
        return -1;
    }
    s.buf = b;
    s.cap = n ? n - 1 : 0;
    r = F(crt_format)(&s, fmt, ap, opts);
    if (b && n)
        b[(size_t)r < n - 1 ? (size_t)r : n - 1] = 0;
    return r;
}

/* The secure forms (sprintf_s: count == size; _snprintf_s: count, or _TRUNCATE): %n refused; a buffer too small
 * is an invalid parameter (ERANGE, the buffer emptied) unless the count or _TRUNCATE allows truncation (-1). */
static int F(vsecure)(CH *b, size_t size, size_t count, const CH *fmt, va_list ap, unsigned opts)
{
    struct fmt_sink s = {0};
    size_t limit;
    int r, truncate;

    if (count == 0 && !b && size == 0)
        return 0;
    if (!fmt || !b || !size) {
        if (b && size)
            b[0] = 0;
        crt_invalid_parameter(CRT_EINVAL);
        return -1;
    }
    truncate = count == TRUNCATE || count < size;
    limit = count < size ? count : size - 1;
    s.buf = b;
    s.cap = limit;
    r = F(crt_format)(&s, fmt, ap, opts | FMT_SECURE);
    if (r < 0) {
        b[0] = 0;
        return -1;
    }
    if ((size_t)r <= limit) {
        b[r] = 0;
        return r;
    }
    if (truncate) {
        b[limit] = 0;
        return -1;
    }
    b[0] = 0;
    crt_invalid_parameter(CRT_ERANGE);
    return -1;
}

/* The _p forms (numbered arguments): the secure forms' rules; no buffer and no size only count. */
static int F(vpositional)(CH *b, size_t size, const CH *fmt, va_list ap, unsigned opts)
{
    if (!b && !size)
        return F(vlegacy)(NULL, 0, fmt, ap, opts | FMT_POSITIONAL | FMT_SECURE, 0);
    return F(vsecure)(b, size, size, fmt, ap, opts | FMT_POSITIONAL);
}
