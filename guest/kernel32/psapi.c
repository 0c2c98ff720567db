/*
 * kernel32: the names of a process's image and modules (psapi.h's K32GetModuleFileNameExW, winbase.h's
 * QueryFullProcessImageNameW), for the current process: the only one this emulator runs. For another process, or
 * for the native (\Device\...) form of the name, they fail as the unserved functions do (unserved.c), with a
 * warning.
 */
#define _KERNEL32_          /* windows.h declares our own exports without dllimport */
#include "k32.h"

#define NAME_MAX_CHARS 1024

/* Whether a process handle is the current process; FALSE with the last error set for a bad handle. */
static BOOL is_current(HANDLE process)
{
    DWORD id = GetProcessId(process);
    return id && id == GetCurrentProcessId();
}

DWORD WINAPI K32GetModuleFileNameExW(HANDLE process, HMODULE module, LPWSTR buffer, DWORD size)
{
    if (!is_current(process)) {
        if (GetProcessId(process))
            unserved("K32GetModuleFileNameExW", "the modules of another process are not read");
        return 0;
    }
    return GetModuleFileNameW(module, buffer, size);
}

/* The Win32 path of the current process's image; *size, in characters, gets its length. */
BOOL WINAPI QueryFullProcessImageNameW(HANDLE process, DWORD flags, LPWSTR buffer, PDWORD size)
{
    WCHAR name[NAME_MAX_CHARS];
    DWORD n;

    if (!is_current(process)) {
        if (GetProcessId(process))
            return unserved("QueryFullProcessImageNameW", "the image of another process is not read");
        return FALSE;
    }
    if (flags & PROCESS_NAME_NATIVE)
        return unserved("QueryFullProcessImageNameW", "the native form of an image name is not made");
    n = GetModuleFileNameW(NULL, name, NAME_MAX_CHARS);
    if (!n || n >= NAME_MAX_CHARS)
        return FALSE;
    if (n >= *size) {
        SetLastError(ERROR_INSUFFICIENT_BUFFER);
        return FALSE;
    }
    for (DWORD i = 0; i <= n; i++)
        buffer[i] = name[i];
    *size = n;
    return TRUE;
}
