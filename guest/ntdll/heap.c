/*
 * ntdll's heap (the NT heap's front end, without the low-fragmentation heap): RtlCreateHeap, RtlDestroyHeap,
 * RtlAllocateHeap, RtlFreeHeap, RtlReAllocateHeap, RtlSizeHeap, RtlValidateHeap, RtlLockHeap, RtlUnlockHeap,
 * RtlGetProcessHeaps, RtlCompactHeap, RtlSetHeapInformation, RtlQueryHeapInformation, RtlWalkHeap, and the process
 * heap.
 *
 * Windows' behaviour, and the choices made here:
 * - A heap is reserved and committed with NtAllocateVirtualMemory; its handle is the base of its first segment,
 *   where the heap's own structure lives. RtlCreateHeap's sizes follow its documentation: no reserve and no commit
 *   reserve 64 pages and commit one; a commit alone reserves it rounded up to 64 KB; a reserve alone commits one
 *   page; a commit larger than the reserve is cut to it. A caller-supplied HeapBase, Lock or Parameters is not
 *   supported (NULL is returned for a HeapBase).
 * - Blocks are multiples of the granularity, 8 bytes on x86 and 16 on x64, and so are their addresses; each block
 *   starts with a header of one granule (its size and the size of the block before it in granules, its flags, the
 *   bytes left unused at its end, its segment, and a check byte over all of them). The smallest block is two
 *   granules, so a 0-byte allocation is a unique pointer of size 0.
 * - Free blocks are in 128 lists: lists 1-127 hold the blocks of that many granules, list 0 the larger ones; a
 *   bitmap finds the first non-empty list that fits. A block is split when what is left is a block of its own;
 *   a freed block is merged with free neighbours (up to 0xFFFF granules).
 * - Committed memory grows at the end of a segment (by HeapSegmentCommit at least); a growable heap that is full
 *   reserves a new segment, twice as large as the last one (at most 64 segments, as Windows). Blocks of more than
 *   0xFE00 granules (0x7F000 bytes on x86, 0xFE000 on x64: Windows' VirtualMemoryThreshold) are allocated on their
 *   own in a growable heap, the data at offset 0x20 (x86) or 0x40 (x64) of the allocation, after Windows'
 *   HEAP_VIRTUAL_ALLOC_ENTRY; a fixed-size heap fails them. Nothing is decommitted while the heap lives.
 * - Unless the heap or the call says HEAP_NO_SERIALIZE, every call holds the heap's critical section; the fast path
 *   makes no system call. A failed allocation returns NULL (RtlAllocateHeap does not set the last error) or, with
 *   HEAP_GENERATE_EXCEPTIONS, raises STATUS_NO_MEMORY with the size asked for as its one parameter.
 * - Corruption (a block freed twice, a pointer that is not a block of the heap given to RtlFreeHeap or
 *   RtlReAllocateHeap, a block header that does not check) ends the process as Windows 10's
 *   RtlReportCriticalFailure does: the exception STATUS_HEAP_CORRUPTION, noncontinuable, its one parameter the
 *   address of the heap's failure information, goes to the kernel as a second chance, so no handler of the program
 *   runs or resumes it. RtlSizeHeap returns (SIZE_T)-1 and RtlValidateHeap FALSE for such a pointer.
 * - The process heap is created before any DLL is initialised (ldr_initialize_process), growable, with the image's
 *   SizeOfHeapReserve and SizeOfHeapCommit (sizes that cannot be reserved end the process with STATUS_NO_MEMORY,
 *   as Windows' LdrpInitializeProcess fails); every heap is entered in the PEB's list (ProcessHeaps, NumberOfHeaps,
 *   MaximumNumberOfHeaps; the kernel puts the array after the PEB, and a full one is copied into a twice larger one
 *   from the process heap). The 32-bit ntdll of a WoW64 process keeps them in the 32-bit PEB.
 * - HeapCompatibilityInformation reads 0 (the standard heap) until it is set to 2 (the low-fragmentation heap:
 *   accepted and reported, the same allocator serves it); HEAP_NO_SERIALIZE and fixed-size heaps refuse it, as
 *   documented. Termination on corruption is always on; HeapOptimizeResources has nothing to do. RtlCompactHeap
 *   returns the size of the largest free block.
 * - RtlWalkHeap goes from the entry it is given to the next: each segment (its base, its header's size, its
 *   committed and uncommitted bytes, its first block and its end), then its blocks in address order, busy or free,
 *   then its uncommitted end if it has one; after the last segment, the blocks of their own; then
 *   STATUS_NO_MORE_ENTRIES. It takes no lock: HeapWalk's callers hold HeapLock, as its documentation asks.
 */
#define _NTSYSTEM_                                  /* winnt.h declares ntdll's functions without dllimport */
#include "ldr.h"

#define G               sizeof(heap_block)          /* the granularity: 8 or 16 bytes */
#define PAGE            0x1000
#define MIN_BLOCK       2                           /* granules */
#define MAX_FREE        0xFFFF                      /* granules of the largest block in a segment */
#define VM_THRESHOLD    0xFE00                      /* granules above which a block is allocated on its own */
#define SEGMENTS        64
#define LISTS           128
#define HEAP_SIGNATURE  0xEEFFEEFF
#define SEGMENT_GROWTH  0x100000                    /* the first new segment's reserve (HeapSegmentReserve) */

#define BLOCK_BUSY      0x01
#define BLOCK_VIRTUAL   0x08

