"""File, console and object services, called as the 64-bit kernel entry calls them.

Each test gets a fresh process whose C: drive is tmp_path/"C" (tmp_path/"outside" is the host beyond it), a
scratch region of guest memory for arguments, and BytesIO standard streams. Outputs are pre-filled with the
0xdead sentinel so a test can tell "written" from "left alone".
"""

from __future__ import annotations

import io
import os
import struct
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.conftest import KernelRig
from wow64emu.emu.kernel import files as F
from wow64emu.emu.kernel.console import ConsoleObject, create_std_handles
from wow64emu.emu.kernel.handles import CURRENT_PROCESS, CURRENT_THREAD, KernelObject
from wow64emu.emu.memory import MemType, Prot
from wow64emu.emu.process import Process, StdStreams
from wow64emu.emu.status import NTSTATUS
from wow64emu.thunks import layouts as L
from wow64emu.thunks.table import by_name

SCRATCH = 0x20000000
SCRATCH_SIZE = 0x10000
READONLY = 0x20100000  # one committed read-only page
UNMAPPED = 0x30000000
SENTINEL = 0xDEADDEADDEADDEAD
OBJ_CASE_INSENSITIVE = 0x40
RW = F.GENERIC_READ | F.GENERIC_WRITE | F.SYNCHRONIZE
SYNC = F.FILE_SYNCHRONOUS_IO_NONALERT


@dataclass
class Rig(KernelRig):
    """KernelRig with a bump allocator over a larger scratch region and builders for NT structures."""

    root: Path
    outside: Path
    next_free: int = SCRATCH

    def alloc(self, size: int, fill: bytes = b"\xad\xde") -> int:
        addr = self.next_free
        self.next_free += (size + 15) & ~15
        assert self.next_free <= SCRATCH + SCRATCH_SIZE
        self.process.uc.mem_write(addr, (fill * size)[:size])
        return addr

    def put(self, data: bytes) -> int:
        addr = self.alloc(len(data))
        self.process.uc.mem_write(addr, data)
        return addr

    def read(self, addr: int, size: int) -> bytes:
        return bytes(self.process.uc.mem_read(addr, size))

    def ustr(self, name: str, length: int | None = None, buffer: int | None = None) -> int:
        raw = name.encode("utf-16-le")
        buf = self.put(raw + b"\0\0") if buffer is None else buffer
        size = len(raw) if length is None else length
        return self.put(L.UNICODE_STRING.pack({"Length": size, "MaximumLength": len(raw) + 2, "Buffer": buf}, 64))

    def oa(self, name: str | None, root: int = 0, length: int = 48, attributes: int = OBJ_CASE_INSENSITIVE,
           object_name: int | None = None) -> int:
        if object_name is None:
            object_name = 0 if name is None else self.ustr(name)
        return self.put(L.OBJECT_ATTRIBUTES.pack({
            "Length": length, "RootDirectory": root, "ObjectName": object_name, "Attributes": attributes,
            "SecurityDescriptor": 0, "SecurityQualityOfService": 0}, 64))

    def iosb(self) -> int:
        return self.put(struct.pack("<QQ", SENTINEL, SENTINEL))

    def iosb_values(self, addr: int) -> tuple[int, int]:
        values = L.IO_STATUS_BLOCK.unpack(self.read(addr, 16), 64)
        return values["Status"], values["Information"]

    def offset(self, value: int) -> int:
        return self.put(struct.pack("<q", value))

    def create(self, name: str | None, access: int = RW, disposition: int = F.FILE_OPEN_IF, options: int = SYNC,
               root: int = 0, oa: int | None = None) -> tuple[int, int, int]:
        """NtCreateFile; returns (status, handle or the sentinel, the IOSB's address)."""
        handle_out = self.put(struct.pack("<Q", SENTINEL))
        iosb = self.iosb()
        oa = self.oa(name, root) if oa is None else oa
        status = self.call("NtCreateFile", handle_out, access, oa, iosb, 0, 0, 7, disposition, options, 0, 0)
        return status, self.u64(handle_out), iosb

    def open(self, name: str, access: int = RW, options: int = SYNC) -> int:
        status, handle, _ = self.create(name, access, F.FILE_OPEN_IF, options)
        assert status == NTSTATUS.SUCCESS, NTSTATUS.name_of(status)
        return handle

    def write(self, handle: int, data: bytes, offset: int | None = None) -> tuple[int, int, int]:
        iosb = self.iosb()
        buf = self.put(data)
        off = 0 if offset is None else self.offset(offset)
        status = self.call("NtWriteFile", handle, 0, 0, 0, iosb, buf, len(data), off, 0)
        return status, *self.iosb_values(iosb)

    def read_file(self, handle: int, length: int, offset: int | None = None) -> tuple[int, int, int, bytes]:
        iosb = self.iosb()
        buf = self.alloc(max(length, 1))
        off = 0 if offset is None else self.offset(offset)
        status = self.call("NtReadFile", handle, 0, 0, 0, iosb, buf, length, off, 0)
        st, info = self.iosb_values(iosb)
        return status, st, info, self.read(buf, length)

    def query(self, handle: int, info_class: int, length: int) -> tuple[int, int, int, bytes]:
        iosb = self.iosb()
        buf = self.alloc(length + 8)
        status = self.call("NtQueryInformationFile", handle, iosb, buf, length, info_class)
        return (status, *self.iosb_values(iosb), self.read(buf, length + 8))


@pytest.fixture
def rig(tmp_path: Path) -> Rig:
    root, outside = tmp_path / "C", tmp_path / "outside"
    root.mkdir()
    outside.mkdir()
    (outside / "secret.txt").write_bytes(b"host secret")
    streams = StdStreams(io.BytesIO(b"line one\nline two\n"), io.BytesIO(), io.BytesIO())
    process = Process(root=root, streams=streams)
    process.memory.map_committed(SCRATCH, SCRATCH_SIZE, MemType.PRIVATE, Prot.READWRITE, "scratch")
    process.memory.map_committed(READONLY, 0x1000, MemType.PRIVATE, Prot.READONLY, "readonly")
    return Rig(process, root, outside)


