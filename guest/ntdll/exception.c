/*
 * Exception dispatch in user mode, the part both widths share: KiUserExceptionDispatcher's body, the vectored
 * exception and continue handlers, RtlDispatchException's order, RtlRaiseStatus and the unhandled-exception filter.
 *
 * The kernel (or, for 32-bit code, wow64) starts the thread at KiUserExceptionDispatcher (ntdll32.S, ntdll64.S)
 * with the EXCEPTION_RECORD and CONTEXT on the stack; ki_user_exception_dispatcher() dispatches them and never
 * returns: NtContinue resumes the CONTEXT a handler may have changed, NtRaiseException(FirstChance = FALSE) asks
 * the kernel to end the process. RtlDispatchException calls the vectored handlers first, then the frame-based ones
 * (seh32.c: the fs:[0] chain; unwind64.c: the function tables of 64-bit code), then the unhandled-exception filter;
 * the continue handlers run when the exception is to be continued.
 */
#include "ldr.h"

#define VEH_BLOCK 0x1000                            /* bytes of handler entries allocated at a time */

/* One registered vectored handler; the handle RtlAdd* returns is its address. */
typedef struct veh_entry {
    LIST_ENTRY links;
    PVECTORED_EXCEPTION_HANDLER handler;
    ULONG list;                                     /* 0: exception handlers, 1: continue handlers */
} veh_entry;

static LIST_ENTRY veh_lists[2] = {{&veh_lists[0], &veh_lists[0]}, {&veh_lists[1], &veh_lists[1]}};
static veh_entry *veh_free;
static NT_UNHANDLED_FILTER unhandled_filter;

static veh_entry *veh_alloc(void)
{
    veh_entry *e;

    if (!veh_free) {
        PVOID block = NULL;
        SIZE_T size = VEH_BLOCK;
        if (!NT_SUCCESS(NtAllocateVirtualMemory(NtCurrentProcess(), &block, 0, &size, MEM_RESERVE | MEM_COMMIT,
                                                PAGE_READWRITE)))
            return NULL;
        for (SIZE_T at = 0; at + sizeof *e <= size; at += sizeof *e) {
            e = (veh_entry *)((char *)block + at);
            e->links.Flink = (LIST_ENTRY *)veh_free;
            veh_free = e;
        }
    }
    e = veh_free;
    veh_free = (veh_entry *)e->links.Flink;
    return e;
}

static PVOID veh_add(ULONG list, ULONG first, PVECTORED_EXCEPTION_HANDLER handler)
{
    LIST_ENTRY *head = &veh_lists[list];
    veh_entry *e = veh_alloc();

    if (!e)
        return NULL;
    e->handler = handler;
    e->list = list;
    if (first) {
        e->links.Flink = head->Flink;
        e->links.Blink = head;
    } else {
        e->links.Flink = head;
        e->links.Blink = head->Blink;
    }
    e->links.Flink->Blink = &e->links;
    e->links.Blink->Flink = &e->links;
    return e;
}

static ULONG veh_remove(ULONG list, PVOID handle)
{
    LIST_ENTRY *head = &veh_lists[list];

    for (LIST_ENTRY *link = head->Flink; link != head; link = link->Flink) {
        if (link == handle) {
            veh_entry *e = (veh_entry *)link;
            link->Blink->Flink = link->Flink;
            link->Flink->Blink = link->Blink;
            e->links.Flink = (LIST_ENTRY *)veh_free;
            veh_free = e;
            return TRUE;
        }
    }
    return FALSE;
}

PVOID NTAPI RtlAddVectoredExceptionHandler(ULONG First, PVECTORED_EXCEPTION_HANDLER Handler)
{
    return veh_add(0, First, Handler);
}

ULONG NTAPI RtlRemoveVectoredExceptionHandler(PVOID Handle)
{
    return veh_remove(0, Handle);
}

