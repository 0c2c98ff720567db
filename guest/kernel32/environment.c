/*
 * kernel32: changing and expanding the environment (processenv.h): SetEnvironmentVariableW/A,
 * ExpandEnvironmentStringsW/A, GetEnvironmentStringsA and FreeEnvironmentStringsA.
 *
 * SetEnvironmentVariable does what RtlSetEnvironmentVariable does: a new block is allocated with
 * NtAllocateVirtualMemory, holding the variables in order (names compared without regard to case, the new one
 * in its sorted place), and the process parameters point to it; the block a previous call made is freed. A NULL
 * value deletes the variable (TRUE whether or not it existed). A NULL or empty name, or one with '=' after its
 * first character ("=C:" is a name), is ERROR_INVALID_PARAMETER.
 *
 * ExpandEnvironmentStrings replaces each %NAME% of a defined variable by its value and leaves the rest as it is
 * ("%UNDEFINED%", a lone '%'); it returns the size of the result in characters with the terminator, which is
 * written only when it fits in `size`. ANSI strings are Latin-1, as everywhere in this kernel32.
 */
#define _KERNEL32_          /* windows.h declares our own exports without dllimport */
#include "k32files.h"
#include "k32process.h"

#define ENV_NAME_MAX 32767                                          /* characters of an ANSI name or value */

static PVOID allocated_block;                                       /* the block the last Set call made */

static WCHAR upcase(WCHAR c)
{
    return c >= 'a' && c <= 'z' ? (WCHAR)(c - 'a' + 'A') : c;
}

/* The length of an entry's name: up to its first '=' after the first character. */
static ULONG name_length(const WCHAR *entry)
{
    ULONG n = 1;
    while (entry[n] && entry[n] != '=')
        n++;
    return n;
}

/* <0, 0, >0: an entry's name against `name`, without regard to case. */
static int compare_names(const WCHAR *entry, ULONG entry_length, const WCHAR *name, ULONG length)
{
    for (ULONG i = 0; i < entry_length && i < length; i++)
        if (upcase(entry[i]) != upcase(name[i]))
            return upcase(entry[i]) < upcase(name[i]) ? -1 : 1;
    return (int)entry_length - (int)length;
}

static WCHAR *put_entry(WCHAR *out, const WCHAR *name, ULONG length, const WCHAR *value, ULONG value_length)
{
    copy_bytes(out, name, length * sizeof(WCHAR));
    out[length] = '=';
    copy_bytes(out + length + 1, value, value_length * sizeof(WCHAR));
    out[length + 1 + value_length] = 0;
    return out + length + value_length + 2;
}

static BOOL set_variable(const WCHAR *name, const WCHAR *value)
{
    RTL_USER_PROCESS_PARAMETERS *params = nt_process_parameters();
    const WCHAR *block = params->Environment, *entry;
    ULONG length, value_length = value ? wcs_len(value) : 0;
    SIZE_T used = 0, size;
    PVOID fresh = NULL;
    WCHAR *out;
    BOOL placed = !value;
    NTSTATUS status;

    if (!name || !*name || name_length(name) != (length = wcs_len(name))) {
        SetLastError(ERROR_INVALID_PARAMETER);
        return FALSE;
    }
    while (block[used] || block[used + 1])
        used++;
    size = (used + 2 + length + 1 + value_length + 1) * sizeof(WCHAR);
    status = NtAllocateVirtualMemory(NtCurrentProcess(), &fresh, 0, &size, MEM_RESERVE | MEM_COMMIT, PAGE_READWRITE);
    if (!NT_SUCCESS(status))
        return fail_status(status);
    out = fresh;
    for (entry = block; *entry; entry += wcs_len(entry) + 1) {
        int order = compare_names(entry, name_length(entry), name, length);
        if (!placed && order >= 0) {
            out = put_entry(out, name, length, value, value_length);
            placed = TRUE;
        }
        if (order) {
            ULONG n = wcs_len(entry) + 1;
            copy_bytes(out, entry, n * sizeof(WCHAR));
            out += n;
        }
    }
    if (!placed)
        out = put_entry(out, name, length, value, value_length);
    *out = 0;
    params->Environment = fresh;
    if (allocated_block) {
        SIZE_T zero = 0;
        NtFreeVirtualMemory(NtCurrentProcess(), &allocated_block, &zero, MEM_RELEASE);
    }
    allocated_block = fresh;
    return TRUE;
}

