/*
 * ntdll's loader at the two ends of a process: the DLL_PROCESS_ATTACH of the DLLs process creation loaded (the
 * program's static imports and theirs), before the program's entry point, and the DLL_PROCESS_DETACH of every
 * attached DLL when the process exits (LdrShutdownProcess, from RtlExitUserProcess).
 *
 * Windows' behaviour, and the choices made here:
 * - Process creation (wow64emu/loader/ldrdata.py) writes the start-up modules into the PEB's lists, the
 *   initialisation-order list holding the DLLs each after the DLLs it imports; the program's image and ntdll are
 *   marked LDRP_ENTRY_PROCESSED, the other DLLs not yet. Windows' LdrpInitializeProcess then runs their
 *   initialisation (LdrpRunInitializeRoutines before Windows 8, the dependency graph since): here
 *   ldr_initialize_process, which RtlUserThreadStart (ntdll32.S, ntdll64.S) calls through ldr_initialize
 *   (ldrthread.c, with the loader lock held) before the entry point, the first code of the process's width to run.
 * - First it creates the process heap (heap.c), as LdrpInitializeProcess does before any DLL runs; a heap that
 *   cannot be created (an image asking for more than can be reserved) ends the process with STATUS_NO_MEMORY.
 *   Then it gives the modules with static TLS their indexes and the thread its copies (ldrtls.c). Each DllMain
 *   call is preceded by the module's TLS callbacks; the program's own TLS callbacks run after the last DLL is
 *   attached, and after the last is detached at exit.
 * - It walks the initialisation-order list from the start; each entry not yet processed is marked
 *   LDRP_ENTRY_PROCESSED and, when it has an entry point, LDRP_PROCESS_ATTACH_CALLED, then its DllMain is called
 *   with DLL_PROCESS_ATTACH and a non-NULL lpReserved ((PVOID)1: a static load; Windows passes a context there),
 *   PEB_LDR_DATA.EntryInProgress naming it meanwhile. ntdll (already processed) and entries without an entry point
 *   are not called. A DLL that a DllMain loads (LoadLibrary) is attached by that load and skipped by the walk.
 * - A DllMain that returns FALSE ends the process at once with STATUS_DLL_INIT_FAILED (0xC0000142), as Windows'
 *   LdrpInitializationFailure does: no DLL is detached, and the program's entry point never runs.
 * - RtlExitUserProcess (kernel32's ExitProcess; RtlExitUserThread for the last thread): NtTerminateProcess(NULL)
 *   ends the other threads, then
 *   LdrShutdownProcess, then NtTerminateProcess(NtCurrentProcess()) ends the process.
 * - LdrShutdownProcess sets PEB_LDR_DATA.ShutdownInProgress and ShutdownThreadId, runs the thread's FLS callbacks
 *   (fls.c), then walks the
 *   initialisation-order list backwards and calls each DllMain whose DLL_PROCESS_ATTACH was called with
 *   DLL_PROCESS_DETACH and a non-NULL lpReserved (the process is ending), the DLLs loaded with LoadLibrary and
 *   still loaded included. It runs once: a second call (ExitProcess from a DllMain's detach) returns at once.
 *   Nothing is unmapped.
 */
#include "ldr.h"

#define STATIC_LOAD ((PVOID)1)                      /* lpReserved of a start-up attach and of the exit's detach */

static BOOL call_entry(PEB_LDR_DATA *ldr, LDR_DATA_TABLE_ENTRY *e, ULONG reason)
{
    BOOL ok;

    ldr->EntryInProgress = e;
    ldr_tls_callbacks(e, reason, STATIC_LOAD);
    ok = ldr_call_init_routine((dll_main)e->EntryPoint, e->DllBase, reason, STATIC_LOAD);
    ldr->EntryInProgress = NULL;
    return ok;
}

/* The program's own entry: the first of the load order. */
static LDR_DATA_TABLE_ENTRY *program_entry(PEB_LDR_DATA *ldr)
{
    return ENTRY_OF(ldr->InLoadOrderModuleList.Flink, InLoadOrderLinks);
}

void ldr_initialize_process(void)
{
    PEB_LDR_DATA *ldr = ldr_data();
    LIST_ENTRY *head = &ldr->InInitializationOrderModuleList;

    if (!rtl_create_process_heap())
        NtTerminateProcess(NtCurrentProcess(), STATUS_NO_MEMORY);
    ldr_tls_initialize();
    for (LIST_ENTRY *link = head->Flink; link != head; link = link->Flink) {
        LDR_DATA_TABLE_ENTRY *e = ENTRY_OF(link, InInitializationOrderLinks);
        if (e->Flags & LDRP_ENTRY_PROCESSED)
            continue;
        e->Flags |= LDRP_ENTRY_PROCESSED;
        if (!e->EntryPoint)
            continue;
        e->Flags |= LDRP_PROCESS_ATTACH_CALLED;
        if (!call_entry(ldr, e, DLL_PROCESS_ATTACH))
            NtTerminateProcess(NtCurrentProcess(), STATUS_DLL_INIT_FAILED);
    }
    ldr_tls_callbacks(program_entry(ldr), DLL_PROCESS_ATTACH, STATIC_LOAD);
}

NTSTATUS NTAPI LdrShutdownProcess(void)
{
    PEB_LDR_DATA *ldr = ldr_data();
    LIST_ENTRY *head = &ldr->InInitializationOrderModuleList;

    if (ldr->ShutdownInProgress)
        return STATUS_SUCCESS;
    RtlEnterCriticalSection(&ldr_lock);
    ldr->ShutdownInProgress = TRUE;
    ldr->ShutdownThreadId = nt_current_teb()->ClientId.UniqueThread;
    rtl_fls_thread_exit();
    for (LIST_ENTRY *link = head->Blink; link != head; link = link->Blink) {
        LDR_DATA_TABLE_ENTRY *e = ENTRY_OF(link, InInitializationOrderLinks);
        if (e->EntryPoint && (e->Flags & LDRP_PROCESS_ATTACH_CALLED))
            call_entry(ldr, e, DLL_PROCESS_DETACH);
    }
    ldr_tls_callbacks(program_entry(ldr), DLL_PROCESS_DETACH, STATIC_LOAD);
    RtlLeaveCriticalSection(&ldr_lock);
    return STATUS_SUCCESS;
}

void NTAPI RtlExitUserProcess(NTSTATUS ExitStatus)
{
    NtTerminateProcess(NULL, ExitStatus);
    LdrShutdownProcess();
    NtTerminateProcess(NtCurrentProcess(), ExitStatus);
    __builtin_trap();                                               /* not reached: the process has ended */
}
