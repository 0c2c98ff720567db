/*
 * wow64win.dll: the win32k half of the WoW64 thunk layer (system calls 0x1000 and up: USER and GDI).
 * wow64emu does not serve win32k calls yet: this image only exists so that the process layout matches
 * Windows (wow64.dll, wow64win.dll, wow64cpu.dll and the 64-bit ntdll mapped in every WoW64 process). Its one
 * export is what a win32k call gets today.
 */
        .intel_syntax noprefix
        .text

/* NTSTATUS Wow64WinServiceNotFound(void): STATUS_INVALID_SYSTEM_SERVICE for every win32k call. */
        .p2align 4
        .globl  Wow64WinServiceNotFound
Wow64WinServiceNotFound:
        mov     eax, 0xC000001C             /* STATUS_INVALID_SYSTEM_SERVICE */
        ret
