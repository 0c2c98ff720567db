/*
 * wow64.dll: the entry points of the WoW64 thunk layer. Their work is done in Python (wow64emu.thunks): a
 * code hook on Wow64ThunkDispatch widens the 32-bit arguments into rcx, rdx, r8, r9 and the stack and puts the
 * address of the 64-bit ntdll service in rax; the `call rax` below runs that 64-bit stub, whose `syscall`
 * reaches the kernel; a code hook on Wow64ThunkComplete narrows the outputs and frees the per-call arena.
 */
        .intel_syntax noprefix
        .text

/* NTSTATUS Wow64SystemServiceEx(ULONG ServiceNumber, ULONG *Arguments32): rcx, rdx.
 * The dispatch hook sets ebx to 1 when the call has outputs to narrow (or a status of its own to return), so
 * that calls with nothing to narrow skip the completion hook; rbx is callee-saved, so it survives the stub. */
        .p2align 4
        .globl Wow64SystemServiceEx
Wow64SystemServiceEx:
        push    rbx
        sub     rsp, 0x90                   /* shadow space + up to 14 stack arguments, 16-byte aligned */
        xor     ebx, ebx
        .globl Wow64ThunkDispatch
Wow64ThunkDispatch:
        nop
        call    rax
        test    ebx, ebx
        jz      1f
        .globl Wow64ThunkComplete
Wow64ThunkComplete:
        nop
1:
        add     rsp, 0x90
        pop     rbx
        ret

/* The service of a number that no table has: what the dispatcher calls instead of a 64-bit stub. */
        .p2align 4
        .globl Wow64ServiceNotFound
Wow64ServiceNotFound:
        mov     eax, 0xC000001C             /* STATUS_INVALID_SYSTEM_SERVICE */
        ret
