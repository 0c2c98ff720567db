"""The headers of a PE32 or PE32+ file, read by a bounded reader of our own: the DOS header's e_lfanew, the file
header, the optional header's fields the loader uses, the data directories and the section table.

pefile read them before: importing it cost about 8 ms of every start and parsing the eight images of a run about as
much. What is read here is only read, never judged (pe.py checks it as Windows' loader would); the reader keeps
pefile's conventions where they decide what the checks see: an optional header the file cuts short reads as zeros
past the file's end, at most 16 data directories are read, the section table ends early at a header of zeros or
after 2048 headers (pe.py then reports it malformed), and the sections come in the order of their addresses.
pefile's forensic heuristics (a section with three suspicious values ends the table) are not kept: pe.py's own
checks refuse what Windows refuses.
"""

from __future__ import annotations

import struct
from typing import NamedTuple

from ..errors import BadImage

_FILE_HEADER = struct.Struct("<HHIIIHH")  # Machine, NumberOfSections, 3 x DWORD, SizeOfOptionalHeader, Characteristics
_SECTION_HEADER = struct.Struct("<8sIIIIIIHHI")
_OPTIONAL_READ = 0x200  # as much of the optional header as is read, whatever SizeOfOptionalHeader says
_OPTIONAL_MINIMUM = 69  # pefile's least optional header: fewer bytes in the file and there is none
_MAX_DIRECTORIES = 16
_MAX_SECTIONS = 0x800
MAGIC_PE32_PLUS = 0x20B


class SectionHeader(NamedTuple):
    name: bytes  # 8 bytes, NUL-padded
    virtual_size: int
    virtual_address: int
    raw_size: int
    raw_pointer: int
    characteristics: int


class Headers(NamedTuple):
    e_lfanew: int
    machine: int
    number_of_sections: int  # as the file header says; `sections` may hold fewer
    size_of_optional_header: int
    characteristics: int
    magic: int
    entry_rva: int
    image_base: int
    section_alignment: int
    file_alignment: int
    size_of_image: int
    size_of_headers: int
    subsystem: int
    stack_reserve: int
    stack_commit: int
    number_of_rva_and_sizes: int
    directories: tuple[tuple[int, int], ...]  # (RVA, size) of each data directory read
    sections: tuple[SectionHeader, ...]

    def directory(self, index: int) -> tuple[int, int]:
        return self.directories[index] if index < len(self.directories) else (0, 0)

    @property
    def section_table_end(self) -> int:
        return self.e_lfanew + 4 + _FILE_HEADER.size + self.size_of_optional_header + \
            self.number_of_sections * _SECTION_HEADER.size


def read_headers(data: bytes, name: str) -> Headers:
    """The headers of an image whose DOS header and PE signature were checked (e_lfanew and the file header lie
    inside `data`); BadImage when there is no optional header at all."""
    (e_lfanew,) = struct.unpack_from("<I", data, 0x3C)
    machine, count, _, _, _, optional_size, characteristics = _FILE_HEADER.unpack_from(data, e_lfanew + 4)
    optional_at = e_lfanew + 4 + _FILE_HEADER.size
    optional = data[optional_at:optional_at + _OPTIONAL_READ]
    if len(optional) < _OPTIONAL_MINIMUM:
        raise BadImage(f"{name}: truncated file (no optional header: {len(optional)} bytes after the file header)")
    optional = optional.ljust(_OPTIONAL_READ, b"\0")
    (magic,) = struct.unpack_from("<H", optional)
    (entry,) = struct.unpack_from("<I", optional, 16)
    section_alignment, file_alignment = struct.unpack_from("<II", optional, 32)
    size_of_image, size_of_headers = struct.unpack_from("<II", optional, 56)
    (subsystem,) = struct.unpack_from("<H", optional, 68)
    if magic == MAGIC_PE32_PLUS:
        (image_base,) = struct.unpack_from("<Q", optional, 24)
        stack_reserve, stack_commit = struct.unpack_from("<QQ", optional, 72)
        (rva_and_sizes,) = struct.unpack_from("<I", optional, 108)
        directories_at = 112
    else:  # PE32's layout, also for a magic that is neither (pe.py refuses it)
        (image_base,) = struct.unpack_from("<I", optional, 28)
        stack_reserve, stack_commit = struct.unpack_from("<II", optional, 72)
        (rva_and_sizes,) = struct.unpack_from("<I", optional, 92)
        directories_at = 96
    directories = _directories(data, optional_at + directories_at, min(rva_and_sizes & 0x7FFF_FFFF, _MAX_DIRECTORIES))
    return Headers(e_lfanew, machine, count, optional_size, characteristics, magic, entry, image_base,
                   section_alignment, file_alignment, size_of_image, size_of_headers, subsystem, stack_reserve,
                   stack_commit, rva_and_sizes, directories, _sections(data, optional_at + optional_size, count))


def _directories(data: bytes, offset: int, count: int) -> tuple[tuple[int, int], ...]:
    """The data directories the file holds, of the `count` the header announces (a last one cut short by the end of
    the file reads as zeros past it)."""
    out = []
    for at in range(offset, offset + 8 * count, 8):
        entry = data[at:at + 8]
        if not entry:
            break
        out.append(struct.unpack("<II", entry.ljust(8, b"\0")))
    return tuple(out)


def _sections(data: bytes, offset: int, count: int) -> tuple[SectionHeader, ...]:
    """The section headers up to the first one of zeros or missing from the file, at most 2048, by address."""
    out = []
    for at in range(offset, offset + _SECTION_HEADER.size * min(count, _MAX_SECTIONS), _SECTION_HEADER.size):
        raw = data[at:at + _SECTION_HEADER.size]
        if len(raw) < _SECTION_HEADER.size or raw.count(0) == len(raw):
            break
        name, vsize, rva, raw_size, raw_pointer, _, _, _, _, characteristics = _SECTION_HEADER.unpack(raw)
        out.append(SectionHeader(name, vsize, rva, raw_size, raw_pointer, characteristics))
    return tuple(sorted(out, key=lambda s: s.virtual_address))
