/*
 * kernel32: volumes. GetVolumeInformationW and GetDiskFreeSpaceExW, on a handle to the directory asked about
 * (the current directory's root, or the current directory, when none is given).
 */
#define _KERNEL32_          /* windows.h declares our own exports without dllimport */
#include "k32files.h"

#define DIRECTORY_OPTIONS (FILE_DIRECTORY_FILE | FILE_SYNCHRONOUS_IO_NONALERT | FILE_OPEN_FOR_BACKUP_INTENT)

static BOOL query_volume(HANDLE handle, void *info, ULONG length, ULONG info_class)
{
    IO_STATUS_BLOCK iosb;
    NTSTATUS status = NtQueryVolumeInformationFile(handle, &iosb, info, length, info_class);
    return NT_SUCCESS(status) ? TRUE : fail_status(status);
}

/* A counted name into a caller's buffer of `size` characters, terminated; ERROR_BAD_LENGTH when it does not fit. */
static BOOL put_name(WCHAR *buffer, DWORD size, const WCHAR *name, ULONG bytes)
{
    ULONG n = bytes / sizeof(WCHAR);

    if (!buffer)
        return TRUE;
    if (size <= n) {
        SetLastError(ERROR_BAD_LENGTH);
        return FALSE;
    }
    copy_bytes(buffer, name, bytes);
    buffer[n] = 0;
    return TRUE;
}

static BOOL volume_information(HANDLE root, LPWSTR label, DWORD label_size, LPDWORD serial, LPDWORD max_component,
                               LPDWORD flags, LPWSTR fs_name, DWORD fs_name_size)
{
    union {
        FILE_FS_VOLUME_INFORMATION info;
        BYTE bytes[sizeof(FILE_FS_VOLUME_INFORMATION) + MAX_PATH * sizeof(WCHAR)];
    } volume;
    union {
        FILE_FS_ATTRIBUTE_INFORMATION info;
        BYTE bytes[sizeof(FILE_FS_ATTRIBUTE_INFORMATION) + MAX_PATH * sizeof(WCHAR)];
    } fs;

    if (!query_volume(root, &volume, sizeof volume, FileFsVolumeInformation)
        || !put_name(label, label_size, volume.info.VolumeLabel, volume.info.VolumeLabelLength))
        return FALSE;
    if (serial)
        *serial = volume.info.VolumeSerialNumber;
    if (!query_volume(root, &fs, sizeof fs, FileFsAttributeInformation)
        || !put_name(fs_name, fs_name_size, fs.info.FileSystemName, fs.info.FileSystemNameLength))
        return FALSE;
    if (max_component)
        *max_component = (DWORD)fs.info.MaximumComponentNameLength;
    if (flags)
        *flags = fs.info.FileSystemAttributes;
    return TRUE;
}

BOOL WINAPI GetVolumeInformationW(LPCWSTR root, LPWSTR label, DWORD label_size, LPDWORD serial,
                                  LPDWORD max_component, LPDWORD flags, LPWSTR fs_name, DWORD fs_name_size)
{
    WCHAR current_root[4];
    HANDLE handle;
    BOOL ok;

    if (!root) {                                                    /* the current directory's drive */
        const UNICODE_STRING *cwd = &nt_process_parameters()->CurrentDirectory.DosPath;
        current_root[0] = cwd->Buffer[0];
        current_root[1] = ':';
        current_root[2] = '\\';
        current_root[3] = 0;
        root = current_root;
    }
    if (!root[0] || root[wcs_len(root) - 1] != '\\') {              /* a root must end with its "\" */
        SetLastError(ERROR_INVALID_NAME);
        return FALSE;
    }
    if (!open_dos(root, SYNCHRONIZE, DIRECTORY_OPTIONS, &handle))
        return FALSE;
    ok = volume_information(handle, label, label_size, serial, max_component, flags, fs_name, fs_name_size);
    NtClose(handle);
    return ok;
}

BOOL WINAPI GetDiskFreeSpaceExW(LPCWSTR directory, PULARGE_INTEGER caller_free, PULARGE_INTEGER total,
                                PULARGE_INTEGER free)
{
    FILE_FS_FULL_SIZE_INFORMATION size;
    HANDLE handle;
    ULONGLONG unit;
    BOOL ok;

    if (!open_dos(directory ? directory : L".", SYNCHRONIZE, DIRECTORY_OPTIONS, &handle))
        return FALSE;
    ok = query_volume(handle, &size, sizeof size, FileFsFullSizeInformation);
    NtClose(handle);
    if (!ok)
        return FALSE;
    unit = (ULONGLONG)size.SectorsPerAllocationUnit * size.BytesPerSector;
    if (caller_free)
        caller_free->QuadPart = size.CallerAvailableAllocationUnits.QuadPart * unit;
    if (total)
        total->QuadPart = size.TotalAllocationUnits.QuadPart * unit;
    if (free)
        free->QuadPart = size.ActualAvailableAllocationUnits.QuadPart * unit;
    return TRUE;
}
