/*
 * kernel32: GetFinalPathNameByHandleW/A (fileapi.h). The I/O manager names an open file on its volume's device
 * (NtQueryObject(ObjectNameInformation): \Device\HarddiskVolume3\dir\file); the C: drive's device is the name of
 * its root, opened the same way. The volume part is then written as asked:
 *   VOLUME_NAME_DOS (0)   \\?\C:\dir\file
 *   VOLUME_NAME_GUID (1)  \\?\Volume{GUID}\dir\file (the GUID FindFirstVolumeW gives, k32files.h)
 *   VOLUME_NAME_NT (2)    \Device\HarddiskVolume3\dir\file
 *   VOLUME_NAME_NONE (4)  \dir\file
 * FILE_NAME_NORMALIZED (0) and FILE_NAME_OPENED (8) give the same name: the volume has no short names or links, and
 * each component is the name the file has on the disk. Another flag, or two volume forms, is
 * ERROR_INVALID_PARAMETER; a file object without a name (the console's here) is ERROR_PATH_NOT_FOUND, and so is a
 * name on another device but for VOLUME_NAME_NT.
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

/* The length, in characters, of the C: drive's device name (\Device\HarddiskVolume3) at the start of `path`, or 0
 * when the path is not on that device. */
static ULONG drive_device_length(const WCHAR *path)
{
    union object_name root;
    HANDLE handle;
    ULONG n;

    if (!open_dos(L"C:\\", FILE_READ_ATTRIBUTES | SYNCHRONIZE,
                  FILE_DIRECTORY_FILE | FILE_SYNCHRONOUS_IO_NONALERT | FILE_OPEN_FOR_BACKUP_INTENT, &handle))
        return 0;
    if (!object_name(handle, &root)) {
        NtClose(handle);
        return 0;
    }
    NtClose(handle);
    n = root.info.Name.Length / sizeof(WCHAR);
    if (n && root.info.Name.Buffer[n - 1] == '\\')
        n--;                                                        /* the root's name ends in '\' */
    for (ULONG i = 0; i < n; i++)
        if (path[i] != root.info.Name.Buffer[i])
            return 0;
    return path[n] == '\\' ? n : 0;
}

/* The final name in `out` (NT_PATH_MAX characters); its length, or 0 with the last error set. */
static DWORD final_name(HANDLE file, DWORD flags, WCHAR *out)
{
    union object_name name;
    const WCHAR *prefix = L"", *rest;
    DWORD volume = flags & (VOLUME_NAME_GUID | VOLUME_NAME_NT | VOLUME_NAME_NONE), n = 0;
    ULONG device;

    if ((flags & ~NAME_FLAGS) || (volume & (volume - 1))) {
        SetLastError(ERROR_INVALID_PARAMETER);
        return 0;
    }
    if (!object_name(file, &name))
        return 0;
    rest = name.info.Name.Buffer;
    if (volume != VOLUME_NAME_NT) {
        device = drive_device_length(rest);
        if (!device) {
            SetLastError(ERROR_PATH_NOT_FOUND);
            return 0;
        }
        rest += device;
        prefix = volume == VOLUME_NAME_GUID ? VOLUME_GUID_PATH : volume == VOLUME_NAME_NONE ? L"" : L"\\\\?\\C:";
    }
    while (*prefix)
        out[n++] = *prefix++;
    while (*rest && n < NT_PATH_MAX - 1)
        out[n++] = *rest++;
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
