/*
 * The guest's warning line: "wow64emu: WARNING: <function>: <what is missing>", written with OutputDebugStringA.
 * The emulator, which sees the debug string's DBG_PRINTEXCEPTION_C as a debugger does, shows a debug string with
 * that prefix as its own warning, once per message (wow64emu/nt/exceptions.py); without the emulator it is a plain
 * debug string. For the guest DLLs whose services the emulator lacks (kernel32's unserved.c, user32).
 */
#ifndef WOW64EMU_GUESTWARN_H
#define WOW64EMU_GUESTWARN_H

#include <windows.h>

static inline void guest_warn(const char *function, const char *missing)
{
    static const char prefix[] = "wow64emu: WARNING: ";
    char line[200];
    unsigned n = 0;

    for (const char *s = prefix; *s; s++)
        line[n++] = *s;
    for (const char *s = function; *s && n < sizeof line - 3; s++)
        line[n++] = *s;
    line[n++] = ':';
    line[n++] = ' ';
    for (const char *s = missing; *s && n < sizeof line - 1; s++)
        line[n++] = *s;
    line[n] = 0;
    OutputDebugStringA(line);
}

#endif
