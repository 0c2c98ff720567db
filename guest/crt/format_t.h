/*
 * The printf engine for one character width, included twice by format.c: CH the character type, OCH the other
 * width's, F(name) the name for this width, WIDE 1 for wchar_t. It writes to a fmt_sink (format.h).
 */

static void F(put)(struct fmt_sink *s, const CH *p, size_t n)
{
    if (s->stream) {
#if WIDE
        for (size_t i = 0; i < n; i++)
            if (crt_stream_putwc(p[i], s->stream) == CRT_WEOF)
                s->error = 1;
#else
        for (size_t i = 0; i < n; i++) {
            if (s->held == sizeof s->chunk) {
                if (crt_stream_write(s->stream, s->chunk, s->held) != s->held)
                    s->error = 1;
                s->held = 0;
            }
            s->chunk[s->held++] = p[i];
        }
#endif
    } else if (s->buf && s->len < s->cap) {
        size_t room = s->cap - s->len, k = n < room ? n : room;
        CH *out = (CH *)s->buf + s->len;

        for (size_t i = 0; i < k; i++)
            out[i] = p[i];
    }
    s->len += n;
}

static void F(put1)(struct fmt_sink *s, CH c)
{
    F(put)(s, &c, 1);
}

/* n (may be <= 0) copies of c */
static void F(pad)(struct fmt_sink *s, CH c, long long n)
{
    CH run[32];

    for (int i = 0; i < 32; i++)
        run[i] = c;
    while (n > 0) {
        size_t k = n < 32 ? (size_t)n : 32;

        F(put)(s, run, k);
        n -= k;
    }
}

static void F(put_ascii)(struct fmt_sink *s, const char *text, int upper)
{
    for (; *text; text++)
        F(put1)(s, (CH)(upper && *text >= 'a' && *text <= 'z' ? *text - 32 : *text));
}

/* The digits d[from .. from+count) of a number, '0' outside the significant ones. */
static void F(put_digits)(struct fmt_sink *s, const struct crt_digits *dg, int from, int count)
{
    while (count > 0 && from < 0) {
        F(put1)(s, '0');
        from++;
        count--;
    }
    while (count > 0 && from < dg->n) {
        F(put1)(s, (CH)dg->d[from]);
        from++;
        count--;
    }
    F(pad)(s, '0', count);
}

/* Padding on either side of a field of `len` characters, per the flags: before (spaces, unless '0' pads inside)
 * or after ('-'). */
static void F(pad_before)(struct fmt_sink *s, const struct fmt_spec *sp, long long len)
{
    if (!(sp->flags & FL_MINUS) && !(sp->flags & FL_ZERO))
        F(pad)(s, ' ', sp->width - len);
}

static void F(pad_zeros)(struct fmt_sink *s, const struct fmt_spec *sp, long long len)
{
    if (!(sp->flags & FL_MINUS) && (sp->flags & FL_ZERO))
        F(pad)(s, '0', sp->width - len);
}

static void F(pad_after)(struct fmt_sink *s, const struct fmt_spec *sp, long long len)
{
    if (sp->flags & FL_MINUS)
        F(pad)(s, ' ', sp->width - len);
}

static void F(integer)(struct fmt_sink *s, const struct fmt_spec *sp, uint64_t value, int negative)
{
    char digits[24], prefix[3] = {0};
    int n = 0, base = 10, upper = sp->conv == 'X' || sp->conv == 'p', prec = sp->prec;
    const char *set = upper ? "0123456789ABCDEF" : "0123456789abcdef";
    struct fmt_spec spec = *sp;

    if (sp->conv == 'o')
        base = 8;
    else if (sp->conv == 'x' || sp->conv == 'X' || sp->conv == 'p')
        base = 16;
    for (uint64_t v = value; v; v /= base)
        digits[n++] = set[v % base];
    if (prec < 0)
        prec = 1;
    else
        spec.flags &= ~FL_ZERO;            /* a precision turns the '0' flag off */
    if (negative)
        prefix[0] = '-';
    else if (sp->conv == 'd' || sp->conv == 'i')
        prefix[0] = sp->flags & FL_PLUS ? '+' : sp->flags & FL_SPACE ? ' ' : 0;
    if ((sp->flags & FL_HASH) && value && base == 16 && sp->conv != 'p') {
        prefix[0] = '0';
        prefix[1] = (char)sp->conv;
    } else if ((sp->flags & FL_HASH) && base == 8 && prec <= n) {
        prec = n + 1;                          /* a leading zero ("%#.0o" of 0 too) */
    }
    int plen = prefix[0] ? (prefix[1] ? 2 : 1) : 0;
    long long len = plen + (prec > n ? prec : n);
    F(pad_before)(s, &spec, len);
    for (int i = 0; i < plen; i++)
        F(put1)(s, (CH)prefix[i]);
    F(pad_zeros)(s, &spec, len);
    F(pad)(s, '0', prec - n);
    while (n)
        F(put1)(s, (CH)digits[--n]);
    F(pad_after)(s, &spec, len);
}

