/*
 * _stat, _wstat and _fstat in the four layouts of <sys/stat.h>: 32- or 64-bit times and 32- or 64-bit sizes
 * (_stat32, _stat32i64, _stat64i32, _stat64). Which layout a name without a suffix has differs by DLL and width
 * (exports/lowio.def: msvcrt's x86 _stat is _stat32, its x64 _stat is _stat64i32; ucrtbase has only the suffixed
 * names). One description of the file (struct file_info) is filled and copied into the layout asked for.
 */
#include "stdio_internal.h"

#define S_IFIFO_ 0x1000
#define S_IFCHR_ 0x2000
#define S_IFDIR_ 0x4000
#define S_IFREG_ 0x8000
#define S_IEXEC_ 0x0040

struct file_info {
    unsigned dev;
    unsigned short mode;
    short nlink;
    long long size;
    long long atime, mtime, ctime;
};

/* FILETIME (100 ns since 1601) to time_t (seconds since 1970); 0 stays 0. */
long long crt_filetime_to_time(const FILETIME *time)
{
    unsigned long long ticks = (unsigned long long)time->dwHighDateTime << 32 | time->dwLowDateTime;

    if (!ticks)
        return 0;
    return ((long long)ticks - 116444736000000000LL) / 10000000;
}

/* The permission bits copied to the group's and the others' (msvcrt's st_mode does it). */
static unsigned short spread(unsigned short mode)
{
    return (unsigned short)(mode | (mode & 0700) >> 3 | (mode & 0700) >> 6);
}

static int has_extension(const wchar_t *path, const wchar_t *ext)
{
    const wchar_t *dot = NULL;

    for (const wchar_t *p = path; *p; p++)
        if (*p == '.')
            dot = p;
        else if (*p == '\\' || *p == '/')
            dot = NULL;
    return dot && CompareStringOrdinal(dot, -1, ext, -1, TRUE) == CSTR_EQUAL;
}

/* A path's description: 0, or -1 with errno set (ENOENT for wildcards and a file named with a trailing slash). */
static int stat_path(const wchar_t *path, struct file_info *info)
{
    WIN32_FILE_ATTRIBUTE_DATA data;
    wchar_t here[MAX_PATH];
    size_t n = 0;
    int dir;

    for (const wchar_t *p = path; *p; p++, n++)
        if (*p == '*' || *p == '?') {
            crt_set_errno(CRT_ENOENT);
            return -1;
        }
    if (!GetFileAttributesExW(path, GetFileExInfoStandard, &data)) {
        crt_set_errno_from_win32(GetLastError());
        return -1;
    }
    dir = (data.dwFileAttributes & FILE_ATTRIBUTE_DIRECTORY) != 0;
    if (!dir && n && (path[n - 1] == '\\' || path[n - 1] == '/')) {
        crt_set_errno(CRT_ENOENT);
        return -1;
    }
    info->mode = (unsigned short)((dir ? S_IFDIR_ | S_IEXEC_ : S_IFREG_) | CRT_S_IREAD);
    if (!(data.dwFileAttributes & FILE_ATTRIBUTE_READONLY))
        info->mode |= CRT_S_IWRITE;
    if (!dir && (has_extension(path, L".exe") || has_extension(path, L".com") || has_extension(path, L".bat")
                 || has_extension(path, L".cmd")))
        info->mode |= S_IEXEC_;
    info->mode = spread(info->mode);
    info->nlink = 1;
    /* The drive's number, A: being 0: the path's, or the current directory's. */
    if (n >= 2 && path[1] == ':')
        info->dev = (path[0] | 0x20) - 'a';
    else if (GetCurrentDirectoryW(MAX_PATH, here) >= 2 && here[1] == ':')
        info->dev = (here[0] | 0x20) - 'a';
    else
        info->dev = 0;
    info->size = dir ? 0 : (long long)data.nFileSizeHigh << 32 | data.nFileSizeLow;
    info->mtime = crt_filetime_to_time(&data.ftLastWriteTime);
    info->atime = crt_filetime_to_time(&data.ftLastAccessTime);
    info->ctime = crt_filetime_to_time(&data.ftCreationTime);
    if (!info->atime)
        info->atime = info->mtime;
    if (!info->ctime)
        info->ctime = info->mtime;
    return 0;
}

