"""Image sections (SEC_IMAGE), called as the 64-bit kernel entry calls them: creation and its statuses, views laid
out as the loader lays them out (at the preferred base, moved and relocated, refused for the other width), the
image information, unmapping; then the same calls from 32-bit code through WoW64.

Fixtures: fixtures/bin/{x86,x64}/dll_plus.dll (fixtures/src/dll_plus.c, guest/build.sh; image bases 0x10000000 and
0x180000000, with relocations) copied into the C: drive, the sysroot's DLLs through C:\\Windows, and images made
by tests/pebuild.py.
"""

from __future__ import annotations

import logging
import shutil
import struct
from pathlib import Path

import pefile
import pytest

from tests.conftest import KernelRig, kernel_rig
from tests.pebuild import CODE, FILE_EXECUTABLE_IMAGE, FILE_RELOCS_STRIPPED, PEBuilder
from tests.test_kernel_memory import INFO, LENGTH, RO, RW, SECTION_ALL_ACCESS, SENTINEL, open_file, section, view
from tests.wow64rig import DATA, Wow64Rig, object_attributes32, unicode_string32
from wow64emu.emu.memory import MemState, MemType, Prot, Region
from wow64emu.image.pe import base_and_size
from wow64emu.kernel import handles
from wow64emu.kernel.fileobject import FileObject
from wow64emu.kernel.handles import CURRENT_PROCESS, HANDLE_CHARGE
from wow64emu.nt.memory import SECTION_BASIC_INFORMATION, SECTION_IMAGE_INFORMATION
from wow64emu.nt.status import NTSTATUS

BIN = Path(__file__).resolve().parent.parent / "fixtures" / "bin"
SEC_IMAGE, SEC_FILE, SEC_COMMIT = 0x1000000, 0x800000, 0x8000000
FILE_RX = 0xA0100000  # GENERIC_READ | GENERIC_EXECUTE | SYNCHRONIZE
FILE_R = 0x80100000
FILE_OPEN = 1
PAGE_EXECUTE = Prot.EXECUTE
PREFERRED = {"x86": 0x10000000, "x64": 0x180000000}


@pytest.fixture
def native(tmp_path: Path) -> KernelRig:
    """A 64-bit process's kernel (the `kernel` fixture's is a WoW64 process)."""
    return kernel_rig(tmp_path, wow64=False)


def copy_dll(root: Path, width: str, name: str = "dll_plus.dll") -> str:
    shutil.copy(BIN / width / "dll_plus.dll", root / name)
    return name


def image_section(k: KernelRig, name: str, prot: int = PAGE_EXECUTE, access: int = FILE_RX) -> tuple[int, int]:
    """NtCreateSection(SEC_IMAGE) of C:\\name; returns (status, the handle or the sentinel)."""
    return section(k, 0, prot, SEC_IMAGE, open_file(k, name, access, FILE_OPEN))


def mapped(k: KernelRig, name: str) -> tuple[int, int, int]:
    status, handle = image_section(k, name)
    assert status == NTSTATUS.SUCCESS, NTSTATUS.name_of(status)
    return view(k, handle)


def image_region(k: KernelRig, base: int) -> Region:
    region = k.process.memory.region_at(base)
    assert region is not None and region.base == base
    return region


# ---- creating ---------------------------------------------------------------------------------------------

def test_the_fixture_dlls_are_what_the_tests_expect() -> None:
    for width, machine in (("x86", 0x14C), ("x64", 0x8664)):
        pe = pefile.PE(str(BIN / width / "dll_plus.dll"))
        assert pe.FILE_HEADER.Machine == machine and pe.is_dll()
        assert pe.OPTIONAL_HEADER.ImageBase == PREFERRED[width]
        assert pe.OPTIONAL_HEADER.DATA_DIRECTORY[5].Size  # relocations: the image can move
        assert not pe.FILE_HEADER.Characteristics & FILE_RELOCS_STRIPPED


