/*
 * kernel32: the standard handles, file I/O, CreateFile, what a handle says of its file (size, pointer, end,
 * information, times, type).
 */
#define _KERNEL32_          /* windows.h declares our own exports without dllimport */
#include "k32files.h"

/* ---- Standard handles and file I/O -------------------------------------------------------------------- */

HANDLE WINAPI GetStdHandle(DWORD which)
{
    PRTL_USER_PROCESS_PARAMETERS params = nt_process_parameters();
    switch (which) {
    case STD_INPUT_HANDLE:
        return params->StandardInput;
    case STD_OUTPUT_HANDLE:
        return params->StandardOutput;
    case STD_ERROR_HANDLE:
        return params->StandardError;
    }
    SetLastError(ERROR_INVALID_HANDLE);
    return INVALID_HANDLE_VALUE;
}

/* The parameters' standard handles are the process's: SetStdHandle replaces one. */
BOOL WINAPI SetStdHandle(DWORD which, HANDLE handle)
{
    PRTL_USER_PROCESS_PARAMETERS params = nt_process_parameters();
    switch (which) {
    case STD_INPUT_HANDLE:
        params->StandardInput = handle;
        return TRUE;
    case STD_OUTPUT_HANDLE:
        params->StandardOutput = handle;
        return TRUE;
    case STD_ERROR_HANDLE:
        params->StandardError = handle;
        return TRUE;
    }
    SetLastError(ERROR_INVALID_HANDLE);
    return FALSE;
}

/* ReadFile and WriteFile: NtReadFile or NtWriteFile at the OVERLAPPED offset (or the file pointer), the status and
 * count into the OVERLAPPED, the bytes done into *done. A synchronous read at the end of the file is a success with
 * 0 bytes, as Windows gives it. */
static BOOL file_io(BOOL write, HANDLE file, PVOID buffer, DWORD length, LPDWORD done, LPOVERLAPPED ov)
{
    IO_STATUS_BLOCK iosb;
    LARGE_INTEGER offset, *at = NULL;
    NTSTATUS status;

    if (done)
        *done = 0;
    if (ov) {
        offset.u.LowPart = ov->Offset;
        offset.u.HighPart = (LONG)ov->OffsetHigh;
        at = &offset;
    }
    iosb.Status = STATUS_PENDING;
    iosb.Information = 0;
    status = write ? NtWriteFile(file, NULL, NULL, NULL, &iosb, buffer, length, at, NULL)
                   : NtReadFile(file, NULL, NULL, NULL, &iosb, buffer, length, at, NULL);
    if (ov) {
        ov->Internal = (ULONG_PTR)(LONG_PTR)status;
        ov->InternalHigh = iosb.Information;
    }
    if (!write && status == STATUS_END_OF_FILE && !ov)
        return TRUE;
    if (!NT_SUCCESS(status))
        return fail_status(status);
    if (done)
        *done = (DWORD)iosb.Information;
    return TRUE;
}

BOOL WINAPI WriteFile(HANDLE file, LPCVOID buffer, DWORD length, LPDWORD written, LPOVERLAPPED ov)
{
    return file_io(TRUE, file, (PVOID)buffer, length, written, ov);
}

BOOL WINAPI ReadFile(HANDLE file, LPVOID buffer, DWORD length, LPDWORD read, LPOVERLAPPED ov)
{
    return file_io(FALSE, file, buffer, length, read, ov);
}

BOOL WINAPI CloseHandle(HANDLE handle)
{
    NTSTATUS status = NtClose(handle);
    if (!NT_SUCCESS(status))
        return fail_status(status);
    return TRUE;
}

/* ---- CreateFile --------------------------------------------------------------------------------------- */

