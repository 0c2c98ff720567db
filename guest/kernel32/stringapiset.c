/*
 * kernel32: MultiByteToWideChar and WideCharToMultiByte, as Windows 10 converts, for the code pages of winnls.c
 * (1252, 437, 20127, UTF-7, UTF-8), and the ANSI conversions the rest of kernel32 uses (k32nls.h).
 *
 * Both functions first check their parameters (no source, a source length of 0, a negative destination size, a
 * size without a buffer, the source and destination at the same address: ERROR_INVALID_PARAMETER), then the code
 * page (unknown: ERROR_INVALID_PARAMETER), then the flags (ERROR_INVALID_FLAGS). A negative source length means
 * a NUL-terminated string, NUL included. A destination size of 0 returns the size the result needs; a
 * destination too small gets what fits and the call fails with ERROR_INSUFFICIENT_BUFFER (a sequence that does
 * not fit whole, a surrogate pair or a UTF-8 sequence, is not written).
 *
 * Single-byte code pages: MB_PRECOMPOSED (the default) and MB_COMPOSITE (exclusive: ERROR_INVALID_FLAGS),
 * MB_USEGLYPHCHARS (437's control bytes as their glyphs), MB_ERR_INVALID_CHARS (a byte whose character does not
 * convert back to it, 20127's 0x80-0xFF, is ERROR_NO_UNICODE_TRANSLATION); WC_NO_BEST_FIT_CHARS,
 * WC_COMPOSITECHECK with WC_SEPCHARS (the default), WC_DISCARDNS or WC_DEFAULTCHAR (a base character and a
 * combining mark U+0300-U+036F as the code page's precomposed byte, when it has one); WC_ERR_INVALID_CHARS is for
 * UTF-8 only (ERROR_INVALID_FLAGS). A character with no byte is its best fit (cptables.py says which), else the
 * default character: *lpDefaultChar or '?', and *lpUsedDefaultChar is set.
 *
 * UTF-8: flags 0 or MB_ERR_INVALID_CHARS / WC_ERR_INVALID_CHARS. An ill-formed sequence (a stray continuation
 * byte, an overlong form, an encoded surrogate, past U+10FFFF, cut short) becomes one U+FFFD per maximal subpart,
 * as Unicode recommends and Windows 10 does; a lone surrogate becomes EF BF BD; with the flag either fails with
 * ERROR_NO_UNICODE_TRANSLATION. UTF-7: flags must be 0; decoding follows Windows' reading (any byte outside a
 * base64 run is the character of that value; a run ends at '-', which is dropped, or at any other byte that is
 * not base64, whose pending bits are dropped, except a byte >= 0x80, whose are kept); encoding writes directly
 * the characters Windows writes directly (letters, digits, space, tab, CR, LF, NUL and '(),-./:?), '+' as "+-",
 * and ends every base64 run with '-'. For both, lpDefaultChar and lpUsedDefaultChar must be NULL
 * (ERROR_INVALID_PARAMETER).
 */
#define _KERNEL32_          /* windows.h declares our own exports without dllimport */
#include "k32nls.h"

/* A destination of `size` units, bytes or WCHARs (0: only count what the result needs). */
struct out {
    void *buf;
    int size;
    int count;
    BOOL wide;
};

/* Appends n units (a sequence written whole or not at all); FALSE when they do not fit. */
static BOOL put(struct out *o, const unsigned *units, int n)
{
    if (o->size && n > o->size - o->count)
        return FALSE;
    if (o->size) {
        for (int i = 0; i < n; i++) {
            if (o->wide)
                ((WCHAR *)o->buf)[o->count + i] = (WCHAR)units[i];
            else
                ((char *)o->buf)[o->count + i] = (char)units[i];
        }
    }
    o->count += n;
    return TRUE;
}

static BOOL put1(struct out *o, unsigned unit)
{
    return put(o, &unit, 1);
}

/* ---- Single-byte code pages ----------------------------------------------------------------------------- */

