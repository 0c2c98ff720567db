/*
 * advapi32: registry values. RegSetValueEx, RegQueryValueEx, RegDeleteValue, RegEnumValue, RegGetValue, the older
 * RegQueryValue and RegSetValue (a key's default value), and RegSetKeyValue and RegDeleteKeyValue.
 *
 * The rules Windows keeps about strings (REG_SZ, REG_EXPAND_SZ, REG_MULTI_SZ):
 * - RegSetValueEx counts the terminator its caller forgot: when the size ends just before a NUL, the NUL is kept.
 * - RegQueryValueEx and RegEnumValue give the data as stored, and add a NUL after it when the data does not end
 *   with one and the buffer has room; the size they report is the stored one.
 * - The A functions convert strings through the ANSI code page, both ways; the sizes they report are the ANSI
 *   sizes (the data is read whole to measure it, even when only its size is asked).
 * - RegGetValue always terminates a string (the size it reports counts the added NUL), expands REG_EXPAND_SZ into
 *   REG_SZ unless RRF_NOEXPAND, and checks the type against the RRF_RT_* flags.
 * A short buffer is ERROR_MORE_DATA with the size needed, the buffer's contents undefined (left alone here).
 */
#include "advapi.h"

static NTSTATUS ask_query_value(HANDLE key, ULONG_PTR name, ULONG info_class, void *buffer, ULONG length,
                                ULONG *needed)
{
    return NtQueryValueKey(key, (PUNICODE_STRING)name, info_class, buffer, length, needed);
}

NTSTATUS ask_enumerate_value(HANDLE key, ULONG_PTR index, ULONG info_class, void *buffer, ULONG length,
                                    ULONG *needed)
{
    return NtEnumerateValueKey(key, (ULONG)index, info_class, buffer, length, needed);
}

NTSTATUS query_value_full(HANDLE key, const WCHAR *name, KEY_VALUE_PARTIAL_INFORMATION **info)
{
    UNICODE_STRING name_string;

    RtlInitUnicodeString(&name_string, name);
    return whole_answer(ask_query_value, key, (ULONG_PTR)&name_string, KeyValuePartialInformation, (void **)info);
}

/* Whether string data of `size` bytes lacks its final NUL. */
static BOOL unterminated(const BYTE *data, DWORD size)
{
    return size >= sizeof(WCHAR) && (data[size - 2] || data[size - 1]);
}

/* Copies value data to a caller's buffer of `room` bytes, with the NUL Windows adds after an unterminated string
 * when there is room for it. ERROR_MORE_DATA when the data does not fit. */
static LONG give_data(DWORD type, const BYTE *data, DWORD size, BYTE *buffer, DWORD room)
{
    static const WCHAR nul = 0;

    if (size > room)
        return ERROR_MORE_DATA;
    copy_bytes(buffer, data, size);
    if (is_string_type(type) && room - size >= sizeof(WCHAR) && unterminated(data, size))
        copy_bytes(buffer + size, &nul, sizeof nul);
    return ERROR_SUCCESS;
}

/* The same in the ANSI code page: a string converted (its ANSI NUL added when there is room), other data as it is.
 * *size is the stored size on entry, the size reported to the caller on return. */
static LONG give_data_ansi(DWORD type, const BYTE *data, DWORD *size, BYTE *buffer, DWORD room)
{
    const WCHAR *text = (const WCHAR *)data;
    SIZE_T length = *size / sizeof(WCHAR);
    DWORD bytes;

    if (!is_string_type(type))
        return buffer ? give_data(type, data, *size, buffer, room) : ERROR_SUCCESS;
    bytes = ansi_size(text, length);
    *size = bytes;
    if (!buffer)
        return ERROR_SUCCESS;
    if (bytes > room)
        return ERROR_MORE_DATA;
    if (bytes)
        WideCharToMultiByte(CP_ACP, 0, text, (int)length, (char *)buffer, (int)bytes, NULL, NULL);
    if (bytes && bytes < room && buffer[bytes - 1])
        buffer[bytes] = 0;
    return ERROR_SUCCESS;
}

/* ---- setting ------------------------------------------------------------------------------------------------- */

static LONG set_value(HKEY hKey, const WCHAR *name, DWORD type, const void *data, DWORD size)
{
    HANDLE key;
    UNICODE_STRING name_string;
    NTSTATUS status = key_handle(hKey, &key);

    if (!NT_SUCCESS(status))
        return reg_error(status);
    RtlInitUnicodeString(&name_string, name);
    return reg_error(NtSetValueKey(key, &name_string, 0, type, (PVOID)data, size));
}

