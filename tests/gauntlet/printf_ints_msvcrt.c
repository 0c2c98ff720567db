// build: gcc -D__USE_MINGW_ANSI_STDIO=0
#include <limits.h>
#include <stdio.h>

/* Built with -D__USE_MINGW_ANSI_STDIO=0: printf is msvcrt.dll's own, not the toolchain's C99 formatter. */

int main(void)
{
    int values[] = {0, 1, -1, 42, -42, 123456, INT_MAX, INT_MIN};
    const char *formats[] = {"[%d]", "[%5d]", "[%-5d]", "[%05d]", "[%+d]", "[% d]", "[%+05d]", "[%-+6d]",
                             "[%.3d]", "[%8.3d]", "[%-8.3d]", "[%.0d]", "[%i]", "[% 07i]"};
    for (unsigned f = 0; f < sizeof formats / sizeof formats[0]; f++) {
        printf("%-9s", formats[f]);
        for (unsigned v = 0; v < sizeof values / sizeof values[0]; v++)
            printf(formats[f], values[v]);
        printf("\n");
    }
    unsigned uvalues[] = {0, 1, 255, 4096, 0xDEADBEEF, UINT_MAX};
    const char *uformats[] = {"[%u]", "[%x]", "[%X]", "[%#x]", "[%#X]", "[%o]", "[%#o]", "[%08x]", "[%#010x]",
                              "[%-#8o]", "[%.5x]", "[%#.0x]"};
    for (unsigned f = 0; f < sizeof uformats / sizeof uformats[0]; f++) {
        printf("%-9s", uformats[f]);
        for (unsigned v = 0; v < sizeof uvalues / sizeof uvalues[0]; v++)
            printf(uformats[f], uvalues[v]);
        printf("\n");
    }
    printf("[%hd] [%hu] [%hx]\n", 70000, 70000, -1);
    printf("[%ld] [%lu] [%lx]\n", LONG_MIN, ULONG_MAX, 0xABCDEFl);
    printf("[%lld] [%llu] [%llx]\n", LLONG_MIN, ULLONG_MAX, 0x123456789ABCDEFll);
    printf("[%I64d] [%I64u] [%I64X] [%I32d] [%I32x]\n", LLONG_MAX, 18446744073709551615ull, 0xFEDCBA9876543210ull,
           -5, 0xBEEF);
    printf("[%Id] [%Iu]\n", (ptrdiff_t)-3, (size_t)7);
    printf("[%*d] [%-*d] [%.*d] [%*.*d]\n", 6, 12, 6, 12, 4, 12, 7, 3, 5);
    printf("[%*d]\n", -6, 12);
    printf("[%c] [%3c] [%-3c] [%%]\n", 'A', 'B', 'C');
    printf("[%s] [%8s] [%-8s] [%.2s] [%8.3s] [%-8.3s] [%.*s]\n", "str", "str", "str", "str", "string", "string",
           3, "abcdef");
    printf("[%s]\n", (char *)NULL);
    printf("[%5s] [%.1s]\n", (char *)NULL, (char *)NULL);
    printf("[%hs] [%ls] [%S] [%C]\n", "narrow", L"wide", L"wide S", L'W');
    printf("[%d %s %u %x %c]\n", -1, "mix", 3000000000u, 255u, 'z');
    printf("[%#5o] [%#5x] [%+5u] [% u]\n", 8, 255, 5u, 5u);
    int count = printf("counted\n");
    printf("printf returned %d\n", count);
    return 0;
}
