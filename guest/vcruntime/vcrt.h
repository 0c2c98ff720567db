/*
 * vcruntime140.dll of the wow64emu guest: the C-level part of the Visual C++ runtime that MSVC builds since 2015
 * import besides the UCRT. Its string and memory functions are forwarders to ucrtbase.dll (one implementation:
 * guest/crt); what is its own is here: the x86 SEH handler of MSVC code (_except_handler4_common), C++ exception
 * handling (_CxxThrowException, the frame handlers __CxxFrameHandler3/4: cxx_*.c), RTTI, std::exception's data
 * copies, type_info's name. It imports ucrtbase.dll, kernel32.dll and ntdll.dll.
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
void *__cdecl memcpy(void *to, const void *from, size_t size);
__attribute__((noreturn)) void __cdecl abort(void);
__attribute__((noreturn)) void __cdecl terminate(void);

/* Where a base class (or a catchable type) lies in an object: member displacement, and for a virtual base the
 * vbtable pointer's place and the index in it (pdisp < 0: not virtual). */
typedef struct {
    int mdisp, pdisp, vdisp;
} pmd_t;

char *vcrt_adjust(char *object, const pmd_t *where);
int vcrt_same_type(const void *first, const void *second);       /* type descriptors (rtti.c) */

/* A field of MSVC's EH and RTTI tables: a pointer on x86, an offset from the image base on x86_64 (0: none). */
static inline void *vcrt_at(char *image, DWORD value)
{
#ifdef __x86_64__
    return value ? image + value : NULL;
#else
    (void)image;
    return (void *)(ULONG_PTR)value;
#endif
}

#ifdef __i386__
/* Calls a piece of an x86 function (a filter, a __finally or catch block, a destructor funclet) with ebp set to
 * the function's frame; what it returns in eax (ehandler4.c). */
LONG vcrt_call_in_frame(void *piece, char *ebp);
#endif

#endif
