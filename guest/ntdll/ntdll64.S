/*
 * The hand-written part of the 64-bit ntdll (System32\ntdll.dll). The system-call stubs are generated from
 * the syscall table into generated/syscalls_x64.S.
 */
        .intel_syntax noprefix
        .text

/* RtlUserThreadStart: where every 64-bit thread starts, with rcx = the start routine (the program's entry point,
 * for the first thread) and rdx = its argument. On a 16-byte aligned stack with 0x20 bytes of shadow space: first
 * the loader initialises the process, or attaches the thread (ldr_initialize, ldrthread.c; it ends the process when
 * a DllMain fails; rbx and rsi, which it preserves, keep the routine and its argument), then routine(argument);
 * what it returns is the exit status of RtlExitUserThread, which ends the thread, and the process with it when it
 * is the last. */
        .p2align 4, 0x90
        .globl  RtlUserThreadStart
        .seh_proc RtlUserThreadStart
RtlUserThreadStart:
        push    rbp
        .seh_pushreg rbp
        mov     rbp, rsp
        .seh_setframe rbp, 0
        .seh_endprologue
        and     rsp, -16
        sub     rsp, 0x20
        mov     rbx, rcx
        mov     rsi, rdx
        call    ldr_initialize
        mov     rcx, rsi
        call    rbx
        mov     ecx, eax                    /* ExitStatus */
        call    RtlExitUserThread
        int3                                /* not reached: the thread has ended */
        .seh_endproc

/* Wow64PrepareForException: 0 in a 64-bit process. In a WoW64 process the emulator's loader stores here the
 * address of wow64!Wow64PrepareForException, as Windows' loader does when it loads wow64.dll. */
        .data
        .p2align 3
        .globl  Wow64PrepareForException
Wow64PrepareForException:
        .quad   0
        .text

/* KiUserExceptionDispatcher: where the kernel continues a thread after an exception, with RSP (16-byte aligned)
 * at the CONTEXT, the EXCEPTION_RECORD at RSP+0x4F0 (docs/exception-dispatch.md). In a WoW64 process wow64 takes an
 * exception raised in 32-bit code to the 32-bit ntdll first and does not come back. The calls use the CONTEXT's
 * P1Home..P4Home as their home space, as Windows' does. */
        .p2align 4, 0x90
        .globl  KiUserExceptionDispatcher
        .seh_proc KiUserExceptionDispatcher
        .seh_pushframe                      /* unwinding it gives the interrupted code's Rip and Rsp */
        .seh_stackalloc 0x590
        .seh_endprologue
KiUserExceptionDispatcher:
        cld
        mov     rax, [rip + Wow64PrepareForException]
        test    rax, rax
        jz      1f
        lea     rcx, [rsp + 0x4F0]
        mov     rdx, rsp
        call    rax
1:      lea     rcx, [rsp + 0x4F0]
        mov     rdx, rsp
        call    ki_user_exception_dispatcher
        int3                                /* not reached */
        .seh_endproc

/* VOID RtlCaptureContext(PCONTEXT rcx): the caller's registers, Rip = the return address, Rsp = the caller's after
 * the return; ContextFlags = CONTEXT_FULL | CONTEXT_SEGMENTS. The CONTEXT is 16-byte aligned (fxsave). */
        .p2align 4, 0x90
        .globl  RtlCaptureContext
