/*
 * advapi32: SIDs. Building, comparing and copying them (the Rtl*Sid work done here), their string form
 * (S-1-5-21-...-1001, and the two-letter SDDL aliases when parsing), and the user SID of the calling thread.
 *
 * A valid SID has revision 1 and at most 15 sub-authorities (SID_MAX_SUB_AUTHORITIES). The identifier authority
 * prints in decimal when it fits in 32 bits and as 0x%012X otherwise, as Windows prints it.
 */
#include "advapi.h"

static BOOL valid_sid(const SID *sid)
{
    return sid && sid->Revision == SID_REVISION && sid->SubAuthorityCount <= SID_MAX_SUB_AUTHORITIES;
}

static DWORD sid_length(UCHAR count)
{
    return (DWORD)(FIELD_OFFSET(SID, SubAuthority) + count * sizeof(DWORD));
}

BOOL WINAPI IsValidSid(PSID pSid)
{
    return valid_sid(pSid);
}

DWORD WINAPI GetSidLengthRequired(UCHAR nSubAuthorityCount)
{
    return sid_length(nSubAuthorityCount);
}

DWORD WINAPI GetLengthSid(PSID pSid)
{
    return sid_length(((SID *)pSid)->SubAuthorityCount);
}

BOOL WINAPI InitializeSid(PSID Sid, PSID_IDENTIFIER_AUTHORITY pIdentifierAuthority, BYTE nSubAuthorityCount)
{
    SID *sid = Sid;

    if (nSubAuthorityCount > SID_MAX_SUB_AUTHORITIES)
        return fail_error(ERROR_INVALID_PARAMETER);
    sid->Revision = SID_REVISION;
    sid->SubAuthorityCount = nSubAuthorityCount;
    sid->IdentifierAuthority = *pIdentifierAuthority;
    return TRUE;
}

BOOL WINAPI AllocateAndInitializeSid(PSID_IDENTIFIER_AUTHORITY pIdentifierAuthority, BYTE nSubAuthorityCount,
                                     DWORD nSubAuthority0, DWORD nSubAuthority1, DWORD nSubAuthority2,
                                     DWORD nSubAuthority3, DWORD nSubAuthority4, DWORD nSubAuthority5,
                                     DWORD nSubAuthority6, DWORD nSubAuthority7, PSID *pSid)
{
    DWORD values[8] = { nSubAuthority0, nSubAuthority1, nSubAuthority2, nSubAuthority3, nSubAuthority4,
                        nSubAuthority5, nSubAuthority6, nSubAuthority7 };
    SID *sid;

    if (nSubAuthorityCount > 8)
        return fail_error(ERROR_INVALID_SID);               /* STATUS_INVALID_SID */
    sid = adv_alloc(sid_length(nSubAuthorityCount));
    if (!sid)
        return fail_error(ERROR_NOT_ENOUGH_MEMORY);
    InitializeSid(sid, pIdentifierAuthority, nSubAuthorityCount);
    for (BYTE i = 0; i < nSubAuthorityCount; i++)
        sid->SubAuthority[i] = values[i];
    *pSid = sid;
    return TRUE;
}

PVOID WINAPI FreeSid(PSID pSid)
{
    adv_free(pSid);
    return NULL;
}

BOOL WINAPI EqualSid(PSID pSid1, PSID pSid2)
{
    SetLastError(ERROR_SUCCESS);
    if (!valid_sid(pSid1) || !valid_sid(pSid2))
        return FALSE;
    return GetLengthSid(pSid1) == GetLengthSid(pSid2) && same_bytes(pSid1, pSid2, GetLengthSid(pSid1));
}

BOOL WINAPI EqualPrefixSid(PSID pSid1, PSID pSid2)
{
    SID *a = pSid1, *b = pSid2;

    SetLastError(ERROR_SUCCESS);
    if (!valid_sid(a) || !valid_sid(b) || a->SubAuthorityCount != b->SubAuthorityCount)
        return FALSE;
    return a->SubAuthorityCount == 0 || same_bytes(a, b, sid_length(a->SubAuthorityCount - 1));
}

