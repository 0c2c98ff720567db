/*
 * advapi32: HKEY_CLASSES_ROOT, the merged view of the machine's classes (\Registry\Machine\Software\Classes) and the
 * user's (\Registry\User\<SID>_Classes, which HKCU\Software\Classes links to), as Microsoft's "Merged View of
 * HKEY_CLASSES_ROOT" and "HKEY_CLASSES_ROOT Key" describe it. A key of the view is HKEY_CLASSES_ROOT itself or a key
 * opened or created from one; it has two sides, the user's key and the machine's of the same name below the two
 * classes roots (either may be missing):
 *   - a name opened below it is the user's key when the user's side has it, else the machine's (no name: the key
 *     itself, the machine's side of HKEY_CLASSES_ROOT);
 *   - its subkeys (RegEnumKeyEx, RegQueryInfoKey) are the union of both sides' in the registry's order (by upcased
 *     name), a name both sides have once, as the user's;
 *   - a key created below it that neither side has is made on the machine's side (where the standard user is refused,
 *     as on Windows), unless its parent exists on the user's side only.
 * As Windows' advapi32 does, the handles of the view carry bit 1 (REG_CLASSES_SPECIAL_TAG; the kernel ignores a
 * handle's two low bits, OBJ_HANDLE_TAGBITS); a tagged handle finds its other side from its own name (NtQueryKey,
 * KeyNameInformation). Names are compared with ASCII and Latin-1 letters folded.
 *
 * An enumeration walks both sides in step from the start; one cursor (the last handle, index and the two sides'
 * positions) makes RegEnumKeyEx with rising indexes cost two NtEnumerateKey calls per subkey.
 */
#include "advapi.h"

#define CLASSES_TAG 2
#define OTHER_SIDE_ACCESS (KEY_ENUMERATE_SUB_KEYS | KEY_QUERY_VALUE)
#define USER_SIDE 0
#define MACHINE_SIDE 1

static const WCHAR machine_classes[] = L"\\REGISTRY\\MACHINE\\SOFTWARE\\CLASSES";

/* The two sides of a key of the view; `owned` marks the handles opened for the occasion (closed by release). */
typedef struct {
    HANDLE side[2];
    BOOL owned[2];
} sides_t;

static struct {
    LONG lock;
    HKEY key;
    DWORD index;
    DWORD pos[2];
} cursor;

BOOL is_classes_key(HKEY key)
{
    return is_classes_root(key) || (!is_predefined(key) && ((ULONG_PTR)key & CLASSES_TAG));
}

HANDLE classes_tagged(HANDLE handle)
{
    return (HANDLE)((ULONG_PTR)handle | CLASSES_TAG);
}

static WCHAR fold(WCHAR c)
{
    if ((c >= L'a' && c <= L'z') || (c >= 0xE0 && c <= 0xFE && c != 0xF7))
        return (WCHAR)(c - 0x20);
    return c;
}

/* <0, 0, >0: the order of two counted names, case folded. */
static int compare_names(const WCHAR *a, SIZE_T a_length, const WCHAR *b, SIZE_T b_length)
{
    for (SIZE_T i = 0; i < a_length && i < b_length; i++) {
        WCHAR x = fold(a[i]), y = fold(b[i]);
        if (x != y)
            return x < y ? -1 : 1;
    }
    return a_length == b_length ? 0 : a_length < b_length ? -1 : 1;
}

/* Whether `name` (counted) starts with the component path `prefix` (counted); *rest: what follows its backslash. */
static BOOL has_prefix(const WCHAR *name, SIZE_T length, const WCHAR *prefix, SIZE_T prefix_length,
                       const WCHAR **rest)
{
    if (length < prefix_length || compare_names(name, prefix_length, prefix, prefix_length))
        return FALSE;
    if (length == prefix_length) {
        *rest = name + length;
        return TRUE;
    }
    if (name[prefix_length] != L'\\')
        return FALSE;
    *rest = name + prefix_length + 1;
    return TRUE;
}

static void release(sides_t *sides)
{
    for (int i = 0; i < 2; i++)
        if (sides->owned[i])
            NtClose(sides->side[i]);
}

/* The other side of a tagged key: its name below the other classes root, opened for reading (NULL if missing). */
static void open_other_side(sides_t *sides, int other, const WCHAR *rest, SIZE_T rest_length)
{
    HANDLE root, opened;
    WCHAR *relative;
    NTSTATUS status = other == USER_SIDE ? user_classes_handle(&root) : key_handle(HKEY_CLASSES_ROOT, &root);

    if (!NT_SUCCESS(status) || !(relative = adv_alloc((rest_length + 1) * sizeof(WCHAR))))
        return;
    copy_bytes(relative, rest, rest_length * sizeof(WCHAR));
    relative[rest_length] = 0;
    if (!rest_length) {
        sides->side[other] = root;
    } else if (NT_SUCCESS(open_below(root, relative, 0, OTHER_SIDE_ACCESS, &opened))) {
        sides->side[other] = opened;
        sides->owned[other] = TRUE;
    }
    adv_free(relative);
}

