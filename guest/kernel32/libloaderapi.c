/*
 * kernel32: modules. LoadLibraryA/W and LoadLibraryExA/W, GetProcAddress, GetModuleHandleA/W, FreeLibrary and
 * GetModuleFileNameA/W, GetModuleHandleExW/A, on top of ntdll's loader (LdrLoadDll, LdrGetProcedureAddress,
 * LdrGetDllHandle, LdrUnloadDll) and the module list of the PEB. The statuses become Win32 errors through errors.c:
 * ERROR_MOD_NOT_FOUND (126), ERROR_PROC_NOT_FOUND (127), ERROR_BAD_EXE_FORMAT (193), ERROR_DLL_INIT_FAILED (1114).
 *
 * A NULL module stands for the program's image (GetProcAddress, GetModuleFileName), as does a NULL name for
 * GetModuleHandle. A NULL name to LoadLibrary is ERROR_INVALID_PARAMETER. LoadLibraryExW takes no file handle
 * and no flags yet: either is ERROR_INVALID_PARAMETER (Windows' answer to flags it does not know).
 * ANSI names are in code page 1252.
 */
#define _KERNEL32_          /* windows.h declares our own exports without dllimport */
#include "k32files.h"
#include "k32process.h"
#include "guestwarn.h"

static PVOID image_base(void)
{
    return nt_current_teb()->Peb->ImageBaseAddress;
}

/* A counted string over a NUL-terminated one; FALSE (ERROR_FILENAME_EXCED_RANGE) when it is too long for one. */
static BOOL counted(const WCHAR *s, UNICODE_STRING *us)
{
    ULONG n = wcs_len(s);

    if (n > 0x7FFE) {
        SetLastError(ERROR_FILENAME_EXCED_RANGE);
        return FALSE;
    }
    us->Length = (USHORT)(n * sizeof(WCHAR));
    us->MaximumLength = (USHORT)(us->Length + sizeof(WCHAR));
    us->Buffer = (PWSTR)s;
    return TRUE;
}

/* LdrLoadDll or LdrGetDllHandle (the same parameters) of a name: the module, or NULL with the last error set. */
static HMODULE module_named(LPCWSTR name, NTSTATUS (NTAPI *ldr)(PWSTR, PULONG, PUNICODE_STRING, PVOID *))
{
    UNICODE_STRING us;
    PVOID base;
    NTSTATUS status;

    if (!counted(name, &us))
        return NULL;
    status = ldr(NULL, NULL, &us, &base);
    if (!NT_SUCCESS(status)) {
        fail_status(status);
        return NULL;
    }
    return base;
}

HMODULE WINAPI LoadLibraryExW(LPCWSTR name, HANDLE file, DWORD flags)
{
    if (!name || file || flags) {
        SetLastError(ERROR_INVALID_PARAMETER);
        return NULL;
    }
    return module_named(name, LdrLoadDll);
}

HMODULE WINAPI LoadLibraryW(LPCWSTR name)
{
    return LoadLibraryExW(name, NULL, 0);
}

HMODULE WINAPI LoadLibraryExA(LPCSTR name, HANDLE file, DWORD flags)
{
    WCHAR wide[NT_PATH_MAX];

    if (!name) {
        SetLastError(ERROR_INVALID_PARAMETER);
        return NULL;
    }
    return ansi_path(name, wide) ? LoadLibraryExW(wide, file, flags) : NULL;
}

HMODULE WINAPI LoadLibraryA(LPCSTR name)
{
    return LoadLibraryExA(name, NULL, 0);
}