BOOL WINAPI CopySid(DWORD nDestinationSidLength, PSID pDestinationSid, PSID pSourceSid)
{
    DWORD length;

    if (!valid_sid(pSourceSid))
        return fail_error(ERROR_INVALID_SID);
    length = GetLengthSid(pSourceSid);
    if (nDestinationSidLength < length)
        return fail_error(ERROR_INSUFFICIENT_BUFFER);
    copy_bytes(pDestinationSid, pSourceSid, length);
    return TRUE;
}

PDWORD WINAPI GetSidSubAuthority(PSID pSid, DWORD nSubAuthority)
{
    SetLastError(ERROR_SUCCESS);
    return &((SID *)pSid)->SubAuthority[nSubAuthority];
}

PUCHAR WINAPI GetSidSubAuthorityCount(PSID pSid)
{
    SetLastError(ERROR_SUCCESS);
    return &((SID *)pSid)->SubAuthorityCount;
}

PSID_IDENTIFIER_AUTHORITY WINAPI GetSidIdentifierAuthority(PSID pSid)
{
    SetLastError(ERROR_SUCCESS);
    return &((SID *)pSid)->IdentifierAuthority;
}

/* ---- the string form -------------------------------------------------------------------------------------- */

static SIZE_T put_decimal(WCHAR *out, ULONGLONG value)
{
    WCHAR digits[24];
    SIZE_T n = 0, i = 0;

    do {
        digits[n++] = (WCHAR)(L'0' + value % 10);
        value /= 10;
    } while (value);
    while (n)
        out[i++] = digits[--n];
    return i;
}

SIZE_T format_sid(PSID pSid, WCHAR *text)
{
    SID *sid = pSid;
    const BYTE *a = sid->IdentifierAuthority.Value;
    ULONGLONG authority = 0;
    SIZE_T n = 0;

    for (int i = 0; i < 6; i++)
        authority = authority << 8 | a[i];
    text[n++] = L'S';
    text[n++] = L'-';
    n += put_decimal(text + n, sid->Revision);
    text[n++] = L'-';
    if (authority >> 32) {
        text[n++] = L'0';
        text[n++] = L'x';
        for (int shift = 44; shift >= 0; shift -= 4)
            text[n++] = L"0123456789ABCDEF"[(authority >> shift) & 0xF];
    } else {
        n += put_decimal(text + n, authority);
    }
    for (UCHAR i = 0; i < sid->SubAuthorityCount; i++) {
        text[n++] = L'-';
        n += put_decimal(text + n, sid->SubAuthority[i]);
    }
    text[n] = 0;
    return n;
}

BOOL WINAPI ConvertSidToStringSidW(PSID Sid, LPWSTR *StringSid)
{
    WCHAR text[SID_STRING_MAX];
    SIZE_T length;
    WCHAR *copy;

    if (!StringSid)
        return fail_error(ERROR_INVALID_PARAMETER);
    if (!valid_sid(Sid))
        return fail_error(ERROR_INVALID_SID);
    length = format_sid(Sid, text);
    copy = LocalAlloc(LMEM_FIXED, (length + 1) * sizeof(WCHAR));
    if (!copy)
        return fail_error(ERROR_NOT_ENOUGH_MEMORY);
    copy_bytes(copy, text, (length + 1) * sizeof(WCHAR));
    *StringSid = copy;
    return TRUE;
}

BOOL WINAPI ConvertSidToStringSidA(PSID Sid, LPSTR *StringSid)
{
    WCHAR text[SID_STRING_MAX];
    SIZE_T length;
    char *copy;

    if (!StringSid)
        return fail_error(ERROR_INVALID_PARAMETER);
    if (!valid_sid(Sid))
        return fail_error(ERROR_INVALID_SID);
    length = format_sid(Sid, text);
    copy = LocalAlloc(LMEM_FIXED, length + 1);
    if (!copy)
        return fail_error(ERROR_NOT_ENOUGH_MEMORY);
    for (SIZE_T i = 0; i <= length; i++)
        copy[i] = (char)text[i];                            /* the form is ASCII */
    *StringSid = copy;
    return TRUE;
}

