"""A tiny writer of PE32 and PE32+ images for the loader tests (no toolchain needed).

Recipe: DOS header (no stub) with e_lfanew = 0x40, PE signature, file header, optional header with 16 data
directories, section table; then the caller's sections in order, then generated .idata (descriptors, ILTs,
IATs, hint/name entries), .edata (directory, functions, names, ordinals, forwarder strings) and .reloc
(one block per page). Built images can be patched field by field to make malformed ones.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass, field
from pathlib import Path

MACHINE_I386 = 0x14C
MACHINE_AMD64 = 0x8664

FILE_RELOCS_STRIPPED = 0x0001
FILE_EXECUTABLE_IMAGE = 0x0002
FILE_LARGE_ADDRESS_AWARE = 0x0020
FILE_32BIT_MACHINE = 0x0100
FILE_DLL = 0x2000

CODE = 0x60000020  # CNT_CODE | MEM_EXECUTE | MEM_READ
RDATA = 0x40000040  # CNT_INITIALIZED_DATA | MEM_READ
DATA = 0xC0000040  # CNT_INITIALIZED_DATA | MEM_READ | MEM_WRITE
BSS = 0xC0000080  # CNT_UNINITIALIZED_DATA | MEM_READ | MEM_WRITE
RWX = 0xE0000020

REL_HIGH = 1
REL_LOW = 2
REL_HIGHLOW = 3
REL_DIR64 = 10

_DOS_SIZE = 0x40
_FILE_HEADER = "<HHIIIHH"
_SECTION = "<8sIIIIIIHHI"


def align(n: int, a: int) -> int:
    return (n + a - 1) // a * a


@dataclass
class _Section:
    name: str
    data: bytes
    characteristics: int
    virtual_size: int
    rva: int


@dataclass
class _Export:
    name: str | None
    ordinal: int
    target: int | str  # an RVA, or a forwarder string


@dataclass
class Built:
    """The image bytes and where things went, with field patchers for malformed variants."""

    data: bytearray
    is64: bool
    nt: int  # file offset of the PE signature
    iat: dict[tuple[str, str | int], int] = field(default_factory=dict)  # (dll, symbol) -> IAT slot RVA
    sections: dict[str, int] = field(default_factory=dict)  # name -> RVA

    @property
    def opt(self) -> int:
        return self.nt + 24

    def _fields(self) -> dict[str, tuple[int, str]]:
        o = self.opt
        return {
            "e_magic": (0, "<H"), "e_lfanew": (0x3C, "<I"), "Signature": (self.nt, "<I"),
            "Machine": (self.nt + 4, "<H"), "NumberOfSections": (self.nt + 6, "<H"),
            "SizeOfOptionalHeader": (self.nt + 20, "<H"), "Characteristics": (self.nt + 22, "<H"),
            "Magic": (o, "<H"), "AddressOfEntryPoint": (o + 16, "<I"),
            "ImageBase": (o + 24, "<Q") if self.is64 else (o + 28, "<I"),
            "SectionAlignment": (o + 32, "<I"), "FileAlignment": (o + 36, "<I"),
            "SizeOfImage": (o + 56, "<I"), "SizeOfHeaders": (o + 60, "<I"), "Subsystem": (o + 68, "<H"),
        }

    def get(self, name: str) -> int:
        off, fmt = self._fields()[name]
        return struct.unpack_from(fmt, self.data, off)[0]

    def set(self, name: str, value: int) -> Built:
        off, fmt = self._fields()[name]
        struct.pack_into(fmt, self.data, off, value)
        return self

    def section_header(self, index: int) -> int:
        return self.opt + self.get("SizeOfOptionalHeader") + 40 * index

    def set_section(self, index: int, name: str, value: int) -> Built:
        off = {"VirtualSize": 8, "VirtualAddress": 12, "SizeOfRawData": 16, "PointerToRawData": 20,
               "Characteristics": 36}[name]
        struct.pack_into("<I", self.data, self.section_header(index) + off, value)
        return self

    def get_section(self, index: int, name: str) -> int:
        off = {"VirtualSize": 8, "VirtualAddress": 12, "SizeOfRawData": 16, "PointerToRawData": 20,
               "Characteristics": 36}[name]
        return struct.unpack_from("<I", self.data, self.section_header(index) + off)[0]

    def write(self, path: Path) -> Path:
        path.write_bytes(bytes(self.data))
        return path


class PEBuilder:
    """Collects sections, imports, exports and relocations; `build()` lays them out."""

    def __init__(self, *, is64: bool = False, dll: bool = False, image_base: int | None = None,
                 characteristics: int | None = None, section_alignment: int = 0x1000,
                 file_alignment: int = 0x200, name: str = "test.dll") -> None:
        self.is64 = is64
        self.image_base = image_base if image_base is not None else (0x1_4000_0000 if is64 else 0x400000)
        flags = FILE_EXECUTABLE_IMAGE | (FILE_DLL if dll else 0) | (0 if is64 else FILE_32BIT_MACHINE)
        self.characteristics = flags if characteristics is None else characteristics
        self.section_alignment = section_alignment
        self.file_alignment = file_alignment
        self.name = name
        self.entry = 0
        self._sections: list[_Section] = []
        self._imports: dict[str, list[str | int]] = {}
        self._exports: list[_Export] = []
        self._relocs: list[tuple[int, int]] = []
        self._next_rva = align(0x400, section_alignment)  # headers always fit in 0x400 here

    @property
    def ptr(self) -> int:
        return 8 if self.is64 else 4

    def section(self, name: str, data: bytes = b"", characteristics: int = DATA,
                virtual_size: int | None = None) -> int:
        """Add a section after the previous one; returns its RVA."""
        vsize = virtual_size if virtual_size is not None else max(len(data), 1)
        rva = self._next_rva
        self._sections.append(_Section(name, data, characteristics, vsize, rva))
        self._next_rva = align(rva + vsize, self.section_alignment)
        return rva

    def import_(self, dll: str, *symbols: str | int) -> None:
        """Import symbols (names, or ints for ordinals) from `dll`."""
        self._imports.setdefault(dll, []).extend(symbols)

    def export(self, name: str | None, target: int | str, ordinal: int | None = None) -> None:
        """Export an RVA (or a forwarder string "DLL.Name") by name, by ordinal, or both."""
        if ordinal is None:
            ordinal = max([e.ordinal for e in self._exports], default=0) + 1
        self._exports.append(_Export(name, ordinal, target))

    def reloc(self, rva: int, rtype: int | None = None) -> None:
        self._relocs.append((rva, rtype if rtype is not None else (REL_DIR64 if self.is64 else REL_HIGHLOW)))

    # ---- generated sections ---------------------------------------------------------------------------

    def _import_section(self, rva: int) -> tuple[bytes, dict[tuple[str, str | int], int], int]:
        dlls = list(self._imports)
        desc_size = 20 * (len(dlls) + 1)
        tables_size = sum((len(s) + 1) * self.ptr for s in self._imports.values())
        ilt_at = desc_size
        iat_at = ilt_at + tables_size
        strings_at = iat_at + tables_size
        buf = bytearray(strings_at)
        slots: dict[tuple[str, str | int], int] = {}
        fmt = "<Q" if self.is64 else "<I"
        flag = 1 << 63 if self.is64 else 1 << 31
        for i, dll in enumerate(dlls):
            name_rva = rva + len(buf)
            buf += dll.encode() + b"\0"
            struct.pack_into("<IIIII", buf, 20 * i, rva + ilt_at, 0, 0, name_rva, rva + iat_at)
            for sym in self._imports[dll]:
                if isinstance(sym, int):
                    value = flag | sym
                else:
                    if len(buf) % 2:
                        buf += b"\0"
                    value = rva + len(buf)
                    buf += struct.pack("<H", 0) + sym.encode() + b"\0"
                struct.pack_into(fmt, buf, ilt_at, value)
                struct.pack_into(fmt, buf, iat_at, value)
                slots[(dll, sym)] = rva + iat_at
                ilt_at += self.ptr
                iat_at += self.ptr
            ilt_at += self.ptr
            iat_at += self.ptr
        return bytes(buf), slots, desc_size

    def _export_section(self, rva: int) -> bytes:
        base = min(e.ordinal for e in self._exports)
        count = max(e.ordinal for e in self._exports) - base + 1
        named = sorted((e for e in self._exports if e.name), key=lambda e: e.name.encode())
        funcs_at = 40
        names_at = funcs_at + 4 * count
        ords_at = names_at + 4 * len(named)
        buf = bytearray(align(ords_at + 2 * len(named), 4))

        def string(s: str) -> int:
            at = rva + len(buf)
            buf.extend(s.encode() + b"\0")
            return at

        dll_name = string(self.name)
        for e in self._exports:
            target = string(e.target) if isinstance(e.target, str) else e.target
            struct.pack_into("<I", buf, funcs_at + 4 * (e.ordinal - base), target)
        for i, e in enumerate(named):
            struct.pack_into("<I", buf, names_at + 4 * i, string(e.name or ""))
            struct.pack_into("<H", buf, ords_at + 2 * i, e.ordinal - base)
        struct.pack_into("<IIHHIIIIIII", buf, 0, 0, 0, 0, 0, dll_name, base, count, len(named),
                         rva + funcs_at, rva + names_at, rva + ords_at)
        return bytes(buf)

    def _reloc_section(self) -> bytes:
        pages: dict[int, list[int]] = {}
        for rva, rtype in sorted(self._relocs):
            pages.setdefault(rva & ~0xFFF, []).append(rtype << 12 | (rva & 0xFFF))
        out = bytearray()
        for page, words in pages.items():
            if len(words) % 2:
                words.append(0)  # ABSOLUTE padding keeps blocks 4-byte aligned
            out += struct.pack("<II", page, 8 + 2 * len(words)) + struct.pack(f"<{len(words)}H", *words)
        return bytes(out)

    # ---- layout ---------------------------------------------------------------------------------------

    def build(self) -> Built:
        """Lay out the image; the builder is left as it was, so it can be changed and built again."""
        saved = list(self._sections), self._next_rva
        try:
            return self._build()
        finally:
            self._sections, self._next_rva = saved

    def _build(self) -> Built:
        dirs = [(0, 0)] * 16
        slots: dict[tuple[str, str | int], int] = {}
        if self._imports:
            rva = self._next_rva
            data, slots, desc_size = self._import_section(rva)
            self.section(".idata", data, DATA)
            dirs[1] = (rva, desc_size)
        if self._exports:
            rva = self._next_rva
            data = self._export_section(rva)
            self.section(".edata", data, RDATA)
            dirs[0] = (rva, len(data))
        if self._relocs:
            rva = self._next_rva
            data = self._reloc_section()
            self.section(".reloc", data, 0x42000040)
            dirs[5] = (rva, len(data))
        out = self._layout(dirs)
        out.iat = slots
        return out

    def _layout(self, dirs: list[tuple[int, int]]) -> Built:
        nt = _DOS_SIZE
        opt_size = 240 if self.is64 else 224
        headers_end = nt + 24 + opt_size + 40 * len(self._sections)
        size_of_headers = align(headers_end, self.file_alignment)
        file = bytearray(size_of_headers)
        table = bytearray()
        for s in self._sections:
            raw_ptr = len(file) if s.data else 0
            raw_size = align(len(s.data), self.file_alignment) if s.data else 0
            file += s.data + bytes(raw_size - len(s.data))
            table += struct.pack(_SECTION, s.name.encode()[:8], s.virtual_size, s.rva, raw_size, raw_ptr,
                                 0, 0, 0, 0, s.characteristics)
        size_of_image = align(self._next_rva, self.section_alignment)
        struct.pack_into("<2s58xI", file, 0, b"MZ", nt)
        file[nt:nt + 4] = b"PE\0\0"
        struct.pack_into(_FILE_HEADER, file, nt + 4, MACHINE_AMD64 if self.is64 else MACHINE_I386,
                         len(self._sections), 0, 0, 0, opt_size, self.characteristics)
        file[nt + 24:nt + 24 + opt_size] = self._optional_header(size_of_image, size_of_headers, dirs)
        file[nt + 24 + opt_size:headers_end] = table
        sections = {s.name: s.rva for s in self._sections}
        return Built(file, self.is64, nt, sections=sections)

    def _optional_header(self, size_of_image: int, size_of_headers: int,
                         dirs: list[tuple[int, int]]) -> bytes:
        common = (0, 0, 0, self.entry, 0)  # sizes of code/data/bss, entry point, BaseOfCode
        versions = struct.pack("<HHHHHHI", 6, 0, 0, 0, 6, 0, 0)  # OS, image, subsystem; Win32VersionValue
        tail = struct.pack("<IIIHH", size_of_image, size_of_headers, 0, 3, 0x8140)  # CUI, NX|TS-aware
        stack_heap = (0x100000, 0x1000, 0x100000, 0x1000)
        if self.is64:
            head = struct.pack("<HBBIIIII", 0x20B, 14, 0, *common)
            body = struct.pack("<QII", self.image_base, self.section_alignment, self.file_alignment)
            rest = struct.pack("<QQQQII", *stack_heap, 0, 16)
        else:
            head = struct.pack("<HBBIIIIII", 0x10B, 14, 0, *common, 0)  # and BaseOfData
            body = struct.pack("<III", self.image_base, self.section_alignment, self.file_alignment)
            rest = struct.pack("<IIIIII", *stack_heap, 0, 16)
        return head + body + versions + tail + rest + b"".join(struct.pack("<II", *d) for d in dirs)
