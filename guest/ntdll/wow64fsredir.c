/*
 * The per-thread switch of the WoW64 file system redirector: RtlWow64EnableFsRedirection and
 * RtlWow64EnableFsRedirectionEx.
 *
 * wow64.dll keeps the switch in TEB64 TLS slot 8 (WOW64_TLS_FILESYSREDIR, TEB64+0x14C0): nonzero = redirection
 * disabled for the thread. The 32-bit ntdll finds TEB64 as Windows' does, from TEB32.WowTebOffset (+0xFDC,
 * -0x2000), and writes the slot; wow64's thunks read it for a name a redirection rule would rewrite.
 * RtlWow64EnableFsRedirectionEx(Disable, &Old) gives the slot's previous value (0 while redirection is on) and
 * stores Disable; a bad Old is STATUS_ACCESS_VIOLATION and changes nothing. RtlWow64EnableFsRedirection(Enable)
 * stores !Enable. A 64-bit process has no redirector: both are STATUS_NOT_IMPLEMENTED there, as in Windows'
 * 64-bit ntdll.
 */
#include "ldr.h"

#ifndef _WIN64
#define TEB32_WOW_TEB_OFFSET  0xFDC
#define TEB64_FILESYSREDIR    (0x1480 + 8 * 8)

static volatile ULONGLONG *redirection_slot(void)
{
    char *teb = (char *)nt_current_teb();
    return (volatile ULONGLONG *)(teb + *(LONG *)(teb + TEB32_WOW_TEB_OFFSET) + TEB64_FILESYSREDIR);
}
#endif

NTSTATUS NTAPI RtlWow64EnableFsRedirectionEx(ULONG Disable, PULONG OldValue)
{
#ifdef _WIN64
    (void)Disable;
    (void)OldValue;
    return STATUS_NOT_IMPLEMENTED;
#else
    volatile ULONGLONG *slot = redirection_slot();
    ULONG previous = (ULONG)*slot;

    /* Windows writes *OldValue under an exception handler; a write through the memory manager tells the same. */
    if (!NT_SUCCESS(NtWriteVirtualMemory(NtCurrentProcess(), OldValue, &previous, sizeof(previous), NULL)))
        return STATUS_ACCESS_VIOLATION;
    *slot = Disable;
    return STATUS_SUCCESS;
#endif
}

NTSTATUS NTAPI RtlWow64EnableFsRedirection(BOOLEAN Wow64FsEnableRedirection)
{
#ifdef _WIN64
    (void)Wow64FsEnableRedirection;
    return STATUS_NOT_IMPLEMENTED;
#else
    *redirection_slot() = !Wow64FsEnableRedirection;
    return STATUS_SUCCESS;
#endif
}
