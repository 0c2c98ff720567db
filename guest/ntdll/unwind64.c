/*
 * Frame-based exception handling of 64-bit code: the function tables of the images (.pdata, with the unwind codes
 * of .xdata) and of RtlAddFunctionTable, virtual unwinding, the dispatch of an exception to the language handlers
 * of the frames on the stack, unwinding to a target frame, and the C language handler (__C_specific_handler).
 *
 * - RtlLookupFunctionEntry finds the RUNTIME_FUNCTION of an address: in the image that holds it (the loader's module
 *   list), else in a table added with RtlAddFunctionTable. An address with none is a leaf function: its return
 *   address is at [Rsp].
 * - RtlVirtualUnwind undoes a function's prolog from its unwind codes (all of them: pushes, allocations, the frame
 *   register, saved registers and XMM registers, machine frames, chained unwind info), or, when the address is in
 *   an epilog, emulates the rest of the epilog as Windows does; then pops the return address.
 * - rtl_dispatch_frames (RtlDispatchException's frame walk) calls each language handler with a DISPATCHER_CONTEXT
 *   through RtlpExecuteHandlerForException (ntdll64.S), whose own handler turns an exception raised by the handler
 *   into ExceptionNestedException. A frame outside the stack, or misaligned, ends the walk with
 *   EXCEPTION_STACK_INVALID.
 * - RtlUnwindEx calls the unwind handlers of the frames up to the target frame (EXCEPTION_UNWINDING, and
 *   EXCEPTION_TARGET_UNWIND at the target), then resumes the target frame at TargetIp with Rax = ReturnValue. Each
 *   runs through RtlpExecuteHandlerForUnwind, whose own handler (rtl_unwind_handler64) answers a later unwind or
 *   dispatch that reaches its frame (a __finally raised an exception, or jumped out with longjmp) with
 *   ExceptionCollidedUnwind and the DISPATCHER_CONTEXT of the unwind it interrupted: that unwind or dispatch then
 *   goes on from the interrupted one's frame, whose handler it calls again (EXCEPTION_COLLIDED_UNWIND for an unwind;
 *   its ScopeIndex says which scopes are done), instead of walking back through the frames that unwind already ran.
 */
#define _NTSYSTEM_                                  /* winnt.h declares ntdll's functions without dllimport */
#define _CRTIMP                                     /* and excpt.h __C_specific_handler, which is ntdll's too */
#include "ldr.h"

#ifdef _WIN64

#define UWOP_PUSH_NONVOL     0
#define UWOP_ALLOC_LARGE     1
#define UWOP_ALLOC_SMALL     2
#define UWOP_SET_FPREG       3
#define UWOP_SAVE_NONVOL     4
#define UWOP_SAVE_NONVOL_FAR 5
#define UWOP_EPILOG          6
#define UWOP_SPARE_CODE      7
#define UWOP_SAVE_XMM128     8
#define UWOP_SAVE_XMM128_FAR 9
#define UWOP_PUSH_MACHFRAME  10
#define MAX_DYNAMIC_TABLES   64
#define MAX_UNWIND_DEPTH     4096                   /* frames a walk visits at most */

typedef struct {
    BYTE VersionAndFlags;                           /* Version: 3 bits, Flags: 5 bits */
    BYTE SizeOfProlog;
    BYTE CountOfCodes;
    BYTE FrameRegisterAndOffset;                    /* FrameRegister: 4 bits, FrameOffset (x16): 4 bits */
    USHORT Codes[1];                                /* CodeOffset: 8 bits, UnwindOp: 4 bits, OpInfo: 4 bits */
} unwind_info;

/* The 32-bit operand of a code that takes two more slots. */
static DWORD far_operand(const USHORT *slots)
{
    return slots[0] | (DWORD)slots[1] << 16;
}

#define CODE_OFFSET(c) ((c) & 0xFF)
#define CODE_OP(c)     (((c) >> 8) & 0xF)
#define CODE_INFO(c)   ((c) >> 12)

typedef struct {
    PRUNTIME_FUNCTION table;
    DWORD count;
    DWORD64 base;
} dynamic_table;

static dynamic_table dynamic_tables[MAX_DYNAMIC_TABLES];

EXCEPTION_DISPOSITION RtlpExecuteHandlerForException(PEXCEPTION_RECORD record, PVOID frame, PCONTEXT context,
                                                     PDISPATCHER_CONTEXT dc);
