/*
 * kernel32: the Toolhelp snapshots of tlhelp32.h. A snapshot is what Windows' kernel32 makes: a page-file section
 * holding the lists asked for (processes and threads from SystemProcessInformation, the modules of one process
 * read from its PEB, k32modules.h) and a cursor per list; the handle is the section's, so that CloseHandle ends
 * it and TH32CS_INHERIT makes it inheritable. Process32First/Next, Thread32First/Next and Module32First/Next map
 * it, copy one entry and move the cursor.
 *
 * As on Windows 10:
 * - th32ProcessID names the process whose modules are listed (0: the caller); a process that cannot be opened
 *   fails the snapshot with OpenProcess's error (ERROR_ACCESS_DENIED for System, ERROR_INVALID_PARAMETER for an
 *   id that names nothing). TH32CS_SNAPMODULE lists the modules of the caller's width; a 64-bit caller adds
 *   the 32-bit modules of a WoW64 process with TH32CS_SNAPMODULE32 (alone: only those); a 32-bit caller asking
 *   for the modules of a 64-bit process gets ERROR_PARTIAL_COPY. A module list that grew while it was copied is
 *   ERROR_BAD_LENGTH (the caller tries again).
 * - The Idle process is "[System Process]"; cntUsage, th32DefaultHeapID, th32ModuleID and dwFlags are 0; a
 *   module's th32ModuleID is 1 and its usage counts the loader's load count.
 * - An entry whose dwSize is smaller than its structure is ERROR_BAD_LENGTH; past the last entry, or in a
 *   snapshot without that list, ERROR_NO_MORE_FILES.
 * TH32CS_SNAPHEAPLIST is accepted and lists nothing (the heap walk, Heap32ListFirst, is not there).
 */
#define _KERNEL32_          /* windows.h declares our own exports without dllimport */
#include "k32modules.h"
#include "k32process.h"

enum { PROCESSES, THREADS, MODULES, LISTS };

struct snapshot_list {
    ULONG count, next, offset;                 /* entries, the cursor, where the first one is in the section */
};

struct snapshot {
    struct snapshot_list lists[LISTS];
};

static const ULONG ENTRY_SIZES[LISTS] = { sizeof(PROCESSENTRY32W), sizeof(THREADENTRY32), sizeof(MODULEENTRY32W) };

static const WCHAR IDLE_NAME[] = L"[System Process]";

_Static_assert(FIELD_OFFSET(PROCESSENTRY32, szExeFile) == FIELD_OFFSET(PROCESSENTRY32W, szExeFile), "prefix");
_Static_assert(FIELD_OFFSET(MODULEENTRY32, szModule) == FIELD_OFFSET(MODULEENTRY32W, szModule), "prefix");

static void copy_bytes(void *to, const void *from, SIZE_T n)
{
    for (SIZE_T i = 0; i < n; i++)                                  /* no memcpy in kernel32 */
        ((BYTE *)to)[i] = ((const BYTE *)from)[i];
}

static void copy_name(WCHAR *to, const WCHAR *from, DWORD n, DWORD room)
{
    if (n >= room)
        n = room - 1;
    for (DWORD i = 0; i < n; i++)
        to[i] = from[i];
    to[n] = 0;
}

static SYSTEM_PROCESS_INFORMATION *next_process(SYSTEM_PROCESS_INFORMATION *p)
{
    return p->NextEntryOffset ? (SYSTEM_PROCESS_INFORMATION *)((BYTE *)p + p->NextEntryOffset) : NULL;
}

/* ---- Making a snapshot ---------------------------------------------------------------------------------- */

struct module_fill {
    MODULEENTRY32W *entries;
    DWORD room, count, pid;
};

static BOOL count_module(const struct remote_module *m, void *context)
{
    (void)m;
    ((struct module_fill *)context)->count++;
    return TRUE;
}

