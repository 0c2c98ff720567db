/*
 * Locales: setlocale and _wsetlocale, localeconv, the code page queries, and small _locale_t objects. The process
 * has one locale (per-thread locales are not kept apart). A locale is "C" or a locale the system has (LCID;
 * kernel32 has English_United States only) with a single-byte code page (1252 by default); its name is
 * written as Windows' CRTs write it ("English_United States.1252"), and when the categories differ LC_ALL reads
 * "LC_COLLATE=...;LC_CTYPE=...;LC_MONETARY=...;LC_NUMERIC=...;LC_TIME=...". LC_CTYPE's code page gives the
 * byte tables (_pctype, case) built from kernel32's GetStringTypeW and LCMapStringW of the bytes' characters.
 */
#include "libc.h"

enum { LC_ALL_, LC_COLLATE_, LC_CTYPE_, LC_MONETARY_, LC_NUMERIC_, LC_TIME_, LC_COUNT_ };
#define NAME_MAX_ 100

extern const unsigned short crt_c_ctype[257];
extern unsigned short *_pctype;

struct crt_ctype_state crt_ctype = {0, 0, 0, 0, crt_c_ctype + 1, NULL, NULL};

/* One category's locale. */
struct locale_id {
    LCID lcid;                      /* 0: "C" */
    unsigned cp;
    char name[NAME_MAX_];
};

static struct locale_id current[LC_COUNT_] = {
    [LC_COLLATE_ ... LC_TIME_] = {0, 0, "C"},
};

/* msvcrt's data and the functions that read it. */
int __mb_cur_max = 1;
unsigned int __lc_codepage;
unsigned int __lc_collate_cp;
unsigned long __lc_handle[LC_COUNT_];

int CRT_EXPORT ___mb_cur_max_func(void) { return __mb_cur_max; }

/* The UCRT's per-category locale names (wide; NULL for "C"), as ___lc_locale_name_func gives them. */
static wchar_t *locale_names[LC_COUNT_];
static wchar_t locale_name_text[LC_COUNT_][NAME_MAX_];

wchar_t **CRT_EXPORT ___lc_locale_name_func(void) { return locale_names; }

LCID crt_lc_time_lcid(void)
{
    return current[LC_TIME_].lcid;
}
int *CRT_EXPORT __p___mb_cur_max(void) { return &__mb_cur_max; }
unsigned int CRT_EXPORT ___lc_codepage_func(void) { return __lc_codepage; }
unsigned int CRT_EXPORT ___lc_collate_cp_func(void) { return __lc_collate_cp; }
unsigned long *CRT_EXPORT ___lc_handle_func(void) { return __lc_handle; }

/* --- the tables of a code page ---------------------------------------------------------------------------- */

struct cp_tables {
    unsigned cp;
    unsigned short ctype[257];
    unsigned char lower[256], upper[256];
    wchar_t wide[256];              /* the byte's character, 0xFFFF when the code page has none */
};

/* Built once per code page and kept (a _locale_t may point at them). */
static struct cp_tables *tables[8];

static struct cp_tables *tables_of(unsigned cp, LCID lcid)
{
    struct cp_tables *t;
    char byte;
    wchar_t mapped;
    WORD type;
    size_t slot;

    for (slot = 0; slot < sizeof tables / sizeof tables[0] && tables[slot]; slot++)
        if (tables[slot]->cp == cp)
            return tables[slot];
    if (slot == sizeof tables / sizeof tables[0] || !(t = crt_zalloc(sizeof *t)))
        return NULL;
    t->cp = cp;
    for (int c = 0; c < 256; c++) {
        byte = (char)c;
        t->lower[c] = t->upper[c] = (unsigned char)c;
        if (MultiByteToWideChar(cp, MB_ERR_INVALID_CHARS, &byte, 1, &t->wide[c], 1) != 1) {
            t->wide[c] = 0xFFFF;
            continue;
        }
        if (GetStringTypeW(CT_CTYPE1, &t->wide[c], 1, &type))
            t->ctype[c + 1] = type & 0x1FF;
        /* The case of a byte is the case of its character when that is a byte of the code page too. */
        for (int u = 0; u < 2; u++) {
            BOOL lost = FALSE;
            char back;

            if (LCMapStringW(lcid, u ? LCMAP_UPPERCASE : LCMAP_LOWERCASE, &t->wide[c], 1, &mapped, 1) != 1
                || mapped == t->wide[c])
                continue;
            if (WideCharToMultiByte(cp, 0, &mapped, 1, &back, 1, NULL, &lost) == 1 && !lost)
                (u ? t->upper : t->lower)[c] = (unsigned char)back;
        }
    }
    tables[slot] = t;
    return t;
}

