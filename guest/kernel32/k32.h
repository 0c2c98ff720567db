/*
 * kernel32.dll of the wow64emu guest: the Win32 functions the fixture programs use, each implemented on top of the
 * ntdll system calls, so that every call a 32-bit program makes crosses the whole WoW64 path. One source for both
 * widths (SysWOW64\kernel32.dll and System32\kernel32.dll), split by SDK header as Windows' headers split it:
 * errors.c, processthreadsapi.c, fileapi.c, memoryapi.c, synchapi.c, ... Each area's exports are listed, with
 * fixed ordinals, in exports/<area>.def; kernel32.def holds the first ones.
 *
 * Not a complete kernel32: no overlapped I/O (OVERLAPPED only gives the file offset). ANSI strings are in code
 * page 1252 (k32nls.h), but for the console's functions, whose bytes are the console's code pages'.
 */
#ifndef WOW64EMU_K32_H
#define WOW64EMU_K32_H

#include "nt.h"

#ifndef ERROR_NOT_SAME_OBJECT                                       /* not in mingw-w64's winerror.h */
#define ERROR_NOT_SAME_OBJECT 1656
#endif
#ifndef ERROR_NO_WORK_DONE
#define ERROR_NO_WORK_DONE 235
#endif

/* NTSTATUS -> Win32 error (errors.c): the one table of every status the kernel32 functions meet. */
DWORD error_from_status(NTSTATUS status);

/* Sets the last error from a failed status; returns FALSE for the callers' convenience. */
BOOL fail_status(NTSTATUS status);

/* For a function whose service is absent (unserved.c): writes "wow64emu: WARNING: <function>: <missing>" for the
 * user and sets the last error of STATUS_NOT_IMPLEMENTED; returns FALSE. */
BOOL unserved(const char *function, const char *missing);

/* fn(args) under an exception handler (guard.c): its result, or 0 when an exception ended it. */
ULONG_PTR guarded(ULONG_PTR (*fn)(ULONG_PTR *args), ULONG_PTR *args);

#endif
