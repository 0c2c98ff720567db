/*
 * kernel32: the heap functions of heapapi.h on top of ntdll's heap (guest/ntdll/heap.c). HeapAlloc, HeapReAlloc
 * and HeapSize are forwarders to ntdll's RtlAllocateHeap, RtlReAllocateHeap and RtlSizeHeap, as Windows' are
 * (exports/heap.def); the others are here because they turn a BOOLEAN, a status or a NULL into Windows' BOOL and
 * last error, as kernelbase does:
 * - HeapCreate keeps HEAP_GENERATE_EXCEPTIONS, HEAP_NO_SERIALIZE and HEAP_CREATE_ENABLE_EXECUTE; a maximum size of
 *   0 makes the heap growable, one below a page is a page, an initial size above the maximum raises the maximum
 *   to it. A heap that cannot be created is ERROR_NOT_ENOUGH_MEMORY.
 * - HeapDestroy of the process heap (or of something that is no heap) is FALSE with ERROR_INVALID_HANDLE.
 * - HeapCompact returns the largest free block; 0 leaves NO_ERROR as the last error, as documented.
 * - HeapSetInformation and HeapQueryInformation fail with the Win32 error of ntdll's status.
 * - HeapWalk is RtlWalkHeap's walk with PROCESS_HEAP_ENTRY's flags: PROCESS_HEAP_REGION for a segment (with its
 *   committed and uncommitted sizes and its first and last addresses), PROCESS_HEAP_ENTRY_BUSY for a busy block,
 *   PROCESS_HEAP_UNCOMMITTED_RANGE, 0 for a free block; at the end FALSE with ERROR_NO_MORE_ITEMS. Moveable memory
 *   is not marked PROCESS_HEAP_ENTRY_MOVEABLE.
 */
#define _KERNEL32_          /* windows.h declares our own exports without dllimport */
#include "k32.h"

#define PAGE 0x1000

HANDLE WINAPI HeapCreate(DWORD flOptions, SIZE_T dwInitialSize, SIZE_T dwMaximumSize)
{
    ULONG flags = (flOptions & (HEAP_GENERATE_EXCEPTIONS | HEAP_NO_SERIALIZE | HEAP_CREATE_ENABLE_EXECUTE))
                  | HEAP_CLASS_1;
    HANDLE heap;

    if (dwMaximumSize < PAGE) {
        if (dwMaximumSize)
            dwMaximumSize = PAGE;
        else
            flags |= HEAP_GROWABLE;
    }
    if (!(flags & HEAP_GROWABLE) && dwInitialSize > dwMaximumSize)
        dwMaximumSize = dwInitialSize;
    heap = RtlCreateHeap(flags, NULL, dwMaximumSize, dwInitialSize, NULL, NULL);
    if (!heap)
        SetLastError(ERROR_NOT_ENOUGH_MEMORY);
    return heap;
}

BOOL WINAPI HeapDestroy(HANDLE hHeap)
{
    if (!RtlDestroyHeap(hHeap))
        return TRUE;
    SetLastError(ERROR_INVALID_HANDLE);
    return FALSE;
}

BOOL WINAPI HeapFree(HANDLE hHeap, DWORD dwFlags, LPVOID lpMem)
{
    return RtlFreeHeap(hHeap, dwFlags, lpMem) ? TRUE : FALSE;
}

BOOL WINAPI HeapValidate(HANDLE hHeap, DWORD dwFlags, LPCVOID lpMem)
{
    return RtlValidateHeap(hHeap, dwFlags, (PVOID)lpMem) ? TRUE : FALSE;
}

SIZE_T WINAPI HeapCompact(HANDLE hHeap, DWORD dwFlags)
{
    SIZE_T largest = RtlCompactHeap(hHeap, dwFlags);

    if (!largest)
        SetLastError(ERROR_SUCCESS);
    return largest;
}

BOOL WINAPI HeapLock(HANDLE hHeap)
{
    return RtlLockHeap(hHeap) ? TRUE : FALSE;
}

