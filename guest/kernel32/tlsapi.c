/*
 * kernel32: thread-local storage slots (TlsAlloc, TlsFree, TlsGetValue, TlsSetValue of processthreadsapi.h) and
 * fiber-local storage (FlsAlloc, FlsFree, FlsGetValue, FlsSetValue of fibersapi.h, over ntdll's fls.c).
 *
 * TLS slots are where Windows keeps them: 64 in TEB.TlsSlots and 1024 more in a block TEB.TlsExpansionSlots points
 * to (the process heap's, made at the first TlsSetValue of one), allocated by the bits of PEB.TlsBitmapBits and
 * PEB.TlsExpansionBitmapBits, lowest free first. TlsAlloc sets the new slot to NULL; out of slots it gives
 * TLS_OUT_OF_INDEXES with ERROR_NO_MORE_ITEMS. TlsGetValue and TlsSetValue take any index below 1088, allocated or
 * not, as Windows' do (an index past it: ERROR_INVALID_PARAMETER); TlsGetValue sets the last error to 0 when it
 * succeeds, which lets a caller tell a NULL value from a failure. TlsFree of an index not allocated:
 * ERROR_INVALID_PARAMETER. Windows' TlsFree also clears the slot in every other thread; the process has one.
 */
#define _KERNEL32_          /* windows.h declares our own exports without dllimport */
#include "k32.h"

#define TLS_EXPANSION_SLOTS         1024
#define TEB_TLS_SLOTS               NT_OFFSETS(0xE10, 0x1480)
#define TEB_TLS_EXPANSION_SLOTS     NT_OFFSETS(0xF94, 0x1780)
#define PEB_TLS_BITMAP_BITS         NT_OFFSETS(0x44, 0x80)      /* ULONG[2] */
#define PEB_TLS_EXPANSION_BITS      NT_OFFSETS(0x154, 0x240)    /* ULONG[32] */

NTSYSAPI NTSTATUS NTAPI RtlFlsAlloc(PFLS_CALLBACK_FUNCTION Callback, PULONG FlsIndex);
NTSYSAPI NTSTATUS NTAPI RtlFlsFree(ULONG FlsIndex);
NTSYSAPI NTSTATUS NTAPI RtlFlsGetValue(ULONG FlsIndex, PVOID *FlsData);
NTSYSAPI NTSTATUS NTAPI RtlFlsSetValue(ULONG FlsIndex, PVOID FlsData);

static PVOID *slots(void)
{
    return (PVOID *)((char *)nt_current_teb() + TEB_TLS_SLOTS);
}

static PVOID **expansion_slots(void)
{
    return (PVOID **)((char *)nt_current_teb() + TEB_TLS_EXPANSION_SLOTS);
}

/* The bitmap word and bit of an index (the two bitmaps read as one of 1088 bits). */
static ULONG *bitmap_word(DWORD index, ULONG *bit)
{
    char *peb = (char *)nt_current_teb()->Peb;

    *bit = 1u << (index % 32);
    if (index < TLS_MINIMUM_AVAILABLE)
        return (ULONG *)(peb + PEB_TLS_BITMAP_BITS) + index / 32;
    return (ULONG *)(peb + PEB_TLS_EXPANSION_BITS) + (index - TLS_MINIMUM_AVAILABLE) / 32;
}

/* Where the running thread keeps slot `index` (< 1088), or NULL for an expansion slot of a thread without the
 * block; `make` makes the block. */
static PVOID *slot(DWORD index, BOOL make)
{
    PVOID **expansion = expansion_slots();

    if (index < TLS_MINIMUM_AVAILABLE)
        return &slots()[index];
    if (!*expansion && make)
        *expansion = RtlAllocateHeap(PEB_FIELD(PVOID, PEB_PROCESS_HEAP), HEAP_ZERO_MEMORY,
                                     TLS_EXPANSION_SLOTS * sizeof(PVOID));
    return *expansion ? &(*expansion)[index - TLS_MINIMUM_AVAILABLE] : NULL;
}

DWORD WINAPI TlsAlloc(void)
{
    for (DWORD index = 0; index < TLS_MINIMUM_AVAILABLE + TLS_EXPANSION_SLOTS; index++) {
        ULONG bit, *word = bitmap_word(index, &bit);
        if (!(*word & bit)) {
            PVOID *where = slot(index, FALSE);
            *word |= bit;
            if (where)
                *where = NULL;
            return index;
        }
    }
    SetLastError(ERROR_NO_MORE_ITEMS);
    return TLS_OUT_OF_INDEXES;
}

BOOL WINAPI TlsFree(DWORD dwTlsIndex)
{
    ULONG bit, *word;
    PVOID *where;

    if (dwTlsIndex >= TLS_MINIMUM_AVAILABLE + TLS_EXPANSION_SLOTS || !(*(word = bitmap_word(dwTlsIndex, &bit)) & bit)) {
        SetLastError(ERROR_INVALID_PARAMETER);
        return FALSE;
    }
    if ((where = slot(dwTlsIndex, FALSE)))
        *where = NULL;
    *word &= ~bit;
    return TRUE;
}

LPVOID WINAPI TlsGetValue(DWORD dwTlsIndex)
{
    PVOID *where;

    if (dwTlsIndex >= TLS_MINIMUM_AVAILABLE + TLS_EXPANSION_SLOTS) {
        SetLastError(ERROR_INVALID_PARAMETER);
        return NULL;
    }
    where = slot(dwTlsIndex, FALSE);
    SetLastError(ERROR_SUCCESS);
    return where ? *where : NULL;
}

BOOL WINAPI TlsSetValue(DWORD dwTlsIndex, LPVOID lpTlsValue)
{
    PVOID *where;

    if (dwTlsIndex >= TLS_MINIMUM_AVAILABLE + TLS_EXPANSION_SLOTS) {
        SetLastError(ERROR_INVALID_PARAMETER);
        return FALSE;
    }
    if (!(where = slot(dwTlsIndex, TRUE))) {
        SetLastError(ERROR_NOT_ENOUGH_MEMORY);
        return FALSE;
    }
    *where = lpTlsValue;
    return TRUE;
}

DWORD WINAPI FlsAlloc(PFLS_CALLBACK_FUNCTION lpCallback)
{
    ULONG index;
    NTSTATUS status = RtlFlsAlloc(lpCallback, &index);

    if (!NT_SUCCESS(status)) {
        fail_status(status);
        return FLS_OUT_OF_INDEXES;
    }
    return index;
}

BOOL WINAPI FlsFree(DWORD dwFlsIndex)
{
    NTSTATUS status = RtlFlsFree(dwFlsIndex);
    return NT_SUCCESS(status) ? TRUE : fail_status(status);
}

PVOID WINAPI FlsGetValue(DWORD dwFlsIndex)
{
    PVOID value;
    NTSTATUS status = RtlFlsGetValue(dwFlsIndex, &value);

    if (!NT_SUCCESS(status)) {
        fail_status(status);
        return NULL;
    }
    SetLastError(ERROR_SUCCESS);
    return value;
}

BOOL WINAPI FlsSetValue(DWORD dwFlsIndex, PVOID lpFlsData)
{
    NTSTATUS status = RtlFlsSetValue(dwFlsIndex, lpFlsData);
    return NT_SUCCESS(status) ? TRUE : fail_status(status);
}
