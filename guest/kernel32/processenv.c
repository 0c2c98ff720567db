/*
 * kernel32: the environment of the process, from its RTL_USER_PROCESS_PARAMETERS: GetEnvironmentVariableW/A,
 * GetEnvironmentStringsW and FreeEnvironmentStringsW. The block is "NAME=value\0...\0\0"; names compare
 * without regard to case (ASCII). ANSI strings are in the ANSI code page, 1252 (k32nls.h).
 */
#define _KERNEL32_          /* windows.h declares our own exports without dllimport */
#include "k32process.h"
#include "k32nls.h"

void put_string(void *buffer, BOOL wide, const WCHAR *text, DWORD n)
{
    if (wide) {
        for (DWORD i = 0; i < n; i++)
            ((WCHAR *)buffer)[i] = text[i];
        ((WCHAR *)buffer)[n] = 0;
    } else {
        nls_unicode_to_ansi(text, n, buffer);
        ((char *)buffer)[n] = 0;
    }
}

static WCHAR upcase(WCHAR c)
{
    return c >= 'a' && c <= 'z' ? (WCHAR)(c - 'a' + 'A') : c;
}

static const WCHAR *environment(void)
{
    return nt_process_parameters()->Environment;
}

const WCHAR *find_variable(const WCHAR *name, DWORD name_length, DWORD *length)
{
    for (const WCHAR *entry = environment(); *entry; ) {
        DWORD n = 0;
        while (entry[n])
            n++;
        if (n > name_length && entry[name_length] == '=') {
            DWORD i = 0;
            while (i < name_length && upcase(entry[i]) == upcase(name[i]))
                i++;
            if (i == name_length) {
                *length = n - name_length - 1;
                return entry + name_length + 1;
            }
        }
        entry += n + 1;
    }
    return NULL;
}

/* GetEnvironmentVariable: the value into a buffer of `size` characters, wide or ANSI; returns its
 * length without the NUL when it fits, else the size needed. */
static DWORD get_variable(const WCHAR *name, DWORD name_length, void *buffer, DWORD size, BOOL wide)
{
    DWORD length;
    const WCHAR *value = find_variable(name, name_length, &length);

    if (!value) {
        SetLastError(ERROR_ENVVAR_NOT_FOUND);
        return 0;
    }
    if (size <= length)
        return length + 1;
    put_string(buffer, wide, value, length);
    return length;
}

DWORD WINAPI GetEnvironmentVariableW(LPCWSTR name, LPWSTR buffer, DWORD size)
{
    DWORD name_length = 0;

    while (name[name_length])
        name_length++;
    return get_variable(name, name_length, buffer, size, TRUE);
}

DWORD WINAPI GetEnvironmentVariableA(LPCSTR name, LPSTR buffer, DWORD size)
{
    WCHAR wide[256];
    DWORD name_length = 0;

    for (; name[name_length]; name_length++) {
        if (name_length == sizeof wide / sizeof wide[0]) {          /* no variable has so long a name */
            SetLastError(ERROR_ENVVAR_NOT_FOUND);
            return 0;
        }
    }
    nls_ansi_to_unicode(name, name_length, wide);
    return get_variable(wide, name_length, buffer, size, FALSE);
}

/* A copy of the block, in memory of its own; FreeEnvironmentStringsW gives it back. */
LPWCH WINAPI GetEnvironmentStringsW(void)
{
    const WCHAR *block = environment();
    SIZE_T n = 0, size;
    PVOID copy = NULL;
    NTSTATUS status;

    while (block[n] || block[n + 1])
        n++;
    size = (n + 2) * sizeof(WCHAR);
    status = NtAllocateVirtualMemory(NtCurrentProcess(), &copy, 0, &size, MEM_RESERVE | MEM_COMMIT,
                                     PAGE_READWRITE);
    if (!NT_SUCCESS(status)) {
        fail_status(status);
        return NULL;
    }
    for (SIZE_T i = 0; i < n + 2; i++)
        ((WCHAR *)copy)[i] = block[i];
    return copy;
}

BOOL WINAPI FreeEnvironmentStringsW(LPWCH block)
{
    PVOID base = block;
    SIZE_T size = 0;
    NTSTATUS status = NtFreeVirtualMemory(NtCurrentProcess(), &base, &size, MEM_RELEASE);

    return NT_SUCCESS(status) ? TRUE : fail_status(status);
}