/* A string of this width (count characters) or of the other (converted), padded. */
static void F(string)(struct fmt_sink *s, const struct fmt_spec *sp, const void *str, int other)
{
    long long len = 0;

    if (!str) {
        str = other ? (const void *)OTHER_NULL : (const void *)SAME_NULL;
    }
    if (other) {
        const OCH *p = str;
        while ((sp->prec < 0 || len < sp->prec) && p[len])
            len++;
    } else {
        const CH *p = str;
        while ((sp->prec < 0 || len < sp->prec) && p[len])
            len++;
    }
    F(pad_before)(s, sp, len);
    F(pad_zeros)(s, sp, len);
    if (other) {
        const OCH *p = str;
        for (long long i = 0; i < len; i++) {
#if WIDE
            F(put1)(s, (CH)(unsigned char)p[i]);       /* the "C" locale's code page: a byte is its character */
#else
            if ((unsigned)p[i] > 0xFF) {                /* no conversion in the "C" locale */
                s->error = 1;
                crt_thread_data()->err = CRT_EILSEQ;
                return;
            }
            F(put1)(s, (CH)p[i]);
#endif
        }
    } else {
        F(put)(s, str, len);
    }
    F(pad_after)(s, sp, len);
}

static void F(character)(struct fmt_sink *s, const struct fmt_spec *sp, unsigned c, int other)
{
    F(pad_before)(s, sp, 1);
    F(pad_zeros)(s, sp, 1);
#if WIDE
    F(put1)(s, (CH)(other ? (unsigned char)c : (unsigned short)c));
#else
    if (other && (c & 0xFFFF) > 0xFF) {
        s->error = 1;
        crt_thread_data()->err = CRT_EILSEQ;
        return;
    }
    F(put1)(s, (CH)c);
#endif
    F(pad_after)(s, sp, 1);
}

static void F(exponent)(struct fmt_sink *s, CH letter, int exp, int min_digits)
{
    char buf[8];
    int n = 0;

    F(put1)(s, letter);
    F(put1)(s, exp < 0 ? '-' : '+');
    if (exp < 0)
        exp = -exp;
    do {
        buf[n++] = (char)('0' + exp % 10);
        exp /= 10;
    } while (exp);
    F(pad)(s, '0', min_digits - n);
    while (n)
        F(put1)(s, (CH)buf[--n]);
}

static void F(hexfloat)(struct fmt_sink *s, const struct fmt_spec *sp, double v, char sign)
{
    uint64_t bits = crt_double_bits(v), mant = bits & ((1ULL << 52) - 1);
    int be = (int)(bits >> 52 & 0x7FF), lead = be ? 1 : 0, exp = be ? be - 1023 : (mant ? -1022 : 0);
    int prec = sp->prec < 0 ? 13 : sp->prec, upper = sp->conv == 'A', shown = prec < 13 ? prec : 13;
    const char *set = upper ? "0123456789ABCDEF" : "0123456789abcdef";

    if (prec < 13) {                            /* round half up on the bits dropped */
        int drop = 52 - 4 * prec;
        uint64_t rem = mant & ((1ULL << drop) - 1);

        mant >>= drop;
        if (rem >= 1ULL << (drop - 1))
            mant++;
        if (mant >> (4 * prec)) {
            lead++;
            mant &= (1ULL << (4 * prec)) - 1;
        }
        mant <<= drop;
    }
    int point = prec > 0 || (sp->flags & FL_HASH);
    char expbuf[8];
    int en = 0, e = exp < 0 ? -exp : exp;
    do {
        expbuf[en++] = (char)('0' + e % 10);
        e /= 10;
    } while (e);
    long long len = (sign != 0) + 3 + point + (long long)prec + 2 + en;
    F(pad_before)(s, sp, len);
    if (sign)
        F(put1)(s, sign);
    F(put1)(s, '0');
    F(put1)(s, upper ? 'X' : 'x');
    F(pad_zeros)(s, sp, len);
    F(put1)(s, (CH)('0' + lead));
    if (point)
        F(put1)(s, '.');
    for (int i = 0; i < shown; i++)
        F(put1)(s, (CH)set[(mant >> (48 - 4 * i)) & 15]);
    F(pad)(s, '0', prec - shown);
    F(put1)(s, upper ? 'P' : 'p');
    F(put1)(s, exp < 0 ? '-' : '+');
    while (en)
        F(put1)(s, (CH)expbuf[--en]);
    F(pad_after)(s, sp, len);
}