#define HEAP_LFH        2                           /* HeapCompatibilityInformation values */

typedef struct heap_block {
#ifdef _WIN64
    ULONG_PTR reserved;                             /* x64's HEAP_ENTRY is two quadwords */
#endif
    USHORT size;                                    /* granules, the header included */
    UCHAR flags;
    UCHAR check;
    USHORT prev_size;                               /* granules of the block before, 0 for a segment's first */
    UCHAR segment;
    UCHAR unused;                                   /* bytes after the caller's data */
} heap_block;

typedef struct heap_segment {
    char *first;                                    /* the first block */
    char *committed;                                /* the end of the blocks */
    char *end;                                      /* the end of the reservation */
    heap_block *last;                               /* the block that ends at `committed` */
    ULONG index;                                    /* in heap.segments */
} heap_segment;

/* A block of its own (Windows' HEAP_VIRTUAL_ALLOC_ENTRY layout: 0x20 bytes on x86, 0x40 on x64). */
typedef struct heap_big {
    LIST_ENTRY links;
    ULONG_PTR requested;                            /* the caller's size (HEAP_ENTRY_EXTRA's place) */
    ULONG_PTR extra;
    SIZE_T committed;
    SIZE_T reserved;
    heap_block block;
} heap_big;

typedef struct heap {
    ULONG signature;
    ULONG flags;                                    /* HEAP_GROWABLE, HEAP_NO_SERIALIZE, HEAP_GENERATE_EXCEPTIONS,
                                                       HEAP_CREATE_ENABLE_EXECUTE */
    ULONG protect;                                  /* of its pages: PAGE_EXECUTE_READWRITE for ENABLE_EXECUTE */
    ULONG list_index;                               /* 1-based place in PEB->ProcessHeaps */
    ULONG compatibility;
    SIZE_T segment_commit;
    SIZE_T next_reserve;
    ULONG segment_count;
    ULONG free_map[LISTS / 32];
    RTL_CRITICAL_SECTION lock;
    LIST_ENTRY big_blocks;
    LIST_ENTRY free_lists[LISTS];
    heap_segment *segments[SEGMENTS];               /* each at the start of its reservation, but the first */
    heap_segment first_segment;
} heap;

_Static_assert(sizeof(heap_big) == NT_OFFSETS(0x20, 0x40), "HEAP_VIRTUAL_ALLOC_ENTRY size");

/* What RtlReportCriticalFailure's exception points to. */
static struct {
    PVOID heap;
    PVOID address;
} heap_failure;

static RTL_CRITICAL_SECTION heap_list_lock = {(PRTL_CRITICAL_SECTION_DEBUG)(LONG_PTR)-1, -1, 0, NULL, NULL, 0};

static SIZE_T round_up(SIZE_T n, SIZE_T to)
{
    return (n + to - 1) & ~(to - 1);
}

/* Zeroes n bytes at p (the build keeps such loops from becoming calls of memset, which ntdll does not have). */
static void zero(void *p, SIZE_T n)
{
    char *c = p;
    while (n--)
        *c++ = 0;
}

/* Copies n bytes between blocks: both start on a granule. */
static void copy(void *to, const void *from, SIZE_T n)
{
    ULONG_PTR *t = to;
    const ULONG_PTR *f = from;
    SIZE_T words = n / sizeof(ULONG_PTR);

    for (SIZE_T i = 0; i < words; i++)
        t[i] = f[i];
    for (SIZE_T i = words * sizeof(ULONG_PTR); i < n; i++)
        ((char *)to)[i] = ((const char *)from)[i];
}

/* ---- Blocks -------------------------------------------------------------------------------------------- */

static UCHAR check_of(const heap_block *b)
{
    return (UCHAR)(0x5A ^ b->size ^ (b->size >> 8) ^ b->flags ^ b->prev_size ^ (b->prev_size >> 8) ^ b->segment
                   ^ b->unused);
}

static void set_block(heap_block *b, ULONG size, UCHAR flags, ULONG prev_size, UCHAR segment, UCHAR unused)
{
    b->size = (USHORT)size;
    b->flags = flags;
    b->prev_size = (USHORT)prev_size;
    b->segment = segment;
    b->unused = unused;
    b->check = check_of(b);
}

static heap_block *next_block(const heap_block *b)
{
    return (heap_block *)((char *)b + b->size * G);
}

static void set_prev_size(heap_block *b, ULONG prev_size)
{
    b->prev_size = (USHORT)prev_size;
    b->check = check_of(b);
}

static LIST_ENTRY *links_of(heap_block *b)
{
    return (LIST_ENTRY *)(b + 1);
}

static heap_block *block_of_links(LIST_ENTRY *l)
{
    return (heap_block *)l - 1;
}

static void free_insert(heap *h, heap_block *b)
{
    ULONG list = b->size < LISTS ? b->size : 0;
    LIST_ENTRY *head = &h->free_lists[list], *l = links_of(b);

    l->Flink = head->Flink;
    l->Blink = head;
    head->Flink->Blink = l;
    head->Flink = l;
    h->free_map[list / 32] |= 1u << (list % 32);
}

static void free_remove(heap *h, heap_block *b)
{
    ULONG list = b->size < LISTS ? b->size : 0;
    LIST_ENTRY *l = links_of(b);

    l->Blink->Flink = l->Flink;
    l->Flink->Blink = l->Blink;
    if (h->free_lists[list].Flink == &h->free_lists[list])
        h->free_map[list / 32] &= ~(1u << (list % 32));
}

