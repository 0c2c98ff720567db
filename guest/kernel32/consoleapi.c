/*
 * kernel32: the console API of consoleapi.h: the modes and code pages, ReadConsole and WriteConsole, the number of
 * input events, the control handlers, and the console a process has (AllocConsole, AttachConsole, FreeConsole).
 *
 * Each function is one request to the console driver, as Windows 10's kernelbase sends it: an
 * IOCTL_CONDRV_ISSUE_USER_IO on the console connection (the process parameters' ConsoleHandle) naming the console
 * handle inside the message, so that a handle that is not a console's (a disk file, a pipe) fails with
 * ERROR_INVALID_HANDLE, which C runtimes rely on to tell a redirected handle. Choices:
 * - The A functions pass the console code page's bytes as they are; the W functions pass UTF-16, which the console
 *   converts to and from its code pages (docs/console.md). Counts are in characters: UTF-16 units or bytes.
 * - The control handlers are a list of this kernel32's, called newest first by CtrlRoutine, where the console
 *   starts a thread of the process for each control event (GenerateConsoleCtrlEvent, Ctrl-C; Windows' kernelbase
 *   exports it and hands its address to the console, the emulator finds the export): CTRL_C_EVENT reaches no
 *   handler while the process ignores Ctrl-C; a handler that returns TRUE ends the event (the thread exits with 0);
 *   when none does, the default handler ends the process with STATUS_CONTROL_C_EXIT. Windows grows the list on its
 *   heap; here it holds MAX_CTRL_HANDLERS, and one more is ERROR_NOT_ENOUGH_MEMORY, what a heap that
 *   cannot grow gives. Removing a handler that is not in the list: ERROR_INVALID_PARAMETER. SetConsoleCtrlHandler
 *   (NULL, TRUE/FALSE) sets or clears CONSOLE_IGNORE_CTRL_C in the process parameters' ConsoleFlags. A successful
 *   AllocConsole, AttachConsole or FreeConsole empties the list, as Windows documents.
 * - A process starts attached to the console it was started from. AllocConsole and AttachConsole while attached:
 *   ERROR_ACCESS_DENIED. FreeConsole closes the connection (the console handles stay, and fail from then on);
 *   without a console it succeeds and does nothing, as Windows' does for compatibility. Detached, AllocConsole
 *   and AttachConsole(ATTACH_PARENT_PROCESS) connect again to the host's console, the only one there is
 *   (AllocConsole also makes new standard handles, as Windows does for a new console); AttachConsole of this
 *   process is ERROR_INVALID_HANDLE (it has no console), of any other id ERROR_INVALID_PARAMETER (no such process).
 * - A read the console ends for Ctrl-C answers STATUS_ALERTED, a success with nothing read: ReadConsole returns TRUE
 *   with 0 characters and the last error ERROR_OPERATION_ABORTED, as Windows' does (ReadFile, in fileapi.c, returns
 *   TRUE with 0 bytes and leaves the last error alone, as Windows 8 and later do).
 */
#define _KERNEL32_          /* windows.h declares our own exports without dllimport */
#include "k32console.h"
#include "k32files.h"

#define MAX_CTRL_HANDLERS 64

BOOL console_request(ULONG api, const struct console_call *call, ULONG_PTR *reply)
{
    HANDLE connection = nt_process_parameters()->ConsoleHandle;
    CONSOLE_REQUEST request = { 0 };
    IO_STATUS_BLOCK iosb;
    NTSTATUS status;

    if (!connection) {
        SetLastError(ERROR_INVALID_HANDLE);
        return FALSE;
    }
    request.ApiNumber = api;
    request.Arguments[0] = call->arguments[0];
    request.Arguments[1] = call->arguments[1];
    request.Object = (ULONG64)(LONG_PTR)call->object;
    request.Data = (ULONG64)(ULONG_PTR)call->data;
    request.DataLength = call->data_length;
    status = NtDeviceIoControlFile(connection, NULL, NULL, NULL, &iosb, IOCTL_CONDRV_ISSUE_USER_IO, &request,
                                   sizeof request, call->output, call->output_length);
    if (!NT_SUCCESS(status))
        return fail_status(status);
    if (status == STATUS_ALERTED)                                   /* a read ended by Ctrl-C */
        SetLastError(ERROR_OPERATION_ABORTED);
    *reply = iosb.Information;
    return TRUE;
}

