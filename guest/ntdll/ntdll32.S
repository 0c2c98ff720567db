/*
 * The hand-written part of the 32-bit ntdll (SysWOW64\ntdll.dll). The system-call stubs themselves are
 * generated from the syscall table into generated/syscalls_x86.S.
 */
        .intel_syntax noprefix

        .data
/* Wow64Transition: 0 in the file. The emulator's loader stores the address of wow64cpu!KiFastSystemCall here,
 * as Windows' loader does, before any 32-bit code runs. */
        .p2align 2
        .globl  _Wow64Transition
_Wow64Transition:
        .long   0

        .text
/* Every stub does `call edx` with edx = this address: jmp dword ptr [Wow64Transition], encoded FF 25 abs32. */
        .p2align 4, 0x90
        .globl  _Wow64SystemServiceCall
_Wow64SystemServiceCall:
        .byte   0xFF, 0x25
        .long   _Wow64Transition

/* RtlUserThreadStart: where every 32-bit thread starts, the first 32-bit code it runs. Entered with eax = the
 * start routine (the program's entry point, for the first thread) and ebx = its argument (the PEB32 address).
 * First the loader initialises the process, or attaches the thread (ldr_initialize, ldrthread.c: cdecl, keeps ebx,
 * esi and edi; it ends the process when a DllMain fails). The routine may be stdcall with one argument (it pops
 * it) or cdecl with none (it leaves it), so the stack pointer is kept in esi, which both conventions preserve, and
 * restored after the call. What it returns is the exit status of RtlExitUserThread, which ends the thread, and
 * the process with it when it is the last. */
        .p2align 4, 0x90
        .globl  _RtlUserThreadStart
_RtlUserThreadStart:
        xor     ebp, ebp
        mov     edi, eax                    /* the entry point, across the call */
        call    _ldr_initialize
        mov     esi, esp
        push    ebx
        call    edi
        mov     esp, esi
        push    eax                         /* ExitStatus: what the start routine returned */
        call    _RtlExitUserThread@4
        int3                                /* not reached: the thread has ended */

/* KiUserExceptionDispatcher: where wow64 continues a 32-bit thread after an exception, with [esp] = the
 * EXCEPTION_RECORD, [esp+4] = the CONTEXT (the records follow at esp+8 and esp+0x58). */
        .p2align 4, 0x90
        .globl  _KiUserExceptionDispatcher
_KiUserExceptionDispatcher:
        cld
        mov     ecx, [esp]
        mov     edx, [esp + 4]
        push    edx
        push    ecx
        call    _ki_user_exception_dispatcher
        int3                                /* not reached */

/* VOID RtlCaptureContext(PCONTEXT): the caller's registers, Eip = the return address, Esp = the caller's after the
 * return (stdcall: the argument popped); ContextFlags = CONTEXT_FULL (control, integer, segments). */
        .p2align 4, 0x90
        .globl  _RtlCaptureContext@4
_RtlCaptureContext@4:
        push    ebx
        mov     ebx, [esp + 8]
        mov     [ebx + 0xB0], eax
        mov     [ebx + 0xAC], ecx
        mov     [ebx + 0xA8], edx
        pop     eax
        mov     [ebx + 0xA4], eax           /* Ebx */
        mov     [ebx + 0xA0], esi
        mov     [ebx + 0x9C], edi
        mov     [ebx + 0xB4], ebp
        xor     eax, eax
        mov     ax, gs
        mov     [ebx + 0x8C], eax
        mov     ax, fs
        mov     [ebx + 0x90], eax
        mov     ax, es
        mov     [ebx + 0x94], eax
        mov     ax, ds
        mov     [ebx + 0x98], eax
        mov     ax, cs
        mov     [ebx + 0xBC], eax
        mov     ax, ss
        mov     [ebx + 0xC8], eax
        mov     eax, [esp]
        mov     [ebx + 0xB8], eax           /* Eip: the return address */
        lea     eax, [esp + 8]
        mov     [ebx + 0xC4], eax           /* Esp after the return */
        pushfd
        pop     eax
        mov     [ebx + 0xC0], eax
        mov     dword ptr [ebx], 0x10007
        mov     eax, [ebx + 0xB0]
        mov     ebx, [ebx + 0xA4]
        ret     4

