/*
 * wow64.dll: the entry points of the WoW64 thunk layer.
 *
 * The general path is done in Python (wow64emu.thunks): a code hook on Wow64ThunkDispatch widens the 32-bit
 * arguments into rcx, rdx, r8, r9 and the stack and puts the address of the 64-bit ntdll service in rax; the
 * `call rax` below runs that 64-bit stub, whose `syscall` reaches the kernel; a code hook on Wow64ThunkComplete
 * narrows the outputs and frees the per-call arena.
 *
 * The fast path is this code's own, in the spirit of the turbo thunks of Windows' wow64cpu: for a service whose
 * arguments only zero- or sign-extend (no structure to rebuild, nothing to narrow), Wow64FastTable holds the
 * 64-bit stub, the argument count and which arguments are signed; the widening happens here, in 64-bit code, and
 * no Python runs before the kernel. The emulator fills the table from the syscall declarations at start-up (and
 * leaves it empty when a trace is asked for, so that every call shows its widening).
 */
        .intel_syntax noprefix
        .set FAST_ENTRIES, 0x1000           /* service table 0, numbers 0x000-0xFFF, no turbo bits */

        .bss
        .p2align 4
        .globl Wow64FastTable
Wow64FastTable:                             /* per entry: stub64 (8), argument count (4), signed mask (4) */
        .zero FAST_ENTRIES * 16

        .text

/* NTSTATUS Wow64SystemServiceEx(ULONG ServiceNumber, ULONG *Arguments32): rcx, rdx.
 * On the general path the dispatch hook sets ebx to 1 when the call has outputs to narrow (or a status of its
 * own to return), so that calls with nothing to narrow skip the completion hook; rbx is callee-saved, so it
 * survives the stub. */
        .p2align 4
        .globl Wow64SystemServiceEx
Wow64SystemServiceEx:
        push    rbx
        sub     rsp, 0x90                   /* home space + up to 14 stack arguments, 16-byte aligned */
        xor     ebx, ebx
        cmp     ecx, FAST_ENTRIES
        jae     Wow64ThunkDispatch
        mov     eax, ecx
        shl     eax, 4
        lea     r10, [rip + Wow64FastTable]
        add     r10, rax
        mov     rax, [r10]                  /* the 64-bit stub, or 0: the general path */
        test    rax, rax
        jz      Wow64ThunkDispatch
        mov     r11d, [r10 + 12]            /* bit i set: argument i is sign-extended */
        mov     r10d, [r10 + 8]             /* the argument count */
        xor     r9d, r9d
1:      cmp     r9d, r10d                   /* argument i: [rdx + 4i] -> [rsp + 8i] (home space, then stack) */
        jae     3f
        mov     r8d, [rdx + r9 * 4]
        bt      r11d, r9d
        jnc     2f
        movsxd  r8, r8d
2:      mov     [rsp + r9 * 8], r8
        inc     r9d
        jmp     1b
3:      mov     rcx, [rsp]
        mov     rdx, [rsp + 0x08]
        mov     r8, [rsp + 0x10]
        mov     r9, [rsp + 0x18]
        call    rax
        jmp     5f

        .globl Wow64ThunkDispatch
Wow64ThunkDispatch:
        nop
        call    rax
        test    ebx, ebx
        jz      5f
        .globl Wow64ThunkComplete
Wow64ThunkComplete:
        nop
5:
        add     rsp, 0x90
        pop     rbx
        ret

/* The service of a number that no table has: what the dispatcher calls instead of a 64-bit stub. */
        .p2align 4
        .globl Wow64ServiceNotFound
Wow64ServiceNotFound:
        mov     eax, 0xC000001C             /* STATUS_INVALID_SYSTEM_SERVICE */
        ret

/* Wow64PrepareForException(PEXCEPTION_RECORD rcx, PCONTEXT rdx): what the 64-bit KiUserExceptionDispatcher calls
 * first in a WoW64 process. The code hook at Wow64ExceptionHook (Python, thunks/exceptions.py) reads the CONTEXT:
 * for an exception raised in 32-bit code it converts the records into the 32-bit frame on the 32-bit stack, puts
 * the 32-bit context (at the 32-bit KiUserExceptionDispatcher) in the CPU area, and sets rsp to the thread's 64-bit
 * stack and rax to wow64cpu!RunSimulatedCode, which resumes 32-bit code from the CPU area. Otherwise rax stays 0
 * and the 64-bit dispatch goes on. */
        .p2align 4
        .globl Wow64PrepareForException
Wow64PrepareForException:
        xor     eax, eax
        .globl Wow64ExceptionHook
Wow64ExceptionHook:
        nop
        test    rax, rax
        jnz     1f
        ret
1:      jmp     rax
