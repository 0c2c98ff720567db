/*
 * kernel32: the current process and thread, their command line, start-up information, ids, priorities,
 * information and exit, and opening them by id; their times (ProcessTimes, ThreadTimes) and the process's priority
 * class (ProcessPriorityClass).
 *
 * GetStartupInfoW/A give the STARTUPINFO the process was created with, from its parameters: the strings are the
 * parameters' own (W) or ANSI copies made once, which stay valid (A); the standard handles only when dwFlags says
 * the parameters hold them there (STARTF_USESTDHANDLES, or the hot key and shell data that share hStdInput),
 * NULL otherwise; lpReserved is the ShellInfo, lpReserved2 the C runtime's RuntimeData (NULL when empty).
 */
#define _KERNEL32_          /* windows.h declares our own exports without dllimport */
#include "k32process.h"
#include "k32nls.h"

/* ---- Process ------------------------------------------------------------------------------------------- */

#ifndef STARTF_HASSHELLDATA
#define STARTF_HASSHELLDATA 0x00000400                              /* not in mingw-w64's winbase.h */
#endif

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
    /* As Windows: ntdll ends every other thread (NtTerminateProcess of NULL), calls the DLLs' entry points with
     * DLL_PROCESS_DETACH (LdrShutdownProcess), then ends the process itself. */
    RtlExitUserProcess((NTSTATUS)exit_code);
}

/* The calling thread ends (its DLLs get DLL_THREAD_DETACH); the last thread's exit ends the process with its code. */
void WINAPI ExitThread(DWORD exit_code)
{
    RtlExitUserThread((NTSTATUS)exit_code);
}

LPWSTR WINAPI GetCommandLineW(void)
{
    return nt_process_parameters()->CommandLine.Buffer;
}

/* The fields but the strings. */
static void startup_info(STARTUPINFOW *info)
{
    PRTL_USER_PROCESS_PARAMETERS params = nt_process_parameters();

    info->cb = sizeof *info;
    info->dwX = params->StartingX;
    info->dwY = params->StartingY;
    info->dwXSize = params->CountX;
    info->dwYSize = params->CountY;
    info->dwXCountChars = params->CountCharsX;
    info->dwYCountChars = params->CountCharsY;
    info->dwFillAttribute = params->FillAttribute;
    info->dwFlags = params->WindowFlags;
    info->wShowWindow = (WORD)params->ShowWindowFlags;
    info->cbReserved2 = params->RuntimeData.Length;
    info->lpReserved2 = params->RuntimeData.Length ? (LPBYTE)params->RuntimeData.Buffer : NULL;
    if (params->WindowFlags & (STARTF_USESTDHANDLES | STARTF_USEHOTKEY | STARTF_HASSHELLDATA)) {
        info->hStdInput = params->StandardInput;
        info->hStdOutput = params->StandardOutput;
        info->hStdError = params->StandardError;
    } else {
        info->hStdInput = info->hStdOutput = info->hStdError = NULL;
    }
}

VOID WINAPI GetStartupInfoW(LPSTARTUPINFOW info)
{
    PRTL_USER_PROCESS_PARAMETERS params = nt_process_parameters();

    startup_info(info);
    info->lpReserved = params->ShellInfo.Buffer;
    info->lpDesktop = params->DesktopInfo.Buffer;
    info->lpTitle = params->WindowTitle.Buffer;
}

/* An ANSI copy of a parameters' string, made once into `copy` (room for the longest UNICODE_STRING); NULL for
 * a string without a buffer. */
static LPSTR ansi_copy(const UNICODE_STRING *string, char *copy)
{
    if (!string->Buffer)
        return NULL;
    put_string(copy, FALSE, string->Buffer, string->Length / sizeof(WCHAR));
    return copy;
}

VOID WINAPI GetStartupInfoA(LPSTARTUPINFOA info)
{
    static char reserved[32768], desktop[32768], title[32768];
    static LPSTR strings[3];
    static BOOL ready;
    PRTL_USER_PROCESS_PARAMETERS params = nt_process_parameters();

    if (!ready) {
        strings[0] = ansi_copy(&params->ShellInfo, reserved);
        strings[1] = ansi_copy(&params->DesktopInfo, desktop);
        strings[2] = ansi_copy(&params->WindowTitle, title);
        ready = TRUE;
    }
    startup_info((STARTUPINFOW *)info);                             /* the same layout but for the strings */
    info->cb = sizeof *info;
    info->lpReserved = strings[0];
    info->lpDesktop = strings[1];
    info->lpTitle = strings[2];
}

/* The ANSI command line (code page 1252), converted once. */
static char command_line_a[32768];
static BOOL command_line_a_ready;

LPSTR WINAPI GetCommandLineA(void)
{
    if (!command_line_a_ready) {
        const UNICODE_STRING *cmd = &nt_process_parameters()->CommandLine;
        ULONG n = cmd->Length / sizeof(WCHAR);
        if (n > sizeof command_line_a - 1)
            n = sizeof command_line_a - 1;
        nls_unicode_to_ansi(cmd->Buffer, n, command_line_a);
        command_line_a[n] = 0;
        command_line_a_ready = TRUE;
    }
    return command_line_a;
}

