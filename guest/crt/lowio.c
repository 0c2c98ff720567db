/*
 * Low-level I/O (io.h): the file-descriptor table over Win32 handles and the functions on descriptors as such
 * (_close, _dup, _dup2, _setmode, _isatty, the handle conversions). Descriptors 0, 1 and 2 are the process's
 * standard handles; each descriptor keeps its mode: binary, or text (lowio_rw.c translates). The table grows in
 * blocks of 64 entries up to msvcrt's 2048 descriptors or the UCRT's 8192. Opening is lowio_open.c's.
 */
#include "stdio_internal.h"

#define FD_BLOCK 64
#define FD_LIMIT_MAX 8192

static struct crt_fd *fd_blocks[FD_LIMIT_MAX / FD_BLOCK];
static unsigned short fd_block_used[FD_LIMIT_MAX / FD_BLOCK];

static int fd_limit(void)
{
    return crt_flavor == CRT_MSVCRT ? 2048 : FD_LIMIT_MAX;
}

static struct crt_fd *fd_slot(int fd)
{
    struct crt_fd *block;

    if (fd < 0 || fd >= fd_limit())
        return NULL;
    block = fd_blocks[fd / FD_BLOCK];
    return block ? &block[fd % FD_BLOCK] : NULL;
}

/* A bad descriptor: errno EBADF, _doserrno 0; the UCRT also takes the invalid-parameter path, msvcrt.dll only
 * sets errno (mingw-w64 programs probe descriptors with _get_osfhandle without a handler). */
static void bad_fd(void)
{
    crt_thread_data()->doserr = 0;
    if (crt_flavor == CRT_UCRT)
        crt_invalid_parameter(CRT_EBADF);
    else
        crt_set_errno(CRT_EBADF);
}

struct crt_fd *crt_fd_find(int fd)
{
    struct crt_fd *entry = fd_slot(fd);

    return entry && (entry->flags & FD_OPEN) ? entry : NULL;
}

struct crt_fd *crt_fd_get(int fd)
{
    struct crt_fd *entry = fd_slot(fd);

    if (entry && (entry->flags & FD_OPEN))
        return entry;
    bad_fd();
    return NULL;
}

extern int __app_type;
static const DWORD std_ids[3] = {STD_INPUT_HANDLE, STD_OUTPUT_HANDLE, STD_ERROR_HANDLE};

/* A console program's descriptors 0, 1 and 2 are its standard handles: opening or closing one sets them. */
static void set_std_handle(int fd, HANDLE handle)
{
    if (fd < 3 && __app_type == 1)
        SetStdHandle(std_ids[fd], handle);
}

/* Takes descriptor fd (a free one) for handle; the caller holds CRT_LOCK_OSFHND. 0, or -1 without memory. */
static int fd_take(int fd, HANDLE handle, unsigned char flags, unsigned char text)
{
    struct crt_fd *entry;
    int block = fd / FD_BLOCK;

    if (!fd_blocks[block] && !(fd_blocks[block] = crt_zalloc(FD_BLOCK * sizeof(struct crt_fd))))
        return -1;
    entry = &fd_blocks[block][fd % FD_BLOCK];
    entry->handle = handle;
    entry->flags = flags | FD_OPEN;
    entry->text = text;
    entry->peeked = 0;
    fd_block_used[block]++;
    return 0;
}

int crt_fd_alloc(HANDLE handle, unsigned char flags, unsigned char text)
{
    int fd = -1;

    _lock(CRT_LOCK_OSFHND);
    for (int block = 0; block < fd_limit() / FD_BLOCK && fd < 0; block++) {
        if (fd_block_used[block] == FD_BLOCK)
            continue;                                /* full blocks are skipped whole */
        for (int i = 0; i < FD_BLOCK; i++)
            if (!fd_blocks[block] || !(fd_blocks[block][i].flags & FD_OPEN)) {
                fd = block * FD_BLOCK + i;
                break;
            }
    }
    if (fd >= 0 && fd_take(fd, handle, flags, text) < 0)
        fd = -1;
    if (fd >= 0)
        set_std_handle(fd, handle);
    _unlock(CRT_LOCK_OSFHND);
    if (fd < 0)
        crt_set_errno(CRT_EMFILE);
    return fd;
}

static void fd_release(int fd)
{
    struct crt_fd *entry = fd_slot(fd);

    _lock(CRT_LOCK_OSFHND);
    if (entry && (entry->flags & FD_OPEN)) {
        entry->flags = 0;
        entry->handle = INVALID_HANDLE_VALUE;
        fd_block_used[fd / FD_BLOCK]--;
    }
    _unlock(CRT_LOCK_OSFHND);
}

