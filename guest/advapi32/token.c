/*
 * advapi32: tokens (OpenProcessToken, OpenThreadToken, GetTokenInformation, AdjustTokenPrivileges on the NT token
 * calls), privileges by name (LookupPrivilegeValue and LookupPrivilegeName: Windows' fixed LUIDs), and the user's
 * account (GetUserName, LookupAccountSid).
 *
 * The emulated user is the token's user (wow64emu/kernel/token.py: S-1-5-21-...-1001, the first local account of
 * the machine), named USER_NAME; its domain is the computer's name (the registry's ComputerName). Windows asks the
 * LSA for these names; the emulator has no LSA, so the accounts it can name are this user and the well-known SIDs
 * of `accounts` below; any other SID is ERROR_NONE_MAPPED, as for a SID the LSA does not know.
 */
#include "advapi.h"

#define USER_NAME L"User"

BOOL WINAPI OpenProcessToken(HANDLE ProcessHandle, DWORD DesiredAccess, PHANDLE TokenHandle)
{
    NTSTATUS status = NtOpenProcessToken(ProcessHandle, DesiredAccess, TokenHandle);

    return NT_SUCCESS(status) ? TRUE : fail_status(status);
}

BOOL WINAPI OpenThreadToken(HANDLE ThreadHandle, DWORD DesiredAccess, BOOL OpenAsSelf, PHANDLE TokenHandle)
{
    NTSTATUS status = NtOpenThreadToken(ThreadHandle, DesiredAccess, (BOOLEAN)(OpenAsSelf != 0), TokenHandle);

    return NT_SUCCESS(status) ? TRUE : fail_status(status);
}

BOOL WINAPI GetTokenInformation(HANDLE TokenHandle, TOKEN_INFORMATION_CLASS TokenInformationClass,
                                LPVOID TokenInformation, DWORD TokenInformationLength, PDWORD ReturnLength)
{
    NTSTATUS status = NtQueryInformationToken(TokenHandle, TokenInformationClass, TokenInformation,
                                              TokenInformationLength, ReturnLength);

    return NT_SUCCESS(status) ? TRUE : fail_status(status);
}

/* ---- privileges ---------------------------------------------------------------------------------------------- */

/* Windows' privilege names, by LUID (the low part; the high part is 0): the first is SE_MIN_WELL_KNOWN_PRIVILEGE. */
static const WCHAR *const privileges[] = {
    L"SeCreateTokenPrivilege", L"SeAssignPrimaryTokenPrivilege", L"SeLockMemoryPrivilege",
    L"SeIncreaseQuotaPrivilege", L"SeMachineAccountPrivilege", L"SeTcbPrivilege", L"SeSecurityPrivilege",
    L"SeTakeOwnershipPrivilege", L"SeLoadDriverPrivilege", L"SeSystemProfilePrivilege", L"SeSystemtimePrivilege",
    L"SeProfileSingleProcessPrivilege", L"SeIncreaseBasePriorityPrivilege", L"SeCreatePagefilePrivilege",
    L"SeCreatePermanentPrivilege", L"SeBackupPrivilege", L"SeRestorePrivilege", L"SeShutdownPrivilege",
    L"SeDebugPrivilege", L"SeAuditPrivilege", L"SeSystemEnvironmentPrivilege", L"SeChangeNotifyPrivilege",
    L"SeRemoteShutdownPrivilege", L"SeUndockPrivilege", L"SeSyncAgentPrivilege", L"SeEnableDelegationPrivilege",
    L"SeManageVolumePrivilege", L"SeImpersonatePrivilege", L"SeCreateGlobalPrivilege",
    L"SeTrustedCredManAccessPrivilege", L"SeRelabelPrivilege", L"SeIncreaseWorkingSetPrivilege",
    L"SeTimeZonePrivilege", L"SeCreateSymbolicLinkPrivilege", L"SeDelegateSessionUserImpersonatePrivilege",
};
#define FIRST_PRIVILEGE 2
#define PRIVILEGE_COUNT (sizeof privileges / sizeof privileges[0])

static WCHAR fold(WCHAR c)
{
    return c >= L'a' && c <= L'z' ? (WCHAR)(c - 0x20) : c;
}

static BOOL same_name(const WCHAR *a, const WCHAR *b)
{
    while (*a && fold(*a) == fold(*b))
        a++, b++;
    return fold(*a) == fold(*b);
}

