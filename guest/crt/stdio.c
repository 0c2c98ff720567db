/*
 * FILE streams: the stream table, the locks, the buffers and the stream interface of crt.h. _iob holds the first
 * 20 streams (stdin, stdout, stderr and 17 more), as msvcrt exports it; streams beyond are allocated on demand, a
 * CRITICAL_SECTION after each FILE (msvcrt's _FILEX, which mingw-w64's own _lock_file expects), up to
 * _getmaxstdio() streams. Buffering as the Microsoft CRTs do it: a stream gets its 4096-byte buffer on its first
 * read or write; stdout and stderr on a console are written at the end of each call (the "temporary buffering"),
 * stderr elsewhere is unbuffered and every other stream fully buffered (_IOLBF is full buffering).
 */
#include "stdio_internal.h"

typedef struct {
    FILE file;
    CRITICAL_SECTION lock;
    int depth;                                       /* how deep the owner holds the lock */
} stream_ext;

FILE _iob[CRT_IOB_ENTRIES];
static int iob_depth[CRT_IOB_ENTRIES];
static FILE **streams;                               /* _getmaxstdio() entries: _iob's, then stream_ext's */
static int max_streams;

static int iob_index(FILE *stream)
{
    return stream >= _iob && stream < _iob + CRT_IOB_ENTRIES ? (int)(stream - _iob) : -1;
}

FILE *CRT_EXPORT __iob_func(void)
{
    return _iob;
}

/* The address of _iob, as every __p__ function gives its variable's. */
FILE *CRT_EXPORT __p__iob(void)
{
    return _iob;
}

FILE *CRT_EXPORT __acrt_iob_func(unsigned index)
{
    return &_iob[index];
}

/* --- locks ----------------------------------------------------------------------------------------------- */

void CRT_EXPORT _lock_file(FILE *stream)
{
    int index = iob_index(stream);

    if (index >= 0) {
        _lock(CRT_LOCK_STREAM0 + index);
        iob_depth[index]++;
    } else {
        EnterCriticalSection(&((stream_ext *)stream)->lock);
        ((stream_ext *)stream)->depth++;
    }
}

/* The last release of a console's stdout or stderr writes what the call left in the buffer. */
void CRT_EXPORT _unlock_file(FILE *stream)
{
    int index = iob_index(stream);
    int *depth = index >= 0 ? &iob_depth[index] : &((stream_ext *)stream)->depth;

    if (*depth == 1 && (stream->_flag & IO_TEMPBUF) && (stream->_flag & IO_WRT) && stream->_ptr != stream->_base)
        crt_stream_flush(stream);
    --*depth;
    if (index >= 0)
        _unlock(CRT_LOCK_STREAM0 + index);
    else
        LeaveCriticalSection(&((stream_ext *)stream)->lock);
}

/* --- the table ------------------------------------------------------------------------------------------ */

static int in_use(FILE *stream)
{
    return (stream->_flag & (IO_READ | IO_WRT | IO_RW)) != 0;
}

void crt_stdio_init(void)
{
    static const int flags[3] = {IO_READ, IO_WRT, IO_WRT};

    crt_lowio_init();
    max_streams = 512;
    streams = crt_zalloc(max_streams * sizeof *streams);
    for (int i = 0; i < CRT_IOB_ENTRIES; i++) {
        _iob[i]._file = -1;
        if (streams)
            streams[i] = &_iob[i];
    }
    for (int i = 0; i < 3; i++) {
        _iob[i]._flag = flags[i];
        _iob[i]._file = i;
    }
}

FILE *crt_stream_alloc(void)
{
    FILE *found = NULL;

    _lock(CRT_LOCK_IOB_SCAN);
    for (int i = 3; i < max_streams && !found; i++) {
        if (!streams[i]) {
            stream_ext *ext = crt_zalloc(sizeof *ext);

            if (!ext)
                break;
            InitializeCriticalSection(&ext->lock);
            streams[i] = &ext->file;
        }
        if (in_use(streams[i]))
            continue;
        _lock_file(streams[i]);
        if (in_use(streams[i])) {                    /* taken while we waited */
            _unlock_file(streams[i]);
            continue;
        }
        found = streams[i];
    }
    _unlock(CRT_LOCK_IOB_SCAN);
    if (!found) {
        crt_set_errno(CRT_EMFILE);
        return NULL;
    }
    found->_ptr = found->_base = NULL;
    found->_cnt = found->_bufsiz = found->_charbuf = 0;
    found->_tmpfname = NULL;
    found->_file = -1;
    return found;
}

