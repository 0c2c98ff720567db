"""Mapping one parsed PE image into an address space: choose the base, relocate, write, protect.

The stages run in an order that leaves nothing behind on failure: the base is chosen and the content built
and relocated in a host buffer first; only then is the range reserved and each part committed with its final
protection, its pages given frames that already hold their bytes (never mapped writable to be written).
"""

from __future__ import annotations

import struct
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from pathlib import PureWindowsPath
from typing import NamedTuple, NewType

from ..emu.memory import ALLOCATION_GRANULARITY, AddressSpace, MemType, Prot, page_up
from ..errors import BadImage
from .pe import SCN_MEM_EXECUTE, SCN_MEM_READ, SCN_MEM_WRITE, ExportTarget, PEImage, Rva

Va = NewType("Va", int)
"""A guest virtual address (absolute), as opposed to an Rva."""

ExportAddress = Va | str
"""A resolved export: its guest address, or a forwarder string "DLL.Name" / "DLL.#N" still to follow."""

_PAGE = 0x1000
_LOW_4G = 0xFFFF_FFFF


@dataclass(frozen=True)
class _Fixup:
    """One base-relocation type: the width of the patched field and how the delta changes it."""

    fmt: str
    adjust: Callable[[int, int], int]

    @property
    def width(self) -> int:
        return struct.calcsize(self.fmt)

    def apply(self, buf: bytearray, offset: int, delta: int) -> None:
        (value,) = struct.unpack_from(self.fmt, buf, offset)
        mask = (1 << (8 * self.width)) - 1
        struct.pack_into(self.fmt, buf, offset, self.adjust(value, delta) & mask)


def _add(value: int, delta: int) -> int:
    return value + delta


def _add_high(value: int, delta: int) -> int:
    """IMAGE_REL_BASED_HIGH: the field is the high half of a 32-bit address."""
    return ((value << 16) + delta) >> 16


REL_ABSOLUTE = 0
FIXUPS: dict[int, _Fixup] = {
    1: _Fixup("<H", _add_high),  # HIGH
    2: _Fixup("<H", _add),       # LOW
    3: _Fixup("<I", _add),       # HIGHLOW
    10: _Fixup("<Q", _add),      # DIR64
}
"""Base relocation types by number; type 0 (ABSOLUTE) is padding and patches nothing."""


class _Span(NamedTuple):
    """A page-aligned part of the image mapped with one protection."""

    rva: Rva
    size: int
    protect: Prot


@dataclass(frozen=True)
class LoadedModule:
    """An image mapped into a process, with its exports."""

    name: str  # file name, e.g. "kernel32.dll"
    path: str
    base: Va
    size: int
    entry: Va  # 0 = no entry point
    is64: bool
    image: PEImage

    @cached_property
    def exports_by_name(self) -> dict[str, ExportAddress]:
        """Made at the first lookup: of a thousand exports, a process looks some modules' up never."""
        return {k: _absolute(self.base, t) for k, t in self.image.exports_by_name.items()}

    @cached_property
    def exports_by_ordinal(self) -> dict[int, ExportAddress]:
        return {k: _absolute(self.base, t) for k, t in self.image.exports_by_ordinal.items()}

    @property
    def exports(self) -> dict[str, ExportAddress]:
        """Exports by name (the common lookup)."""
        return self.exports_by_name

    def va(self, rva: Rva) -> Va:
        return Va(self.base + rva)

    def export(self, key: str | int) -> ExportAddress | None:
        """Look up an export by name (str) or ordinal (int), without making the whole table of absolute addresses
        (the loader looks up some tens of a DLL's thousand exports)."""
        image = self.image
        target = image.exports_by_ordinal.get(key) if isinstance(key, int) else image.exports_by_name.get(key)
        return None if target is None else _absolute(self.base, target)


def file_name(path: str) -> str:
    """The last component of a host or Windows path."""
    return PureWindowsPath(path).name


def map_image(space: AddressSpace, image: PEImage, *, path: str, base: int | None = None,
              limit: int | None = None, avoid: tuple[tuple[int, int], ...] = ()) -> LoadedModule:
    """Map `image` at `base` (exactly), else at its preferred base, else at a free base below `limit`; never over
    the (start, size) ranges of `avoid`, which the system keeps for itself though nothing is mapped there yet."""
    size = page_up(image.size_of_image)
    at = Va(base) if base is not None else _choose_base(space, image, size, limit, avoid)
    if base is not None and not _fits_exactly(space, image, at, size):
        raise BadImage(f"{image.name}: cannot map at 0x{at:x}: not a free, 64 KB aligned range")
    if at != image.image_base and image.relocs_stripped:
        raise BadImage(f"{image.name}: cannot move from its preferred base 0x{image.image_base:x}: "
                       "relocations are stripped")
    spans = _spans(image)
    delta = at - image.image_base
    if delta or image.section_alignment < _PAGE:
        content = _content(image)
        _relocate(image, content, spans, delta)
        whole = memoryview(content)
        parts = [whole[sp.rva:sp.rva + sp.size] for sp in spans]
    else:
        parts = _file_parts(image, spans)
    _write(space, path, at, size, spans, parts)
    return _module(image, path, at, size)


