/*
 * Opening and closing streams: fopen and its variants (the mode string with the Microsoft extras), freopen,
 * _fdopen, fclose, and the temporary files (tmpfile, tmpnam, _tempnam).
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

/* --- temporary files ------------------------------------------------------------------------------------ */

/*
 * Temporary names: a prefix, the process id in base 32, a dot and a counter in base 32, unused when made.
 * msvcrt.dll makes them in the root of the current drive ("\s1a4.1"), the UCRT in GetTempPath's folder.
 */
static unsigned temp_counter;

static char *base32(char *out, unsigned value)
{
    char digits[8];
    int n = 0;

    do {
        unsigned d = value % 32;

        digits[n++] = (char)(d < 10 ? '0' + d : 'a' + d - 10);
        value /= 32;
    } while (value);
    while (n)
        *out++ = digits[--n];
    return out;
}

/* A fresh name into buf (MAX_PATH bytes): 0, or an errno value. */
static int temp_name(char *buf, char prefix)
{
    DWORD dir = 0;

    if (crt_flavor == CRT_UCRT) {
        dir = GetTempPathA(MAX_PATH - 16, buf);
        if (!dir || dir >= MAX_PATH - 16)
            return CRT_ENOENT;
    } else {
        buf[dir++] = '\\';
    }
    _lock(CRT_LOCK_TMPNAM);
    for (unsigned tries = 0; tries < 32767; tries++) {
        char *end = buf + dir;

        *end++ = prefix;
        end = base32(end, GetCurrentProcessId());
        *end++ = '.';
        end = base32(end, ++temp_counter);
        *end = 0;
        if (GetFileAttributesA(buf) == INVALID_FILE_ATTRIBUTES) {
            _unlock(CRT_LOCK_TMPNAM);
            return 0;
        }
    }
    _unlock(CRT_LOCK_TMPNAM);
    return CRT_EEXIST;
}

char *CRT_EXPORT tmpnam(char *buf)
{
    char *out = buf ? buf : crt_thread_data()->tmpnam_buf;
    int err = temp_name(out, 's');

    if (err) {
        crt_set_errno(err);
        return NULL;
    }
    return out;
}

int CRT_EXPORT tmpnam_s(char *buf, size_t size)
{
    char name[MAX_PATH];
    size_t n;
    int err;

    if (!buf || !size) {
        crt_invalid_parameter(CRT_EINVAL);
        return CRT_EINVAL;
    }
    if ((err = temp_name(name, 's')) != 0)
        return err;
    n = lstrlenA(name);
    if (n >= size) {
        buf[0] = 0;
        crt_invalid_parameter(CRT_ERANGE);
        return CRT_ERANGE;
    }
    lstrcpyA(buf, name);
    return 0;
}

/* tmpfile: "w+bD" on a fresh name, deleted when closed. */
static int open_temp(FILE **result)
{
    char name[MAX_PATH];
    FILE *stream;
    int fd, err;

    *result = NULL;
    if (!(stream = crt_stream_alloc()))
        return crt_thread_data()->err;
    for (;;) {
        wchar_t *wide;

        if ((err = temp_name(name, 't')) != 0)
            break;
        if (!(wide = crt_path_to_wide(name))) {
            err = crt_thread_data()->err;
            break;
        }
        fd = crt_wopen(wide, CRT_O_CREAT | CRT_O_EXCL | CRT_O_RDWR | CRT_O_BINARY | CRT_O_TEMPORARY,
                       CRT_SH_DENYNO, CRT_S_IREAD | CRT_S_IWRITE);
        crt_free(wide);
        if (fd >= 0) {
            stream->_tmpfname = crt_alloc(lstrlenA(name) + 1);
            if (stream->_tmpfname)
                lstrcpyA(stream->_tmpfname, name);
            stream->_flag = IO_RW;
            stream->_file = fd;
            *result = stream;
            err = 0;
            break;
        }
        err = crt_thread_data()->err;
        if (err != CRT_EEXIST)
            break;
    }
    _unlock_file(stream);
    return err;
}

FILE *CRT_EXPORT tmpfile(void)
{
    FILE *stream;
    int err = open_temp(&stream);

    if (err)
        crt_set_errno(err);
    return stream;
}

int CRT_EXPORT tmpfile_s(FILE **result)
{
    if (!result) {
        crt_invalid_parameter(CRT_EINVAL);
        return CRT_EINVAL;
    }
    return open_temp(result);
}

