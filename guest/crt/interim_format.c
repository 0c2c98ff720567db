/*
 * INTERIM (the format area's branch only; the integrator deletes this file and exports/interim_format.def when the
 * stdio, string and locale areas land): the least of other areas' functions that mingw-w64's start-up code and the
 * format tests import, so that programs load. Streams are the three standard ones, unbuffered, straight to and from
 * the standard handles.
 */
#include "crt.h"
#undef __mb_cur_max
#undef _iob

void *CRT_EXPORT memcpy(void *dst, const void *src, size_t n)
{
    char *d = dst;
    const char *s = src;

    while (n--)
        *d++ = *s++;
    return dst;
}

void *CRT_EXPORT memset(void *dst, int c, size_t n)
{
    char *d = dst;

    while (n--)
        *d++ = (char)c;
    return dst;
}

size_t CRT_EXPORT strlen(const char *s)
{
    size_t n = 0;

    while (s[n])
        n++;
    return n;
}

size_t CRT_EXPORT wcslen(const wchar_t *s)
{
    size_t n = 0;

    while (s[n])
        n++;
    return n;
}

char *CRT_EXPORT strchr(const char *s, int c)
{
    for (;; s++) {
        if (*s == (char)c)
            return (char *)s;
        if (!*s)
            return NULL;
    }
}

int CRT_EXPORT strncmp(const char *a, const char *b, size_t n)
{
    for (; n; n--, a++, b++) {
        if (*a != *b)
            return (unsigned char)*a - (unsigned char)*b;
        if (!*a)
            break;
    }
    return 0;
}

char *CRT_EXPORT strerror(int err)
{
    (void)err;
    return (char *)"error";
}

int CRT_EXPORT atoi(const char *s)
{
    int v = 0, neg = 0;

    while (*s == ' ' || *s == '\t')
        s++;
    if (*s == '-' || *s == '+')
        neg = *s++ == '-';
    while (*s >= '0' && *s <= '9')
        v = v * 10 + (*s++ - '0');
    return neg ? -v : v;
}

char *CRT_EXPORT setlocale(int category, const char *name)
{
    (void)category;
    (void)name;
    return (char *)"C";
}

static char decimal_point[] = ".", empty[] = "";
static struct { char *decimal_point, *thousands_sep, *grouping; char pad[64]; } lconv = {
    decimal_point, empty, empty, {0}};

void *CRT_EXPORT localeconv(void)
{
    return &lconv;
}

int __mb_cur_max = 1;

int CRT_EXPORT ___mb_cur_max_func(void)
{
    return 1;
}

unsigned CRT_EXPORT ___lc_codepage_func(void)
{
    return 0;
}

FILE _iob[20] = {{NULL, 0, NULL, 0, 0, 0, 0, NULL}, {NULL, 0, NULL, 0, 1, 0, 0, NULL},
                 {NULL, 0, NULL, 0, 2, 0, 0, NULL}};

FILE *CRT_EXPORT __iob_func(void)
{
    return _iob;
}

FILE *CRT_EXPORT __acrt_iob_func(unsigned index)
{
    return &_iob[index];
}

void CRT_EXPORT _lock_file(FILE *stream)
{
    (void)stream;
}

void CRT_EXPORT _unlock_file(FILE *stream)
{
    (void)stream;
}

static HANDLE handle_of(FILE *stream)
{
    return GetStdHandle(stream->_file == 0 ? STD_INPUT_HANDLE
                        : stream->_file == 1 ? STD_OUTPUT_HANDLE : STD_ERROR_HANDLE);
}

size_t crt_stream_write(FILE *stream, const char *data, size_t n)
{
    DWORD written = 0;

    if (n && !WriteFile(handle_of(stream), data, (DWORD)n, &written, NULL)) {
        stream->_flag |= 0x20;
        return 0;
    }
    return written;
}

unsigned short crt_stream_putwc(wchar_t c, FILE *stream)
{
    char b = (char)c;

    if (c > 255)
        b = '?';
    return crt_stream_write(stream, &b, 1) == 1 ? (unsigned short)c : CRT_WEOF;
}

int crt_stream_getc(FILE *stream)
{
    unsigned char b;
    DWORD got = 0;

    if (stream->_flag & 0x10000) {
        stream->_flag &= ~0x10000;
        return stream->_charbuf;
    }
    if (!ReadFile(handle_of(stream), &b, 1, &got, NULL) || !got) {
        stream->_flag |= 0x10;
        return CRT_EOF;
    }
    return b;
}

int crt_stream_ungetc(int c, FILE *stream)
{
    if (c == CRT_EOF)
        return CRT_EOF;
    stream->_charbuf = c & 0xFF;
    stream->_flag |= 0x10000;
    return c & 0xFF;
}

unsigned short crt_stream_getwc(FILE *stream)
{
    int c = crt_stream_getc(stream);

    return c == CRT_EOF ? CRT_WEOF : (unsigned short)c;
}

unsigned short crt_stream_ungetwc(unsigned short c, FILE *stream)
{
    if (c == CRT_WEOF)
        return CRT_WEOF;
    crt_stream_ungetc(c & 0xFF, stream);
    return c;
}

int CRT_EXPORT fputc(int c, FILE *stream)
{
    char b = (char)c;

    return crt_stream_write(stream, &b, 1) == 1 ? (c & 0xFF) : CRT_EOF;
}

size_t CRT_EXPORT fwrite(const void *data, size_t size, size_t count, FILE *stream)
{
    if (!size || !count)
        return 0;
    return crt_stream_write(stream, data, size * count) / size;
}
