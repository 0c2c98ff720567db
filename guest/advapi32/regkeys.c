/*
 * advapi32: registry keys. Opening and creating (RegOpenKeyEx, RegCreateKeyEx and the older RegOpenKey and
 * RegCreateKey), deleting, enumerating subkeys, querying a key, flushing it, waiting for its changes, and the
 * reflection switches.
 *
 * samDesired goes to the kernel as it is, KEY_WOW64_64KEY and KEY_WOW64_32KEY included: choosing the registry view
 * is wow64's work (and the kernel's, for a 64-bit caller), not advapi32's. Names are case-insensitive
 * (OBJ_CASE_INSENSITIVE); REG_OPTION_OPEN_LINK opens a symbolic link itself (OBJ_OPENLINK). RegCreateKeyEx creates
 * the missing keys of a path one by one, as Windows' does (NtCreateKey creates the last component only).
 */
#include "advapi.h"

#define WOW64_VIEW_BITS (KEY_WOW64_64KEY | KEY_WOW64_32KEY)
#define MAXIMUM_ALLOWED_ACCESS 0x02000000

static void init_attributes(OBJECT_ATTRIBUTES *attributes, HANDLE root, UNICODE_STRING *name, DWORD options,
                            PVOID security)
{
    attributes->Length = sizeof *attributes;
    attributes->RootDirectory = root;
    attributes->ObjectName = name;
    attributes->Attributes = OBJ_CASE_INSENSITIVE | (options & REG_OPTION_OPEN_LINK ? OBJ_OPENLINK : 0);
    attributes->SecurityDescriptor = security;
    attributes->SecurityQualityOfService = NULL;
}

NTSTATUS open_below(HANDLE root, const WCHAR *name, DWORD options, REGSAM access, HANDLE *result)
{
    UNICODE_STRING name_string;
    OBJECT_ATTRIBUTES attributes;

    RtlInitUnicodeString(&name_string, name);
    init_attributes(&attributes, root, &name_string, options, NULL);
    return NtOpenKeyEx(result, access, &attributes, 0);
}

NTSTATUS open_key(HKEY key, const WCHAR *name, DWORD options, REGSAM access, HANDLE *result)
{
    HANDLE root;
    NTSTATUS status;

    if (is_classes_key(key))
        return classes_open(key, name, options, access, result);
    status = key_handle(key, &root);
    if (!NT_SUCCESS(status))
        return status;
    return open_below(root, name, options, access, result);
}

LONG WINAPI RegOpenKeyExW(HKEY hKey, LPCWSTR lpSubKey, DWORD ulOptions, REGSAM samDesired, PHKEY phkResult)
{
    if (!phkResult)
        return ERROR_INVALID_PARAMETER;
    return reg_error(open_key(hKey, lpSubKey, ulOptions, samDesired, (HANDLE *)phkResult));
}

LONG WINAPI RegOpenKeyExA(HKEY hKey, LPCSTR lpSubKey, DWORD ulOptions, REGSAM samDesired, PHKEY phkResult)
{
    BOOL ok;
    WCHAR *name = wide_from_ansi(lpSubKey, &ok);
    LONG result = ok ? RegOpenKeyExW(hKey, name, ulOptions, samDesired, phkResult) : ERROR_NOT_ENOUGH_MEMORY;

    adv_free(name);
    return result;
}

/* RegOpenKey and RegCreateKey give the key itself back for an empty name. */
LONG WINAPI RegOpenKeyW(HKEY hKey, LPCWSTR lpSubKey, PHKEY phkResult)
{
    if (!phkResult)
        return ERROR_INVALID_PARAMETER;
    if (!lpSubKey || !*lpSubKey) {
        *phkResult = hKey;
        return ERROR_SUCCESS;
    }
    return RegOpenKeyExW(hKey, lpSubKey, 0, MAXIMUM_ALLOWED_ACCESS, phkResult);
}

LONG WINAPI RegOpenKeyA(HKEY hKey, LPCSTR lpSubKey, PHKEY phkResult)
{
    BOOL ok;
    WCHAR *name = wide_from_ansi(lpSubKey, &ok);
    LONG result = ok ? RegOpenKeyW(hKey, name, phkResult) : ERROR_NOT_ENOUGH_MEMORY;

    adv_free(name);
    return result;
}