/* ---- parsing ---------------------------------------------------------------------------------------------- */

/* The SDDL aliases of well-known SIDs: two letters, the authority, the sub-authorities. */
static const struct {
    WCHAR alias[3];
    BYTE authority;
    BYTE count;
    DWORD sub[2];
} aliases[] = {
    { L"WD", 1, 1, { 0 } },             { L"CO", 3, 1, { 0 } },             { L"CG", 3, 1, { 1 } },
    { L"OW", 3, 1, { 4 } },             { L"NU", 5, 1, { 2 } },             { L"IU", 5, 1, { 4 } },
    { L"SU", 5, 1, { 6 } },             { L"AN", 5, 1, { 7 } },             { L"ED", 5, 1, { 9 } },
    { L"PS", 5, 1, { 10 } },            { L"AU", 5, 1, { 11 } },            { L"RC", 5, 1, { 12 } },
    { L"SY", 5, 1, { 18 } },            { L"LS", 5, 1, { 19 } },            { L"NS", 5, 1, { 20 } },
    { L"BA", 5, 2, { 32, 544 } },       { L"BU", 5, 2, { 32, 545 } },       { L"BG", 5, 2, { 32, 546 } },
    { L"PU", 5, 2, { 32, 547 } },       { L"AO", 5, 2, { 32, 548 } },       { L"SO", 5, 2, { 32, 549 } },
    { L"PO", 5, 2, { 32, 550 } },       { L"BO", 5, 2, { 32, 551 } },       { L"RE", 5, 2, { 32, 552 } },
    { L"RU", 5, 2, { 32, 554 } },       { L"RD", 5, 2, { 32, 555 } },       { L"NO", 5, 2, { 32, 556 } },
    { L"AC", 15, 2, { 2, 1 } },         { L"LW", 16, 1, { 0x1000 } },       { L"ME", 16, 1, { 0x2000 } },
    { L"HI", 16, 1, { 0x3000 } },       { L"SI", 16, 1, { 0x4000 } },
};

static BOOL parse_number(const WCHAR **text, ULONGLONG limit, ULONGLONG *value)
{
    const WCHAR *p = *text;
    ULONGLONG v = 0;
    int base = 10;

    if (p[0] == L'0' && (p[1] == L'x' || p[1] == L'X')) {
        base = 16;
        p += 2;
    }
    const WCHAR *start = p;
    for (;; p++) {
        unsigned digit;
        if (*p >= L'0' && *p <= L'9')
            digit = *p - L'0';
        else if (base == 16 && *p >= L'a' && *p <= L'f')
            digit = *p - L'a' + 10;
        else if (base == 16 && *p >= L'A' && *p <= L'F')
            digit = *p - L'A' + 10;
        else
            break;
        v = v * base + digit;
        if (v > limit)
            return FALSE;
    }
    if (p == start)
        return FALSE;
    *value = v;
    *text = p;
    return TRUE;
}