def test_an_image_section_is_sec_image_and_sized_as_the_image(kernel: KernelRig, tmp_path: Path) -> None:
    status, handle = image_section(kernel, copy_dll(tmp_path, "x86"))
    assert status == NTSTATUS.SUCCESS
    kernel.put_u64(LENGTH, SENTINEL)
    assert kernel.call("NtQuerySection", handle, 0, INFO, 24, LENGTH) == NTSTATUS.SUCCESS
    info = SECTION_BASIC_INFORMATION.unpack(kernel.process.memory.peek(INFO, 24), 64)
    size = pefile.PE(str(tmp_path / "dll_plus.dll")).OPTIONAL_HEADER.SizeOfImage
    assert info == {"BaseAddress": 0, "AllocationAttributes": SEC_IMAGE | SEC_FILE,
                    "MaximumSize": (size + 0xFFF) & ~0xFFF}
    assert kernel.process.handles.lookup(handle).describe() == \
        "Section (image C:\\dll_plus.dll: 32-bit i386)"


def test_section_image_information_comes_from_the_headers(kernel: KernelRig, tmp_path: Path) -> None:
    _, handle = image_section(kernel, copy_dll(tmp_path, "x64"))
    kernel.process.memory.poke(INFO, b"\xad" * 64)
    kernel.put_u64(LENGTH, SENTINEL)
    assert kernel.call("NtQuerySection", handle, 1, INFO, 64, LENGTH) == NTSTATUS.SUCCESS
    assert kernel.u64(LENGTH) == 64
    info = SECTION_IMAGE_INFORMATION.unpack(kernel.process.memory.peek(INFO, 64), 64)
    pe = pefile.PE(str(tmp_path / "dll_plus.dll"))
    opt = pe.OPTIONAL_HEADER
    assert info == {
        "TransferAddress": opt.ImageBase + opt.AddressOfEntryPoint, "ZeroBits": 0,
        "MaximumStackSize": opt.SizeOfStackReserve, "CommittedStackSize": opt.SizeOfStackCommit,
        "SubSystemType": opt.Subsystem,
        "SubSystemVersion": opt.MajorSubsystemVersion << 16 | opt.MinorSubsystemVersion,
        "OperatingSystemVersion": opt.MinorOperatingSystemVersion << 16 | opt.MajorOperatingSystemVersion,
        "ImageCharacteristics": pe.FILE_HEADER.Characteristics, "DllCharacteristics": opt.DllCharacteristics,
        "Machine": 0x8664, "ImageContainsCode": 1, "ImageFlags": 0, "LoaderFlags": opt.LoaderFlags,
        "ImageFileSize": (tmp_path / "dll_plus.dll").stat().st_size, "CheckSum": opt.CheckSum,
    }


def test_what_is_not_an_image(kernel: KernelRig, tmp_path: Path) -> None:
    (tmp_path / "text.dll").write_bytes(b"just text")
    (tmp_path / "empty.dll").write_bytes(b"")
    bad = bytearray((BIN / "x86" / "dll_plus.dll").read_bytes())
    bad[0x3C:0x40] = struct.pack("<I", 0x7FFFFFF0)  # e_lfanew past the end of the file
    (tmp_path / "bad.dll").write_bytes(bad)
    assert image_section(kernel, "text.dll") == (NTSTATUS.INVALID_IMAGE_NOT_MZ, SENTINEL)
    assert image_section(kernel, "empty.dll") == (NTSTATUS.MAPPED_FILE_SIZE_ZERO, SENTINEL)
    assert image_section(kernel, "bad.dll") == (NTSTATUS.INVALID_IMAGE_FORMAT, SENTINEL)


