/*
 * Reading, writing and positions of descriptors (_read, _write, _lseek, _eof, _chsize...): text mode translates
 * CR LF and Ctrl-Z (lowio_text_t.h), and the Unicode modes keep UTF-16 units for the caller, stored as UTF-16 or
 * UTF-8 in the file.
 */
#include "stdio_internal.h"

/* --- reading and writing ------------------------------------------------------------------------------- */

/* A console read in a Unicode mode: ReadConsoleW's UTF-16 (the bytes as ReadFile gives them: 1 when it is one). */
static int console_read_w(struct crt_fd *entry, void *buf, unsigned bytes, DWORD *got)
{
    DWORD mode, units = 0;

    if (!(entry->flags & FD_DEV) || (entry->flags & FD_TEXTMODE) == 0 || entry->text == FD_TEXT_ANSI
        || !GetConsoleMode(entry->handle, &mode))
        return 1;
    if (!ReadConsoleW(entry->handle, buf, bytes / 2, &units, NULL))
        return -1;
    *got = units * 2;
    return 0;
}

/* Bytes from the handle, after any read ahead: the count (0 at the end of the input) or -1 with errno set. */
static int raw_read(struct crt_fd *entry, void *buf, unsigned bytes)
{
    unsigned char *out = buf;
    unsigned from_peek = 0;
    DWORD got = 0;
    int console;

    if (!bytes)
        return 0;
    while (entry->peeked && from_peek < bytes) {
        out[from_peek] = (unsigned char)entry->peek[2 - entry->peeked];
        entry->peeked--;
        from_peek++;
    }
    if (from_peek == bytes)
        return (int)bytes;
    console = console_read_w(entry, out + from_peek, bytes - from_peek, &got);
    if (console > 0 && !ReadFile(entry->handle, out + from_peek, bytes - from_peek, &got, NULL))
        console = -1;
    if (console < 0) {
        DWORD error = GetLastError();

        if (error == ERROR_BROKEN_PIPE || error == ERROR_HANDLE_EOF)
            return (int)from_peek;                   /* the other end is gone: the end of the input */
        if (from_peek)
            return (int)from_peek;
        crt_set_errno_from_win32(error);
        if (error == ERROR_ACCESS_DENIED)
            crt_set_errno(CRT_EBADF);                /* not open for reading */
        return -1;
    }
    return (int)(got + from_peek);
}

/* Gives back `bytes` read too far (1 or 2): a file seeks back, a pipe or device keeps them for the next read. */
static void unpeek(struct crt_fd *entry, const void *data, unsigned bytes)
{
    LARGE_INTEGER back;

    if (!(entry->flags & (FD_DEV | FD_PIPE))) {
        back.QuadPart = -(LONGLONG)bytes;
        SetFilePointerEx(entry->handle, back, NULL, FILE_CURRENT);
    } else {
        for (unsigned i = 0; i < bytes; i++)
            entry->peek[2 - bytes + i] = ((const char *)data)[i];
        entry->peeked = (unsigned char)bytes;
    }
}

#define CH char
#define F(name) name##_a
#include "lowio_text_t.h"
#undef CH
#undef F
#define CH wchar_t
#define F(name) name##_w
#include "lowio_text_t.h"
#undef CH
#undef F

/* The UTF-8 mode: UTF-8 bytes in the file, UTF-16 units to the caller (count bytes of room). */
static int read_utf8(struct crt_fd *entry, wchar_t *buf, unsigned count)
{
    unsigned room = count / sizeof(wchar_t), have, need;
    char *bytes;
    int got, units;

    if (!room)
        return 0;
    /* Every UTF-8 byte gives at most one unit, so room bytes (plus the rest of a cut sequence) fit. */
    bytes = crt_alloc(room + 4);
    if (!bytes) {
        crt_set_errno(CRT_ENOMEM);
        return -1;
    }
    got = read_text_a(entry, bytes, room);
    if (got > 0) {
        have = (unsigned)got;
        for (need = 0; need < 4 && need < have && ((unsigned char)bytes[have - 1 - need] & 0xC0) == 0x80;)
            need++;                                  /* continuation bytes at the end */
        if (need < have) {
            unsigned char lead = (unsigned char)bytes[have - 1 - need];
            unsigned length = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC0 ? 2 : 1;

            while (need + 1 < length && raw_read(entry, bytes + have, 1) == 1) {
                have++;
                need++;
            }
        }
        units = MultiByteToWideChar(CP_UTF8, 0, bytes, (int)have, buf, (int)room);
        got = units;
    }
    crt_free(bytes);
    return got;
}

