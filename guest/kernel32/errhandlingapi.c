/*
 * kernel32's exception functions (errhandlingapi.h, debugapi.h): RaiseException, the top-level filter,
 * OutputDebugString, and the error mode. The vectored handlers and RtlCaptureStackBackTrace are ntdll's: exports of
 * kernel32 that forward there (exports/exceptions.def), as Windows' do.
 *
 * SetUnhandledExceptionFilter keeps the program's filter and gives UnhandledExceptionFilter to ntdll, whose
 * RtlDispatchException calls it when no handler took an exception. With no filter, or a filter that does not ask to
 * continue, the exception stays unhandled: its second chance ends the process with the exception code, as Windows
 * ends it when no debugger is attached.
 *
 * FatalAppExitA/W: Windows raises the hard error STATUS_FATAL_APP_EXIT, a message box with the text, and when it is
 * closed ends the process with ExitProcess(0). Here the text is a line on the emulator's stderr,
 * "wow64emu: WARNING: FatalAppExitA: <text>" (guestwarn.h), and the process ends the same way. (The 0x40000015 seen as
 * the exit code of crashed programs is the C runtime's abort(), which raises STATUS_FATAL_APP_EXIT as an exception.)
 */
#define _KERNEL32_          /* windows.h declares our own exports without dllimport */
#include "k32nls.h"
#include "k32process.h"
#include "guestwarn.h"

static LPTOP_LEVEL_EXCEPTION_FILTER top_level_filter;

VOID WINAPI RaiseException(DWORD dwExceptionCode, DWORD dwExceptionFlags, DWORD nNumberOfArguments,
                           const ULONG_PTR *lpArguments)
{
    EXCEPTION_RECORD record = {0};

    record.ExceptionCode = dwExceptionCode;
    record.ExceptionFlags = dwExceptionFlags & EXCEPTION_NONCONTINUABLE;
    if (lpArguments) {
        if (nNumberOfArguments > EXCEPTION_MAXIMUM_PARAMETERS)
            nNumberOfArguments = EXCEPTION_MAXIMUM_PARAMETERS;
        record.NumberParameters = nNumberOfArguments;
        for (DWORD i = 0; i < nNumberOfArguments; i++)
            record.ExceptionInformation[i] = lpArguments[i];
    }
    RtlRaiseException(&record);
}

LONG WINAPI UnhandledExceptionFilter(struct _EXCEPTION_POINTERS *ExceptionInfo)
{
    LPTOP_LEVEL_EXCEPTION_FILTER filter = top_level_filter;

    if (filter)
        return filter(ExceptionInfo);
    return EXCEPTION_CONTINUE_SEARCH;
}

LPTOP_LEVEL_EXCEPTION_FILTER WINAPI SetUnhandledExceptionFilter(LPTOP_LEVEL_EXCEPTION_FILTER lpTopLevelExceptionFilter)
{
    LPTOP_LEVEL_EXCEPTION_FILTER previous = top_level_filter;

    top_level_filter = lpTopLevelExceptionFilter;
    RtlSetUnhandledExceptionFilter((NT_UNHANDLED_FILTER)UnhandledExceptionFilter);
    return previous;
}

BOOL WINAPI IsDebuggerPresent(void)
{
    return FALSE;
}

/* Whether a debugger debugs `process`: its debug port (ProcessDebugPort), which nothing sets here. */
BOOL WINAPI CheckRemoteDebuggerPresent(HANDLE process, PBOOL present)
{
    ULONG_PTR port;
    NTSTATUS status;

    if (!process || !present) {
        SetLastError(ERROR_INVALID_PARAMETER);
        return FALSE;
    }
    status = NtQueryInformationProcess(process, ProcessDebugPort, &port, sizeof port, NULL);
    if (!NT_SUCCESS(status))
        return fail_status(status);
    *present = port != 0;
    return TRUE;
}

VOID WINAPI DebugBreak(void)
{
    __asm__ volatile ("int3");
}

/* The error mode is the process's default hard error mode, whose bit 0 is SEM_FAILCRITICALERRORS inverted. */
UINT WINAPI GetErrorMode(void)
{
    ULONG mode = 0;

    NtQueryInformationProcess(NtCurrentProcess(), ProcessDefaultHardErrorMode, &mode, sizeof mode, NULL);
    return (mode & 1) ? mode & ~1u : mode | SEM_FAILCRITICALERRORS;
}

UINT WINAPI SetErrorMode(UINT uMode)
{
    UINT previous = GetErrorMode();
    ULONG mode = (uMode & SEM_FAILCRITICALERRORS) ? uMode & ~1u : uMode | 1;

    NtSetInformationProcess(NtCurrentProcess(), ProcessDefaultHardErrorMode, &mode, sizeof mode);
    return previous;
}