/* GetProcAddress's failure, for the user (-v) and the trace: "kernel32.dll!Name: not found (error 127)". */
static void report_missing(HMODULE module, LPCSTR name, NTSTATUS status)
{
    static const char digits[] = "0123456789";
    char path[MAX_PATH], what[300];
    DWORD n = GetModuleFileNameA(module, path, sizeof path), start = 0, k = 0;
    DWORD number = (ULONG_PTR)name >> 16 ? error_from_status(status) : (DWORD)(ULONG_PTR)name;
    char text[12];
    int t = sizeof text;

    for (DWORD i = 0; i < n; i++)
        if (path[i] == '\\')
            start = i + 1;
    for (DWORD i = start; i < n && k < 100; i++)
        what[k++] = path[i];
    what[k++] = '!';
    text[--t] = 0;
    do
        text[--t] = digits[number % 10];
    while ((number /= 10) && t > 0);
    if ((ULONG_PTR)name >> 16) {
        for (const char *c = name; *c && k < 250; c++)
            what[k++] = *c;
        for (const char *c = ": not found (error "; *c; c++)
            what[k++] = *c;
        for (const char *c = text + t; *c; c++)
            what[k++] = *c;
        what[k++] = ')';
    } else {
        what[k++] = '#';
        for (const char *c = text + t; *c; c++)
            what[k++] = *c;
        for (const char *c = ": ordinal not found"; *c; c++)
            what[k++] = *c;
    }
    what[k] = 0;
    guest_info("GetProcAddress", what);
}

FARPROC WINAPI GetProcAddress(HMODULE module, LPCSTR name)
{
    ANSI_STRING ansi;
    PVOID address;
    NTSTATUS status;

    if (!module)
        module = image_base();
    if ((ULONG_PTR)name >> 16) {                                   /* a name; below 64 K it is an ordinal */
        ULONG n = 0;
        while (name[n])
            n++;
        ansi.Length = (USHORT)n;
        ansi.MaximumLength = (USHORT)(n + 1);
        ansi.Buffer = (PCHAR)name;
        status = LdrGetProcedureAddress(module, &ansi, 0, &address);
    } else
        status = LdrGetProcedureAddress(module, NULL, (ULONG)(ULONG_PTR)name, &address);
    if (!NT_SUCCESS(status)) {
        report_missing(module, name, status);
        fail_status(status);
        return NULL;
    }
    return (FARPROC)address;
}

HMODULE WINAPI GetModuleHandleW(LPCWSTR name)
{
    return name ? module_named(name, LdrGetDllHandle) : image_base();
}

HMODULE WINAPI GetModuleHandleA(LPCSTR name)
{
    WCHAR wide[NT_PATH_MAX];

    if (!name)
        return image_base();
    return ansi_path(name, wide) ? GetModuleHandleW(wide) : NULL;
}

BOOL WINAPI FreeLibrary(HMODULE module)
{
    NTSTATUS status = LdrUnloadDll(module);

    return NT_SUCCESS(status) ? TRUE : fail_status(status);
}

/* The full path of a loaded module (NULL: the image), or NULL with ERROR_MOD_NOT_FOUND. */
static const UNICODE_STRING *module_path(HMODULE module)
{
    const PEB_LDR_DATA *ldr = nt_current_teb()->Peb->Ldr;
    const LIST_ENTRY *head = &ldr->InLoadOrderModuleList;
    PVOID base = module ? (PVOID)module : image_base();

    for (const LIST_ENTRY *link = head->Flink; link != head; link = link->Flink) {
        const LDR_DATA_TABLE_ENTRY *e = CONTAINING_RECORD(link, LDR_DATA_TABLE_ENTRY, InLoadOrderLinks);
        if (e->DllBase == base)
            return &e->FullDllName;
    }
    SetLastError(ERROR_MOD_NOT_FOUND);
    return NULL;
}

/* Vista's rule: a short buffer gets the name cut to size - 1 characters and a NUL, the result is `size` and the
 * last error ERROR_INSUFFICIENT_BUFFER; otherwise the name and the length without the NUL. */
static DWORD module_file_name(HMODULE module, void *buffer, DWORD size, BOOL wide)
{
    const UNICODE_STRING *path = module_path(module);
    DWORD length;

    if (!path)
        return 0;
    length = path->Length / sizeof(WCHAR);
    if (length < size) {
        put_string(buffer, wide, path->Buffer, length);
        return length;
    }
    if (size)
        put_string(buffer, wide, path->Buffer, size - 1);
    SetLastError(ERROR_INSUFFICIENT_BUFFER);
    return size;
}

