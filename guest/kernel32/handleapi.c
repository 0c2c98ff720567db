/*
 * kernel32: handles (duplication, flags, comparison). CloseHandle is in fileapi.c.
 */
#define _KERNEL32_          /* windows.h declares our own exports without dllimport */
#include "k32.h"

/* ---- Handles ------------------------------------------------------------------------------------------- */

BOOL WINAPI DuplicateHandle(HANDLE source_process, HANDLE source, HANDLE target_process, LPHANDLE target,
                            DWORD access, BOOL inherit, DWORD options)
{
    NTSTATUS status = NtDuplicateObject(source_process, source, target_process, target, access,
                                        inherit ? OBJ_INHERIT : 0, options);
    if (!NT_SUCCESS(status))
        return fail_status(status);
    return TRUE;
}

static BOOL query_flags(HANDLE handle, OBJECT_HANDLE_FLAG_INFORMATION *info)
{
    NTSTATUS status = NtQueryObject(handle, ObjectHandleFlagInformation, info, sizeof *info, NULL);
    if (!NT_SUCCESS(status))
        return fail_status(status);
    return TRUE;
}

BOOL WINAPI GetHandleInformation(HANDLE handle, LPDWORD flags)
{
    OBJECT_HANDLE_FLAG_INFORMATION info;
    if (!query_flags(handle, &info))
        return FALSE;
    *flags = (info.Inherit ? HANDLE_FLAG_INHERIT : 0) | (info.ProtectFromClose ? HANDLE_FLAG_PROTECT_FROM_CLOSE : 0);
    return TRUE;
}

BOOL WINAPI SetHandleInformation(HANDLE handle, DWORD mask, DWORD flags)
{
    OBJECT_HANDLE_FLAG_INFORMATION info;
    NTSTATUS status;
    if (!query_flags(handle, &info))
        return FALSE;
    if (mask & HANDLE_FLAG_INHERIT)
        info.Inherit = (flags & HANDLE_FLAG_INHERIT) != 0;
    if (mask & HANDLE_FLAG_PROTECT_FROM_CLOSE)
        info.ProtectFromClose = (flags & HANDLE_FLAG_PROTECT_FROM_CLOSE) != 0;
    status = NtSetInformationObject(handle, ObjectHandleFlagInformation, &info, sizeof info);
    if (!NT_SUCCESS(status))
        return fail_status(status);
    return TRUE;
}

/* Windows 10: TRUE when both handles name the same object. */
BOOL WINAPI CompareObjectHandles(HANDLE first, HANDLE second)
{
    NTSTATUS status = NtCompareObjects(first, second);
    if (!NT_SUCCESS(status))
        return fail_status(status);
    return TRUE;
}
