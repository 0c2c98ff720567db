/*
 * kernel32: the folder and names of temporary files (fileapi.h): GetTempPathW/A and GetTempFileNameW/A.
 *
 * GetTempPath is the full path of the first of TMP, TEMP and USERPROFILE that is set, else of the Windows
 * folder (KUSER_SHARED_DATA's NtSystemRoot), with a '\' at its end; it is not checked to exist. It returns the
 * path's length, or, when `size` characters cannot hold it and its terminator, the size needed (nothing written).
 *
 * GetTempFileName makes "PATH\PREunique.tmp": the first three characters of the prefix, the unique number in
 * upper-case hexadecimal. A non-zero `unique` only makes the name (its low 16 bits); 0 takes a number from the
 * tick count and creates the file (CREATE_NEW), trying the next numbers while the name exists, and returns the
 * number used. A folder of more than MAX_PATH - 14 characters is ERROR_BUFFER_OVERFLOW.
 */
#define _KERNEL32_          /* windows.h declares our own exports without dllimport */
#include "k32files.h"

#define KUSD_NT_SYSTEM_ROOT 0x030                                   /* WCHAR[260] */

static DWORD temp_path(void *buffer, DWORD size, BOOL wide)
{
    static const WCHAR *const variables[] = { L"TMP", L"TEMP", L"USERPROFILE" };
    WCHAR value[NT_PATH_MAX], full[NT_PATH_MAX];
    const WCHAR *folder = (const WCHAR *)(ULONG_PTR)(KUSER_SHARED_DATA_ADDRESS + KUSD_NT_SYSTEM_ROOT);
    DWORD n;

    for (unsigned i = 0; i < sizeof variables / sizeof variables[0]; i++) {
        n = GetEnvironmentVariableW(variables[i], value, NT_PATH_MAX);
        if (n && n < NT_PATH_MAX) {
            folder = value;
            break;
        }
    }
    n = GetFullPathNameW(folder, NT_PATH_MAX - 1, full, NULL);
    if (!n || n >= NT_PATH_MAX - 1)
        return 0;
    if (full[n - 1] != '\\') {
        full[n++] = '\\';
        full[n] = 0;
    }
    if (size <= n)
        return n + 1;
    if (wide)
        copy_bytes(buffer, full, (n + 1) * sizeof(WCHAR));
    else
        to_ansi(buffer, full, n);
    return n;
}

DWORD WINAPI GetTempPathW(DWORD size, LPWSTR buffer)
{
    return temp_path(buffer, size, TRUE);
}

DWORD WINAPI GetTempPathA(DWORD size, LPSTR buffer)
{
    return temp_path(buffer, size, FALSE);
}

/* "PATH\PREXXXX.tmp" into name (MAX_PATH characters). */
static void temp_name(WCHAR *name, const WCHAR *path, ULONG path_length, const WCHAR *prefix, UINT unique)
{
    ULONG n = path_length, digits = 0;

    copy_bytes(name, path, n * sizeof(WCHAR));
    if (n && name[n - 1] != '\\')
        name[n++] = '\\';
    for (ULONG i = 0; prefix && prefix[i] && i < 3; i++)
        name[n++] = prefix[i];
    for (UINT v = unique; v; v >>= 4)
        digits++;
    for (ULONG i = digits ? digits : 1; i-- > 0; )
        name[n++] = L"0123456789ABCDEF"[(unique >> (4 * i)) & 0xF];
    copy_bytes(name + n, L".tmp", 5 * sizeof(WCHAR));
}

UINT WINAPI GetTempFileNameW(LPCWSTR path, LPCWSTR prefix, UINT unique, LPWSTR name)
{
    ULONG path_length;

    if (!path || !name) {
        SetLastError(ERROR_INVALID_PARAMETER);
        return 0;
    }
    if ((path_length = wcs_len(path)) > MAX_PATH - 14) {
        SetLastError(ERROR_BUFFER_OVERFLOW);
        return 0;
    }
    unique &= 0xFFFF;
    if (unique) {
        temp_name(name, path, path_length, prefix, unique);
        return unique;
    }
    unique = GetTickCount() & 0xFFFF;
    for (ULONG tries = 0; tries < 0x10000; tries++, unique = (unique + 1) & 0xFFFF) {
        HANDLE h;
        if (!unique)
            unique = 1;
        temp_name(name, path, path_length, prefix, unique);
        h = CreateFileW(name, GENERIC_WRITE, 0, NULL, CREATE_NEW, FILE_ATTRIBUTE_NORMAL, NULL);
        if (h != INVALID_HANDLE_VALUE) {
            CloseHandle(h);
            return unique;
        }
        if (GetLastError() != ERROR_FILE_EXISTS && GetLastError() != ERROR_ALREADY_EXISTS)
            return 0;
    }
    return 0;
}

UINT WINAPI GetTempFileNameA(LPCSTR path, LPCSTR prefix, UINT unique, LPSTR name)
{
    WCHAR wide_path[NT_PATH_MAX], wide_prefix[4] = { 0 }, wide_name[MAX_PATH];
    UINT result;

    if (!path || !name) {
        SetLastError(ERROR_INVALID_PARAMETER);
        return 0;
    }
    if (!ansi_path(path, wide_path))
        return 0;
    for (unsigned i = 0; prefix && prefix[i] && i < 3; i++)
        wide_prefix[i] = (unsigned char)prefix[i];
    result = GetTempFileNameW(wide_path, wide_prefix, unique, wide_name);
    if (result)
        to_ansi(name, wide_name, wcs_len(wide_name));
    return result;
}
