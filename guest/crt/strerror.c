/*
 * The messages of errno values as both Windows CRTs word them (_sys_errlist, _sys_nerr): strerror and its
 * bounded and wide forms, and _strerror, which prefixes a caller's text and ends with a newline.
 */
#include "libc.h"

#define UNKNOWN "Unknown error"

/* Index 43, one past the last errno value, is the message of every number the table does not know. */
char *_sys_errlist[] = {
    "No error", "Operation not permitted", "No such file or directory", "No such process",
    "Interrupted function call", "Input/output error", "No such device or address", "Arg list too long",
    "Exec format error", "Bad file descriptor", "No child processes", "Resource temporarily unavailable",
    "Not enough space", "Permission denied", "Bad address", UNKNOWN, "Resource device", "File exists",
    "Improper link", "No such device", "Not a directory", "Is a directory", "Invalid argument",
    "Too many open files in system", "Too many open files", "Inappropriate I/O control operation", UNKNOWN,
    "File too large", "No space left on device", "Invalid seek", "Read-only file system", "Too many links",
    "Broken pipe", "Domain error", "Result too large", UNKNOWN, "Resource deadlock avoided", UNKNOWN,
    "Filename too long", "No locks available", "Function not implemented", "Directory not empty",
    "Illegal byte sequence", UNKNOWN,
};
int _sys_nerr = 43;

char **CRT_EXPORT __sys_errlist(void)
{
    return _sys_errlist;
}

int *CRT_EXPORT __sys_nerr(void)
{
    return &_sys_nerr;
}

static const char *message(int err)
{
    return (unsigned)err < (unsigned)_sys_nerr ? _sys_errlist[err] : UNKNOWN;
}

/* The per-thread buffer of strerror and _strerror (a message and a prefix of up to 94 characters). */
static char *thread_buffer(void)
{
    struct crt_thread_data *data = crt_thread_data();

    if (!data->strerror_buf)
        data->strerror_buf = crt_alloc(134);
    return data->strerror_buf;
}

char *CRT_EXPORT strerror(int err)
{
    char *buf = thread_buffer();

    if (!buf)
        return (char *)UNKNOWN;
    strcpy(buf, message(err));
    return buf;
}

/* "prefix: message\n" (or "message\n" without a prefix) for the current errno into buf of size bytes. */
int CRT_EXPORT _strerror_s(char *buf, size_t size, const char *prefix)
{
    const char *text = message(crt_thread_data()->err);
    size_t need = strlen(text) + 2 + (prefix && *prefix ? strlen(prefix) + 2 : 0);

    if (!buf || !size) {
        crt_invalid_parameter(CRT_EINVAL);
        return CRT_EINVAL;
    }
    buf[0] = 0;
    if (need > size) {
        crt_invalid_parameter(CRT_ERANGE);
        return CRT_ERANGE;
    }
    if (prefix && *prefix) {
        strcat(buf, prefix);
        strcat(buf, ": ");
    }
    strcat(buf, text);
    strcat(buf, "\n");
    return 0;
}

char *CRT_EXPORT _strerror(const char *prefix)
{
    char *buf = thread_buffer();

    if (!buf)
        return NULL;
    buf[0] = 0;
    if (prefix && *prefix) {                              /* the prefix cut to 94 characters */
        strncat(buf, prefix, 94);
        strcat(buf, ": ");
    }
    strcat(buf, message(crt_thread_data()->err));
    strcat(buf, "\n");
    return buf;
}

/* strerror_s and _wcserror_s: the message cut to the buffer (which is not an error). */
int CRT_EXPORT strerror_s(char *buf, size_t size, int err)
{
    if (!buf || !size) {
        crt_invalid_parameter(CRT_EINVAL);
        return CRT_EINVAL;
    }
    strncpy_s(buf, size, message(err), size - 1);
    return 0;
}

int CRT_EXPORT _wcserror_s(wchar_t *buf, size_t size, int err)
{
    const char *text = message(err);
    size_t i;

    if (!buf || !size) {
        crt_invalid_parameter(CRT_EINVAL);
        return CRT_EINVAL;
    }
    for (i = 0; text[i] && i + 1 < size; i++)
        buf[i] = (unsigned char)text[i];
    buf[i] = 0;
    return 0;
}

wchar_t *CRT_EXPORT _wcserror(int err)
{
    static wchar_t buf[94];

    _wcserror_s(buf, sizeof buf / sizeof buf[0], err);
    return buf;
}

int CRT_EXPORT __wcserror_s(wchar_t *buf, size_t size, const wchar_t *prefix)
{
    const char *text = message(crt_thread_data()->err);
    size_t need = strlen(text) + 2 + (prefix && *prefix ? wcslen(prefix) + 2 : 0), n;

    if (!buf || !size) {
        crt_invalid_parameter(CRT_EINVAL);
        return CRT_EINVAL;
    }
    buf[0] = 0;
    if (need > size) {
        crt_invalid_parameter(CRT_ERANGE);
        return CRT_ERANGE;
    }
    if (prefix && *prefix) {
        wcscat(buf, prefix);
        wcscat(buf, L": ");
    }
    n = wcslen(buf);
    _wcserror_s(buf + n, size - n, crt_thread_data()->err);
    wcscat(buf, L"\n");
    return 0;
}

/* __wcserror: _strerror's wide twin. */
wchar_t *CRT_EXPORT __wcserror(const wchar_t *prefix)
{
    static wchar_t buf[134];
    size_t n = 0;

    buf[0] = 0;
    if (prefix && *prefix) {
        wcsncat(buf, prefix, 94);
        wcscat(buf, L": ");
    }
    n = wcslen(buf);
    _wcserror_s(buf + n, 94, crt_thread_data()->err);
    wcscat(buf, L"\n");
    return buf;
}
