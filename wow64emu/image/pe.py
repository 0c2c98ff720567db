"""PE32 and PE32+ files: parse, validate, and expose what the loader needs. Nothing here touches guest memory.

pefile reads the headers (directories.py the export, import and relocation tables); everything the Windows loader
would refuse is checked here and reported as one BadImage line. pefile is lenient by design (it is a forensics
tool), so its output is never trusted for layout decisions without a check of our own.
"""

from __future__ import annotations

import os
import struct
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import NamedTuple

import pefile

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

MACHINE_I386 = 0x014C
MACHINE_AMD64 = 0x8664
MAGIC_PE32 = 0x10B
MAGIC_PE32_PLUS = 0x20B
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
        with _pefile_errors(name, "the headers"):
            pe = pefile.PE(data=data, fast_load=True)
        # No pe.close(): parsed from bytes there is no file to release, and close() runs a full gc.collect().
        return _build(pe, data, name)


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


@contextmanager
def _pefile_errors(name: str, what: str) -> Iterator[None]:
    """Turn anything pefile raises into BadImage: it raises more than PEFormatError on hostile input."""
    try:
        yield
    except BadImage:
        raise
    except Exception as exc:  # noqa: BLE001 - pefile's failure modes are not a closed set
        detail = exc.args[0] if exc.args and isinstance(exc.args[0], str) else type(exc).__name__
        lines = detail.strip().splitlines() or [type(exc).__name__]
        raise BadImage(f"{name}: cannot parse {what} ({lines[0]})") from exc


def _bad(name: str, reason: str) -> BadImage:
    return BadImage(f"{name}: {reason}")


def _check_dos_and_signature(data: bytes, name: str) -> None:
    """The checks before pefile, so that these common failures get our own clear message."""
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


def _build(pe: pefile.PE, data: bytes, name: str) -> PEImage:
    fh, opt = pe.FILE_HEADER, pe.OPTIONAL_HEADER
    _check_file_header(pe, data, name)
    _check_layout(pe, data, name)
    sections = _read_sections(pe, data, name)
    if opt.AddressOfEntryPoint >= opt.SizeOfImage:
        raise _bad(name, f"entry point 0x{opt.AddressOfEntryPoint:x} is outside the image "
                         f"(SizeOfImage 0x{opt.SizeOfImage:x})")
    reader = RvaReader(data[:opt.SizeOfHeaders], sections)
    reloc_rva, reloc_size = _directory(pe, _DIR_BASERELOC)
    imports = read_imports(reader, *_directory(pe, _DIR_IMPORT), fh.Machine == MACHINE_AMD64, name)
    by_name, by_ordinal = read_exports(reader, *_directory(pe, _DIR_EXPORT))
    return PEImage(
        name=name, machine=fh.Machine, image_base=opt.ImageBase, size_of_image=opt.SizeOfImage,
        size_of_headers=opt.SizeOfHeaders, section_alignment=opt.SectionAlignment,
        entry_rva=Rva(opt.AddressOfEntryPoint), characteristics=fh.Characteristics, subsystem=opt.Subsystem,
        stack_reserve=opt.SizeOfStackReserve, stack_commit=opt.SizeOfStackCommit,
        headers=data[:opt.SizeOfHeaders], sections=sections,
        relocation_table=(reloc_rva, reloc_size, reader.read(reloc_rva, reloc_size) if reloc_rva else b""),
        imports=imports,
        exports_by_name=by_name, exports_by_ordinal=by_ordinal,
    )


def _check_file_header(pe: pefile.PE, data: bytes, name: str) -> None:
    fh, opt = pe.FILE_HEADER, pe.OPTIONAL_HEADER
    if fh.Machine not in _MACHINES:
        raise _bad(name, f"unsupported machine 0x{fh.Machine:x} (only i386 and AMD64 are loadable)")
    table_end = _section_table_end(pe)
    if table_end > len(data):
        raise _bad(name, f"truncated file (headers end at 0x{table_end:x}, file is 0x{len(data):x} bytes)")
    arch, magic = _MACHINES[fh.Machine]
    if opt.Magic not in _OPTIONAL_FIXED_SIZE:
        raise _bad(name, f"optional header magic 0x{opt.Magic:x} is neither PE32 nor PE32+")
    if opt.Magic != magic:
        raise _bad(name, f"optional header magic 0x{opt.Magic:x} does not match machine {arch}")
    if not fh.Characteristics & FILE_EXECUTABLE_IMAGE:
        raise _bad(name, "not an executable image (IMAGE_FILE_EXECUTABLE_IMAGE is not set)")
    directories = min(opt.NumberOfRvaAndSizes, 16)
    if fh.SizeOfOptionalHeader < _OPTIONAL_FIXED_SIZE[opt.Magic] + 8 * directories:
        raise _bad(name, f"SizeOfOptionalHeader 0x{fh.SizeOfOptionalHeader:x} is too small")


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