BOOL console_value(ULONG api, HANDLE object, ULONG argument0, ULONG argument1, ULONG_PTR *value)
{
    struct console_call call = { object, { argument0, argument1 }, NULL, 0, NULL, 0 };
    return console_request(api, &call, value);
}

/* ---- Modes and code pages ---------------------------------------------------------------------------------- */

BOOL WINAPI GetConsoleMode(HANDLE console, LPDWORD mode)
{
    ULONG_PTR value;

    if (!console_value(CONSOLE_API_GET_MODE, console, 0, 0, &value))
        return FALSE;
    *mode = (DWORD)value;
    return TRUE;
}

BOOL WINAPI SetConsoleMode(HANDLE console, DWORD mode)
{
    ULONG_PTR ignored;
    return console_value(CONSOLE_API_SET_MODE, console, mode, 0, &ignored);
}

/* GetConsoleCP and GetConsoleOutputCP: 0 with the last error set when the process has no console. */
static UINT code_page(BOOL output)
{
    ULONG_PTR value;
    return console_value(CONSOLE_API_GET_CP, NULL, output, 0, &value) ? (UINT)value : 0;
}

UINT WINAPI GetConsoleCP(void)
{
    return code_page(FALSE);
}

UINT WINAPI GetConsoleOutputCP(void)
{
    return code_page(TRUE);
}

/* ---- Input and output ------------------------------------------------------------------------------------ */

BOOL WINAPI GetNumberOfConsoleInputEvents(HANDLE console, LPDWORD count)
{
    ULONG_PTR value;

    if (!console_value(CONSOLE_API_GET_NUMBER_OF_INPUT_EVENTS, console, 0, 0, &value))
        return FALSE;
    *count = (DWORD)value;
    return TRUE;
}

/* ReadConsoleA/W: one cooked line, as much of it as `length` characters hold (the rest is the next read's). */
static BOOL read_console(HANDLE console, PVOID buffer, DWORD length, LPDWORD read, BOOL wide)
{
    DWORD room = wide ? (length > MAXDWORD / 2 ? MAXDWORD / 2 : length) * 2 : length;
    struct console_call call = { console, { wide, 0 }, NULL, 0, buffer, room };
    ULONG_PTR done;

    if (!console_request(CONSOLE_API_READ_CONSOLE, &call, &done))
        return FALSE;
    if (read)
        *read = (DWORD)done;
    return TRUE;
}

/* The last parameter (a CONSOLE_READCONSOLE_CONTROL: the line editor's wake-up characters) is not used. */
BOOL WINAPI ReadConsoleW(HANDLE console, LPVOID buffer, DWORD length, LPDWORD read, LPVOID control)
{
    (void)control;
    return read_console(console, buffer, length, read, TRUE);
}

BOOL WINAPI ReadConsoleA(HANDLE console, LPVOID buffer, DWORD length, LPDWORD read, LPVOID control)
{
    (void)control;
    return read_console(console, buffer, length, read, FALSE);
}

static BOOL write_console(HANDLE console, const void *buffer, DWORD length, LPDWORD written, BOOL wide)
{
    struct console_call call = { console, { wide, 0 }, buffer, wide ? length * 2 : length, NULL, 0 };
    ULONG_PTR done;

    if (written)
        *written = 0;
    if (wide && length > MAXDWORD / 2) {
        SetLastError(ERROR_INVALID_PARAMETER);
        return FALSE;
    }
    if (!console_request(CONSOLE_API_WRITE_CONSOLE, &call, &done))
        return FALSE;
    if (written)
        *written = (DWORD)done;
    return TRUE;
}

BOOL WINAPI WriteConsoleW(HANDLE console, const VOID *buffer, DWORD length, LPDWORD written, LPVOID reserved)
{
    (void)reserved;
    return write_console(console, buffer, length, written, TRUE);
}

BOOL WINAPI WriteConsoleA(HANDLE console, const VOID *buffer, DWORD length, LPDWORD written, LPVOID reserved)
{
    (void)reserved;
    return write_console(console, buffer, length, written, FALSE);
}

/* ---- Control handlers ------------------------------------------------------------------------------------ */

static PHANDLER_ROUTINE ctrl_handlers[MAX_CTRL_HANDLERS];
static ULONG ctrl_handler_count;

