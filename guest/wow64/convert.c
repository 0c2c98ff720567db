/*
 * wow64.dll's converted calls: the system calls whose 32-bit arguments point to structures of another layout, widened
 * and narrowed here in 64-bit code, as Windows' wow64.dll does in its compiled thunks, with no Python before the
 * kernel. The emulator describes each such call and layout in Wow64ConvertData at start-up, from the same
 * declarations its Python dispatcher uses (wow64emu/thunks/convtable.py), and points the call's slot of
 * Wow64ConvertTable at its description; a call with a hand-written part, or any call when a trace is asked for,
 * keeps the Python path (the dispatch hook).
 *
 * The rules are those of the Python dispatcher (thunks/convert.py): a structure the call reads is rebuilt in a
 * scratch area (here on the 64-bit stack) with its pointers zero-extended, its handles and signed pointer-sized
 * values sign-extended, a Length equal to its 32-bit size made its 64-bit size, and the structures it points to
 * rebuilt too; a structure the kernel only writes gets room filled with 0xA5, and its 32-bit place is checked
 * writable first; after the call, each output the kernel changed is written back field by field (pointers and
 * handles truncated, sizes clamped to 0xFFFFFFFF, padding zeroed). Every access to the caller's memory goes
 * through the two routines of wow64.S between Wow64GuardedBegin and Wow64GuardedEnd: an exception there ends the
 * call with STATUS_ACCESS_VIOLATION (wow64_guard_handler, the language handler of Wow64ConvertedCall).
 *
 * The calls that name a file (NtCreateFile, NtOpenFile, NtDeleteFile, NtQueryAttributesFile,
 * NtQueryFullAttributesFile) go through the file system redirector here too, for the common case: an absolute name
 * of ASCII characters (the rules of thunks/fsredirect.py: System32 -> SysWOW64 but its exempt folders, lastgood,
 * regedit.exe, Sysnative -> System32, the thread's switch in TEB64 TLS slot 8). A name relative to a RootDirectory
 * (which needs the directory's name), one with other characters (whose upcasing is Python's table), or one longer
 * than MAX_NAME_BYTES takes the general path: the Python dispatcher converts the call from the start.
 */
#include "nt.h"

#define RULE_SAME        0                          /* the field's bytes as they are */
#define RULE_ZERO        1                          /* a pointer: zero-extended, truncated back */
#define RULE_SIGN        2                          /* a handle or signed pointer-sized value: sign-extended */
#define RULE_CLAMP       3                          /* a size: zero-extended, clamped to 0xFFFFFFFF back */
#define RULE_STRUCT_SIZE 4                          /* a Length that holds the structure's own size */
#define DIR_IN           0
#define DIR_OUT          1
#define DIR_INOUT        2
#define MAX_ARGS         14                         /* what Wow64SystemServiceEx's frame holds */
#define SCRATCH_SIZE     0x800                      /* the 64-bit copies of one call's structures */
#define NO_REDIRECT      0xFF
#define MAX_NAME_BYTES   0x410                      /* MAX_PATH + 1 characters: longer names take the general path */
#define GENERAL_PATH     ((ULONG64)1 << 32)         /* what wow64_convert_call returns to hand the call to Python */
#define OA64_SIZE        48
#define OBJ_VALID_ATTRIBUTES 0x1FF2
#define TEB64_TLS_FILESYSREDIR (0x1480 + 8 * 8)     /* nonzero: the thread disabled redirection */
#define SENTINEL         0xA5A5A5A5A5A5A5A5ull      /* what an output holds before the kernel writes it */

typedef struct {
    USHORT off32, off64;
    UCHAR size32, size64, rule, pad;
    ULONG nested;                                   /* offset of the layout it points to, 0: none */
} field_desc;

typedef struct {
    USHORT size32, size64;
    ULONG count;
    field_desc fields[];
} layout_desc;

typedef struct {
    UCHAR index, direction;
    USHORT pad;
    ULONG layout;                                   /* offset of its layout_desc in Wow64ConvertData */
} pointer_desc;

