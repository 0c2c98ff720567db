/*
 * The guest's lines for the user: "wow64emu: WARNING: <function>: <what is missing>" (guest_warn) and
 * "wow64emu: INFO: <function>: <what happened>" (guest_info), written with OutputDebugStringA. The emulator, which
 * sees the debug string's DBG_PRINTEXCEPTION_C as a debugger does, shows a debug string with either prefix as its
 * own warning (always) or information (with -v), once per message (wow64emu/nt/exceptions.py); the trace shows it
 * as every debug string; without the emulator it is a plain debug string. For the guest DLLs whose services the
 * emulator lacks (kernel32's unserved.c, user32), and GetProcAddress's failures.
 */
#ifndef WOW64EMU_GUESTWARN_H
#define WOW64EMU_GUESTWARN_H

#include <windows.h>

static inline void guest_line(const char *prefix, const char *function, const char *missing)
{
    char line[400];
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

static inline void guest_warn(const char *function, const char *missing)
{
    guest_line("wow64emu: WARNING: ", function, missing);
}

static inline void guest_info(const char *function, const char *what)
{
    guest_line("wow64emu: INFO: ", function, what);
}

#endif
