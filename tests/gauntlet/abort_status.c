// status: 3
#include <stdio.h>
#include <stdlib.h>

int main(void)
{
    printf("before abort\n");
    fflush(stdout);
    abort(); /* msvcrt: a message on stderr, then the process ends with status 3 */
    printf("never printed\n");
    return 0;
}
