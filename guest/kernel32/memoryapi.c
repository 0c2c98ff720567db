/*
 * kernel32: virtual memory, other processes' memory (the current one here), and file mappings: memoryapi.h.
 *
 * As Windows' kernel32 does: named file mappings live in \BaseNamedObjects, names compared case-sensitively,
 * CreateFileMapping opens an existing mapping of the same name (ERROR_ALREADY_EXISTS); MapViewOfFile's access
 * picks the view's protection (FILE_MAP_COPY alone: write-copy); FlushViewOfFile of private memory succeeds;
 * WriteProcessMemory writes into code (executable, not writable pages) by making it writable for the copy, and
 * refuses read-only and no-access pages with ERROR_NOACCESS; after writing to executable pages it flushes the
 * process's instruction cache for them. FlushInstructionCache is NtFlushInstructionCache.
 */
#define _KERNEL32_          /* windows.h declares our own exports without dllimport */
#include "k32nls.h"

/* ---- Errors --------------------------------------------------------------------------------------------- */

/* ---- Virtual memory ------------------------------------------------------------------------------------ */

LPVOID WINAPI VirtualAllocEx(HANDLE process, LPVOID address, SIZE_T size, DWORD type, DWORD protect)
{
    PVOID base = address;
    SIZE_T region = size;
    NTSTATUS status = NtAllocateVirtualMemory(process, &base, 0, &region, type, protect);
    if (!NT_SUCCESS(status)) {
        fail_status(status);
        return NULL;
    }
    return base;
}

LPVOID WINAPI VirtualAlloc(LPVOID address, SIZE_T size, DWORD type, DWORD protect)
{
    return VirtualAllocEx(NtCurrentProcess(), address, size, type, protect);
}

BOOL WINAPI VirtualFreeEx(HANDLE process, LPVOID address, SIZE_T size, DWORD type)
{
    PVOID base = address;
    SIZE_T region = size;
    NTSTATUS status;

    if ((type & MEM_RELEASE) && size != 0) {
        SetLastError(ERROR_INVALID_PARAMETER);
        return FALSE;
    }
    status = NtFreeVirtualMemory(process, &base, &region, type);
    return NT_SUCCESS(status) ? TRUE : fail_status(status);
}

BOOL WINAPI VirtualFree(LPVOID address, SIZE_T size, DWORD type)
{
    return VirtualFreeEx(NtCurrentProcess(), address, size, type);
}

BOOL WINAPI VirtualProtectEx(HANDLE process, LPVOID address, SIZE_T size, DWORD protect, PDWORD old)
{
    PVOID base = address;
    SIZE_T region = size;
    NTSTATUS status = NtProtectVirtualMemory(process, &base, &region, protect, (PULONG)old);
    return NT_SUCCESS(status) ? TRUE : fail_status(status);
}

BOOL WINAPI VirtualProtect(LPVOID address, SIZE_T size, DWORD protect, PDWORD old)
{
    return VirtualProtectEx(NtCurrentProcess(), address, size, protect, old);
}

SIZE_T WINAPI VirtualQueryEx(HANDLE process, LPCVOID address, PMEMORY_BASIC_INFORMATION info, SIZE_T length)
{
    SIZE_T written = 0;
    NTSTATUS status = NtQueryVirtualMemory(process, (PVOID)address, MemoryBasicInformation, info, length, &written);
    if (!NT_SUCCESS(status)) {
        fail_status(status);
        return 0;
    }
    return written;
}

SIZE_T WINAPI VirtualQuery(LPCVOID address, PMEMORY_BASIC_INFORMATION info, SIZE_T length)
{
    return VirtualQueryEx(NtCurrentProcess(), address, info, length);
}

/* ---- Process memory ------------------------------------------------------------------------------------ */

BOOL WINAPI ReadProcessMemory(HANDLE process, LPCVOID address, LPVOID buffer, SIZE_T size, SIZE_T *read)
{
    SIZE_T done = 0;
    NTSTATUS status = NtReadVirtualMemory(process, (PVOID)address, buffer, size, &done);
    if (read)
        *read = done;
    return NT_SUCCESS(status) ? TRUE : fail_status(status);
}

#define WRITABLE_PAGES (PAGE_READWRITE | PAGE_WRITECOPY | PAGE_EXECUTE_READWRITE | PAGE_EXECUTE_WRITECOPY)
#define EXECUTABLE_PAGES (PAGE_EXECUTE | PAGE_EXECUTE_READ | PAGE_EXECUTE_READWRITE | PAGE_EXECUTE_WRITECOPY)

BOOL WINAPI FlushInstructionCache(HANDLE process, LPCVOID address, SIZE_T size)
{
    NTSTATUS status = NtFlushInstructionCache(process, (PVOID)address, size);
    return NT_SUCCESS(status) ? TRUE : fail_status(status);
}

