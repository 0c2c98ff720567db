/*
 * kernel32: Win32 paths. Full paths (GetFullPathNameW/A), the current directory, Win32 paths turned into the NT
 * paths of NtCreateFile, opens by Win32 name, ANSI paths.
 *
 * SetCurrentDirectory does what RtlSetCurrentDirectory_U does: the full path of an existing directory (opened
 * for traversal; the open's error otherwise: ERROR_FILE_NOT_FOUND, ERROR_PATH_NOT_FOUND, ERROR_DIRECTORY for a
 * file), with a '\' at its end, into the process parameters' buffer (ERROR_FILENAME_EXCED_RANGE when it does not
 * fit), and the handle of the directory kept open there in place of the previous one.
 */
#define _KERNEL32_          /* windows.h declares our own exports without dllimport */
#include "k32files.h"
#include "k32nls.h"

ULONG wcs_len(const WCHAR *s)
{
    ULONG n = 0;
    while (s[n])
        n++;
    return n;
}

void copy_bytes(void *to, const void *from, ULONG n)
{
    BYTE *d = to;
    const BYTE *s = from;
    for (ULONG i = 0; i < n; i++)
        d[i] = s[i];
}

static void path_append(struct nt_path *p, const WCHAR *s, ULONG n)
{
    if (p->len + n >= NT_PATH_MAX) {
        p->overflow = TRUE;
        return;
    }
    for (ULONG i = 0; i < n; i++)
        p->buf[p->len++] = s[i];
}

/* Terminates a built path; FALSE (ERROR_FILENAME_EXCED_RANGE) when it did not fit. */
static BOOL path_end(struct nt_path *p)
{
    if (p->overflow) {
        SetLastError(ERROR_FILENAME_EXCED_RANGE);
        return FALSE;
    }
    p->buf[p->len] = 0;
    return TRUE;
}