/* A directory that exists (GetFileAttributes says a directory). */
static int is_dir(const char *path)
{
    DWORD attributes = GetFileAttributesA(path);

    return attributes != INVALID_FILE_ATTRIBUTES && (attributes & FILE_ATTRIBUTE_DIRECTORY);
}

/* _tempnam: a malloc'd name in %TMP%, else in dir, else in the root, else here: the prefix and a number. */
char *CRT_EXPORT _tempnam(const char *dir, const char *prefix)
{
    char tmp[MAX_PATH], *name;
    const char *folder = NULL;
    size_t n, p;
    DWORD got = GetEnvironmentVariableA("TMP", tmp, MAX_PATH);

    if (got && got < MAX_PATH && is_dir(tmp))
        folder = tmp;
    else if (dir && is_dir(dir))
        folder = dir;
    else if (is_dir("\\"))
        folder = "\\";
    else
        folder = ".";
    if (!prefix)
        prefix = "";
    n = lstrlenA(folder);
    p = lstrlenA(prefix);
    name = crt_alloc(n + p + 16);
    if (!name) {
        crt_set_errno(CRT_ENOMEM);
        return NULL;
    }
    lstrcpyA(name, folder);
    if (n && folder[n - 1] != '\\' && folder[n - 1] != '/')
        name[n++] = '\\';
    lstrcpyA(name + n, prefix);
    n += p;
    _lock(CRT_LOCK_TMPNAM);
    for (unsigned tries = 0; tries < 0x7FFF; tries++) {
        char digits[12], *end = digits + sizeof digits;
        unsigned value = ++temp_counter;

        *--end = 0;
        do {
            *--end = (char)('0' + value % 10);
            value /= 10;
        } while (value);
        lstrcpyA(name + n, end);
        if (GetFileAttributesA(name) == INVALID_FILE_ATTRIBUTES) {
            _unlock(CRT_LOCK_TMPNAM);
            return name;
        }
    }
    _unlock(CRT_LOCK_TMPNAM);
    crt_free(name);
    crt_set_errno(CRT_EEXIST);
    return NULL;
}

/* The wide forms: the narrow name widened (its characters are ASCII but for the folder's). */
static int widen_name(const char *name, wchar_t *out, size_t room)
{
    return MultiByteToWideChar(CP_ACP, 0, name, -1, out, (int)room) ? 0 : CRT_ERANGE;
}

wchar_t *CRT_EXPORT _wtmpnam(wchar_t *buf)
{
    static wchar_t shared[MAX_PATH];                 /* _wtmpnam(NULL)'s result */
    char name[MAX_PATH];
    int err = temp_name(name, 's');

    if (!err)
        err = widen_name(name, buf ? buf : shared, MAX_PATH);
    if (err) {
        crt_set_errno(err);
        return NULL;
    }
    return buf ? buf : shared;
}

int CRT_EXPORT _wtmpnam_s(wchar_t *buf, size_t size)
{
    char name[MAX_PATH];
    int err;

    if (!buf || !size) {
        crt_invalid_parameter(CRT_EINVAL);
        return CRT_EINVAL;
    }
    if ((err = temp_name(name, 's')) != 0)
        return err;
    if ((size_t)MultiByteToWideChar(CP_ACP, 0, name, -1, NULL, 0) > size) {
        buf[0] = 0;
        crt_invalid_parameter(CRT_ERANGE);
        return CRT_ERANGE;
    }
    return widen_name(name, buf, size);
}

wchar_t *CRT_EXPORT _wtempnam(const wchar_t *dir, const wchar_t *prefix)
{
    char *ndir = NULL, *nprefix = NULL, *name;
    wchar_t *wide = NULL;
    int n;

    if (dir && (n = WideCharToMultiByte(CP_ACP, 0, dir, -1, NULL, 0, NULL, NULL)) > 0 && (ndir = crt_alloc(n)))
        WideCharToMultiByte(CP_ACP, 0, dir, -1, ndir, n, NULL, NULL);
    if (prefix && (n = WideCharToMultiByte(CP_ACP, 0, prefix, -1, NULL, 0, NULL, NULL)) > 0
        && (nprefix = crt_alloc(n)))
        WideCharToMultiByte(CP_ACP, 0, prefix, -1, nprefix, n, NULL, NULL);
    name = _tempnam(ndir, nprefix);
    if (name && (n = MultiByteToWideChar(CP_ACP, 0, name, -1, NULL, 0)) > 0
        && (wide = crt_alloc(n * sizeof(wchar_t))))
        MultiByteToWideChar(CP_ACP, 0, name, -1, wide, n);
    crt_free(name);
    crt_free(ndir);
    crt_free(nprefix);
    return wide;
}
