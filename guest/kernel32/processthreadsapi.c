/*
 * kernel32: the current process, its command line, and its exit.
 */
#define _KERNEL32_          /* windows.h declares our own exports without dllimport */
#include "k32.h"

/* ---- Process ------------------------------------------------------------------------------------------- */

HANDLE WINAPI GetCurrentProcess(void)
{
    return NtCurrentProcess();
}

DWORD WINAPI GetCurrentProcessId(void)
{
    return (DWORD)(ULONG_PTR)nt_current_teb()->ClientId.UniqueProcess;
}

void WINAPI ExitProcess(UINT exit_code)
{
    /* As Windows: first every other thread of the process (NULL handle), then the process itself. */
    NtTerminateProcess(NULL, (NTSTATUS)exit_code);
    NtTerminateProcess(NtCurrentProcess(), (NTSTATUS)exit_code);
    __builtin_trap();                                               /* not reached */
}

LPWSTR WINAPI GetCommandLineW(void)
{
    return nt_process_parameters()->CommandLine.Buffer;
}

/* The ANSI command line, converted once (Latin-1 characters as they are, the others as '?'). */
static char command_line_a[32768];
static BOOL command_line_a_ready;

LPSTR WINAPI GetCommandLineA(void)
{
    if (!command_line_a_ready) {
        const UNICODE_STRING *cmd = &nt_process_parameters()->CommandLine;
        ULONG n = cmd->Length / sizeof(WCHAR);
        if (n > sizeof command_line_a - 1)
            n = sizeof command_line_a - 1;
        for (ULONG i = 0; i < n; i++) {
            WCHAR c = cmd->Buffer[i];
            command_line_a[i] = c < 0x80 ? (char)c : '?';
        }
        command_line_a[n] = 0;
        command_line_a_ready = TRUE;
    }
    return command_line_a;
}
