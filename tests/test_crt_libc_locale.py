"""The C runtime's locale and classification (guest/crt: locale.c, ctype.c): setlocale's names (the default "C",
"" as English_United States.1252, composite names when categories differ), localeconv, the code page queries, and
the classification and case of bytes 0x80-0xFF before and after setlocale (none in "C"; after it, code page 1252's
as GetStringTypeW classifies their characters, which is how the CRTs build the table), through the functions and
through the _pctype table mingw-w64's macros read, in both widths, compared with what Windows' msvcrt.dll gives."""

from __future__ import annotations

import pytest

from tests.test_crt_libc import WIDTHS, run

NAMES = r"""
static void set(int category, const char *name)
{
    const char *r = setlocale(category, name);
    put("setlocale("); num(category); put(", "); put(name ? name : "NULL"); put(") -> ");
    put(r ? r : "(null)"); put("\n");
}
int main(void)
{
    char saved[300];
    set(LC_ALL, NULL);
    line("codepage", ___lc_codepage_func());
    set(LC_ALL, "");
    line("codepage", ___lc_codepage_func());
    line("MB_CUR_MAX", MB_CUR_MAX);
    set(LC_CTYPE, "C");
    set(LC_ALL, NULL);
    strcpy(saved, setlocale(LC_ALL, NULL));
    set(LC_CTYPE, NULL);
    set(LC_NUMERIC, NULL);
    line("codepage", ___lc_codepage_func());
    set(LC_ALL, "C");
    set(LC_ALL, saved);
    set(LC_ALL, "Klingon");
    set(LC_ALL, "English");
    set(LC_ALL, "C");
    set(LC_ALL, ".1252");
    set(LC_ALL, "english_united states.1252");
    set(LC_ALL, "German_Germany");                 /* not installed: the system has en-US alone */
    set(LC_ALL, "en-US");
    set(LC_ALL, "american");
    set(LC_ALL, "ENU_USA");
    set(LC_ALL, "english_usa.1252");
    set(LC_TIME, "C");
    set(LC_ALL, "C");
    set(LC_ALL, ".65001x");
    set(99, "C");
    wsline("_wsetlocale", _wsetlocale(LC_ALL, L""));
    return 0;
}
"""

NAMES_OUT = """setlocale(0, NULL) -> C
codepage 0
setlocale(0, ) -> English_United States.1252
codepage 1252
MB_CUR_MAX 1
setlocale(2, C) -> C
setlocale(0, NULL) -> LC_COLLATE=English_United States.1252;LC_CTYPE=C;LC_MONETARY=English_United States.1252;\
LC_NUMERIC=English_United States.1252;LC_TIME=English_United States.1252
setlocale(2, NULL) -> C
setlocale(4, NULL) -> English_United States.1252
codepage 0
setlocale(0, C) -> C
setlocale(0, LC_COLLATE=English_United States.1252;LC_CTYPE=C;LC_MONETARY=English_United States.1252;\
LC_NUMERIC=English_United States.1252;LC_TIME=English_United States.1252) -> LC_COLLATE=English_United States.1252;\
LC_CTYPE=C;LC_MONETARY=English_United States.1252;LC_NUMERIC=English_United States.1252;\
LC_TIME=English_United States.1252
setlocale(0, Klingon) -> (null)
setlocale(0, English) -> English_United States.1252
setlocale(0, C) -> C
setlocale(0, .1252) -> English_United States.1252
setlocale(0, english_united states.1252) -> English_United States.1252
setlocale(0, German_Germany) -> (null)
setlocale(0, en-US) -> (null)
setlocale(0, american) -> English_United States.1252
setlocale(0, ENU_USA) -> English_United States.1252
setlocale(0, english_usa.1252) -> English_United States.1252
setlocale(5, C) -> C
setlocale(0, C) -> C
setlocale(0, .65001x) -> (null)
setlocale(99, C) -> (null)
_wsetlocale [English_United States.1252]
"""


@pytest.mark.parametrize("width", WIDTHS)
def test_setlocale_names(tmp_path, width):
    ran = run(tmp_path, width, NAMES)
    assert (ran.status, ran.stdout) == (0, NAMES_OUT.replace("\\\n", ""))


