/*
 * kernel32's exception functions (errhandlingapi.h, debugapi.h): RaiseException, the vectored handlers (ntdll's),
 * the top-level filter, and the error mode.
 *
 * SetUnhandledExceptionFilter keeps the program's filter and gives UnhandledExceptionFilter to ntdll, whose
 * RtlDispatchException calls it when no handler took an exception. With no filter, or a filter that does not ask to
 * continue, the exception stays unhandled: its second chance ends the process with the exception code, as Windows
 * ends it when no debugger is attached.
 */
#define _KERNEL32_          /* windows.h declares our own exports without dllimport */
#include "k32.h"

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

PVOID WINAPI AddVectoredExceptionHandler(ULONG First, PVECTORED_EXCEPTION_HANDLER Handler)
{
    return RtlAddVectoredExceptionHandler(First, Handler);
}

ULONG WINAPI RemoveVectoredExceptionHandler(PVOID Handle)
{
    return RtlRemoveVectoredExceptionHandler(Handle);
}

PVOID WINAPI AddVectoredContinueHandler(ULONG First, PVECTORED_EXCEPTION_HANDLER Handler)
{
    return RtlAddVectoredContinueHandler(First, Handler);
}

ULONG WINAPI RemoveVectoredContinueHandler(PVOID Handle)
{
    return RtlRemoveVectoredContinueHandler(Handle);
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
