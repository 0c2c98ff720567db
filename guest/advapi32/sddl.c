/*
 * advapi32: security descriptors from their string form, ConvertStringSecurityDescriptorToSecurityDescriptor
 * (SDDL revision 1): "O:owner G:group D:flags(ace)(ace)... S:flags(ace)...", an ACE being
 * "(type;flags;rights;;;sid)". Served: the owner and group; DACL and SACL with their flags (P, AI, AR) or
 * NO_ACCESS_CONTROL (a NULL DACL); the ACE types A, D, AU, AL and ML with their flags (CI, OI, NP, IO, ID, SA, FA);
 * rights in hex or as two-letter codes (GA, GR, GW, GX, FA, FR, FW, FX, KA, KR, KW, KX, RC, SD, WD, WO, and the
 * directory service and label ones); SIDs as S-1-... or as aliases (sid.c). A malformed ACL (object ACEs, OA,
 * OD...: a GUID, among them) is ERROR_INVALID_ACL, an owner or group that is no SID ERROR_INVALID_SID, anything else
 * malformed ERROR_INVALID_PARAMETER.
 *
 * The result is one self-relative SECURITY_DESCRIPTOR from LocalAlloc (LocalFree it): the header, then the SACL,
 * the DACL, the owner and the group, as RtlMakeSelfRelativeSD lays them out.
 */
#include "advapi.h"

#define ACE_LIMIT (sizeof(ACE_HEADER) + sizeof(DWORD) + SECURITY_MAX_SID_SIZE)

typedef struct {
    const WCHAR *code;
    DWORD value;
} code_t;

static const code_t ace_types[] = {
    { L"A", ACCESS_ALLOWED_ACE_TYPE }, { L"D", ACCESS_DENIED_ACE_TYPE }, { L"AU", SYSTEM_AUDIT_ACE_TYPE },
    { L"AL", SYSTEM_ALARM_ACE_TYPE }, { L"ML", SYSTEM_MANDATORY_LABEL_ACE_TYPE },
};

static const code_t ace_flags[] = {
    { L"CI", CONTAINER_INHERIT_ACE }, { L"OI", OBJECT_INHERIT_ACE }, { L"NP", NO_PROPAGATE_INHERIT_ACE },
    { L"IO", INHERIT_ONLY_ACE }, { L"ID", INHERITED_ACE }, { L"SA", SUCCESSFUL_ACCESS_ACE_FLAG },
    { L"FA", FAILED_ACCESS_ACE_FLAG },
};

static const code_t rights[] = {
    { L"GA", GENERIC_ALL }, { L"GR", GENERIC_READ }, { L"GW", GENERIC_WRITE }, { L"GX", GENERIC_EXECUTE },
    { L"RC", READ_CONTROL }, { L"SD", DELETE }, { L"WD", WRITE_DAC }, { L"WO", WRITE_OWNER },
    { L"RP", 0x10 }, { L"WP", 0x20 }, { L"CC", 0x1 }, { L"DC", 0x2 }, { L"LC", 0x4 }, { L"SW", 0x8 },
    { L"LO", 0x80 }, { L"DT", 0x40 }, { L"CR", 0x100 },
    { L"FA", FILE_ALL_ACCESS }, { L"FR", FILE_GENERIC_READ }, { L"FW", FILE_GENERIC_WRITE },
    { L"FX", FILE_GENERIC_EXECUTE }, { L"KA", KEY_ALL_ACCESS }, { L"KR", KEY_READ }, { L"KW", KEY_WRITE },
    { L"KX", KEY_EXECUTE }, { L"NR", SYSTEM_MANDATORY_LABEL_NO_READ_UP },
    { L"NW", SYSTEM_MANDATORY_LABEL_NO_WRITE_UP }, { L"NX", SYSTEM_MANDATORY_LABEL_NO_EXECUTE_UP },
};

#define COUNT(table) (sizeof table / sizeof table[0])

/* The longest code of `table` at *p (AU before A), its value added to *value. */
static BOOL take_code(const WCHAR **p, const code_t *table, SIZE_T count, DWORD *value)
{
    SIZE_T best = 0, best_length = 0;

    for (SIZE_T i = 0; i < count; i++) {
        SIZE_T n = wide_length(table[i].code);
        SIZE_T k = 0;
        while (k < n && (*p)[k] == table[i].code[k])
            k++;
        if (k == n && n > best_length) {
            best = i;
            best_length = n;
        }
    }
    if (!best_length)
        return FALSE;
    *value |= table[best].value;
    *p += best_length;
    return TRUE;
}

static BOOL take_hex(const WCHAR **p, DWORD *value)
{
    const WCHAR *q = *p + 2;
    DWORD v = 0;

    if ((*p)[0] != L'0' || ((*p)[1] != L'x' && (*p)[1] != L'X'))
        return FALSE;
    for (; (*q >= L'0' && *q <= L'9') || (*q >= L'a' && *q <= L'f') || (*q >= L'A' && *q <= L'F'); q++)
        v = v << 4 | (DWORD)(*q <= L'9' ? *q - L'0' : (*q | 0x20) - L'a' + 10);
    *value = v;
    *p = q;
    return TRUE;
}