BOOL WINAPI WriteProcessMemory(HANDLE process, LPVOID address, LPCVOID buffer, SIZE_T size, SIZE_T *written)
{
    MEMORY_BASIC_INFORMATION info;
    PVOID base = address;
    SIZE_T region = size, done = 0;
    ULONG old = 0;
    BOOL unprotected = FALSE;
    NTSTATUS status;

    if (written)
        *written = 0;
    status = NtQueryVirtualMemory(process, address, MemoryBasicInformation, &info, sizeof info, NULL);
    if (!NT_SUCCESS(status))
        return fail_status(status);
    if (info.State == MEM_COMMIT && !(info.Protect & WRITABLE_PAGES)) {
        if (info.Protect & (PAGE_NOACCESS | PAGE_READONLY | PAGE_GUARD))
            return fail_status(STATUS_ACCESS_VIOLATION);
        status = NtProtectVirtualMemory(process, &base, &region, PAGE_EXECUTE_READWRITE, &old);
        if (!NT_SUCCESS(status))
            return fail_status(status);
        unprotected = TRUE;
    }
    status = NtWriteVirtualMemory(process, address, (PVOID)buffer, size, &done);
    if (unprotected)
        NtProtectVirtualMemory(process, &base, &region, old, &old);
    if (info.State == MEM_COMMIT && info.Protect & EXECUTABLE_PAGES && done)
        NtFlushInstructionCache(process, address, done);
    if (written)
        *written = done;
    return NT_SUCCESS(status) ? TRUE : fail_status(status);
}

/* ---- File mappings ------------------------------------------------------------------------------------- */

#define NAMED_OBJECTS L"\\BaseNamedObjects\\"
#define NAMED_OBJECTS_LEN (sizeof NAMED_OBJECTS / sizeof(WCHAR) - 1)

/* Where a named mapping lives: "\BaseNamedObjects\" + name, case-sensitive, opened if it exists. */
struct object_name {
    UNICODE_STRING us;
    OBJECT_ATTRIBUTES oa;
    WCHAR buf[NAMED_OBJECTS_LEN + MAX_PATH];
};

/* Fills `n` for `name` (NULL: no name); FALSE (ERROR_FILENAME_EXCED_RANGE) past MAX_PATH characters. */
static BOOL object_name(struct object_name *n, LPCWSTR name, BOOL inherit)
{
    SIZE_T len = 0;

    n->oa.Length = sizeof n->oa;
    n->oa.RootDirectory = NULL;
    n->oa.ObjectName = NULL;
    n->oa.Attributes = OBJ_OPENIF | (inherit ? OBJ_INHERIT : 0);
    n->oa.SecurityDescriptor = NULL;
    n->oa.SecurityQualityOfService = NULL;
    if (!name)
        return TRUE;
    while (name[len])
        len++;
    if (len > MAX_PATH) {
        SetLastError(ERROR_FILENAME_EXCED_RANGE);
        return FALSE;
    }
    for (SIZE_T i = 0; i < NAMED_OBJECTS_LEN; i++)
        n->buf[i] = NAMED_OBJECTS[i];
    for (SIZE_T i = 0; i < len; i++)
        n->buf[NAMED_OBJECTS_LEN + i] = name[i];
    n->us.Buffer = n->buf;
    n->us.Length = (USHORT)((NAMED_OBJECTS_LEN + len) * sizeof(WCHAR));
    n->us.MaximumLength = n->us.Length;
    n->oa.ObjectName = &n->us;
    return TRUE;
}

/* An ANSI name (code page 1252) as UTF-16; FALSE (ERROR_FILENAME_EXCED_RANGE) past MAX_PATH. */
static BOOL wide_name(WCHAR out[MAX_PATH + 1], LPCSTR name)
{
    SIZE_T i = 0;
    for (; name[i]; i++) {
        if (i >= MAX_PATH) {
            SetLastError(ERROR_FILENAME_EXCED_RANGE);
            return FALSE;
        }
    }
    nls_ansi_to_unicode(name, (DWORD)i, out);
    out[i] = 0;
    return TRUE;
}

