/*
 * The stream functions programs call: characters, lines and blocks (narrow and wide), the buffer settings and the
 * flags. Each takes the stream's lock around the stream interface of stdio.c (the _nolock forms do not).
 */
#include "stdio_internal.h"


/* Streams in a Unicode mode take only the wide functions. */
#define CHECK_NARROW(stream, result)                                                                             \
    do {                                                                                                         \
        if (!crt_stream_is_narrow(stream)) {                                                                     \
            crt_invalid_parameter(CRT_EINVAL);                                                                   \
            return result;                                                                                       \
        }                                                                                                        \
    } while (0)

static int put_narrow(FILE *stream, const char *s, size_t n)
{
    return crt_stream_write(stream, s, n) != n;
}

static int put_wide(FILE *stream, const wchar_t *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (crt_stream_putwc(s[i], stream) == CRT_WEOF)
            return 1;
    return 0;
}

#define CH char
#define F(name) name##_a
#define GETC crt_stream_getc
#define END CRT_EOF
#define PUT put_narrow
#include "stdio_lines_t.h"
#undef CH
#undef F
#undef GETC
#undef END
#undef PUT
#define CH wchar_t
#define F(name) name##_w
#define GETC crt_stream_getwc
#define END CRT_WEOF
#define PUT put_wide
#include "stdio_lines_t.h"
#undef CH
#undef F
#undef GETC
#undef END
#undef PUT

/* --- characters ------------------------------------------------------------------------------------------- */

int CRT_EXPORT _fgetc_nolock(FILE *stream)
{
    return crt_stream_getc(stream);
}

int CRT_EXPORT fgetc(FILE *stream)
{
    int c;

    CHECK_STREAM(stream, CRT_EOF);
    CHECK_NARROW(stream, CRT_EOF);
    _lock_file(stream);
    c = crt_stream_getc(stream);
    _unlock_file(stream);
    return c;
}

int CRT_EXPORT getc(FILE *stream)
{
    return fgetc(stream);
}

int CRT_EXPORT _getc_nolock(FILE *stream)
{
    return crt_stream_getc(stream);
}

int CRT_EXPORT getchar(void)
{
    return fgetc(CRT_STDIN);
}

int CRT_EXPORT _fgetchar(void)
{
    return fgetc(CRT_STDIN);
}

int CRT_EXPORT _fputc_nolock(int c, FILE *stream)
{
    char byte = (char)c;

    /* The common case, as msvcrt's putc macro takes it: a buffered stream being written, room in its buffer (_cnt
     * counts it). mingw-w64's own printf writes every character through fputc. */
    if (stream->_cnt > 0 && (stream->_flag & (IO_READ | IO_WRT | IO_NBF | IO_STRG)) == IO_WRT) {
        stream->_cnt--;
        *stream->_ptr++ = byte;
        return c & 0xFF;
    }
    return crt_stream_write(stream, &byte, 1) == 1 ? c & 0xFF : CRT_EOF;
}

int CRT_EXPORT fputc(int c, FILE *stream)
{
    CHECK_STREAM(stream, CRT_EOF);
    CHECK_NARROW(stream, CRT_EOF);
    _lock_file(stream);
    c = _fputc_nolock(c, stream);
    _unlock_file(stream);
    return c;
}

int CRT_EXPORT putc(int c, FILE *stream)
{
    return fputc(c, stream);
}

int CRT_EXPORT _putc_nolock(int c, FILE *stream)
{
    return _fputc_nolock(c, stream);
}

int CRT_EXPORT putchar(int c)
{
    return fputc(c, CRT_STDOUT);
}

int CRT_EXPORT _fputchar(int c)
{
    return fputc(c, CRT_STDOUT);
}

int CRT_EXPORT _ungetc_nolock(int c, FILE *stream)
{
    return crt_stream_ungetc(c, stream);
}

int CRT_EXPORT ungetc(int c, FILE *stream)
{
    CHECK_STREAM(stream, CRT_EOF);
    CHECK_NARROW(stream, CRT_EOF);
    _lock_file(stream);
    c = crt_stream_ungetc(c, stream);
    _unlock_file(stream);
    return c;
}

/* _getw and _putw: an int as its 4 bytes. */
int CRT_EXPORT _getw(FILE *stream)
{
    unsigned value = 0;

    CHECK_STREAM(stream, CRT_EOF);
    _lock_file(stream);
    for (int i = 0; i < 4; i++) {
        int c = crt_stream_getc(stream);

        if (c == CRT_EOF) {
            value = (unsigned)CRT_EOF;
            break;
        }
        value |= (unsigned)c << (8 * i);
    }
    _unlock_file(stream);
    return (int)value;
}