/* A free block of at least n granules, out of its list, or NULL. */
static heap_block *free_take(heap *h, ULONG n)
{
    for (ULONG list = n < LISTS ? n : LISTS; list < LISTS; ) {
        ULONG word = h->free_map[list / 32] & (~0u << (list % 32));
        if (word) {
            heap_block *b = block_of_links(h->free_lists[list / 32 * 32 + __builtin_ctz(word)].Flink);
            free_remove(h, b);
            return b;
        }
        list = (list / 32 + 1) * 32;
    }
    for (LIST_ENTRY *l = h->free_lists[0].Flink; l != &h->free_lists[0]; l = l->Flink) {
        heap_block *b = block_of_links(l);
        if (b->size >= n) {
            free_remove(h, b);
            return b;
        }
    }
    return NULL;
}

/* Makes free block b (out of the lists) a free block in them, merged with its free neighbours. */
static void release(heap *h, heap_block *b)
{
    heap_segment *s = h->segments[b->segment];
    heap_block *next = next_block(b);

    b->flags = 0;
    if ((char *)next < s->committed && !(next->flags & BLOCK_BUSY) && b->size + next->size <= MAX_FREE) {
        free_remove(h, next);
        if (s->last == next)
            s->last = b;
        b->size = (USHORT)(b->size + next->size);
        next->flags = 0;
        next->check = check_of(next);
    }
    if (b->prev_size) {
        heap_block *prev = (heap_block *)((char *)b - b->prev_size * G);
        if (!(prev->flags & BLOCK_BUSY) && prev->size + b->size <= MAX_FREE) {
            free_remove(h, prev);
            if (s->last == b)
                s->last = prev;
            prev->size = (USHORT)(prev->size + b->size);
            b->check = check_of(b);
            b = prev;
        }
    }
    set_block(b, b->size, 0, b->prev_size, b->segment, 0);
    if ((char *)next_block(b) < s->committed)
        set_prev_size(next_block(b), b->size);
    free_insert(h, b);
}

/* Makes busy block b, which spans `total` granules, n granules long; the rest, when it can be a block of its own,
 * is released (merged with a free block after it). */
static void trim(heap *h, heap_block *b, ULONG total, ULONG n)
{
    heap_segment *s = h->segments[b->segment];
    heap_block *rest;

    if (total - n < MIN_BLOCK)
        n = total;
    b->size = (USHORT)n;
    if (n == total) {
        if (s->last != b)
            set_prev_size(next_block(b), n);
        return;
    }
    rest = (heap_block *)((char *)b + n * G);
    set_block(rest, total - n, BLOCK_BUSY, n, b->segment, 0);
    if (s->last == b)
        s->last = rest;
    else
        set_prev_size(next_block(rest), rest->size);
    release(h, rest);
}

/* ---- Segments ------------------------------------------------------------------------------------------ */

/* Adds [s->committed, end) to segment s as free blocks of at most MAX_FREE granules, merged with its last block. */
static void carve(heap *h, heap_segment *s, char *end)
{
    while (s->committed < end) {
        SIZE_T left = (SIZE_T)(end - s->committed) / G;
        ULONG n = (ULONG)(left <= MAX_FREE ? left : left - MAX_FREE >= MIN_BLOCK ? MAX_FREE : MAX_FREE - MIN_BLOCK);
        heap_block *b = (heap_block *)s->committed;
        set_block(b, n, BLOCK_BUSY, s->last ? s->last->size : 0, (UCHAR)s->index, 0);
        s->committed += n * G;
        s->last = b;
        release(h, b);
    }
}

/* Commits at least `bytes` more at the end of segment s, as free blocks; FALSE if it has no room. */
static BOOL extend(heap *h, heap_segment *s, SIZE_T bytes)
{
    SIZE_T size = round_up(bytes > h->segment_commit ? bytes : h->segment_commit, PAGE);
    PVOID at = s->committed;

    if (size > (SIZE_T)(s->end - s->committed))
        size = s->end - s->committed;
    if (size < bytes || !NT_SUCCESS(NtAllocateVirtualMemory(NtCurrentProcess(), &at, 0, &size, MEM_COMMIT,
                                                            h->protect)))
        return FALSE;
    carve(h, s, s->committed + size);
    return TRUE;
}

/* A segment over the reservation of `reserve` bytes at `base` whose first `commit` bytes are committed: its
 * header at `base` (the first one's is in the heap's structure, which is there), its blocks after it. */
static void new_segment(heap *h, char *base, SIZE_T reserve, SIZE_T commit)
{
    ULONG index = h->segment_count++;
    heap_segment *s = index ? (heap_segment *)base : &h->first_segment;

    s->first = base + (index ? round_up(sizeof *s, G) : round_up(sizeof *h, G));
    s->committed = s->first;
    s->end = base + reserve;
    s->last = NULL;
    s->index = index;
    h->segments[index] = s;
    carve(h, s, base + commit);
}

/* Commits the first `commit` bytes of a new reservation at `base`; releases it on failure. */
static BOOL commit_start(PVOID base, SIZE_T commit, ULONG protect)
{
    PVOID at = base;
    SIZE_T size = commit;

    if (NT_SUCCESS(NtAllocateVirtualMemory(NtCurrentProcess(), &at, 0, &size, MEM_COMMIT, protect)))
        return TRUE;
    size = 0;
    NtFreeVirtualMemory(NtCurrentProcess(), &base, &size, MEM_RELEASE);
    return FALSE;
}