/* Codes up to `end` (';' or ')'): each field of an ACE. */
static BOOL take_codes(const WCHAR **p, const code_t *table, SIZE_T count, DWORD *value)
{
    *value = 0;
    while (**p != L';') {
        if (!take_code(p, table, count, value))
            return FALSE;
    }
    return TRUE;
}

/* One "(type;flags;rights;;;sid)" into `ace` (room for ACE_LIMIT bytes); its size, 0 if malformed. */
static WORD parse_ace(const WCHAR **p, BYTE *ace)
{
    ACE_HEADER *header = (ACE_HEADER *)ace;
    DWORD type = 0, flags, mask = 0;
    const WCHAR *q = *p;
    SID *sid = (SID *)(ace + sizeof(ACE_HEADER) + sizeof(DWORD));

    if (*q++ != L'(' || !take_code(&q, ace_types, COUNT(ace_types), &type) || *q++ != L';')
        return 0;
    if (!take_codes(&q, ace_flags, COUNT(ace_flags), &flags) || *q++ != L';')
        return 0;
    if (!take_hex(&q, &mask) && !take_codes(&q, rights, COUNT(rights), &mask))
        return 0;
    if (*q++ != L';' || *q++ != L';' || *q++ != L';' || !parse_sid(&q, sid) || *q++ != L')')
        return 0;
    header->AceType = (BYTE)type;
    header->AceFlags = (BYTE)flags;
    header->AceSize = (WORD)(sizeof(ACE_HEADER) + sizeof(DWORD) + GetLengthSid(sid));
    copy_bytes(ace + sizeof(ACE_HEADER), &mask, sizeof mask);
    *p = q;
    return header->AceSize;
}

/* "flags(ace)(ace)..." into an ACL at `acl` (room enough: the caller counted the parentheses); the control bits
 * of its flags in *control. *null_acl for NO_ACCESS_CONTROL. */
static BOOL parse_acl(const WCHAR **p, ACL *acl, BOOL sacl, WORD *control, BOOL *null_acl)
{
    static const WCHAR no_access[] = L"NO_ACCESS_CONTROL";
    BYTE *end = (BYTE *)(acl + 1);
    const WCHAR *q = *p;

    *null_acl = FALSE;
    for (;;) {
        if (q[0] == L'P') {
            *control |= sacl ? SE_SACL_PROTECTED : SE_DACL_PROTECTED;
            q++;
        } else if (q[0] == L'A' && q[1] == L'I') {
            *control |= sacl ? SE_SACL_AUTO_INHERITED : SE_DACL_AUTO_INHERITED;
            q += 2;
        } else if (q[0] == L'A' && q[1] == L'R') {
            *control |= sacl ? SE_SACL_AUTO_INHERIT_REQ : SE_DACL_AUTO_INHERIT_REQ;
            q += 2;
        } else {
            break;
        }
    }
    if (same_bytes(q, no_access, sizeof no_access - sizeof(WCHAR))) {
        *null_acl = TRUE;
        *p = q + COUNT(no_access) - 1;
        return TRUE;
    }
    acl->AclRevision = ACL_REVISION;
    acl->Sbz1 = 0;
    acl->AceCount = 0;
    acl->Sbz2 = 0;
    while (*q == L'(') {
        WORD size = parse_ace(&q, end);
        if (!size)
            return FALSE;
        end += size;
        acl->AceCount++;
    }
    acl->AclSize = (WORD)(end - (BYTE *)acl);
    *p = q;
    return TRUE;
}

typedef struct {
    BYTE owner[SECURITY_MAX_SID_SIZE];
    BYTE group[SECURITY_MAX_SID_SIZE];
    ACL *dacl;
    ACL *sacl;
    WORD control;
    BOOL has_owner, has_group;
} parts_t;

/* The parts of the string into `parts`: ERROR_SUCCESS, or ERROR_INVALID_SID for an owner or group that is no SID,
 * ERROR_INVALID_ACL for a malformed ACL, ERROR_INVALID_PARAMETER for anything else. */
static DWORD parse_descriptor(const WCHAR *text, parts_t *parts)
{
    const WCHAR *p = text;
    BOOL null_acl;

    while (*p) {
        WCHAR part = p[0];
        if (p[1] != L':')
            return ERROR_INVALID_PARAMETER;
        p += 2;
        if (part == L'O' && !parts->has_owner) {
            if (!parse_sid(&p, (SID *)parts->owner))
                return ERROR_INVALID_SID;
            parts->has_owner = TRUE;
        } else if (part == L'G' && !parts->has_group) {
            if (!parse_sid(&p, (SID *)parts->group))
                return ERROR_INVALID_SID;
            parts->has_group = TRUE;
        } else if (part == L'D' && !(parts->control & SE_DACL_PRESENT)) {
            if (!parse_acl(&p, parts->dacl, FALSE, &parts->control, &null_acl))
                return ERROR_INVALID_ACL;
            parts->control |= SE_DACL_PRESENT;
            if (null_acl)
                parts->dacl = NULL;
        } else if (part == L'S' && !(parts->control & SE_SACL_PRESENT)) {
            if (!parse_acl(&p, parts->sacl, TRUE, &parts->control, &null_acl))
                return ERROR_INVALID_ACL;
            parts->control |= SE_SACL_PRESENT;
            if (null_acl)
                parts->sacl = NULL;
        } else {
            return ERROR_INVALID_PARAMETER;
        }
    }
    return ERROR_SUCCESS;
}