int CRT_EXPORT _putw(int value, FILE *stream)
{
    char bytes[4] = {(char)value, (char)(value >> 8), (char)(value >> 16), (char)(value >> 24)};
    size_t wrote;

    CHECK_STREAM(stream, CRT_EOF);
    _lock_file(stream);
    wrote = crt_stream_write(stream, bytes, 4);
    _unlock_file(stream);
    return wrote == 4 ? value : CRT_EOF;
}

/* --- wide characters -------------------------------------------------------------------------------------- */

unsigned short CRT_EXPORT _fgetwc_nolock(FILE *stream)
{
    return crt_stream_getwc(stream);
}

unsigned short CRT_EXPORT fgetwc(FILE *stream)
{
    unsigned short c;

    CHECK_STREAM(stream, CRT_WEOF);
    _lock_file(stream);
    c = crt_stream_getwc(stream);
    _unlock_file(stream);
    return c;
}

unsigned short CRT_EXPORT getwc(FILE *stream)
{
    return fgetwc(stream);
}

unsigned short CRT_EXPORT _getwc_nolock(FILE *stream)
{
    return crt_stream_getwc(stream);
}

unsigned short CRT_EXPORT getwchar(void)
{
    return fgetwc(CRT_STDIN);
}

unsigned short CRT_EXPORT _fgetwchar(void)
{
    return fgetwc(CRT_STDIN);
}

unsigned short CRT_EXPORT _fputwc_nolock(wchar_t c, FILE *stream)
{
    return crt_stream_putwc(c, stream);
}

unsigned short CRT_EXPORT fputwc(wchar_t c, FILE *stream)
{
    unsigned short result;

    CHECK_STREAM(stream, CRT_WEOF);
    _lock_file(stream);
    result = crt_stream_putwc(c, stream);
    _unlock_file(stream);
    return result;
}

unsigned short CRT_EXPORT putwc(wchar_t c, FILE *stream)
{
    return fputwc(c, stream);
}

unsigned short CRT_EXPORT _putwc_nolock(wchar_t c, FILE *stream)
{
    return crt_stream_putwc(c, stream);
}

unsigned short CRT_EXPORT putwchar(wchar_t c)
{
    return fputwc(c, CRT_STDOUT);
}

unsigned short CRT_EXPORT _fputwchar(wchar_t c)
{
    return fputwc(c, CRT_STDOUT);
}

unsigned short CRT_EXPORT _ungetwc_nolock(unsigned short c, FILE *stream)
{
    return crt_stream_ungetwc(c, stream);
}

unsigned short CRT_EXPORT ungetwc(unsigned short c, FILE *stream)
{
    CHECK_STREAM(stream, CRT_WEOF);
    _lock_file(stream);
    c = crt_stream_ungetwc(c, stream);
    _unlock_file(stream);
    return c;
}

/* --- lines and strings ------------------------------------------------------------------------------------- */

/* fgets(buf, 0, ...) gives NULL; a negative size or a NULL buffer or stream is an invalid parameter. */
char *CRT_EXPORT fgets(char *buf, int n, FILE *stream)
{
    char *result;

    if ((!buf && n) || n < 0 || !stream) {
        crt_invalid_parameter(CRT_EINVAL);
        return NULL;
    }
    if (!n)
        return NULL;
    CHECK_NARROW(stream, NULL);
    _lock_file(stream);
    result = read_line_a(buf, n, stream);
    _unlock_file(stream);
    return result;
}

wchar_t *CRT_EXPORT fgetws(wchar_t *buf, int n, FILE *stream)
{
    wchar_t *result;

    if ((!buf && n) || n < 0 || !stream) {
        crt_invalid_parameter(CRT_EINVAL);
        return NULL;
    }
    if (!n)
        return NULL;
    _lock_file(stream);
    result = read_line_w(buf, n, stream);
    _unlock_file(stream);
    return result;
}

char *CRT_EXPORT gets(char *buf)
{
    char *result;

    CHECK_STREAM(buf, NULL);
    CHECK_NARROW(CRT_STDIN, NULL);
    _lock_file(CRT_STDIN);
    result = read_whole_line_a(buf, CRT_STDIN);
    _unlock_file(CRT_STDIN);
    return result;
}

wchar_t *CRT_EXPORT _getws(wchar_t *buf)
{
    wchar_t *result;

    CHECK_STREAM(buf, NULL);
    _lock_file(CRT_STDIN);
    result = read_whole_line_w(buf, CRT_STDIN);
    _unlock_file(CRT_STDIN);
    return result;
}