/* Room for a block of n granules: commit more in a segment, or a new segment. */
static BOOL grow(heap *h, ULONG n)
{
    SIZE_T bytes = (n + MIN_BLOCK) * G;             /* a free last block may not be enough */
    SIZE_T least = round_up(bytes + sizeof(heap_segment), 0x10000);

    for (ULONG i = 0; i < h->segment_count; i++)
        if ((SIZE_T)(h->segments[i]->end - h->segments[i]->committed) >= bytes && extend(h, h->segments[i], bytes))
            return TRUE;
    if (!(h->flags & HEAP_GROWABLE) || h->segment_count == SEGMENTS)
        return FALSE;
    for (SIZE_T reserve = h->next_reserve > least ? h->next_reserve : least; reserve >= least; reserve /= 2) {
        PVOID base = NULL;
        SIZE_T size = reserve;
        SIZE_T commit = round_up(bytes + sizeof(heap_segment), PAGE);
        if (NT_SUCCESS(NtAllocateVirtualMemory(NtCurrentProcess(), &base, 0, &size, MEM_RESERVE, h->protect))) {
            if (!commit_start(base, commit, h->protect))
                return FALSE;
            h->next_reserve = reserve * 2;
            new_segment(h, base, reserve, commit);
            return TRUE;
        }
    }
    return FALSE;
}

/* ---- The heap handle, locking, failures ------------------------------------------------------------------ */

static heap *heap_of(PVOID handle)
{
    heap *h = handle;
    return h->signature == HEAP_SIGNATURE ? h : NULL;
}

static void lock(heap *h, ULONG flags)
{
    if (!((flags | h->flags) & HEAP_NO_SERIALIZE))
        RtlEnterCriticalSection(&h->lock);
}

static void unlock(heap *h, ULONG flags)
{
    if (!((flags | h->flags) & HEAP_NO_SERIALIZE))
        RtlLeaveCriticalSection(&h->lock);
}

/* RtlReportCriticalFailure: the process ends with STATUS_HEAP_CORRUPTION, no handler of the program runs. */
static __attribute__((noreturn, noinline)) void heap_corruption(heap *h, PVOID address)
{
    EXCEPTION_RECORD record = {0};
    CONTEXT context;

    heap_failure.heap = h;
    heap_failure.address = address;
    RtlCaptureContext(&context);
    record.ExceptionCode = (DWORD)STATUS_HEAP_CORRUPTION;
    record.ExceptionFlags = EXCEPTION_NONCONTINUABLE;
    record.ExceptionAddress = (PVOID)heap_corruption;
    record.NumberParameters = 1;
    record.ExceptionInformation[0] = (ULONG_PTR)&heap_failure;
    NtRaiseException(&record, &context, FALSE);
    NtTerminateProcess(NtCurrentProcess(), STATUS_HEAP_CORRUPTION);
    __builtin_trap();
}

/* NULL, or STATUS_NO_MEMORY raised under HEAP_GENERATE_EXCEPTIONS. */
static PVOID no_memory(heap *h, ULONG flags, SIZE_T size)
{
    if ((flags | h->flags) & HEAP_GENERATE_EXCEPTIONS) {
        EXCEPTION_RECORD record = {0};
        record.ExceptionCode = (DWORD)STATUS_NO_MEMORY;
        record.NumberParameters = 1;
        record.ExceptionInformation[0] = size;
        RtlRaiseException(&record);
    }
    return NULL;
}

/* The header of the busy block at `p` of heap h, or NULL when p is not one. */
static heap_block *busy_block(heap *h, PVOID p)
{
    heap_block *b = (heap_block *)p - 1;

    if (!p || ((ULONG_PTR)p & (G - 1)))
        return NULL;
    for (LIST_ENTRY *l = h->big_blocks.Flink; l != &h->big_blocks; l = l->Flink)
        if (&((heap_big *)l)->block == b)
            return b->flags == (BLOCK_BUSY | BLOCK_VIRTUAL) && b->check == check_of(b) ? b : NULL;
    for (ULONG i = 0; i < h->segment_count; i++) {
        heap_segment *s = h->segments[i];
        if ((char *)b < s->first || (char *)b >= s->committed)
            continue;
        if (b->check != check_of(b) || b->flags != BLOCK_BUSY || b->segment != i || b->size < MIN_BLOCK
            || (char *)next_block(b) > s->committed
            || ((char *)next_block(b) < s->committed && next_block(b)->prev_size != b->size)
            || (char *)b - b->prev_size * G < s->first
            || (b->prev_size && ((heap_block *)((char *)b - b->prev_size * G))->size != b->prev_size))
            return NULL;
        return b;
    }
    return NULL;
}

static heap_big *big_of(heap_block *b)
{
    return CONTAINING_RECORD(b, heap_big, block);
}

static SIZE_T size_of(heap_block *b)
{
    return b->flags & BLOCK_VIRTUAL ? big_of(b)->requested : b->size * G - G - b->unused;
}

/* ---- Allocation ---------------------------------------------------------------------------------------- */

/* Granules of a block holding `size` bytes, or 0 when it is larger than any block. */
static ULONG granules(SIZE_T size)
{
    SIZE_T n;

    if (size > (SIZE_T)MAX_FREE * G)
        return 0;
    n = round_up(size, G) / G + 1;
    return (ULONG)(n < MIN_BLOCK ? MIN_BLOCK : n);
}

