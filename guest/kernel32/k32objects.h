/*
 * kernel32: the helpers of named objects (synchapi.c), shared by every area whose Create and Open functions name
 * an object in \BaseNamedObjects (events, mutexes and semaphores there; job objects in jobapi.c).
 */
#ifndef WOW64EMU_K32OBJECTS_H
#define WOW64EMU_K32OBJECTS_H

#include "k32.h"

/* The object attributes of an object named `name` (or unnamed, for NULL), relative to \BaseNamedObjects; NULL
 * when that directory cannot be opened (the last error is set). */
POBJECT_ATTRIBUTES object_attributes(OBJECT_ATTRIBUTES *oa, UNICODE_STRING *us, LPCWSTR name, BOOL inherit,
                                     ULONG attributes);

/* Whether SECURITY_ATTRIBUTES ask for an inheritable handle. */
BOOL inherits(const SECURITY_ATTRIBUTES *sa);

/* What a Create function returns for the status of its NtCreateXxx call, which wrote *handle: the handle, with the
 * last error ERROR_ALREADY_EXISTS for an existing name (0 otherwise), or NULL with the status's error. */
HANDLE created(NTSTATUS status, const HANDLE *handle);

typedef NTSTATUS (NTAPI *open_call)(PHANDLE, ACCESS_MASK, POBJECT_ATTRIBUTES);

/* An Open function: a name is required (ERROR_INVALID_PARAMETER otherwise). */
HANDLE open_named(open_call call, DWORD access, BOOL inherit, LPCWSTR name);

/* An ANSI name as a UTF-16 one, in `buf` of MAX_PATH + 1 characters; NULL stays NULL. */
BOOL wide_name(LPCSTR name, WCHAR *buf, LPCWSTR *out);

#endif