int CRT_EXPORT _read(int fd, void *buffer, unsigned int count)
{
    struct crt_fd *entry = crt_fd_get(fd);

    if (!entry)
        return -1;
    if (!buffer && count) {
        crt_invalid_parameter(CRT_EINVAL);
        return -1;
    }
    if (count > 0x7FFFFFFF) {
        crt_invalid_parameter(CRT_EINVAL);
        return -1;
    }
    if (!count || (entry->flags & FD_EOF))
        return 0;
    if (!(entry->flags & FD_TEXTMODE))
        return raw_read(entry, buffer, count);
    switch (entry->text) {
    case FD_TEXT_UTF16: {
        int units;

        if (count & 1) {                             /* UTF-16 is read in whole units */
            crt_invalid_parameter(CRT_EINVAL);
            return -1;
        }
        units = read_text_w(entry, buffer, count / 2);
        return units < 0 ? -1 : units * 2;
    }
    case FD_TEXT_UTF8: {
        int units;
        DWORD mode;

        if (count & 1) {
            crt_invalid_parameter(CRT_EINVAL);
            return -1;
        }
        if ((entry->flags & FD_DEV) && GetConsoleMode(entry->handle, &mode))
            units = read_text_w(entry, buffer, count / 2);   /* a console gives UTF-16 */
        else
            units = read_utf8(entry, buffer, count);
        return units < 0 ? -1 : units * 2;
    }
    default:
        return read_text_a(entry, buffer, count);
    }
}

/* All of bytes to the handle: 0, or -1 with errno set (the count written in *written). */
static int raw_write(struct crt_fd *entry, const void *data, DWORD bytes, DWORD *written)
{
    DWORD error;

    *written = 0;
    if (!bytes)
        return 0;
    if (WriteFile(entry->handle, data, bytes, written, NULL) && *written == bytes)
        return 0;
    error = GetLastError();
    if (*written < bytes && error == ERROR_SUCCESS) {
        crt_set_errno(CRT_ENOSPC);                   /* a short write with no error: the disk is full */
        crt_thread_data()->doserr = 0;
    } else {
        crt_set_errno_from_win32(error);
        if (error == ERROR_ACCESS_DENIED)
            crt_set_errno(CRT_EBADF);                /* not open for writing */
    }
    return -1;
}

/* UTF-16 units to a console: WriteConsoleW (the console shows them whatever its code page). */
static int console_write_w(struct crt_fd *entry, const wchar_t *units, DWORD count)
{
    DWORD mode, done;

    if (!GetConsoleMode(entry->handle, &mode))
        return 1;                                    /* not a console: the caller writes the bytes */
    if (!WriteConsoleW(entry->handle, units, count, &done, NULL)) {
        crt_set_errno_from_win32(GetLastError());
        return -1;
    }
    return 0;
}

/* Text mode in the Unicode modes: units of UTF-16, LF as CR LF, written as UTF-16 or UTF-8 (to a console, as
 * UTF-16 through WriteConsoleW): the bytes of src consumed, or -1 with errno set when none were. */
static int write_unicode(struct crt_fd *entry, const wchar_t *src, unsigned units)
{
    wchar_t chunk[512];
    char utf8[512 * 3];
    unsigned done = 0, before;

    while (done < units) {
        unsigned n;
        DWORD written;
        int status = 1;

        before = done;
        n = to_crlf_w(src, units, &done, chunk, 512);
        if (done < units && n > 1 && chunk[n - 1] >= 0xD800 && chunk[n - 1] < 0xDC00) {
            n--;                                     /* keep a surrogate pair together */
            done--;
        }
        if (entry->flags & FD_DEV)
            status = console_write_w(entry, chunk, n);
        if (status > 0 && entry->text == FD_TEXT_UTF16)
            status = raw_write(entry, chunk, n * 2, &written);
        else if (status > 0)
            status = raw_write(entry, utf8, WideCharToMultiByte(CP_UTF8, 0, chunk, (int)n, utf8, sizeof utf8, NULL,
                                                                NULL), &written);
        if (status < 0)
            return before ? (int)before * 2 : -1;
    }
    return (int)units * 2;
}

