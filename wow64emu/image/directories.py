"""The export, import and base-relocation directories of a PE image, read by RVA from its sections.

Read here rather than by pefile: a C runtime exports about a thousand names, and pefile's general parser took about
15 ms for each such DLL on every start-up (its per-entry objects), where reading the tables as whole arrays takes
well under one. The rules are the loader's, not a forensics tool's: what lies outside the image reads as nothing,
every table is bounded by the section it lies in (so a hostile count costs no more than the file's size), and a
table the loader could not use is a BadImage naming why.
"""

from __future__ import annotations

import struct
from bisect import bisect_right
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, NamedTuple, NewType

from ..errors import BadImage

if TYPE_CHECKING:
    from .pe import Section

Rva = NewType("Rva", int)
"""An offset from the start of the mapped image (not a file offset, not a guest address)."""

ExportTarget = Rva | str
"""What an export resolves to inside its file: an RVA, or a forwarder string "DLL.Name" / "DLL.#N"."""


class Relocation(NamedTuple):
    rva: Rva
    type: int


@dataclass(frozen=True)
class Import:
    """One IAT slot: a symbol wanted by name or by ordinal."""

    name: str | None
    ordinal: int | None
    iat_rva: Rva

    def __str__(self) -> str:
        return self.name if self.name is not None else f"#{self.ordinal}"


@dataclass(frozen=True)
class ImportedDll:
    """What an image imports from one DLL."""

    dll: str
    entries: tuple[Import, ...]

_EXPORT_DIRECTORY_SIZE = 40
_IMPORT_DESCRIPTOR_SIZE = 20
_MAX_NAME = 0x200  # the longest DLL or symbol name read; a longer one is unterminated
_MAX_EXPORTS = 0x10000  # an export's index in the ordinal table is a WORD: no table is longer
_MAX_IMPORTS = 0x10000  # imported symbols in all: far past any real program, and a bound on hostile tables
_THUNK_CHUNK = 64


class RvaReader:
    """An image's bytes by RVA, as the mapped image holds them: the headers, then each section's raw data followed
    by zeros up to its virtual size. Nothing else is there."""

    def __init__(self, headers: bytes, sections: Sequence[Section]) -> None:
        spans = [(0, len(headers), headers)] + [(s.rva, s.rva + s.virtual_size, s.data) for s in sections]
        spans.sort(key=lambda span: span[0])
        self._starts = [start for start, _, _ in spans]
        self._spans = spans

    def _span(self, rva: int) -> tuple[int, int, bytes] | None:
        i = bisect_right(self._starts, rva) - 1
        if i < 0:
            return None
        span = self._spans[i]
        return span if rva < span[1] else None

    def read(self, rva: int, size: int) -> bytes:
        """Up to `size` bytes at `rva`, fewer where the span that holds `rva` ends first; b"" outside the image."""
        span = self._span(rva)
        if span is None or size <= 0:
            return b""
        start, end, data = span
        size = min(size, end - rva)
        chunk = data[rva - start:rva - start + size]
        return chunk + bytes(size - len(chunk))

    def cstring(self, rva: int) -> bytes | None:
        """The NUL-terminated string at `rva`, None where it is not inside the image or has no NUL soon enough."""
        return self.cstrings((rva,))[0]

    def cstrings(self, rvas: Sequence[int]) -> list[bytes | None]:
        """cstring() of each RVA; the span of one is tried first for the next (a table of names is usually laid
        out in one section), which makes a thousand names cost a few hundred microseconds."""
        out: list[bytes | None] = []
        start = end = 0
        data = b""
        for rva in rvas:
            if not start <= rva < end:
                span = self._span(rva)
                if span is None:
                    out.append(None)
                    continue
                start, end, data = span
            offset = rva - start
            stop = data.find(b"\0", offset, offset + _MAX_NAME)
            if stop >= 0:
                out.append(data[offset:stop])
            elif offset + _MAX_NAME > len(data) and len(data) < end - start:
                out.append(data[offset:])  # ends in the zeros after the section's raw data
            else:
                out.append(None)
        return out


