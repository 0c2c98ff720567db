/*
 * What the loader sources of ntdll share (ldr.c: the module list, loading and unloading; ldrimage.c: exports and
 * imports of mapped images; ldrinit.c: the start-up DLLs' initialisation and the shutdown of the process). One
 * source for both widths: the 32-bit ntdll (SysWOW64) keeps the 32-bit module list of PEB32, the 64-bit ntdll
 * (System32) the 64-bit one of its PEB.
 */
#ifndef WOW64EMU_LDR_H
#define WOW64EMU_LDR_H

#define NT_IMPORT                                   /* ntdll calls its own system-call stubs directly */
#include "nt.h"

#define LDR_PATH_MAX MAX_PATH                       /* characters of a module's full path, terminator included */

#define ENTRY_OF(link, field) CONTAINING_RECORD(link, LDR_DATA_TABLE_ENTRY, field)

/* A DLL's entry point (DllMain). */
typedef BOOL (WINAPI *dll_main)(PVOID instance, ULONG reason, PVOID reserved);

/* Call a DLL's entry point; an exception that leaves it is caught and makes it FALSE, as Windows' loader catches it
 * (ntdll32.S, ntdll64.S). */
BOOL ldr_call_init_routine(dll_main entry, PVOID base, ULONG reason, PVOID reserved);

/* A module the guest loader loaded: its entry in the PEB's lists, and the path its names point into. */
typedef struct ldr_module {
    LDR_DATA_TABLE_ENTRY entry;                     /* first: an entry is its module */
    ULONG bound_imports;                            /* import descriptors whose DLL it holds a reference on */
    WCHAR path[LDR_PATH_MAX];
} ldr_module;

/* PEB->Ldr of this ntdll's width. */
static inline PEB_LDR_DATA *ldr_data(void)
{
    return (PEB_LDR_DATA *)nt_current_teb()->Peb->Ldr;
}

/* The loaded module whose image starts at `base`, or NULL. */
LDR_DATA_TABLE_ENTRY *ldr_by_base(PVOID base);

/* Load a module by name (the search of LdrLoadDll; a reference more on one already loaded). */
NTSTATUS ldr_load(const WCHAR *name, ULONG length, const WCHAR *search_path, ULONG reason,
                  LDR_DATA_TABLE_ENTRY **loaded);

/* The same for an ANSI name of `length` characters (import descriptors and forwarders). */
NTSTATUS ldr_load_ansi(const char *name, ULONG length, ULONG reason, LDR_DATA_TABLE_ENTRY **loaded);

/* The loaded module an ANSI name stands for (as LdrGetDllHandle finds it), or NULL. */
LDR_DATA_TABLE_ENTRY *ldr_find_ansi(const char *name);

/* Drop one reference; the last one detaches and unmaps the module and drops those it held on others. */
void ldr_release(LDR_DATA_TABLE_ENTRY *module);

/* ---- ldrimage.c ---------------------------------------------------------------------------------------- */

/* The NT headers of a mapped image. */
IMAGE_NT_HEADERS *ldr_nt_headers(PVOID base);

/* An export by name (`name` of `length` characters) or, with name NULL, by ordinal; follows forwarders (which
 * may load their DLL). STATUS_PROCEDURE_NOT_FOUND when there is no such export. */
NTSTATUS ldr_export(LDR_DATA_TABLE_ENTRY *module, const char *name, ULONG length, ULONG ordinal, PVOID *address);

/* Resolve a module's imports, loading the DLLs they name; counts the DLLs it took in module->bound_imports. */
NTSTATUS ldr_bind_imports(ldr_module *module);

/* Release the DLLs a module's imports took (the first module->bound_imports descriptors). */
void ldr_unbind_imports(ldr_module *module);

/* Forget what the loader knows of which pages can be read (after unmapping anything). */
void ldr_forget_readable(void);

/* ---- apiset.c ---------------------------------------------------------------------------------------- */

/* Whether a module name (`length` characters) is an API set name; if so, *host and *host_length give the DLL the
 * schema maps it to, or NULL and 0 when the schema does not define it. */
BOOL ldr_api_set_host(const WCHAR *name, ULONG length, const WCHAR **host, ULONG *host_length);

