#include <stdio.h>
#include <stdlib.h>

static int counter;

static void count_down(void) { printf("handler %d\n", counter--); }

int main(void)
{
    for (int i = 0; i < 5; i++)
        atexit(count_down);
    counter = 5;
    printf("returning from main runs the handlers too\n");
    return 0;
}
