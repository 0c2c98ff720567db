/*
 * Opening and closing streams: fopen and its variants (the mode string with the Microsoft extras), freopen,
 * _fdopen, fclose.
 */
#include "stdio_internal.h"

/* fopen's mode: the _O_ flags and the stream flags; 0, or -1 for a mode the CRTs reject. */
static int parse_mode(const wchar_t *mode, int *oflag, int *sflag)
{
    int seen_plus = 0, seen_kind = 0, seen_commit = 0, seen_access = 0, seen_temp = 0, seen_short = 0;
    int seen_inherit = 0;

    while (*mode == ' ')
        mode++;
    switch (*mode++) {
    case 'r': *oflag = CRT_O_RDONLY; *sflag = IO_READ; break;
    case 'w': *oflag = CRT_O_WRONLY | CRT_O_CREAT | CRT_O_TRUNC; *sflag = IO_WRT; break;
    case 'a': *oflag = CRT_O_WRONLY | CRT_O_CREAT | CRT_O_APPEND; *sflag = IO_WRT; break;
    default: return -1;
    }
    if (_commode & IO_COMMIT)
        *sflag |= IO_COMMIT;
    for (; *mode && *mode != ','; mode++) {
        switch (*mode) {
        case '+':
            if (seen_plus++)
                return -1;
            *oflag = (*oflag & ~CRT_O_ACCMODE) | CRT_O_RDWR;
            *sflag = (*sflag & ~(IO_READ | IO_WRT)) | IO_RW;
            break;
        case 'b':
        case 't':
            if (seen_kind++)
                return -1;
            *oflag |= *mode == 'b' ? CRT_O_BINARY : CRT_O_TEXT;
            break;
        case 'c':
        case 'n':
            if (seen_commit++)
                return -1;
            *sflag = *mode == 'c' ? *sflag | IO_COMMIT : *sflag & ~IO_COMMIT;
            break;
        case 'S':
        case 'R':
            if (seen_access++)
                return -1;
            *oflag |= *mode == 'S' ? CRT_O_SEQUENTIAL : CRT_O_RANDOM;
            break;
        case 'T':
            if (seen_short++)
                return -1;
            *oflag |= CRT_O_SHORT_LIVED;
            break;
        case 'D':
            if (seen_temp++)
                return -1;
            *oflag |= CRT_O_TEMPORARY;
            break;
        case 'N':
            if (seen_inherit++)
                return -1;
            *oflag |= CRT_O_NOINHERIT;
            break;
        case 'x':                                    /* C11's exclusive creation: the UCRT's, after w */
            if (crt_flavor != CRT_UCRT || !(*oflag & CRT_O_TRUNC) || (*oflag & CRT_O_EXCL))
                return -1;
            *oflag |= CRT_O_EXCL;
            break;
        case ' ':
            break;
        default:
            return -1;
        }
    }
    if (*mode == ',') {
        /* ", ccs=ENCODING": a Unicode mode. */
        static const struct { const wchar_t *name; int flag; } encodings[] = {
            {L"UTF-8", CRT_O_U8TEXT}, {L"UTF-16LE", CRT_O_U16TEXT}, {L"UNICODE", CRT_O_WTEXT},
        };
        int found = 0;

        for (mode++; *mode == ' '; mode++)
            ;
        if (mode[0] != 'c' || mode[1] != 'c' || mode[2] != 's')
            return -1;
        for (mode += 3; *mode == ' '; mode++)
            ;
        if (*mode++ != '=')
            return -1;
        for (; *mode == ' '; mode++)
            ;
        for (size_t i = 0; i < sizeof encodings / sizeof encodings[0] && !found; i++) {
            size_t n = lstrlenW(encodings[i].name), k;

            for (k = 0; k < n && mode[k] == encodings[i].name[k]; k++)
                ;
            if (k == n) {
                if (*oflag & CRT_O_BINARY)
                    return -1;                       /* an encoding is text */
                *oflag = (*oflag & ~(CRT_O_TEXT | CRT_O_BINARY)) | encodings[i].flag;
                mode += n;
                found = 1;
            }
        }
        if (!found)
            return -1;
        while (*mode == ' ')
            mode++;
        if (*mode)
            return -1;
    }
    return 0;
}

FILE *crt_stream_open(const wchar_t *path, const wchar_t *mode, int shflag, FILE *stream)
{
    int oflag, sflag, fd;

    if (parse_mode(mode, &oflag, &sflag)) {
        crt_invalid_parameter(CRT_EINVAL);
        return NULL;
    }
    fd = crt_wopen(path, oflag, shflag, CRT_S_IREAD | CRT_S_IWRITE);
    if (fd < 0)
        return NULL;
    stream->_flag = sflag;
    stream->_file = fd;
    stream->_ptr = stream->_base = NULL;
    stream->_cnt = stream->_bufsiz = 0;
    return stream;
}

/* A narrow mode string widened (modes are ASCII): 0, or -1 when too long to be one. */
static int widen_mode(const char *mode, wchar_t *wide, size_t room)
{
    size_t i;

    for (i = 0; mode[i]; i++) {
        if (i + 1 >= room)
            return -1;
        wide[i] = (unsigned char)mode[i];
    }
    wide[i] = 0;
    return 0;
}

static FILE *wide_open(const wchar_t *path, const wchar_t *mode, int shflag)
{
    FILE *stream, *opened;

    if (!path || !mode || !*mode || !*path) {
        crt_invalid_parameter(CRT_EINVAL);
        return NULL;
    }
    if (!(stream = crt_stream_alloc()))
        return NULL;
    opened = crt_stream_open(path, mode, shflag, stream);
    _unlock_file(stream);
    return opened;
}

