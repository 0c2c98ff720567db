/*
 * kernel32: FormatMessageA and FormatMessageW.
 *
 * The message comes from a string (FORMAT_MESSAGE_FROM_STRING) or from the system's table of Win32 errors
 * (FORMAT_MESSAGE_FROM_SYSTEM, messages.c: English text, each ending with "\r\n"; an HRESULT of FACILITY_WIN32
 * finds its error's text). An id the table lacks fails with ERROR_MR_MID_NOT_FOUND, a language other than
 * neutral or en-US with ERROR_RESOURCE_LANG_NOT_FOUND; the guest's modules hold no message tables, so
 * FORMAT_MESSAGE_FROM_HMODULE alone fails with ERROR_RESOURCE_TYPE_NOT_FOUND.
 *
 * The text is formatted as Windows does: %1..%99 insert the arguments (a ULONG_PTR each, from the va_list in
 * order, or from an array with FORMAT_MESSAGE_ARGUMENT_ARRAY), formatted by the printf format between '!'s
 * after the number (flags - + 0 space #, a width, a precision, the sizes h l ll w I I32 I64, the conversions d i
 * u x X o c C s S p; %s without a format); %0 ends the message, %n is "\r\n", %r "\r", %t a tab, and '%' before
 * any other character is that character ("%%", "%.", "%!", "% "). A line break of the text ("\n", "\r\n", a lone
 * "\r") becomes "\r\n", or a space with FORMAT_MESSAGE_MAX_WIDTH_MASK. With FORMAT_MESSAGE_IGNORE_INSERTS only
 * %0, %n, %r and %t are processed and the rest is copied as it is.
 *
 * The result is the number of characters written, without the terminator; 0 with ERROR_INSUFFICIENT_BUFFER when
 * it does not fit in `size` characters (nothing is written), ERROR_NO_WORK_DONE for an empty result (the wide
 * form writes "" then), ERROR_INVALID_PARAMETER for inserts with no arguments. Not done here: a width or
 * precision given by '*', a 64-bit insert from a 32-bit va_list (each insert is one slot), the line widths 1-254
 * of FORMAT_MESSAGE_MAX_WIDTH_MASK (taken as 0: no wrapping). With FORMAT_MESSAGE_ALLOCATE_BUFFER the result goes
 * in a LocalAlloc(LMEM_FIXED) block of at least `size` characters, whose address is written where `buffer`
 * points (NULL when there is no result); the caller frees it with LocalFree.
 */
#define _KERNEL32_          /* windows.h declares our own exports without dllimport */
#include <stdarg.h>
#include "k32messages.h"

#define MAX_INSERTS 99

/* A string of either width. */
struct text {
    const void *s;
    BOOL wide;
};

static unsigned at(const struct text *t, DWORD i)
{
    return t->wide ? ((const WCHAR *)t->s)[i] : ((const unsigned char *)t->s)[i];
}

/* The output: characters are counted always, written while they fit. */
struct out {
    void *buf;
    DWORD size;
    DWORD len;
    BOOL wide;
};

static void put(struct out *o, unsigned c)
{
    if (o->len < o->size) {
        if (o->wide)
            ((WCHAR *)o->buf)[o->len] = (WCHAR)c;
        else
            ((char *)o->buf)[o->len] = c < 0x100 ? (char)c : '?';
    }
    o->len++;
}

static void put_repeat(struct out *o, unsigned c, int n)
{
    while (n-- > 0)
        put(o, c);
}

/* An insert's printf format, parsed. */
struct spec {
    BOOL left, plus, space, zero, alternate, has_precision, wide_string, quad;
    int width, precision;
    unsigned conversion;
};

/* Parses "flags width .precision size conversion" at t[*i] up to the closing '!'; FALSE for what is not
 * handled. `wide` is the width of the function: %s is a string of that width, %S of the other. */
