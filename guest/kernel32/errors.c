/*
 * kernel32: the last error, and the NTSTATUS -> Win32 error conversion every failing function uses.
 */
#define _KERNEL32_          /* windows.h declares our own exports without dllimport */
#include "k32.h"

/* ---- Last error ---------------------------------------------------------------------------------------- */

DWORD WINAPI GetLastError(void)
{
    return nt_current_teb()->LastErrorValue;
}

void WINAPI SetLastError(DWORD error)
{
    nt_current_teb()->LastErrorValue = error;
}

/* NTSTATUS -> Win32 error, for the statuses the implemented functions can meet. */
static const struct {
    NTSTATUS status;
    DWORD error;
} status_errors[] = {
    { STATUS_OBJECT_NAME_NOT_FOUND, ERROR_FILE_NOT_FOUND },         /* 2 */
    { STATUS_OBJECT_PATH_NOT_FOUND, ERROR_PATH_NOT_FOUND },         /* 3 */
    { STATUS_ACCESS_DENIED, ERROR_ACCESS_DENIED },                  /* 5 */
    { STATUS_INVALID_HANDLE, ERROR_INVALID_HANDLE },                /* 6 */
    { STATUS_NO_MEMORY, ERROR_NOT_ENOUGH_MEMORY },                  /* 8 */
    { STATUS_END_OF_FILE, ERROR_HANDLE_EOF },                       /* 38 */
    { STATUS_OBJECT_NAME_COLLISION, ERROR_FILE_EXISTS },            /* 80 */
    { STATUS_INVALID_PARAMETER, ERROR_INVALID_PARAMETER },          /* 87 */
    { STATUS_PIPE_BROKEN, ERROR_BROKEN_PIPE },                      /* 109 */
    { STATUS_OBJECT_NAME_INVALID, ERROR_INVALID_NAME },             /* 123 */
    { STATUS_CONFLICTING_ADDRESSES, ERROR_INVALID_ADDRESS },        /* 487 */
    { STATUS_MEMORY_NOT_ALLOCATED, ERROR_INVALID_ADDRESS },         /* 487 */
    { STATUS_ACCESS_VIOLATION, ERROR_NOACCESS },                    /* 998 */
};

DWORD error_from_status(NTSTATUS status)
{
    for (unsigned i = 0; i < sizeof status_errors / sizeof status_errors[0]; i++)
        if (status_errors[i].status == status)
            return status_errors[i].error;
    return ERROR_MR_MID_NOT_FOUND;                                  /* 317: no mapping */
}

/* Sets the last error from a failed status; returns FALSE for the callers' convenience. */
BOOL fail_status(NTSTATUS status)
{
    SetLastError(error_from_status(status));
    return FALSE;
}