RtlCaptureContext:
        pushfq
        mov     [rcx + 0x78], rax
        mov     [rcx + 0x80], rcx
        mov     [rcx + 0x88], rdx
        mov     [rcx + 0x90], rbx
        mov     [rcx + 0xA0], rbp
        mov     [rcx + 0xA8], rsi
        mov     [rcx + 0xB0], rdi
        mov     [rcx + 0xB8], r8
        mov     [rcx + 0xC0], r9
        mov     [rcx + 0xC8], r10
        mov     [rcx + 0xD0], r11
        mov     [rcx + 0xD8], r12
        mov     [rcx + 0xE0], r13
        mov     [rcx + 0xE8], r14
        mov     [rcx + 0xF0], r15
        mov     word ptr [rcx + 0x38], cs
        mov     word ptr [rcx + 0x3A], ds
        mov     word ptr [rcx + 0x3C], es
        mov     word ptr [rcx + 0x3E], fs
        mov     word ptr [rcx + 0x40], gs
        mov     word ptr [rcx + 0x42], ss
        pop     rax
        mov     [rcx + 0x44], eax           /* EFlags */
        lea     rax, [rsp + 8]
        mov     [rcx + 0x98], rax           /* Rsp after the return */
        mov     rax, [rsp]
        mov     [rcx + 0xF8], rax           /* Rip: the return address */
        fxsave  [rcx + 0x100]               /* FltSave, which holds Xmm0-Xmm15 at 0x1A0 */
        stmxcsr [rcx + 0x34]
        mov     dword ptr [rcx + 0x30], 0x10000F
        mov     rax, [rcx + 0x78]
        ret

/* VOID RtlRaiseException(PEXCEPTION_RECORD rcx): the CONTEXT of the caller (as if RtlRaiseException had returned),
 * ExceptionAddress = where it returns to, then NtRaiseException(FirstChance = TRUE): the kernel dispatches it as a
 * fault. NtRaiseException returns only on a bad record (RtlRaiseStatus of its status). */
        .p2align 4, 0x90
        .globl  RtlRaiseException
        .seh_proc RtlRaiseException
RtlRaiseException:
        push    rbx
        .seh_pushreg rbx
        sub     rsp, 0x4F0                  /* the CONTEXT at rsp+0x20, 16-byte aligned; home space below it */
        .seh_stackalloc 0x4F0
        .seh_endprologue
        mov     rbx, rcx
        lea     rcx, [rsp + 0x20]
        call    RtlCaptureContext
        mov     rax, [rsp + 0x4F8]
        mov     [rsp + 0x20 + 0xF8], rax    /* Rip */
        mov     [rbx + 0x10], rax           /* ExceptionAddress */
        lea     rax, [rsp + 0x500]
        mov     [rsp + 0x20 + 0x98], rax    /* Rsp */
        mov     rax, [rsp + 0x4F0]
        mov     [rsp + 0x20 + 0x90], rax    /* Rbx */
        mov     [rsp + 0x20 + 0x80], rbx    /* Rcx */
        mov     rcx, rbx
        lea     rdx, [rsp + 0x20]
        mov     r8d, 1
        call    NtRaiseException
        mov     ecx, eax
        call    RtlRaiseStatus
        int3
        .seh_endproc

/* EXCEPTION_DISPOSITION RtlpExecuteHandlerForException(record, frame, context, dispatcher_context): calls
 * dispatcher_context->LanguageHandler with the same arguments, in a frame whose own handler (rtl_nested_handler64,
 * unwind64.c) finds the DISPATCHER_CONTEXT at [frame + 0x20]. */
        .p2align 4, 0x90
        .globl  RtlpExecuteHandlerForException
        .seh_proc RtlpExecuteHandlerForException
RtlpExecuteHandlerForException:
        sub     rsp, 0x28
        .seh_stackalloc 0x28
        .seh_endprologue
        mov     [rsp + 0x20], r9
        call    [r9 + 0x30]                 /* LanguageHandler */
        nop
        add     rsp, 0x28
        ret
        .seh_handler rtl_nested_handler64, @except, @unwind
        .seh_endproc

/* EXCEPTION_DISPOSITION RtlpExecuteHandlerForUnwind(record, frame, context, dispatcher_context): the same for an
 * unwind handler (RtlUnwindEx), in a frame whose own handler (rtl_unwind_handler64, unwind64.c) makes another unwind
 * or dispatch that passes it a collided unwind. */
        .p2align 4, 0x90
        .globl  RtlpExecuteHandlerForUnwind
        .seh_proc RtlpExecuteHandlerForUnwind
