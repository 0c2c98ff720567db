/*
 * kernel32: locales, as an en-US Windows 10 has them. GetUserDefaultLCID and GetSystemDefaultLCID
 * (NtQueryDefaultLocale), GetUserDefaultLangID and GetSystemDefaultLangID (their language part),
 * GetUserDefaultUILanguage (NtQueryDefaultUILanguage), GetSystemDefaultUILanguage (NtQueryInstallUILanguage),
 * GetThreadLocale (the user's locale: one thread, never set), GetUserDefaultLocaleName,
 * GetSystemDefaultLocaleName, LCIDToLocaleName, LocaleNameToLCID, IsValidLocale, IsValidLocaleName,
 * EnumSystemLocalesA/W/Ex (EnumSystemLocalesEx gives "en-US" with LOCALE_WINDOWS | LOCALE_SPECIFICDATA, for the
 * flags 0, LOCALE_WINDOWS and LOCALE_SPECIFICDATA), GetLocaleInfoW/A/Ex, and the code page of the file
 * functions' ANSI strings: AreFileApisANSI, SetFileApisToANSI, SetFileApisToOEM.
 *
 * en-US (0x0409) is the one locale installed: its number, LOCALE_USER_DEFAULT, LOCALE_SYSTEM_DEFAULT,
 * LOCALE_CUSTOM_DEFAULT and LOCALE_NEUTRAL stand for it; its names are "en-US" (any case), NULL and
 * LOCALE_NAME_SYSTEM_DEFAULT, and "en" (LocaleNameToLCID gives 0x0409 for it, or the neutral 0x0009 with
 * LOCALE_ALLOW_NEUTRAL_NAMES). LOCALE_INVARIANT (0x007F, the name "") is valid as a name and a number, but has no
 * locale information here. Any other locale is ERROR_INVALID_PARAMETER (IsValidLocale: FALSE), where Windows has
 * several hundred.
 *
 * GetLocaleInfo: the LCTYPEs of the table below, with Windows 10's values for en-US; LOCALE_NOUSEROVERRIDE and
 * LOCALE_USE_CP_ACP change nothing (no user overrides; ANSI is 1252); LOCALE_RETURN_NUMBER gives the numeric
 * LCTYPEs (LOCALE_I*) as a DWORD (the W function counts it as 2 characters, the A function as 4 bytes), and is
 * ERROR_INVALID_FLAGS with another LCTYPE; an unknown LCTYPE is ERROR_INVALID_FLAGS. A size of 0 returns the size
 * needed, NUL included; too small is ERROR_INSUFFICIENT_BUFFER.
 */
#define _KERNEL32_          /* windows.h declares our own exports without dllimport */
#include "k32nls.h"

#define EN_US 0x0409