static BOOL find_pair(const struct nls_pair *pairs, DWORD count, WCHAR ch, BYTE *byte)
{
    DWORD lo = 0, hi = count;

    while (lo < hi) {
        DWORD mid = (lo + hi) / 2;
        if (pairs[mid].ch == ch) {
            *byte = pairs[mid].byte;
            return TRUE;
        }
        if (pairs[mid].ch < ch)
            lo = mid + 1;
        else
            hi = mid;
    }
    return FALSE;
}

BOOL nls_sbcs_byte(const struct nls_sbcs *cp, WCHAR ch, BOOL best_fit, BYTE *byte)
{
    if (ch < 0x80) {
        *byte = (BYTE)ch;
        return TRUE;
    }
    return find_pair(cp->exact, cp->exact_count, ch, byte)
           || (best_fit && find_pair(cp->best_fit, cp->best_fit_count, ch, byte));
}

static WCHAR sbcs_char(const struct nls_sbcs *cp, BYTE byte)
{
    return byte < 0x80 ? byte : cp->high[byte - 0x80];
}

static const struct nls_composite *find_composite_of_byte(const struct nls_sbcs *cp, BYTE byte)
{
    for (DWORD i = 0; i < cp->composite_count; i++)
        if (cp->composites[i].byte == byte)
            return &cp->composites[i];
    return NULL;
}

static const struct nls_composite *find_composite(const struct nls_sbcs *cp, WCHAR base, WCHAR mark)
{
    for (DWORD i = 0; i < cp->composite_count; i++)
        if (cp->composites[i].base == base && cp->composites[i].mark == mark)
            return &cp->composites[i];
    return NULL;
}

static DWORD sbcs_to_wide(const struct nls_sbcs *cp, DWORD flags, const BYTE *src, int n, struct out *o)
{
    if (flags & ~(MB_PRECOMPOSED | MB_COMPOSITE | MB_USEGLYPHCHARS | MB_ERR_INVALID_CHARS)
        || (flags & MB_PRECOMPOSED && flags & MB_COMPOSITE))
        return ERROR_INVALID_FLAGS;
    for (int i = 0; i < n; i++) {
        BYTE byte = src[i], back;
        WCHAR ch = sbcs_char(cp, byte);
        const struct nls_composite *composite;
        BOOL ok;

        if (flags & MB_ERR_INVALID_CHARS && !(nls_sbcs_byte(cp, ch, FALSE, &back) && back == byte))
            return ERROR_NO_UNICODE_TRANSLATION;
        if (flags & MB_USEGLYPHCHARS && cp->glyphs && ((byte >= 0x01 && byte < 0x20) || byte == 0x7F))
            ch = cp->glyphs[byte == 0x7F ? 31 : byte - 1];
        if (flags & MB_COMPOSITE && (composite = find_composite_of_byte(cp, byte))) {
            unsigned units[2] = { composite->base, composite->mark };
            ok = put(o, units, 2);
        } else
            ok = put1(o, ch);
        if (!ok)
            return ERROR_INSUFFICIENT_BUFFER;
    }
    return 0;
}

static BOOL is_combining_mark(WCHAR ch)
{
    return ch >= 0x0300 && ch <= 0x036F;
}

static DWORD wide_to_sbcs(const struct nls_sbcs *cp, DWORD flags, const WCHAR *src, int n, BYTE default_char,
                          BOOL *used, struct out *o)
{
    BOOL best_fit = !(flags & WC_NO_BEST_FIT_CHARS);

    if (flags & ~(WC_COMPOSITECHECK | WC_DISCARDNS | WC_SEPCHARS | WC_DEFAULTCHAR | WC_NO_BEST_FIT_CHARS))
        return ERROR_INVALID_FLAGS;
    for (int i = 0; i < n; i++) {
        BYTE byte;

        if (flags & WC_COMPOSITECHECK && i + 1 < n && is_combining_mark(src[i + 1])) {
            const struct nls_composite *composite = find_composite(cp, src[i], src[i + 1]);
            if (composite) {
                byte = composite->byte;
                i++;
            } else if (flags & WC_DEFAULTCHAR) {
                byte = default_char;
                *used = TRUE;
                i++;
            } else if (flags & WC_DISCARDNS) {
                if (!nls_sbcs_byte(cp, src[i], best_fit, &byte)) {
                    byte = default_char;
                    *used = TRUE;
                }
                i++;
            } else if (!nls_sbcs_byte(cp, src[i], best_fit, &byte)) {
                byte = default_char;
                *used = TRUE;
            }
        } else if (!nls_sbcs_byte(cp, src[i], best_fit, &byte)) {
            byte = default_char;
            *used = TRUE;
        }
        if (!put1(o, byte))
            return ERROR_INSUFFICIENT_BUFFER;
    }
    return 0;
}

