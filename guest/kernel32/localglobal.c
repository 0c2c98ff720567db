/*
 * kernel32: winbase.h's local and global memory, LocalAlloc, LocalFree, LocalReAlloc, LocalSize, LocalLock,
 * LocalUnlock, LocalFlags, LocalHandle and their Global twins, in the process heap.
 *
 * Windows' behaviour, and the choices made here:
 * - Since Windows NT the two families are one: a handle of either works with the other; only the flags' values
 *   differ (GMEM_DISCARDABLE 0x100 and GMEM_INVALID_HANDLE, LMEM_DISCARDABLE 0xF00 and LMEM_INVALID_HANDLE).
 * - Fixed memory (LMEM_FIXED) is a block of the process heap: the handle is the pointer. Moveable memory
 *   (LMEM_MOVEABLE) is a handle: the address of the data pointer inside an entry of kernelbase's handle table, so
 *   it is never a pointer to the data, and is 4 bytes (x86) or 8 bytes (x64) off the heap's granularity, which
 *   tells the two kinds apart. The data block keeps its handle in the granule before the data (LocalHandle and
 *   GlobalHandle read it back). A moveable allocation of 0 bytes is a handle to discarded memory (no data).
 * - Lock counts count up to 255 and stay there; LocalLock of discarded memory is NULL with ERROR_DISCARDED;
 *   Local/GlobalUnlock return TRUE while the memory is still locked, FALSE with NO_ERROR when it is unlocked,
 *   FALSE with ERROR_NOT_LOCKED when it was not locked. GlobalUnlock of fixed memory is TRUE, LocalUnlock of fixed
 *   memory FALSE with ERROR_NOT_LOCKED.
 * - Flags outside LMEM_VALID_FLAGS (GMEM_VALID_FLAGS) are ERROR_INVALID_PARAMETER; an allocation that fails is
 *   ERROR_NOT_ENOUGH_MEMORY; a moveable handle that is not one of the table's is ERROR_INVALID_HANDLE (LocalFree
 *   returns it back). A fixed pointer goes to the heap as it is: freeing one that is not a block ends the process
 *   with STATUS_HEAP_CORRUPTION, as RtlFreeHeap does.
 * - LocalReAlloc moves fixed memory only with LMEM_MOVEABLE, and moveable memory only while it is unlocked or with
 *   LMEM_MOVEABLE; a size of 0 discards unlocked moveable memory. LMEM_MODIFY changes the discardable flag of
 *   moveable memory and leaves fixed memory as it is.
 */
#define _KERNEL32_          /* windows.h declares our own exports without dllimport */
#include "k32.h"

#define ENTRIES         64                          /* handle entries allocated at a time */
#define GRANULE         (2 * sizeof(PVOID))         /* the heap's granularity */
#define ENTRY_DISCARDABLE 0x0001
#define ENTRY_IN_USE    0x0002
#define MAX_LOCKS       0xFF

/* An entry of the handle table; the handle is &entry->data. */
typedef struct mem_entry {
    USHORT flags;
    UCHAR locks;
    UCHAR reserved;
    PVOID data;
} mem_entry;

typedef struct mem_chunk {
    mem_entry entries[ENTRIES];                     /* first: on the heap's granularity, as the handles need */
    struct mem_chunk *next;
} mem_chunk;

static mem_chunk *chunks;
static mem_entry *free_entries;                     /* chained through their data */
static RTL_CRITICAL_SECTION table_lock = {(PRTL_CRITICAL_SECTION_DEBUG)(LONG_PTR)-1, -1, 0, NULL, NULL, 0};

static HANDLE process_heap(void)
{
    return PEB_FIELD(HANDLE, PEB_PROCESS_HEAP);
}

static BOOL is_moveable(HLOCAL h)
{
    return ((ULONG_PTR)h & (GRANULE - 1)) == __builtin_offsetof(mem_entry, data);
}

static HLOCAL handle_of(mem_entry *e)
{
    return (HLOCAL)&e->data;
}

/* The entry of moveable handle h, or NULL (ERROR_INVALID_HANDLE) when h is none. */
static mem_entry *entry_of(HLOCAL h)
{
    mem_entry *e = CONTAINING_RECORD((PVOID *)h, mem_entry, data), *found = NULL;

    RtlEnterCriticalSection(&table_lock);
    for (mem_chunk *c = chunks; c && !found; c = c->next)
        if (e >= c->entries && e < c->entries + ENTRIES && (e->flags & ENTRY_IN_USE))
            found = e;
    RtlLeaveCriticalSection(&table_lock);
    if (!found)
        SetLastError(ERROR_INVALID_HANDLE);
    return found;
}

