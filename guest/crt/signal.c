/*
 * signal and raise, abort, and the exception filters that turn a fault into a signal (_XcptFilter for msvcrt's
 * start-up, _seh_filter_exe for the UCRT's): an access violation is SIGSEGV, an illegal or privileged instruction
 * SIGILL, a floating-point exception SIGFPE (with its _FPE_ code), as the CRTs' action table maps them. A handler
 * is reset to SIG_DFL before it is called; SIG_DFL lets the exception go on (the unhandled-exception path), SIG_IGN
 * resumes the faulting code.
 */
#include "crt.h"

typedef void (__cdecl *signal_t)(int);
typedef void (__cdecl *fpe_signal_t)(int, int);

#define SIG_DFL_ ((signal_t)0)
#define SIG_IGN_ ((signal_t)1)
#define SIG_ERR_ ((signal_t)-1)

enum { SIGINT_ = 2, SIGILL_ = 4, SIGABRT_COMPAT_ = 6, SIGFPE_ = 8, SIGSEGV_ = 11, SIGTERM_ = 15, SIGBREAK_ = 21,
       SIGABRT_ = 22 };

static signal_t handlers[23];

static int known(int sig)
{
    return sig == SIGINT_ || sig == SIGILL_ || sig == SIGABRT_COMPAT_ || sig == SIGFPE_ || sig == SIGSEGV_
        || sig == SIGTERM_ || sig == SIGBREAK_ || sig == SIGABRT_;
}

signal_t CRT_EXPORT signal(int sig, signal_t handler)
{
    signal_t old;

    if (sig == SIGABRT_COMPAT_)
        sig = SIGABRT_;
    if (!known(sig) || handler == (signal_t)2 /* SIG_SGE */ || handler == (signal_t)3 /* SIG_ACK */) {
        crt_invalid_parameter(CRT_EINVAL);
        return SIG_ERR_;
    }
    old = handlers[sig];
    handlers[sig] = handler;
    return old;
}

/* The default action of every signal: exit code 3, as the CRTs' raise does, without atexit or flush. */
int CRT_EXPORT raise(int sig)
{
    signal_t handler;

    if (sig == SIGABRT_COMPAT_)
        sig = SIGABRT_;
    if (!known(sig)) {
        crt_invalid_parameter(CRT_EINVAL);
        return -1;
    }
    handler = handlers[sig];
    if (handler == SIG_IGN_)
        return 0;
    if (handler == SIG_DFL_)
        _exit(3);
    handlers[sig] = SIG_DFL_;
    if (sig == SIGFPE_)
        ((fpe_signal_t)(void (*)(void))handler)(sig, 0x8C /* _FPE_EXPLICITGEN */);
    else
        handler(sig);
    return 0;
}

static void write_stderr(const char *text)
{
    DWORD written;

    WriteFile(GetStdHandle(STD_ERROR_HANDLE), text, lstrlenA(text), &written, NULL);
}

static unsigned abort_flags = 3;                     /* _WRITE_ABORT_MSG | _CALL_REPORTFAULT */

unsigned CRT_EXPORT _set_abort_behavior(unsigned flags, unsigned mask)
{
    unsigned old = abort_flags;

    abort_flags = (old & ~mask) | (flags & mask);
    return old;
}

/*
 * abort: SIGABRT's handler when there is one; then msvcrt.dll writes its message and ends with exit code 3, and the
 * UCRT ends through __fastfail(FAST_FAIL_FATAL_APP_EXIT) (0xC0000409) when _CALL_REPORTFAULT is set, as it is by
 * default, else with exit code 3.
 */
__attribute__((noreturn)) void CRT_EXPORT abort(void)
{
    signal_t handler = handlers[SIGABRT_];

    if (handler != SIG_DFL_ && handler != SIG_IGN_) {
        handlers[SIGABRT_] = SIG_DFL_;
        handler(SIGABRT_);
    }
    if (crt_flavor == CRT_MSVCRT) {
        crt_flush_all();
        write_stderr("\nThis application has requested the Runtime to terminate it in an unusual way.\n"
                     "Please contact the application's support team for more information.\n");
    } else if (abort_flags & 2) {
        crt_fastfail(7);                             /* FAST_FAIL_FATAL_APP_EXIT */
    }
    _exit(3);
}

/* _amsg_exit: the runtime error's message, then exit code 255. */
__attribute__((noreturn)) void CRT_EXPORT _amsg_exit(int error)
{
    char line[] = "\r\nruntime error R60??\r\n";

    line[18] = (char)('0' + error / 10 % 10);
    line[19] = (char)('0' + error % 10);
    write_stderr(line);
    _exit(255);
}