EXCEPTION_DISPOSITION RtlpExecuteHandlerForUnwind(PEXCEPTION_RECORD record, PVOID frame, PCONTEXT context,
                                                  PDISPATCHER_CONTEXT dc);

static void copy_context(CONTEXT *to, const CONTEXT *from)
{
    const ULONG64 *src = (const ULONG64 *)from;
    ULONG64 *dst = (ULONG64 *)to;

    for (ULONG i = 0; i < sizeof *to / sizeof *dst; i++)
        dst[i] = src[i];
}

static DWORD64 *gpr(CONTEXT *context, ULONG number)
{
    return &context->Rax + number;                  /* Rax, Rcx, Rdx, Rbx, Rsp, Rbp, Rsi, Rdi, R8..R15 */
}

/* The stack of the running thread, from its TEB. */
static void stack_limits(DWORD64 *low, DWORD64 *high)
{
    NT_TEB *teb = nt_current_teb();

    *low = (DWORD64)teb->StackLimit;
    *high = (DWORD64)teb->StackBase;
}

/* ---- function tables ---------------------------------------------------------------------------------------- */

PVOID NTAPI RtlPcToFileHeader(PVOID PcValue, PVOID *BaseOfImage)
{
    LIST_ENTRY *head = &ldr_data()->InLoadOrderModuleList;

    for (LIST_ENTRY *link = head->Flink; link != head; link = link->Flink) {
        LDR_DATA_TABLE_ENTRY *m = ENTRY_OF(link, InLoadOrderLinks);
        if ((char *)PcValue >= (char *)m->DllBase && (char *)PcValue < (char *)m->DllBase + m->SizeOfImage) {
            *BaseOfImage = m->DllBase;
            return m->DllBase;
        }
    }
    *BaseOfImage = NULL;
    return NULL;
}

/* The entry of `rva` in a table sorted by BeginAddress, or NULL. */
static PRUNTIME_FUNCTION search(PRUNTIME_FUNCTION table, DWORD count, DWORD rva)
{
    DWORD low = 0, high = count;

    while (low < high) {
        DWORD mid = low + (high - low) / 2;
        if (rva < table[mid].BeginAddress)
            high = mid;
        else if (rva >= table[mid].EndAddress)
            low = mid + 1;
        else
            return &table[mid];
    }
    return NULL;
}

PRUNTIME_FUNCTION NTAPI RtlLookupFunctionEntry(DWORD64 ControlPc, PDWORD64 ImageBase,
                                               PUNWIND_HISTORY_TABLE HistoryTable)
{
    PVOID base;

    (void)HistoryTable;
    if (RtlPcToFileHeader((PVOID)ControlPc, &base)) {
        IMAGE_DATA_DIRECTORY *dir = &ldr_nt_headers(base)->OptionalHeader.DataDirectory[IMAGE_DIRECTORY_ENTRY_EXCEPTION];
        *ImageBase = (DWORD64)base;
        if (!dir->VirtualAddress || dir->Size < sizeof(RUNTIME_FUNCTION))
            return NULL;
        return search((PRUNTIME_FUNCTION)((char *)base + dir->VirtualAddress), dir->Size / sizeof(RUNTIME_FUNCTION),
                      (DWORD)(ControlPc - (DWORD64)base));
    }
    for (ULONG i = 0; i < MAX_DYNAMIC_TABLES; i++) {
        dynamic_table *t = &dynamic_tables[i];
        PRUNTIME_FUNCTION found;
        if (t->table && ControlPc >= t->base && ControlPc - t->base < 0x100000000ULL &&
            (found = search(t->table, t->count, (DWORD)(ControlPc - t->base)))) {
            *ImageBase = t->base;
            return found;
        }
    }
    *ImageBase = 0;
    return NULL;
}

BOOLEAN __cdecl RtlAddFunctionTable(PRUNTIME_FUNCTION FunctionTable, DWORD EntryCount, DWORD64 BaseAddress)
{
    for (ULONG i = 0; i < MAX_DYNAMIC_TABLES; i++) {
        if (!dynamic_tables[i].table) {
            dynamic_tables[i].table = FunctionTable;
            dynamic_tables[i].count = EntryCount;
            dynamic_tables[i].base = BaseAddress;
            return TRUE;
        }
    }
    return FALSE;
}