static BOOL fill_module(const struct remote_module *m, void *context)
{
    struct module_fill *f = context;
    MODULEENTRY32W *e;

    if (f->count == f->room) {                                      /* more than were counted */
        f->count++;
        return FALSE;
    }
    e = &f->entries[f->count++];
    e->dwSize = sizeof *e;
    e->th32ModuleID = 1;
    e->th32ProcessID = f->pid;
    e->GlblcntUsage = e->ProccntUsage = m->load_count;
    e->modBaseAddr = (BYTE *)(ULONG_PTR)m->base;
    e->modBaseSize = m->size;
    e->hModule = (HMODULE)(ULONG_PTR)m->base;
    copy_name(e->szModule, m->name, (DWORD)lstrlenW(m->name), MAX_MODULE_NAME32 + 1);
    copy_name(e->szExePath, m->path, (DWORD)lstrlenW(m->path), MAX_PATH);
    return TRUE;
}

static void fill_processes(SYSTEM_PROCESS_INFORMATION *list, PROCESSENTRY32W *e)
{
    for (SYSTEM_PROCESS_INFORMATION *p = list; p; p = next_process(p), e++) {
        e->dwSize = sizeof *e;
        e->th32ProcessID = (DWORD)(ULONG_PTR)p->UniqueProcessId;
        e->cntThreads = p->NumberOfThreads;
        e->th32ParentProcessID = (DWORD)(ULONG_PTR)p->InheritedFromUniqueProcessId;
        e->pcPriClassBase = p->BasePriority;
        if (p->UniqueProcessId)
            copy_name(e->szExeFile, p->ImageName.Buffer, p->ImageName.Length / sizeof(WCHAR), MAX_PATH);
        else
            copy_name(e->szExeFile, IDLE_NAME, sizeof IDLE_NAME / sizeof(WCHAR) - 1, MAX_PATH);
    }
}

static void fill_threads(SYSTEM_PROCESS_INFORMATION *list, THREADENTRY32 *e)
{
    for (SYSTEM_PROCESS_INFORMATION *p = list; p; p = next_process(p)) {
        for (ULONG i = 0; i < p->NumberOfThreads; i++, e++) {
            e->dwSize = sizeof *e;
            e->th32ThreadID = (DWORD)(ULONG_PTR)p->Threads[i].ClientId.UniqueThread;
            e->th32OwnerProcessID = (DWORD)(ULONG_PTR)p->Threads[i].ClientId.UniqueProcess;
            e->tpBasePri = p->Threads[i].BasePriority;
        }
    }
}

/* The process whose modules are listed: the caller for 0 or its own id, else a handle the caller closes. */
static HANDLE module_process(DWORD pid)
{
    if (!pid || pid == GetCurrentProcessId())
        return NtCurrentProcess();
    return OpenProcess(PROCESS_QUERY_INFORMATION | PROCESS_VM_READ, FALSE, pid);
}

/* The module lists the flags ask for, in the caller's width. */
static DWORD module_widths(DWORD flags)
{
#ifdef _WIN64
    return (flags & TH32CS_SNAPMODULE ? MODULES_64 : 0) | (flags & TH32CS_SNAPMODULE32 ? MODULES_32 : 0);
#else
    return flags & (TH32CS_SNAPMODULE | TH32CS_SNAPMODULE32) ? MODULES_32 : 0;
#endif
}

struct snapshot_parts {
    SYSTEM_PROCESS_INFORMATION *processes;
    HANDLE process;                            /* whose modules; NULL when none are asked for */
    struct module_fill modules;
    ULONG counts[LISTS];
};