typedef struct {
    ULONG64 stub64;                                 /* the 64-bit ntdll's system-call stub */
    ULONG argc, signed_mask, zero_bits_mask, number;
    UCHAR pointers;
    UCHAR redirect;                                 /* the OBJECT_ATTRIBUTES argument to redirect, or NO_REDIRECT */
    USHORT pad;
    ULONG pad2;
    pointer_desc pointer[];
} call_desc;

typedef struct {
    USHORT Length, MaximumLength;
    ULONG pad;
    ULONG64 Buffer;
} unicode_string64;

typedef struct {
    ULONG Length, pad;
    ULONG64 RootDirectory, ObjectName;
    ULONG Attributes, pad2;
    ULONG64 SecurityDescriptor, SecurityQualityOfService;
} object_attributes64;

typedef struct {
    ULONG address_mask32;                           /* what a ZeroBits of 0 becomes (the process's user range) */
    ULONG pad;
} convert_header;

typedef struct {
    BYTE *next, *end;
} scratch;

extern BYTE Wow64ConvertData[];
extern BYTE Wow64GuardedBegin[], Wow64GuardedEnd[], Wow64ConvertedReturn[];

/* wow64.S: copy bytes from or to the caller's memory; make sure bytes of it are writable without changing them;
 * call a 64-bit stub with `count` arguments (the first four in registers, the rest on the stack). */
void wow64_guarded_copy(void *to, const void *from, ULONG size);
void wow64_guarded_probe_write(void *at, ULONG size);
NTSTATUS wow64_call_stub(ULONG64 stub, const ULONG64 *args, ULONG count);

static const void *data_at(ULONG offset)
{
    return Wow64ConvertData + offset;
}

static void *from32(ULONG address)
{
    return (void *)(ULONG_PTR)address;
}

static ULONG round16(ULONG size)
{
    return (size + 15) & ~15u;
}

/* size bytes of the scratch area, 16-byte aligned: one allocation follows the previous one directly. */
static BYTE *take(scratch *s, ULONG size)
{
    BYTE *at = s->next;

    if (size > (ULONG)(s->end - at))
        return NULL;
    s->next = at + round16(size);
    return at;
}

/* Bytes are moved 8 at a time where they can be: each store the emulated CPU makes costs far more than a load. */
static void fill(BYTE *at, ULONG64 pattern, ULONG size)
{
    for (; size >= 8; at += 8, size -= 8)
        *(ULONG64 UNALIGNED *)at = pattern;
    for (; size; at++, size--)
        *at = (BYTE)pattern;
}

static BOOL same(const BYTE *a, const BYTE *b, ULONG size)
{
    for (; size >= 8; a += 8, b += 8, size -= 8)
        if (*(const ULONG64 UNALIGNED *)a != *(const ULONG64 UNALIGNED *)b)
            return FALSE;
    for (; size; a++, b++, size--)
        if (*a != *b)
            return FALSE;
    return TRUE;
}

static void copy_bytes(BYTE *to, const BYTE *from, ULONG size)
{
    for (; size >= 8; to += 8, from += 8, size -= 8)
        *(ULONG64 UNALIGNED *)to = *(const ULONG64 UNALIGNED *)from;
    for (; size; to++, from++, size--)
        *to = *from;
}

static ULONG64 load(const BYTE *at, ULONG size)
{
    switch (size) {
    case 1: return *at;
    case 2: return *(const USHORT UNALIGNED *)at;
    case 4: return *(const ULONG UNALIGNED *)at;
    default: return *(const ULONG64 UNALIGNED *)at;
    }
}

static void store(BYTE *at, ULONG64 value, ULONG size)
{
    switch (size) {
    case 1: *at = (BYTE)value; break;
    case 2: *(USHORT UNALIGNED *)at = (USHORT)value; break;
    case 4: *(ULONG UNALIGNED *)at = (ULONG)value; break;
    default: *(ULONG64 UNALIGNED *)at = value; break;
    }
}

/* Rebuild the 32-bit structure at ptr32 (and those it points to) in the scratch area; its 64-bit copy, or NULL when
 * the area is full. */