unsigned char crt_fd_type_flags(HANDLE handle)
{
    switch (GetFileType(handle)) {
    case FILE_TYPE_CHAR:
        return FD_DEV;
    case FILE_TYPE_PIPE:
        return FD_PIPE;
    default:
        return 0;
    }
}

void crt_fd_set_mode(struct crt_fd *entry, int oflag)
{
    if (oflag & CRT_O_BINARY) {
        entry->flags &= ~FD_TEXTMODE;
        return;
    }
    if (!(oflag & CRT_O_ANYTEXT) && (_fmode & CRT_O_BINARY)) {
        entry->flags &= ~FD_TEXTMODE;
        return;
    }
    entry->flags |= FD_TEXTMODE;
    entry->text = (oflag & CRT_O_U8TEXT) ? FD_TEXT_UTF8
                  : (oflag & (CRT_O_U16TEXT | CRT_O_WTEXT)) ? FD_TEXT_UTF16 : FD_TEXT_ANSI;
}

/* The standard descriptors are in text mode, whatever _fmode says (as the CRTs give them). */
void crt_lowio_init(void)
{
    for (int fd = 0; fd < 3; fd++) {
        HANDLE handle = GetStdHandle(std_ids[fd]);
        unsigned char type = FD_DEV;                 /* no handle: a device that takes nothing, as the CRTs do */

        if (handle && handle != INVALID_HANDLE_VALUE)
            type = crt_fd_type_flags(handle);
        fd_take(fd, handle, type | FD_TEXTMODE, FD_TEXT_ANSI);
    }
}

/* --- descriptors --------------------------------------------------------------------------------------- */

int CRT_EXPORT _commit(int fd)
{
    struct crt_fd *entry = crt_fd_get(fd);

    if (!entry)
        return -1;
    if (!FlushFileBuffers(entry->handle)) {
        crt_thread_data()->doserr = GetLastError();
        crt_set_errno(CRT_EBADF);
        return -1;
    }
    return 0;
}

int CRT_EXPORT _close(int fd)
{
    struct crt_fd *entry = crt_fd_get(fd), *other;
    HANDLE handle;
    int shared = 0;

    if (!entry)
        return -1;
    handle = entry->handle;
    /* stdout and stderr on one handle: the handle stays open for the other descriptor. */
    if (fd == 1 || fd == 2) {
        other = fd_slot(3 - fd);
        shared = other && (other->flags & FD_OPEN) && other->handle == handle;
    }
    fd_release(fd);
    if (fd < 3 && GetStdHandle(std_ids[fd]) == handle)
        set_std_handle(fd, NULL);
    if (!shared && handle && handle != INVALID_HANDLE_VALUE && !CloseHandle(handle)) {
        crt_set_errno_from_win32(GetLastError());
        return -1;
    }
    return 0;
}

static HANDLE duplicate(HANDLE handle)
{
    HANDLE copy = NULL;

    if (!DuplicateHandle(GetCurrentProcess(), handle, GetCurrentProcess(), &copy, 0, TRUE,
                         DUPLICATE_SAME_ACCESS)) {
        crt_set_errno_from_win32(GetLastError());
        return NULL;
    }
    return copy;
}

int CRT_EXPORT _dup(int fd)
{
    struct crt_fd *entry = crt_fd_get(fd);
    HANDLE copy;
    int dup;

    if (!entry || !(copy = duplicate(entry->handle)))
        return -1;
    dup = crt_fd_alloc(copy, entry->flags & ~(FD_OPEN | FD_EOF), entry->text);
    if (dup < 0)
        CloseHandle(copy);
    return dup;
}

int CRT_EXPORT _dup2(int fd, int fd2)
{
    struct crt_fd *entry = crt_fd_get(fd), *target;
    HANDLE copy;
    int taken;

    if (!entry)
        return -1;
    if (fd2 < 0 || fd2 >= fd_limit()) {
        bad_fd();
        return -1;
    }
    if (fd == fd2)
        return 0;
    if (!(copy = duplicate(entry->handle)))
        return -1;
    target = fd_slot(fd2);
    if (target && (target->flags & FD_OPEN))
        _close(fd2);
    _lock(CRT_LOCK_OSFHND);
    taken = fd_take(fd2, copy, entry->flags & ~(FD_OPEN | FD_EOF), entry->text);
    if (taken == 0)
        set_std_handle(fd2, copy);
    _unlock(CRT_LOCK_OSFHND);
    if (taken < 0) {
        CloseHandle(copy);
        crt_set_errno(CRT_ENOMEM);
        return -1;
    }
    return 0;
}