/* ---- creating ------------------------------------------------------------------------------------------------ */

static NTSTATUS create_one(HANDLE root, const WCHAR *name, SIZE_T length, PUNICODE_STRING class_name,
                           DWORD options, REGSAM access, PVOID security, HANDLE *result, ULONG *disposition)
{
    UNICODE_STRING name_string = { (USHORT)(length * sizeof(WCHAR)), (USHORT)(length * sizeof(WCHAR)),
                                   (PWSTR)name };
    OBJECT_ATTRIBUTES attributes;

    if (length > 0x7FFE)
        return STATUS_OBJECT_NAME_INVALID;
    init_attributes(&attributes, root, &name_string, options, security);
    return NtCreateKey(result, access, &attributes, 0, class_name,
                       options & ~(DWORD)REG_OPTION_OPEN_LINK, disposition);
}

/* The path's components one by one below `root`: each missing one is created (with the options but for
 * REG_OPTION_CREATE_LINK, which is the last one's only), the last with the caller's class and access. */
static NTSTATUS create_path(HANDLE root, const WCHAR *path, PUNICODE_STRING class_name, DWORD options,
                            REGSAM access, PVOID security, HANDLE *result, ULONG *disposition)
{
    HANDLE parent = root, child;
    NTSTATUS status = STATUS_SUCCESS;
    const WCHAR *start = path;

    for (;;) {
        const WCHAR *end = start;
        BOOL last;

        while (*end && *end != L'\\')
            end++;
        last = !*end || !end[1];
        if (last) {
            status = create_one(parent, start, (SIZE_T)(end - start), class_name, options, access, security,
                                result, disposition);
        } else if (end > start) {
            status = create_one(parent, start, (SIZE_T)(end - start), NULL, options & ~(DWORD)REG_OPTION_CREATE_LINK,
                                KEY_CREATE_SUB_KEY | (access & WOW64_VIEW_BITS), NULL, &child, NULL);
        } else {
            start = end + 1;                    /* an empty component: "a\\b" */
            continue;
        }
        if (parent != root)
            NtClose(parent);
        if (last || !NT_SUCCESS(status))
            return status;
        parent = child;
        start = end + 1;
    }
}

LONG WINAPI RegCreateKeyExW(HKEY hKey, LPCWSTR lpSubKey, DWORD Reserved, LPWSTR lpClass, DWORD dwOptions,
                            REGSAM samDesired, const LPSECURITY_ATTRIBUTES lpSecurityAttributes, PHKEY phkResult,
                            LPDWORD lpdwDisposition)
{
    HANDLE root;
    UNICODE_STRING class_name;
    ULONG disposition;
    PVOID security = lpSecurityAttributes ? lpSecurityAttributes->lpSecurityDescriptor : NULL;
    const WCHAR *path = lpSubKey ? lpSubKey : L"";
    BOOL owned = FALSE;
    NTSTATUS status;

    (void)Reserved;
    if (!phkResult)
        return ERROR_INVALID_PARAMETER;
    /* Below a key of HKEY_CLASSES_ROOT's view, a key either side has is opened as the view opens it; a new one is
     * made on the side regclasses.c chooses. */
    if (is_classes_key(hKey) && *path) {
        status = classes_open(hKey, path, dwOptions, samDesired, (HANDLE *)phkResult);
        if (status != STATUS_OBJECT_NAME_NOT_FOUND && status != STATUS_OBJECT_PATH_NOT_FOUND) {
            if (NT_SUCCESS(status) && lpdwDisposition)
                *lpdwDisposition = REG_OPENED_EXISTING_KEY;
            return reg_error(status);
        }
        status = classes_create_root(hKey, path, &root, &owned);
    } else {
        status = key_handle(hKey, &root);
    }
    if (!NT_SUCCESS(status))
        return reg_error(status);
    RtlInitUnicodeString(&class_name, lpClass);
    status = create_one(root, path, wide_length(path), lpClass ? &class_name : NULL, dwOptions, samDesired,
                        security, (HANDLE *)phkResult, &disposition);
    if (status == STATUS_OBJECT_NAME_NOT_FOUND)
        status = create_path(root, path, lpClass ? &class_name : NULL, dwOptions, samDesired, security,
                             (HANDLE *)phkResult, &disposition);
    if (owned)
        NtClose(root);
    if (NT_SUCCESS(status) && is_classes_key(hKey))
        *phkResult = (HKEY)classes_tagged((HANDLE)*phkResult);
    if (NT_SUCCESS(status) && lpdwDisposition)
        *lpdwDisposition = disposition;
    return reg_error(status);
}

