/*
 * Interim stand-ins for other areas' exports that every mingw-w64 program imports (its start-up code's error
 * messages; libmsvcrt.a's strerror_s fallback imports _vsnprintf and _vscprintf), so that test programs load in
 * this branch. exports/interim_libc.def also forwards x86_64's __C_specific_handler to ntdll. The integrator
 * deletes both files at merge.
 */
#include "crt.h"

FILE _iob[20];

FILE *CRT_EXPORT __iob_func(void)
{
    return _iob;
}

FILE *CRT_EXPORT __acrt_iob_func(unsigned index)
{
    return &_iob[index];
}

int CRT_EXPORT fprintf(FILE *stream, const char *format, ...)
{
    (void)stream, (void)format;
    return -1;
}

int CRT_EXPORT vfprintf(FILE *stream, const char *format, va_list args)
{
    (void)stream, (void)format, (void)args;
    return -1;
}

size_t CRT_EXPORT fwrite(const void *data, size_t size, size_t count, FILE *stream)
{
    (void)data, (void)size, (void)stream;
    return count;
}

int CRT_EXPORT _vsnprintf(char *buf, size_t size, const char *format, va_list args)
{
    (void)buf, (void)size, (void)format, (void)args;
    return -1;
}

int CRT_EXPORT _vscprintf(const char *format, va_list args)
{
    (void)format, (void)args;
    return -1;
}