/* The locale information of en-US. `number`: a numeric LCTYPE, the base of its digits (0: not numeric). */
static const struct {
    LCTYPE type;
    BYTE number;
    const WCHAR *value;
} en_us[] = {
    { LOCALE_ILANGUAGE, 16, L"0409" },
    { LOCALE_SLOCALIZEDDISPLAYNAME, 0, L"English (United States)" },
    { LOCALE_SABBREVLANGNAME, 0, L"ENU" },
    { LOCALE_SNATIVELANGUAGENAME, 0, L"English" },
    { LOCALE_ICOUNTRY, 10, L"1" },
    { LOCALE_SLOCALIZEDCOUNTRYNAME, 0, L"United States" },
    { LOCALE_SABBREVCTRYNAME, 0, L"USA" },
    { LOCALE_SNATIVECOUNTRYNAME, 0, L"United States" },
    { LOCALE_IDEFAULTLANGUAGE, 16, L"0409" },
    { LOCALE_IDEFAULTCOUNTRY, 10, L"1" },
    { LOCALE_IDEFAULTCODEPAGE, 10, L"437" },
    { LOCALE_SLIST, 0, L"," },
    { LOCALE_IMEASURE, 10, L"1" },
    { LOCALE_SDECIMAL, 0, L"." },
    { LOCALE_STHOUSAND, 0, L"," },
    { LOCALE_SGROUPING, 0, L"3;0" },
    { LOCALE_IDIGITS, 10, L"2" },
    { LOCALE_ILZERO, 10, L"1" },
    { LOCALE_SNATIVEDIGITS, 0, L"0123456789" },
    { LOCALE_SCURRENCY, 0, L"$" },
    { LOCALE_SINTLSYMBOL, 0, L"USD" },
    { LOCALE_SMONDECIMALSEP, 0, L"." },
    { LOCALE_SMONTHOUSANDSEP, 0, L"," },
    { LOCALE_SMONGROUPING, 0, L"3;0" },
    { LOCALE_ICURRDIGITS, 10, L"2" },
    { LOCALE_IINTLCURRDIGITS, 10, L"2" },
    { LOCALE_ICURRENCY, 10, L"0" },
    { LOCALE_SDATE, 0, L"/" },
    { LOCALE_STIME, 0, L":" },
    { LOCALE_SSHORTDATE, 0, L"M/d/yyyy" },
    { LOCALE_SLONGDATE, 0, L"dddd, MMMM d, yyyy" },
    { LOCALE_IDATE, 10, L"0" },
    { LOCALE_ILDATE, 10, L"0" },
    { LOCALE_ITIME, 10, L"0" },
    { LOCALE_ICENTURY, 10, L"1" },
    { LOCALE_ITLZERO, 10, L"0" },
    { LOCALE_IDAYLZERO, 10, L"0" },
    { LOCALE_IMONLZERO, 10, L"0" },
    { LOCALE_S1159, 0, L"AM" },
    { LOCALE_S2359, 0, L"PM" },
    { LOCALE_SDAYNAME1, 0, L"Monday" },
    { LOCALE_SDAYNAME2, 0, L"Tuesday" },
    { LOCALE_SDAYNAME3, 0, L"Wednesday" },
    { LOCALE_SDAYNAME4, 0, L"Thursday" },
    { LOCALE_SDAYNAME5, 0, L"Friday" },
    { LOCALE_SDAYNAME6, 0, L"Saturday" },
    { LOCALE_SDAYNAME7, 0, L"Sunday" },
    { LOCALE_SABBREVDAYNAME1, 0, L"Mon" },
    { LOCALE_SABBREVDAYNAME2, 0, L"Tue" },
    { LOCALE_SABBREVDAYNAME3, 0, L"Wed" },
    { LOCALE_SABBREVDAYNAME4, 0, L"Thu" },
    { LOCALE_SABBREVDAYNAME5, 0, L"Fri" },
    { LOCALE_SABBREVDAYNAME6, 0, L"Sat" },
    { LOCALE_SABBREVDAYNAME7, 0, L"Sun" },
    { LOCALE_SMONTHNAME1, 0, L"January" },
    { LOCALE_SMONTHNAME2, 0, L"February" },
    { LOCALE_SMONTHNAME3, 0, L"March" },
    { LOCALE_SMONTHNAME4, 0, L"April" },
    { LOCALE_SMONTHNAME5, 0, L"May" },
    { LOCALE_SMONTHNAME6, 0, L"June" },
    { LOCALE_SMONTHNAME7, 0, L"July" },
    { LOCALE_SMONTHNAME8, 0, L"August" },
    { LOCALE_SMONTHNAME9, 0, L"September" },
    { LOCALE_SMONTHNAME10, 0, L"October" },
    { LOCALE_SMONTHNAME11, 0, L"November" },
    { LOCALE_SMONTHNAME12, 0, L"December" },
    { LOCALE_SABBREVMONTHNAME1, 0, L"Jan" },
    { LOCALE_SABBREVMONTHNAME2, 0, L"Feb" },
    { LOCALE_SABBREVMONTHNAME3, 0, L"Mar" },
    { LOCALE_SABBREVMONTHNAME4, 0, L"Apr" },
    { LOCALE_SABBREVMONTHNAME5, 0, L"May" },
    { LOCALE_SABBREVMONTHNAME6, 0, L"Jun" },
    { LOCALE_SABBREVMONTHNAME7, 0, L"Jul" },
    { LOCALE_SABBREVMONTHNAME8, 0, L"Aug" },
    { LOCALE_SABBREVMONTHNAME9, 0, L"Sep" },
    { LOCALE_SABBREVMONTHNAME10, 0, L"Oct" },
    { LOCALE_SABBREVMONTHNAME11, 0, L"Nov" },
    { LOCALE_SABBREVMONTHNAME12, 0, L"Dec" },
    { LOCALE_SPOSITIVESIGN, 0, L"" },
    { LOCALE_SNEGATIVESIGN, 0, L"-" },
    { LOCALE_IPOSSIGNPOSN, 10, L"3" },
    { LOCALE_INEGSIGNPOSN, 10, L"0" },
    { LOCALE_IPOSSYMPRECEDES, 10, L"1" },
    { LOCALE_IPOSSEPBYSPACE, 10, L"0" },
    { LOCALE_INEGSYMPRECEDES, 10, L"1" },
    { LOCALE_INEGSEPBYSPACE, 10, L"0" },
    { LOCALE_SISO639LANGNAME, 0, L"en" },
    { LOCALE_SISO3166CTRYNAME, 0, L"US" },
    { LOCALE_IGEOID, 10, L"244" },
    { LOCALE_SNAME, 0, L"en-US" },
    { LOCALE_SSHORTESTDAYNAME1, 0, L"Mo" },
    { LOCALE_SSHORTESTDAYNAME2, 0, L"Tu" },
    { LOCALE_SSHORTESTDAYNAME3, 0, L"We" },
    { LOCALE_SSHORTESTDAYNAME4, 0, L"Th" },
    { LOCALE_SSHORTESTDAYNAME5, 0, L"Fr" },
    { LOCALE_SSHORTESTDAYNAME6, 0, L"Sa" },
    { LOCALE_SSHORTESTDAYNAME7, 0, L"Su" },
    { LOCALE_SISO639LANGNAME2, 0, L"eng" },
    { LOCALE_SISO3166CTRYNAME2, 0, L"USA" },
    { LOCALE_SPARENT, 0, L"en" },
    { LOCALE_SENGLISHDISPLAYNAME, 0, L"English (United States)" },
    { LOCALE_SNATIVEDISPLAYNAME, 0, L"English (United States)" },
    { LOCALE_SPERCENT, 0, L"%" },
    { LOCALE_SSHORTTIME, 0, L"h:mm tt" },
    { LOCALE_SMONTHDAY, 0, L"MMMM d" },
    { LOCALE_SENGLISHLANGUAGENAME, 0, L"English" },
    { LOCALE_SENGLISHCOUNTRYNAME, 0, L"United States" },
    { LOCALE_STIMEFORMAT, 0, L"h:mm:ss tt" },
    { LOCALE_IDEFAULTANSICODEPAGE, 10, L"1252" },
    { LOCALE_ITIMEMARKPOSN, 10, L"0" },
    { LOCALE_SYEARMONTH, 0, L"MMMM yyyy" },
    { LOCALE_SENGCURRNAME, 0, L"US Dollar" },
    { LOCALE_SNATIVECURRNAME, 0, L"US Dollar" },
    { LOCALE_ICALENDARTYPE, 10, L"1" },
    { LOCALE_IPAPERSIZE, 10, L"1" },
    { LOCALE_IFIRSTDAYOFWEEK, 10, L"6" },
    { LOCALE_IFIRSTWEEKOFYEAR, 10, L"0" },
    { LOCALE_SMONTHNAME13, 0, L"" },
    { LOCALE_SABBREVMONTHNAME13, 0, L"" },
    { LOCALE_INEGNUMBER, 10, L"1" },
    { LOCALE_IDEFAULTMACCODEPAGE, 10, L"10000" },
    { LOCALE_IDEFAULTEBCDICCODEPAGE, 10, L"037" },
};

