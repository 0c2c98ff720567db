/*
 * kernel32: the standard handles, file I/O, DOS paths turned into NT paths, CreateFile.
 */
#define _KERNEL32_          /* windows.h declares our own exports without dllimport */
#include "k32.h"

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

/* The byte offset an OVERLAPPED structure asks for, or NULL for the current file position. */
static PLARGE_INTEGER overlapped_offset(LPOVERLAPPED ov, LARGE_INTEGER *offset)
{
    if (!ov)
        return NULL;
    offset->u.LowPart = ov->Offset;
    offset->u.HighPart = (LONG)ov->OffsetHigh;
    return offset;
}

BOOL WINAPI WriteFile(HANDLE file, LPCVOID buffer, DWORD length, LPDWORD written, LPOVERLAPPED ov)
{
    IO_STATUS_BLOCK iosb;
    LARGE_INTEGER offset;
    NTSTATUS status;

    if (written)
        *written = 0;
    iosb.Status = STATUS_PENDING;
    iosb.Information = 0;
    status = NtWriteFile(file, NULL, NULL, NULL, &iosb, (PVOID)buffer, length, overlapped_offset(ov, &offset),
                         NULL);
    if (ov) {
        ov->Internal = (ULONG_PTR)(LONG_PTR)status;
        ov->InternalHigh = iosb.Information;
    }
    if (!NT_SUCCESS(status))
        return fail_status(status);
    if (written)
        *written = (DWORD)iosb.Information;
    return TRUE;
}

BOOL WINAPI ReadFile(HANDLE file, LPVOID buffer, DWORD length, LPDWORD read, LPOVERLAPPED ov)
{
    IO_STATUS_BLOCK iosb;
    LARGE_INTEGER offset;
    NTSTATUS status;

    if (read)
        *read = 0;
    iosb.Status = STATUS_PENDING;
    iosb.Information = 0;
    status = NtReadFile(file, NULL, NULL, NULL, &iosb, buffer, length, overlapped_offset(ov, &offset), NULL);
    if (ov) {
        ov->Internal = (ULONG_PTR)(LONG_PTR)status;
        ov->InternalHigh = iosb.Information;
    }
    if (status == STATUS_END_OF_FILE && !ov)
        return TRUE;                                                /* end of file: success, 0 bytes read */
    if (!NT_SUCCESS(status))
        return fail_status(status);
    if (read)
        *read = (DWORD)iosb.Information;
    return TRUE;
}

BOOL WINAPI CloseHandle(HANDLE handle)
{
    NTSTATUS status = NtClose(handle);
    if (!NT_SUCCESS(status))
        return fail_status(status);
    return TRUE;
}

/* ---- DOS path -> NT path ------------------------------------------------------------------------------ */

#define NT_PATH_MAX 1024                                            /* characters, terminator included */

/* An NT path being built: "\??\" + a root ("C:" or "UNC\server\share") + "\component" ... */
struct nt_path {
    WCHAR buf[NT_PATH_MAX];
    ULONG len;                                                      /* characters in buf */
    ULONG root;                                                     /* end of the root: ".." stops here */
    BOOL overflow;
};

static void path_append(struct nt_path *p, const WCHAR *s, ULONG n)
{
    if (p->len + n >= NT_PATH_MAX) {
        p->overflow = TRUE;
        return;
    }
    for (ULONG i = 0; i < n; i++)
        p->buf[p->len++] = s[i];
}

static BOOL is_sep(WCHAR c)
{
    return c == '\\' || c == '/';
}

static ULONG wcs_len(const WCHAR *s)
{
    ULONG n = 0;
    while (s[n])
        n++;
    return n;
}

/* Appends the components of s[0..n) one by one: "." and empty ones are dropped, ".." removes the previous
 * component (never the root). `last` marks the text that ends the path: Win32 strips trailing dots and
 * spaces from its final component. */
static void path_add_components(struct nt_path *p, const WCHAR *s, ULONG n, BOOL last)
{
    ULONG i = 0;
    while (i < n) {
        ULONG start, end;
        while (i < n && is_sep(s[i]))
            i++;
        start = i;
        while (i < n && !is_sep(s[i]))
            i++;
        end = i;
        if (end - start == 1 && s[start] == '.')
            continue;
        if (end - start == 2 && s[start] == '.' && s[start + 1] == '.') {
            while (p->len > p->root && p->buf[p->len - 1] != '\\')
                p->len--;
            if (p->len > p->root)
                p->len--;                                           /* the separator before it */
            continue;
        }
        if (last && end == n)
            while (end > start && (s[end - 1] == '.' || s[end - 1] == ' '))
                end--;
        if (end == start)
            continue;
        path_append(p, L"\\", 1);
        path_append(p, s + start, end - start);
    }
}

static BOOL is_drive_letter(WCHAR c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}

static WCHAR upcase(WCHAR c)
{
    return (c >= 'a' && c <= 'z') ? (WCHAR)(c - 'a' + 'A') : c;
}

/* Turns a Win32 path into the NT path NtCreateFile wants, as RtlDosPathNameToNtPathName_U does for the forms
 * handled here: "\\?\x" -> "\??\x" (taken as it is), "\\.\x" -> "\??\x", "\\server\share\x" ->
 * "\??\UNC\server\share\x", "C:\x" -> "\??\C:\x", "\x" (rooted on the current drive), "C:x" and "x" (relative
 * to the current directory). Returns FALSE (with the last error set) for a path it cannot convert. */
