/*
 * Frame-based exception handling of 32-bit code: the fs:[0] chain of registrations {Next, Handler} that 32-bit
 * programs build on their stack (compilers' SEH frames, _except_handler3/4), walked as Windows' x86
 * RtlDispatchException and RtlUnwind walk it.
 *
 * Each registration must lie in the thread's stack (TEB NtTib.StackLimit..StackBase), be 4-byte aligned, and its
 * handler must not (the stack is not code): otherwise the walk stops with EXCEPTION_STACK_INVALID and the
 * exception is unhandled. A chain longer than the stack above the walker can hold is circular and ends the same
 * way. Each handler
 * runs inside rtl_execute_handler's own registration (ntdll32.S), which turns an exception raised by the handler
 * into ExceptionNestedException for the walk of that new exception.
 */
#define _NTSYSTEM_                                  /* winnt.h: RtlCaptureContext called directly */
#include "ldr.h"

#ifndef _WIN64

typedef struct {
    NT_SEH_FRAME *RegistrationPointer;              /* set by rtl_nested_handler */
} seh_dispatcher_context;

EXCEPTION_DISPOSITION rtl_execute_handler(PEXCEPTION_RECORD record, NT_SEH_FRAME *frame, PCONTEXT context,
                                          seh_dispatcher_context *dc, PEXCEPTION_ROUTINE handler);
EXCEPTION_DISPOSITION rtl_execute_unwind_handler(PEXCEPTION_RECORD record, NT_SEH_FRAME *frame, PCONTEXT context,
                                                 seh_dispatcher_context *dc, PEXCEPTION_ROUTINE handler);

/* Whether a registration can be trusted, per the stack limits of the TEB. */
static BOOLEAN frame_valid(NT_TEB *teb, NT_SEH_FRAME *frame)
{
    ULONG_PTR low = (ULONG_PTR)teb->StackLimit, high = (ULONG_PTR)teb->StackBase, at = (ULONG_PTR)frame;
    ULONG_PTR handler;

    if (at < low || at + sizeof *frame > high || (at & 3))
        return FALSE;
    handler = (ULONG_PTR)frame->Handler;
    return handler < low || handler >= high;
}

/* How many registrations the frames above the walker can hold: a longer walk is going round a cycle. */
static ULONG_PTR frames_possible(NT_TEB *teb)
{
    return ((ULONG_PTR)teb->StackBase - (ULONG_PTR)__builtin_frame_address(0)) / sizeof(NT_SEH_FRAME);
}

BOOLEAN rtl_dispatch_frames(PEXCEPTION_RECORD record, PCONTEXT context)
{
    NT_TEB *teb = nt_current_teb();
    NT_SEH_FRAME *frame = teb->ExceptionList;
    ULONG_PTR nested = 0;                           /* the frame of the handler this exception came out of */
    ULONG_PTR left = frames_possible(teb);

    for (; frame != NT_SEH_END; frame = frame->Next) {
        seh_dispatcher_context dc = {NULL};
        EXCEPTION_DISPOSITION disposition;

        if (!left-- || !frame_valid(teb, frame)) {
            record->ExceptionFlags |= EXCEPTION_STACK_INVALID;
            return FALSE;
        }
        disposition = rtl_execute_handler(record, frame, context, &dc, frame->Handler);
        if ((ULONG_PTR)frame == nested) {
            record->ExceptionFlags &= ~EXCEPTION_NESTED_CALL;
            nested = 0;
        }
        if (rtl_handler_answer(record, disposition, (ULONG_PTR)dc.RegistrationPointer, &nested))
            return TRUE;
    }
    return FALSE;
}

/* The return addresses of the frames above the caller (the first is where the caller returns to), along the chain
 * of saved frame pointers, as Windows' x86 RtlCaptureStackBackTrace walks it: it ends where a function keeps no
 * frame pointer. Their sum is the hash. */
WORD NTAPI RtlCaptureStackBackTrace(DWORD FramesToSkip, DWORD FramesToCapture, PVOID *BackTrace, PDWORD BackTraceHash)
{
    NT_TEB *teb = nt_current_teb();
    ULONG_PTR low = (ULONG_PTR)teb->StackLimit, high = (ULONG_PTR)teb->StackBase;
    ULONG_PTR *frame = __builtin_frame_address(0);
    WORD count = 0;
    DWORD hash = 0;

    while (count < FramesToCapture && (ULONG_PTR)frame >= low && (ULONG_PTR)frame + 8 <= high &&
           !((ULONG_PTR)frame & 3) && frame[1]) {
        if (FramesToSkip)
            FramesToSkip--;
        else {
            BackTrace[count++] = (PVOID)frame[1];
            hash += frame[1];
        }
        if ((ULONG_PTR *)frame[0] <= frame)
            break;
        frame = (ULONG_PTR *)frame[0];
    }
    if (BackTraceHash)
        *BackTraceHash = hash;
    return count;
}

/* RtlUnwind's work (ntdll32.S holds the entry, which keeps the registers and returns ReturnValue): each handler
 * from fs:[0] up to target (all of them when target is NULL) is called with EXCEPTION_UNWINDING and unlinked. A
 * handler that raises an exception while unwinding leaves this unwind under way; when another one reaches the
 * registration it runs in, that unwind collides (rtl_unwind_handler) and goes on past the handler's frame. */
void rtl_unwind(NT_SEH_FRAME *target, PEXCEPTION_RECORD record, PVOID address)
{
    NT_TEB *teb = nt_current_teb();
    EXCEPTION_RECORD local = {0};
    CONTEXT context;
    NT_SEH_FRAME *frame = teb->ExceptionList;
    ULONG_PTR left = frames_possible(teb);

    if (!record) {
        local.ExceptionCode = STATUS_UNWIND;
        local.ExceptionAddress = address;
        record = &local;
    }
    record->ExceptionFlags |= EXCEPTION_UNWINDING;
    if (!target)
        record->ExceptionFlags |= EXCEPTION_EXIT_UNWIND;
    RtlCaptureContext(&context);
    while (frame != NT_SEH_END && frame != target) {
        seh_dispatcher_context dc = {NULL};
        EXCEPTION_DISPOSITION disposition;

        if (target && target < frame)
            rtl_raise_nested(STATUS_INVALID_UNWIND_TARGET, record);
        if (!left-- || !frame_valid(teb, frame))
            rtl_raise_nested(STATUS_BAD_STACK, record);
        disposition = rtl_execute_unwind_handler(record, frame, &context, &dc, frame->Handler);
        if (disposition == ExceptionCollidedUnwind && dc.RegistrationPointer)
            frame = dc.RegistrationPointer;
        else if (disposition != ExceptionContinueSearch)
            rtl_raise_nested(STATUS_INVALID_DISPOSITION, record);
        teb->ExceptionList = frame->Next;
        frame = frame->Next;
    }
}

#endif
