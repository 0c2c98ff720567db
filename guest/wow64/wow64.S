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
 * no Python runs before the kernel. The emulator fills the table from the syscall declarations at start-up, traced
 * or not (a trace shows these calls from the kernel's entry). The calls with structures are converted here too
 * (convert.c, Wow64ConvertTable), untraced: a trace sends them to the Python path, which shows each structure.
 */
        .intel_syntax noprefix
        .set FAST_ENTRIES, 0x1000           /* service table 0, numbers 0x000-0xFFF, no turbo bits */
        .set CONVERT_DATA_SIZE, 0x2000

        .bss
        .p2align 4
        .globl Wow64FastTable
Wow64FastTable:                             /* per entry: stub64 (8), argument count (4), signed mask (4) */
        .zero FAST_ENTRIES * 16

        .globl Wow64ConvertTable
Wow64ConvertTable:                          /* per entry: the address of the call's description in Wow64ConvertData */
        .zero FAST_ENTRIES * 8

        .globl Wow64ConvertData
Wow64ConvertData:                           /* the converted calls and their layouts (convert.c) */
        .zero CONVERT_DATA_SIZE

        .text

/* NTSTATUS Wow64SystemServiceEx(ULONG ServiceNumber, ULONG *Arguments32): rcx, rdx.
 * On the general path the dispatch hook sets ebx to 1 when the call has outputs to narrow (or a status of its
 * own to return), so that calls with nothing to narrow skip the completion hook; rbx is callee-saved, so it
 * survives the stub. */
        .p2align 4
        .globl Wow64SystemServiceEx
Wow64SystemServiceEx:
        push    rbx
        sub     rsp, 0x90                   /* the general path's home space and stack arguments, or the fast path's
                                               widened ones (up to 14), 16-byte aligned */
        xor     ebx, ebx
        cmp     ecx, FAST_ENTRIES
        jae     Wow64ThunkDispatch
        mov     eax, ecx
        shl     eax, 4
        lea     r10, [rip + Wow64FastTable]
        add     r10, rax
        mov     rax, [r10]                  /* the 64-bit stub, or 0: a converted call or the general path */
        test    rax, rax
        jz      4f
        mov     r11d, [r10 + 12]            /* bit i set: argument i is sign-extended */
        mov     r10d, [r10 + 8]             /* the argument count */
        xor     r9d, r9d
1:      cmp     r9d, r10d                   /* argument i: [rdx + 4i] -> [rsp + 8i] */
        jae     3f
        mov     r8d, [rdx + r9 * 4]
        bt      r11d, r9d
        jnc     2f
        movsxd  r8, r8d
2:      mov     [rsp + r9 * 8], r8
        inc     r9d
        jmp     1b
3:      mov     rcx, rax
        mov     rdx, rsp
        mov     r8d, r10d
        call    wow64_call_stub
        jmp     5f
4:      lea     r10, [rip + Wow64ConvertTable]
        mov     r11d, ecx
        mov     r11, [r10 + r11 * 8]        /* the call's description, or 0: the general path (which reads ecx) */
        test    r11, r11
        jz      Wow64ThunkDispatch
        mov     rbx, rdx                    /* the 32-bit arguments, kept for the general path */
        mov     rcx, r11
        call    Wow64ConvertedCall          /* rcx = the description, rdx = the 32-bit arguments */
        bt      rax, 32                     /* set: the general path must convert the call (convert.c) */
        jnc     5f
        mov     ecx, eax                    /* the service number */
        mov     rdx, rbx
        xor     ebx, ebx
        jmp     Wow64ThunkDispatch

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

/* NTSTATUS Wow64ConvertedCall(description, ULONG *Arguments32): convert.c's wow64_convert_call in a frame whose
 * language handler (wow64_guard_handler) turns an exception raised while touching the caller's memory into the
 * call's STATUS_ACCESS_VIOLATION: the unwind resumes at Wow64ConvertedReturn with that status in eax. */
        .p2align 4
        .globl Wow64ConvertedCall
        .seh_proc Wow64ConvertedCall
        .seh_handler wow64_guard_handler, @except
Wow64ConvertedCall:
        sub     rsp, 0x28
        .seh_stackalloc 0x28
        .seh_endprologue
        call    wow64_convert_call
        .globl Wow64ConvertedReturn
Wow64ConvertedReturn:
        nop                                 /* the return address is in the body, not the epilog: the unwinder
                                               gives a frame in its epilog no handler */
        add     rsp, 0x28
        ret
        .seh_endproc

/* NTSTATUS wow64_call_stub(rcx = the 64-bit stub, rdx = ULONG64 args[], r8d = their count): the x64 convention's
 * call, with only the arguments there are stored on the stack. */
        .p2align 4
        .globl wow64_call_stub
        .seh_proc wow64_call_stub
wow64_call_stub:
        sub     rsp, 0x78                   /* home space + 10 stack arguments, 16-byte aligned with the return */
        .seh_stackalloc 0x78
        .seh_endprologue
        mov     rax, rcx
        mov     r10, rdx
        mov     r11d, r8d
        mov     ecx, 4
1:      cmp     ecx, r11d                   /* arguments 5 and on: args[i] -> [rsp + 8i] */
        jae     2f
        mov     r9, [r10 + rcx * 8]
        mov     [rsp + rcx * 8], r9
        inc     ecx
        jmp     1b
2:      mov     rcx, [r10]
        mov     rdx, [r10 + 0x08]
        mov     r8, [r10 + 0x10]
        mov     r9, [r10 + 0x18]
        call    rax
        add     rsp, 0x78
        ret
        .seh_endproc

/* The only code that touches a 32-bit caller's memory on the converted path; leaf functions with no frame, so that
 * the unwinder finds their return address at [rsp].
 *   wow64_guarded_copy(rcx = to, rdx = from, r8d = size)
 *   wow64_guarded_probe_write(rcx = at, edx = size): a locked OR of 0 into the first byte of each page and the
 *   last byte, which faults where a write would and changes nothing. */
        .p2align 4
        .globl Wow64GuardedBegin
Wow64GuardedBegin:
        .globl wow64_guarded_copy
wow64_guarded_copy:                         /* 8 bytes at a time, then the rest byte by byte */
        cmp     r8d, 8
        jb      2f
1:      mov     rax, [rdx]
        mov     [rcx], rax
        add     rdx, 8
        add     rcx, 8
        sub     r8d, 8
        cmp     r8d, 8
        jae     1b
2:      test    r8d, r8d
        jz      4f
3:      mov     al, [rdx]
        mov     [rcx], al
        inc     rdx
        inc     rcx
        dec     r8d
        jnz     3b
4:      ret

        .globl wow64_guarded_probe_write
wow64_guarded_probe_write:
        test    edx, edx
        jz      2f
        lea     rax, [rcx + rdx - 1]        /* the last byte */
1:      or      byte ptr [rcx], 0
        and     rcx, -0x1000
        add     rcx, 0x1000                 /* the next page */
        cmp     rcx, rax
        jbe     1b
        or      byte ptr [rax], 0
2:      ret
        .globl Wow64GuardedEnd
Wow64GuardedEnd:

/* What the dispatcher calls instead of a 64-bit stub when it has served the call itself (thunks/dispatch.py _serve):
 * the status it put in rcx becomes the return value, and ebx (0) skips the completion hook. Going on this way needs
 * no write of RIP from the hook, which would end Unicorn's translation loop and look the code up again. */
        .p2align 4
        .globl Wow64ThunkServed
Wow64ThunkServed:
        mov     rax, rcx
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