BOOLEAN __cdecl RtlDeleteFunctionTable(PRUNTIME_FUNCTION FunctionTable)
{
    for (ULONG i = 0; i < MAX_DYNAMIC_TABLES; i++) {
        if (dynamic_tables[i].table == FunctionTable) {
            dynamic_tables[i].table = NULL;
            return TRUE;
        }
    }
    return FALSE;
}

/* ---- virtual unwinding -------------------------------------------------------------------------------------- */

/* A RUNTIME_FUNCTION's unwind info, through indirect entries (UnwindData with bit 0 set). */
static PRUNTIME_FUNCTION primary(DWORD64 base, PRUNTIME_FUNCTION entry)
{
    for (ULONG depth = 0; depth < 32 && (entry->UnwindData & 1); depth++)
        entry = (PRUNTIME_FUNCTION)(base + (entry->UnwindData & ~1u));
    return entry;
}

static unwind_info *info_of(DWORD64 base, PRUNTIME_FUNCTION entry)
{
    return (unwind_info *)(base + entry->UnwindData);
}

/* If the bytes at pc are an epilog (add rsp or lea rsp, pops of nonvolatile registers, then ret or a jmp that
 * leaves the function), emulate the rest of it and return TRUE. */
static BOOLEAN unwind_epilog(DWORD64 base, PRUNTIME_FUNCTION entry, unwind_info *info, DWORD64 pc, CONTEXT *context)
{
    const BYTE *p = (const BYTE *)pc;
    DWORD64 rsp = context->Rsp;
    ULONG frame_register = info->FrameRegisterAndOffset & 0xF;

    if ((p[0] & 0xF8) == 0x48) {
        if (p[0] == 0x48 && p[1] == 0x83 && p[2] == 0xC4)                      /* add rsp, imm8 */
            rsp += (DWORD64)(signed char)p[3], p += 4;
        else if (p[0] == 0x48 && p[1] == 0x81 && p[2] == 0xC4)                 /* add rsp, imm32 */
            rsp += (DWORD64)*(const LONG *)(p + 3), p += 7;
        else if ((p[0] & 0xFE) == 0x48 && p[1] == 0x8D && (p[2] & 0x38) == 0x20 &&
                 ((p[2] & 7) | ((p[0] & 1) << 3)) == frame_register && frame_register) {
            DWORD64 from = *gpr(context, frame_register);                    /* lea rsp, [frame + disp] */
            if ((p[2] & 0xC0) == 0x40)
                rsp = from + (signed char)p[3], p += 4;
            else if ((p[2] & 0xC0) == 0x80)
                rsp = from + *(const LONG *)(p + 3), p += 7;
            else
                return FALSE;
        }
    }
    for (const BYTE *q = p;;) {                                                 /* the pops, then the end */
        if ((q[0] & 0xF8) == 0x58)
            q++;
        else if (q[0] == 0x41 && (q[1] & 0xF8) == 0x58)
            q += 2;
        else if (q[0] == 0xC3 || q[0] == 0xC2 || (q[0] == 0xF3 && q[1] == 0xC3))
            break;
        else if (q[0] == 0xE9) {                                                /* jmp rel32 out of the function */
            DWORD64 target = (DWORD64)(q + 5) + *(const LONG *)(q + 1);
            if (target >= base + entry->BeginAddress && target < base + entry->EndAddress)
                return FALSE;
            break;
        } else if ((q[0] == 0xFF && q[1] == 0x25) || (q[0] == 0x48 && q[1] == 0xFF && q[2] == 0x25))
            break;                                                              /* jmp [rip+disp]: a tail call */
        else
            return FALSE;
    }
    while (1) {
        if ((p[0] & 0xF8) == 0x58) {
            *gpr(context, p[0] & 7) = *(DWORD64 *)rsp;
            rsp += 8;
            p++;
        } else if (p[0] == 0x41 && (p[1] & 0xF8) == 0x58) {
            *gpr(context, 8 + (p[1] & 7)) = *(DWORD64 *)rsp;
            rsp += 8;
            p += 2;
        } else
            break;
    }
    context->Rip = *(DWORD64 *)rsp;
    context->Rsp = rsp + 8;
    return TRUE;
}

/* Undo the prolog codes of one unwind info (those executed at `offset` when `in_prolog`); TRUE when a machine
 * frame gave Rip and Rsp already. */
