/*
 * kernel32: LCMapStringEx, LCMapStringW and LCMapStringA, mapping a string or making its sort key.
 *
 * Mappings: LCMAP_LOWERCASE, LCMAP_UPPERCASE (the simple one-to-one mappings of stringtype.c; ß stays ß), both
 * together LCMAP_TITLECASE (the first letter of each run of letters upper case, the others lower case),
 * LCMAP_LINGUISTIC_CASING (en-US casing is the default casing; it needs one of the two, else ERROR_INVALID_FLAGS),
 * LCMAP_HIRAGANA / LCMAP_KATAKANA (between U+3041-U+3096 and U+30A1-U+30F6), LCMAP_FULLWIDTH / LCMAP_HALFWIDTH
 * (between ASCII and U+FF01-U+FF5E, and the space and U+3000; halfwidth katakana are not mapped),
 * NORM_IGNORENONSPACE (combining marks dropped, precomposed letters as their base letter), NORM_IGNORESYMBOLS
 * (symbols, punctuation and spaces dropped), LCMAP_BYTEREV (the bytes of each character swapped, last).
 * LCMAP_SIMPLIFIED_CHINESE and LCMAP_TRADITIONAL_CHINESE are accepted and map nothing (no table). Each pair of
 * opposites together, no flag, or any other flag is ERROR_INVALID_FLAGS.
 *
 * LCMAP_SORTKEY (with LCMAP_BYTEREV and the flags of CompareString, collate.c, which makes the key): the size
 * is in bytes, the key ends with a 0 byte, and keys compared with memcmp order as CompareString orders.
 *
 * A negative source count means a NUL-terminated string, and the NUL is mapped too; a count of 0, no source, a
 * negative destination size or a size without a destination is ERROR_INVALID_PARAMETER. A destination size of 0
 * returns the size needed; too small is ERROR_INSUFFICIENT_BUFFER. The source and the destination may be the
 * same buffer: a mapping never makes a string longer. The locale is not looked at (every locale maps as en-US).
 */
#define _KERNEL32_          /* windows.h declares our own exports without dllimport */
#include "k32nls.h"

#define MAP_FLAGS (LCMAP_LOWERCASE | LCMAP_UPPERCASE | LCMAP_LINGUISTIC_CASING | LCMAP_BYTEREV | LCMAP_HIRAGANA \
                   | LCMAP_KATAKANA | LCMAP_HALFWIDTH | LCMAP_FULLWIDTH | LCMAP_SIMPLIFIED_CHINESE \
                   | LCMAP_TRADITIONAL_CHINESE | NORM_IGNORENONSPACE | NORM_IGNORESYMBOLS)

static BOOL both(DWORD flags, DWORD a, DWORD b)
{
    return (flags & a) && (flags & b);
}

static BOOL valid_flags(DWORD flags)
{
    if (flags & LCMAP_SORTKEY)
        return !(flags & ~(LCMAP_SORTKEY | LCMAP_BYTEREV | NLS_COMPARE_FLAGS));
    return flags && !(flags & ~MAP_FLAGS) && !both(flags, LCMAP_HIRAGANA, LCMAP_KATAKANA)
           && !both(flags, LCMAP_HALFWIDTH, LCMAP_FULLWIDTH)
           && !both(flags, LCMAP_SIMPLIFIED_CHINESE, LCMAP_TRADITIONAL_CHINESE)
           && (!(flags & LCMAP_LINGUISTIC_CASING) || flags & (LCMAP_LOWERCASE | LCMAP_UPPERCASE));
}

/* Maps n characters into `size` (0: only count); returns the count, or -1 when they do not fit. Reads each
 * character before writing at its index or below, so src and dst may be the same. */
