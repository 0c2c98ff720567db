/*
 * The CRT's per-thread data (errno and the functions with hidden state), in a TLS slot taken at the first use, and
 * the invalid-parameter path both Microsoft CRTs share: a handler the program sets, or the default one, which ends
 * the process through __fastfail(FAST_FAIL_INVALID_ARG), 0xC0000409 with subcode 5, as Windows 10's CRTs do (no handler, no unhandled-exception filter sees it).
 */
#include "crt.h"

typedef void (__cdecl *invalid_parameter_handler_t)(const wchar_t *, const wchar_t *, const wchar_t *, unsigned,
                                                    uintptr_t);

static DWORD tls_slot = TLS_OUT_OF_INDEXES;
static struct crt_thread_data first_thread;          /* for when the slot or the heap is not there */
static invalid_parameter_handler_t invalid_parameter_handler;

struct crt_thread_data *crt_thread_data(void)
{
    struct crt_thread_data *data;
    DWORD error;

    if (tls_slot == TLS_OUT_OF_INDEXES) {
        DWORD slot = TlsAlloc();

        if (slot == TLS_OUT_OF_INDEXES)
            return &first_thread;
        if (InterlockedCompareExchange((LONG *)&tls_slot, (LONG)slot, (LONG)TLS_OUT_OF_INDEXES)
            != (LONG)TLS_OUT_OF_INDEXES)
            TlsFree(slot);
        TlsSetValue(tls_slot, &first_thread);        /* the thread that comes first keeps the static block */
        first_thread.rand_next = 1;
        return &first_thread;
    }
    error = GetLastError();                          /* errno's lookup leaves the last error alone */
    data = TlsGetValue(tls_slot);
    if (!data) {
        data = crt_zalloc(sizeof *data);
        if (!data)
            data = &first_thread;
        data->rand_next = 1;
        TlsSetValue(tls_slot, data);
    }
    SetLastError(error);
    return data;
}

int *CRT_EXPORT _errno(void)
{
    return &crt_thread_data()->err;
}

unsigned long *CRT_EXPORT __doserrno(void)
{
    return &crt_thread_data()->doserr;
}

int CRT_EXPORT _get_errno(int *value)
{
    if (!value) {
        crt_invalid_parameter(CRT_EINVAL);
        return CRT_EINVAL;
    }
    *value = crt_thread_data()->err;
    return 0;
}

int CRT_EXPORT _set_errno(int value)
{
    crt_thread_data()->err = value;
    return 0;
}

int CRT_EXPORT _get_doserrno(unsigned long *value)
{
    if (!value) {
        crt_invalid_parameter(CRT_EINVAL);
        return CRT_EINVAL;
    }
    *value = crt_thread_data()->doserr;
    return 0;
}

int CRT_EXPORT _set_doserrno(unsigned long value)
{
    crt_thread_data()->doserr = value;
    return 0;
}

