/*
 * kernel32: SearchPathW/A (processenv.h), the search for a file by name.
 *
 * A name with a folder in it ("dir\x", "C:\x", ".\x") is looked for where it says only. A bare name is looked
 * for in `path` (folders separated by ';') or, for a NULL path, in the program's folder, the current folder, the
 * system folder (SysWOW64 for a 32-bit process, which is where WoW64's redirection of System32 leads), the Windows
 * folder, then the folders of PATH. `extension` (".exe") is added to a name that has none. The first name that
 * exists, file or folder, is the answer: its full path and its length, or, when `size` characters cannot hold it
 * and its terminator, the size needed (nothing written); *file_part points at its file name. A name found nowhere
 * is ERROR_FILE_NOT_FOUND, a NULL or empty name ERROR_INVALID_PARAMETER.
 */
#define _KERNEL32_          /* windows.h declares our own exports without dllimport */
#include "k32files.h"

#define KUSD_NT_SYSTEM_ROOT 0x030                                   /* WCHAR[260] */
#define PATH_VARIABLE_MAX (2 * NT_PATH_MAX)                         /* characters of PATH that are searched */

#ifdef _WIN64
static const WCHAR system_folder[] = L"\\System32";
#else
static const WCHAR system_folder[] = L"\\SysWOW64";
#endif

/* `folder` (n characters) + '\' + `name` + `extension` when the name has none, if that exists: its full path. */
static BOOL exists_in(const WCHAR *folder, ULONG n, const WCHAR *name, const WCHAR *extension, WCHAR *found)
{
    WCHAR joined[NT_PATH_MAX];
    ULONG len = 0, name_len = wcs_len(name), ext_len = extension ? wcs_len(extension) : 0;
    BOOL has_extension = FALSE;
    DWORD full;

    for (ULONG i = 0; i < name_len; i++)
        if (name[i] == '.')
            has_extension = TRUE;
        else if (name[i] == '\\' || name[i] == '/')
            has_extension = FALSE;
    if (has_extension)
        ext_len = 0;
    if (n + 1 + name_len + ext_len >= NT_PATH_MAX)
        return FALSE;
    copy_bytes(joined, folder, n * sizeof(WCHAR));
    len = n;
    if (len && joined[len - 1] != '\\' && joined[len - 1] != '/')
        joined[len++] = '\\';
    copy_bytes(joined + len, name, name_len * sizeof(WCHAR));
    copy_bytes(joined + len + name_len, extension, ext_len * sizeof(WCHAR));
    joined[len + name_len + ext_len] = 0;
    full = GetFullPathNameW(joined, NT_PATH_MAX, found, NULL);
    return full && full < NT_PATH_MAX && GetFileAttributesW(found) != INVALID_FILE_ATTRIBUTES;
}

/* The folders of a ';'-separated list, in order, until the name is found in one. */
static BOOL exists_in_list(const WCHAR *list, const WCHAR *name, const WCHAR *extension, WCHAR *found)
{
    while (list && *list) {
        ULONG n = 0;
        while (list[n] && list[n] != ';')
            n++;
        if (n && exists_in(list, n, name, extension, found))
            return TRUE;
        list += n + (list[n] == ';');
    }
    return FALSE;
}

static BOOL search(const WCHAR *path, const WCHAR *name, const WCHAR *extension, WCHAR *found)
{
    const WCHAR *windows = (const WCHAR *)(ULONG_PTR)(KUSER_SHARED_DATA_ADDRESS + KUSD_NT_SYSTEM_ROOT);
    WCHAR folder[NT_PATH_MAX], variable[PATH_VARIABLE_MAX];
    ULONG n;

    for (ULONG i = 0; name[i]; i++)
        if (name[i] == '\\' || name[i] == '/' || name[i] == ':')
            return exists_in(L"", 0, name, extension, found);
    if (path)
        return exists_in_list(path, name, extension, found);
    n = GetModuleFileNameW(NULL, folder, NT_PATH_MAX);
    while (n && folder[n - 1] != '\\')
        n--;
    if (n && exists_in(folder, n, name, extension, found))
        return TRUE;
    n = GetCurrentDirectoryW(NT_PATH_MAX, folder);
    if (n && n < NT_PATH_MAX && exists_in(folder, n, name, extension, found))
        return TRUE;
    n = wcs_len(windows);
    copy_bytes(folder, windows, n * sizeof(WCHAR));
    copy_bytes(folder + n, system_folder, sizeof system_folder);
    if (exists_in(folder, wcs_len(folder), name, extension, found) || exists_in(windows, n, name, extension, found))
        return TRUE;
    n = GetEnvironmentVariableW(L"PATH", variable, PATH_VARIABLE_MAX);
    return n && n < PATH_VARIABLE_MAX && exists_in_list(variable, name, extension, found);
}

static DWORD search_path(const WCHAR *path, const WCHAR *name, const WCHAR *extension, void *buffer, DWORD size,
                         void **file_part, BOOL wide)
{
    WCHAR found[NT_PATH_MAX];
    DWORD n, last = 0, error = GetLastError();                      /* the probes' errors are not the caller's */

    if (!name || !*name) {
        SetLastError(ERROR_INVALID_PARAMETER);
        return 0;
    }
    if (!search(path, name, extension, found)) {
        SetLastError(ERROR_FILE_NOT_FOUND);
        return 0;
    }
    SetLastError(error);
    n = wcs_len(found);
    if (size <= n)
        return n + 1;
    for (DWORD i = 0; i < n; i++)
        if (found[i] == '\\')
            last = i + 1;
    if (wide)
        copy_bytes(buffer, found, (n + 1) * sizeof(WCHAR));
    else
        to_ansi(buffer, found, n);
    if (file_part)
        *file_part = (char *)buffer + last * (wide ? sizeof(WCHAR) : 1);
    return n;
}

DWORD WINAPI SearchPathW(LPCWSTR path, LPCWSTR name, LPCWSTR extension, DWORD size, LPWSTR buffer,
                         LPWSTR *file_part)
{
    return search_path(path, name, extension, buffer, size, (void **)file_part, TRUE);
}

/* The ANSI strings as UTF-16 (Latin-1), through SearchPathW's search. */
DWORD WINAPI SearchPathA(LPCSTR path, LPCSTR name, LPCSTR extension, DWORD size, LPSTR buffer, LPSTR *file_part)
{
    WCHAR wide_path[NT_PATH_MAX], wide_name[NT_PATH_MAX], wide_extension[NT_PATH_MAX];

    if (!name) {
        SetLastError(ERROR_INVALID_PARAMETER);
        return 0;
    }
    if ((path && !ansi_path(path, wide_path)) || !ansi_path(name, wide_name) ||
        (extension && !ansi_path(extension, wide_extension)))
        return 0;
    return search_path(path ? wide_path : NULL, wide_name, extension ? wide_extension : NULL, buffer, size,
                       (void **)file_part, FALSE);
}