static void F(floating)(struct fmt_sink *s, const struct fmt_spec *sp, double v, unsigned opts)
{
    uint64_t bits = crt_double_bits(v), mant = bits & ((1ULL << 52) - 1);
    int negative = (int)(bits >> 63), special = (bits >> 52 & 0x7FF) == 0x7FF;
    int conv = sp->conv | 0x20, upper = !(sp->conv & 0x20), prec = sp->prec, legacy = 0;
    int min_exp = opts & FMT_THREE_DIGITS ? 3 : 2;
    char sign = negative ? '-' : sp->flags & FL_PLUS ? '+' : sp->flags & FL_SPACE ? ' ' : 0;
    struct crt_digits dg;

    if (special) {
        const char *text;
        int ind = negative && mant == 1ULL << 51;

        if (!(opts & FMT_LEGACY_INFNAN)) {
            struct fmt_spec spec = *sp;

            text = !mant ? "inf" : ind ? "nan(ind)" : !(mant >> 51) ? "nan(snan)" : "nan";
            spec.flags &= ~FL_ZERO;
            long long len = (sign != 0) + (long long)strlen_ascii(text);
            F(pad_before)(s, &spec, len);
            if (sign)
                F(put1)(s, sign);
            F(put_ascii)(s, text, upper);
            F(pad_after)(s, &spec, len);
            return;
        }
        /* msvcrt's spelling: "1#INF" and the like formatted as if they were digits (so "%.2f" gives "1.#J"). */
        text = !mant ? "1#INF" : ind ? "1#IND" : !(mant >> 51) ? "1#SNAN" : "1#QNAN";
        dg.n = (int)strlen_ascii(text);
        for (int i = 0; i < dg.n; i++)
            dg.d[i] = text[i];
        dg.exp = 0;
        legacy = 1;
        if (conv == 'a')
            conv = 'e';
    } else if (conv == 'a') {
        F(hexfloat)(s, sp, v, sign);
        return;
    }
    if (prec < 0)
        prec = 6;
    int g = conv == 'g', P = prec ? prec : 1, fixed = conv == 'f', eprec = prec, fprec = prec;
    if (legacy || (opts & FMT_MSVCRT_DIGITS)) {
        if (!legacy)
            crt_dtoa(v, 17, 0, CRT_ROUND_HALF_UP, &dg);
        if (g)
            crt_digits_round(&dg, P);
        else if (fixed)
            crt_digits_round(&dg, dg.n ? dg.exp + 1 + prec : 0);
        else
            crt_digits_round(&dg, prec + 1);
    } else {
        enum crt_round round = opts & FMT_ROUND_EVEN ? CRT_ROUND_HALF_EVEN : CRT_ROUND_HALF_UP;

        if (g)
            crt_dtoa(v, P, 0, round, &dg);
        else if (fixed)
            crt_dtoa(v, 0, prec, round, &dg);
        else
            crt_dtoa(v, prec + 1, 0, round, &dg);
    }
    if (g) {
        int x = dg.n ? dg.exp : 0;

        if (x < P && x >= -4) {
            fixed = 1;
            fprec = P - 1 - x;
            if (!(sp->flags & FL_HASH) && fprec > dg.n - 1 - x)
                fprec = dg.n - 1 - x > 0 ? dg.n - 1 - x : 0;
        } else {
            eprec = P - 1;
            if (!(sp->flags & FL_HASH) && eprec > dg.n - 1)
                eprec = dg.n - 1 > 0 ? dg.n - 1 : 0;
        }
    }
    int point, exp = dg.n ? dg.exp : 0;
    long long len;
    if (fixed) {
        point = fprec > 0 || (sp->flags & FL_HASH);
        len = (sign != 0) + (exp >= 0 ? exp + 1 : 1) + point + (long long)fprec;
    } else {
        point = eprec > 0 || (sp->flags & FL_HASH);
        len = (sign != 0) + 1 + point + (long long)eprec + exponent_length(exp, min_exp);
    }
    F(pad_before)(s, sp, len);
    if (sign)
        F(put1)(s, sign);
    F(pad_zeros)(s, sp, len);
    if (fixed) {
        if (exp >= 0)
            F(put_digits)(s, &dg, 0, exp + 1);
        else
            F(put1)(s, '0');
        if (point)
            F(put1)(s, '.');
        F(put_digits)(s, &dg, exp + 1, fprec);
    } else {
        F(put_digits)(s, &dg, 0, 1);
        if (point)
            F(put1)(s, '.');
        F(put_digits)(s, &dg, 1, eprec);
        F(exponent)(s, upper ? 'E' : 'e', exp, min_exp);
    }
    F(pad_after)(s, sp, len);
}

