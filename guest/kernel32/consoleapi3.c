/*
 * kernel32: the console API of consoleapi3.h: the console's window (none: the host's terminal is the console's
 * screen, so GetConsoleWindow gives NULL) and the processes attached to it.
 */
#define _KERNEL32_          /* windows.h declares our own exports without dllimport */
#include "k32console.h"

HWND WINAPI GetConsoleWindow(void)
{
    ULONG_PTR window;
    return console_value(CONSOLE_API_GET_CONSOLE_WINDOW, NULL, 0, 0, &window) ? (HWND)window : NULL;
}

/* The ids of the attached processes, when `count` has room for all of them (else nothing is stored); returns how
 * many there are, 0 on failure. A count of 0 is ERROR_INVALID_PARAMETER. */
DWORD WINAPI GetConsoleProcessList(LPDWORD processes, DWORD count)
{
    struct console_call call = { NULL, { 0, 0 }, NULL, 0, processes,
                                 count > MAXDWORD / sizeof(DWORD) ? MAXDWORD & ~3u : count * sizeof(DWORD) };
    ULONG_PTR total;

    if (!count) {
        SetLastError(ERROR_INVALID_PARAMETER);
        return 0;
    }
    return console_request(CONSOLE_API_GET_PROCESS_LIST, &call, &total) ? (DWORD)total : 0;
}