def _check_layout(pe: pefile.PE, data: bytes, name: str) -> None:
    opt, fh = pe.OPTIONAL_HEADER, pe.FILE_HEADER
    reason = _check_alignment(opt.SectionAlignment, opt.FileAlignment)
    if reason:
        raise _bad(name, reason)
    if opt.SizeOfImage == 0:
        raise _bad(name, "SizeOfImage is 0")
    if opt.SizeOfImage > _MAX_IMAGE_SIZE:
        raise _bad(name, f"SizeOfImage 0x{opt.SizeOfImage:x} is absurd (more than 2 GB)")
    if opt.ImageBase % _IMAGE_BASE_ALIGN:
        raise _bad(name, f"ImageBase 0x{opt.ImageBase:x} is not a multiple of 64 KB")
    if opt.Magic == MAGIC_PE32 and opt.ImageBase + opt.SizeOfImage > 1 << 32:
        raise _bad(name, f"image at 0x{opt.ImageBase:x} + 0x{opt.SizeOfImage:x} does not fit below 4 GB")
    table_end = _section_table_end(pe)
    if opt.SizeOfHeaders < table_end:
        raise _bad(name, f"SizeOfHeaders 0x{opt.SizeOfHeaders:x} does not cover the section table")
    if opt.SizeOfHeaders > opt.SizeOfImage:
        raise _bad(name, f"SizeOfHeaders 0x{opt.SizeOfHeaders:x} exceeds SizeOfImage 0x{opt.SizeOfImage:x}")
    if opt.SizeOfHeaders > len(data):
        raise _bad(name, f"truncated file (headers end at 0x{opt.SizeOfHeaders:x}, "
                         f"file is 0x{len(data):x} bytes)")
    if len(pe.sections) != fh.NumberOfSections:
        raise _bad(name, f"section table is malformed ({len(pe.sections)} of {fh.NumberOfSections} readable)")


def _section_table_end(pe: pefile.PE) -> int:
    fh = pe.FILE_HEADER
    return (pe.DOS_HEADER.e_lfanew + 4 + _FILE_HEADER_SIZE + fh.SizeOfOptionalHeader
            + fh.NumberOfSections * _SECTION_HEADER_SIZE)


def _align_up(n: int, align: int) -> int:
    return (n + align - 1) & ~(align - 1)


def _read_sections(pe: pefile.PE, data: bytes, name: str) -> tuple[Section, ...]:
    """Sections in file order, checked to lie inside the file and the image without overlapping."""
    opt = pe.OPTIONAL_HEADER
    out: list[Section] = []
    next_free = _align_up(opt.SizeOfHeaders, opt.SectionAlignment)
    for s in pe.sections:
        sname = s.Name.rstrip(b"\0").decode("latin-1")
        vsize = s.Misc_VirtualSize or s.SizeOfRawData
        rva = s.VirtualAddress
        if rva % opt.SectionAlignment:
            raise _bad(name, f"section {sname} at 0x{rva:x} is not aligned to SectionAlignment")
        if rva < next_free:
            raise _bad(name, f"section {sname} at 0x{rva:x} overlaps the headers or the section before it")
        if rva + vsize > opt.SizeOfImage:
            raise _bad(name, f"section {sname} [0x{rva:x}, 0x{rva + vsize:x}) is outside SizeOfImage "
                             f"0x{opt.SizeOfImage:x}")
        if s.SizeOfRawData and s.PointerToRawData + s.SizeOfRawData > len(data):
            raise _bad(name, f"section {sname} raw data [0x{s.PointerToRawData:x}, "
                             f"0x{s.PointerToRawData + s.SizeOfRawData:x}) is past the end of the file")
        used = min(s.SizeOfRawData, _align_up(vsize, opt.SectionAlignment))
        raw = data[s.PointerToRawData:s.PointerToRawData + used] if s.SizeOfRawData else b""
        out.append(Section(sname, Rva(rva), vsize, raw, s.Characteristics))
        next_free = rva + _align_up(vsize, opt.SectionAlignment)
    return tuple(out)


def _directory(pe: pefile.PE, index: int) -> tuple[int, int]:
    dirs = pe.OPTIONAL_HEADER.DATA_DIRECTORY
    if index >= len(dirs):
        return 0, 0
    return dirs[index].VirtualAddress, dirs[index].Size
