/*
 * ntdll's loader, the image side: the headers of a mapped image, its exports (by name, by ordinal, through
 * forwarders) and the binding of its imports.
 *
 * - Exports by name are found by binary search of the name table (sorted, as the PE format requires), compared
 *   byte for byte; by ordinal, as an index from the directory's Base. An empty slot is no export.
 * - A forwarder ("DLL.Name" or "DLL.#ordinal") loads its DLL and goes on there, up to 16 forwarders deep.
 * - Imports: each descriptor's DLL is loaded (a reference the module holds until it is unloaded), then each slot
 *   of its address table is filled, by name (no such export: STATUS_ENTRYPOINT_NOT_FOUND) or by ordinal
 *   (STATUS_ORDINAL_NOT_FOUND), the table made writable for the time it takes. Bound imports and the hints
 *   are not used: every slot is resolved.
 */
#include "ldr.h"

#define MAX_FORWARDS 16

#define AT(base, rva) ((void *)((char *)(base) + (rva)))

IMAGE_NT_HEADERS *ldr_nt_headers(PVOID base)
{
    return AT(base, ((IMAGE_DOS_HEADER *)base)->e_lfanew);
}

/* A data directory of a mapped image, or NULL when it has none. */
static const IMAGE_DATA_DIRECTORY *directory(PVOID base, ULONG index)
{
    const IMAGE_OPTIONAL_HEADER *optional = &ldr_nt_headers(base)->OptionalHeader;
    const IMAGE_DATA_DIRECTORY *d = &optional->DataDirectory[index];

    return index < optional->NumberOfRvaAndSizes && d->VirtualAddress && d->Size ? d : NULL;
}

/* strcmp's order between a counted name and a NUL-terminated one. */
static int compare_name(const char *want, ULONG length, const char *have)
{
    for (ULONG i = 0; i < length; i++) {
        unsigned char w = (unsigned char)want[i], h = (unsigned char)have[i];
        if (w != h || !h)
            return w < h ? -1 : 1;
    }
    return have[length] ? -1 : 0;
}

/* The index in AddressOfFunctions of a name, or ~0 when the image does not export it. */
static ULONG find_name(PVOID base, const IMAGE_EXPORT_DIRECTORY *exports, const char *name, ULONG length)
{
    const ULONG *names = AT(base, exports->AddressOfNames);
    const USHORT *ordinals = AT(base, exports->AddressOfNameOrdinals);
    ULONG low = 0, high = exports->NumberOfNames;

    while (low < high) {
        ULONG middle = low + (high - low) / 2;
        int order = compare_name(name, length, AT(base, names[middle]));
        if (!order)
            return ordinals[middle];
        if (order < 0)
            high = middle;
        else
            low = middle + 1;
    }
    return ~0u;
}

static ULONG parse_ordinal(const char *digits)
{
    ULONG n = 0;

    while (*digits >= '0' && *digits <= '9')
        n = n * 10 + (ULONG)(*digits++ - '0');
    return n;
}

NTSTATUS ldr_export(LDR_DATA_TABLE_ENTRY *module, const char *name, ULONG length, ULONG ordinal, PVOID *address)
{
    for (ULONG depth = 0; depth <= MAX_FORWARDS; depth++) {
        PVOID base = module->DllBase;
        const IMAGE_DATA_DIRECTORY *dir = directory(base, IMAGE_DIRECTORY_ENTRY_EXPORT);
        const IMAGE_EXPORT_DIRECTORY *exports;
        const char *forward;
        ULONG index, rva, dot = 0;
        NTSTATUS status;

        if (!dir)
            return STATUS_PROCEDURE_NOT_FOUND;
        exports = AT(base, dir->VirtualAddress);
        index = name ? find_name(base, exports, name, length) : ordinal - exports->Base;
        if (index >= exports->NumberOfFunctions)
            return STATUS_PROCEDURE_NOT_FOUND;
        rva = ((const ULONG *)AT(base, exports->AddressOfFunctions))[index];
        if (!rva)
            return STATUS_PROCEDURE_NOT_FOUND;
        if (rva < dir->VirtualAddress || rva >= dir->VirtualAddress + dir->Size) {
            *address = AT(base, rva);
            return STATUS_SUCCESS;
        }
        forward = AT(base, rva);                                    /* "DLL.Name" or "DLL.#ordinal" */
        for (ULONG i = 0; forward[i]; i++)
            if (forward[i] == '.')
                dot = i;
        status = ldr_load_ansi(forward, dot, LDR_LOAD_REASON_DYNAMIC_FORWARDER, &module);
        if (!NT_SUCCESS(status))
            return status;
        name = forward + dot + 1;
        length = ldr_strlen(name);
        if (name[0] == '#') {
            ordinal = parse_ordinal(name + 1);
            name = NULL;
        }
    }
    return STATUS_PROCEDURE_NOT_FOUND;                              /* a chain of forwarders that does not end */
}

