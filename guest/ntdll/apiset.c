/*
 * API sets: the DLL an api-ms-win-... name stands for, from the schema process creation maps and PEB->ApiSetMap
 * points to (Windows 10's version 6 layout; wow64emu/loader/apiset.py writes it and says which hosts it names).
 *
 * Windows' rule, followed here: a name that starts with "api-" or "ext-" (any case) is an API set name. Its part up
 * to the last hyphen, without ".dll", is hashed (each character lower-cased: h = h * HashFactor + c) and looked up
 * by a binary search of the hash table, then compared with the entry's name over the entry's HashedLength. A hit
 * gives the entry's first value (the default host: no entry here names hosts for particular importers); a miss, or
 * an entry without a host, is STATUS_DLL_NOT_FOUND, and no folder is searched.
 */
#include "ldr.h"

typedef struct {
    ULONG Version, Size, Flags, Count, EntryOffset, HashOffset, HashFactor;
} API_SET_NAMESPACE;

typedef struct {
    ULONG Flags, NameOffset, NameLength, HashedLength, ValueOffset, ValueCount;
} API_SET_NAMESPACE_ENTRY;

typedef struct {
    ULONG Flags, NameOffset, NameLength, ValueOffset, ValueLength;
} API_SET_VALUE_ENTRY;

typedef struct {
    ULONG Hash, Index;
} API_SET_HASH_ENTRY;

#define SCHEMA_VERSION 6                   /* Windows 10 (apiset.h still says 2: Windows 7) */

static WCHAR lower(WCHAR c)
{
    return c >= 'A' && c <= 'Z' ? (WCHAR)(c + ('a' - 'A')) : c;
}

static BOOL starts_with(const WCHAR *name, ULONG length, const char *prefix)
{
    ULONG i = 0;
    for (; prefix[i]; i++)
        if (i >= length || lower(name[i]) != (WCHAR)prefix[i])
            return FALSE;
    return TRUE;
}

static BOOL same_name(const WCHAR *a, const WCHAR *b, ULONG length)
{
    for (ULONG i = 0; i < length; i++)
        if (lower(a[i]) != lower(b[i]))
            return FALSE;
    return TRUE;
}

static const API_SET_NAMESPACE_ENTRY *find_entry(const API_SET_NAMESPACE *map, const WCHAR *hashed, ULONG length)
{
    const char *base = (const char *)map;
    const API_SET_HASH_ENTRY *hashes = (const API_SET_HASH_ENTRY *)(base + map->HashOffset);
    ULONG hash = 0, low = 0, high = map->Count;

    for (ULONG i = 0; i < length; i++)
        hash = hash * map->HashFactor + lower(hashed[i]);
    while (low < high) {
        ULONG middle = low + (high - low) / 2;
        if (hashes[middle].Hash < hash)
            low = middle + 1;
        else if (hashes[middle].Hash > hash)
            high = middle;
        else {
            const API_SET_NAMESPACE_ENTRY *e = (const API_SET_NAMESPACE_ENTRY *)(base + map->EntryOffset) +
                                               hashes[middle].Index;
            if (e->HashedLength == length * sizeof(WCHAR) &&
                same_name((const WCHAR *)(base + e->NameOffset), hashed, length))
                return e;
            return NULL;
        }
    }
    return NULL;
}

BOOL ldr_api_set_host(const WCHAR *name, ULONG length, const WCHAR **host, ULONG *host_length)
{
    const API_SET_NAMESPACE *map = NT_PEB_FIELD(const API_SET_NAMESPACE *, NT_PEB_API_SET_MAP);
    const API_SET_NAMESPACE_ENTRY *e;
    ULONG hashed = 0;

    if (!starts_with(name, length, "api-") && !starts_with(name, length, "ext-"))
        return FALSE;
    *host = NULL;
    *host_length = 0;
    if (length >= 4 && same_name(name + length - 4, L".dll", 4))
        length -= 4;
    for (ULONG i = 0; i < length; i++)
        if (name[i] == '-')
            hashed = i;
    if (!map || map->Version != SCHEMA_VERSION)
        return TRUE;
    e = find_entry(map, name, hashed);
    if (e && e->ValueCount) {
        const API_SET_VALUE_ENTRY *v = (const API_SET_VALUE_ENTRY *)((const char *)map + e->ValueOffset);
        *host = (const WCHAR *)((const char *)map + v->ValueOffset);
        *host_length = v->ValueLength / sizeof(WCHAR);
    }
    return TRUE;
}