int crt_byte_to_wide(unsigned char c)
{
    if (!crt_ctype.codepage)
        return c;
    for (size_t i = 0; i < sizeof tables / sizeof tables[0] && tables[i]; i++)
        if (tables[i]->cp == crt_ctype.codepage)
            return tables[i]->wide[c] == 0xFFFF ? -1 : tables[i]->wide[c];
    return -1;
}

int crt_wide_to_byte(wchar_t c)
{
    char byte;
    BOOL lost = FALSE;

    if (!crt_ctype.codepage)
        return c < 256 ? c : -1;
    if (WideCharToMultiByte(crt_ctype.codepage, WC_NO_BEST_FIT_CHARS, &c, 1, &byte, 1, NULL, &lost) != 1 || lost)
        return -1;
    return (unsigned char)byte;
}

/* --- names ---------------------------------------------------------------------------------------------------- */

/* The languages and countries the names may use, with their abbreviations (LOCALE_SABBREVLANGNAME and
 * LOCALE_SABBREVCTRYNAME, "ENU_USA") and LCIDs (all with code page 1252); setlocale takes those the system has. */
static const struct {
    const char *language, *country, *tag, *lang_abbrev, *country_abbrev;
    LCID lcid;
} known[] = {
    {"English", "United States", "en-US", "ENU", "USA", 0x0409},
    {"English", "United Kingdom", "en-GB", "ENG", "GBR", 0x0809},
    {"German", "Germany", "de-DE", "DEU", "DEU", 0x0407},
    {"French", "France", "fr-FR", "FRA", "FRA", 0x040C},
    {"Spanish", "Spain", "es-ES", "ESN", "ESP", 0x0C0A},
    {"Italian", "Italy", "it-IT", "ITA", "ITA", 0x0410},
    {"Dutch", "Netherlands", "nl-NL", "NLD", "NLD", 0x0413},
};

/* The CRTs' other names of English (United States): "american" and its kin. */
static const char *const american[] = {"american", "american english", "american-english", "english-american",
                                       "english-us", "english-usa"};

/* Case-blind comparison of n characters of a with all of b (ASCII). */
static int same_name(const char *a, size_t n, const char *b)
{
    size_t i;

    for (i = 0; i < n && b[i]; i++)
        if ((a[i] | 0x20) != (b[i] | 0x20))
            return 0;
    return i == n && !b[i];
}

static unsigned parse_cp(const char *s)
{
    unsigned cp = 0;

    if (same_name(s, strlen(s), "ACP"))
        return GetACP();
    if (same_name(s, strlen(s), "OCP"))
        return GetOEMCP();
    for (; *s; s++) {
        if (*s < '0' || *s > '9' || cp > 100000)
            return 0;
        cp = cp * 10 + (*s - '0');
    }
    return cp;
}

/* A name as setlocale takes it: "C", "" (the user's locale), ".CP", "Language[_Country][.CP]" or (UCRT) "ll-CC";
 * 0 when it names no locale this CRT has. */