/* VOID RtlRaiseException(PEXCEPTION_RECORD): the CONTEXT of the caller as if it had returned, ExceptionAddress =
 * where it returns to, then NtRaiseException(FirstChance = TRUE), which wow64 turns into a dispatch. It returns
 * only on a bad record: RtlRaiseStatus of its status. */
        .p2align 4, 0x90
        .globl  _RtlRaiseException@4
_RtlRaiseException@4:
        push    ebp
        mov     ebp, esp
        sub     esp, 0x2D0
        push    esp
        call    _RtlCaptureContext@4
        mov     eax, [ebp + 4]
        mov     [esp + 0xB8], eax           /* Eip */
        mov     ecx, [ebp + 8]
        mov     [ecx + 0x0C], eax           /* ExceptionAddress */
        mov     eax, [ebp]
        mov     [esp + 0xB4], eax           /* Ebp */
        lea     eax, [ebp + 12]
        mov     [esp + 0xC4], eax           /* Esp */
        mov     eax, esp
        push    1
        push    eax
        push    ecx
        call    _NtRaiseException@12
        push    eax
        call    _RtlRaiseStatus@4
        int3

/* EXCEPTION_DISPOSITION rtl_execute_handler(record, frame, context, dispatcher_context, handler), cdecl: calls
 * handler(record, frame, context, dispatcher_context) inside a registration of its own, so that an exception
 * raised by the handler is seen as nested (rtl_nested_handler). rtl_execute_unwind_handler does the same for an
 * unwind (RtlUnwind), with rtl_unwind_handler guarding the call. The handler may be cdecl or stdcall: the stack is
 * restored from ebp. ebx, esi and edi are kept whatever the handler does. */
        .p2align 4, 0x90
        .globl  _rtl_execute_unwind_handler
_rtl_execute_unwind_handler:
        mov     eax, offset _rtl_unwind_handler
        jmp     1f
        .globl  _rtl_execute_handler, _RtlpExecuteHandlerForException
_rtl_execute_handler:
_RtlpExecuteHandlerForException:
        mov     eax, offset _rtl_nested_handler
1:      push    ebp
        mov     ebp, esp
        push    ebx
        push    esi
        push    edi
        push    dword ptr [ebp + 12]        /* the frame whose handler runs, for the guarding handler */
        push    eax
        push    dword ptr fs:[0]
        mov     dword ptr fs:[0], esp
        push    dword ptr [ebp + 20]
        push    dword ptr [ebp + 16]
        push    dword ptr [ebp + 12]
        push    dword ptr [ebp + 8]
        mov     ecx, [ebp + 24]
        call    ecx
        lea     esp, [ebp - 24]
        pop     dword ptr fs:[0]
        add     esp, 8
        pop     edi
        pop     esi
        pop     ebx
        pop     ebp
        ret

/* The handler of rtl_execute_handler's registration: an exception raised while a handler ran is nested in the
 * one it handled; dispatcher_context->RegistrationPointer gets the frame whose handler raised it. During an unwind
 * it lets the unwind go on. */
        .p2align 4, 0x90
_rtl_nested_handler:
        mov     ecx, [esp + 4]
        mov     eax, 1                      /* ExceptionContinueSearch */
        test    dword ptr [ecx + 4], 6      /* EXCEPTION_UNWINDING | EXCEPTION_EXIT_UNWIND */
        jnz     1f
        mov     ecx, [esp + 8]
        mov     edx, [esp + 16]
        mov     ecx, [ecx + 8]
        mov     [edx], ecx
        mov     eax, 2                      /* ExceptionNestedException */
1:      ret

/* The handler of rtl_execute_unwind_handler's registration: another unwind reaching it collides with the one whose
 * handler runs (a handler that raised an exception while unwinding, caught further out): it answers
 * ExceptionCollidedUnwind with that frame in dispatcher_context->RegistrationPointer, and RtlUnwind goes on past
 * the frame rather than calling its handler again. An exception being dispatched passes it. */
        .p2align 4, 0x90
