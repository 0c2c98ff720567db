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
 * - Nothing a directory points to is read or written unless it lies inside the image (SizeOfImage), names
 *   included up to their terminator: a malformed DLL fails LoadLibrary with STATUS_INVALID_IMAGE_FORMAT, never
 *   makes the loader fault or write outside the image.
 */
#include <stddef.h>
#include "ldr.h"

#define MAX_FORWARDS 16

#define AT(base, rva) ((void *)((char *)(base) + (rva)))

IMAGE_NT_HEADERS *ldr_nt_headers(PVOID base)
{
    return AT(base, ((IMAGE_DOS_HEADER *)base)->e_lfanew);
}

/* The last run of readable pages NtQueryVirtualMemory told of: most checks fall in it. Forgotten whenever the
 * loader unmaps something, after each load it makes (a DllMain may change pages), and at the start of each bind
 * and export lookup (ldr_forget_readable). */
static struct { const char *start, *end; } readable;

void ldr_forget_readable(void)
{
    readable.start = readable.end = NULL;
}

/* Whether [p, p + size) can be read: committed, neither PAGE_NOACCESS nor a guard page (a section without
 * IMAGE_SCN_MEM_READ maps as PAGE_NOACCESS). */
static BOOL can_read(const char *p, SIZE_T size)
{
    while (size) {
        MEMORY_BASIC_INFORMATION info;
        if (p >= readable.start && p < readable.end) {
            SIZE_T n = (SIZE_T)(readable.end - p) < size ? (SIZE_T)(readable.end - p) : size;
            p += n;
            size -= n;
            continue;
        }
        if (!NT_SUCCESS(NtQueryVirtualMemory(NtCurrentProcess(), (PVOID)p, MemoryBasicInformation, &info,
                                             sizeof info, NULL))
            || info.State != MEM_COMMIT || (info.Protect & (PAGE_NOACCESS | PAGE_GUARD)))
            return FALSE;
        readable.start = info.BaseAddress;
        readable.end = (const char *)info.BaseAddress + info.RegionSize;
    }
    return TRUE;
}

/* Whether `count` items of `width` bytes from `rva` lie inside the mapped image, on pages that can be read. */
static BOOL in_image(PVOID base, ULONG_PTR rva, ULONG_PTR count, ULONG width)
{
    ULONG_PTR image = ldr_nt_headers(base)->OptionalHeader.SizeOfImage;

    return rva <= image && count <= (image - rva) / width && can_read(AT(base, rva), count * width);
}

