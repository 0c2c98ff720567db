#include <stdio.h>

int main(void)
{
    printf("Hello, world!\n");
    printf("%d + %d = %d\n", 2, 3, 2 + 3);
    puts("puts adds a newline");
    putchar('x');
    putchar('\n');
    fputs("fputs to stdout\n", stdout);
    fprintf(stdout, "%s has %u characters\n", "gauntlet", 8u);
    return 0;
}
