/*
 * _beginthreadex and _beginthread over CreateThread, the thread's start wrapped so that _endthreadex's code (or the
 * routine's return) becomes the thread's exit code. As the CRT's: the handle of a _beginthread thread is closed when
 * the thread ends (it is created suspended, told its handle, then resumed), a _beginthreadex handle is the caller's
 * to close; when CreateThread fails both return 0 (-1 for _beginthread) with errno from the Win32 error.
 */
#include "crt.h"

typedef unsigned (__stdcall *start_ex_t)(void *);
typedef void (__cdecl *start_t)(void *);

typedef struct {
    start_ex_t start_ex;
    start_t start;
    void *argument;
    HANDLE self;                                    /* a _beginthread thread's own handle, closed at its end */
} thread_start_t;

static DWORD WINAPI thread_main(void *parameter)
{
    thread_start_t start = *(thread_start_t *)parameter;

    crt_free(parameter);
    if (start.start_ex)
        return start.start_ex(start.argument);
    start.start(start.argument);
    CloseHandle(start.self);
    return 0;
}

static HANDLE begin(start_ex_t start_ex, start_t start, void *argument, unsigned stack_size, unsigned flags,
                    unsigned *id)
{
    thread_start_t *block = crt_alloc(sizeof *block);
    HANDLE thread;

    if (!block) {
        crt_thread_data()->err = CRT_ENOMEM;
        return NULL;
    }
    block->start_ex = start_ex;
    block->start = start;
    block->argument = argument;
    thread = CreateThread(NULL, stack_size, thread_main, block, start ? flags | CREATE_SUSPENDED : flags,
                          (DWORD *)id);
    if (!thread) {
        crt_set_errno_from_win32(GetLastError());
        crt_free(block);
    } else if (start) {
        block->self = thread;
        ResumeThread(thread);
    }
    return thread;
}

uintptr_t CRT_EXPORT _beginthreadex(void *security, unsigned stack_size, start_ex_t start, void *argument,
                                    unsigned flags, unsigned *id)
{
    (void)security;
    if (!start) {
        crt_invalid_parameter(CRT_EINVAL);
        return 0;
    }
    return (uintptr_t)begin(start, NULL, argument, stack_size, flags, id);
}

uintptr_t CRT_EXPORT _beginthread(start_t start, unsigned stack_size, void *argument)
{
    HANDLE thread;

    if (!start) {
        crt_invalid_parameter(CRT_EINVAL);
        return (uintptr_t)-1;
    }
    thread = begin(NULL, start, argument, stack_size, 0, NULL);
    return thread ? (uintptr_t)thread : (uintptr_t)-1;
}

__attribute__((noreturn)) void CRT_EXPORT _endthreadex(unsigned code)
{
    ExitThread(code);
}

__attribute__((noreturn)) void CRT_EXPORT _endthread(void)
{
    ExitThread(0);
}
