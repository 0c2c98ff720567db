"""The export, import and relocation tables read by wow64emu/image/directories.py: what they yield from well-formed
tables, and the bounds that keep a hostile table from costing more than the loader would spend on it."""

from __future__ import annotations

import struct

import pytest

from tests.pebuild import CODE, REL_HIGHLOW, PEBuilder
from wow64emu.errors import BadImage
from wow64emu.image.directories import Import, RvaReader, read_exports, read_imports
from wow64emu.image.pe import PEImage, Section

SECTION = 0x1000


def reader(data: bytes, virtual_size: int | None = None) -> RvaReader:
    """An image with 0x400 bytes of headers and one section at RVA 0x1000 holding `data`."""
    return RvaReader(b"MZ" + bytes(0x3FE), [Section(".x", SECTION, virtual_size or len(data), data, 0)])


def export_table(base: int, functions: list[int], names: list[tuple[str, int]], n_functions: int | None = None,
                 n_names: int | None = None) -> tuple[bytes, int]:
    """An export directory at the section's start, its arrays and strings after it; (bytes, directory size)."""
    header = 40
    functions_at = SECTION + header
    names_at = functions_at + 4 * len(functions)
    ordinals_at = names_at + 4 * len(names)
    strings_at = ordinals_at + 2 * len(names)
    strings, pointers = b"", []
    for name, _ in names:
        pointers.append(strings_at + len(strings))
        strings += name.encode() + b"\0"
    directory = struct.pack("<IIHHIIIIIII", 0, 0, 0, 0, 0, base, len(functions) if n_functions is None else n_functions,
                            len(names) if n_names is None else n_names, functions_at, names_at, ordinals_at)
    body = (directory + struct.pack(f"<{len(functions)}I", *functions) + struct.pack(f"<{len(names)}I", *pointers)
            + struct.pack(f"<{len(names)}H", *(index for _, index in names)) + strings)
    return body, len(body)


def test_exports_by_name_and_ordinal_with_forwarders_and_unused_slots() -> None:
    forwarder_at = SECTION + 0x80
    body, _ = export_table(5, [0x2000, 0, forwarder_at, 0x2010], [("Alpha", 0), ("Fwd", 2), ("Hole", 1), ("Far", 9)])
    body = body.ljust(0x80, b"\0") + b"NTDLL.RtlFoo\0"
    by_name, by_ordinal = read_exports(reader(body), SECTION, len(body))
    # "Hole" names an unused slot and "Far" an index past the table: GetProcAddress finds neither.
    assert by_name == {"Alpha": 0x2000, "Fwd": "NTDLL.RtlFoo"}
    assert by_ordinal == {5: 0x2000, 7: "NTDLL.RtlFoo", 8: 0x2010}


def test_an_absurd_export_count_reads_no_more_than_the_section_holds() -> None:
    body, size = export_table(1, [0x2000] * 4, [("A", 0)], n_functions=0xFFFFFFFF, n_names=0xFFFFFFFF)
    by_name, by_ordinal = read_exports(reader(body), SECTION, size)
    assert by_name["A"] == 0x2000
    assert len(by_ordinal) < len(body) // 4  # what the section holds, not four billion


def test_an_export_directory_outside_the_image_exports_nothing() -> None:
    assert read_exports(reader(bytes(0x100)), 0x7FFF0000, 40) == ({}, {})


def import_table(descriptors: list[tuple[int, int, int]], tail: bytes, is64: bool = False) -> bytes:
    """Descriptors (lookup RVA, DLL name RVA, IAT RVA) at the section's start, a zero descriptor, then `tail`."""
    table = b"".join(struct.pack("<5I", lookup, 0, 0, name, iat) for lookup, name, iat in descriptors)
    return table + bytes(20) + tail


def test_imports_by_name_and_ordinal_from_the_lookup_table() -> None:
    tail_at = SECTION + 2 * 20
    # tail: "K.dll\0" (6), hint + "Sleep\0" (8), lookup table: name entry, ordinal 7, zero.
    tail = b"K.dll\0" + b"\0\0Sleep\0" + struct.pack("<3I", tail_at + 6, 0x80000007, 0)
    body = import_table([(tail_at + 14, tail_at, 0x3000)], tail)
    (dll,) = read_imports(reader(body), SECTION, 40, False, "t.exe")
    assert dll.dll == "K.dll"
    assert dll.entries == (Import("Sleep", None, 0x3000), Import(None, 7, 0x3004))


def test_many_descriptors_sharing_one_long_lookup_table_are_refused_past_the_symbol_bound() -> None:
    """Each descriptor reads the shared table anew, as Windows' loader would: the total is what is bounded."""
    entries = 0x800
    count = 40  # 40 x 2048 symbols: past the bound of 65,536
    tail_at = SECTION + (count + 1) * 20
    lookup_at = tail_at + 8
    tail = b"K.dll\0\0\0" + struct.pack(f"<{entries}I", *([0x80000001] * entries)) + bytes(4)
    body = import_table([(lookup_at, tail_at, 0x3000)] * count, tail)
    with pytest.raises(BadImage, match="more than 65536 imported symbols"):
        read_imports(reader(body), SECTION, 20, False, "t.exe")


def test_an_import_descriptor_whose_dll_name_is_unreadable_is_a_bad_image() -> None:
    body = import_table([(SECTION + 0x100, 0x7FFF0000, 0x3000)], b"")
    with pytest.raises(BadImage, match=r"t.exe: import descriptor 0 names no DLL \(RVA 0x7fff0000\)"):
        read_imports(reader(body.ljust(0x200, b"\0")), SECTION, 20, False, "t.exe")


def test_a_name_without_its_nul_in_the_raw_data_ends_in_the_zeros_that_follow() -> None:
    image = reader(b"abc", virtual_size=0x1000)
    assert image.cstring(SECTION) == b"abc"
    assert image.cstrings([SECTION + 1, 0x9000, SECTION + 0x1000]) == [b"bc", None, None]


def test_relocations_are_read_only_when_asked_for_and_a_malformed_block_is_found_then() -> None:
    """Windows' loader reads the relocations only to move an image: one that loads at its base never reads them."""
    pe = PEBuilder()
    pe.entry = pe.section(".text", bytes(0x20), CODE)
    pe.reloc(pe.entry)
    built = pe.build()
    assert [r.type for r in PEImage.parse(bytes(built.data), "r.exe").relocations] == [REL_HIGHLOW, 0]  # 0: padding
    reloc = built.sections[".reloc"]
    index = list(built.sections).index(".reloc")
    file_offset = built.get_section(index, "PointerToRawData") + reloc - built.get_section(index, "VirtualAddress")
    struct.pack_into("<I", built.data, file_offset + 4, 3)  # SizeOfBlock 3: odd, shorter than the block's header
    damaged = PEImage.parse(bytes(built.data), "r.exe")  # parses: nothing has read the relocations yet
    with pytest.raises(BadImage, match="r.exe: malformed relocation block at 0x[0-9a-f]+ \\(SizeOfBlock 0x3\\)"):
        _ = damaged.relocations
