/* Interim (the integrator deletes this file at merge): strerror belongs to the string area; these few messages
 * let perror work in the stdio branch. */
#include "stdio_internal.h"

char *__cdecl strerror(int err)
{
    switch (err) {
    case CRT_ENOENT: return "No such file or directory";
    case CRT_EBADF: return "Bad file descriptor";
    case CRT_EACCES: return "Permission denied";
    case CRT_EEXIST: return "File exists";
    case CRT_EINVAL: return "Invalid argument";
    default: return "Unknown error";
    }
}

/* What mingw-w64's start-up code and the test programs import from other areas (string, format, exceptions). */
void *__cdecl memcpy(void *to, const void *from, size_t n)
{
    char *d = to;
    const char *s = from;

    while (n--)
        *d++ = *s++;
    return to;
}

void *__cdecl memset(void *to, int c, size_t n)
{
    char *d = to;

    while (n--)
        *d++ = (char)c;
    return to;
}

size_t __cdecl strlen(const char *s)
{
    size_t n = 0;

    while (s[n])
        n++;
    return n;
}

int __cdecl strncmp(const char *a, const char *b, size_t n)
{
    for (; n; n--, a++, b++)
        if (*a != *b || !*a)
            return (unsigned char)*a - (unsigned char)*b;
    return 0;
}

int __cdecl strcmp(const char *a, const char *b)
{
    return strncmp(a, b, (size_t)-1);
}

/* The format string as it is: enough for mingw-w64's start-up messages. */
int __cdecl vfprintf(FILE *stream, const char *format, va_list args)
{
    size_t n = strlen(format), wrote;

    (void)args;
    _lock_file(stream);
    wrote = crt_stream_write(stream, format, n);
    _unlock_file(stream);
    return (int)wrote;
}

int __cdecl fprintf(FILE *stream, const char *format, ...)
{
    va_list args;
    int n;

    va_start(args, format);
    n = vfprintf(stream, format, args);
    va_end(args);
    return n;
}

#ifdef _WIN64
EXCEPTION_DISPOSITION __cdecl __C_specific_handler(struct _EXCEPTION_RECORD *record, void *frame,
                                                   struct _CONTEXT *context, struct _DISPATCHER_CONTEXT *dispatch)
{
    (void)record, (void)frame, (void)context, (void)dispatch;
    return ExceptionContinueSearch;
}
#endif

char *__cdecl strncpy(char *to, const char *from, size_t n)
{
    size_t i = 0;

    for (; i < n && from[i]; i++)
        to[i] = from[i];
    for (; i < n; i++)
        to[i] = 0;
    return to;
}

char *__cdecl strchr(const char *s, int c)
{
    for (;; s++) {
        if (*s == (char)c)
            return (char *)s;
        if (!*s)
            return NULL;
    }
}

size_t __cdecl wcslen(const wchar_t *s)
{
    size_t n = 0;

    while (s[n])
        n++;
    return n;
}

/* What mingw-w64's start-up code imports from ucrtbase.dll for a program linked with -lucrtbase (the format and
 * time areas'): the format written as it is, and time zone data of UTC. */
int __cdecl __stdio_common_vfprintf(unsigned long long options, FILE *stream, const char *format, void *locale,
                                    va_list args)
{
    (void)options, (void)locale;
    return vfprintf(stream, format, args);
}

int __cdecl __stdio_common_vfwprintf(unsigned long long options, FILE *stream, const wchar_t *format, void *locale,
                                     va_list args)
{
    int n = 0;

    (void)options, (void)locale, (void)args;
    _lock_file(stream);
    for (; *format; format++, n++)
        crt_stream_putwc(*format, stream);
    _unlock_file(stream);
    return n;
}

static long timezone_seconds;
static int daylight_flag;
static char tz_std[] = "UTC", tz_dst[] = "UTC";
static char *tz_names[2] = {tz_std, tz_dst};

long *__cdecl __timezone(void)
{
    return &timezone_seconds;
}

int *__cdecl __daylight(void)
{
    return &daylight_flag;
}

char **__cdecl __tzname(void)
{
    return tz_names;
}

void __cdecl _tzset(void)
{
}