def test_the_services_are_wired_to_their_numbers(rig: Rig) -> None:
    for name in ("NtClose", "NtCreateFile", "NtOpenFile", "NtReadFile", "NtWriteFile", "NtQueryInformationFile"):
        assert rig.process.kernel.lookup(by_name()[name].number) is not None, name


# ---- NtClose -------------------------------------------------------------------------------------------------

def test_close_releases_a_handle_once(rig: Rig) -> None:
    handle = rig.open("\\??\\C:\\a.txt")
    assert handle % 4 == 0 and handle in rig.process.handles
    assert rig.call("NtClose", handle) == NTSTATUS.SUCCESS
    assert handle not in rig.process.handles
    assert rig.call("NtClose", handle) == NTSTATUS.INVALID_HANDLE


@pytest.mark.parametrize("handle", [0, 4, 0x1234, 0xFFFFFFFF])
def test_close_of_a_value_naming_nothing_is_invalid_handle(rig: Rig, handle: int) -> None:
    assert rig.call("NtClose", handle) == NTSTATUS.INVALID_HANDLE


@pytest.mark.parametrize("handle", [CURRENT_PROCESS, CURRENT_THREAD, 0xFFFFFFFFFFFFFFFA])
def test_close_of_a_pseudo_handle_succeeds_and_does_nothing(rig: Rig, handle: int) -> None:
    before = len(rig.process.handles)
    assert rig.call("NtClose", handle) == NTSTATUS.SUCCESS
    assert len(rig.process.handles) == before


# ---- dispositions --------------------------------------------------------------------------------------------

DISPOSITIONS = [
    # disposition, file exists?, status, IOSB.Information, content afterwards (None: no file)
    (F.FILE_SUPERSEDE, True, NTSTATUS.SUCCESS, F.FILE_SUPERSEDED, b""),
    (F.FILE_SUPERSEDE, False, NTSTATUS.SUCCESS, F.FILE_CREATED, b""),
    (F.FILE_OPEN, True, NTSTATUS.SUCCESS, F.FILE_OPENED, b"old data"),
    (F.FILE_OPEN, False, NTSTATUS.OBJECT_NAME_NOT_FOUND, None, None),
    (F.FILE_CREATE, True, NTSTATUS.OBJECT_NAME_COLLISION, None, b"old data"),
    (F.FILE_CREATE, False, NTSTATUS.SUCCESS, F.FILE_CREATED, b""),
    (F.FILE_OPEN_IF, True, NTSTATUS.SUCCESS, F.FILE_OPENED, b"old data"),
    (F.FILE_OPEN_IF, False, NTSTATUS.SUCCESS, F.FILE_CREATED, b""),
    (F.FILE_OVERWRITE, True, NTSTATUS.SUCCESS, F.FILE_OVERWRITTEN, b""),
    (F.FILE_OVERWRITE, False, NTSTATUS.OBJECT_NAME_NOT_FOUND, None, None),
    (F.FILE_OVERWRITE_IF, True, NTSTATUS.SUCCESS, F.FILE_OVERWRITTEN, b""),
    (F.FILE_OVERWRITE_IF, False, NTSTATUS.SUCCESS, F.FILE_CREATED, b""),
]


@pytest.mark.parametrize("disposition, exists, status, information, content", DISPOSITIONS)
def test_create_dispositions(rig: Rig, disposition: int, exists: bool, status: int, information: int | None,
                             content: bytes | None) -> None:
    host = rig.root / "file.txt"
    if exists:
        host.write_bytes(b"old data")
    got, handle, iosb = rig.create("\\??\\C:\\file.txt", disposition=disposition)
    assert got == status
    if information is None:  # failed: neither the handle nor the IOSB was written
        assert handle == SENTINEL and rig.iosb_values(iosb) == (SENTINEL, SENTINEL)
    else:
        assert rig.iosb_values(iosb) == (NTSTATUS.SUCCESS, information)
        assert isinstance(rig.process.handles.get(handle, F.FileObject), F.FileObject)
    assert (host.read_bytes() if host.exists() else None) == content


def test_an_unknown_disposition_is_invalid_parameter_and_creates_nothing(rig: Rig) -> None:
    status, handle, iosb = rig.create("\\??\\C:\\new.txt", disposition=6)
    assert status == NTSTATUS.INVALID_PARAMETER and handle == SENTINEL
    assert rig.iosb_values(iosb) == (SENTINEL, SENTINEL)
    assert not (rig.root / "new.txt").exists()


def test_open_file_opens_existing_and_refuses_missing(rig: Rig) -> None:
    (rig.root / "there.txt").write_bytes(b"x")
    handle_out, iosb = rig.put(struct.pack("<Q", SENTINEL)), rig.iosb()
    status = rig.call("NtOpenFile", handle_out, RW, rig.oa("\\??\\C:\\there.txt"), iosb, 7, SYNC)
    assert status == NTSTATUS.SUCCESS and rig.iosb_values(iosb) == (0, F.FILE_OPENED)
    status = rig.call("NtOpenFile", handle_out, RW, rig.oa("\\??\\C:\\missing.txt"), iosb, 7, SYNC)
    assert status == NTSTATUS.OBJECT_NAME_NOT_FOUND and not (rig.root / "missing.txt").exists()