int nls_length(const WCHAR *s, int count, BOOL with_nul)
{
    if (count >= 0)
        return count;
    for (count = 0; s[count]; count++)
        ;
    return with_nul ? count + 1 : count;
}

WCHAR *nls_wide_copy(const char *src, int n, WCHAR *buf, int room)
{
    WCHAR *copy = buf;

    if (n > room) {
        PVOID base = NULL;
        SIZE_T size = (SIZE_T)n * sizeof(WCHAR);
        if (!NT_SUCCESS(NtAllocateVirtualMemory(NtCurrentProcess(), &base, 0, &size, MEM_RESERVE | MEM_COMMIT,
                                                PAGE_READWRITE))) {
            SetLastError(ERROR_NOT_ENOUGH_MEMORY);
            return NULL;
        }
        copy = base;
    }
    nls_ansi_to_unicode(src, (DWORD)n, copy);
    return copy;
}

void nls_free_wide(WCHAR *copy, const WCHAR *buf)
{
    PVOID base = copy;
    SIZE_T size = 0;

    if (copy != buf)
        NtFreeVirtualMemory(NtCurrentProcess(), &base, &size, MEM_RELEASE);
}

void nls_bytes_to_unicode(const struct nls_sbcs *cp, const char *bytes, DWORD n, WCHAR *wide)
{
    for (DWORD i = 0; i < n; i++)
        wide[i] = sbcs_char(cp, (BYTE)bytes[i]);
}

void nls_unicode_to_bytes(const struct nls_sbcs *cp, const WCHAR *wide, DWORD n, char *bytes)
{
    for (DWORD i = 0; i < n; i++) {
        BYTE byte;
        bytes[i] = (char)(nls_sbcs_byte(cp, wide[i], TRUE, &byte) ? byte : NLS_DEFAULT_CHAR);
    }
}

void nls_ansi_to_unicode(const char *ansi, DWORD n, WCHAR *wide)
{
    nls_bytes_to_unicode(&nls_cp1252, ansi, n, wide);
}

void nls_unicode_to_ansi(const WCHAR *wide, DWORD n, char *ansi)
{
    nls_unicode_to_bytes(&nls_cp1252, wide, n, ansi);
}

/* ---- UTF-8 ---------------------------------------------------------------------------------------------- */

static BOOL put_code_point(struct out *o, DWORD cp)
{
    if (cp < 0x10000)
        return put1(o, cp);
    unsigned units[2] = { 0xD800 + ((cp - 0x10000) >> 10), 0xDC00 + (cp & 0x3FF) };
    return put(o, units, 2);
}

static DWORD utf8_to_wide(DWORD flags, const BYTE *src, int n, struct out *o)
{
    int i = 0;

    if (flags & ~MB_ERR_INVALID_CHARS)
        return ERROR_INVALID_FLAGS;
    while (i < n) {
        BYTE lead = src[i++];
        int need;
        BYTE lo = 0x80, hi = 0xBF;              /* the range of the first continuation byte */
        DWORD cp;

        if (lead < 0x80) {
            if (!put1(o, lead))
                return ERROR_INSUFFICIENT_BUFFER;
            continue;
        }
        if (lead >= 0xC2 && lead <= 0xDF) {
            need = 1;
            cp = lead & 0x1F;
        } else if (lead >= 0xE0 && lead <= 0xEF) {
            need = 2;
            cp = lead & 0x0F;
            if (lead == 0xE0)
                lo = 0xA0;                      /* no overlong form */
            else if (lead == 0xED)
                hi = 0x9F;                      /* no surrogate */
        } else if (lead >= 0xF0 && lead <= 0xF4) {
            need = 3;
            cp = lead & 0x07;
            if (lead == 0xF0)
                lo = 0x90;
            else if (lead == 0xF4)
                hi = 0x8F;                      /* nothing past U+10FFFF */
        } else
            need = -1;                          /* a continuation byte, C0, C1, F5-FF: never a start */
        for (; need > 0 && i < n && src[i] >= lo && src[i] <= hi; need--, i++) {
            cp = cp << 6 | (src[i] & 0x3F);
            lo = 0x80;
            hi = 0xBF;
        }
        if (need) {                             /* the maximal subpart read so far is one U+FFFD */
            if (flags & MB_ERR_INVALID_CHARS)
                return ERROR_NO_UNICODE_TRANSLATION;
            cp = 0xFFFD;
        }
        if (!put_code_point(o, cp))
            return ERROR_INSUFFICIENT_BUFFER;
    }
    return 0;
}