/* OutputDebugStringA raises DBG_PRINTEXCEPTION_C with the string's length (terminator included) and address, which
 * a debugger would print; with none, the vectored handlers see it, then the frame of raise_debug_print catches it
 * and OutputDebugStringA returns, as Windows' __try/__except does. OutputDebugStringW (Windows 10) first raises
 * DBG_PRINTEXCEPTION_WIDE_C with four parameters, the wide string's length and address then its ANSI conversion's
 * (lengths with the terminator): a debugger that takes it prints the wide text; with none the same frame catches it,
 * and OutputDebugStringA raises the ANSI one. */
EXCEPTION_DISPOSITION __cdecl debug_print_caught(EXCEPTION_RECORD *record, PVOID frame, CONTEXT *context,
                                                PVOID dispatcher_context)
{
    (void)frame;
    (void)context;
    (void)dispatcher_context;
    if ((record->ExceptionCode == DBG_PRINTEXCEPTION_C || record->ExceptionCode == DBG_PRINTEXCEPTION_WIDE_C)
        && !(record->ExceptionFlags & EXCEPTION_UNWIND))
        return ExceptionContinueExecution;
    return ExceptionContinueSearch;
}

#ifdef _WIN64
/* A frame whose unwind info names debug_print_caught as its handler, as a compiler's __try would. */
void raise_debug_print(DWORD code, DWORD count, const ULONG_PTR *arguments);
__asm__(".text\n"
        ".seh_proc raise_debug_print\n"
        "raise_debug_print:\n"
        "    subq $0x28, %rsp\n"
        "    .seh_stackalloc 0x28\n"
        "    .seh_endprologue\n"
        "    movq %r8, %r9\n"
        "    movl %edx, %r8d\n"
        "    xorl %edx, %edx\n"
        "    call RaiseException\n"
        "    nop\n"
        "    addq $0x28, %rsp\n"
        "    ret\n"
        "    .seh_handler debug_print_caught, @except\n"
        ".seh_endproc\n");
#else
/* A registration on the fs:[0] chain around the raise, as a compiler's __try would make. */
static void raise_debug_print(DWORD code, DWORD count, const ULONG_PTR *arguments)
{
    NT_SEH_FRAME frame;

    frame.Next = nt_current_teb()->ExceptionList;
    frame.Handler = (PEXCEPTION_ROUTINE)debug_print_caught;
    nt_current_teb()->ExceptionList = &frame;
    RaiseException(code, 0, count, arguments);
    nt_current_teb()->ExceptionList = frame.Next;
}
#endif

VOID WINAPI OutputDebugStringA(LPCSTR lpOutputString)
{
    ULONG_PTR arguments[2];
    const char *text = lpOutputString ? lpOutputString : "";
    ULONG_PTR length = 0;

    while (text[length])
        length++;
    arguments[0] = length + 1;
    arguments[1] = (ULONG_PTR)text;
    raise_debug_print(DBG_PRINTEXCEPTION_C, 2, arguments);
}

/* The ANSI conversion is in code page 1252, at most 1023 characters, as the A function gets it. */
VOID WINAPI OutputDebugStringW(LPCWSTR lpOutputString)
{
    static const WCHAR empty[1];
    const WCHAR *wide = lpOutputString ? lpOutputString : empty;
    ULONG_PTR arguments[4];
    char text[1024];
    ULONG length = 0, i = 0;

    while (wide[length])
        length++;
    for (; i < length && i < sizeof text - 1; i++)
        ;
    nls_unicode_to_ansi(wide, i, text);
    text[i] = 0;
    arguments[0] = length + 1;
    arguments[1] = (ULONG_PTR)wide;
    arguments[2] = i + 1;
    arguments[3] = (ULONG_PTR)text;
    raise_debug_print(DBG_PRINTEXCEPTION_WIDE_C, 4, arguments);
    OutputDebugStringA(text);
}

VOID WINAPI FatalAppExitA(UINT action, LPCSTR text)
{
    (void)action;                                                   /* reserved */
    guest_warn("FatalAppExitA", text ? text : "");
    ExitProcess(0);
}

VOID WINAPI FatalAppExitW(UINT action, LPCWSTR text)
{
    char ansi[300];
    DWORD n = 0;

    (void)action;                                                   /* reserved */

    while (text && text[n] && n < sizeof ansi - 1)
        n++;
    put_string(ansi, FALSE, text ? text : L"", n);
    guest_warn("FatalAppExitW", ansi);
    ExitProcess(0);
}