BOOL WINAPI HeapUnlock(HANDLE hHeap)
{
    return RtlUnlockHeap(hHeap) ? TRUE : FALSE;
}

BOOL WINAPI HeapSetInformation(HANDLE HeapHandle, HEAP_INFORMATION_CLASS HeapInformationClass,
                               PVOID HeapInformation, SIZE_T HeapInformationLength)
{
    NTSTATUS status = (NTSTATUS)RtlSetHeapInformation(HeapHandle, HeapInformationClass, HeapInformation,
                                                      HeapInformationLength);
    return NT_SUCCESS(status) ? TRUE : fail_status(status);
}

BOOL WINAPI HeapQueryInformation(HANDLE HeapHandle, HEAP_INFORMATION_CLASS HeapInformationClass,
                                 PVOID HeapInformation, SIZE_T HeapInformationLength, PSIZE_T ReturnLength)
{
    NTSTATUS status = (NTSTATUS)RtlQueryHeapInformation(HeapHandle, HeapInformationClass, HeapInformation,
                                                        HeapInformationLength, ReturnLength);
    return NT_SUCCESS(status) ? TRUE : fail_status(status);
}

HANDLE WINAPI GetProcessHeap(void)
{
    return PEB_FIELD(HANDLE, PEB_PROCESS_HEAP);
}

DWORD WINAPI GetProcessHeaps(DWORD NumberOfHeaps, PHANDLE ProcessHeaps)
{
    return RtlGetProcessHeaps(NumberOfHeaps, ProcessHeaps);
}

BOOL WINAPI HeapWalk(HANDLE hHeap, LPPROCESS_HEAP_ENTRY lpEntry)
{
    RTL_HEAP_WALK_ENTRY e = {0};
    NTSTATUS status;

    e.DataAddress = lpEntry->lpData;
    e.SegmentIndex = lpEntry->iRegionIndex;
    e.Flags = (lpEntry->wFlags & PROCESS_HEAP_REGION ? RTL_HEAP_SEGMENT : 0)
              | (lpEntry->wFlags & PROCESS_HEAP_UNCOMMITTED_RANGE ? RTL_HEAP_UNCOMMITTED_RANGE : 0)
              | (lpEntry->wFlags & PROCESS_HEAP_ENTRY_BUSY ? RTL_HEAP_BUSY : 0);
    status = RtlWalkHeap(hHeap, &e);
    if (status == STATUS_NO_MORE_ENTRIES) {
        SetLastError(ERROR_NO_MORE_ITEMS);
        return FALSE;
    }
    if (!NT_SUCCESS(status))
        return fail_status(status);
    lpEntry->lpData = e.DataAddress;
    lpEntry->cbData = (DWORD)e.DataSize;
    lpEntry->cbOverhead = e.OverheadBytes;
    lpEntry->iRegionIndex = e.SegmentIndex;
    lpEntry->Block.hMem = NULL;
    lpEntry->Block.dwReserved[0] = lpEntry->Block.dwReserved[1] = lpEntry->Block.dwReserved[2] = 0;
    if (e.Flags & RTL_HEAP_SEGMENT) {
        lpEntry->wFlags = PROCESS_HEAP_REGION;
        lpEntry->Region.dwCommittedSize = e.Segment.CommittedSize;
        lpEntry->Region.dwUnCommittedSize = e.Segment.UnCommittedSize;
        lpEntry->Region.lpFirstBlock = e.Segment.FirstEntry;
        lpEntry->Region.lpLastBlock = e.Segment.LastEntry;
    } else if (e.Flags & RTL_HEAP_UNCOMMITTED_RANGE)
        lpEntry->wFlags = PROCESS_HEAP_UNCOMMITTED_RANGE;
    else
        lpEntry->wFlags = e.Flags & RTL_HEAP_BUSY ? PROCESS_HEAP_ENTRY_BUSY : 0;
    return TRUE;
}