static BYTE *widen_struct(const layout_desc *layout, ULONG ptr32, scratch *s)
{
    BYTE image32[256], *copy;

    wow64_guarded_copy(image32, from32(ptr32), layout->size32);
    copy = take(s, layout->size64);
    if (!copy)
        return NULL;
    fill(copy, 0, layout->size64);
    for (ULONG i = 0; i < layout->count; i++) {
        const field_desc *f = &layout->fields[i];
        ULONG64 value = load(image32 + f->off32, f->size32);

        if (f->rule == RULE_SIGN && f->size32 == 4 && (value & 0x80000000))
            value |= 0xFFFFFFFF00000000ull;
        else if (f->rule == RULE_STRUCT_SIZE && value == layout->size32)
            value = layout->size64;
        if (f->nested && value) {
            BYTE *target = widen_struct(data_at(f->nested), (ULONG)value, s);
            if (!target)
                return NULL;
            value = (ULONG64)target;
        }
        store(copy + f->off64, value, f->size64);
    }
    return copy;
}

/* Whether the kernel left an output's copy as it was before the call: as `before` (in and out), or as the sentinel
 * (before NULL: out only). */
static BOOL unchanged(const BYTE *copy, const BYTE *before, ULONG size)
{
    if (before)
        return same(copy, before, size);
    for (ULONG i = 0; i + 8 <= size; i += 8)
        if (*(const ULONG64 UNALIGNED *)(copy + i) != SENTINEL)
            return FALSE;
    for (ULONG i = size & ~7u; i < size; i++)
        if (copy[i] != (BYTE)SENTINEL)
            return FALSE;
    return TRUE;
}

/* Write an output the kernel changed back into its 32-bit structure at ptr32, from its 64-bit copy. */
static void narrow(const layout_desc *layout, ULONG ptr32, const BYTE *copy)
{
    BYTE image32[256];

    fill(image32, 0, layout->size32);
    for (ULONG i = 0; i < layout->count; i++) {
        const field_desc *f = &layout->fields[i];
        ULONG64 value = load(copy + f->off64, f->size64);

        if (f->rule == RULE_CLAMP && value > 0xFFFFFFFFull)
            value = 0xFFFFFFFF;
        else if (f->rule == RULE_STRUCT_SIZE && value == layout->size64)
            value = layout->size32;
        store(image32 + f->off32, value, f->size32);
    }
    wow64_guarded_copy(from32(ptr32), image32, layout->size32);
}

/* ---- the file system redirector, for absolute ASCII names ---------------------------------------------------- */

typedef struct {
    const WCHAR *at;
    ULONG length;                                   /* in characters */
} component;

static WCHAR upper(WCHAR c)
{
    return c >= 'a' && c <= 'z' ? c - ('a' - 'A') : c;
}

/* Whether the characters at `text` are `ascii` (upper case), whatever their case. */
static BOOL is(const WCHAR *text, ULONG length, const char *ascii)
{
    ULONG i = 0;

    for (; i < length && ascii[i]; i++)
        if (upper(text[i]) != (WCHAR)ascii[i])
            return FALSE;
    return i == length && !ascii[i];
}

static BOOL component_is(const component *c, const char *ascii)
{
    return is(c->at, c->length, ascii);
}

/* The rewritten name: name[0, cut) + insert + name[resume, length). */
typedef struct {
    ULONG cut, resume;
    const char *insert;
} rewrite;

/* The rule that applies to `name` (`length` characters, all ASCII), as thunks/fsredirect.py's redirect(): FALSE when
 * the name stays as it is. */
