/*
 * The file system's calls of io.h, direct.h and stdio.h: _access, _unlink/remove, rename, _mkdir, _rmdir, _chdir
 * and _getcwd. Each works on wide paths; the narrow forms convert the path from the ANSI code page first.
 */
#include "stdio_internal.h"

typedef int (*wide_call_t)(const wchar_t *path, int arg);

/* fn on the wide form of path; NULL is an invalid parameter. */
static int narrow_call(const char *path, int arg, wide_call_t fn)
{
    wchar_t *wide;
    int result;

    if (!path) {
        crt_invalid_parameter(CRT_EINVAL);
        return -1;
    }
    if (!(wide = crt_path_to_wide(path)))
        return -1;
    result = fn(wide, arg);
    crt_free(wide);
    return result;
}

/* 0 when ok, else -1 with errno from the Win32 error. */
static int win32_result(BOOL ok)
{
    if (ok)
        return 0;
    crt_set_errno_from_win32(GetLastError());
    return -1;
}

/* mode: 0 exists, 2 writable, 4 readable, 6 both; a read-only file is not writable (a directory always is). */
static int waccess(const wchar_t *path, int mode)
{
    DWORD attributes;

    if (!path || (mode & ~6)) {
        crt_invalid_parameter(CRT_EINVAL);
        return -1;
    }
    attributes = GetFileAttributesW(path);
    if (attributes == INVALID_FILE_ATTRIBUTES)
        return win32_result(FALSE);
    if ((attributes & FILE_ATTRIBUTE_READONLY) && !(attributes & FILE_ATTRIBUTE_DIRECTORY) && (mode & 2)) {
        crt_thread_data()->doserr = ERROR_ACCESS_DENIED;
        crt_set_errno(CRT_EACCES);
        return -1;
    }
    return 0;
}

int CRT_EXPORT _waccess(const wchar_t *path, int mode)
{
    return waccess(path, mode);
}

int CRT_EXPORT _access(const char *path, int mode)
{
    return narrow_call(path, mode, waccess);
}

int CRT_EXPORT _waccess_s(const wchar_t *path, int mode)
{
    return waccess(path, mode) ? crt_thread_data()->err : 0;
}

int CRT_EXPORT _access_s(const char *path, int mode)
{
    return narrow_call(path, mode, waccess) ? crt_thread_data()->err : 0;
}

static int wunlink(const wchar_t *path, int unused)
{
    (void)unused;
    return win32_result(DeleteFileW(path));
}

int CRT_EXPORT _wunlink(const wchar_t *path)
{
    if (!path) {
        crt_invalid_parameter(CRT_EINVAL);
        return -1;
    }
    return wunlink(path, 0);
}

int CRT_EXPORT _unlink(const char *path)
{
    return narrow_call(path, 0, wunlink);
}

int CRT_EXPORT _wremove(const wchar_t *path)
{
    return _wunlink(path);
}

int CRT_EXPORT remove(const char *path)
{
    return _unlink(path);
}

int CRT_EXPORT _wrename(const wchar_t *from, const wchar_t *to)
{
    if (!from || !to) {
        crt_invalid_parameter(CRT_EINVAL);
        return -1;
    }
    return win32_result(MoveFileExW(from, to, MOVEFILE_COPY_ALLOWED));
}

int CRT_EXPORT rename(const char *from, const char *to)
{
    wchar_t *wfrom, *wto;
    int result = -1;

    if (!from || !to) {
        crt_invalid_parameter(CRT_EINVAL);
        return -1;
    }
    if (!(wfrom = crt_path_to_wide(from)))
        return -1;
    if ((wto = crt_path_to_wide(to)) != NULL) {
        result = _wrename(wfrom, wto);
        crt_free(wto);
    }
    crt_free(wfrom);
    return result;
}

static int wmkdir(const wchar_t *path, int unused)
{
    (void)unused;
    return win32_result(CreateDirectoryW(path, NULL));
}

static int wrmdir(const wchar_t *path, int unused)
{
    (void)unused;
    return win32_result(RemoveDirectoryW(path));
}

static int wchdir(const wchar_t *path, int unused)
{
    (void)unused;
    return win32_result(SetCurrentDirectoryW(path));
}

int CRT_EXPORT _wmkdir(const wchar_t *path)
{
    return path ? wmkdir(path, 0) : narrow_call(NULL, 0, wmkdir);
}

int CRT_EXPORT _mkdir(const char *path)
{
    return narrow_call(path, 0, wmkdir);
}

