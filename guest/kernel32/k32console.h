/*
 * What the kernel32 sources of the console share (consoleapi.c, consoleapi2.c, consoleapi3.c): one request to
 * the console driver per API call (guest/include/nt/console.h).
 */
#ifndef WOW64EMU_K32CONSOLE_H
#define WOW64EMU_K32CONSOLE_H

#include "k32.h"

/* What a request carries besides its API number: its arguments, the caller's data (text to write, a title) and
 * where the reply's text or structure goes. */
struct console_call {
    HANDLE object;              /* the console handle the call is about, or NULL */
    ULONG arguments[2];
    const void *data;
    ULONG data_length;          /* bytes */
    void *output;
    ULONG output_length;        /* bytes */
};

/* One IOCTL_CONDRV_ISSUE_USER_IO request on the process's console connection; *reply gets the IO_STATUS_BLOCK's
 * Information. FALSE with the last error set on failure: ERROR_INVALID_HANDLE without a console, or for a handle
 * that is not a console's. */
BOOL console_request(ULONG api, const struct console_call *call, ULONG_PTR *reply);

/* A request with only arguments and a console handle (or NULL); *value gets the Information it gives back. */
BOOL console_value(ULONG api, HANDLE object, ULONG argument0, ULONG argument1, ULONG_PTR *value);

#endif
