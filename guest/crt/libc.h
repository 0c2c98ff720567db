/*
 * What the string, ctype, stdlib, locale and time sources of the CRT share among themselves (not exported): the
 * current locale's single-byte tables and code page, and the few standard functions they call across files.
 */
#ifndef WOW64EMU_CRT_LIBC_H
#define WOW64EMU_CRT_LIBC_H

/* mingw-w64's <ctype.h>, which <windows.h> brings, would make macros of the functions and data defined here. */
#define _CTYPE_DISABLE_MACROS
/* ... and its other headers should declare the data and the _s functions as mingw-w64's own CRT sees them. */
#define _MSVCRT_
#define __LIBMSVCRT__
#include "crt.h"
#undef __mb_cur_max
#undef MB_CUR_MAX
#undef _sys_errlist
#undef _sys_nerr
#undef _timezone
#undef _daylight
#undef _dstbias
#undef _tzname

/* The classification bits of _pctype (ctype.h). */
#define CT_UPPER 0x1
#define CT_LOWER 0x2
#define CT_DIGIT 0x4
#define CT_SPACE 0x8
#define CT_PUNCT 0x10
#define CT_CONTROL 0x20
#define CT_BLANK 0x40
#define CT_HEX 0x80
#define CT_LEADBYTE 0x8000
#define CT_ALPHA (0x0100 | CT_UPPER | CT_LOWER)

/* The current locale of the process (locale.c). codepage is 0 in the "C" locale of LC_CTYPE, where bytes are the
 * code points U+0000-U+00FF; ctype is the 257-entry table, indexed from -1 (EOF). */
struct crt_ctype_state {
    unsigned codepage;                      /* LC_CTYPE's code page, 0 for "C" */
    unsigned collate_cp;                    /* LC_COLLATE's code page, 0 for "C" */
    LCID handle_ctype, handle_collate;      /* the LCIDs of LC_CTYPE and LC_COLLATE, 0 for "C" */
    const unsigned short *ctype;            /* &table[1]: ctype[-1] is EOF's entry */
    const unsigned char *lower, *upper;     /* 256 bytes each; NULL in "C", where only ASCII letters map */
};
extern struct crt_ctype_state crt_ctype;

static inline int crt_lower_byte(unsigned char c)
{
    if (crt_ctype.lower)
        return crt_ctype.lower[c];
    return c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c;
}

static inline int crt_upper_byte(unsigned char c)
{
    if (crt_ctype.upper)
        return crt_ctype.upper[c];
    return c >= 'a' && c <= 'z' ? c - ('a' - 'A') : c;
}

/* The byte table (from -1) and the case mapping of a _locale_t, NULL for the current locale (locale.c). */
const unsigned short *crt_locale_ctype(const void *locale);
int crt_locale_case(const void *locale, int c, int upper);

/* LC_TIME's locale (0 for "C"), whose date and time formats strftime's %c, %x and %X use (locale.c). */
LCID crt_lc_time_lcid(void);

/* The multibyte code page (_getmbcp; mbstring.c): setlocale sets it with LC_CTYPE. */
extern unsigned crt_mbcp;

/* A byte of the current code page as a UTF-16 unit and back (locale.c): -1 when it has none. */
int crt_byte_to_wide(unsigned char c);
int crt_wide_to_byte(wchar_t c);

/* struct tm (time.h), and the time functions' shared pieces (time_tm.c). */
struct crt_tm {
    int tm_sec, tm_min, tm_hour, tm_mday, tm_mon, tm_year, tm_wday, tm_yday, tm_isdst;
};
long long crt_days_from_civil(long long year, int month, int day);
void crt_break_down(long long t, struct crt_tm *tm);
void crt_tzset_once(void);
extern long _timezone, _dstbias;
extern int _daylight;
extern char *_tzname[2];
int CRT_EXPORT _localtime64_s(struct crt_tm *tm, const long long *t);
long long CRT_EXPORT _time64(long long *t);
extern const char *const crt_day_names[7][2], *const crt_month_names[12][2];   /* short and long (time_format.c) */

/* Standard functions used across this area's files. */
size_t CRT_EXPORT strlen(const char *s);
size_t CRT_EXPORT wcslen(const wchar_t *s);
void *CRT_EXPORT memcpy(void *dst, const void *src, size_t n);
void *CRT_EXPORT memmove(void *dst, const void *src, size_t n);
void *CRT_EXPORT memset(void *dst, int c, size_t n);
int CRT_EXPORT strcmp(const char *a, const char *b);
int CRT_EXPORT wcscmp(const wchar_t *a, const wchar_t *b);
unsigned short CRT_EXPORT towlower(unsigned short c);
unsigned short CRT_EXPORT towupper(unsigned short c);
int CRT_EXPORT strncmp(const char *a, const char *b, size_t n);
char *CRT_EXPORT strchr(const char *s, int c);
char *CRT_EXPORT strcpy(char *dst, const char *src);
char *CRT_EXPORT strcat(char *dst, const char *src);
char *CRT_EXPORT strncat(char *dst, const char *src, size_t n);
int CRT_EXPORT strncpy_s(char *dst, size_t size, const char *src, size_t n);
wchar_t *CRT_EXPORT wcscat(wchar_t *dst, const wchar_t *src);
wchar_t *CRT_EXPORT wcsncat(wchar_t *dst, const wchar_t *src, size_t n);
char *CRT_EXPORT _ultoa(unsigned long value, char *buf, int radix);
int CRT_EXPORT _stricmp(const char *a, const char *b);
int CRT_EXPORT _wcsicmp(const wchar_t *a, const wchar_t *b);

#endif
