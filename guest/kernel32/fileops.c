/*
 * kernel32: files by name. Attributes, deletion, directories, moves; each an open of the name and an
 * information class, or a query by name, as kernelbase does it.
 */
#define _KERNEL32_          /* windows.h declares our own exports without dllimport */
#include "k32files.h"

#define BY_NAME_OPTIONS (FILE_SYNCHRONOUS_IO_NONALERT | FILE_OPEN_FOR_BACKUP_INTENT)

/* ---- Attributes ---------------------------------------------------------------------------------------- */

DWORD WINAPI GetFileAttributesW(LPCWSTR name)
{
    struct nt_name n;
    FILE_BASIC_INFORMATION info;
    NTSTATUS status;

    if (!nt_name_of(name, &n))
        return INVALID_FILE_ATTRIBUTES;
    status = NtQueryAttributesFile(&n.oa, &info);
    if (!NT_SUCCESS(status)) {
        fail_status(status);
        return INVALID_FILE_ATTRIBUTES;
    }
    return info.FileAttributes;
}

DWORD WINAPI GetFileAttributesA(LPCSTR name)
{
    WCHAR wide[NT_PATH_MAX];
    return ansi_path(name, wide) ? GetFileAttributesW(wide) : INVALID_FILE_ATTRIBUTES;
}

BOOL WINAPI GetFileAttributesExW(LPCWSTR name, GET_FILEEX_INFO_LEVELS level, LPVOID out)
{
    struct nt_name n;
    FILE_NETWORK_OPEN_INFORMATION info;
    WIN32_FILE_ATTRIBUTE_DATA *data = out;
    NTSTATUS status;

    if (level != GetFileExInfoStandard) {
        SetLastError(ERROR_INVALID_PARAMETER);
        return FALSE;
    }
    if (!nt_name_of(name, &n))
        return FALSE;
    status = NtQueryFullAttributesFile(&n.oa, &info);
    if (!NT_SUCCESS(status))
        return fail_status(status);
    data->dwFileAttributes = info.FileAttributes;
    data->ftCreationTime = filetime_of(info.CreationTime);
    data->ftLastAccessTime = filetime_of(info.LastAccessTime);
    data->ftLastWriteTime = filetime_of(info.LastWriteTime);
    data->nFileSizeHigh = (DWORD)info.EndOfFile.u.HighPart;
    data->nFileSizeLow = info.EndOfFile.u.LowPart;
    return TRUE;
}

/* An open of the name, one information class set on it, the handle closed. */
static BOOL set_by_name(const WCHAR *name, ACCESS_MASK access, ULONG options, void *info, ULONG length,
                        ULONG info_class)
{
    IO_STATUS_BLOCK iosb;
    HANDLE handle;
    NTSTATUS status;

    if (!open_dos(name, access | SYNCHRONIZE, options | BY_NAME_OPTIONS, &handle))
        return FALSE;
    status = NtSetInformationFile(handle, &iosb, info, length, info_class);
    NtClose(handle);
    return NT_SUCCESS(status) ? TRUE : fail_status(status);
}

BOOL WINAPI SetFileAttributesW(LPCWSTR name, DWORD attributes)
{
    FILE_BASIC_INFORMATION info = { 0 };

    /* The times stay (0); NORMAL keeps the value non-zero, so that no attributes at all clears them. */
    info.FileAttributes = attributes | FILE_ATTRIBUTE_NORMAL;
    return set_by_name(name, FILE_WRITE_ATTRIBUTES, 0, &info, sizeof info, FileBasicInformation);
}

/* ---- Deletion and directories -------------------------------------------------------------------------- */

/* The name itself goes, a link's too: its target stays (FILE_OPEN_REPARSE_POINT, as kernelbase opens it). */
static BOOL delete_by_name(const WCHAR *name, ULONG options)
{
    FILE_DISPOSITION_INFORMATION info = { TRUE };
    return set_by_name(name, DELETE, options | FILE_OPEN_REPARSE_POINT, &info, sizeof info,
                       FileDispositionInformation);
}

