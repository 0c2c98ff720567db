/*
 * __CxxFrameHandler3 of x86 code: the handler every x86 function with C++ EH registers, through a stub of its own
 * (`__ehhandler$func`: mov eax, FuncInfo; jmp __CxxFrameHandler3). The function's EH node, which fs:[0] chains:
 *     node - 4   the stack pointer a continuation restores (catch funclets write their own there)
 *     node + 0   Next, Handler (the SEH registration)
 *     node + 8   the current state
 *     node + 12  the function's ebp: funclets (catch blocks, destructors) are called with ebp here
 * On the search pass a catch that takes the exception is entered as Windows' vcruntime does: the catch parameter
 * built, the frames above unwound (RtlUnwind), this frame's states unwound to the try block's, the catch funclet
 * called under a guard registration, the exception object destroyed, and the function continued where the funclet
 * says, with its stack pointer and ebp. While a catch block runs, its guard stands for it: a catch inside the
 * catch block is found by the guard and unwinds to it, leaving the guard linked.
 */
#include "cxx_eh.h"

#ifdef __i386__

#define NODE_ESP(node) (*(char **)((char *)(node) - 4))
#define NODE_STATE(node) (*(int *)((char *)(node) + 8))
#define NODE_EBP(node) ((char *)(node) + 12)

/* The registration around a running catch block. */
typedef struct {
    EXCEPTION_REGISTRATION_RECORD registration;
    EXCEPTION_REGISTRATION_RECORD *node;            /* the function's */
    const func_info_t *info;
    const try_block_t *try_block;                   /* whose catch block runs */
    const cxx_thrown_t *thrown;
    char *esp;                                      /* the node's stack pointer before the catch funclet's */
    cxx_exception_t outer;                          /* the current exception before this catch */
    BOOL rethrown;                                  /* the object went on with a rethrow: not ours to destroy */
} catch_guard_t;

static EXCEPTION_REGISTRATION_RECORD *chain(void)
{
    EXCEPTION_REGISTRATION_RECORD *head;

    __asm__ volatile("mov %%fs:0, %0" : "=r"(head));
    return head;
}

static void set_chain(EXCEPTION_REGISTRATION_RECORD *head)
{
    __asm__ volatile("mov %0, %%fs:0" : : "r"(head) : "memory");
}

/* Runs the destructor funclets of the function's states while above `target` (a corrupt map ends at the empty
 * state). */
static void unwind_to(EXCEPTION_REGISTRATION_RECORD *node, const func_info_t *info, int target)
{
    int state = NODE_STATE(node);

    while (state > target) {
        eh_ref action;
        int next = cxx_next_state(info, NULL, state, &action);

        NODE_STATE(node) = next;
        if (action)
            vcrt_call_in_frame((void *)action, NODE_EBP(node));
        state = next;
    }
}

/* The catch is over, its funclet returned or left by an exception. */
static void catch_left(catch_guard_t *guard)
{
    NODE_ESP(guard->node) = guard->esp;
    cxx_thread()->current = guard->outer;
    if (!guard->rethrown)
        cxx_destroy_object(guard->thrown);
}

static EXCEPTION_DISPOSITION __cdecl guard_handler(EXCEPTION_RECORD *record, EXCEPTION_REGISTRATION_RECORD *frame,
                                                   CONTEXT *context, void *dispatcher);

static __attribute__((noreturn)) void jump_to_continuation(void *address, char *esp, char *ebp)
{
    __asm__ volatile("mov %%ecx, %%esp\n\t"
                     "mov %%edx, %%ebp\n\t"
                     "jmp *%%eax"
                     : : "a"(address), "c"(esp), "d"(ebp) : "memory");
    __builtin_unreachable();
}

/* Enters the catch found in the function of `node`; `top` is the registration that stays linked (the node, or
 * the guard of the catch block that holds the try block). */