@pytest.mark.parametrize("access, options", [
    (F.GENERIC_READ, SYNC),  # FILE_SYNCHRONOUS_IO_* needs SYNCHRONIZE in the raw DesiredAccess
    (RW, F.FILE_SYNCHRONOUS_IO_ALERT | F.FILE_SYNCHRONOUS_IO_NONALERT),
    (RW, SYNC | F.FILE_DELETE_ON_CLOSE),  # without DELETE
    (RW, 0x01000000),  # outside FILE_VALID_OPTION_FLAGS
])
def test_bad_create_options_are_invalid_parameter(rig: Rig, access: int, options: int) -> None:
    status, handle, _ = rig.create("\\??\\C:\\x.txt", access, F.FILE_OPEN_IF, options)
    assert status == NTSTATUS.INVALID_PARAMETER and handle == SENTINEL
    assert not (rig.root / "x.txt").exists()


def test_an_ea_buffer_is_refused_not_dropped(rig: Rig) -> None:
    handle_out, iosb, ea = rig.put(struct.pack("<Q", SENTINEL)), rig.iosb(), rig.alloc(32)
    status = rig.call("NtCreateFile", handle_out, RW, rig.oa("\\??\\C:\\ea.txt"), iosb, 0, 0, 7, F.FILE_OPEN_IF,
                      SYNC, ea, 32)
    assert status == NTSTATUS.EAS_NOT_SUPPORTED and not (rig.root / "ea.txt").exists()


def test_delete_on_close_removes_the_file_with_the_last_handle(rig: Rig) -> None:
    status, handle, _ = rig.create("\\??\\C:\\tmp.txt", RW | F.DELETE, F.FILE_CREATE, SYNC | F.FILE_DELETE_ON_CLOSE)
    assert status == NTSTATUS.SUCCESS and (rig.root / "tmp.txt").exists()
    assert rig.call("NtClose", handle) == NTSTATUS.SUCCESS
    assert not (rig.root / "tmp.txt").exists()


# ---- directories ---------------------------------------------------------------------------------------------

def test_directory_file_with_create_makes_a_directory(rig: Rig) -> None:
    status, handle, iosb = rig.create("\\??\\C:\\newdir", disposition=F.FILE_CREATE,
                                      options=SYNC | F.FILE_DIRECTORY_FILE)
    assert status == NTSTATUS.SUCCESS and rig.iosb_values(iosb) == (0, F.FILE_CREATED)
    assert (rig.root / "newdir").is_dir()
    assert rig.process.handles.get(handle, F.FileObject).is_directory
    status, _, _ = rig.create("\\??\\C:\\newdir", disposition=F.FILE_CREATE, options=SYNC | F.FILE_DIRECTORY_FILE)
    assert status == NTSTATUS.OBJECT_NAME_COLLISION


def test_directory_file_with_open_if_creates_a_missing_directory(rig: Rig) -> None:
    status, _, iosb = rig.create("\\??\\C:\\d2\\", options=SYNC | F.FILE_DIRECTORY_FILE)
    assert status == NTSTATUS.SUCCESS and rig.iosb_values(iosb) == (0, F.FILE_CREATED)
    assert (rig.root / "d2").is_dir()


def test_directory_and_file_options_against_what_is_there(rig: Rig) -> None:
    (rig.root / "dir").mkdir()
    (rig.root / "file.txt").write_bytes(b"f")
    status, _, _ = rig.create("\\??\\C:\\file.txt", disposition=F.FILE_OPEN, options=SYNC | F.FILE_DIRECTORY_FILE)
    assert status == NTSTATUS.NOT_A_DIRECTORY
    status, _, _ = rig.create("\\??\\C:\\dir", disposition=F.FILE_OPEN, options=SYNC | F.FILE_NON_DIRECTORY_FILE)
    assert status == NTSTATUS.FILE_IS_A_DIRECTORY
    status, handle, _ = rig.create("\\??\\C:\\dir", disposition=F.FILE_OPEN)  # no option: a directory is fine
    assert status == NTSTATUS.SUCCESS and rig.process.handles.get(handle, F.FileObject).is_directory
    status, _, _ = rig.create("\\??\\C:\\dir\\", disposition=F.FILE_OPEN)  # trailing "\": still the directory
    assert status == NTSTATUS.SUCCESS
    status, _, _ = rig.create("\\??\\C:\\file.txt\\", disposition=F.FILE_OPEN)
    assert status == NTSTATUS.OBJECT_NAME_INVALID
    status, _, _ = rig.create("\\??\\C:\\dir", disposition=F.FILE_OVERWRITE_IF)
    assert status == NTSTATUS.FILE_IS_A_DIRECTORY and (rig.root / "dir").is_dir()


@pytest.mark.parametrize("disposition", [F.FILE_SUPERSEDE, F.FILE_OVERWRITE, F.FILE_OVERWRITE_IF])
def test_directory_file_refuses_overwriting_dispositions(rig: Rig, disposition: int) -> None:
    status, _, _ = rig.create("\\??\\C:\\d", disposition=disposition, options=SYNC | F.FILE_DIRECTORY_FILE)
    assert status == NTSTATUS.INVALID_PARAMETER and not (rig.root / "d").exists()


def test_both_directory_options_are_invalid_parameter(rig: Rig) -> None:
    status, _, _ = rig.create("\\??\\C:\\d", options=SYNC | F.FILE_DIRECTORY_FILE | F.FILE_NON_DIRECTORY_FILE)
    assert status == NTSTATUS.INVALID_PARAMETER


def test_reading_or_writing_a_directory_is_an_invalid_device_request(rig: Rig) -> None:
    (rig.root / "dir").mkdir()
    handle = rig.open("\\??\\C:\\dir")
    assert rig.read_file(handle, 4)[0] == NTSTATUS.INVALID_DEVICE_REQUEST
    assert rig.write(handle, b"x")[0] == NTSTATUS.INVALID_DEVICE_REQUEST
    status, _, info, data = rig.query(handle, F.FileStandardInformation, 24)
    assert status == NTSTATUS.SUCCESS and info == 24
    std = F.FILE_STANDARD_INFORMATION.unpack(data, 64)
    assert (std["Directory"], std["EndOfFile"], std["NumberOfLinks"]) == (1, 0, 1)