/* "n$" at *p: n (1 to FMT_ARGMAX), stepping over it; 0 (and *p unchanged) when there is none. */
static int F(position)(const CH **p)
{
    const CH *q = *p;
    int n = 0;

    while (*q >= '0' && *q <= '9' && n <= FMT_ARGMAX)
        n = n * 10 + (*q++ - '0');
    if (q == *p || *q != '$' || n < 1 || n > FMT_ARGMAX)
        return 0;
    *p = q + 1;
    return n;
}

/* One conversion's specification after its '%': position, flags, width, precision, size and letter. A '*' width
 * or precision is only noted (sp->width_star, sp->prec_star): the caller fetches it. */
static void F(parse_spec)(const CH **pfmt, struct fmt_spec *sp, unsigned opts)
{
    const CH *fmt = *pfmt;

    sp->flags = sp->width = sp->conv = sp->size = sp->width_star = sp->prec_star = 0;
    sp->prec = -1;
    sp->arg = F(position)(&fmt);
    for (;; fmt++) {
        if (*fmt == '-')
            sp->flags |= FL_MINUS;
        else if (*fmt == '+')
            sp->flags |= FL_PLUS;
        else if (*fmt == ' ')
            sp->flags |= FL_SPACE;
        else if (*fmt == '#')
            sp->flags |= FL_HASH;
        else if (*fmt == '0')
            sp->flags |= FL_ZERO;
        else
            break;
    }
    if (*fmt == '*') {
        fmt++;
        sp->width_star = 1;
        sp->width_arg = F(position)(&fmt);
    } else {
        for (; *fmt >= '0' && *fmt <= '9'; fmt++)
            if (sp->width < 100000000)
                sp->width = sp->width * 10 + (*fmt - '0');
    }
    if (*fmt == '.') {
        fmt++;
        sp->prec = 0;
        if (*fmt == '*') {
            fmt++;
            sp->prec_star = 1;
            sp->prec_arg = F(position)(&fmt);
        } else {
            for (; *fmt >= '0' && *fmt <= '9'; fmt++)
                if (sp->prec < 100000000)
                    sp->prec = sp->prec * 10 + (*fmt - '0');
        }
    }
    for (;; fmt++) {
        if (*fmt == 'h') {
            sp->size = fmt[1] == 'h' && !(opts & FMT_MSVCRT_SYNTAX) ? (fmt++, SZ_CHAR) : SZ_SHORT;
        } else if (*fmt == 'l') {
            sp->size = fmt[1] == 'l' ? (fmt++, SZ_64) : SZ_LONG;
        } else if (*fmt == 'L') {
            sp->size = SZ_LONGDOUBLE;
        } else if (*fmt == 'w') {
            sp->size = SZ_WIDE;
        } else if (*fmt == 'I') {
            if (fmt[1] == '6' && fmt[2] == '4') {
                sp->size = SZ_64;
                fmt += 2;
            } else if (fmt[1] == '3' && fmt[2] == '2') {
                sp->size = SZ_32;
                fmt += 2;
            } else {
                sp->size = SZ_PTR;
            }
        } else if (!(opts & FMT_MSVCRT_SYNTAX) && (*fmt == 'j' || *fmt == 'z' || *fmt == 't')) {
            sp->size = *fmt == 'j' ? SZ_64 : SZ_PTR;
        } else if ((opts & FMT_MSVCRT_SYNTAX) && (*fmt == 'F' || *fmt == 'N')) {
            /* the far and near pointer sizes of 16-bit days, accepted and ignored */
        } else {
            break;
        }
    }
    sp->conv = *fmt;
    if (*fmt)
        fmt++;
    *pfmt = fmt;
}

