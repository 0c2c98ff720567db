/* NT declarations of exception dispatch: the system calls, the Rtl functions both ntdlls export, and the frames
 * Windows builds; included by nt.h. The records and contexts are winnt.h's (EXCEPTION_RECORD, CONTEXT of the
 * width compiled for). */
#ifndef WOW64EMU_NT_EXCEPTIONS_H
#define WOW64EMU_NT_EXCEPTIONS_H

#undef STATUS_NONCONTINUABLE_EXCEPTION
#undef STATUS_INVALID_DISPOSITION
#define STATUS_NONCONTINUABLE_EXCEPTION ((NTSTATUS)0xC0000025L)
#define STATUS_INVALID_DISPOSITION      ((NTSTATUS)0xC0000026L)
#ifndef STATUS_UNWIND
#define STATUS_UNWIND                   ((NTSTATUS)0xC0000027L)
#endif
#ifndef STATUS_BAD_STACK
#define STATUS_BAD_STACK                ((NTSTATUS)0xC0000028L)
#endif
#ifndef STATUS_INVALID_UNWIND_TARGET
#define STATUS_INVALID_UNWIND_TARGET    ((NTSTATUS)0xC0000029L)
#endif

/* ExceptionFlags: winnt.h has EXCEPTION_NONCONTINUABLE, _UNWINDING, _EXIT_UNWIND, _STACK_INVALID, _NESTED_CALL,
 * _TARGET_UNWIND, _COLLIDED_UNWIND and EXCEPTION_UNWIND (0x66). */

/* An fs:[0] registration of 32-bit SEH: {Next, Handler}; the end of the chain is (PVOID)-1. */
typedef struct _NT_SEH_FRAME {
    struct _NT_SEH_FRAME *Next;
    PEXCEPTION_ROUTINE Handler;
} NT_SEH_FRAME;
#define NT_SEH_END ((NT_SEH_FRAME *)(LONG_PTR)-1)

NT_IMPORT NTSTATUS NTAPI NtContinue(PCONTEXT ContextRecord, BOOLEAN TestAlert);
NT_IMPORT NTSTATUS NTAPI NtRaiseException(PEXCEPTION_RECORD ExceptionRecord, PCONTEXT ContextRecord,
                                          BOOLEAN FirstChance);

NT_IMPORT VOID NTAPI RtlRaiseException(PEXCEPTION_RECORD ExceptionRecord);
NT_IMPORT NTSTATUS NTAPI NtGetContextThread(HANDLE ThreadHandle, PCONTEXT ThreadContext);
NT_IMPORT NTSTATUS NTAPI NtSetContextThread(HANDLE ThreadHandle, PCONTEXT ThreadContext);

NT_IMPORT BOOLEAN NTAPI RtlDispatchException(PEXCEPTION_RECORD ExceptionRecord, PCONTEXT ContextRecord);
NT_IMPORT VOID NTAPI RtlRaiseStatus(NTSTATUS Status);
NT_IMPORT PVOID NTAPI RtlAddVectoredExceptionHandler(ULONG First, PVECTORED_EXCEPTION_HANDLER Handler);
NT_IMPORT ULONG NTAPI RtlRemoveVectoredExceptionHandler(PVOID Handle);
NT_IMPORT PVOID NTAPI RtlAddVectoredContinueHandler(ULONG First, PVECTORED_EXCEPTION_HANDLER Handler);
NT_IMPORT ULONG NTAPI RtlRemoveVectoredContinueHandler(PVOID Handle);
/* The filter RtlDispatchException calls when no handler took an exception (kernel32's UnhandledExceptionFilter). */
typedef LONG (NTAPI *NT_UNHANDLED_FILTER)(PEXCEPTION_POINTERS ExceptionInfo);
NT_IMPORT VOID NTAPI RtlSetUnhandledExceptionFilter(NT_UNHANDLED_FILTER Filter);

#endif
