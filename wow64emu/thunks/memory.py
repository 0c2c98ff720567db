"""What wow64.dll does by hand for the memory manager's calls, as Windows' does.

- NtQueryVirtualMemory(MemoryBasicInformation): a 32-bit caller's address above its highest user address is
  STATUS_INVALID_PARAMETER; the kernel answers the 48-byte structure, which becomes the 28-byte one with
  RegionSize clipped at that highest address (the range above it is not the caller's to see).
- NtQuerySection: SECTION_BASIC_INFORMATION (16 / 24 bytes) and SECTION_IMAGE_INFORMATION (48 / 64) converted.
For both, a buffer at least as long as the 32-bit structure is enough, as for the native call, and ReturnLength
is the caller's width's size. ZeroBits of NtMapViewOfSection is limited like NtAllocateVirtualMemory's.
"""

from ..nt.layouts import Layout
from ..nt.memory import (
    MEMORY_BASIC_INFORMATION,
    SECTION_BASIC_INFORMATION,
    SECTION_IMAGE_INFORMATION,
    MemoryBasicInformation,
    SectionBasicInformation,
    SectionImageInformation,
)
from ..nt.status import NTSTATUS
from .context import ThunkContext
from .infoclass import Converter, Params, Patch, fixed, special


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

SPECIALS = {
    "NtQueryVirtualMemory": special(_QUERY_MEMORY, {MemoryBasicInformation: _memory_basic_information}),
    "NtQuerySection": special(_QUERY_SECTION, {SectionBasicInformation: at_least(SECTION_BASIC_INFORMATION),
                                               SectionImageInformation: at_least(SECTION_IMAGE_INFORMATION)}),
}
