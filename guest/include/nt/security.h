/*
 * nt/security.h: the privileges of tokens (wow64emu/nt/security.py): NtAdjustPrivilegesToken. TOKEN_PRIVILEGES
 * and the privilege attributes are winnt.h's.
 */
#ifndef WOW64EMU_NT_SECURITY_H
#define WOW64EMU_NT_SECURITY_H

#define STATUS_NOT_ALL_ASSIGNED ((NTSTATUS)0x00000106L)

NT_IMPORT NTSTATUS NTAPI NtAdjustPrivilegesToken(HANDLE TokenHandle, BOOLEAN DisableAllPrivileges,
                                                 PTOKEN_PRIVILEGES NewState, ULONG BufferLength,
                                                 PTOKEN_PRIVILEGES PreviousState, PULONG ReturnLength);

#endif
