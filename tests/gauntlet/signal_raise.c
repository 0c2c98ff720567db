// status: 3
#include <signal.h>
#include <stdio.h>

static volatile int caught;

static void handler(int sig)
{
    caught = sig;
    printf("handler got signal %d\n", sig);
}

int main(void)
{
    void (*old)(int) = signal(SIGINT, handler);
    printf("first signal() returned SIG_DFL: %d\n", old == SIG_DFL);
    printf("raise(SIGINT) = %d\n", raise(SIGINT));
    printf("caught=%d\n", caught);
    /* The handler is reset to SIG_DFL before it runs. */
    old = signal(SIGINT, SIG_IGN);
    printf("after the handler ran, the disposition was SIG_DFL: %d\n", old == SIG_DFL);
    printf("raise(SIGINT) while ignored = %d\n", raise(SIGINT));
    signal(SIGFPE, handler);
    raise(SIGFPE);
    signal(SIGTERM, handler);
    raise(SIGTERM);
    printf("caught=%d\n", caught);
    fflush(stdout);
    signal(SIGTERM, SIG_DFL);
    raise(SIGTERM); /* the default action ends the program with status 3 */
    printf("never printed\n");
    return 0;
}