def test_an_image_section_reads_the_headers_and_sections_not_the_rest_of_a_huge_file(
        kernel: KernelRig, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    image = (BIN / "x86" / "dll_plus.dll").read_bytes()
    with (tmp_path / "huge.dll").open("wb") as f:  # the DLL, then a gigabyte of nothing (sparse on the host)
        f.write(image)
        f.truncate(1 << 30)
    with (tmp_path / "huge.txt").open("wb") as f:
        f.truncate(1 << 30)
    read = []
    original = FileObject.read
    monkeypatch.setattr(FileObject, "read", lambda self, offset, length: read.append(length) or original(
        self, offset, length))
    assert image_section(kernel, "huge.txt") == (NTSTATUS.INVALID_IMAGE_NOT_MZ, SENTINEL)
    status, _ = image_section(kernel, "huge.dll")
    assert status == NTSTATUS.SUCCESS
    assert sum(read) <= len(image) + 0x4000  # the image's own bytes and a few first pages: no gigabyte read


def test_what_an_image_section_holds_of_its_file_counts_against_the_commit_limit(kernel: KernelRig,
                                                                                 tmp_path: Path) -> None:
    image = bytearray((BIN / "x86" / "dll_plus.dll").read_bytes())
    pe = pefile.PE(data=bytes(image), fast_load=True)
    last = pe.sections[-1]
    struct.pack_into("<I", image, last.get_file_offset() + 16, 96 << 20)  # SizeOfRawData: 96 MB (sparse)
    with (tmp_path / "fat.dll").open("wb") as f:
        f.write(image)
        f.truncate(last.PointerToRawData + (96 << 20))
    physical = kernel.system.physical
    before = physical.committed
    physical.commit_limit = before + (64 << 20)
    # The headers and raw data must fit in what is left before they are read; the section holds what it maps.
    assert image_section(kernel, "fat.dll") == (NTSTATUS.COMMITMENT_LIMIT, SENTINEL)
    physical.commit_limit = before + (256 << 20)
    before = physical.committed
    status, handle = image_section(kernel, "fat.dll")  # a file handle, a section handle, and the section's content
    assert status == NTSTATUS.SUCCESS and physical.committed > before + 2 * HANDLE_CHARGE
    assert kernel.call("NtClose", handle) == NTSTATUS.SUCCESS
    assert physical.committed == before + HANDLE_CHARGE  # no view can be made of it now: its content is let go


def test_an_image_larger_than_what_the_limit_leaves_is_refused_before_it_is_parsed(kernel: KernelRig,
                                                                                    tmp_path: Path) -> None:
    # Parsing copies the sections' raw data, up to SizeOfImage however the sections share the file's bytes.
    image = bytearray((BIN / "x86" / "dll_plus.dll").read_bytes())
    pe = pefile.PE(data=bytes(image), fast_load=True)
    struct.pack_into("<I", image, pe.OPTIONAL_HEADER.get_file_offset() + 56, 256 << 20)  # SizeOfImage: 256 MB
    (tmp_path / "wide.dll").write_bytes(image)
    physical = kernel.system.physical
    physical.commit_limit = physical.committed + (64 << 20)
    assert image_section(kernel, "wide.dll") == (NTSTATUS.COMMITMENT_LIMIT, SENTINEL)


def test_creation_statuses(kernel: KernelRig, tmp_path: Path) -> None:
    name = copy_dll(tmp_path, "x86")
    file = open_file(kernel, name, FILE_RX, FILE_OPEN)
    assert section(kernel, 0, PAGE_EXECUTE, SEC_IMAGE | SEC_COMMIT, file)[0] == NTSTATUS.INVALID_PARAMETER_6
    assert section(kernel, 0x1000, PAGE_EXECUTE, SEC_IMAGE, 0)[0] == NTSTATUS.INVALID_PARAMETER_6
    assert section(kernel, 0, Prot.NOACCESS, SEC_IMAGE, file)[0] == NTSTATUS.INVALID_PAGE_PROTECTION
    assert image_section(kernel, name, PAGE_EXECUTE, FILE_R)[0] == NTSTATUS.ACCESS_DENIED  # no FILE_EXECUTE
    assert image_section(kernel, name, RO, FILE_R)[0] == NTSTATUS.SUCCESS  # read-only: FILE_READ_DATA is enough


# ---- mapping ----------------------------------------------------------------------------------------------

def test_a_view_is_the_image_at_its_preferred_base_with_the_protection_of_each_part(kernel: KernelRig,
                                                                                     tmp_path: Path) -> None:
    status, base, size = mapped(kernel, copy_dll(tmp_path, "x86"))
    assert (status, base) == (NTSTATUS.SUCCESS, PREFERRED["x86"])
    pe = pefile.PE(str(tmp_path / "dll_plus.dll"))
    assert size == (pe.OPTIONAL_HEADER.SizeOfImage + 0xFFF) & ~0xFFF
    region = image_region(kernel, base)
    assert (region.type, region.size, region.name) == (MemType.IMAGE, size, "C:\\dll_plus.dll")
    memory = kernel.process.memory
    assert memory.query(base).protect == Prot.READONLY  # the headers
    text = next(s for s in pe.sections if s.Name.startswith(b".text"))
    assert memory.query(base + text.VirtualAddress).protect == Prot.EXECUTE_READ
    assert memory.read(base + text.VirtualAddress, 16) == text.get_data()[:16]


def test_a_second_view_moves_and_is_relocated(kernel: KernelRig, tmp_path: Path) -> None:
    name = copy_dll(tmp_path, "x86")
    _, handle = image_section(kernel, name)
    first = view(kernel, handle)[1]
    status, second, _ = view(kernel, handle)
    assert status == NTSTATUS.IMAGE_NOT_AT_BASE
    assert second != first and second % 0x10000 == 0 and second + 0x10000 <= 0x1_0000_0000
    pe = pefile.PE(str(tmp_path / name))
    pe.parse_data_directories()
    fixup = next(r.rva for block in pe.DIRECTORY_ENTRY_BASERELOC for r in block.entries if r.type == 3)
    memory = kernel.process.memory
    (at_first,) = struct.unpack("<I", memory.read(first + fixup, 4))
    (at_second,) = struct.unpack("<I", memory.read(second + fixup, 4))
    assert at_second - at_first == second - first


def test_a_view_where_the_caller_asks(kernel: KernelRig, tmp_path: Path) -> None:
    _, handle = image_section(kernel, copy_dll(tmp_path, "x86"))
    assert view(kernel, handle, base=0x2000_0000)[:2] == (NTSTATUS.IMAGE_NOT_AT_BASE, 0x2000_0000)
    assert view(kernel, handle, base=0x2000_0000)[0] == NTSTATUS.CONFLICTING_ADDRESSES
    assert view(kernel, handle, base=0x3000_1000)[0] == NTSTATUS.MAPPED_ALIGNMENT
    assert view(kernel, handle, base=PREFERRED["x86"])[:2] == (NTSTATUS.SUCCESS, PREFERRED["x86"])


def test_an_image_without_relocations_cannot_move(kernel: KernelRig, tmp_path: Path) -> None:
    builder = PEBuilder(dll=True, image_base=0x2000_0000, characteristics=FILE_EXECUTABLE_IMAGE | 0x2000
                        | FILE_RELOCS_STRIPPED)
    builder.section(".text", b"\xc3", CODE)
    builder.build().write(tmp_path / "fixed.dll")
    _, handle = image_section(kernel, "fixed.dll")
    assert view(kernel, handle)[:2] == (NTSTATUS.SUCCESS, 0x2000_0000)
    assert view(kernel, handle) == (NTSTATUS.CONFLICTING_ADDRESSES, 0, 0)


def test_unmapping_an_image_frees_its_range(kernel: KernelRig, tmp_path: Path) -> None:
    _, base, _ = mapped(kernel, copy_dll(tmp_path, "x86"))
    regions = len(kernel.process.memory.regions())
    assert kernel.call("NtUnmapViewOfSection", CURRENT_PROCESS, base + 0x1234) == NTSTATUS.SUCCESS
    assert kernel.process.memory.query(base).state == MemState.FREE
    assert len(kernel.process.memory.regions()) == regions - 1
    assert kernel.call("NtUnmapViewOfSection", CURRENT_PROCESS, base) == NTSTATUS.NOT_MAPPED_VIEW


# ---- the other width --------------------------------------------------------------------------------------

def test_a_wow64_process_refuses_a_64_bit_image_and_says_so(kernel: KernelRig, tmp_path: Path,
                                                             caplog: pytest.LogCaptureFixture) -> None:
    _, handle = image_section(kernel, copy_dll(tmp_path, "x64", "other.dll"))
    before = [(r.base, r.size) for r in kernel.process.memory.regions()]
    with caplog.at_level(logging.WARNING):
        assert view(kernel, handle) == (NTSTATUS.INVALID_IMAGE_FORMAT, 0, 0)
    assert [(r.base, r.size) for r in kernel.process.memory.regions()] == before
    assert "C:\\other.dll is a 64-bit image" in caplog.text and "STATUS_INVALID_IMAGE_FORMAT" in caplog.text
    assert kernel.process.handles.lookup(handle).describe() == "Section (image C:\\other.dll: 64-bit AMD64)"


def test_a_wow64_process_may_map_the_systems_own_64_bit_dlls(kernel: KernelRig) -> None:
    status, handle = image_section(kernel, "Windows\\System32\\wow64cpu.dll")
    assert status == NTSTATUS.SUCCESS
    status, base, _ = view(kernel, handle)
    assert status == NTSTATUS.IMAGE_MACHINE_TYPE_MISMATCH  # mapped: a 64-bit image, the process is i386
    assert image_region(kernel, base).name == "C:\\Windows\\System32\\wow64cpu.dll"


def test_a_64_bit_process_maps_a_32_bit_image_with_a_warning_status(native: KernelRig, tmp_path: Path) -> None:
    status, base, _ = mapped(native, copy_dll(tmp_path, "x86"))
    assert (status, base) == (NTSTATUS.IMAGE_MACHINE_TYPE_MISMATCH, PREFERRED["x86"])
    assert image_region(native, base).type == MemType.IMAGE
    assert mapped(native, copy_dll(tmp_path, "x64", "own.dll"))[:2] == (NTSTATUS.SUCCESS, PREFERRED["x64"])


# ---- through WoW64 ----------------------------------------------------------------------------------------

def test_32_bit_callers_get_their_layouts_and_the_warning_statuses(tmp_path: Path) -> None:
    copy_dll(tmp_path, "x86")
    rig = Wow64Rig(tmp_path)
    name = unicode_string32(rig, DATA + 0x100, "\\??\\C:\\dll_plus.dll")
    oa = object_attributes32(rig, DATA + 0x200, name)
    file, section32, base, size, out = DATA + 0x300, DATA + 0x308, DATA + 0x310, DATA + 0x318, DATA + 0x400
    assert rig.call("NtOpenFile", file, FILE_RX, oa, DATA + 0x320, 1, 0x60).exit_status == NTSTATUS.SUCCESS
    status = rig.call("NtCreateSection", section32, SECTION_ALL_ACCESS, 0, 0, PAGE_EXECUTE, SEC_IMAGE,
                      rig.u32(file)).exit_status
    assert status == NTSTATUS.SUCCESS
    handle = rig.u32(section32)
    rig.put(out, b"\xad" * 64)
    assert rig.call("NtQuerySection", handle, 1, out, 48, 0).exit_status == NTSTATUS.SUCCESS
    info = SECTION_IMAGE_INFORMATION.unpack(rig.get(out, 48), 32)
    entry = pefile.PE(str(tmp_path / "dll_plus.dll")).OPTIONAL_HEADER.AddressOfEntryPoint
    assert info["TransferAddress"] == PREFERRED["x86"] + entry and info["Machine"] == 0x14C
    assert rig.get(out + 48, 4) == b"\xad" * 4
    bases = []
    for expected in (NTSTATUS.SUCCESS, NTSTATUS.IMAGE_NOT_AT_BASE):
        rig.put(base, bytes(4))
        rig.put(size, bytes(4))
        status = rig.call("NtMapViewOfSection", handle, 0xFFFFFFFF, base, 0, 0, 0, size, 1, 0,
                          RW).exit_status
        assert status == expected
        bases.append(rig.u32(base))
    assert bases[0] == PREFERRED["x86"] and bases[1] + rig.u32(size) - 1 <= 0x7FFEFFFF



def test_a_section_made_for_a_handle_the_table_cannot_give_gives_its_charge_back(
        kernel: KernelRig, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    copy_dll(tmp_path, "x86")
    physical = kernel.system.physical
    file = open_file(kernel, "dll_plus.dll", FILE_RX, FILE_OPEN)
    before = physical.committed
    monkeypatch.setattr(handles, "MAX_HANDLES", len(kernel.process.handles._entries))  # the table is full
    assert section(kernel, 0, PAGE_EXECUTE, SEC_IMAGE, file) == (NTSTATUS.INSUFFICIENT_RESOURCES, SENTINEL)
    assert physical.committed == before  # the section made for the handle is gone, with its charge


def test_the_size_check_reads_the_headers_where_e_lfanew_puts_them() -> None:
    image = bytearray(0x1200)
    image[:2] = b"MZ"
    struct.pack_into("<I", image, 0x3C, 0x1000)  # the PE header past the first page
    struct.pack_into("<4s20xH", image, 0x1000, b"PE\0\0", 0x10B)
    struct.pack_into("<I", image, 0x1018 + 28, 0x400000)  # ImageBase
    struct.pack_into("<I", image, 0x1018 + 56, 0x7FFF0000)  # SizeOfImage
    assert base_and_size(lambda offset, length: bytes(image[offset:offset + length])) == (0x400000, 0x7FFF0000)
