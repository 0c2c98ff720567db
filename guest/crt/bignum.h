/*
 * Unsigned big integers of a fixed capacity for the exact float <-> decimal conversions (fltconv.c): 32-bit words,
 * least significant first. The capacity holds the largest quantity those conversions build: 10^1131 shifted left
 * by 64 bits (a decimal of 800 digits times 10^-330 against its binary scale), about 3,830 bits.
 */
#ifndef WOW64EMU_CRT_BIGNUM_H
#define WOW64EMU_CRT_BIGNUM_H

#include <stdint.h>

#define BIG_WORDS 128
struct big {
    int n;                      /* words in use; the top one non-zero (n == 0: the value 0) */
    uint32_t w[BIG_WORDS];
};

static inline void big_set(struct big *b, uint64_t v)
{
    b->n = 0;
    while (v) {
        b->w[b->n++] = (uint32_t)v;
        v >>= 32;
    }
}

static inline void big_copy(struct big *dst, const struct big *src)
{
    dst->n = src->n;
    for (int i = 0; i < src->n; i++)
        dst->w[i] = src->w[i];
}

/* b = b * m + add */
static inline void big_muladd(struct big *b, uint32_t m, uint32_t add)
{
    uint64_t carry = add;

    for (int i = 0; i < b->n; i++) {
        uint64_t t = (uint64_t)b->w[i] * m + carry;
        b->w[i] = (uint32_t)t;
        carry = t >> 32;
    }
    if (carry && b->n < BIG_WORDS)
        b->w[b->n++] = (uint32_t)carry;
}

/* b *= 10^k (k >= 0) */
static inline void big_mul_pow10(struct big *b, int k)
{
    for (; k >= 9; k -= 9)
        big_muladd(b, 1000000000u, 0);
    static const uint32_t small[9] = {1, 10, 100, 1000, 10000, 100000, 1000000, 10000000, 100000000};
    if (k)
        big_muladd(b, small[k], 0);
}

static inline int big_bitlen(const struct big *b)
{
    if (!b->n)
        return 0;
    return (b->n - 1) * 32 + 32 - __builtin_clz(b->w[b->n - 1]);
}

/* b <<= bits */
static inline void big_shl(struct big *b, int bits)
{
    int words = bits / 32, r = bits % 32, n = b->n;

    if (!n)
        return;
    if (n + words + 1 > BIG_WORDS)         /* never with the conversions' bounds; stay within the array */
        words = BIG_WORDS - n - 1;
    b->w[n + words] = 0;
    for (int i = n - 1; i >= 0; i--) {
        uint32_t v = b->w[i];
        if (r) {
            b->w[i + words + 1] |= v >> (32 - r);
            b->w[i + words] = v << r;
        } else {
            b->w[i + words] = v;
        }
    }
    for (int i = 0; i < words; i++)
        b->w[i] = 0;
    b->n = n + words + 1;
    while (b->n && !b->w[b->n - 1])
        b->n--;
}

/* b >>= 1 */
static inline void big_shr1(struct big *b)
{
    for (int i = 0; i < b->n; i++)
        b->w[i] = (b->w[i] >> 1) | (i + 1 < b->n ? b->w[i + 1] << 31 : 0);
    while (b->n && !b->w[b->n - 1])
        b->n--;
}

static inline int big_cmp(const struct big *a, const struct big *b)
{
    if (a->n != b->n)
        return a->n < b->n ? -1 : 1;
    for (int i = a->n - 1; i >= 0; i--)
        if (a->w[i] != b->w[i])
            return a->w[i] < b->w[i] ? -1 : 1;
    return 0;
}

/* a -= b (a >= b) */
static inline void big_sub(struct big *a, const struct big *b)
{
    uint32_t borrow = 0;

    for (int i = 0; i < a->n; i++) {
        uint64_t t = (uint64_t)a->w[i] - (i < b->n ? b->w[i] : 0) - borrow;
        a->w[i] = (uint32_t)t;
        borrow = (uint32_t)(t >> 63);
    }
    while (a->n && !a->w[a->n - 1])
        a->n--;
}

#endif
