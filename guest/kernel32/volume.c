/*
 * kernel32: volumes. GetVolumeInformationW, GetDiskFreeSpaceExW and GetDriveTypeW/A, on a handle to the directory
 * asked about (the current directory's root, or the current directory, when none is given). GetDriveType reads the
 * volume's device (FileFsDeviceInformation): the kernel's one volume, C:, is a fixed disk (DRIVE_FIXED); a root
 * that cannot be opened (no such drive, no trailing backslash) is DRIVE_NO_ROOT_DIR.
 *
 * FindFirstVolumeW, FindNextVolumeW and FindVolumeClose list the one volume, \?\Volume{GUID}\ (VOLUME_GUID_PATH,
 * k32files.h), then ERROR_NO_MORE_FILES; a buffer too small for the name is ERROR_FILENAME_EXCED_RANGE. The handle is
 * a block of the process heap, as Windows' is.
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

/* The root of the current directory's drive ("C:\\") in `buffer`, when `root` is NULL. */
static LPCWSTR root_or_current(LPCWSTR root, WCHAR buffer[4])
{
    const UNICODE_STRING *cwd = &nt_process_parameters()->CurrentDirectory.DosPath;

    if (root)
        return root;
    buffer[0] = cwd->Buffer[0];
    buffer[1] = ':';
    buffer[2] = '\\';
    buffer[3] = 0;
    return buffer;
}

BOOL WINAPI GetVolumeInformationW(LPCWSTR root, LPWSTR label, DWORD label_size, LPDWORD serial,
                                  LPDWORD max_component, LPDWORD flags, LPWSTR fs_name, DWORD fs_name_size)
{
    WCHAR current_root[4];
    HANDLE handle;
    BOOL ok;

    root = root_or_current(root, current_root);
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

UINT WINAPI GetDriveTypeW(LPCWSTR root)
{
    WCHAR current_root[4];
    FILE_FS_DEVICE_INFORMATION device;
    IO_STATUS_BLOCK iosb;
    HANDLE handle;
    NTSTATUS status;

    root = root_or_current(root, current_root);
    if (!root[0] || root[wcs_len(root) - 1] != '\\' || !open_dos(root, SYNCHRONIZE, DIRECTORY_OPTIONS, &handle))
        return DRIVE_NO_ROOT_DIR;
    status = NtQueryVolumeInformationFile(handle, &iosb, &device, sizeof device, FileFsDeviceInformation);
    NtClose(handle);
    if (!NT_SUCCESS(status))
        return DRIVE_UNKNOWN;
    return device.DeviceType == FILE_DEVICE_DISK ? DRIVE_FIXED : DRIVE_UNKNOWN;
}

UINT WINAPI GetDriveTypeA(LPCSTR root)
{
    WCHAR wide[NT_PATH_MAX];

    if (!root)
        return GetDriveTypeW(NULL);
    return ansi_path(root, wide) ? GetDriveTypeW(wide) : DRIVE_NO_ROOT_DIR;
}

/* ---- Volume enumeration ---------------------------------------------------------------------------------- */

/* What a FindFirstVolumeW handle points to: the next volume to give (the only one is C:). */
struct volume_search {
    DWORD magic;
    DWORD next;
};

#define VOLUME_SEARCH_MAGIC 0x566F6C53                              /* "SloV" */

/* The volume's name, VOLUME_GUID_PATH and a backslash, into a caller's buffer of `size` characters;
 * ERROR_FILENAME_EXCED_RANGE when it does not fit. */
static BOOL put_volume_name(LPWSTR name, DWORD size)
{
    if (size < VOLUME_GUID_PATH_LENGTH + 2) {
        SetLastError(ERROR_FILENAME_EXCED_RANGE);
        return FALSE;
    }
    copy_bytes(name, VOLUME_GUID_PATH, VOLUME_GUID_PATH_LENGTH * sizeof(WCHAR));
    name[VOLUME_GUID_PATH_LENGTH] = '\\';
    name[VOLUME_GUID_PATH_LENGTH + 1] = 0;
    return TRUE;
}

static struct volume_search *volume_search(HANDLE handle)
{
    struct volume_search *search = handle;

    if (handle == INVALID_HANDLE_VALUE || !search || search->magic != VOLUME_SEARCH_MAGIC) {
        SetLastError(ERROR_INVALID_HANDLE);
        return NULL;
    }
    return search;
}

HANDLE WINAPI FindFirstVolumeW(LPWSTR name, DWORD size)
{
    struct volume_search *search;

    if (!put_volume_name(name, size))
        return INVALID_HANDLE_VALUE;
    search = RtlAllocateHeap(GetProcessHeap(), 0, sizeof *search);
    if (!search) {
        SetLastError(ERROR_NOT_ENOUGH_MEMORY);
        return INVALID_HANDLE_VALUE;
    }
    search->magic = VOLUME_SEARCH_MAGIC;
    search->next = 1;
    return search;
}

/* After the one volume: ERROR_NO_MORE_FILES. */
BOOL WINAPI FindNextVolumeW(HANDLE handle, LPWSTR name, DWORD size)
{
    struct volume_search *search = volume_search(handle);

    if (!search)
        return FALSE;
    if (search->next >= 1) {
        SetLastError(ERROR_NO_MORE_FILES);
        return FALSE;
    }
    search->next++;
    return put_volume_name(name, size);
}

BOOL WINAPI FindVolumeClose(HANDLE handle)
{
    struct volume_search *search = volume_search(handle);

    if (!search)
        return FALSE;
    search->magic = 0;
    RtlFreeHeap(GetProcessHeap(), 0, search);
    return TRUE;
}
