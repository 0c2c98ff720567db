"""The file calls through the real WoW64 path: FILE_RENAME_INFORMATION rebuilt for the kernel, the other
information buffers, masks and object attributes passed through or widened as declared."""

import struct
from pathlib import Path

import pytest

from tests.wow64rig import DATA, Wow64Rig, object_attributes32, unicode_string32
from wow64emu.nt import files as T
from wow64emu.nt.status import NTSTATUS
from wow64emu.nt.syscalls import by_name

N = {name: call.number for name, call in by_name().items()}
FILE_OPEN, FILE_OPEN_IF = 1, 3
RW_DELETE = 0xC0000000 | 0x100000 | 0x10000  # GENERIC_READ | GENERIC_WRITE | SYNCHRONIZE | DELETE
LIST = 0x1 | 0x100000  # FILE_LIST_DIRECTORY | SYNCHRONIZE
SYNC, DIRECTORY = 0x20, 0x1
IOSB, HANDLE_OUT, NAME, OA, INFO = DATA + 0x100, DATA + 0x110, DATA + 0x200, DATA + 0x300, DATA + 0x1000


@pytest.fixture
def rig(tmp_path: Path) -> Wow64Rig:
    return Wow64Rig(tmp_path)


def open32(rig: Wow64Rig, path: str, access: int = RW_DELETE, options: int = SYNC) -> int:
    oa = object_attributes32(rig, OA, unicode_string32(rig, NAME, path))
    status = rig.syscall(N["NtCreateFile"], HANDLE_OUT, access, oa, IOSB, 0, 0x80, 7, FILE_OPEN_IF, options, 0,
                         0).exit_status
    assert status == NTSTATUS.SUCCESS, NTSTATUS.name_of(status)
    return rig.u32(HANDLE_OUT)


def rename32(name: str, replace: bool = False, root: int = 0, name_length: int | None = None) -> bytes:
    """A 32-bit FILE_RENAME_INFORMATION: ReplaceIfExists, RootDirectory at 4, FileNameLength at 8, name at 12."""
    raw = name.encode("utf-16-le")
    return struct.pack("<B3xII", replace, root, len(raw) if name_length is None else name_length) + raw


def set_info(rig: Wow64Rig, handle: int, data: bytes, info_class: int, length: int | None = None) -> int:
    rig.put(IOSB, b"\xad\xde" * 4)
    rig.put(INFO, data)
    return rig.syscall(N["NtSetInformationFile"], handle, IOSB, INFO, len(data) if length is None else length,
                       info_class).exit_status


@pytest.mark.parametrize(("field", "off32", "off64"), [
    ("ReplaceIfExists", 0, 0), ("RootDirectory", 4, 8), ("FileNameLength", 8, 16), ("FileName", 12, 20)])
def test_rename_information_layout_matches_windows(field: str, off32: int, off64: int) -> None:
    layout = T.FILE_RENAME_INFORMATION
    assert (layout.offset(field, 32), layout.offset(field, 64)) == (off32, off64)
    assert (layout.size(32), layout.size(64)) == (16, 24)  # sizeof with FileName[1]


def test_a_rename_is_rebuilt_for_the_kernel(rig: Wow64Rig, tmp_path: Path) -> None:
    (tmp_path / "old.txt").write_bytes(b"data")
    handle = open32(rig, "\\??\\C:\\old.txt")
    data = rename32("new.txt")
    assert set_info(rig, handle, data, T.FileRenameInformation, len(data) + 2) == NTSTATUS.SUCCESS
    assert [p.name for p in tmp_path.iterdir() if p.suffix == ".txt"] == ["new.txt"]
    assert rig.get(IOSB, 8) == struct.pack("<II", 0, 0)
    assert rig.get(INFO, len(data)) == data  # the caller's structure is left as it was


