/*
 * kernel32: links and device control, as kernelbase makes them.
 *
 * CreateSymbolicLinkW creates the link (a file, or a directory with SYMBOLIC_LINK_FLAG_DIRECTORY) and gives it an
 * IO_REPARSE_TAG_SYMLINK reparse point with FSCTL_SET_REPARSE_POINT: a relative target ("dir\file", "..\x",
 * "\x") is kept as written with SYMLINK_FLAG_RELATIVE, any other is its full NT path ("\??\C:\..."); the print name
 * is the target as given. When the kernel refuses the reparse point the new file is deleted again. The emulated
 * user lacks SeCreateSymbolicLinkPrivilege and Developer Mode is off (Windows 10's defaults), so the call fails with
 * ERROR_PRIVILEGE_NOT_HELD, SYMBOLIC_LINK_FLAG_ALLOW_UNPRIVILEGED_CREATE or not; junctions (mount points, made with
 * DeviceIoControl as mklink /J makes them) need no privilege.
 *
 * CreateHardLinkW opens the existing file (FILE_WRITE_ATTRIBUTES, the link itself if it is one) and gives it the
 * new name with FileLinkInformation; a name already there is ERROR_ALREADY_EXISTS.
 *
 * DeviceIoControl sends a control code of the file-system device type (FILE_DEVICE_FILE_SYSTEM) with
 * NtFsControlFile and any other with NtDeviceIoControlFile. The I/O completes at once: an OVERLAPPED gets the status
 * and the byte count (Internal, InternalHigh) and its event is not waited on. A warning status (a buffer too short,
 * ERROR_MORE_DATA) still gives the byte count.
 */
#define _KERNEL32_          /* windows.h declares our own exports without dllimport */
#include "k32files.h"

#define LINK_OPTIONS (FILE_OPEN_REPARSE_POINT | FILE_SYNCHRONOUS_IO_NONALERT | FILE_OPEN_FOR_BACKUP_INTENT)

static BOOL is_relative_target(const WCHAR *target)
{
    if (target[0] == L'\\' || target[0] == L'/')
        return target[1] != L'\\' && target[1] != L'/';             /* "\dir": rooted, not UNC */
    return !(target[0] && target[1] == L':');                       /* not "C:..." */
}

/* A symbolic link's REPARSE_DATA_BUFFER: the substitute name, then the print name, each with a terminator. */
static ULONG symlink_buffer(REPARSE_DATA_BUFFER *buffer, ULONG room, const WCHAR *substitute, ULONG substitute_len,
                            const WCHAR *print, ULONG print_len, ULONG flags)
{
    ULONG fixed = FIELD_OFFSET(REPARSE_DATA_BUFFER, SymbolicLinkReparseBuffer.PathBuffer);
    ULONG names = (substitute_len + 1 + print_len + 1) * sizeof(WCHAR);
    WCHAR *path = buffer->SymbolicLinkReparseBuffer.PathBuffer;

    if (fixed + names > room)
        return 0;
    buffer->ReparseTag = IO_REPARSE_TAG_SYMLINK;
    buffer->ReparseDataLength = (USHORT)(fixed - REPARSE_DATA_BUFFER_HEADER_SIZE + names);
    buffer->Reserved = 0;
    buffer->SymbolicLinkReparseBuffer.SubstituteNameOffset = 0;
    buffer->SymbolicLinkReparseBuffer.SubstituteNameLength = (USHORT)(substitute_len * sizeof(WCHAR));
    buffer->SymbolicLinkReparseBuffer.PrintNameOffset = (USHORT)((substitute_len + 1) * sizeof(WCHAR));
    buffer->SymbolicLinkReparseBuffer.PrintNameLength = (USHORT)(print_len * sizeof(WCHAR));
    buffer->SymbolicLinkReparseBuffer.Flags = flags;
    copy_bytes(path, substitute, substitute_len * sizeof(WCHAR));
    path[substitute_len] = 0;
    copy_bytes(path + substitute_len + 1, print, print_len * sizeof(WCHAR));
    path[substitute_len + 1 + print_len] = 0;
    return fixed + names;
}