/* The signal of an exception code, and the _FPE_ code of a floating-point one; 0 for none. */
static int signal_of(DWORD code, int *fpe)
{
    static const struct { DWORD code; unsigned char fpe; } fpe_codes[] = {
        {EXCEPTION_FLT_DENORMAL_OPERAND, 0x82}, {EXCEPTION_FLT_DIVIDE_BY_ZERO, 0x83},
        {EXCEPTION_FLT_INEXACT_RESULT, 0x86}, {EXCEPTION_FLT_INVALID_OPERATION, 0x81},
        {EXCEPTION_FLT_OVERFLOW, 0x84}, {EXCEPTION_FLT_STACK_CHECK, 0x8A}, {EXCEPTION_FLT_UNDERFLOW, 0x85},
    };

    if (code == EXCEPTION_ACCESS_VIOLATION)
        return SIGSEGV_;
    if (code == EXCEPTION_ILLEGAL_INSTRUCTION || code == EXCEPTION_PRIV_INSTRUCTION)
        return SIGILL_;
    for (size_t i = 0; i < sizeof fpe_codes / sizeof fpe_codes[0]; i++)
        if (fpe_codes[i].code == code) {
            *fpe = fpe_codes[i].fpe;
            return SIGFPE_;
        }
    return 0;
}

int CRT_EXPORT _XcptFilter(unsigned long code, EXCEPTION_POINTERS *pointers)
{
    int fpe = 0, sig = signal_of(code, &fpe);
    signal_t handler;

    (void)pointers;
    if (!sig)
        return EXCEPTION_CONTINUE_SEARCH;
    handler = handlers[sig];
    if (handler == SIG_DFL_)
        return EXCEPTION_CONTINUE_SEARCH;
    if (handler == SIG_IGN_)
        return EXCEPTION_CONTINUE_EXECUTION;
    handlers[sig] = SIG_DFL_;
    if (sig == SIGFPE_)
        ((fpe_signal_t)(void (*)(void))handler)(sig, fpe);
    else
        handler(sig);
    return EXCEPTION_CONTINUE_EXECUTION;
}

int CRT_EXPORT _seh_filter_exe(unsigned long code, EXCEPTION_POINTERS *pointers)
{
    return _XcptFilter(code, pointers);
}

int CRT_EXPORT _seh_filter_dll(unsigned long code, EXCEPTION_POINTERS *pointers)
{
    (void)code, (void)pointers;
    return EXCEPTION_CONTINUE_SEARCH;
}

/* __pxcptinfoptrs: the exception pointers a SIGSEGV/SIGFPE handler may read (one per process here). */
static void *exception_pointers;

void **CRT_EXPORT __pxcptinfoptrs(void)
{
    return &exception_pointers;
}

/* --- terminate (C++'s std::terminate, which the UCRT hosts) ------------------------------------------------ */

typedef void (__cdecl *terminate_t)(void);

static terminate_t terminate_handler;

terminate_t CRT_EXPORT set_terminate(terminate_t handler)
{
    terminate_t old = terminate_handler;

    terminate_handler = handler;
    return old;
}

terminate_t CRT_EXPORT _get_terminate(void)
{
    return terminate_handler;
}

/* The handler when there is one (it must not return: abort if it does), else abort. */
__attribute__((noreturn)) void CRT_EXPORT terminate(void)
{
    terminate_t handler = terminate_handler;

    if (handler)
        handler();
    abort();
}

/* --- assert ------------------------------------------------------------------------------------------------- */

/* "Assertion failed: EXPRESSION, file FILE, line N" on stderr (a console program's form), then abort. */
static void assertion_line(const char *expression, const char *file, unsigned line)
{
    char digits[12];
    int n = sizeof digits;

    digits[--n] = 0;
    do
        digits[--n] = (char)('0' + line % 10);
    while ((line /= 10) != 0);
    crt_flush_all();
    write_stderr("Assertion failed: ");
    write_stderr(expression);
    write_stderr(", file ");
    write_stderr(file);
    write_stderr(", line ");
    write_stderr(digits + n);
    write_stderr("\n");
}

__attribute__((noreturn)) void CRT_EXPORT _assert(const char *expression, const char *file, unsigned line)
{
    assertion_line(expression ? expression : "", file ? file : "", line);
    abort();
}

/* The wide form: the texts in the ANSI code page. */
__attribute__((noreturn)) void CRT_EXPORT _wassert(const wchar_t *expression, const wchar_t *file, unsigned line)
{
    char narrow_expression[512], narrow_file[260];

    narrow_expression[0] = narrow_file[0] = 0;
    if (expression)
        WideCharToMultiByte(CP_ACP, 0, expression, -1, narrow_expression, sizeof narrow_expression, NULL, NULL);
    if (file)
        WideCharToMultiByte(CP_ACP, 0, file, -1, narrow_file, sizeof narrow_file, NULL, NULL);
    narrow_expression[sizeof narrow_expression - 1] = narrow_file[sizeof narrow_file - 1] = 0;
    assertion_line(narrow_expression, narrow_file, line);
    abort();
}