static BOOL parse_spec(const struct text *t, DWORD *i, BOOL wide, struct spec *sp)
{
    DWORD k = *i;
    int size = 0;                                                   /* -1 narrow (h), 1 wide (l, w) */

    for (*sp = (struct spec){ 0 };; k++) {
        unsigned c = at(t, k);
        if (c == '-') sp->left = TRUE;
        else if (c == '+') sp->plus = TRUE;
        else if (c == ' ') sp->space = TRUE;
        else if (c == '0') sp->zero = TRUE;
        else if (c == '#') sp->alternate = TRUE;
        else break;
    }
    for (; at(t, k) >= '0' && at(t, k) <= '9'; k++)
        sp->width = sp->width * 10 + (int)(at(t, k) - '0');
    if (at(t, k) == '.') {
        sp->has_precision = TRUE;
        for (k++; at(t, k) >= '0' && at(t, k) <= '9'; k++)
            sp->precision = sp->precision * 10 + (int)(at(t, k) - '0');
    }
    for (;; k++) {
        unsigned c = at(t, k);
        if (c == 'h') size = -1;
        else if (c == 'l' && at(t, k + 1) == 'l') { sp->quad = TRUE; k++; }
        else if (c == 'l' || c == 'w') size = 1;
        else if (c == 'I' && at(t, k + 1) == '6' && at(t, k + 2) == '4') { sp->quad = TRUE; k += 2; }
        else if (c == 'I' && at(t, k + 1) == '3' && at(t, k + 2) == '2') k += 2;
        else if (c == 'I') sp->quad = sizeof(void *) == 8;
        else break;
    }
    sp->conversion = at(t, k);
    if (at(t, k + 1) != '!' || !sp->conversion)
        return FALSE;
    if (sp->conversion == 'S' || sp->conversion == 'C')
        sp->wide_string = size ? size > 0 : !wide;
    else
        sp->wide_string = size ? size > 0 : wide;
    *i = k + 2;
    return TRUE;
}

/* A number in a base, with the sign, prefix, precision and padding of its format. */
static void put_number(struct out *o, const struct spec *sp, ULONGLONG value, BOOL negative)
{
    const char *digits = sp->conversion == 'X' || sp->conversion == 'p' ? "0123456789ABCDEF" : "0123456789abcdef";
    unsigned base = sp->conversion == 'o' ? 8 : sp->conversion == 'x' || sp->conversion == 'X' ||
                    sp->conversion == 'p' ? 16 : 10;
    char text[24], prefix[3] = { 0 };
    int n = 0, p = 0, precision = sp->has_precision ? sp->precision : 1, zeros, pad;

    for (; value; value /= base)
        text[n++] = digits[value % base];
    if (negative)
        prefix[p++] = '-';
    else if (sp->plus && (sp->conversion == 'd' || sp->conversion == 'i'))
        prefix[p++] = '+';
    else if (sp->space && (sp->conversion == 'd' || sp->conversion == 'i'))
        prefix[p++] = ' ';
    else if (sp->alternate && n && base == 16) {
        prefix[p++] = '0';
        prefix[p++] = (char)(sp->conversion == 'X' ? 'X' : 'x');
    } else if (sp->alternate && base == 8 && precision <= n)
        precision = n + 1;
    zeros = precision > n ? precision - n : 0;
    pad = sp->width - p - n - zeros;
    if (sp->zero && !sp->left && !sp->has_precision) {
        zeros += pad > 0 ? pad : 0;
        pad = 0;
    }
    if (!sp->left)
        put_repeat(o, ' ', pad);
    for (int i = 0; i < p; i++)
        put(o, (unsigned char)prefix[i]);
    put_repeat(o, '0', zeros);
    while (n)
        put(o, (unsigned char)text[--n]);
    if (sp->left)
        put_repeat(o, ' ', pad);
}

static void put_string(struct out *o, const struct spec *sp, const struct text *s)
{
    static const char null_text[] = "(null)";
    struct text shown = s->s ? *s : (struct text){ null_text, FALSE };
    int n = 0;

    while (at(&shown, (DWORD)n) && (!sp->has_precision || n < sp->precision))
        n++;
    if (!sp->left)
        put_repeat(o, ' ', sp->width - n);
    for (int i = 0; i < n; i++)
        put(o, at(&shown, (DWORD)i));
    if (sp->left)
        put_repeat(o, ' ', sp->width - n);
}