/* A descriptor's description: a device or pipe (its number as st_dev) or a disk file. */
static int stat_fd(int fd, struct file_info *info)
{
    struct crt_fd *entry = crt_fd_get(fd);
    BY_HANDLE_FILE_INFORMATION data;
    DWORD type, available;

    if (!entry)
        return -1;
    info->nlink = 1;
    info->dev = 0;
    info->size = info->atime = info->mtime = info->ctime = 0;
    type = GetFileType(entry->handle);
    if (type == FILE_TYPE_CHAR || type == FILE_TYPE_PIPE) {
        info->mode = type == FILE_TYPE_CHAR ? S_IFCHR_ : S_IFIFO_;
        info->dev = (unsigned)fd;
        if (type == FILE_TYPE_PIPE && PeekNamedPipe(entry->handle, NULL, 0, NULL, &available, NULL))
            info->size = available;
        return 0;
    }
    if (!GetFileInformationByHandle(entry->handle, &data)) {
        crt_set_errno_from_win32(GetLastError());
        return -1;
    }
    info->mode = (unsigned short)(S_IFREG_ | CRT_S_IREAD);
    if (!(data.dwFileAttributes & FILE_ATTRIBUTE_READONLY))
        info->mode |= CRT_S_IWRITE;
    info->mode = spread(info->mode);
    info->nlink = (short)data.nNumberOfLinks;
    info->size = (long long)data.nFileSizeHigh << 32 | data.nFileSizeLow;
    info->mtime = crt_filetime_to_time(&data.ftLastWriteTime);
    info->atime = crt_filetime_to_time(&data.ftLastAccessTime);
    info->ctime = crt_filetime_to_time(&data.ftCreationTime);
    if (!info->atime)
        info->atime = info->mtime;
    if (!info->ctime)
        info->ctime = info->mtime;
    return 0;
}

/*
 * One layout: the struct (as <sys/stat.h> lays it out), and its _stat, _wstat and _fstat. TIME and OFF are the
 * widths of the times and of the size; a 32-bit time out of range is -1.
 */
#define STAT_LAYOUT(TAG, TIME, OFF, STAT, WSTAT, FSTAT)                                                          \
    struct TAG {                                                                                                 \
        unsigned st_dev;                                                                                         \
        unsigned short st_ino, st_mode;                                                                          \
        short st_nlink, st_uid, st_gid;                                                                          \
        unsigned st_rdev;                                                                                        \
        OFF st_size;                                                                                             \
        TIME st_atime, st_mtime, st_ctime;                                                                       \
    };                                                                                                           \
    static int copy_##TAG(const struct file_info *info, struct TAG *out)                                         \
    {                                                                                                            \
        const long long times[3] = {info->atime, info->mtime, info->ctime};                                      \
        TIME narrowed[3];                                                                                        \
                                                                                                                 \
        for (int i = 0; i < 3; i++)                                                                              \
            narrowed[i] = (TIME)times[i] == times[i] ? (TIME)times[i] : (TIME)-1;                                \
        out->st_dev = out->st_rdev = info->dev;                                                                  \
        out->st_ino = 0;                                                                                         \
        out->st_mode = info->mode;                                                                               \
        out->st_nlink = info->nlink;                                                                             \
        out->st_uid = out->st_gid = 0;                                                                           \
        out->st_size = (OFF)info->size;                                                                          \
        out->st_atime = narrowed[0];                                                                             \
        out->st_mtime = narrowed[1];                                                                             \
        out->st_ctime = narrowed[2];                                                                             \
        return 0;                                                                                                \
    }                                                                                                            \
    int CRT_EXPORT WSTAT(const wchar_t *path, struct TAG *out)                                                   \
    {                                                                                                            \
        struct file_info info;                                                                                   \
                                                                                                                 \
        if (!path || !out) {                                                                                     \
            crt_invalid_parameter(CRT_EINVAL);                                                                   \
            return -1;                                                                                           \
        }                                                                                                        \
        return stat_path(path, &info) ? -1 : copy_##TAG(&info, out);                                            \
    }                                                                                                            \
    int CRT_EXPORT STAT(const char *path, struct TAG *out)                                                       \
    {                                                                                                            \
        wchar_t *wide;                                                                                           \
        int result;                                                                                              \
                                                                                                                 \
        if (!path || !out) {                                                                                     \
            crt_invalid_parameter(CRT_EINVAL);                                                                   \
            return -1;                                                                                           \
        }                                                                                                        \
        if (!(wide = crt_path_to_wide(path)))                                                                    \
            return -1;                                                                                           \
        result = WSTAT(wide, out);                                                                               \
        crt_free(wide);                                                                                          \
        return result;                                                                                           \
    }                                                                                                            \
    int CRT_EXPORT FSTAT(int fd, struct TAG *out)                                                                \
    {                                                                                                            \
        struct file_info info;                                                                                   \
                                                                                                                 \
        if (!out) {                                                                                              \
            crt_invalid_parameter(CRT_EINVAL);                                                                   \
            return -1;                                                                                           \
        }                                                                                                        \
        return stat_fd(fd, &info) ? -1 : copy_##TAG(&info, out);                                                 \
    }

STAT_LAYOUT(stat32, int, long, _stat32, _wstat32, _fstat32)
STAT_LAYOUT(stat32i64, int, long long, _stat32i64, _wstat32i64, _fstat32i64)
STAT_LAYOUT(stat64i32, long long, long, _stat64i32, _wstat64i32, _fstat64i32)
STAT_LAYOUT(stat64, long long, long long, _stat64, _wstat64, _fstat64)
