/*
 * ntdll's loader: LdrLoadDll, LdrGetDllHandle, LdrGetProcedureAddress and LdrUnloadDll over the module lists of
 * the PEB (PEB->Ldr), which process creation starts with the image and the DLLs it loaded (all pinned).
 *
 * Windows' behaviour, and the choices made here:
 * - Names: ".dll" is added to a name without an extension; a trailing dot means "no extension". A name with a
 *   path (a backslash or a slash in it) names that file: absolute (C:\...), from the root of the current drive
 *   (\...) or relative to the current directory, "." and ".." resolved; such a module is known by its full path.
 *   A bare name is searched for in DllPath (directories separated by ';') or, without one, in the program's
 *   folder, then the system folder (SysWOW64 for the 32-bit ntdll, System32 for the 64-bit one); a module of that
 *   base name already loaded is the one found. The first file found is the one loaded: an image of the other
 *   width there is STATUS_INVALID_IMAGE_FORMAT, not a reason to search on. Nothing found: STATUS_DLL_NOT_FOUND.
 *   Names are compared case-insensitively (ASCII letters). An API set name (api-ms-win-...) stands for the DLL the
 *   schema names (apiset.c), for loads and LdrGetDllHandle alike; one the schema lacks is STATUS_DLL_NOT_FOUND.
 * - A file is opened for execute and read and its image section (SEC_IMAGE) mapped: the kernel places and
 *   relocates it (STATUS_IMAGE_NOT_AT_BASE is a success here). An image of the other machine (the kernel's
 *   STATUS_IMAGE_MACHINE_TYPE_MISMATCH, or a system DLL of the other width named by its path) is unmapped:
 *   STATUS_INVALID_IMAGE_FORMAT; so is an image whose entry point lies outside it.
 * - Its imports are bound (ldrimage.c), loading the DLLs they name, each then holding a reference; then its
 *   DllMain is called with DLL_PROCESS_ATTACH, so a DLL's dependencies are attached before it. FALSE from it:
 *   DllMain is called with DLL_PROCESS_DETACH at once and the module unloaded, STATUS_DLL_INIT_FAILED. A load
 *   that fails leaves nothing behind.
 * - Load counts: loading a loaded module, or binding to it, adds a reference; LdrUnloadDll drops one. The last
 *   one calls DllMain with DLL_PROCESS_DETACH, takes the module out of the lists, drops the references its
 *   imports held and unmaps it. Pinned modules (count 0xFFFF: those of the start-up) are never unloaded.
 * - The start-up DLLs (those process creation loaded) are attached by ldrinit.c before the program's entry point,
 *   and detached by LdrShutdownProcess when the process exits; once that shutdown has begun LdrUnloadDll unloads
 *   nothing and succeeds, as on Windows.
 * - LdrGetProcedureAddress: by name (exact case) or, without one, by ordinal. A handle that is no loaded module:
 *   STATUS_DLL_NOT_FOUND; no such export: STATUS_PROCEDURE_NOT_FOUND, for names and ordinals alike. A
 *   forwarder loads the DLL it names, which stays loaded.
 * - LdrGetDllHandle looks at the loaded modules only. DllCharacteristics is not looked at. There is one thread,
 *   so no loader lock. An entry's record comes from a 64 KB block the loader allocates (Windows: its heap).
 */
#include "ldr.h"

#ifdef _WIN64
#define LDR_MACHINE     IMAGE_FILE_MACHINE_AMD64
#define LDR_SYSTEM_DIR  L"C:\\Windows\\System32"
#else
#define LDR_MACHINE     IMAGE_FILE_MACHINE_I386
#define LDR_SYSTEM_DIR  L"C:\\Windows\\SysWOW64"
#endif

#define RECORD_BLOCK 0x10000

/* A path being built: at most LDR_PATH_MAX - 1 characters and a terminator. */
struct ldr_path {
    WCHAR buf[LDR_PATH_MAX];
    ULONG length;
    BOOL overflow;
    BOOL has_path;                                  /* the name had a path: the module is known by its full path */
};

static ldr_module *free_records;                    /* chained through entry.InLoadOrderLinks.Flink */

/* ---- lists and records ------------------------------------------------------------------------------- */

static void list_append(LIST_ENTRY *head, LIST_ENTRY *link)
{
    link->Flink = head;
    link->Blink = head->Blink;
    head->Blink->Flink = link;
    head->Blink = link;
}