static BOOLEAN apply_codes(unwind_info *info, DWORD64 offset, BOOLEAN in_prolog, CONTEXT *context)
{
    BOOLEAN machine_frame = FALSE;
    ULONG frame_register = info->FrameRegisterAndOffset & 0xF;
    ULONG frame_offset = (info->FrameRegisterAndOffset >> 4) * 16;

    for (ULONG i = 0; i < info->CountOfCodes;) {
        USHORT code = info->Codes[i];
        ULONG op = CODE_OP(code), op_info = CODE_INFO(code), slots = 1;
        BOOLEAN skip = in_prolog && CODE_OFFSET(code) > offset;

        switch (op) {
        case UWOP_ALLOC_LARGE:
            slots = op_info ? 3 : 2;
            break;
        case UWOP_SAVE_NONVOL:
        case UWOP_SAVE_XMM128:
        case UWOP_EPILOG:
            slots = 2;
            break;
        case UWOP_SAVE_NONVOL_FAR:
        case UWOP_SAVE_XMM128_FAR:
        case UWOP_SPARE_CODE:
            slots = 3;
            break;
        }
        if (op == UWOP_EPILOG)
            skip = TRUE;                                /* version 2 epilog descriptions: nothing to undo */
        if (!skip) {
            switch (op) {
            case UWOP_PUSH_NONVOL:
                *gpr(context, op_info) = *(DWORD64 *)context->Rsp;
                context->Rsp += 8;
                break;
            case UWOP_ALLOC_LARGE:
                context->Rsp += op_info ? far_operand(&info->Codes[i + 1]) : (DWORD64)info->Codes[i + 1] * 8;
                break;
            case UWOP_ALLOC_SMALL:
                context->Rsp += op_info * 8 + 8;
                break;
            case UWOP_SET_FPREG:
                context->Rsp = *gpr(context, frame_register) - frame_offset;
                break;
            case UWOP_SAVE_NONVOL:
                *gpr(context, op_info) = *(DWORD64 *)(context->Rsp + info->Codes[i + 1] * 8);
                break;
            case UWOP_SAVE_NONVOL_FAR:
                *gpr(context, op_info) = *(DWORD64 *)(context->Rsp + far_operand(&info->Codes[i + 1]));
                break;
            case UWOP_SAVE_XMM128:
                (&context->Xmm0)[op_info] = *(M128A *)(context->Rsp + info->Codes[i + 1] * 16);
                break;
            case UWOP_SAVE_XMM128_FAR:
                (&context->Xmm0)[op_info] = *(M128A *)(context->Rsp + far_operand(&info->Codes[i + 1]));
                break;
            case UWOP_PUSH_MACHFRAME:
                if (op_info)
                    context->Rsp += 8;                  /* an error code */
                context->Rip = *(DWORD64 *)context->Rsp;
                context->Rsp = *(DWORD64 *)(context->Rsp + 24);
                machine_frame = TRUE;
                break;
            }
        }
        i += slots;
    }
    return machine_frame;
}

PEXCEPTION_ROUTINE NTAPI RtlVirtualUnwind(DWORD HandlerType, DWORD64 ImageBase, DWORD64 ControlPc,
                                          PRUNTIME_FUNCTION FunctionEntry, PCONTEXT ContextRecord,
                                          PVOID *HandlerData, PDWORD64 EstablisherFrame,
                                          PKNONVOLATILE_CONTEXT_POINTERS ContextPointers)
{
    PRUNTIME_FUNCTION entry = primary(ImageBase, FunctionEntry);
    unwind_info *own = info_of(ImageBase, entry), *info = own;
    DWORD64 offset = ControlPc - (ImageBase + entry->BeginAddress);
    ULONG frame_register = info->FrameRegisterAndOffset & 0xF;
    BOOLEAN in_prolog = offset < info->SizeOfProlog, machine_frame = FALSE;
    ULONG flags = info->VersionAndFlags >> 3;

    (void)ContextPointers;
    *HandlerData = NULL;
    /* The establisher frame: the frame register's base once the prolog set it, else Rsp. */
    *EstablisherFrame = ContextRecord->Rsp;
    if (frame_register) {
        BOOLEAN set = !in_prolog;
        for (ULONG i = 0; i < info->CountOfCodes && !set; i++)
            if (CODE_OP(info->Codes[i]) == UWOP_SET_FPREG && CODE_OFFSET(info->Codes[i]) <= offset)
                set = TRUE;
        if (set)
            *EstablisherFrame = *gpr(ContextRecord, frame_register) - (info->FrameRegisterAndOffset >> 4) * 16;
    }
    if (!in_prolog && unwind_epilog(ImageBase, entry, info, ControlPc, ContextRecord))
        return NULL;
    for (ULONG depth = 0; depth < 32; depth++) {
        machine_frame |= apply_codes(info, offset, in_prolog, ContextRecord);
        if (!((info->VersionAndFlags >> 3) & UNW_FLAG_CHAININFO))
            break;
        entry = primary(ImageBase, (PRUNTIME_FUNCTION)&info->Codes[(info->CountOfCodes + 1) & ~1u]);
        info = info_of(ImageBase, entry);
        in_prolog = FALSE;                          /* a chained prolog has run whole */
    }
    if (!machine_frame) {
        ContextRecord->Rip = *(DWORD64 *)ContextRecord->Rsp;
        ContextRecord->Rsp += 8;
    }
    if (!(flags & HandlerType) || (flags & UNW_FLAG_CHAININFO) || offset < own->SizeOfProlog)
        return NULL;
    {
        DWORD *handler = (DWORD *)&own->Codes[(own->CountOfCodes + 1) & ~1u];
        *HandlerData = handler + 1;
        return (PEXCEPTION_ROUTINE)(ImageBase + *handler);
    }
}

