/*
 * advapi32: the predefined keys. HKEY_CLASSES_ROOT (0x80000000) ... HKEY_CURRENT_USER_LOCAL_SETTINGS (0x80000007)
 * are constants a program passes where a key handle goes; in 64-bit code they are sign-extended
 * (0xFFFFFFFF80000002 is HKEY_LOCAL_MACHINE), and the zero-extended form is taken too (no real handle has it). Each
 * stands for a key of the NT namespace, opened at first use with MAXIMUM_ALLOWED and kept for the process's life,
 * as Windows keeps them:
 *   HKEY_CLASSES_ROOT         \Registry\Machine\Software\Classes, with the user's classes
 *                             (\Registry\User\<SID>_Classes) merged over it (regclasses.c)
 *   HKEY_CURRENT_USER         \Registry\User\<SID of the thread's user> (\Registry\User\.DEFAULT if that is absent)
 *   HKEY_LOCAL_MACHINE        \Registry\Machine
 *   HKEY_USERS                \Registry\User
 *   HKEY_CURRENT_CONFIG       \Registry\Machine\System\CurrentControlSet\Hardware Profiles\Current
 *   HKEY_CURRENT_USER_LOCAL_SETTINGS  \Registry\User\<SID>_Classes\Local Settings
 * HKEY_PERFORMANCE_DATA has no key: RegQueryValueEx answers it (regvalues.c); HKEY_DYN_DATA (Windows 9x) is
 * ERROR_INVALID_HANDLE, as on Windows NT.
 */
#include "advapi.h"

#define PREDEFINED_FIRST 0x80000000u
#define PREDEFINED_COUNT 8
#define USER_CLASSES PREDEFINED_COUNT       /* the slot of the user's classes, behind HKEY_CLASSES_ROOT */
#define MAXIMUM_ALLOWED_ACCESS 0x02000000

static HANDLE predefined[PREDEFINED_COUNT + 1];

/* The index of a predefined key (0 = HKEY_CLASSES_ROOT), or -1. */
static int predefined_index(HKEY key)
{
    ULONG_PTR value = (ULONG_PTR)key;
    ULONG low = (ULONG)value;

#ifdef _WIN64
    ULONG high = (ULONG)(value >> 32);
    if (high != 0 && high != 0xFFFFFFFFu)
        return -1;
#endif
    if (low < PREDEFINED_FIRST || low >= PREDEFINED_FIRST + PREDEFINED_COUNT)
        return -1;
    return (int)(low - PREDEFINED_FIRST);
}

static NTSTATUS open_path(const WCHAR *path, HANDLE *handle)
{
    UNICODE_STRING name;
    OBJECT_ATTRIBUTES attributes = { sizeof attributes, NULL, &name, OBJ_CASE_INSENSITIVE, NULL, NULL };

    RtlInitUnicodeString(&name, path);
    return NtOpenKeyEx(handle, MAXIMUM_ALLOWED_ACCESS, &attributes, 0);
}

/* The current user's key, or a key below it named `suffix` (appended as it is). */
static NTSTATUS open_user_path(const WCHAR *suffix, ACCESS_MASK access, HANDLE *handle)
{
    UNICODE_STRING user, name;
    OBJECT_ATTRIBUTES attributes = { sizeof attributes, NULL, &name, OBJ_CASE_INSENSITIVE, NULL, NULL };
    NTSTATUS status = current_user_path(&user);
    SIZE_T length, extra = suffix ? wide_length(suffix) : 0;
    WCHAR *full;

    if (!NT_SUCCESS(status))
        return status;
    length = user.Length / sizeof(WCHAR);
    full = adv_alloc((length + extra + 1) * sizeof(WCHAR));
    if (!full) {
        adv_free(user.Buffer);
        return STATUS_NO_MEMORY;
    }
    for (SIZE_T i = 0; i < length; i++)
        full[i] = user.Buffer[i];
    for (SIZE_T i = 0; i < extra; i++)
        full[length + i] = suffix[i];
    full[length + extra] = 0;
    adv_free(user.Buffer);
    RtlInitUnicodeString(&name, full);
    status = NtOpenKeyEx(handle, access, &attributes, 0);
    adv_free(full);
    return status;
}

