/*
 * kernel32: the functions whose service this emulator does not have yet: other processes (DebugActiveProcess: the
 * debug object it connects first is not served), the .ini files of GetPrivateProfile* and the loader's DLL
 * directory (SetDllDirectoryW). A program that imports them starts; a call fails as Windows
 * fails without the service: the documented failure value, and the last error of STATUS_NOT_IMPLEMENTED
 * (ERROR_INVALID_FUNCTION), the status the kernel gives for what it does not serve.
 *
 * Each call also tells the user, in one line on the emulator's stderr, "wow64emu: WARNING: <function>: <what is
 * missing>": the line is written with OutputDebugStringA, whose DBG_PRINTEXCEPTION_C the emulator sees as a
 * debugger would, and a debug string that starts with "wow64emu: WARNING: " it shows as its own warning (once per
 * message, counted when repeated; wow64emu/nt/exceptions.py). Without the emulator it is a plain debug string.
 *
 * GetPrivateProfileStringA and GetPrivateProfileIntA answer as for a file that does not exist: the default, with
 * ERROR_FILE_NOT_FOUND.
 */
#define _KERNEL32_          /* windows.h declares our own exports without dllimport */
#include "k32.h"
#include "guestwarn.h"

#pragma GCC diagnostic ignored "-Wunused-parameter"                 /* the stubs take Windows' parameters */

BOOL unserved(const char *function, const char *missing)
{
    guest_warn(function, missing);
    return fail_status(STATUS_NOT_IMPLEMENTED);
}

BOOL WINAPI DebugActiveProcess(DWORD process_id)
{
    return unserved("DebugActiveProcess", "debugging other processes is not emulated");
}

BOOL WINAPI SetDllDirectoryW(LPCWSTR directory)
{
    return unserved("SetDllDirectoryW", "the loader has no DLL directory");
}

/* As for a file that does not exist: the default (without its trailing spaces), cut to the buffer. */
DWORD WINAPI GetPrivateProfileStringA(LPCSTR section, LPCSTR key, LPCSTR fallback, LPSTR buffer, DWORD size,
                                      LPCSTR file)
{
    DWORD n = 0, length = 0;

    guest_warn("GetPrivateProfileStringA", ".ini files are not read");
    if (fallback)
        while (fallback[length])
            length++;
    while (length && fallback[length - 1] == ' ')
        length--;
    if (!size)
        return 0;
    for (; n < length && n + 1 < size; n++)
        buffer[n] = fallback[n];
    buffer[n] = 0;
    SetLastError(ERROR_FILE_NOT_FOUND);
    return n;
}

UINT WINAPI GetPrivateProfileIntA(LPCSTR section, LPCSTR key, INT fallback, LPCSTR file)
{
    guest_warn("GetPrivateProfileIntA", ".ini files are not read");
    SetLastError(ERROR_FILE_NOT_FOUND);
    return (UINT)fallback;
}
