"""PE32 and PE32+ files: parse, validate, and expose what the loader needs. Nothing here touches guest memory.

headers.py reads the headers (directories.py the export, import and relocation tables), both without judging them;
everything the Windows loader would refuse is checked here and reported as one BadImage line.
"""

from __future__ import annotations

import os
import struct
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import NamedTuple

from ..errors import BadImage
from .directories import (
    ExportTarget,
    ImportedDll,
    Relocation,
    Rva,
    RvaReader,
    read_exports,
    read_imports,
    read_relocations,
)
from .headers import MAGIC_PE32_PLUS, Headers, read_headers

MACHINE_I386 = 0x014C
MACHINE_AMD64 = 0x8664
MAGIC_PE32 = 0x10B
_MACHINES = {MACHINE_I386: ("i386", MAGIC_PE32), MACHINE_AMD64: ("AMD64", MAGIC_PE32_PLUS)}

FILE_RELOCS_STRIPPED = 0x0001
FILE_EXECUTABLE_IMAGE = 0x0002
FILE_LARGE_ADDRESS_AWARE = 0x0020
FILE_DLL = 0x2000

SCN_MEM_EXECUTE = 0x20000000
SCN_MEM_READ = 0x40000000
SCN_MEM_WRITE = 0x80000000

_DIR_EXPORT = 0
_DIR_IMPORT = 1
_DIR_BASERELOC = 5

_DOS_HEADER_SIZE = 64
_FILE_HEADER_SIZE = 20
_SECTION_HEADER_SIZE = 40
_OPTIONAL_FIXED_SIZE = {MAGIC_PE32: 96, MAGIC_PE32_PLUS: 112}
_MAX_IMAGE_SIZE = 0x8000_0000
_PAGE = 0x1000
_IMAGE_BASE_ALIGN = 0x10000


class Section(NamedTuple):
    name: str
    rva: Rva
    virtual_size: int
    data: bytes  # the initialised part from the file; the rest up to virtual_size is zero
    characteristics: int


@dataclass(frozen=True)
class PEImage:
    """What the loader needs of a PE file: its headers' fields, its sections, relocations, imports and exports."""

    name: str
    machine: int
    image_base: int
    size_of_image: int
    size_of_headers: int
    section_alignment: int
    entry_rva: Rva  # 0 = no entry point
    characteristics: int
    subsystem: int
    stack_reserve: int
    stack_commit: int
    headers: bytes
    sections: tuple[Section, ...]
    relocation_table: tuple[int, int, bytes]  # the directory's RVA and size, and the bytes there
    imports: tuple[ImportedDll, ...]
    exports_by_name: dict[str, ExportTarget]
    exports_by_ordinal: dict[int, ExportTarget]

    @cached_property
    def relocations(self) -> tuple[Relocation, ...]:
        """The base relocations, read when the image is first moved (most never are); BadImage if they are
        malformed, as Windows' loader finds out only when it applies them."""
        return read_relocations(*self.relocation_table, self.name)

    @property
    def is64(self) -> bool:
        return self.machine == MACHINE_AMD64

    @property
    def is_dll(self) -> bool:
        return bool(self.characteristics & FILE_DLL)

    @property
    def large_address_aware(self) -> bool:
        return bool(self.characteristics & FILE_LARGE_ADDRESS_AWARE)

    @property
    def relocs_stripped(self) -> bool:
        return bool(self.characteristics & FILE_RELOCS_STRIPPED)

    @classmethod
    def from_path(cls, path: str | Path) -> PEImage:
        p = Path(path)
        try:
            with p.open("rb") as f:
                def read(offset: int, length: int) -> bytes:
                    f.seek(offset)
                    return f.read(length)
                data = read(0, image_extent(read, os.fstat(f.fileno()).st_size))
        except OSError as exc:
            raise BadImage(f"{p.name or path}: cannot read the file ({exc.strerror or exc})") from exc
        return cls.parse(data, p.name)

    @classmethod
    def parse(cls, data: bytes, name: str) -> PEImage:
        data = bytes(data)
        _check_dos_and_signature(data, name)
        return _build(read_headers(data, name), data, name)