_rtl_unwind_handler:
        mov     ecx, [esp + 4]
        mov     eax, 1                      /* ExceptionContinueSearch */
        test    dword ptr [ecx + 4], 6      /* EXCEPTION_UNWINDING | EXCEPTION_EXIT_UNWIND */
        jz      1f
        mov     ecx, [esp + 8]
        mov     edx, [esp + 16]
        mov     ecx, [ecx + 8]
        mov     [edx], ecx
        mov     eax, 3                      /* ExceptionCollidedUnwind */
1:      ret

/* VOID RtlUnwind(TargetFrame, TargetIp, ExceptionRecord, ReturnValue): seh32.c unwinds the fs:[0] chain up to
 * TargetFrame; it returns with eax = ReturnValue and ebx, esi, edi, ebp as they were. */
        .p2align 4, 0x90
        .globl  _RtlUnwind@16
_RtlUnwind@16:
        push    ebp
        mov     ebp, esp
        push    dword ptr [ebp + 4]         /* where RtlUnwind returns to: the unwind's ExceptionAddress */
        push    dword ptr [ebp + 16]
        push    dword ptr [ebp + 8]
        call    _rtl_unwind
        add     esp, 12
        mov     eax, [ebp + 20]
        pop     ebp
        ret     16

/* LONG RtlpCallVectoredHandler(PVECTORED_EXCEPTION_HANDLER, PEXCEPTION_POINTERS), stdcall: one vectored handler
 * called (exception.c), in one place that a trace can watch; the stack is restored from ebp, whatever the
 * handler's convention. */
        .p2align 4, 0x90
        .globl  _RtlpCallVectoredHandler@8
_RtlpCallVectoredHandler@8:
        push    ebp
        mov     ebp, esp
        push    dword ptr [ebp + 12]
        mov     eax, [ebp + 8]
        call    eax
        mov     esp, ebp
        pop     ebp
        ret     8

/* BOOL ldr_call_init_routine(entry, base, reason, reserved), cdecl: the stdcall entry point called inside a
 * registration of its own on the fs:[0] chain, whose handler (below) unwinds to it and resumes here with FALSE when
 * an exception leaves the entry point, as Windows' loader catches it. */
        .p2align 4, 0x90
        .globl  _ldr_call_init_routine
_ldr_call_init_routine:
        push    ebp
        mov     ebp, esp
        push    ebx
        push    esi
        push    edi
        push    ebp                         /* the registration: {Next, Handler, this frame's ebp} at ebp-24 */
        push    offset _ldr_init_routine_caught
        push    dword ptr fs:[0]
        mov     dword ptr fs:[0], esp
        push    dword ptr [ebp + 20]
        push    dword ptr [ebp + 16]
        push    dword ptr [ebp + 12]
        call    dword ptr [ebp + 8]
_ldr_init_routine_return:
        lea     esp, [ebp - 24]
        pop     dword ptr fs:[0]
        add     esp, 8
        pop     edi
        pop     esi
        pop     ebx
        pop     ebp
        ret

/* Its handler (cdecl: record, frame, context, dispatcher context): unwinds the registrations above it, then
 * continues at _ldr_init_routine_return on its frame with eax = FALSE. An unwind passes through. */
_ldr_init_routine_caught:
        mov     ecx, [esp + 4]
        mov     eax, 1                      /* ExceptionContinueSearch */
        test    dword ptr [ecx + 4], 6      /* EXCEPTION_UNWINDING | EXCEPTION_EXIT_UNWIND */
        jnz     1f
        mov     eax, [esp + 8]
        push    0
        push    ecx
        push    0
        push    eax
        call    _RtlUnwind@16
        mov     ecx, [esp + 12]             /* the CONTEXT */
        mov     eax, [esp + 8]              /* the registration */
        mov     edx, [eax + 8]
        mov     [ecx + 0xB4], edx           /* Ebp */
        mov     [ecx + 0xC4], eax           /* Esp */
        mov     dword ptr [ecx + 0xB8], offset _ldr_init_routine_return
        mov     dword ptr [ecx + 0xB0], 0   /* Eax = FALSE */
        xor     eax, eax                    /* ExceptionContinueExecution */
1:      ret
