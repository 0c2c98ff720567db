/*
 * What kernel32's Toolhelp snapshots (toolhelp.c) and the psapi functions (psapi.c) share: the processes of the
 * system (NtQuerySystemInformation's SystemProcessInformation) and the modules of a process, read from the
 * loader's list in its PEB (PEB->Ldr->InLoadOrderModuleList) with NtReadVirtualMemory, as Windows' kernel32 reads
 * them from outside the process.
 *
 * A process has one module list per width it runs: a 64-bit process its 64-bit list; a WoW64 process its 32-bit
 * list (PEB32) and its 64-bit one (PEB64: the image, ntdll and the WoW64 DLLs). A 32-bit caller reads 32-bit
 * lists only; asked about a 64-bit process, which has none, it gets STATUS_PARTIAL_COPY (ERROR_PARTIAL_COPY), as
 * on Windows. A 64-bit caller reads either.
 */
#ifndef WOW64EMU_K32MODULES_H
#define WOW64EMU_K32MODULES_H

#include "k32.h"
#include <tlhelp32.h>

/* The widths of module lists a caller can ask for (psapi's LIST_MODULES_* values). */
#define MODULES_32 0x1
#define MODULES_64 0x2
#ifdef _WIN64
#define MODULES_NATIVE MODULES_64
#else
#define MODULES_NATIVE MODULES_32
#endif

/* One module of another process, whatever its width. */
struct remote_module {
    ULONG64 base;
    ULONG size;
    USHORT load_count;
    WCHAR name[MAX_MODULE_NAME32 + 1];         /* BaseDllName, NUL-terminated */
    WCHAR path[MAX_PATH];                      /* FullDllName, NUL-terminated */
    USHORT name_length, path_length;           /* in characters, as the loader has them (before any cut) */
};

/* Called for each module in load order; FALSE stops the walk. */
typedef BOOL (*MODULE_VISITOR)(const struct remote_module *module, void *context);

/* Walks the module lists of `process` the mask `widths` names (64-bit first), which needs PROCESS_VM_READ and
 * PROCESS_QUERY_INFORMATION (or its limited form). STATUS_PARTIAL_COPY when the list cannot be read;
 * STATUS_INFO_LENGTH_MISMATCH (ERROR_BAD_LENGTH) for a list that does not end, as one that changes under the
 * walk would. */
NTSTATUS walk_modules(HANDLE process, DWORD widths, MODULE_VISITOR visit, void *context);

/* The system's process list (SystemProcessInformation), in a buffer of the process heap the caller frees (RtlFreeHeap); NULL
 * with the status in *status when it cannot be had. */
SYSTEM_PROCESS_INFORMATION *query_processes(NTSTATUS *status);

#endif
