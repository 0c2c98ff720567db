"""System calls of the memory manager: virtual memory and sections, and their structures in both widths."""

from __future__ import annotations

from .decl import HANDLE_OUT, IOSB, LARGE_IN, LARGE_INOUT, OA, PVOID_INOUT, SIZE_INOUT, SIZE_OUT, ULONG_OUT, decl
from .kinds import ACCESS_MASK, HANDLE, PVOID, ULONG, ZERO_BITS, Kind
from .layouts import F, Field, Layout

SIZE_T = Kind("SIZE_T")  # a size passed by value: zero-extended

MemoryBasicInformation = 0
SectionBasicInformation = 0
SectionImageInformation = 1

# PartitionId (a USHORT of the 64-bit structure, in the padding after AllocationProtect) is always 0 here.
MEMORY_BASIC_INFORMATION = Layout("MEMORY_BASIC_INFORMATION", [
    Field("BaseAddress", F.PTR),
    Field("AllocationBase", F.PTR),
    Field("AllocationProtect", F.U32),
    Field("RegionSize", F.SIZE),
    Field("State", F.U32),
    Field("Protect", F.U32),
    Field("Type", F.U32),
])

SECTION_BASIC_INFORMATION = Layout("SECTION_BASIC_INFORMATION", [
    Field("BaseAddress", F.PTR),
    Field("AllocationAttributes", F.U32),
    Field("MaximumSize", F.I64),
])

SECTION_IMAGE_INFORMATION = Layout("SECTION_IMAGE_INFORMATION", [
    Field("TransferAddress", F.PTR),
    Field("ZeroBits", F.U32),
    Field("MaximumStackSize", F.SIZE),
    Field("CommittedStackSize", F.SIZE),
    Field("SubSystemType", F.U32),
    Field("SubSystemVersion", F.U32),
    Field("OperatingSystemVersion", F.U32),
    Field("ImageCharacteristics", F.U16),
    Field("DllCharacteristics", F.U16),
    Field("Machine", F.U16),
    Field("ImageContainsCode", F.U8),
    Field("ImageFlags", F.U8),
    Field("LoaderFlags", F.U32),
    Field("ImageFileSize", F.U32),
    Field("CheckSum", F.U32),
])


def _copy(size: str, done: str) -> tuple[tuple[str, Kind], ...]:
    """The parameters of NtReadVirtualMemory and NtWriteVirtualMemory."""
    return (("ProcessHandle", HANDLE), ("BaseAddress", PVOID), ("Buffer", PVOID), (size, SIZE_T), (done, SIZE_OUT))


DECLARATIONS = {
    "NtAllocateVirtualMemory": decl(("ProcessHandle", HANDLE), ("BaseAddress", PVOID_INOUT),
                                    ("ZeroBits", ZERO_BITS), ("RegionSize", SIZE_INOUT),
                                    ("AllocationType", ULONG), ("Protect", ULONG)),
    "NtFreeVirtualMemory": decl(("ProcessHandle", HANDLE), ("BaseAddress", PVOID_INOUT),
                                ("RegionSize", SIZE_INOUT), ("FreeType", ULONG)),
    "NtProtectVirtualMemory": decl(("ProcessHandle", HANDLE), ("BaseAddress", PVOID_INOUT),
                                   ("RegionSize", SIZE_INOUT), ("NewProtect", ULONG), ("OldProtect", ULONG_OUT)),
    "NtQueryVirtualMemory": decl(("ProcessHandle", HANDLE), ("BaseAddress", PVOID),
                                 ("MemoryInformationClass", ULONG), ("MemoryInformation", PVOID),
                                 ("MemoryInformationLength", SIZE_T), ("ReturnLength", SIZE_OUT)),
    "NtReadVirtualMemory": decl(*_copy("NumberOfBytesToRead", "NumberOfBytesRead")),
    "NtWriteVirtualMemory": decl(*_copy("NumberOfBytesToWrite", "NumberOfBytesWritten")),
    "NtFlushInstructionCache": decl(("ProcessHandle", HANDLE), ("BaseAddress", PVOID), ("Length", SIZE_T)),
    "NtFlushVirtualMemory": decl(("ProcessHandle", HANDLE), ("BaseAddress", PVOID_INOUT), ("RegionSize", SIZE_INOUT),
                                 ("IoStatus", IOSB)),
    "NtCreateSection": decl(("SectionHandle", HANDLE_OUT), ("DesiredAccess", ACCESS_MASK), ("ObjectAttributes", OA),
                            ("MaximumSize", LARGE_IN), ("SectionPageProtection", ULONG),
                            ("AllocationAttributes", ULONG), ("FileHandle", HANDLE)),
    "NtOpenSection": decl(("SectionHandle", HANDLE_OUT), ("DesiredAccess", ACCESS_MASK), ("ObjectAttributes", OA)),
    "NtMapViewOfSection": decl(("SectionHandle", HANDLE), ("ProcessHandle", HANDLE), ("BaseAddress", PVOID_INOUT),
                               ("ZeroBits", ZERO_BITS), ("CommitSize", SIZE_T), ("SectionOffset", LARGE_INOUT),
                               ("ViewSize", SIZE_INOUT), ("InheritDisposition", ULONG), ("AllocationType", ULONG),
                               ("Win32Protect", ULONG)),
    "NtUnmapViewOfSection": decl(("ProcessHandle", HANDLE), ("BaseAddress", PVOID)),
    "NtQuerySection": decl(("SectionHandle", HANDLE), ("SectionInformationClass", ULONG),
                           ("SectionInformation", PVOID), ("SectionInformationLength", SIZE_T),
                           ("ResultLength", SIZE_OUT)),
}