def test_the_drive_root_is_a_directory(rig: Rig) -> None:
    handle = rig.open("\\??\\C:\\")
    assert rig.process.handles.get(handle, F.FileObject).is_directory


# ---- names and the sandbox -----------------------------------------------------------------------------------

@pytest.mark.parametrize("prefix", ["\\??\\C:", "\\??\\c:", "\\DosDevices\\C:", "\\GLOBAL??\\C:", "\\global??\\c:"])
def test_every_spelling_of_the_c_drive_reaches_the_root(rig: Rig, prefix: str) -> None:
    status, _, _ = rig.create(prefix + "\\made.txt", disposition=F.FILE_CREATE)
    assert status == NTSTATUS.SUCCESS and (rig.root / "made.txt").is_file()


@pytest.mark.parametrize("name, status", [
    ("relative.txt", NTSTATUS.OBJECT_PATH_SYNTAX_BAD),
    ("", NTSTATUS.OBJECT_PATH_SYNTAX_BAD),
    ("\\??\\D:\\x.txt", NTSTATUS.OBJECT_PATH_NOT_FOUND),
    ("\\??\\Z:\\dir\\x.txt", NTSTATUS.OBJECT_PATH_NOT_FOUND),
    ("\\??\\C:", NTSTATUS.ACCESS_DENIED),  # the volume, not its root directory
    ("\\Device\\Nothing\\x.txt", NTSTATUS.OBJECT_PATH_NOT_FOUND),
    ("\\Nothing", NTSTATUS.OBJECT_NAME_NOT_FOUND),
    ("\\??\\C:\\missing\\x.txt", NTSTATUS.OBJECT_PATH_NOT_FOUND),
    ("\\??\\C:\\file.txt\\x.txt", NTSTATUS.OBJECT_PATH_NOT_FOUND),  # a file as a directory
])
def test_names_outside_c_or_with_missing_parents(rig: Rig, name: str, status: int) -> None:
    (rig.root / "file.txt").write_bytes(b"f")
    got, handle, _ = rig.create(name)
    assert got == status and handle == SENTINEL


@pytest.mark.parametrize("name", [
    "\\??\\C:\\.", "\\??\\C:\\..", "\\??\\C:\\..\\outside\\secret.txt", "\\??\\C:\\sub\\..\\..\\outside\\x",
    "\\??\\C:\\a<b", "\\??\\C:\\a>b", "\\??\\C:\\a:b", "\\??\\C:\\a\"b", "\\??\\C:\\a|b", "\\??\\C:\\a?b",
    "\\??\\C:\\a*b", "\\??\\C:\\a\x01b", "\\??\\C:\\a\x00b", "\\??\\C:\\a/b", "\\??\\C:\\..\\..\\etc\\passwd",
    "\\??\\C:\\sub\\\\x", "\\??\\C:\\\\", "\\??\\C:\\" + "n" * 256,
])
def test_invalid_components_are_object_name_invalid(rig: Rig, name: str) -> None:
    (rig.root / "sub").mkdir()
    got, _, _ = rig.create(name)
    assert got == NTSTATUS.OBJECT_NAME_INVALID
    assert sorted(p.name for p in rig.root.parent.iterdir()) == ["C", "outside"]
    assert sorted(p.name for p in rig.root.iterdir()) == ["sub"]


def test_a_component_of_255_units_is_fine(rig: Rig) -> None:
    status, _, _ = rig.create("\\??\\C:\\" + "n" * 255, disposition=F.FILE_CREATE)
    assert status == NTSTATUS.SUCCESS


def test_a_symlink_out_of_the_root_is_refused(rig: Rig) -> None:
    (rig.root / "escape").symlink_to(rig.outside, target_is_directory=True)
    (rig.root / "secret-link.txt").symlink_to(rig.outside / "secret.txt")
    for name in ("\\??\\C:\\escape\\secret.txt", "\\??\\C:\\escape\\new.txt", "\\??\\C:\\secret-link.txt",
                 "\\??\\C:\\ESCAPE\\secret.txt"):
        status, handle, _ = rig.create(name, disposition=F.FILE_OVERWRITE_IF)
        assert status == NTSTATUS.ACCESS_DENIED and handle == SENTINEL, name
    assert (rig.outside / "secret.txt").read_bytes() == b"host secret"
    assert sorted(p.name for p in rig.outside.iterdir()) == ["secret.txt"]


def test_a_symlink_inside_the_root_is_followed(rig: Rig) -> None:
    (rig.root / "real").mkdir()
    (rig.root / "real" / "f.txt").write_bytes(b"inside")
    (rig.root / "alias").symlink_to(rig.root / "real", target_is_directory=True)
    handle = rig.open("\\??\\C:\\alias\\f.txt")
    assert rig.read_file(handle, 6, 0)[3] == b"inside"


def test_names_are_matched_case_insensitively_and_new_leaves_keep_their_case(rig: Rig) -> None:
    (rig.root / "Data").mkdir()
    (rig.root / "Data" / "Readme.TXT").write_bytes(b"hello")
    status, handle, iosb = rig.create("\\??\\C:\\DATA\\readme.txt", disposition=F.FILE_OPEN)
    assert status == NTSTATUS.SUCCESS and rig.iosb_values(iosb) == (0, F.FILE_OPENED)
    assert rig.read_file(handle, 5, 0)[3] == b"hello"
    assert rig.process.handles.get(handle, F.FileObject).nt_name == "\\??\\C:\\Data\\Readme.TXT"
    status, _, _ = rig.create("\\??\\C:\\data\\README.txt", disposition=F.FILE_CREATE)
    assert status == NTSTATUS.OBJECT_NAME_COLLISION
    status, _, _ = rig.create("\\??\\C:\\dAtA\\NewFile.Txt", disposition=F.FILE_CREATE)
    assert status == NTSTATUS.SUCCESS
    assert sorted(os.listdir(rig.root / "Data")) == ["NewFile.Txt", "Readme.TXT"]