static BOOL put_insert(struct out *o, const struct spec *sp, ULONG_PTR value)
{
    switch (sp->conversion) {
    case 'd':
    case 'i': {
        LONGLONG v = sp->quad ? (LONGLONG)value : (LONGLONG)(LONG)value;
        put_number(o, sp, v < 0 ? 0 - (ULONGLONG)v : (ULONGLONG)v, v < 0);
        return TRUE;
    }
    case 'u':
    case 'x':
    case 'X':
    case 'o':
        put_number(o, sp, sp->quad ? (ULONGLONG)value : (ULONG)value, FALSE);
        return TRUE;
    case 'p': {
        struct spec pointer = *sp;
        pointer.has_precision = TRUE;
        pointer.precision = 2 * sizeof(void *);
        put_number(o, &pointer, value, FALSE);
        return TRUE;
    }
    case 'c':
    case 'C':
        put_repeat(o, ' ', sp->left ? 0 : sp->width - 1);
        put(o, sp->wide_string ? (WCHAR)value : (unsigned char)value);
        put_repeat(o, ' ', sp->left ? sp->width - 1 : 0);
        return TRUE;
    case 's':
    case 'S':
        put_string(o, sp, &(struct text){ (const void *)value, sp->wide_string });
        return TRUE;
    }
    return FALSE;
}

/* The number of an insert at t[*i] (after its '%'): 1-99, one or two digits; 0 when there is none. */
static unsigned insert_number(const struct text *t, DWORD *i)
{
    unsigned n;

    if (at(t, *i) < '1' || at(t, *i) > '9')
        return 0;
    n = at(t, (*i)++) - '0';
    if (at(t, *i) >= '0' && at(t, *i) <= '9')
        n = n * 10 + (at(t, (*i)++) - '0');
    return n;
}

/* The highest insert the text uses, so that as many arguments are taken from a va_list. */
static unsigned highest_insert(const struct text *t)
{
    unsigned highest = 0;

    for (DWORD i = 0; at(t, i); ) {
        if (at(t, i++) != '%')
            continue;
        unsigned n = insert_number(t, &i);
        if (n > highest)
            highest = n;
        else if (!n && at(t, i))
            i++;                                                    /* "%%": the second '%' is not an escape */
    }
    return highest;
}

/* Formats the message into *o; FALSE with the last error set when an insert cannot be made. */
static BOOL format(const struct text *t, DWORD flags, const ULONG_PTR *args, BOOL wide, struct out *o)
{
    BOOL ignore = flags & FORMAT_MESSAGE_IGNORE_INSERTS;
    BOOL one_line = (flags & FORMAT_MESSAGE_MAX_WIDTH_MASK) == FORMAT_MESSAGE_MAX_WIDTH_MASK;

    for (DWORD i = 0; at(t, i); ) {
        unsigned c = at(t, i++), n;
        struct spec sp;

        if (c == '\r' || c == '\n') {
            if (c == '\r' && at(t, i) == '\n')
                i++;
            if (one_line)
                put(o, ' ');
            else {
                put(o, '\r');
                put(o, '\n');
            }
            continue;
        }
        if (c != '%') {
            put(o, c);
            continue;
        }
        c = at(t, i);
        if (c == '0')
            return TRUE;
        if (c == 'n' || c == 'r' || c == 't') {
            i++;
            if (c == 'n') {
                put(o, '\r');
                put(o, '\n');
            } else
                put(o, c == 'r' ? '\r' : '\t');
            continue;
        }
        if (ignore) {
            put(o, '%');
            continue;
        }
        if (!(n = insert_number(t, &i))) {
            if (c) {
                put(o, c);
                i++;
            }
            continue;
        }
        if (!args) {
            SetLastError(ERROR_INVALID_PARAMETER);
            return FALSE;
        }
        if (at(t, i) == '!') {
            i++;
            if (!parse_spec(t, &i, wide, &sp)) {
                SetLastError(ERROR_INVALID_PARAMETER);
                return FALSE;
            }
        } else
            sp = (struct spec){ .conversion = 's', .wide_string = wide };
        if (!put_insert(o, &sp, args[n - 1])) {
            SetLastError(ERROR_INVALID_PARAMETER);
            return FALSE;
        }
    }
    return TRUE;
}