BOOLEAN WINAPI CreateSymbolicLinkW(LPCWSTR link, LPCWSTR target, DWORD flags)
{
    static union {
        REPARSE_DATA_BUFFER buffer;
        BYTE bytes[MAXIMUM_REPARSE_DATA_BUFFER_SIZE];
    } data;
    struct nt_name n;
    struct nt_path full;
    IO_STATUS_BLOCK iosb;
    FILE_DISPOSITION_INFORMATION gone = { TRUE };
    HANDLE handle;
    NTSTATUS status;
    ULONG length, relative;

    if (!target || !link) {
        SetLastError(ERROR_INVALID_PARAMETER);
        return FALSE;
    }
    relative = is_relative_target(target);
    if (relative) {
        length = symlink_buffer(&data.buffer, sizeof data, target, wcs_len(target), target, wcs_len(target),
                                SYMLINK_FLAG_RELATIVE);
    } else {
        if (!dos_path_to_nt(target, &full))
            return FALSE;
        length = symlink_buffer(&data.buffer, sizeof data, full.buf, full.len, target, wcs_len(target), 0);
    }
    if (!length) {
        SetLastError(ERROR_FILENAME_EXCED_RANGE);
        return FALSE;
    }
    if (!nt_name_of(link, &n))
        return FALSE;
    status = NtCreateFile(&handle, FILE_WRITE_ATTRIBUTES | DELETE | SYNCHRONIZE, &n.oa, &iosb, NULL,
                          FILE_ATTRIBUTE_NORMAL, 0, FILE_CREATE,
                          LINK_OPTIONS | (flags & SYMBOLIC_LINK_FLAG_DIRECTORY ? FILE_DIRECTORY_FILE
                                                                               : FILE_NON_DIRECTORY_FILE),
                          NULL, 0);
    if (!NT_SUCCESS(status))
        return (BOOLEAN)fail_status(status);
    status = NtFsControlFile(handle, NULL, NULL, NULL, &iosb, FSCTL_SET_REPARSE_POINT, &data.buffer, length, NULL,
                             0);
    if (!NT_SUCCESS(status))
        NtSetInformationFile(handle, &iosb, &gone, sizeof gone, FileDispositionInformation);
    NtClose(handle);
    return NT_SUCCESS(status) ? TRUE : (BOOLEAN)fail_status(status);
}

BOOLEAN WINAPI CreateSymbolicLinkA(LPCSTR link, LPCSTR target, DWORD flags)
{
    static WCHAR wide_link[NT_PATH_MAX], wide_target[NT_PATH_MAX];
    return ansi_path(link, wide_link) && ansi_path(target, wide_target)
        && CreateSymbolicLinkW(wide_link, wide_target, flags);
}

BOOL WINAPI CreateHardLinkW(LPCWSTR link, LPCWSTR existing, LPSECURITY_ATTRIBUTES attributes)
{
    union {
        FILE_RENAME_INFORMATION info;                               /* FILE_LINK_INFORMATION's layout */
        BYTE bytes[sizeof(FILE_RENAME_INFORMATION) + NT_PATH_MAX * sizeof(WCHAR)];
    } name;
    struct nt_path target;
    IO_STATUS_BLOCK iosb;
    HANDLE handle;
    NTSTATUS status;

    (void)attributes;                                               /* a new name has no security of its own */
    if (!link || !existing) {
        SetLastError(ERROR_INVALID_PARAMETER);
        return FALSE;
    }
    if (!dos_path_to_nt(link, &target))
        return FALSE;
    if (!open_dos(existing, FILE_WRITE_ATTRIBUTES | SYNCHRONIZE, LINK_OPTIONS | FILE_NON_DIRECTORY_FILE, &handle))
        return FALSE;
    name.info.Flags = 0;
    name.info.ReplaceIfExists = FALSE;
    name.info.RootDirectory = NULL;
    name.info.FileNameLength = target.len * sizeof(WCHAR);
    copy_bytes(name.info.FileName, target.buf, name.info.FileNameLength);
    status = NtSetInformationFile(handle, &iosb, &name.info, sizeof name.info + name.info.FileNameLength,
                                  FileLinkInformation);
    NtClose(handle);
    return NT_SUCCESS(status) ? TRUE : fail_status(status);
}

BOOL WINAPI CreateHardLinkA(LPCSTR link, LPCSTR existing, LPSECURITY_ATTRIBUTES attributes)
{
    static WCHAR wide_link[NT_PATH_MAX], wide_existing[NT_PATH_MAX];
    return ansi_path(link, wide_link) && ansi_path(existing, wide_existing)
        && CreateHardLinkW(wide_link, wide_existing, attributes);
}

BOOL WINAPI DeviceIoControl(HANDLE device, DWORD code, LPVOID in, DWORD in_size, LPVOID out, DWORD out_size,
                            LPDWORD returned, LPOVERLAPPED overlapped)
{
    IO_STATUS_BLOCK iosb;
    NTSTATUS status;

    iosb.Information = 0;
    if (DEVICE_TYPE_FROM_CTL_CODE(code) == FILE_DEVICE_FILE_SYSTEM)
        status = NtFsControlFile(device, NULL, NULL, NULL, &iosb, code, in, in_size, out, out_size);
    else
        status = NtDeviceIoControlFile(device, NULL, NULL, NULL, &iosb, code, in, in_size, out, out_size);
    if (overlapped) {
        overlapped->Internal = (ULONG_PTR)(LONG)status;
        overlapped->InternalHigh = iosb.Information;
    }
    if (returned && (ULONG)status >> 30 != 3)                     /* success, or a warning */
        *returned = (DWORD)iosb.Information;
    return NT_SUCCESS(status) ? TRUE : fail_status(status);
}
