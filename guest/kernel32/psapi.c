/*
 * kernel32: the process status functions of psapi.h (the K32 names Windows 7 moved into kernel32) and the image
 * names of winbase.h (QueryFullProcessImageName), for any process the caller can open; and what they share with
 * the Toolhelp snapshots (k32modules.h): the system's process list and the module lists read from a process's
 * PEB.
 *
 * As on Windows 10:
 * - K32EnumProcesses lists every process of the system, the Idle process (0) and System (4) first; lpcbNeeded is
 *   the number of bytes it wrote.
 * - K32EnumProcessModules(Ex) list the modules in load order; lpcbNeeded the bytes the whole list needs. A 32-bit
 *   caller lists 32-bit modules only (the filter of the Ex form is ignored) and gets ERROR_PARTIAL_COPY about a
 *   64-bit process; a 64-bit caller lists the 64-bit modules by default, the 32-bit ones of a WoW64 process with
 *   LIST_MODULES_32BIT, both with LIST_MODULES_ALL (another filter is ERROR_INVALID_PARAMETER).
 * - K32GetModuleBaseName and K32GetModuleFileNameEx find a module by its base (NULL: the process's image); a
 *   base that is no module is ERROR_INVALID_HANDLE. The name is cut to the buffer, with a NUL when there is room,
 *   and the return value is the number of characters copied. For the current process, K32GetModuleFileNameEx is
 *   GetModuleFileName.
 * - QueryFullProcessImageName gives the Win32 path (flags 0) or the native one (PROCESS_NAME_NATIVE:
 *   \Device\HarddiskVolume3\...), ERROR_INSUFFICIENT_BUFFER when *lpdwSize has no room for it and its NUL;
 *   K32GetProcessImageFileName the native path, returning its length (0 and ERROR_INSUFFICIENT_BUFFER when it
 *   does not fit). Both need only PROCESS_QUERY_LIMITED_INFORMATION.
 */
#define _KERNEL32_          /* windows.h declares our own exports without dllimport */
#include "k32modules.h"
#include "k32nls.h"
#include "k32process.h"
#include <psapi.h>

#define MODULE_LIMIT 0x10000                                       /* a list longer than this does not end */
#define PROCESS_LIST_FIRST 0x10000                                  /* bytes; doubled while they do not suffice */
#define PROCESS_LIST_MAX 0x4000000
#define IMAGE_NAME_CHARS 1024

/* ---- The system's processes --------------------------------------------------------------------------- */

SYSTEM_PROCESS_INFORMATION *query_processes(NTSTATUS *status)
{
    HANDLE heap = GetProcessHeap();

    for (ULONG size = PROCESS_LIST_FIRST; size <= PROCESS_LIST_MAX; size *= 2) {
        SYSTEM_PROCESS_INFORMATION *list = RtlAllocateHeap(heap, 0, size);
        if (!list) {
            *status = STATUS_NO_MEMORY;
            return NULL;
        }
        *status = NtQuerySystemInformation(SystemProcessInformation, list, size, NULL);
        if (NT_SUCCESS(*status))
            return list;
        RtlFreeHeap(heap, 0, list);
        if (*status != STATUS_INFO_LENGTH_MISMATCH)
            return NULL;
    }
    *status = STATUS_NO_MEMORY;
    return NULL;
}

BOOL WINAPI K32EnumProcesses(DWORD *ids, DWORD size, DWORD *needed)
{
    NTSTATUS status;
    SYSTEM_PROCESS_INFORMATION *list = query_processes(&status), *p;
    DWORD n = 0;

    if (!list)
        return fail_status(status);
    for (p = list; n < size / sizeof(DWORD); p = (SYSTEM_PROCESS_INFORMATION *)((BYTE *)p + p->NextEntryOffset)) {
        ids[n++] = (DWORD)(ULONG_PTR)p->UniqueProcessId;
        if (!p->NextEntryOffset)
            break;
    }
    RtlFreeHeap(GetProcessHeap(), 0, list);
    *needed = n * sizeof(DWORD);
    return TRUE;
}

/* ---- Module lists ------------------------------------------------------------------------------------- */

/* Where a loader list's fields are in one width. */
struct list_layout {
    ULONG pointer;                             /* 4 or 8 */
    ULONG peb_ldr, ldr_list;                   /* PEB->Ldr, PEB_LDR_DATA.InLoadOrderModuleList */
    ULONG dll_base, size_of_image, full_name, base_name, load_count;  /* LDR_DATA_TABLE_ENTRY */
    ULONG string_buffer;                       /* UNICODE_STRING.Buffer */
};

