/*
 * kernel32: FindFirstFileExW/A (fileapi.h), FindFirstFile with an information level, a search operation and
 * flags.
 *
 * FindExInfoBasic leaves out the 8.3 name, which this volume never has (its directory entries carry none), so
 * both levels give the same data. FindExSearchLimitToDirectories is advisory, as Windows documents it: a file
 * system that does not filter (NTFS does not) returns the files too, and so does this one. Of the flags,
 * FIND_FIRST_EX_LARGE_FETCH (a bigger buffer for the listing) and FIND_FIRST_EX_ON_DISK_ENTRIES_ONLY change
 * nothing here, and FIND_FIRST_EX_CASE_SENSITIVE is taken but the search stays case-insensitive, as the volume's
 * names are. Another level, another operation (FindExSearchLimitToDevices), a filter or an unknown flag is
 * ERROR_INVALID_PARAMETER.
 */
#define _KERNEL32_          /* windows.h declares our own exports without dllimport */
#include "k32files.h"

#ifndef FIND_FIRST_EX_ON_DISK_ENTRIES_ONLY                          /* not in mingw-w64's fileapi.h */
#define FIND_FIRST_EX_ON_DISK_ENTRIES_ONLY 4
#endif
#define FIND_EX_FLAGS (FIND_FIRST_EX_CASE_SENSITIVE | FIND_FIRST_EX_LARGE_FETCH | FIND_FIRST_EX_ON_DISK_ENTRIES_ONLY)

static BOOL valid(FINDEX_INFO_LEVELS level, FINDEX_SEARCH_OPS op, LPVOID filter, DWORD flags)
{
    if ((level != FindExInfoStandard && level != FindExInfoBasic) ||
        (op != FindExSearchNameMatch && op != FindExSearchLimitToDirectories) || filter || (flags & ~FIND_EX_FLAGS)) {
        SetLastError(ERROR_INVALID_PARAMETER);
        return FALSE;
    }
    return TRUE;
}

HANDLE WINAPI FindFirstFileExW(LPCWSTR name, FINDEX_INFO_LEVELS level, LPVOID data, FINDEX_SEARCH_OPS op,
                               LPVOID filter, DWORD flags)
{
    return valid(level, op, filter, flags) ? FindFirstFileW(name, data) : INVALID_HANDLE_VALUE;
}

HANDLE WINAPI FindFirstFileExA(LPCSTR name, FINDEX_INFO_LEVELS level, LPVOID data, FINDEX_SEARCH_OPS op,
                               LPVOID filter, DWORD flags)
{
    return valid(level, op, filter, flags) ? FindFirstFileA(name, data) : INVALID_HANDLE_VALUE;
}
