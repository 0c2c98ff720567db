#include <stdio.h>

int main(void)
{
    int c, chars = 0, lines = 0, letters = 0;
    while ((c = getchar()) != EOF) {
        chars++;
        if (c == '\n')
            lines++;
        if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) {
            int base = c >= 'a' ? 'a' : 'A';
            c = base + (c - base + 13) % 26;
            letters++;
        }
        putchar(c);
    }
    printf("[chars=%d lines=%d letters=%d]\n", chars, lines, letters);
    ungetc('Z', stdin);
    printf("after EOF, getchar()=%d\n", getchar());
    return 0;
}