def test_the_root_directory_handle_is_sign_extended_and_used(rig: Wow64Rig, tmp_path: Path) -> None:
    (tmp_path / "dir").mkdir()
    handle = open32(rig, "\\??\\C:\\f.txt")
    directory = open32(rig, "\\??\\C:\\dir", LIST, SYNC | DIRECTORY)
    assert set_info(rig, handle, rename32("g.txt", root=directory), T.FileRenameInformation) == NTSTATUS.SUCCESS
    assert (tmp_path / "dir" / "g.txt").exists()
    # (HANDLE)-1 widened to -1 names the process, not a directory; zero-extended it would name nothing.
    status = set_info(rig, handle, rename32("h.txt", root=0xFFFFFFFF), T.FileRenameInformation)
    assert status == NTSTATUS.OBJECT_TYPE_MISMATCH


def test_replace_if_exists_crosses_over(rig: Wow64Rig, tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_bytes(b"a")
    (tmp_path / "b.txt").write_bytes(b"b")
    handle = open32(rig, "\\??\\C:\\a.txt")
    assert set_info(rig, handle, rename32("b.txt"), T.FileRenameInformation) == NTSTATUS.OBJECT_NAME_COLLISION
    assert set_info(rig, handle, rename32("b.txt", True), T.FileRenameInformation) == NTSTATUS.SUCCESS
    assert (tmp_path / "b.txt").read_bytes() == b"a"


@pytest.mark.parametrize(("data", "length", "status"), [
    (rename32("x.txt"), 15, NTSTATUS.INFO_LENGTH_MISMATCH),  # below the 32-bit structure: the kernel refuses it
    (rename32("x.txt", name_length=12), None, NTSTATUS.INVALID_PARAMETER),  # a name longer than the buffer
    (rename32("x"), 14, NTSTATUS.INFO_LENGTH_MISMATCH),  # 14 < sizeof: as 22 < 24 natively
])
def test_lengths_keep_their_meaning_across_widths(rig: Wow64Rig, tmp_path: Path, data: bytes, length: int | None,
                                                  status: int) -> None:
    handle = open32(rig, "\\??\\C:\\f.txt")
    assert set_info(rig, handle, data, T.FileRenameInformation, length) == status
    assert rig.get(IOSB, 8) == b"\xad\xde" * 4 and (tmp_path / "f.txt").exists()


def test_a_bad_rename_buffer_is_an_access_violation(rig: Wow64Rig) -> None:
    handle = open32(rig, "\\??\\C:\\f.txt")
    status = rig.syscall(N["NtSetInformationFile"], handle, IOSB, 0x10, 24, T.FileRenameInformation).exit_status
    assert status == NTSTATUS.ACCESS_VIOLATION


def test_other_set_classes_pass_through(rig: Wow64Rig, tmp_path: Path) -> None:
    (tmp_path / "f.txt").write_bytes(b"0123456789")
    handle = open32(rig, "\\??\\C:\\f.txt")
    assert set_info(rig, handle, struct.pack("<q", 4), 20) == NTSTATUS.SUCCESS  # FileEndOfFileInformation
    assert (tmp_path / "f.txt").read_bytes() == b"0123"
    assert set_info(rig, handle, struct.pack("<q", 2), 14) == NTSTATUS.SUCCESS  # FilePositionInformation
    status = rig.syscall(N["NtReadFile"], handle, 0, 0, 0, IOSB, INFO, 8, 0, 0).exit_status
    assert status == NTSTATUS.SUCCESS and rig.get(INFO, 2) == b"23"


def test_a_listing_takes_a_32_bit_mask_and_answers_the_same_bytes(rig: Wow64Rig, tmp_path: Path) -> None:
    (tmp_path / "d").mkdir()
    for name in ("one.txt", "two.txt", "three.log"):
        (tmp_path / "d" / name).write_bytes(b"")
    directory = open32(rig, "\\??\\C:\\d", LIST, SYNC | DIRECTORY)
    mask = unicode_string32(rig, DATA + 0x800, "*.TXT")
    rig.put(IOSB, b"\xad\xde" * 4)
    status = rig.syscall(N["NtQueryDirectoryFile"], directory, 0, 0, 0, IOSB, INFO, 0x400, 12, 0, mask,
                         1).exit_status
    assert status == NTSTATUS.SUCCESS
    next_offset, _, name_length = struct.unpack("<III", rig.get(INFO, 12))
    assert (next_offset, rig.get(INFO + 12, name_length)) == (32, "one.txt".encode("utf-16-le"))
    assert rig.get(INFO + 32 + 12, 14) == "two.txt".encode("utf-16-le")
    assert rig.get(IOSB, 8) == struct.pack("<II", 0, 32 + 12 + 14)
    status = rig.syscall(N["NtQueryDirectoryFile"], directory, 0, 0, 0, IOSB, INFO, 0x400, 12, 0, 0, 0).exit_status
    assert status == NTSTATUS.NO_MORE_FILES and rig.get(IOSB, 8) == struct.pack("<II", NTSTATUS.NO_MORE_FILES, 0)


def test_queries_by_name_widen_the_object_attributes(rig: Wow64Rig, tmp_path: Path) -> None:
    (tmp_path / "f.bin").write_bytes(b"x" * 5)
    oa = object_attributes32(rig, OA, unicode_string32(rig, NAME, "\\??\\C:\\F.BIN"))
    rig.put(INFO, b"\xad" * 64)
    assert rig.syscall(N["NtQueryFullAttributesFile"], oa, INFO).exit_status == NTSTATUS.SUCCESS
    allocation, end, attributes = struct.unpack_from("<qqI", rig.get(INFO + 32, 20))
    assert (allocation, end, attributes) == (4096, 5, 0x20) and rig.get(INFO + 56, 1) == b"\xad"
    assert rig.syscall(N["NtQueryAttributesFile"], oa, INFO).exit_status == NTSTATUS.SUCCESS
    assert rig.syscall(N["NtDeleteFile"], oa).exit_status == NTSTATUS.SUCCESS
    assert not (tmp_path / "f.bin").exists()
    assert rig.syscall(N["NtQueryAttributesFile"], oa, INFO).exit_status == NTSTATUS.OBJECT_NAME_NOT_FOUND


def test_volume_queries_and_flushes_narrow_the_io_status_block(rig: Wow64Rig) -> None:
    handle = open32(rig, "\\??\\C:\\f.txt")
    rig.put(IOSB, b"\xad\xde" * 4)
    status = rig.syscall(N["NtQueryVolumeInformationFile"], handle, IOSB, INFO, 64, 5).exit_status
    assert status == NTSTATUS.SUCCESS and rig.get(IOSB, 8) == struct.pack("<II", 0, 20)
    assert rig.get(INFO + 12, 8) == "NTFS".encode("utf-16-le")
    rig.put(IOSB, b"\xad\xde" * 4)
    assert rig.syscall(N["NtFlushBuffersFile"], handle, IOSB).exit_status == NTSTATUS.SUCCESS
    assert rig.get(IOSB, 8) == bytes(8)


def test_a_file_name_from_nt_query_object_in_32_bit_terms(rig: Wow64Rig, tmp_path: Path) -> None:
    # OBJECT_NAME_INFORMATION: an 8-byte UNICODE_STRING32, the name right after it; ReturnLength in 32-bit terms, on
    # success and on the I/O manager's STATUS_BUFFER_OVERFLOW alike (which writes nothing).
    handle = open32(rig, "\\??\\C:\\Named.txt")
    name = "\\Device\\HarddiskVolume3\\Named.txt".encode("utf-16-le")
    need = 8 + len(name) + 2
    rig.put(INFO, b"\xad" * 0x100)
    assert rig.syscall(N["NtQueryObject"], handle, 1, INFO, 0x100, IOSB).exit_status == NTSTATUS.SUCCESS
    length, maximum, buffer = struct.unpack("<HHI", rig.get(INFO, 8))
    assert (length, maximum, buffer, rig.u32(IOSB)) == (len(name), len(name) + 2, INFO + 8, need)
    assert rig.get(INFO + 8, len(name) + 2) == name + b"\0\0"
    rig.put(INFO, b"\xad" * 0x100)
    assert rig.syscall(N["NtQueryObject"], handle, 1, INFO, 8, IOSB).exit_status == NTSTATUS.BUFFER_OVERFLOW
    assert rig.u32(IOSB) == need and rig.get(INFO, 8) == b"\xad" * 8
    assert rig.syscall(N["NtQueryObject"], handle, 1, INFO, 4, IOSB).exit_status == NTSTATUS.INFO_LENGTH_MISMATCH
    assert rig.u32(IOSB) == need
