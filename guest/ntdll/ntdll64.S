/*
 * The hand-written part of the 64-bit ntdll (System32\ntdll.dll). The system-call stubs are generated from
 * the syscall table into generated/syscalls_x64.S.
 */
        .intel_syntax noprefix
        .text

/* RtlUserThreadStart: where the first 64-bit thread of a process starts, with rcx = the entry point and
 * rdx = its argument. Calls entry(argument) on a 16-byte aligned stack with 0x20 bytes of shadow space, then
 * ends the process with what it returned. */
        .p2align 4, 0x90
        .globl  RtlUserThreadStart
RtlUserThreadStart:
        push    rbp
        mov     rbp, rsp
        and     rsp, -16
        sub     rsp, 0x20
        mov     rax, rcx
        mov     rcx, rdx
        call    rax
        mov     edx, eax                    /* ExitStatus */
        mov     rcx, -1                     /* ProcessHandle: NtCurrentProcess() */
        call    NtTerminateProcess
        int3                                /* not reached: the process has ended */
