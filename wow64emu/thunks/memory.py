"""System calls of the memory manager: virtual memory and sections, and their structures in both widths.

What wow64.dll does by hand here, as Windows' does:
- NtQueryVirtualMemory(MemoryBasicInformation): a 32-bit caller's address above its highest user address is
  STATUS_INVALID_PARAMETER; the kernel answers the 48-byte structure, which becomes the 28-byte one with
  RegionSize clipped at that highest address (the range above it is not the caller's to see).
- NtQuerySection: SECTION_BASIC_INFORMATION (16 / 24 bytes) and SECTION_IMAGE_INFORMATION (48 / 64) converted.
For both, a buffer at least as long as the 32-bit structure is enough, as for the native call, and ReturnLength
is the caller's width's size. ZeroBits of NtMapViewOfSection is limited like NtAllocateVirtualMemory's.
"""

from ..emu.status import NTSTATUS
from .context import ThunkContext
from .decl import HANDLE_OUT, IOSB, LARGE_IN, LARGE_INOUT, OA, PVOID_INOUT, SIZE_INOUT, SIZE_OUT, ULONG_OUT, decl
from .infoclass import Converter, Params, Patch, fixed, special
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

def at_least(layout: Layout, patch: Patch | None = None) -> Converter:
    """infoclass.fixed for a query whose buffer may be longer than the structure, as these two calls allow
    (a shorter one still becomes length 0, which the kernel refuses with its own status)."""
    exact = fixed(layout, patch)

    def convert(ctx: ThunkContext, p: Params) -> None:
        exact(ctx, p)
        if ctx.arg32(p.length) >= layout.size(32):
            ctx.set_arg64(p.length, layout.size(64))

    return convert


def _clip_region(ctx: ThunkContext, values: dict[str, int]) -> None:
    """The 32-bit caller sees no further than its highest user address."""
    values["RegionSize"] = min(values["RegionSize"], ctx.process.highest_address + 1 - values["BaseAddress"])


_basic_information = at_least(MEMORY_BASIC_INFORMATION, _clip_region)


def _memory_basic_information(ctx: ThunkContext, p: Params) -> None:
    if ctx.arg32("BaseAddress") > ctx.process.highest_address:
        ctx.fail(NTSTATUS.INVALID_PARAMETER)
        return
    _basic_information(ctx, p)


_QUERY_MEMORY = Params("MemoryInformationClass", "MemoryInformation", "MemoryInformationLength", "ReturnLength")
_QUERY_SECTION = Params("SectionInformationClass", "SectionInformation", "SectionInformationLength",
                        "ResultLength")


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
                                 ("MemoryInformationLength", SIZE_T),
                                 ("ReturnLength", SIZE_OUT),
                                 special=special(_QUERY_MEMORY, {MemoryBasicInformation: _memory_basic_information})),
    "NtReadVirtualMemory": decl(*_copy("NumberOfBytesToRead", "NumberOfBytesRead")),
    "NtWriteVirtualMemory": decl(*_copy("NumberOfBytesToWrite", "NumberOfBytesWritten")),
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
                           ("ResultLength", SIZE_OUT),
                           special=special(_QUERY_SECTION, {
                               SectionBasicInformation: at_least(SECTION_BASIC_INFORMATION),
                               SectionImageInformation: at_least(SECTION_IMAGE_INFORMATION)})),
}
