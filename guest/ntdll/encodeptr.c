/*
 * Pointer encoding: RtlEncodePointer and RtlDecodePointer (kernel32's EncodePointer and DecodePointer forward to
 * them, as Windows' do), which C runtimes use to keep function pointers (atexit tables, handlers) from being
 * overwritten usefully.
 *
 * As Windows does: the process's cookie (NtQueryInformationProcess(ProcessCookie), a random number the kernel gives
 * each process once) is asked for at the first use and kept; a pointer is XORed with it and rotated right by the
 * cookie's low 5 bits (x86) or 6 bits (x64); decoding rotates left and XORs again. Encoding NULL does not give NULL.
 */
#define _NTSYSTEM_                                  /* winnt.h declares ntdll's functions without dllimport */
#include "ldr.h"

#define BITS (8 * sizeof(ULONG_PTR))

static ULONG_PTR process_cookie(void)
{
    static ULONG cookie;

    if (!cookie) {                                  /* the kernel's cookie is never 0 */
        ULONG value;
        NTSTATUS status = NtQueryInformationProcess(NtCurrentProcess(), ProcessCookie, &value, sizeof value, NULL);
        if (!NT_SUCCESS(status))
            RtlRaiseStatus(status);
        cookie = value;
    }
    return cookie;
}

static ULONG_PTR rotate_right(ULONG_PTR value, unsigned count)
{
    count %= BITS;
    return count ? value >> count | value << (BITS - count) : value;
}

PVOID NTAPI RtlEncodePointer(PVOID Ptr)
{
    ULONG_PTR cookie = process_cookie();
    return (PVOID)rotate_right((ULONG_PTR)Ptr ^ cookie, cookie & (BITS - 1));
}

PVOID NTAPI RtlDecodePointer(PVOID Ptr)
{
    ULONG_PTR cookie = process_cookie();
    return (PVOID)(rotate_right((ULONG_PTR)Ptr, BITS - (cookie & (BITS - 1))) ^ cookie);
}