/* One frame up from `context` (its function found, or a leaf); the language handler of `type`, if any. */
static PEXCEPTION_ROUTINE unwind_frame(DWORD type, CONTEXT *context, DISPATCHER_CONTEXT *dc)
{
    DWORD64 base;
    PRUNTIME_FUNCTION entry = RtlLookupFunctionEntry(context->Rip, &base, NULL);

    dc->ControlPc = context->Rip;
    dc->ImageBase = base;
    dc->FunctionEntry = entry;
    dc->HandlerData = NULL;
    if (!entry) {
        dc->EstablisherFrame = context->Rsp;
        context->Rip = *(DWORD64 *)context->Rsp;
        context->Rsp += 8;
        return NULL;
    }
    return RtlVirtualUnwind(type, base, dc->ControlPc, entry, context, &dc->HandlerData, &dc->EstablisherFrame,
                            NULL);
}

static BOOLEAN frame_valid(DWORD64 frame, DWORD64 low, DWORD64 high)
{
    return frame >= low && frame < high && !(frame & 7);
}

/* After ExceptionCollidedUnwind: `dc` holds the interrupted unwind's DISPATCHER_CONTEXT. `at` becomes the context of
 * the frame whose handler that unwind was running, `caller` the context of its caller (both may be one buffer, which
 * ends as the caller's: a dispatch keeps no CONTEXT more on the stack for this). */
static void take_over_collided(const DISPATCHER_CONTEXT *dc, CONTEXT *at, CONTEXT *caller)
{
    PVOID data;
    DWORD64 frame;

    copy_context(at, dc->ContextRecord);
    if (caller != at)
        copy_context(caller, at);
    if (dc->FunctionEntry)
        RtlVirtualUnwind(UNW_FLAG_NHANDLER, dc->ImageBase, dc->ControlPc, dc->FunctionEntry, caller, &data, &frame,
                         NULL);
    else {
        caller->Rip = *(DWORD64 *)caller->Rsp;
        caller->Rsp += 8;
    }
}

/* ---- dispatch --------------------------------------------------------------------------------------------- */

BOOLEAN rtl_dispatch_frames(PEXCEPTION_RECORD record, PCONTEXT context)
{
    CONTEXT walk;
    DWORD64 low, high;
    ULONG_PTR nested = 0;                           /* the frame of the handler this exception came out of */

    stack_limits(&low, &high);
    copy_context(&walk, context);
    for (ULONG depth = 0; depth < MAX_UNWIND_DEPTH && walk.Rip; depth++) {
        DISPATCHER_CONTEXT dc = {0};
        PEXCEPTION_ROUTINE handler = unwind_frame(UNW_FLAG_EHANDLER, &walk, &dc);
        EXCEPTION_DISPOSITION disposition;

        if (!frame_valid(dc.EstablisherFrame, low, high)) {
            record->ExceptionFlags |= EXCEPTION_STACK_INVALID;
            return FALSE;
        }
        while (handler) {
            DWORD64 frame = dc.EstablisherFrame;
            dc.ContextRecord = &walk;
            dc.LanguageHandler = handler;
            disposition = RtlpExecuteHandlerForException(record, (PVOID)frame, context, &dc);
            if (frame == nested) {
                record->ExceptionFlags &= ~EXCEPTION_NESTED_CALL;
                nested = 0;
            }
            if (disposition == ExceptionCollidedUnwind) {   /* over an unwind under way: on from its frame */
                take_over_collided(&dc, &walk, &walk);
                handler = dc.LanguageHandler;
                continue;
            }
            if (rtl_handler_answer(record, disposition, dc.EstablisherFrame, &nested))
                return TRUE;
            handler = NULL;
        }
        if (walk.Rsp >= high)
            break;
    }
    return FALSE;
}