/* gets_s and _getws_s: NULL at the end of the input; a line longer than size - 1 is an invalid parameter (ERANGE). */
char *CRT_EXPORT gets_s(char *buf, size_t size)
{
    int got;

    if (!buf || !size) {
        crt_invalid_parameter(CRT_EINVAL);
        return NULL;
    }
    CHECK_NARROW(CRT_STDIN, NULL);
    _lock_file(CRT_STDIN);
    got = read_bounded_line_a(buf, size, CRT_STDIN);
    _unlock_file(CRT_STDIN);
    if (got > 0)
        crt_invalid_parameter(CRT_ERANGE);
    return got ? NULL : buf;
}

wchar_t *CRT_EXPORT _getws_s(wchar_t *buf, size_t size)
{
    int got;

    if (!buf || !size) {
        crt_invalid_parameter(CRT_EINVAL);
        return NULL;
    }
    _lock_file(CRT_STDIN);
    got = read_bounded_line_w(buf, size, CRT_STDIN);
    _unlock_file(CRT_STDIN);
    if (got > 0)
        crt_invalid_parameter(CRT_ERANGE);
    return got ? NULL : buf;
}

int CRT_EXPORT fputs(const char *s, FILE *stream)
{
    int failed;

    if (!s || !stream) {
        crt_invalid_parameter(CRT_EINVAL);
        return CRT_EOF;
    }
    CHECK_NARROW(stream, CRT_EOF);
    _lock_file(stream);
    failed = write_string_a(s, stream, 0);
    _unlock_file(stream);
    return failed ? CRT_EOF : 0;
}

int CRT_EXPORT fputws(const wchar_t *s, FILE *stream)
{
    int failed;

    if (!s || !stream) {
        crt_invalid_parameter(CRT_EINVAL);
        return CRT_WEOF;
    }
    _lock_file(stream);
    failed = write_string_w(s, stream, 0);
    _unlock_file(stream);
    return failed ? CRT_WEOF : 0;
}

int CRT_EXPORT puts(const char *s)
{
    int failed;

    CHECK_STREAM(s, CRT_EOF);
    CHECK_NARROW(CRT_STDOUT, CRT_EOF);
    _lock_file(CRT_STDOUT);
    failed = write_string_a(s, CRT_STDOUT, 1);
    _unlock_file(CRT_STDOUT);
    return failed ? CRT_EOF : 0;
}

int CRT_EXPORT _putws(const wchar_t *s)
{
    int failed;

    CHECK_STREAM(s, CRT_WEOF);
    _lock_file(CRT_STDOUT);
    failed = write_string_w(s, CRT_STDOUT, 1);
    _unlock_file(CRT_STDOUT);
    return failed ? CRT_WEOF : 0;
}

/* --- blocks ------------------------------------------------------------------------------------------------ */

size_t CRT_EXPORT _fread_nolock(void *buf, size_t size, size_t count, FILE *stream)
{
    size_t total, left;
    char *out = buf;

    if (!size || !count)
        return 0;
    if (!buf || !stream || count > (size_t)-1 / size) {
        crt_invalid_parameter(CRT_EINVAL);
        return 0;
    }
    total = left = size * count;
    while (left) {
        if ((stream->_flag & IO_READ) && stream->_cnt > 0) {
            size_t k = (size_t)stream->_cnt < left ? (size_t)stream->_cnt : left;

            for (size_t i = 0; i < k; i++)
                out[i] = stream->_ptr[i];
            stream->_ptr += k;
            stream->_cnt -= (int)k;
            out += k;
            left -= k;
        } else {
            int c = _filbuf(stream);

            if (c == CRT_EOF)
                break;
            *out++ = (char)c;
            left--;
        }
    }
    return (total - left) / size;
}

size_t CRT_EXPORT fread(void *buf, size_t size, size_t count, FILE *stream)
{
    size_t got;

    CHECK_STREAM(stream, 0);
    _lock_file(stream);
    got = _fread_nolock(buf, size, count, stream);
    _unlock_file(stream);
    return got;
}

/* fread_s: at most buffer_size bytes; more elements asked for than fit, once it is full, is an invalid parameter
 * (ERANGE). */
size_t CRT_EXPORT _fread_nolock_s(void *buf, size_t buffer_size, size_t size, size_t count, FILE *stream)
{
    size_t fit, got;

    if (!size || !count)
        return 0;
    if (!buf || !stream) {
        crt_invalid_parameter(CRT_EINVAL);
        return 0;
    }
    fit = buffer_size / size;
    got = _fread_nolock(buf, size, count < fit ? count : fit, stream);
    if (count > fit && got == fit)
        crt_invalid_parameter(CRT_ERANGE);
    return got;
}