static int resolve(const char *s, struct locale_id *out)
{
    const char *dot = NULL, *under = NULL, *p;
    size_t lang_len, i, found = sizeof known / sizeof known[0];
    unsigned cp = 0;
    CPINFO info;
    int tag = 0;

    if (!strcmp(s, "C") || !strcmp(s, "POSIX")) {
        out->lcid = 0;
        out->cp = 0;
        memcpy(out->name, "C", 2);
        return 1;
    }
    for (p = s; *p; p++) {
        if (*p == '.' && !dot)
            dot = p;
        else if (*p == '_' && !under && !dot)
            under = p;
    }
    if (p - s >= NAME_MAX_)
        return 0;
    lang_len = (under ? under : dot ? dot : p) - s;
    if (!lang_len) {                                      /* "" or ".CP": the user's locale */
        LCID user = GetUserDefaultLCID();

        for (i = 0; i < found; i++)
            if (known[i].lcid == user)
                found = i;
        if (found == sizeof known / sizeof known[0])
            found = 0;
    } else {
        for (i = 0; i < found; i++) {
            /* Tags ("en-US") came with Visual C++ 2012's CRT: the UCRT takes them, msvcrt.dll does not. */
            if (!under && !dot && crt_flavor == CRT_UCRT && same_name(s, lang_len, known[i].tag)) {
                found = i;
                tag = 1;
            } else if ((same_name(s, lang_len, known[i].language) || same_name(s, lang_len, known[i].lang_abbrev))
                       && (!under || same_name(under + 1, (dot ? dot : p) - under - 1, known[i].country)
                           || same_name(under + 1, (dot ? dot : p) - under - 1, known[i].country_abbrev))) {
                found = i;
            }
        }
        for (i = 0; i < sizeof american / sizeof american[0] && found == sizeof known / sizeof known[0]; i++)
            if (!under && same_name(s, lang_len, american[i]))
                found = 0;
        if (found == sizeof known / sizeof known[0])
            return 0;
    }
    /* Only the locales the system has (kernel32's: en-US alone in the emulator), as on Windows. */
    if (!IsValidLocale(known[found].lcid, LCID_INSTALLED))
        return 0;
    cp = dot ? parse_cp(dot + 1) : 1252;
    if (!cp || !GetCPInfo(cp, &info) || info.MaxCharSize != 1)
        return 0;                                         /* no multibyte code pages here */
    out->lcid = known[found].lcid;
    out->cp = cp;
    if (tag) {
        strcpy(out->name, known[found].tag);             /* the UCRT's name for a locale named by its tag */
        return 1;
    }
    strcpy(out->name, known[found].language);
    strcat(out->name, "_");
    strcat(out->name, known[found].country);
    strcat(out->name, ".");
    _ultoa(cp, out->name + strlen(out->name), 10);
    return 1;
}

/* LC_ALL's name: the common name, or the composite one when the categories differ. */
static char all_name[6 * (NAME_MAX_ + 16)];

static const char *const category_names[LC_COUNT_] = {
    "LC_ALL", "LC_COLLATE", "LC_CTYPE", "LC_MONETARY", "LC_NUMERIC", "LC_TIME",
};

static const char *compose_all(void)
{
    int same = 1;

    for (int c = LC_CTYPE_; c < LC_COUNT_; c++)
        same &= !strcmp(current[c].name, current[LC_COLLATE_].name);
    if (same) {
        strcpy(all_name, current[LC_COLLATE_].name);
        return all_name;
    }
    all_name[0] = 0;
    for (int c = LC_COLLATE_; c < LC_COUNT_; c++) {
        if (c != LC_COLLATE_)
            strcat(all_name, ";");
        strcat(all_name, category_names[c]);
        strcat(all_name, "=");
        strcat(all_name, current[c].name);
    }
    return all_name;
}

/* --- setting ------------------------------------------------------------------------------------------------ */

