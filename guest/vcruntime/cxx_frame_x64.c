/*
 * __CxxFrameHandler3 of x86_64 code: the language handler of every function with C++ EH and of its catch
 * funclets (their unwind info names it, with the function's FuncInfo as handler data). The state of a frame comes
 * from the IP-to-state map at its ControlPc; a catch funclet finds its function's frame at [its frame +
 * parent_frame] (funclets are called with that frame in rdx).
 *
 * A catch is entered as Windows' vcruntime enters it: the catch parameter built in the frame, then RtlUnwindEx to
 * the frame with a STATUS_UNWIND_CONSOLIDATE record whose callback (cxx_call_catch_block) ntdll calls once every
 * frame above is unwound (the destructor funclets of this frame run when the unwind reaches it, down to the try
 * block's state); the callback calls the catch funclet and returns the address to continue at. The catch funclet
 * runs below the thrower's frames, so the exception object is still there.
 *
 * A running catch is a running_catch_t on the thread's list: while it runs, the frame it continues in is in its
 * catch state (an exception leaving the catch block must not find the try block again), and its guard
 * (cxx_catch_guard, the handler of call_catch_funclet) destroys the exception object when the catch block is left
 * by an exception, unless that exception is a rethrow of it.
 */
#include "cxx_eh.h"

#ifdef __x86_64__

#define CONSOLIDATE_PARAMS 8

typedef struct running_catch {
    struct running_catch *outer;
    DWORD64 frame;                                  /* the establisher frame the catch continues in */
    int state;                                      /* that frame's state while the catch runs */
    BOOL left;                                      /* left by an exception: only its state is still read */
    BOOL rethrown;
    cxx_thrown_t thrown;
    cxx_exception_t outer_current;
} running_catch_t;

/* A frame as the handler sees it: the function's frame, its state, and for a catch funclet its try block. */
typedef struct {
    char *frame;
    int state;
    const try_block_t *catch_of;
    running_catch_t *running;                       /* the catch continuing in this frame, if any */
} frame_view_t;

static int state_from_ip(const func_info_t *info, char *image, DWORD64 pc)
{
    const ip_state_t *map = vcrt_at(image, info->ip_map);
    int state = EH_EMPTY_STATE;

    for (DWORD i = 0; map && i < info->ip_count && (DWORD64)(image + map[i].ip) <= pc; i++)
        state = map[i].state;
    return state;
}

/* Drops the catches that exceptions left in frames below `frame` (unwound by now). */
static void prune(DWORD64 frame)
{
    cxx_thread_t *thread = cxx_thread();

    while (thread->running && thread->running->left && thread->running->frame < frame)
        thread->running = thread->running->outer;
}

static void view(const func_info_t *info, char *image, DWORD64 establisher, DISPATCHER_CONTEXT *dc,
                 frame_view_t *out)
{
    const try_block_t *tries = vcrt_at(image, info->try_map);

    out->frame = (char *)establisher;
    out->state = state_from_ip(info, image, dc->ControlPc);
    out->catch_of = NULL;
    for (DWORD t = 0; tries && t < info->try_count && !out->catch_of; t++) {
        const handler_t *handlers = vcrt_at(image, tries[t].handlers);

        for (int h = 0; handlers && h < tries[t].count; h++)
            if (handlers[h].handler == dc->FunctionEntry->BeginAddress) {
                out->frame = *(char **)((char *)establisher + handlers[h].parent_frame);
                out->catch_of = &tries[t];
                break;
            }
    }
    prune(establisher);
    for (out->running = cxx_thread()->running; out->running; out->running = out->running->outer)
        if (out->running->frame == establisher) {
            out->state = out->running->state;
            break;
        }
}

typedef void (*funclet_t)(char *frame_rcx, char *frame);

/* Runs the destructor funclets from the frame's state while it is above `target`. */
static void unwind_to(const func_info_t *info, char *image, frame_view_t *where, int target)
{
    while (where->state > target) {
        eh_ref action;
        int next = cxx_next_state(info, image, where->state, &action);

        where->state = next;
        if (where->running)
            where->running->state = next;
        if (action)
            ((funclet_t)(image + action))(where->frame, where->frame);
    }
}

void *call_catch_funclet(void *funclet, char *frame, running_catch_t *running);

/* The catch block is done (its funclet returned, or an exception left it): the current exception is the one
 * before, and the object is destroyed unless a rethrow took it on. */
static void catch_over(running_catch_t *running)
{
    cxx_thread()->current = running->outer_current;
    if (!running->rethrown)
        cxx_destroy_object(&running->thrown);
}

/* The STATUS_UNWIND_CONSOLIDATE callback: every frame above is unwound; calls the catch funclet and returns where
 * the function continues. Parameters: this callback, the function's frame, the funclet, the catch state, the
 * frame the catch continues in, the exception record, the try block's state, the exception's context. */
static void *cxx_call_catch_block(EXCEPTION_RECORD *consolidate)
{
    cxx_thread_t *thread = cxx_thread();
    running_catch_t running = {0};
    EXCEPTION_RECORD *record = (EXCEPTION_RECORD *)consolidate->ExceptionInformation[5];
    void *continuation;

    prune((DWORD64)-1);
    running.outer = thread->running;
    running.frame = consolidate->ExceptionInformation[4];
    running.state = (int)consolidate->ExceptionInformation[3];
    cxx_resolve(record, (CONTEXT *)consolidate->ExceptionInformation[7], &running.thrown);
    running.outer_current = cxx_enter_catch(&running.thrown);
    thread->running = &running;
    continuation = call_catch_funclet((void *)consolidate->ExceptionInformation[2],
                                      (char *)consolidate->ExceptionInformation[1], &running);
    catch_over(&running);
    thread->running = running.outer;
    return continuation;
}

