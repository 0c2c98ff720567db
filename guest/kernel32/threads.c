/*
 * kernel32: threads of the calling process: CreateThread, CreateRemoteThread(Ex), ResumeThread, SuspendThread,
 * TerminateThread, SwitchToThread, DisableThreadLibraryCalls; ExitThread is in processthreadsapi.c.
 *
 * As Windows' kernelbase makes them: CreateThread is CreateRemoteThreadEx on the current process, which calls
 * NtCreateThreadEx with THREAD_ALL_ACCESS, the start routine and its argument (the thread begins in ntdll's
 * RtlUserThreadStart, which attaches the DLLs, calls the routine and ends the thread with what it returns);
 * CREATE_SUSPENDED becomes THREAD_CREATE_FLAGS_CREATE_SUSPENDED; dwStackSize is the commit unless
 * STACK_SIZE_PARAM_IS_A_RESERVATION makes it the reservation (0: the image's). Flags other than those two are
 * ERROR_INVALID_PARAMETER. The thread id comes back through NtQueryInformationThread (kernelbase asks the kernel for
 * it in an attribute list). A thread of another process must have the caller's width (ERROR_NOT_SUPPORTED
 * otherwise, from STATUS_NOT_SUPPORTED).
 */
#define _KERNEL32_          /* windows.h declares our own exports without dllimport */
#include "k32process.h"

#ifndef STATUS_NO_YIELD_PERFORMED
#define STATUS_NO_YIELD_PERFORMED ((NTSTATUS)0x40000024)
#endif

static DWORD thread_id(HANDLE thread)
{
    THREAD_BASIC_INFORMATION info;

    if (!NT_SUCCESS(NtQueryInformationThread(thread, ThreadBasicInformation, &info, sizeof info, NULL)))
        return 0;
    return (DWORD)(ULONG_PTR)info.ClientId.UniqueThread;
}

HANDLE WINAPI CreateRemoteThreadEx(HANDLE process, LPSECURITY_ATTRIBUTES attributes, SIZE_T stack_size,
                                   LPTHREAD_START_ROUTINE start, LPVOID parameter, DWORD flags,
                                   LPPROC_THREAD_ATTRIBUTE_LIST attribute_list, LPDWORD id)
{
    OBJECT_ATTRIBUTES oa = {sizeof oa, NULL, NULL, 0, NULL, NULL};
    HANDLE thread;
    NTSTATUS status;
    SIZE_T commit = 0, reserve = 0;

    (void)attribute_list;
    if (flags & ~(CREATE_SUSPENDED | STACK_SIZE_PARAM_IS_A_RESERVATION)) {
        SetLastError(ERROR_INVALID_PARAMETER);
        return NULL;
    }
    if (flags & STACK_SIZE_PARAM_IS_A_RESERVATION)
        reserve = stack_size;
    else
        commit = stack_size;
    if (attributes) {
        oa.Attributes = attributes->bInheritHandle ? OBJ_INHERIT : 0;
        oa.SecurityDescriptor = attributes->lpSecurityDescriptor;
    }
    status = NtCreateThreadEx(&thread, THREAD_ALL_ACCESS, &oa, process, (PVOID)start, parameter,
                              flags & CREATE_SUSPENDED ? THREAD_CREATE_FLAGS_CREATE_SUSPENDED : 0, 0, commit, reserve,
                              NULL);
    if (!NT_SUCCESS(status)) {
        fail_status(status);
        return NULL;
    }
    if (id)
        *id = thread_id(thread);
    return thread;
}

HANDLE WINAPI CreateRemoteThread(HANDLE process, LPSECURITY_ATTRIBUTES attributes, SIZE_T stack_size,
                                 LPTHREAD_START_ROUTINE start, LPVOID parameter, DWORD flags, LPDWORD id)
{
    return CreateRemoteThreadEx(process, attributes, stack_size, start, parameter, flags, NULL, id);
}

HANDLE WINAPI CreateThread(LPSECURITY_ATTRIBUTES attributes, SIZE_T stack_size, LPTHREAD_START_ROUTINE start,
                           LPVOID parameter, DWORD flags, LPDWORD id)
{
    return CreateRemoteThreadEx(NtCurrentProcess(), attributes, stack_size, start, parameter, flags, NULL, id);
}

/* Both give the previous suspend count, or (DWORD)-1 with the last error. */
DWORD WINAPI ResumeThread(HANDLE thread)
{
    ULONG previous;
    NTSTATUS status = NtResumeThread(thread, &previous);

    return NT_SUCCESS(status) ? previous : (fail_status(status), (DWORD)-1);
}

DWORD WINAPI SuspendThread(HANDLE thread)
{
    ULONG previous;
    NTSTATUS status = NtSuspendThread(thread, &previous);

    return NT_SUCCESS(status) ? previous : (fail_status(status), (DWORD)-1);
}

/* A NULL handle is ERROR_INVALID_HANDLE here, as kernelbase checks it before the kernel would end the caller. */
BOOL WINAPI TerminateThread(HANDLE thread, DWORD exit_code)
{
    NTSTATUS status;

    if (!thread)
        return fail_status(STATUS_INVALID_HANDLE);
    status = NtTerminateThread(thread, (NTSTATUS)exit_code);
    return NT_SUCCESS(status) ? TRUE : fail_status(status);
}

/* TRUE when another thread ran (STATUS_NO_YIELD_PERFORMED is FALSE, with no last error). */
BOOL WINAPI SwitchToThread(void)
{
    return NtYieldExecution() != STATUS_NO_YIELD_PERFORMED;
}

BOOL WINAPI DisableThreadLibraryCalls(HMODULE module)
{
    NTSTATUS status = LdrDisableThreadCalloutsForDll(module);

    return NT_SUCCESS(status) ? TRUE : fail_status(status);
}