/* Appends `size` bytes to the descriptor at *offset; the offset it went to (0 when there is nothing). */
static DWORD append(BYTE *descriptor, DWORD *offset, const void *part, DWORD size)
{
    DWORD at = *offset;

    if (!part)
        return 0;
    copy_bytes(descriptor + at, part, size);
    *offset += size;
    return at;
}

static BOOL make_self_relative(const parts_t *parts, PSECURITY_DESCRIPTOR *result, PULONG size_out)
{
    DWORD sacl = parts->sacl ? parts->sacl->AclSize : 0, dacl = parts->dacl ? parts->dacl->AclSize : 0;
    DWORD owner = parts->has_owner ? GetLengthSid((PSID)parts->owner) : 0;
    DWORD group = parts->has_group ? GetLengthSid((PSID)parts->group) : 0;
    DWORD total = sizeof(SECURITY_DESCRIPTOR_RELATIVE) + sacl + dacl + owner + group, offset;
    BYTE *descriptor = LocalAlloc(LMEM_FIXED | LMEM_ZEROINIT, total);
    SECURITY_DESCRIPTOR_RELATIVE *header = (SECURITY_DESCRIPTOR_RELATIVE *)descriptor;

    if (!descriptor)
        return fail_error(ERROR_NOT_ENOUGH_MEMORY);
    header->Revision = SECURITY_DESCRIPTOR_REVISION;
    header->Control = parts->control | SE_SELF_RELATIVE;
    offset = sizeof *header;
    header->Sacl = append(descriptor, &offset, parts->sacl, sacl);
    header->Dacl = append(descriptor, &offset, parts->dacl, dacl);
    header->Owner = append(descriptor, &offset, parts->has_owner ? parts->owner : NULL, owner);
    header->Group = append(descriptor, &offset, parts->has_group ? parts->group : NULL, group);
    *result = descriptor;
    if (size_out)
        *size_out = total;
    return TRUE;
}

BOOL WINAPI ConvertStringSecurityDescriptorToSecurityDescriptorW(LPCWSTR StringSecurityDescriptor,
                                                                 DWORD StringSDRevision,
                                                                 PSECURITY_DESCRIPTOR *SecurityDescriptor,
                                                                 PULONG SecurityDescriptorSize)
{
    parts_t parts;
    SIZE_T aces = 0, room;
    BOOL result;

    if (!StringSecurityDescriptor || !SecurityDescriptor)
        return fail_error(ERROR_INVALID_PARAMETER);
    if (StringSDRevision != SDDL_REVISION_1)
        return fail_error(ERROR_UNKNOWN_REVISION);
    for (const WCHAR *p = StringSecurityDescriptor; *p; p++)
        aces += *p == L'(';
    room = sizeof(ACL) + aces * ACE_LIMIT;
    zero_bytes(&parts, sizeof parts);
    parts.dacl = adv_alloc(room);
    parts.sacl = adv_alloc(room);
    ACL *dacl = parts.dacl, *sacl = parts.sacl;
    DWORD error = dacl && sacl ? parse_descriptor(StringSecurityDescriptor, &parts) : ERROR_NOT_ENOUGH_MEMORY;
    if (error)
        result = fail_error(error);
    else {
        if (!(parts.control & SE_DACL_PRESENT))
            parts.dacl = NULL;
        if (!(parts.control & SE_SACL_PRESENT))
            parts.sacl = NULL;
        result = make_self_relative(&parts, SecurityDescriptor, SecurityDescriptorSize);
    }
    adv_free(dacl);
    adv_free(sacl);
    return result;
}

BOOL WINAPI ConvertStringSecurityDescriptorToSecurityDescriptorA(LPCSTR StringSecurityDescriptor,
                                                                 DWORD StringSDRevision,
                                                                 PSECURITY_DESCRIPTOR *SecurityDescriptor,
                                                                 PULONG SecurityDescriptorSize)
{
    BOOL ok, result;
    WCHAR *text = wide_from_ansi(StringSecurityDescriptor, &ok);

    if (!ok)
        return fail_error(ERROR_NOT_ENOUGH_MEMORY);
    result = ConvertStringSecurityDescriptorToSecurityDescriptorW(text, StringSDRevision, SecurityDescriptor,
                                                                  SecurityDescriptorSize);
    adv_free(text);
    return result;
}