static void list_remove(LIST_ENTRY *link)
{
    link->Blink->Flink = link->Flink;
    link->Flink->Blink = link->Blink;
    link->Flink = link->Blink = link;
}

static void free_record(ldr_module *m)
{
    m->entry.InLoadOrderLinks.Flink = (LIST_ENTRY *)free_records;
    free_records = m;
}

static ldr_module *new_record(void)
{
    ldr_module *m;

    if (!free_records) {
        PVOID block = NULL;
        SIZE_T size = RECORD_BLOCK;
        if (!NT_SUCCESS(NtAllocateVirtualMemory(NtCurrentProcess(), &block, 0, &size, MEM_RESERVE | MEM_COMMIT,
                                                PAGE_READWRITE)))
            return NULL;
        for (SIZE_T at = 0; at + sizeof *m <= size; at += sizeof *m)
            free_record((ldr_module *)((char *)block + at));
    }
    m = free_records;
    free_records = (ldr_module *)m->entry.InLoadOrderLinks.Flink;
    for (ULONG i = 0; i < sizeof *m; i++)
        ((unsigned char *)m)[i] = 0;
    return m;
}

LDR_DATA_TABLE_ENTRY *ldr_by_base(PVOID base)
{
    LIST_ENTRY *head = &ldr_data()->InLoadOrderModuleList;

    for (LIST_ENTRY *link = head->Flink; link != head; link = link->Flink)
        if (ENTRY_OF(link, InLoadOrderLinks)->DllBase == base)
            return ENTRY_OF(link, InLoadOrderLinks);
    return NULL;
}

/* The loaded module a name made by make_name() stands for: by full path or by base name. */
static LDR_DATA_TABLE_ENTRY *find_loaded(const struct ldr_path *name)
{
    LIST_ENTRY *head = &ldr_data()->InLoadOrderModuleList;

    for (LIST_ENTRY *link = head->Flink; link != head; link = link->Flink) {
        LDR_DATA_TABLE_ENTRY *e = ENTRY_OF(link, InLoadOrderLinks);
        const UNICODE_STRING *known = name->has_path ? &e->FullDllName : &e->BaseDllName;
        if (ldr_same_name(known->Buffer, known->Length / sizeof(WCHAR), name->buf, name->length))
            return e;
    }
    return NULL;
}

/* ---- names ------------------------------------------------------------------------------------------- */

static BOOL is_separator(WCHAR c)
{
    return c == '\\' || c == '/';
}

static void path_add(struct ldr_path *p, const WCHAR *s, ULONG n)
{
    for (ULONG i = 0; i < n; i++) {
        if (p->length + 1 >= LDR_PATH_MAX) {
            p->overflow = TRUE;
            return;
        }
        p->buf[p->length++] = is_separator(s[i]) ? '\\' : s[i];
    }
}

/* Append the components of `name` to a path that holds a root ("C:"): "." stays, ".." goes up (never above the
 * root), empty components are dropped, as RtlGetFullPathName_U makes a full path. */
static void add_components(struct ldr_path *p, const WCHAR *name, ULONG length)
{
    ULONG i = 0;

    while (i < length) {
        ULONG start = i, n;
        while (i < length && !is_separator(name[i]))
            i++;
        n = i++ - start;
        if (n == 0 || (n == 1 && name[start] == '.'))
            continue;
        if (n == 2 && name[start] == '.' && name[start + 1] == '.') {
            while (p->length > 2 && p->buf[--p->length] != '\\')
                ;
            continue;
        }
        path_add(p, L"\\", 1);
        path_add(p, name + start, n);
    }
}

/* The name the loader looks for: the host of an API set name (apiset.c), a path made full, ".dll" added when there
 * is no extension. */
