/*
 * kernel32: comparing strings, CompareStringW, CompareStringEx, CompareStringA and CompareStringOrdinal, and the
 * sort keys of LCMapString (LCMAP_SORTKEY), which order as CompareString does (memcmp of two keys gives the same
 * answer as CompareString of the two strings, with the same flags).
 *
 * Windows sorts by levels, as this does: first the letters and symbols (the primary weights), then the
 * diacritics, then the case (and width and kana type), then the "special" characters hyphen and apostrophe, which
 * a word sort (the default) sets aside so that "coop" and "co-op" sort together (SORT_STRINGSORT sorts them as
 * symbols). Primary weights: symbols, punctuation and spaces first (in code-point order), then digits, then letters
 * (a precomposed letter as its base letter, both cases alike, in code-point order of the lower case, so that a-z
 * come in alphabetical order and the other letters after z). Diacritic weight: the combining mark of a precomposed
 * letter, or of a combining mark U+0300-U+036F that follows a character; case: lower case before upper case,
 * then fullwidth after halfwidth, then katakana after hiragana. Controls, format characters, unassigned
 * characters and other combining marks are ignored. Flags: NORM_IGNORECASE / LINGUISTIC_IGNORECASE (no case
 * level), NORM_IGNORENONSPACE / LINGUISTIC_IGNOREDIACRITIC (no diacritic level), NORM_IGNORESYMBOLS (symbols,
 * punctuation and spaces ignored), NORM_IGNOREWIDTH, NORM_IGNOREKANATYPE, SORT_STRINGSORT; NORM_LINGUISTIC_CASING
 * and SORT_DIGITSASNUMBERS are accepted (digits are compared one by one). Any other flag is ERROR_INVALID_FLAGS.
 *
 * What is not Windows' table: Windows orders symbols, and letters beyond a-z, by its own weights (ß as "ss", æ as
 * "ae", the alphabets one after another), and its keys hold other bytes. The order of ASCII letters and digits,
 * of case and of accents, and what is equal, are Windows'.
 *
 * The locale (LCID or name) is not looked at: every locale sorts as en-US. The results are CSTR_LESS_THAN (1),
 * CSTR_EQUAL (2), CSTR_GREATER_THAN (3), or 0 with ERROR_INVALID_PARAMETER for a NULL string.
 */
#define _KERNEL32_          /* windows.h declares our own exports without dllimport */
#include "k32nls.h"

enum { PRIMARY, DIACRITIC, CASE, SPECIAL, LEVELS };

#define MAX_POSITION 0x3FFFFF               /* a special character's position, as its weight holds it */

/* A string being read at one level: its flags, where it is, and how many characters with weights it passed. */
struct cursor {
    const WCHAR *s;
    int n, i;
    DWORD flags;
    DWORD position;
};

/* The weight of the next entry at `level` ((position << 8 | character) at the special level); FALSE at the end. */
static BOOL next_weight(struct cursor *c, int level, DWORD *weight)
{
    while (c->i < c->n) {
        WCHAR ch = c->s[c->i++], lower;
        enum nls_class class = nls_sort_class(ch);
        const struct nls_decomposition *d = nls_decomposition(ch);
        DWORD primary, diacritic = d && d->mark <= 0x036F ? 3u + (d->mark - 0x0300u) : 2, cases = 2;

        if (class == NLS_IGNORED)
            continue;
        if ((ch == '-' || ch == '\'') && !(c->flags & SORT_STRINGSORT)) {
            if (c->flags & NORM_IGNORESYMBOLS)
                continue;
            if (level == SPECIAL) {
                *weight = (c->position < MAX_POSITION ? c->position : MAX_POSITION) << 8 | ch;
                return TRUE;
            }
            continue;
        }
        if (class == NLS_SYMBOL && c->flags & NORM_IGNORESYMBOLS)
            continue;
        if (d)
            ch = d->base;
        if (ch >= 0xFF01 && ch <= 0xFF5E) {                         /* fullwidth ASCII */
            ch -= 0xFEE0;
            cases += c->flags & NORM_IGNOREWIDTH ? 0 : 4;
        }
        if (ch >= 0x30A1 && ch <= 0x30F6) {                         /* katakana: as hiragana */
            ch -= 0x60;
            cases += c->flags & NORM_IGNOREKANATYPE ? 0 : 8;
        }
        lower = nls_lower(ch);
        cases += lower != ch;
        primary = class == NLS_LETTER ? 0x040000u | lower : (DWORD)(class == NLS_DIGIT ? 0x030000 : 0x020000) | ch;
        if (c->i < c->n && c->s[c->i] >= 0x0300 && c->s[c->i] <= 0x036F && diacritic == 2)
            diacritic = 3u + (c->s[c->i++] - 0x0300u);              /* a combining mark after it */
        c->position++;
        if (level == SPECIAL)
            continue;
        *weight = level == PRIMARY ? primary : level == DIACRITIC ? diacritic : cases;
        return TRUE;
    }
    return FALSE;
}