/* The handler of RtlpExecuteHandlerForException's frame (ntdll64.S), which keeps the DISPATCHER_CONTEXT of the
 * handler it runs at [frame + 0x20]: an exception raised by that handler is nested in the one it handles, whose
 * establisher frame the walk of the new exception must pass before the nesting ends. An unwind goes through. */
EXCEPTION_DISPOSITION rtl_nested_handler64(PEXCEPTION_RECORD record, PVOID frame, PCONTEXT context,
                                           PDISPATCHER_CONTEXT dc)
{
    DISPATCHER_CONTEXT *running = *(DISPATCHER_CONTEXT **)((char *)frame + 0x20);

    (void)context;
    if (record->ExceptionFlags & EXCEPTION_UNWIND)
        return ExceptionContinueSearch;
    dc->EstablisherFrame = running->EstablisherFrame;
    return ExceptionNestedException;
}

/* The handler of RtlpExecuteHandlerForUnwind's frame (ntdll64.S): an unwind or a dispatch reaching it collides with
 * the unwind whose handler runs there, and gets that unwind's DISPATCHER_CONTEXT (from [frame + 0x20]) but its own
 * TargetIp. */
EXCEPTION_DISPOSITION rtl_unwind_handler64(PEXCEPTION_RECORD record, PVOID frame, PCONTEXT context,
                                           PDISPATCHER_CONTEXT dc)
{
    DISPATCHER_CONTEXT *running = *(DISPATCHER_CONTEXT **)((char *)frame + 0x20);

    (void)record;
    (void)context;
    dc->ControlPc = running->ControlPc;
    dc->ImageBase = running->ImageBase;
    dc->FunctionEntry = running->FunctionEntry;
    dc->EstablisherFrame = running->EstablisherFrame;
    dc->ContextRecord = running->ContextRecord;
    dc->LanguageHandler = running->LanguageHandler;
    dc->HandlerData = running->HandlerData;
    dc->HistoryTable = running->HistoryTable;
    dc->ScopeIndex = running->ScopeIndex;
    return ExceptionCollidedUnwind;
}

/* ---- unwinding ---------------------------------------------------------------------------------------------- */

/* The x86_64 jump buffer of setjmp (the C runtime's), whose registers a STATUS_LONGJUMP unwind restores. */
typedef struct {
    DWORD64 Frame, Rbx, Rsp, Rbp, Rsi, Rdi, R12, R13, R14, R15, Rip;
    DWORD MxCsr;
    WORD FpCsr, Spare;
    M128A Xmm[10];
} NT_JUMP_BUFFER;

#define STATUS_LONGJUMP_ ((DWORD)0x80000026)

PVOID rtl_call_consolidate(PCONTEXT context, PVOID (*callback)(PEXCEPTION_RECORD), PEXCEPTION_RECORD record);

/* Continues at the context; for a longjmp's unwind (STATUS_LONGJUMP, the jump buffer its first parameter) with the
 * non-volatile registers, rip and the control words taken from the buffer first; for a STATUS_UNWIND_CONSOLIDATE
 * unwind at the address its callback (the first parameter: a C++ runtime's catch block call) returns. */
