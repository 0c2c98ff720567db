/*
 * The exact conversions between doubles and decimal, with big integers (bignum.h): a double's decimal digits for
 * printf (every digit exact, then rounded once), and the nearest double to a decimal or hexadecimal number for
 * strtod and scanf (any number of digits, correctly rounded, ties to even). Costs are bounded by the double's
 * range: a few hundred digits at most, each a few hundred word operations.
 */
#include "format.h"
#include "bignum.h"

/* Round the digits up by one unit of the last kept one (out->n digits); a carry out of the first makes "1". */
static void digits_increment(struct crt_digits *out)
{
    int i = out->n - 1;

    while (i >= 0 && out->d[i] == '9') {
        out->d[i] = '0';
        i--;
    }
    if (i >= 0) {
        out->d[i]++;
    } else {
        out->d[0] = '1';
        out->n = 1;
        out->exp++;
    }
}

static void digits_trim(struct crt_digits *out)
{
    while (out->n > 0 && out->d[out->n - 1] == '0')
        out->n--;
    if (!out->n)
        out->exp = 0;
}

void crt_dtoa(double v, int sig, int fixed, enum crt_round round, struct crt_digits *out)
{
    uint64_t bits = crt_double_bits(v) & ~(1ULL << 63);
    int be = (int)(bits >> 52), k, count;
    uint64_t m = bits & ((1ULL << 52) - 1);
    struct big r, s, t;

    out->n = 0;
    out->exp = 0;
    if (!bits)
        return;
    if (be)
        m |= 1ULL << 52;
    else
        be = 1;
    be -= 1075;                          /* v = m * 2^be */
    big_set(&r, m);
    big_set(&s, 1);
    if (be >= 0)
        big_shl(&r, be);
    else
        big_shl(&s, -be);
    /* k = floor(log10 v): an estimate from the bit length (log10(2) ~ 78913 / 2^18), then corrected. */
    k = ((64 - __builtin_clzll(m) + be - 1) * 78913) >> 18;
    if (k >= 0)
        big_mul_pow10(&s, k);
    else
        big_mul_pow10(&r, -k);
    big_copy(&t, &s);
    big_muladd(&t, 10, 0);
    if (big_cmp(&r, &t) >= 0) {
        k++;
        big_copy(&s, &t);
    } else if (big_cmp(&r, &s) < 0) {
        k--;
        big_muladd(&r, 10, 0);
    }
    /* Now v = r/s * 10^k with 1 <= r/s < 10. */
    out->exp = k;
    count = sig > 0 ? sig : k + 1 + fixed;
    if (count > CRT_DIGITS_MAX)
        count = CRT_DIGITS_MAX;          /* the exact expansion ends before: the rest are zeros */
    if (count < 0)
        return;
    if (count == 0) {                    /* only the rounding of 0.ddd to a unit of 10^(k+1) */
        big_copy(&t, &s);
        big_muladd(&t, 5, 0);
        int c = big_cmp(&r, &t);
        if (c > 0 || (c == 0 && round == CRT_ROUND_HALF_UP)) {
            out->d[0] = '1';
            out->n = 1;
            out->exp = k + 1;
        }
        return;
    }
    for (;;) {
        int d = 0;

        while (big_cmp(&r, &s) >= 0) {
            big_sub(&r, &s);
            d++;
        }
        out->d[out->n++] = (char)('0' + d);
        if (!r.n)
            return digits_trim(out);
        if (out->n == count)
            break;
        big_muladd(&r, 10, 0);
    }
    /* The remainder r/s in (0, 1) of a unit of the last digit decides. */
    big_shl(&r, 1);
    int c = big_cmp(&r, &s);
    if (c > 0 || (c == 0 && (round == CRT_ROUND_HALF_UP || ((out->d[out->n - 1] - '0') & 1))))
        digits_increment(out);
    digits_trim(out);
}

