/*
 * Character classification, <ctype.h> and <wctype.h>. Bytes are classified by the current locale's table
 * (_pctype, 257 entries from EOF: the "C" table below, or the one locale.c builds for a code page); wide
 * characters below 256 by the Latin-1 table _pwctype, the others by GetStringTypeW, whose CT_CTYPE1 bits are the
 * CRT's (_UPPER = C1_UPPER, ...). Programs built against msvcrt's headers read _pctype and __mb_cur_max directly.
 */
#include "libc.h"

#define CTRL CT_CONTROL
#define PUNCT CT_PUNCT
#define UPPER (CT_ALPHA & ~CT_LOWER)
#define LOWER (CT_ALPHA & ~CT_UPPER)
#define DIGIT (CT_DIGIT | CT_HEX)

/* The tables are written as ranges with exceptions after them. */
#pragma GCC diagnostic ignored "-Woverride-init"

/* The "C" locale: ASCII only, 0x80-0xFF nothing. Index 0 is EOF's entry. */
const unsigned short crt_c_ctype[257] = {
    [1 + 0x00 ... 1 + 0x1F] = CTRL,
    [1 + '\t'] = CTRL | CT_SPACE,
    [1 + '\n' ... 1 + '\r'] = CTRL | CT_SPACE,
    [1 + ' '] = CT_SPACE | CT_BLANK,
    [1 + '!' ... 1 + '~'] = PUNCT,
    [1 + '0' ... 1 + '9'] = DIGIT,
    [1 + 'A' ... 1 + 'Z'] = UPPER,
    [1 + 'A' ... 1 + 'F'] = UPPER | CT_HEX,
    [1 + 'a' ... 1 + 'z'] = LOWER,
    [1 + 'a' ... 1 + 'f'] = LOWER | CT_HEX,
    [1 + 0x7F] = CTRL,
};

/* U+0000-U+00FF as the wide functions classify them (Latin-1: the C1 controls, letters from U+00C0). */
static const unsigned short latin1_wctype[256] = {
    [0x00 ... 0x1F] = CTRL,
    ['\t'] = CTRL | CT_SPACE,
    ['\n' ... '\r'] = CTRL | CT_SPACE,
    [' '] = CT_SPACE | CT_BLANK,
    ['!' ... '~'] = PUNCT,
    ['0' ... '9'] = DIGIT,
    ['A' ... 'Z'] = UPPER,
    ['A' ... 'F'] = UPPER | CT_HEX,
    ['a' ... 'z'] = LOWER,
    ['a' ... 'f'] = LOWER | CT_HEX,
    [0x7F ... 0x9F] = CTRL,
    [0xA0] = CT_SPACE | CT_BLANK,
    [0xA1 ... 0xBF] = PUNCT,
    [0xAA] = LOWER, [0xB5] = LOWER, [0xBA] = LOWER,
    [0xB2] = CT_DIGIT | PUNCT, [0xB3] = CT_DIGIT | PUNCT, [0xB9] = CT_DIGIT | PUNCT,
    [0xC0 ... 0xDE] = UPPER,
    [0xD7] = PUNCT,
    [0xDF ... 0xFF] = LOWER,
    [0xF7] = PUNCT,
};

/* The data programs import (DATA exports). */
unsigned short *_pctype = (unsigned short *)crt_c_ctype + 1;
unsigned short *_pwctype = (unsigned short *)latin1_wctype;
extern const unsigned short _ctype[257] __attribute__((alias("crt_c_ctype")));

unsigned short *CRT_EXPORT __pctype_func(void)
{
    return _pctype;
}

unsigned short **CRT_EXPORT __p__pctype(void)
{
    return &_pctype;
}

unsigned short *CRT_EXPORT __pwctype_func(void)
{
    return _pwctype;
}

unsigned short **CRT_EXPORT __p__pwctype(void)
{
    return &_pwctype;
}

/* --- bytes ------------------------------------------------------------------------------------------------ */

int CRT_EXPORT _isctype(int c, int mask)
{
    if (c < -1 || c > 255)
        return 0;
    return crt_ctype.ctype[c] & mask;
}

#define CLASSIFY(name, mask) \
    int CRT_EXPORT name(int c) { return _isctype(c, mask); }