BOOL WINAPI DeleteFileW(LPCWSTR name)
{
    return delete_by_name(name, FILE_NON_DIRECTORY_FILE);           /* a directory: ERROR_ACCESS_DENIED */
}

BOOL WINAPI DeleteFileA(LPCSTR name)
{
    WCHAR wide[NT_PATH_MAX];
    return ansi_path(name, wide) && DeleteFileW(wide);
}

BOOL WINAPI RemoveDirectoryW(LPCWSTR name)
{
    return delete_by_name(name, FILE_DIRECTORY_FILE);               /* a file: ERROR_DIRECTORY */
}

BOOL WINAPI RemoveDirectoryA(LPCSTR name)
{
    WCHAR wide[NT_PATH_MAX];
    return ansi_path(name, wide) && RemoveDirectoryW(wide);
}

BOOL WINAPI CreateDirectoryW(LPCWSTR name, LPSECURITY_ATTRIBUTES sa)
{
    struct nt_name n;
    IO_STATUS_BLOCK iosb;
    HANDLE handle;
    NTSTATUS status;

    if (!nt_name_of(name, &n))
        return FALSE;
    n.oa.SecurityDescriptor = sa ? sa->lpSecurityDescriptor : NULL;
    status = NtCreateFile(&handle, FILE_LIST_DIRECTORY | SYNCHRONIZE, &n.oa, &iosb, NULL, FILE_ATTRIBUTE_NORMAL,
                          FILE_SHARE_READ | FILE_SHARE_WRITE, FILE_CREATE, FILE_DIRECTORY_FILE | BY_NAME_OPTIONS,
                          NULL, 0);
    if (!NT_SUCCESS(status))
        return fail_status(status);                                   /* there already: ERROR_ALREADY_EXISTS */
    NtClose(handle);
    return TRUE;
}

BOOL WINAPI CreateDirectoryA(LPCSTR name, LPSECURITY_ATTRIBUTES sa)
{
    WCHAR wide[NT_PATH_MAX];
    return ansi_path(name, wide) && CreateDirectoryW(wide, sa);
}

/* ---- Moves --------------------------------------------------------------------------------------------- */

/* A rename on the same volume: FileRenameInformation with the target's full NT path. Moves that Windows does
 * later (MOVEFILE_DELAY_UNTIL_REBOOT) are not supported; MOVEFILE_COPY_ALLOWED changes nothing on one volume. */
BOOL WINAPI MoveFileExW(LPCWSTR from, LPCWSTR to, DWORD flags)
{
    union {
        FILE_RENAME_INFORMATION info;
        BYTE bytes[sizeof(FILE_RENAME_INFORMATION) + NT_PATH_MAX * sizeof(WCHAR)];
    } rename;
    struct nt_path target;

    if (flags & MOVEFILE_DELAY_UNTIL_REBOOT) {
        SetLastError(ERROR_NOT_SUPPORTED);
        return FALSE;
    }
    if (!to) {
        SetLastError(ERROR_INVALID_PARAMETER);
        return FALSE;
    }
    if (!dos_path_to_nt(to, &target))
        return FALSE;
    rename.info.Flags = 0;
    rename.info.ReplaceIfExists = (flags & MOVEFILE_REPLACE_EXISTING) != 0;
    rename.info.RootDirectory = NULL;
    rename.info.FileNameLength = target.len * sizeof(WCHAR);
    copy_bytes(rename.info.FileName, target.buf, rename.info.FileNameLength);
    return set_by_name(from, DELETE, FILE_OPEN_REPARSE_POINT, &rename.info,       /* a link moves, not its target */
                       sizeof rename.info + rename.info.FileNameLength, FileRenameInformation);
}

BOOL WINAPI MoveFileW(LPCWSTR from, LPCWSTR to)
{
    return MoveFileExW(from, to, MOVEFILE_COPY_ALLOWED);
}

BOOL WINAPI MoveFileA(LPCSTR from, LPCSTR to)
{
    WCHAR wide_from[NT_PATH_MAX], wide_to[NT_PATH_MAX];
    return ansi_path(from, wide_from) && ansi_path(to, wide_to) && MoveFileW(wide_from, wide_to);
}
