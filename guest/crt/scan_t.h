/*
 * The scanf engine for one character width, included twice by scan.c: CH the character type, F(name) the name
 * for this width, WIDE 1 for wchar_t. It reads from a scan_src (scan.c).
 */

/* The next character, or -1 at the end (of the string, of its count, or of the stream). */
static int F(get)(struct scan_src *src)
{
    int c;

    if (src->stream) {
#if WIDE
        unsigned short w = crt_stream_getwc(src->stream);
        c = w == CRT_WEOF ? -1 : w;
#else
        c = crt_stream_getc(src->stream);
        if (c == CRT_EOF)
            c = -1;
#endif
    } else {
        const CH *s = src->str;
        if (src->pos >= src->limit || !s[src->pos])
            c = -1;
        else
            c = (int)(WIDE ? (unsigned)s[src->pos] : (unsigned char)s[src->pos]);
        if (c >= 0)
            src->pos++;
    }
    if (c < 0)
        src->eof = 1;
    else
        src->consumed++;
    return c;
}

static void F(unget)(struct scan_src *src, int c)
{
    if (c < 0)
        return;
    src->consumed--;
    if (src->stream) {
#if WIDE
        crt_stream_ungetwc((unsigned short)c, src->stream);
#else
        crt_stream_ungetc(c, src->stream);
#endif
    } else {
        src->pos--;
    }
}

static int F(skip_space)(struct scan_src *src)
{
    int c;

    do
        c = F(get)(src);
    while (is_space(c));
    F(unget)(src, c);
    return c;
}

/* The float parser's view of the input: `width` characters at most, one of look-ahead. */
struct F(float_src) {
    struct scan_src *src;
    long width;
};

static int F(float_peek)(void *ctx, int consume)
{
    struct F(float_src) *fs = ctx;
    int c;

    if (fs->width <= 0)
        return -1;
    c = F(get)(fs->src);
    if (consume && c >= 0)
        fs->width--;
    else
        F(unget)(fs->src, c);
    return c;
}

/* The %[ set between set and end (after '[' and '^', up to the closing ']') as a bitmap of every character of this
 * width, built once per conversion: a long input against a long set costs their sum, not their product. */
static void F(fill_set)(const CH *set, const CH *end, unsigned char *map)
{
    for (const CH *p = set; p < end; p++) {
        unsigned lo = (unsigned)*p & CH_MAX, hi = lo;

        if (p + 2 < end && p[1] == '-') {        /* a range a-z (either way round) */
            hi = (unsigned)p[2] & CH_MAX;
            if (lo > hi) {
                unsigned t = lo;
                lo = hi;
                hi = t;
            }
            p += 2;
        }
        for (unsigned c = lo; c <= hi; c++) {
            if (!(c & 7) && c + 7 <= hi) {        /* a whole byte of the map at once */
                map[c >> 3] = 0xFF;
                c += 7;
            } else {
                map[c >> 3] |= (unsigned char)(1 << (c & 7));
            }
        }
    }
}

/* Stores one character of a %c %s %[ field: to a narrow or a wide buffer. */
static void F(store_char)(void *dest, size_t i, int c, int wide_dest)
{
    if (wide_dest)
        ((wchar_t *)dest)[i] = (wchar_t)c;
    else
        ((char *)dest)[i] = (char)c;   /* the "C" locale: a character is its byte */
}