# ---- OBJECT_ATTRIBUTES and UNICODE_STRING ----------------------------------------------------------------------

def test_object_attributes_of_the_wrong_length_are_invalid_parameter(rig: Rig) -> None:
    for length in (0, 24, 47, 49):
        status, _, _ = rig.create(None, oa=rig.oa("\\??\\C:\\x.txt", length=length))
        assert status == NTSTATUS.INVALID_PARAMETER
    status, _, _ = rig.create(None, oa=rig.oa("\\??\\C:\\x.txt", attributes=0x10000))
    assert status == NTSTATUS.INVALID_PARAMETER
    assert not (rig.root / "x.txt").exists()


def test_a_null_object_name(rig: Rig) -> None:
    assert rig.create(None)[0] == NTSTATUS.OBJECT_PATH_SYNTAX_BAD
    directory = rig.open("\\??\\C:\\")
    assert rig.create(None, root=directory)[0] == NTSTATUS.OBJECT_NAME_INVALID


def test_unicode_string_length_rules(rig: Rig) -> None:
    # odd Length
    status, _, _ = rig.create(None, oa=rig.oa(None, object_name=rig.ustr("\\??\\C:\\odd.txt", length=15)))
    assert status == NTSTATUS.OBJECT_NAME_INVALID
    # Length shorter than the buffer's text: only Length bytes count
    short = "\\??\\C:\\short.txt"
    status, _, _ = rig.create(None, oa=rig.oa(None, object_name=rig.ustr(short + "XXXX", length=2 * len(short))))
    assert status == NTSTATUS.SUCCESS and (rig.root / "short.txt").exists()
    # a Buffer that is not WCHAR-aligned
    raw = rig.put(b"\0" + "\\??\\C:\\mis.txt".encode("utf-16-le"))
    status, _, _ = rig.create(None, oa=rig.oa(None, object_name=rig.ustr("\\??\\C:\\mis.txt", buffer=raw + 1)))
    assert status == NTSTATUS.DATATYPE_MISALIGNMENT
    # a Buffer that points nowhere
    status, _, _ = rig.create(None, oa=rig.oa(None, object_name=rig.ustr("\\??\\C:\\x", buffer=UNMAPPED)))
    assert status == NTSTATUS.ACCESS_VIOLATION


# ---- RootDirectory -------------------------------------------------------------------------------------------

def test_relative_opens(rig: Rig) -> None:
    (rig.root / "Dir").mkdir()
    (rig.root / "Dir" / "in.txt").write_bytes(b"inner")
    directory = rig.open("\\??\\C:\\dir")
    status, handle, _ = rig.create("IN.TXT", root=directory, disposition=F.FILE_OPEN)
    assert status == NTSTATUS.SUCCESS
    assert rig.process.handles.get(handle, F.FileObject).nt_name == "\\??\\C:\\Dir\\in.txt"
    assert rig.read_file(handle, 5, 0)[3] == b"inner"
    status, _, _ = rig.create("made.txt", root=directory, disposition=F.FILE_CREATE)
    assert status == NTSTATUS.SUCCESS and (rig.root / "Dir" / "made.txt").is_file()
    status, again, _ = rig.create("", root=directory, disposition=F.FILE_OPEN)  # the directory itself
    assert status == NTSTATUS.SUCCESS and rig.process.handles.get(again, F.FileObject).is_directory
    status, reopened, _ = rig.create("", root=handle, disposition=F.FILE_OPEN)  # ReOpenFile
    assert status == NTSTATUS.SUCCESS and rig.read_file(reopened, 5, 0)[3] == b"inner"


@pytest.mark.parametrize("name, status", [
    ("\\x.txt", NTSTATUS.OBJECT_NAME_INVALID),
    ("..\\x.txt", NTSTATUS.OBJECT_NAME_INVALID),
    ("..", NTSTATUS.OBJECT_NAME_INVALID),
    ("missing\\x.txt", NTSTATUS.OBJECT_PATH_NOT_FOUND),
])
def test_bad_relative_names(rig: Rig, name: str, status: int) -> None:
    (rig.root / "dir").mkdir()
    directory = rig.open("\\??\\C:\\dir")
    assert rig.create(name, root=directory)[0] == status


def test_root_directory_handles_of_the_wrong_kind(rig: Rig) -> None:
    (rig.root / "f.txt").write_bytes(b"f")
    file_handle = rig.open("\\??\\C:\\f.txt")
    assert rig.create("x.txt", root=file_handle)[0] == NTSTATUS.INVALID_PARAMETER
    stdin, _, _ = create_std_handles(rig.process)
    assert rig.create("", root=stdin)[0] == NTSTATUS.NOT_FOUND
    assert rig.create("x.txt", root=0x7FFC)[0] == NTSTATUS.INVALID_HANDLE
    other = rig.process.handles.insert(KernelObject())
    assert rig.create("x.txt", root=other)[0] == NTSTATUS.OBJECT_TYPE_MISMATCH


# ---- reading and writing -------------------------------------------------------------------------------------

