/*
 * kernel32: job objects (jobapi.h, jobapi2.h), on top of the NT calls as kernelbase does them.
 *
 * A job's name lives in \BaseNamedObjects like an event's (k32objects.h): CreateJobObject opens an existing name
 * (ERROR_ALREADY_EXISTS), OpenJobObject needs one. The other functions pass their arguments to the kernel and turn a
 * failed status into the last error: QueryInformationJobObject's STATUS_BUFFER_OVERFLOW (a process-id list with
 * more processes than room) is FALSE with ERROR_MORE_DATA, the part that fits written; a wrong length
 * ERROR_BAD_LENGTH; an active-process limit ERROR_NOT_ENOUGH_QUOTA. IsProcessInJob answers from
 * STATUS_PROCESS_IN_JOB and STATUS_PROCESS_NOT_IN_JOB.
 */
#define _KERNEL32_          /* windows.h declares our own exports without dllimport */
#include "k32objects.h"

HANDLE WINAPI CreateJobObjectW(LPSECURITY_ATTRIBUTES sa, LPCWSTR name)
{
    OBJECT_ATTRIBUTES oa;
    UNICODE_STRING us;
    HANDLE handle = NULL;
    POBJECT_ATTRIBUTES poa = object_attributes(&oa, &us, name, inherits(sa), OBJ_OPENIF);
    if (!poa)
        return NULL;
    return created(NtCreateJobObject(&handle, JOB_OBJECT_ALL_ACCESS, poa), &handle);
}

HANDLE WINAPI CreateJobObjectA(LPSECURITY_ATTRIBUTES sa, LPCSTR name)
{
    WCHAR buf[MAX_PATH + 1];
    LPCWSTR wide;
    if (!wide_name(name, buf, &wide))
        return NULL;
    return CreateJobObjectW(sa, wide);
}

HANDLE WINAPI OpenJobObjectW(DWORD access, BOOL inherit, LPCWSTR name)
{
    return open_named(NtOpenJobObject, access, inherit, name);
}

HANDLE WINAPI OpenJobObjectA(DWORD access, BOOL inherit, LPCSTR name)
{
    WCHAR buf[MAX_PATH + 1];
    LPCWSTR wide;
    if (!wide_name(name, buf, &wide))
        return NULL;
    return OpenJobObjectW(access, inherit, wide);
}

static BOOL succeeded(NTSTATUS status)
{
    return NT_SUCCESS(status) ? TRUE : fail_status(status);
}

BOOL WINAPI AssignProcessToJobObject(HANDLE job, HANDLE process)
{
    return succeeded(NtAssignProcessToJobObject(job, process));
}

BOOL WINAPI TerminateJobObject(HANDLE job, UINT exit_code)
{
    return succeeded(NtTerminateJobObject(job, (NTSTATUS)exit_code));
}

BOOL WINAPI IsProcessInJob(HANDLE process, HANDLE job, PBOOL result)
{
    NTSTATUS status = NtIsProcessInJob(process, job);
    if (status != STATUS_PROCESS_IN_JOB && status != STATUS_PROCESS_NOT_IN_JOB)
        return fail_status(status);
    *result = status == STATUS_PROCESS_IN_JOB;
    return TRUE;
}

BOOL WINAPI QueryInformationJobObject(HANDLE job, JOBOBJECTINFOCLASS info_class, LPVOID info, DWORD length,
                                      LPDWORD return_length)
{
    return succeeded(NtQueryInformationJobObject(job, info_class, info, length, return_length));
}

BOOL WINAPI SetInformationJobObject(HANDLE job, JOBOBJECTINFOCLASS info_class, LPVOID info, DWORD length)
{
    return succeeded(NtSetInformationJobObject(job, info_class, info, length));
}
