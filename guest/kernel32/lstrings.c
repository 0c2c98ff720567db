/*
 * kernel32: the lstr functions of winbase.h, lstrlen, lstrcpy, lstrcpyn, lstrcat, lstrcmp and lstrcmpi, ANSI
 * and wide.
 *
 * As on Windows, lstrlen, lstrcpy, lstrcpyn and lstrcat run under an exception handler (guard.c): a bad pointer
 * makes lstrlen return 0 and the others NULL, with no exception reaching the program; lstrlen(NULL) is 0.
 * lstrcpyn copies at most n - 1 characters and always terminates (nothing is written for n = 0).
 *
 * lstrcmp and lstrcmpi return -1, 0 or 1 (CompareString's result less CSTR_EQUAL); a NULL string sorts first.
 * Windows compares in the thread's locale (the linguistic sort); here letters compare alphabetically with their
 * case folded (ASCII and Latin-1), then, for lstrcmp, lower case before upper case ("a" < "A" < "b"), and other
 * characters by value: the linguistic order for letters, digits and the punctuation of file names, without the
 * word-sort rules (a hyphen or an apostrophe is not ignored).
 */
#define _KERNEL32_          /* windows.h declares our own exports without dllimport */
#include "k32.h"

/* One character of an ANSI (Latin-1) or wide string. */
static unsigned char_at(const void *s, BOOL wide, ULONG_PTR i)
{
    return wide ? ((const WCHAR *)s)[i] : ((const unsigned char *)s)[i];
}

static void set_char(void *s, BOOL wide, ULONG_PTR i, unsigned c)
{
    if (wide)
        ((WCHAR *)s)[i] = (WCHAR)c;
    else
        ((char *)s)[i] = (char)c;
}

/* args: string, wide. */
static ULONG_PTR measure(ULONG_PTR *args)
{
    ULONG_PTR n = 0;
    while (char_at((const void *)args[0], (BOOL)args[1], n))
        n++;
    return n;
}

/* args: destination, source, wide, the most characters to write with the terminator (0: no limit), whether to
 * append. Returns the destination. */
static ULONG_PTR copy(ULONG_PTR *args)
{
    void *dst = (void *)args[0];
    const void *src = (const void *)args[1];
    BOOL wide = (BOOL)args[2];
    ULONG_PTR limit = args[3], at = 0, i = 0;
    unsigned c;

    if (args[4])
        at = measure((ULONG_PTR[]){ args[0], args[2] });
    if (limit) {
        for (; i + 1 < limit && (c = char_at(src, wide, i)); i++)
            set_char(dst, wide, at + i, c);
        set_char(dst, wide, at + i, 0);
        return args[0];
    }
    do
        set_char(dst, wide, at + i, c = char_at(src, wide, i));
    while (i++, c);
    return args[0];
}

static int length(const void *s, BOOL wide)
{
    return s ? (int)guarded(measure, (ULONG_PTR[]){ (ULONG_PTR)s, wide }) : 0;
}

static void *guarded_copy(void *dst, const void *src, BOOL wide, ULONG_PTR limit, BOOL append)
{
    return (void *)guarded(copy, (ULONG_PTR[]){ (ULONG_PTR)dst, (ULONG_PTR)src, wide, limit, append });
}

int WINAPI lstrlenA(LPCSTR s)
{
    return length(s, FALSE);
}

int WINAPI lstrlenW(LPCWSTR s)
{
    return length(s, TRUE);
}

LPSTR WINAPI lstrcpyA(LPSTR dst, LPCSTR src)
{
    return guarded_copy(dst, src, FALSE, 0, FALSE);
}

LPWSTR WINAPI lstrcpyW(LPWSTR dst, LPCWSTR src)
{
    return guarded_copy(dst, src, TRUE, 0, FALSE);
}

LPSTR WINAPI lstrcpynA(LPSTR dst, LPCSTR src, int n)
{
    return n ? guarded_copy(dst, src, FALSE, (UINT)n, FALSE) : dst;
}

LPWSTR WINAPI lstrcpynW(LPWSTR dst, LPCWSTR src, int n)
{
    return n ? guarded_copy(dst, src, TRUE, (UINT)n, FALSE) : dst;
}

LPSTR WINAPI lstrcatA(LPSTR dst, LPCSTR src)
{
    return guarded_copy(dst, src, FALSE, 0, TRUE);
}

LPWSTR WINAPI lstrcatW(LPWSTR dst, LPCWSTR src)
{
    return guarded_copy(dst, src, TRUE, 0, TRUE);
}

static unsigned fold_case(unsigned c)
{
    if ((c >= 'A' && c <= 'Z') || (c >= 0xC0 && c <= 0xDE && c != 0xD7))
        return c + 0x20;
    return c;
}

static int compare(const void *a, const void *b, BOOL wide, BOOL ignore_case)
{
    ULONG_PTR i;

    if (!a || !b)
        return a ? 1 : b ? -1 : 0;
    for (i = 0;; i++) {
        unsigned x = fold_case(char_at(a, wide, i)), y = fold_case(char_at(b, wide, i));
        if (x != y)
            return x < y ? -1 : 1;
        if (!x)
            break;
    }
    if (!ignore_case)
        for (i = 0; char_at(a, wide, i); i++)
            if (char_at(a, wide, i) != char_at(b, wide, i))
                return char_at(a, wide, i) > char_at(b, wide, i) ? -1 : 1;  /* lower case has the larger code */
    return 0;
}

int WINAPI lstrcmpA(LPCSTR a, LPCSTR b)
{
    return compare(a, b, FALSE, FALSE);
}

int WINAPI lstrcmpW(LPCWSTR a, LPCWSTR b)
{
    return compare(a, b, TRUE, FALSE);
}

int WINAPI lstrcmpiA(LPCSTR a, LPCSTR b)
{
    return compare(a, b, FALSE, TRUE);
}

int WINAPI lstrcmpiW(LPCWSTR a, LPCWSTR b)
{
    return compare(a, b, TRUE, TRUE);
}