LCONV = r"""
static void show(void)
{
    struct lconv *l = localeconv();
    sline("decimal_point", l->decimal_point); sline("thousands_sep", l->thousands_sep);
    line("grouping", l->grouping[0]); sline("int_curr_symbol", l->int_curr_symbol);
    sline("currency_symbol", l->currency_symbol); sline("mon_decimal_point", l->mon_decimal_point);
    sline("mon_thousands_sep", l->mon_thousands_sep); sline("negative_sign", l->negative_sign);
    line("int_frac_digits", l->int_frac_digits); line("frac_digits", l->frac_digits);
    line("p_cs_precedes", l->p_cs_precedes); line("n_sign_posn", l->n_sign_posn);
}
int main(void)
{
    show();
    setlocale(LC_ALL, "");
    put("--\n");
    show();
    return 0;
}
"""

LCONV_OUT = """decimal_point [.]
thousands_sep []
grouping 0
int_curr_symbol []
currency_symbol []
mon_decimal_point []
mon_thousands_sep []
negative_sign []
int_frac_digits 127
frac_digits 127
p_cs_precedes 127
n_sign_posn 127
--
decimal_point [.]
thousands_sep [,]
grouping 3
int_curr_symbol [USD]
currency_symbol [$]
mon_decimal_point [.]
mon_thousands_sep [,]
negative_sign [-]
int_frac_digits 2
frac_digits 2
p_cs_precedes 1
n_sign_posn 0
"""


@pytest.mark.parametrize("width", WIDTHS)
def test_localeconv(tmp_path, width):
    ran = run(tmp_path, width, LCONV)
    assert (ran.status, ran.stdout) == (0, LCONV_OUT)


CTYPE = r"""
static const int probes[] = {'a', 'Z', '5', ' ', '\t', '\n', '!', 0x7F, 0x80, 0x81, 0x8A, 0x9A, 0xA0, 0xB2, 0xC0,
                             0xD7, 0xDF, 0xE9, 0xFF, -1};
static void table(void)
{
    int alpha = 0;
    for (int i = 0; probes[i] != -1; i++) {
        int c = probes[i];
        hex(c); put(": "); hex(_pctype[c]); put(" "); hex(isalpha(c) != 0); hex(isupper(c) != 0);
        hex(islower(c) != 0); hex(isdigit(c) != 0); hex(isspace(c) != 0); hex(ispunct(c) != 0);
        hex(isprint(c) != 0); hex(iscntrl(c) != 0); put(" up "); hex(toupper(c)); put(" low "); hex(tolower(c));
        put("\n");
    }
    for (int c = 0; c < 256; c++) alpha += isalpha(c) != 0;
    line("letters", alpha);
    line("EOF", _pctype[-1] + isalpha(-1) + toupper(-1));
}
int main(void)
{
    _locale_t loc;
    table();
    line("_stricmp", _stricmp("\xc9t\xc9", "\xe9T\xe9") != 0);
    setlocale(LC_ALL, "");
    put("--\n");
    table();
    line("_stricmp", _stricmp("\xc9t\xc9", "\xe9T\xe9") != 0);
    {
        char s[] = "\xe9l\xe8ve \xff";
        _strupr(s); put("_strupr ");
        for (int i = 0; s[i]; i++) { hex((unsigned char)s[i]); put(" "); }
        put("\n");
    }
    setlocale(LC_ALL, "C");
    loc = _create_locale(LC_ALL, "English_United States.1252");
    line("_isalpha_l", _isalpha_l(0xE9, loc) != 0);
    line("isalpha C", isalpha(0xE9) != 0);
    _free_locale(loc);
    return 0;
}
"""

CTYPE_OUT = """61: 182 10100010 up 41 low 61
5a: 101 11000010 up 5a low 7a
35: 84 00010010 up 35 low 35
20: 48 00001010 up 20 low 20
9: 28 00001001 up 9 low 9
a: 28 00001001 up a low a
21: 10 00000110 up 21 low 21
7f: 20 00000001 up 7f low 7f
80: 0 00000000 up 80 low 80
81: 0 00000000 up 81 low 81
8a: 0 00000000 up 8a low 8a
9a: 0 00000000 up 9a low 9a
a0: 0 00000000 up a0 low a0
b2: 0 00000000 up b2 low b2
c0: 0 00000000 up c0 low c0
d7: 0 00000000 up d7 low d7
df: 0 00000000 up df low df
e9: 0 00000000 up e9 low e9
ff: 0 00000000 up ff low ff
letters 52
EOF -1
_stricmp 1
--
61: 182 10100010 up 41 low 61
5a: 101 11000010 up 5a low 7a
35: 84 00010010 up 35 low 35
20: 48 00001010 up 20 low 20
9: 68 00001011 up 9 low 9
a: 28 00001001 up a low a
21: 10 00000110 up 21 low 21
7f: 20 00000001 up 7f low 7f
80: 10 00000110 up 80 low 80
81: 20 00000001 up 81 low 81
8a: 101 11000010 up 8a low 9a
9a: 102 10100010 up 8a low 9a
a0: 48 00001010 up a0 low a0
b2: 14 00010110 up b2 low b2
c0: 101 11000010 up c0 low e0
d7: 10 00000110 up d7 low d7
df: 102 10100010 up df low df
e9: 102 10100010 up c9 low e9
ff: 102 10100010 up 9f low ff
letters 126
EOF -1
_stricmp 0
_strupr c9 4c c8 56 45 20 9f \n_isalpha_l 1
isalpha C 0
"""