static void apply(int category, const struct locale_id *id)
{
    struct cp_tables *t;

    current[category] = *id;
    __lc_handle[category] = id->lcid;
    locale_names[category] = NULL;
    if (id->lcid && LCIDToLocaleName(id->lcid, locale_name_text[category], NAME_MAX_, 0))
        locale_names[category] = locale_name_text[category];
    if (category == LC_COLLATE_) {
        crt_ctype.handle_collate = id->lcid;
        crt_ctype.collate_cp = __lc_collate_cp = id->cp;
    } else if (category == LC_CTYPE_) {
        t = id->lcid ? tables_of(id->cp, id->lcid) : NULL;
        crt_ctype.handle_ctype = t ? id->lcid : 0;
        crt_ctype.codepage = __lc_codepage = t ? id->cp : 0;
        crt_ctype.ctype = t ? t->ctype + 1 : crt_c_ctype + 1;
        crt_ctype.lower = t ? t->lower : NULL;
        crt_ctype.upper = t ? t->upper : NULL;
        _pctype = (unsigned short *)crt_ctype.ctype;
        __mb_cur_max = 1;
        crt_mbcp = crt_ctype.codepage;
    }
}

/* "LC_COLLATE=...;LC_CTYPE=...;...": each category named (the others kept); 0 when malformed. */
static int set_composite(const char *s)
{
    struct locale_id ids[LC_COUNT_];
    int set[LC_COUNT_] = {0};
    char value[NAME_MAX_];
    const char *eq, *end;

    while (*s) {
        int c;

        eq = strchr(s, '=');
        if (!eq)
            return 0;
        for (c = LC_COLLATE_; c < LC_COUNT_ && !same_name(s, eq - s, category_names[c]); c++)
            ;
        if (c == LC_COUNT_)
            return 0;
        end = strchr(eq + 1, ';');
        if (!end)
            end = eq + 1 + strlen(eq + 1);
        if ((size_t)(end - eq - 1) >= sizeof value)
            return 0;
        memcpy(value, eq + 1, end - eq - 1);
        value[end - eq - 1] = 0;
        if (!resolve(value, &ids[c]))
            return 0;
        set[c] = 1;
        s = *end ? end + 1 : end;
    }
    for (int c = LC_COLLATE_; c < LC_COUNT_; c++)
        if (set[c])
            apply(c, &ids[c]);
    return 1;
}

char *CRT_EXPORT setlocale(int category, const char *locale)
{
    struct locale_id id;
    char *result = NULL;

    if (category < LC_ALL_ || category >= LC_COUNT_) {
        if (crt_flavor == CRT_UCRT)
            crt_invalid_parameter(CRT_EINVAL);
        return NULL;
    }
    _lock(CRT_LOCK_LOCALE);
    if (!locale)
        result = category == LC_ALL_ ? (char *)compose_all() : current[category].name;
    else if (category == LC_ALL_ && !strncmp(locale, "LC_", 3)) {
        if (set_composite(locale))
            result = (char *)compose_all();
    } else if (resolve(locale, &id)) {
        if (category == LC_ALL_) {
            for (int c = LC_COLLATE_; c < LC_COUNT_; c++)
                apply(c, &id);
            result = (char *)compose_all();
        } else {
            apply(category, &id);
            result = current[category].name;
        }
    }
    _unlock(CRT_LOCK_LOCALE);
    return result;
}

wchar_t *CRT_EXPORT _wsetlocale(int category, const wchar_t *locale)
{
    static wchar_t wide_result[sizeof all_name];
    char narrow[NAME_MAX_ * 6], *result;

    if (locale && !WideCharToMultiByte(CP_ACP, 0, locale, -1, narrow, sizeof narrow, NULL, NULL))
        return NULL;
    result = setlocale(category, locale ? narrow : NULL);
    if (!result || !MultiByteToWideChar(CP_ACP, 0, result, -1, wide_result, sizeof wide_result / 2))
        return NULL;
    return wide_result;
}

/* --- localeconv -------------------------------------------------------------------------------------------- */

/* struct lconv as the CRTs' headers lay it out (the wide members are the UCRT's; msvcrt's ends before them). */
struct crt_lconv {
    char *decimal_point, *thousands_sep, *grouping, *int_curr_symbol, *currency_symbol, *mon_decimal_point;
    char *mon_thousands_sep, *mon_grouping, *positive_sign, *negative_sign;
    char int_frac_digits, frac_digits, p_cs_precedes, p_sep_by_space, n_cs_precedes, n_sep_by_space;
    char p_sign_posn, n_sign_posn;
    wchar_t *_W_decimal_point, *_W_thousands_sep, *_W_int_curr_symbol, *_W_currency_symbol;
    wchar_t *_W_mon_decimal_point, *_W_mon_thousands_sep, *_W_positive_sign, *_W_negative_sign;
};