static PVOID allocate_big(heap *h, SIZE_T size)
{
    PVOID base = NULL;
    SIZE_T reserve;
    heap_big *big;

    if (!(h->flags & HEAP_GROWABLE) || size > ~(SIZE_T)0 - 0x20000)
        return NULL;
    reserve = round_up(size + sizeof(heap_big), PAGE);
    if (!NT_SUCCESS(NtAllocateVirtualMemory(NtCurrentProcess(), &base, 0, &reserve, MEM_RESERVE | MEM_COMMIT,
                                            h->protect)))
        return NULL;
    big = base;
    big->requested = size;
    big->committed = reserve;
    big->reserved = reserve;
    set_block(&big->block, 0, BLOCK_BUSY | BLOCK_VIRTUAL, 0, 0, 0);
    big->links.Flink = h->big_blocks.Flink;
    big->links.Blink = &h->big_blocks;
    h->big_blocks.Flink->Blink = &big->links;
    h->big_blocks.Flink = &big->links;
    return big + 1;
}

static PVOID allocate(heap *h, ULONG flags, SIZE_T size)
{
    ULONG n = granules(size);
    heap_block *b;

    if (!n || n > VM_THRESHOLD)
        return allocate_big(h, size);               /* its pages are zero */
    b = free_take(h, n);
    if (!b) {
        if (!grow(h, n))
            return NULL;
        b = free_take(h, n);
    }
    set_block(b, b->size, BLOCK_BUSY, b->prev_size, b->segment, 0);
    trim(h, b, b->size, n);
    set_block(b, b->size, BLOCK_BUSY, b->prev_size, b->segment, (UCHAR)(b->size * G - G - size));
    if (flags & HEAP_ZERO_MEMORY)
        zero(b + 1, size);
    return b + 1;
}

PVOID NTAPI RtlAllocateHeap(PVOID HeapHandle, ULONG Flags, SIZE_T Size)
{
    heap *h = heap_of(HeapHandle);
    PVOID p;

    if (!h)
        return NULL;
    lock(h, Flags);
    p = allocate(h, Flags, Size);
    unlock(h, Flags);
    return p ? p : no_memory(h, Flags, Size);
}

static void free_block(heap *h, heap_block *b)
{
    if (b->flags & BLOCK_VIRTUAL) {
        heap_big *big = big_of(b);
        PVOID base = big;
        SIZE_T size = 0;
        big->links.Blink->Flink = big->links.Flink;
        big->links.Flink->Blink = big->links.Blink;
        NtFreeVirtualMemory(NtCurrentProcess(), &base, &size, MEM_RELEASE);
        return;
    }
    b->flags = 0;
    release(h, b);
}

BOOLEAN NTAPI RtlFreeHeap(PVOID HeapHandle, ULONG Flags, PVOID BaseAddress)
{
    heap *h;
    heap_block *b;

    if (!BaseAddress)
        return TRUE;
    h = heap_of(HeapHandle);
    if (!h)
        return FALSE;
    lock(h, Flags);
    b = busy_block(h, BaseAddress);
    if (!b)
        heap_corruption(h, BaseAddress);
    free_block(h, b);
    unlock(h, Flags);
    return TRUE;
}

/* Resizes busy block b in place to hold `size` bytes; FALSE when it cannot. */
static BOOL resize_in_place(heap *h, heap_block *b, SIZE_T size)
{
    ULONG n = granules(size), total;
    heap_block *next;

    if (b->flags & BLOCK_VIRTUAL) {
        if (size > big_of(b)->committed - sizeof(heap_big))
            return FALSE;
        big_of(b)->requested = size;
        return TRUE;
    }
    if (!n || n > VM_THRESHOLD)
        return FALSE;
    next = next_block(b);
    total = b->size;
    if (n > b->size) {
        heap_segment *s = h->segments[b->segment];
        if ((char *)next >= s->committed || (next->flags & BLOCK_BUSY) || b->size + next->size < n)
            return FALSE;
        free_remove(h, next);                       /* b takes it, and gives back what it does not need */
        if (s->last == next)
            s->last = b;
        total += next->size;
        next->flags = 0;
        next->check = check_of(next);
    }
    trim(h, b, total, n);
    set_block(b, b->size, BLOCK_BUSY, b->prev_size, b->segment, (UCHAR)(b->size * G - G - size));
    return TRUE;
}

PVOID NTAPI RtlReAllocateHeap(PVOID HeapHandle, ULONG Flags, PVOID BaseAddress, SIZE_T Size)
{
    heap *h;
    heap_block *b;
    SIZE_T old;
    PVOID p = BaseAddress;

    if (!BaseAddress)
        return NULL;
    h = heap_of(HeapHandle);
    if (!h)
        return NULL;
    lock(h, Flags);
    b = busy_block(h, BaseAddress);
    if (!b)
        heap_corruption(h, BaseAddress);
    old = size_of(b);
    if (!resize_in_place(h, b, Size)) {
        p = NULL;
        if (!(Flags & HEAP_REALLOC_IN_PLACE_ONLY)) {
            p = allocate(h, Flags & ~HEAP_ZERO_MEMORY, Size);
            if (p) {
                copy(p, BaseAddress, old < Size ? old : Size);
                free_block(h, b);
            }
        }
    }
    if (p && (Flags & HEAP_ZERO_MEMORY) && Size > old)
        zero((char *)p + old, Size - old);
    unlock(h, Flags);
    return p ? p : no_memory(h, Flags, Size);
}