LONG WINAPI RegSetValueExW(HKEY hKey, LPCWSTR lpValueName, DWORD Reserved, DWORD dwType, const BYTE *lpData,
                           DWORD cbData)
{
    (void)Reserved;
    if (lpData && is_string_type(dwType) && cbData >= sizeof(WCHAR) && cbData % sizeof(WCHAR) == 0) {
        const WCHAR *text = (const WCHAR *)lpData;
        if (text[cbData / sizeof(WCHAR) - 1] && !text[cbData / sizeof(WCHAR)])
            cbData += sizeof(WCHAR);            /* the terminator the caller did not count */
    }
    return set_value(hKey, lpValueName, dwType, lpData, cbData);
}

LONG WINAPI RegSetValueExA(HKEY hKey, LPCSTR lpValueName, DWORD Reserved, DWORD dwType, const BYTE *lpData,
                           DWORD cbData)
{
    BOOL ok;
    WCHAR *name = wide_from_ansi(lpValueName, &ok), *text = NULL;
    const void *data = lpData;
    LONG result;

    (void)Reserved;
    if (!ok)
        return ERROR_NOT_ENOUGH_MEMORY;
    if (lpData && is_string_type(dwType) && cbData) {
        int length;
        if (lpData[cbData - 1] && !lpData[cbData])
            cbData++;                           /* the terminator the caller did not count */
        length = MultiByteToWideChar(CP_ACP, 0, (const char *)lpData, (int)cbData, NULL, 0);
        text = adv_alloc((SIZE_T)length * sizeof(WCHAR));
        if (!text) {
            adv_free(name);
            return ERROR_NOT_ENOUGH_MEMORY;
        }
        MultiByteToWideChar(CP_ACP, 0, (const char *)lpData, (int)cbData, text, length);
        data = text;
        cbData = (DWORD)length * sizeof(WCHAR);
    }
    result = set_value(hKey, name, dwType, data, cbData);
    adv_free(text);
    adv_free(name);
    return result;
}

/* ---- querying ------------------------------------------------------------------------------------------------ */

/* A value's whole partial information, for the key behind a HKEY. */
static NTSTATUS query_value(HKEY hKey, const WCHAR *name, KEY_VALUE_PARTIAL_INFORMATION **info)
{
    UNICODE_STRING name_string;

    RtlInitUnicodeString(&name_string, name);
    return key_answer(hKey, ask_query_value, (ULONG_PTR)&name_string, KeyValuePartialInformation, (void **)info);
}

LONG WINAPI RegQueryValueExW(HKEY hKey, LPCWSTR lpValueName, LPDWORD lpReserved, LPDWORD lpType, LPBYTE lpData,
                             LPDWORD lpcbData)
{
    KEY_VALUE_PARTIAL_INFORMATION *info;
    NTSTATUS status;
    LONG result = ERROR_SUCCESS;

    if ((lpData && !lpcbData) || lpReserved)
        return ERROR_INVALID_PARAMETER;
    status = query_value(hKey, lpValueName, &info);
    if (!NT_SUCCESS(status))
        return reg_error(status);
    if (lpData)
        result = give_data(info->Type, info->Data, info->DataLength, lpData, *lpcbData);
    if (lpType)
        *lpType = info->Type;
    if (lpcbData)
        *lpcbData = info->DataLength;
    adv_free(info);
    return result;
}

LONG WINAPI RegQueryValueExA(HKEY hKey, LPCSTR lpValueName, LPDWORD lpReserved, LPDWORD lpType, LPBYTE lpData,
                             LPDWORD lpcbData)
{
    KEY_VALUE_PARTIAL_INFORMATION *info;
    NTSTATUS status;
    BOOL ok;
    WCHAR *name;
    DWORD size;
    LONG result;

    if ((lpData && !lpcbData) || lpReserved)
        return ERROR_INVALID_PARAMETER;
    name = wide_from_ansi(lpValueName, &ok);
    if (!ok)
        return ERROR_NOT_ENOUGH_MEMORY;
    status = query_value(hKey, name, &info);
    adv_free(name);
    if (!NT_SUCCESS(status))
        return reg_error(status);
    size = info->DataLength;
    result = give_data_ansi(info->Type, info->Data, &size, lpData, lpcbData ? *lpcbData : 0);
    if (lpType)
        *lpType = info->Type;
    if (lpcbData)
        *lpcbData = size;
    adv_free(info);
    return result;
}

