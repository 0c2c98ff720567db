/*
 * kernel32: events, mutexes, semaphores, waits and sleeps, on top of the NT calls as kernelbase does them.
 *
 * Named objects live in \BaseNamedObjects: the directory is opened once (with the rights kernelbase asks for)
 * and each name is looked up relative to it, case-sensitively, with OBJ_OPENIF for the Create functions, so
 * that creating an existing name opens it and leaves ERROR_ALREADY_EXISTS as the last error (0 otherwise).
 * Waits return WAIT_OBJECT_0 + i, WAIT_ABANDONED_0 + i, WAIT_TIMEOUT or WAIT_IO_COMPLETION (the NT status
 * itself), and WAIT_FAILED with the last error set.
 */
#define _KERNEL32_          /* windows.h declares our own exports without dllimport */
#include "k32nls.h"
#include "k32objects.h"

/* ---- Named objects ------------------------------------------------------------------------------------- */

static HANDLE base_named_objects;

static HANDLE named_object_directory(void)
{
    if (!base_named_objects) {
        UNICODE_STRING name;
        OBJECT_ATTRIBUTES oa;
        HANDLE dir;
        NTSTATUS status;
        static const WCHAR path[] = L"\\BaseNamedObjects";
        name.Length = sizeof path - sizeof(WCHAR);
        name.MaximumLength = sizeof path;
        name.Buffer = (PWSTR)path;
        oa.Length = sizeof oa;
        oa.RootDirectory = NULL;
        oa.ObjectName = &name;
        oa.Attributes = 0;
        oa.SecurityDescriptor = NULL;
        oa.SecurityQualityOfService = NULL;
        status = NtOpenDirectoryObject(&dir, DIRECTORY_ALL_ACCESS & ~(DELETE | WRITE_DAC | WRITE_OWNER), &oa);
        if (!NT_SUCCESS(status)) {
            fail_status(status);
            return NULL;
        }
        base_named_objects = dir;
    }
    return base_named_objects;
}

/* The object attributes of an object named `name` (or unnamed, for NULL); NULL when the directory of named
 * objects cannot be opened (the last error is set). */
POBJECT_ATTRIBUTES object_attributes(OBJECT_ATTRIBUTES *oa, UNICODE_STRING *us, LPCWSTR name, BOOL inherit,
                                     ULONG attributes)
{
    oa->Length = sizeof *oa;
    oa->RootDirectory = NULL;
    oa->ObjectName = NULL;
    oa->Attributes = attributes | (inherit ? OBJ_INHERIT : 0);
    oa->SecurityDescriptor = NULL;
    oa->SecurityQualityOfService = NULL;
    if (name) {
        USHORT n = 0;
        while (name[n])
            n++;
        us->Length = (USHORT)(n * sizeof(WCHAR));
        us->MaximumLength = (USHORT)(us->Length + sizeof(WCHAR));
        us->Buffer = (PWSTR)name;
        oa->ObjectName = us;
        oa->RootDirectory = named_object_directory();
        if (!oa->RootDirectory)
            return NULL;
    }
    return oa;
}

BOOL inherits(const SECURITY_ATTRIBUTES *sa)
{
    return sa && sa->bInheritHandle;
}

/* What a Create function returns for the status of its NtCreateXxx call, which wrote *handle. */
HANDLE created(NTSTATUS status, const HANDLE *handle)
{
    if (!NT_SUCCESS(status)) {
        fail_status(status);
        return NULL;
    }
    SetLastError(status == STATUS_OBJECT_NAME_EXISTS ? ERROR_ALREADY_EXISTS : ERROR_SUCCESS);
    return *handle;
}

/* OpenEventW, OpenMutexW, OpenSemaphoreW: a name is required. */
HANDLE open_named(open_call call, DWORD access, BOOL inherit, LPCWSTR name)
{
    OBJECT_ATTRIBUTES oa;
    UNICODE_STRING us;
    HANDLE handle = NULL;
    POBJECT_ATTRIBUTES poa;
    NTSTATUS status;
    if (!name) {
        SetLastError(ERROR_INVALID_PARAMETER);
        return NULL;
    }
    poa = object_attributes(&oa, &us, name, inherit, 0);
    if (!poa)
        return NULL;
    status = call(&handle, access, poa);
    if (!NT_SUCCESS(status)) {
        fail_status(status);
        return NULL;
    }
    return handle;
}

