/*
 * The floating-point environment: the "abstract" control and status words of float.h (_controlfp and family),
 * the C99 fenv functions the UCRT exports over them, _fpreset and __fpecode.
 *
 * The abstract words are the same on both widths; what they map to differs. On x86 both units compute (the x87
 * for code built for it, SSE2 for the rest, this CRT's libm included), so _control87 sets the x87 control word and
 * the MXCSR alike, reads both back, and marks _EM_AMBIGUOUS when their exception masks or rounding differ; the
 * precision and infinity controls are the x87's, the denormal control the MXCSR's. On x64 only the MXCSR counts:
 * precision and infinity control do not exist there. A Windows process starts with the x87 control word 0x27F
 * (all exceptions masked, 53-bit precision, round to nearest) and the MXCSR 0x1F80, so that _controlfp(0, 0)
 * gives 0x9001F on x86 and 0x8001F on x64; _fpreset restores that state.
 */
#include "crt.h"

#define MCW_EM 0x0008001Fu
#define MCW_IC 0x00040000u
#define MCW_RC 0x00000300u
#define MCW_PC 0x00030000u
#define MCW_DN 0x03000000u
#define EM_DENORMAL 0x00080000u
#define EM_AMBIGUOUS 0x80000000u
#define IC_AFFINE 0x00040000u
#define PC_24 0x00020000u
#define PC_53 0x00010000u
#define DN_FLUSH 0x01000000u                        /* FZ and DAZ */
#define DN_FLUSH_OPERANDS_SAVE_RESULTS 0x02000000u  /* DAZ */
#define DN_SAVE_OPERANDS_FLUSH_RESULTS 0x03000000u  /* FZ */
#define SW_DENORMAL 0x00080000u
#define FE_ALL_EXCEPT 0x1Fu

#define X87_DEFAULT_CW 0x27F
#define MXCSR_DEFAULT 0x1F80

static unsigned get_mxcsr(void)
{
    unsigned v;

    __asm__ volatile("stmxcsr %0" : "=m"(v));
    return v;
}

static void set_mxcsr(unsigned v)
{
    __asm__ volatile("ldmxcsr %0" : : "m"(v));
}

static void set_x87_cw(unsigned v)
{
    unsigned short w = (unsigned short)v;

    __asm__ volatile("fldcw %0" : : "m"(w));
}

#ifdef __i386__
static unsigned get_x87_cw(void)
{
    unsigned short v;

    __asm__ volatile("fnstcw %0" : "=m"(v));
    return v;
}

static unsigned get_x87_sw(void)
{
    unsigned short v;

    __asm__ volatile("fnstsw %0" : "=m"(v));
    return v;
}
#endif

/* The x87's exception flags set to `flags` where `which` has a bit (x87 status-word bits 0-5). */
static void set_x87_flags(unsigned which, unsigned flags)
{
    unsigned short env[16];                        /* the 28-byte environment, its status word at offset 4 */

    __asm__ volatile("fnstenv %0" : "=m"(env));
    env[2] = (unsigned short)((env[2] & ~which) | (flags & which));
    if (!(env[2] & 0x3F))
        env[2] &= (unsigned short)~0x8080;           /* no pending exception: the summary and busy bits go */
    __asm__ volatile("fldenv %0" : : "m"(env));
}

/* The exception bits both units share (invalid, denormal, zero-divide, overflow, underflow, precision: bits
 * 0-5, as masks in the control words and as flags in the status words) to the abstract ones and back. */
static unsigned abstract_exceptions(unsigned bits)
{
    unsigned r = 0;

    if (bits & 0x01) r |= 0x10;                      /* invalid */
    if (bits & 0x02) r |= 0x80000;                   /* denormal */
    if (bits & 0x04) r |= 0x08;                      /* zero divide */
    if (bits & 0x08) r |= 0x04;                      /* overflow */
    if (bits & 0x10) r |= 0x02;                      /* underflow */
    if (bits & 0x20) r |= 0x01;                      /* inexact */
    return r;
}

static unsigned hardware_exceptions(unsigned abstract)
{
    unsigned r = 0;

    if (abstract & 0x10) r |= 0x01;
    if (abstract & 0x80000) r |= 0x02;
    if (abstract & 0x08) r |= 0x04;
    if (abstract & 0x04) r |= 0x08;
    if (abstract & 0x02) r |= 0x10;
    if (abstract & 0x01) r |= 0x20;
    return r;
}