/* ---- deleting ------------------------------------------------------------------------------------------------ */

LONG WINAPI RegDeleteValueW(HKEY hKey, LPCWSTR lpValueName)
{
    HANDLE key;
    UNICODE_STRING name_string;
    NTSTATUS status = key_handle(hKey, &key);

    if (!NT_SUCCESS(status))
        return reg_error(status);
    RtlInitUnicodeString(&name_string, lpValueName);
    return reg_error(NtDeleteValueKey(key, &name_string));
}

LONG WINAPI RegDeleteValueA(HKEY hKey, LPCSTR lpValueName)
{
    BOOL ok;
    WCHAR *name = wide_from_ansi(lpValueName, &ok);
    LONG result = ok ? RegDeleteValueW(hKey, name) : ERROR_NOT_ENOUGH_MEMORY;

    adv_free(name);
    return result;
}

/* ---- enumerating --------------------------------------------------------------------------------------------- */

static NTSTATUS enumerate_value(HKEY hKey, DWORD index, KEY_VALUE_FULL_INFORMATION **info)
{
    return key_answer(hKey, ask_enumerate_value, index, KeyValueFullInformation, (void **)info);
}

/* The name comes first: a short name buffer leaves the data alone; the type and the data's size are always
 * given. */
LONG WINAPI RegEnumValueW(HKEY hKey, DWORD dwIndex, LPWSTR lpValueName, LPDWORD lpcchValueName, LPDWORD lpReserved,
                          LPDWORD lpType, LPBYTE lpData, LPDWORD lpcbData)
{
    KEY_VALUE_FULL_INFORMATION *info;
    NTSTATUS status;
    LONG result = ERROR_SUCCESS;

    if (lpReserved || !lpValueName || !lpcchValueName || (lpData && !lpcbData))
        return ERROR_INVALID_PARAMETER;
    status = enumerate_value(hKey, dwIndex, &info);
    if (!NT_SUCCESS(status))
        return reg_error(status);
    if (!put_wide(info->Name, info->NameLength / sizeof(WCHAR), lpValueName, lpcchValueName))
        result = ERROR_MORE_DATA;
    else if (lpData)
        result = give_data(info->Type, (BYTE *)info + info->DataOffset, info->DataLength, lpData, *lpcbData);
    if (lpType)
        *lpType = info->Type;
    if (lpcbData)
        *lpcbData = info->DataLength;
    adv_free(info);
    return result;
}

LONG WINAPI RegEnumValueA(HKEY hKey, DWORD dwIndex, LPSTR lpValueName, LPDWORD lpcchValueName, LPDWORD lpReserved,
                          LPDWORD lpType, LPBYTE lpData, LPDWORD lpcbData)
{
    KEY_VALUE_FULL_INFORMATION *info;
    NTSTATUS status;
    LONG result;
    DWORD size;

    if (lpReserved || !lpValueName || !lpcchValueName || (lpData && !lpcbData))
        return ERROR_INVALID_PARAMETER;
    status = enumerate_value(hKey, dwIndex, &info);
    if (!NT_SUCCESS(status))
        return reg_error(status);
    size = info->DataLength;
    if (!put_ansi(info->Name, info->NameLength / sizeof(WCHAR), lpValueName, lpcchValueName)) {
        result = ERROR_MORE_DATA;
        give_data_ansi(info->Type, (BYTE *)info + info->DataOffset, &size, NULL, 0);
    } else {
        result = give_data_ansi(info->Type, (BYTE *)info + info->DataOffset, &size, lpData,
                                lpcbData ? *lpcbData : 0);
    }
    if (lpType)
        *lpType = info->Type;
    if (lpcbData)
        *lpcbData = size;
    adv_free(info);
    return result;
}

/* ---- a key's default value (RegQueryValue, RegSetValue) ------------------------------------------------------ */

/* The key to work on: `hKey` itself for an empty name, else its subkey, opened or created (close it with
 * done_with_subkey). */
static LONG subkey_of(HKEY hKey, const WCHAR *name, BOOL create, REGSAM access, HKEY *key)
{
    if (!name || !*name) {
        *key = hKey;
        return ERROR_SUCCESS;
    }
    if (create)
        return RegCreateKeyExW(hKey, name, 0, NULL, REG_OPTION_NON_VOLATILE, access, NULL, key, NULL);
    return RegOpenKeyExW(hKey, name, 0, access, key);
}

