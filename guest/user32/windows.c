/*
 * user32.dll of the wow64emu guest: the window functions that console programs and launchers import (distlib's
 * w32.exe/w64.exe import CreateWindowExW, DestroyWindow, GetMessageW, PeekMessageW, PostMessageW and
 * WaitForInputIdle to clear the "app starting" cursor), so that such a program starts. One source for both widths
 * (SysWOW64\user32.dll and System32\user32.dll); it imports kernel32 only.
 *
 * There are no windows, no desktop and no message queues in this emulator (win32k's services are not served). Each
 * function answers as Windows answers a process that has no window: PeekMessage finds no message (FALSE);
 * WaitForInputIdle of a process without a message queue returns at once with WAIT_FAILED; PostMessage and
 * DestroyWindow of a window that does not exist fail with ERROR_INVALID_WINDOW_HANDLE. Creating a window, and
 * GetMessage (which would wait for ever for a message that cannot come), fail with ERROR_INVALID_FUNCTION (what
 * the kernel's STATUS_NOT_IMPLEMENTED maps to) and one `wow64emu: WARNING:` line (guestwarn.h).
 */
#define _USER32_            /* windows.h declares our own exports without dllimport */
#include <windows.h>
#include "guestwarn.h"

#pragma GCC diagnostic ignored "-Wunused-parameter"                 /* the functions take Windows' parameters */

#define NO_WINDOWS "windows are not emulated"

HWND WINAPI CreateWindowExW(DWORD dwExStyle, LPCWSTR lpClassName, LPCWSTR lpWindowName, DWORD dwStyle, int X, int Y,
                            int nWidth, int nHeight, HWND hWndParent, HMENU hMenu, HINSTANCE hInstance,
                            LPVOID lpParam)
{
    guest_warn("CreateWindowExW", NO_WINDOWS);
    SetLastError(ERROR_INVALID_FUNCTION);
    return NULL;
}

BOOL WINAPI DestroyWindow(HWND hWnd)
{
    SetLastError(ERROR_INVALID_WINDOW_HANDLE);
    return FALSE;
}

BOOL WINAPI GetMessageW(LPMSG lpMsg, HWND hWnd, UINT wMsgFilterMin, UINT wMsgFilterMax)
{
    guest_warn("GetMessageW", NO_WINDOWS);
    SetLastError(ERROR_INVALID_FUNCTION);
    return -1;
}

BOOL WINAPI PeekMessageW(LPMSG lpMsg, HWND hWnd, UINT wMsgFilterMin, UINT wMsgFilterMax, UINT wRemoveMsg)
{
    return FALSE;
}

BOOL WINAPI PostMessageW(HWND hWnd, UINT Msg, WPARAM wParam, LPARAM lParam)
{
    SetLastError(ERROR_INVALID_WINDOW_HANDLE);
    return FALSE;
}

DWORD WINAPI WaitForInputIdle(HANDLE hProcess, DWORD dwMilliseconds)
{
    return WAIT_FAILED;
}
