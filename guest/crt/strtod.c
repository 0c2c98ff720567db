/*
 * strtod, strtof, atof and their wide and locale forms: the nearest double (float) to a decimal of any length,
 * correctly rounded (fltconv.c). ucrtbase.dll also reads "inf", "infinity", "nan", "nan(...)" and hexadecimal
 * ("0x1.8p3"); msvcrt.dll's strtod reads only decimal, so "inf" is no number there and "0x10" is 0 ending at 'x'.
 * The locale argument is ignored: every locale is "C". The functions are crt_NAME, exported as NAME: mingw-w64's
 * <stdlib.h>, which <windows.h> brings, defines some of these names inline.
 */
#include "format.h"

#define CH char
#define F(name) name##_narrow
#include "strtod_t.h"
#undef CH
#undef F
#define CH wchar_t
#define F(name) name##_wide
#include "strtod_t.h"
#undef CH
#undef F

static float float_of(uint64_t bits)
{
    union { uint32_t u; float f; } x = {(uint32_t)bits};
    return x.f;
}

double CRT_EXPORT crt_strtod(const char *s, char **end)
{
    return crt_bits_double(parse_narrow(s, (const char **)end, 0));
}

double CRT_EXPORT crt_wcstod(const wchar_t *s, wchar_t **end)
{
    return crt_bits_double(parse_wide(s, (const wchar_t **)end, 0));
}

float CRT_EXPORT crt_strtof(const char *s, char **end)
{
    return float_of(parse_narrow(s, (const char **)end, PARSE_SINGLE));
}

float CRT_EXPORT crt_wcstof(const wchar_t *s, wchar_t **end)
{
    return float_of(parse_wide(s, (const wchar_t **)end, PARSE_SINGLE));
}

/* The _l forms: the locale is "C" whichever is given. */
double CRT_EXPORT crt_strtod_l(const char *s, char **end, void *loc) { (void)loc; return crt_strtod(s, end); }
double CRT_EXPORT crt_wcstod_l(const wchar_t *s, wchar_t **end, void *loc) { (void)loc; return crt_wcstod(s, end); }
float CRT_EXPORT crt_strtof_l(const char *s, char **end, void *loc) { (void)loc; return crt_strtof(s, end); }
float CRT_EXPORT crt_wcstof_l(const wchar_t *s, wchar_t **end, void *loc) { (void)loc; return crt_wcstof(s, end); }
double CRT_EXPORT crt_atof(const char *s) { return crt_strtod(s, NULL); }
double CRT_EXPORT crt_atof_l(const char *s, void *locale) { (void)locale; return crt_strtod(s, NULL); }
double CRT_EXPORT crt_wtof(const wchar_t *s) { return crt_wcstod(s, NULL); }
double CRT_EXPORT crt_wtof_l(const wchar_t *s, void *locale) { (void)locale; return crt_wcstod(s, NULL); }

/* _atodbl and _atoflt: the value through a pointer, and _OVERFLOW (3) or _UNDERFLOW (4) instead of errno. */
static int range_code(uint64_t bits, int single)
{
    uint64_t magnitude = bits & (single ? 0x7FFFFFFFULL : 0x7FFFFFFFFFFFFFFFULL);

    if (magnitude == (single ? 0x7F800000ULL : 0x7FF0000000000000ULL))
        return 3;
    return magnitude ? 0 : 4;
}

int CRT_EXPORT crt_atodbl(double *value, const char *s)
{
    int saved = crt_thread_data()->err, code;
    uint64_t bits = parse_narrow(s, NULL, 0);

    code = crt_thread_data()->err == CRT_ERANGE && saved != CRT_ERANGE ? range_code(bits, 0) : 0;
    crt_thread_data()->err = saved;
    *value = crt_bits_double(bits);
    return code;
}

int CRT_EXPORT crt_atodbl_l(double *value, const char *s, void *locale) { (void)locale; return crt_atodbl(value, s); }

int CRT_EXPORT crt_atoflt(float *value, const char *s)
{
    int saved = crt_thread_data()->err, code;
    uint64_t bits = parse_narrow(s, NULL, PARSE_SINGLE);

    code = crt_thread_data()->err == CRT_ERANGE && saved != CRT_ERANGE ? range_code(bits, 1) : 0;
    crt_thread_data()->err = saved;
    *value = float_of(bits);
    return code;
}

int CRT_EXPORT crt_atoflt_l(float *value, const char *s, void *locale) { (void)locale; return crt_atoflt(value, s); }
