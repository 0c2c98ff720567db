#include <stdio.h>
#include <stdlib.h>

int main(void)
{
    printf("RAND_MAX=%d\n", RAND_MAX);
    printf("unseeded:");
    for (int i = 0; i < 5; i++)
        printf(" %d", rand());
    srand(42);
    printf("\nsrand(42):");
    for (int i = 0; i < 10; i++)
        printf(" %d", rand());
    printf("\ndice:");
    for (int i = 0; i < 20; i++)
        printf(" %d", rand() % 6 + 1);
    srand(42);
    printf("\nreseeded: %d\n", rand());
    srand(0);
    printf("srand(0): %d %d\n", rand(), rand() == rand() ? -1 : 1);
    long histogram[4] = {0};
    srand(7);
    for (int i = 0; i < 40000; i++)
        histogram[rand() / 8192]++;
    printf("quarters: %ld %ld %ld %ld\n", histogram[0], histogram[1], histogram[2], histogram[3]);
    return 0;
}
