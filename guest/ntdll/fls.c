/*
 * Fiber-local storage: RtlFlsAlloc, RtlFlsFree, RtlFlsGetValue and RtlFlsSetValue (Windows 10 2004 and later keep
 * FLS in ntdll; kernel32's FlsAlloc, ... call them and turn their statuses into last errors), and the callbacks
 * run when a thread's values end.
 *
 * As Windows 10: FLS_MAXIMUM_AVAILABLE (4080) indexes; index 0 is never given. An index has an optional callback,
 * called with a thread's non-NULL value when the index is freed (FlsFree) and when the thread ends -- here, the
 * process's one thread at ExitProcess, before the DLLs are detached (LdrShutdownProcess). An index not allocated
 * is STATUS_INVALID_PARAMETER for get, set and free. A thread's values are a heap block that TEB.FlsData points to,
 * made at its first FlsSetValue and grown to the highest index it sets; a value never set is NULL.
 * A fiber has its own values on Windows; fibers do not exist here, so a thread's values are its fiber's.
 */
#include "ldr.h"

#define FLS_MAXIMUM     4080
#define TEB_FLS_DATA    NT_OFFSETS(0xFB4, 0x17C8)

typedef struct {
    ULONG size;                                     /* slots */
    PVOID slots[];
} fls_data;

static ULONG used[(FLS_MAXIMUM + 31) / 32] = { 1 };  /* a bit per index; index 0 is taken, and not allocated */
static PFLS_CALLBACK_FUNCTION callbacks[FLS_MAXIMUM];

static fls_data **thread_data(void)
{
    return (fls_data **)((char *)nt_current_teb() + TEB_FLS_DATA);
}

static BOOL allocated(ULONG index)
{
    return index && index < FLS_MAXIMUM && (used[index / 32] >> (index % 32) & 1);
}

NTSTATUS NTAPI RtlFlsAlloc(PFLS_CALLBACK_FUNCTION Callback, PULONG FlsIndex)
{
    for (ULONG index = 1; index < FLS_MAXIMUM; index++)
        if (!allocated(index)) {
            fls_data *data = *thread_data();
            used[index / 32] |= 1u << (index % 32);
            callbacks[index] = Callback;
            if (data && index < data->size)
                data->slots[index] = NULL;
            *FlsIndex = index;
            return STATUS_SUCCESS;
        }
    return STATUS_NO_MEMORY;
}

NTSTATUS NTAPI RtlFlsGetValue(ULONG FlsIndex, PVOID *FlsData)
{
    fls_data *data = *thread_data();

    if (!allocated(FlsIndex))
        return STATUS_INVALID_PARAMETER;
    *FlsData = data && FlsIndex < data->size ? data->slots[FlsIndex] : NULL;
    return STATUS_SUCCESS;
}

NTSTATUS NTAPI RtlFlsSetValue(ULONG FlsIndex, PVOID FlsData)
{
    fls_data **where = thread_data(), *data = *where;

    if (!allocated(FlsIndex))
        return STATUS_INVALID_PARAMETER;
    if (!data || FlsIndex >= data->size) {
        ULONG size = FlsIndex + 1 > 64 ? FlsIndex + 1 : 64;
        PVOID heap = PEB_FIELD(PVOID, PEB_PROCESS_HEAP);
        fls_data *grown = data ? RtlReAllocateHeap(heap, HEAP_ZERO_MEMORY, data, sizeof *data + size * sizeof(PVOID))
                               : RtlAllocateHeap(heap, HEAP_ZERO_MEMORY, sizeof *data + size * sizeof(PVOID));
        if (!grown)
            return STATUS_NO_MEMORY;
        grown->size = size;
        *where = data = grown;
    }
    data->slots[FlsIndex] = FlsData;
    return STATUS_SUCCESS;
}

/* The callback of `index` with the running thread's value, which is then NULL. */
static void end_value(ULONG index)
{
    fls_data *data = *thread_data();
    PVOID value;

    if (!data || index >= data->size || !(value = data->slots[index]))
        return;
    data->slots[index] = NULL;
    if (callbacks[index])
        callbacks[index](value);
}

NTSTATUS NTAPI RtlFlsFree(ULONG FlsIndex)
{
    if (!allocated(FlsIndex))
        return STATUS_INVALID_PARAMETER;
    end_value(FlsIndex);
    used[FlsIndex / 32] &= ~(1u << (FlsIndex % 32));
    callbacks[FlsIndex] = NULL;
    return STATUS_SUCCESS;
}

/* Every value of the running thread's, in index order: those past its data's size are NULL (a callback may set a
 * value, and so grow the data: its size is read again at each index). */
void rtl_fls_thread_exit(void)
{
    fls_data *data;

    for (ULONG index = 1; (data = *thread_data()) != NULL && index < data->size; index++)
        if (allocated(index))
            end_value(index);
}