static BOOL find_rewrite(const WCHAR *name, ULONG length, BOOL enabled, rewrite *r)
{
    static const char *const prefixes[] = {"\\??\\", "\\\\?\\", "\\DOSDEVICES\\", "\\GLOBAL??\\"};
    static const char *const exempt[] = {"CATROOT", "CATROOT2", "DRIVERSTORE", "LOGFILES", "SPOOL"};
    component parts[5];
    ULONG count = 0, start = 0, end = length, prefix = 0;

    for (ULONG p = 0; p < sizeof(prefixes) / sizeof(*prefixes) && !prefix; p++) {
        ULONG n = 0;
        while (prefixes[p][n])
            n++;
        if (n <= length && is(name, n, prefixes[p]))
            prefix = n;
    }
    if (!prefix)
        return FALSE;
    if (end > prefix && name[end - 1] == '\\')
        end--;                                      /* a trailing backslash: kept, not a component */
    start = prefix;
    for (ULONG i = prefix; i <= end; i++) {
        if (i < end && name[i] != '\\')
            continue;
        if (count < 5)
            parts[count] = (component){name + start, i - start};
        count++;
        start = i + 1;
    }
    if (count < 3 || !component_is(&parts[0], "C:") || !component_is(&parts[1], "WINDOWS"))
        return FALSE;
    if (component_is(&parts[2], "SYSNATIVE")) {
        *r = (rewrite){(ULONG)(parts[2].at - name), (ULONG)(parts[2].at - name) + parts[2].length, "System32"};
        return TRUE;
    }
    if (!enabled)
        return FALSE;
    if (component_is(&parts[2], "SYSTEM32")) {
        if (count > 3) {
            for (ULONG e = 0; e < sizeof(exempt) / sizeof(*exempt); e++)
                if (component_is(&parts[3], exempt[e]))
                    return FALSE;
            if (count > 4 && component_is(&parts[3], "DRIVERS") && component_is(&parts[4], "ETC"))
                return FALSE;
        }
        *r = (rewrite){(ULONG)(parts[2].at - name), (ULONG)(parts[2].at - name) + parts[2].length, "SysWOW64"};
        return TRUE;
    }
    if (component_is(&parts[2], "LASTGOOD") && count > 3 && component_is(&parts[3], "SYSTEM32")) {
        *r = (rewrite){(ULONG)(parts[3].at - name), (ULONG)(parts[3].at - name) + parts[3].length, "SysWOW64"};
        return TRUE;
    }
    if (component_is(&parts[2], "REGEDIT.EXE") && count == 3) {
        *r = (rewrite){(ULONG)(parts[2].at - name), (ULONG)(parts[2].at - name), "SysWOW64\\"};
        return TRUE;
    }
    return FALSE;
}

/* Redirect the name of the OBJECT_ATTRIBUTES (already widened into the scratch area) at *oa_arg: a new name and
 * UNICODE_STRING in the scratch area when a rule rewrites it, as thunks/files.py does. FALSE: the general path must
 * convert the call (a name relative to a directory, other characters, a long name, no room). */
static BOOL redirect_name(ULONG64 *oa_arg, scratch *s)
{
    object_attributes64 *oa = (object_attributes64 *)*oa_arg;
    const unicode_string64 *us;
    WCHAR name[MAX_NAME_BYTES / 2];
    ULONG length, added = 0;
    rewrite r;
    BYTE *at;

    if (!oa || !oa->ObjectName || oa->Length != OA64_SIZE || (oa->Attributes & ~OBJ_VALID_ATTRIBUTES))
        return TRUE;                                /* the kernel refuses it before it looks at the name */
    us = (const unicode_string64 *)oa->ObjectName;
    if ((us->Buffer & 1) || (us->Length & 1))
        return TRUE;                                /* misaligned, or an odd length: the kernel's to refuse */
    if (oa->RootDirectory || us->Length > MAX_NAME_BYTES)
        return FALSE;
    length = us->Length / 2;
    wow64_guarded_copy(name, (const void *)us->Buffer, us->Length);
    for (ULONG i = 0; i < length; i++)
        if (name[i] >= 0x80)
            return FALSE;
    if (!find_rewrite(name, length, !__readgsqword(TEB64_TLS_FILESYSREDIR), &r))
        return TRUE;
    while (r.insert[added])
        added++;
    {
        ULONG new_length = length - (r.resume - r.cut) + added;
        WCHAR *buffer = (WCHAR *)take(s, new_length * 2);
        unicode_string64 *new_us = (unicode_string64 *)take(s, sizeof(*new_us));

        if (!buffer || !new_us)
            return FALSE;
        at = (BYTE *)buffer;
        copy_bytes(at, (const BYTE *)name, r.cut * 2);
        for (ULONG i = 0; i < added; i++)
            buffer[r.cut + i] = (WCHAR)r.insert[i];
        copy_bytes(at + (r.cut + added) * 2, (const BYTE *)(name + r.resume), (length - r.resume) * 2);
        *new_us = (unicode_string64){(USHORT)(new_length * 2), (USHORT)(new_length * 2), 0, (ULONG64)buffer};
        oa->ObjectName = (ULONG64)new_us;
    }
    return TRUE;
}

