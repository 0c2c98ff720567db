/*
 * Static TLS: the thread-local data an image declares in its TLS directory (IMAGE_DIRECTORY_ENTRY_TLS: what
 * __declspec(thread) and mingw-w64's C runtime use), and its TLS callbacks.
 *
 * Windows' behaviour, followed here:
 * - Each module with a TLS directory gets an index, in load order from 0, when the process starts (those process
 *   creation loaded) or when LoadLibrary loads it (Windows Vista and later); the index is written where the
 *   directory's AddressOfIndex points and in the module's LDR_DATA_TABLE_ENTRY.TlsIndex.
 * - Each thread has a vector of pointers, TEB.ThreadLocalStoragePointer, indexed by those indexes; each points to
 *   the thread's copy of the module's template: StartAddressOfRawData..EndAddressOfRawData copied, then
 *   SizeOfZeroFill bytes of zeros. The vector and the copies come from the process heap.
 * - TLS callbacks (the NULL-terminated list at AddressOfCallBacks) are called as a DllMain is, with the same
 *   reason, just before the module's DllMain (DLL_PROCESS_ATTACH and DLL_PROCESS_DETACH) and only for a DLL with
 *   an entry point; the program's own callbacks after every DLL is attached, just before its entry point, and
 *   with DLL_PROCESS_DETACH after every DLL is detached. An exception that leaves a callback is caught and
 *   ignored, as the loader does.
 * A module unloaded keeps its index (Windows frees it; nothing reuses one here).
 */
#include "ldr.h"

#define NO_TLS 0xFFFF                               /* LDR_DATA_TABLE_ENTRY.TlsIndex of a module without TLS */

static const IMAGE_TLS_DIRECTORY **templates;        /* by index: the directory each index was given to */
static ULONG count;                                 /* indexes given */

static const IMAGE_TLS_DIRECTORY *tls_directory(PVOID base)
{
    const IMAGE_DATA_DIRECTORY *d = &ldr_nt_headers(base)->OptionalHeader.DataDirectory[IMAGE_DIRECTORY_ENTRY_TLS];
    return d->VirtualAddress && d->Size ? (const IMAGE_TLS_DIRECTORY *)((char *)base + d->VirtualAddress) : NULL;
}

static PVOID heap(void)
{
    return PEB_FIELD(PVOID, PEB_PROCESS_HEAP);
}

/* The running thread's copy of one module's template. */
static PVOID new_block(const IMAGE_TLS_DIRECTORY *dir)
{
    SIZE_T data = dir->EndAddressOfRawData - dir->StartAddressOfRawData;
    char *block = RtlAllocateHeap(heap(), HEAP_ZERO_MEMORY, data + dir->SizeOfZeroFill);

    if (block)
        for (SIZE_T i = 0; i < data; i++)
            block[i] = ((const char *)dir->StartAddressOfRawData)[i];
    return block;
}

/* Give `e` (a module with TLS) the next index and the running thread its copy. */
static NTSTATUS add(LDR_DATA_TABLE_ENTRY *e, const IMAGE_TLS_DIRECTORY *dir)
{
    NT_TEB *teb = nt_current_teb();
    PVOID *vector = teb->ThreadLocalStoragePointer;
    const IMAGE_TLS_DIRECTORY **more = templates
        ? RtlReAllocateHeap(heap(), 0, templates, (count + 1) * sizeof *templates)
        : RtlAllocateHeap(heap(), 0, sizeof *templates);
    PVOID block;

    if (!more)
        return STATUS_NO_MEMORY;
    templates = more;
    vector = vector ? RtlReAllocateHeap(heap(), 0, vector, (count + 1) * sizeof *vector)
                    : RtlAllocateHeap(heap(), 0, sizeof *vector);
    if (!vector)
        return STATUS_NO_MEMORY;
    teb->ThreadLocalStoragePointer = vector;
    block = new_block(dir);
    if (!block)
        return STATUS_NO_MEMORY;
    templates[count] = dir;
    vector[count] = block;
    e->TlsIndex = (USHORT)count;
    if (dir->AddressOfIndex)
        *(ULONG *)dir->AddressOfIndex = count;
    count++;
    return STATUS_SUCCESS;
}

NTSTATUS ldr_tls_add_module(LDR_DATA_TABLE_ENTRY *e)
{
    const IMAGE_TLS_DIRECTORY *dir = tls_directory(e->DllBase);

    e->TlsIndex = NO_TLS;
    return dir ? add(e, dir) : STATUS_SUCCESS;
}

void ldr_tls_initialize(void)
{
    LIST_ENTRY *head = &ldr_data()->InLoadOrderModuleList;

    for (LIST_ENTRY *link = head->Flink; link != head; link = link->Flink)
        if (!NT_SUCCESS(ldr_tls_add_module(ENTRY_OF(link, InLoadOrderLinks))))
            NtTerminateProcess(NtCurrentProcess(), STATUS_NO_MEMORY);
}

NTSTATUS ldr_tls_thread_attach(void)
{
    PVOID *vector;

    if (!count)
        return STATUS_SUCCESS;
    vector = RtlAllocateHeap(heap(), HEAP_ZERO_MEMORY, count * sizeof *vector);
    if (!vector)
        return STATUS_NO_MEMORY;
    nt_current_teb()->ThreadLocalStoragePointer = vector;
    for (ULONG i = 0; i < count; i++)
        if (!(vector[i] = new_block(templates[i])))
            return STATUS_NO_MEMORY;
    return STATUS_SUCCESS;
}

void ldr_tls_thread_detach(void)
{
    NT_TEB *teb = nt_current_teb();
    PVOID *vector = teb->ThreadLocalStoragePointer;

    if (!vector)
        return;
    teb->ThreadLocalStoragePointer = NULL;
    for (ULONG i = 0; i < count; i++)
        RtlFreeHeap(heap(), 0, vector[i]);
    RtlFreeHeap(heap(), 0, vector);
}

void ldr_tls_callbacks(LDR_DATA_TABLE_ENTRY *e, ULONG reason, PVOID reserved)
{
    const IMAGE_TLS_DIRECTORY *dir;

    if (e->TlsIndex == NO_TLS || !(dir = tls_directory(e->DllBase)) || !dir->AddressOfCallBacks)
        return;
    for (const ULONG_PTR *callback = (const ULONG_PTR *)dir->AddressOfCallBacks; *callback; callback++)
        ldr_call_init_routine((dll_main)*callback, e->DllBase, reason, reserved);
}