LONG WINAPI RegCreateKeyExA(HKEY hKey, LPCSTR lpSubKey, DWORD Reserved, LPSTR lpClass, DWORD dwOptions,
                            REGSAM samDesired, const LPSECURITY_ATTRIBUTES lpSecurityAttributes, PHKEY phkResult,
                            LPDWORD lpdwDisposition)
{
    BOOL ok1, ok2;
    WCHAR *name = wide_from_ansi(lpSubKey, &ok1), *class_name = wide_from_ansi(lpClass, &ok2);
    LONG result = ERROR_NOT_ENOUGH_MEMORY;

    if (ok1 && ok2)
        result = RegCreateKeyExW(hKey, name, Reserved, class_name, dwOptions, samDesired, lpSecurityAttributes,
                                 phkResult, lpdwDisposition);
    adv_free(name);
    adv_free(class_name);
    return result;
}

LONG WINAPI RegCreateKeyW(HKEY hKey, LPCWSTR lpSubKey, PHKEY phkResult)
{
    if (!phkResult)
        return ERROR_INVALID_PARAMETER;
    if (!lpSubKey || !*lpSubKey) {
        *phkResult = hKey;
        return ERROR_SUCCESS;
    }
    return RegCreateKeyExW(hKey, lpSubKey, 0, NULL, REG_OPTION_NON_VOLATILE, MAXIMUM_ALLOWED_ACCESS, NULL,
                           phkResult, NULL);
}

LONG WINAPI RegCreateKeyA(HKEY hKey, LPCSTR lpSubKey, PHKEY phkResult)
{
    BOOL ok;
    WCHAR *name = wide_from_ansi(lpSubKey, &ok);
    LONG result = ok ? RegCreateKeyW(hKey, name, phkResult) : ERROR_NOT_ENOUGH_MEMORY;

    adv_free(name);
    return result;
}

/* ---- deleting ------------------------------------------------------------------------------------------------ */

LONG WINAPI RegDeleteKeyExW(HKEY hKey, LPCWSTR lpSubKey, REGSAM samDesired, DWORD Reserved)
{
    HANDLE key;
    NTSTATUS status;

    (void)Reserved;
    if (!lpSubKey)
        return ERROR_INVALID_PARAMETER;
    status = open_key(hKey, lpSubKey, 0, DELETE | (samDesired & WOW64_VIEW_BITS), &key);
    if (!NT_SUCCESS(status))
        return reg_error(status);
    status = NtDeleteKey(key);
    NtClose(key);
    return reg_error(status);
}

LONG WINAPI RegDeleteKeyExA(HKEY hKey, LPCSTR lpSubKey, REGSAM samDesired, DWORD Reserved)
{
    BOOL ok;
    WCHAR *name = wide_from_ansi(lpSubKey, &ok);
    LONG result = ok ? RegDeleteKeyExW(hKey, name, samDesired, Reserved) : ERROR_NOT_ENOUGH_MEMORY;

    adv_free(name);
    return result;
}

LONG WINAPI RegDeleteKeyW(HKEY hKey, LPCWSTR lpSubKey)
{
    return RegDeleteKeyExW(hKey, lpSubKey, 0, 0);
}

LONG WINAPI RegDeleteKeyA(HKEY hKey, LPCSTR lpSubKey)
{
    return RegDeleteKeyExA(hKey, lpSubKey, 0, 0);
}

/* ---- enumerating and querying -------------------------------------------------------------------------------- */

NTSTATUS ask_enumerate_key(HANDLE key, ULONG_PTR index, ULONG info_class, void *buffer, ULONG length,
                           ULONG *needed)
{
    return NtEnumerateKey(key, (ULONG)index, info_class, buffer, length, needed);
}