CLASSIFY(isalpha, CT_ALPHA)
CLASSIFY(isupper, CT_UPPER)
CLASSIFY(islower, CT_LOWER)
CLASSIFY(isdigit, CT_DIGIT)
CLASSIFY(isxdigit, CT_HEX)
CLASSIFY(isspace, CT_SPACE)
CLASSIFY(ispunct, CT_PUNCT)
CLASSIFY(isalnum, CT_ALPHA | CT_DIGIT)
CLASSIFY(isprint, CT_ALPHA | CT_DIGIT | CT_PUNCT | CT_BLANK)
CLASSIFY(isgraph, CT_ALPHA | CT_DIGIT | CT_PUNCT)
CLASSIFY(iscntrl, CT_CONTROL)

/* The _l forms: the same with a _locale_t's table. */
int CRT_EXPORT _isctype_l(int c, int mask, _locale_t locale)
{
    if (c < -1 || c > 255)
        return 0;
    return crt_locale_ctype(locale)[c] & mask;
}

#define CLASSIFY_L(name, mask) \
    int CRT_EXPORT name(int c, _locale_t locale) { return _isctype_l(c, mask, locale); }
CLASSIFY_L(_isalpha_l, CT_ALPHA)
CLASSIFY_L(_isupper_l, CT_UPPER)
CLASSIFY_L(_islower_l, CT_LOWER)
CLASSIFY_L(_isdigit_l, CT_DIGIT)
CLASSIFY_L(_isxdigit_l, CT_HEX)
CLASSIFY_L(_isspace_l, CT_SPACE)
CLASSIFY_L(_ispunct_l, CT_PUNCT)
CLASSIFY_L(_isalnum_l, CT_ALPHA | CT_DIGIT)
CLASSIFY_L(_isprint_l, CT_ALPHA | CT_DIGIT | CT_PUNCT | CT_BLANK)
CLASSIFY_L(_isgraph_l, CT_ALPHA | CT_DIGIT | CT_PUNCT)
CLASSIFY_L(_iscntrl_l, CT_CONTROL)

int CRT_EXPORT _toupper_l(int c, _locale_t locale)
{
    return c < 0 || c > 255 ? c : crt_locale_case(locale, c, 1);
}

int CRT_EXPORT _tolower_l(int c, _locale_t locale)
{
    return c < 0 || c > 255 ? c : crt_locale_case(locale, c, 0);
}

/* isblank: the table's blanks and the tab, which is not CT_BLANK there (so isprint is false for it). */
int CRT_EXPORT isblank(int c)
{
    return c == '\t' ? CT_BLANK : _isctype(c, CT_BLANK);
}

/* __iscsym and __iscsymf: identifier characters. */
int CRT_EXPORT __iscsym(int c)
{
    return _isctype(c, CT_ALPHA | CT_DIGIT) || c == '_';
}

int CRT_EXPORT __iscsymf(int c)
{
    return _isctype(c, CT_ALPHA) || c == '_';
}

int CRT_EXPORT __isascii(int c)
{
    return (unsigned)c < 0x80;
}

int CRT_EXPORT __toascii(int c)
{
    return c & 0x7F;
}

/* Outside 0..255 (EOF included) toupper and tolower give c back. */
int CRT_EXPORT toupper(int c)
{
    return c < 0 || c > 255 ? c : crt_upper_byte((unsigned char)c);
}

int CRT_EXPORT tolower(int c)
{
    return c < 0 || c > 255 ? c : crt_lower_byte((unsigned char)c);
}

/* _toupper and _tolower only move ASCII letters' case bit: meaningful for letters of the other case only. */
int CRT_EXPORT _toupper(int c)
{
    return c - 'a' + 'A';
}

int CRT_EXPORT _tolower(int c)
{
    return c - 'A' + 'a';
}

/* --- wide characters ------------------------------------------------------------------------------------ */

int CRT_EXPORT iswctype(unsigned short c, unsigned short mask)
{
    WORD type;

    if (c == CRT_WEOF)
        return 0;
    if (c < 256)
        return latin1_wctype[c] & mask;
    if (!GetStringTypeW(CT_CTYPE1, (const wchar_t *)&c, 1, &type))
        return 0;
    return type & mask;
}

int CRT_EXPORT is_wctype(unsigned short c, unsigned short mask)
{
    return iswctype(c, mask);
}

int CRT_EXPORT _iswctype_l(unsigned short c, unsigned short mask, void *locale)
{
    (void)locale;
    return iswctype(c, mask);
}

#define WCLASSIFY(name, mask) \
    int CRT_EXPORT name(unsigned short c) { return iswctype(c, mask); } \
    int CRT_EXPORT _##name##_l(unsigned short c, _locale_t l) { (void)l; return iswctype(c, mask); }
