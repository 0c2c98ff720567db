/*
 * kernel32: FindFirstFile, FindNextFile, FindClose. A search is a directory handle listed with
 * NtQueryDirectoryFile (FileBothDirectoryInformation) into a buffer of its own, as kernelbase does it.
 *
 * Search handles are slots of a fixed table here (Windows allocates them from the heap), so that FindClose can
 * tell a search handle from any other value. The mask is the path's last component, after the Win32 path
 * rules (trailing dots and spaces stripped), with kernelbase's conversion to the DOS wildcards: "*.*" -> "*",
 * "?" -> ">", "." before "?" or "*" -> "\"", "*" before "." -> "<".
 */
#define _KERNEL32_          /* windows.h declares our own exports without dllimport */
#include "k32files.h"

#define FIND_SLOTS 8
#define FIND_BUFFER 4096
#define NO_ENTRY ((ULONG)-1)

struct find {
    HANDLE directory;                                               /* NULL: the slot is free */
    ULONG next;                                                     /* the next entry in buffer, or NO_ENTRY */
    ULONGLONG buffer[FIND_BUFFER / sizeof(ULONGLONG)];              /* 8-aligned, as the entries are */
};

static struct find finds[FIND_SLOTS];

static struct find *find_of(HANDLE handle)
{
    for (unsigned i = 0; i < FIND_SLOTS; i++)
        if ((HANDLE)&finds[i] == handle && finds[i].directory)
            return &finds[i];
    SetLastError(ERROR_INVALID_HANDLE);
    return NULL;
}

static void to_win32_mask(WCHAR *mask, ULONG n)
{
    if (n == 3 && mask[0] == '*' && mask[1] == '.' && mask[2] == '*') {
        mask[1] = 0;
        return;
    }
    for (ULONG i = 0; i < n; i++) {
        WCHAR next = i + 1 < n ? mask[i + 1] : 0;
        if (mask[i] == '?')
            mask[i] = '>';
        else if (mask[i] == '.' && (next == '?' || next == '*'))
            mask[i] = '"';
        else if (mask[i] == '*' && next == '.')
            mask[i] = '<';
    }
}

/* The entry at f->next into *data; moves f->next on. */
static void take_entry(struct find *f, WIN32_FIND_DATAW *data)
{
    const FILE_BOTH_DIR_INFORMATION *e = (const FILE_BOTH_DIR_INFORMATION *)((BYTE *)f->buffer + f->next);
    ULONG n = e->FileNameLength / sizeof(WCHAR);
    ULONG short_n = (ULONG)e->ShortNameLength / sizeof(WCHAR);

    if (n > MAX_PATH - 1)
        n = MAX_PATH - 1;
    data->dwFileAttributes = e->FileAttributes;
    data->ftCreationTime = filetime_of(e->CreationTime);
    data->ftLastAccessTime = filetime_of(e->LastAccessTime);
    data->ftLastWriteTime = filetime_of(e->LastWriteTime);
    data->nFileSizeHigh = (DWORD)e->EndOfFile.u.HighPart;
    data->nFileSizeLow = e->EndOfFile.u.LowPart;
    data->dwReserved0 = e->FileAttributes & FILE_ATTRIBUTE_REPARSE_POINT ? e->EaSize : 0;  /* the reparse tag */
    data->dwReserved1 = 0;
    copy_bytes(data->cFileName, e->FileName, n * sizeof(WCHAR));
    data->cFileName[n] = 0;
    copy_bytes(data->cAlternateFileName, e->ShortName, short_n * sizeof(WCHAR));
    data->cAlternateFileName[short_n] = 0;
    f->next = e->NextEntryOffset ? f->next + e->NextEntryOffset : NO_ENTRY;
}

/* The next entries into the buffer: FALSE with the last error set at the end or on failure. */
static BOOL query_entries(struct find *f, UNICODE_STRING *mask)
{
    IO_STATUS_BLOCK iosb;
    NTSTATUS status = NtQueryDirectoryFile(f->directory, NULL, NULL, NULL, &iosb, f->buffer, sizeof f->buffer,
                                           FileBothDirectoryInformation, FALSE, mask, mask != NULL);
    if (!NT_SUCCESS(status))
        return fail_status(status);                                   /* ERROR_FILE_NOT_FOUND, ERROR_NO_MORE_FILES */
    f->next = 0;
    return TRUE;
}