VOID __cdecl RtlRestoreContext(PCONTEXT ContextRecord, struct _EXCEPTION_RECORD *ExceptionRecord)
{
    if (ExceptionRecord && ExceptionRecord->ExceptionCode == STATUS_UNWIND_CONSOLIDATE &&
        ExceptionRecord->NumberParameters)
        ContextRecord->Rip = (DWORD64)rtl_call_consolidate(
            ContextRecord, (PVOID(*)(PEXCEPTION_RECORD))ExceptionRecord->ExceptionInformation[0], ExceptionRecord);
    if (ExceptionRecord && ExceptionRecord->ExceptionCode == STATUS_LONGJUMP_ && ExceptionRecord->NumberParameters) {
        const NT_JUMP_BUFFER *jump = (const NT_JUMP_BUFFER *)ExceptionRecord->ExceptionInformation[0];

        ContextRecord->Rbx = jump->Rbx;
        ContextRecord->Rsp = jump->Rsp;
        ContextRecord->Rbp = jump->Rbp;
        ContextRecord->Rsi = jump->Rsi;
        ContextRecord->Rdi = jump->Rdi;
        ContextRecord->R12 = jump->R12;
        ContextRecord->R13 = jump->R13;
        ContextRecord->R14 = jump->R14;
        ContextRecord->R15 = jump->R15;
        ContextRecord->Rip = jump->Rip;
        ContextRecord->MxCsr = jump->MxCsr;
        ContextRecord->FltSave.MxCsr = jump->MxCsr;
        ContextRecord->FltSave.ControlWord = jump->FpCsr;
        for (int i = 0; i < 10; i++)
            (&ContextRecord->Xmm6)[i] = jump->Xmm[i];
    }
    NtContinue(ContextRecord, FALSE);
}

VOID NTAPI RtlUnwindEx(PVOID TargetFrame, PVOID TargetIp, PEXCEPTION_RECORD ExceptionRecord, PVOID ReturnValue,
                       PCONTEXT ContextRecord, PUNWIND_HISTORY_TABLE HistoryTable)
{
    EXCEPTION_RECORD local = {0};
    CONTEXT next;
    DWORD64 low, high, target = (DWORD64)TargetFrame;

    stack_limits(&low, &high);
    RtlCaptureContext(ContextRecord);
    if (!ExceptionRecord) {
        local.ExceptionCode = STATUS_UNWIND;
        local.ExceptionAddress = (PVOID)ContextRecord->Rip;
        ExceptionRecord = &local;
    }
    ExceptionRecord->ExceptionFlags |= EXCEPTION_UNWINDING;
    if (!TargetFrame)
        ExceptionRecord->ExceptionFlags |= EXCEPTION_EXIT_UNWIND;
    for (ULONG depth = 0; depth < MAX_UNWIND_DEPTH && ContextRecord->Rip; depth++) {
        DISPATCHER_CONTEXT dc = {0};
        PEXCEPTION_ROUTINE handler;

        copy_context(&next, ContextRecord);
        handler = unwind_frame(UNW_FLAG_UHANDLER, &next, &dc);
        if (!frame_valid(dc.EstablisherFrame, low, high))
            rtl_raise_nested(STATUS_BAD_STACK, ExceptionRecord);
        if (target && dc.EstablisherFrame > target)
            rtl_raise_nested(STATUS_INVALID_UNWIND_TARGET, ExceptionRecord);
        while (handler) {
            EXCEPTION_DISPOSITION disposition;
            if (dc.EstablisherFrame == target)
                ExceptionRecord->ExceptionFlags |= EXCEPTION_TARGET_UNWIND;
            ContextRecord->Rax = (DWORD64)ReturnValue;
            dc.TargetIp = (DWORD64)TargetIp;
            dc.ContextRecord = ContextRecord;
            dc.LanguageHandler = handler;
            dc.HistoryTable = HistoryTable;
            disposition = RtlpExecuteHandlerForUnwind(ExceptionRecord, (PVOID)dc.EstablisherFrame, ContextRecord,
                                                      &dc);
            ExceptionRecord->ExceptionFlags &= ~(EXCEPTION_TARGET_UNWIND | EXCEPTION_COLLIDED_UNWIND);
            if (disposition == ExceptionCollidedUnwind) {   /* another unwind was under way: on from its frame */
                take_over_collided(&dc, ContextRecord, &next);
                handler = dc.LanguageHandler;
                ExceptionRecord->ExceptionFlags |= EXCEPTION_COLLIDED_UNWIND;
                continue;
            }
            if (disposition != ExceptionContinueSearch)
                rtl_raise_nested(STATUS_INVALID_DISPOSITION, ExceptionRecord);
            handler = NULL;
        }
        if (dc.EstablisherFrame == target)
            break;
        copy_context(ContextRecord, &next);
    }
    if (!target) {                                  /* an exit unwind ran off the stack */
        NtRaiseException(ExceptionRecord, ContextRecord, FALSE);
        return;
    }
    ContextRecord->Rax = (DWORD64)ReturnValue;
    ContextRecord->Rip = (DWORD64)TargetIp;
    RtlRestoreContext(ContextRecord, ExceptionRecord);
}