RtlpExecuteHandlerForUnwind:
        sub     rsp, 0x28
        .seh_stackalloc 0x28
        .seh_endprologue
        mov     [rsp + 0x20], r9
        call    [r9 + 0x30]                 /* LanguageHandler */
        nop
        add     rsp, 0x28
        ret
        .seh_handler rtl_unwind_handler64, @except, @unwind
        .seh_endproc

/* PVOID rtl_call_consolidate(CONTEXT *context rcx, PVOID (*callback)(EXCEPTION_RECORD *) rdx, record r8): the
 * callback of a STATUS_UNWIND_CONSOLIDATE unwind (a C++ catch block), called on a frame that unwinds to the
 * context the unwind reached: its non-volatile registers pushed from the context, a machine frame with its Rip and
 * Rsp. An exception raised inside the callback is dispatched from there on past the frames already unwound. */
        .p2align 4, 0x90
        .globl  rtl_call_consolidate
        .seh_proc rtl_call_consolidate
rtl_call_consolidate:
        sub     rsp, 0x28
        mov     rax, [rcx + 0xF8]           /* Rip */
        mov     [rsp], rax
        mov     rax, [rcx + 0x98]           /* Rsp */
        mov     [rsp + 0x18], rax
        .seh_pushframe
        push    qword ptr [rcx + 0x90]      /* Rbx */
        .seh_pushreg rbx
        push    qword ptr [rcx + 0xA0]      /* Rbp */
        .seh_pushreg rbp
        push    qword ptr [rcx + 0xA8]      /* Rsi */
        .seh_pushreg rsi
        push    qword ptr [rcx + 0xB0]      /* Rdi */
        .seh_pushreg rdi
        push    qword ptr [rcx + 0xD8]      /* R12 */
        .seh_pushreg r12
        push    qword ptr [rcx + 0xE0]      /* R13 */
        .seh_pushreg r13
        push    qword ptr [rcx + 0xE8]      /* R14 */
        .seh_pushreg r14
        push    qword ptr [rcx + 0xF0]      /* R15 */
        .seh_pushreg r15
        sub     rsp, 0x20
        .seh_stackalloc 0x20
        .seh_endprologue
        mov     rcx, r8
        call    rdx
        nop                                 /* the return address is not an epilog */
        add     rsp, 0x88
        ret
        .seh_endproc

/* LONG RtlpCallVectoredHandler(PVECTORED_EXCEPTION_HANDLER rcx, PEXCEPTION_POINTERS rdx): one vectored handler
 * called (exception.c), in one place that a trace can watch. */
        .p2align 4, 0x90
        .globl  RtlpCallVectoredHandler
        .seh_proc RtlpCallVectoredHandler
RtlpCallVectoredHandler:
        sub     rsp, 0x28
        .seh_stackalloc 0x28
        .seh_endprologue
        mov     rax, rcx
        mov     rcx, rdx
        call    rax
        nop
        add     rsp, 0x28
        ret
        .seh_endproc

/* BOOL ldr_call_init_routine(entry rcx, base rdx, reason r8, reserved r9): entry(base, reason, reserved) inside a
 * __try whose __except (EXCEPTION_EXECUTE_HANDLER, through __C_specific_handler) makes an exception that leaves the
 * entry point a FALSE, as Windows' loader does. */
        .p2align 4, 0x90
        .globl  ldr_call_init_routine
        .seh_proc ldr_call_init_routine
ldr_call_init_routine:
        sub     rsp, 0x28
        .seh_stackalloc 0x28
        .seh_endprologue
        mov     rax, rcx
        mov     rcx, rdx
        mov     rdx, r8
        mov     r8, r9
1:      call    rax
        nop
2:      add     rsp, 0x28
        ret
3:      xor     eax, eax
        add     rsp, 0x28
        ret
        .seh_handler __C_specific_handler, @except
        .seh_handlerdata
        .long   1
        .rva    1b, 2b
        .long   1
        .rva    3b
        .text
        .seh_endproc
