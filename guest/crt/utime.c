/*
 * _utime and its family: a file's access and modification times set from time_t values (NULL: now), through
 * SetFileTime on a handle opened for FILE_WRITE_ATTRIBUTES (_futime: on the descriptor's handle). The 32-bit forms
 * take _utimbuf32 (two __time32_t), the 64-bit ones __utimbuf64; msvcrt's unsuffixed names are the 32-bit forms on
 * x86 and the 64-bit ones on x86_64, as its headers declare them.
 */
#include "crt.h"

typedef struct {
    int32_t actime, modtime;
} utimbuf32_t;

typedef struct {
    int64_t actime, modtime;
} utimbuf64_t;

intptr_t CRT_EXPORT _get_osfhandle(int fd);

static FILETIME filetime_of(int64_t t)
{
    ULONGLONG ticks = (ULONGLONG)(t + 11644473600LL) * 10000000ULL;
    FILETIME ft = {(DWORD)ticks, (DWORD)(ticks >> 32)};

    return ft;
}

/* The times on an open handle: both from `times`, or the current time for both. */
static int set_times(HANDLE file, const int64_t *times)
{
    FILETIME access, modification;

    if (times) {
        if (times[0] < 0 || times[1] < 0) {
            crt_thread_data()->err = CRT_EINVAL;
            return -1;
        }
        access = filetime_of(times[0]);
        modification = filetime_of(times[1]);
    } else {
        GetSystemTimeAsFileTime(&modification);
        access = modification;
    }
    if (!SetFileTime(file, NULL, &access, &modification)) {
        crt_set_errno_from_win32(GetLastError());
        return -1;
    }
    return 0;
}

static int set_path_times(const wchar_t *path, const int64_t *times)
{
    HANDLE file;
    int result;

    if (!path) {
        crt_invalid_parameter(CRT_EINVAL);
        return -1;
    }
    file = CreateFileW(path, FILE_WRITE_ATTRIBUTES, FILE_SHARE_READ | FILE_SHARE_WRITE, NULL, OPEN_EXISTING,
                       FILE_FLAG_BACKUP_SEMANTICS, NULL);
    if (file == INVALID_HANDLE_VALUE) {
        crt_set_errno_from_win32(GetLastError());
        return -1;
    }
    result = set_times(file, times);
    CloseHandle(file);
    return result;
}

/* A narrow path in the ANSI code page, widened; NULL stays NULL (the invalid-parameter path follows). */
static int set_narrow_path_times(const char *path, const int64_t *times)
{
    wchar_t wide[MAX_PATH];

    if (path && !MultiByteToWideChar(CP_ACP, 0, path, -1, wide, MAX_PATH)) {
        crt_thread_data()->err = CRT_ENOENT;
        return -1;
    }
    return set_path_times(path ? wide : NULL, times);
}

static const int64_t *widen32(const utimbuf32_t *times, int64_t *out)
{
    if (!times)
        return NULL;
    out[0] = times->actime;
    out[1] = times->modtime;
    return out;
}

int CRT_EXPORT _utime64(const char *path, const utimbuf64_t *times)
{
    return set_narrow_path_times(path, times ? &times->actime : NULL);
}

int CRT_EXPORT _wutime64(const wchar_t *path, const utimbuf64_t *times)
{
    return set_path_times(path, times ? &times->actime : NULL);
}

int CRT_EXPORT _utime32(const char *path, const utimbuf32_t *times)
{
    int64_t wide[2];

    return set_narrow_path_times(path, widen32(times, wide));
}

int CRT_EXPORT _wutime32(const wchar_t *path, const utimbuf32_t *times)
{
    int64_t wide[2];

    return set_path_times(path, widen32(times, wide));
}

int CRT_EXPORT _futime64(int fd, const utimbuf64_t *times)
{
    HANDLE file = (HANDLE)_get_osfhandle(fd);

    return file == INVALID_HANDLE_VALUE ? -1 : set_times(file, times ? &times->actime : NULL);
}

int CRT_EXPORT _futime32(int fd, const utimbuf32_t *times)
{
    HANDLE file = (HANDLE)_get_osfhandle(fd);
    int64_t wide[2];

    return file == INVALID_HANDLE_VALUE ? -1 : set_times(file, widen32(times, wide));
}
