/*
 * Low-level I/O (io.h): the file-descriptor table over Win32 handles and the descriptor functions. Descriptors
 * 0, 1 and 2 are the process's standard handles; each descriptor keeps its mode: binary, or text with CR LF and
 * Ctrl-Z translated by _read and _write (ANSI bytes, or UTF-16 units stored as UTF-16 or UTF-8 in the file). The
 * table grows in blocks of 64 entries up to msvcrt's 2048 descriptors or the UCRT's 8192.
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

/* FD_DEV or FD_PIPE for a handle's file type; 0 for a disk file. */
static unsigned char type_flags(HANDLE handle)
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

/* The standard descriptors, in text mode, at process attach. */
void crt_lowio_init(void)
{
    for (int fd = 0; fd < 3; fd++) {
        HANDLE handle = GetStdHandle(std_ids[fd]);
        unsigned char type = FD_DEV;                 /* no handle: a device that takes nothing, as the CRTs do */

        if (handle && handle != INVALID_HANDLE_VALUE)
            type = type_flags(handle);
        fd_take(fd, handle, type | FD_TEXTMODE, FD_TEXT_ANSI);
    }
}

/* --- reading and writing ------------------------------------------------------------------------------- */

/* Bytes from the handle, after any read ahead: the count (0 at the end of the input) or -1 with errno set. */
static int raw_read(struct crt_fd *entry, void *buf, unsigned bytes)
{
    unsigned char *out = buf;
    unsigned from_peek = 0;
    DWORD got = 0;

    if (!bytes)
        return 0;
    if (entry->peeked) {
        out[0] = (unsigned char)entry->peek;
        entry->peeked = 0;
        from_peek = 1;
        if (bytes == 1)
            return 1;
    }
    if (!ReadFile(entry->handle, out + from_peek, bytes - from_peek, &got, NULL)) {
        DWORD error = GetLastError();

        if (error == ERROR_BROKEN_PIPE || error == ERROR_HANDLE_EOF)
            return (int)from_peek;                   /* the other end is gone: the end of the input */
        if (from_peek)
            return 1;
        crt_set_errno_from_win32(error);
        if (error == ERROR_ACCESS_DENIED)
            crt_set_errno(CRT_EBADF);                /* not open for reading */
        return -1;
    }
    return (int)(got + from_peek);
}

/* Gives back `bytes` read too far (1 or 2): a file seeks back, a pipe or device keeps the one byte it can. */
static void unpeek(struct crt_fd *entry, const void *data, unsigned bytes)
{
    LARGE_INTEGER back;

    if (!(entry->flags & (FD_DEV | FD_PIPE))) {
        back.QuadPart = -(LONGLONG)bytes;
        SetFilePointerEx(entry->handle, back, NULL, FILE_CURRENT);
    } else {
        entry->peek = *(const char *)data;
        entry->peeked = 1;
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

        if (count & 1) {
            crt_invalid_parameter(CRT_EINVAL);
            return -1;
        }
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

/* --- opening ------------------------------------------------------------------------------------------- */

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
    flags = type_flags(handle);
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