static int map_string(const WCHAR *src, int n, DWORD flags, WCHAR *dst, int size)
{
    int count = 0;
    BOOL word_start = TRUE;

    for (int i = 0; i < n; i++) {
        WCHAR ch = src[i];
        enum nls_class class = nls_sort_class(ch);

        if (flags & NORM_IGNORENONSPACE) {
            const struct nls_decomposition *d = nls_decomposition(ch);
            if (nls_char_type(ch, 2) & C3_NONSPACING)
                continue;
            if (d)
                ch = d->base;
        }
        if (flags & NORM_IGNORESYMBOLS && class == NLS_SYMBOL)
            continue;
        if ((flags & (LCMAP_UPPERCASE | LCMAP_LOWERCASE)) == (LCMAP_UPPERCASE | LCMAP_LOWERCASE))
            ch = word_start ? nls_upper(ch) : nls_lower(ch);
        else if (flags & LCMAP_UPPERCASE)
            ch = nls_upper(ch);
        else if (flags & LCMAP_LOWERCASE)
            ch = nls_lower(ch);
        word_start = class != NLS_LETTER;
        if (flags & LCMAP_HIRAGANA && ch >= 0x30A1 && ch <= 0x30F6)
            ch -= 0x60;
        else if (flags & LCMAP_KATAKANA && ch >= 0x3041 && ch <= 0x3096)
            ch += 0x60;
        if (flags & LCMAP_FULLWIDTH)
            ch = ch == ' ' ? 0x3000 : ch >= 0x21 && ch <= 0x7E ? (WCHAR)(ch + 0xFEE0) : ch;
        else if (flags & LCMAP_HALFWIDTH)
            ch = ch == 0x3000 ? ' ' : ch >= 0xFF01 && ch <= 0xFF5E ? (WCHAR)(ch - 0xFEE0) : ch;
        if (flags & LCMAP_BYTEREV)
            ch = (WCHAR)(ch << 8 | ch >> 8);
        if (size) {
            if (count == size)
                return -1;
            dst[count] = ch;
        }
        count++;
    }
    return count;
}

/* The sort key into `size` bytes; 0 with ERROR_INSUFFICIENT_BUFFER when it does not fit. LCMAP_BYTEREV swaps
 * each pair of bytes, an odd last one left. */
static int sort_key(const WCHAR *src, int n, DWORD flags, BYTE *dst, int size)
{
    int length = nls_sort_key(src, n, flags & ~(LCMAP_SORTKEY | LCMAP_BYTEREV), dst, size);

    if (!length) {
        SetLastError(ERROR_INSUFFICIENT_BUFFER);
        return 0;
    }
    if (size && flags & LCMAP_BYTEREV) {
        for (int i = 0; i + 1 < length; i += 2) {
            BYTE b = dst[i];
            dst[i] = dst[i + 1];
            dst[i + 1] = b;
        }
    }
    return length;
}

/* The checks both forms share; FALSE with the last error set. */
static BOOL check(DWORD flags, const void *src, int src_length, const void *dst, int dst_length)
{
    if (!src || !src_length || dst_length < 0 || (dst_length && !dst)) {
        SetLastError(ERROR_INVALID_PARAMETER);
        return FALSE;
    }
    if (!valid_flags(flags)) {
        SetLastError(ERROR_INVALID_FLAGS);
        return FALSE;
    }
    return TRUE;
}

int WINAPI LCMapStringEx(LPCWSTR locale, DWORD flags, LPCWSTR src, int src_length, LPWSTR dst, int dst_length,
                         LPNLSVERSIONINFO version, LPVOID reserved, LPARAM param)
{
    int count;

    (void)locale;
    (void)version;
    (void)reserved;
    (void)param;
    if (!check(flags, src, src_length, dst, dst_length))
        return 0;
    src_length = nls_length(src, src_length, TRUE);
    if (flags & LCMAP_SORTKEY)
        return sort_key(src, src_length, flags, (BYTE *)dst, dst_length);
    if ((count = map_string(src, src_length, flags, dst, dst_length)) < 0) {
        SetLastError(ERROR_INSUFFICIENT_BUFFER);
        return 0;
    }
    return count;
}

int WINAPI LCMapStringW(LCID locale, DWORD flags, LPCWSTR src, int src_length, LPWSTR dst, int dst_length)
{
    (void)locale;
    return LCMapStringEx(NULL, flags, src, src_length, dst, dst_length, NULL, NULL, 0);
}

/* Through UTF-16: the string in code page 1252, mapped, and back (one byte a character). */
int WINAPI LCMapStringA(LCID locale, DWORD flags, LPCSTR src, int src_length, LPSTR dst, int dst_length)
{
    WCHAR buf[256], *wide;
    int count;

    (void)locale;
    if (!check(flags, src, src_length, dst, dst_length))
        return 0;
    if (src_length < 0)
        for (src_length = 1; src[src_length - 1]; src_length++)
            ;
    if (!(wide = nls_wide_copy(src, src_length, buf, 256)))
        return 0;
    if (flags & LCMAP_SORTKEY)
        count = sort_key(wide, src_length, flags, (BYTE *)dst, dst_length);
    else {
        count = map_string(wide, src_length, flags, wide, src_length);
        if (dst_length && count > dst_length) {
            SetLastError(ERROR_INSUFFICIENT_BUFFER);
            count = 0;
        } else if (dst_length)
            nls_unicode_to_ansi(wide, (DWORD)count, dst);
    }
    nls_free_wide(wide, buf);
    return count;
}