static struct crt_lconv lconv;

/* The "C" locale's numeric and monetary conventions, and English_United States' (what Windows gives for 0x409,
 * the one locale kernel32 has). */
static void fill_lconv(void)
{
    static char empty[] = "", dot[] = ".", comma[] = ",", three[] = "\3", usd[] = "USD", dollar[] = "$",
                minus[] = "-";
    static wchar_t wempty[] = L"", wdot[] = L".", wcomma[] = L",", wusd[] = L"USD", wdollar[] = L"$",
                   wminus[] = L"-";
    int numeric = current[LC_NUMERIC_].lcid != 0, monetary = current[LC_MONETARY_].lcid != 0;

    lconv.decimal_point = dot;
    lconv._W_decimal_point = wdot;
    lconv.thousands_sep = numeric ? comma : empty;
    lconv._W_thousands_sep = numeric ? wcomma : wempty;
    lconv.grouping = numeric ? three : empty;
    lconv.int_curr_symbol = monetary ? usd : empty;
    lconv._W_int_curr_symbol = monetary ? wusd : wempty;
    lconv.currency_symbol = monetary ? dollar : empty;
    lconv._W_currency_symbol = monetary ? wdollar : wempty;
    lconv.mon_decimal_point = monetary ? dot : empty;
    lconv._W_mon_decimal_point = monetary ? wdot : wempty;
    lconv.mon_thousands_sep = monetary ? comma : empty;
    lconv._W_mon_thousands_sep = monetary ? wcomma : wempty;
    lconv.mon_grouping = monetary ? three : empty;
    lconv.positive_sign = empty;
    lconv._W_positive_sign = wempty;
    lconv.negative_sign = monetary ? minus : empty;
    lconv._W_negative_sign = monetary ? wminus : wempty;
    if (monetary) {
        lconv.int_frac_digits = lconv.frac_digits = 2;
        lconv.p_cs_precedes = lconv.n_cs_precedes = 1;
        lconv.p_sep_by_space = lconv.n_sep_by_space = 0;
        lconv.p_sign_posn = 3;
        lconv.n_sign_posn = 0;                            /* ($1.00) */
    } else {
        lconv.int_frac_digits = lconv.frac_digits = lconv.p_cs_precedes = lconv.p_sep_by_space = 127;
        lconv.n_cs_precedes = lconv.n_sep_by_space = lconv.p_sign_posn = lconv.n_sign_posn = 127;
    }
}

struct crt_lconv *CRT_EXPORT localeconv(void)
{
    fill_lconv();
    return &lconv;
}

int CRT_EXPORT __lconv_init(void)
{
    fill_lconv();
    return 0;
}

/* _configthreadlocale: the mode is remembered (1 per-thread, 2 global) but every thread shares the locale. */
int CRT_EXPORT _configthreadlocale(int mode)
{
    static int thread_mode = 2;
    int old = thread_mode;

    if (mode == 1 || mode == 2)
        thread_mode = mode;
    else if (mode == -1)
        thread_mode = 2;
    else if (mode != 0) {
        crt_invalid_parameter(CRT_EINVAL);
        return -1;
    }
    return old;
}

/* --- _locale_t --------------------------------------------------------------------------------------------- */

/* What mingw-w64's <ctype.h> macros read through a _locale_t: msvcrt's threadlocinfo (pctype and mb_cur_max at
 * their offsets) or the UCRT's three leading members. */