BOOL WINAPI TerminateProcess(HANDLE process, UINT exit_code)
{
    NTSTATUS status;

    if (!process)                                   /* NULL would mean "the other threads" to the kernel */
        return fail_status(STATUS_INVALID_HANDLE);
    status = NtTerminateProcess(process, (NTSTATUS)exit_code);
    return NT_SUCCESS(status) ? TRUE : fail_status(status);
}

/* ---- Process and thread information ------------------------------------------------------------------- */


BOOL query_process(HANDLE process, PROCESSINFOCLASS info_class, PVOID info, ULONG length)
{
    NTSTATUS status = NtQueryInformationProcess(process, info_class, info, length, NULL);
    return NT_SUCCESS(status) ? TRUE : fail_status(status);
}

static BOOL process_basic(HANDLE process, PROCESS_BASIC_INFORMATION *info)
{
    return query_process(process, ProcessBasicInformation, info, sizeof *info);
}

static BOOL thread_basic(HANDLE thread, THREAD_BASIC_INFORMATION *info)
{
    NTSTATUS status = NtQueryInformationThread(thread, ThreadBasicInformation, info, sizeof *info, NULL);
    return NT_SUCCESS(status) ? TRUE : fail_status(status);
}

/* OpenProcess and OpenThread: NtOpenProcess or NtOpenThread by client id. */
typedef NTSTATUS (NTAPI *OPEN_BY_ID)(PHANDLE, ACCESS_MASK, POBJECT_ATTRIBUTES, PCLIENT_ID);

static HANDLE open_by_id(OPEN_BY_ID open, DWORD access, BOOL inherit, ULONG_PTR pid, ULONG_PTR tid)
{
    CLIENT_ID cid = { (HANDLE)pid, (HANDLE)tid };
    OBJECT_ATTRIBUTES oa = { sizeof oa, NULL, NULL, inherit ? OBJ_INHERIT : 0, NULL, NULL };
    HANDLE handle;
    NTSTATUS status = open(&handle, access, &oa, &cid);

    if (!NT_SUCCESS(status)) {
        fail_status(status);
        return NULL;
    }
    return handle;
}

BOOL WINAPI GetExitCodeProcess(HANDLE process, LPDWORD exit_code)
{
    PROCESS_BASIC_INFORMATION info;

    if (!process_basic(process, &info))
        return FALSE;
    *exit_code = (DWORD)info.ExitStatus;                            /* STILL_ACTIVE = STATUS_PENDING */
    return TRUE;
}

DWORD WINAPI GetProcessId(HANDLE process)
{
    PROCESS_BASIC_INFORMATION info;

    return process_basic(process, &info) ? (DWORD)info.UniqueProcessId : 0;
}

HANDLE WINAPI OpenProcess(DWORD access, BOOL inherit, DWORD pid)
{
    return open_by_id(NtOpenProcess, access, inherit, pid, 0);
}

/* ---- Threads ------------------------------------------------------------------------------------------- */

HANDLE WINAPI GetCurrentThread(void)
{
    return NtCurrentThread();
}

DWORD WINAPI GetCurrentThreadId(void)
{
    return (DWORD)(ULONG_PTR)nt_current_teb()->ClientId.UniqueThread;
}

BOOL WINAPI GetExitCodeThread(HANDLE thread, LPDWORD exit_code)
{
    THREAD_BASIC_INFORMATION info;

    if (!thread_basic(thread, &info))
        return FALSE;
    *exit_code = (DWORD)info.ExitStatus;                            /* STILL_ACTIVE = STATUS_PENDING */
    return TRUE;
}

DWORD WINAPI GetThreadId(HANDLE thread)
{
    THREAD_BASIC_INFORMATION info;

    return thread_basic(thread, &info) ? (DWORD)(ULONG_PTR)info.ClientId.UniqueThread : 0;
}

HANDLE WINAPI OpenThread(DWORD access, BOOL inherit, DWORD tid)
{
    return open_by_id(NtOpenThread, access, inherit, 0, tid);
}

/* The saturation increments the kernel takes for the two extreme priorities. */
#define PRIORITY_SATURATION 16

int WINAPI GetThreadPriority(HANDLE thread)
{
    THREAD_BASIC_INFORMATION info;

    if (!thread_basic(thread, &info))
        return THREAD_PRIORITY_ERROR_RETURN;
    if (info.BasePriority == PRIORITY_SATURATION)
        return THREAD_PRIORITY_TIME_CRITICAL;
    if (info.BasePriority == -PRIORITY_SATURATION)
        return THREAD_PRIORITY_IDLE;
    return info.BasePriority;
}