/* Counts what goes into the snapshot; FALSE with the last error set when something cannot be had. */
static BOOL gather(struct snapshot_parts *parts, DWORD flags, DWORD pid)
{
    NTSTATUS status;

    if (flags & (TH32CS_SNAPPROCESS | TH32CS_SNAPTHREAD)) {
        if (!(parts->processes = query_processes(&status)))
            return fail_status(status);
        for (SYSTEM_PROCESS_INFORMATION *p = parts->processes; p; p = next_process(p)) {
            parts->counts[PROCESSES] += flags & TH32CS_SNAPPROCESS ? 1 : 0;
            parts->counts[THREADS] += flags & TH32CS_SNAPTHREAD ? p->NumberOfThreads : 0;
        }
    }
    if (module_widths(flags)) {
        if (!(parts->process = module_process(pid)))
            return FALSE;
        parts->modules.pid = pid ? pid : GetCurrentProcessId();
        status = walk_modules(parts->process, module_widths(flags), count_module, &parts->modules);
        if (!NT_SUCCESS(status))
            return fail_status(status);
        parts->counts[MODULES] = parts->modules.count;
    }
    return TRUE;
}

/* Writes the lists into the section's view; FALSE with the last error set when the modules cannot be read. */
static BOOL fill(struct snapshot_parts *parts, struct snapshot *view, DWORD flags)
{
    ULONG offset = sizeof *view;

    for (int i = 0; i < LISTS; i++) {
        view->lists[i].count = parts->counts[i];
        view->lists[i].offset = offset;
        offset += parts->counts[i] * ENTRY_SIZES[i];
    }
    if (flags & TH32CS_SNAPPROCESS)
        fill_processes(parts->processes, (PROCESSENTRY32W *)((BYTE *)view + view->lists[PROCESSES].offset));
    if (flags & TH32CS_SNAPTHREAD)
        fill_threads(parts->processes, (THREADENTRY32 *)((BYTE *)view + view->lists[THREADS].offset));
    if (parts->process) {
        struct module_fill *m = &parts->modules;
        NTSTATUS status;

        m->entries = (MODULEENTRY32W *)((BYTE *)view + view->lists[MODULES].offset);
        m->room = parts->counts[MODULES];
        m->count = 0;
        status = walk_modules(parts->process, module_widths(flags), fill_module, m);
        if (NT_SUCCESS(status) && m->count != m->room)
            status = STATUS_INFO_LENGTH_MISMATCH;                   /* the list changed: ERROR_BAD_LENGTH */
        if (!NT_SUCCESS(status))
            return fail_status(status);
    }
    return TRUE;
}

HANDLE WINAPI CreateToolhelp32Snapshot(DWORD flags, DWORD pid)
{
    struct snapshot_parts parts = { 0 };
    SECURITY_ATTRIBUTES sa = { sizeof sa, NULL, (flags & TH32CS_INHERIT) != 0 };
    HANDLE section = NULL;
    struct snapshot *view = NULL;
    BOOL made = gather(&parts, flags, pid);
    ULONG size = sizeof *view;
    DWORD error;

    for (int i = 0; i < LISTS; i++)
        size += parts.counts[i] * ENTRY_SIZES[i];
    if (made) {
        section = CreateFileMappingW(INVALID_HANDLE_VALUE, &sa, PAGE_READWRITE, 0, size, NULL);
        view = section ? MapViewOfFile(section, FILE_MAP_WRITE, 0, 0, 0) : NULL;
        made = view && fill(&parts, view, flags);
    }
    error = GetLastError();
    if (view)
        UnmapViewOfFile(view);
    if (parts.processes)
        RtlFreeHeap(GetProcessHeap(), 0, parts.processes);
    if (parts.process && parts.process != NtCurrentProcess())
        CloseHandle(parts.process);
    if (!made) {
        if (section)
            CloseHandle(section);
        SetLastError(error);
        return INVALID_HANDLE_VALUE;
    }
    return section;
}

/* ---- Walking a snapshot --------------------------------------------------------------------------------- */

/* The first or next entry of one list into `out` (the list's W structure); `size` is the caller's dwSize, and
 * `needed` the size of the caller's structure. */