static BOOL is_sep(WCHAR c)
{
    return c == '\\' || c == '/';
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

static BOOL is_prefixed(const WCHAR *s, ULONG n)
{
    return n >= 4 && s[0] == '\\' && s[1] == '\\' && (s[2] == '?' || s[2] == '.') && s[3] == '\\';
}

/* The full Win32 path of a path, as RtlGetFullPathName_U makes it for the forms handled here: "\\?\x" and
 * "\\.\x" (verbatim and device paths, taken as they are), "\\server\share\x" (UNC: the share is the root),
 * "C:\x", "\x" (rooted on the current drive), "C:x" and "x" (relative to the current directory). */
static BOOL full_path(const WCHAR *dos, struct nt_path *p)
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
    if (is_prefixed(dos, n)) {
        path_append(p, dos, n);
        p->root = p->len;
    } else if (n >= 2 && is_sep(dos[0]) && is_sep(dos[1])) {
        ULONG i = 2, parts = 0;
        path_append(p, L"\\\\", 2);
        while (parts < 2 && i < n) {
            ULONG start = i;
            while (i < n && !is_sep(dos[i]))
                i++;
            if (parts)
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
    return path_end(p);
}

static BOOL same_name(const WCHAR *s, ULONG n, const char *name)
{
    ULONG i = 0;
    for (; i < n && name[i]; i++)
        if (upcase(s[i]) != (WCHAR)name[i])
            return FALSE;
    return i == n && !name[i];
}

/* The DOS device a Win32 name opens, as RtlIsDosDeviceName_U finds it on Windows 10 (and kernelbase for CONIN$
 * and CONOUT$, which must be the whole name): the last component of a drive or relative path, up to its first
 * '.' or ':' and without trailing spaces, is CON, PRN, AUX, NUL, COM1-COM9 or LPT1-LPT9 ("C:\dir\nul.txt" is
 * NUL). Sets *at and *len to the device's name in `dos`. */
static BOOL dos_device(const WCHAR *dos, ULONG *at, ULONG *len)
{
    ULONG n = wcs_len(dos), start = n, end;

    if (same_name(dos, n, "CONIN$") || same_name(dos, n, "CONOUT$")) {
        *at = 0;
        *len = n;
        return TRUE;
    }
    if (is_prefixed(dos, n) || (n >= 2 && is_sep(dos[0]) && is_sep(dos[1])))
        return FALSE;                                               /* verbatim, device and UNC paths */
    while (start > 0 && !is_sep(dos[start - 1]) && !(start == 2 && dos[1] == ':'))
        start--;
    for (end = start; end < n && dos[end] != '.' && dos[end] != ':'; end++)
        ;
    while (end > start && dos[end - 1] == ' ')
        end--;
    *at = start;
    *len = end - start;
    if (*len == 3)
        return same_name(dos + start, 3, "CON") || same_name(dos + start, 3, "PRN") ||
               same_name(dos + start, 3, "AUX") || same_name(dos + start, 3, "NUL");
    return *len == 4 && (same_name(dos + start, 3, "COM") || same_name(dos + start, 3, "LPT")) &&
           dos[start + 3] >= '1' && dos[start + 3] <= '9';
}

/* "\\?\x" and "\\.\x" -> "\??\x", "\\server\share\x" -> "\??\UNC\server\share\x", "C:\x" -> "\??\C:\x",
 * a DOS device's name ("nul", "C:\dir\con.txt", "CONOUT$") -> "\??\NAME". */
BOOL dos_path_to_nt(const WCHAR *dos, struct nt_path *p)
{
    struct nt_path full;
    ULONG at, len;

    p->len = 0;
    p->overflow = FALSE;
    if (dos_device(dos, &at, &len)) {
        path_append(p, L"\\??\\", 4);
        path_append(p, dos + at, len);
        p->root = p->len;
        return path_end(p);
    }
    if (!full_path(dos, &full))
        return FALSE;
    p->len = 0;
    p->overflow = FALSE;
    path_append(p, L"\\??\\", 4);
    if (is_prefixed(full.buf, full.len))
        path_append(p, full.buf + 4, full.len - 4);
    else if (full.buf[0] == '\\' && full.buf[1] == '\\') {
        path_append(p, L"UNC\\", 4);
        path_append(p, full.buf + 2, full.len - 2);
    } else
        path_append(p, full.buf, full.len);
    p->root = p->len;
    return path_end(p);
}

BOOL nt_name_of(const WCHAR *dos, struct nt_name *n)
{
    if (!dos) {
        SetLastError(ERROR_PATH_NOT_FOUND);
        return FALSE;
    }
    if (!dos_path_to_nt(dos, &n->path))
        return FALSE;
    n->name.Buffer = n->path.buf;
    n->name.Length = (USHORT)(n->path.len * sizeof(WCHAR));
    n->name.MaximumLength = (USHORT)((n->path.len + 1) * sizeof(WCHAR));
    n->oa.Length = sizeof n->oa;
    n->oa.RootDirectory = NULL;
    n->oa.ObjectName = &n->name;
    n->oa.Attributes = OBJ_CASE_INSENSITIVE;
    n->oa.SecurityDescriptor = NULL;
    n->oa.SecurityQualityOfService = NULL;
    return TRUE;
}

BOOL nt_name_secured(const WCHAR *dos, const SECURITY_ATTRIBUTES *sa, struct nt_name *n)
{
    if (!nt_name_of(dos, n))
        return FALSE;
    if (sa && sa->bInheritHandle)
        n->oa.Attributes |= OBJ_INHERIT;
    n->oa.SecurityDescriptor = sa ? sa->lpSecurityDescriptor : NULL;
    return TRUE;
}

BOOL open_dos(const WCHAR *dos, ACCESS_MASK access, ULONG options, HANDLE *handle)
{
    struct nt_name n;
    IO_STATUS_BLOCK iosb;
    NTSTATUS status;

    if (!nt_name_of(dos, &n))
        return FALSE;
    status = NtOpenFile(handle, access, &n.oa, &iosb, SHARE_ALL, options);
    return NT_SUCCESS(status) ? TRUE : fail_status(status);
}

BOOL ansi_path(const char *ansi, WCHAR *wide)
{
    ULONG i;

    if (!ansi) {
        SetLastError(ERROR_PATH_NOT_FOUND);
        return FALSE;
    }
    for (i = 0; ansi[i]; i++) {
        if (i == NT_PATH_MAX - 1) {
            SetLastError(ERROR_FILENAME_EXCED_RANGE);
            return FALSE;
        }
    }
    nls_bytes_to_unicode(nls_file_code_page(), ansi, i, wide);
    wide[i] = 0;
    return TRUE;
}

void to_ansi(char *out, const WCHAR *in, ULONG n)
{
    nls_unicode_to_bytes(nls_file_code_page(), in, n, out);
    out[n] = 0;
}

/* ---- GetFullPathName, the current directory ----------------------------------------------------------- */

DWORD WINAPI GetFullPathNameW(LPCWSTR name, DWORD size, LPWSTR buffer, LPWSTR *file_part)
{
    struct nt_path full;
    ULONG last = 0;

    if (!name) {
        SetLastError(ERROR_INVALID_PARAMETER);
        return 0;
    }
    if (!full_path(name, &full))
        return 0;
    if (size <= full.len)
        return full.len + 1;                                        /* the size needed, terminator included */
    copy_bytes(buffer, full.buf, (full.len + 1) * sizeof(WCHAR));
    for (ULONG i = 0; i < full.len; i++)
        if (full.buf[i] == '\\')
            last = i + 1;
    if (file_part)
        *file_part = last < full.len ? buffer + last : NULL;
    return full.len;
}

/* The current directory as GetCurrentDirectory shows it: without its trailing "\", except for a root. */
static const WCHAR *current_directory(ULONG *n)
{
    const UNICODE_STRING *cwd = &nt_process_parameters()->CurrentDirectory.DosPath;
    *n = cwd->Length / sizeof(WCHAR);
    if (*n > 3 && cwd->Buffer[*n - 1] == '\\')
        (*n)--;
    return cwd->Buffer;
}

DWORD WINAPI GetCurrentDirectoryW(DWORD size, LPWSTR buffer)
{
    ULONG n;
    const WCHAR *cwd = current_directory(&n);

    if (size <= n)
        return n + 1;
    copy_bytes(buffer, cwd, n * sizeof(WCHAR));
    buffer[n] = 0;
    return n;
}

DWORD WINAPI GetFullPathNameA(LPCSTR name, DWORD size, LPSTR buffer, LPSTR *file_part)
{
    WCHAR wide[NT_PATH_MAX], full[NT_PATH_MAX], *part = NULL;
    DWORD n;

    if (!name) {
        SetLastError(ERROR_INVALID_PARAMETER);
        return 0;
    }
    if (!ansi_path(name, wide) || !(n = GetFullPathNameW(wide, NT_PATH_MAX, full, &part)))
        return 0;
    if (n >= NT_PATH_MAX) {
        SetLastError(ERROR_FILENAME_EXCED_RANGE);
        return 0;
    }
    if (size <= n)
        return n + 1;
    to_ansi(buffer, full, n);                       /* a single-byte code page: one byte per character */
    if (file_part)
        *file_part = part ? buffer + (part - full) : NULL;
    return n;
}

DWORD WINAPI GetCurrentDirectoryA(DWORD size, LPSTR buffer)
{
    ULONG n;
    const WCHAR *cwd = current_directory(&n);

    if (size <= n)
        return n + 1;
    to_ansi(buffer, cwd, n);
    return n;
}

BOOL WINAPI SetCurrentDirectoryW(LPCWSTR path)
{
    CURDIR *cwd = &nt_process_parameters()->CurrentDirectory;
    struct nt_path full;
    HANDLE handle;

    if (!path) {
        SetLastError(ERROR_INVALID_PARAMETER);
        return FALSE;
    }
    if (!full_path(path, &full))
        return FALSE;
    if (full.buf[full.len - 1] != '\\') {
        path_append(&full, L"\\", 1);
        if (!path_end(&full))
            return FALSE;
    }
    if ((full.len + 1) * sizeof(WCHAR) > cwd->DosPath.MaximumLength) {
        SetLastError(ERROR_FILENAME_EXCED_RANGE);
        return FALSE;
    }
    if (!open_dos(full.buf, FILE_TRAVERSE | SYNCHRONIZE, FILE_DIRECTORY_FILE | FILE_SYNCHRONOUS_IO_NONALERT,
                  &handle))
        return FALSE;
    if (cwd->Handle)
        NtClose(cwd->Handle);
    cwd->Handle = handle;
    copy_bytes(cwd->DosPath.Buffer, full.buf, (full.len + 1) * sizeof(WCHAR));
    cwd->DosPath.Length = (USHORT)(full.len * sizeof(WCHAR));
    return TRUE;
}

BOOL WINAPI SetCurrentDirectoryA(LPCSTR path)
{
    WCHAR wide[NT_PATH_MAX];

    return ansi_path(path, wide) && SetCurrentDirectoryW(wide);
}