NTSTATUS ask_query_key(HANDLE key, ULONG_PTR what, ULONG info_class, void *buffer, ULONG length, ULONG *needed)
{
    (void)what;
    return NtQueryKey(key, info_class, buffer, length, needed);
}

/* The subkey at `index`: its node information (name, class, last write time) in a heap block. */
static NTSTATUS enumerate_key(HKEY hKey, DWORD index, KEY_NODE_INFORMATION **info)
{
    if (is_classes_key(hKey))
        return classes_enumerate(hKey, index, KeyNodeInformation, (void **)info);
    return key_answer(hKey, ask_enumerate_key, index, KeyNodeInformation, (void **)info);
}

LONG WINAPI RegEnumKeyExW(HKEY hKey, DWORD dwIndex, LPWSTR lpName, LPDWORD lpcchName, LPDWORD lpReserved,
                          LPWSTR lpClass, LPDWORD lpcchClass, PFILETIME lpftLastWriteTime)
{
    KEY_NODE_INFORMATION *info;
    NTSTATUS status;
    LONG result = ERROR_SUCCESS;

    if (lpReserved || !lpName || !lpcchName || (lpClass && !lpcchClass))
        return ERROR_INVALID_PARAMETER;
    status = enumerate_key(hKey, dwIndex, &info);
    if (!NT_SUCCESS(status))
        return reg_error(status);
    if ((lpClass && info->ClassLength / sizeof(WCHAR) >= *lpcchClass)
        || !put_wide(info->Name, info->NameLength / sizeof(WCHAR), lpName, lpcchName)) {
        result = ERROR_MORE_DATA;
    } else {
        if (lpClass)
            put_wide((WCHAR *)((BYTE *)info + info->ClassOffset), info->ClassLength / sizeof(WCHAR), lpClass,
                     lpcchClass);
        if (lpftLastWriteTime)
            copy_bytes(lpftLastWriteTime, &info->LastWriteTime, sizeof *lpftLastWriteTime);
    }
    adv_free(info);
    return result;
}

LONG WINAPI RegEnumKeyExA(HKEY hKey, DWORD dwIndex, LPSTR lpName, LPDWORD lpcchName, LPDWORD lpReserved,
                          LPSTR lpClass, LPDWORD lpcchClass, PFILETIME lpftLastWriteTime)
{
    KEY_NODE_INFORMATION *info;
    NTSTATUS status;
    LONG result = ERROR_SUCCESS;
    const WCHAR *class_text;
    SIZE_T class_length;

    if (lpReserved || !lpName || !lpcchName || (lpClass && !lpcchClass))
        return ERROR_INVALID_PARAMETER;
    status = enumerate_key(hKey, dwIndex, &info);
    if (!NT_SUCCESS(status))
        return reg_error(status);
    class_text = (WCHAR *)((BYTE *)info + info->ClassOffset);
    class_length = info->ClassLength / sizeof(WCHAR);
    if (ansi_size(info->Name, info->NameLength / sizeof(WCHAR)) >= *lpcchName
        || (lpClass && ansi_size(class_text, class_length) >= *lpcchClass)) {
        result = ERROR_MORE_DATA;
    } else {
        put_ansi(info->Name, info->NameLength / sizeof(WCHAR), lpName, lpcchName);
        if (lpClass)
            put_ansi(class_text, class_length, lpClass, lpcchClass);
        if (lpftLastWriteTime)
            copy_bytes(lpftLastWriteTime, &info->LastWriteTime, sizeof *lpftLastWriteTime);
    }
    adv_free(info);
    return result;
}

LONG WINAPI RegEnumKeyW(HKEY hKey, DWORD dwIndex, LPWSTR lpName, DWORD cchName)
{
    return RegEnumKeyExW(hKey, dwIndex, lpName, &cchName, NULL, NULL, NULL, NULL);
}

LONG WINAPI RegEnumKeyA(HKEY hKey, DWORD dwIndex, LPSTR lpName, DWORD cchName)
{
    return RegEnumKeyExA(hKey, dwIndex, lpName, &cchName, NULL, NULL, NULL, NULL);
}