static BOOL snapshot_entry(HANDLE snapshot, int list, BOOL first, void *out, DWORD size, DWORD needed)
{
    struct snapshot *view;
    struct snapshot_list *l;
    BOOL found;

    if (size < needed)
        return fail_status(STATUS_INFO_LENGTH_MISMATCH);            /* ERROR_BAD_LENGTH */
    if (!(view = MapViewOfFile(snapshot, FILE_MAP_WRITE, 0, 0, 0)))
        return FALSE;
    l = &view->lists[list];
    if (first)
        l->next = 0;
    found = l->next < l->count;
    if (found)
        copy_bytes(out, (BYTE *)view + l->offset + l->next++ * ENTRY_SIZES[list], ENTRY_SIZES[list]);
    UnmapViewOfFile(view);
    if (!found)
        SetLastError(ERROR_NO_MORE_FILES);
    return found;
}

BOOL WINAPI Process32FirstW(HANDLE snapshot, LPPROCESSENTRY32W entry)
{
    return snapshot_entry(snapshot, PROCESSES, TRUE, entry, entry->dwSize, sizeof *entry);
}

BOOL WINAPI Process32NextW(HANDLE snapshot, LPPROCESSENTRY32W entry)
{
    return snapshot_entry(snapshot, PROCESSES, FALSE, entry, entry->dwSize, sizeof *entry);
}

static BOOL process_entry_ansi(HANDLE snapshot, BOOL first, LPPROCESSENTRY32 entry)
{
    PROCESSENTRY32W wide;

    if (!snapshot_entry(snapshot, PROCESSES, first, &wide, entry->dwSize, sizeof *entry))
        return FALSE;
    copy_bytes(entry, &wide, FIELD_OFFSET(PROCESSENTRY32W, szExeFile));  /* the fields before the name: alike */
    entry->dwSize = sizeof *entry;
    put_string(entry->szExeFile, FALSE, wide.szExeFile, (DWORD)lstrlenW(wide.szExeFile));
    return TRUE;
}

BOOL WINAPI Process32First(HANDLE snapshot, LPPROCESSENTRY32 entry)
{
    return process_entry_ansi(snapshot, TRUE, entry);
}

BOOL WINAPI Process32Next(HANDLE snapshot, LPPROCESSENTRY32 entry)
{
    return process_entry_ansi(snapshot, FALSE, entry);
}

BOOL WINAPI Thread32First(HANDLE snapshot, LPTHREADENTRY32 entry)
{
    return snapshot_entry(snapshot, THREADS, TRUE, entry, entry->dwSize, sizeof *entry);
}

BOOL WINAPI Thread32Next(HANDLE snapshot, LPTHREADENTRY32 entry)
{
    return snapshot_entry(snapshot, THREADS, FALSE, entry, entry->dwSize, sizeof *entry);
}

BOOL WINAPI Module32FirstW(HANDLE snapshot, LPMODULEENTRY32W entry)
{
    return snapshot_entry(snapshot, MODULES, TRUE, entry, entry->dwSize, sizeof *entry);
}

BOOL WINAPI Module32NextW(HANDLE snapshot, LPMODULEENTRY32W entry)
{
    return snapshot_entry(snapshot, MODULES, FALSE, entry, entry->dwSize, sizeof *entry);
}

static BOOL module_entry_ansi(HANDLE snapshot, BOOL first, LPMODULEENTRY32 entry)
{
    MODULEENTRY32W wide;

    if (!snapshot_entry(snapshot, MODULES, first, &wide, entry->dwSize, sizeof *entry))
        return FALSE;
    copy_bytes(entry, &wide, FIELD_OFFSET(MODULEENTRY32W, szModule));  /* the fields before the names: alike */
    entry->dwSize = sizeof *entry;
    put_string(entry->szModule, FALSE, wide.szModule, (DWORD)lstrlenW(wide.szModule));
    put_string(entry->szExePath, FALSE, wide.szExePath, (DWORD)lstrlenW(wide.szExePath));
    return TRUE;
}

BOOL WINAPI Module32First(HANDLE snapshot, LPMODULEENTRY32 entry)
{
    return module_entry_ansi(snapshot, TRUE, entry);
}

BOOL WINAPI Module32Next(HANDLE snapshot, LPMODULEENTRY32 entry)
{
    return module_entry_ansi(snapshot, FALSE, entry);
}