int CRT_EXPORT _getmaxstdio(void)
{
    return max_streams;
}

/* The number of streams: from 20 to 2048 (msvcrt) or 8192 (UCRT); a smaller table keeps the streams in use. */
int CRT_EXPORT _setmaxstdio(int count)
{
    FILE **grown;
    int result = count;

    if (count < CRT_IOB_ENTRIES || count > (crt_flavor == CRT_MSVCRT ? 2048 : 8192)) {
        crt_invalid_parameter(CRT_EINVAL);
        return -1;
    }
    _lock(CRT_LOCK_IOB_SCAN);
    for (int i = count; i < max_streams; i++)
        if (streams[i] && in_use(streams[i]))
            result = -1;
    if (result >= 0 && count != max_streams) {
        for (int i = count; i < max_streams; i++)
            if (streams[i]) {
                DeleteCriticalSection(&((stream_ext *)streams[i])->lock);
                crt_free(streams[i]);
            }
        grown = crt_realloc(streams, count * sizeof *grown);
        if (!grown) {
            result = -1;
        } else {
            for (int i = max_streams; i < count; i++)
                grown[i] = NULL;
            streams = grown;
            max_streams = count;
        }
    }
    _unlock(CRT_LOCK_IOB_SCAN);
    return result;
}

/* Applies fn to every stream in use from index first on (those `want` takes, when given), each under its lock:
 * the number of streams; *failed when one gave EOF. */
static int for_each_stream(int first, int (*want)(FILE *), int (*fn)(FILE *), int *failed)
{
    int count = 0;

    _lock(CRT_LOCK_IOB_SCAN);
    for (int i = first; i < max_streams; i++) {
        FILE *stream = streams[i];

        if (!stream || !in_use(stream))
            continue;
        _lock_file(stream);
        if (in_use(stream) && (!want || want(stream))) {
            count++;
            if (fn(stream) == CRT_EOF && failed)
                *failed = 1;
        }
        _unlock_file(stream);
    }
    _unlock(CRT_LOCK_IOB_SCAN);
    return count;
}

static int flush_if_writing(FILE *stream)
{
    return (stream->_flag & IO_WRT) ? crt_stream_flush(stream) : 0;
}

int crt_flush_all(void)
{
    if (!streams)
        return 0;
    return for_each_stream(0, NULL, flush_if_writing, NULL);
}

int CRT_EXPORT _flushall(void)
{
    return crt_flush_all();
}

int CRT_EXPORT _fcloseall(void)
{
    return for_each_stream(3, NULL, crt_stream_close, NULL);
}

static int is_temporary(FILE *stream)
{
    return stream->_tmpfname != NULL;
}

/* Closes (and so deletes) the streams tmpfile opened: their number. */
int CRT_EXPORT _rmtmp(void)
{
    return for_each_stream(3, is_temporary, crt_stream_close, NULL);
}

int crt_flush_streams(void)
{
    int failed = 0;

    for_each_stream(0, NULL, flush_if_writing, &failed);
    return failed ? CRT_EOF : 0;
}

/* --- buffers --------------------------------------------------------------------------------------------- */

/* A descriptor's device flag, without the bad-descriptor path. */
static int is_device(int fd)
{
    struct crt_fd *entry = crt_fd_find(fd);

    return entry && (entry->flags & FD_DEV);
}

/* The stream's first buffer: 4096 bytes; stderr off a console and a stream without memory use _charbuf. */
static void get_buffer(FILE *stream)
{
    int index = iob_index(stream);
    int console_std = (index == 1 || index == 2) && is_device(stream->_file);

    if (index == 2 && !console_std) {
        stream->_flag |= IO_NBF;
    } else if ((stream->_base = crt_alloc(CRT_BUFSIZ)) != NULL) {
        stream->_flag |= IO_MYBUF | (console_std ? IO_TEMPBUF : 0);
        stream->_bufsiz = CRT_BUFSIZ;
    } else {
        stream->_flag |= IO_NBF;
    }
    if (stream->_flag & IO_NBF) {
        stream->_base = (char *)&stream->_charbuf;
        stream->_bufsiz = 2;
    }
    stream->_ptr = stream->_base;
    stream->_cnt = 0;
}

