/*
 * advapi32: RegGetValue, a value read with its type checked. The flags:
 * - RRF_RT_*: the types the caller takes (ERROR_UNSUPPORTED_TYPE for another); REG_BINARY data passes as
 *   RRF_RT_DWORD (RRF_RT_QWORD) only when it is 4 (8) bytes long, else ERROR_DATATYPE_MISMATCH.
 * - REG_EXPAND_SZ is expanded (ExpandEnvironmentStrings) and given as REG_SZ, unless RRF_NOEXPAND; so
 *   RRF_RT_REG_EXPAND_SZ without RRF_NOEXPAND can match nothing and is ERROR_INVALID_PARAMETER (but within
 *   RRF_RT_ANY).
 * - RRF_SUBKEY_WOW6464KEY / RRF_SUBKEY_WOW6432KEY: the view the subkey is opened in.
 * - RRF_ZEROONFAILURE: on any failure, the caller's buffer (*pcbData bytes) is zeroed.
 * Strings always end with a NUL: one is added (and counted in the size) when the data lacks it.
 */
#include "advapi.h"

#define RRF_FLAGS_VIEW (RRF_SUBKEY_WOW6464KEY | RRF_SUBKEY_WOW6432KEY)

/* A value as RegGetValue gives it (expanded, terminated), in a heap block. */
typedef struct {
    DWORD type;
    DWORD size;
    BYTE *data;
} value_t;

static DWORD type_mask(DWORD type)
{
    switch (type) {
    case REG_NONE:      return RRF_RT_REG_NONE;
    case REG_SZ:        return RRF_RT_REG_SZ;
    case REG_EXPAND_SZ: return RRF_RT_REG_EXPAND_SZ;
    case REG_BINARY:    return RRF_RT_REG_BINARY;
    case REG_DWORD:     return RRF_RT_REG_DWORD;
    case REG_MULTI_SZ:  return RRF_RT_REG_MULTI_SZ;
    case REG_QWORD:     return RRF_RT_REG_QWORD;
    default:            return 0;
    }
}

/* ERROR_SUCCESS if the flags take the value, else why not. */
static LONG check_type(DWORD flags, const value_t *value)
{
    DWORD wanted = flags & RRF_RT_ANY;

    if (!(type_mask(value->type) & wanted))
        return ERROR_UNSUPPORTED_TYPE;
    if (value->type == REG_BINARY && ((wanted == RRF_RT_DWORD && value->size != 4)
                                      || (wanted == RRF_RT_QWORD && value->size != 8)))
        return ERROR_DATATYPE_MISMATCH;
    return ERROR_SUCCESS;
}

/* The value's data expanded or terminated as RegGetValue gives it. */
static LONG finish_value(DWORD flags, const KEY_VALUE_PARTIAL_INFORMATION *info, value_t *value)
{
    SIZE_T length = info->DataLength / sizeof(WCHAR);
    WCHAR *text;

    value->type = info->Type;
    if (!is_string_type(info->Type)) {
        value->size = info->DataLength;
        value->data = adv_alloc(value->size);
        if (!value->data)
            return ERROR_NOT_ENOUGH_MEMORY;
        copy_bytes(value->data, info->Data, value->size);
        return ERROR_SUCCESS;
    }
    /* A terminated copy (an odd last byte is dropped, as a string has none). */
    text = adv_alloc((length + 1) * sizeof(WCHAR));
    if (!text)
        return ERROR_NOT_ENOUGH_MEMORY;
    copy_bytes(text, info->Data, length * sizeof(WCHAR));
    if (!length || text[length - 1])
        text[length++] = 0;
    if (info->Type == REG_EXPAND_SZ && !(flags & RRF_NOEXPAND)) {
        DWORD needed = ExpandEnvironmentStringsW(text, NULL, 0);
        WCHAR *expanded = needed ? adv_alloc(needed * sizeof(WCHAR)) : NULL;
        if (!expanded) {
            adv_free(text);
            return ERROR_NOT_ENOUGH_MEMORY;
        }
        length = ExpandEnvironmentStringsW(text, expanded, needed);
        adv_free(text);
        text = expanded;
        value->type = REG_SZ;
    }
    value->data = (BYTE *)text;
    value->size = (DWORD)(length * sizeof(WCHAR));
    return ERROR_SUCCESS;
}