def image_extent(read: Callable[[int, int], bytes], file_size: int) -> int:
    """How much of a file an image's headers say it uses: up to the end of its headers and of its sections' raw
    data (never past the file). What follows (an overlay, a certificate, or a gigabyte of nothing) is never read
    to load it. `read(offset, length)` reads the file; headers that make no sense give the whole file, for parse()
    to refuse with its reasons."""
    head = read(0, min(file_size, 0x1000))
    if len(head) < _DOS_HEADER_SIZE or head[:2] != b"MZ":
        return file_size
    (e_lfanew,) = struct.unpack_from("<I", head, 0x3C)
    header = read(e_lfanew, 4 + _FILE_HEADER_SIZE)
    if len(header) < 4 + _FILE_HEADER_SIZE or header[:4] != b"PE\0\0":
        return file_size
    count, optional = struct.unpack_from("<H12xH", header, 6)
    table = e_lfanew + 4 + _FILE_HEADER_SIZE + optional
    sections = read(table, count * _SECTION_HEADER_SIZE)
    end = table + count * _SECTION_HEADER_SIZE
    for i in range(len(sections) // _SECTION_HEADER_SIZE):
        raw_size, raw_pointer = struct.unpack_from("<II", sections, i * _SECTION_HEADER_SIZE + 16)
        end = max(end, raw_pointer + raw_size)
    optional_header = read(e_lfanew + 4 + _FILE_HEADER_SIZE, min(optional, 0x40))
    if len(optional_header) >= 0x40:
        end = max(end, struct.unpack_from("<I", optional_header, 0x3C)[0])  # SizeOfHeaders
    return min(file_size, end)


def preferred_range(path: Path) -> tuple[int, int]:
    """(ImageBase, SizeOfImage) of a well-formed image (a system DLL), read from its headers alone."""
    with path.open("rb") as f:
        def read(offset: int, length: int) -> bytes:
            f.seek(offset)
            return f.read(length)
        return base_and_size(read)


def base_and_size(read: Callable[[int, int], bytes]) -> tuple[int, int]:
    """(ImageBase, SizeOfImage) from an image's headers, wherever e_lfanew puts them; (0, 0) where they are not
    there. `read(offset, length)` reads the file."""
    try:
        (e_lfanew,) = struct.unpack_from("<I", read(0x3C, 4))
        optional = read(e_lfanew + 4 + _FILE_HEADER_SIZE, 0x40)
        (magic,) = struct.unpack_from("<H", optional)
        (base,) = struct.unpack_from("<Q", optional, 24) if magic == 0x20B else struct.unpack_from("<I", optional, 28)
        return base, struct.unpack_from("<I", optional, 56)[0]
    except struct.error:
        return 0, 0


def _bad(name: str, reason: str) -> BadImage:
    return BadImage(f"{name}: {reason}")


def _check_dos_and_signature(data: bytes, name: str) -> None:
    """The checks before the headers are read: that there are headers to read."""
    if not data:
        raise _bad(name, "empty file")
    if len(data) < _DOS_HEADER_SIZE:
        raise _bad(name, f"truncated file ({len(data)} bytes, shorter than a DOS header)")
    if data[:2] != b"MZ":
        raise _bad(name, "not a PE file (no MZ signature)")
    (e_lfanew,) = struct.unpack_from("<I", data, 0x3C)
    if e_lfanew < 4 or e_lfanew + 4 + _FILE_HEADER_SIZE > len(data):
        raise _bad(name, f"e_lfanew 0x{e_lfanew:x} is out of range (file is 0x{len(data):x} bytes)")
    if data[e_lfanew:e_lfanew + 4] != b"PE\0\0":
        raise _bad(name, "not a PE file (bad PE signature)")


def _build(h: Headers, data: bytes, name: str) -> PEImage:
    _check_file_header(h, data, name)
    _check_layout(h, data, name)
    sections = _read_sections(h, data, name)
    if h.entry_rva >= h.size_of_image:
        raise _bad(name, f"entry point 0x{h.entry_rva:x} is outside the image (SizeOfImage 0x{h.size_of_image:x})")
    reader = RvaReader(data[:h.size_of_headers], sections)
    reloc_rva, reloc_size = h.directory(_DIR_BASERELOC)
    imports = read_imports(reader, *h.directory(_DIR_IMPORT), h.machine == MACHINE_AMD64, name)
    by_name, by_ordinal = read_exports(reader, *h.directory(_DIR_EXPORT))
    return PEImage(
        name=name, machine=h.machine, image_base=h.image_base, size_of_image=h.size_of_image,
        size_of_headers=h.size_of_headers, section_alignment=h.section_alignment,
        entry_rva=Rva(h.entry_rva), characteristics=h.characteristics, subsystem=h.subsystem,
        stack_reserve=h.stack_reserve, stack_commit=h.stack_commit,
        headers=data[:h.size_of_headers], sections=sections,
        relocation_table=(reloc_rva, reloc_size, reader.read(reloc_rva, reloc_size) if reloc_rva else b""),
        imports=imports,
        exports_by_name=by_name, exports_by_ordinal=by_ordinal,
    )


def _check_file_header(h: Headers, data: bytes, name: str) -> None:
    if h.machine not in _MACHINES:
        raise _bad(name, f"unsupported machine 0x{h.machine:x} (only i386 and AMD64 are loadable)")
    if h.section_table_end > len(data):
        raise _bad(name, f"truncated file (headers end at 0x{h.section_table_end:x}, file is 0x{len(data):x} bytes)")
    arch, magic = _MACHINES[h.machine]
    if h.magic not in _OPTIONAL_FIXED_SIZE:
        raise _bad(name, f"optional header magic 0x{h.magic:x} is neither PE32 nor PE32+")
    if h.magic != magic:
        raise _bad(name, f"optional header magic 0x{h.magic:x} does not match machine {arch}")
    if not h.characteristics & FILE_EXECUTABLE_IMAGE:
        raise _bad(name, "not an executable image (IMAGE_FILE_EXECUTABLE_IMAGE is not set)")
    directories = min(h.number_of_rva_and_sizes, 16)
    if h.size_of_optional_header < _OPTIONAL_FIXED_SIZE[h.magic] + 8 * directories:
        raise _bad(name, f"SizeOfOptionalHeader 0x{h.size_of_optional_header:x} is too small")


def _is_pow2(n: int) -> bool:
    return n > 0 and n & (n - 1) == 0


def _check_alignment(section_alignment: int, file_alignment: int) -> str | None:
    """The rules of the PE specification; SectionAlignment below a page needs FileAlignment equal to it."""
    if not _is_pow2(section_alignment):
        return f"SectionAlignment 0x{section_alignment:x} is not a power of two"
    if not _is_pow2(file_alignment) or file_alignment > 0x10000:
        return f"FileAlignment 0x{file_alignment:x} is not a power of two up to 64 KB"
    if file_alignment > section_alignment:
        return f"FileAlignment 0x{file_alignment:x} exceeds SectionAlignment 0x{section_alignment:x}"
    if section_alignment < _PAGE and file_alignment != section_alignment:
        return "SectionAlignment below the page size requires FileAlignment equal to it"
    return None


def _check_layout(h: Headers, data: bytes, name: str) -> None:
    reason = _check_alignment(h.section_alignment, h.file_alignment)
    if reason:
        raise _bad(name, reason)
    if h.size_of_image == 0:
        raise _bad(name, "SizeOfImage is 0")
    if h.size_of_image > _MAX_IMAGE_SIZE:
        raise _bad(name, f"SizeOfImage 0x{h.size_of_image:x} is absurd (more than 2 GB)")
    if h.image_base % _IMAGE_BASE_ALIGN:
        raise _bad(name, f"ImageBase 0x{h.image_base:x} is not a multiple of 64 KB")
    if h.magic == MAGIC_PE32 and h.image_base + h.size_of_image > 1 << 32:
        raise _bad(name, f"image at 0x{h.image_base:x} + 0x{h.size_of_image:x} does not fit below 4 GB")
    if h.size_of_headers < h.section_table_end:
        raise _bad(name, f"SizeOfHeaders 0x{h.size_of_headers:x} does not cover the section table")
    if h.size_of_headers > h.size_of_image:
        raise _bad(name, f"SizeOfHeaders 0x{h.size_of_headers:x} exceeds SizeOfImage 0x{h.size_of_image:x}")
    if h.size_of_headers > len(data):
        raise _bad(name, f"truncated file (headers end at 0x{h.size_of_headers:x}, file is 0x{len(data):x} bytes)")
    if len(h.sections) != h.number_of_sections:
        raise _bad(name, f"section table is malformed ({len(h.sections)} of {h.number_of_sections} readable)")


def _align_up(n: int, align: int) -> int:
    return (n + align - 1) & ~(align - 1)


def _read_sections(h: Headers, data: bytes, name: str) -> tuple[Section, ...]:
    """Sections by address, checked to lie inside the file and the image without overlapping."""
    out: list[Section] = []
    alignment = h.section_alignment
    next_free = _align_up(h.size_of_headers, alignment)
    for s in h.sections:
        sname = s.name.rstrip(b"\0").decode("latin-1")
        vsize = s.virtual_size or s.raw_size
        rva = s.virtual_address
        if rva % alignment:
            raise _bad(name, f"section {sname} at 0x{rva:x} is not aligned to SectionAlignment")
        if rva < next_free:
            raise _bad(name, f"section {sname} at 0x{rva:x} overlaps the headers or the section before it")
        if rva + vsize > h.size_of_image:
            raise _bad(name, f"section {sname} [0x{rva:x}, 0x{rva + vsize:x}) is outside SizeOfImage "
                             f"0x{h.size_of_image:x}")
        if s.raw_size and s.raw_pointer + s.raw_size > len(data):
            raise _bad(name, f"section {sname} raw data [0x{s.raw_pointer:x}, "
                             f"0x{s.raw_pointer + s.raw_size:x}) is past the end of the file")
        used = min(s.raw_size, _align_up(vsize, alignment))
        raw = data[s.raw_pointer:s.raw_pointer + used] if s.raw_size else b""
        out.append(Section(sname, Rva(rva), vsize, raw, s.characteristics))
        next_free = rva + _align_up(vsize, alignment)
    return tuple(out)
