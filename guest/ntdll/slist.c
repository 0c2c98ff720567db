/*
 * Interlocked singly linked lists (SLists): RtlInitializeSListHead, RtlFirstEntrySList, RtlQueryDepthSList,
 * RtlInterlockedPushEntrySList, RtlInterlockedPopEntrySList, RtlInterlockedFlushSList and
 * RtlInterlockedPushListSListEx; kernel32's InitializeSListHead, InterlockedPushEntrySList, ... forward to them, as
 * Windows' do.
 *
 * The header is Windows' in each width, changed with one compare-and-exchange of the whole header:
 * - x86 (8 bytes, cmpxchg8b): Next (the first entry), Depth (16 bits), Sequence (16 bits, counted up by each push
 *   and each pop, so that a pop that read a Next since popped and pushed again fails its exchange: the ABA problem).
 * - x64 (16 bytes, cmpxchg16b; Windows 8's layout): the low quadword holds Depth (16 bits) and Sequence (48 bits),
 *   the high one the first entry's address shifted right by 4 (bits 4-63; bits 0-3 reserved). Entries and headers
 *   are 16-byte aligned (MEMORY_ALLOCATION_ALIGNMENT), as Windows requires.
 * A pop reads the first entry's Next before its exchange; Windows' pop survives that entry having been freed by
 * another thread meanwhile (a fault there is retried); with one thread per process today that cannot happen here.
 */
#define _NTSYSTEM_                                  /* winnt.h declares ntdll's functions without dllimport */
#include "ldr.h"

#ifdef _WIN64
typedef struct {
    ULONGLONG low, high;
} header_t;

#define DEPTH(h)        ((USHORT)(h).low)
#define SEQUENCE(h)     ((h).low >> 16)
#define FIRST(h)        ((PSLIST_ENTRY)(ULONG_PTR)((h).high & ~0xFULL))

static header_t make(PSLIST_ENTRY first, ULONG depth, ULONGLONG sequence)
{
    header_t h = { (depth & 0xFFFF) | (sequence << 16), (ULONGLONG)(ULONG_PTR)first };
    return h;
}

static BOOL exchange(volatile header_t *target, header_t want, header_t with)
{
    unsigned char done;
    __asm__ __volatile__ ("lock cmpxchg16b %1\n\tsete %0"
                          : "=q" (done), "+m" (*target), "+a" (want.low), "+d" (want.high)
                          : "b" (with.low), "c" (with.high) : "memory", "cc");
    return done;
}
#else
typedef union {
    ULONGLONG value;
    struct {
        PSLIST_ENTRY first;
        USHORT depth, sequence;
    } f;
} header_t;

#define DEPTH(h)        ((h).f.depth)
#define SEQUENCE(h)     ((h).f.sequence)
#define FIRST(h)        ((h).f.first)

static header_t make(PSLIST_ENTRY first, ULONG depth, ULONG sequence)
{
    header_t h;
    h.f.first = first;
    h.f.depth = (USHORT)depth;
    h.f.sequence = (USHORT)sequence;
    return h;
}

static BOOL exchange(volatile header_t *target, header_t want, header_t with)
{
    return __sync_bool_compare_and_swap(&target->value, want.value, with.value);
}
#endif

/* A consistent copy of the header: read, then confirmed by an exchange with itself. */
static header_t snapshot(volatile header_t *target)
{
    header_t h;
    do
        h = *(header_t *)target;
    while (!exchange(target, h, h));
    return h;
}

void NTAPI RtlInitializeSListHead(PSLIST_HEADER ListHead)
{
    volatile header_t *target = (volatile header_t *)ListHead;
    *(header_t *)target = make(NULL, 0, 0);
}

PSLIST_ENTRY NTAPI RtlFirstEntrySList(const SLIST_HEADER *ListHead)
{
    return FIRST(snapshot((volatile header_t *)ListHead));
}

USHORT NTAPI RtlQueryDepthSList(PSLIST_HEADER ListHead)
{
    return DEPTH(snapshot((volatile header_t *)ListHead));
}

/* Push the chain first..last (count entries, linked through Next) in one exchange; the old first entry. */
static PSLIST_ENTRY push_chain(PSLIST_HEADER ListHead, PSLIST_ENTRY first, PSLIST_ENTRY last, ULONG count)
{
    volatile header_t *target = (volatile header_t *)ListHead;
    header_t old;

    do {
        old = *(header_t *)target;                  /* a torn read fails the exchange and is read again */
        last->Next = FIRST(old);
    } while (!exchange(target, old, make(first, DEPTH(old) + count, SEQUENCE(old) + 1)));
    return FIRST(old);
}

PSLIST_ENTRY NTAPI RtlInterlockedPushEntrySList(PSLIST_HEADER ListHead, PSLIST_ENTRY ListEntry)
{
    return push_chain(ListHead, ListEntry, ListEntry, 1);
}

PSLIST_ENTRY NTAPI RtlInterlockedPushListSListEx(PSLIST_HEADER ListHead, PSLIST_ENTRY List, PSLIST_ENTRY ListEnd,
                                                 ULONG Count)
{
    return push_chain(ListHead, List, ListEnd, Count);
}

/* Take the first entry (`all` FALSE) or the whole list (`all` TRUE) in one exchange; NULL when it is empty. */
static PSLIST_ENTRY take(PSLIST_HEADER ListHead, BOOL all)
{
    volatile header_t *target = (volatile header_t *)ListHead;
    header_t old;

    do {
        old = *(header_t *)target;
        if (!FIRST(old))
            return NULL;
    } while (!exchange(target, old, all ? make(NULL, 0, SEQUENCE(old) + 1)
                                        : make(FIRST(old)->Next, DEPTH(old) - 1, SEQUENCE(old) + 1)));
    return FIRST(old);
}

PSLIST_ENTRY NTAPI RtlInterlockedPopEntrySList(PSLIST_HEADER ListHead)
{
    return take(ListHead, FALSE);
}

PSLIST_ENTRY NTAPI RtlInterlockedFlushSList(PSLIST_HEADER ListHead)
{
    return take(ListHead, TRUE);
}
