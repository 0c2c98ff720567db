/*
 * kernel32: the console API of consoleapi2.h: setting the code pages, the screen buffer's information and text
 * attribute, the title, flushing the input, control events. One request to the console driver each
 * (consoleapi.c says how). Choices:
 * - A code page the console cannot convert (docs/console.md lists those it can) is ERROR_INVALID_PARAMETER, as
 *   Windows gives for one that is not installed.
 * - GetConsoleScreenBufferInfoEx wants cbSize = sizeof(CONSOLE_SCREEN_BUFFER_INFOEX) (ERROR_INVALID_PARAMETER
 *   otherwise); its srWindow is inclusive, as GetConsoleScreenBufferInfo's (Windows' SetConsoleScreenBufferInfoEx
 *   reads Right and Bottom as one past the window, which is why a Get/Set pair shrinks a Windows console).
 * - GetConsoleTitleA/W store as much of the title as the buffer holds, with a NUL, and return the title's whole
 *   length; the A functions pass the output code page's bytes.
 */
#define _KERNEL32_          /* windows.h declares our own exports without dllimport */
#include "k32console.h"

/* A request that gives nothing back. */
static BOOL console_set(ULONG api, HANDLE object, ULONG argument0, ULONG argument1)
{
    ULONG_PTR ignored;
    return console_value(api, object, argument0, argument1, &ignored);
}

BOOL WINAPI SetConsoleCP(UINT code_page)
{
    return console_set(CONSOLE_API_SET_CP, NULL, FALSE, code_page);
}

BOOL WINAPI SetConsoleOutputCP(UINT code_page)
{
    return console_set(CONSOLE_API_SET_CP, NULL, TRUE, code_page);
}

BOOL WINAPI FlushConsoleInputBuffer(HANDLE console)
{
    return console_set(CONSOLE_API_FLUSH_INPUT_BUFFER, console, 0, 0);
}

BOOL WINAPI GenerateConsoleCtrlEvent(DWORD event, DWORD process_group)
{
    return console_set(CONSOLE_API_GENERATE_CTRL_EVENT, NULL, event, process_group);
}

BOOL WINAPI SetConsoleTextAttribute(HANDLE console, WORD attributes)
{
    return console_set(CONSOLE_API_SET_TEXT_ATTRIBUTE, console, attributes, 0);
}

/* ---- The screen buffer ----------------------------------------------------------------------------------- */

static BOOL screen_buffer_info(HANDLE console, CONSOLE_SCREEN_BUFFER_INFOEX *info)
{
    struct console_call call = { console, { 0, 0 }, NULL, 0, info, sizeof *info };
    ULONG_PTR ignored;
    return console_request(CONSOLE_API_GET_SCREEN_BUFFER_INFO, &call, &ignored);
}

BOOL WINAPI GetConsoleScreenBufferInfo(HANDLE console, PCONSOLE_SCREEN_BUFFER_INFO info)
{
    CONSOLE_SCREEN_BUFFER_INFOEX ex;

    if (!screen_buffer_info(console, &ex))
        return FALSE;
    info->dwSize = ex.dwSize;
    info->dwCursorPosition = ex.dwCursorPosition;
    info->wAttributes = ex.wAttributes;
    info->srWindow = ex.srWindow;
    info->dwMaximumWindowSize = ex.dwMaximumWindowSize;
    return TRUE;
}

BOOL WINAPI GetConsoleScreenBufferInfoEx(HANDLE console, PCONSOLE_SCREEN_BUFFER_INFOEX info)
{
    if (info->cbSize != sizeof *info) {
        SetLastError(ERROR_INVALID_PARAMETER);
        return FALSE;
    }
    return screen_buffer_info(console, info);
}

/* ---- The title ------------------------------------------------------------------------------------------- */

/* GetConsoleTitleA/W: `size` characters of room, a NUL included; returns the title's length, 0 on failure. */
static DWORD get_title(void *buffer, DWORD size, BOOL wide)
{
    DWORD room = size ? size - 1 : 0;
    struct console_call call = { NULL, { wide, 0 }, NULL, 0, buffer, room };
    ULONG_PTR length;

    if (wide)
        call.output_length = (room > MAXDWORD / 2 ? MAXDWORD / 2 : room) * sizeof(WCHAR);
    if (!console_request(CONSOLE_API_GET_TITLE, &call, &length))
        return 0;
    if (size) {
        DWORD end = length < room ? (DWORD)length : room;
        if (wide)
            ((WCHAR *)buffer)[end] = 0;
        else
            ((char *)buffer)[end] = 0;
    }
    return (DWORD)length;
}

DWORD WINAPI GetConsoleTitleW(LPWSTR buffer, DWORD size)
{
    return get_title(buffer, size, TRUE);
}

DWORD WINAPI GetConsoleTitleA(LPSTR buffer, DWORD size)
{
    return get_title(buffer, size, FALSE);
}

/* SetConsoleTitleA/W: the title up to its NUL, `unit` bytes a character. */
static BOOL set_title(const void *title, ULONG unit)
{
    const char *bytes = title;
    ULONG length = 0;
    ULONG_PTR ignored;

    while (unit == 1 ? bytes[length] : ((const WCHAR *)title)[length / 2])
        length += unit;
    struct console_call call = { NULL, { unit == sizeof(WCHAR), 0 }, title, length, NULL, 0 };
    return console_request(CONSOLE_API_SET_TITLE, &call, &ignored);
}

BOOL WINAPI SetConsoleTitleW(LPCWSTR title)
{
    return set_title(title, sizeof(WCHAR));
}

BOOL WINAPI SetConsoleTitleA(LPCSTR title)
{
    return set_title(title, 1);
}