/* An ANSI name as a UTF-16 one (code page 1252), in `buf` of MAX_PATH + 1 characters.
 * NULL stays NULL; a longer name fails with ERROR_FILENAME_EXCED_RANGE, as kernelbase's static buffer does. */
BOOL wide_name(LPCSTR name, WCHAR *buf, LPCWSTR *out)
{
    *out = NULL;
    if (!name)
        return TRUE;
    for (unsigned i = 0; ; i++) {
        if (i > MAX_PATH) {
            SetLastError(ERROR_FILENAME_EXCED_RANGE);
            return FALSE;
        }
        if (!name[i]) {
            nls_ansi_to_unicode(name, i + 1, buf);
            break;
        }
    }
    *out = buf;
    return TRUE;
}

/* ---- Events -------------------------------------------------------------------------------------------- */

HANDLE WINAPI CreateEventW(LPSECURITY_ATTRIBUTES sa, BOOL manual_reset, BOOL initial_state, LPCWSTR name)
{
    OBJECT_ATTRIBUTES oa;
    UNICODE_STRING us;
    HANDLE handle = NULL;
    POBJECT_ATTRIBUTES poa = object_attributes(&oa, &us, name, inherits(sa), OBJ_OPENIF);
    if (!poa)
        return NULL;
    return created(NtCreateEvent(&handle, EVENT_ALL_ACCESS, poa,
                                 manual_reset ? NotificationEvent : SynchronizationEvent, (BOOLEAN)!!initial_state),
                   &handle);
}

HANDLE WINAPI CreateEventA(LPSECURITY_ATTRIBUTES sa, BOOL manual_reset, BOOL initial_state, LPCSTR name)
{
    WCHAR buf[MAX_PATH + 1];
    LPCWSTR wide;
    if (!wide_name(name, buf, &wide))
        return NULL;
    return CreateEventW(sa, manual_reset, initial_state, wide);
}

HANDLE WINAPI OpenEventW(DWORD access, BOOL inherit, LPCWSTR name)
{
    return open_named(NtOpenEvent, access, inherit, name);
}

static BOOL event_call(NTSTATUS status)
{
    if (!NT_SUCCESS(status))
        return fail_status(status);
    return TRUE;
}

BOOL WINAPI SetEvent(HANDLE event)
{
    return event_call(NtSetEvent(event, NULL));
}

BOOL WINAPI ResetEvent(HANDLE event)
{
    return event_call(NtResetEvent(event, NULL));
}

BOOL WINAPI PulseEvent(HANDLE event)
{
    return event_call(NtPulseEvent(event, NULL));
}

/* ---- Mutexes ------------------------------------------------------------------------------------------- */

HANDLE WINAPI CreateMutexW(LPSECURITY_ATTRIBUTES sa, BOOL initial_owner, LPCWSTR name)
{
    OBJECT_ATTRIBUTES oa;
    UNICODE_STRING us;
    HANDLE handle = NULL;
    POBJECT_ATTRIBUTES poa = object_attributes(&oa, &us, name, inherits(sa), OBJ_OPENIF);
    if (!poa)
        return NULL;
    return created(NtCreateMutant(&handle, MUTANT_ALL_ACCESS, poa, (BOOLEAN)!!initial_owner), &handle);
}

HANDLE WINAPI CreateMutexA(LPSECURITY_ATTRIBUTES sa, BOOL initial_owner, LPCSTR name)
{
    WCHAR buf[MAX_PATH + 1];
    LPCWSTR wide;
    if (!wide_name(name, buf, &wide))
        return NULL;
    return CreateMutexW(sa, initial_owner, wide);
}

HANDLE WINAPI OpenMutexW(DWORD access, BOOL inherit, LPCWSTR name)
{
    return open_named(NtOpenMutant, access, inherit, name);
}

BOOL WINAPI ReleaseMutex(HANDLE mutex)
{
    return event_call(NtReleaseMutant(mutex, NULL));
}

/* ---- Semaphores ---------------------------------------------------------------------------------------- */

HANDLE WINAPI CreateSemaphoreW(LPSECURITY_ATTRIBUTES sa, LONG initial, LONG maximum, LPCWSTR name)
{
    OBJECT_ATTRIBUTES oa;
    UNICODE_STRING us;
    HANDLE handle = NULL;
    POBJECT_ATTRIBUTES poa = object_attributes(&oa, &us, name, inherits(sa), OBJ_OPENIF);
    if (!poa)
        return NULL;
    return created(NtCreateSemaphore(&handle, SEMAPHORE_ALL_ACCESS, poa, initial, maximum), &handle);
}