/* _dosmaperr's table: Win32 error -> errno; anything else is EINVAL. */
static const struct { unsigned short win32; unsigned char err; } errno_of[] = {
    {ERROR_INVALID_FUNCTION, CRT_EINVAL}, {ERROR_FILE_NOT_FOUND, CRT_ENOENT}, {ERROR_PATH_NOT_FOUND, CRT_ENOENT},
    {ERROR_TOO_MANY_OPEN_FILES, CRT_EMFILE}, {ERROR_ACCESS_DENIED, CRT_EACCES}, {ERROR_INVALID_HANDLE, CRT_EBADF},
    {ERROR_ARENA_TRASHED, CRT_ENOMEM}, {ERROR_NOT_ENOUGH_MEMORY, CRT_ENOMEM}, {ERROR_INVALID_BLOCK, CRT_ENOMEM},
    {ERROR_BAD_ENVIRONMENT, 7 /* E2BIG */}, {ERROR_BAD_FORMAT, 8 /* ENOEXEC */}, {ERROR_INVALID_ACCESS, CRT_EINVAL},
    {ERROR_INVALID_DATA, CRT_EINVAL}, {ERROR_INVALID_DRIVE, CRT_ENOENT}, {ERROR_CURRENT_DIRECTORY, CRT_EACCES},
    {ERROR_NOT_SAME_DEVICE, 18 /* EXDEV */}, {ERROR_NO_MORE_FILES, CRT_ENOENT}, {ERROR_LOCK_VIOLATION, CRT_EACCES},
    {ERROR_BAD_NETPATH, CRT_ENOENT}, {ERROR_NETWORK_ACCESS_DENIED, CRT_EACCES}, {ERROR_BAD_NET_NAME, CRT_ENOENT},
    {ERROR_FILE_EXISTS, CRT_EEXIST}, {ERROR_CANNOT_MAKE, CRT_EACCES}, {ERROR_FAIL_I24, CRT_EACCES},
    {ERROR_INVALID_PARAMETER, CRT_EINVAL}, {ERROR_NO_PROC_SLOTS, CRT_EAGAIN}, {ERROR_DRIVE_LOCKED, CRT_EACCES},
    {ERROR_BROKEN_PIPE, CRT_EPIPE}, {ERROR_DISK_FULL, CRT_ENOSPC}, {ERROR_INVALID_TARGET_HANDLE, CRT_EBADF},
    {ERROR_WAIT_NO_CHILDREN, 10 /* ECHILD */}, {ERROR_CHILD_NOT_COMPLETE, 10 /* ECHILD */},
    {ERROR_DIRECT_ACCESS_HANDLE, CRT_EBADF}, {ERROR_NEGATIVE_SEEK, CRT_EINVAL}, {ERROR_SEEK_ON_DEVICE, CRT_EACCES},
    {ERROR_DIR_NOT_EMPTY, 41 /* ENOTEMPTY */}, {ERROR_NOT_LOCKED, CRT_EACCES}, {ERROR_BAD_PATHNAME, CRT_ENOENT},
    {ERROR_MAX_THRDS_REACHED, CRT_EAGAIN}, {ERROR_LOCK_FAILED, CRT_EACCES}, {ERROR_ALREADY_EXISTS, CRT_EEXIST},
    {ERROR_FILENAME_EXCED_RANGE, CRT_ENOENT}, {ERROR_NESTING_NOT_ALLOWED, CRT_EAGAIN},
    {ERROR_NOT_ENOUGH_QUOTA, CRT_ENOMEM},
};

void crt_set_errno_from_win32(DWORD error)
{
    struct crt_thread_data *data = crt_thread_data();

    data->doserr = error;
    for (size_t i = 0; i < sizeof errno_of / sizeof errno_of[0]; i++)
        if (errno_of[i].win32 == error) {
            data->err = errno_of[i].err;
            return;
        }
    if (error >= ERROR_WRITE_PROTECT && error <= ERROR_SHARING_BUFFER_EXCEEDED)
        data->err = CRT_EACCES;
    else if (error >= ERROR_INVALID_STARTING_CODESEG && error <= ERROR_INFLOOP_IN_RELOC_CHAIN)
        data->err = 8;                               /* ENOEXEC */
    else
        data->err = CRT_EINVAL;
}

void CRT_EXPORT _dosmaperr(unsigned long error)
{
    crt_set_errno_from_win32(error);
}

invalid_parameter_handler_t CRT_EXPORT _set_invalid_parameter_handler(invalid_parameter_handler_t handler)
{
    return (invalid_parameter_handler_t)InterlockedExchangePointer((void **)&invalid_parameter_handler,
                                                                   (void *)handler);
}

invalid_parameter_handler_t CRT_EXPORT _get_invalid_parameter_handler(void)
{
    return invalid_parameter_handler;
}

/* What happens when no handler is set: __fastfail(FAST_FAIL_INVALID_ARG), the process ends with 0xC0000409 and
 * subcode 5, as on Windows 10 (where fast fail is always present). */
void CRT_EXPORT _invoke_watson(const wchar_t *expression, const wchar_t *function, const wchar_t *file,
                               unsigned line, uintptr_t reserved)
{
    (void)expression, (void)function, (void)file, (void)line, (void)reserved;
    crt_fastfail(5);                                 /* FAST_FAIL_INVALID_ARG */
}

void CRT_EXPORT _invalid_parameter(const wchar_t *expression, const wchar_t *function, const wchar_t *file,
                                   unsigned line, uintptr_t reserved)
{
    invalid_parameter_handler_t handler = invalid_parameter_handler;

    if (handler) {
        handler(expression, function, file, line, reserved);
        return;
    }
    _invoke_watson(expression, function, file, line, reserved);
}

void CRT_EXPORT _invalid_parameter_noinfo(void)
{
    _invalid_parameter(NULL, NULL, NULL, 0, 0);
}

void CRT_EXPORT _invalid_parameter_noinfo_noreturn(void)
{
    _invalid_parameter(NULL, NULL, NULL, 0, 0);
    _invoke_watson(NULL, NULL, NULL, 0, 0);
}

void crt_invalid_parameter(int err)
{
    crt_thread_data()->err = err;
    _invalid_parameter(NULL, NULL, NULL, 0, 0);
    crt_thread_data()->err = err;
}