PVOID NTAPI RtlAddVectoredContinueHandler(ULONG First, PVECTORED_EXCEPTION_HANDLER Handler)
{
    return veh_add(1, First, Handler);
}

ULONG NTAPI RtlRemoveVectoredContinueHandler(PVOID Handle)
{
    return veh_remove(1, Handle);
}

VOID NTAPI RtlSetUnhandledExceptionFilter(NT_UNHANDLED_FILTER Filter)
{
    unhandled_filter = Filter;
}

/* Calls the handlers of one list in order until one returns EXCEPTION_CONTINUE_EXECUTION; TRUE if one did. */
static BOOLEAN veh_call(ULONG list, PEXCEPTION_RECORD record, PCONTEXT context)
{
    LIST_ENTRY *head = &veh_lists[list];
    EXCEPTION_POINTERS pointers = {record, context};

    for (LIST_ENTRY *link = head->Flink; link != head; link = link->Flink)
        if (RtlpCallVectoredHandler(((veh_entry *)link)->handler, &pointers) == EXCEPTION_CONTINUE_EXECUTION)
            return TRUE;
    return FALSE;
}

BOOLEAN NTAPI RtlDispatchException(PEXCEPTION_RECORD ExceptionRecord, PCONTEXT ContextRecord)
{
    BOOLEAN handled = veh_call(0, ExceptionRecord, ContextRecord);

    if (!handled)
        handled = rtl_dispatch_frames(ExceptionRecord, ContextRecord);
    if (!handled && unhandled_filter) {
        EXCEPTION_POINTERS pointers = {ExceptionRecord, ContextRecord};
        handled = unhandled_filter(&pointers) == EXCEPTION_CONTINUE_EXECUTION;
    }
    if (handled && (ExceptionRecord->ExceptionFlags & EXCEPTION_NONCONTINUABLE))
        rtl_raise_nested(STATUS_NONCONTINUABLE_EXCEPTION, ExceptionRecord);
    if (handled)
        veh_call(1, ExceptionRecord, ContextRecord);
    return handled;
}

BOOLEAN rtl_handler_answer(PEXCEPTION_RECORD record, EXCEPTION_DISPOSITION disposition, ULONG_PTR from,
                           ULONG_PTR *nested)
{
    switch (disposition) {
    case ExceptionContinueExecution:
        if (record->ExceptionFlags & EXCEPTION_NONCONTINUABLE)
            rtl_raise_nested(STATUS_NONCONTINUABLE_EXCEPTION, record);
        return TRUE;
    case ExceptionContinueSearch:
        return FALSE;
    case ExceptionNestedException:
        record->ExceptionFlags |= EXCEPTION_NESTED_CALL;
        if (from > *nested)
            *nested = from;
        return FALSE;
    default:
        rtl_raise_nested(STATUS_INVALID_DISPOSITION, record);
        return FALSE;
    }
}

void rtl_raise_nested(NTSTATUS status, PEXCEPTION_RECORD inner)
{
    EXCEPTION_RECORD record = {0};

    record.ExceptionCode = status;
    record.ExceptionFlags = EXCEPTION_NONCONTINUABLE;
    record.ExceptionRecord = inner;
    RtlRaiseException(&record);
}

VOID NTAPI RtlRaiseStatus(NTSTATUS Status)
{
    EXCEPTION_RECORD record = {0};

    record.ExceptionCode = Status;
    record.ExceptionFlags = EXCEPTION_NONCONTINUABLE;
    RtlRaiseException(&record);
}

/* The body of KiUserExceptionDispatcher: never returns. */
void ki_user_exception_dispatcher(PEXCEPTION_RECORD record, PCONTEXT context)
{
    NTSTATUS status;

    if (RtlDispatchException(record, context))
        status = NtContinue(context, FALSE);
    else
        status = NtRaiseException(record, context, FALSE);
    RtlRaiseStatus(status);                         /* NtContinue or NtRaiseException failed: a bad CONTEXT */
}