#define LOCALE_MODIFIERS (LOCALE_NOUSEROVERRIDE | LOCALE_USE_CP_ACP | LOCALE_RETURN_NUMBER)

static BOOL file_apis_oem;

/* Whether a locale number stands for en-US. */
static BOOL is_en_us(LCID lcid)
{
    return lcid == EN_US || lcid == LOCALE_USER_DEFAULT || lcid == LOCALE_SYSTEM_DEFAULT
           || lcid == LOCALE_CUSTOM_DEFAULT || lcid == LOCALE_NEUTRAL;
}

static BOOL same_name(const WCHAR *a, const WCHAR *b)
{
    while (*a && nls_lower(*a) == nls_lower(*b)) {
        a++;
        b++;
    }
    return nls_lower(*a) == nls_lower(*b);
}

static LCID default_locale(BOOLEAN user)
{
    LCID lcid = EN_US;
    NtQueryDefaultLocale(user, &lcid);
    return lcid;
}

LCID WINAPI GetUserDefaultLCID(void)
{
    return default_locale(TRUE);
}

LCID WINAPI GetSystemDefaultLCID(void)
{
    return default_locale(FALSE);
}

LANGID WINAPI GetUserDefaultLangID(void)
{
    return LANGIDFROMLCID(GetUserDefaultLCID());
}

