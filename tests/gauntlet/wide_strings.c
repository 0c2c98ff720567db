#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

int main(void)
{
    const wchar_t *w = L"Wide string";
    printf("wcslen=%u sizeof(wchar_t)=%u\n", (unsigned)wcslen(w), (unsigned)sizeof(wchar_t));
    wchar_t copy[32];
    wcscpy(copy, w);
    wcscat(copy, L"s!");
    printf("wcscpy+wcscat: %ls\n", copy);
    printf("wcscmp: %d %d\n", wcscmp(L"abc", L"abd") < 0, wcscmp(L"b", L"a") > 0);
    printf("wcschr: %ls\n", wcschr(copy, L's'));
    printf("wcsstr: %ls\n", wcsstr(copy, L"str"));
    printf("_wcsicmp: %d\n", _wcsicmp(L"HELLO", L"hello"));
    printf("_wcsupr: %ls\n", _wcsupr(copy));
    wchar_t *end;
    long value = wcstol(L"  -1234xyz", &end, 10);
    printf("wcstol: %ld rest [%ls]\n", value, end);
    printf("wcstoul hex: %lu\n", wcstoul(L"ff", NULL, 16));

    char narrow[32];
    size_t n = wcstombs(narrow, L"to narrow", sizeof narrow);
    printf("wcstombs: %u [%s]\n", (unsigned)n, narrow);
    wchar_t wide[32];
    n = mbstowcs(wide, "to wide", 32);
    printf("mbstowcs: %u [%ls]\n", (unsigned)n, wide);
    printf("mbstowcs length only: %u\n", (unsigned)mbstowcs(NULL, "count me", 0));
    int len = mbtowc(wide, "A", 1);
    printf("mbtowc: %d %04X\n", len, (unsigned)wide[0]);
    len = wctomb(narrow, L'Z');
    printf("wctomb: %d %c\n", len, narrow[0]);
    printf("MB_CUR_MAX=%d\n", (int)MB_CUR_MAX);
    printf("towupper: %lc, iswdigit: %d, iswalpha: %d\n", (wint_t)towupper(L'q'), iswdigit(L'7') != 0,
           iswalpha(L'7') != 0);
    wchar_t buf[64];
    int r = _snwprintf(buf, 64, L"%d-%ls-%hs", 42, L"wide", "narrow");
    printf("_snwprintf: %d [%ls]\n", r, buf);
    fputws(L"fputws to stdout\n", stdout);
    return 0;
}