static unsigned abstract_of_mxcsr(unsigned mxcsr)
{
    unsigned r = abstract_exceptions(mxcsr >> 7) | ((mxcsr >> 5) & MCW_RC);

    switch (mxcsr & 0x8040) {
    case 0x8040: r |= DN_FLUSH; break;
    case 0x0040: r |= DN_FLUSH_OPERANDS_SAVE_RESULTS; break;
    case 0x8000: r |= DN_SAVE_OPERANDS_FLUSH_RESULTS; break;
    }
    return r;
}

static unsigned mxcsr_of_abstract(unsigned mxcsr, unsigned abstract)
{
    mxcsr &= ~0xFFC0u;                               /* masks, rounding, FZ, DAZ: the flags stay */
    mxcsr |= hardware_exceptions(abstract & MCW_EM) << 7;
    mxcsr |= (abstract & MCW_RC) << 5;
    switch (abstract & MCW_DN) {
    case DN_FLUSH: mxcsr |= 0x8040; break;
    case DN_FLUSH_OPERANDS_SAVE_RESULTS: mxcsr |= 0x0040; break;
    case DN_SAVE_OPERANDS_FLUSH_RESULTS: mxcsr |= 0x8000; break;
    }
    return mxcsr;
}

#ifdef __i386__
static unsigned abstract_of_x87(unsigned cw)
{
    unsigned r = abstract_exceptions(cw) | ((cw >> 2) & MCW_RC);

    switch (cw & 0x300) {
    case 0x000: r |= PC_24; break;
    case 0x200: r |= PC_53; break;
    }
    if (cw & 0x1000)
        r |= IC_AFFINE;
    return r;
}

static unsigned x87_of_abstract(unsigned cw, unsigned abstract)
{
    cw &= ~0x1F3Fu;
    cw |= hardware_exceptions(abstract & MCW_EM);
    cw |= (abstract & MCW_RC) << 2;
    switch (abstract & MCW_PC) {
    case PC_24: break;
    case PC_53: cw |= 0x200; break;
    default: cw |= 0x300; break;
    }
    if (abstract & IC_AFFINE)
        cw |= 0x1000;
    return cw;
}

/* Sets the units named (x87, sse non-NULL) and gives their abstract words back. */
int CRT_EXPORT __control87_2(unsigned new_bits, unsigned mask, unsigned *x87, unsigned *sse)
{
    if (x87) {
        unsigned a = abstract_of_x87(get_x87_cw());

        if (mask) {
            a = (a & ~mask) | (new_bits & mask);
            set_x87_cw(x87_of_abstract(get_x87_cw(), a));
        }
        *x87 = abstract_of_x87(get_x87_cw());
    }
    if (sse) {
        unsigned a = abstract_of_mxcsr(get_mxcsr());

        if (mask) {
            a = (a & ~mask) | (new_bits & mask);
            set_mxcsr(mxcsr_of_abstract(get_mxcsr(), a));
        }
        *sse = abstract_of_mxcsr(get_mxcsr());
    }
    return 1;
}

unsigned CRT_EXPORT _control87(unsigned new_bits, unsigned mask)
{
    unsigned x87, sse, r;

    __control87_2(new_bits, mask, &x87, &sse);
    r = x87 | (sse & MCW_DN);
    if ((x87 & (MCW_EM | MCW_RC)) != (sse & (MCW_EM | MCW_RC)))
        r |= EM_AMBIGUOUS;
    return r;
}
#else
unsigned CRT_EXPORT _control87(unsigned new_bits, unsigned mask)
{
    unsigned a = abstract_of_mxcsr(get_mxcsr());

    mask &= ~(MCW_PC | MCW_IC);                      /* not the SSE unit's */
    if (mask)
        set_mxcsr(mxcsr_of_abstract(get_mxcsr(), (a & ~mask) | (new_bits & mask)));
    return abstract_of_mxcsr(get_mxcsr());
}
#endif

/* _controlfp leaves the denormal exception's mask alone, as on the processors without one */
unsigned CRT_EXPORT _controlfp(unsigned new_bits, unsigned mask)
{
    return _control87(new_bits, mask & ~EM_DENORMAL);
}

void CRT_EXPORT _set_controlfp(unsigned new_bits, unsigned mask)
{
    _controlfp(new_bits, mask);
}

int CRT_EXPORT _controlfp_s(unsigned *current, unsigned new_bits, unsigned mask)
{
    unsigned valid = MCW_EM | MCW_RC | MCW_DN;

#ifdef __i386__
    valid |= MCW_PC | MCW_IC;
#endif
    if (mask & ~valid & ~EM_DENORMAL) {
        if (current)
            *current = _controlfp(0, 0);
        crt_invalid_parameter(CRT_EINVAL);
        return CRT_EINVAL;
    }
    new_bits = _controlfp(new_bits, mask);
    if (current)
        *current = new_bits;
    return 0;
}

