#include <setjmp.h>
#include <stdio.h>

static jmp_buf env;
static int depth;

static void dive(int n)
{
    depth = n;
    if (n == 5)
        longjmp(env, n * 10);
    dive(n + 1);
    printf("never printed\n");
}

static jmp_buf retry;

int main(void)
{
    volatile int attempts = 0;
    int code = setjmp(env);
    if (code == 0) {
        printf("setjmp returned 0 first\n");
        dive(1);
    }
    printf("longjmp came back with %d from depth %d\n", code, depth);

    if (setjmp(env) == 0)
        longjmp(env, 0);
    else
        printf("longjmp(env, 0) makes setjmp return 1\n");

    int value = setjmp(retry);
    attempts++;
    printf("attempt %d (setjmp gave %d)\n", attempts, value);
    if (attempts < 3)
        longjmp(retry, attempts);

    volatile double kept = 1.5;
    if (setjmp(env) == 0) {
        kept = 2.75;
        longjmp(env, 1);
    }
    printf("volatile double after longjmp: %.2f\n", kept);
    return 0;
}