static NTSTATUS make_name(const WCHAR *name, ULONG length, struct ldr_path *p)
{
    ULONG base = 0;
    BOOL dot = FALSE;

    if (ldr_api_set_host(name, length, &name, &length) && !name)
        return STATUS_DLL_NOT_FOUND;
    p->length = 0;
    p->overflow = p->has_path = FALSE;
    for (ULONG i = 0; i < length; i++)
        if (is_separator(name[i]))
            p->has_path = TRUE;
    if (p->has_path) {
        const UNICODE_STRING *current = &nt_process_parameters()->CurrentDirectory.DosPath;
        if (length >= 2 && name[1] == ':') {
            path_add(p, name, 2);
            name += 2;
            length -= 2;
        } else {
            path_add(p, current->Buffer, 2);
            if (!is_separator(name[0]))
                add_components(p, current->Buffer + 2, current->Length / sizeof(WCHAR) - 2);
        }
        add_components(p, name, length);
    } else
        path_add(p, name, length);
    for (ULONG i = 0; i < p->length; i++) {
        if (p->buf[i] == '\\') {
            base = i + 1;
            dot = FALSE;
        } else if (p->buf[i] == '.')
            dot = TRUE;
    }
    if (p->length > base && p->buf[p->length - 1] == '.')
        p->length--;
    else if (!dot)
        path_add(p, L".dll", 4);
    if (p->overflow)
        return STATUS_NAME_TOO_LONG;
    p->buf[p->length] = 0;
    return STATUS_SUCCESS;
}

/* ---- finding and mapping the file -------------------------------------------------------------------- */

static NTSTATUS open_image_file(const struct ldr_path *path, HANDLE *file)
{
    static const WCHAR prefix[4] = { '\\', '?', '?', '\\' };
    WCHAR nt_name[LDR_PATH_MAX + 4];
    UNICODE_STRING name;
    OBJECT_ATTRIBUTES oa;
    IO_STATUS_BLOCK iosb;
    NTSTATUS status;

    for (ULONG i = 0; i < 4; i++)
        nt_name[i] = prefix[i];
    for (ULONG i = 0; i <= path->length; i++)
        nt_name[4 + i] = path->buf[i];
    name.Length = (USHORT)((path->length + 4) * sizeof(WCHAR));
    name.MaximumLength = (USHORT)(name.Length + sizeof(WCHAR));
    name.Buffer = nt_name;
    oa.Length = sizeof oa;
    oa.RootDirectory = NULL;
    oa.ObjectName = &name;
    oa.Attributes = OBJ_CASE_INSENSITIVE;
    oa.SecurityDescriptor = oa.SecurityQualityOfService = NULL;
    status = NtOpenFile(file, SYNCHRONIZE | FILE_EXECUTE | FILE_READ_DATA, &oa, &iosb,
                        FILE_SHARE_READ | FILE_SHARE_DELETE, FILE_SYNCHRONOUS_IO_NONALERT | FILE_NON_DIRECTORY_FILE);
    if (status == STATUS_OBJECT_NAME_NOT_FOUND || status == STATUS_OBJECT_PATH_NOT_FOUND)
        return STATUS_DLL_NOT_FOUND;
    return status;
}

/* Open `name` in the first directory of `search_path` (';' between them) that has it; `found` gets its path. */
static NTSTATUS search(const struct ldr_path *name, const WCHAR *search_path, struct ldr_path *found, HANDLE *file)
{
    const WCHAR *dir = search_path;

    while (*dir) {
        ULONG n = 0;
        NTSTATUS status;
        while (dir[n] && dir[n] != ';')
            n++;
        if (n) {
            found->length = 0;
            found->overflow = FALSE;
            found->has_path = TRUE;
            path_add(found, dir, n);
            if (!is_separator(dir[n - 1]))
                path_add(found, L"\\", 1);
            path_add(found, name->buf, name->length);
            found->buf[found->length] = 0;
            status = found->overflow ? STATUS_DLL_NOT_FOUND : open_image_file(found, file);
            if (status != STATUS_DLL_NOT_FOUND)
                return status;
        }
        dir += dir[n] ? n + 1 : n;
    }
    return STATUS_DLL_NOT_FOUND;
}

/* The loaded module an open image file is, by the name the file has on C: (which the WoW64 file system redirector
 * may have made different from the name asked for: C:\Windows\System32\kernel32.dll opened by a 32-bit process
 * is SysWOW64's, loaded already), as Windows' loader finds a DLL it has mapped under another name. */