SIZE_T NTAPI RtlSizeHeap(PVOID HeapHandle, ULONG Flags, PVOID BaseAddress)
{
    heap *h = heap_of(HeapHandle);
    heap_block *b;
    SIZE_T size = (SIZE_T)-1;

    if (!h)
        return size;
    lock(h, Flags);
    b = busy_block(h, BaseAddress);
    if (b)
        size = size_of(b);
    unlock(h, Flags);
    return size;
}

/* Every block of every segment chains and checks, every free list holds free blocks of its size. */
static BOOLEAN valid_heap(heap *h)
{
    for (ULONG i = 0; i < h->segment_count; i++) {
        heap_segment *s = h->segments[i];
        ULONG prev = 0;
        char *p = s->first;
        while (p < s->committed) {
            heap_block *b = (heap_block *)p;
            if (b->check != check_of(b) || b->prev_size != prev || b->segment != i || b->size < MIN_BLOCK)
                return FALSE;
            prev = b->size;
            p += b->size * G;
        }
        if (p != s->committed || (heap_block *)(p - prev * G) != s->last)
            return FALSE;
    }
    for (ULONG list = 0; list < LISTS; list++)
        for (LIST_ENTRY *l = h->free_lists[list].Flink; l != &h->free_lists[list]; l = l->Flink) {
            heap_block *b = block_of_links(l);
            if ((b->flags & BLOCK_BUSY) || (list ? b->size != list : b->size < LISTS) || l->Flink->Blink != l)
                return FALSE;
        }
    return TRUE;
}

BOOLEAN NTAPI RtlValidateHeap(PVOID HeapHandle, ULONG Flags, PVOID BaseAddress)
{
    heap *h = heap_of(HeapHandle);
    BOOLEAN ok;

    if (!h)
        return FALSE;
    lock(h, Flags);
    ok = BaseAddress ? busy_block(h, BaseAddress) != NULL : valid_heap(h);
    unlock(h, Flags);
    return ok;
}

BOOLEAN NTAPI RtlLockHeap(PVOID HeapHandle)
{
    heap *h = heap_of(HeapHandle);

    if (!h)
        return FALSE;
    RtlEnterCriticalSection(&h->lock);
    return TRUE;
}

BOOLEAN NTAPI RtlUnlockHeap(PVOID HeapHandle)
{
    heap *h = heap_of(HeapHandle);

    if (!h)
        return FALSE;
    RtlLeaveCriticalSection(&h->lock);
    return TRUE;
}

SIZE_T NTAPI RtlCompactHeap(PVOID HeapHandle, ULONG Flags)
{
    heap *h = heap_of(HeapHandle);
    SIZE_T largest = 0;

    if (!h)
        return 0;
    lock(h, Flags);
    for (ULONG list = 0; list < LISTS; list++)
        for (LIST_ENTRY *l = h->free_lists[list].Flink; l != &h->free_lists[list]; l = l->Flink)
            if (block_of_links(l)->size * G - G > largest)
                largest = block_of_links(l)->size * G - G;
    unlock(h, Flags);
    return largest;
}

/* ---- Information --------------------------------------------------------------------------------------- */

DWORD NTAPI RtlQueryHeapInformation(PVOID HeapHandle, HEAP_INFORMATION_CLASS HeapInformationClass,
                                    PVOID HeapInformation, SIZE_T HeapInformationLength, PSIZE_T ReturnLength)
{
    heap *h;

    if (HeapInformationClass != HeapCompatibilityInformation)
        return (DWORD)STATUS_INVALID_PARAMETER;
    h = heap_of(HeapHandle);
    if (!h)
        return (DWORD)STATUS_INVALID_PARAMETER;
    if (ReturnLength)
        *ReturnLength = sizeof(ULONG);
    if (HeapInformationLength < sizeof(ULONG))
        return (DWORD)STATUS_BUFFER_TOO_SMALL;
    *(ULONG *)HeapInformation = h->compatibility;
    return STATUS_SUCCESS;
}

DWORD NTAPI RtlSetHeapInformation(PVOID HeapHandle, HEAP_INFORMATION_CLASS HeapInformationClass,
                                  PVOID HeapInformation, SIZE_T HeapInformationLength)
{
    heap *h;

    if (HeapInformationClass == HeapEnableTerminationOnCorruption)
        return STATUS_SUCCESS;                      /* always on */
    if (HeapInformationClass == HeapOptimizeResources)  /* no caches to trim, nothing decommitted */
        return HeapInformationLength == sizeof(HEAP_OPTIMIZE_RESOURCES_INFORMATION)
               && ((HEAP_OPTIMIZE_RESOURCES_INFORMATION *)HeapInformation)->Version
                  == HEAP_OPTIMIZE_RESOURCES_CURRENT_VERSION ? STATUS_SUCCESS : (DWORD)STATUS_INVALID_PARAMETER;
    if (HeapInformationClass != HeapCompatibilityInformation)
        return (DWORD)STATUS_INVALID_PARAMETER;
    h = heap_of(HeapHandle);
    if (!h || HeapInformationLength < sizeof(ULONG) || *(ULONG *)HeapInformation != HEAP_LFH
        || (h->flags & (HEAP_NO_SERIALIZE | HEAP_GROWABLE)) != HEAP_GROWABLE)
        return (DWORD)STATUS_INVALID_PARAMETER;
    h->compatibility = HEAP_LFH;
    return STATUS_SUCCESS;
}

