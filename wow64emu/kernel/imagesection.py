"""Image sections (SEC_IMAGE): a PE file checked when its section is made, and laid out as the loader lays it out
each time a view of it is mapped. section.py serves the calls; this module holds what is particular to images.

Windows' rules, and the choices made here:
- NtCreateSection(SEC_IMAGE) reads and checks the whole file when the section is made: an empty file is
  STATUS_MAPPED_FILE_SIZE_ZERO, a file without the MZ signature STATUS_INVALID_IMAGE_NOT_MZ, anything else the
  loader would refuse (wow64emu.loader.pe) STATUS_INVALID_IMAGE_FORMAT, logged with the reason. The machine is
  not looked at yet: that is the mapping's business, as on Windows.
- NtMapViewOfSection maps the whole image (SectionOffset and ViewSize in are not looked at; ViewSize out is the
  image's size, in pages): headers read-only, each section with the protection of its characteristics, region
  type MEM_IMAGE named by the file's path. Where: the BaseAddress asked for (64 KB aligned and free, else
  STATUS_CONFLICTING_ADDRESSES), else the preferred base when it is free and under the ZeroBits limit, else the
  highest free range under it (Windows' ASLR also puts moved images high). An image that moves is relocated by
  the kernel and the call answers STATUS_IMAGE_NOT_AT_BASE; one without relocations cannot move:
  STATUS_CONFLICTING_ADDRESSES.
- Machines: a 64-bit image in a WoW64 process is refused with STATUS_INVALID_IMAGE_FORMAT, nothing mapped, and
  logged, unless it is one of the four 64-bit DLLs the system itself maps there (System32's ntdll, wow64,
  wow64win, wow64cpu). A 32-bit image in a 64-bit process is mapped and answered with
  STATUS_IMAGE_MACHINE_TYPE_MISMATCH, as Windows does: refusing it is the loader's decision.
- NtQuerySection(SectionImageInformation) answers from the headers: the entry point at the preferred base, the
  stack sizes, subsystem and versions, characteristics, machine, whether a section holds code, the file's size
  and checksum; ZeroBits and ImageFlags are 0.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from ..emu.memory import ALLOCATION_GRANULARITY, page_up
from ..errors import BadImage, CommitLimitReached
from ..image.mapping import map_image
from ..image.pe import SCN_MEM_EXECUTE, PEImage, base_and_size, image_extent
from ..log import getLogger
from ..nt.status import NTSTATUS
from .errors import NtError
from .paths import SYSROOT

if TYPE_CHECKING:
    from ..emu.memory import AddressSpace
    from ..emu.physical import PhysicalMemory
    from .fileobject import FileObject
    from .process import Process

log = getLogger(__name__)

SYSTEM_IMAGES64 = frozenset(SYSROOT / "System32" / name
                            for name in ("ntdll.dll", "wow64.dll", "wow64win.dll", "wow64cpu.dll"))
"""The 64-bit images a WoW64 process may hold: those the system maps into it itself."""

_LOW_4G = 0xFFFF_FFFF
_SCN_CNT_CODE = 0x00000020
_MACHINE_NAMES = {0x014C: "i386", 0x8664: "AMD64"}


@dataclass(frozen=True)
class ImageFile:
    """The checked PE file behind an image section."""

    pe: PEImage
    host: Path
    path: str  # the guest's name of the file, C:\\dir\\name.dll
    file_size: int

    @property
    def bits(self) -> int:
        return 64 if self.pe.is64 else 32

    def describe(self) -> str:
        return f"image {self.path}: {self.bits}-bit {_MACHINE_NAMES[self.pe.machine]}"


def read_image(file: FileObject, physical: PhysicalMemory) -> ImageFile:
    """The image in a file, or the status Windows gives for a file that is not one. What is read of it stays in host
    memory as long as its section lives, and so must fit in what the commit limit leaves (the section charges it)."""
    size = file.size()
    if size == 0:
        raise NtError(NTSTATUS.MAPPED_FILE_SIZE_ZERO)
    if file.read(0, 2) != b"MZ":
        raise NtError(NTSTATUS.INVALID_IMAGE_NOT_MZ)
    extent = image_extent(file.read, size)  # the headers and the sections, not what follows
    # Parsing copies each section's raw data (at most SizeOfImage in all, however the sections share the file).
    if physical.committed + extent + page_up(base_and_size(file.read)[1]) > physical.commit_limit:
        raise CommitLimitReached(physical.commit_limit)
    data = file.read(0, extent)
    path = file.nt_name.removeprefix("\\??\\")
    try:
        pe = PEImage.parse(data, path)
    except BadImage as exc:
        log.info("NtCreateSection(SEC_IMAGE): %s", exc)
        raise NtError(NTSTATUS.INVALID_IMAGE_FORMAT) from None
    return ImageFile(pe, file.path.host, path, size)


def map_image_view(process: Process, image: ImageFile, base: int, limit: int | None) -> tuple[int, int, int]:
    """Map a view of an image at `base` (0: where it goes); returns (base, size, status)."""
    pe = image.pe
    if process.wow64 and pe.is64 and image.host not in SYSTEM_IMAGES64:
        log.warning("NtMapViewOfSection: %s is a 64-bit image; a WoW64 process holds no 64-bit image but the "
                    "four the system maps (STATUS_INVALID_IMAGE_FORMAT)", image.path)
        raise NtError(NTSTATUS.INVALID_IMAGE_FORMAT)
    space = process.memory
    size = page_up(pe.size_of_image)
    high = min(space.user_high if limit is None else limit, space.user_high if pe.is64 else _LOW_4G)
    at = _place(space, pe, base, size, high)
    try:
        map_image(space, pe, path=image.path, base=at)
    except BadImage as exc:  # what only mapping finds out (a relocation it cannot apply)
        log.warning("NtMapViewOfSection: %s", exc)
        raise NtError(NTSTATUS.INVALID_IMAGE_FORMAT) from None
    if pe.is64 == process.wow64:
        return at, size, NTSTATUS.IMAGE_MACHINE_TYPE_MISMATCH
    return at, size, NTSTATUS.SUCCESS if at == pe.image_base else NTSTATUS.IMAGE_NOT_AT_BASE


def _place(space: AddressSpace, pe: PEImage, base: int, size: int, high: int) -> int:
    """Where a view of the image goes (see the module's docstring)."""
    if base:
        if not _free(space, base, size, high):
            raise NtError(NTSTATUS.CONFLICTING_ADDRESSES)
        at = base
    elif _free(space, pe.image_base, size, high):
        at = pe.image_base
    else:
        found = None if pe.relocs_stripped else space.find_free(size, high=high, top_down=True)
        if found is None:
            raise NtError(NTSTATUS.CONFLICTING_ADDRESSES if pe.relocs_stripped else NTSTATUS.NO_MEMORY)
        at = found
    if at != pe.image_base and pe.relocs_stripped:
        raise NtError(NTSTATUS.CONFLICTING_ADDRESSES)
    return at


def _free(space: AddressSpace, base: int, size: int, high: int) -> bool:
    return (base % ALLOCATION_GRANULARITY == 0 and space.user_low <= base and base + size - 1 <= high
            and space.is_free(base, size))


def image_information(image: ImageFile) -> dict[str, int]:
    """SECTION_IMAGE_INFORMATION's fields, from the headers."""
    pe = image.pe
    headers = pe.headers
    (e_lfanew,) = struct.unpack_from("<I", headers, 0x3C)
    optional = e_lfanew + 24  # after the signature and the file header
    os_major, os_minor = struct.unpack_from("<HH", headers, optional + 40)
    sub_major, sub_minor = struct.unpack_from("<HH", headers, optional + 48)
    checksum, _, dll_characteristics = struct.unpack_from("<IHH", headers, optional + 64)
    (loader_flags,) = struct.unpack_from("<I", headers, optional + (104 if pe.is64 else 88))
    code = any(s.characteristics & (_SCN_CNT_CODE | SCN_MEM_EXECUTE) for s in pe.sections)
    return {
        "TransferAddress": pe.image_base + pe.entry_rva, "ZeroBits": 0, "MaximumStackSize": pe.stack_reserve,
        "CommittedStackSize": pe.stack_commit, "SubSystemType": pe.subsystem,
        "SubSystemVersion": sub_major << 16 | sub_minor, "OperatingSystemVersion": os_minor << 16 | os_major,
        "ImageCharacteristics": pe.characteristics, "DllCharacteristics": dll_characteristics,
        "Machine": pe.machine, "ImageContainsCode": int(code), "ImageFlags": 0, "LoaderFlags": loader_flags,
        "ImageFileSize": image.file_size, "CheckSum": checksum,
    }
