/*
 * ntdll's counted strings: RtlInitUnicodeString and RtlInitAnsiString, which programs import to build the
 * UNICODE_STRING and ANSI_STRING of the NT calls they make themselves.
 *
 * As Windows 10: Length is the string's length in bytes without its terminator, MaximumLength that plus the
 * terminator; a NULL source gives 0, 0 and NULL. A string longer than a counted string can say is cut to the
 * longest length that leaves room for the terminator (0xFFFC bytes of UTF-16, 0xFFFE of ANSI).
 */
#define _NTSYSTEM_                                  /* winnt.h declares ntdll's functions without dllimport */
#include "ldr.h"

void NTAPI RtlInitUnicodeString(PUNICODE_STRING DestinationString, PCWSTR SourceString)
{
    SIZE_T n = 0;

    if (SourceString)
        while (SourceString[n] && n < 0x7FFE)
            n++;
    DestinationString->Length = (USHORT)(n * sizeof(WCHAR));
    DestinationString->MaximumLength = SourceString ? (USHORT)((n + 1) * sizeof(WCHAR)) : 0;
    DestinationString->Buffer = (PWSTR)SourceString;
}

void NTAPI RtlInitAnsiString(PANSI_STRING DestinationString, const char *SourceString)
{
    SIZE_T n = 0;

    if (SourceString)
        while (SourceString[n] && n < 0xFFFE)
            n++;
    DestinationString->Length = (USHORT)n;
    DestinationString->MaximumLength = SourceString ? (USHORT)(n + 1) : 0;
    DestinationString->Buffer = (PCHAR)SourceString;
}
