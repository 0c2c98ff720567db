// status: 7
#include <stdio.h>
#include <stdlib.h>

static void deep(int n)
{
    if (n == 0) {
        printf("calling exit(7) three calls deep\n");
        exit(7);
    }
    deep(n - 1);
    printf("never printed\n");
}

int main(void)
{
    printf("buffered output is flushed by exit: ");
    deep(3);
    return 0;
}
