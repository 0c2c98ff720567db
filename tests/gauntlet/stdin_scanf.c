#include <stdio.h>

int main(void)
{
    int value, count = 0;
    long sum = 0;
    int minimum = 0, maximum = 0;
    while (scanf("%d", &value) == 1) {
        if (count == 0 || value < minimum)
            minimum = value;
        if (count == 0 || value > maximum)
            maximum = value;
        sum += value;
        count++;
    }
    char word[32];
    int got = scanf("%31s", word);
    printf("%d numbers, sum %ld, min %d, max %d\n", count, sum, minimum, maximum);
    printf("then scanf(%%s) got %d: %s\n", got, got == 1 ? word : "-");
    double d;
    got = scanf("%lf", &d);
    printf("then scanf(%%lf) got %d: %.3f\n", got, got == 1 ? d : 0.0);
    got = scanf("%d", &value);
    printf("at the end: %d\n", got);
    return 0;
}
