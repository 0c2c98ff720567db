/*
 * Integers from text and back, written once for both widths: conv.c includes this with CH char (strtol, atoi,
 * _itoa, ...) and with CH wchar_t (wcstol, _wtoi, _itow, ...). The includer defines CH, N(narrow, wide) (the name
 * of this width), IS_SPACE(c) and P(name) (a unique name for the file's own helpers).
 */

/*
 * The parse shared by strtol and its family: blanks, a sign, an optional 0x (base 16 or 0) and the digits. The
 * magnitude saturates at `limit` (the largest value of the type, one more for a negative signed one): the
 * result is the limit and errno ERANGE. An unsigned type takes a sign too and negates the value (strtoul("-1")
 * is ULONG_MAX). Without digits the result is 0 and *end the start of the text.
 */
static unsigned long long P(parse)(const CH *s, CH **end, int base, int is_signed, unsigned long long max)
{
    const CH *p = s, *digits;
    unsigned long long value = 0, limit;
    int negative = 0, overflow = 0, d;

    if (end)
        *end = (CH *)s;
    if (!s || (base != 0 && (base < 2 || base > 36))) {
        crt_invalid_parameter(CRT_EINVAL);
        return 0;
    }
    while (IS_SPACE(*p))
        p++;
    if (*p == '-' || *p == '+')
        negative = *p++ == '-';
    /* A "0x" with no hex digit after it is no number at all, as in both CRTs. */
    if ((base == 0 || base == 16) && p[0] == '0' && (p[1] == 'x' || p[1] == 'X')) {
        p += 2;
        base = 16;
    }
    if (base == 0)
        base = *p == '0' ? 8 : 10;
    limit = is_signed && negative ? max + 1 : max;
    for (digits = p;; p++) {
        CH c = *p;

        if (c >= '0' && c <= '9')
            d = c - '0';
        else if ((c | 0x20) >= 'a' && (c | 0x20) <= 'z')
            d = (c | 0x20) - 'a' + 10;
        else
            break;
        if (d >= base)
            break;
        if (value > (limit - d) / base)
            overflow = 1;
        else
            value = value * base + d;
    }
    if (p == digits)
        return 0;
    if (end)
        *end = (CH *)p;
    if (overflow) {
        crt_thread_data()->err = CRT_ERANGE;
        return is_signed && negative ? (unsigned long long)-(max + 1) : max;
    }
    return negative ? -value : value;
}

long CRT_EXPORT N(strtol, wcstol)(const CH *s, CH **end, int base)
{
    return (long)P(parse)(s, end, base, 1, 0x7FFFFFFF);
}

unsigned long CRT_EXPORT N(strtoul, wcstoul)(const CH *s, CH **end, int base)
{
    return (unsigned long)P(parse)(s, end, base, 0, 0xFFFFFFFF);
}

long long CRT_EXPORT N(_strtoi64, _wcstoi64)(const CH *s, CH **end, int base)
{
    return (long long)P(parse)(s, end, base, 1, 0x7FFFFFFFFFFFFFFFull);
}

unsigned long long CRT_EXPORT N(_strtoui64, _wcstoui64)(const CH *s, CH **end, int base)
{
    return P(parse)(s, end, base, 0, ~0ull);
}

long long CRT_EXPORT N(strtoll, wcstoll)(const CH *s, CH **end, int base)
{
    return N(_strtoi64, _wcstoi64)(s, end, base);
}

unsigned long long CRT_EXPORT N(strtoull, wcstoull)(const CH *s, CH **end, int base)
{
    return N(_strtoui64, _wcstoui64)(s, end, base);
}

long long CRT_EXPORT N(strtoimax, wcstoimax)(const CH *s, CH **end, int base)
{
    return N(_strtoi64, _wcstoi64)(s, end, base);
}

unsigned long long CRT_EXPORT N(strtoumax, wcstoumax)(const CH *s, CH **end, int base)
{
    return N(_strtoui64, _wcstoui64)(s, end, base);
}

/* The a-to-i functions are base-10 strtol: the same saturation and ERANGE. */
int CRT_EXPORT N(atoi, _wtoi)(const CH *s)
{
    return (int)P(parse)(s, NULL, 10, 1, 0x7FFFFFFF);
}

long CRT_EXPORT N(atol, _wtol)(const CH *s)
{
    return (long)P(parse)(s, NULL, 10, 1, 0x7FFFFFFF);
}

long long CRT_EXPORT N(_atoi64, _wtoi64)(const CH *s)
{
    return (long long)P(parse)(s, NULL, 10, 1, 0x7FFFFFFFFFFFFFFFull);
}

long long CRT_EXPORT N(atoll, _wtoll)(const CH *s)
{
    return N(_atoi64, _wtoi64)(s);
}

/* The _l forms: the same (the blanks are the current locale's). */
long CRT_EXPORT N(_strtol_l, _wcstol_l)(const CH *s, CH **end, int base, _locale_t l)
{
    (void)l;
    return N(strtol, wcstol)(s, end, base);
}

unsigned long CRT_EXPORT N(_strtoul_l, _wcstoul_l)(const CH *s, CH **end, int base, _locale_t l)
{
    (void)l;
    return N(strtoul, wcstoul)(s, end, base);
}

long long CRT_EXPORT N(_strtoi64_l, _wcstoi64_l)(const CH *s, CH **end, int base, _locale_t l)
{
    (void)l;
    return N(_strtoi64, _wcstoi64)(s, end, base);
}