HANDLE WINAPI FindFirstFileW(LPCWSTR name, LPWIN32_FIND_DATAW data)
{
    struct nt_name n;
    UNICODE_STRING mask;
    IO_STATUS_BLOCK iosb;
    struct find *f = NULL;
    ULONG cut;
    NTSTATUS status;

    if (!nt_name_of(name, &n))
        return INVALID_HANDLE_VALUE;
    if (n.path.buf[n.path.len - 1] == '\\') {                           /* a directory, and nothing to match */
        SetLastError(ERROR_FILE_NOT_FOUND);
        return INVALID_HANDLE_VALUE;
    }
    for (cut = n.path.len; n.path.buf[cut - 1] != '\\'; cut--)
        ;
    mask.Buffer = n.path.buf + cut;
    to_win32_mask(mask.Buffer, n.path.len - cut);
    mask.Length = (USHORT)(wcs_len(mask.Buffer) * sizeof(WCHAR));
    mask.MaximumLength = mask.Length;
    /* The directory: up to the last "\", which stays only for a root ("\??\C:\"). */
    n.name.Length = (USHORT)((n.path.buf[cut - 2] == ':' ? cut : cut - 1) * sizeof(WCHAR));
    for (unsigned i = 0; i < FIND_SLOTS && !f; i++)
        if (!finds[i].directory)
            f = &finds[i];
    if (!f) {
        SetLastError(ERROR_TOO_MANY_OPEN_FILES);
        return INVALID_HANDLE_VALUE;
    }
    status = NtOpenFile(&f->directory, FILE_LIST_DIRECTORY | SYNCHRONIZE, &n.oa, &iosb, SHARE_ALL,
                        FILE_DIRECTORY_FILE | FILE_SYNCHRONOUS_IO_NONALERT | FILE_OPEN_FOR_BACKUP_INTENT);
    if (!NT_SUCCESS(status)) {
        f->directory = NULL;
        if (status == STATUS_OBJECT_NAME_NOT_FOUND)                 /* the directory is part of the path */
            SetLastError(ERROR_PATH_NOT_FOUND);
        else
            fail_status(status);
        return INVALID_HANDLE_VALUE;
    }
    if (!query_entries(f, &mask)) {
        NtClose(f->directory);
        f->directory = NULL;
        return INVALID_HANDLE_VALUE;
    }
    take_entry(f, data);
    return (HANDLE)f;
}

BOOL WINAPI FindNextFileW(HANDLE handle, LPWIN32_FIND_DATAW data)
{
    struct find *f = find_of(handle);

    if (!f)
        return FALSE;
    if (f->next == NO_ENTRY && !query_entries(f, NULL))
        return FALSE;
    take_entry(f, data);
    return TRUE;
}

BOOL WINAPI FindClose(HANDLE handle)
{
    struct find *f = find_of(handle);

    if (!f)
        return FALSE;
    NtClose(f->directory);
    f->directory = NULL;
    return TRUE;
}

static void to_ansi_data(const WIN32_FIND_DATAW *w, WIN32_FIND_DATAA *a)
{
    a->dwFileAttributes = w->dwFileAttributes;
    a->ftCreationTime = w->ftCreationTime;
    a->ftLastAccessTime = w->ftLastAccessTime;
    a->ftLastWriteTime = w->ftLastWriteTime;
    a->nFileSizeHigh = w->nFileSizeHigh;
    a->nFileSizeLow = w->nFileSizeLow;
    a->dwReserved0 = w->dwReserved0;
    a->dwReserved1 = w->dwReserved1;
    to_ansi(a->cFileName, w->cFileName, wcs_len(w->cFileName));
    to_ansi(a->cAlternateFileName, w->cAlternateFileName, wcs_len(w->cAlternateFileName));
}

HANDLE WINAPI FindFirstFileA(LPCSTR name, LPWIN32_FIND_DATAA data)
{
    WCHAR wide[NT_PATH_MAX];
    WIN32_FIND_DATAW w;
    HANDLE handle;

    if (!ansi_path(name, wide))
        return INVALID_HANDLE_VALUE;
    handle = FindFirstFileW(wide, &w);
    if (handle != INVALID_HANDLE_VALUE)
        to_ansi_data(&w, data);
    return handle;
}

BOOL WINAPI FindNextFileA(HANDLE handle, LPWIN32_FIND_DATAA data)
{
    WIN32_FIND_DATAW w;

    if (!FindNextFileW(handle, &w))
        return FALSE;
    to_ansi_data(&w, data);
    return TRUE;
}