/* Fill one descriptor's address table from the exports of `dll`. */
static NTSTATUS bind_descriptor(PVOID base, const IMAGE_IMPORT_DESCRIPTOR *d, LDR_DATA_TABLE_ENTRY *dll)
{
    const IMAGE_THUNK_DATA *lookup = AT(base, d->OriginalFirstThunk ? d->OriginalFirstThunk : d->FirstThunk);
    IMAGE_THUNK_DATA *iat = AT(base, d->FirstThunk);
    ULONG count = 0, old;
    PVOID range = iat;
    SIZE_T size;
    NTSTATUS status = STATUS_SUCCESS;

    while (lookup[count].u1.AddressOfData)
        count++;
    if (!count)
        return STATUS_SUCCESS;
    size = count * sizeof *iat;
    status = NtProtectVirtualMemory(NtCurrentProcess(), &range, &size, PAGE_READWRITE, &old);
    if (!NT_SUCCESS(status))
        return status;
    for (ULONG i = 0; i < count && NT_SUCCESS(status); i++) {
        ULONG_PTR value = lookup[i].u1.AddressOfData;
        PVOID address;
        if (IMAGE_SNAP_BY_ORDINAL(value)) {
            status = ldr_export(dll, NULL, 0, (ULONG)IMAGE_ORDINAL(value), &address);
            if (status == STATUS_PROCEDURE_NOT_FOUND)
                status = STATUS_ORDINAL_NOT_FOUND;
        } else {
            const char *symbol = (const char *)((IMAGE_IMPORT_BY_NAME *)AT(base, value))->Name;
            status = ldr_export(dll, symbol, ldr_strlen(symbol), 0, &address);
            if (status == STATUS_PROCEDURE_NOT_FOUND)
                status = STATUS_ENTRYPOINT_NOT_FOUND;
        }
        if (NT_SUCCESS(status))
            iat[i].u1.Function = (ULONG_PTR)address;
    }
    NtProtectVirtualMemory(NtCurrentProcess(), &range, &size, old, &old);
    return status;
}

static IMAGE_IMPORT_DESCRIPTOR *import_descriptors(PVOID base)
{
    const IMAGE_DATA_DIRECTORY *dir = directory(base, IMAGE_DIRECTORY_ENTRY_IMPORT);

    return dir ? AT(base, dir->VirtualAddress) : NULL;
}

NTSTATUS ldr_bind_imports(ldr_module *module)
{
    PVOID base = module->entry.DllBase;
    IMAGE_IMPORT_DESCRIPTOR *d = import_descriptors(base);

    for (; d && d->Name; d++) {
        const char *name = AT(base, d->Name);
        LDR_DATA_TABLE_ENTRY *dll;
        NTSTATUS status = ldr_load_ansi(name, ldr_strlen(name), LDR_LOAD_REASON_STATIC_DEPENDENCY, &dll);
        if (!NT_SUCCESS(status))
            return status;
        module->bound_imports++;
        status = bind_descriptor(base, d, dll);
        if (!NT_SUCCESS(status))
            return status;
    }
    return STATUS_SUCCESS;
}

void ldr_unbind_imports(ldr_module *module)
{
    PVOID base = module->entry.DllBase;
    IMAGE_IMPORT_DESCRIPTOR *d = import_descriptors(base);

    for (ULONG i = 0; i < module->bound_imports; i++, d++) {
        LDR_DATA_TABLE_ENTRY *dll = ldr_find_ansi(AT(base, d->Name));
        if (dll)
            ldr_release(dll);
    }
    module->bound_imports = 0;
}
