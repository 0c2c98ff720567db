#include <stdint.h>
#include <stdio.h>

int main(void)
{
    /* volatile: done at run time, by the processor or (x86) by libgcc's 64-bit helpers */
    volatile int64_t a = 9000000000000000000LL, b = -7, c = 123456789012LL;
    volatile uint64_t u = 18000000000000000000ULL, v = 1000000007ULL;
    printf("a/b=%lld a%%b=%lld\n", (long long)(a / b), (long long)(a % b));
    printf("c*c overflow wraps: %lld\n", (long long)(int64_t)((uint64_t)c * (uint64_t)c));
    printf("u/v=%llu u%%v=%llu\n", (unsigned long long)(u / v), (unsigned long long)(u % v));
    printf("shifts: %llx %llx %lld\n", (unsigned long long)(u >> 33), (unsigned long long)(v << 40),
           (long long)(b >> 1));
    volatile double d = 12345678901.75, neg = -2.5, huge = 1e19;
    printf("double to int64: %lld %lld\n", (long long)(int64_t)d, (long long)(int64_t)neg);
    printf("double to uint64: %llu\n", (unsigned long long)(uint64_t)huge);
    printf("int64 to double: %.1f %.1f\n", (double)a, (double)(int64_t)-c);
    printf("uint64 to double: %.1f\n", (double)u);
    volatile float f = 3.75f;
    printf("float to int: %d, to unsigned: %u\n", (int)f, (unsigned)(f * 4.0f)); /* exact: x87 keeps more bits */
    volatile unsigned x = 0xF0000000u;
    printf("unsigned to double: %.1f\n", (double)x);
    uint64_t h = 1469598103934665603ULL;
    for (int i = 0; i < 1000; i++)
        h = (h ^ (uint64_t)i) * 1099511628211ULL;
    printf("FNV-1a over 0..999: %016llx\n", (unsigned long long)h);
    return 0;
}
