#include <stdio.h>
#include <string.h>

/* Each call has a 48 KB frame: the stack grows page by page through its guard page (gcc probes it with ___chkstk
   on Windows), 15 calls deep, 720 KB of the default 1 MB stack. */
static unsigned long deep(int n)
{
    unsigned char frame[48 * 1024];
    memset(frame, n, sizeof frame);
    unsigned long sum = 0;
    if (n > 0)
        sum = deep(n - 1);
    for (size_t i = 0; i < sizeof frame; i += 4096)
        sum += frame[i];
    return sum;
}

static int fib(int n) { return n < 2 ? n : fib(n - 1) + fib(n - 2); }

static int depth(int n) { return n == 0 ? 0 : 1 + depth(n - 1); }

int main(void)
{
    printf("deep frames: %lu\n", deep(14));
    printf("fib(24) = %d\n", fib(24));
    printf("recursion 5000 deep: %d\n", depth(5000));
    return 0;
}