/*
 * Numbered arguments (the _p functions' "%2$s %1$d"): the kind of each from the format, then all of them read in
 * order. Every conversion must be numbered, each number from 1 to the highest used, of one kind: else -1.
 */
static int F(collect)(const CH *fmt, va_list *ap, struct fmt_args *args, unsigned opts)
{
    unsigned char kind[FMT_ARGMAX + 1] = {0};
    struct fmt_spec sp;
    int top = 0, numbered = 0, plain = 0;

#define NOTE(n, k) do { if (kind[n] && kind[n] != (k)) return -1; kind[n] = (k); if ((n) > top) top = (n); } while (0)
    while (*fmt) {
        if (*fmt++ != '%')
            continue;
        if (*fmt == '%') {
            fmt++;
            continue;
        }
        F(parse_spec)(&fmt, &sp, opts);
        if (!sp.conv)
            break;
        if (sp.arg)
            numbered = 1;
        else
            plain = 1;
        if (sp.width_star) {
            if (!sp.width_arg)
                return -1;
            NOTE(sp.width_arg, ARG_INT);
        }
        if (sp.prec_star) {
            if (!sp.prec_arg)
                return -1;
            NOTE(sp.prec_arg, ARG_INT);
        }
        if (!sp.arg)
            continue;
        NOTE(sp.arg, arg_kind(&sp));
    }
#undef NOTE
    args->positional = numbered;
    if (!numbered)
        return 0;
    if (plain)
        return -1;
    for (int i = 1; i <= top; i++) {
        switch (kind[i]) {
        case ARG_INT: args->v[i].u = (unsigned)va_arg(*ap, int); break;
        case ARG_INT64: args->v[i].u = va_arg(*ap, uint64_t); break;
        case ARG_DOUBLE: args->v[i].d = va_arg(*ap, double); break;
        case ARG_PTR: args->v[i].p = va_arg(*ap, const void *); break;
        default: return -1;            /* a number left out */
        }
    }
    return 0;
}

/* The next argument, or the numbered one. */
#define ARG(type, field, n) (args.positional ? (type)args.v[n].field : va_arg(ap, type))