struct msvcrt_locinfo {
    int refcount;
    unsigned lc_codepage, lc_collate_cp;
    unsigned long lc_handle[6];
    unsigned short lc_id[6][3];
    struct { char *locale; wchar_t *wlocale; int *refcount, *wrefcount; } lc_category[6];
    int lc_clike, mb_cur_max;
    int *lconv_intl_refcount, *lconv_num_refcount, *lconv_mon_refcount;
    struct crt_lconv *lconv;
    int *ctype1_refcount;
    unsigned short *ctype1;
    const unsigned short *pctype;
    const unsigned char *pclmap, *pcumap;
    void *lc_time_curr;
};

struct ucrt_locinfo {
    const unsigned short *pctype;
    int mb_cur_max;
    unsigned lc_codepage;
};

struct crt_locale {
    void *locinfo;
    void *mbcinfo;
    union {
        struct msvcrt_locinfo msvcrt;
        struct ucrt_locinfo ucrt;
    } info;
    unsigned char mbcinfo_block[0x120];
};

static struct crt_locale *make_locale(unsigned cp, LCID lcid, const unsigned short *pctype)
{
    struct crt_locale *l = crt_zalloc(sizeof *l);

    if (!l)
        return NULL;
    l->locinfo = &l->info;
    l->mbcinfo = l->mbcinfo_block;
    if (crt_flavor == CRT_UCRT) {
        l->info.ucrt.pctype = pctype;
        l->info.ucrt.mb_cur_max = 1;
        l->info.ucrt.lc_codepage = cp;
    } else {
        l->info.msvcrt.refcount = 1;
        l->info.msvcrt.lc_codepage = cp;
        l->info.msvcrt.lc_handle[LC_CTYPE_] = lcid;
        l->info.msvcrt.lc_clike = 1;
        l->info.msvcrt.mb_cur_max = 1;
        l->info.msvcrt.pctype = pctype;
        l->info.msvcrt.lconv = &lconv;
    }
    return l;
}

/* The byte table and case of a _locale_t (NULL: the current locale's), for the _l functions. */
const unsigned short *crt_locale_ctype(const void *locale)
{
    const struct crt_locale *l = locale;

    if (!l)
        return crt_ctype.ctype;
    return crt_flavor == CRT_UCRT ? l->info.ucrt.pctype : l->info.msvcrt.pctype;
}

int crt_locale_case(const void *locale, int c, int upper)
{
    const struct crt_locale *l = locale;
    unsigned cp;

    if (!l)
        return upper ? crt_upper_byte((unsigned char)c) : crt_lower_byte((unsigned char)c);
    cp = crt_flavor == CRT_UCRT ? l->info.ucrt.lc_codepage : l->info.msvcrt.lc_codepage;
    for (size_t i = 0; cp && i < sizeof tables / sizeof tables[0] && tables[i]; i++)
        if (tables[i]->cp == cp)
            return (upper ? tables[i]->upper : tables[i]->lower)[(unsigned char)c];
    if (upper)
        return c >= 'a' && c <= 'z' ? c - ('a' - 'A') : c;
    return c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c;
}

struct crt_locale *CRT_EXPORT _get_current_locale(void)
{
    return make_locale(crt_ctype.codepage, crt_ctype.handle_ctype, crt_ctype.ctype);
}

struct crt_locale *CRT_EXPORT _create_locale(int category, const char *name)
{
    struct locale_id id;
    struct cp_tables *t;

    if (category < LC_ALL_ || category >= LC_COUNT_ || !name || !resolve(name, &id))
        return NULL;
    if (!id.lcid || (category != LC_ALL_ && category != LC_CTYPE_))
        return make_locale(0, 0, crt_c_ctype + 1);
    t = tables_of(id.cp, id.lcid);
    return t ? make_locale(id.cp, id.lcid, t->ctype + 1) : NULL;
}

struct crt_locale *CRT_EXPORT _wcreate_locale(int category, const wchar_t *name)
{
    char narrow[NAME_MAX_];

    if (!name || !WideCharToMultiByte(CP_ACP, 0, name, -1, narrow, sizeof narrow, NULL, NULL))
        return NULL;
    return _create_locale(category, narrow);
}

void CRT_EXPORT _free_locale(struct crt_locale *locale)
{
    crt_free(locale);
}