size_t CRT_EXPORT fread_s(void *buf, size_t buffer_size, size_t size, size_t count, FILE *stream)
{
    size_t got;

    CHECK_STREAM(stream, 0);
    _lock_file(stream);
    got = _fread_nolock_s(buf, buffer_size, size, count, stream);
    _unlock_file(stream);
    return got;
}

size_t CRT_EXPORT _fwrite_nolock(const void *buf, size_t size, size_t count, FILE *stream)
{
    if (!size || !count)
        return 0;
    if (!buf || !stream || count > (size_t)-1 / size) {
        crt_invalid_parameter(CRT_EINVAL);
        return 0;
    }
    return crt_stream_write(stream, buf, size * count) / size;
}

size_t CRT_EXPORT fwrite(const void *buf, size_t size, size_t count, FILE *stream)
{
    size_t wrote;

    CHECK_STREAM(stream, 0);
    _lock_file(stream);
    wrote = _fwrite_nolock(buf, size, count, stream);
    _unlock_file(stream);
    return wrote;
}

/* --- buffers and flags ---------------------------------------------------------------------------------- */

int CRT_EXPORT _fflush_nolock(FILE *stream)
{
    if (!stream)
        return crt_flush_streams();
    return crt_stream_flush(stream);
}

int CRT_EXPORT fflush(FILE *stream)
{
    int result;

    if (!stream)
        return crt_flush_streams();
    _lock_file(stream);
    result = crt_stream_flush(stream);
    _unlock_file(stream);
    return result;
}

/* _IOFBF 0, _IOLBF 0x40 (full buffering, as msvcrt gives it), _IONBF 4; a buffer of 2 to INT_MAX bytes. */
int CRT_EXPORT setvbuf(FILE *stream, char *buf, int type, size_t size)
{
    if (!stream || (type != 0 && type != 0x40 && type != IO_NBF)
        || (type != IO_NBF && (size < 2 || size > 0x7FFFFFFF))) {
        crt_invalid_parameter(CRT_EINVAL);
        return -1;
    }
    _lock_file(stream);
    crt_stream_flush(stream);
    if (stream->_flag & IO_MYBUF)
        crt_free(stream->_base);
    stream->_flag &= ~(IO_MYBUF | IO_YOURBUF | IO_NBF | IO_SETVBUF | IO_TEMPBUF);
    if (type == IO_NBF) {
        stream->_flag |= IO_NBF;
        stream->_base = (char *)&stream->_charbuf;
        stream->_bufsiz = 2;
    } else {
        size &= ~(size_t)1;
        if (!buf) {
            if (!(buf = crt_alloc(size))) {
                stream->_base = NULL;
                stream->_bufsiz = 0;
                _unlock_file(stream);
                return -1;
            }
            stream->_flag |= IO_MYBUF | IO_SETVBUF;
        } else {
            stream->_flag |= IO_YOURBUF | IO_SETVBUF;
        }
        stream->_base = buf;
        stream->_bufsiz = (int)size;
    }
    stream->_ptr = stream->_base;
    stream->_cnt = 0;
    _unlock_file(stream);
    return 0;
}

void CRT_EXPORT setbuf(FILE *stream, char *buf)
{
    setvbuf(stream, buf, buf ? 0 : IO_NBF, 512);     /* BUFSIZ */
}

/* feof and ferror: msvcrt gives the flag's bit (as its macros do), the UCRT 1. */
int CRT_EXPORT feof(FILE *stream)
{
    CHECK_STREAM(stream, 0);
    return crt_flavor == CRT_MSVCRT ? stream->_flag & IO_EOF : (stream->_flag & IO_EOF) != 0;
}

int CRT_EXPORT ferror(FILE *stream)
{
    CHECK_STREAM(stream, 0);
    return crt_flavor == CRT_MSVCRT ? stream->_flag & IO_ERR : (stream->_flag & IO_ERR) != 0;
}

int CRT_EXPORT clearerr_s(FILE *stream)
{
    struct crt_fd *entry;

    CHECK_STREAM(stream, CRT_EINVAL);
    _lock_file(stream);
    stream->_flag &= ~(IO_ERR | IO_EOF);
    if ((entry = crt_fd_find(stream->_file)) != NULL)
        entry->flags &= ~FD_EOF;
    _unlock_file(stream);
    return 0;
}

void CRT_EXPORT clearerr(FILE *stream)
{
    clearerr_s(stream);
}

int CRT_EXPORT _fileno(FILE *stream)
{
    CHECK_STREAM(stream, -1);
    return stream->_file;
}