static BOOL dos_path_to_nt(const WCHAR *dos, struct nt_path *p)
{
    const UNICODE_STRING *cwd = &nt_process_parameters()->CurrentDirectory.DosPath;
    const WCHAR *cur = cwd->Buffer;
    ULONG cur_len = cwd->Length / sizeof(WCHAR);
    ULONG n = wcs_len(dos);

    p->len = 0;
    p->root = 0;
    p->overflow = FALSE;
    if (n == 0) {
        SetLastError(ERROR_PATH_NOT_FOUND);
        return FALSE;
    }
    path_append(p, L"\\??\\", 4);

    if (n >= 4 && dos[0] == '\\' && dos[1] == '\\' && (dos[2] == '?' || dos[2] == '.') && dos[3] == '\\') {
        /* Win32 device or "do not parse" path: only the prefix changes. */
        path_append(p, dos + 4, n - 4);
        p->root = p->len;
    } else if (n >= 2 && is_sep(dos[0]) && is_sep(dos[1])) {
        /* UNC: \\server\share is the root. */
        ULONG i = 2, parts = 0;
        path_append(p, L"UNC", 3);
        while (parts < 2 && i < n) {
            ULONG start = i;
            while (i < n && !is_sep(dos[i]))
                i++;
            path_append(p, L"\\", 1);
            path_append(p, dos + start, i - start);
            parts++;
            while (i < n && is_sep(dos[i]))
                i++;
        }
        p->root = p->len;
        path_add_components(p, dos + i, n - i, TRUE);
    } else if (n >= 2 && is_drive_letter(dos[0]) && dos[1] == ':') {
        WCHAR drive[2] = { upcase(dos[0]), ':' };
        path_append(p, drive, 2);
        p->root = p->len;
        if (n == 2 || !is_sep(dos[2])) {
            /* "C:x": relative to the current directory when it is on that drive, else to the drive's root. */
            if (cur_len >= 2 && upcase(cur[0]) == drive[0] && cur[1] == ':')
                path_add_components(p, cur + 2, cur_len - 2, FALSE);
        }
        path_add_components(p, dos + 2, n - 2, TRUE);
    } else if (cur_len >= 2 && cur[1] == ':') {
        /* "\x" (root of the current drive) or "x" (relative to the current directory). */
        WCHAR drive[2] = { upcase(cur[0]), ':' };
        path_append(p, drive, 2);
        p->root = p->len;
        if (!is_sep(dos[0]))
            path_add_components(p, cur + 2, cur_len - 2, FALSE);
        path_add_components(p, dos, n, TRUE);
    } else {
        /* A relative path with a current directory that has no drive (a UNC one): not handled. */
        SetLastError(ERROR_PATH_NOT_FOUND);
        return FALSE;
    }
    if (p->len == p->root && p->buf[p->len - 1] == ':')
        path_append(p, L"\\", 1);                                   /* "C:" alone is the root "C:\" */
    else if (p->len > p->root && is_sep(dos[n - 1]))
        path_append(p, L"\\", 1);                                   /* a trailing separator stays */
    if (p->overflow) {
        SetLastError(ERROR_FILENAME_EXCED_RANGE);
        return FALSE;
    }
    p->buf[p->len] = 0;
    return TRUE;
}

/* ---- CreateFile --------------------------------------------------------------------------------------- */

HANDLE WINAPI CreateFileW(LPCWSTR name, DWORD access, DWORD share, LPSECURITY_ATTRIBUTES sa,
                          DWORD disposition, DWORD flags_and_attributes, HANDLE template_file)
{
    struct nt_path path;
    UNICODE_STRING nt_name;
    OBJECT_ATTRIBUTES attr;
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
    if (!name || !dos_path_to_nt(name, &path)) {
        if (!name)
            SetLastError(ERROR_PATH_NOT_FOUND);
        return INVALID_HANDLE_VALUE;
    }

    nt_name.Buffer = path.buf;
    nt_name.Length = (USHORT)(path.len * sizeof(WCHAR));
    nt_name.MaximumLength = (USHORT)((path.len + 1) * sizeof(WCHAR));
    attr.Length = sizeof attr;
    attr.RootDirectory = NULL;
    attr.ObjectName = &nt_name;
    attr.Attributes = OBJ_CASE_INSENSITIVE | (sa && sa->bInheritHandle ? OBJ_INHERIT : 0);
    attr.SecurityDescriptor = sa ? sa->lpSecurityDescriptor : NULL;
    attr.SecurityQualityOfService = NULL;

    /* The FILE_FLAG_* bits (overlapped, write-through, delete-on-close ...) are not passed on. */
    status = NtCreateFile(&handle, access | SYNCHRONIZE | FILE_READ_ATTRIBUTES, &attr, &iosb, NULL,
                          flags_and_attributes & FILE_ATTRIBUTE_VALID_FLAGS, share, nt_disposition,
                          FILE_SYNCHRONOUS_IO_NONALERT | FILE_NON_DIRECTORY_FILE, NULL, 0);
    if (!NT_SUCCESS(status)) {
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
    ULONG i;

    if (!name) {
        SetLastError(ERROR_PATH_NOT_FOUND);
        return INVALID_HANDLE_VALUE;
    }
    for (i = 0; name[i]; i++) {
        if (i == NT_PATH_MAX - 1) {
            SetLastError(ERROR_FILENAME_EXCED_RANGE);
            return INVALID_HANDLE_VALUE;
        }
        wide[i] = (unsigned char)name[i];                           /* Latin-1: no code page support */
    }
    wide[i] = 0;
    return CreateFileW(wide, access, share, sa, disposition, flags_and_attributes, template_file);
}