HANDLE WINAPI CreateSemaphoreA(LPSECURITY_ATTRIBUTES sa, LONG initial, LONG maximum, LPCSTR name)
{
    WCHAR buf[MAX_PATH + 1];
    LPCWSTR wide;
    if (!wide_name(name, buf, &wide))
        return NULL;
    return CreateSemaphoreW(sa, initial, maximum, wide);
}

HANDLE WINAPI OpenSemaphoreW(DWORD access, BOOL inherit, LPCWSTR name)
{
    return open_named(NtOpenSemaphore, access, inherit, name);
}

BOOL WINAPI ReleaseSemaphore(HANDLE semaphore, LONG count, LPLONG previous)
{
    return event_call(NtReleaseSemaphore(semaphore, count, previous));
}

/* ---- Waits and sleeps ---------------------------------------------------------------------------------- */

/* The NT timeout for a Win32 one in milliseconds: NULL for INFINITE, else relative, in 100 ns units. */
static PLARGE_INTEGER nt_timeout(DWORD milliseconds, LARGE_INTEGER *timeout)
{
    if (milliseconds == INFINITE)
        return NULL;
    timeout->QuadPart = -(LONGLONG)milliseconds * 10000;
    return timeout;
}

static DWORD wait_result(NTSTATUS status)
{
    if (!NT_SUCCESS(status)) {
        fail_status(status);
        return WAIT_FAILED;
    }
    return (DWORD)status;
}

DWORD WINAPI WaitForSingleObjectEx(HANDLE handle, DWORD milliseconds, BOOL alertable)
{
    LARGE_INTEGER timeout;
    return wait_result(NtWaitForSingleObject(handle, (BOOLEAN)!!alertable, nt_timeout(milliseconds, &timeout)));
}

DWORD WINAPI WaitForSingleObject(HANDLE handle, DWORD milliseconds)
{
    return WaitForSingleObjectEx(handle, milliseconds, FALSE);
}

DWORD WINAPI WaitForMultipleObjectsEx(DWORD count, const HANDLE *handles, BOOL wait_all, DWORD milliseconds,
                                      BOOL alertable)
{
    HANDLE copy[MAXIMUM_WAIT_OBJECTS];
    LARGE_INTEGER timeout;
    if (count > MAXIMUM_WAIT_OBJECTS) {
        SetLastError(ERROR_INVALID_PARAMETER);
        return WAIT_FAILED;
    }
    for (DWORD i = 0; i < count; i++)       /* kernelbase copies them, to put console handles right */
        copy[i] = handles[i];
    return wait_result(NtWaitForMultipleObjects(count, copy, wait_all ? WaitAll : WaitAny, (BOOLEAN)!!alertable,
                                                nt_timeout(milliseconds, &timeout)));
}

DWORD WINAPI WaitForMultipleObjects(DWORD count, const HANDLE *handles, BOOL wait_all, DWORD milliseconds)
{
    return WaitForMultipleObjectsEx(count, handles, wait_all, milliseconds, FALSE);
}

DWORD WINAPI SignalObjectAndWait(HANDLE signal, HANDLE wait, DWORD milliseconds, BOOL alertable)
{
    LARGE_INTEGER timeout;
    return wait_result(NtSignalAndWaitForSingleObject(signal, wait, (BOOLEAN)!!alertable,
                                                      nt_timeout(milliseconds, &timeout)));
}

DWORD WINAPI SleepEx(DWORD milliseconds, BOOL alertable)
{
    LARGE_INTEGER interval;
    NTSTATUS status;
    if (milliseconds == INFINITE)
        interval.QuadPart = (LONGLONG)0x8000000000000000ULL;        /* the longest relative wait */
    else
        interval.QuadPart = -(LONGLONG)milliseconds * 10000;        /* relative, in 100 ns units */
    status = NtDelayExecution((BOOLEAN)!!alertable, &interval);
    return status == STATUS_USER_APC ? WAIT_IO_COMPLETION : 0;
}

void WINAPI Sleep(DWORD milliseconds)
{
    SleepEx(milliseconds, FALSE);
}