static BOOL english(DWORD language)
{
    return PRIMARYLANGID(language) == LANG_NEUTRAL || language == MAKELANGID(LANG_ENGLISH, SUBLANG_ENGLISH_US);
}

static DWORD format_message(DWORD flags, LPCVOID source, DWORD id, DWORD language, void *buffer, DWORD size,
                            va_list *arguments, BOOL wide)
{
    struct text t;
    ULONG_PTR collected[MAX_INSERTS];
    const ULONG_PTR *args = NULL;
    struct out o = { buffer, 0, 0, wide };

    if (flags & FORMAT_MESSAGE_ALLOCATE_BUFFER) {
        if (!buffer) {
            SetLastError(ERROR_INVALID_PARAMETER);
            return 0;
        }
        *(void **)buffer = NULL;
    }
    if (flags & FORMAT_MESSAGE_FROM_STRING) {
        if (!source || (flags & (FORMAT_MESSAGE_FROM_SYSTEM | FORMAT_MESSAGE_FROM_HMODULE))) {
            SetLastError(ERROR_INVALID_PARAMETER);
            return 0;
        }
        t = (struct text){ source, wide };
    } else if (flags & FORMAT_MESSAGE_FROM_SYSTEM) {
        if (!english(language)) {
            SetLastError(ERROR_RESOURCE_LANG_NOT_FOUND);
            return 0;
        }
        if ((id & 0xFFFF0000) == 0x80070000)                        /* HRESULT_FROM_WIN32 */
            id &= 0xFFFF;
        t = (struct text){ system_message(id), FALSE };
        if (!t.s) {
            SetLastError(ERROR_MR_MID_NOT_FOUND);
            return 0;
        }
    } else {
        SetLastError(flags & FORMAT_MESSAGE_FROM_HMODULE ? ERROR_RESOURCE_TYPE_NOT_FOUND : ERROR_INVALID_PARAMETER);
        return 0;
    }
    if (arguments && !(flags & FORMAT_MESSAGE_IGNORE_INSERTS)) {
        if (flags & FORMAT_MESSAGE_ARGUMENT_ARRAY)
            args = (const ULONG_PTR *)arguments;
        else {
            unsigned n = highest_insert(&t);
            for (unsigned i = 0; i < n; i++)
                collected[i] = va_arg(*arguments, ULONG_PTR);
            args = collected;
        }
    }
    if (!format(&t, flags, args, wide, &o))                         /* counts only: o.size is 0 */
        return 0;
    if (!o.len) {
        if (wide && size && !(flags & FORMAT_MESSAGE_ALLOCATE_BUFFER))
            *(WCHAR *)buffer = 0;
        SetLastError(ERROR_NO_WORK_DONE);
        return 0;
    }
    if (flags & FORMAT_MESSAGE_ALLOCATE_BUFFER) {
        void *block;
        if (size < o.len + 1)
            size = o.len + 1;
        if (!(block = LocalAlloc(LMEM_FIXED, size * (wide ? sizeof(WCHAR) : 1))))
            return 0;
        *(void **)buffer = block;
        buffer = block;
    }
    if (o.len >= size) {
        SetLastError(ERROR_INSUFFICIENT_BUFFER);
        return 0;
    }
    o = (struct out){ buffer, size, 0, wide };
    format(&t, flags, args, wide, &o);
    put(&o, 0);
    return o.len - 1;
}

DWORD WINAPI FormatMessageA(DWORD flags, LPCVOID source, DWORD id, DWORD language, LPSTR buffer, DWORD size,
                            va_list *arguments)
{
    return format_message(flags, source, id, language, buffer, size, arguments, FALSE);
}

DWORD WINAPI FormatMessageW(DWORD flags, LPCVOID source, DWORD id, DWORD language, LPWSTR buffer, DWORD size,
                            va_list *arguments)
{
    return format_message(flags, source, id, language, buffer, size, arguments, TRUE);
}