/* The two sides of a key of the view (a key outside both classes trees is its own machine's side). */
static NTSTATUS get_sides(HKEY key, sides_t *sides)
{
    KEY_NAME_INFORMATION *info;
    UNICODE_STRING user;
    const WCHAR *rest;
    SIZE_T length, machine_length = sizeof machine_classes / sizeof(WCHAR) - 1;
    HANDLE handle;
    NTSTATUS status;

    zero_bytes(sides, sizeof *sides);
    status = key_handle(key, &handle);
    if (!NT_SUCCESS(status))
        return status;
    if (is_classes_root(key)) {
        sides->side[MACHINE_SIDE] = handle;
        if (!NT_SUCCESS(user_classes_handle(&sides->side[USER_SIDE])))
            sides->side[USER_SIDE] = NULL;
        return STATUS_SUCCESS;
    }
    status = whole_answer(ask_query_key, handle, 0, KeyNameInformation, (void **)&info);
    if (!NT_SUCCESS(status))
        return status;
    length = info->NameLength / sizeof(WCHAR);
    status = current_user_path(&user);
    if (!NT_SUCCESS(status)) {
        adv_free(info);
        return status;
    }
    /* the user's classes root is <user path>_Classes: the user path, then "_Classes" as a component's end */
    if (length > user.Length / sizeof(WCHAR)
        && has_prefix(info->Name + user.Length / sizeof(WCHAR), length - user.Length / sizeof(WCHAR), L"_CLASSES", 8,
                      &rest)
        && !compare_names(info->Name, user.Length / sizeof(WCHAR), user.Buffer, user.Length / sizeof(WCHAR))) {
        sides->side[USER_SIDE] = handle;
        open_other_side(sides, MACHINE_SIDE, rest, length - (SIZE_T)(rest - info->Name));
    } else {
        sides->side[MACHINE_SIDE] = handle;
        if (has_prefix(info->Name, length, machine_classes, machine_length, &rest))
            open_other_side(sides, USER_SIDE, rest, length - (SIZE_T)(rest - info->Name));
    }
    adv_free(user.Buffer);
    adv_free(info);
    return STATUS_SUCCESS;
}

static BOOL not_found(NTSTATUS status)
{
    return status == STATUS_OBJECT_NAME_NOT_FOUND || status == STATUS_OBJECT_PATH_NOT_FOUND;
}

NTSTATUS classes_open(HKEY key, const WCHAR *name, DWORD options, REGSAM access, HANDLE *result)
{
    sides_t sides;
    NTSTATUS status = get_sides(key, &sides);

    if (!NT_SUCCESS(status))
        return status;
    /* a name: the user's side first; no name: the key itself, which for HKEY_CLASSES_ROOT is the machine's */
    int first = name && *name ? USER_SIDE : MACHINE_SIDE;

    status = STATUS_OBJECT_NAME_NOT_FOUND;
    for (int i = 0; i < 2 && not_found(status); i++)
        if (sides.side[first ^ i])
            status = open_below(sides.side[first ^ i], name, options, access, result);
    release(&sides);
    if (NT_SUCCESS(status))
        *result = classes_tagged(*result);
    return status;
}

/* Whether a side has the key `path` names up to `length` characters (the side itself for 0). */
static BOOL side_has(HANDLE side, const WCHAR *path, SIZE_T length)
{
    WCHAR *parent;
    HANDLE opened;
    NTSTATUS status;

    if (!side || !length)
        return side != NULL;
    if (!(parent = adv_alloc((length + 1) * sizeof(WCHAR))))
        return FALSE;
    copy_bytes(parent, path, length * sizeof(WCHAR));
    parent[length] = 0;
    status = open_below(side, parent, 0, KEY_QUERY_VALUE, &opened);
    adv_free(parent);
    if (NT_SUCCESS(status))
        NtClose(opened);
    return NT_SUCCESS(status);
}

NTSTATUS classes_create_root(HKEY key, const WCHAR *path, HANDLE *root, BOOL *owned)
{
    sides_t sides;
    SIZE_T length = wide_length(path), parent = 0;
    int side;
    NTSTATUS status = get_sides(key, &sides);

    if (!NT_SUCCESS(status))
        return status;
    while (length && path[length - 1] == L'\\')
        length--;
    for (SIZE_T i = 0; i < length; i++)
        if (path[i] == L'\\')
            parent = i;
    side = side_has(sides.side[USER_SIDE], path, parent) && !side_has(sides.side[MACHINE_SIDE], path, parent)
        ? USER_SIDE : MACHINE_SIDE;
    if (!sides.side[side]) {
        release(&sides);
        return STATUS_OBJECT_NAME_NOT_FOUND;
    }
    *root = sides.side[side];
    *owned = sides.owned[side];
    sides.owned[side] = FALSE;
    release(&sides);
    return STATUS_SUCCESS;
}

