/*
 * advapi32: what its areas share: memory from the process heap, ANSI strings in UTF-16, the last error.
 */
#include "advapi.h"

void *adv_alloc(SIZE_T size)
{
    return HeapAlloc(GetProcessHeap(), 0, size ? size : 1);
}

void adv_free(void *block)
{
    if (block)
        HeapFree(GetProcessHeap(), 0, block);
}

SIZE_T wide_length(const WCHAR *text)
{
    SIZE_T n = 0;

    while (text[n])
        n++;
    return n;
}

WCHAR *wide_from_ansi(const char *text, BOOL *ok)
{
    WCHAR *wide;
    int count;

    *ok = TRUE;
    if (!text)
        return NULL;
    count = MultiByteToWideChar(CP_ACP, 0, text, -1, NULL, 0);
    wide = adv_alloc((SIZE_T)count * sizeof(WCHAR));
    if (!wide) {
        *ok = FALSE;
        return NULL;
    }
    MultiByteToWideChar(CP_ACP, 0, text, -1, wide, count);
    return wide;
}

BOOL fail_error(DWORD error)
{
    SetLastError(error);
    return FALSE;
}

BOOL fail_status(NTSTATUS status)
{
    return fail_error(RtlNtStatusToDosError(status));
}

void copy_bytes(void *destination, const void *source, SIZE_T size)
{
    BYTE *d = destination;
    const BYTE *s = source;

    if (d < s) {
        for (SIZE_T i = 0; i < size; i++)
            d[i] = s[i];
    } else {
        while (size--)
            d[size] = s[size];
    }
}

BOOL same_bytes(const void *a, const void *b, SIZE_T size)
{
    const BYTE *x = a, *y = b;

    for (SIZE_T i = 0; i < size; i++)
        if (x[i] != y[i])
            return FALSE;
    return TRUE;
}

void zero_bytes(void *destination, SIZE_T size)
{
    BYTE *d = destination;

    for (SIZE_T i = 0; i < size; i++)
        d[i] = 0;
}

NTSTATUS whole_answer(answer_fn ask, HANDLE key, ULONG_PTR what, ULONG info_class, void **answer)
{
    ULONG length = 512, needed = 0;

    for (;;) {
        void *buffer = adv_alloc(length);
        NTSTATUS status;

        if (!buffer)
            return STATUS_NO_MEMORY;
        status = ask(key, what, info_class, buffer, length, &needed);
        if (NT_SUCCESS(status) && status != STATUS_BUFFER_OVERFLOW) {
            *answer = buffer;
            return status;
        }
        adv_free(buffer);
        if ((status != STATUS_BUFFER_OVERFLOW && status != STATUS_BUFFER_TOO_SMALL) || needed <= length)
            return status;
        length = needed;
    }
}

NTSTATUS key_answer(HKEY hKey, answer_fn ask, ULONG_PTR what, ULONG info_class, void **answer)
{
    HANDLE key;
    NTSTATUS status = key_handle(hKey, &key);

    return NT_SUCCESS(status) ? whole_answer(ask, key, what, info_class, answer) : status;
}

/* Copies `length` WCHARs and a terminator into a buffer of *count characters, *count becoming the length; FALSE
 * (ERROR_MORE_DATA, the count left alone) when they do not fit. */
BOOL put_wide(const WCHAR *text, SIZE_T length, LPWSTR buffer, LPDWORD count)
{
    if (length >= *count)
        return FALSE;
    copy_bytes(buffer, text, length * sizeof(WCHAR));
    buffer[length] = 0;
    *count = (DWORD)length;
    return TRUE;
}

/* The bytes of `length` WCHARs in the ANSI code page. */
DWORD ansi_size(const WCHAR *text, SIZE_T length)
{
    return length ? (DWORD)WideCharToMultiByte(CP_ACP, 0, text, (int)length, NULL, 0, NULL, NULL) : 0;
}

/* The same as put_wide into an ANSI buffer of *count bytes. */
BOOL put_ansi(const WCHAR *text, SIZE_T length, LPSTR buffer, LPDWORD count)
{
    DWORD size = ansi_size(text, length);

    if (size >= *count)
        return FALSE;
    if (size)
        WideCharToMultiByte(CP_ACP, 0, text, (int)length, buffer, (int)size, NULL, NULL);
    buffer[size] = 0;
    *count = (DWORD)size;
    return TRUE;
}
