#include <math.h>
#include <stdio.h>

int main(void)
{
    volatile double zero = 0.0;
    double inf = 1.0 / zero;
    double ind = zero / zero; /* the default NaN of the processor: sign bit set */
    double qnan = NAN;
    printf("inf: %f %e %g %E %G\n", inf, inf, inf, inf, inf);
    printf("-inf: %f %e %g\n", -inf, -inf, -inf);
    printf("0/0: %f %e %g\n", ind, ind, ind);
    printf("NAN: %f %e %g\n", qnan, qnan, qnan);
    printf("-NAN: %f\n", -qnan);
    printf("widths: [%12f] [%-12f] [%012f]\n", inf, inf, inf);
    printf("isnan=%d isinf=%d _isnan=%d _finite=%d\n", isnan(ind) != 0, isinf(-inf) != 0, _isnan(qnan),
           _finite(inf));
    printf("signbit(0/0)=%d\n", signbit(ind) != 0);
    return 0;
}