def _highest(space: AddressSpace, image: PEImage, limit: int | None) -> int:
    high = space.user_high if limit is None else min(limit, space.user_high)
    return high if image.is64 else min(high, _LOW_4G)


def _fits(space: AddressSpace, base: int, size: int, high: int) -> bool:
    return base >= space.user_low and base + size - 1 <= high and space.is_free(base, size)


def _fits_exactly(space: AddressSpace, image: PEImage, base: int, size: int) -> bool:
    return base % ALLOCATION_GRANULARITY == 0 and _fits(space, base, size, _highest(space, image, None))


def _choose_base(space: AddressSpace, image: PEImage, size: int, limit: int | None,
                 avoid: tuple[tuple[int, int], ...]) -> Va:
    high = _highest(space, image, limit)

    def clear(base: int) -> bool:
        return not any(base < start + length and start < base + size for start, length in avoid)

    if _fits(space, image.image_base, size, high) and clear(image.image_base):
        return Va(image.image_base)
    if image.relocs_stripped:
        raise BadImage(f"{image.name}: preferred base 0x{image.image_base:x} is not available and "
                       "relocations are stripped")
    found = space.find_free(size, high=high)
    if found is not None and not clear(found):  # below what the system keeps, which lies high
        found = space.find_free(size, high=min(start for start, _ in avoid) - 1)
    if found is None:
        raise BadImage(f"{image.name}: no free range of 0x{size:x} bytes below 0x{high:x}")
    return Va(found)


def _section_protect(characteristics: int) -> Prot:
    execute = bool(characteristics & SCN_MEM_EXECUTE)
    read = bool(characteristics & SCN_MEM_READ)
    write = bool(characteristics & SCN_MEM_WRITE)
    if execute:
        return Prot.EXECUTE_READWRITE if write else Prot.EXECUTE_READ if read else Prot.EXECUTE
    if write:
        return Prot.READWRITE
    return Prot.READONLY if read else Prot.NOACCESS


def _spans(image: PEImage) -> list[_Span]:
    """Headers read-only, then each non-empty section; pages no part covers stay reserved."""
    if image.section_alignment < _PAGE:
        # A low-alignment image shares pages between parts; Windows maps it whole and writable-executable.
        return [_Span(Rva(0), page_up(image.size_of_image), Prot.EXECUTE_READWRITE)]
    spans = [_Span(Rva(0), page_up(image.size_of_headers), Prot.READONLY)]
    for s in image.sections:
        if s.virtual_size:
            size = page_up(s.rva + s.virtual_size) - s.rva
            spans.append(_Span(s.rva, size, _section_protect(s.characteristics)))
    return spans


def _file_parts(image: PEImage, spans: list[_Span]) -> list[memoryview]:
    """The bytes of each span of an image that is neither moved nor of a low alignment, as the file holds them:
    the headers, then each section's (no copy, no laying out)."""
    sections = [s for s in image.sections if s.virtual_size]
    return [memoryview(image.headers)] + [memoryview(s.data)[:sp.size] for s, sp in zip(sections, spans[1:],
                                                                                        strict=True)]


def _content(image: PEImage) -> bytearray:
    """The initialised bytes of the image laid out by RVA; everything past the end is zero."""
    end = max([len(image.headers)] + [s.rva + len(s.data) for s in image.sections])
    buf = bytearray(end)
    buf[:len(image.headers)] = image.headers
    for s in image.sections:
        buf[s.rva:s.rva + len(s.data)] = s.data
    return buf


def _relocate(image: PEImage, buf: bytearray, spans: list[_Span], delta: int) -> None:
    if delta == 0:
        return
    for rva, rtype in image.relocations:
        if rtype == REL_ABSOLUTE:
            continue
        fixup = FIXUPS.get(rtype)
        if fixup is None:
            raise BadImage(f"{image.name}: unsupported base relocation type {rtype} at 0x{rva:x}")
        if not any(sp.rva <= rva and rva + fixup.width <= sp.rva + sp.size for sp in spans):
            raise BadImage(f"{image.name}: base relocation at 0x{rva:x} is outside the mapped image")
        if rva + fixup.width > len(buf):
            buf.extend(bytes(rva + fixup.width - len(buf)))
        fixup.apply(buf, rva, delta)


def _write(space: AddressSpace, path: str, base: Va, size: int, spans: list[_Span],
           parts: list[memoryview]) -> None:
    """Reserve, then commit each span with its final protection, its pages holding their bytes (`parts`, one per
    span, up to the span's size) from the start."""
    space.reserve(base, size, MemType.IMAGE, Prot.EXECUTE_WRITECOPY, name=path)
    for sp, part in zip(spans, parts, strict=True):
        space.commit(base + sp.rva, sp.size, sp.protect, content=part)


def _absolute(base: Va, target: ExportTarget) -> ExportAddress:
    return target if isinstance(target, str) else Va(base + target)


def _module(image: PEImage, path: str, base: Va, size: int) -> LoadedModule:
    return LoadedModule(
        name=file_name(path), path=path, base=base, size=size,
        entry=Va(base + image.entry_rva) if image.entry_rva else Va(0), is64=image.is64, image=image,
    )
