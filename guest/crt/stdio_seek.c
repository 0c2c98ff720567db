/*
 * Stream positions: ftell and fseek and their 64-bit, _nolock and fpos_t forms, rewind. In text mode the position
 * counts each buffered newline as the CR LF it was or will be in the file.
 */
#include "stdio_internal.h"

/* Counts the newlines of [from, to): each was a CR LF in a text-mode file. */
static long long newlines(const char *from, const char *to)
{
    long long n = 0;

    for (; from < to; from++)
        n += *from == '\n';
    return n;
}

long long CRT_EXPORT _ftelli64_nolock(FILE *stream)
{
    struct crt_fd *entry;
    long long position;
    int text;

    CHECK_STREAM(stream, -1);
    if (!(entry = crt_fd_get(stream->_file)))
        return -1;
    if ((position = _lseeki64(stream->_file, 0, CRT_SEEK_CUR)) < 0)
        return -1;
    text = (entry->flags & FD_TEXTMODE) && entry->text == FD_TEXT_ANSI;
    if ((stream->_flag & IO_WRT) && stream->_base && !(stream->_flag & IO_NBF)) {
        if (entry->flags & FD_APPEND) {
            /* The buffered bytes go to the end of the file. */
            long long end = _lseeki64(stream->_file, 0, CRT_SEEK_END);

            _lseeki64(stream->_file, position, CRT_SEEK_SET);
            position = end;
        }
        position += stream->_ptr - stream->_base;
        if (text)
            position += newlines(stream->_base, stream->_ptr);
    } else if ((stream->_flag & IO_READ) && stream->_cnt > 0) {
        position -= stream->_cnt;
        if (text)
            position -= newlines(stream->_ptr, stream->_ptr + stream->_cnt);
    }
    return position < 0 ? 0 : position;
}

long long CRT_EXPORT _ftelli64(FILE *stream)
{
    long long position;

    CHECK_STREAM(stream, -1);
    _lock_file(stream);
    position = _ftelli64_nolock(stream);
    _unlock_file(stream);
    return position;
}

long CRT_EXPORT _ftell_nolock(FILE *stream)
{
    long long position = _ftelli64_nolock(stream);

    if (position > 0x7FFFFFFF) {
        crt_set_errno(CRT_EINVAL);
        return -1;
    }
    return (long)position;
}

long CRT_EXPORT ftell(FILE *stream)
{
    long position;

    CHECK_STREAM(stream, -1);
    _lock_file(stream);
    position = _ftell_nolock(stream);
    _unlock_file(stream);
    return position;
}

int CRT_EXPORT _fseeki64_nolock(FILE *stream, long long offset, int origin)
{
    if (!stream || origin < 0 || origin > 2) {
        crt_invalid_parameter(CRT_EINVAL);
        return -1;
    }
    if (!(stream->_flag & (IO_READ | IO_WRT | IO_RW))) {
        crt_set_errno(CRT_EINVAL);
        return -1;
    }
    stream->_flag &= ~IO_EOF;
    if (origin == CRT_SEEK_CUR) {
        long long here = _ftelli64_nolock(stream);

        if (here < 0)
            return -1;
        offset += here;
        origin = CRT_SEEK_SET;
    }
    if ((stream->_flag & IO_WRT) && crt_stream_flush(stream))
        return -1;
    stream->_ptr = stream->_base;
    stream->_cnt = 0;
    if (stream->_flag & IO_RW)
        stream->_flag &= ~(IO_READ | IO_WRT);
    return _lseeki64(stream->_file, offset, origin) < 0 ? -1 : 0;
}

int CRT_EXPORT _fseeki64(FILE *stream, long long offset, int origin)
{
    int result;

    CHECK_STREAM(stream, -1);
    _lock_file(stream);
    result = _fseeki64_nolock(stream, offset, origin);
    _unlock_file(stream);
    return result;
}

int CRT_EXPORT _fseek_nolock(FILE *stream, long offset, int origin)
{
    return _fseeki64_nolock(stream, offset, origin);
}

int CRT_EXPORT fseek(FILE *stream, long offset, int origin)
{
    return _fseeki64(stream, offset, origin);
}

void CRT_EXPORT rewind(FILE *stream)
{
    if (!stream) {
        crt_invalid_parameter(CRT_EINVAL);
        return;
    }
    _lock_file(stream);
    _fseeki64_nolock(stream, 0, CRT_SEEK_SET);
    stream->_flag &= ~(IO_ERR | IO_EOF);
    _unlock_file(stream);
}

/* fpos_t is a 64-bit offset in both CRTs. */
int CRT_EXPORT fgetpos(FILE *stream, long long *position)
{
    if (!stream || !position) {
        crt_invalid_parameter(CRT_EINVAL);
        return -1;
    }
    *position = _ftelli64(stream);
    return *position < 0 ? -1 : 0;
}

int CRT_EXPORT fsetpos(FILE *stream, const long long *position)
{
    if (!stream || !position) {
        crt_invalid_parameter(CRT_EINVAL);
        return -1;
    }
    return _fseeki64(stream, *position, CRT_SEEK_SET);
}