/* ---- ldrtls.c ----------------------------------------------------------------------------------------- */

/* Static TLS of the start-up modules: their indexes and the first thread's copies (before any DLL is attached). */
void ldr_tls_initialize(void);

/* Static TLS of a module LoadLibrary loaded: an index and the running thread's copy, if it has a TLS directory. */
NTSTATUS ldr_tls_add_module(LDR_DATA_TABLE_ENTRY *e);

/* Call a module's TLS callbacks, if it has any, as its DllMain is called (`reason`, `reserved`). */
void ldr_tls_callbacks(LDR_DATA_TABLE_ENTRY *e, ULONG reason, PVOID reserved);

/* ---- ldrinit.c ----------------------------------------------------------------------------------------- */

/* DLL_PROCESS_ATTACH of the start-up DLLs, in initialisation order, before the program's entry point (called by
 * RtlUserThreadStart). A DllMain that returns FALSE ends the process with STATUS_DLL_INIT_FAILED. */
void ldr_initialize_process(void);

/* ---- ldrthread.c --------------------------------------------------------------------------------------- */

/* The loader lock (PEB->LoaderLock): DllMains run, and the module lists change, only while it is held. */
extern RTL_CRITICAL_SECTION ldr_lock;

/* What RtlUserThreadStart calls first: the process's initialisation on its first thread, the thread's attach on
 * every other. */
void ldr_initialize(void);

/* ldrtls.c: the running thread's copies of every module's static TLS (a new thread), and their release. */
NTSTATUS ldr_tls_thread_attach(void);
void ldr_tls_thread_detach(void);

/* ---- heap.c ------------------------------------------------------------------------------------------- */

/* Create the process heap (PEB->ProcessHeap) with the sizes of the program's image header; FALSE if it cannot. */
BOOL rtl_create_process_heap(void);

/* fls.c: the running thread's FLS callbacks, for its non-NULL values, as the thread ends. */
void rtl_fls_thread_exit(void);

/* ---- strings ------------------------------------------------------------------------------------------- */

static inline ULONG ldr_strlen(const char *s)
{
    ULONG n = 0;
    while (s[n])
        n++;
    return n;
}

static inline WCHAR ldr_upcase(WCHAR c)
{
    return c >= 'a' && c <= 'z' ? (WCHAR)(c - 'a' + 'A') : c;
}

/* Case-insensitive equality of two counted strings (ASCII letters fold; the names the loader compares). */
static inline BOOL ldr_same_name(const WCHAR *a, ULONG a_length, const WCHAR *b, ULONG b_length)
{
    if (a_length != b_length)
        return FALSE;
    for (ULONG i = 0; i < a_length; i++)
        if (ldr_upcase(a[i]) != ldr_upcase(b[i]))
            return FALSE;
    return TRUE;
}

/* ---- exception.c, seh32.c, unwind64.c ------------------------------------------------------------------------------- */

/* The frame-based handlers of RtlDispatchException (the fs:[0] chain of 32-bit code, the function tables of 64-bit
 * code); TRUE if one continues the exception. */
BOOLEAN rtl_dispatch_frames(PEXCEPTION_RECORD record, PCONTEXT context);

/* Call one vectored handler (ntdll32.S, ntdll64.S: the place a trace watches). */
LONG NTAPI RtlpCallVectoredHandler(PVECTORED_EXCEPTION_HANDLER handler, EXCEPTION_POINTERS *pointers);

/* What a frame walk does with a frame handler's answer: TRUE to continue the exception (a noncontinuable one raises
 * STATUS_NONCONTINUABLE_EXCEPTION instead); for a nested exception, *nested becomes the outermost frame `from` which
 * it came; anything but a disposition raises STATUS_INVALID_DISPOSITION. */
BOOLEAN rtl_handler_answer(PEXCEPTION_RECORD record, EXCEPTION_DISPOSITION disposition, ULONG_PTR from,
                           ULONG_PTR *nested);

/* Raise a noncontinuable exception `status` whose ExceptionRecord is `inner` (a handler's wrong answer). */
void rtl_raise_nested(NTSTATUS status, PEXCEPTION_RECORD inner);

#endif
