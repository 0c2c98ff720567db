/*
 * The C++ parts of vcruntime140 around exception dispatch: _CxxThrowException (the 0xE06D7363 "msc" exception
 * Windows programs raise for `throw`), the per-thread current exception, std::exception's what() copies,
 * terminate and _purecall. The frame handlers are cxx_frame_x86.c and cxx_frame_x64.c.
 */
#include "cxx_eh.h"

static DWORD slot = TLS_OUT_OF_INDEXES;
static cxx_thread_t first;

cxx_thread_t *cxx_thread(void)
{
    cxx_thread_t *data;

    if (slot == TLS_OUT_OF_INDEXES) {
        DWORD mine = TlsAlloc();

        if (mine == TLS_OUT_OF_INDEXES)
            return &first;
        if (InterlockedCompareExchange((LONG *)&slot, (LONG)mine, (LONG)TLS_OUT_OF_INDEXES)
            != (LONG)TLS_OUT_OF_INDEXES)
            TlsFree(mine);
        TlsSetValue(slot, &first);
        return &first;
    }
    data = TlsGetValue(slot);
    if (!data) {
        data = HeapAlloc(GetProcessHeap(), HEAP_ZERO_MEMORY, sizeof *data);
        if (!data)
            data = &first;
        TlsSetValue(slot, data);
    }
    return data;
}

/* The exception whose catch block runs and its context (NULL outside catch blocks). */
void **VCRT_EXPORT __current_exception(void)
{
    return (void **)&cxx_thread()->current.record;
}

void **VCRT_EXPORT __current_exception_context(void)
{
    return (void **)&cxx_thread()->current.context;
}

/* std::uncaught_exceptions(): the exceptions thrown whose catch has not begun; std::uncaught_exception(). */
int VCRT_EXPORT __uncaught_exceptions(void)
{
    return cxx_thread()->uncaught;
}

BOOL VCRT_EXPORT __uncaught_exception(void)
{
    return cxx_thread()->uncaught != 0;
}

/* throw: the object and its ThrowInfo in a non-continuable 0xE06D7363 (x64 adds the image base the ThrowInfo's
 * offsets are relative to). */
__attribute__((noreturn)) void __stdcall _CxxThrowException(void *object, void *throw_info)
{
    ULONG_PTR args[CXX_PARAMS] = {CXX_MAGIC, (ULONG_PTR)object, (ULONG_PTR)throw_info};

#ifdef __x86_64__
    RtlPcToFileHeader(throw_info, (void **)&args[3]);
#endif
    cxx_thread()->uncaught++;
    RaiseException(CXX_EXCEPTION, EXCEPTION_NONCONTINUABLE, CXX_PARAMS, args);
    __builtin_unreachable();
}

void VCRT_EXPORT __std_terminate(void)
{
    terminate();
}

/* A call through a pure virtual function's slot: the UCRT's _purecall ends the program with abort. */
int VCRT_EXPORT _purecall(void)
{
    abort();
}

/* std::exception's data: the message and whether this object owns a copy of it. */
typedef struct {
    const char *what;
    char do_free;
} exception_data_t;

void VCRT_EXPORT __std_exception_copy(const exception_data_t *from, exception_data_t *to)
{
    size_t n;
    char *copy;

    if (!from->do_free || !from->what) {
        to->what = from->what;
        to->do_free = 0;
        return;
    }
    for (n = 1; from->what[n - 1]; n++)
        ;
    copy = malloc(n);
    if (copy) {
        for (size_t i = 0; i < n; i++)
            copy[i] = from->what[i];
        to->do_free = 1;
    }
    to->what = copy;
}

void VCRT_EXPORT __std_exception_destroy(exception_data_t *data)
{
    if (data->do_free)
        free((void *)data->what);
    data->what = NULL;
    data->do_free = 0;
}
