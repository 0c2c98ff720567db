/*
 * advapi32: whole trees of keys. RegDeleteTree deletes a key's values and subkeys, at any depth (and the key itself
 * when a subkey is named); RegCopyTree copies a key's values and subkeys, at any depth, into another key.
 *
 * Each level holds two handles and no buffer across the recursion, so the 512 levels the registry allows need a
 * few KB of stack. A subkey that is a symbolic link is opened as the link (OBJ_OPENLINK): deleting a tree deletes
 * the link, never what it points to.
 */
#include "advapi.h"

#define TREE_ACCESS (KEY_ENUMERATE_SUB_KEYS | KEY_QUERY_VALUE | KEY_SET_VALUE | DELETE)

/* A subkey of `parent` named by a KEY_NODE_INFORMATION, opened or created. */
static NTSTATUS child_key(HANDLE parent, const KEY_NODE_INFORMATION *info, BOOL create, ACCESS_MASK access,
                          HANDLE *child)
{
    UNICODE_STRING name = { (USHORT)info->NameLength, (USHORT)info->NameLength, (PWSTR)info->Name };
    UNICODE_STRING class_name = { (USHORT)info->ClassLength, (USHORT)info->ClassLength,
                                  (PWSTR)((BYTE *)info + info->ClassOffset) };
    OBJECT_ATTRIBUTES attributes = { sizeof attributes, parent, &name, OBJ_CASE_INSENSITIVE | OBJ_OPENLINK, NULL,
                                     NULL };

    if (create)
        return NtCreateKey(child, access, &attributes, 0, info->ClassLength ? &class_name : NULL, 0, NULL);
    return NtOpenKeyEx(child, access, &attributes, 0);
}

static NTSTATUS delete_tree(HANDLE key)
{
    NTSTATUS status;

    for (;;) {
        KEY_NODE_INFORMATION *info;
        HANDLE child;

        status = whole_answer(ask_enumerate_key, key, 0, KeyNodeInformation, (void **)&info);
        if (status == STATUS_NO_MORE_ENTRIES)
            break;
        if (!NT_SUCCESS(status))
            return status;
        status = child_key(key, info, FALSE, TREE_ACCESS, &child);
        adv_free(info);
        if (!NT_SUCCESS(status))
            return status;
        status = delete_tree(child);
        if (NT_SUCCESS(status))
            status = NtDeleteKey(child);
        NtClose(child);
        if (!NT_SUCCESS(status))
            return status;
    }
    for (;;) {
        KEY_VALUE_FULL_INFORMATION *info;
        UNICODE_STRING name;

        status = whole_answer(ask_enumerate_value, key, 0, KeyValueFullInformation, (void **)&info);
        if (status == STATUS_NO_MORE_ENTRIES)
            return STATUS_SUCCESS;
        if (!NT_SUCCESS(status))
            return status;
        name.Length = name.MaximumLength = (USHORT)info->NameLength;
        name.Buffer = info->Name;
        status = NtDeleteValueKey(key, &name);
        adv_free(info);
        if (!NT_SUCCESS(status))
            return status;
    }
}

LONG WINAPI RegDeleteTreeW(HKEY hKey, LPCWSTR lpSubKey)
{
    HANDLE key;
    BOOL named = lpSubKey && *lpSubKey;
    NTSTATUS status = named ? open_key(hKey, lpSubKey, 0, TREE_ACCESS, &key) : key_handle(hKey, &key);

    if (!NT_SUCCESS(status))
        return reg_error(status);
    status = delete_tree(key);
    if (named) {
        if (NT_SUCCESS(status))
            status = NtDeleteKey(key);
        NtClose(key);
    }
    return reg_error(status);
}

LONG WINAPI RegDeleteTreeA(HKEY hKey, LPCSTR lpSubKey)
{
    BOOL ok;
    WCHAR *name = wide_from_ansi(lpSubKey, &ok);
    LONG result = ok ? RegDeleteTreeW(hKey, name) : ERROR_NOT_ENOUGH_MEMORY;

    adv_free(name);
    return result;
}

static NTSTATUS copy_tree(HANDLE source, HANDLE target)
{
    NTSTATUS status;

    for (ULONG index = 0;; index++) {
        KEY_VALUE_FULL_INFORMATION *info;
        UNICODE_STRING name;

        status = whole_answer(ask_enumerate_value, source, index, KeyValueFullInformation, (void **)&info);
        if (status == STATUS_NO_MORE_ENTRIES)
            break;
        if (!NT_SUCCESS(status))
            return status;
        name.Length = name.MaximumLength = (USHORT)info->NameLength;
        name.Buffer = info->Name;
        status = NtSetValueKey(target, &name, 0, info->Type, (BYTE *)info + info->DataOffset, info->DataLength);
        adv_free(info);
        if (!NT_SUCCESS(status))
            return status;
    }
    for (ULONG index = 0;; index++) {
        KEY_NODE_INFORMATION *info;
        HANDLE from, to;

        status = whole_answer(ask_enumerate_key, source, index, KeyNodeInformation, (void **)&info);
        if (status == STATUS_NO_MORE_ENTRIES)
            return STATUS_SUCCESS;
        if (!NT_SUCCESS(status))
            return status;
        status = child_key(source, info, FALSE, KEY_READ, &from);
        if (NT_SUCCESS(status)) {
            status = child_key(target, info, TRUE, KEY_READ | KEY_WRITE, &to);
            if (NT_SUCCESS(status)) {
                status = copy_tree(from, to);
                NtClose(to);
            }
            NtClose(from);
        }
        adv_free(info);
        if (!NT_SUCCESS(status))
            return status;
    }
}

LONG WINAPI RegCopyTreeW(HKEY hKeySrc, LPCWSTR lpSubKey, HKEY hKeyDest)
{
    HANDLE source, target;
    BOOL named = lpSubKey && *lpSubKey;
    NTSTATUS status = key_handle(hKeyDest, &target);

    if (NT_SUCCESS(status))
        status = named ? open_key(hKeySrc, lpSubKey, 0, KEY_READ, &source) : key_handle(hKeySrc, &source);
    if (!NT_SUCCESS(status))
        return reg_error(status);
    status = copy_tree(source, target);
    if (named)
        NtClose(source);
    return reg_error(status);
}

LONG WINAPI RegCopyTreeA(HKEY hKeySrc, LPCSTR lpSubKey, HKEY hKeyDest)
{
    BOOL ok;
    WCHAR *name = wide_from_ansi(lpSubKey, &ok);
    LONG result = ok ? RegCopyTreeW(hKeySrc, name, hKeyDest) : ERROR_NOT_ENOUGH_MEMORY;

    adv_free(name);
    return result;
}
