/*
 * ntdll's loader at the two ends of every thread but the first, and the loader lock.
 *
 * Windows' behaviour, and the choices made here:
 * - Every thread starts in RtlUserThreadStart (ntdll32.S, ntdll64.S), which calls ldr_initialize first. The first
 *   thread of the process initialises the process (ldr_initialize_process, ldrinit.c); every other thread is
 *   attached: with the loader lock held, it gets its copies of the modules' static TLS (ldrtls.c), then each DLL
 *   whose DLL_PROCESS_ATTACH was called, in initialisation order, gets its TLS callbacks and its DllMain with
 *   DLL_THREAD_ATTACH and a NULL lpReserved, unless LdrDisableThreadCalloutsForDll (kernel32's
 *   DisableThreadLibraryCalls) set LDRP_DONT_CALL_FOR_THREADS on it; the program's own TLS callbacks last.
 * - The loader lock is one critical section (PEB->LoaderLock): the process's initialisation and shutdown, each
 *   thread's attach and detach, LdrLoadDll and LdrUnloadDll hold it, so that DllMains run one at a time and the
 *   module lists change under it. A thread that starts while the first one still initialises the process waits
 *   for it there, as on Windows.
 * - RtlExitUserThread (kernel32's ExitThread, and RtlUserThreadStart when the start routine returns): the last
 *   thread of the process ends the process (RtlExitUserProcess); any other runs LdrShutdownThread (its FLS
 *   callbacks, then DLL_THREAD_DETACH in the reverse order, the program's TLS callbacks first, then frees its TLS
 *   copies) and ends with NtTerminateThread. Its stacks and TEB are not freed (Windows frees the stack).
 * - LdrDisableThreadCalloutsForDll refuses a module with static TLS (its copies need the thread notifications),
 *   with STATUS_DLL_NOT_FOUND as Windows does, and a base that is no module's.
 */
#include "ldr.h"

#define LDRP_DONT_CALL_FOR_THREADS 0x00040000
#define NO_TLS 0xFFFF

RTL_CRITICAL_SECTION ldr_lock = {(RTL_CRITICAL_SECTION_DEBUG *)(LONG_PTR)-1, -1, 0, NULL, NULL, 0};

/* A DLL's thread notification (DLL_THREAD_ATTACH or _DETACH): its TLS callbacks, then its DllMain, when its process
 * attach was called and thread calls were not turned off. */
static void notify(LDR_DATA_TABLE_ENTRY *e, ULONG reason)
{
    if (!e->EntryPoint || !(e->Flags & LDRP_PROCESS_ATTACH_CALLED) || (e->Flags & LDRP_DONT_CALL_FOR_THREADS))
        return;
    ldr_tls_callbacks(e, reason, NULL);
    ldr_call_init_routine((dll_main)e->EntryPoint, e->DllBase, reason, NULL);
}

static void attach_thread(void)
{
    PEB_LDR_DATA *ldr = ldr_data();
    LIST_ENTRY *head = &ldr->InInitializationOrderModuleList;

    RtlEnterCriticalSection(&ldr_lock);
    if (!NT_SUCCESS(ldr_tls_thread_attach()))
        NtTerminateThread(NtCurrentThread(), STATUS_NO_MEMORY);
    for (LIST_ENTRY *link = head->Flink; link != head; link = link->Flink)
        notify(ENTRY_OF(link, InInitializationOrderLinks), DLL_THREAD_ATTACH);
    ldr_tls_callbacks(ENTRY_OF(ldr->InLoadOrderModuleList.Flink, InLoadOrderLinks), DLL_THREAD_ATTACH, NULL);
    RtlLeaveCriticalSection(&ldr_lock);
}

void ldr_initialize(void)
{
    static LONG started;

    if (!InterlockedCompareExchange(&started, 1, 0)) {
        RtlEnterCriticalSection(&ldr_lock);
        ldr_initialize_process();
        RtlLeaveCriticalSection(&ldr_lock);
    } else {
        attach_thread();
    }
}

NTSTATUS NTAPI LdrShutdownThread(void)
{
    PEB_LDR_DATA *ldr = ldr_data();
    LIST_ENTRY *head = &ldr->InInitializationOrderModuleList;

    rtl_fls_thread_exit();
    RtlEnterCriticalSection(&ldr_lock);
    ldr_tls_callbacks(ENTRY_OF(ldr->InLoadOrderModuleList.Flink, InLoadOrderLinks), DLL_THREAD_DETACH, NULL);
    for (LIST_ENTRY *link = head->Blink; link != head; link = link->Blink)
        notify(ENTRY_OF(link, InInitializationOrderLinks), DLL_THREAD_DETACH);
    ldr_tls_thread_detach();
    RtlLeaveCriticalSection(&ldr_lock);
    return STATUS_SUCCESS;
}

void NTAPI RtlExitUserThread(NTSTATUS ExitStatus)
{
    ULONG last = 0;

    NtQueryInformationThread(NtCurrentThread(), ThreadAmILastThread, &last, sizeof last, NULL);
    if (last)
        RtlExitUserProcess(ExitStatus);
    LdrShutdownThread();
    NtTerminateThread(NtCurrentThread(), ExitStatus);
    __builtin_trap();                                               /* not reached: the thread has ended */
}

NTSTATUS NTAPI LdrDisableThreadCalloutsForDll(PVOID BaseAddress)
{
    LDR_DATA_TABLE_ENTRY *e;
    NTSTATUS status = STATUS_DLL_NOT_FOUND;

    RtlEnterCriticalSection(&ldr_lock);
    e = ldr_by_base(BaseAddress);
    if (e && e->TlsIndex == NO_TLS) {
        e->Flags |= LDRP_DONT_CALL_FOR_THREADS;
        status = STATUS_SUCCESS;
    }
    RtlLeaveCriticalSection(&ldr_lock);
    return status;
}