int F(crt_scan)(struct scan_src *src, const CH *fmt, va_list ap, unsigned opts)
{
    int assigned = 0, converted = 0, c, result;
    unsigned char small_map[WIDE ? 1 : MAP_BYTES], *map = NULL;   /* the %[ bitmap (heap for the wide one) */

    if (!fmt) {
        crt_invalid_parameter(CRT_EINVAL);
        return -1;
    }
    while (*fmt) {
        if (is_space(*fmt)) {
            while (is_space(*fmt))
                fmt++;
            F(skip_space)(src);
            continue;
        }
        if (*fmt != '%' || fmt[1] == '%') {
            if (*fmt == '%') {
                fmt++;
                F(skip_space)(src);
            }
            c = F(get)(src);
            if (c != (int)(WIDE ? (unsigned)*fmt : (unsigned char)*fmt)) {
                if (c < 0)
                    goto input_failure;
                F(unget)(src, c);
                goto done;
            }
            fmt++;
            continue;
        }
        fmt++;
        int suppress = 0, size = SZ_INT;
        long width = 0;
        if (*fmt == '*') {
            suppress = 1;
            fmt++;
        }
        while (*fmt >= '0' && *fmt <= '9') {
            if (width < 100000000)
                width = width * 10 + (*fmt - '0');
            fmt++;
        }
        for (;;) {
            if (*fmt == 'h')
                size = fmt[1] == 'h' ? (fmt++, SZ_CHAR) : SZ_SHORT;
            else if (*fmt == 'l')
                size = fmt[1] == 'l' ? (fmt++, SZ_64) : SZ_LONG;
            else if (*fmt == 'L')
                size = SZ_LONGDOUBLE;
            else if (*fmt == 'w')
                size = SZ_WIDE;
            else if (*fmt == 'j')
                size = SZ_64;
            else if (*fmt == 'z' || *fmt == 't')
                size = SZ_PTR;
            else if (*fmt == 'I') {
                if (fmt[1] == '6' && fmt[2] == '4') {
                    size = SZ_64;
                    fmt += 2;
                } else if (fmt[1] == '3' && fmt[2] == '2') {
                    size = SZ_INT;
                    fmt += 2;
                } else {
                    size = SZ_PTR;
                }
            } else
                break;
            fmt++;
        }
        int conv = *fmt++;
        if (!conv)
            break;
        switch (conv) {
        case 'n':
            if (!suppress) {
                void *p = va_arg(ap, void *);
                long long n = (long long)src->consumed;
                if (size == SZ_SHORT)
                    *(short *)p = (short)n;
                else if (size == SZ_CHAR)
                    *(signed char *)p = (signed char)n;
                else if (size == SZ_64)
                    *(long long *)p = n;
                else
                    *(int *)p = (int)n;
            }
            continue;
        case 'd': case 'i': case 'u': case 'o': case 'x': case 'X': case 'p': {
            int base = conv == 'o' ? 8 : conv == 'x' || conv == 'X' || conv == 'p' ? 16 : conv == 'i' ? 0 : 10;
            int negative = 0, digits = 0, v;
            uint64_t value = 0;

            if (conv == 'p')
                size = SZ_PTR;
            if (F(skip_space)(src) < 0)
                goto input_failure;
            if (!width)
                width = 0x7FFFFFFF;
            c = F(get)(src);
            if (c == '-' || c == '+') {
                negative = c == '-';
                width--;
                c = width > 0 ? F(get)(src) : -1;
            }
            if (c == '0' && width > 0 && (base == 0 || base == 16)) {
                /* a 0x prefix (hexadecimal), or for %i a leading 0 (octal) */
                digits = 1;
                width--;
                c = width > 0 ? F(get)(src) : -1;
                if ((c == 'x' || c == 'X') && width > 0) {
                    base = 16;
                    width--;
                    digits = 0;
                    c = width > 0 ? F(get)(src) : -1;
                } else if (base == 0) {
                    base = 8;
                }
            }
            if (!base)
                base = 10;
            while (c >= 0 && width > 0 && (v = digit_value(c)) >= 0 && v < base) {
                value = value * (unsigned)base + (unsigned)v;
                digits++;
                width--;
                c = width > 0 ? F(get)(src) : -1;
            }
            F(unget)(src, c);             /* the character after the number (-1: none read) */
            if (!digits)
                goto done;
            if (negative)
                value = -value;
            if (!suppress) {
                void *p = va_arg(ap, void *);
                if (size == SZ_64 || (size == SZ_PTR && sizeof(void *) == 8))
                    *(uint64_t *)p = value;
                else if (size == SZ_SHORT)
                    *(unsigned short *)p = (unsigned short)value;
                else if (size == SZ_CHAR)
                    *(unsigned char *)p = (unsigned char)value;
                else
                    *(unsigned *)p = (unsigned)value;
                assigned++;
            }
            converted++;
            continue;
        }
        case 'e': case 'E': case 'f': case 'F': case 'g': case 'G': case 'a': case 'A': {
            struct F(float_src) fs = {src, width ? width : 0x7FFFFFFF};
            size_t accepted;
            int range;
            uint64_t bits;
            int dbl = size == SZ_LONG || size == SZ_64 || size == SZ_LONGDOUBLE;   /* l, ll, L: a double */
            unsigned how;

            if (F(skip_space)(src) < 0)
                goto input_failure;
            how = (opts & SCAN_MSVCRT ? PARSE_MSVCRT : 0) | (dbl ? 0 : PARSE_SINGLE);
            bits = crt_parse_real(F(float_peek), &fs, how, &accepted, &range);
            if (!accepted)
                goto done;
            if (!suppress) {
                void *p = va_arg(ap, void *);
                if (dbl)
                    *(uint64_t *)p = bits;
                else
                    *(uint32_t *)p = (uint32_t)bits;
                assigned++;
            }
            converted++;
            continue;
        }
        case 'c': case 'C': case 's': case 'S': case '[': {
            /* This width's characters or the other's, by the same rule as printf's. */
            int upper = conv == 'C' || conv == 'S';
            int wide_dest;
            const CH *set, *set_end;
            int negate = 0;
            void *dest = NULL;
            size_t cap = (size_t)-1, n = 0;

            if (size == SZ_SHORT)
                wide_dest = 0;
            else if (size == SZ_LONG || size == SZ_WIDE)
                wide_dest = 1;
            else
                wide_dest = upper ? !WIDE : (WIDE && (opts & SCAN_WIDE_LEGACY));
            if (conv == '[') {
                if (*fmt == '^') {
                    negate = 1;
                    fmt++;
                }
                set = fmt;
                if (*fmt == ']')
                    fmt++;
                while (*fmt && *fmt != ']')
                    fmt++;
                set_end = fmt;
                if (*fmt)
                    fmt++;
                if (!map) {
                    map = WIDE ? crt_alloc(MAP_BYTES) : small_map;
                    if (!map)
                        goto done;
                }
                for (size_t i = 0; i < MAP_BYTES; i++)
                    map[i] = 0;
                F(fill_set)(set, set_end, map);
            }
            if (!suppress) {
                dest = va_arg(ap, void *);
                if (opts & SCAN_SECURE)
                    cap = va_arg(ap, unsigned);
            }
            int lower_conv = conv | 0x20;
            if (lower_conv == 'c') {
                if (!width)
                    width = 1;
            } else {
                if (!width)
                    width = 0x7FFFFFFF;
                if (lower_conv == 's' && F(skip_space)(src) < 0)
                    goto input_failure;
            }
            while (width > 0) {
                c = F(get)(src);
                if (c < 0)
                    break;
                if ((lower_conv == 's' && is_space(c)) ||
                    (conv == '[' && ((map[c >> 3] >> (c & 7)) & 1) == negate)) {
                    F(unget)(src, c);
                    break;
                }
                if (dest) {
                    /* the _s forms' size: room for the characters (and the terminator of %s and %[) */
                    if (n + (lower_conv != 'c') >= cap) {
                        if (cap)
                            F(store_char)(dest, 0, 0, wide_dest);
                        goto done;
                    }
                    F(store_char)(dest, n, c, wide_dest);
                }
                n++;
                width--;
            }
            if (!n) {
                if (src->eof && !converted)
                    goto input_failure;
                goto done;
            }
            if (dest) {
                if (lower_conv != 'c')
                    F(store_char)(dest, n, 0, wide_dest);
                assigned++;
            }
            converted++;
            continue;
        }
        default:
            goto done;
        }
    }
done:
    result = assigned;
    goto out;
input_failure:
    result = converted || assigned ? assigned : -1;
out:
    if (map && map != small_map)
        crt_free(map);
    return result;
}
