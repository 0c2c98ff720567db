/*
 * Opening descriptors: _open, _sopen, _creat and their wide and _s forms over CreateFileW (the _O_ flags, the
 * share flags, pmode and _umask), and what opening does to the file's start and end in the text modes.
 */
#include "stdio_internal.h"

/* The byte-order mark of a file opened in a Unicode mode: read from an existing file (and the mode it names
 * taken), written to an empty one opened for writing. */
static void unicode_bom(int fd, int oflag)
{
    struct crt_fd *entry = crt_fd_get(fd);
    unsigned char mark[3];
    DWORD got = 0, written;
    LARGE_INTEGER zero, size;

    zero.QuadPart = 0;
    if ((oflag & CRT_O_ACCMODE) != CRT_O_WRONLY && !(oflag & CRT_O_TRUNC)) {
        if (ReadFile(entry->handle, mark, 3, &got, NULL) && got >= 2) {
            if (got == 3 && mark[0] == 0xEF && mark[1] == 0xBB && mark[2] == 0xBF) {
                entry->text = FD_TEXT_UTF8;
                return;
            }
            if (mark[0] == 0xFF && mark[1] == 0xFE) {
                entry->text = FD_TEXT_UTF16;
                zero.QuadPart = 2;
                SetFilePointerEx(entry->handle, zero, NULL, FILE_BEGIN);
                return;
            }
        }
        SetFilePointerEx(entry->handle, zero, NULL, FILE_BEGIN);
    }
    if ((oflag & CRT_O_ACCMODE) != CRT_O_RDONLY && GetFileSizeEx(entry->handle, &size) && size.QuadPart == 0) {
        if (entry->text == FD_TEXT_UTF8)
            WriteFile(entry->handle, "\xEF\xBB\xBF", 3, &written, NULL);
        else
            WriteFile(entry->handle, "\xFF\xFE", 2, &written, NULL);
    }
}

/* A text file opened for reading and writing loses a Ctrl-Z that ends it, so what is added follows the text. */
static void drop_ctrl_z(struct crt_fd *entry)
{
    LARGE_INTEGER size, zero;
    DWORD got;
    char last;

    zero.QuadPart = 0;
    if (!GetFileSizeEx(entry->handle, &size) || size.QuadPart == 0)
        return;
    size.QuadPart--;
    if (SetFilePointerEx(entry->handle, size, NULL, FILE_BEGIN) && ReadFile(entry->handle, &last, 1, &got, NULL)
        && got == 1 && last == 0x1A) {
        SetFilePointerEx(entry->handle, size, NULL, FILE_BEGIN);
        SetEndOfFile(entry->handle);
    }
    SetFilePointerEx(entry->handle, zero, NULL, FILE_BEGIN);
}

static int umask_bits;                               /* permission bits _umask takes from a new file's */

int CRT_EXPORT _umask(int mask)
{
    int previous = umask_bits;

    umask_bits = mask & (CRT_S_IREAD | CRT_S_IWRITE);
    return previous;
}

int CRT_EXPORT _umask_s(int mask, int *previous)
{
    if (!previous || (mask & ~(CRT_S_IREAD | CRT_S_IWRITE))) {
        crt_invalid_parameter(CRT_EINVAL);
        return CRT_EINVAL;
    }
    *previous = _umask(mask);
    return 0;
}

int crt_wopen(const wchar_t *path, int oflag, int shflag, int pmode)
{
    DWORD access, share, disposition, attributes = FILE_ATTRIBUTE_NORMAL;
    SECURITY_ATTRIBUTES inherit = {sizeof inherit, NULL, !(oflag & CRT_O_NOINHERIT)};
    HANDLE handle;
    unsigned char flags;
    int fd;

    switch (oflag & CRT_O_ACCMODE) {
    case CRT_O_RDONLY: access = GENERIC_READ; break;
    case CRT_O_WRONLY: access = GENERIC_WRITE; break;
    case CRT_O_RDWR: access = GENERIC_READ | GENERIC_WRITE; break;
    default:
        crt_invalid_parameter(CRT_EINVAL);
        return -1;
    }
    switch (shflag) {
    case CRT_SH_SECURE:                              /* fopen_s: others may read what is only read */
        share = (oflag & CRT_O_ACCMODE) == CRT_O_RDONLY ? FILE_SHARE_READ : 0;
        break;
    case CRT_SH_DENYRW: share = 0; break;
    case CRT_SH_DENYWR: share = FILE_SHARE_READ; break;
    case CRT_SH_DENYRD: share = FILE_SHARE_WRITE; break;
    case CRT_SH_DENYNO: share = FILE_SHARE_READ | FILE_SHARE_WRITE; break;
    default:
        crt_invalid_parameter(CRT_EINVAL);
        return -1;
    }
    switch (oflag & (CRT_O_CREAT | CRT_O_EXCL | CRT_O_TRUNC)) {
    case CRT_O_CREAT | CRT_O_EXCL:
    case CRT_O_CREAT | CRT_O_EXCL | CRT_O_TRUNC: disposition = CREATE_NEW; break;
    case CRT_O_CREAT | CRT_O_TRUNC: disposition = CREATE_ALWAYS; break;
    case CRT_O_CREAT: disposition = OPEN_ALWAYS; break;
    case CRT_O_TRUNC:
    case CRT_O_TRUNC | CRT_O_EXCL: disposition = TRUNCATE_EXISTING; break;
    default: disposition = OPEN_EXISTING; break;
    }
    if ((oflag & CRT_O_CREAT) && !(pmode & ~umask_bits & CRT_S_IWRITE))
        attributes = FILE_ATTRIBUTE_READONLY;
    if (oflag & CRT_O_TEMPORARY) {
        attributes |= FILE_FLAG_DELETE_ON_CLOSE;
        access |= DELETE;
        share |= FILE_SHARE_DELETE;
    }
    if (oflag & CRT_O_SHORT_LIVED)
        attributes |= FILE_ATTRIBUTE_TEMPORARY;
    if (oflag & CRT_O_SEQUENTIAL)
        attributes |= FILE_FLAG_SEQUENTIAL_SCAN;
    else if (oflag & CRT_O_RANDOM)
        attributes |= FILE_FLAG_RANDOM_ACCESS;
    if (oflag & CRT_O_OBTAIN_DIR)
        attributes |= FILE_FLAG_BACKUP_SEMANTICS;
    handle = CreateFileW(path, access, share, &inherit, disposition, attributes, NULL);
    if (handle == INVALID_HANDLE_VALUE) {
        crt_set_errno_from_win32(GetLastError());
        return -1;
    }
    flags = crt_fd_type_flags(handle);
    if (oflag & CRT_O_APPEND)
        flags |= FD_APPEND;
    fd = crt_fd_alloc(handle, flags, FD_TEXT_ANSI);
    if (fd < 0) {
        CloseHandle(handle);
        return -1;
    }
    crt_fd_set_mode(crt_fd_get(fd), oflag);
    if ((oflag & (CRT_O_WTEXT | CRT_O_U16TEXT | CRT_O_U8TEXT)) && !(flags & (FD_DEV | FD_PIPE)))
        unicode_bom(fd, oflag);
    else if ((oflag & CRT_O_ACCMODE) == CRT_O_RDWR && (crt_fd_get(fd)->flags & FD_TEXTMODE)
             && !(flags & (FD_DEV | FD_PIPE)))
        drop_ctrl_z(crt_fd_get(fd));
    return fd;
}