/* Only the local system is served: a name other than NULL or "" is a remote machine (RPC_S_SERVER_UNAVAILABLE,
 * as when the machine cannot be reached). */
static BOOL local_system(const WCHAR *system)
{
    return !system || !*system;
}

BOOL WINAPI LookupPrivilegeValueW(LPCWSTR lpSystemName, LPCWSTR lpName, PLUID lpLuid)
{
    if (!local_system(lpSystemName))
        return fail_error(RPC_S_SERVER_UNAVAILABLE);
    for (SIZE_T i = 0; i < PRIVILEGE_COUNT; i++) {
        if (same_name(privileges[i], lpName)) {
            lpLuid->LowPart = (DWORD)(i + FIRST_PRIVILEGE);
            lpLuid->HighPart = 0;
            return TRUE;
        }
    }
    return fail_error(ERROR_NO_SUCH_PRIVILEGE);
}

BOOL WINAPI LookupPrivilegeValueA(LPCSTR lpSystemName, LPCSTR lpName, PLUID lpLuid)
{
    BOOL ok1, ok2, result = FALSE;
    WCHAR *system = wide_from_ansi(lpSystemName, &ok1), *name = wide_from_ansi(lpName, &ok2);

    if (ok1 && ok2)
        result = LookupPrivilegeValueW(system, name, lpLuid);
    else
        fail_error(ERROR_NOT_ENOUGH_MEMORY);
    adv_free(system);
    adv_free(name);
    return result;
}

/* Copies `text` into a caller's buffer of *size characters: ERROR_INSUFFICIENT_BUFFER with the size needed
 * (terminator included) when it does not fit, else *size = its length without the terminator. */
static BOOL give_name(const WCHAR *text, LPWSTR buffer, LPDWORD size)
{
    DWORD length = (DWORD)wide_length(text);

    if (!buffer || *size <= length) {
        *size = length + 1;
        return fail_error(ERROR_INSUFFICIENT_BUFFER);
    }
    copy_bytes(buffer, text, (length + 1) * sizeof(WCHAR));
    *size = length;
    return TRUE;
}

BOOL WINAPI LookupPrivilegeNameW(LPCWSTR lpSystemName, PLUID lpLuid, LPWSTR lpName, LPDWORD cchName)
{
    if (!local_system(lpSystemName))
        return fail_error(RPC_S_SERVER_UNAVAILABLE);
    if (lpLuid->HighPart || lpLuid->LowPart < FIRST_PRIVILEGE || lpLuid->LowPart >= FIRST_PRIVILEGE + PRIVILEGE_COUNT)
        return fail_error(ERROR_NO_SUCH_PRIVILEGE);
    return give_name(privileges[lpLuid->LowPart - FIRST_PRIVILEGE], lpName, cchName);
}

/* ---- the user and the accounts ------------------------------------------------------------------------------- */

/* A wide string to the ANSI buffer of *size bytes, by the rules of give_name. */
static BOOL give_ansi_name(const WCHAR *text, LPSTR buffer, LPDWORD size)
{
    int needed = WideCharToMultiByte(CP_ACP, 0, text, -1, NULL, 0, NULL, NULL);

    if (!buffer || *size < (DWORD)needed) {
        *size = (DWORD)needed;
        return fail_error(ERROR_INSUFFICIENT_BUFFER);
    }
    WideCharToMultiByte(CP_ACP, 0, text, -1, buffer, needed, NULL, NULL);
    *size = (DWORD)needed - 1;
    return TRUE;
}

/* GetUserName counts the terminator in the size it gives back on success. */
BOOL WINAPI GetUserNameW(LPWSTR lpBuffer, LPDWORD pcbBuffer)
{
    if (!pcbBuffer)
        return fail_error(ERROR_INVALID_PARAMETER);
    if (!give_name(USER_NAME, lpBuffer, pcbBuffer))
        return FALSE;
    (*pcbBuffer)++;
    return TRUE;
}

BOOL WINAPI GetUserNameA(LPSTR lpBuffer, LPDWORD pcbBuffer)
{
    if (!pcbBuffer)
        return fail_error(ERROR_INVALID_PARAMETER);
    if (!give_ansi_name(USER_NAME, lpBuffer, pcbBuffer))
        return FALSE;
    (*pcbBuffer)++;
    return TRUE;
}