unsigned long long CRT_EXPORT N(_strtoui64_l, _wcstoui64_l)(const CH *s, CH **end, int base, _locale_t l)
{
    (void)l;
    return N(_strtoui64, _wcstoui64)(s, end, base);
}

long long CRT_EXPORT N(_strtoll_l, _wcstoll_l)(const CH *s, CH **end, int base, _locale_t l)
{
    (void)l;
    return N(_strtoi64, _wcstoi64)(s, end, base);
}

unsigned long long CRT_EXPORT N(_strtoull_l, _wcstoull_l)(const CH *s, CH **end, int base, _locale_t l)
{
    (void)l;
    return N(_strtoui64, _wcstoui64)(s, end, base);
}

int CRT_EXPORT N(_atoi_l, _wtoi_l)(const CH *s, _locale_t l) { (void)l; return N(atoi, _wtoi)(s); }
long CRT_EXPORT N(_atol_l, _wtol_l)(const CH *s, _locale_t l) { (void)l; return N(atol, _wtol)(s); }
long long CRT_EXPORT N(_atoi64_l, _wtoi64_l)(const CH *s, _locale_t l) { (void)l; return N(_atoi64, _wtoi64)(s); }
long long CRT_EXPORT N(_atoll_l, _wtoll_l)(const CH *s, _locale_t l) { (void)l; return N(_atoi64, _wtoi64)(s); }

/* --- integers to text --------------------------------------------------------------------------------------- */

/* Writes value (a magnitude) in radix to buf of size characters, after a '-' when negative (radix 10 only): 0,
 * EINVAL or ERANGE (buf emptied then) as the _s functions report; size (size_t)-1 for the unbounded forms. */
static int P(format)(unsigned long long value, int negative, CH *buf, size_t size, int radix)
{
    CH digits[66];
    size_t n = 0, i = 0;

    if (!buf || !size) {
        crt_invalid_parameter(CRT_EINVAL);
        return CRT_EINVAL;
    }
    if (radix < 2 || radix > 36) {
        buf[0] = 0;
        crt_invalid_parameter(CRT_EINVAL);
        return CRT_EINVAL;
    }
    do {
        int d = (int)(value % radix);

        digits[n++] = (CH)(d < 10 ? '0' + d : 'a' + d - 10);
        value /= radix;
    } while (value);
    if (n + negative + 1 > size) {
        buf[0] = 0;
        crt_invalid_parameter(CRT_ERANGE);
        return CRT_ERANGE;
    }
    if (negative)
        buf[i++] = '-';
    while (n)
        buf[i++] = digits[--n];
    buf[i] = 0;
    return 0;
}

#define UNBOUNDED ((size_t)-1)
/* A signed value's sign (radix 10 only; the other radixes write the bits of a 32-bit int or long as unsigned) and
 * the magnitude written. */
#define NEG(v, radix) ((radix) == 10 && (v) < 0)
#define MAG(v, bits, radix) (NEG(v, radix) ? 0ull - (unsigned long long)(long long)(v) : (unsigned long long)(bits)(v))

CH *CRT_EXPORT N(_itoa, _itow)(int value, CH *buf, int radix)
{
    P(format)(MAG(value, unsigned, radix), NEG(value, radix), buf, UNBOUNDED, radix);
    return buf;
}

CH *CRT_EXPORT N(_ltoa, _ltow)(long value, CH *buf, int radix)
{
    P(format)(MAG(value, unsigned long, radix), NEG(value, radix), buf, UNBOUNDED, radix);
    return buf;
}

CH *CRT_EXPORT N(_ultoa, _ultow)(unsigned long value, CH *buf, int radix)
{
    P(format)(value, 0, buf, UNBOUNDED, radix);
    return buf;
}

CH *CRT_EXPORT N(_i64toa, _i64tow)(long long value, CH *buf, int radix)
{
    P(format)(MAG(value, unsigned long long, radix), NEG(value, radix), buf, UNBOUNDED, radix);
    return buf;
}

CH *CRT_EXPORT N(_ui64toa, _ui64tow)(unsigned long long value, CH *buf, int radix)
{
    P(format)(value, 0, buf, UNBOUNDED, radix);
    return buf;
}

int CRT_EXPORT N(_itoa_s, _itow_s)(int value, CH *buf, size_t size, int radix)
{
    return P(format)(MAG(value, unsigned, radix), NEG(value, radix), buf, size, radix);
}

int CRT_EXPORT N(_ltoa_s, _ltow_s)(long value, CH *buf, size_t size, int radix)
{
    return P(format)(MAG(value, unsigned long, radix), NEG(value, radix), buf, size, radix);
}

int CRT_EXPORT N(_ultoa_s, _ultow_s)(unsigned long value, CH *buf, size_t size, int radix)
{
    return P(format)(value, 0, buf, size, radix);
}

int CRT_EXPORT N(_i64toa_s, _i64tow_s)(long long value, CH *buf, size_t size, int radix)
{
    return P(format)(MAG(value, unsigned long long, radix), NEG(value, radix), buf, size, radix);
}

int CRT_EXPORT N(_ui64toa_s, _ui64tow_s)(unsigned long long value, CH *buf, size_t size, int radix)
{
    return P(format)(value, 0, buf, size, radix);
}

#undef UNBOUNDED
#undef NEG
#undef MAG
