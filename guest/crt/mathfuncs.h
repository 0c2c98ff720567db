/* The double functions of the CRT's libm (math_*.c), as math.h declares them, for its float twins and shims. */
#ifndef WOW64EMU_CRT_MATHFUNCS_H
#define WOW64EMU_CRT_MATHFUNCS_H

double CRT_EXPORT acos(double x);
double CRT_EXPORT asin(double x);
double CRT_EXPORT atan(double x);
double CRT_EXPORT atan2(double y, double x);
double CRT_EXPORT ceil(double x);
double CRT_EXPORT cos(double x);
double CRT_EXPORT cosh(double x);
double CRT_EXPORT exp(double x);
double CRT_EXPORT floor(double x);
double CRT_EXPORT fmod(double x, double y);
double CRT_EXPORT log(double x);
double CRT_EXPORT log10(double x);
double CRT_EXPORT pow(double x, double y);
double CRT_EXPORT sin(double x);
double CRT_EXPORT sinh(double x);
double CRT_EXPORT sqrt(double x);
double CRT_EXPORT tan(double x);
double CRT_EXPORT tanh(double x);
double CRT_EXPORT acosh(double x);
double CRT_EXPORT asinh(double x);
double CRT_EXPORT atanh(double x);
double CRT_EXPORT cbrt(double x);
double CRT_EXPORT copysign(double x, double y);
double CRT_EXPORT _chgsign(double x);
double CRT_EXPORT erf(double x);
double CRT_EXPORT erfc(double x);
double CRT_EXPORT exp2(double x);
double CRT_EXPORT expm1(double x);
double CRT_EXPORT fdim(double x, double y);
double CRT_EXPORT fmax(double x, double y);
double CRT_EXPORT fmin(double x, double y);
double CRT_EXPORT hypot(double x, double y);
double CRT_EXPORT lgamma(double x);
double CRT_EXPORT log1p(double x);
double CRT_EXPORT log2(double x);
double CRT_EXPORT logb(double x);
double CRT_EXPORT nearbyint(double x);
double CRT_EXPORT remainder(double x, double y);
double CRT_EXPORT remquo(double x, double y, int *quo);
double CRT_EXPORT rint(double x);
double CRT_EXPORT round(double x);
double CRT_EXPORT tgamma(double x);
double CRT_EXPORT trunc(double x);
double CRT_EXPORT modf(double x, double *integer);
double CRT_EXPORT scalbn(double x, int n);
int CRT_EXPORT ilogb(double x);
long CRT_EXPORT lround(double x);
long long CRT_EXPORT llround(double x);
long CRT_EXPORT lrint(double x);
long long CRT_EXPORT llrint(double x);

#endif