void crt_digits_round(struct crt_digits *digits, int keep)
{
    if (keep >= digits->n)
        return;
    if (keep < 0) {
        digits->n = 0;
        digits->exp = 0;
        return;
    }
    int up = digits->d[keep] >= '5';
    digits->n = keep;
    if (up) {
        if (keep == 0) {
            digits->d[0] = '1';
            digits->n = 1;
            digits->exp++;
        } else {
            /* msvcrt's special strings ("1#INF") round as characters: '#' + 1 is '$' and 'I' + 1 is 'J'. */
            digits_increment(digits);
        }
    }
    digits_trim(digits);
}

/* q * 2^e2 (q != 0) to the nearest double (or float: single), ties to even: its bits. */
static uint64_t round_binary(uint64_t q, int sticky, long e2, int negative, int single, int *range)
{
    int mbits = single ? 24 : 53, emax = single ? 127 : 1023, emin = 1 - emax, len = 64 - __builtin_clzll(q), shift;
    uint64_t sign = negative ? 1ULL << (single ? 31 : 63) : 0, mant, rem, half;
    long top = len - 1 + e2;             /* the exponent of q's leading bit */
    long least = emin - (mbits - 1);     /* the exponent of the least subnormal */

    if (top > emax)
        goto overflow;
    if (top >= emin)
        shift = len - mbits;
    else if (least - e2 > 64)
        goto underflow;
    else
        shift = (int)(least - e2);
    if (shift <= 0) {
        mant = q << -shift;
    } else {
        if (shift == 64) {
            mant = 0;
            rem = q;
        } else {
            mant = q >> shift;
            rem = q & ((1ULL << shift) - 1);
        }
        half = 1ULL << (shift - 1);
        if (rem > half || (rem == half && (sticky || (mant & 1))))
            mant++;
    }
    if (mant >> mbits) {                 /* rounded up to the next power of two */
        mant >>= 1;
        shift++;
    }
    if (!mant)
        goto underflow;
    if (mant >> (mbits - 1)) {
        long biased = (long)shift + e2 + (mbits - 1) + emax;
        if (biased > 2 * emax)
            goto overflow;
        return sign | ((uint64_t)biased << (mbits - 1)) | (mant & ((1ULL << (mbits - 1)) - 1));
    }
    return sign | mant;                  /* subnormal */
overflow:
    *range = 1;
    return sign | ((uint64_t)(2 * emax + 1) << (mbits - 1));
underflow:
    *range = 1;
    return sign;
}

static uint64_t signed_zero(int negative, int single)
{
    return negative ? 1ULL << (single ? 31 : 63) : 0;
}

static uint64_t binary_bits(uint64_t mantissa, int sticky, long exp, int negative, int single, int *range)
{
    if (!mantissa)
        return signed_zero(negative, single);
    return round_binary(mantissa, sticky, exp, negative, single, range);
}

static uint64_t decimal_bits(const struct crt_decimal *dec, int negative, int single, int *range)
{
    struct big num, den, t;
    uint64_t q = 0;
    int shift;

    if (!dec->n)
        return signed_zero(negative, single);
    if (dec->exp + dec->n > 310)         /* >= 10^309 */
        return round_binary(1, 0, 2000, negative, single, range);
    if (dec->exp + dec->n < -330)        /* < 10^-330, below half the least subnormal */
        return round_binary(1, 0, -2000, negative, single, range);
    big_set(&num, 0);
    for (int i = 0; i < dec->n; i++)
        big_muladd(&num, 10, (uint32_t)(dec->d[i] - '0'));
    big_set(&den, 1);
    if (dec->exp >= 0)
        big_mul_pow10(&num, (int)dec->exp);
    else
        big_mul_pow10(&den, (int)-dec->exp);
    /* q = floor(num * 2^shift / den) with 2^62 < q < 2^64, the remainder as the sticky bit. */
    shift = 63 - big_bitlen(&num) + big_bitlen(&den);
    if (shift >= 0)
        big_shl(&num, shift);
    else
        big_shl(&den, -shift);
    big_copy(&t, &den);
    big_shl(&t, 63);
    for (int i = 63; i >= 0; i--) {
        if (big_cmp(&num, &t) >= 0) {
            big_sub(&num, &t);
            q |= 1ULL << i;
        }
        big_shr1(&t);
    }
    return round_binary(q, num.n != 0, -shift, negative, single, range);
}

