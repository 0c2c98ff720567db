/*
 * setjmp and longjmp with the Microsoft jump buffers. x86 (_setjmp3, which mingw-w64's setjmp() calls, and the
 * old one-argument _setjmp): ebp, ebx, edi, esi, esp, eip, the fs:[0] registration, the try level, the 'VC20'
 * cookie; longjmp first unwinds the SEH registrations made since setjmp (RtlUnwind up to the saved one). x86_64
 * (_setjmp and _setjmpex, which take the frame to unwind to): the frame, the non-volatile registers, rip, MXCSR,
 * the x87 control word and xmm6-xmm15; when the frame is not NULL longjmp unwinds to it with RtlUnwind and a
 * STATUS_LONGJUMP record, so the language handlers of the frames between (__finally blocks, C++ destructors) run
 * and ntdll restores the registers from the buffer, as msvcrt does. The x86 jump buffer's unwind function (for
 * MSVC's C++ frames) is not called.
 */
#include "crt.h"

#define STATUS_LONGJUMP_ 0x80000026u

#ifdef __x86_64__

typedef struct {
    ULONG64 frame, rbx, rsp, rbp, rsi, rdi, r12, r13, r14, r15, rip;
    ULONG mxcsr;
    USHORT fpcsr, spare;
    M128A xmm[10];
} jump_buffer_t;

__asm__(".text\n"
        ".globl _setjmp\n"
        ".globl _setjmpex\n"
        "_setjmp:\n"
        "_setjmpex:\n"
        "    mov %rdx, 0(%rcx)\n"
        "    mov %rbx, 8(%rcx)\n"
        "    lea 8(%rsp), %rax\n"
        "    mov %rax, 16(%rcx)\n"
        "    mov %rbp, 24(%rcx)\n"
        "    mov %rsi, 32(%rcx)\n"
        "    mov %rdi, 40(%rcx)\n"
        "    mov %r12, 48(%rcx)\n"
        "    mov %r13, 56(%rcx)\n"
        "    mov %r14, 64(%rcx)\n"
        "    mov %r15, 72(%rcx)\n"
        "    mov (%rsp), %rax\n"
        "    mov %rax, 80(%rcx)\n"
        "    stmxcsr 88(%rcx)\n"
        "    fnstcw 92(%rcx)\n"
        "    movdqu %xmm6, 96(%rcx)\n"
        "    movdqu %xmm7, 112(%rcx)\n"
        "    movdqu %xmm8, 128(%rcx)\n"
        "    movdqu %xmm9, 144(%rcx)\n"
        "    movdqu %xmm10, 160(%rcx)\n"
        "    movdqu %xmm11, 176(%rcx)\n"
        "    movdqu %xmm12, 192(%rcx)\n"
        "    movdqu %xmm13, 208(%rcx)\n"
        "    movdqu %xmm14, 224(%rcx)\n"
        "    movdqu %xmm15, 240(%rcx)\n"
        "    xor %eax, %eax\n"
        "    ret\n"
        /* crt_jump(buffer, value): the registers back from the buffer, value in eax, on at the saved rip. */
        "crt_jump:\n"
        "    mov 8(%rcx), %rbx\n"
        "    mov 16(%rcx), %rsp\n"
        "    mov 24(%rcx), %rbp\n"
        "    mov 32(%rcx), %rsi\n"
        "    mov 40(%rcx), %rdi\n"
        "    mov 48(%rcx), %r12\n"
        "    mov 56(%rcx), %r13\n"
        "    mov 64(%rcx), %r14\n"
        "    mov 72(%rcx), %r15\n"
        "    ldmxcsr 88(%rcx)\n"
        "    fnclex\n"
        "    fldcw 92(%rcx)\n"
        "    movdqu 96(%rcx), %xmm6\n"
        "    movdqu 112(%rcx), %xmm7\n"
        "    movdqu 128(%rcx), %xmm8\n"
        "    movdqu 144(%rcx), %xmm9\n"
        "    movdqu 160(%rcx), %xmm10\n"
        "    movdqu 176(%rcx), %xmm11\n"
        "    movdqu 192(%rcx), %xmm12\n"
        "    movdqu 208(%rcx), %xmm13\n"
        "    movdqu 224(%rcx), %xmm14\n"
        "    movdqu 240(%rcx), %xmm15\n"
        "    mov %edx, %eax\n"
        "    jmp *80(%rcx)\n");

__attribute__((noreturn)) void crt_jump(jump_buffer_t *buffer, int value);

__attribute__((noreturn)) void CRT_EXPORT longjmp(jump_buffer_t *buffer, int value)
{
    if (!value)
        value = 1;
    if (buffer->frame) {
        EXCEPTION_RECORD record = {0};

        record.ExceptionCode = STATUS_LONGJUMP_;
        record.NumberParameters = 1;
        record.ExceptionInformation[0] = (ULONG_PTR)buffer;
        RtlUnwind((void *)buffer->frame, (void *)buffer->rip, &record, (void *)(LONG_PTR)value);
    }
    crt_jump(buffer, value);
}

#else

typedef struct {
    ULONG ebp, ebx, edi, esi, esp, eip, registration, try_level, cookie, unwind_func, unwind_data[6];
} jump_buffer_t;

#define SEH_END 0xFFFFFFFFu

/* _setjmp3(buffer, count, ...) and _setjmp(buffer): the try level is the registration's (an MSVC SEH frame's
 * third field) when the caller has one, else -1. */
__asm__(".text\n"
        ".globl __setjmp3\n"
        ".globl __setjmp\n"
        "__setjmp3:\n"
        "__setjmp:\n"
        "    mov 4(%esp), %edx\n"
        "    mov %ebp, 0(%edx)\n"
        "    mov %ebx, 4(%edx)\n"
        "    mov %edi, 8(%edx)\n"
        "    mov %esi, 12(%edx)\n"
        "    lea 4(%esp), %eax\n"
        "    mov %eax, 16(%edx)\n"
        "    mov (%esp), %eax\n"
        "    mov %eax, 20(%edx)\n"
        "    mov %fs:0, %eax\n"
        "    mov %eax, 24(%edx)\n"
        "    movl $-1, 28(%edx)\n"
        "    movl $0x56433230, 32(%edx)\n"
        "    movl $0, 36(%edx)\n"
        "    xor %eax, %eax\n"
        "    ret\n"
        /* crt_jump(buffer, value) */
        "_crt_jump:\n"
        "    mov 4(%esp), %edx\n"
        "    mov 8(%esp), %eax\n"
        "    mov 0(%edx), %ebp\n"
        "    mov 4(%edx), %ebx\n"
        "    mov 8(%edx), %edi\n"
        "    mov 12(%edx), %esi\n"
        "    mov 16(%edx), %esp\n"
        "    jmp *20(%edx)\n");

__attribute__((noreturn)) void crt_jump(jump_buffer_t *buffer, int value);

static ULONG current_registration(void)
{
    ULONG registration;

    __asm__ volatile("mov %%fs:0, %0" : "=r"(registration));
    return registration;
}

__attribute__((noreturn)) void CRT_EXPORT longjmp(jump_buffer_t *buffer, int value)
{
    if (!value)
        value = 1;
    if (buffer->registration != current_registration())
        RtlUnwind(buffer->registration == SEH_END ? NULL : (void *)buffer->registration, NULL, NULL, NULL);
    crt_jump(buffer, value);
}

#endif