def read_exports(image: RvaReader, rva: int, size: int) -> tuple[dict[str, ExportTarget], dict[int, ExportTarget]]:
    """(name -> target, ordinal -> target). A target inside the export directory is a forwarder string; an
    unused slot (RVA 0) exports nothing; a name whose ordinal index is out of range, or that cannot be read, is
    left out, as GetProcAddress would never find it."""
    if not rva or not size:
        return {}, {}
    head = image.read(rva, _EXPORT_DIRECTORY_SIZE)
    if len(head) < _EXPORT_DIRECTORY_SIZE:
        return {}, {}
    base, n_functions, n_names, functions_rva, names_rva, ordinals_rva = struct.unpack_from("<6I", head, 16)
    functions = _array(image, functions_rva, min(n_functions, _MAX_EXPORTS), "I")
    forwarders = [f for f in functions if rva <= f < rva + size]
    forwarded = {f: text.decode("latin-1") for f, text in zip(forwarders, image.cstrings(forwarders), strict=True)
                 if text is not None}
    by_ordinal: dict[int, ExportTarget] = {base + index: forwarded.get(target, Rva(target))
                                           for index, target in enumerate(functions) if target}
    names = _array(image, names_rva, min(n_names, _MAX_EXPORTS), "I")
    indexes = _array(image, ordinals_rva, len(names), "H")
    by_name: dict[str, ExportTarget] = {}
    for name, index in zip(image.cstrings(names), indexes, strict=False):
        if name is not None and index < len(functions) and functions[index]:
            by_name[name.decode("latin-1")] = by_ordinal[base + index]
    return by_name, by_ordinal


def _array(image: RvaReader, rva: int, count: int, code: str) -> tuple[int, ...]:
    """Up to `count` little-endian items at `rva`, as many as the span holding it has."""
    width = struct.calcsize(code)
    raw = image.read(rva, count * width) if rva else b""
    return struct.unpack(f"<{len(raw) // width}{code}", raw[:len(raw) - len(raw) % width])


def read_imports(image: RvaReader, rva: int, size: int, is64: bool, name: str) -> tuple[ImportedDll, ...]:
    """Each import descriptor's DLL and IAT slots, up to the all-zero descriptor (or the end of the section). The
    names come from the import lookup table (OriginalFirstThunk), or from the IAT itself where there is none."""
    if not rva or not size:
        return ()
    table = image.read(rva, 1 << 31)
    code, width = ("Q", 8) if is64 else ("I", 4)
    ordinal_flag = 1 << (63 if is64 else 31)
    out: list[ImportedDll] = []
    count = 0
    for pos in range(0, len(table) - _IMPORT_DESCRIPTOR_SIZE + 1, _IMPORT_DESCRIPTOR_SIZE):
        lookup, _, _, dll_rva, iat = struct.unpack_from("<5I", table, pos)
        if not (lookup or dll_rva or iat):
            break
        dll = image.cstring(dll_rva)
        if dll is None:
            raise BadImage(f"{name}: import descriptor {pos // _IMPORT_DESCRIPTOR_SIZE} names no DLL "
                           f"(RVA 0x{dll_rva:x})")
        entries: list[Import] = []
        for i, thunk in enumerate(_thunks(image, lookup or iat, code)):
            count += 1
            if count > _MAX_IMPORTS:
                raise BadImage(f"{name}: more than {_MAX_IMPORTS} imported symbols")
            slot = Rva(iat + i * width)
            if thunk & ordinal_flag:
                entries.append(Import(None, thunk & 0xFFFF, slot))
                continue
            symbol = image.cstring((thunk & 0xFFFFFFFF) + 2)  # past the hint
            if symbol is None or thunk >> 32:
                raise BadImage(f"{name}: import {i} of {dll.decode('latin-1')} has no readable name "
                               f"(RVA 0x{thunk:x})")
            entries.append(Import(symbol.decode("latin-1"), None, slot))
        out.append(ImportedDll(dll.decode("latin-1"), tuple(entries)))
    return tuple(out)


def _thunks(image: RvaReader, rva: int, code: str) -> Iterator[int]:
    """The entries of an import lookup table up to its zero entry, read a chunk at a time (many descriptors may
    share one long table: each costs only what it reads)."""
    width = struct.calcsize(code)
    while chunk := _array(image, rva, _THUNK_CHUNK, code):
        for thunk in chunk:
            if not thunk:
                return
            yield thunk
        rva += len(chunk) * width


def read_relocations(rva: int, size: int, table: bytes, name: str) -> tuple[Relocation, ...]:
    """Base relocation blocks from the `table` read at `rva` (`size` bytes declared); a truncated table or a
    malformed block is a BadImage (the loader could not apply it)."""
    if not rva or not size:
        return ()
    if len(table) != size:
        raise BadImage(f"{name}: relocation directory at 0x{rva:x} is truncated")
    out: list[Relocation] = []
    pos = 0
    while pos + 8 <= size:
        page, block = struct.unpack_from("<II", table, pos)
        if block < 8 or block % 2 or pos + block > size:
            raise BadImage(f"{name}: malformed relocation block at 0x{rva + pos:x} (SizeOfBlock 0x{block:x})")
        out.extend(Relocation(Rva(page + (word & 0xFFF)), word >> 12)
                   for (word,) in struct.iter_unpack("<H", table[pos + 8:pos + block]))
        pos += block
    return tuple(out)