int CRT_EXPORT _wrmdir(const wchar_t *path)
{
    return path ? wrmdir(path, 0) : narrow_call(NULL, 0, wrmdir);
}

int CRT_EXPORT _rmdir(const char *path)
{
    return narrow_call(path, 0, wrmdir);
}

int CRT_EXPORT _wchdir(const wchar_t *path)
{
    return path ? wchdir(path, 0) : narrow_call(NULL, 0, wchdir);
}

int CRT_EXPORT _chdir(const char *path)
{
    return narrow_call(path, 0, wchdir);
}

/*
 * _getcwd: the current directory into buf (size characters), or with buf NULL into a block from malloc of at
 * least size characters; NULL with ERANGE when it does not fit.
 */
#define GETCWD_BODY(CH, GET)                                                                                     \
    DWORD needed = GET(0, NULL), got;                                                                            \
    CH *out = buf;                                                                                               \
                                                                                                                 \
    if (buf && size <= 0) {                                                                                      \
        crt_invalid_parameter(CRT_EINVAL);                                                                       \
        return NULL;                                                                                             \
    }                                                                                                            \
    if (!needed) {                                                                                               \
        crt_set_errno_from_win32(GetLastError());                                                                \
        return NULL;                                                                                             \
    }                                                                                                            \
    if (!out) {                                                                                                  \
        size = (int)needed > size ? (int)needed : size;                                                          \
        if (!(out = crt_alloc(size * sizeof(CH)))) {                                                             \
            crt_set_errno(CRT_ENOMEM);                                                                           \
            return NULL;                                                                                         \
        }                                                                                                        \
    } else if ((int)needed > size) {                                                                             \
        crt_set_errno(CRT_ERANGE);                                                                               \
        return NULL;                                                                                             \
    }                                                                                                            \
    got = GET(size, out);                                                                                        \
    if (!got || (int)got >= size) {                                                                              \
        crt_set_errno(got ? CRT_ERANGE : CRT_EINVAL);                                                            \
        if (!buf)                                                                                                \
            crt_free(out);                                                                                       \
        return NULL;                                                                                             \
    }                                                                                                            \
    return out;

char *CRT_EXPORT _getcwd(char *buf, int size)
{
    GETCWD_BODY(char, GetCurrentDirectoryA)
}

wchar_t *CRT_EXPORT _wgetcwd(wchar_t *buf, int size)
{
    GETCWD_BODY(wchar_t, GetCurrentDirectoryW)
}

/* _chmod: _S_IWRITE in mode makes the file writable, its absence read-only (the only bit Windows keeps). */
static int wchmod(const wchar_t *path, int mode)
{
    DWORD attributes = GetFileAttributesW(path);

    if (attributes == INVALID_FILE_ATTRIBUTES)
        return win32_result(FALSE);
    if (mode & CRT_S_IWRITE)
        attributes &= ~FILE_ATTRIBUTE_READONLY;
    else
        attributes |= FILE_ATTRIBUTE_READONLY;
    return win32_result(SetFileAttributesW(path, attributes));
}

int CRT_EXPORT _wchmod(const wchar_t *path, int mode)
{
    return path ? wchmod(path, mode) : narrow_call(NULL, mode, wchmod);
}

int CRT_EXPORT _chmod(const char *path, int mode)
{
    return narrow_call(path, mode, wchmod);
}

/*
 * _mktemp: a template ending in six X's gets a letter and five digits of the process id in their place, the
 * first letter from 'a' that names no file; NULL (EINVAL) for a template without the X's, (EEXIST) when all 26
 * names are taken.
 */
#define MKTEMP_BODY(CH, LENGTH, ATTRIBUTES)                                                                      \
    size_t n;                                                                                                    \
    unsigned id = GetCurrentProcessId() % 100000;                                                                \
                                                                                                                 \
    if (!template) {                                                                                             \
        crt_invalid_parameter(CRT_EINVAL);                                                                       \
        return NULL;                                                                                             \
    }                                                                                                            \
    n = LENGTH(template);                                                                                        \
    for (size_t i = 0; i < 6; i++)                                                                               \
        if (n < 6 || template[n - 1 - i] != 'X') {                                                               \
            crt_set_errno(CRT_EINVAL);                                                                           \
            return NULL;                                                                                         \
        }                                                                                                        \
    for (size_t i = 1; i <= 5; i++, id /= 10)                                                                    \
        template[n - i] = (CH)('0' + id % 10);                                                                   \
    for (CH letter = 'a'; letter <= 'z'; letter++) {                                                             \
        template[n - 6] = letter;                                                                                \
        if (ATTRIBUTES(template) == INVALID_FILE_ATTRIBUTES)                                                     \
            return template;                                                                                     \
    }                                                                                                            \
    crt_set_errno(CRT_EEXIST);                                                                                   \
    return NULL;

