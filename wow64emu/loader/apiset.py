"""API sets: the virtual DLL names (api-ms-win-core-synch-l1-2-0.dll) and the DLL each stands for, as Windows 10's
API set schema (apisetschema.dll, version 6) gives them.

Windows resolves a name that starts with "api-" or "ext-" (any case) by the schema: the name up to its last hyphen
(the contract and its level: "api-ms-win-core-synch-l1-2") is hashed and looked up; a hit gives the host DLL (a
contract may name other hosts for particular importers; none here does), a miss gives STATUS_DLL_NOT_FOUND without
any search of the folders. So api-ms-win-core-synch-l1-2-0 and -l1-2-1 are one contract; -l9-9-0 is none.

The process gets the schema in its memory, as Windows maps apisetschema.dll's section, and PEB.ApiSetMap of both
widths points to it: the guest's ntdll resolves LoadLibrary names from it; process creation's linker from the table
below, by the same rule.

The hosts differ from Windows 10's in one way: the core contracts that Windows hosts in kernelbase.dll are hosted in
kernel32.dll, which holds those functions in this guest userland (there is no kernelbase.dll); the rtlsupport
contract is ntdll's, as on Windows, and the C runtime's contracts are ucrtbase.dll's.
"""

from __future__ import annotations

import struct

HASH_FACTOR = 0x1F
SCHEMA_VERSION = 6
_SEALED = 1

_KERNEL32 = "kernel32.dll"
_NTDLL = "ntdll.dll"
_UCRTBASE = "ucrtbase.dll"

# (contract name up to its last version digit, its levels as "-lX-Y", host): Windows 10 22H2's contracts that the
# programs this emulator runs import.
_CONTRACTS: tuple[tuple[str, tuple[str, ...], str], ...] = (
    ("api-ms-win-core-console", ("l1-1", "l1-2", "l2-1", "l3-2"), _KERNEL32),
    ("api-ms-win-core-datetime", ("l1-1",), _KERNEL32),
    ("api-ms-win-core-debug", ("l1-1",), _KERNEL32),
    ("api-ms-win-core-delayload", ("l1-1",), _KERNEL32),
    ("api-ms-win-core-errorhandling", ("l1-1",), _KERNEL32),
    ("api-ms-win-core-fibers", ("l1-1",), _KERNEL32),
    ("api-ms-win-core-file", ("l1-1", "l1-2", "l2-1"), _KERNEL32),
    ("api-ms-win-core-handle", ("l1-1",), _KERNEL32),
    ("api-ms-win-core-heap", ("l1-1", "l1-2", "l2-1"), _KERNEL32),
    ("api-ms-win-core-interlocked", ("l1-1",), _KERNEL32),
    ("api-ms-win-core-io", ("l1-1",), _KERNEL32),
    ("api-ms-win-core-job", ("l1-1", "l2-1"), _KERNEL32),
    ("api-ms-win-core-kernel32-legacy", ("l1-1",), _KERNEL32),
    ("api-ms-win-core-libraryloader", ("l1-1", "l1-2", "l2-1"), _KERNEL32),
    ("api-ms-win-core-localization", ("l1-1", "l1-2", "l2-1"), _KERNEL32),
    ("api-ms-win-core-memory", ("l1-1",), _KERNEL32),
    ("api-ms-win-core-namedpipe", ("l1-1", "l1-2"), _KERNEL32),
    ("api-ms-win-core-processenvironment", ("l1-1", "l1-2"), _KERNEL32),
    ("api-ms-win-core-processthreads", ("l1-1",), _KERNEL32),
    ("api-ms-win-core-profile", ("l1-1",), _KERNEL32),
    ("api-ms-win-core-rtlsupport", ("l1-1", "l1-2"), _NTDLL),
    ("api-ms-win-core-string", ("l1-1",), _KERNEL32),
    ("api-ms-win-core-synch", ("l1-1", "l1-2"), _KERNEL32),
    ("api-ms-win-core-sysinfo", ("l1-1", "l1-2"), _KERNEL32),
    ("api-ms-win-core-timezone", ("l1-1",), _KERNEL32),
    ("api-ms-win-core-util", ("l1-1",), _KERNEL32),
    ("api-ms-win-core-wow64", ("l1-1",), _KERNEL32),
    *((f"api-ms-win-crt-{area}", ("l1-1",), _UCRTBASE) for area in (
        "conio", "convert", "environment", "filesystem", "heap", "locale", "math", "multibyte", "private",
        "process", "runtime", "stdio", "string", "time", "utility")),
)

# Each entry's name as the schema stores it (the full name of its first version, "...-l1-2-0"), keyed by the
# hashed part ("...-l1-2").
_ENTRIES: dict[str, tuple[str, str]] = {
    f"{contract}-{level}": (f"{contract}-{level}-0", host)
    for contract, levels, host in _CONTRACTS for level in levels
}


def _hashed_part(name: str) -> str | None:
    """The part of an API set name the schema hashes (lower case, without ".dll" and the last "-N"), or None when
    the name is not an API set name."""
    name = name.lower()
    if not name.startswith(("api-", "ext-")):
        return None
    if name.endswith(".dll"):
        name = name[:-4]
    return name.rpartition("-")[0]


def host_of(name: str) -> str | None:
    """The DLL an API set name stands for; "" for an API set name the schema does not hold (STATUS_DLL_NOT_FOUND);
    None when the name is not an API set name."""
    hashed = _hashed_part(name)
    if hashed is None:
        return None
    entry = _ENTRIES.get(hashed)
    return entry[1] if entry else ""


def schema_hash(hashed: str) -> int:
    h = 0
    for ch in hashed:
        h = (h * HASH_FACTOR + ord(ch)) & 0xFFFFFFFF
    return h


def schema_bytes() -> bytes:
    """The schema as Windows 10's apisetschema.dll holds it (version 6): the namespace header, the entries sorted by
    name, one value each, the hash table sorted by hash, then the strings (UTF-16LE, offsets from the start)."""
    names = sorted(_ENTRIES)
    header = struct.Struct("<7I")  # Version, Size, Flags, Count, EntryOffset, HashOffset, HashFactor
    entry = struct.Struct("<6I")  # Flags, NameOffset, NameLength, HashedLength, ValueOffset, ValueCount
    value = struct.Struct("<5I")  # Flags, NameOffset, NameLength, ValueOffset, ValueLength
    hash_entry = struct.Struct("<2I")  # Hash, Index
    entries_at = header.size
    values_at = entries_at + entry.size * len(names)
    hashes_at = values_at + value.size * len(names)
    strings = bytearray()
    strings_at = hashes_at + hash_entry.size * len(names)

    def string(text: str) -> tuple[int, int]:
        offset = strings_at + len(strings)
        strings.extend(text.encode("utf-16-le"))
        return offset, 2 * len(text)

    body = bytearray()
    values = bytearray()
    for index, hashed in enumerate(names):
        full, host = _ENTRIES[hashed]
        name_at, name_len = string(full)
        host_at, host_len = string(host)
        body += entry.pack(_SEALED, name_at, name_len, 2 * len(hashed), values_at + value.size * index, 1)
        values += value.pack(0, 0, 0, host_at, host_len)
    hashes = b"".join(hash_entry.pack(h, index)
                      for h, index in sorted((schema_hash(hashed), i) for i, hashed in enumerate(names)))
    size = strings_at + len(strings)
    return (header.pack(SCHEMA_VERSION, size, _SEALED, len(names), entries_at, hashes_at, HASH_FACTOR)
            + bytes(body) + bytes(values) + hashes + bytes(strings))