def test_write_then_read_through_the_file_pointer(rig: Rig) -> None:
    handle = rig.open("\\??\\C:\\rw.txt")
    assert rig.write(handle, b"hello ") == (NTSTATUS.SUCCESS, NTSTATUS.SUCCESS, 6)
    assert rig.write(handle, b"world") == (NTSTATUS.SUCCESS, NTSTATUS.SUCCESS, 5)
    assert (rig.root / "rw.txt").read_bytes() == b"hello world"
    assert rig.query(handle, F.FilePositionInformation, 8)[3][:8] == struct.pack("<q", 11)
    # explicit offset, then the pointer continues from where that read ended
    assert rig.read_file(handle, 5, 0) == (NTSTATUS.SUCCESS, NTSTATUS.SUCCESS, 5, b"hello")
    assert rig.read_file(handle, 3) == (NTSTATUS.SUCCESS, NTSTATUS.SUCCESS, 3, b" wo")
    assert rig.read_file(handle, 3, F.FILE_USE_FILE_POINTER_POSITION)[3] == b"rld"
    # at the end
    status, iosb_status, info, data = rig.read_file(handle, 4)
    assert (status, iosb_status, info) == (NTSTATUS.END_OF_FILE, NTSTATUS.END_OF_FILE, 0)
    assert data == b"\xad\xde" * 2  # the buffer was not touched
    assert rig.read_file(handle, 4, 100)[:3] == (NTSTATUS.END_OF_FILE, NTSTATUS.END_OF_FILE, 0)
    assert rig.read_file(handle, 0, 100)[:3] == (NTSTATUS.SUCCESS, NTSTATUS.SUCCESS, 0)


def test_a_read_across_the_end_is_short(rig: Rig) -> None:
    (rig.root / "f.txt").write_bytes(b"0123456789")
    handle = rig.open("\\??\\C:\\f.txt")
    status, _, info, data = rig.read_file(handle, 8, 6)
    assert (status, info, data[:4], data[4:]) == (NTSTATUS.SUCCESS, 4, b"6789", b"\xad\xde" * 2)


def test_explicit_offsets_and_the_end_of_file_marker(rig: Rig) -> None:
    (rig.root / "f.txt").write_bytes(b"0123456789")
    handle = rig.open("\\??\\C:\\f.txt")
    assert rig.write(handle, b"AB", 2)[0] == NTSTATUS.SUCCESS
    assert rig.write(handle, b"END", F.FILE_WRITE_TO_END_OF_FILE)[0] == NTSTATUS.SUCCESS
    assert rig.write(handle, b"Z", 15)[0] == NTSTATUS.SUCCESS  # past the end: the gap reads as zeros
    assert (rig.root / "f.txt").read_bytes() == b"01AB456789END\0\0Z"
    assert rig.query(handle, F.FilePositionInformation, 8)[3][:8] == struct.pack("<q", 16)
    assert rig.write(handle, b"x", -5)[0] == NTSTATUS.INVALID_PARAMETER
    assert rig.read_file(handle, 1, -1)[0] == NTSTATUS.INVALID_PARAMETER


def test_an_append_only_handle_always_writes_at_the_end(rig: Rig) -> None:
    (rig.root / "log.txt").write_bytes(b"one ")
    handle = rig.open("\\??\\C:\\log.txt", F.FILE_APPEND_DATA | F.SYNCHRONIZE)
    assert rig.write(handle, b"two ", 0)[0] == NTSTATUS.SUCCESS
    assert rig.write(handle, b"three")[0] == NTSTATUS.SUCCESS
    assert (rig.root / "log.txt").read_bytes() == b"one two three"
    assert rig.read_file(handle, 3, 0)[0] == NTSTATUS.ACCESS_DENIED


def test_an_asynchronous_handle_needs_a_byte_offset(rig: Rig) -> None:
    (rig.root / "f.txt").write_bytes(b"abc")
    handle = rig.open("\\??\\C:\\f.txt", options=0)
    assert rig.read_file(handle, 3)[0] == NTSTATUS.INVALID_PARAMETER
    assert rig.read_file(handle, 3, F.FILE_USE_FILE_POINTER_POSITION)[0] == NTSTATUS.INVALID_PARAMETER
    assert rig.write(handle, b"x")[0] == NTSTATUS.INVALID_PARAMETER
    assert rig.read_file(handle, 3, 0)[3] == b"abc"
    assert rig.write(handle, b"d", 3)[0] == NTSTATUS.SUCCESS
    assert (rig.root / "f.txt").read_bytes() == b"abcd"


@pytest.mark.parametrize("access, can_read, can_write", [
    (F.GENERIC_READ | F.SYNCHRONIZE, True, False),
    (F.GENERIC_WRITE | F.SYNCHRONIZE, False, True),
    (F.GENERIC_ALL, True, True),
    (F.MAXIMUM_ALLOWED | F.SYNCHRONIZE, True, True),
    (F.FILE_READ_DATA | F.SYNCHRONIZE, True, False),
    (F.FILE_WRITE_DATA | F.SYNCHRONIZE, False, True),
    (0x80 | F.SYNCHRONIZE, False, False),  # FILE_READ_ATTRIBUTES only
])
def test_access_rights_gate_reads_and_writes(rig: Rig, access: int, can_read: bool, can_write: bool) -> None:
    (rig.root / "f.txt").write_bytes(b"data")
    status, handle, _ = rig.create("\\??\\C:\\f.txt", access, F.FILE_OPEN,
                                   SYNC if access & F.SYNCHRONIZE else 0)
    assert status == NTSTATUS.SUCCESS
    read = rig.read_file(handle, 4, 0)
    assert read[0] == (NTSTATUS.SUCCESS if can_read else NTSTATUS.ACCESS_DENIED)
    assert read[1] == (NTSTATUS.SUCCESS if can_read else SENTINEL)
    assert rig.write(handle, b"W", 0)[0] == (NTSTATUS.SUCCESS if can_write else NTSTATUS.ACCESS_DENIED)
    assert (rig.root / "f.txt").read_bytes() == (b"Wata" if can_write else b"data")
    # attributes-only handles still answer queries
    assert rig.query(handle, F.FileStandardInformation, 24)[0] == NTSTATUS.SUCCESS


def test_map_generic_uses_the_file_mapping() -> None:
    assert F.map_generic(F.GENERIC_READ) == 0x120089
    assert F.map_generic(F.GENERIC_WRITE) == 0x120116
    assert F.map_generic(F.GENERIC_EXECUTE) == 0x1200A0
    assert F.map_generic(F.GENERIC_ALL) == 0x1F01FF
    assert F.map_generic(F.GENERIC_READ | F.DELETE) == 0x130089