static LONG get_value(HKEY hkey, const WCHAR *subkey, const WCHAR *name, DWORD flags, value_t *value)
{
    HKEY key = hkey;
    HANDLE handle;
    KEY_VALUE_PARTIAL_INFORMATION *info;
    NTSTATUS status;
    LONG result;

    if (subkey && *subkey) {
        REGSAM view = (flags & RRF_SUBKEY_WOW6464KEY ? KEY_WOW64_64KEY : 0)
                      | (flags & RRF_SUBKEY_WOW6432KEY ? KEY_WOW64_32KEY : 0);
        result = RegOpenKeyExW(hkey, subkey, 0, KEY_QUERY_VALUE | view, &key);
        if (result)
            return result;
    }
    status = key_handle(key, &handle);
    if (NT_SUCCESS(status))
        status = query_value_full(handle, name, &info);
    if (key != hkey)
        RegCloseKey(key);
    if (!NT_SUCCESS(status))
        return reg_error(status);
    result = finish_value(flags, info, value);
    adv_free(info);
    return result;
}

static LONG check_flags(DWORD flags, const void *data, const DWORD *size)
{
    if (!(flags & RRF_RT_ANY) || (data && !size) || (flags & RRF_FLAGS_VIEW) == RRF_FLAGS_VIEW)
        return ERROR_INVALID_PARAMETER;
    if ((flags & RRF_RT_REG_EXPAND_SZ) && !(flags & RRF_NOEXPAND) && (flags & RRF_RT_ANY) != RRF_RT_ANY)
        return ERROR_INVALID_PARAMETER;
    return ERROR_SUCCESS;
}

/* The end of both forms: the type and size given back, the data copied if it fits, then the type checked (the data
 * stays in the buffer when it fails, as Windows reads the value into the caller's buffer first), the buffer zeroed
 * on failure when asked. `size` is the size in the caller's form. */
static LONG give_value(LONG result, DWORD flags, const value_t *value, DWORD size, LPDWORD pdwType, PVOID pvData,
                       LPDWORD pcbData, BOOL ansi)
{
    DWORD room = pcbData ? *pcbData : 0;

    if (!result) {
        if (pdwType)
            *pdwType = value->type;
        if (pcbData)
            *pcbData = size;
    }
    if (!result && pvData) {
        if (size > room)
            result = ERROR_MORE_DATA;
        else if (ansi && is_string_type(value->type))
            WideCharToMultiByte(CP_ACP, 0, (const WCHAR *)value->data, (int)(value->size / sizeof(WCHAR)), pvData,
                                (int)size, NULL, NULL);
        else
            copy_bytes(pvData, value->data, size);
    }
    if (!result || result == ERROR_MORE_DATA) {
        LONG type_result = check_type(flags, value);
        if (type_result)
            result = type_result;
    }
    if (result && pvData && (flags & RRF_ZEROONFAILURE))
        zero_bytes(pvData, room);
    return result;
}

LONG WINAPI RegGetValueW(HKEY hkey, LPCWSTR lpSubKey, LPCWSTR lpValue, DWORD dwFlags, LPDWORD pdwType, PVOID pvData,
                         LPDWORD pcbData)
{
    value_t value = { 0, 0, NULL };
    LONG result = check_flags(dwFlags, pvData, pcbData);

    if (result)
        return result;
    result = get_value(hkey, lpSubKey, lpValue, dwFlags, &value);
    result = give_value(result, dwFlags, &value, value.size, pdwType, pvData, pcbData, FALSE);
    adv_free(value.data);
    return result;
}

LONG WINAPI RegGetValueA(HKEY hkey, LPCSTR lpSubKey, LPCSTR lpValue, DWORD dwFlags, LPDWORD pdwType, PVOID pvData,
                         LPDWORD pcbData)
{
    value_t value = { 0, 0, NULL };
    BOOL ok1, ok2;
    WCHAR *subkey, *name;
    LONG result = check_flags(dwFlags, pvData, pcbData);

    if (result)
        return result;
    subkey = wide_from_ansi(lpSubKey, &ok1);
    name = wide_from_ansi(lpValue, &ok2);
    result = ok1 && ok2 ? get_value(hkey, subkey, name, dwFlags, &value) : ERROR_NOT_ENOUGH_MEMORY;
    adv_free(subkey);
    adv_free(name);
    result = give_value(result, dwFlags, &value,
                        is_string_type(value.type) ? ansi_size((const WCHAR *)value.data, value.size / sizeof(WCHAR))
                                                   : value.size,
                        pdwType, pvData, pcbData, TRUE);
    adv_free(value.data);
    return result;
}