static FILE *narrow_open(const char *path, const char *mode, int shflag)
{
    wchar_t wmode[64], *wpath;
    FILE *stream;

    if (!path || !mode || !*mode || !*path || widen_mode(mode, wmode, 64)) {
        crt_invalid_parameter(CRT_EINVAL);
        return NULL;
    }
    if (!(wpath = crt_path_to_wide(path)))
        return NULL;
    stream = wide_open(wpath, wmode, shflag);
    crt_free(wpath);
    return stream;
}

FILE *CRT_EXPORT _wfsopen(const wchar_t *path, const wchar_t *mode, int shflag)
{
    return wide_open(path, mode, shflag);
}

FILE *CRT_EXPORT _fsopen(const char *path, const char *mode, int shflag)
{
    return narrow_open(path, mode, shflag);
}

FILE *CRT_EXPORT _wfopen(const wchar_t *path, const wchar_t *mode)
{
    return wide_open(path, mode, CRT_SH_DENYNO);
}

FILE *CRT_EXPORT fopen(const char *path, const char *mode)
{
    return narrow_open(path, mode, CRT_SH_DENYNO);
}

/* The _s forms: not shared for writing (_SH_SECURE); 0 or the errno value. */
int CRT_EXPORT _wfopen_s(FILE **result, const wchar_t *path, const wchar_t *mode)
{
    if (!result) {
        crt_invalid_parameter(CRT_EINVAL);
        return CRT_EINVAL;
    }
    *result = wide_open(path, mode, CRT_SH_SECURE);
    return *result ? 0 : crt_thread_data()->err;
}

int CRT_EXPORT fopen_s(FILE **result, const char *path, const char *mode)
{
    if (!result) {
        crt_invalid_parameter(CRT_EINVAL);
        return CRT_EINVAL;
    }
    *result = narrow_open(path, mode, CRT_SH_SECURE);
    return *result ? 0 : crt_thread_data()->err;
}

static FILE *wide_reopen(const wchar_t *path, const wchar_t *mode, FILE *stream, int shflag)
{
    FILE *opened;

    if (!path || !mode || !stream || !*mode) {
        crt_invalid_parameter(CRT_EINVAL);
        return NULL;
    }
    _lock_file(stream);
    crt_stream_close(stream);
    opened = crt_stream_open(path, mode, shflag, stream);
    _unlock_file(stream);
    return opened;
}

static FILE *narrow_reopen(const char *path, const char *mode, FILE *stream, int shflag)
{
    wchar_t wmode[64], *wpath;
    FILE *opened;

    if (!path || !mode || !stream || widen_mode(mode, wmode, 64)) {
        crt_invalid_parameter(CRT_EINVAL);
        return NULL;
    }
    if (!(wpath = crt_path_to_wide(path)))
        return NULL;
    opened = wide_reopen(wpath, wmode, stream, shflag);
    crt_free(wpath);
    return opened;
}

FILE *CRT_EXPORT _wfreopen(const wchar_t *path, const wchar_t *mode, FILE *stream)
{
    return wide_reopen(path, mode, stream, CRT_SH_DENYNO);
}

FILE *CRT_EXPORT freopen(const char *path, const char *mode, FILE *stream)
{
    return narrow_reopen(path, mode, stream, CRT_SH_DENYNO);
}

int CRT_EXPORT _wfreopen_s(FILE **result, const wchar_t *path, const wchar_t *mode, FILE *stream)
{
    if (!result) {
        crt_invalid_parameter(CRT_EINVAL);
        return CRT_EINVAL;
    }
    *result = wide_reopen(path, mode, stream, CRT_SH_SECURE);
    return *result ? 0 : crt_thread_data()->err;
}

int CRT_EXPORT freopen_s(FILE **result, const char *path, const char *mode, FILE *stream)
{
    if (!result) {
        crt_invalid_parameter(CRT_EINVAL);
        return CRT_EINVAL;
    }
    *result = narrow_reopen(path, mode, stream, CRT_SH_SECURE);
    return *result ? 0 : crt_thread_data()->err;
}

/* A stream over an open descriptor, its mode as fopen's (the descriptor's translation stays). */
FILE *CRT_EXPORT _wfdopen(int fd, const wchar_t *mode)
{
    int oflag, sflag;
    FILE *stream;

    if (!mode || parse_mode(mode, &oflag, &sflag)) {
        crt_invalid_parameter(CRT_EINVAL);
        return NULL;
    }
    if (!crt_fd_get(fd))
        return NULL;
    if (!(stream = crt_stream_alloc()))
        return NULL;
    stream->_flag = sflag;
    stream->_file = fd;
    _unlock_file(stream);
    return stream;
}

FILE *CRT_EXPORT _fdopen(int fd, const char *mode)
{
    wchar_t wmode[64];

    if (!mode || widen_mode(mode, wmode, 64)) {
        crt_invalid_parameter(CRT_EINVAL);
        return NULL;
    }
    return _wfdopen(fd, wmode);
}

int CRT_EXPORT _fclose_nolock(FILE *stream)
{
    if (!stream) {
        crt_invalid_parameter(CRT_EINVAL);
        return CRT_EOF;
    }
    return crt_stream_close(stream);
}

int CRT_EXPORT fclose(FILE *stream)
{
    int result;

    if (!stream) {
        crt_invalid_parameter(CRT_EINVAL);
        return CRT_EOF;
    }
    _lock_file(stream);
    result = crt_stream_close(stream);
    _unlock_file(stream);
    return result;
}
