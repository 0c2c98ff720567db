#include <stdio.h>

int main(void)
{
    fputs("stderr without a newline", stderr);
    printf("the last line has no newline; exit flushes it");
    return 0;
}
