// status: 3
#include <stdio.h>
#include <stdlib.h>

static void first(void) { printf("first registered, runs last\n"); }
static void second(void) { printf("second registered, runs second\n"); }
static void third(void) { printf("third registered, runs first\n"); }

int main(void)
{
    if (atexit(first) != 0 || atexit(second) != 0 || atexit(third) != 0)
        printf("atexit failed\n");
    printf("main ends with exit(3)\n");
    exit(3);
}