static __attribute__((noreturn)) void catch_it(cxx_thrown_t *thrown, const cxx_catch_t *found,
                                               EXCEPTION_REGISTRATION_RECORD *node, const func_info_t *info,
                                               EXCEPTION_REGISTRATION_RECORD *top)
{
    catch_guard_t guard = {{{NULL}, {NULL}}, node, info, found->try_block, thrown, NULL, {NULL, NULL}, FALSE};
    void *continuation;

    cxx_build_catch_object(thrown, found, NODE_EBP(node));
    RtlUnwind(top, NULL, thrown->record, NULL);
    thrown->record->ExceptionFlags &= ~EXCEPTION_UNWINDING;
    unwind_to(node, info, found->try_block->low);
    NODE_STATE(node) = found->try_block->high + 1;
    guard.esp = NODE_ESP(node);                     /* as the unwind left them: a catch it ended restored them */
    guard.outer = cxx_enter_catch(thrown);
    guard.registration.Next = chain();
    guard.registration.Handler = (PEXCEPTION_ROUTINE)(void *)guard_handler;
    set_chain(&guard.registration);
    continuation = (void *)vcrt_call_in_frame((void *)found->handler->handler, NODE_EBP(node));
    set_chain(top);
    catch_left(&guard);                             /* the funclet wrote its own stack pointer in the node */
    jump_to_continuation(continuation, guard.esp, NODE_EBP(node));
}

/* The search pass in the function of `node` (with `within`, in the try blocks inside that one's catch blocks):
 * enters the catch that takes the exception, if one does. */
static BOOL search(EXCEPTION_RECORD *record, CONTEXT *context, EXCEPTION_REGISTRATION_RECORD *node,
                   const func_info_t *info, const try_block_t *within, EXCEPTION_REGISTRATION_RECORD *top)
{
    cxx_thrown_t thrown;
    cxx_catch_t found;

    if (!cxx_resolve(record, context, &thrown))
        return FALSE;
    if (cxx_find_catch(&thrown, info, NULL, NODE_STATE(node), within, &found))
        catch_it(&thrown, &found, node, info, top);
    return thrown.info != NULL;
}

/* A running catch block's registration: on the search pass it notes a rethrow of its exception and looks for a
 * catch inside the catch block (one outside it is the function's registration's to find, and unwinds this
 * guard); on the unwind, the catch block is left by an exception. */
static EXCEPTION_DISPOSITION __cdecl guard_handler(EXCEPTION_RECORD *record, EXCEPTION_REGISTRATION_RECORD *frame,
                                                   CONTEXT *context, void *dispatcher)
{
    catch_guard_t *guard = (catch_guard_t *)frame;

    (void)dispatcher;
    if (record->ExceptionFlags & EXCEPTION_UNWIND) {
        unwind_to(guard->node, guard->info, guard->try_block->high);    /* the catch block's locals first */
        catch_left(guard);
        return ExceptionContinueSearch;
    }
    if (cxx_is_msvc(record) && (!record->ExceptionInformation[2] ||
                                (void *)record->ExceptionInformation[1] == guard->thrown->object))
        guard->rethrown = TRUE;
    search(record, context, guard->node, guard->info, guard->try_block, frame);
    return ExceptionContinueSearch;
}

EXCEPTION_DISPOSITION __cdecl cxx_frame_handler3(EXCEPTION_RECORD *record, EXCEPTION_REGISTRATION_RECORD *node,
                                                 CONTEXT *context, void *dispatcher, const func_info_t *info)
{
    (void)dispatcher;
    if (info->magic < CXX_MAGIC || info->magic > CXX_MAGIC_LAST)
        terminate();                                /* not a FuncInfo: Windows' _inconsistency() */
    if (record->ExceptionFlags & EXCEPTION_UNWIND) {
        unwind_to(node, info, EH_EMPTY_STATE);
        return ExceptionContinueSearch;
    }
    if (search(record, context, node, info, NULL, node) && info->magic >= CXX_MAGIC_LAST &&
        (info->flags & FI_EHNOEXCEPT_FLAG))
        terminate();                                /* a C++ exception leaving a noexcept function */
    return ExceptionContinueSearch;
}

/* The compiler's stub passes the FuncInfo in eax. The handler of older compilers' tables (magic 0x19930520 and
 * 0x19930521) is the same function under the names they call. */
__asm__(".globl ___CxxFrameHandler3, ___CxxFrameHandler2, ___CxxFrameHandler\n"
        "___CxxFrameHandler3:\n"
        "___CxxFrameHandler2:\n"
        "___CxxFrameHandler:\n\t"
        "push %eax\n\t"
        "pushl 20(%esp)\n\t"
        "pushl 20(%esp)\n\t"
        "pushl 20(%esp)\n\t"
        "pushl 20(%esp)\n\t"
        "call _cxx_frame_handler3\n\t"
        "add $20, %esp\n\t"
        "ret");

#endif