# ---- bad pointers --------------------------------------------------------------------------------------------

def test_a_bad_buffer_is_an_access_violation_and_changes_nothing(rig: Rig) -> None:
    (rig.root / "f.txt").write_bytes(b"0123456789")
    handle = rig.open("\\??\\C:\\f.txt")
    for buffer in (UNMAPPED, READONLY, 0, SCRATCH + SCRATCH_SIZE - 2):  # the last crosses into free memory
        iosb = rig.iosb()
        assert rig.call("NtReadFile", handle, 0, 0, 0, iosb, buffer, 4, 0, 0) == NTSTATUS.ACCESS_VIOLATION
        assert rig.iosb_values(iosb) == (SENTINEL, SENTINEL)
    assert rig.query(handle, F.FilePositionInformation, 8)[3][:8] == struct.pack("<q", 0)
    iosb = rig.iosb()
    assert rig.call("NtWriteFile", handle, 0, 0, 0, iosb, UNMAPPED, 4, 0, 0) == NTSTATUS.ACCESS_VIOLATION
    assert rig.iosb_values(iosb) == (SENTINEL, SENTINEL)
    assert (rig.root / "f.txt").read_bytes() == b"0123456789"
    # a read-only buffer is fine to write from
    assert rig.call("NtWriteFile", handle, 0, 0, 0, rig.iosb(), READONLY, 2, 0, 0) == NTSTATUS.SUCCESS


def test_a_bad_io_status_block_is_an_access_violation_before_any_transfer(rig: Rig) -> None:
    (rig.root / "f.txt").write_bytes(b"0123456789")
    handle = rig.open("\\??\\C:\\f.txt")
    buf = rig.alloc(4)
    for iosb in (UNMAPPED, READONLY, 0):
        assert rig.call("NtReadFile", handle, 0, 0, 0, iosb, buf, 4, 0, 0) == NTSTATUS.ACCESS_VIOLATION
        assert rig.read(buf, 4) == b"\xad\xde" * 2
        assert rig.call("NtWriteFile", handle, 0, 0, 0, iosb, rig.put(b"XXXX"), 4, 0, 0) == \
            NTSTATUS.ACCESS_VIOLATION
        assert rig.call("NtQueryInformationFile", handle, iosb, buf, 24, F.FileStandardInformation) == \
            NTSTATUS.ACCESS_VIOLATION
    assert (rig.root / "f.txt").read_bytes() == b"0123456789"


def test_a_bad_byte_offset_pointer_is_an_access_violation(rig: Rig) -> None:
    handle = rig.open("\\??\\C:\\f.txt")
    assert rig.call("NtWriteFile", handle, 0, 0, 0, rig.iosb(), rig.put(b"x"), 1, UNMAPPED, 0) == \
        NTSTATUS.ACCESS_VIOLATION
    assert (rig.root / "f.txt").read_bytes() == b""


def test_bad_create_pointers_create_nothing(rig: Rig) -> None:
    oa = rig.oa("\\??\\C:\\never.txt")
    handle_out, iosb = rig.put(struct.pack("<Q", SENTINEL)), rig.iosb()
    for args in ((UNMAPPED, oa, iosb), (READONLY, oa, iosb), (handle_out, oa, UNMAPPED), (handle_out, UNMAPPED, iosb),
                 (handle_out, 0, iosb)):
        out, attrs, io_block = args
        status = rig.call("NtCreateFile", out, RW, attrs, io_block, 0, 0, 7, F.FILE_CREATE, SYNC, 0, 0)
        assert status == NTSTATUS.ACCESS_VIOLATION
    assert not (rig.root / "never.txt").exists()
    assert rig.u64(handle_out) == SENTINEL and rig.iosb_values(iosb) == (SENTINEL, SENTINEL)
    assert len(rig.process.handles) == 0


# ---- handles of the wrong kind -------------------------------------------------------------------------------

def test_handles_that_are_not_open_files(rig: Rig) -> None:
    handle = rig.open("\\??\\C:\\f.txt")
    rig.call("NtClose", handle)
    other = rig.process.handles.insert(KernelObject())
    for bad, status in ((handle, NTSTATUS.INVALID_HANDLE), (0, NTSTATUS.INVALID_HANDLE),
                        (other, NTSTATUS.OBJECT_TYPE_MISMATCH), (CURRENT_PROCESS, NTSTATUS.OBJECT_TYPE_MISMATCH)):
        assert rig.read_file(bad, 4, 0)[:2] == (status, SENTINEL)
        assert rig.write(bad, b"x", 0)[:2] == (status, SENTINEL)
        assert rig.query(bad, F.FileStandardInformation, 24)[:2] == (status, SENTINEL)


def test_a_console_handle_serves_where_a_file_handle_does(rig: Rig) -> None:
    _, stdout, _ = create_std_handles(rig.process)
    assert rig.write(stdout, b"via NtWriteFile\n", 1234) == (NTSTATUS.SUCCESS, NTSTATUS.SUCCESS, 16)
    assert rig.process.streams.stdout.getvalue() == b"via NtWriteFile\n"


# ---- NtQueryInformationFile ----------------------------------------------------------------------------------

def test_standard_information_of_a_file(rig: Rig) -> None:
    (rig.root / "f.bin").write_bytes(b"x" * 5000)
    handle = rig.open("\\??\\C:\\f.bin")
    status, iosb_status, info, data = rig.query(handle, F.FileStandardInformation, 24)
    assert (status, iosb_status, info) == (NTSTATUS.SUCCESS, NTSTATUS.SUCCESS, 24)
    std = F.FILE_STANDARD_INFORMATION.unpack(data, 64)
    assert std == {"AllocationSize": 8192, "EndOfFile": 5000, "NumberOfLinks": 1, "DeletePending": 0,
                   "Directory": 0}
    assert data[24:] == b"\xad\xde" * 4  # nothing past the structure