/* ---- RtlWalkHeap --------------------------------------------------------------------------------------- */

static char *segment_base(heap *h, heap_segment *s)
{
    return s == &h->first_segment ? (char *)h : (char *)s;
}

/* The entry of segment i, or of the first block of its own when there are no more segments. */
static NTSTATUS walk_segment(heap *h, ULONG i, PRTL_HEAP_WALK_ENTRY e);

static NTSTATUS walk_big(heap *h, LIST_ENTRY *l, PRTL_HEAP_WALK_ENTRY e)
{
    heap_big *big = (heap_big *)l;

    if (l == &h->big_blocks)
        return STATUS_NO_MORE_ENTRIES;
    e->DataAddress = big + 1;
    e->DataSize = big->requested;
    e->OverheadBytes = sizeof *big;
    e->SegmentIndex = 0;
    e->Flags = RTL_HEAP_BUSY;
    return STATUS_SUCCESS;
}

static NTSTATUS walk_block(heap *h, heap_segment *s, heap_block *b, PRTL_HEAP_WALK_ENTRY e)
{
    if ((char *)b >= s->committed) {
        if (s->committed == s->end)
            return walk_segment(h, s->index + 1, e);
        e->DataAddress = s->committed;
        e->DataSize = s->end - s->committed;
        e->OverheadBytes = 0;
        e->SegmentIndex = (UCHAR)s->index;
        e->Flags = RTL_HEAP_UNCOMMITTED_RANGE;
        return STATUS_SUCCESS;
    }
    e->DataAddress = b + 1;
    e->DataSize = b->flags & BLOCK_BUSY ? size_of(b) : b->size * G - G;
    e->OverheadBytes = (UCHAR)(b->size * G - e->DataSize);
    e->SegmentIndex = (UCHAR)s->index;
    e->Flags = b->flags & BLOCK_BUSY ? RTL_HEAP_BUSY : 0;
    return STATUS_SUCCESS;
}

static NTSTATUS walk_segment(heap *h, ULONG i, PRTL_HEAP_WALK_ENTRY e)
{
    heap_segment *s;

    if (i >= h->segment_count)
        return walk_big(h, h->big_blocks.Flink, e);
    s = h->segments[i];
    e->DataAddress = segment_base(h, s);
    e->DataSize = s->first - segment_base(h, s);
    e->OverheadBytes = 0;
    e->SegmentIndex = (UCHAR)i;
    e->Flags = RTL_HEAP_SEGMENT;
    e->Segment.CommittedSize = (ULONG)(s->committed - segment_base(h, s));
    e->Segment.UnCommittedSize = (ULONG)(s->end - s->committed);
    e->Segment.FirstEntry = s->first;
    e->Segment.LastEntry = s->end;
    return STATUS_SUCCESS;
}

NTSTATUS NTAPI RtlWalkHeap(PVOID HeapHandle, PRTL_HEAP_WALK_ENTRY Entry)
{
    heap *h = heap_of(HeapHandle);
    char *at = Entry->DataAddress;

    if (!h)
        return STATUS_INVALID_PARAMETER;
    if (!at)
        return walk_segment(h, 0, Entry);
    if (Entry->Flags & (RTL_HEAP_SEGMENT | RTL_HEAP_UNCOMMITTED_RANGE)) {
        ULONG i = Entry->SegmentIndex;
        if (i >= h->segment_count)
            return STATUS_INVALID_PARAMETER;
        return Entry->Flags & RTL_HEAP_SEGMENT ? walk_block(h, h->segments[i], (heap_block *)h->segments[i]->first,
                                                            Entry)
                                               : walk_segment(h, i + 1, Entry);
    }
    for (LIST_ENTRY *l = h->big_blocks.Flink; l != &h->big_blocks; l = l->Flink)
        if ((char *)((heap_big *)l + 1) == at)
            return walk_big(h, l->Flink, Entry);
    for (ULONG i = 0; i < h->segment_count; i++) {
        heap_segment *s = h->segments[i];
        if (at > s->first && at <= s->committed)
            return walk_block(h, s, next_block((heap_block *)at - 1), Entry);
    }
    return STATUS_INVALID_PARAMETER;
}

/* ---- Heaps --------------------------------------------------------------------------------------------- */

/* Enters heap h in the PEB's list, which is copied into a twice larger array when full. */
static void list_add(heap *h)
{
    ULONG count;

    RtlEnterCriticalSection(&heap_list_lock);
    count = PEB_FIELD(ULONG, PEB_NUMBER_OF_HEAPS);
    if (count == PEB_FIELD(ULONG, PEB_MAXIMUM_NUMBER_OF_HEAPS)) {
        PVOID *larger = RtlAllocateHeap(PEB_FIELD(PVOID, PEB_PROCESS_HEAP), 0, 2 * count * sizeof(PVOID));
        if (!larger) {
            RtlLeaveCriticalSection(&heap_list_lock);
            return;
        }
        copy(larger, PEB_FIELD(PVOID *, PEB_PROCESS_HEAPS), count * sizeof(PVOID));
        PEB_FIELD(PVOID *, PEB_PROCESS_HEAPS) = larger;
        PEB_FIELD(ULONG, PEB_MAXIMUM_NUMBER_OF_HEAPS) = 2 * count;
    }
    PEB_FIELD(PVOID *, PEB_PROCESS_HEAPS)[count] = h;
    PEB_FIELD(ULONG, PEB_NUMBER_OF_HEAPS) = count + 1;
    h->list_index = count + 1;
    RtlLeaveCriticalSection(&heap_list_lock);
}

