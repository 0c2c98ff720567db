/*
 * __CxxFrameHandler4 (x86_64): the handler of MSVC 2019's compressed FH4 tables. Not modelled yet: it lets every
 * exception pass, and says so once.
 */
#include "cxx_eh.h"
#include "../include/guestwarn.h"

#ifdef __x86_64__

EXCEPTION_DISPOSITION VCRT_EXPORT __CxxFrameHandler4(EXCEPTION_RECORD *record, void *frame, CONTEXT *context,
                                                     void *dispatcher)
{
    static LONG warned;

    (void)frame, (void)context, (void)dispatcher;
    if (record->ExceptionCode == CXX_EXCEPTION && !(record->ExceptionFlags & EXCEPTION_UNWINDING) &&
        !InterlockedExchange(&warned, 1))
        guest_warn("__CxxFrameHandler4", "the FH4 tables are not modelled: catch blocks and destructors do not run");
    return ExceptionContinueSearch;
}

#endif