BOOL WINAPI SetEnvironmentVariableW(LPCWSTR name, LPCWSTR value)
{
    return set_variable(name, value);
}

/* An ANSI string as UTF-16 (Latin-1) in memory of its own, which *copy gets; FALSE with the last error set. */
static BOOL widen(const char *s, WCHAR **copy)
{
    SIZE_T n = 0, size;
    PVOID block = NULL;
    NTSTATUS status;

    *copy = NULL;
    if (!s)
        return TRUE;
    while (s[n])
        if (++n > ENV_NAME_MAX) {
            SetLastError(ERROR_FILENAME_EXCED_RANGE);
            return FALSE;
        }
    size = (n + 1) * sizeof(WCHAR);
    status = NtAllocateVirtualMemory(NtCurrentProcess(), &block, 0, &size, MEM_RESERVE | MEM_COMMIT, PAGE_READWRITE);
    if (!NT_SUCCESS(status))
        return fail_status(status);
    *copy = block;
    for (SIZE_T i = 0; i <= n; i++)
        (*copy)[i] = (unsigned char)s[i];
    return TRUE;
}

static void release(WCHAR *copy)
{
    PVOID base = copy;
    SIZE_T zero = 0;

    if (copy)
        NtFreeVirtualMemory(NtCurrentProcess(), &base, &zero, MEM_RELEASE);
}

BOOL WINAPI SetEnvironmentVariableA(LPCSTR name, LPCSTR value)
{
    WCHAR *wide_name, *wide_value = NULL;
    BOOL ok = widen(name, &wide_name) && widen(value, &wide_value) && set_variable(wide_name, wide_value);

    release(wide_name);
    release(wide_value);
    return ok;
}

/* Expands into `buffer` (wide or ANSI) while it fits in `size` characters; returns the characters of the whole
 * result with its terminator. */
static DWORD expand(const void *src, BOOL wide, void *buffer, DWORD size)
{
    DWORD out = 0, i = 0;
#define SRC(k) (wide ? ((const WCHAR *)src)[k] : (WCHAR)((const unsigned char *)src)[k])
#define PUT(c) do { if (out < size) { if (wide) ((WCHAR *)buffer)[out] = (c); \
                    else ((char *)buffer)[out] = (c) < 0x100 ? (char)(c) : '?'; } out++; } while (0)
    while (SRC(i)) {
        DWORD end = i + 1, length;
        const WCHAR *value = NULL;
        WCHAR name[256];

        if (SRC(i) != '%') {
            PUT(SRC(i));
            i++;
            continue;
        }
        while (SRC(end) && SRC(end) != '%')
            end++;
        if (SRC(end) == '%' && end - i - 1 > 0 && end - i - 1 < sizeof name / sizeof name[0]) {
            for (DWORD k = i + 1; k < end; k++)
                name[k - i - 1] = SRC(k);
            value = find_variable(name, end - i - 1, &length);
        }
        if (value) {
            for (DWORD k = 0; k < length; k++)
                PUT(value[k]);
            i = end + 1;
        } else {
            PUT('%');                                               /* not a variable: the '%' stays */
            i++;
        }
    }
    PUT(0);
#undef PUT
#undef SRC
    return out;
}

DWORD WINAPI ExpandEnvironmentStringsW(LPCWSTR src, LPWSTR dst, DWORD size)
{
    return expand(src, TRUE, dst, dst ? size : 0);
}

DWORD WINAPI ExpandEnvironmentStringsA(LPCSTR src, LPSTR dst, DWORD size)
{
    return expand(src, FALSE, dst, dst ? size : 0);
}

/* The block as ANSI (Latin-1), in memory of its own; FreeEnvironmentStringsA gives it back. */
LPCH WINAPI GetEnvironmentStrings(void)
{
    WCHAR *block = GetEnvironmentStringsW();
    SIZE_T n = 0;

    if (!block)
        return NULL;
    while (block[n] || block[n + 1])
        n++;
    for (SIZE_T i = 0; i < n + 2; i++)                              /* in place: each char fits in its WCHAR */
        ((char *)block)[i] = block[i] < 0x100 ? (char)block[i] : '?';
    return (LPCH)block;
}

#undef GetEnvironmentStringsA                                        /* winbase.h's name for GetEnvironmentStrings */
LPCH WINAPI GetEnvironmentStringsA(void)
{
    return GetEnvironmentStrings();
}

BOOL WINAPI FreeEnvironmentStringsA(LPCH block)
{
    return FreeEnvironmentStringsW((LPWCH)block);
}
