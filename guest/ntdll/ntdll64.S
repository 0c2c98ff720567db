/*
 * The hand-written part of the 64-bit ntdll (System32\ntdll.dll). The system-call stubs are generated from
 * the syscall table into generated/syscalls_x64.S.
 */
        .intel_syntax noprefix
        .text

/* RtlUserThreadStart: where the first 64-bit thread of a process starts, with rcx = the entry point and
 * rdx = its argument. On a 16-byte aligned stack with 0x20 bytes of shadow space: first the start-up DLLs are
 * attached (ldr_initialize_process, ldrinit.c; it ends the process when a DllMain fails; rbx and rsi, which it
 * preserves, keep the entry point and its argument), then entry(argument); what it returns is the exit status of
 * RtlExitUserProcess, which detaches the DLLs and ends the process (as Windows' RtlExitUserThread does when the
 * last thread returns). */
        .p2align 4, 0x90
        .globl  RtlUserThreadStart
RtlUserThreadStart:
        push    rbp
        mov     rbp, rsp
        and     rsp, -16
        sub     rsp, 0x20
        mov     rbx, rcx
        mov     rsi, rdx
        call    ldr_initialize_process
        mov     rcx, rsi
        call    rbx
        mov     ecx, eax                    /* ExitStatus */
        call    RtlExitUserProcess
        int3                                /* not reached: the process has ended */