HANDLE WINAPI CreateFileW(LPCWSTR name, DWORD access, DWORD share, LPSECURITY_ATTRIBUTES sa,
                          DWORD disposition, DWORD flags_and_attributes, HANDLE template_file)
{
    struct nt_name n;
    IO_STATUS_BLOCK iosb;
    HANDLE handle = INVALID_HANDLE_VALUE;
    ULONG nt_disposition;
    NTSTATUS status;

    (void)template_file;                                            /* not supported: ignored */
    switch (disposition) {
    case CREATE_NEW:        nt_disposition = FILE_CREATE; break;
    case CREATE_ALWAYS:     nt_disposition = FILE_OVERWRITE_IF; break;
    case OPEN_EXISTING:     nt_disposition = FILE_OPEN; break;
    case OPEN_ALWAYS:       nt_disposition = FILE_OPEN_IF; break;
    case TRUNCATE_EXISTING: nt_disposition = FILE_OVERWRITE; break;
    default:
        SetLastError(ERROR_INVALID_PARAMETER);
        return INVALID_HANDLE_VALUE;
    }
    if (!nt_name_secured(name, sa, &n))
        return INVALID_HANDLE_VALUE;

    /* FILE_FLAG_BACKUP_SEMANTICS opens a directory too, FILE_FLAG_OPEN_REPARSE_POINT a link itself; the other
     * FILE_FLAG_* bits (overlapped, write-through, delete-on-close ...) are not passed on. */
    status = NtCreateFile(&handle, access | SYNCHRONIZE | FILE_READ_ATTRIBUTES, &n.oa, &iosb, NULL,
                          flags_and_attributes & FILE_ATTRIBUTE_VALID_FLAGS, share, nt_disposition,
                          FILE_SYNCHRONOUS_IO_NONALERT | (flags_and_attributes & FILE_FLAG_BACKUP_SEMANTICS
                                                          ? FILE_OPEN_FOR_BACKUP_INTENT : FILE_NON_DIRECTORY_FILE)
                          | (flags_and_attributes & FILE_FLAG_OPEN_REPARSE_POINT ? FILE_OPEN_REPARSE_POINT : 0),
                          NULL, 0);
    if (!NT_SUCCESS(status)) {
        if (status == STATUS_OBJECT_NAME_COLLISION)
            SetLastError(ERROR_FILE_EXISTS);                        /* CreateFile's own word for it */
        else
            fail_status(status);
        return INVALID_HANDLE_VALUE;
    }
    if (disposition == CREATE_ALWAYS || disposition == OPEN_ALWAYS)
        SetLastError(iosb.Information == FILE_OVERWRITTEN || iosb.Information == FILE_OPENED
                     ? ERROR_ALREADY_EXISTS : ERROR_SUCCESS);
    return handle;
}

HANDLE WINAPI CreateFileA(LPCSTR name, DWORD access, DWORD share, LPSECURITY_ATTRIBUTES sa,
                          DWORD disposition, DWORD flags_and_attributes, HANDLE template_file)
{
    WCHAR wide[NT_PATH_MAX];

    if (!ansi_path(name, wide))
        return INVALID_HANDLE_VALUE;
    return CreateFileW(wide, access, share, sa, disposition, flags_and_attributes, template_file);
}

/* ---- Size, pointer and end of file ---------------------------------------------------------------------- */

static BOOL query_file(HANDLE file, void *info, ULONG length, ULONG info_class)
{
    IO_STATUS_BLOCK iosb;
    NTSTATUS status = NtQueryInformationFile(file, &iosb, info, length, info_class);
    return NT_SUCCESS(status) ? TRUE : fail_status(status);
}

static BOOL set_file(HANDLE file, void *info, ULONG length, ULONG info_class)
{
    IO_STATUS_BLOCK iosb;
    NTSTATUS status = NtSetInformationFile(file, &iosb, info, length, info_class);
    return NT_SUCCESS(status) ? TRUE : fail_status(status);
}

static void to_filetime(const LARGE_INTEGER *time, LPFILETIME out)
{
    if (out) {
        out->dwLowDateTime = time->LowPart;
        out->dwHighDateTime = (DWORD)time->HighPart;
    }
}

