#include <stdio.h>

int main(void)
{
    unsigned long sum = 0;
    for (int i = 0; i < 400; i++) {
        printf("line %4d: %08x %s\n", i, (unsigned)(i * 2654435761u), i % 3 == 0 ? "fizz" : "");
        sum += (unsigned long)i * i;
    }
    for (int i = 0; i < 200; i++)
        putchar('a' + i % 26);
    putchar('\n');
    fprintf(stdout, "sum of squares: %lu\n", sum);
    return 0;
}
