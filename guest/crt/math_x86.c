/*
 * The x86-only entry points of the libm, as shims over the C functions:
 * - _CIsin and family, which MSVC's x87 code calls with the arguments on the x87 stack (one in st(0); two in
 *   st(1), st(0), the first argument deeper) and which leave the result in st(0), the arguments popped;
 * - __libm_sse2_sin and family (ucrtbase.dll), which MSVC's SSE2 code calls with the arguments in xmm0 (and xmm1)
 *   and which return in xmm0, and the _libm_sse2_*_precise twins;
 * - _ftol: st(0) truncated toward zero to a 64-bit integer in edx:eax, popped.
 * The C functions are cdecl: arguments on the stack, a double or float result in st(0).
 */
#ifdef __i386__

#define CI1(name, target) \
    __asm__(".text\n.globl __CI" #name "\n__CI" #name ":\n" \
            "    subl $8, %esp\n    fstpl (%esp)\n    call _" #target "\n    addl $8, %esp\n    ret\n");
#define CI2(name, target) \
    __asm__(".text\n.globl __CI" #name "\n__CI" #name ":\n" \
            "    subl $16, %esp\n    fstpl 8(%esp)\n    fstpl (%esp)\n    call _" #target "\n" \
            "    addl $16, %esp\n    ret\n");

CI1(sqrt, sqrt)
CI1(sin, sin)
CI1(cos, cos)
CI1(tan, tan)
CI1(asin, asin)
CI1(acos, acos)
CI1(atan, atan)
CI1(sinh, sinh)
CI1(cosh, cosh)
CI1(tanh, tanh)
CI1(exp, exp)
CI1(log, log)
CI1(log10, log10)
CI2(atan2, atan2)
CI2(pow, pow)
CI2(fmod, fmod)

#define SSE2_D1(label, target) \
    __asm__(".text\n.globl " label "\n" label ":\n" \
            "    subl $8, %esp\n    movsd %xmm0, (%esp)\n    call _" #target "\n" \
            "    fstpl (%esp)\n    movsd (%esp), %xmm0\n    addl $8, %esp\n    ret\n");
#define SSE2_D2(label, target) \
    __asm__(".text\n.globl " label "\n" label ":\n" \
            "    subl $16, %esp\n    movsd %xmm0, (%esp)\n    movsd %xmm1, 8(%esp)\n    call _" #target "\n" \
            "    fstpl (%esp)\n    movsd (%esp), %xmm0\n    addl $16, %esp\n    ret\n");
#define SSE2_F1(label, target) \
    __asm__(".text\n.globl " label "\n" label ":\n" \
            "    subl $4, %esp\n    movss %xmm0, (%esp)\n    call _" #target "\n" \
            "    fstps (%esp)\n    movss (%esp), %xmm0\n    addl $4, %esp\n    ret\n");
#define SSE2_F2(label, target) \
    __asm__(".text\n.globl " label "\n" label ":\n" \
            "    subl $8, %esp\n    movss %xmm0, (%esp)\n    movss %xmm1, 4(%esp)\n    call _" #target "\n" \
            "    fstps (%esp)\n    movss (%esp), %xmm0\n    addl $8, %esp\n    ret\n");

SSE2_D1("___libm_sse2_acos", acos)
SSE2_D1("___libm_sse2_asin", asin)
SSE2_D1("___libm_sse2_atan", atan)
SSE2_D2("___libm_sse2_atan2", atan2)
SSE2_D1("___libm_sse2_cos", cos)
SSE2_D1("___libm_sse2_exp", exp)
SSE2_D1("___libm_sse2_log", log)
SSE2_D1("___libm_sse2_log10", log10)
SSE2_D2("___libm_sse2_pow", pow)
SSE2_D1("___libm_sse2_sin", sin)
SSE2_D1("___libm_sse2_tan", tan)
SSE2_F1("___libm_sse2_acosf", acosf)
SSE2_F1("___libm_sse2_asinf", asinf)
SSE2_F1("___libm_sse2_atanf", atanf)
SSE2_F1("___libm_sse2_cosf", cosf)
SSE2_F1("___libm_sse2_expf", expf)
SSE2_F1("___libm_sse2_logf", logf)
SSE2_F1("___libm_sse2_log10f", log10f)
SSE2_F2("___libm_sse2_powf", powf)
SSE2_F1("___libm_sse2_sinf", sinf)
SSE2_F1("___libm_sse2_tanf", tanf)
SSE2_D1("__libm_sse2_acos_precise", acos)
SSE2_D1("__libm_sse2_asin_precise", asin)
SSE2_D1("__libm_sse2_atan_precise", atan)
SSE2_D1("__libm_sse2_cos_precise", cos)
SSE2_D1("__libm_sse2_exp_precise", exp)
SSE2_D1("__libm_sse2_log_precise", log)
SSE2_D1("__libm_sse2_log10_precise", log10)
SSE2_D2("__libm_sse2_pow_precise", pow)
SSE2_D1("__libm_sse2_sin_precise", sin)
SSE2_D1("__libm_sse2_sqrt_precise", sqrt)
SSE2_D1("__libm_sse2_tan_precise", tan)

/* _ftol: truncation whatever the rounding mode, through a control word with RC = chop */
__asm__(".text\n.globl __ftol\n__ftol:\n"
        "    subl $12, %esp\n"
        "    fnstcw 8(%esp)\n"
        "    movw 8(%esp), %ax\n"
        "    orw $0x0C00, %ax\n"
        "    movw %ax, 10(%esp)\n"
        "    fldcw 10(%esp)\n"
        "    fistpll (%esp)\n"
        "    fldcw 8(%esp)\n"
        "    movl (%esp), %eax\n"
        "    movl 4(%esp), %edx\n"
        "    addl $12, %esp\n"
        "    ret\n");

#else
typedef int math_x86_only;                           /* an empty translation unit is not ISO C */
#endif