static const struct list_layout LIST32 = { 4, 0x0C, 0x0C, 0x18, 0x20, 0x24, 0x2C, 0x38, 4 };
static const struct list_layout LIST64 = { 8, 0x18, 0x10, 0x30, 0x40, 0x48, 0x58, 0x6C, 8 };

#define ENTRY_BYTES 0x70                                            /* what both layouts read of an entry */

static NTSTATUS read_remote(HANDLE process, ULONG64 address, void *buffer, SIZE_T size)
{
    SIZE_T done = 0;
    NTSTATUS status;

    if (address > (ULONG_PTR)-1 - size)                             /* beyond what this width can name */
        return STATUS_PARTIAL_COPY;
    status = NtReadVirtualMemory(process, (PVOID)(ULONG_PTR)address, buffer, size, &done);
    if (NT_SUCCESS(status) && done != size)
        status = STATUS_PARTIAL_COPY;
    return status == STATUS_ACCESS_VIOLATION ? STATUS_PARTIAL_COPY : status;
}

static ULONG64 pointer_at(const BYTE *data, ULONG offset, ULONG size)
{
    ULONG64 value = 0;
    for (ULONG i = 0; i < size; i++)
        value |= (ULONG64)data[offset + i] << (8 * i);
    return value;
}

/* A UNICODE_STRING of the entry, cut to `room` characters with a NUL; its full length in *length. */
static NTSTATUS read_name(HANDLE process, const struct list_layout *l, const BYTE *entry, ULONG offset, WCHAR *out,
                          USHORT room, USHORT *length)
{
    USHORT n = (USHORT)pointer_at(entry, offset, 2) / sizeof(WCHAR);
    ULONG64 buffer = pointer_at(entry, offset + l->string_buffer, l->pointer);
    USHORT copy = n < room ? n : (USHORT)(room - 1);
    NTSTATUS status = copy ? read_remote(process, buffer, out, copy * sizeof(WCHAR)) : STATUS_SUCCESS;

    out[NT_SUCCESS(status) ? copy : 0] = 0;
    *length = n;
    return status;
}

static NTSTATUS walk_list(HANDLE process, const struct list_layout *l, ULONG64 peb, MODULE_VISITOR visit,
                          void *context)
{
    BYTE entry[ENTRY_BYTES];
    struct remote_module m;
    ULONG64 ldr = 0, head, link;
    NTSTATUS status = read_remote(process, peb + l->peb_ldr, &ldr, l->pointer);

    if (!NT_SUCCESS(status))
        return status;
    head = ldr + l->ldr_list;
    if (!NT_SUCCESS(status = read_remote(process, head, &link, l->pointer)))
        return status;
    link = pointer_at((BYTE *)&link, 0, l->pointer);
    for (ULONG count = 0; link != head; count++) {
        if (count == MODULE_LIMIT)
            return STATUS_INFO_LENGTH_MISMATCH;
        if (!NT_SUCCESS(status = read_remote(process, link, entry, ENTRY_BYTES)))
            return status;
        m.base = pointer_at(entry, l->dll_base, l->pointer);
        m.size = (ULONG)pointer_at(entry, l->size_of_image, 4);
        m.load_count = (USHORT)pointer_at(entry, l->load_count, 2);
        status = read_name(process, l, entry, l->base_name, m.name, MAX_MODULE_NAME32 + 1, &m.name_length);
        if (NT_SUCCESS(status))
            status = read_name(process, l, entry, l->full_name, m.path, MAX_PATH, &m.path_length);
        if (!NT_SUCCESS(status))
            return status;
        if (!visit(&m, context))
            return STATUS_SUCCESS;
        link = pointer_at(entry, 0, l->pointer);                    /* InLoadOrderLinks.Flink */
    }
    return STATUS_SUCCESS;
}

/* The PEB of the list of one width: a 32-bit caller's ProcessBasicInformation already holds the PEB32 (0 for a
 * 64-bit process, whose list it cannot read); a 64-bit caller asks ProcessWow64Information for the PEB32 (0: a
 * native process has no 32-bit list). */
