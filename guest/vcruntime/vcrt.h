/*
 * vcruntime140.dll of the wow64emu guest: the C-level part of the Visual C++ runtime that MSVC builds since 2015
 * import besides the UCRT. Its string and memory functions are forwarders to ucrtbase.dll (one implementation:
 * guest/crt); what is its own is here: the x86 SEH handler of MSVC code (_except_handler4_common), the C++
 * exception's raise (_CxxThrowException) and the per-thread current exception, std::exception's data copies,
 * type_info's name. It imports ucrtbase.dll, kernel32.dll and ntdll.dll.
 *
 * C++ exception handling proper (__CxxFrameHandler3/4: catch blocks, destructors during unwinding) is not
 * modelled: the handlers let a C++ exception pass (the program ends with the unhandled 0xE06D7363, as a program
 * without a matching catch does) and say so with a "wow64emu: WARNING:" line.
 */
#ifndef WOW64EMU_VCRT_H
#define WOW64EMU_VCRT_H

#define WIN32_LEAN_AND_MEAN
#define _CRTIMP
#include <windows.h>
#include <stddef.h>

#define VCRT_EXPORT __cdecl

/* From ucrtbase.dll (guest/crt). */
void *__cdecl malloc(size_t size);
void __cdecl free(void *block);
__attribute__((noreturn)) void __cdecl abort(void);
__attribute__((noreturn)) void __cdecl terminate(void);

#endif