WCLASSIFY(iswalpha, CT_ALPHA)
WCLASSIFY(iswupper, CT_UPPER)
WCLASSIFY(iswlower, CT_LOWER)
WCLASSIFY(iswdigit, CT_DIGIT)
WCLASSIFY(iswxdigit, CT_HEX)
WCLASSIFY(iswspace, CT_SPACE)
WCLASSIFY(iswpunct, CT_PUNCT)
WCLASSIFY(iswalnum, CT_ALPHA | CT_DIGIT)
WCLASSIFY(iswprint, CT_ALPHA | CT_DIGIT | CT_PUNCT | CT_BLANK)
WCLASSIFY(iswgraph, CT_ALPHA | CT_DIGIT | CT_PUNCT)
WCLASSIFY(iswcntrl, CT_CONTROL)

int CRT_EXPORT iswblank(unsigned short c)
{
    return c == '\t' ? CT_BLANK : iswctype(c, CT_BLANK);
}

int CRT_EXPORT _iswblank_l(unsigned short c, _locale_t l)
{
    (void)l;
    return iswblank(c);
}

int CRT_EXPORT _isblank_l(int c, _locale_t l)
{
    return c == '\t' ? CT_BLANK : _isctype_l(c, CT_BLANK, l);
}

/* No byte leads a character in the single-byte code pages here. */
int CRT_EXPORT isleadbyte(int c)
{
    return _isctype(c, CT_LEADBYTE);
}

int CRT_EXPORT _isleadbyte_l(int c, _locale_t l)
{
    return _isctype_l(c, CT_LEADBYTE, l);
}

int CRT_EXPORT iswascii(unsigned short c)
{
    return c < 0x80;
}

int CRT_EXPORT __iswcsym(unsigned short c)
{
    return iswctype(c, CT_ALPHA | CT_DIGIT) || c == '_';
}

int CRT_EXPORT __iswcsymf(unsigned short c)
{
    return iswctype(c, CT_ALPHA) || c == '_';
}

/* wctype("alpha") and its kin: the mask iswctype takes; 0 for an unknown name. */
unsigned short CRT_EXPORT wctype(const char *name)
{
    static const struct { char name[8]; unsigned short mask; } classes[] = {
        {"alnum", CT_ALPHA | CT_DIGIT}, {"alpha", CT_ALPHA}, {"blank", CT_BLANK}, {"cntrl", CT_CONTROL},
        {"digit", CT_DIGIT}, {"graph", CT_ALPHA | CT_DIGIT | CT_PUNCT}, {"lower", CT_LOWER},
        {"print", CT_ALPHA | CT_DIGIT | CT_PUNCT | CT_BLANK}, {"punct", CT_PUNCT}, {"space", CT_SPACE},
        {"upper", CT_UPPER}, {"xdigit", CT_HEX},
    };

    for (size_t i = 0; i < sizeof classes / sizeof classes[0]; i++)
        if (!strcmp(name, classes[i].name))
            return classes[i].mask;
    return 0;
}

/* Case of wide characters: ASCII letters only while LC_CTYPE is "C" (as the CRTs do), LCMapStringW otherwise. */
static unsigned short map_case(unsigned short c, DWORD how)
{
    wchar_t in = c, out;

    if (c == CRT_WEOF)
        return c;
    if (!crt_ctype.handle_ctype) {
        if (how == LCMAP_UPPERCASE)
            return c >= 'a' && c <= 'z' ? c - ('a' - 'A') : c;
        return c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c;
    }
    if (LCMapStringW(crt_ctype.handle_ctype, how, &in, 1, &out, 1) != 1)
        return c;
    return out;
}

unsigned short CRT_EXPORT towupper(unsigned short c)
{
    return map_case(c, LCMAP_UPPERCASE);
}

unsigned short CRT_EXPORT towlower(unsigned short c)
{
    return map_case(c, LCMAP_LOWERCASE);
}

unsigned short CRT_EXPORT _towupper_l(unsigned short c, _locale_t locale) { (void)locale; return towupper(c); }
unsigned short CRT_EXPORT _towlower_l(unsigned short c, _locale_t locale) { (void)locale; return towlower(c); }

/* wctrans("toupper") is 1 and ("tolower") 2; towctrans maps by it (0 leaves c). */
unsigned short CRT_EXPORT wctrans(const char *name)
{
    return !strcmp(name, "toupper") ? 1 : !strcmp(name, "tolower") ? 2 : 0;
}

unsigned short CRT_EXPORT towctrans(unsigned short c, unsigned short how)
{
    return how == 1 ? towupper(c) : how == 2 ? towlower(c) : c;
}
