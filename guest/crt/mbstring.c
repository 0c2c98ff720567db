/*
 * <mbstring.h> for the single-byte code pages this CRT has: the multibyte code page (_getmbcp, _setmbcp; "C"'s
 * is 0, setlocale's LC_CTYPE sets it too) has no lead bytes, so every _mbs function is its str function, with
 * characters as unsigned bytes and case by the current locale.
 */
#include "libc.h"

typedef unsigned char uchar;

int CRT_EXPORT _strnicmp(const char *a, const char *b, size_t n);
int CRT_EXPORT _strncoll(const char *a, const char *b, size_t n);
int CRT_EXPORT _strnicoll(const char *a, const char *b, size_t n);
int CRT_EXPORT strcoll(const char *a, const char *b);
int CRT_EXPORT _stricoll(const char *a, const char *b);
char *CRT_EXPORT strrchr(const char *s, int c);
char *CRT_EXPORT strstr(const char *s, const char *find);
char *CRT_EXPORT strncpy(char *dst, const char *src, size_t n);
char *CRT_EXPORT _strdup(const char *s);
char *CRT_EXPORT _strlwr(char *s);
char *CRT_EXPORT _strupr(char *s);
char *CRT_EXPORT _strrev(char *s);
char *CRT_EXPORT _strset(char *s, int c);
char *CRT_EXPORT _strnset(char *s, int c, size_t n);
size_t CRT_EXPORT strspn(const char *s, const char *set);
size_t CRT_EXPORT strcspn(const char *s, const char *set);
char *CRT_EXPORT strpbrk(const char *s, const char *set);
char *CRT_EXPORT strtok(char *s, const char *delim);
size_t CRT_EXPORT strnlen(const char *s, size_t n);
int CRT_EXPORT strcpy_s(char *dst, size_t size, const char *src);
int CRT_EXPORT strcat_s(char *dst, size_t size, const char *src);
int CRT_EXPORT isalpha(int c);
int CRT_EXPORT isdigit(int c);
int CRT_EXPORT isspace(int c);
int CRT_EXPORT tolower(int c);
int CRT_EXPORT toupper(int c);

unsigned crt_mbcp;
unsigned char _mbctype[257];                          /* no lead or trail bytes in a single-byte code page */
unsigned char _mbcasemap[256];

unsigned char *CRT_EXPORT __p__mbctype(void) { return _mbctype; }
unsigned char *CRT_EXPORT __p__mbcasemap(void) { return _mbcasemap; }

int CRT_EXPORT _getmbcp(void)
{
    return crt_mbcp;
}

/* _MB_CP_SBCS 0, _MB_CP_OEM -2, _MB_CP_ANSI -3, _MB_CP_LOCALE -4; a multibyte code page is refused. */
int CRT_EXPORT _setmbcp(int cp)
{
    CPINFO info;

    if (cp == -2)
        cp = GetOEMCP();
    else if (cp == -3)
        cp = GetACP();
    else if (cp == -4)
        cp = crt_ctype.codepage;
    if (cp != 0 && (!GetCPInfo(cp, &info) || info.MaxCharSize != 1)) {
        crt_thread_data()->err = CRT_EINVAL;
        return -1;
    }
    crt_mbcp = cp;
    return 0;
}

int CRT_EXPORT _ismbblead(unsigned c) { (void)c; return 0; }
int CRT_EXPORT _ismbbtrail(unsigned c) { (void)c; return 0; }
int CRT_EXPORT _ismbslead(const uchar *s, const uchar *p) { (void)s, (void)p; return 0; }
int CRT_EXPORT _ismbstrail(const uchar *s, const uchar *p) { (void)s, (void)p; return 0; }
int CRT_EXPORT _ismbcalpha(unsigned c) { return c < 256 && isalpha(c); }
int CRT_EXPORT _ismbcdigit(unsigned c) { return c < 256 && isdigit(c); }
int CRT_EXPORT _ismbcspace(unsigned c) { return c < 256 && isspace(c); }
unsigned CRT_EXPORT _mbctolower(unsigned c) { return c < 256 ? (unsigned)tolower(c) : c; }
unsigned CRT_EXPORT _mbctoupper(unsigned c) { return c < 256 ? (unsigned)toupper(c) : c; }
unsigned CRT_EXPORT _mbbtombc(unsigned c) { return c; }
size_t CRT_EXPORT _mbclen(const uchar *s) { (void)s; return 1; }
void CRT_EXPORT _mbccpy(uchar *dst, const uchar *src) { *dst = *src; }

size_t CRT_EXPORT _mbslen(const uchar *s) { return strlen((const char *)s); }
size_t CRT_EXPORT _mbstrlen(const char *s) { return strlen(s); }
size_t CRT_EXPORT _mbsnlen(const uchar *s, size_t n) { return strnlen((const char *)s, n); }
size_t CRT_EXPORT _mbsnbcnt(const uchar *s, size_t n) { return strnlen((const char *)s, n); }
size_t CRT_EXPORT _mbsnccnt(const uchar *s, size_t n) { return strnlen((const char *)s, n); }
uchar *CRT_EXPORT _mbschr(const uchar *s, unsigned c) { return (uchar *)strchr((const char *)s, (int)c); }
uchar *CRT_EXPORT _mbsrchr(const uchar *s, unsigned c) { return (uchar *)strrchr((const char *)s, (int)c); }
uchar *CRT_EXPORT _mbsstr(const uchar *s, const uchar *f) { return (uchar *)strstr((const char *)s, (const char *)f); }
int CRT_EXPORT _mbscmp(const uchar *a, const uchar *b) { return strcmp((const char *)a, (const char *)b); }
int CRT_EXPORT _mbsicmp(const uchar *a, const uchar *b) { return _stricmp((const char *)a, (const char *)b); }
int CRT_EXPORT _mbscoll(const uchar *a, const uchar *b) { return strcoll((const char *)a, (const char *)b); }
int CRT_EXPORT _mbsicoll(const uchar *a, const uchar *b) { return _stricoll((const char *)a, (const char *)b); }

