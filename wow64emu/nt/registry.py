"""System calls of the configuration manager: registry keys and values.

Every information structure of these calls (KEY_*_INFORMATION, KEY_VALUE_*_INFORMATION) has the same bytes in
both widths: ULONGs, LARGE_INTEGERs and WCHARs. KEY_VALUE_ENTRY (NtQueryMultipleValueKey) holds a pointer to a
UNICODE_STRING: wow64 rebuilds the array (wow64emu/thunks/registry.py). NtNotifyChangeMultipleKeys takes at most
one subordinate OBJECT_ATTRIBUTES, declared as one. The IO_STATUS_BLOCK of a change notification is written when
the key changes, long after the call: wow64 passes the caller's own, which the kernel writes in the caller's width
(as Windows' kernel writes a WoW64 caller's asynchronous I/O status), so it is declared as a plain pointer.
"""

from __future__ import annotations

from . import layouts as L
from .decl import HANDLE_OUT, OA, ULONG_INOUT, ULONG_OUT, decl
from .kinds import ACCESS_MASK, BOOLEAN, HANDLE, PVOID, ULONG, ptr_in

# Value types.
REG_NONE = 0
REG_SZ = 1
REG_EXPAND_SZ = 2
REG_BINARY = 3
REG_DWORD = 4
REG_DWORD_BIG_ENDIAN = 5
REG_LINK = 6
REG_MULTI_SZ = 7
REG_RESOURCE_LIST = 8
REG_QWORD = 11

# KEY_INFORMATION_CLASS.
KeyBasicInformation = 0
KeyNodeInformation = 1
KeyFullInformation = 2
KeyNameInformation = 3
KeyCachedInformation = 4
KeyFlagsInformation = 5
KeyVirtualizationInformation = 6
KeyHandleTagsInformation = 7
KeyTrustInformation = 8
KeyLayerInformation = 9

# KEY_VALUE_INFORMATION_CLASS.
KeyValueBasicInformation = 0
KeyValueFullInformation = 1
KeyValuePartialInformation = 2
KeyValueFullInformationAlign64 = 3
KeyValuePartialInformationAlign64 = 4
KeyValueLayerInformation = 5

# KEY_SET_INFORMATION_CLASS.
KeyWriteTimeInformation = 0
KeyWow64FlagsInformation = 1
KeyControlFlagsInformation = 2
KeySetVirtualizationInformation = 3
KeySetDebugInformation = 4
KeySetHandleTagsInformation = 5
KeySetLayerInformation = 6

# 16 bytes in 32-bit code, 24 in 64-bit code.
KEY_VALUE_ENTRY = L.Layout("KEY_VALUE_ENTRY", [
    L.Field("ValueName", L.F.PTR),
    L.Field("DataLength", L.F.U32),
    L.Field("DataOffset", L.F.U32),
    L.Field("Type", L.F.U32),
])

US_IN = ptr_in(L.UNICODE_STRING)
_NOTIFY_TAIL = (("Event", HANDLE), ("ApcRoutine", PVOID), ("ApcContext", PVOID), ("IoStatusBlock", PVOID),
                ("CompletionFilter", ULONG), ("WatchTree", BOOLEAN), ("Buffer", PVOID), ("BufferSize", ULONG),
                ("Asynchronous", BOOLEAN))

DECLARATIONS = {
    "NtCreateKey": decl(("KeyHandle", HANDLE_OUT), ("DesiredAccess", ACCESS_MASK), ("ObjectAttributes", OA),
                        ("TitleIndex", ULONG), ("Class", US_IN), ("CreateOptions", ULONG),
                        ("Disposition", ULONG_OUT)),
    "NtOpenKey": decl(("KeyHandle", HANDLE_OUT), ("DesiredAccess", ACCESS_MASK), ("ObjectAttributes", OA)),
    "NtOpenKeyEx": decl(("KeyHandle", HANDLE_OUT), ("DesiredAccess", ACCESS_MASK), ("ObjectAttributes", OA),
                        ("OpenOptions", ULONG)),
    "NtDeleteKey": decl(("KeyHandle", HANDLE)),
    "NtRenameKey": decl(("KeyHandle", HANDLE), ("NewName", US_IN)),
    "NtSetValueKey": decl(("KeyHandle", HANDLE), ("ValueName", US_IN), ("TitleIndex", ULONG), ("Type", ULONG),
                          ("Data", PVOID), ("DataSize", ULONG)),
    "NtQueryValueKey": decl(("KeyHandle", HANDLE), ("ValueName", US_IN), ("KeyValueInformationClass", ULONG),
                            ("KeyValueInformation", PVOID), ("Length", ULONG), ("ResultLength", ULONG_OUT)),
    "NtDeleteValueKey": decl(("KeyHandle", HANDLE), ("ValueName", US_IN)),
    "NtEnumerateKey": decl(("KeyHandle", HANDLE), ("Index", ULONG), ("KeyInformationClass", ULONG),
                           ("KeyInformation", PVOID), ("Length", ULONG), ("ResultLength", ULONG_OUT)),
    "NtEnumerateValueKey": decl(("KeyHandle", HANDLE), ("Index", ULONG), ("KeyValueInformationClass", ULONG),
                                ("KeyValueInformation", PVOID), ("Length", ULONG), ("ResultLength", ULONG_OUT)),
    "NtQueryKey": decl(("KeyHandle", HANDLE), ("KeyInformationClass", ULONG), ("KeyInformation", PVOID),
                       ("Length", ULONG), ("ResultLength", ULONG_OUT)),
    "NtQueryMultipleValueKey": decl(("KeyHandle", HANDLE), ("ValueEntries", PVOID), ("EntryCount", ULONG),
                                    ("ValueBuffer", PVOID), ("BufferLength", ULONG_INOUT),
                                    ("RequiredBufferLength", ULONG_OUT)),
    "NtFlushKey": decl(("KeyHandle", HANDLE)),
    "NtNotifyChangeKey": decl(("KeyHandle", HANDLE), *_NOTIFY_TAIL),
    "NtNotifyChangeMultipleKeys": decl(("MasterKeyHandle", HANDLE), ("Count", ULONG),
                                       ("SubordinateObjects", OA), *_NOTIFY_TAIL),
    "NtSetInformationKey": decl(("KeyHandle", HANDLE), ("KeySetInformationClass", ULONG),
                                ("KeySetInformation", PVOID), ("KeySetInformationLength", ULONG)),
}