BOOL parse_sid(const WCHAR **text, SID *sid)
{
    const WCHAR *p = *text;
    ULONGLONG value;

    for (SIZE_T i = 0; i < sizeof aliases / sizeof aliases[0]; i++) {
        if (p[0] == aliases[i].alias[0] && p[1] == aliases[i].alias[1]) {
            SID_IDENTIFIER_AUTHORITY authority = { { 0, 0, 0, 0, 0, aliases[i].authority } };
            InitializeSid(sid, &authority, aliases[i].count);
            for (BYTE k = 0; k < aliases[i].count; k++)
                sid->SubAuthority[k] = aliases[i].sub[k];
            *text = p + 2;
            return TRUE;
        }
    }
    if ((p[0] != L'S' && p[0] != L's') || p[1] != L'-')
        return FALSE;
    p += 2;
    if (!parse_number(&p, 0xFF, &value) || value != SID_REVISION || *p++ != L'-')
        return FALSE;
    if (!parse_number(&p, 0xFFFFFFFFFFFFull, &value))
        return FALSE;
    sid->Revision = SID_REVISION;
    sid->SubAuthorityCount = 0;
    for (int i = 5; i >= 0; i--, value >>= 8)
        sid->IdentifierAuthority.Value[i] = (BYTE)value;
    while (*p == L'-') {
        p++;
        if (sid->SubAuthorityCount == SID_MAX_SUB_AUTHORITIES || !parse_number(&p, 0xFFFFFFFFu, &value))
            return FALSE;
        sid->SubAuthority[sid->SubAuthorityCount++] = (DWORD)value;
    }
    *text = p;
    return TRUE;
}

BOOL WINAPI ConvertStringSidToSidW(LPCWSTR StringSid, PSID *Sid)
{
    BYTE buffer[SECURITY_MAX_SID_SIZE];
    SID *sid = (SID *)buffer;
    const WCHAR *p = StringSid;
    DWORD length;

    if (!StringSid || !Sid)
        return fail_error(ERROR_INVALID_PARAMETER);
    if (!parse_sid(&p, sid) || *p)
        return fail_error(ERROR_INVALID_SID);
    length = GetLengthSid(sid);
    *Sid = LocalAlloc(LMEM_FIXED, length);
    if (!*Sid)
        return fail_error(ERROR_NOT_ENOUGH_MEMORY);
    copy_bytes(*Sid, sid, length);
    return TRUE;
}

BOOL WINAPI ConvertStringSidToSidA(LPCSTR StringSid, PSID *Sid)
{
    BOOL ok, result;
    WCHAR *wide = wide_from_ansi(StringSid, &ok);

    if (!ok)
        return fail_error(ERROR_NOT_ENOUGH_MEMORY);
    result = ConvertStringSidToSidW(wide, Sid);
    adv_free(wide);
    return result;
}

/* ---- the calling thread's user ------------------------------------------------------------------------------ */

NTSTATUS current_user_sid(PSID *sid)
{
    union {
        TOKEN_USER user;
        BYTE bytes[sizeof(TOKEN_USER) + SECURITY_MAX_SID_SIZE];
    } info;
    ULONG length;
    NTSTATUS status = NtQueryInformationToken(NtCurrentThreadEffectiveToken(), TokenUser, &info, sizeof info,
                                              &length);
    DWORD size;

    if (!NT_SUCCESS(status))
        return status;
    size = GetLengthSid(info.user.User.Sid);
    *sid = adv_alloc(size);
    if (!*sid)
        return STATUS_NO_MEMORY;
    copy_bytes(*sid, info.user.User.Sid, size);
    return STATUS_SUCCESS;
}

NTSTATUS current_user_path(UNICODE_STRING *path)
{
    static const WCHAR prefix[] = L"\\Registry\\User\\";
    const SIZE_T prefix_length = sizeof prefix / sizeof(WCHAR) - 1;
    PSID sid;
    NTSTATUS status = current_user_sid(&sid);
    WCHAR *text;
    SIZE_T length;

    if (!NT_SUCCESS(status))
        return status;
    text = adv_alloc((prefix_length + SID_STRING_MAX) * sizeof(WCHAR));
    if (!text) {
        adv_free(sid);
        return STATUS_NO_MEMORY;
    }
    copy_bytes(text, prefix, prefix_length * sizeof(WCHAR));
    length = prefix_length + format_sid(sid, text + prefix_length);
    adv_free(sid);
    path->Buffer = text;
    path->Length = (USHORT)(length * sizeof(WCHAR));
    path->MaximumLength = (USHORT)((length + 1) * sizeof(WCHAR));
    return STATUS_SUCCESS;
}