static NTSTATUS open_predefined(int index, HANDLE *handle)
{
    NTSTATUS status;

    switch (index) {
    case 0:
        return open_path(L"\\Registry\\Machine\\Software\\Classes", handle);
    case 1:
        status = open_user_path(NULL, MAXIMUM_ALLOWED_ACCESS, handle);
        if (status == STATUS_OBJECT_NAME_NOT_FOUND)
            status = open_path(L"\\Registry\\User\\.DEFAULT", handle);
        return status;
    case 2:
        return open_path(L"\\Registry\\Machine", handle);
    case 3:
        return open_path(L"\\Registry\\User", handle);
    case 5:
        return open_path(L"\\Registry\\Machine\\System\\CurrentControlSet\\Hardware Profiles\\Current", handle);
    case 7:
        return open_user_path(L"_Classes\\Local Settings", MAXIMUM_ALLOWED_ACCESS, handle);
    case USER_CLASSES:
        return open_user_path(L"_Classes", MAXIMUM_ALLOWED_ACCESS, handle);
    default:                                /* HKEY_PERFORMANCE_DATA, HKEY_DYN_DATA: no key */
        return STATUS_INVALID_HANDLE;
    }
}

/* The handle of predefined slot `index`, opened at first use. */
static NTSTATUS slot_handle(int index, HANDLE *handle)
{
    HANDLE opened;
    NTSTATUS status;

    if (predefined[index]) {
        *handle = predefined[index];
        return STATUS_SUCCESS;
    }
    status = open_predefined(index, &opened);
    if (!NT_SUCCESS(status))
        return status;
    /* Another thread may have opened it meanwhile: keep the first. */
    if (__sync_val_compare_and_swap(&predefined[index], NULL, opened) != NULL)
        NtClose(opened);
    *handle = predefined[index];
    return STATUS_SUCCESS;
}

NTSTATUS key_handle(HKEY key, HANDLE *handle)
{
    int index = predefined_index(key);

    if (!key)
        return STATUS_INVALID_HANDLE;
    if (index < 0) {
        *handle = (HANDLE)key;
        return STATUS_SUCCESS;
    }
    return slot_handle(index, handle);
}

BOOL is_predefined(HKEY key)
{
    return predefined_index(key) >= 0;
}

BOOL is_classes_root(HKEY key)
{
    return predefined_index(key) == 0;
}

NTSTATUS user_classes_handle(HANDLE *handle)
{
    return slot_handle(USER_CLASSES, handle);
}

LONG WINAPI RegCloseKey(HKEY hKey)
{
    if (!hKey)
        return ERROR_INVALID_HANDLE;
    if (predefined_index(hKey) >= 0)
        return ERROR_SUCCESS;                   /* the predefined keys stay open */
    classes_forget(hKey);
    return reg_error(NtClose((HANDLE)hKey));
}

LONG WINAPI RegOpenCurrentUser(REGSAM samDesired, PHKEY phkResult)
{
    HANDLE handle;
    NTSTATUS status = open_user_path(NULL, samDesired, &handle);

    if (status == STATUS_OBJECT_NAME_NOT_FOUND) {
        UNICODE_STRING name;
        OBJECT_ATTRIBUTES attributes = { sizeof attributes, NULL, &name, OBJ_CASE_INSENSITIVE, NULL, NULL };

        RtlInitUnicodeString(&name, L"\\Registry\\User\\.DEFAULT");
        status = NtOpenKeyEx(&handle, samDesired, &attributes, 0);
    }
    if (NT_SUCCESS(status))
        *phkResult = (HKEY)handle;
    return reg_error(status);
}

LONG WINAPI RegDisablePredefinedCache(void)
{
    return ERROR_SUCCESS;
}

LONG WINAPI RegDisablePredefinedCacheEx(void)
{
    return ERROR_SUCCESS;
}
