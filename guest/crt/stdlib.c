/*
 * The arithmetic helpers of <stdlib.h>: rand and srand (Microsoft's linear congruential generator, one state per
 * thread), abs and div and their wider forms, the rotations and the byte swaps.
 */
#include "libc.h"

/* gcc's <x86intrin.h>, which <windows.h> brings, makes macros of the rotations. */
#undef _rotl
#undef _rotr
#undef _lrotl
#undef _lrotr
#undef _rotl64
#undef _rotr64

void CRT_EXPORT srand(unsigned seed)
{
    crt_thread_data()->rand_next = seed;
}

/* state = state * 214013 + 2531011; the result is bits 16-30 of the new state. */
int CRT_EXPORT rand(void)
{
    struct crt_thread_data *data = crt_thread_data();

    data->rand_next = data->rand_next * 214013u + 2531011u;
    return (data->rand_next >> 16) & 0x7FFF;
}

int CRT_EXPORT abs(int v) { return v < 0 ? -(unsigned)v : (unsigned)v; }
long CRT_EXPORT labs(long v) { return v < 0 ? -(unsigned long)v : (unsigned long)v; }
long long CRT_EXPORT llabs(long long v) { return v < 0 ? -(unsigned long long)v : (unsigned long long)v; }
long long CRT_EXPORT _abs64(long long v) { return llabs(v); }
long long CRT_EXPORT imaxabs(long long v) { return llabs(v); }

/* The div family returns structures; defined under crt_ names (exported as div, ...), since mingw-w64's
 * <stdlib.h> is in scope in one width only. */
typedef struct { int quot, rem; } crt_div_t;
typedef struct { long quot, rem; } crt_ldiv_t;
typedef struct { long long quot, rem; } crt_lldiv_t;

crt_div_t CRT_EXPORT crt_div(int a, int b)
{
    crt_div_t r = {a / b, a % b};

    return r;
}

crt_ldiv_t CRT_EXPORT crt_ldiv(long a, long b)
{
    crt_ldiv_t r = {a / b, a % b};

    return r;
}

crt_lldiv_t CRT_EXPORT crt_lldiv(long long a, long long b)
{
    crt_lldiv_t r = {a / b, a % b};

    return r;
}

crt_lldiv_t CRT_EXPORT crt_imaxdiv(long long a, long long b)
{
    return crt_lldiv(a, b);
}

unsigned CRT_EXPORT _rotl(unsigned v, int n) { n &= 31; return n ? v << n | v >> (32 - n) : v; }
unsigned CRT_EXPORT _rotr(unsigned v, int n) { n &= 31; return n ? v >> n | v << (32 - n) : v; }
unsigned long CRT_EXPORT _lrotl(unsigned long v, int n) { return _rotl(v, n); }
unsigned long CRT_EXPORT _lrotr(unsigned long v, int n) { return _rotr(v, n); }

unsigned long long CRT_EXPORT _rotl64(unsigned long long v, int n)
{
    n &= 63;
    return n ? v << n | v >> (64 - n) : v;
}

unsigned long long CRT_EXPORT _rotr64(unsigned long long v, int n)
{
    n &= 63;
    return n ? v >> n | v << (64 - n) : v;
}

unsigned short CRT_EXPORT _byteswap_ushort(unsigned short v) { return (unsigned short)(v << 8 | v >> 8); }
unsigned long CRT_EXPORT _byteswap_ulong(unsigned long v) { return __builtin_bswap32(v); }
unsigned long long CRT_EXPORT _byteswap_uint64(unsigned long long v) { return __builtin_bswap64(v); }