/* The guard of a running catch block (call_catch_funclet's handler): notes a rethrow of its exception on the
 * search; when an exception leaves the catch block, the catch is over. */
EXCEPTION_DISPOSITION cxx_catch_guard(EXCEPTION_RECORD *record, void *frame, CONTEXT *context,
                                      DISPATCHER_CONTEXT *dc)
{
    running_catch_t *running = *(running_catch_t **)((char *)frame + 0x20);

    (void)context, (void)dc;
    if (!(record->ExceptionFlags & EXCEPTION_UNWIND)) {
        if (cxx_is_msvc(record) &&
            (!record->ExceptionInformation[2] || (void *)record->ExceptionInformation[1] == running->thrown.object))
            running->rethrown = TRUE;
    } else if (!running->left) {
        running->left = TRUE;                       /* its state stays readable until its frame is unwound */
        catch_over(running);
    }
    return ExceptionContinueSearch;
}

__asm__(".globl call_catch_funclet\n"
        ".seh_proc call_catch_funclet\n"
        "call_catch_funclet:\n\t"
        "sub $0x28, %rsp\n\t"
        ".seh_stackalloc 0x28\n\t"
        ".seh_endprologue\n\t"
        "mov %r8, 0x20(%rsp)\n\t"
        "mov %rcx, %rax\n\t"
        "mov %rdx, %rcx\n\t"
        "call *%rax\n\t"
        "nop\n\t"
        "add $0x28, %rsp\n\t"
        "ret\n\t"
        ".seh_handler cxx_catch_guard, @except, @unwind\n\t"
        ".seh_endproc");

static __attribute__((noreturn)) void catch_it(const cxx_thrown_t *thrown, const cxx_catch_t *found,
                                               frame_view_t *where, DWORD64 establisher, char *image,
                                               DISPATCHER_CONTEXT *dc)
{
    EXCEPTION_RECORD consolidate = {STATUS_UNWIND_CONSOLIDATE, EXCEPTION_NONCONTINUABLE, NULL, NULL,
                                    CONSOLIDATE_PARAMS, {0}};
    CONTEXT context;

    cxx_build_catch_object(thrown, found, where->frame);
    consolidate.ExceptionInformation[0] = (ULONG_PTR)cxx_call_catch_block;
    consolidate.ExceptionInformation[1] = (ULONG_PTR)where->frame;
    consolidate.ExceptionInformation[2] = (ULONG_PTR)(image + found->handler->handler);
    consolidate.ExceptionInformation[3] = (ULONG_PTR)(found->try_block->high + 1);
    consolidate.ExceptionInformation[4] = establisher;
    consolidate.ExceptionInformation[5] = (ULONG_PTR)thrown->record;
    consolidate.ExceptionInformation[6] = (ULONG_PTR)found->try_block->low;
    consolidate.ExceptionInformation[7] = (ULONG_PTR)thrown->context;
    RtlUnwindEx((PVOID)establisher, (PVOID)dc->ControlPc, &consolidate, NULL, &context, dc->HistoryTable);
    __builtin_unreachable();
}

EXCEPTION_DISPOSITION VCRT_EXPORT __CxxFrameHandler3(EXCEPTION_RECORD *record, void *establisher,
                                                     CONTEXT *context, DISPATCHER_CONTEXT *dc)
{
    char *image = (char *)dc->ImageBase;
    const func_info_t *info = (const func_info_t *)(image + *(DWORD *)dc->HandlerData);
    frame_view_t where;
    cxx_thrown_t thrown;
    cxx_catch_t found;

    if (info->magic < CXX_MAGIC || info->magic > CXX_MAGIC_LAST)
        terminate();                                /* not a FuncInfo: Windows' _inconsistency() */
    view(info, image, (DWORD64)establisher, dc, &where);
    if (record->ExceptionFlags & EXCEPTION_UNWIND) {
        if ((record->ExceptionFlags & EXCEPTION_TARGET_UNWIND) && record->ExceptionCode == STATUS_UNWIND_CONSOLIDATE &&
            record->NumberParameters == CONSOLIDATE_PARAMS &&
            record->ExceptionInformation[0] == (ULONG_PTR)cxx_call_catch_block)
            unwind_to(info, image, &where, (int)record->ExceptionInformation[6]);
        else
            unwind_to(info, image, &where, where.catch_of ? where.catch_of->high : EH_EMPTY_STATE);
        return ExceptionContinueSearch;
    }
    if (!cxx_resolve(record, context, &thrown))
        return ExceptionContinueSearch;
    if (cxx_find_catch(&thrown, info, image, where.state, where.catch_of, &found))
        catch_it(&thrown, &found, &where, (DWORD64)establisher, image, dc);
    if (thrown.info && !where.catch_of && info->magic >= CXX_MAGIC_LAST && (info->flags & FI_EHNOEXCEPT_FLAG))
        terminate();                                /* a C++ exception leaving a noexcept function */
    return ExceptionContinueSearch;
}

#endif