static DWORD wide_to_utf8(DWORD flags, const WCHAR *src, int n, struct out *o)
{
    if (flags & ~WC_ERR_INVALID_CHARS)
        return ERROR_INVALID_FLAGS;
    for (int i = 0; i < n; i++) {
        DWORD cp = src[i];
        unsigned units[4];
        int len;

        if (cp >= 0xD800 && cp <= 0xDBFF && i + 1 < n && src[i + 1] >= 0xDC00 && src[i + 1] <= 0xDFFF)
            cp = 0x10000 + ((cp - 0xD800) << 10) + (src[++i] - 0xDC00);
        else if (cp >= 0xD800 && cp <= 0xDFFF) {
            if (flags & WC_ERR_INVALID_CHARS)
                return ERROR_NO_UNICODE_TRANSLATION;
            cp = 0xFFFD;
        }
        if (cp < 0x80) {
            units[0] = cp;
            len = 1;
        } else if (cp < 0x800) {
            units[0] = 0xC0 | cp >> 6;
            len = 2;
        } else if (cp < 0x10000) {
            units[0] = 0xE0 | cp >> 12;
            len = 3;
        } else {
            units[0] = 0xF0 | cp >> 18;
            len = 4;
        }
        for (int k = len - 1; k > 0; k--, cp >>= 6)
            units[k] = 0x80 | (cp & 0x3F);
        if (!put(o, units, len))
            return ERROR_INSUFFICIENT_BUFFER;
    }
    return 0;
}

/* ---- UTF-7 ---------------------------------------------------------------------------------------------- */

static const char base64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

static int base64_value(BYTE c)
{
    for (int v = 0; v < 64; v++)
        if (base64[v] == c)
            return v;
    return -1;
}

static DWORD utf7_to_wide(DWORD flags, const BYTE *src, int n, struct out *o)
{
    DWORD bits = 0;
    int nbits = 0, i = 0;

    if (flags)
        return ERROR_INVALID_FLAGS;
    while (i < n) {
        BYTE c = src[i++];
        if (c != '+') {
            if (!put1(o, c))
                return ERROR_INSUFFICIENT_BUFFER;
            continue;
        }
        if (i < n && src[i] == '-') {           /* "+-" is '+' */
            i++;
            if (!put1(o, '+'))
                return ERROR_INSUFFICIENT_BUFFER;
            continue;
        }
        for (; i < n; i++) {
            int v;
            if (src[i] >= 0x80)                 /* ends the run; Windows keeps the pending bits */
                break;
            if ((v = base64_value(src[i])) < 0) {
                nbits = 0;
                i += src[i] == '-';             /* the '-' that ends a run is dropped */
                break;
            }
            bits = bits << 6 | (DWORD)v;
            nbits += 6;
            if (nbits >= 16) {
                nbits -= 16;
                if (!put1(o, (bits >> nbits) & 0xFFFF))
                    return ERROR_INSUFFICIENT_BUFFER;
            }
        }
    }
    return 0;
}

static BOOL utf7_direct(WCHAR c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')
           || (c < 0x80 && (c == 0 || c == '\t' || c == '\n' || c == '\r' || c == ' ' || c == '\''
                            || c == '(' || c == ')' || c == ',' || c == '-' || c == '.' || c == '/'
                            || c == ':' || c == '?'));
}

