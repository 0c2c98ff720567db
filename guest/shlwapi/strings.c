/*
 * shlwapi: the string functions. StrChr, StrRChr, StrStr, StrStrI, StrCmpN and StrCmpNI in both forms
 * (strings_t.h), and the wide-only StrCmpW, StrCmpIW, StrCpyW and StrCatW.
 *
 * Windows compares with CompareString in the thread's locale (the linguistic sort); here letters compare
 * alphabetically with their case folded, then lower case before upper case, and other characters by their value:
 * the same order for letters, digits and the usual punctuation of file names. The results are -1, 0 and 1, as
 * Windows' are (CompareString's result less CSTR_EQUAL). A NULL string makes StrChr, StrRChr and StrStr return
 * NULL; StrCpyW and StrCatW then copy nothing and return their destination.
 */
#include "shlw.h"

#define CH char
#define UCH unsigned char
#define CH_ARG WORD
#define F(name) name##A
#include "strings_t.h"
#undef CH
#undef UCH
#undef CH_ARG
#undef F

#define CH WCHAR
#define UCH WCHAR
#define CH_ARG WCHAR
#define F(name) name##W
#include "strings_t.h"

int WINAPI StrCmpW(const WCHAR *a, const WCHAR *b)
{
    return compareW(a, b, -1, FALSE);
}

int WINAPI StrCmpIW(const WCHAR *a, const WCHAR *b)
{
    return compareW(a, b, -1, TRUE);
}

WCHAR *WINAPI StrCpyW(WCHAR *dst, const WCHAR *src)
{
    if (dst && src) {
        size_t i = 0;
        do
            dst[i] = src[i];
        while (src[i++]);
    }
    return dst;
}

WCHAR *WINAPI StrCatW(WCHAR *dst, const WCHAR *src)
{
    if (dst && src)
        StrCpyW(dst + lengthW(dst), src);
    return dst;
}
