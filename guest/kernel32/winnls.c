/*
 * kernel32: the code pages, as an en-US Windows 10 has them: GetACP (1252), GetOEMCP (437), GetCPInfo,
 * GetCPInfoExA/W, IsValidCodePage, IsDBCSLeadByte and IsDBCSLeadByteEx.
 *
 * The code pages known are 1252, 437 and 20127 (single-byte, tables in cptables.c), UTF-7 (65000) and UTF-8
 * (65001); any other number, CP_MACCP and CP_SYMBOL included, is an invalid code page (ERROR_INVALID_PARAMETER),
 * where Windows has about 150 of them. CP_ACP and CP_THREAD_ACP are 1252 (the thread's locale is the user's,
 * en-US), CP_OEMCP 437. None is double-byte, so no byte is a lead byte.
 */
#define _KERNEL32_          /* windows.h declares our own exports without dllimport */
#include "k32nls.h"

/* CP_ACP, CP_OEMCP and CP_THREAD_ACP as the code page they stand for; other numbers as they are. */
static UINT resolve(UINT code_page)
{
    switch (code_page) {
    case CP_ACP:
    case CP_THREAD_ACP:
        return NLS_ANSI_CODE_PAGE;
    case CP_OEMCP:
        return NLS_OEM_CODE_PAGE;
    default:
        return code_page;
    }
}

const struct nls_sbcs *nls_sbcs_table(UINT code_page)
{
    switch (resolve(code_page)) {
    case 1252:
        return &nls_cp1252;
    case 437:
        return &nls_cp437;
    case 20127:
        return &nls_cp20127;
    default:
        return NULL;
    }
}

UINT WINAPI GetACP(void)
{
    return NLS_ANSI_CODE_PAGE;
}

UINT WINAPI GetOEMCP(void)
{
    return NLS_OEM_CODE_PAGE;
}

/* Fills a CPINFOEXW; FALSE with ERROR_INVALID_PARAMETER for no CPINFOEXW or an unknown code page. */
static BOOL code_page_info(UINT code_page, CPINFOEXW *info)
{
    const struct nls_sbcs *table = nls_sbcs_table(code_page);
    const WCHAR *name;

    if (!info) {
        SetLastError(ERROR_INVALID_PARAMETER);
        return FALSE;
    }
    code_page = resolve(code_page);
    if (table) {
        info->MaxCharSize = 1;
        info->UnicodeDefaultChar = NLS_DEFAULT_CHAR;
        name = table->name;
    } else if (code_page == CP_UTF8) {
        info->MaxCharSize = 4;
        info->UnicodeDefaultChar = 0xFFFD;
        name = L"65001 (UTF-8)";
    } else if (code_page == CP_UTF7) {
        info->MaxCharSize = 5;
        info->UnicodeDefaultChar = NLS_DEFAULT_CHAR;
        name = L"65000 (UTF-7)";
    } else {
        SetLastError(ERROR_INVALID_PARAMETER);
        return FALSE;
    }
    info->DefaultChar[0] = NLS_DEFAULT_CHAR;
    info->DefaultChar[1] = 0;
    for (int i = 0; i < MAX_LEADBYTES; i++)
        info->LeadByte[i] = 0;
    info->CodePage = code_page;
    for (int i = 0; i < MAX_PATH; i++) {
        info->CodePageName[i] = name[i];
        if (!name[i])
            break;
    }
    return TRUE;
}

/* The CPINFO part of a CPINFOEXW (the A and W structures begin alike). */
static void copy_cpinfo(CPINFO *to, const CPINFOEXW *from)
{
    to->MaxCharSize = from->MaxCharSize;
    for (int i = 0; i < MAX_DEFAULTCHAR; i++)
        to->DefaultChar[i] = from->DefaultChar[i];
    for (int i = 0; i < MAX_LEADBYTES; i++)
        to->LeadByte[i] = from->LeadByte[i];
}

BOOL WINAPI GetCPInfo(UINT code_page, LPCPINFO info)
{
    CPINFOEXW ex;

    if (!info) {
        SetLastError(ERROR_INVALID_PARAMETER);
        return FALSE;
    }
    if (!code_page_info(code_page, &ex))
        return FALSE;
    copy_cpinfo(info, &ex);
    return TRUE;
}

/* dwFlags is reserved: not looked at. */
BOOL WINAPI GetCPInfoExW(UINT code_page, DWORD flags, LPCPINFOEXW info)
{
    (void)flags;
    return code_page_info(code_page, info);
}

BOOL WINAPI GetCPInfoExA(UINT code_page, DWORD flags, LPCPINFOEXA info)
{
    CPINFOEXW ex;
    DWORD n = 0;

    (void)flags;
    if (!info) {
        SetLastError(ERROR_INVALID_PARAMETER);
        return FALSE;
    }
    if (!code_page_info(code_page, &ex))
        return FALSE;
    copy_cpinfo((CPINFO *)info, &ex);
    info->UnicodeDefaultChar = ex.UnicodeDefaultChar;
    info->CodePage = ex.CodePage;
    while (ex.CodePageName[n])
        n++;
    nls_unicode_to_ansi(ex.CodePageName, n + 1, info->CodePageName);
    return TRUE;
}

/* The pseudo code pages (CP_ACP, CP_OEMCP, CP_MACCP, CP_THREAD_ACP) are not code pages: FALSE, as on Windows. */
BOOL WINAPI IsValidCodePage(UINT code_page)
{
    if (code_page == CP_ACP || code_page == CP_OEMCP || code_page == CP_MACCP || code_page == CP_THREAD_ACP)
        return FALSE;
    return nls_sbcs_table(code_page) || code_page == CP_UTF7 || code_page == CP_UTF8;
}

BOOL WINAPI IsDBCSLeadByte(BYTE byte)
{
    (void)byte;
    return FALSE;
}

BOOL WINAPI IsDBCSLeadByteEx(UINT code_page, BYTE byte)
{
    CPINFO info;

    (void)byte;
    GetCPInfo(code_page, &info);            /* sets ERROR_INVALID_PARAMETER for an unknown code page */
    return FALSE;
}