/* RegQueryInfoKey's counts. The class goes to the caller's buffer (ERROR_MORE_DATA, with the counts filled, when it
 * does not fit); the security descriptor's size is given as 0 (the kernel keeps no descriptors on keys). */
static LONG query_info(HKEY hKey, const WCHAR **class_text, SIZE_T *class_length, KEY_FULL_INFORMATION **info,
                       LPDWORD lpcSubKeys, LPDWORD lpcbMaxSubKeyLen, LPDWORD lpcbMaxClassLen, LPDWORD lpcValues,
                       LPDWORD lpcbMaxValueNameLen, LPDWORD lpcbMaxValueLen, LPDWORD lpcbSecurityDescriptor,
                       PFILETIME lpftLastWriteTime)
{
    KEY_FULL_INFORMATION *full;
    NTSTATUS status = key_answer(hKey, ask_query_key, 0, KeyFullInformation, (void **)&full);

    if (NT_SUCCESS(status) && is_classes_key(hKey)) {
        status = classes_count(hKey, &full->SubKeys, &full->MaxNameLen);
        if (!NT_SUCCESS(status))
            adv_free(full);
    }
    if (!NT_SUCCESS(status))
        return reg_error(status);
    if (lpcSubKeys)
        *lpcSubKeys = full->SubKeys;
    if (lpcbMaxSubKeyLen)
        *lpcbMaxSubKeyLen = full->MaxNameLen / sizeof(WCHAR);
    if (lpcbMaxClassLen)
        *lpcbMaxClassLen = full->MaxClassLen / sizeof(WCHAR);
    if (lpcValues)
        *lpcValues = full->Values;
    if (lpcbMaxValueNameLen)
        *lpcbMaxValueNameLen = full->MaxValueNameLen / sizeof(WCHAR);
    if (lpcbMaxValueLen)
        *lpcbMaxValueLen = full->MaxValueDataLen;
    if (lpcbSecurityDescriptor)
        *lpcbSecurityDescriptor = 0;
    if (lpftLastWriteTime)
        copy_bytes(lpftLastWriteTime, &full->LastWriteTime, sizeof *lpftLastWriteTime);
    *class_text = (WCHAR *)((BYTE *)full + full->ClassOffset);
    *class_length = full->ClassLength / sizeof(WCHAR);
    *info = full;
    return ERROR_SUCCESS;
}

LONG WINAPI RegQueryInfoKeyW(HKEY hKey, LPWSTR lpClass, LPDWORD lpcchClass, LPDWORD lpReserved, LPDWORD lpcSubKeys,
                             LPDWORD lpcbMaxSubKeyLen, LPDWORD lpcbMaxClassLen, LPDWORD lpcValues,
                             LPDWORD lpcbMaxValueNameLen, LPDWORD lpcbMaxValueLen, LPDWORD lpcbSecurityDescriptor,
                             PFILETIME lpftLastWriteTime)
{
    const WCHAR *class_text;
    SIZE_T class_length;
    KEY_FULL_INFORMATION *info;
    LONG result;

    if (lpReserved || (lpClass && !lpcchClass))
        return ERROR_INVALID_PARAMETER;
    result = query_info(hKey, &class_text, &class_length, &info, lpcSubKeys, lpcbMaxSubKeyLen, lpcbMaxClassLen,
                        lpcValues, lpcbMaxValueNameLen, lpcbMaxValueLen, lpcbSecurityDescriptor, lpftLastWriteTime);
    if (result)
        return result;
    if (lpClass && !put_wide(class_text, class_length, lpClass, lpcchClass)) {
        *lpcchClass = (DWORD)class_length;
        result = ERROR_MORE_DATA;
    } else if (!lpClass && lpcchClass) {
        *lpcchClass = (DWORD)class_length;
    }
    adv_free(info);
    return result;
}

