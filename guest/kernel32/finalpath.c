/*
 * kernel32: GetFinalPathNameByHandleW/A (fileapi.h). The file's path on its volume is the file system's
 * (NtQueryInformationFile(FileNameInformation): \dir\file), which also makes sure the handle is a file's; the volume
 * is the I/O manager's name for the file object (NtQueryObject(ObjectNameInformation):
 * \Device\HarddiskVolume3\dir\file), whose device is the C: drive's when it is the name of that drive's root. The
 * volume part is then written as asked:
 *   VOLUME_NAME_DOS (0)   \\?\C:\dir\file
 *   VOLUME_NAME_GUID (1)  \\?\Volume{GUID}\dir\file (the GUID FindFirstVolumeW gives, k32files.h)
 *   VOLUME_NAME_NT (2)    \Device\HarddiskVolume3\dir\file
 *   VOLUME_NAME_NONE (4)  \dir\file
 * FILE_NAME_NORMALIZED (0) and FILE_NAME_OPENED (8) give the same name: the volume has no short names or links, and
 * each component is the name the file has on the disk. Another flag, or two volume forms, is
 * ERROR_INVALID_PARAMETER; a handle that is no file's is ERROR_INVALID_HANDLE, a device's (the console)
 * ERROR_INVALID_FUNCTION; a file of no drive (the DOS and GUID forms) ERROR_PATH_NOT_FOUND.
 *
 * The result is the name's length without its terminator when the buffer holds both, else the size needed with
 * the terminator (and the buffer untouched). The A form gives the name in the file functions' code page.
 */
#define _KERNEL32_          /* windows.h declares our own exports without dllimport */
#include "k32files.h"

#define NAME_FLAGS (FILE_NAME_OPENED | VOLUME_NAME_GUID | VOLUME_NAME_NT | VOLUME_NAME_NONE)

union object_name {
    OBJECT_NAME_INFORMATION info;
    BYTE bytes[sizeof(OBJECT_NAME_INFORMATION) + NT_PATH_MAX * sizeof(WCHAR)];
};

union file_name {
    FILE_NAME_INFORMATION info;
    BYTE bytes[sizeof(FILE_NAME_INFORMATION) + NT_PATH_MAX * sizeof(WCHAR)];
};

/* The object's name (NtQueryObject), terminated; FALSE with the last error set (ERROR_PATH_NOT_FOUND for none). */
static BOOL object_name(HANDLE handle, union object_name *name)
{
    NTSTATUS status = NtQueryObject(handle, ObjectNameInformation, name, sizeof *name - sizeof(WCHAR), NULL);

    if (!NT_SUCCESS(status))
        return fail_status(status);
    if (!name->info.Name.Length) {                                  /* an object without a name */
        SetLastError(ERROR_PATH_NOT_FOUND);
        return FALSE;
    }
    name->info.Name.Buffer[name->info.Name.Length / sizeof(WCHAR)] = 0;
    return TRUE;
}

/* Whether a file object's name is on the C: drive's device (\Device\HarddiskVolume3), the name of its root without
 * the trailing backslash; FALSE with ERROR_PATH_NOT_FOUND when it is not. */
static BOOL on_drive(const UNICODE_STRING *name)
{
    union object_name root;
    HANDLE handle;
    ULONG n = 0, i;

    if (!open_dos(L"C:\\", FILE_READ_ATTRIBUTES | SYNCHRONIZE,
                  FILE_DIRECTORY_FILE | FILE_SYNCHRONOUS_IO_NONALERT | FILE_OPEN_FOR_BACKUP_INTENT, &handle))
        return FALSE;
    if (object_name(handle, &root))
        n = root.info.Name.Length / sizeof(WCHAR) - 1;              /* the root's name ends in '\' */
    NtClose(handle);
    for (i = 0; n && i <= n && i < name->Length / sizeof(WCHAR); i++)
        if (name->Buffer[i] != root.info.Name.Buffer[i])
            break;
    if (n && i == n + 1)
        return TRUE;
    SetLastError(ERROR_PATH_NOT_FOUND);
    return FALSE;
}

/* The final name in `out` (NT_PATH_MAX characters); its length, or 0 with the last error set. */
static DWORD final_name(HANDLE file, DWORD flags, WCHAR *out)
{
    DWORD volume = flags & (VOLUME_NAME_GUID | VOLUME_NAME_NT | VOLUME_NAME_NONE), n = 0, i;
    union object_name name;
    union file_name path;
    IO_STATUS_BLOCK iosb;
    const WCHAR *prefix = L"", *rest;
    ULONG length;
    NTSTATUS status;

    if ((flags & ~NAME_FLAGS) || (volume & (volume - 1))) {
        SetLastError(ERROR_INVALID_PARAMETER);
        return 0;
    }
    status = NtQueryInformationFile(file, &iosb, &path, sizeof path, FileNameInformation);
    if (!NT_SUCCESS(status)) {
        fail_status(status);
        return 0;
    }
    rest = path.info.FileName;
    length = path.info.FileNameLength / sizeof(WCHAR);
    if (volume != VOLUME_NAME_NONE) {
        if (!object_name(file, &name) || (volume != VOLUME_NAME_NT && !on_drive(&name.info.Name)))
            return 0;
        if (volume == VOLUME_NAME_NT) {
            rest = name.info.Name.Buffer;
            length = name.info.Name.Length / sizeof(WCHAR);
        }
        else
            prefix = volume == VOLUME_NAME_GUID ? VOLUME_GUID_PATH : L"\\\\?\\C:";
    }
    while (*prefix)
        out[n++] = *prefix++;
    for (i = 0; i < length && n < NT_PATH_MAX - 1; i++)
        out[n++] = rest[i];
    out[n] = 0;
    return n;
}

DWORD WINAPI GetFinalPathNameByHandleW(HANDLE file, LPWSTR buffer, DWORD size, DWORD flags)
{
    WCHAR name[NT_PATH_MAX];
    DWORD n = final_name(file, flags, name);

    if (!n)
        return 0;
    if (size <= n)
        return n + 1;
    copy_bytes(buffer, name, (n + 1) * sizeof(WCHAR));
    return n;
}

DWORD WINAPI GetFinalPathNameByHandleA(HANDLE file, LPSTR buffer, DWORD size, DWORD flags)
{
    WCHAR name[NT_PATH_MAX];
    DWORD n = final_name(file, flags, name);

    if (!n)
        return 0;
    if (size <= n)
        return n + 1;
    to_ansi(buffer, name, n);
    return n;
}