static void from_filetime(const FILETIME *in, LARGE_INTEGER *time)
{
    if (in) {
        time->LowPart = in->dwLowDateTime;
        time->HighPart = (LONG)in->dwHighDateTime;
    }
}

/* The times of FileBasicInformation; ChangeTime is not a Win32 time. */
BOOL WINAPI GetFileTime(HANDLE file, LPFILETIME creation, LPFILETIME access, LPFILETIME write)
{
    FILE_BASIC_INFORMATION info;

    if (!query_file(file, &info, sizeof info, FileBasicInformation))
        return FALSE;
    to_filetime(&info.CreationTime, creation);
    to_filetime(&info.LastAccessTime, access);
    to_filetime(&info.LastWriteTime, write);
    return TRUE;
}

/* A NULL time stays as it is (0 in FileBasicInformation); so do the attributes (0). */
BOOL WINAPI SetFileTime(HANDLE file, const FILETIME *creation, const FILETIME *access, const FILETIME *write)
{
    FILE_BASIC_INFORMATION info = { 0 };

    from_filetime(creation, &info.CreationTime);
    from_filetime(access, &info.LastAccessTime);
    from_filetime(write, &info.LastWriteTime);
    return set_file(file, &info, sizeof info, FileBasicInformation);
}

BOOL WINAPI GetFileSizeEx(HANDLE file, PLARGE_INTEGER size)
{
    FILE_STANDARD_INFORMATION info;

    if (!query_file(file, &info, sizeof info, FileStandardInformation))
        return FALSE;
    *size = info.EndOfFile;
    return TRUE;
}

DWORD WINAPI GetFileSize(HANDLE file, LPDWORD high)
{
    LARGE_INTEGER size;

    if (!GetFileSizeEx(file, &size))
        return INVALID_FILE_SIZE;
    if (high)
        *high = (DWORD)size.u.HighPart;
    if (size.u.LowPart == INVALID_FILE_SIZE)
        SetLastError(NO_ERROR);                                     /* tells a size from a failure */
    return size.u.LowPart;
}

BOOL WINAPI SetFilePointerEx(HANDLE file, LARGE_INTEGER distance, PLARGE_INTEGER new_position, DWORD method)
{
    FILE_POSITION_INFORMATION position;
    FILE_STANDARD_INFORMATION standard;

    switch (method) {
    case FILE_BEGIN:
        position.CurrentByteOffset.QuadPart = 0;
        break;
    case FILE_CURRENT:
        if (!query_file(file, &position, sizeof position, FilePositionInformation))
            return FALSE;
        break;
    case FILE_END:
        if (!query_file(file, &standard, sizeof standard, FileStandardInformation))
            return FALSE;
        position.CurrentByteOffset = standard.EndOfFile;
        break;
    default:
        SetLastError(ERROR_INVALID_PARAMETER);
        return FALSE;
    }
    position.CurrentByteOffset.QuadPart += distance.QuadPart;
    if (position.CurrentByteOffset.QuadPart < 0) {
        SetLastError(ERROR_NEGATIVE_SEEK);
        return FALSE;
    }
    if (!set_file(file, &position, sizeof position, FilePositionInformation))
        return FALSE;
    if (new_position)
        *new_position = position.CurrentByteOffset;
    return TRUE;
}

DWORD WINAPI SetFilePointer(HANDLE file, LONG distance, PLONG high, DWORD method)
{
    LARGE_INTEGER move, position;

    move.QuadPart = high ? (LONGLONG)(((ULONGLONG)(ULONG)*high << 32) | (ULONG)distance) : (LONGLONG)distance;
    if (!SetFilePointerEx(file, move, &position, method))
        return INVALID_SET_FILE_POINTER;
    if (high)
        *high = position.u.HighPart;
    if (position.u.LowPart == INVALID_SET_FILE_POINTER)
        SetLastError(NO_ERROR);                                     /* tells a position from a failure */
    return position.u.LowPart;
}