static mem_entry *new_entry(void)
{
    mem_entry *e;

    RtlEnterCriticalSection(&table_lock);
    if (!free_entries) {
        mem_chunk *c = RtlAllocateHeap(process_heap(), 0, sizeof *c);
        if (c) {
            c->next = chunks;
            chunks = c;
            for (ULONG i = 0; i < ENTRIES; i++) {
                c->entries[i].flags = 0;
                c->entries[i].data = free_entries;
                free_entries = &c->entries[i];
            }
        }
    }
    e = free_entries;
    if (e) {
        free_entries = e->data;
        e->flags = ENTRY_IN_USE;
        e->locks = 0;
        e->data = NULL;
    }
    RtlLeaveCriticalSection(&table_lock);
    return e;
}

static void drop_entry(mem_entry *e)
{
    RtlEnterCriticalSection(&table_lock);
    e->flags = 0;
    e->data = free_entries;
    free_entries = e;
    RtlLeaveCriticalSection(&table_lock);
}

/* The data of a moveable entry: a heap block holding its handle in the first granule. */
static PVOID new_data(mem_entry *e, PVOID block)
{
    *(HLOCAL *)block = handle_of(e);
    return (char *)block + GRANULE;
}

static PVOID block_of(mem_entry *e)
{
    return (char *)e->data - GRANULE;
}

static HLOCAL mem_alloc(UINT flags, SIZE_T size, UINT valid, UINT discardable)
{
    ULONG heap_flags = flags & LMEM_ZEROINIT ? HEAP_ZERO_MEMORY : 0;
    mem_entry *e;
    PVOID block;

    if (flags & ~valid) {
        SetLastError(ERROR_INVALID_PARAMETER);
        return NULL;
    }
    if (!(flags & LMEM_MOVEABLE)) {
        block = RtlAllocateHeap(process_heap(), heap_flags, size);
        if (!block)
            SetLastError(ERROR_NOT_ENOUGH_MEMORY);
        return block;
    }
    e = new_entry();
    if (!e) {
        SetLastError(ERROR_NOT_ENOUGH_MEMORY);
        return NULL;
    }
    if (flags & discardable)
        e->flags |= ENTRY_DISCARDABLE;
    if (size) {
        block = size + GRANULE > size ? RtlAllocateHeap(process_heap(), heap_flags, size + GRANULE) : NULL;
        if (!block) {
            drop_entry(e);
            SetLastError(ERROR_NOT_ENOUGH_MEMORY);
            return NULL;
        }
        e->data = new_data(e, block);
    }
    return handle_of(e);
}

static HLOCAL mem_free(HLOCAL h)
{
    mem_entry *e;

    if (!h || !is_moveable(h))
        return !h || RtlFreeHeap(process_heap(), 0, h) ? NULL : h;
    e = entry_of(h);
    if (!e)
        return h;
    if (e->data)
        RtlFreeHeap(process_heap(), 0, block_of(e));
    drop_entry(e);
    return NULL;
}

static HLOCAL mem_realloc(HLOCAL h, SIZE_T size, UINT flags, UINT valid, UINT discardable)
{
    ULONG heap_flags = flags & LMEM_ZEROINIT ? HEAP_ZERO_MEMORY : 0;
    mem_entry *e;
    PVOID block;

    if (flags & ~(valid | LMEM_MODIFY)) {
        SetLastError(ERROR_INVALID_PARAMETER);
        return NULL;
    }
    if (!is_moveable(h)) {
        if (flags & LMEM_MODIFY)
            return h;
        block = RtlReAllocateHeap(process_heap(), heap_flags | (flags & LMEM_MOVEABLE ? 0 : HEAP_REALLOC_IN_PLACE_ONLY),
                                  h, size);
        if (!block)
            SetLastError(ERROR_NOT_ENOUGH_MEMORY);
        return block;
    }
    e = entry_of(h);
    if (!e)
        return NULL;
    if (flags & LMEM_MODIFY) {
        e->flags = (USHORT)((e->flags & ~ENTRY_DISCARDABLE) | (flags & discardable ? ENTRY_DISCARDABLE : 0));
        return h;
    }
    if (!size) {
        if (e->locks) {
            SetLastError(ERROR_NOT_ENOUGH_MEMORY);
            return NULL;
        }
        if (e->data)
            RtlFreeHeap(process_heap(), 0, block_of(e));
        e->data = NULL;
        return h;
    }
    if (size + GRANULE < size) {
        SetLastError(ERROR_NOT_ENOUGH_MEMORY);
        return NULL;
    }
    if (!e->data)
        block = RtlAllocateHeap(process_heap(), heap_flags, size + GRANULE);
    else
        block = RtlReAllocateHeap(process_heap(),
                                  heap_flags | (e->locks && !(flags & LMEM_MOVEABLE) ? HEAP_REALLOC_IN_PLACE_ONLY : 0),
                                  block_of(e), size + GRANULE);
    if (!block) {
        SetLastError(ERROR_NOT_ENOUGH_MEMORY);
        return NULL;
    }
    e->data = new_data(e, block);
    return h;
}

