/* cmd.exe: VER and the version line of the banner, with the build Windows reports (GetVersionEx) and its update
 * revision (UBR under HKLM\SOFTWARE\Microsoft\Windows NT\CurrentVersion, which cmd reads from the registry). */
#include "cmd.h"

static DWORD update_revision(void)
{
    static WCHAR path[] = L"\\Registry\\Machine\\SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion";
    static WCHAR value_name[] = L"UBR";
    UNICODE_STRING name = { sizeof path - sizeof(WCHAR), sizeof path, path };
    UNICODE_STRING value = { sizeof value_name - sizeof(WCHAR), sizeof value_name, value_name };
    OBJECT_ATTRIBUTES attributes = { sizeof attributes, NULL, &name, OBJ_CASE_INSENSITIVE, NULL, NULL };
    union {
        KEY_VALUE_PARTIAL_INFORMATION info;
        BYTE bytes[sizeof(KEY_VALUE_PARTIAL_INFORMATION) + 8];
    } answer;
    HANDLE key;
    ULONG length;
    DWORD revision = 0;

    if (!NT_SUCCESS(NtOpenKey(&key, KEY_QUERY_VALUE, &attributes)))
        return 0;
    if (NT_SUCCESS(NtQueryValueKey(key, &value, KeyValuePartialInformation, &answer, sizeof answer, &length))
        && answer.info.Type == REG_DWORD && answer.info.DataLength == 4)
        revision = *(DWORD *)answer.info.Data;
    NtClose(key);
    return revision;
}

void version_string(WCHAR *buf, DWORD capacity)
{
    OSVERSIONINFOW version = { sizeof version, 0, 0, 0, 0, { 0 } };
    WCHAR number[16];
    DWORD parts[4], n;

    GetVersionExW(&version);
    parts[0] = version.dwMajorVersion;
    parts[1] = version.dwMinorVersion;
    parts[2] = version.dwBuildNumber;
    parts[3] = update_revision();
    text_copy(buf, L"Microsoft Windows [Version ", capacity);
    for (DWORD i = 0; i < 4; i++) {
        n = text_decimal(number, parts[i], FALSE);
        number[n] = 0;
        text_append(buf, number, capacity);
        text_append(buf, i < 3 ? L"." : L"]", capacity);
    }
}

int cmd_ver(WCHAR *args)
{
    WCHAR line[128];

    (void)args;
    version_string(line, 128);
    out(L"\r\n");
    out(line);
    out(L"\r\n");
    return 0;
}