double crt_decimal_to_double(const struct crt_decimal *dec, int negative, int *range)
{
    return crt_bits_double(decimal_bits(dec, negative, 0, range));
}

static int lower(int c)
{
    return c >= 'A' && c <= 'Z' ? c + 32 : c;
}

/* Matches the letters of `word` (lower case) case-insensitively, consuming them; the count matched. */
static int match_word(crt_peek_fn peek, void *ctx, const char *word)
{
    int n = 0;

    while (word[n] && lower(peek(ctx, 0)) == word[n]) {
        peek(ctx, 1);
        n++;
    }
    return n;
}

/* A character of nan(...)'s sequence: a letter, a digit or '_'. */
static int is_nan_char(int c)
{
    return c == '_' || (c >= '0' && c <= '9') || (lower(c) >= 'a' && lower(c) <= 'z');
}

static int hex_value(int c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    c = lower(c);
    return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* The exponent's digits, after the 'e' or 'p' and its sign: *exp (clamped far beyond any double's range), the
 * count of digits. */
static int parse_exponent(crt_peek_fn peek, void *ctx, long *exp)
{
    int digits = 0, c;

    *exp = 0;
    while ((c = peek(ctx, 0)) >= '0' && c <= '9') {
        if (*exp < 100000000)
            *exp = *exp * 10 + (c - '0');
        peek(ctx, 1);
        digits++;
    }
    return digits;
}

/*
 * The parse. `consumed` counts what the callback gave; `accepted` the length of the longest valid prefix, which is
 * what the number is (strtod's end): "1e+" is the number 1 followed by "e+".
 */
struct parse_state {
    crt_peek_fn peek;
    void *ctx;
    size_t consumed;
};

static int state_peek(void *ctx, int consume)
{
    struct parse_state *st = ctx;
    int c = st->peek(st->ctx, consume);

    if (consume && c >= 0)
        st->consumed++;
    return c;
}

static uint64_t parse_hex(struct parse_state *st, int negative, int single, size_t *accepted, int *range)
{
    uint64_t mant = 0;
    int sticky = 0, any = 0, point = 0, c, v;
    long exp = 0, e;

    for (;;) {
        c = state_peek(st, 0);
        if (c == '.' && !point) {
            point = 1;
            state_peek(st, 1);
            continue;
        }
        if ((v = hex_value(c)) < 0)
            break;
        state_peek(st, 1);
        any = 1;
        if (mant >> 60) {                /* 64 bits held: the rest only counts as sticky and scale */
            sticky |= v != 0;
            if (!point)
                exp += 4;
        } else {
            mant = mant << 4 | (uint64_t)v;
            if (point)
                exp -= 4;
        }
        *accepted = st->consumed;
    }
    if (!any)
        return 0;
    if (lower(state_peek(st, 0)) == 'p') {
        int minus = 0;

        state_peek(st, 1);
        c = state_peek(st, 0);
        if (c == '+' || c == '-') {
            minus = c == '-';
            state_peek(st, 1);
        }
        if (parse_exponent(state_peek, st, &e)) {
            exp += minus ? -e : e;
            *accepted = st->consumed;
        }
    }
    return binary_bits(mant, sticky, exp, negative, single, range);
}