static void list_remove(heap *h)
{
    PVOID *heaps;
    ULONG count;

    if (!h->list_index)
        return;
    RtlEnterCriticalSection(&heap_list_lock);
    heaps = PEB_FIELD(PVOID *, PEB_PROCESS_HEAPS);
    count = PEB_FIELD(ULONG, PEB_NUMBER_OF_HEAPS);
    for (ULONG i = h->list_index; i < count; i++) {
        heaps[i - 1] = heaps[i];
        ((heap *)heaps[i - 1])->list_index = i;
    }
    heaps[count - 1] = NULL;
    PEB_FIELD(ULONG, PEB_NUMBER_OF_HEAPS) = count - 1;
    RtlLeaveCriticalSection(&heap_list_lock);
}

PVOID NTAPI RtlCreateHeap(ULONG Flags, PVOID HeapBase, SIZE_T ReserveSize, SIZE_T CommitSize, PVOID Lock,
                          PVOID Parameters)
{
    SIZE_T reserve, commit, least = round_up(round_up(sizeof(heap), G) + MIN_BLOCK * G, PAGE);
    ULONG protect = Flags & HEAP_CREATE_ENABLE_EXECUTE ? PAGE_EXECUTE_READWRITE : PAGE_READWRITE;
    PVOID base = NULL;
    heap *h;

    (void)Lock;
    (void)Parameters;
    if (HeapBase || ReserveSize > ~(SIZE_T)0 - 0x10000 || CommitSize > ~(SIZE_T)0 - 0x10000)
        return NULL;
    if (!ReserveSize) {
        commit = CommitSize ? round_up(CommitSize, PAGE) : PAGE;
        reserve = CommitSize ? round_up(commit, 16 * PAGE) : 64 * PAGE;
    } else {
        reserve = round_up(ReserveSize, PAGE);
        commit = CommitSize ? round_up(CommitSize, PAGE) : PAGE;
        if (commit > reserve)
            commit = reserve;
    }
    if (reserve < least)                            /* room for the heap's structure and one block */
        reserve = least;
    if (commit < least)
        commit = least;
    if (!NT_SUCCESS(NtAllocateVirtualMemory(NtCurrentProcess(), &base, 0, &reserve, MEM_RESERVE, protect))
        || !commit_start(base, commit, protect))
        return NULL;
    h = base;
    h->signature = HEAP_SIGNATURE;
    h->flags = Flags & (HEAP_GROWABLE | HEAP_NO_SERIALIZE | HEAP_GENERATE_EXCEPTIONS | HEAP_CREATE_ENABLE_EXECUTE);
    h->protect = protect;
    h->segment_commit = PEB_FIELD(SIZE_T, PEB_HEAP_SEGMENT_COMMIT);
    h->next_reserve = SEGMENT_GROWTH > reserve ? SEGMENT_GROWTH : reserve * 2;
    RtlInitializeCriticalSectionEx(&h->lock, 0, 0);
    h->big_blocks.Flink = h->big_blocks.Blink = &h->big_blocks;
    for (ULONG i = 0; i < LISTS; i++)
        h->free_lists[i].Flink = h->free_lists[i].Blink = &h->free_lists[i];
    new_segment(h, base, reserve, commit);
    list_add(h);
    return h;
}

PVOID NTAPI RtlDestroyHeap(PVOID HeapHandle)
{
    heap *h = heap_of(HeapHandle);

    if (!h || HeapHandle == PEB_FIELD(PVOID, PEB_PROCESS_HEAP))
        return HeapHandle;
    list_remove(h);
    while (h->big_blocks.Flink != &h->big_blocks)
        free_block(h, &((heap_big *)h->big_blocks.Flink)->block);
    RtlDeleteCriticalSection(&h->lock);
    for (ULONG i = h->segment_count; i-- > 0; ) {
        PVOID base = h->segments[i] == &h->first_segment ? (PVOID)h : (PVOID)h->segments[i];
        SIZE_T size = 0;
        NtFreeVirtualMemory(NtCurrentProcess(), &base, &size, MEM_RELEASE);
    }
    return NULL;
}

ULONG NTAPI RtlGetProcessHeaps(ULONG NumberOfHeaps, PVOID *ProcessHeaps)
{
    ULONG count;

    RtlEnterCriticalSection(&heap_list_lock);
    count = PEB_FIELD(ULONG, PEB_NUMBER_OF_HEAPS);
    for (ULONG i = 0; i < count && i < NumberOfHeaps; i++)
        ProcessHeaps[i] = PEB_FIELD(PVOID *, PEB_PROCESS_HEAPS)[i];
    RtlLeaveCriticalSection(&heap_list_lock);
    return count;
}

BOOL rtl_create_process_heap(void)
{
    IMAGE_NT_HEADERS *nt = ldr_nt_headers(nt_current_teb()->Peb->ImageBaseAddress);

    PVOID heap = RtlCreateHeap(HEAP_GROWABLE | HEAP_CLASS_0, NULL, nt->OptionalHeader.SizeOfHeapReserve,
                               nt->OptionalHeader.SizeOfHeapCommit, NULL, NULL);

    PEB_FIELD(PVOID, PEB_PROCESS_HEAP) = heap;
    return heap != NULL;
}
