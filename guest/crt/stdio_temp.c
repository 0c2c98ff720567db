/*
 * Temporary files and names: tmpfile, tmpnam, _tempnam and their wide and _s forms.
 */
#include "stdio_internal.h"

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

/* A fresh name into buf (MAX_PATH bytes; msvcrt's names fit its L_tmpnam, 14): 0, or an errno value. The
 * counter runs through TMP_MAX (32767) values. */
static int temp_name(char *buf, char prefix)
{
    DWORD dir = 0;

    if (crt_flavor == CRT_UCRT) {
        dir = GetTempPathA(MAX_PATH - 20, buf);
        if (!dir || dir >= MAX_PATH - 20)
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
        temp_counter = temp_counter % 32767 + 1;
        end = base32(end, temp_counter);
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
        unsigned value = temp_counter = temp_counter % 32767 + 1;

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
