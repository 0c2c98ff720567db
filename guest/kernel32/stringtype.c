/*
 * kernel32: the types of characters, GetStringTypeW, GetStringTypeExW, GetStringTypeA and GetStringTypeExA, and
 * the character properties the rest of the NLS sources use (k32nls.h): case mappings and decompositions.
 *
 * The types come from chartables.c (chartables.py says which blocks it covers and how each type bit is given).
 * Outside those blocks: CJK ideographs (U+3400-U+4DBF, U+4E00-U+9FFF) are C1_ALPHA, left-to-right, C3_IDEOGRAPH,
 * C3_ALPHA and C3_FULLWIDTH; Hangul syllables C1_ALPHA, left-to-right, C3_ALPHA and C3_FULLWIDTH; surrogates
 * C3_HIGHSURROGATE or C3_LOWSURROGATE; any other character has no type (0, as an unassigned one), where Windows
 * knows the whole of Unicode.
 *
 * The functions take one of CT_CTYPE1, CT_CTYPE2, CT_CTYPE3 (another value: ERROR_INVALID_PARAMETER) and write one
 * WORD per character; a negative count means a NUL-terminated string, NUL included, as Windows counts it. No
 * string, no output or a count of 0 is ERROR_INVALID_PARAMETER. The locale of the A and Ex functions is not looked
 * at: the ANSI code page is 1252 for every locale here.
 */
#define _KERNEL32_          /* windows.h declares our own exports without dllimport */
#include "k32nls.h"

WORD nls_char_type(WCHAR ch, int which)
{
    static const WORD ideograph[3] = { C1_ALPHA | C1_DEFINED, C2_LEFTTORIGHT,
                                       C3_IDEOGRAPH | C3_ALPHA | C3_FULLWIDTH };
    static const WORD hangul[3] = { C1_ALPHA | C1_DEFINED, C2_LEFTTORIGHT, C3_ALPHA | C3_FULLWIDTH };

    for (DWORD i = 0; i < nls_type_range_count; i++) {
        const struct nls_type_range *r = &nls_type_ranges[i];
        if (ch >= r->first && ch <= r->last)
            return nls_types[r->index[ch - r->first]][which];
    }
    if ((ch >= 0x3400 && ch <= 0x4DBF) || (ch >= 0x4E00 && ch <= 0x9FFF))
        return ideograph[which];
    if (ch >= 0xAC00 && ch <= 0xD7A3)
        return hangul[which];
    if (which == 2 && ch >= 0xD800 && ch <= 0xDBFF)
        return C3_HIGHSURROGATE;
    if (which == 2 && ch >= 0xDC00 && ch <= 0xDFFF)
        return C3_LOWSURROGATE;
    return 0;
}

static WCHAR map_char(const struct nls_char_map *map, DWORD count, WCHAR ch)
{
    DWORD lo = 0, hi = count;

    while (lo < hi) {
        DWORD mid = (lo + hi) / 2;
        if (map[mid].from == ch)
            return map[mid].to;
        if (map[mid].from < ch)
            lo = mid + 1;
        else
            hi = mid;
    }
    return ch;
}

WCHAR nls_upper(WCHAR ch)
{
    return ch < 0x80 ? (ch >= 'a' && ch <= 'z' ? (WCHAR)(ch - 0x20) : ch)
                     : map_char(nls_to_upper, nls_to_upper_count, ch);
}

WCHAR nls_lower(WCHAR ch)
{
    return ch < 0x80 ? (ch >= 'A' && ch <= 'Z' ? (WCHAR)(ch + 0x20) : ch)
                     : map_char(nls_to_lower, nls_to_lower_count, ch);
}

const struct nls_decomposition *nls_decomposition(WCHAR ch)
{
    DWORD lo = 0, hi = nls_decomposition_count;

    while (lo < hi) {
        DWORD mid = (lo + hi) / 2;
        if (nls_decompositions[mid].ch == ch)
            return &nls_decompositions[mid];
        if (nls_decompositions[mid].ch < ch)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}

enum nls_class nls_sort_class(WCHAR ch)
{
    WORD c1 = nls_char_type(ch, 0);

    if (!(c1 & C1_DEFINED) || (c1 & C1_CNTRL && !(c1 & C1_SPACE)) || nls_char_type(ch, 2) & C3_NONSPACING)
        return NLS_IGNORED;
    return c1 & C1_ALPHA ? NLS_LETTER : c1 & C1_DIGIT ? NLS_DIGIT : NLS_SYMBOL;
}

/* CT_CTYPE1/2/3 as the index of the type word; -1 (ERROR_INVALID_PARAMETER set) for anything else. */
static int type_index(DWORD type)
{
    switch (type) {
    case CT_CTYPE1:
        return 0;
    case CT_CTYPE2:
        return 1;
    case CT_CTYPE3:
        return 2;
    default:
        SetLastError(ERROR_INVALID_PARAMETER);
        return -1;
    }
}

BOOL WINAPI GetStringTypeW(DWORD type, LPCWSTR src, int count, LPWORD types)
{
    int which;

    if (!src || !types || !count) {
        SetLastError(ERROR_INVALID_PARAMETER);
        return FALSE;
    }
    if ((which = type_index(type)) < 0)
        return FALSE;
    count = nls_length(src, count, TRUE);
    for (int i = 0; i < count; i++)
        types[i] = nls_char_type(src[i], which);
    return TRUE;
}

BOOL WINAPI GetStringTypeExW(LCID locale, DWORD type, LPCWSTR src, int count, LPWORD types)
{
    (void)locale;
    return GetStringTypeW(type, src, count, types);
}

BOOL WINAPI GetStringTypeA(LCID locale, DWORD type, LPCSTR src, int count, LPWORD types)
{
    int which;

    (void)locale;
    if (!src || !types || !count) {
        SetLastError(ERROR_INVALID_PARAMETER);
        return FALSE;
    }
    if ((which = type_index(type)) < 0)
        return FALSE;
    if (count < 0)
        for (count = 1; src[count - 1]; count++)
            ;
    for (int i = 0; i < count; i++) {
        WCHAR ch;
        nls_ansi_to_unicode(&src[i], 1, &ch);
        types[i] = nls_char_type(ch, which);
    }
    return TRUE;
}

BOOL WINAPI GetStringTypeExA(LCID locale, DWORD type, LPCSTR src, int count, LPWORD types)
{
    return GetStringTypeA(locale, type, src, count, types);
}