static LDR_DATA_TABLE_ENTRY *loaded_as_file(HANDLE file)
{
    ULONG buffer[(sizeof(ULONG) + LDR_PATH_MAX * sizeof(WCHAR)) / sizeof(ULONG)];
    FILE_NAME_INFORMATION *name = (FILE_NAME_INFORMATION *)buffer;  /* FileName runs on to the buffer's end */
    struct ldr_path path;
    IO_STATUS_BLOCK iosb;
    ULONG length;

    if (!NT_SUCCESS(NtQueryInformationFile(file, &iosb, name, sizeof buffer, FileNameInformation)))
        return NULL;
    length = name->FileNameLength / sizeof(WCHAR);
    if (length + 2 >= LDR_PATH_MAX)
        return NULL;
    path.buf[0] = 'C';
    path.buf[1] = ':';
    for (ULONG i = 0; i < length; i++)
        path.buf[2 + i] = name->FileName[i];
    path.length = length + 2;
    path.has_path = TRUE;
    return find_loaded(&path);
}

/* Without a DllPath: the program's folder, then the system folder. */
static void default_search_path(struct ldr_path *p)
{
    const LDR_DATA_TABLE_ENTRY *image = ENTRY_OF(ldr_data()->InLoadOrderModuleList.Flink, InLoadOrderLinks);
    static const WCHAR system_dir[] = LDR_SYSTEM_DIR;

    p->length = 0;
    p->overflow = FALSE;
    path_add(p, image->FullDllName.Buffer, (image->FullDllName.Length - image->BaseDllName.Length) / sizeof(WCHAR));
    path_add(p, L";", 1);
    path_add(p, system_dir, sizeof system_dir / sizeof(WCHAR) - 1);
    p->buf[p->length] = 0;
}

static NTSTATUS map_image(HANDLE file, PVOID *base)
{
    HANDLE section;
    SIZE_T size = 0;
    IMAGE_NT_HEADERS *nt;
    NTSTATUS status;

    *base = NULL;
    status = NtCreateSection(&section, SECTION_MAP_READ | SECTION_MAP_WRITE | SECTION_MAP_EXECUTE | SECTION_QUERY,
                             NULL, NULL, PAGE_EXECUTE, SEC_IMAGE, file);
    if (!NT_SUCCESS(status))
        return status;
    status = NtMapViewOfSection(section, NtCurrentProcess(), base, 0, 0, NULL, &size, ViewShare, 0, PAGE_READWRITE);
    NtClose(section);
    if (!NT_SUCCESS(status))
        return status;
    nt = ldr_nt_headers(*base);
    if (status == STATUS_IMAGE_MACHINE_TYPE_MISMATCH || nt->FileHeader.Machine != LDR_MACHINE
        || nt->OptionalHeader.AddressOfEntryPoint >= nt->OptionalHeader.SizeOfImage) {
        NtUnmapViewOfSection(NtCurrentProcess(), *base);
        return STATUS_INVALID_IMAGE_FORMAT;
    }
    return STATUS_SUCCESS;
}

/* ---- loading and unloading --------------------------------------------------------------------------- */

static BOOL call_entry(LDR_DATA_TABLE_ENTRY *e, ULONG reason)
{
    ldr_tls_callbacks(e, reason, NULL);
    return ldr_call_init_routine((dll_main)e->EntryPoint, e->DllBase, reason, NULL);
}

static void fill_entry(ldr_module *m, PVOID base, const struct ldr_path *path, ULONG reason)
{
    LDR_DATA_TABLE_ENTRY *e = &m->entry;
    IMAGE_NT_HEADERS *nt = ldr_nt_headers(base);
    ULONG start = 0;

    for (ULONG i = 0; i <= path->length; i++) {
        m->path[i] = path->buf[i];
        if (path->buf[i] == '\\')
            start = i + 1;
    }
    e->DllBase = base;
    e->EntryPoint = nt->OptionalHeader.AddressOfEntryPoint ? (char *)base + nt->OptionalHeader.AddressOfEntryPoint
                                                          : NULL;
    e->SizeOfImage = nt->OptionalHeader.SizeOfImage;
    e->FullDllName.Length = (USHORT)(path->length * sizeof(WCHAR));
    e->FullDllName.MaximumLength = (USHORT)(e->FullDllName.Length + sizeof(WCHAR));
    e->FullDllName.Buffer = m->path;
    e->BaseDllName.Length = (USHORT)((path->length - start) * sizeof(WCHAR));
    e->BaseDllName.MaximumLength = (USHORT)(e->BaseDllName.Length + sizeof(WCHAR));
    e->BaseDllName.Buffer = m->path + start;
    e->Flags = LDRP_LOAD_IN_PROGRESS | LDRP_IN_LEGACY_LISTS
        | (nt->FileHeader.Characteristics & IMAGE_FILE_DLL ? LDRP_IMAGE_DLL : 0);
    e->ObsoleteLoadCount = 1;
    e->TimeDateStamp = nt->FileHeader.TimeDateStamp;
    e->OriginalBase = nt->OptionalHeader.ImageBase;
    e->LoadReason = reason;
    e->ReferenceCount = 1;
    e->InInitializationOrderLinks.Flink = e->InInitializationOrderLinks.Blink = &e->InInitializationOrderLinks;
    list_append(&ldr_data()->InLoadOrderModuleList, &e->InLoadOrderLinks);
    list_append(&ldr_data()->InMemoryOrderModuleList, &e->InMemoryOrderLinks);
}

