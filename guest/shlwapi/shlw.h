/*
 * shlwapi.dll of the wow64emu guest: the string and path helpers programs import at start-up (a launcher such
 * as distlib's t32.exe imports StrStrIW, PathRemoveFileSpecW and PathCombineW). One source for both widths
 * (SysWOW64\shlwapi.dll and System32\shlwapi.dll); it imports kernel32 only.
 *
 * Each function comes in an ANSI and a wide form, written once: strings_t.h and paths_t.h are included twice,
 * with CH the character type (char, WCHAR) and F(name) the name with its A or W suffix. ANSI strings are single
 * bytes (code page 1252: no double-byte characters), their case folded as Latin-1's letters. mingw-w64's <shlwapi.h>
 * is not included: it declares PathQuoteSpaces and PathUnquoteSpaces void, where Windows 10's SDK has BOOL.
 */
#ifndef WOW64EMU_SHLW_H
#define WOW64EMU_SHLW_H

#include <windows.h>

/* A character with its case folded, as the case-insensitive functions compare them: ASCII and Latin-1
 * letters, upper case to lower case (the linguistic tables of NLS are not modelled). */
static inline unsigned fold_case(unsigned c)
{
    if ((c >= 'A' && c <= 'Z') || (c >= 0xC0 && c <= 0xDE && c != 0xD7))
        return c + 0x20;
    return c;
}

#endif
