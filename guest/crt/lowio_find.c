/*
 * _findfirst, _findnext and _findclose in the layouts of <io.h>: 32- or 64-bit times, 32- or 64-bit sizes, a
 * narrow or wide name (_finddata32_t, _finddata32i64_t, _finddata64i32_t, __finddata64_t and the _wfinddata
 * twins). The names without a suffix are aliases in exports/lowio.def (msvcrt's x86 _findfirst is _findfirst32,
 * its x64 one _findfirst64i32). The handle is FindFirstFile's.
 */
#include "stdio_internal.h"

long long crt_filetime_to_time(const FILETIME *time);

/* The errno of a failed search, as the CRTs give it. */
static void find_error(void)
{
    DWORD error = GetLastError();

    crt_thread_data()->doserr = error;
    switch (error) {
    case ERROR_FILE_NOT_FOUND:
    case ERROR_PATH_NOT_FOUND:
    case ERROR_INVALID_DRIVE:
    case ERROR_NO_MORE_FILES:
    case ERROR_FILENAME_EXCED_RANGE:
        crt_set_errno(CRT_ENOENT);
        break;
    case ERROR_NOT_ENOUGH_MEMORY:
        crt_set_errno(CRT_ENOMEM);
        break;
    default:
        crt_set_errno(CRT_EINVAL);
        break;
    }
}

/* FindFirstFileW on a narrow (char_size 1) or wide pattern. */
static HANDLE find_first(const void *spec, int char_size, WIN32_FIND_DATAW *data)
{
    wchar_t *wide = NULL;
    HANDLE handle;

    if (char_size == 1 && !(wide = crt_path_to_wide(spec)))
        return INVALID_HANDLE_VALUE;
    handle = FindFirstFileW(wide ? wide : spec, data);
    crt_free(wide);
    if (handle == INVALID_HANDLE_VALUE)
        find_error();
    return handle;
}

/* The found name into a 260-character array of the layout's width. */
static void copy_name(void *out, int char_size, const wchar_t *name)
{
    if (char_size == 1) {
        if (!WideCharToMultiByte(CP_ACP, 0, name, -1, out, 260, NULL, NULL))
            *(char *)out = 0;
    } else {
        lstrcpynW(out, name, 260);
    }
}

static long long size_of(const WIN32_FIND_DATAW *data)
{
    return (long long)data->nFileSizeHigh << 32 | data->nFileSizeLow;
}

/* A time, -1 when there is none or it does not fit the layout's width (bits). */
static long long find_time(const FILETIME *time, int bits)
{
    long long t = crt_filetime_to_time(time);

    if (!t || (bits == 32 && (t > 0x7FFFFFFF || t < 0)))
        return -1;
    return t;
}

#define FIND_LAYOUT(TAG, CH, TIME, FSIZE, FIRST, NEXT)                                                          \
    struct TAG {                                                                                                 \
        unsigned attrib;                                                                                         \
        TIME time_create, time_access, time_write;                                                               \
        FSIZE size;                                                                                              \
        CH name[260];                                                                                            \
    };                                                                                                           \
    static void fill_##TAG(struct TAG *out, const WIN32_FIND_DATAW *data)                                       \
    {                                                                                                            \
        int bits = (int)sizeof(TIME) * 8;                                                                        \
                                                                                                                 \
        out->attrib = data->dwFileAttributes == FILE_ATTRIBUTE_NORMAL ? 0 : data->dwFileAttributes;              \
        out->time_create = (TIME)find_time(&data->ftCreationTime, bits);                                         \
        out->time_access = (TIME)find_time(&data->ftLastAccessTime, bits);                                       \
        out->time_write = (TIME)find_time(&data->ftLastWriteTime, bits);                                         \
        out->size = (FSIZE)size_of(data);                                                                        \
        copy_name(out->name, (int)sizeof(CH), data->cFileName);                                                  \
    }                                                                                                            \
    intptr_t CRT_EXPORT FIRST(const CH *spec, struct TAG *out)                                                   \
    {                                                                                                            \
        WIN32_FIND_DATAW data;                                                                                   \
        HANDLE handle;                                                                                           \
                                                                                                                 \
        if (!spec || !out) {                                                                                     \
            crt_invalid_parameter(CRT_EINVAL);                                                                   \
            return -1;                                                                                           \
        }                                                                                                        \
        if ((handle = find_first(spec, (int)sizeof(CH), &data)) == INVALID_HANDLE_VALUE)                         \
            return -1;                                                                                           \
        fill_##TAG(out, &data);                                                                                  \
        return (intptr_t)handle;                                                                                 \
    }                                                                                                            \
    int CRT_EXPORT NEXT(intptr_t handle, struct TAG *out)                                                        \
    {                                                                                                            \
        WIN32_FIND_DATAW data;                                                                                   \
                                                                                                                 \
        if (!out) {                                                                                              \
            crt_invalid_parameter(CRT_EINVAL);                                                                   \
            return -1;                                                                                           \
        }                                                                                                        \
        if (!FindNextFileW((HANDLE)handle, &data)) {                                                             \
            find_error();                                                                                        \
            return -1;                                                                                           \
        }                                                                                                        \
        fill_##TAG(out, &data);                                                                                  \
        return 0;                                                                                                \
    }

FIND_LAYOUT(find32, char, int, unsigned long, _findfirst32, _findnext32)
FIND_LAYOUT(find32i64, char, int, long long, _findfirst32i64, _findnext32i64)
FIND_LAYOUT(find64i32, char, long long, unsigned long, _findfirst64i32, _findnext64i32)
FIND_LAYOUT(find64, char, long long, long long, _findfirst64, _findnext64)
FIND_LAYOUT(wfind32, wchar_t, int, unsigned long, _wfindfirst32, _wfindnext32)
FIND_LAYOUT(wfind32i64, wchar_t, int, long long, _wfindfirst32i64, _wfindnext32i64)
FIND_LAYOUT(wfind64i32, wchar_t, long long, unsigned long, _wfindfirst64i32, _wfindnext64i32)
FIND_LAYOUT(wfind64, wchar_t, long long, long long, _wfindfirst64, _wfindnext64)

int CRT_EXPORT _findclose(intptr_t handle)
{
    if (!FindClose((HANDLE)handle)) {
        crt_set_errno(CRT_EINVAL);
        return -1;
    }
    return 0;
}