intptr_t CRT_EXPORT _get_osfhandle(int fd)
{
    struct crt_fd *entry = crt_fd_get(fd);

    return entry ? (intptr_t)entry->handle : (intptr_t)INVALID_HANDLE_VALUE;
}

/* A descriptor over an existing handle: text only with _O_TEXT (or a Unicode mode) in flags. */
int CRT_EXPORT _open_osfhandle(intptr_t handle, int flags)
{
    unsigned char fdflags;
    DWORD type;
    int fd;

    SetLastError(0);
    type = GetFileType((HANDLE)handle);
    if (type == FILE_TYPE_UNKNOWN && GetLastError() != 0) {
        crt_set_errno_from_win32(GetLastError());
        crt_set_errno(CRT_EBADF);
        return -1;
    }
    fdflags = type == FILE_TYPE_CHAR ? FD_DEV : type == FILE_TYPE_PIPE ? FD_PIPE : 0;
    if (flags & CRT_O_APPEND)
        fdflags |= FD_APPEND;
    fd = crt_fd_alloc((HANDLE)handle, fdflags, FD_TEXT_ANSI);
    if (fd >= 0 && (flags & CRT_O_ANYTEXT))
        crt_fd_set_mode(crt_fd_get(fd), flags & CRT_O_ANYTEXT);
    return fd;
}

/* The previous mode (_O_TEXT, _O_BINARY, _O_U16TEXT or _O_U8TEXT). */
int CRT_EXPORT _setmode(int fd, int mode)
{
    struct crt_fd *entry;
    int previous;

    if (mode != CRT_O_TEXT && mode != CRT_O_BINARY && mode != CRT_O_WTEXT && mode != CRT_O_U16TEXT
        && mode != CRT_O_U8TEXT) {
        crt_invalid_parameter(CRT_EINVAL);           /* the mode is checked before the descriptor */
        return -1;
    }
    if (!(entry = crt_fd_get(fd)))
        return -1;
    previous = !(entry->flags & FD_TEXTMODE) ? CRT_O_BINARY
               : entry->text == FD_TEXT_UTF16 ? CRT_O_U16TEXT
               : entry->text == FD_TEXT_UTF8 ? CRT_O_U8TEXT : CRT_O_TEXT;
    crt_fd_set_mode(entry, mode);
    return previous;
}

/* Non-zero (FDEV, 0x40, as both CRTs give it) for a character device. */
int CRT_EXPORT _isatty(int fd)
{
    struct crt_fd *entry = crt_fd_get(fd);

    return entry ? entry->flags & FD_DEV : 0;
}

/* An anonymous pipe: fds[0] reads, fds[1] writes; both in the mode asked (_O_BINARY or _O_TEXT, else _fmode's),
 * inheritable unless _O_NOINHERIT. 0, or -1 with errno. */
int CRT_EXPORT _pipe(int *fds, unsigned int size, int textmode)
{
    SECURITY_ATTRIBUTES inherit = {sizeof inherit, NULL, !(textmode & CRT_O_NOINHERIT)};
    int mode = textmode & ~CRT_O_NOINHERIT;
    HANDLE read_end, write_end;

    if (!fds || (mode && mode != CRT_O_BINARY && mode != CRT_O_TEXT && mode != CRT_O_WTEXT
                 && mode != CRT_O_U16TEXT && mode != CRT_O_U8TEXT)) {
        crt_invalid_parameter(CRT_EINVAL);
        return -1;
    }
    fds[0] = fds[1] = -1;
    if (!CreatePipe(&read_end, &write_end, &inherit, size)) {
        crt_set_errno_from_win32(GetLastError());
        return -1;
    }
    if ((fds[0] = crt_fd_alloc(read_end, FD_PIPE, FD_TEXT_ANSI)) < 0
            || (fds[1] = crt_fd_alloc(write_end, FD_PIPE, FD_TEXT_ANSI)) < 0) {
        if (fds[0] >= 0)
            fd_release(fds[0]);
        CloseHandle(read_end);
        CloseHandle(write_end);
        fds[0] = fds[1] = -1;
        crt_set_errno(CRT_EMFILE);
        return -1;
    }
    crt_fd_set_mode(crt_fd_get(fds[0]), mode);
    crt_fd_set_mode(crt_fd_get(fds[1]), mode);
    return 0;
}