/* The NUL-terminated string at `rva`, or NULL when it does not end inside the image, on pages that can be read. */
static const char *image_string(PVOID base, ULONG_PTR rva)
{
    ULONG_PTR image = ldr_nt_headers(base)->OptionalHeader.SizeOfImage;
    const char *s = AT(base, rva);

    for (ULONG_PTR n = 0; rva < image && n < image - rva; n++) {
        if (!can_read(s + n, 1))
            return NULL;
        if (!s[n])
            return s;
    }
    return NULL;
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

/* The index in AddressOfFunctions of a name in *index, ~0 when the image does not export it. */
static NTSTATUS find_name(PVOID base, const IMAGE_EXPORT_DIRECTORY *exports, const char *name, ULONG length,
                          ULONG *index)
{
    const ULONG *names = AT(base, exports->AddressOfNames);
    const USHORT *ordinals = AT(base, exports->AddressOfNameOrdinals);
    ULONG low = 0, high = exports->NumberOfNames;

    if (!in_image(base, exports->AddressOfNames, high, sizeof *names)
        || !in_image(base, exports->AddressOfNameOrdinals, high, sizeof *ordinals))
        return STATUS_INVALID_IMAGE_FORMAT;
    *index = ~0u;
    while (low < high) {
        ULONG middle = low + (high - low) / 2;
        const char *have = image_string(base, names[middle]);
        int order;
        if (!have)
            return STATUS_INVALID_IMAGE_FORMAT;
        order = compare_name(name, length, have);
        if (!order) {
            *index = ordinals[middle];
            break;
        }
        if (order < 0)
            high = middle;
        else
            low = middle + 1;
    }
    return STATUS_SUCCESS;
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
    ldr_forget_readable();
    for (ULONG depth = 0; depth <= MAX_FORWARDS; depth++) {
        PVOID base = module->DllBase;
        const IMAGE_DATA_DIRECTORY *dir = directory(base, IMAGE_DIRECTORY_ENTRY_EXPORT);
        const IMAGE_EXPORT_DIRECTORY *exports;
        const char *forward;
        ULONG index, rva, dot = 0;
        NTSTATUS status;

        if (!dir)
            return STATUS_PROCEDURE_NOT_FOUND;
        if (!in_image(base, dir->VirtualAddress, 1, sizeof *exports))
            return STATUS_INVALID_IMAGE_FORMAT;
        exports = AT(base, dir->VirtualAddress);
        index = ordinal - exports->Base;
        if (name && !NT_SUCCESS(status = find_name(base, exports, name, length, &index)))
            return status;
        if (index >= exports->NumberOfFunctions)
            return STATUS_PROCEDURE_NOT_FOUND;
        if (!in_image(base, exports->AddressOfFunctions, exports->NumberOfFunctions, sizeof rva))
            return STATUS_INVALID_IMAGE_FORMAT;
        rva = ((const ULONG *)AT(base, exports->AddressOfFunctions))[index];
        if (!rva)
            return STATUS_PROCEDURE_NOT_FOUND;
        if (rva < dir->VirtualAddress || rva >= dir->VirtualAddress + dir->Size) {
            *address = AT(base, rva);
            return STATUS_SUCCESS;
        }
        forward = image_string(base, rva);                          /* "DLL.Name" or "DLL.#ordinal" */
        if (!forward)
            return STATUS_INVALID_IMAGE_FORMAT;
        for (ULONG i = 0; forward[i]; i++)
            if (forward[i] == '.')
                dot = i;
        status = ldr_load_ansi(forward, dot, LDR_LOAD_REASON_DYNAMIC_FORWARDER, &module);
        ldr_forget_readable();                                      /* a DllMain ran: it may have changed pages */
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

    for (;; count++) {
        if (!in_image(base, (ULONG_PTR)(lookup + count) - (ULONG_PTR)base, 1, sizeof *lookup))
            return STATUS_INVALID_IMAGE_FORMAT;
        if (!lookup[count].u1.AddressOfData)
            break;
    }
    if (!count)
        return STATUS_SUCCESS;
    if (!in_image(base, d->FirstThunk, count, sizeof *iat))
        return STATUS_INVALID_IMAGE_FORMAT;
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
            const char *symbol = image_string(base, value + offsetof(IMAGE_IMPORT_BY_NAME, Name));
            if (!symbol)
                status = STATUS_INVALID_IMAGE_FORMAT;
            else if ((status = ldr_export(dll, symbol, ldr_strlen(symbol), 0, &address)) == STATUS_PROCEDURE_NOT_FOUND)
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

    ldr_forget_readable();
    for (; d; d++) {
        const char *name;
        LDR_DATA_TABLE_ENTRY *dll;
        NTSTATUS status;
        if (!in_image(base, (ULONG_PTR)d - (ULONG_PTR)base, 1, sizeof *d))
            return STATUS_INVALID_IMAGE_FORMAT;
        if (!d->Name)
            break;
        if (!(name = image_string(base, d->Name)))
            return STATUS_INVALID_IMAGE_FORMAT;
        status = ldr_load_ansi(name, ldr_strlen(name), LDR_LOAD_REASON_STATIC_DEPENDENCY, &dll);
        ldr_forget_readable();                                      /* a DllMain ran: it may have changed pages */
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