/* Writes the buffered bytes (writing mode): 0, or EOF with the error flag set. */
static int write_out(FILE *stream)
{
    int n = (int)(stream->_ptr - stream->_base);

    stream->_ptr = stream->_base;
    stream->_cnt = 0;
    if (n > 0 && _write(stream->_file, stream->_base, n) != n) {
        stream->_flag |= IO_ERR;
        return CRT_EOF;
    }
    return 0;
}

int crt_stream_flush(FILE *stream)
{
    int result = 0, writing = (stream->_flag & IO_WRT) != 0;

    if (writing && !(stream->_flag & IO_READ) && stream->_base && !(stream->_flag & IO_NBF))
        result = write_out(stream);
    if (writing || crt_flavor == CRT_MSVCRT) {
        /* msvcrt's fflush also drops what a reading stream buffered; the UCRT's leaves it. */
        stream->_ptr = stream->_base;
        stream->_cnt = 0;
        if (stream->_flag & IO_RW)
            stream->_flag &= ~(IO_WRT | (crt_flavor == CRT_MSVCRT ? IO_READ : 0));
    }
    if (result == 0 && writing && (stream->_flag & IO_COMMIT) && _commit(stream->_file) < 0)
        result = CRT_EOF;
    return result;
}

/* The stream made ready for writing: 0, or EOF with the error flag set. */
static int start_write(FILE *stream)
{
    if ((stream->_flag & IO_STRG) || !(stream->_flag & (IO_WRT | IO_RW))) {
        stream->_flag |= IO_ERR;
        crt_set_errno(CRT_EBADF);
        return CRT_EOF;
    }
    if (stream->_flag & IO_READ) {
        /* From reading to writing without a seek: only at the end of the file, as the CRTs allow it. */
        if (!(stream->_flag & IO_RW) || !(stream->_flag & IO_EOF)) {
            stream->_flag |= IO_ERR;
            return CRT_EOF;
        }
        stream->_flag &= ~IO_READ;
        stream->_ptr = stream->_base;
        stream->_cnt = 0;
    }
    stream->_flag = (stream->_flag | IO_WRT) & ~IO_EOF;
    if (!stream->_base)
        get_buffer(stream);
    return 0;
}

int CRT_EXPORT _flsbuf(int c, FILE *stream)
{
    char byte = (char)c;

    if (start_write(stream))
        return CRT_EOF;
    if (stream->_flag & IO_NBF) {
        stream->_cnt = 0;
        if (_write(stream->_file, &byte, 1) != 1) {
            stream->_flag |= IO_ERR;
            return CRT_EOF;
        }
        return c & 0xFF;
    }
    if (stream->_ptr - stream->_base >= stream->_bufsiz && write_out(stream))
        return CRT_EOF;
    *stream->_ptr++ = byte;
    stream->_cnt = stream->_bufsiz - (int)(stream->_ptr - stream->_base);
    return c & 0xFF;
}

/* A string stream (_IOSTRG, as sprintf's FILE): the bytes that fit in its _cnt. */
static size_t string_write(FILE *stream, const char *data, size_t n)
{
    size_t k = stream->_cnt > 0 ? ((size_t)stream->_cnt < n ? (size_t)stream->_cnt : n) : 0;

    for (size_t i = 0; i < k; i++)
        stream->_ptr[i] = data[i];
    stream->_ptr += k;
    stream->_cnt -= (int)k;
    if (k < n)
        stream->_flag |= IO_ERR;
    return k;
}