/* DLL_PROCESS_ATTACH, for a DLL with an entry point. */
static NTSTATUS attach(LDR_DATA_TABLE_ENTRY *e)
{
    e->Flags |= LDRP_ENTRY_PROCESSED;
    if (!(e->Flags & LDRP_IMAGE_DLL))
        return STATUS_SUCCESS;
    list_append(&ldr_data()->InInitializationOrderModuleList, &e->InInitializationOrderLinks);
    if (!e->EntryPoint)
        return STATUS_SUCCESS;
    e->Flags |= LDRP_PROCESS_ATTACH_CALLED;
    return call_entry(e, DLL_PROCESS_ATTACH) ? STATUS_SUCCESS : STATUS_DLL_INIT_FAILED;
}

static void unload(ldr_module *m)
{
    LDR_DATA_TABLE_ENTRY *e = &m->entry;

    if (e->Flags & LDRP_PROCESS_ATTACH_CALLED) {
        e->Flags &= ~LDRP_PROCESS_ATTACH_CALLED;
        call_entry(e, DLL_PROCESS_DETACH);
    }
    list_remove(&e->InInitializationOrderLinks);
    list_remove(&e->InMemoryOrderLinks);
    list_remove(&e->InLoadOrderLinks);
    ldr_unbind_imports(m);
    NtUnmapViewOfSection(NtCurrentProcess(), e->DllBase);
    ldr_forget_readable();
    free_record(m);
}

static NTSTATUS load_file(HANDLE file, const struct ldr_path *path, ULONG reason, LDR_DATA_TABLE_ENTRY **loaded)
{
    ldr_module *m;
    PVOID base;
    NTSTATUS status = map_image(file, &base);

    NtClose(file);
    if (!NT_SUCCESS(status))
        return status;
    m = new_record();
    if (!m) {
        NtUnmapViewOfSection(NtCurrentProcess(), base);
        return STATUS_NO_MEMORY;
    }
    fill_entry(m, base, path, reason);
    status = ldr_bind_imports(m);
    if (NT_SUCCESS(status))
        status = ldr_tls_add_module(&m->entry);
    if (NT_SUCCESS(status))
        status = attach(&m->entry);
    if (!NT_SUCCESS(status)) {
        unload(m);
        return status;
    }
    m->entry.Flags &= ~LDRP_LOAD_IN_PROGRESS;
    *loaded = &m->entry;
    return STATUS_SUCCESS;
}

/* A load of a module loaded already: one reference more (none for a pinned one). */
static NTSTATUS referenced(LDR_DATA_TABLE_ENTRY *e, LDR_DATA_TABLE_ENTRY **loaded)
{
    if (e->ObsoleteLoadCount != LDRP_PINNED)
        e->ObsoleteLoadCount++;
    *loaded = e;
    return STATUS_SUCCESS;
}

NTSTATUS ldr_load(const WCHAR *name, ULONG length, const WCHAR *search_path, ULONG reason,
                  LDR_DATA_TABLE_ENTRY **loaded)
{
    struct ldr_path want, found, default_path;
    LDR_DATA_TABLE_ENTRY *e;
    HANDLE file;
    NTSTATUS status = make_name(name, length, &want);

    if (!NT_SUCCESS(status))
        return status;
    e = find_loaded(&want);
    if (e)
        return referenced(e, loaded);
    if (want.has_path) {
        status = open_image_file(&want, &file);
        if (!NT_SUCCESS(status))
            return status;
        e = loaded_as_file(file);
        if (e) {
            NtClose(file);
            return referenced(e, loaded);
        }
        return load_file(file, &want, reason, loaded);
    }
    if (!search_path) {
        default_search_path(&default_path);
        search_path = default_path.buf;
    }
    status = search(&want, search_path, &found, &file);
    return NT_SUCCESS(status) ? load_file(file, &found, reason, loaded) : status;
}

