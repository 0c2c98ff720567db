/*
 * kernel32: virtual memory.
 */
#define _KERNEL32_          /* windows.h declares our own exports without dllimport */
#include "k32.h"

/* ---- Memory ------------------------------------------------------------------------------------------- */

LPVOID WINAPI VirtualAlloc(LPVOID address, SIZE_T size, DWORD type, DWORD protect)
{
    PVOID base = address;
    SIZE_T region = size;
    NTSTATUS status = NtAllocateVirtualMemory(NtCurrentProcess(), &base, 0, &region, type, protect);
    if (!NT_SUCCESS(status)) {
        fail_status(status);
        return NULL;
    }
    return base;
}

BOOL WINAPI VirtualFree(LPVOID address, SIZE_T size, DWORD type)
{
    PVOID base = address;
    SIZE_T region = size;
    NTSTATUS status;

    if ((type & MEM_RELEASE) && size != 0) {
        SetLastError(ERROR_INVALID_PARAMETER);
        return FALSE;
    }
    status = NtFreeVirtualMemory(NtCurrentProcess(), &base, &region, type);
    if (!NT_SUCCESS(status))
        return fail_status(status);
    return TRUE;
}