uint64_t crt_parse_real(crt_peek_fn peek, void *raw, unsigned how, size_t *length, int *range)
{
    struct parse_state st = {peek, raw, 0};
    struct crt_decimal dec;
    size_t accepted = 0;
    int negative = 0, c, point = 0, any = 0, sticky = 0;
    long e;
    uint64_t value;
    int msvcrt = how & PARSE_MSVCRT, single = (how & PARSE_SINGLE) != 0;

    *length = 0;
    *range = 0;
    c = state_peek(&st, 0);
    if (c == '+' || c == '-') {
        negative = c == '-';
        state_peek(&st, 1);
        c = state_peek(&st, 0);
    }
    if (!msvcrt && (lower(c) == 'i' || lower(c) == 'n')) {
        if (match_word(state_peek, &st, "inf") == 3) {
            accepted = st.consumed;
            if (match_word(state_peek, &st, "inity") == 5)
                accepted = st.consumed;
            *length = accepted;
            return signed_zero(negative, single) | (single ? 0x7F800000 : 0x7FF0000000000000ULL);
        }
        if (lower(c) == 'n' && match_word(state_peek, &st, "nan") == 3) {
            /* nan(n-char-sequence); "nan(snan)" and "nan(ind)" are the NaNs printf spells so */
            uint64_t nan = single ? 0x7FC00000 : 0x7FF8000000000000ULL;
            char word[6];
            int n = 0;

            accepted = st.consumed;
            if (state_peek(&st, 0) == '(') {
                state_peek(&st, 1);
                while (is_nan_char(c = state_peek(&st, 0))) {
                    if (n < 5)
                        word[n] = (char)lower(c);
                    n++;
                    state_peek(&st, 1);
                }
                if (c == ')') {
                    state_peek(&st, 1);
                    accepted = st.consumed;
                    word[n < 5 ? n : 5] = 0;
                    if (n == 4 && word[0] == 's' && word[1] == 'n' && word[2] == 'a' && word[3] == 'n')
                        nan = single ? 0x7FA00000 : 0x7FF4000000000000ULL;
                    else if (n == 3 && word[0] == 'i' && word[1] == 'n' && word[2] == 'd')
                        negative = 1;
                }
            }
            *length = accepted;
            return signed_zero(negative, single) | nan;
        }
        return 0;
    }
    dec.n = 0;
    dec.exp = 0;
    if (c == '0') {
        state_peek(&st, 1);
        any = 1;
        accepted = st.consumed;
        if (!msvcrt && lower(state_peek(&st, 0)) == 'x') {
            state_peek(&st, 1);
            size_t hex_accepted = 0;
            value = parse_hex(&st, negative, single, &hex_accepted, range);
            if (hex_accepted) {
                *length = hex_accepted;
                return value;
            }
            *length = accepted;               /* "0x" with no digits: the number 0 */
            return signed_zero(negative, single);
        }
    }
    for (;;) {
        c = state_peek(&st, 0);
        if (c == '.' && !point) {
            point = 1;
            state_peek(&st, 1);
            if (any)
                accepted = st.consumed;
            continue;
        }
        if (c < '0' || c > '9')
            break;
        state_peek(&st, 1);
        any = 1;
        accepted = st.consumed;
        if (c == '0' && !dec.n) {            /* a leading zero */
            if (point)
                dec.exp--;
        } else if (dec.n < CRT_DIGITS_MAX) {
            dec.d[dec.n++] = (char)c;
            if (point)
                dec.exp--;
        } else {                             /* beyond the digits kept: sticky, and scale before the point */
            sticky |= c != '0';
            if (!point)
                dec.exp++;
        }
    }
    if (!any)
        return 0;
    if (lower(c) == 'e') {
        int minus = 0;

        state_peek(&st, 1);
        c = state_peek(&st, 0);
        if (c == '+' || c == '-') {
            minus = c == '-';
            state_peek(&st, 1);
        }
        if (parse_exponent(state_peek, &st, &e)) {
            dec.exp += minus ? -e : e;
            accepted = st.consumed;
        }
    }
    if (sticky) {                            /* a last digit 1 below those kept stands for what was dropped */
        dec.d[dec.n++] = '1';
        dec.exp--;
    }
    *length = accepted;
    return decimal_bits(&dec, negative, single, range);
}