/* One step of the merge from the positions `pos`: the side whose subkey comes next, and which sides move on. */
static NTSTATUS next_of(const sides_t *sides, const DWORD pos[2], int *which, DWORD step[2])
{
    KEY_BASIC_INFORMATION *info[2] = { NULL, NULL };
    NTSTATUS status = STATUS_SUCCESS;
    int order;

    for (int i = 0; i < 2 && NT_SUCCESS(status); i++) {
        if (!sides->side[i])
            continue;
        status = whole_answer(ask_enumerate_key, sides->side[i], pos[i], KeyBasicInformation, (void **)&info[i]);
        if (status == STATUS_NO_MORE_ENTRIES) {
            info[i] = NULL;
            status = STATUS_SUCCESS;
        }
    }
    if (NT_SUCCESS(status)) {
        if (!info[USER_SIDE] && !info[MACHINE_SIDE])
            status = STATUS_NO_MORE_ENTRIES;
        order = !info[USER_SIDE] ? 1 : !info[MACHINE_SIDE] ? -1
            : compare_names(info[USER_SIDE]->Name, info[USER_SIDE]->NameLength / sizeof(WCHAR),
                            info[MACHINE_SIDE]->Name, info[MACHINE_SIDE]->NameLength / sizeof(WCHAR));
        *which = order <= 0 ? USER_SIDE : MACHINE_SIDE;
        step[USER_SIDE] = order <= 0;
        step[MACHINE_SIDE] = order >= 0;
    }
    adv_free(info[USER_SIDE]);
    adv_free(info[MACHINE_SIDE]);
    return status;
}

static void lock_cursor(void)
{
    while (__sync_lock_test_and_set(&cursor.lock, 1))
        ;
}

static void unlock_cursor(void)
{
    __sync_lock_release(&cursor.lock);
}

NTSTATUS classes_enumerate(HKEY key, DWORD index, ULONG info_class, void **info)
{
    sides_t sides;
    DWORD pos[2] = { 0, 0 }, step[2], at = 0;
    int which;
    NTSTATUS status = get_sides(key, &sides);

    if (!NT_SUCCESS(status))
        return status;
    lock_cursor();
    if (cursor.key == key && cursor.index <= index) {
        at = cursor.index;
        pos[0] = cursor.pos[0];
        pos[1] = cursor.pos[1];
    }
    unlock_cursor();
    while (NT_SUCCESS(status = next_of(&sides, pos, &which, step)) && at < index) {
        pos[USER_SIDE] += step[USER_SIDE];
        pos[MACHINE_SIDE] += step[MACHINE_SIDE];
        at++;
    }
    if (NT_SUCCESS(status)) {
        status = whole_answer(ask_enumerate_key, sides.side[which], pos[which], info_class, info);
        lock_cursor();
        cursor.key = key;
        cursor.index = at;
        cursor.pos[0] = pos[0];
        cursor.pos[1] = pos[1];
        unlock_cursor();
    }
    release(&sides);
    return status;
}

NTSTATUS classes_count(HKEY key, DWORD *subkeys, DWORD *max_name)
{
    sides_t sides;
    DWORD pos[2] = { 0, 0 }, step[2];
    int which;
    NTSTATUS status = get_sides(key, &sides);

    if (!NT_SUCCESS(status))
        return status;
    *subkeys = *max_name = 0;
    for (int i = 0; i < 2; i++) {
        KEY_FULL_INFORMATION *full;

        if (sides.side[i] && NT_SUCCESS(whole_answer(ask_query_key, sides.side[i], 0, KeyFullInformation, (void **)&full))) {
            if (full->MaxNameLen > *max_name)
                *max_name = full->MaxNameLen;
            adv_free(full);
        }
    }
    while (NT_SUCCESS(status = next_of(&sides, pos, &which, step))) {
        pos[USER_SIDE] += step[USER_SIDE];
        pos[MACHINE_SIDE] += step[MACHINE_SIDE];
        ++*subkeys;
    }
    release(&sides);
    return status == STATUS_NO_MORE_ENTRIES ? STATUS_SUCCESS : status;
}

void classes_forget(HKEY key)
{
    lock_cursor();
    if (cursor.key == key)
        cursor.key = NULL;
    unlock_cursor();
}