static BOOL level_ignored(int level, DWORD flags)
{
    return (level == DIACRITIC && flags & (NORM_IGNORENONSPACE | LINGUISTIC_IGNOREDIACRITIC))
           || (level == CASE && flags & (NORM_IGNORECASE | LINGUISTIC_IGNORECASE));
}

static int compare(const WCHAR *s1, int n1, const WCHAR *s2, int n2, DWORD flags)
{
    for (int level = PRIMARY; level < LEVELS; level++) {
        struct cursor a = { s1, n1, 0, flags, 0 }, b = { s2, n2, 0, flags, 0 };
        if (level_ignored(level, flags))
            continue;
        for (;;) {
            DWORD wa, wb;
            BOOL more_a = next_weight(&a, level, &wa), more_b = next_weight(&b, level, &wb);
            if (!more_a || !more_b) {
                if (more_a != more_b)
                    return more_a ? CSTR_GREATER_THAN : CSTR_LESS_THAN;
                break;
            }
            if (wa != wb)
                return wa < wb ? CSTR_LESS_THAN : CSTR_GREATER_THAN;
        }
    }
    return CSTR_EQUAL;
}

/* The bytes of an entry at each level, big-endian, the first one at least 2 (1 separates the levels). */
static const int entry_bytes[LEVELS] = { 3, 1, 1, 4 };

int nls_sort_key(const WCHAR *src, int n, DWORD flags, BYTE *dst, int size)
{
    int length = 0;

    for (int level = PRIMARY; level < LEVELS; level++) {
        struct cursor c = { src, n, 0, flags, 0 };
        DWORD weight;
        while (!level_ignored(level, flags) && next_weight(&c, level, &weight)) {
            if (level == SPECIAL)
                weight += 0x02000000;
            for (int k = entry_bytes[level] - 1; k >= 0; k--, length++)
                if (size && length < size)
                    dst[length] = (BYTE)(weight >> (8 * k));
        }
        if (size && length < size)
            dst[length] = level == SPECIAL ? 0 : 1;
        length++;
    }
    return !size || length <= size ? length : 0;
}

int WINAPI CompareStringEx(LPCWSTR locale, DWORD flags, LPCWCH s1, int n1, LPCWCH s2, int n2,
                           LPNLSVERSIONINFO version, LPVOID reserved, LPARAM param)
{
    (void)locale;
    (void)version;
    (void)reserved;
    (void)param;
    if (!s1 || !s2) {
        SetLastError(ERROR_INVALID_PARAMETER);
        return 0;
    }
    if (flags & ~NLS_COMPARE_FLAGS) {
        SetLastError(ERROR_INVALID_FLAGS);
        return 0;
    }
    return compare(s1, nls_length(s1, n1, FALSE), s2, nls_length(s2, n2, FALSE), flags);
}

int WINAPI CompareStringW(LCID locale, DWORD flags, PCNZWCH s1, int n1, PCNZWCH s2, int n2)
{
    (void)locale;
    return CompareStringEx(NULL, flags, s1, n1, s2, n2, NULL, NULL, 0);
}

/* The strings in code page 1252 (LOCALE_USE_CP_ACP changes nothing: it is every locale's ANSI code page). */
int WINAPI CompareStringA(LCID locale, DWORD flags, PCNZCH s1, int n1, PCNZCH s2, int n2)
{
    WCHAR buf1[256], buf2[256], *w1, *w2;
    int result = 0;

    (void)locale;
    if (!s1 || !s2) {
        SetLastError(ERROR_INVALID_PARAMETER);
        return 0;
    }
    if (flags & ~(NLS_COMPARE_FLAGS | LOCALE_USE_CP_ACP)) {
        SetLastError(ERROR_INVALID_FLAGS);
        return 0;
    }
    if (n1 < 0)
        for (n1 = 0; s1[n1]; n1++)
            ;
    if (n2 < 0)
        for (n2 = 0; s2[n2]; n2++)
            ;
    if ((w1 = nls_wide_copy(s1, n1, buf1, 256))) {
        if ((w2 = nls_wide_copy(s2, n2, buf2, 256))) {
            result = compare(w1, n1, w2, n2, flags & ~LOCALE_USE_CP_ACP);
            nls_free_wide(w2, buf2);
        }
        nls_free_wide(w1, buf1);
    }
    return result;
}

/* Code unit by code unit; ignore_case compares the simple upper cases. */
int WINAPI CompareStringOrdinal(LPCWCH s1, int n1, LPCWCH s2, int n2, BOOL ignore_case)
{
    int n;

    if (!s1 || !s2) {
        SetLastError(ERROR_INVALID_PARAMETER);
        return 0;
    }
    n1 = nls_length(s1, n1, FALSE);
    n2 = nls_length(s2, n2, FALSE);
    n = n1 < n2 ? n1 : n2;
    for (int i = 0; i < n; i++) {
        WCHAR a = ignore_case ? nls_upper(s1[i]) : s1[i], b = ignore_case ? nls_upper(s2[i]) : s2[i];
        if (a != b)
            return a < b ? CSTR_LESS_THAN : CSTR_GREATER_THAN;
    }
    return n1 == n2 ? CSTR_EQUAL : n1 < n2 ? CSTR_LESS_THAN : CSTR_GREATER_THAN;
}