BOOL WINAPI SetConsoleCtrlHandler(PHANDLER_ROUTINE routine, BOOL add)
{
    if (!routine) {
        PRTL_USER_PROCESS_PARAMETERS params = nt_process_parameters();
        params->ConsoleFlags = add ? params->ConsoleFlags | CONSOLE_IGNORE_CTRL_C
                                   : params->ConsoleFlags & ~CONSOLE_IGNORE_CTRL_C;
        return TRUE;
    }
    if (add) {
        if (ctrl_handler_count == MAX_CTRL_HANDLERS) {
            SetLastError(ERROR_NOT_ENOUGH_MEMORY);
            return FALSE;
        }
        ctrl_handlers[ctrl_handler_count++] = routine;
        return TRUE;
    }
    for (ULONG i = ctrl_handler_count; i-- > 0; ) {                  /* the newest registration goes first */
        if (ctrl_handlers[i] == routine) {
            for (ctrl_handler_count--; i < ctrl_handler_count; i++)
                ctrl_handlers[i] = ctrl_handlers[i + 1];
            return TRUE;
        }
    }
    SetLastError(ERROR_INVALID_PARAMETER);
    return FALSE;
}

DWORD WINAPI CtrlRoutine(LPVOID parameter)
{
    DWORD event = (DWORD)(ULONG_PTR)parameter;

    if (event == CTRL_C_EVENT && (nt_process_parameters()->ConsoleFlags & CONSOLE_IGNORE_CTRL_C))
        return 0;
    for (ULONG i = ctrl_handler_count; i-- > 0; )                   /* the newest registration goes first */
        if (ctrl_handlers[i](event))
            return 0;
    ExitProcess(STATUS_CONTROL_C_EXIT);
}

/* ---- The process's console ------------------------------------------------------------------------------- */

/* Connects the process to the host's console: a new connection, and new standard handles when asked. */
static BOOL connect_console(BOOL std_handles)
{
    static const WCHAR device[] = L"\\Device\\ConDrv\\Connect";
    PRTL_USER_PROCESS_PARAMETERS params = nt_process_parameters();
    HANDLE connection, input, output, error;
    UNICODE_STRING name = { sizeof device - sizeof(WCHAR), sizeof device, (PWSTR)device };
    OBJECT_ATTRIBUTES oa = { sizeof oa, NULL, &name, OBJ_CASE_INSENSITIVE, NULL, NULL };
    IO_STATUS_BLOCK iosb;
    NTSTATUS status;

    status = NtOpenFile(&connection, GENERIC_READ | GENERIC_WRITE | SYNCHRONIZE, &oa, &iosb,
                        FILE_SHARE_READ | FILE_SHARE_WRITE, FILE_SYNCHRONOUS_IO_NONALERT);
    if (!NT_SUCCESS(status))
        return fail_status(status);
    if (std_handles) {
        ACCESS_MASK access = GENERIC_READ | GENERIC_WRITE | SYNCHRONIZE;
        if (!open_dos(L"CONIN$", access, FILE_SYNCHRONOUS_IO_NONALERT, &input)
                || !open_dos(L"CONOUT$", access, FILE_SYNCHRONOUS_IO_NONALERT, &output)
                || !open_dos(L"CONOUT$", access, FILE_SYNCHRONOUS_IO_NONALERT, &error)) {
            NtClose(connection);
            return FALSE;
        }
        params->StandardInput = input;
        params->StandardOutput = output;
        params->StandardError = error;
    }
    params->ConsoleHandle = connection;
    ctrl_handler_count = 0;
    return TRUE;
}

BOOL WINAPI AllocConsole(void)
{
    if (nt_process_parameters()->ConsoleHandle) {
        SetLastError(ERROR_ACCESS_DENIED);
        return FALSE;
    }
    return connect_console(TRUE);
}

BOOL WINAPI AttachConsole(DWORD process)
{
    if (nt_process_parameters()->ConsoleHandle) {
        SetLastError(ERROR_ACCESS_DENIED);
        return FALSE;
    }
    if (process == ATTACH_PARENT_PROCESS)
        return connect_console(FALSE);
    SetLastError(process == GetCurrentProcessId() ? ERROR_INVALID_HANDLE : ERROR_INVALID_PARAMETER);
    return FALSE;
}

BOOL WINAPI FreeConsole(void)
{
    PRTL_USER_PROCESS_PARAMETERS params = nt_process_parameters();
    NTSTATUS status;

    ctrl_handler_count = 0;
    if (!params->ConsoleHandle)
        return TRUE;
    status = NtClose(params->ConsoleHandle);
    params->ConsoleHandle = NULL;
    return NT_SUCCESS(status) ? TRUE : fail_status(status);
}