HANDLE WINAPI CreateFileMappingW(HANDLE file, LPSECURITY_ATTRIBUTES sa, DWORD protect, DWORD size_high,
                                 DWORD size_low, LPCWSTR name)
{
    ULONG page = protect & 0x000FFFFF, attributes = protect & 0xFFF00000;
    ACCESS_MASK access = STANDARD_RIGHTS_REQUIRED | SECTION_QUERY | SECTION_MAP_READ;
    struct object_name mapping_name;
    LARGE_INTEGER size;
    HANDLE section;
    NTSTATUS status;

    if (!(attributes & (SEC_COMMIT | SEC_RESERVE | SEC_IMAGE)))
        attributes |= SEC_COMMIT;
    if (page == PAGE_READWRITE || page == PAGE_EXECUTE_READWRITE)
        access |= SECTION_MAP_WRITE;
    if (page == PAGE_EXECUTE_READ || page == PAGE_EXECUTE_READWRITE || page == PAGE_EXECUTE_WRITECOPY)
        access |= SECTION_MAP_EXECUTE;
    size.u.LowPart = size_low;
    size.u.HighPart = (LONG)size_high;
    if (file == INVALID_HANDLE_VALUE) {
        file = NULL;
        if (!size.QuadPart) {
            SetLastError(ERROR_INVALID_PARAMETER);
            return NULL;
        }
    }
    if (!object_name(&mapping_name, name, sa && sa->bInheritHandle))
        return NULL;
    status = NtCreateSection(&section, access, &mapping_name.oa, size.QuadPart ? &size : NULL, page, attributes,
                             file);
    if (!NT_SUCCESS(status)) {
        fail_status(status);
        return NULL;
    }
    SetLastError(status == STATUS_OBJECT_NAME_EXISTS ? ERROR_ALREADY_EXISTS : ERROR_SUCCESS);
    return section;
}

HANDLE WINAPI CreateFileMappingA(HANDLE file, LPSECURITY_ATTRIBUTES sa, DWORD protect, DWORD size_high,
                                 DWORD size_low, LPCSTR name)
{
    WCHAR ansi_name[MAX_PATH + 1];
    if (name && !wide_name(ansi_name, name))
        return NULL;
    return CreateFileMappingW(file, sa, protect, size_high, size_low, name ? ansi_name : NULL);
}

HANDLE WINAPI OpenFileMappingW(DWORD access, BOOL inherit, LPCWSTR name)
{
    struct object_name mapping_name;
    HANDLE section;
    NTSTATUS status;

    if (!name) {
        SetLastError(ERROR_INVALID_PARAMETER);
        return NULL;
    }
    if (access == FILE_MAP_COPY)
        access = SECTION_MAP_READ;
    if (!object_name(&mapping_name, name, inherit))
        return NULL;
    mapping_name.oa.Attributes &= ~OBJ_OPENIF;
    status = NtOpenSection(&section, access, &mapping_name.oa);
    if (!NT_SUCCESS(status)) {
        fail_status(status);
        return NULL;
    }
    return section;
}

HANDLE WINAPI OpenFileMappingA(DWORD access, BOOL inherit, LPCSTR name)
{
    WCHAR ansi_name[MAX_PATH + 1];
    if (name && !wide_name(ansi_name, name))
        return NULL;
    return OpenFileMappingW(access, inherit, name ? ansi_name : NULL);
}

/* The protection of a view for MapViewOfFile's access (FILE_MAP_EXECUTE adds execute). */
static ULONG view_protection(DWORD access)
{
    BOOL exec = (access & FILE_MAP_EXECUTE) != 0;
    access &= ~FILE_MAP_EXECUTE;
    if (access == FILE_MAP_COPY)
        return exec ? PAGE_EXECUTE_WRITECOPY : PAGE_WRITECOPY;
    if (access & FILE_MAP_WRITE)
        return exec ? PAGE_EXECUTE_READWRITE : PAGE_READWRITE;
    if (access & FILE_MAP_READ)
        return exec ? PAGE_EXECUTE_READ : PAGE_READONLY;
    return PAGE_NOACCESS;
}

LPVOID WINAPI MapViewOfFileEx(HANDLE mapping, DWORD access, DWORD offset_high, DWORD offset_low, SIZE_T size,
                              LPVOID address)
{
    LARGE_INTEGER offset;
    PVOID base = address;
    SIZE_T view = size;
    NTSTATUS status;

    offset.u.LowPart = offset_low;
    offset.u.HighPart = (LONG)offset_high;
    status = NtMapViewOfSection(mapping, NtCurrentProcess(), &base, 0, 0, &offset, &view, ViewShare, 0,
                                view_protection(access));
    if (!NT_SUCCESS(status)) {
        fail_status(status);
        return NULL;
    }
    return base;
}

LPVOID WINAPI MapViewOfFile(HANDLE mapping, DWORD access, DWORD offset_high, DWORD offset_low, SIZE_T size)
{
    return MapViewOfFileEx(mapping, access, offset_high, offset_low, size, NULL);
}

BOOL WINAPI UnmapViewOfFile(LPCVOID address)
{
    NTSTATUS status = NtUnmapViewOfSection(NtCurrentProcess(), (PVOID)address);
    return NT_SUCCESS(status) ? TRUE : fail_status(status);
}

BOOL WINAPI FlushViewOfFile(LPCVOID address, SIZE_T size)
{
    PVOID base = (PVOID)address;
    SIZE_T region = size;
    IO_STATUS_BLOCK iosb;
    NTSTATUS status = NtFlushVirtualMemory(NtCurrentProcess(), &base, &region, &iosb);
    if (!NT_SUCCESS(status) && status != STATUS_NOT_MAPPED_DATA)
        return fail_status(status);
    return TRUE;
}