LANGID WINAPI GetSystemDefaultLangID(void)
{
    return LANGIDFROMLCID(GetSystemDefaultLCID());
}

LANGID WINAPI GetUserDefaultUILanguage(void)
{
    LANGID lang = EN_US;
    NtQueryDefaultUILanguage(&lang);
    return lang;
}

LANGID WINAPI GetSystemDefaultUILanguage(void)
{
    LANGID lang = EN_US;
    NtQueryInstallUILanguage(&lang);
    return lang;
}

LCID WINAPI GetThreadLocale(void)
{
    return GetUserDefaultLCID();
}

/* A NUL-terminated string into `size` characters: its length with the NUL, the size needed for a size of 0, or
 * 0 with ERROR_INSUFFICIENT_BUFFER. */
static int copy_out(const WCHAR *value, WCHAR *buf, int size)
{
    int n = nls_length(value, -1, TRUE);

    if (!size)
        return n;
    if (size < n) {
        SetLastError(ERROR_INSUFFICIENT_BUFFER);
        return 0;
    }
    for (int i = 0; i < n; i++)
        buf[i] = value[i];
    return n;
}

int WINAPI GetUserDefaultLocaleName(LPWSTR name, int size)
{
    return LCIDToLocaleName(GetUserDefaultLCID(), name, size, 0);
}

int WINAPI GetSystemDefaultLocaleName(LPWSTR name, int size)
{
    return LCIDToLocaleName(GetSystemDefaultLCID(), name, size, 0);
}

int WINAPI LCIDToLocaleName(LCID lcid, LPWSTR name, int size, DWORD flags)
{
    if (size < 0 || (size && !name)) {
        SetLastError(ERROR_INVALID_PARAMETER);
        return 0;
    }
    if (flags & ~LOCALE_ALLOW_NEUTRAL_NAMES) {
        SetLastError(ERROR_INVALID_FLAGS);
        return 0;
    }
    if (lcid == LOCALE_INVARIANT)
        return copy_out(L"", name, size);
    if (!is_en_us(lcid)) {
        SetLastError(ERROR_INVALID_PARAMETER);
        return 0;
    }
    return copy_out(L"en-US", name, size);
}

/* The locale of a name (NULL: the user's), or 0. */
static LCID locale_of_name(LPCWSTR name, DWORD flags)
{
    if (!name || same_name(name, L"en-US") || same_name(name, LOCALE_NAME_SYSTEM_DEFAULT))
        return EN_US;
    if (same_name(name, L"en"))
        return flags & LOCALE_ALLOW_NEUTRAL_NAMES ? LANG_ENGLISH : EN_US;
    return *name ? 0 : LOCALE_INVARIANT;
}

LCID WINAPI LocaleNameToLCID(LPCWSTR name, DWORD flags)
{
    LCID lcid;

    if (flags & ~LOCALE_ALLOW_NEUTRAL_NAMES) {
        SetLastError(ERROR_INVALID_FLAGS);
        return 0;
    }
    if (!(lcid = locale_of_name(name, flags)))
        SetLastError(ERROR_INVALID_PARAMETER);
    return lcid;
}

BOOL WINAPI IsValidLocaleName(LPCWSTR name)
{
    return name && locale_of_name(name, 0);
}

BOOL WINAPI IsValidLocale(LCID lcid, DWORD flags)
{
    (void)flags;                        /* LCID_INSTALLED or LCID_SUPPORTED: the same here */
    return lcid == EN_US || lcid == LOCALE_INVARIANT;
}

/* The callback gets each locale number as 8 hexadecimal digits; it stops the enumeration by returning FALSE. */
BOOL WINAPI EnumSystemLocalesW(LOCALE_ENUMPROCW proc, DWORD flags)
{
    WCHAR name[] = L"00000409";

    (void)flags;
    if (!proc) {
        SetLastError(ERROR_INVALID_PARAMETER);
        return FALSE;
    }
    proc(name);
    return TRUE;
}

BOOL WINAPI EnumSystemLocalesA(LOCALE_ENUMPROCA proc, DWORD flags)
{
    char name[] = "00000409";

    (void)flags;
    if (!proc) {
        SetLastError(ERROR_INVALID_PARAMETER);
        return FALSE;
    }
    proc(name);
    return TRUE;
}

