#include <stdio.h>

int main(void)
{
    /* volatile: printed at run time by the C runtime, not folded by the compiler */
    volatile double values[] = {0.0, 1.0, -1.5, 3.14159265358979, 1e10, 1.5e10, 123456.789, 1e-5, 0.0001234,
                                6.02214076e23, 1e100, 2.2250738585072014e-308, 1e-320, 0.1, 1.0 / 3.0};
    const char *formats[] = {"%f", "%.0f", "%.2f", "%10.3f", "%-10.1f|", "%+.1f", "%e", "%.0e", "%.3E", "%g",
                             "%.3g", "%#g", "%G", "%.10g", "%012.4f", "% .2e", "%#.0f", "%#.0e"};
    for (unsigned v = 0; v < sizeof values / sizeof values[0]; v++) {
        printf("value %u:", v);
        for (unsigned f = 0; f < sizeof formats / sizeof formats[0]; f++) {
            printf(" ");
            printf(formats[f], values[v]);
        }
        printf("\n");
    }
    /* halves: msvcrt.dll rounds the decimal digits half away from zero */
    volatile double halves[] = {0.5, 1.5, 2.5, 3.5, -0.5, -2.5, 0.125, 0.375, 2.675, 1.005, 1e15 + 0.5};
    for (unsigned v = 0; v < sizeof halves / sizeof halves[0]; v++)
        printf("%.17g: %.0f %.1f %.2f %.0e %.1e\n", halves[v], halves[v], halves[v], halves[v], halves[v],
               halves[v]);
    volatile double zero = 0.0;
    printf("negative zero: %f %e %g\n", -zero, -zero, -zero);
    printf("large: %f\n", 1e20);
    printf("large: %.3f\n", 123456789012345678.0);
    printf("max: %g %e\n", 1.7976931348623157e308, 1.7976931348623157e308);
    printf("float promoted: %f %g\n", 0.1f, 16777217.0f);
    printf("width star: [%*.*f]\n", 12, 3, 2.0 / 3.0);
    return 0;
}