/* The abstract status word: the flags raised since they were last cleared */
#ifdef __i386__
unsigned CRT_EXPORT _statusfp(void)
{
    return abstract_exceptions(get_x87_sw() | get_mxcsr());
}

void CRT_EXPORT _statusfp2(unsigned *x87, unsigned *sse)
{
    if (x87)
        *x87 = abstract_exceptions(get_x87_sw());
    if (sse)
        *sse = abstract_exceptions(get_mxcsr());
}
#else
unsigned CRT_EXPORT _statusfp(void)
{
    return abstract_exceptions(get_mxcsr());
}
#endif

unsigned CRT_EXPORT _clearfp(void)
{
    unsigned status = _statusfp();

    __asm__ volatile("fnclex");
    set_mxcsr(get_mxcsr() & ~0x3Fu);
    return status;
}

void CRT_EXPORT _fpreset(void)
{
    __asm__ volatile("fninit");
    set_x87_cw(X87_DEFAULT_CW);
    set_mxcsr(MXCSR_DEFAULT);
}

/* SSE2 is always there: the x86 CRTs say so */
int CRT_EXPORT _set_SSE2_enable(int flag)
{
    return flag ? 1 : 0;
}

int CRT_EXPORT _set_FMA3_enable(int flag)
{
    (void)flag;
    return 0;
}

int CRT_EXPORT _get_FMA3_enable(void)
{
    return 0;
}

/* FLT_ROUNDS for the current rounding: 1 nearest, 0 toward zero, 2 upward, 3 downward */
int CRT_EXPORT __fpe_flt_rounds(void)
{
    static const int rounds[4] = {1, 3, 2, 0};

    return rounds[(_controlfp(0, 0) & MCW_RC) >> 8];
}

/* The floating-point error code a SIGFPE handler reads; one for the process (crt.h's per-thread data has no
 * field for it). */
static int fpecode;

int *CRT_EXPORT __fpecode(void)
{
    return &fpecode;
}

/* The UCRT's fenv.h: fenv_t is {control, status} in the abstract words; exceptions are the _SW_ bits (FE_INEXACT
 * 1, FE_UNDERFLOW 2, FE_OVERFLOW 4, FE_DIVBYZERO 8, FE_INVALID 0x10), roundings the _RC_ ones. */
typedef struct {
    unsigned long ctl, stat;
} crt_fenv_t;

/* The flags `which` (abstract) set to those of `flags` in both units. */
static void set_flags(unsigned which, unsigned flags)
{
    unsigned hw_which = hardware_exceptions(which & FE_ALL_EXCEPT), hw_flags = hardware_exceptions(flags & which);

    set_x87_flags(hw_which, hw_flags);
    set_mxcsr((get_mxcsr() & ~hw_which) | hw_flags);
}

int CRT_EXPORT fegetround(void)
{
    return (int)(_controlfp(0, 0) & MCW_RC);
}

int CRT_EXPORT fesetround(int round)
{
    if ((unsigned)round & ~MCW_RC)
        return 1;
    _controlfp((unsigned)round, MCW_RC);
    return 0;
}

int CRT_EXPORT fegetenv(crt_fenv_t *env)
{
    env->ctl = _controlfp(0, 0) & (MCW_EM | MCW_RC);
    env->stat = _statusfp() & FE_ALL_EXCEPT;
    return 0;
}

int CRT_EXPORT fesetenv(const crt_fenv_t *env)
{
    _controlfp((unsigned)env->ctl, MCW_EM | MCW_RC);
    set_flags(FE_ALL_EXCEPT, (unsigned)env->stat);
    return 0;
}

int CRT_EXPORT feholdexcept(crt_fenv_t *env)
{
    fegetenv(env);
    _clearfp();
    _controlfp(MCW_EM, MCW_EM);                      /* non-stop: every exception masked */
    return 0;
}

int CRT_EXPORT feclearexcept(int excepts)
{
    set_flags((unsigned)excepts & FE_ALL_EXCEPT, 0);
    return 0;
}

int CRT_EXPORT fetestexcept(int excepts)
{
    return (int)(_statusfp() & (unsigned)excepts & FE_ALL_EXCEPT);
}

int CRT_EXPORT fegetexceptflag(unsigned long *flags, int excepts)
{
    *flags = _statusfp() & (unsigned)excepts & FE_ALL_EXCEPT;
    return 0;
}

int CRT_EXPORT fesetexceptflag(const unsigned long *flags, int excepts)
{
    set_flags((unsigned)excepts & FE_ALL_EXCEPT, (unsigned)*flags);
    return 0;
}