static SIZE_T mem_size(HLOCAL h)
{
    mem_entry *e;
    SIZE_T size;

    if (!is_moveable(h)) {
        size = RtlSizeHeap(process_heap(), 0, h);
        if (size != (SIZE_T)-1)
            return size;
        SetLastError(ERROR_INVALID_HANDLE);
        return 0;
    }
    e = entry_of(h);
    if (!e || !e->data)
        return 0;
    return RtlSizeHeap(process_heap(), 0, block_of(e)) - GRANULE;
}

static PVOID mem_lock(HLOCAL h)
{
    mem_entry *e;

    if (!is_moveable(h))
        return h;
    e = entry_of(h);
    if (!e)
        return NULL;
    if (!e->data) {
        SetLastError(ERROR_DISCARDED);
        return NULL;
    }
    if (e->locks < MAX_LOCKS)
        e->locks++;
    return e->data;
}

static BOOL mem_unlock(HLOCAL h, BOOL fixed_result)
{
    mem_entry *e;

    if (!is_moveable(h)) {
        if (!fixed_result)
            SetLastError(ERROR_NOT_LOCKED);
        return fixed_result;
    }
    e = entry_of(h);
    if (!e)
        return FALSE;
    if (!e->locks) {
        SetLastError(ERROR_NOT_LOCKED);
        return FALSE;
    }
    if (e->locks < MAX_LOCKS)
        e->locks--;
    if (e->locks)
        return TRUE;
    SetLastError(ERROR_SUCCESS);
    return FALSE;
}

static UINT mem_flags(HLOCAL h, UINT discardable, UINT invalid)
{
    mem_entry *e;

    if (!is_moveable(h))
        return 0;
    e = entry_of(h);
    if (!e)
        return invalid;
    return e->locks | (e->flags & ENTRY_DISCARDABLE ? discardable : 0) | (e->data ? 0 : LMEM_DISCARDED);
}

/* The handle of the memory at p: its moveable handle, or p itself for fixed memory. */
static HLOCAL mem_handle(LPCVOID p)
{
    HLOCAL h = (HLOCAL)p;

    if (is_moveable(h))
        return entry_of(h) ? h : NULL;
    if (RtlSizeHeap(process_heap(), 0, (PVOID)p) != (SIZE_T)-1)
        return h;
    h = *((HLOCAL *)p - GRANULE / sizeof(HLOCAL));  /* the data of moveable memory: its handle before it */
    if (is_moveable(h) && entry_of(h) && *(PVOID *)h == p)
        return h;
    SetLastError(ERROR_INVALID_HANDLE);
    return NULL;
}

HLOCAL WINAPI LocalAlloc(UINT uFlags, SIZE_T uBytes)
{
    return mem_alloc(uFlags, uBytes, LMEM_VALID_FLAGS, LMEM_DISCARDABLE);
}

HGLOBAL WINAPI GlobalAlloc(UINT uFlags, SIZE_T dwBytes)
{
    return mem_alloc(uFlags, dwBytes, GMEM_VALID_FLAGS, GMEM_DISCARDABLE);
}

HLOCAL WINAPI LocalFree(HLOCAL hMem)
{
    return mem_free(hMem);
}

HGLOBAL WINAPI GlobalFree(HGLOBAL hMem)
{
    return mem_free(hMem);
}

HLOCAL WINAPI LocalReAlloc(HLOCAL hMem, SIZE_T uBytes, UINT uFlags)
{
    return mem_realloc(hMem, uBytes, uFlags, LMEM_VALID_FLAGS, LMEM_DISCARDABLE);
}

HGLOBAL WINAPI GlobalReAlloc(HGLOBAL hMem, SIZE_T dwBytes, UINT uFlags)
{
    return mem_realloc(hMem, dwBytes, uFlags, GMEM_VALID_FLAGS, GMEM_DISCARDABLE);
}

SIZE_T WINAPI LocalSize(HLOCAL hMem)
{
    return mem_size(hMem);
}

SIZE_T WINAPI GlobalSize(HGLOBAL hMem)
{
    return mem_size(hMem);
}

LPVOID WINAPI LocalLock(HLOCAL hMem)
{
    return mem_lock(hMem);
}

LPVOID WINAPI GlobalLock(HGLOBAL hMem)
{
    return mem_lock(hMem);
}

BOOL WINAPI LocalUnlock(HLOCAL hMem)
{
    return mem_unlock(hMem, FALSE);
}

BOOL WINAPI GlobalUnlock(HGLOBAL hMem)
{
    return mem_unlock(hMem, TRUE);
}

UINT WINAPI LocalFlags(HLOCAL hMem)
{
    return mem_flags(hMem, LMEM_DISCARDABLE, LMEM_INVALID_HANDLE);
}

UINT WINAPI GlobalFlags(HGLOBAL hMem)
{
    return mem_flags(hMem, GMEM_DISCARDABLE, GMEM_INVALID_HANDLE);
}

HLOCAL WINAPI LocalHandle(LPCVOID pMem)
{
    return mem_handle(pMem);
}

HGLOBAL WINAPI GlobalHandle(LPCVOID pMem)
{
    return mem_handle(pMem);
}