static NTSTATUS list_peb(HANDLE process, DWORD width, ULONG64 *peb)
{
    PROCESS_BASIC_INFORMATION basic;
    ULONG_PTR peb32;
    NTSTATUS status;

    if (width == MODULES_NATIVE) {
        status = NtQueryInformationProcess(process, ProcessBasicInformation, &basic, sizeof basic, NULL);
        *peb = (ULONG_PTR)basic.PebBaseAddress;
        if (NT_SUCCESS(status) && !*peb)
            status = STATUS_PARTIAL_COPY;
        return status;
    }
    status = NtQueryInformationProcess(process, ProcessWow64Information, &peb32, sizeof peb32, NULL);
    *peb = peb32;
    return status;
}

NTSTATUS walk_modules(HANDLE process, DWORD widths, MODULE_VISITOR visit, void *context)
{
    static const struct { DWORD width; const struct list_layout *layout; } lists[] = {
        { MODULES_64, &LIST64 }, { MODULES_32, &LIST32 },
    };

    for (unsigned i = 0; i < sizeof lists / sizeof lists[0]; i++) {
        ULONG64 peb;
        NTSTATUS status;

        if (!(widths & lists[i].width))
            continue;
        if (!NT_SUCCESS(status = list_peb(process, lists[i].width, &peb)))
            return status;
        if (peb && !NT_SUCCESS(status = walk_list(process, lists[i].layout, peb, visit, context)))
            return status;
    }
    return STATUS_SUCCESS;
}

/* ---- K32EnumProcessModules(Ex) -------------------------------------------------------------------------- */

struct module_array {
    HMODULE *modules;
    DWORD room, count;
};

static BOOL add_module(const struct remote_module *m, void *context)
{
    struct module_array *a = context;

    if (a->count < a->room)
        a->modules[a->count] = (HMODULE)(ULONG_PTR)m->base;
    a->count++;
    return TRUE;
}

BOOL WINAPI K32EnumProcessModulesEx(HANDLE process, HMODULE *modules, DWORD size, DWORD *needed, DWORD filter)
{
    struct module_array a = { modules, size / sizeof(HMODULE), 0 };
    DWORD widths = MODULES_NATIVE;
    NTSTATUS status;

#ifdef _WIN64
    if (filter > LIST_MODULES_ALL) {
        SetLastError(ERROR_INVALID_PARAMETER);
        return FALSE;
    }
    if (filter != LIST_MODULES_DEFAULT)
        widths = filter;
#else
    (void)filter;                                                   /* a 32-bit caller lists its own width */
#endif
    status = walk_modules(process, widths, add_module, &a);
    if (!NT_SUCCESS(status))
        return fail_status(status);
    *needed = a.count * sizeof(HMODULE);
    return TRUE;
}

BOOL WINAPI K32EnumProcessModules(HANDLE process, HMODULE *modules, DWORD size, DWORD *needed)
{
    return K32EnumProcessModulesEx(process, modules, size, needed, LIST_MODULES_DEFAULT);
}

/* ---- Names of modules ----------------------------------------------------------------------------------- */

struct module_search {
    ULONG64 base;                              /* 0: the first module, the image */
    struct remote_module found;
    BOOL done;
};

static BOOL match_module(const struct remote_module *m, void *context)
{
    struct module_search *s = context;
    const BYTE *from = (const BYTE *)m;

    if (s->base && m->base != s->base)
        return TRUE;
    for (SIZE_T i = 0; i < sizeof *m; i++)                          /* no memcpy in kernel32 */
        ((BYTE *)&s->found)[i] = from[i];
    s->done = TRUE;
    return FALSE;
}

/* The module of `process` at `module` (NULL: its image), searched in the caller's width first. */
static BOOL find_module(HANDLE process, HMODULE module, struct module_search *s)
{
    NTSTATUS status;

    s->base = (ULONG_PTR)module;
    s->done = FALSE;
    status = walk_modules(process, MODULES_NATIVE, match_module, s);
#ifdef _WIN64
    if (NT_SUCCESS(status) && !s->done)
        status = walk_modules(process, MODULES_32, match_module, s);
#endif
    if (!NT_SUCCESS(status))
        return fail_status(status);
    if (!s->done) {
        SetLastError(ERROR_INVALID_HANDLE);
        return FALSE;
    }
    return TRUE;
}

/* `text` (`length` characters) cut to `size` characters of a caller's buffer, with a NUL when there is room. */
static DWORD put_cut(void *buffer, BOOL wide, const WCHAR *text, DWORD length, DWORD size)
{
    DWORD n = length < size ? length : size;

    if (n < size)
        put_string(buffer, wide, text, n);
    else if (wide)
        for (DWORD i = 0; i < n; i++)
            ((WCHAR *)buffer)[i] = text[i];
    else
        nls_unicode_to_ansi(text, n, buffer);
    return n;
}

