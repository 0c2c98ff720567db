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