int CRT_EXPORT _write(int fd, const void *buffer, unsigned int count)
{
    struct crt_fd *entry = crt_fd_get(fd);
    LARGE_INTEGER zero;
    DWORD written;

    if (!entry)
        return -1;
    if (!count)
        return 0;
    if (!buffer) {
        crt_invalid_parameter(CRT_EINVAL);
        return -1;
    }
    if (entry->flags & FD_APPEND) {
        zero.QuadPart = 0;
        SetFilePointerEx(entry->handle, zero, NULL, FILE_END);
    }
    if (!(entry->flags & FD_TEXTMODE)) {
        if (raw_write(entry, buffer, count, &written) < 0)
            return written ? (int)written : -1;
        return (int)count;
    }
    if (entry->text != FD_TEXT_ANSI) {
        if (count & 1) {                             /* UTF-16 is written in whole units */
            crt_invalid_parameter(CRT_EINVAL);
            return -1;
        }
        return write_unicode(entry, buffer, count / 2);
    }
    {
        char chunk[1024];
        unsigned done = 0, before, n;

        while (done < count) {
            before = done;
            n = to_crlf_a(buffer, count, &done, chunk, sizeof chunk);
            if (raw_write(entry, chunk, n, &written) < 0)
                return before ? (int)before : -1;
        }
    }
    return (int)count;
}

/* --- positions ----------------------------------------------------------------------------------------- */

long long CRT_EXPORT _lseeki64(int fd, long long offset, int origin)
{
    struct crt_fd *entry = crt_fd_get(fd);
    LARGE_INTEGER move, now;

    if (!entry)
        return -1;
    if (origin < 0 || origin > 2) {
        crt_invalid_parameter(CRT_EINVAL);
        return -1;
    }
    move.QuadPart = offset;
    if (!SetFilePointerEx(entry->handle, move, &now, origin)) {
        crt_set_errno_from_win32(GetLastError());
        return -1;
    }
    entry->flags &= ~FD_EOF;
    entry->peeked = 0;
    return now.QuadPart;
}

long CRT_EXPORT _lseek(int fd, long offset, int origin)
{
    long long position = _lseeki64(fd, offset, origin);

    if (position > 0x7FFFFFFF) {
        crt_set_errno(CRT_EINVAL);                   /* beyond what a long holds */
        return -1;
    }
    return (long)position;
}

long CRT_EXPORT _tell(int fd)
{
    return _lseek(fd, 0, CRT_SEEK_CUR);
}

long long CRT_EXPORT _telli64(int fd)
{
    return _lseeki64(fd, 0, CRT_SEEK_CUR);
}

/* 1 at the end of the file, 0 before it, -1 on an error. */
int CRT_EXPORT _eof(int fd)
{
    long long here, end;

    if ((here = _lseeki64(fd, 0, CRT_SEEK_CUR)) < 0 || (end = _lseeki64(fd, 0, CRT_SEEK_END)) < 0)
        return -1;
    if (here == end)
        return 1;
    return _lseeki64(fd, here, CRT_SEEK_SET) < 0 ? -1 : 0;
}

long long CRT_EXPORT _filelengthi64(int fd)
{
    long long here, end;

    if ((here = _lseeki64(fd, 0, CRT_SEEK_CUR)) < 0)
        return -1;
    end = _lseeki64(fd, 0, CRT_SEEK_END);
    _lseeki64(fd, here, CRT_SEEK_SET);
    return end;
}

long CRT_EXPORT _filelength(int fd)
{
    long long length = _filelengthi64(fd);

    if (length > 0x7FFFFFFF) {
        crt_set_errno(CRT_EINVAL);
        return -1;
    }
    return (long)length;
}

/* The file's size set to `size` (grown with zeros), its position kept: 0 or an errno value. */
int CRT_EXPORT _chsize_s(int fd, long long size)
{
    struct crt_fd *entry = crt_fd_get(fd);
    long long here;
    LARGE_INTEGER to;
    int err = 0;

    if (!entry)
        return CRT_EBADF;
    if (size < 0) {
        crt_invalid_parameter(CRT_EINVAL);
        return CRT_EINVAL;
    }
    if ((here = _lseeki64(fd, 0, CRT_SEEK_CUR)) < 0)
        return crt_thread_data()->err;
    to.QuadPart = size;
    if (!SetFilePointerEx(entry->handle, to, NULL, FILE_BEGIN) || !SetEndOfFile(entry->handle)) {
        crt_set_errno_from_win32(GetLastError());
        if (crt_thread_data()->doserr == ERROR_ACCESS_DENIED)
            crt_set_errno(CRT_EACCES);
        err = crt_thread_data()->err;
    }
    _lseeki64(fd, here, CRT_SEEK_SET);
    return err;
}

int CRT_EXPORT _chsize(int fd, long size)
{
    int err = _chsize_s(fd, size);

    if (err) {
        crt_set_errno(err);
        return -1;
    }
    return 0;
}
