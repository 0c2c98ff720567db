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

/* RtlUserThreadStart: where the first 32-bit thread of a process starts, the first 32-bit code it runs.
 * Entered with eax = the program's entry point and ebx = its argument (the PEB32 address).
 * First the start-up DLLs are attached (ldr_initialize_process, ldrinit.c: cdecl, keeps ebx, esi and edi; it
 * ends the process when a DllMain fails). The entry may be stdcall with one argument (it pops it) or cdecl with
 * none (it leaves it), so the stack pointer is kept in esi, which both conventions preserve, and restored after
 * the call. What it returns is the exit status of RtlExitUserProcess, which detaches the DLLs and ends the
 * process (as Windows' RtlExitUserThread does when the last thread returns). */
        .p2align 4, 0x90
        .globl  _RtlUserThreadStart
_RtlUserThreadStart:
        xor     ebp, ebp
        mov     edi, eax                    /* the entry point, across the call */
        call    _ldr_initialize_process
        mov     esi, esp
        push    ebx
        call    edi
        mov     esp, esi
        push    eax                         /* ExitStatus: what the entry point returned */
        call    _RtlExitUserProcess@4
        int3                                /* not reached: the process has ended */
