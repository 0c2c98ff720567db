/*
 * cmd.exe: DIR [PATH] in cmd's format: the volume's header, " Directory of FOLDER", one line per entry (en-US
 * date and 12-hour time of the last write, <DIR> or the size with thousands separators, the name) in NTFS's order
 * (names compared upper-cased), then the File(s) and Dir(s) totals with the free bytes. Hidden and system entries
 * are left out, as without /a. Switches (/w, /b...) are accepted and change nothing.
 */
#include "cmd.h"

#define MAX_ENTRIES 4096

static void header(void)
{
    WCHAR label[MAX_PATH + 1];
    DWORD serial = 0;
    WCHAR hex[10];

    label[0] = 0;
    GetVolumeInformationW(L"C:\\", label, MAX_PATH + 1, &serial, NULL, NULL, NULL, 0);
    if (label[0]) {
        out(L" Volume in drive C is ");
        out(label);
        out(L"\r\n");
    } else
        out(L" Volume in drive C has no label.\r\n");
    for (int i = 0; i < 9; i++) {
        int shift = 28 - 4 * (i < 4 ? i : i - 1);
        hex[i] = i == 4 ? L'-' : L"0123456789ABCDEF"[(serial >> shift) & 0xF];
    }
    hex[9] = 0;
    out(L" Volume Serial Number is ");
    out(hex);
    out(L"\r\n");
}

static void two_digits(WORD value)
{
    WCHAR digits[2] = { (WCHAR)(L'0' + value / 10 % 10), (WCHAR)(L'0' + value % 10) };
    out_n(digits, 2);
}

/* "MM/DD/YYYY  HH:MM AM" in local time. */
static void date_and_time(const FILETIME *written)
{
    FILETIME local;
    SYSTEMTIME t;
    WORD hour;

    FileTimeToLocalFileTime(written, &local);
    FileTimeToSystemTime(&local, &t);
    two_digits(t.wMonth);
    out(L"/");
    two_digits(t.wDay);
    out(L"/");
    out_number(t.wYear, FALSE, 4);
    out(L"  ");
    hour = t.wHour % 12 ? t.wHour % 12 : 12;
    two_digits(hour);
    out(L":");
    two_digits(t.wMinute);
    out(t.wHour < 12 ? L" AM" : L" PM");
}

static int compare_entries(const WIN32_FIND_DATAW *a, const WIN32_FIND_DATAW *b)
{
    const WCHAR *x = a->cFileName, *y = b->cFileName;
    for (;; x++, y++) {
        WCHAR cx = text_upper(*x), cy = text_upper(*y);
        if (cx != cy)
            return cx < cy ? -1 : 1;
        if (!cx)
            return 0;
    }
}

static void sort_entries(WIN32_FIND_DATAW **entries, DWORD count)
{
    for (DWORD gap = count / 2; gap; gap /= 2)
        for (DWORD i = gap; i < count; i++)
            for (DWORD j = i; j >= gap && compare_entries(entries[j - gap], entries[j]) > 0; j -= gap) {
                WIN32_FIND_DATAW *t = entries[j];
                entries[j] = entries[j - gap];
                entries[j - gap] = t;
            }
}

/* The folder to list and the pattern to search for, from DIR's argument (none: the current folder). */
static void target(WCHAR *args, WCHAR *folder, WCHAR *pattern)
{
    WCHAR *path = NULL, *p = text_skip_blanks(args);
    WCHAR *last, current[2] = L".";
    DWORD attributes, n;

    while (*p) {                              /* the first word that is not a switch */
        WCHAR *word = p;
        BOOL quoted = FALSE;
        while (*p && (quoted || !text_is_blank(*p))) {
            quoted ^= *p == L'"';
            p++;
        }
        if (*p)
            *p++ = 0;
        p = text_skip_blanks(p);
        if (*word != L'/' && !path)
            path = word;
    }
    if (!path)
        path = current;
    text_unquote(path);
    n = GetFullPathNameW(path, MAX_PATH, folder, NULL);
    if (!n || n >= MAX_PATH)
        text_copy(folder, path, MAX_PATH);
    attributes = GetFileAttributesW(folder);
    if (attributes != INVALID_FILE_ATTRIBUTES && (attributes & FILE_ATTRIBUTE_DIRECTORY)) {
        text_copy(pattern, folder, MAX_PATH);
        n = text_length(pattern);
        text_append(pattern, n && pattern[n - 1] == L'\\' ? L"*" : L"\\*", MAX_PATH);
        return;
    }
    text_copy(pattern, folder, MAX_PATH);
    last = folder;
    for (WCHAR *q = folder; *q; q++)
        if (*q == L'\\')
            last = q;
    last[last == folder + 2 ? 1 : 0] = 0;     /* C:\name -> C:\, C:\dir\name -> C:\dir */
}

int cmd_dir(WCHAR *args)
{
    static WCHAR folder[MAX_PATH], pattern[MAX_PATH];
    static WIN32_FIND_DATAW probe;
    WIN32_FIND_DATAW *entries, **order;
    ULARGE_INTEGER free_bytes;
    ULONGLONG bytes = 0;
    DWORD count = 0, files = 0, dirs = 0;
    HANDLE find;

    target(args, folder, pattern);
    header();
    out(L"\r\n Directory of ");
    out(folder);
    out(L"\r\n\r\n");
    find = FindFirstFileW(pattern, &probe);
    if (find == INVALID_HANDLE_VALUE) {
        err(L"File Not Found\r\n");
        return 1;
    }
    FindClose(find);
    entries = cmd_alloc(MAX_ENTRIES * sizeof *entries);
    order = cmd_alloc(MAX_ENTRIES * sizeof *order);
    find = FindFirstFileW(pattern, &entries[0]);
    do {
        if (!(entries[count].dwFileAttributes & (FILE_ATTRIBUTE_HIDDEN | FILE_ATTRIBUTE_SYSTEM))) {
            order[count] = &entries[count];
            count++;
        }
    } while (count < MAX_ENTRIES && FindNextFileW(find, &entries[count]));
    FindClose(find);
    sort_entries(order, count);
    for (DWORD i = 0; i < count; i++) {
        WIN32_FIND_DATAW *e = order[i];
        date_and_time(&e->ftLastWriteTime);
        if (e->dwFileAttributes & FILE_ATTRIBUTE_DIRECTORY) {
            out(L"    <DIR>          ");
            dirs++;
        } else {
            ULONGLONG size = ((ULONGLONG)e->nFileSizeHigh << 32) | e->nFileSizeLow;
            out_number(size, TRUE, 18);
            out(L" ");
            files++;
            bytes += size;
        }
        out(e->cFileName);
        out(L"\r\n");
    }
    cmd_free(order);
    cmd_free(entries);
    free_bytes.QuadPart = 0;
    GetDiskFreeSpaceExW(folder, &free_bytes, NULL, NULL);
    out_number(files, TRUE, 16);
    out(L" File(s) ");
    out_number(bytes, TRUE, 14);
    out(L" bytes\r\n");
    out_number(dirs, TRUE, 16);
    out(L" Dir(s)  ");
    out_number(free_bytes.QuadPart, TRUE, 14);
    out(L" bytes free\r\n");
    return 0;
}
