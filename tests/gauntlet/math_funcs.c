#include <math.h>
#include <stdio.h>

int main(void)
{
    /* volatile: computed at run time by the C runtime's functions, not folded by the compiler */
    volatile double x = 2.0, y = 10.0, angle = 0.5, neg = -7.25, big = 1e6;
    printf("sqrt(2)      = %.10g\n", sqrt(x));
    printf("pow(2,10)    = %.10g\n", pow(x, y));
    printf("pow(2,0.5)   = %.10g\n", pow(x, angle));
    printf("pow(-7.25,3) = %.10g\n", pow(neg, 3.0));
    printf("sin(0.5)     = %.10g\n", sin(angle));
    printf("cos(0.5)     = %.10g\n", cos(angle));
    printf("tan(0.5)     = %.10g\n", tan(angle));
    printf("asin(0.5)    = %.10g\n", asin(angle));
    printf("acos(0.5)    = %.10g\n", acos(angle));
    printf("atan(0.5)    = %.10g\n", atan(angle));
    printf("atan2(2,-10) = %.10g\n", atan2(x, -y));
    printf("sinh(0.5)    = %.10g\n", sinh(angle));
    printf("cosh(0.5)    = %.10g\n", cosh(angle));
    printf("tanh(0.5)    = %.10g\n", tanh(angle));
    printf("exp(10)      = %.10g\n", exp(y));
    printf("log(10)      = %.10g\n", log(y));
    printf("log10(1e6)   = %.10g\n", log10(big));
    printf("floor(-7.25) = %.10g\n", floor(neg));
    printf("ceil(-7.25)  = %.10g\n", ceil(neg));
    printf("fabs(-7.25)  = %.10g\n", fabs(neg));
    printf("fmod(10,3)   = %.10g\n", fmod(y, 3.0));
    printf("fmod(-7.25,2)= %.10g\n", fmod(neg, x));
    double ip;
    double frac = modf(neg, &ip);
    printf("modf(-7.25)  = %.10g and %.10g\n", frac, ip);
    int e;
    double m = frexp(big, &e);
    printf("frexp(1e6)   = %.10g * 2^%d\n", m, e);
    printf("ldexp(0.75,4)= %.10g\n", ldexp(0.75, (int)x + 2));
    printf("_hypot(3,4)  = %.10g\n", _hypot(3.0 + x - 2.0, 4.0));
    printf("sqrt(1e6)    = %.10g\n", sqrt(big));
    printf("exp(-1)      = %.10g\n", exp(-angle * 2));
    printf("log(0.5)     = %.10g\n", log(angle));
    printf("pow(10,-3)   = %.10g\n", pow(y, -3.0));
    printf("ceil(0.5)    = %.10g floor(0.5) = %.10g\n", ceil(angle), floor(angle));
    printf("abs((int)-7.25) = %d, labs = %ld\n", abs((int)neg), labs((long)-big));
    return 0;
}