BOOL WINAPI EnumSystemLocalesEx(LOCALE_ENUMPROCEX proc, DWORD flags, LPARAM param, LPVOID reserved)
{
    WCHAR name[] = L"en-US";

    (void)reserved;
    if (!proc) {
        SetLastError(ERROR_INVALID_PARAMETER);
        return FALSE;
    }
    if (!flags || flags & (LOCALE_WINDOWS | LOCALE_SPECIFICDATA))
        proc(name, LOCALE_WINDOWS | LOCALE_SPECIFICDATA, param);
    return TRUE;
}

/* The table's entry of an LCTYPE (modifiers removed), or -1. */
static int find_type(LCTYPE type)
{
    type &= ~LOCALE_MODIFIERS;
    for (int i = 0; i < (int)(sizeof en_us / sizeof en_us[0]); i++)
        if (en_us[i].type == type)
            return i;
    return -1;
}

static DWORD parse_number(const WCHAR *s, int base)
{
    DWORD v = 0;

    for (; *s; s++)
        v = v * (DWORD)base + (DWORD)(*s <= '9' ? *s - '0' : (*s | 0x20) - 'a' + 10);
    return v;
}

/* GetLocaleInfoW of a locale known to be valid (LOCALE_INVARIANT: none). */
static int locale_info(LCID lcid, LCTYPE type, LPWSTR data, int size)
{
    int i;

    if (size < 0 || (size && !data)) {
        SetLastError(ERROR_INVALID_PARAMETER);
        return 0;
    }
    if (!is_en_us(lcid)) {
        SetLastError(ERROR_INVALID_PARAMETER);
        return 0;
    }
    if ((i = find_type(type)) < 0 || (type & LOCALE_RETURN_NUMBER && !en_us[i].number)) {
        SetLastError(ERROR_INVALID_FLAGS);
        return 0;
    }
    if (type & LOCALE_RETURN_NUMBER) {
        DWORD number = parse_number(en_us[i].value, en_us[i].number);
        const int n = sizeof(DWORD) / sizeof(WCHAR);
        if (!size)
            return n;
        if (size < n) {
            SetLastError(ERROR_INSUFFICIENT_BUFFER);
            return 0;
        }
        data[0] = (WCHAR)number;
        data[1] = (WCHAR)(number >> 16);
        return n;
    }
    return copy_out(en_us[i].value, data, size);
}

int WINAPI GetLocaleInfoW(LCID lcid, LCTYPE type, LPWSTR data, int size)
{
    return locale_info(lcid, type, data, size);
}

int WINAPI GetLocaleInfoEx(LPCWSTR name, LCTYPE type, LPWSTR data, int size)
{
    LCID lcid = LocaleNameToLCID(name, 0);

    return lcid ? locale_info(lcid, type, data, size) : 0;
}

/* The value in code page 1252; with LOCALE_RETURN_NUMBER the DWORD, counted in bytes. */
int WINAPI GetLocaleInfoA(LCID lcid, LCTYPE type, LPSTR data, int size)
{
    WCHAR value[64];
    int n;

    if (size < 0 || (size && !data)) {
        SetLastError(ERROR_INVALID_PARAMETER);
        return 0;
    }
    if (type & LOCALE_RETURN_NUMBER) {
        n = locale_info(lcid, type, size ? value : NULL, size / (int)sizeof(WCHAR));
        for (int i = 0; size && i < n * (int)sizeof(WCHAR); i++)
            data[i] = ((char *)value)[i];
        return n * (int)sizeof(WCHAR);
    }
    if (!(n = locale_info(lcid, type, value, sizeof value / sizeof value[0])))
        return 0;
    if (!size)
        return n;
    if (size < n) {
        SetLastError(ERROR_INSUFFICIENT_BUFFER);
        return 0;
    }
    nls_unicode_to_ansi(value, (DWORD)n, data);
    return n;
}

const struct nls_sbcs *nls_file_code_page(void)
{
    return file_apis_oem ? &nls_cp437 : &nls_cp1252;
}

BOOL WINAPI AreFileApisANSI(void)
{
    return !file_apis_oem;
}

void WINAPI SetFileApisToANSI(void)
{
    file_apis_oem = FALSE;
}

void WINAPI SetFileApisToOEM(void)
{
    file_apis_oem = TRUE;
}