size_t crt_stream_write(FILE *stream, const char *data, size_t n)
{
    size_t done = 0;

    if (!n)
        return 0;
    if (stream->_flag & IO_STRG)
        return string_write(stream, data, n);
    if (start_write(stream))
        return 0;
    while (done < n) {
        size_t room, k;

        if (stream->_flag & IO_NBF) {
            /* Unbuffered: the bytes go out in one _write. */
            unsigned chunk = n - done > 0x40000000 ? 0x40000000 : (unsigned)(n - done);
            int wrote = _write(stream->_file, data + done, chunk);

            if (wrote <= 0) {
                stream->_flag |= IO_ERR;
                break;
            }
            done += wrote;
            continue;
        }
        room = stream->_bufsiz - (stream->_ptr - stream->_base);
        if (!room) {
            if (write_out(stream))
                break;
            continue;
        }
        if (stream->_ptr == stream->_base && n - done >= (size_t)stream->_bufsiz
            && !(stream->_flag & IO_TEMPBUF)) {
            /* Whole buffers' worth goes straight to the file. */
            size_t whole = (n - done) / stream->_bufsiz * stream->_bufsiz;
            unsigned chunk = whole > 0x40000000 ? 0x40000000 : (unsigned)whole;
            int wrote = _write(stream->_file, data + done, chunk);

            if (wrote <= 0) {
                stream->_flag |= IO_ERR;
                break;
            }
            done += wrote;
            continue;
        }
        k = room < n - done ? room : n - done;
        for (size_t i = 0; i < k; i++)
            stream->_ptr[i] = data[done + i];
        stream->_ptr += k;
        done += k;
    }
    stream->_cnt = (stream->_flag & IO_NBF) ? 0 : stream->_bufsiz - (int)(stream->_ptr - stream->_base);
    return done;
}

/* The stream made ready for reading: 0, or EOF. */
static int start_read(FILE *stream)
{
    if (stream->_flag & IO_STRG) {
        stream->_flag |= IO_EOF;                     /* the string's end */
        return CRT_EOF;
    }
    if (!(stream->_flag & (IO_READ | IO_RW))) {
        stream->_flag |= IO_ERR;
        return CRT_EOF;
    }
    if (stream->_flag & IO_WRT) {
        stream->_flag |= IO_ERR;                     /* writing, not flushed nor sought */
        return CRT_EOF;
    }
    stream->_flag |= IO_READ;
    if (!stream->_base)
        get_buffer(stream);
    return 0;
}

int CRT_EXPORT _filbuf(FILE *stream)
{
    int got;

    if (start_read(stream))
        return CRT_EOF;
    got = _read(stream->_file, stream->_base, stream->_bufsiz);
    if (got <= 0) {
        stream->_flag |= got ? IO_ERR : IO_EOF;
        stream->_cnt = 0;
        return CRT_EOF;
    }
    stream->_ptr = stream->_base + 1;
    stream->_cnt = got - 1;
    return (unsigned char)stream->_base[0];
}

int crt_stream_getc(FILE *stream)
{
    if ((stream->_flag & (IO_READ | IO_STRG)) && stream->_cnt > 0) {
        stream->_cnt--;
        return (unsigned char)*stream->_ptr++;
    }
    return _filbuf(stream);
}

/* Pushes n bytes back in front of the buffered input: 0, or EOF without room. */
static int push_back(FILE *stream, const char *bytes, int n)
{
    if (stream->_flag & IO_STRG) {
        /* A string takes back only what it gave. */
        if (stream->_ptr - stream->_base < n)
            return CRT_EOF;
        for (int i = 0; i < n; i++)
            if (stream->_ptr[i - n] != bytes[i])
                return CRT_EOF;
        stream->_ptr -= n;
        stream->_cnt += n;
        stream->_flag &= ~IO_EOF;
        return 0;
    }
    if (!(stream->_flag & IO_READ) && !((stream->_flag & IO_RW) && !(stream->_flag & IO_WRT)))
        return CRT_EOF;
    if (!stream->_base)
        get_buffer(stream);
    if (stream->_ptr - stream->_base < n) {
        if (stream->_cnt || stream->_bufsiz < n)
            return CRT_EOF;
        stream->_ptr = stream->_base + n;            /* an empty buffer: room at its start */
    }
    for (int i = n - 1; i >= 0; i--)
        *--stream->_ptr = bytes[i];
    stream->_cnt += n;
    stream->_flag = (stream->_flag | IO_READ) & ~IO_EOF;
    return 0;
}

int crt_stream_ungetc(int c, FILE *stream)
{
    char byte = (char)c;

    if (c == CRT_EOF || push_back(stream, &byte, 1))
        return CRT_EOF;
    return c & 0xFF;
}

/* 1 when wide characters are converted through the code page: a descriptor in ANSI text mode (a string
 * stream, swprintf's, holds UTF-16). */
static int ansi_text(FILE *stream)
{
    struct crt_fd *entry;

    if (stream->_flag & IO_STRG)
        return 0;
    if (!(entry = crt_fd_find(stream->_file)))
        return 0;
    return (entry->flags & FD_TEXTMODE) && entry->text == FD_TEXT_ANSI;
}