static DWORD wide_to_utf7(DWORD flags, const WCHAR *src, int n, struct out *o)
{
    int i = 0;

    if (flags)
        return ERROR_INVALID_FLAGS;
    while (i < n) {
        DWORD bits = 0;
        int nbits = 0;

        if (src[i] == '+') {
            static const unsigned plus[2] = { '+', '-' };
            if (!put(o, plus, 2))
                return ERROR_INSUFFICIENT_BUFFER;
            i++;
            continue;
        }
        if (utf7_direct(src[i])) {
            if (!put1(o, src[i++]))
                return ERROR_INSUFFICIENT_BUFFER;
            continue;
        }
        if (!put1(o, '+'))
            return ERROR_INSUFFICIENT_BUFFER;
        for (; i < n && src[i] != '+' && !utf7_direct(src[i]); i++) {
            bits = bits << 16 | src[i];
            for (nbits += 16; nbits >= 6; ) {
                nbits -= 6;
                if (!put1(o, (BYTE)base64[(bits >> nbits) & 0x3F]))
                    return ERROR_INSUFFICIENT_BUFFER;
            }
        }
        if (nbits && !put1(o, (BYTE)base64[(bits << (6 - nbits)) & 0x3F]))
            return ERROR_INSUFFICIENT_BUFFER;
        if (!put1(o, '-'))
            return ERROR_INSUFFICIENT_BUFFER;
    }
    return 0;
}

/* ---- The functions -------------------------------------------------------------------------------------- */

/* The result: the count of units on success, else 0 with the error as the last error. */
static int result(DWORD error, const struct out *o)
{
    if (error) {
        SetLastError(error);
        return 0;
    }
    return o->count;
}

int WINAPI MultiByteToWideChar(UINT code_page, DWORD flags, LPCSTR src, int src_length, LPWSTR dst,
                               int dst_length)
{
    const struct nls_sbcs *table = nls_sbcs_table(code_page);
    struct out o = { dst, dst_length, 0, TRUE };
    const BYTE *bytes = (const BYTE *)src;

    if (!src || !src_length || dst_length < 0 || (!dst && dst_length) || (const void *)src == (void *)dst) {
        SetLastError(ERROR_INVALID_PARAMETER);
        return 0;
    }
    if (src_length < 0)
        for (src_length = 1; src[src_length - 1]; src_length++)
            ;
    if (table)
        return result(sbcs_to_wide(table, flags, bytes, src_length, &o), &o);
    if (code_page == CP_UTF8)
        return result(utf8_to_wide(flags, bytes, src_length, &o), &o);
    if (code_page == CP_UTF7)
        return result(utf7_to_wide(flags, bytes, src_length, &o), &o);
    SetLastError(ERROR_INVALID_PARAMETER);
    return 0;
}

int WINAPI WideCharToMultiByte(UINT code_page, DWORD flags, LPCWSTR src, int src_length, LPSTR dst,
                               int dst_length, LPCSTR default_char, LPBOOL used_default_char)
{
    const struct nls_sbcs *table = nls_sbcs_table(code_page);
    struct out o = { dst, dst_length, 0, FALSE };
    BOOL used = FALSE;
    DWORD error;

    if (!src || !src_length || dst_length < 0 || (!dst && dst_length) || (const void *)src == (void *)dst) {
        SetLastError(ERROR_INVALID_PARAMETER);
        return 0;
    }
    src_length = nls_length(src, src_length, TRUE);
    if (table) {
        error = wide_to_sbcs(table, flags, src, src_length, default_char ? (BYTE)*default_char : NLS_DEFAULT_CHAR,
                             &used, &o);
        if (!error && used_default_char)
            *used_default_char = used;
        return result(error, &o);
    }
    if (code_page != CP_UTF8 && code_page != CP_UTF7) {
        SetLastError(ERROR_INVALID_PARAMETER);
        return 0;
    }
    if (default_char || used_default_char) {
        SetLastError(ERROR_INVALID_PARAMETER);
        return 0;
    }
    return result(code_page == CP_UTF8 ? wide_to_utf8(flags, src, src_length, &o)
                                       : wide_to_utf7(flags, src, src_length, &o), &o);
}