wchar_t *crt_path_to_wide(const char *path)
{
    int n = MultiByteToWideChar(CP_ACP, 0, path, -1, NULL, 0);
    wchar_t *wide;

    if (n <= 0) {
        crt_set_errno(CRT_EINVAL);
        return NULL;
    }
    wide = crt_alloc(n * sizeof(wchar_t));
    if (!wide) {
        crt_set_errno(CRT_ENOMEM);
        return NULL;
    }
    MultiByteToWideChar(CP_ACP, 0, path, -1, wide, n);
    return wide;
}

int CRT_EXPORT _wsopen_s(int *pfd, const wchar_t *path, int oflag, int shflag, int pmode)
{
    if (!pfd) {
        crt_invalid_parameter(CRT_EINVAL);
        return CRT_EINVAL;
    }
    *pfd = -1;
    if (!path) {
        crt_invalid_parameter(CRT_EINVAL);
        return CRT_EINVAL;
    }
    *pfd = crt_wopen(path, oflag, shflag, pmode);
    return *pfd < 0 ? crt_thread_data()->err : 0;
}

int CRT_EXPORT _sopen_s(int *pfd, const char *path, int oflag, int shflag, int pmode)
{
    wchar_t *wide;
    int err;

    if (!pfd || !path) {
        if (pfd)
            *pfd = -1;
        crt_invalid_parameter(CRT_EINVAL);
        return CRT_EINVAL;
    }
    *pfd = -1;
    if (!(wide = crt_path_to_wide(path)))
        return crt_thread_data()->err;
    err = _wsopen_s(pfd, wide, oflag, shflag, pmode);
    crt_free(wide);
    return err;
}

/* The open functions without _s: pmode follows only with _O_CREAT. */
int CRT_EXPORT _wsopen(const wchar_t *path, int oflag, int shflag, ...)
{
    va_list args;
    int pmode = 0, fd;

    if (oflag & CRT_O_CREAT) {
        va_start(args, shflag);
        pmode = va_arg(args, int);
        va_end(args);
    }
    return _wsopen_s(&fd, path, oflag, shflag, pmode) ? -1 : fd;
}

int CRT_EXPORT _sopen(const char *path, int oflag, int shflag, ...)
{
    va_list args;
    int pmode = 0, fd;

    if (oflag & CRT_O_CREAT) {
        va_start(args, shflag);
        pmode = va_arg(args, int);
        va_end(args);
    }
    return _sopen_s(&fd, path, oflag, shflag, pmode) ? -1 : fd;
}

int CRT_EXPORT _wopen(const wchar_t *path, int oflag, ...)
{
    va_list args;
    int pmode = 0, fd;

    if (oflag & CRT_O_CREAT) {
        va_start(args, oflag);
        pmode = va_arg(args, int);
        va_end(args);
    }
    return _wsopen_s(&fd, path, oflag, CRT_SH_DENYNO, pmode) ? -1 : fd;
}

int CRT_EXPORT _open(const char *path, int oflag, ...)
{
    va_list args;
    int pmode = 0, fd;

    if (oflag & CRT_O_CREAT) {
        va_start(args, oflag);
        pmode = va_arg(args, int);
        va_end(args);
    }
    return _sopen_s(&fd, path, oflag, CRT_SH_DENYNO, pmode) ? -1 : fd;
}

int CRT_EXPORT _wcreat(const wchar_t *path, int pmode)
{
    return _wopen(path, CRT_O_CREAT | CRT_O_TRUNC | CRT_O_RDWR, pmode);
}

int CRT_EXPORT _creat(const char *path, int pmode)
{
    return _open(path, CRT_O_CREAT | CRT_O_TRUNC | CRT_O_RDWR, pmode);
}
