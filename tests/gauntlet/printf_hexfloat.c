#include <stdio.h>

int main(void)
{
    volatile double values[] = {1.0, 0.5, -2.0, 3.0, 0.1, 1e10, 0.0};
    for (unsigned v = 0; v < sizeof values / sizeof values[0]; v++)
        printf("%%a: %a  %%.3a: %.3a  %%A: %A  %%.0a: %.0a\n", values[v], values[v], values[v], values[v]);
    return 0;
}
