/*
 * _except_handler4_common: the language handler of x86 MSVC code's __try/__except/__finally, which every x86 MSVC
 * program's own _except_handler4 calls with its security cookie and cookie check. The frame MSVC lays out, from
 * the registration record fs:[0] points to (`frame`):
 *     frame - 8   the stack pointer a handler restores     frame + 0   Next, Handler (the SEH registration)
 *     frame - 4   the EXCEPTION_POINTERS a filter reads     frame + 8   the scope table XOR the security cookie
 *     frame + 16  the function's ebp                        frame + 12  the try level (-2: none)
 * The scope table starts with the GS and EH cookie offsets, then one record per __try: the enclosing level, the
 * filter (NULL for a __finally) and the handler or finally block. Filters and finally blocks are pieces of the
 * function: they run with ebp set to the function's frame. A handler is entered by jumping there, never returning.
 */
#include "vcrt.h"

#ifdef __i386__

#define TOPMOST_TRY_LEVEL ((ULONG)-2)
#define NO_GS_COOKIE -2

typedef struct {
    LONG gs_cookie_offset;
    ULONG gs_cookie_xor_offset;
    LONG eh_cookie_offset;
    ULONG eh_cookie_xor_offset;
    struct {
        ULONG enclosing_level;
        void *filter;
        void *handler;
    } records[];
} scope_table_t;

typedef struct {
    void *saved_esp;
    EXCEPTION_POINTERS *pointers;
    EXCEPTION_REGISTRATION_RECORD registration;
    UINT_PTR encoded_scope_table;
    ULONG try_level;
} eh4_frame_t;

typedef void (__fastcall *cookie_check_t)(UINT_PTR cookie);

/* Calls a filter, a finally block or a C++ funclet with ebp set to the function's frame; its answer. The piece
 * may use ebx, esi and edi freely, as MSVC's own call does. */
LONG vcrt_call_in_frame(void *piece, char *ebp)
{
    LONG result;

    __asm__ volatile("push %%ebp\n\t"
                     "mov %%ecx, %%ebp\n\t"
                     "call *%%eax\n\t"
                     "pop %%ebp"
                     : "=a"(result), "+c"(ebp)
                     : "0"(piece)
                     : "edx", "ebx", "esi", "edi", "memory", "cc");
    return result;
}

/* Enters a handler: ebp the function's frame, the other registers cleared; the handler's first instruction takes
 * its stack pointer back from [ebp-0x18]. */
static __attribute__((noreturn)) void transfer_to_handler(void *handler, char *ebp)
{
    __asm__ volatile("mov %%ecx, %%ebp\n\t"
                     "xor %%ebx, %%ebx\n\t"
                     "xor %%ecx, %%ecx\n\t"
                     "xor %%edx, %%edx\n\t"
                     "xor %%esi, %%esi\n\t"
                     "xor %%edi, %%edi\n\t"
                     "jmp *%%eax"
                     : : "a"(handler), "c"(ebp) : "memory");
    __builtin_unreachable();
}

static void check_local_cookies(const scope_table_t *table, char *ebp, cookie_check_t check)
{
    if (table->gs_cookie_offset != NO_GS_COOKIE)
        check(*(UINT_PTR *)(ebp + table->gs_cookie_offset) ^ (UINT_PTR)(ebp + table->gs_cookie_xor_offset));
    check(*(UINT_PTR *)(ebp + table->eh_cookie_offset) ^ (UINT_PTR)(ebp + table->eh_cookie_xor_offset));
}

/* Runs the __finally blocks from the frame's current try level out to `level` (not included). */
static void local_unwind(eh4_frame_t *frame, const scope_table_t *table, ULONG level, char *ebp)
{
    while (frame->try_level != TOPMOST_TRY_LEVEL && frame->try_level != level) {
        ULONG current = frame->try_level;

        frame->try_level = table->records[current].enclosing_level;
        if (!table->records[current].filter)
            vcrt_call_in_frame(table->records[current].handler, ebp);
    }
}

EXCEPTION_DISPOSITION VCRT_EXPORT _except_handler4_common(UINT_PTR *cookie, cookie_check_t check,
                                                          EXCEPTION_RECORD *record,
                                                          EXCEPTION_REGISTRATION_RECORD *registration,
                                                          CONTEXT *context, void *dispatcher)
{
    eh4_frame_t *frame = (eh4_frame_t *)((char *)registration - offsetof(eh4_frame_t, registration));
    const scope_table_t *table = (const scope_table_t *)(frame->encoded_scope_table ^ *cookie);
    char *ebp = (char *)(frame + 1);
    EXCEPTION_POINTERS pointers = {record, context};

    (void)dispatcher;
    check_local_cookies(table, ebp, check);
    if (record->ExceptionFlags & (EXCEPTION_UNWINDING | EXCEPTION_EXIT_UNWIND)) {
        if (frame->try_level != TOPMOST_TRY_LEVEL) {
            local_unwind(frame, table, TOPMOST_TRY_LEVEL, ebp);
            check_local_cookies(table, ebp, check);
        }
        return ExceptionContinueSearch;
    }
    /* The filters read the pointers while this handler runs; a handler entered never comes back here. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdangling-pointer"
    frame->pointers = &pointers;
#pragma GCC diagnostic pop
    for (ULONG level = frame->try_level; level != TOPMOST_TRY_LEVEL; level = table->records[level].enclosing_level) {
        LONG verdict;

        if (!table->records[level].filter)
            continue;                                /* a __finally: nothing to decide */
        verdict = vcrt_call_in_frame(table->records[level].filter, ebp);
        if (verdict < 0)
            return ExceptionContinueExecution;
        if (verdict > 0) {
            RtlUnwind(registration, NULL, record, NULL);
            local_unwind(frame, table, level, ebp);
            frame->try_level = table->records[level].enclosing_level;
            check_local_cookies(table, ebp, check);
            transfer_to_handler(table->records[level].handler, ebp);
        }
    }
    return ExceptionContinueSearch;
}

#endif
