/*
 * kernel32: guarded calls, what Windows' kernel32 writes as __try { ... } __except (EXCEPTION_EXECUTE_HANDLER)
 * around the reads and writes of lstrlen, lstrcpy, lstrcpyn and lstrcat: an exception inside the guarded function
 * (an access violation on a bad pointer) makes guarded() return 0 instead of reaching the program.
 *
 * mingw's C has no __try, so guarded() is assembly with a handler of its own, the way a compiler builds one: on
 * i386 a registration on the fs:[0] chain, on x86_64 unwind info naming guard_caught as the frame's exception
 * handler. guard_caught resumes the CONTEXT at guard_resume, in guarded()'s own frame, which restores the
 * nonvolatile registers guarded() saved on entry (the guarded function may have changed them before it faulted)
 * and returns 0. No frame lies between the fault and guarded() that would need an unwind: the guarded functions
 * are small loops that register no handler (nor, on x86_64, touch xmm6-xmm15, which guarded() does not save).
 */
#define _KERNEL32_          /* windows.h declares our own exports without dllimport */
#include "k32.h"

void guard_resume(void);

EXCEPTION_DISPOSITION __cdecl guard_caught(EXCEPTION_RECORD *record, PVOID frame, CONTEXT *context,
                                           PVOID dispatcher_context)
{
    (void)dispatcher_context;
    if (record->ExceptionFlags & EXCEPTION_UNWIND)
        return ExceptionContinueSearch;
#ifdef _WIN64
    context->Rsp = (ULONG_PTR)frame;                                /* guarded()'s stack after its prologue */
    context->Rip = (ULONG_PTR)guard_resume;
    context->Rax = 0;
#else
    context->Esp = (ULONG_PTR)frame;                                /* the registration, on guarded()'s stack */
    context->Ebp = (ULONG_PTR)frame + 20;                           /* past Next, Handler, edi, esi, ebx */
    context->Eip = (ULONG_PTR)guard_resume;
    context->Eax = 0;
#endif
    return ExceptionContinueExecution;
}

#ifdef _WIN64
__asm__(".text\n"
        ".globl guarded\n"
        ".globl guard_resume\n"
        ".seh_proc guarded\n"
        "guarded:\n"
        "    pushq %rbp\n"
        "    .seh_pushreg %rbp\n"
        "    pushq %rbx\n"
        "    .seh_pushreg %rbx\n"
        "    pushq %rsi\n"
        "    .seh_pushreg %rsi\n"
        "    pushq %rdi\n"
        "    .seh_pushreg %rdi\n"
        "    pushq %r12\n"
        "    .seh_pushreg %r12\n"
        "    pushq %r13\n"
        "    .seh_pushreg %r13\n"
        "    pushq %r14\n"
        "    .seh_pushreg %r14\n"
        "    pushq %r15\n"
        "    .seh_pushreg %r15\n"
        "    subq $0x28, %rsp\n"
        "    .seh_stackalloc 0x28\n"
        "    .seh_endprologue\n"
        "    movq %rcx, %rax\n"
        "    movq %rdx, %rcx\n"
        "    call *%rax\n"
        "guard_resume:\n"
        "    nop\n"                          /* the return address must not look like an epilog to the unwinder */
        "    addq $0x28, %rsp\n"
        "    popq %r15\n"
        "    popq %r14\n"
        "    popq %r13\n"
        "    popq %r12\n"
        "    popq %rdi\n"
        "    popq %rsi\n"
        "    popq %rbx\n"
        "    popq %rbp\n"
        "    ret\n"
        "    .seh_handler guard_caught, @except\n"
        ".seh_endproc\n");
#else
__asm__(".text\n"
        ".globl _guarded\n"
        ".globl _guard_resume\n"
        "_guarded:\n"
        "    pushl %ebp\n"
        "    movl %esp, %ebp\n"
        "    pushl %ebx\n"
        "    pushl %esi\n"
        "    pushl %edi\n"
        "    pushl $_guard_caught\n"                                 /* the registration: Handler, then Next */
        "    pushl %fs:0\n"
        "    movl %esp, %fs:0\n"
        "    pushl 12(%ebp)\n"
        "    call *8(%ebp)\n"
        "    addl $4, %esp\n"
        "_guard_resume:\n"
        "    popl %fs:0\n"
        "    addl $4, %esp\n"
        "    popl %edi\n"
        "    popl %esi\n"
        "    popl %ebx\n"
        "    popl %ebp\n"
        "    ret\n");
#endif