BOOL WINAPI SetEndOfFile(HANDLE file)
{
    FILE_POSITION_INFORMATION position;
    FILE_END_OF_FILE_INFORMATION end;

    if (!query_file(file, &position, sizeof position, FilePositionInformation))
        return FALSE;
    end.EndOfFile = position.CurrentByteOffset;
    return set_file(file, &end, sizeof end, FileEndOfFileInformation);
}

BOOL WINAPI FlushFileBuffers(HANDLE file)
{
    IO_STATUS_BLOCK iosb;
    NTSTATUS status = NtFlushBuffersFile(file, &iosb);
    return NT_SUCCESS(status) ? TRUE : fail_status(status);
}

/* ---- What a handle says of its file --------------------------------------------------------------------- */

BOOL WINAPI GetFileInformationByHandle(HANDLE file, LPBY_HANDLE_FILE_INFORMATION info)
{
    FILE_ALL_INFORMATION all;                                       /* the name does not fit: not needed */
    FILE_FS_VOLUME_INFORMATION volume;
    IO_STATUS_BLOCK iosb;
    NTSTATUS status;

    status = NtQueryInformationFile(file, &iosb, &all, sizeof all, FileAllInformation);
    if (status != STATUS_BUFFER_OVERFLOW && !NT_SUCCESS(status))
        return fail_status(status);
    status = NtQueryVolumeInformationFile(file, &iosb, &volume, sizeof volume, FileFsVolumeInformation);
    if (status != STATUS_BUFFER_OVERFLOW && !NT_SUCCESS(status))
        return fail_status(status);
    info->dwFileAttributes = all.BasicInformation.FileAttributes;
    info->ftCreationTime = filetime_of(all.BasicInformation.CreationTime);
    info->ftLastAccessTime = filetime_of(all.BasicInformation.LastAccessTime);
    info->ftLastWriteTime = filetime_of(all.BasicInformation.LastWriteTime);
    info->dwVolumeSerialNumber = volume.VolumeSerialNumber;
    info->nFileSizeHigh = (DWORD)all.StandardInformation.EndOfFile.u.HighPart;
    info->nFileSizeLow = all.StandardInformation.EndOfFile.u.LowPart;
    info->nNumberOfLinks = all.StandardInformation.NumberOfLinks;
    info->nFileIndexHigh = (DWORD)all.InternalInformation.IndexNumber.u.HighPart;
    info->nFileIndexLow = all.InternalInformation.IndexNumber.u.LowPart;
    return TRUE;
}

/* The device behind the handle decides: character devices (the console among them), pipes, the rest disks. */
DWORD WINAPI GetFileType(HANDLE file)
{
    FILE_FS_DEVICE_INFORMATION device;
    IO_STATUS_BLOCK iosb;
    NTSTATUS status;

    status = NtQueryVolumeInformationFile(file, &iosb, &device, sizeof device, FileFsDeviceInformation);
    if (!NT_SUCCESS(status)) {
        fail_status(status);
        return FILE_TYPE_UNKNOWN;
    }
    switch (device.DeviceType) {
    case FILE_DEVICE_CONSOLE:
    case FILE_DEVICE_NULL:
    case FILE_DEVICE_KEYBOARD:
    case FILE_DEVICE_MOUSE:
    case FILE_DEVICE_PARALLEL_PORT:
    case FILE_DEVICE_PRINTER:
    case FILE_DEVICE_SCREEN:
    case FILE_DEVICE_SERIAL_PORT:
    case FILE_DEVICE_SOUND:
    case FILE_DEVICE_MODEM:
        return FILE_TYPE_CHAR;
    case FILE_DEVICE_NAMED_PIPE:
        return FILE_TYPE_PIPE;
    default:
        return FILE_TYPE_DISK;
    }
}
