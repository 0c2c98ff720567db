/*
 * What the kernel32 sources of processes, threads and system information share (processthreadsapi.c,
 * sysinfoapi.c, processenv.c, libloaderapi.c).
 */
#ifndef WOW64EMU_K32PROCESS_H
#define WOW64EMU_K32PROCESS_H

#include "k32.h"

/* NtQueryInformationProcess without a ReturnLength; FALSE with the last error set when it fails. */
BOOL query_process(HANDLE process, PROCESSINFOCLASS info_class, PVOID info, ULONG length);

/* `n` characters of `text` and a NUL into a caller's buffer, wide or ANSI (code page 1252, with its best fit
 * or '?' for the others). */
void put_string(void *buffer, BOOL wide, const WCHAR *text, DWORD n);

/* The value of a variable of the environment block (processenv.c), or NULL; *length gets its length in
 * characters. */
const WCHAR *find_variable(const WCHAR *name, DWORD name_length, DWORD *length);

#endif