int crt_stream_is_narrow(FILE *stream)
{
    struct crt_fd *entry;

    if ((stream->_flag & IO_STRG) || !(entry = crt_fd_find(stream->_file)))
        return 1;
    return !(entry->flags & FD_TEXTMODE) || entry->text == FD_TEXT_ANSI;
}

unsigned short crt_stream_putwc(wchar_t c, FILE *stream)
{
    char bytes[8];
    int n;

    if (ansi_text(stream)) {
        BOOL lost = FALSE;

        if (c < 0x80) {
            bytes[0] = (char)c;
            n = 1;
        } else {
            n = WideCharToMultiByte(CP_ACP, 0, &c, 1, bytes, sizeof bytes, NULL, &lost);
            if (n <= 0 || lost) {
                crt_set_errno(CRT_EILSEQ);
                return CRT_WEOF;
            }
        }
    } else {
        /* Binary and the Unicode modes: the UTF-16 unit (the descriptor converts UTF-8). */
        bytes[0] = (char)(c & 0xFF);
        bytes[1] = (char)(c >> 8);
        n = 2;
    }
    return crt_stream_write(stream, bytes, n) == (size_t)n ? (unsigned short)c : CRT_WEOF;
}

unsigned short crt_stream_getwc(FILE *stream)
{
    int first = crt_stream_getc(stream), second;
    char bytes[2];
    wchar_t c;

    if (first == CRT_EOF)
        return CRT_WEOF;
    if (!ansi_text(stream)) {
        if ((second = crt_stream_getc(stream)) == CRT_EOF)
            return CRT_WEOF;
        return (unsigned short)(first | second << 8);
    }
    if (first < 0x80)
        return (unsigned short)first;
    bytes[0] = (char)first;
    if (IsDBCSLeadByte((BYTE)first)) {
        if ((second = crt_stream_getc(stream)) == CRT_EOF) {
            crt_set_errno(CRT_EILSEQ);
            return CRT_WEOF;
        }
        bytes[1] = (char)second;
    }
    if (MultiByteToWideChar(CP_ACP, MB_ERR_INVALID_CHARS, bytes, IsDBCSLeadByte((BYTE)first) ? 2 : 1, &c, 1) != 1) {
        crt_set_errno(CRT_EILSEQ);
        return CRT_WEOF;
    }
    return (unsigned short)c;
}

unsigned short crt_stream_ungetwc(unsigned short c, FILE *stream)
{
    char bytes[8];
    int n;

    if (c == CRT_WEOF)
        return CRT_WEOF;
    if (ansi_text(stream)) {
        wchar_t wc = c;
        BOOL lost = FALSE;

        n = WideCharToMultiByte(CP_ACP, 0, &wc, 1, bytes, sizeof bytes, NULL, &lost);
        if (n <= 0 || lost)
            return CRT_WEOF;
    } else {
        bytes[0] = (char)(c & 0xFF);
        bytes[1] = (char)(c >> 8);
        n = 2;
    }
    return push_back(stream, bytes, n) ? CRT_WEOF : c;
}

/* --- closing --------------------------------------------------------------------------------------------- */

int crt_stream_close(FILE *stream)
{
    int result = 0;

    if (!in_use(stream))
        return CRT_EOF;
    if (stream->_flag & IO_WRT)
        result = crt_stream_flush(stream);
    if (stream->_flag & IO_MYBUF)
        crt_free(stream->_base);
    if (stream->_file >= 0 && _close(stream->_file) < 0)
        result = CRT_EOF;
    if (stream->_tmpfname) {
        DeleteFileA(stream->_tmpfname);              /* tmpfile's file */
        crt_free(stream->_tmpfname);
    }
    stream->_flag = 0;
    stream->_ptr = stream->_base = stream->_tmpfname = NULL;
    stream->_cnt = stream->_bufsiz = 0;
    stream->_file = -1;
    return result;
}

/* The UCRT's view into a stream's buffer (its inline getc and putc use it). */
int CRT_EXPORT _get_stream_buffer_pointers(FILE *stream, char ***base, char ***ptr, int **count)
{
    if (!stream) {
        crt_invalid_parameter(CRT_EINVAL);
        return CRT_EINVAL;
    }
    if (base)
        *base = &stream->_base;
    if (ptr)
        *ptr = &stream->_ptr;
    if (count)
        *count = &stream->_cnt;
    return 0;
}