int F(crt_format)(struct fmt_sink *s, const CH *fmt, va_list ap, unsigned opts)
{
    struct fmt_args args;

    args.positional = 0;
    if ((opts & FMT_POSITIONAL) && F(collect)(fmt, &ap, &args, opts) < 0) {
        crt_invalid_parameter(CRT_EINVAL);
        return -1;
    }
    for (;;) {
        const CH *start = fmt;

        while (*fmt && *fmt != '%')
            fmt++;
        F(put)(s, start, fmt - start);
        if (!*fmt)
            break;
        fmt++;
        if (*fmt == '%') {
            F(put1)(s, '%');
            fmt++;
            continue;
        }
        struct fmt_spec sp;
        F(parse_spec)(&fmt, &sp, opts);
        int size = sp.size;
        if (sp.width_star) {
            sp.width = ARG(int, u, sp.width_arg);
            if (sp.width < 0) {
                sp.flags |= FL_MINUS;
                sp.width = sp.width == INT_MIN_ ? 0x7FFFFFFF : -sp.width;
            }
        }
        if (sp.prec_star) {
            sp.prec = ARG(int, u, sp.prec_arg);
            if (sp.prec < 0)
                sp.prec = -1;
        }
        if (!sp.conv)
            break;
        switch (sp.conv) {
        case 'd': case 'i': case 'u': case 'o': case 'x': case 'X': {
            uint64_t v;
            int negative = 0, sign = sp.conv == 'd' || sp.conv == 'i';

            if (arg_kind(&sp) == ARG_INT64) {
                v = ARG(uint64_t, u, sp.arg);
                if (sign && (int64_t)v < 0) {
                    negative = 1;
                    v = -v;
                }
            } else {
                unsigned u = ARG(unsigned, u, sp.arg);

                if (size == SZ_SHORT)
                    u = sign ? (unsigned)(int)(short)u : (unsigned short)u;
                else if (size == SZ_CHAR)
                    u = sign ? (unsigned)(int)(signed char)u : (unsigned char)u;
                v = u;
                if (sign && (int)u < 0) {
                    negative = 1;
                    v = -(uint64_t)(int)u;
                }
            }
            F(integer)(s, &sp, v, negative);
            break;
        }
        case 'p': {
            sp.prec = 2 * (int)sizeof(void *);
            sp.flags &= ~FL_HASH;
            F(integer)(s, &sp, (uintptr_t)ARG(const void *, p, sp.arg), 0);
            break;
        }
        case 'c': case 'C': {
            /* %c is of this width, %C of the other; h and l/w choose narrow and wide. */
            int other = sp.conv == 'C';
            if (size == SZ_SHORT)
                other = WIDE;
            else if (size == SZ_LONG || size == SZ_WIDE)
                other = !WIDE;
            else if (WIDE && sp.conv == 'c' && !(opts & FMT_WIDE_LEGACY))
                other = 1;                 /* the standard rule: %c in a wide function is a char */
            F(character)(s, &sp, (unsigned)ARG(int, u, sp.arg), other);
            break;
        }
        case 's': case 'S': {
            int other = sp.conv == 'S';
            if (size == SZ_SHORT)
                other = WIDE;
            else if (size == SZ_LONG || size == SZ_WIDE)
                other = !WIDE;
            else if (WIDE && sp.conv == 's' && !(opts & FMT_WIDE_LEGACY))
                other = 1;
            F(string)(s, &sp, ARG(const void *, p, sp.arg), other);
            break;
        }
        case 'Z': {                        /* an ANSI_STRING, or with l/w a UNICODE_STRING */
            const struct { unsigned short len, max; void *buffer; } *str = ARG(const void *, p, sp.arg);
            int wide = size == SZ_LONG || size == SZ_WIDE;
            struct fmt_spec spec = sp;

            if (str && str->buffer) {
                int chars = wide ? str->len / 2 : str->len;
                if (spec.prec < 0 || spec.prec > chars)
                    spec.prec = chars;
                F(string)(s, &spec, str->buffer, wide != WIDE);
            } else {
                F(string)(s, &spec, NULL, 0);
            }
            break;
        }
        case 'e': case 'E': case 'f': case 'F': case 'g': case 'G': case 'a': case 'A':
            /* (msvcrt reads F as a size, in parse_spec: there is no %F) */
            F(floating)(s, &sp, ARG(double, d, sp.arg), opts);
            break;
        case 'n': {
            void *p = (void *)ARG(const void *, p, sp.arg);

            if ((opts & FMT_SECURE) || !(opts & FMT_COUNT_OUTPUT)) {
                crt_invalid_parameter(CRT_EINVAL);
                return -1;
            }
            if (size == SZ_SHORT)
                *(short *)p = (short)s->len;
            else if (size == SZ_CHAR)
                *(signed char *)p = (signed char)s->len;
            else if (size == SZ_64)
                *(long long *)p = (long long)s->len;
            else
                *(int *)p = (int)s->len;
            break;
        }
        case '%':                          /* "%5%" */
            F(put1)(s, '%');
            break;
        default:
            if (opts & FMT_MSVCRT_SYNTAX) {    /* msvcrt prints what it does not know */
                F(put1)(s, sp.conv);
                break;
            }
            crt_invalid_parameter(CRT_EINVAL);
            return -1;
        }
        if (s->error)
            break;
    }
#if !WIDE
    if (s->stream && s->held) {
        if (crt_stream_write(s->stream, s->chunk, s->held) != s->held)
            s->error = 1;
        s->held = 0;
    }
#endif
    if (s->error || s->len > 0x7FFFFFFF)
        return -1;
    return (int)s->len;
}
#undef ARG