DWORD WINAPI GetModuleFileNameW(HMODULE module, LPWSTR buffer, DWORD size)
{
    return module_file_name(module, buffer, size, TRUE);
}

DWORD WINAPI GetModuleFileNameA(HMODULE module, LPSTR buffer, DWORD size)
{
    return module_file_name(module, buffer, size, FALSE);
}

/* The loader's entry of the module that holds `address`, or NULL with ERROR_MOD_NOT_FOUND. */
static LDR_DATA_TABLE_ENTRY *module_holding(const void *address)
{
    PEB_LDR_DATA *ldr = nt_current_teb()->Peb->Ldr;
    LIST_ENTRY *head = &ldr->InLoadOrderModuleList;

    for (LIST_ENTRY *link = head->Flink; link != head; link = link->Flink) {
        LDR_DATA_TABLE_ENTRY *e = CONTAINING_RECORD(link, LDR_DATA_TABLE_ENTRY, InLoadOrderLinks);
        if ((ULONG_PTR)address - (ULONG_PTR)e->DllBase < e->SizeOfImage)
            return e;
    }
    SetLastError(ERROR_MOD_NOT_FOUND);
    return NULL;
}

#define MODULE_FLAGS (GET_MODULE_HANDLE_EX_FLAG_PIN | GET_MODULE_HANDLE_EX_FLAG_UNCHANGED_REFCOUNT | \
                      GET_MODULE_HANDLE_EX_FLAG_FROM_ADDRESS)
#define PINNED 0xFFFF                                               /* the loader's mark of a pinned module */

/* GetModuleHandleEx: the module by name (NULL: the program) or, with GET_MODULE_HANDLE_EX_FLAG_FROM_ADDRESS, the
 * one holding an address; one more reference unless UNCHANGED_REFCOUNT, or pinned for good with PIN (the
 * loader's count set to its pinned mark, as LdrAddRefDll does). Unknown flags, PIN with UNCHANGED_REFCOUNT or a
 * NULL result pointer are ERROR_INVALID_PARAMETER; *module is NULL on failure. */
static BOOL module_handle_ex(DWORD flags, const void *name_or_address, BOOL wide, HMODULE *module)
{
    LDR_DATA_TABLE_ENTRY *entry;
    WCHAR name[NT_PATH_MAX];

    if (module)
        *module = NULL;
    if (!module || (flags & ~MODULE_FLAGS) || ((flags & GET_MODULE_HANDLE_EX_FLAG_PIN) &&
                                               (flags & GET_MODULE_HANDLE_EX_FLAG_UNCHANGED_REFCOUNT))) {
        SetLastError(ERROR_INVALID_PARAMETER);
        return FALSE;
    }
    if (flags & GET_MODULE_HANDLE_EX_FLAG_FROM_ADDRESS)
        entry = module_holding(name_or_address);
    else if (!name_or_address)
        entry = module_holding(image_base());
    else {
        HMODULE found;
        if (!wide && !ansi_path(name_or_address, name))
            return FALSE;
        if (!(found = GetModuleHandleW(wide ? name_or_address : name)))
            return FALSE;
        entry = module_holding(found);
    }
    if (!entry)
        return FALSE;
    if (flags & GET_MODULE_HANDLE_EX_FLAG_PIN)
        entry->ObsoleteLoadCount = PINNED;
    else if (!(flags & GET_MODULE_HANDLE_EX_FLAG_UNCHANGED_REFCOUNT) && entry->ObsoleteLoadCount != PINNED)
        entry->ObsoleteLoadCount++;
    *module = entry->DllBase;
    return TRUE;
}

BOOL WINAPI GetModuleHandleExW(DWORD flags, LPCWSTR name, HMODULE *module)
{
    return module_handle_ex(flags, name, TRUE, module);
}

BOOL WINAPI GetModuleHandleExA(DWORD flags, LPCSTR name, HMODULE *module)
{
    return module_handle_ex(flags, name, FALSE, module);
}