static DWORD module_name(HANDLE process, HMODULE module, void *buffer, DWORD size, BOOL wide, BOOL full)
{
    struct module_search s;
    const WCHAR *text;

    if (!find_module(process, module, &s))
        return 0;
    text = full ? s.found.path : s.found.name;
    return put_cut(buffer, wide, text, (DWORD)lstrlenW(text), size);
}

DWORD WINAPI K32GetModuleBaseNameW(HANDLE process, HMODULE module, LPWSTR buffer, DWORD size)
{
    return module_name(process, module, buffer, size, TRUE, FALSE);
}

DWORD WINAPI K32GetModuleBaseNameA(HANDLE process, HMODULE module, LPSTR buffer, DWORD size)
{
    return module_name(process, module, buffer, size, FALSE, FALSE);
}

/* Whether a process handle is the current process; FALSE with the last error set for a bad handle. */
static BOOL is_current(HANDLE process)
{
    DWORD id = GetProcessId(process);
    return id && id == GetCurrentProcessId();
}

DWORD WINAPI K32GetModuleFileNameExW(HANDLE process, HMODULE module, LPWSTR buffer, DWORD size)
{
    if (is_current(process))
        return GetModuleFileNameW(module, buffer, size);
    return module_name(process, module, buffer, size, TRUE, TRUE);
}

DWORD WINAPI K32GetModuleFileNameExA(HANDLE process, HMODULE module, LPSTR buffer, DWORD size)
{
    if (is_current(process))
        return GetModuleFileNameA(module, buffer, size);
    return module_name(process, module, buffer, size, FALSE, TRUE);
}

/* ---- Image names of processes -------------------------------------------------------------------------- */

/* The image name of a process, Win32 or native, into `name` (IMAGE_NAME_CHARS characters); its length in *n. */
static BOOL image_name(HANDLE process, BOOL native, WCHAR *name, DWORD *n)
{
    struct {
        UNICODE_STRING us;
        WCHAR text[IMAGE_NAME_CHARS];
    } answer;
    NTSTATUS status = NtQueryInformationProcess(process, native ? ProcessImageFileName : ProcessImageFileNameWin32,
                                                &answer, sizeof answer, NULL);

    if (!NT_SUCCESS(status))
        return fail_status(status);
    *n = answer.us.Length / sizeof(WCHAR);
    for (DWORD i = 0; i < *n; i++)
        name[i] = answer.us.Buffer[i];
    return TRUE;
}

static BOOL full_image_name(HANDLE process, DWORD flags, void *buffer, DWORD *size, BOOL wide)
{
    WCHAR name[IMAGE_NAME_CHARS];
    DWORD n;

    if (flags & ~PROCESS_NAME_NATIVE) {
        SetLastError(ERROR_INVALID_PARAMETER);
        return FALSE;
    }
    if (!image_name(process, flags & PROCESS_NAME_NATIVE, name, &n))
        return FALSE;
    if (n >= *size) {
        SetLastError(ERROR_INSUFFICIENT_BUFFER);
        return FALSE;
    }
    put_string(buffer, wide, name, n);
    *size = n;
    return TRUE;
}

BOOL WINAPI QueryFullProcessImageNameW(HANDLE process, DWORD flags, LPWSTR buffer, PDWORD size)
{
    return full_image_name(process, flags, buffer, size, TRUE);
}

BOOL WINAPI QueryFullProcessImageNameA(HANDLE process, DWORD flags, LPSTR buffer, PDWORD size)
{
    return full_image_name(process, flags, buffer, size, FALSE);
}

static DWORD process_image_file_name(HANDLE process, void *buffer, DWORD size, BOOL wide)
{
    WCHAR name[IMAGE_NAME_CHARS];
    DWORD n;

    if (!image_name(process, TRUE, name, &n))
        return 0;
    if (n >= size) {
        SetLastError(ERROR_INSUFFICIENT_BUFFER);
        return 0;
    }
    put_string(buffer, wide, name, n);
    return n;
}

DWORD WINAPI K32GetProcessImageFileNameW(HANDLE process, LPWSTR buffer, DWORD size)
{
    return process_image_file_name(process, buffer, size, TRUE);
}

DWORD WINAPI K32GetProcessImageFileNameA(HANDLE process, LPSTR buffer, DWORD size)
{
    return process_image_file_name(process, buffer, size, FALSE);
}