BOOL WINAPI SetThreadPriority(HANDLE thread, int priority)
{
    LONG increment = priority;
    NTSTATUS status;

    if (priority == THREAD_PRIORITY_TIME_CRITICAL)
        increment = PRIORITY_SATURATION;
    else if (priority == THREAD_PRIORITY_IDLE)
        increment = -PRIORITY_SATURATION;
    status = NtSetInformationThread(thread, ThreadBasePriority, &increment, sizeof increment);
    return NT_SUCCESS(status) ? TRUE : fail_status(status);
}

DWORD WINAPI GetCurrentProcessorNumber(void)
{
    return NtGetCurrentProcessorNumber();
}

/* The registers of a thread (the calling one: a process has no other yet), the groups ContextFlags names. */
BOOL WINAPI GetThreadContext(HANDLE hThread, LPCONTEXT lpContext)
{
    NTSTATUS status = NtGetContextThread(hThread, lpContext);
    return NT_SUCCESS(status) ? TRUE : fail_status(status);
}

BOOL WINAPI SetThreadContext(HANDLE hThread, const CONTEXT *lpContext)
{
    NTSTATUS status = NtSetContextThread(hThread, (PCONTEXT)lpContext);
    return NT_SUCCESS(status) ? TRUE : fail_status(status);
}

/* ---- Times and priority classes ------------------------------------------------------------------------ */

static void put_times(const KERNEL_USER_TIMES *times, LPFILETIME creation, LPFILETIME exit, LPFILETIME kernel,
                      LPFILETIME user)
{
    const LARGE_INTEGER *from[4] = { &times->CreateTime, &times->ExitTime, &times->KernelTime, &times->UserTime };
    LPFILETIME to[4] = { creation, exit, kernel, user };

    for (int i = 0; i < 4; i++) {
        to[i]->dwLowDateTime = from[i]->u.LowPart;
        to[i]->dwHighDateTime = (DWORD)from[i]->u.HighPart;
    }
}

/* ProcessTimes: the creation time, the exit time (0 while it runs), the kernel and user times. */
BOOL WINAPI GetProcessTimes(HANDLE process, LPFILETIME creation, LPFILETIME exit, LPFILETIME kernel,
                            LPFILETIME user)
{
    KERNEL_USER_TIMES times;

    if (!query_process(process, ProcessTimes, &times, sizeof times))
        return FALSE;
    put_times(&times, creation, exit, kernel, user);
    return TRUE;
}

BOOL WINAPI GetThreadTimes(HANDLE thread, LPFILETIME creation, LPFILETIME exit, LPFILETIME kernel,
                           LPFILETIME user)
{
    KERNEL_USER_TIMES times;
    NTSTATUS status = NtQueryInformationThread(thread, ThreadTimes, &times, sizeof times, NULL);

    if (!NT_SUCCESS(status))
        return fail_status(status);
    put_times(&times, creation, exit, kernel, user);
    return TRUE;
}

/* The Win32 priority classes in the order of the kernel's PROCESS_PRIORITY_CLASS_* (1-6). */
static const DWORD priority_classes[] = {
    IDLE_PRIORITY_CLASS, NORMAL_PRIORITY_CLASS, HIGH_PRIORITY_CLASS, REALTIME_PRIORITY_CLASS,
    BELOW_NORMAL_PRIORITY_CLASS, ABOVE_NORMAL_PRIORITY_CLASS,
};

/* ProcessPriorityClass. REALTIME_PRIORITY_CLASS needs SeIncreaseBasePriorityPrivilege: without it the process gets
 * HIGH_PRIORITY_CLASS and the call succeeds, as on Windows. Anything but the six classes is ERROR_INVALID_PARAMETER
 * (PROCESS_MODE_BACKGROUND_BEGIN and _END among them: background mode is not emulated). */
BOOL WINAPI SetPriorityClass(HANDLE process, DWORD priority_class)
{
    PROCESS_PRIORITY_CLASS info = { FALSE, 0 };
    NTSTATUS status;

    for (UCHAR i = 0; i < ARRAYSIZE(priority_classes); i++)
        if (priority_classes[i] == priority_class)
            info.PriorityClass = i + 1;
    if (!info.PriorityClass)
        return fail_status(STATUS_INVALID_PARAMETER);
    status = NtSetInformationProcess(process, ProcessPriorityClass, &info, sizeof info);
    if (status == STATUS_PRIVILEGE_NOT_HELD && info.PriorityClass == PROCESS_PRIORITY_CLASS_REALTIME) {
        info.PriorityClass = PROCESS_PRIORITY_CLASS_HIGH;
        status = NtSetInformationProcess(process, ProcessPriorityClass, &info, sizeof info);
    }
    return NT_SUCCESS(status) ? TRUE : fail_status(status);
}

DWORD WINAPI GetPriorityClass(HANDLE process)
{
    PROCESS_PRIORITY_CLASS info;

    if (!query_process(process, ProcessPriorityClass, &info, sizeof info))
        return 0;
    return info.PriorityClass - 1u < ARRAYSIZE(priority_classes) ? priority_classes[info.PriorityClass - 1] : 0;
}