static void done_with_subkey(HKEY hKey, HKEY key)
{
    if (key != hKey)
        RegCloseKey(key);
}

/* A key without a default value gives an empty string. */
LONG WINAPI RegQueryValueW(HKEY hKey, LPCWSTR lpSubKey, LPWSTR lpData, PLONG lpcbData)
{
    HKEY key;
    LONG result = subkey_of(hKey, lpSubKey, FALSE, KEY_QUERY_VALUE, &key);

    if (result)
        return result;
    result = RegQueryValueExW(key, NULL, NULL, NULL, (BYTE *)lpData, (LPDWORD)lpcbData);
    if (result == ERROR_FILE_NOT_FOUND) {
        if (lpData)
            *lpData = 0;
        if (lpcbData)
            *lpcbData = sizeof(WCHAR);
        result = ERROR_SUCCESS;
    }
    done_with_subkey(hKey, key);
    return result;
}

LONG WINAPI RegQueryValueA(HKEY hKey, LPCSTR lpSubKey, LPSTR lpData, PLONG lpcbData)
{
    BOOL ok;
    WCHAR *name = wide_from_ansi(lpSubKey, &ok);
    HKEY key;
    LONG result = ok ? subkey_of(hKey, name, FALSE, KEY_QUERY_VALUE, &key) : ERROR_NOT_ENOUGH_MEMORY;

    adv_free(name);
    if (result)
        return result;
    result = RegQueryValueExA(key, NULL, NULL, NULL, (BYTE *)lpData, (LPDWORD)lpcbData);
    if (result == ERROR_FILE_NOT_FOUND) {
        if (lpData)
            *lpData = 0;
        if (lpcbData)
            *lpcbData = 1;
        result = ERROR_SUCCESS;
    }
    done_with_subkey(hKey, key);
    return result;
}

/* Only REG_SZ; the size is the string's, whatever cbData says. */
LONG WINAPI RegSetValueW(HKEY hKey, LPCWSTR lpSubKey, DWORD dwType, LPCWSTR lpData, DWORD cbData)
{
    HKEY key;
    LONG result;

    (void)cbData;
    if (dwType != REG_SZ || !lpData)
        return ERROR_INVALID_PARAMETER;
    result = subkey_of(hKey, lpSubKey, TRUE, KEY_SET_VALUE, &key);
    if (result)
        return result;
    result = RegSetValueExW(key, NULL, 0, REG_SZ, (const BYTE *)lpData,
                            (DWORD)((wide_length(lpData) + 1) * sizeof(WCHAR)));
    done_with_subkey(hKey, key);
    return result;
}

LONG WINAPI RegSetValueA(HKEY hKey, LPCSTR lpSubKey, DWORD dwType, LPCSTR lpData, DWORD cbData)
{
    BOOL ok1, ok2;
    WCHAR *name = wide_from_ansi(lpSubKey, &ok1), *text = wide_from_ansi(lpData, &ok2);
    LONG result = ok1 && ok2 ? RegSetValueW(hKey, name, dwType, text, cbData) : ERROR_NOT_ENOUGH_MEMORY;

    adv_free(name);
    adv_free(text);
    return result;
}

/* ---- RegSetKeyValue and RegDeleteKeyValue: a value of a subkey ----------------------------------------------- */

LONG WINAPI RegSetKeyValueW(HKEY hKey, LPCWSTR lpSubKey, LPCWSTR lpValueName, DWORD dwType, LPCVOID lpData,
                            DWORD cbData)
{
    HKEY key;
    LONG result = subkey_of(hKey, lpSubKey, TRUE, KEY_SET_VALUE, &key);

    if (result)
        return result;
    result = RegSetValueExW(key, lpValueName, 0, dwType, lpData, cbData);
    done_with_subkey(hKey, key);
    return result;
}

LONG WINAPI RegDeleteKeyValueW(HKEY hKey, LPCWSTR lpSubKey, LPCWSTR lpValueName)
{
    HKEY key;
    LONG result = subkey_of(hKey, lpSubKey, FALSE, KEY_SET_VALUE, &key);

    if (result)
        return result;
    result = RegDeleteValueW(key, lpValueName);
    done_with_subkey(hKey, key);
    return result;
}