@pytest.mark.parametrize("width", WIDTHS)
def test_classification_of_bytes_before_and_after_setlocale(tmp_path, width):
    ran = run(tmp_path, width, CTYPE)
    assert (ran.status, ran.stdout) == (0, CTYPE_OUT.replace("\\n", "\n"))


WCTYPE = r"""
int main(void)
{
    line("iswalpha e-acute", iswalpha(0xE9) != 0);
    line("iswalpha hiragana", iswalpha(0x3042) != 0);
    line("iswdigit", iswdigit(L'7') != 0);
    line("iswspace ideographic", iswspace(0x3000) != 0);
    line("iswupper", iswupper(0x100) != 0);
    line("iswlower", iswlower(0x101) != 0);
    line("iswpunct", iswpunct(0x3001) != 0);
    line("iswalpha WEOF", iswalpha(WEOF));
    line("wctype alpha", wctype("alpha"));
    line("wctype bogus", wctype("bogus"));
    line("iswctype", iswctype(L'x', wctype("lower")) != 0);
    line("towupper C", towupper(0xE9));
    line("towlower C", towlower(L'Q'));
    setlocale(LC_ALL, "");
    line("towupper 1252", towupper(0xE9));
    line("towlower 1252", towlower(0x100));
    line("towupper WEOF", towupper(WEOF));
    return 0;
}
"""

WCTYPE_OUT = """iswalpha e-acute 1
iswalpha hiragana 1
iswdigit 1
iswspace ideographic 1
iswupper 1
iswlower 1
iswpunct 1
iswalpha WEOF 0
wctype alpha 259
wctype bogus 0
iswctype 1
towupper C 233
towlower C 113
towupper 1252 201
towlower 1252 257
towupper WEOF 65535
"""


@pytest.mark.parametrize("width", WIDTHS)
def test_wide_classification(tmp_path, width):
    ran = run(tmp_path, width, WCTYPE)
    assert (ran.status, ran.stdout) == (0, WCTYPE_OUT)


COLLATE = r"""
static int sign(int v) { return v < 0 ? -1 : v > 0; }
int main(void)
{
    char k1[64], k2[64];
    wchar_t w1[64], w2[64];
    size_t n1, n2;
    line("C strcoll a B", sign(strcoll("apple", "Banana")));
    line("C wcscoll", sign(wcscoll(L"apple", L"Banana")));
    line("C strxfrm", strxfrm(k1, "apple", sizeof k1));
    setlocale(LC_ALL, "");
    line("strcoll a B", sign(strcoll("apple", "Banana")));
    line("wcscoll", sign(wcscoll(L"apple", L"Banana")));
    line("_stricoll", _stricoll("APPLE", "apple"));
    n1 = strxfrm(k1, "apple", sizeof k1); n2 = strxfrm(k2, "Banana", sizeof k2);
    line("keys", n1 > 5 && n2 > 6);
    /* memcmp, not strcmp: kernel32's sort keys hold 0 bytes inside (Windows' do not) */
    line("strxfrm order", sign(memcmp(k1, k2, (n1 < n2 ? n1 : n2) + 1)));
    line("strxfrm size only", strxfrm(NULL, "apple", 0) == n1);
    n1 = wcsxfrm(w1, L"apple", 64); n2 = wcsxfrm(w2, L"Banana", 64);
    line("wcsxfrm order", sign(wmemcmp(w1, w2, (n1 < n2 ? n1 : n2) + 1)));
    return 0;
}
"""

COLLATE_OUT = """C strcoll a B 1
C wcscoll 1
C strxfrm 5
strcoll a B -1
wcscoll -1
_stricoll 0
keys 1
strxfrm order -1
strxfrm size only 1
wcsxfrm order -1
"""


@pytest.mark.parametrize("width", WIDTHS)
def test_collation_follows_the_locale(tmp_path, width):
    ran = run(tmp_path, width, COLLATE)
    assert (ran.status, ran.stdout) == (0, COLLATE_OUT)
