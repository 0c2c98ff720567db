"""System calls of the object manager: handles, names, directories; the layouts of their answers in both widths,
and the shapes the kernel and wow64.dll both build (counted strings, directory listings)."""

from __future__ import annotations

from .decl import HANDLE_OUT, OA, ULONG_INOUT, ULONG_OUT, decl
from .kinds import ACCESS_MASK, BOOLEAN, HANDLE, PVOID, ULONG
from .layouts import F, Field, Layout

# OBJECT_INFORMATION_CLASS
ObjectBasicInformation = 0
ObjectNameInformation = 1
ObjectTypeInformation = 2
ObjectTypesInformation = 3
ObjectHandleFlagInformation = 4

OBJECT_BASIC_INFORMATION = Layout("OBJECT_BASIC_INFORMATION", [
    *(Field(name, F.U32) for name in (
        "Attributes", "GrantedAccess", "HandleCount", "PointerCount", "PagedPoolCharge", "NonPagedPoolCharge",
        "Reserved0", "Reserved1", "Reserved2", "NameInfoSize", "TypeInfoSize", "SecurityDescriptorSize")),
    Field("CreationTime", F.I64),
])

# OBJECT_NAME_INFORMATION is a UNICODE_STRING (layouts.UNICODE_STRING) followed by the name.

OBJECT_TYPE_INFORMATION = Layout("OBJECT_TYPE_INFORMATION", [
    Field("TypeNameLength", F.U16),
    Field("TypeNameMaximumLength", F.U16),
    Field("TypeNameBuffer", F.PTR),
    *(Field(name, F.U32) for name in (
        "TotalNumberOfObjects", "TotalNumberOfHandles", "TotalPagedPoolUsage", "TotalNonPagedPoolUsage",
        "TotalNamePoolUsage", "TotalHandleTableUsage", "HighWaterNumberOfObjects", "HighWaterNumberOfHandles",
        "HighWaterPagedPoolUsage", "HighWaterNonPagedPoolUsage", "HighWaterNamePoolUsage",
        "HighWaterHandleTableUsage", "InvalidAttributes", "GenericRead", "GenericWrite", "GenericExecute",
        "GenericAll", "ValidAccessMask")),
    Field("SecurityRequired", F.U8),
    Field("MaintainHandleCount", F.U8),
    Field("TypeIndex", F.U8),
    Field("ReservedByte", F.U8),
    Field("PoolType", F.U32),
    Field("DefaultPagedPoolCharge", F.U32),
    Field("DefaultNonPagedPoolCharge", F.U32),
])

OBJECT_HANDLE_FLAG_INFORMATION = Layout("OBJECT_HANDLE_FLAG_INFORMATION", [
    Field("Inherit", F.U8),
    Field("ProtectFromClose", F.U8),
])

OBJECT_DIRECTORY_INFORMATION = Layout("OBJECT_DIRECTORY_INFORMATION", [
    Field("NameLength", F.U16),
    Field("NameMaximumLength", F.U16),
    Field("NameBuffer", F.PTR),
    Field("TypeNameLength", F.U16),
    Field("TypeNameMaximumLength", F.U16),
    Field("TypeNameBuffer", F.PTR),
])

LAYOUTS = (OBJECT_BASIC_INFORMATION, OBJECT_TYPE_INFORMATION, OBJECT_HANDLE_FLAG_INFORMATION,
           OBJECT_DIRECTORY_INFORMATION)


# ---- the answers' shapes, shared with the kernel ----------------------------------------------------------

def counted_string(text: str, address: int) -> tuple[dict[str, int], bytes]:
    """A UNICODE_STRING's fields for `text` stored at `address`, and the bytes stored (NUL-terminated).

    An empty text is the empty string: no buffer at all.
    """
    data = text.encode("utf-16-le")
    if not data:
        return {"Length": 0, "MaximumLength": 0, "Buffer": 0}, b""
    return {"Length": len(data), "MaximumLength": len(data) + 2, "Buffer": address}, data + b"\0\0"


def directory_entry_size(name: str, type_name: str, width: int) -> int:
    """What one OBJECT_DIRECTORY_INFORMATION entry takes with its two NUL-terminated strings."""
    return OBJECT_DIRECTORY_INFORMATION.size(width) + 2 * (len(name) + len(type_name)) + 4


def directory_listing(listing: list[tuple[str, str]], address: int, width: int) -> bytes:
    """The entries (name, type name), a zeroed entry, then the strings they point to, as stored at `address`."""
    layout = OBJECT_DIRECTORY_INFORMATION
    strings = bytearray()
    heap = address + layout.size(width) * (len(listing) + 1)
    entries = bytearray()
    for name, type_name in listing:
        values: dict[str, int] = {}
        for prefix, text in (("Name", name), ("TypeName", type_name)):
            fields, data = counted_string(text, heap + len(strings))
            values.update({prefix + k: v for k, v in fields.items()})
            strings += data
        entries += layout.pack(values, width)
    return bytes(entries) + bytes(layout.size(width)) + bytes(strings)


_OPEN_OR_CREATE = (("DirectoryHandle", HANDLE_OUT), ("DesiredAccess", ACCESS_MASK), ("ObjectAttributes", OA))

DECLARATIONS = {
    "NtClose": decl(("Handle", HANDLE)),
    "NtDuplicateObject": decl(("SourceProcessHandle", HANDLE), ("SourceHandle", HANDLE),
                              ("TargetProcessHandle", HANDLE), ("TargetHandle", HANDLE_OUT),
                              ("DesiredAccess", ACCESS_MASK), ("HandleAttributes", ULONG), ("Options", ULONG)),
    "NtQueryObject": decl(("Handle", HANDLE), ("ObjectInformationClass", ULONG), ("ObjectInformation", PVOID),
                          ("ObjectInformationLength", ULONG), ("ReturnLength", ULONG_OUT)),
    "NtSetInformationObject": decl(("Handle", HANDLE), ("ObjectInformationClass", ULONG),
                                   ("ObjectInformation", PVOID), ("ObjectInformationLength", ULONG)),
    "NtCompareObjects": decl(("FirstObjectHandle", HANDLE), ("SecondObjectHandle", HANDLE)),
    "NtMakeTemporaryObject": decl(("Handle", HANDLE)),
    "NtCreateDirectoryObject": decl(*_OPEN_OR_CREATE),
    "NtOpenDirectoryObject": decl(*_OPEN_OR_CREATE),
    "NtQueryDirectoryObject": decl(("DirectoryHandle", HANDLE), ("Buffer", PVOID), ("Length", ULONG),
                                   ("ReturnSingleEntry", BOOLEAN), ("RestartScan", BOOLEAN),
                                   ("Context", ULONG_INOUT), ("ReturnLength", ULONG_OUT)),
}