char *CRT_EXPORT _mktemp(char *template)
{
    MKTEMP_BODY(char, lstrlenA, GetFileAttributesA)
}

wchar_t *CRT_EXPORT _wmktemp(wchar_t *template)
{
    MKTEMP_BODY(wchar_t, lstrlenW, GetFileAttributesW)
}

/* --- drives ------------------------------------------------------------------------------------------------ */

/* The current drive: 1 for A:, 3 for C:. */
int CRT_EXPORT _getdrive(void)
{
    wchar_t here[MAX_PATH];
    DWORD n = GetCurrentDirectoryW(MAX_PATH, here);

    if (n >= 2 && n < MAX_PATH && here[1] == ':')
        return (here[0] | 0x20) - 'a' + 1;
    return 0;
}

/* The drive's spec ("C:") when drive (1 for A:) names one that exists; else errno EACCES, _doserrno
 * ERROR_INVALID_DRIVE, as the CRTs give for an absent drive. */
static int drive_spec(int drive, wchar_t spec[4])
{
    if (drive >= 1 && drive <= 26) {
        spec[0] = (wchar_t)('A' + drive - 1);
        spec[1] = ':';
        spec[2] = '\\';
        spec[3] = 0;
        if (GetDriveTypeW(spec) > DRIVE_NO_ROOT_DIR) {
            spec[2] = 0;
            return 0;
        }
    }
    crt_thread_data()->doserr = ERROR_INVALID_DRIVE;
    crt_set_errno(CRT_EACCES);
    return -1;
}

/* _getdcwd: the current directory of a drive (0: the current drive), as _getcwd gives it. */
#define DRIVE_DIR_W(size, out) GetFullPathNameW(spec, size, out, NULL)

wchar_t *CRT_EXPORT _wgetdcwd(int drive, wchar_t *buf, int size)
{
    wchar_t spec[4];

    if (!drive)
        return _wgetcwd(buf, size);
    if (drive_spec(drive, spec))
        return NULL;
    {
        GETCWD_BODY(wchar_t, DRIVE_DIR_W)
    }
}

char *CRT_EXPORT _getdcwd(int drive, char *buf, int size)
{
    wchar_t *wide = _wgetdcwd(drive, NULL, 0);
    char *out = buf;
    int n;

    if (!wide)
        return NULL;
    n = WideCharToMultiByte(CP_ACP, 0, wide, -1, NULL, 0, NULL, NULL);
    if (buf && size <= 0) {
        crt_invalid_parameter(CRT_EINVAL);
        out = NULL;
    } else if (!buf && !(out = crt_alloc(n > size ? n : size))) {
        crt_set_errno(CRT_ENOMEM);
    } else if (buf && n > size) {
        crt_set_errno(CRT_ERANGE);
        out = NULL;
    } else {
        WideCharToMultiByte(CP_ACP, 0, wide, -1, out, n, NULL, NULL);
    }
    crt_free(wide);
    return out;
}

/* _chdrive: the drive's current directory becomes the current directory. */
int CRT_EXPORT _chdrive(int drive)
{
    wchar_t spec[4];

    if (drive_spec(drive, spec))
        return -1;
    return win32_result(SetCurrentDirectoryW(spec));
}

/* The _s forms: size counts the terminating NUL; every bad template is an invalid parameter. 0 or an errno value. */
int CRT_EXPORT _mktemp_s(char *template, size_t size)
{
    if (!template || !size || (size_t)lstrlenA(template) >= size) {
        crt_invalid_parameter(CRT_EINVAL);
        return CRT_EINVAL;
    }
    if (_mktemp(template))
        return 0;
    if (crt_thread_data()->err == CRT_EINVAL)
        crt_invalid_parameter(CRT_EINVAL);
    return crt_thread_data()->err;
}

int CRT_EXPORT _wmktemp_s(wchar_t *template, size_t size)
{
    if (!template || !size || (size_t)lstrlenW(template) >= size) {
        crt_invalid_parameter(CRT_EINVAL);
        return CRT_EINVAL;
    }
    if (_wmktemp(template))
        return 0;
    if (crt_thread_data()->err == CRT_EINVAL)
        crt_invalid_parameter(CRT_EINVAL);
    return crt_thread_data()->err;
}