def test_a_longer_buffer_is_fine_and_information_says_what_was_written(rig: Rig) -> None:
    handle = rig.open("\\??\\C:\\f.txt")
    status, _, info, data = rig.query(handle, F.FilePositionInformation, 64)
    assert (status, info, data[:8], data[8:10]) == (NTSTATUS.SUCCESS, 8, b"\0" * 8, b"\xad\xde")


@pytest.mark.parametrize("info_class, length", [(F.FileStandardInformation, 23), (F.FilePositionInformation, 7),
                                                (F.FileStandardInformation, 0)])
def test_a_short_buffer_is_info_length_mismatch(rig: Rig, info_class: int, length: int) -> None:
    handle = rig.open("\\??\\C:\\f.txt")
    status, iosb_status, _, data = rig.query(handle, info_class, length)
    assert (status, iosb_status) == (NTSTATUS.INFO_LENGTH_MISMATCH, SENTINEL)
    assert data[:length] == (b"\xad\xde" * 16)[:length]


@pytest.mark.parametrize("info_class", [0, 4, 9, 0x7FFF, 0x80000000])
def test_other_classes_are_invalid_info_class(rig: Rig, info_class: int) -> None:
    handle = rig.open("\\??\\C:\\f.txt")
    assert rig.query(handle, info_class, 64)[:2] == (NTSTATUS.INVALID_INFO_CLASS, SENTINEL)


def test_a_bad_information_buffer_is_an_access_violation(rig: Rig) -> None:
    handle = rig.open("\\??\\C:\\f.txt")
    iosb = rig.iosb()
    for buffer in (UNMAPPED, READONLY):
        status = rig.call("NtQueryInformationFile", handle, iosb, buffer, 24, F.FileStandardInformation)
        assert status == NTSTATUS.ACCESS_VIOLATION
    assert rig.iosb_values(iosb) == (SENTINEL, SENTINEL)


# ---- the console ---------------------------------------------------------------------------------------------

def test_std_handles_are_three_console_objects(rig: Rig) -> None:
    handles = create_std_handles(rig.process)
    assert len(set(handles)) == 3 and all(h % 4 == 0 for h in handles)
    objects = [rig.process.handles.get(h, ConsoleObject) for h in handles]
    assert [o.is_input for o in objects] == [True, False, False]


def test_console_output_reaches_the_host_streams(rig: Rig) -> None:
    _, stdout, stderr = create_std_handles(rig.process)
    assert rig.write(stdout, b"out\r\n") == (NTSTATUS.SUCCESS, NTSTATUS.SUCCESS, 5)
    assert rig.write(stderr, b"err") == (NTSTATUS.SUCCESS, NTSTATUS.SUCCESS, 3)
    assert rig.write(stdout, b"") == (NTSTATUS.SUCCESS, NTSTATUS.SUCCESS, 0)
    assert rig.process.streams.stdout.getvalue() == b"out\r\n"
    assert rig.process.streams.stderr.getvalue() == b"err"


def test_console_input_comes_a_line_at_a_time_then_ends(rig: Rig) -> None:
    stdin, _, _ = create_std_handles(rig.process)
    status, _, info, data = rig.read_file(stdin, 100)
    assert (status, info, data[:9]) == (NTSTATUS.SUCCESS, 9, b"line one\n")
    assert rig.read_file(stdin, 4)[2:] == (4, b"line")
    status, _, info, data = rig.read_file(stdin, 100)
    assert (status, info, data[:5]) == (NTSTATUS.SUCCESS, 5, b" two\n")
    status, iosb_status, info, _ = rig.read_file(stdin, 100)
    assert (status, iosb_status, info) == (NTSTATUS.END_OF_FILE, NTSTATUS.END_OF_FILE, 0)


def test_console_handles_of_the_wrong_direction_are_invalid(rig: Rig) -> None:
    stdin, stdout, _ = create_std_handles(rig.process)
    assert rig.read_file(stdout, 4)[0] == NTSTATUS.INVALID_HANDLE
    assert rig.write(stdin, b"x")[0] == NTSTATUS.INVALID_HANDLE


def test_console_queries_answer_like_condrv(rig: Rig) -> None:
    _, stdout, _ = create_std_handles(rig.process)
    rig.write(stdout, b"abc")
    assert rig.query(stdout, F.FileStandardInformation, 24)[:2] == (NTSTATUS.INVALID_DEVICE_REQUEST, SENTINEL)
    status, _, info, data = rig.query(stdout, F.FilePositionInformation, 8)
    assert (status, info, data[:8]) == (NTSTATUS.SUCCESS, 8, b"\0" * 8)


def test_closing_a_console_handle_leaves_the_host_stream_open(rig: Rig) -> None:
    _, stdout, _ = create_std_handles(rig.process)
    assert rig.call("NtClose", stdout) == NTSTATUS.SUCCESS
    assert not rig.process.streams.stdout.closed


def test_a_name_the_host_cannot_hold_is_a_status_not_an_exception(rig: Rig) -> None:
    # 255 UTF-16 units is legal on NTFS, but 510 bytes of UTF-8 is too long for a host file name.
    name = "\\??\\C:\\" + "\u00e9" * 255
    assert rig.create(name, disposition=F.FILE_CREATE)[0] == NTSTATUS.OBJECT_NAME_INVALID
    assert rig.create(name + "\\x.txt")[0] == NTSTATUS.OBJECT_PATH_NOT_FOUND  # as any missing parent
    assert list(rig.root.iterdir()) == []


def test_closing_the_last_handle_closes_the_host_file(rig: Rig) -> None:
    handle = rig.open("\\??\\C:\\f.txt")
    host = rig.process.handles.get(handle, F.FileObject).host
    assert host is not None and not host.closed
    assert rig.call("NtClose", handle) == NTSTATUS.SUCCESS
    assert host.closed
