/* cmd.exe: wide strings and numbers, without a C runtime; and the process heap. */
#include "cmd.h"

DWORD text_length(const WCHAR *s)
{
    DWORD n = 0;
    while (s[n])
        n++;
    return n;
}

WCHAR text_upper(WCHAR c)
{
    return c >= L'a' && c <= L'z' ? (WCHAR)(c - 0x20) : c;
}

/* Windows orders an environment block by the upper-cased names; a name ends at its '=' (after the first
 * character, which may be '=' itself: "=C:"). */
static WCHAR name_char(const WCHAR *s, DWORD i)
{
    return i > 0 && s[i] == L'=' ? 0 : text_upper(s[i]);
}

int text_compare_names(const WCHAR *a, const WCHAR *b)
{
    for (DWORD i = 0;; i++) {
        WCHAR x = name_char(a, i), y = name_char(b, i);
        if (x != y)
            return x < y ? -1 : 1;
        if (!x)
            return 0;
    }
}

BOOL text_starts_with(const WCHAR *s, const WCHAR *prefix)
{
    for (; *prefix; s++, prefix++)
        if (text_upper(*s) != text_upper(*prefix))
            return FALSE;
    return TRUE;
}

BOOL text_equal(const WCHAR *a, const WCHAR *b)
{
    return text_length(a) == text_length(b) && text_starts_with(a, b);
}

void text_copy(WCHAR *dst, const WCHAR *src, DWORD capacity)
{
    DWORD n = 0;
    while (src[n] && n + 1 < capacity) {
        dst[n] = src[n];
        n++;
    }
    dst[n] = 0;
}

void text_append(WCHAR *dst, const WCHAR *src, DWORD capacity)
{
    DWORD n = text_length(dst);
    if (n < capacity)
        text_copy(dst + n, src, capacity - n);
}

DWORD text_decimal(WCHAR *buf, ULONGLONG value, BOOL separators)
{
    WCHAR digits[32];
    DWORD n = 0, count = 0;

    do {
        if (separators && count && count % 3 == 0)
            digits[n++] = L',';
        digits[n++] = (WCHAR)(L'0' + value % 10);
        value /= 10;
        count++;
    } while (value);
    for (DWORD i = 0; i < n; i++)
        buf[i] = digits[n - 1 - i];
    return n;
}

BOOL text_is_blank(WCHAR c)
{
    return c == L' ' || c == L'\t';
}

WCHAR *text_skip_blanks(WCHAR *s)
{
    while (text_is_blank(*s))
        s++;
    return s;
}

void text_trim_end(WCHAR *s)
{
    DWORD n = text_length(s);
    while (n && text_is_blank(s[n - 1]))
        s[--n] = 0;
}

void text_unquote(WCHAR *s)
{
    DWORD n = 0;
    for (WCHAR *p = s; *p; p++)
        if (*p != L'"')
            s[n++] = *p;
    s[n] = 0;
}

void *cmd_alloc(SIZE_T size)
{
    return HeapAlloc(GetProcessHeap(), 0, size);
}

void cmd_free(void *p)
{
    HeapFree(GetProcessHeap(), 0, p);
}