NTSTATUS ldr_load_ansi(const char *name, ULONG length, ULONG reason, LDR_DATA_TABLE_ENTRY **loaded)
{
    WCHAR wide[LDR_PATH_MAX];

    if (length >= LDR_PATH_MAX)
        return STATUS_NAME_TOO_LONG;
    for (ULONG i = 0; i < length; i++)
        wide[i] = (unsigned char)name[i];                           /* Latin-1: no code pages */
    return ldr_load(wide, length, NULL, reason, loaded);
}

LDR_DATA_TABLE_ENTRY *ldr_find_ansi(const char *name)
{
    WCHAR wide[LDR_PATH_MAX];
    struct ldr_path want;
    ULONG length = 0;

    while (name[length] && length < LDR_PATH_MAX - 1) {
        wide[length] = (unsigned char)name[length];
        length++;
    }
    return NT_SUCCESS(make_name(wide, length, &want)) ? find_loaded(&want) : NULL;
}

void ldr_release(LDR_DATA_TABLE_ENTRY *module)
{
    if (module->ObsoleteLoadCount != LDRP_PINNED && !--module->ObsoleteLoadCount)
        unload((ldr_module *)module);                               /* only the loader's own records count down */
}

/* ---- the exports ------------------------------------------------------------------------------------- */

NTSTATUS NTAPI LdrLoadDll(PWSTR DllPath, PULONG DllCharacteristics, PUNICODE_STRING DllName, PVOID *DllHandle)
{
    LDR_DATA_TABLE_ENTRY *e;
    NTSTATUS status;

    (void)DllCharacteristics;
    if (!DllName || !DllHandle)
        return STATUS_INVALID_PARAMETER;
    RtlEnterCriticalSection(&ldr_lock);
    status = ldr_load(DllName->Buffer, DllName->Length / sizeof(WCHAR), DllPath, LDR_LOAD_REASON_DYNAMIC_LOAD, &e);
    if (NT_SUCCESS(status))
        *DllHandle = e->DllBase;
    RtlLeaveCriticalSection(&ldr_lock);
    return status;
}

NTSTATUS NTAPI LdrGetDllHandle(PWSTR DllPath, PULONG DllCharacteristics, PUNICODE_STRING DllName, PVOID *DllHandle)
{
    struct ldr_path want;
    LDR_DATA_TABLE_ENTRY *e;
    NTSTATUS status;

    (void)DllPath;
    (void)DllCharacteristics;
    if (!DllName || !DllHandle)
        return STATUS_INVALID_PARAMETER;
    status = make_name(DllName->Buffer, DllName->Length / sizeof(WCHAR), &want);
    if (!NT_SUCCESS(status))
        return status;
    e = find_loaded(&want);
    if (!e)
        return STATUS_DLL_NOT_FOUND;
    *DllHandle = e->DllBase;
    return STATUS_SUCCESS;
}

NTSTATUS NTAPI LdrGetProcedureAddress(PVOID DllHandle, PANSI_STRING ProcedureName, ULONG ProcedureNumber,
                                      PVOID *ProcedureAddress)
{
    LDR_DATA_TABLE_ENTRY *e = ldr_by_base(DllHandle);

    if (!e)
        return STATUS_DLL_NOT_FOUND;
    if (!ProcedureAddress)
        return STATUS_INVALID_PARAMETER;
    return ldr_export(e, ProcedureName ? ProcedureName->Buffer : NULL, ProcedureName ? ProcedureName->Length : 0,
                      ProcedureNumber, ProcedureAddress);
}

NTSTATUS NTAPI LdrUnloadDll(PVOID DllHandle)
{
    LDR_DATA_TABLE_ENTRY *e;

    if (ldr_data()->ShutdownInProgress)
        return STATUS_SUCCESS;                                      /* the process is ending: nothing unloads */
    RtlEnterCriticalSection(&ldr_lock);
    e = ldr_by_base(DllHandle);
    if (e)
        ldr_release(e);
    RtlLeaveCriticalSection(&ldr_lock);
    return e ? STATUS_SUCCESS : STATUS_DLL_NOT_FOUND;
}
