/*
 * kernel32's switch of the WoW64 file system redirector, over ntdll's (wow64apiset.h).
 *
 * Wow64DisableWow64FsRedirection(&Old) disables redirection for the calling thread and gives the cookie that
 * Wow64RevertWow64FsRedirection(Old) takes to put the previous state back (the slot's value: 0 = enabled); the
 * older Wow64EnableWow64FsRedirection(Enable) sets the state. In a 64-bit process, which has no redirector, ntdll
 * answers STATUS_NOT_IMPLEMENTED: each returns FALSE with ERROR_INVALID_FUNCTION, as on Windows. A bad Old pointer
 * is FALSE with ERROR_NOACCESS.
 */
#define _KERNEL32_          /* windows.h declares our own exports without dllimport */
#include "k32.h"

NTSYSAPI NTSTATUS NTAPI RtlWow64EnableFsRedirectionEx(ULONG Disable, PULONG OldValue);
NTSYSAPI NTSTATUS NTAPI RtlWow64EnableFsRedirection(BOOLEAN Wow64FsEnableRedirection);

BOOL WINAPI Wow64DisableWow64FsRedirection(PVOID *OldValue)
{
    /* The cookie is a ULONG in a PVOID: the whole of it in a 32-bit process, the only one where this succeeds. */
    NTSTATUS status = RtlWow64EnableFsRedirectionEx(TRUE, (PULONG)OldValue);

    return NT_SUCCESS(status) ? TRUE : fail_status(status);
}

BOOL WINAPI Wow64RevertWow64FsRedirection(PVOID OldValue)
{
    ULONG previous;
    NTSTATUS status = RtlWow64EnableFsRedirectionEx((ULONG)(ULONG_PTR)OldValue, &previous);

    return NT_SUCCESS(status) ? TRUE : fail_status(status);
}

BOOLEAN WINAPI Wow64EnableWow64FsRedirection(BOOLEAN Wow64FsEnableRedirection)
{
    NTSTATUS status = RtlWow64EnableFsRedirection(Wow64FsEnableRedirection);

    return NT_SUCCESS(status) ? TRUE : (BOOLEAN)fail_status(status);
}