/* The well-known accounts LookupAccountSid names: the SID's string form, the name, the domain, the use. */
static const struct {
    const WCHAR *sid;
    const WCHAR *name;
    const WCHAR *domain;
    SID_NAME_USE use;
} accounts[] = {
    { L"S-1-1-0", L"Everyone", L"", SidTypeWellKnownGroup },
    { L"S-1-2-0", L"LOCAL", L"", SidTypeWellKnownGroup },
    { L"S-1-3-0", L"CREATOR OWNER", L"", SidTypeWellKnownGroup },
    { L"S-1-3-1", L"CREATOR GROUP", L"", SidTypeWellKnownGroup },
    { L"S-1-5-2", L"NETWORK", L"NT AUTHORITY", SidTypeWellKnownGroup },
    { L"S-1-5-4", L"INTERACTIVE", L"NT AUTHORITY", SidTypeWellKnownGroup },
    { L"S-1-5-6", L"SERVICE", L"NT AUTHORITY", SidTypeWellKnownGroup },
    { L"S-1-5-7", L"ANONYMOUS LOGON", L"NT AUTHORITY", SidTypeWellKnownGroup },
    { L"S-1-5-11", L"Authenticated Users", L"NT AUTHORITY", SidTypeWellKnownGroup },
    { L"S-1-5-15", L"This Organization", L"NT AUTHORITY", SidTypeWellKnownGroup },
    { L"S-1-5-18", L"SYSTEM", L"NT AUTHORITY", SidTypeWellKnownGroup },
    { L"S-1-5-19", L"LOCAL SERVICE", L"NT AUTHORITY", SidTypeWellKnownGroup },
    { L"S-1-5-20", L"NETWORK SERVICE", L"NT AUTHORITY", SidTypeWellKnownGroup },
    { L"S-1-5-32-544", L"Administrators", L"BUILTIN", SidTypeAlias },
    { L"S-1-5-32-545", L"Users", L"BUILTIN", SidTypeAlias },
    { L"S-1-5-32-546", L"Guests", L"BUILTIN", SidTypeAlias },
    { L"S-1-16-4096", L"Low Mandatory Level", L"Mandatory Label", SidTypeLabel },
    { L"S-1-16-8192", L"Medium Mandatory Level", L"Mandatory Label", SidTypeLabel },
    { L"S-1-16-12288", L"High Mandatory Level", L"Mandatory Label", SidTypeLabel },
    { L"S-1-16-16384", L"System Mandatory Level", L"Mandatory Label", SidTypeLabel },
};

#define COMPUTER_NAME_MAX 64

/* The computer's name, from the registry (HKLM\System\CurrentControlSet\Control\ComputerName\ComputerName). */
static NTSTATUS computer_name(WCHAR name[COMPUTER_NAME_MAX])
{
    HANDLE key;
    KEY_VALUE_PARTIAL_INFORMATION *info;
    NTSTATUS status = open_key(HKEY_LOCAL_MACHINE, L"System\\CurrentControlSet\\Control\\ComputerName\\ComputerName",
                               0, KEY_QUERY_VALUE, &key);
    SIZE_T length;

    if (!NT_SUCCESS(status))
        return status;
    status = query_value_full(key, L"ComputerName", &info);
    NtClose(key);
    if (!NT_SUCCESS(status))
        return status;
    length = info->DataLength / sizeof(WCHAR);
    if (info->Type != REG_SZ || length >= COMPUTER_NAME_MAX) {
        adv_free(info);
        return STATUS_NONE_MAPPED;
    }
    copy_bytes(name, info->Data, length * sizeof(WCHAR));
    name[length] = 0;
    if (length && !name[length - 1])
        length--;
    adv_free(info);
    return STATUS_SUCCESS;
}

/* The name, domain and use of a SID; STATUS_NONE_MAPPED for one this emulator cannot name. */
static NTSTATUS account_of(PSID sid, const WCHAR **name, WCHAR domain[COMPUTER_NAME_MAX], SID_NAME_USE *use)
{
    WCHAR text[SID_STRING_MAX];
    PSID user;
    NTSTATUS status;
    BOOL mine;

    format_sid(sid, text);
    for (SIZE_T i = 0; i < sizeof accounts / sizeof accounts[0]; i++) {
        if (same_name(accounts[i].sid, text)) {
            *name = accounts[i].name;
            copy_bytes(domain, accounts[i].domain, (wide_length(accounts[i].domain) + 1) * sizeof(WCHAR));
            *use = accounts[i].use;
            return STATUS_SUCCESS;
        }
    }
    status = current_user_sid(&user);
    if (!NT_SUCCESS(status))
        return status;
    mine = EqualSid(user, sid);
    adv_free(user);
    if (!mine)
        return STATUS_NONE_MAPPED;
    *name = USER_NAME;
    *use = SidTypeUser;
    return computer_name(domain);
}