VOID NTAPI RtlUnwind(PVOID TargetFrame, PVOID TargetIp, PEXCEPTION_RECORD ExceptionRecord, PVOID ReturnValue)
{
    CONTEXT context;

    RtlUnwindEx(TargetFrame, TargetIp, ExceptionRecord, ReturnValue, &context, NULL);
}

/* ---- stack back traces ---------------------------------------------------------------------------------- */

/* The return addresses of the frames above the caller (the first is where the caller returns to), found by
 * virtual unwinding; their sum as the hash. */
WORD NTAPI RtlCaptureStackBackTrace(DWORD FramesToSkip, DWORD FramesToCapture, PVOID *BackTrace, PDWORD BackTraceHash)
{
    CONTEXT context;
    DWORD64 low, high;
    WORD count = 0;
    DWORD hash = 0;

    stack_limits(&low, &high);
    RtlCaptureContext(&context);
    for (ULONG depth = 0; depth < MAX_UNWIND_DEPTH && count < FramesToCapture; depth++) {
        DISPATCHER_CONTEXT dc = {0};
        unwind_frame(UNW_FLAG_NHANDLER, &context, &dc);  /* first out of this function: the caller's frame */
        if (!context.Rip || context.Rsp < low || context.Rsp >= high)
            break;
        if (FramesToSkip) {
            FramesToSkip--;
            continue;
        }
        BackTrace[count++] = (PVOID)context.Rip;
        hash += (DWORD)context.Rip;
    }
    if (BackTraceHash)
        *BackTraceHash = hash;
    return count;
}

/* ---- the C language handler ------------------------------------------------------------------------------- */

typedef LONG (*scope_filter)(EXCEPTION_POINTERS *pointers, PVOID frame);
typedef void (*scope_finally)(BOOLEAN abnormal, PVOID frame);

EXCEPTION_DISPOSITION __cdecl __C_specific_handler(struct _EXCEPTION_RECORD *ExceptionRecord, void *EstablisherFrame,
                                                   struct _CONTEXT *ContextRecord,
                                                   struct _DISPATCHER_CONTEXT *DispatcherContext)
{
    DISPATCHER_CONTEXT *dc = DispatcherContext;
    SCOPE_TABLE_AMD64 *scopes = (SCOPE_TABLE_AMD64 *)dc->HandlerData;
    DWORD64 base = dc->ImageBase, pc = dc->ControlPc - base;

    if (!(ExceptionRecord->ExceptionFlags & EXCEPTION_UNWIND)) {
        EXCEPTION_POINTERS pointers = {ExceptionRecord, ContextRecord};
        for (ULONG i = dc->ScopeIndex; i < scopes->Count; i++) {
            LONG filter;
            if (pc < scopes->ScopeRecord[i].BeginAddress || pc >= scopes->ScopeRecord[i].EndAddress ||
                !scopes->ScopeRecord[i].JumpTarget)
                continue;                           /* another scope, or a __finally */
            if (scopes->ScopeRecord[i].HandlerAddress == EXCEPTION_EXECUTE_HANDLER)
                filter = EXCEPTION_EXECUTE_HANDLER;
            else
                filter = ((scope_filter)(base + scopes->ScopeRecord[i].HandlerAddress))(&pointers,
                                                                                        EstablisherFrame);
            if (filter < 0)
                return ExceptionContinueExecution;
            if (filter > 0)
                RtlUnwindEx(EstablisherFrame, (PVOID)(base + scopes->ScopeRecord[i].JumpTarget), ExceptionRecord,
                            (PVOID)(ULONG_PTR)ExceptionRecord->ExceptionCode, dc->ContextRecord, dc->HistoryTable);
        }
        return ExceptionContinueSearch;
    }
    for (ULONG i = dc->ScopeIndex; i < scopes->Count; i++) {
        if (pc < scopes->ScopeRecord[i].BeginAddress || pc >= scopes->ScopeRecord[i].EndAddress)
            continue;
        if ((ExceptionRecord->ExceptionFlags & EXCEPTION_TARGET_UNWIND) &&
            dc->TargetIp == base + scopes->ScopeRecord[i].JumpTarget)
            break;                                  /* the __except the unwind goes to: its inner scopes are done */
        if (!scopes->ScopeRecord[i].JumpTarget) {
            dc->ScopeIndex = i + 1;
            ((scope_finally)(base + scopes->ScopeRecord[i].HandlerAddress))(TRUE, EstablisherFrame);
        }
    }
    return ExceptionContinueSearch;
}

#endif