int CRT_EXPORT _mbsncmp(const uchar *a, const uchar *b, size_t n)
{
    return strncmp((const char *)a, (const char *)b, n);
}

int CRT_EXPORT _mbsnbcmp(const uchar *a, const uchar *b, size_t n)
{
    return strncmp((const char *)a, (const char *)b, n);
}

int CRT_EXPORT _mbsnicmp(const uchar *a, const uchar *b, size_t n)
{
    return _strnicmp((const char *)a, (const char *)b, n);
}

int CRT_EXPORT _mbsnbicmp(const uchar *a, const uchar *b, size_t n)
{
    return _strnicmp((const char *)a, (const char *)b, n);
}

int CRT_EXPORT _mbsncoll(const uchar *a, const uchar *b, size_t n)
{
    return _strncoll((const char *)a, (const char *)b, n);
}

int CRT_EXPORT _mbsnicoll(const uchar *a, const uchar *b, size_t n)
{
    return _strnicoll((const char *)a, (const char *)b, n);
}

uchar *CRT_EXPORT _mbscpy(uchar *d, const uchar *s) { return (uchar *)strcpy((char *)d, (const char *)s); }
uchar *CRT_EXPORT _mbscat(uchar *d, const uchar *s) { return (uchar *)strcat((char *)d, (const char *)s); }
uchar *CRT_EXPORT _mbsdup(const uchar *s) { return (uchar *)_strdup((const char *)s); }
uchar *CRT_EXPORT _mbslwr(uchar *s) { return (uchar *)_strlwr((char *)s); }
uchar *CRT_EXPORT _mbsupr(uchar *s) { return (uchar *)_strupr((char *)s); }
uchar *CRT_EXPORT _mbsrev(uchar *s) { return (uchar *)_strrev((char *)s); }
uchar *CRT_EXPORT _mbsset(uchar *s, unsigned c) { return (uchar *)_strset((char *)s, (int)c); }
size_t CRT_EXPORT _mbsspn(const uchar *s, const uchar *set) { return strspn((const char *)s, (const char *)set); }
size_t CRT_EXPORT _mbscspn(const uchar *s, const uchar *set) { return strcspn((const char *)s, (const char *)set); }
uchar *CRT_EXPORT _mbstok(uchar *s, const uchar *delim) { return (uchar *)strtok((char *)s, (const char *)delim); }

uchar *CRT_EXPORT _mbspbrk(const uchar *s, const uchar *set)
{
    return (uchar *)strpbrk((const char *)s, (const char *)set);
}

uchar *CRT_EXPORT _mbsnset(uchar *s, unsigned c, size_t n) { return (uchar *)_strnset((char *)s, (int)c, n); }
uchar *CRT_EXPORT _mbsnbset(uchar *s, unsigned c, size_t n) { return (uchar *)_strnset((char *)s, (int)c, n); }

uchar *CRT_EXPORT _mbsncpy(uchar *d, const uchar *s, size_t n)
{
    return (uchar *)strncpy((char *)d, (const char *)s, n);
}

uchar *CRT_EXPORT _mbsnbcpy(uchar *d, const uchar *s, size_t n)
{
    return (uchar *)strncpy((char *)d, (const char *)s, n);
}

uchar *CRT_EXPORT _mbsncat(uchar *d, const uchar *s, size_t n)
{
    return (uchar *)strncat((char *)d, (const char *)s, n);
}

uchar *CRT_EXPORT _mbsnbcat(uchar *d, const uchar *s, size_t n)
{
    return (uchar *)strncat((char *)d, (const char *)s, n);
}

int CRT_EXPORT _mbscpy_s(uchar *d, size_t size, const uchar *s)
{
    return strcpy_s((char *)d, size, (const char *)s);
}

int CRT_EXPORT _mbscat_s(uchar *d, size_t size, const uchar *s)
{
    return strcat_s((char *)d, size, (const char *)s);
}

int CRT_EXPORT _mbsnbcpy_s(uchar *d, size_t size, const uchar *s, size_t n)
{
    return strncpy_s((char *)d, size, (const char *)s, n);
}

/* Character steps: one byte each. */
uchar *CRT_EXPORT _mbsinc(const uchar *p) { return (uchar *)p + 1; }
uchar *CRT_EXPORT _mbsninc(const uchar *p, size_t n) { return p ? (uchar *)p + _mbsnlen(p, n) : NULL; }
uchar *CRT_EXPORT _mbsdec(const uchar *start, const uchar *p) { return p > start ? (uchar *)p - 1 : NULL; }
unsigned CRT_EXPORT _mbsnextc(const uchar *p) { return *p; }