BOOL WINAPI LookupAccountSidW(LPCWSTR lpSystemName, PSID Sid, LPWSTR Name, LPDWORD cchName,
                              LPWSTR ReferencedDomainName, LPDWORD cchReferencedDomainName, PSID_NAME_USE peUse)
{
    const WCHAR *name;
    WCHAR domain[COMPUTER_NAME_MAX];
    SID_NAME_USE use;
    NTSTATUS status;
    DWORD name_length, domain_length;

    if (!local_system(lpSystemName))
        return fail_error(RPC_S_SERVER_UNAVAILABLE);
    if (!IsValidSid(Sid) || !cchName || !cchReferencedDomainName)
        return fail_error(ERROR_INVALID_PARAMETER);
    status = account_of(Sid, &name, domain, &use);
    if (!NT_SUCCESS(status))
        return fail_error(ERROR_NONE_MAPPED);
    name_length = (DWORD)wide_length(name);
    domain_length = (DWORD)wide_length(domain);
    if (!Name || *cchName <= name_length || !ReferencedDomainName || *cchReferencedDomainName <= domain_length) {
        *cchName = name_length + 1;
        *cchReferencedDomainName = domain_length + 1;
        return fail_error(ERROR_INSUFFICIENT_BUFFER);
    }
    give_name(name, Name, cchName);
    give_name(domain, ReferencedDomainName, cchReferencedDomainName);
    if (peUse)
        *peUse = use;
    return TRUE;
}

BOOL WINAPI LookupAccountSidA(LPCSTR lpSystemName, PSID Sid, LPSTR Name, LPDWORD cchName,
                              LPSTR ReferencedDomainName, LPDWORD cchReferencedDomainName, PSID_NAME_USE peUse)
{
    const WCHAR *name;
    WCHAR domain[COMPUTER_NAME_MAX];
    SID_NAME_USE use;
    NTSTATUS status;
    DWORD name_size, domain_size;

    if (lpSystemName && *lpSystemName)
        return fail_error(RPC_S_SERVER_UNAVAILABLE);
    if (!IsValidSid(Sid) || !cchName || !cchReferencedDomainName)
        return fail_error(ERROR_INVALID_PARAMETER);
    status = account_of(Sid, &name, domain, &use);
    if (!NT_SUCCESS(status))
        return fail_error(ERROR_NONE_MAPPED);
    name_size = (DWORD)WideCharToMultiByte(CP_ACP, 0, name, -1, NULL, 0, NULL, NULL);
    domain_size = (DWORD)WideCharToMultiByte(CP_ACP, 0, domain, -1, NULL, 0, NULL, NULL);
    if (!Name || *cchName < name_size || !ReferencedDomainName || *cchReferencedDomainName < domain_size) {
        *cchName = name_size;
        *cchReferencedDomainName = domain_size;
        return fail_error(ERROR_INSUFFICIENT_BUFFER);
    }
    give_ansi_name(name, Name, cchName);
    give_ansi_name(domain, ReferencedDomainName, cchReferencedDomainName);
    if (peUse)
        *peUse = use;
    return TRUE;
}

/* ERROR_NOT_ALL_ASSIGNED (a success) when the token lacks one of the privileges, ERROR_SUCCESS when it held all. */
BOOL WINAPI AdjustTokenPrivileges(HANDLE TokenHandle, BOOL DisableAllPrivileges, PTOKEN_PRIVILEGES NewState,
                                  DWORD BufferLength, PTOKEN_PRIVILEGES PreviousState, PDWORD ReturnLength)
{
    NTSTATUS status = NtAdjustPrivilegesToken(TokenHandle, (BOOLEAN)(DisableAllPrivileges != 0), NewState,
                                              BufferLength, PreviousState, ReturnLength);

    SetLastError(RtlNtStatusToDosError(status));
    return NT_SUCCESS(status);
}