/* The call `desc` describes, with the 32-bit arguments at args32: widened, served by the 64-bit stub, narrowed; its
 * status, or GENERAL_PATH | the call's number when the Python dispatcher must convert it. */
ULONG64 wow64_convert_call(const call_desc *desc, const ULONG *args32)
{
    const convert_header *header = data_at(0);
    ULONG64 args[MAX_ARGS];
    BYTE area[SCRATCH_SIZE] __attribute__((aligned(16)));
    scratch s = {area, area + sizeof(area)};
    NTSTATUS status;

    for (ULONG i = 0; i < desc->argc; i++) {
        ULONG value = args32[i];
        args[i] = (desc->signed_mask >> i & 1) ? (ULONG64)(LONG64)(LONG)value : value;
        if ((desc->zero_bits_mask >> i & 1) && !value)
            args[i] = header->address_mask32;
    }
    for (ULONG p = 0; p < desc->pointers; p++) {
        const pointer_desc *pd = &desc->pointer[p];
        const layout_desc *layout = data_at(pd->layout);
        ULONG ptr32 = args32[pd->index];
        BYTE *copy;

        if (!ptr32)
            continue;
        if (pd->direction == DIR_OUT) {
            wow64_guarded_probe_write(from32(ptr32), layout->size32);
            copy = take(&s, layout->size64);
            if (copy)
                fill(copy, SENTINEL, layout->size64);
        } else {
            copy = widen_struct(layout, ptr32, &s);
            if (copy && pd->direction == DIR_INOUT) {   /* what it held before: right after it */
                BYTE *before = take(&s, layout->size64);
                if (before)
                    copy_bytes(before, copy, layout->size64);
                else
                    copy = NULL;
            }
        }
        if (!copy)
            return STATUS_NO_MEMORY;
        args[pd->index] = (ULONG64)copy;
    }
    if (desc->redirect != NO_REDIRECT && !redirect_name(&args[desc->redirect], &s))
        return GENERAL_PATH | desc->number;
    status = wow64_call_stub(desc->stub64, args, desc->argc);
    for (ULONG p = 0; p < desc->pointers; p++) {     /* the outputs, found again from the descriptions */
        const pointer_desc *pd = &desc->pointer[p];
        const layout_desc *layout = data_at(pd->layout);
        const BYTE *copy = (const BYTE *)args[pd->index];

        if (pd->direction == DIR_IN || !args32[pd->index])
            continue;
        if (!unchanged(copy, pd->direction == DIR_INOUT ? copy + round16(layout->size64) : NULL, layout->size64))
            narrow(layout, args32[pd->index], copy);
    }
    return (ULONG)status;
}

/* The language handler of Wow64ConvertedCall (wow64.S): an exception raised while touching the caller's memory
 * ends the call with STATUS_ACCESS_VIOLATION, as the __except of Windows' thunks does; any other is not ours. */
EXCEPTION_DISPOSITION wow64_guard_handler(EXCEPTION_RECORD *record, PVOID frame, CONTEXT *context,
                                          DISPATCHER_CONTEXT *dispatch)
{
    BYTE *at = record->ExceptionAddress;

    if (record->ExceptionFlags & (EXCEPTION_UNWINDING | EXCEPTION_EXIT_UNWIND))
        return ExceptionContinueSearch;
    if (at < Wow64GuardedBegin || at >= Wow64GuardedEnd)
        return ExceptionContinueSearch;
    RtlUnwindEx(frame, Wow64ConvertedReturn, record, (PVOID)(ULONG_PTR)(ULONG)STATUS_ACCESS_VIOLATION, context,
                dispatch->HistoryTable);
    return ExceptionContinueSearch;
}
