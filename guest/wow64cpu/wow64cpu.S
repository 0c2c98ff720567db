/*
 * wow64cpu.dll: the x86 CPU of WoW64 on x64. A PE32+ image mapped below 4 GB, because 32-bit code reaches it
 * with a far jump whose offset has 32 bits.
 *
 * Registers r12-r15 are invisible to 32-bit code, so they keep the simulator's state while 32-bit code runs,
 * as Windows' wow64cpu does:  r13 = the WOW64_CONTEXT in the CPU area (TEB64 TLS slot 1, +4),
 *                             r14 = the 64-bit stack pointer (swapped with rsp on each crossing).
 */
        .intel_syntax noprefix

        .set CTX_EDI,    0x9C
        .set CTX_ESI,    0xA0
        .set CTX_EBX,    0xA4
        .set CTX_EDX,    0xA8
        .set CTX_ECX,    0xAC
        .set CTX_EAX,    0xB0
        .set CTX_EBP,    0xB4
        .set CTX_EIP,    0xB8
        .set CTX_SEGCS,  0xBC
        .set CTX_EFLAGS, 0xC0
        .set CTX_ESP,    0xC4
        .set CTX_SEGSS,  0xC8
        .set CTX_EXTENDED, 0xCC     /* ExtendedRegisters: the FXSAVE image (16-byte aligned: the area is a page's) */
        .set CTX_FARPTR, 0x2CC      /* 6 bytes after the WOW64_CONTEXT: {Eip, 0x23} for the way back */
        .set TEB64_TLS_CPURESERVED, 0x1488
        .set CPU_FLAGS, -4          /* the CPU area's Flags, before its WOW64_CONTEXT */
        .set CPU_RESET_STATE, 1     /* WOW64_CPURESERVED_FLAG_RESET_STATE */

        .text

/* 32-bit code. ntdll32!Wow64Transition holds this address; Wow64SystemServiceCall jumps here with
 * eax = the system call number, [esp] = return into the ntdll stub, [esp+4] = return into its caller,
 * [esp+8] = the first argument. */
        .code32
        .globl KiFastSystemCall
KiFastSystemCall:
        .byte 0xEA                          /* jmp far 0033:CpupReturnFromSimulatedCode */
        .long CpupReturnFromSimulatedCode
        .word 0x33

/* 64-bit code from here on. */
        .code64
        .p2align 4
        .globl CpupReturnFromSimulatedCode
CpupReturnFromSimulatedCode:
        xchg    rsp, r14                    /* r14 = x86 esp, rsp = the 64-bit stack */
        mov     r8d, [r14]                  /* the x86 return address: back into the ntdll stub */
        mov     [r13 + CTX_EIP], r8d
        add     r14d, 4                     /* as if the x86 `ret` had run */
        mov     [r13 + CTX_ESP], r14d
        mov     [r13 + CTX_EDI], edi
        mov     [r13 + CTX_ESI], esi
        mov     [r13 + CTX_EBX], ebx
        mov     [r13 + CTX_EBP], ebp
        pushfq
        pop     r8
        mov     [r13 + CTX_EFLAGS], r8d
        mov     ecx, eax                    /* the system call number, service table and turbo bits */
        lea     edx, [r14 + 4]              /* the first 32-bit argument */
        sub     rsp, 0x20
        call    [rip + __imp_Wow64SystemServiceEx]
        add     rsp, 0x20
        test    byte ptr [r13 + CPU_FLAGS], CPU_RESET_STATE
        jnz     CpupResetToConsistentState
        mov     [r13 + CTX_EAX], eax
        .globl CpupReturnToSimulatedCode
CpupReturnToSimulatedCode:
        mov     r8d, [r13 + CTX_EIP]
        mov     [r13 + CTX_FARPTR], r8d
        mov     word ptr [r13 + CTX_FARPTR + 4], 0x23
        mov     edi, [r13 + CTX_EDI]
        mov     esi, [r13 + CTX_ESI]
        mov     ebx, [r13 + CTX_EBX]
        mov     ebp, [r13 + CTX_EBP]
        xchg    rsp, r14                    /* rsp = x86 esp, r14 = the 64-bit stack again */
        .globl CpupSwitchTo32
CpupSwitchTo32:
        jmp     fword ptr [r13 + CTX_FARPTR]

/* The service changed the whole 32-bit context (NtContinue, a raised exception): wow64 set the reset flag of the
 * CPU area; resume from the whole WOW64_CONTEXT, as after a context change. */
        .globl CpupResetToConsistentState
CpupResetToConsistentState:
        and     byte ptr [r13 + CPU_FLAGS], ~CPU_RESET_STATE
        jmp     RunSimulatedCode

/* Starts (or restarts after a context change) 32-bit code from the whole WOW64_CONTEXT, with iretq; the x87 state,
 * MXCSR and XMM0-7 come from its ExtendedRegisters.
 * Entered in 64-bit mode with rsp = the thread's 64-bit stack and GS base = TEB64. */
        .p2align 4
        .globl RunSimulatedCode
RunSimulatedCode:
        mov     r13, gs:[TEB64_TLS_CPURESERVED]
        add     r13, 4
        fxrstor [r13 + CTX_EXTENDED]
        mov     r14, rsp
        mov     eax, 0x2B
        mov     ds, ax
        mov     es, ax
        mov     eax, 0x53
        mov     fs, ax
        push    0x2B                        /* SS */
        mov     eax, [r13 + CTX_ESP]
        push    rax
        mov     eax, [r13 + CTX_EFLAGS]
        push    rax
        push    0x23                        /* CS: compatibility mode */
        mov     eax, [r13 + CTX_EIP]
        push    rax
        mov     eax, [r13 + CTX_EAX]
        mov     ebx, [r13 + CTX_EBX]
        mov     ecx, [r13 + CTX_ECX]
        mov     edx, [r13 + CTX_EDX]
        mov     esi, [r13 + CTX_ESI]
        mov     edi, [r13 + CTX_EDI]
        mov     ebp, [r13 + CTX_EBP]
        .globl CpupIretTo32
CpupIretTo32:
        iretq