LONG WINAPI RegQueryInfoKeyA(HKEY hKey, LPSTR lpClass, LPDWORD lpcchClass, LPDWORD lpReserved, LPDWORD lpcSubKeys,
                             LPDWORD lpcbMaxSubKeyLen, LPDWORD lpcbMaxClassLen, LPDWORD lpcValues,
                             LPDWORD lpcbMaxValueNameLen, LPDWORD lpcbMaxValueLen, LPDWORD lpcbSecurityDescriptor,
                             PFILETIME lpftLastWriteTime)
{
    const WCHAR *class_text;
    SIZE_T class_length;
    KEY_FULL_INFORMATION *info;
    LONG result;

    if (lpReserved || (lpClass && !lpcchClass))
        return ERROR_INVALID_PARAMETER;
    result = query_info(hKey, &class_text, &class_length, &info, lpcSubKeys, lpcbMaxSubKeyLen, lpcbMaxClassLen,
                        lpcValues, lpcbMaxValueNameLen, lpcbMaxValueLen, lpcbSecurityDescriptor, lpftLastWriteTime);
    if (result)
        return result;
    if (lpcchClass) {
        DWORD size = ansi_size(class_text, class_length);
        if (lpClass && !put_ansi(class_text, class_length, lpClass, lpcchClass))
            result = ERROR_MORE_DATA;
        *lpcchClass = size;
    }
    adv_free(info);
    return result;
}

LONG WINAPI RegFlushKey(HKEY hKey)
{
    HANDLE key;
    NTSTATUS status = key_handle(hKey, &key);

    return reg_error(NT_SUCCESS(status) ? NtFlushKey(key) : status);
}

/* An asynchronous wait needs its event; a synchronous one waits in the kernel until the key changes. */
LONG WINAPI RegNotifyChangeKeyValue(HKEY hKey, BOOL bWatchSubtree, DWORD dwNotifyFilter, HANDLE hEvent,
                                    BOOL fAsynchronous)
{
    HANDLE key;
    IO_STATUS_BLOCK iosb;
    NTSTATUS status;

    if (fAsynchronous && !hEvent)
        return ERROR_INVALID_PARAMETER;
    status = key_handle(hKey, &key);
    if (!NT_SUCCESS(status))
        return reg_error(status);
    status = NtNotifyChangeKey(key, hEvent, NULL, NULL, &iosb, dwNotifyFilter, (BOOLEAN)(bWatchSubtree != 0), NULL,
                               0, (BOOLEAN)(fAsynchronous != 0));
    return status == STATUS_PENDING ? ERROR_SUCCESS : reg_error(status);
}

/* ---- reflection ---------------------------------------------------------------------------------------------- */

/*
 * Registry reflection (Windows Vista and Server 2008; Windows 7 removed it) is switched per key. The one place
 * these functions ask the kernel is the key's WoW64 flags: NtSetInformationKey(KeyWow64FlagsInformation) sets
 * them, NtQueryKey(KeyFlagsInformation).Wow64Flags reads them back, and REFLECTION_DISABLED is the bit of a key
 * whose reflection is off. The kernel keeps the flag; only with `--registry-reflection` does anything read it, so
 * without the option the three functions change nothing that can be seen but their own answer, as on Windows 7.
 */
#define REFLECTION_DISABLED 0x1

static LONG set_reflection(HKEY hBase, BOOL disabled)
{
    HANDLE key;
    KEY_WOW64_FLAGS_INFORMATION flags = { disabled ? REFLECTION_DISABLED : 0 };
    NTSTATUS status = key_handle(hBase, &key);

    if (NT_SUCCESS(status))
        status = NtSetInformationKey(key, KeyWow64FlagsInformation, &flags, sizeof flags);
    return reg_error(status);
}

LONG WINAPI RegDisableReflectionKey(HKEY hBase)
{
    return set_reflection(hBase, TRUE);
}

LONG WINAPI RegEnableReflectionKey(HKEY hBase)
{
    return set_reflection(hBase, FALSE);
}

LONG WINAPI RegQueryReflectionKey(HKEY hBase, BOOL *bIsReflectionDisabled)
{
    HANDLE key;
    KEY_FLAGS_INFORMATION flags;
    ULONG length;
    NTSTATUS status = key_handle(hBase, &key);

    if (!bIsReflectionDisabled)
        return ERROR_INVALID_PARAMETER;
    if (NT_SUCCESS(status))
        status = NtQueryKey(key, KeyFlagsInformation, &flags, sizeof flags, &length);
    if (NT_SUCCESS(status))
        *bIsReflectionDisabled = (flags.Wow64Flags & REFLECTION_DISABLED) != 0;
    return reg_error(status);
}
