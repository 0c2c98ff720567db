"""File, console and object services, called as the 64-bit kernel entry calls them.

Each test gets a fresh process whose C: drive is tmp_path/"C" (tmp_path/"outside" is the host beyond it), a
scratch region of guest memory for arguments, and BytesIO standard streams. Outputs are pre-filled with the
0xdead sentinel so a test can tell "written" from "left alone".
"""

from __future__ import annotations

import os
import struct
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.conftest import KernelRig, kernel_rig
from tests.drive import own_entries, without_standard
from wow64emu.emu.memory import MemType, Prot
from wow64emu.errors import GuestBudgetExceeded
from wow64emu.kernel import directory as D
from wow64emu.kernel import fileinfo as I
from wow64emu.kernel import fileobject as O
from wow64emu.kernel import files as F
from wow64emu.kernel.console import ConsoleObject, create_std_handles
from wow64emu.kernel.handles import CURRENT_PROCESS, CURRENT_THREAD, KernelObject
from wow64emu.nt import layouts as L
from wow64emu.nt.status import NTSTATUS
from wow64emu.nt.syscalls import by_name

SCRATCH = 0x20000000
SCRATCH_SIZE = 0x10000
READONLY = 0x20100000  # one committed read-only page
UNMAPPED = 0x30000000
SENTINEL = 0xDEADDEADDEADDEAD
OBJ_CASE_INSENSITIVE = 0x40
RW = O.GENERIC_READ | O.GENERIC_WRITE | O.SYNCHRONIZE
SYNC = O.FILE_SYNCHRONOUS_IO_NONALERT


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
        self.process.memory.poke(addr, (fill * size)[:size])
        return addr

    def put(self, data: bytes) -> int:
        addr = self.alloc(len(data))
        self.process.memory.poke(addr, data)
        return addr

    def read(self, addr: int, size: int) -> bytes:
        return self.process.memory.peek(addr, size)

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

    def set_info(self, handle: int, info_class: int, data: bytes, length: int | None = None) -> tuple[int, ...]:
        """NtSetInformationFile; returns (status, IOSB status, IOSB information)."""
        iosb = self.iosb()
        buf = self.put(data)
        status = self.call("NtSetInformationFile", handle, iosb, buf, len(data) if length is None else length,
                           info_class)
        return status, *self.iosb_values(iosb)

    def list_dir(self, handle: int, info_class: int = D.FileBothDirectoryInformation, length: int = 4096,
                 mask: str | None = None, single: bool = False, restart: bool = False) -> tuple[int, int, int, bytes]:
        """NtQueryDirectoryFile; returns (status, IOSB status, IOSB information, the buffer)."""
        iosb = self.iosb()
        buf = self.alloc(length + 8)
        name = self.ustr(mask) if mask is not None else 0
        status = self.call("NtQueryDirectoryFile", handle, 0, 0, 0, iosb, buf, length, info_class, single, name,
                           restart)
        return (status, *self.iosb_values(iosb), self.read(buf, length + 8))

    def names(self, handle: int, **kwargs: object) -> list[str]:
        """Every name a listing gives, call after call, until STATUS_NO_MORE_FILES."""
        out: list[str] = []
        while True:
            status, _, info, data = self.list_dir(handle, **kwargs)
            if status != NTSTATUS.SUCCESS:
                assert status in (NTSTATUS.NO_MORE_FILES, NTSTATUS.NO_SUCH_FILE), NTSTATUS.name_of(status)
                return out
            out += [name for name, _ in entries(data[:info], kwargs.get("info_class", D.FileBothDirectoryInformation))]
            kwargs["restart"] = False


@pytest.fixture
def rig(tmp_path: Path) -> Rig:
    return make_rig(tmp_path)


def make_rig(tmp_path: Path) -> Rig:
    """A Rig whose C: drive is tmp_path/"C" (tmp_path/"outside" beyond it), with its scratch memory mapped."""
    root, outside = tmp_path / "C", tmp_path / "outside"
    root.mkdir()
    outside.mkdir()
    (outside / "secret.txt").write_bytes(b"host secret")
    thread = kernel_rig(root, stdin=b"line one\nline two\n").thread
    thread.process.memory.map_committed(SCRATCH, SCRATCH_SIZE, MemType.PRIVATE, Prot.READWRITE, "scratch")
    thread.process.memory.map_committed(READONLY, 0x1000, MemType.PRIVATE, Prot.READONLY, "readonly")
    return Rig(thread, root, outside)


def test_the_services_are_wired_to_their_numbers(rig: Rig) -> None:
    for name in ("NtClose", "NtCreateFile", "NtOpenFile", "NtReadFile", "NtWriteFile", "NtQueryInformationFile"):
        assert rig.system.services.lookup(by_name()[name].number) is not None, name


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
        assert isinstance(rig.process.handles.get(handle, O.FileObject), O.FileObject)
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
    (O.GENERIC_READ, SYNC),  # FILE_SYNCHRONOUS_IO_* needs SYNCHRONIZE in the raw DesiredAccess
    (RW, O.FILE_SYNCHRONOUS_IO_ALERT | O.FILE_SYNCHRONOUS_IO_NONALERT),
    (RW, SYNC | O.FILE_DELETE_ON_CLOSE),  # without DELETE
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
    status, handle, _ = rig.create("\\??\\C:\\tmp.txt", RW | O.DELETE, F.FILE_CREATE, SYNC | O.FILE_DELETE_ON_CLOSE)
    assert status == NTSTATUS.SUCCESS and (rig.root / "tmp.txt").exists()
    assert rig.call("NtClose", handle) == NTSTATUS.SUCCESS
    assert not (rig.root / "tmp.txt").exists()


# ---- directories ---------------------------------------------------------------------------------------------

def test_directory_file_with_create_makes_a_directory(rig: Rig) -> None:
    status, handle, iosb = rig.create("\\??\\C:\\newdir", disposition=F.FILE_CREATE,
                                      options=SYNC | O.FILE_DIRECTORY_FILE)
    assert status == NTSTATUS.SUCCESS and rig.iosb_values(iosb) == (0, F.FILE_CREATED)
    assert (rig.root / "newdir").is_dir()
    assert rig.process.handles.get(handle, O.FileObject).is_directory
    status, _, _ = rig.create("\\??\\C:\\newdir", disposition=F.FILE_CREATE, options=SYNC | O.FILE_DIRECTORY_FILE)
    assert status == NTSTATUS.OBJECT_NAME_COLLISION


def test_directory_file_with_open_if_creates_a_missing_directory(rig: Rig) -> None:
    status, _, iosb = rig.create("\\??\\C:\\d2\\", options=SYNC | O.FILE_DIRECTORY_FILE)
    assert status == NTSTATUS.SUCCESS and rig.iosb_values(iosb) == (0, F.FILE_CREATED)
    assert (rig.root / "d2").is_dir()


def test_directory_and_file_options_against_what_is_there(rig: Rig) -> None:
    (rig.root / "dir").mkdir()
    (rig.root / "file.txt").write_bytes(b"f")
    status, _, _ = rig.create("\\??\\C:\\file.txt", disposition=F.FILE_OPEN, options=SYNC | O.FILE_DIRECTORY_FILE)
    assert status == NTSTATUS.NOT_A_DIRECTORY
    status, _, _ = rig.create("\\??\\C:\\dir", disposition=F.FILE_OPEN, options=SYNC | O.FILE_NON_DIRECTORY_FILE)
    assert status == NTSTATUS.FILE_IS_A_DIRECTORY
    status, handle, _ = rig.create("\\??\\C:\\dir", disposition=F.FILE_OPEN)  # no option: a directory is fine
    assert status == NTSTATUS.SUCCESS and rig.process.handles.get(handle, O.FileObject).is_directory
    status, _, _ = rig.create("\\??\\C:\\dir\\", disposition=F.FILE_OPEN)  # trailing "\": still the directory
    assert status == NTSTATUS.SUCCESS
    status, _, _ = rig.create("\\??\\C:\\file.txt\\", disposition=F.FILE_OPEN)
    assert status == NTSTATUS.OBJECT_NAME_INVALID
    status, _, _ = rig.create("\\??\\C:\\dir", disposition=F.FILE_OVERWRITE_IF)
    assert status == NTSTATUS.FILE_IS_A_DIRECTORY and (rig.root / "dir").is_dir()


@pytest.mark.parametrize("disposition", [F.FILE_SUPERSEDE, F.FILE_OVERWRITE, F.FILE_OVERWRITE_IF])
def test_directory_file_refuses_overwriting_dispositions(rig: Rig, disposition: int) -> None:
    status, _, _ = rig.create("\\??\\C:\\d", disposition=disposition, options=SYNC | O.FILE_DIRECTORY_FILE)
    assert status == NTSTATUS.INVALID_PARAMETER and not (rig.root / "d").exists()


def test_both_directory_options_are_invalid_parameter(rig: Rig) -> None:
    status, _, _ = rig.create("\\??\\C:\\d", options=SYNC | O.FILE_DIRECTORY_FILE | O.FILE_NON_DIRECTORY_FILE)
    assert status == NTSTATUS.INVALID_PARAMETER


def test_reading_or_writing_a_directory_is_an_invalid_device_request(rig: Rig) -> None:
    (rig.root / "dir").mkdir()
    handle = rig.open("\\??\\C:\\dir")
    assert rig.read_file(handle, 4)[0] == NTSTATUS.INVALID_DEVICE_REQUEST
    assert rig.write(handle, b"x")[0] == NTSTATUS.INVALID_DEVICE_REQUEST
    status, _, info, data = rig.query(handle, I.FileStandardInformation, 24)
    assert status == NTSTATUS.SUCCESS and info == 24
    std = I.FILE_STANDARD_INFORMATION.unpack(data, 64)
    assert (std["Directory"], std["EndOfFile"], std["NumberOfLinks"]) == (1, 0, 1)


def test_the_drive_root_is_a_directory(rig: Rig) -> None:
    handle = rig.open("\\??\\C:\\")
    assert rig.process.handles.get(handle, O.FileObject).is_directory


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
    assert own_entries(rig.root) == ["sub"]


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
    assert rig.process.handles.get(handle, O.FileObject).nt_name == "\\??\\C:\\Data\\Readme.TXT"
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
    assert rig.process.handles.get(handle, O.FileObject).nt_name == "\\??\\C:\\Dir\\in.txt"
    assert rig.read_file(handle, 5, 0)[3] == b"inner"
    status, _, _ = rig.create("made.txt", root=directory, disposition=F.FILE_CREATE)
    assert status == NTSTATUS.SUCCESS and (rig.root / "Dir" / "made.txt").is_file()
    status, again, _ = rig.create("", root=directory, disposition=F.FILE_OPEN)  # the directory itself
    assert status == NTSTATUS.SUCCESS and rig.process.handles.get(again, O.FileObject).is_directory
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
    assert rig.create("x.txt", root=CURRENT_PROCESS)[0] == NTSTATUS.OBJECT_TYPE_MISMATCH


# ---- reading and writing -------------------------------------------------------------------------------------

def test_write_then_read_through_the_file_pointer(rig: Rig) -> None:
    handle = rig.open("\\??\\C:\\rw.txt")
    assert rig.write(handle, b"hello ") == (NTSTATUS.SUCCESS, NTSTATUS.SUCCESS, 6)
    assert rig.write(handle, b"world") == (NTSTATUS.SUCCESS, NTSTATUS.SUCCESS, 5)
    assert (rig.root / "rw.txt").read_bytes() == b"hello world"
    assert rig.query(handle, I.FilePositionInformation, 8)[3][:8] == struct.pack("<q", 11)
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
    assert rig.query(handle, I.FilePositionInformation, 8)[3][:8] == struct.pack("<q", 16)
    assert rig.write(handle, b"x", -5)[0] == NTSTATUS.INVALID_PARAMETER
    assert rig.read_file(handle, 1, -1)[0] == NTSTATUS.INVALID_PARAMETER


def test_an_append_only_handle_always_writes_at_the_end(rig: Rig) -> None:
    (rig.root / "log.txt").write_bytes(b"one ")
    handle = rig.open("\\??\\C:\\log.txt", O.FILE_APPEND_DATA | O.SYNCHRONIZE)
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
    (O.GENERIC_READ | O.SYNCHRONIZE, True, False),
    (O.GENERIC_WRITE | O.SYNCHRONIZE, False, True),
    (O.GENERIC_ALL, True, True),
    (O.MAXIMUM_ALLOWED | O.SYNCHRONIZE, True, True),
    (O.FILE_READ_DATA | O.SYNCHRONIZE, True, False),
    (O.FILE_WRITE_DATA | O.SYNCHRONIZE, False, True),
    (0x80 | O.SYNCHRONIZE, False, False),  # FILE_READ_ATTRIBUTES only
])
def test_access_rights_gate_reads_and_writes(rig: Rig, access: int, can_read: bool, can_write: bool) -> None:
    (rig.root / "f.txt").write_bytes(b"data")
    status, handle, _ = rig.create("\\??\\C:\\f.txt", access, F.FILE_OPEN,
                                   SYNC if access & O.SYNCHRONIZE else 0)
    assert status == NTSTATUS.SUCCESS
    read = rig.read_file(handle, 4, 0)
    assert read[0] == (NTSTATUS.SUCCESS if can_read else NTSTATUS.ACCESS_DENIED)
    assert read[1] == (NTSTATUS.SUCCESS if can_read else SENTINEL)
    assert rig.write(handle, b"W", 0)[0] == (NTSTATUS.SUCCESS if can_write else NTSTATUS.ACCESS_DENIED)
    assert (rig.root / "f.txt").read_bytes() == (b"Wata" if can_write else b"data")
    # attributes-only handles still answer queries
    assert rig.query(handle, I.FileStandardInformation, 24)[0] == NTSTATUS.SUCCESS


def test_map_generic_uses_the_file_mapping() -> None:
    assert O.map_generic(O.GENERIC_READ) == 0x120089
    assert O.map_generic(O.GENERIC_WRITE) == 0x120116
    assert O.map_generic(O.GENERIC_EXECUTE) == 0x1200A0
    assert O.map_generic(O.GENERIC_ALL) == 0x1F01FF
    assert O.map_generic(O.GENERIC_READ | O.DELETE) == 0x130089


# ---- bad pointers --------------------------------------------------------------------------------------------

def test_a_bad_buffer_is_an_access_violation_and_changes_nothing(rig: Rig) -> None:
    (rig.root / "f.txt").write_bytes(b"0123456789")
    handle = rig.open("\\??\\C:\\f.txt")
    for buffer in (UNMAPPED, READONLY, 0, SCRATCH + SCRATCH_SIZE - 2):  # the last crosses into free memory
        iosb = rig.iosb()
        assert rig.call("NtReadFile", handle, 0, 0, 0, iosb, buffer, 4, 0, 0) == NTSTATUS.ACCESS_VIOLATION
        assert rig.iosb_values(iosb) == (SENTINEL, SENTINEL)
    assert rig.query(handle, I.FilePositionInformation, 8)[3][:8] == struct.pack("<q", 0)
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
        assert rig.call("NtQueryInformationFile", handle, iosb, buf, 24, I.FileStandardInformation) == \
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
        assert rig.query(bad, I.FileStandardInformation, 24)[:2] == (status, SENTINEL)


def test_a_console_handle_serves_where_a_file_handle_does(rig: Rig) -> None:
    _, stdout, _ = create_std_handles(rig.process)
    assert rig.write(stdout, b"via NtWriteFile\n", 1234) == (NTSTATUS.SUCCESS, NTSTATUS.SUCCESS, 16)
    assert rig.system.streams.stdout.getvalue() == b"via NtWriteFile\n"


# ---- NtQueryInformationFile ----------------------------------------------------------------------------------

def test_standard_information_of_a_file(rig: Rig) -> None:
    (rig.root / "f.bin").write_bytes(b"x" * 5000)
    handle = rig.open("\\??\\C:\\f.bin")
    status, iosb_status, info, data = rig.query(handle, I.FileStandardInformation, 24)
    assert (status, iosb_status, info) == (NTSTATUS.SUCCESS, NTSTATUS.SUCCESS, 24)
    std = I.FILE_STANDARD_INFORMATION.unpack(data, 64)
    assert std == {"AllocationSize": 8192, "EndOfFile": 5000, "NumberOfLinks": 1, "DeletePending": 0,
                   "Directory": 0}
    assert data[24:] == b"\xad\xde" * 4  # nothing past the structure


def test_a_longer_buffer_is_fine_and_information_says_what_was_written(rig: Rig) -> None:
    handle = rig.open("\\??\\C:\\f.txt")
    status, _, info, data = rig.query(handle, I.FilePositionInformation, 64)
    assert (status, info, data[:8], data[8:10]) == (NTSTATUS.SUCCESS, 8, b"\0" * 8, b"\xad\xde")


@pytest.mark.parametrize("info_class, length", [(I.FileStandardInformation, 23), (I.FilePositionInformation, 7),
                                                (I.FileStandardInformation, 0)])
def test_a_short_buffer_is_info_length_mismatch(rig: Rig, info_class: int, length: int) -> None:
    handle = rig.open("\\??\\C:\\f.txt")
    status, iosb_status, _, data = rig.query(handle, info_class, length)
    assert (status, iosb_status) == (NTSTATUS.INFO_LENGTH_MISMATCH, SENTINEL)
    assert data[:length] == (b"\xad\xde" * 16)[:length]


@pytest.mark.parametrize("info_class", [0, 10, 13, 20, 0x7FFF, 0x80000000])  # 10, 13, 20: set-only
def test_other_classes_are_invalid_info_class(rig: Rig, info_class: int) -> None:
    handle = rig.open("\\??\\C:\\f.txt")
    assert rig.query(handle, info_class, 64)[:2] == (NTSTATUS.INVALID_INFO_CLASS, SENTINEL)


def test_a_bad_information_buffer_is_an_access_violation(rig: Rig) -> None:
    handle = rig.open("\\??\\C:\\f.txt")
    iosb = rig.iosb()
    for buffer in (UNMAPPED, READONLY):
        status = rig.call("NtQueryInformationFile", handle, iosb, buffer, 24, I.FileStandardInformation)
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
    assert rig.system.streams.stdout.getvalue() == b"out\r\n"
    assert rig.system.streams.stderr.getvalue() == b"err"


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
    assert rig.query(stdout, I.FileStandardInformation, 24)[:2] == (NTSTATUS.INVALID_DEVICE_REQUEST, SENTINEL)
    status, _, info, data = rig.query(stdout, I.FilePositionInformation, 8)
    assert (status, info, data[:8]) == (NTSTATUS.SUCCESS, 8, b"\0" * 8)


def test_closing_a_console_handle_leaves_the_host_stream_open(rig: Rig) -> None:
    _, stdout, _ = create_std_handles(rig.process)
    assert rig.call("NtClose", stdout) == NTSTATUS.SUCCESS
    assert not rig.system.streams.stdout.closed


def test_a_name_the_host_cannot_hold_is_a_status_not_an_exception(rig: Rig) -> None:
    # 255 UTF-16 units is legal on NTFS, but 510 bytes of UTF-8 is too long for a host file name.
    name = "\\??\\C:\\" + "\u00e9" * 255
    assert rig.create(name, disposition=F.FILE_CREATE)[0] == NTSTATUS.OBJECT_NAME_INVALID
    assert rig.create(name + "\\x.txt")[0] == NTSTATUS.OBJECT_PATH_NOT_FOUND  # as any missing parent
    assert own_entries(rig.root) == []


def test_closing_the_last_handle_closes_the_host_file(rig: Rig) -> None:
    handle = rig.open("\\??\\C:\\f.txt")
    host = rig.process.handles.get(handle, O.FileObject).host
    assert host is not None and not host.closed
    assert rig.call("NtClose", handle) == NTSTATUS.SUCCESS
    assert host.closed


# ==== directories, information classes, deletion, volumes ======================================================

# Where FileName and FileNameLength are in an entry of each directory class.
_NAME_AT = {D.FileDirectoryInformation: (64, 60), D.FileFullDirectoryInformation: (68, 60),
            D.FileBothDirectoryInformation: (94, 60), D.FileNamesInformation: (12, 8)}


def entries(data: bytes, info_class: int) -> list[tuple[str, bytes]]:
    """(name, the entry's bytes) for each entry of a directory buffer, following NextEntryOffset."""
    name_at, length_at = _NAME_AT[info_class]
    out, offset = [], 0
    while True:
        (next_offset,) = struct.unpack_from("<I", data, offset)
        (name_length,) = struct.unpack_from("<I", data, offset + length_at)
        entry = data[offset: offset + name_at + name_length]
        out.append((entry[name_at:].decode("utf-16-le"), entry))
        if not next_offset:
            return out
        offset += next_offset


def rename_info(name: str, replace: bool = False, root: int = 0) -> bytes:
    """A 64-bit FILE_RENAME_INFORMATION: ReplaceIfExists, RootDirectory at 8, FileNameLength at 16, name at 20."""
    raw = name.encode("utf-16-le")
    return (struct.pack("<B7xQI", replace, root, len(raw)) + raw).ljust(24, b"\0")


def basic_info(creation: int = 0, access: int = 0, write: int = 0, change: int = 0, attributes: int = 0) -> bytes:
    return I.FILE_BASIC_INFORMATION.pack({"CreationTime": creation, "LastAccessTime": access,
                                          "LastWriteTime": write, "ChangeTime": change,
                                          "FileAttributes": attributes}, 64)


LIST = O.FILE_LIST_DIRECTORY | O.SYNCHRONIZE
DIR_OPTIONS = SYNC | O.FILE_DIRECTORY_FILE
FT_2021 = 132539328000000000  # 2021-01-01T00:00:00Z as a FILETIME


@pytest.fixture
def tree(rig: Rig) -> Rig:
    """C:\\d with b.txt (3 bytes), A.txt (empty), c.log, sub\\ (with one file), _x and zeta."""
    d = rig.root / "d"
    (d / "sub").mkdir(parents=True)
    (d / "b.txt").write_bytes(b"bbb")
    (d / "A.txt").write_bytes(b"")
    (d / "c.log").write_bytes(b"c")
    (d / "_x").write_bytes(b"")
    (d / "zeta").write_bytes(b"")
    (d / "sub" / "inner.txt").write_bytes(b"i")
    return rig


# ---- NtQueryDirectoryFile --------------------------------------------------------------------------------------

def test_a_listing_gives_dots_first_then_ntfs_order(tree: Rig) -> None:
    handle = tree.open("\\??\\C:\\d", LIST, DIR_OPTIONS)
    # Upcased UTF-16 order: "_" (0x5F) sorts after the letters' capitals (0x41-0x5A).
    assert tree.names(handle) == [".", "..", "A.txt", "b.txt", "c.log", "sub", "zeta", "_x"]


def test_the_root_directory_has_no_dot_entries(tree: Rig) -> None:
    handle = tree.open("\\??\\C:\\", LIST, DIR_OPTIONS)
    assert without_standard(tree.names(handle)) == ["d"]


@pytest.mark.parametrize("info_class", list(_NAME_AT))
def test_every_class_lays_out_its_entries(tree: Rig, info_class: int) -> None:
    handle = tree.open("\\??\\C:\\d", LIST, DIR_OPTIONS)
    status, iosb_status, info, data = tree.list_dir(handle, info_class, mask="b.txt")
    assert (status, iosb_status) == (NTSTATUS.SUCCESS, NTSTATUS.SUCCESS)
    [(name, entry)] = entries(data, info_class)
    name_at, _ = _NAME_AT[info_class]
    assert name == "b.txt" and info == name_at + 10 and data[info:info + 2] == b"\xad\xde"
    assert struct.unpack_from("<II", entry) == (0, 0)  # NextEntryOffset, FileIndex
    if info_class != D.FileNamesInformation:
        *times, eof, alloc, attributes = struct.unpack_from("<4qqqI", entry, 8)
        st = os.stat(tree.root / "d" / "b.txt")
        assert times[2] == st.st_mtime_ns // 100 + 116444736000000000
        assert (eof, alloc, attributes) == (3, 4096, 0x20)
    if info_class == D.FileBothDirectoryInformation:
        assert entry[64:94] == bytes(30)  # EaSize, no short name


def test_entries_are_8_aligned_and_information_ends_at_the_last_name(tree: Rig) -> None:
    handle = tree.open("\\??\\C:\\d", LIST, DIR_OPTIONS)
    status, _, info, data = tree.list_dir(handle, D.FileNamesInformation, mask="*.txt")
    assert status == NTSTATUS.SUCCESS
    assert struct.unpack_from("<I", data, 0)[0] == 24  # 12 + "A.txt" (10 bytes) = 22, aligned to 24
    assert [n for n, _ in entries(data, D.FileNamesInformation)] == ["A.txt", "b.txt"]
    assert info == 24 + 12 + 10


@pytest.mark.parametrize("mask, expected", [
    ("*", [".", "..", "A.txt", "b.txt", "c.log", "sub", "zeta", "_x"]),
    ("*.TXT", ["A.txt", "b.txt"]),
    ("?.txt", ["A.txt", "b.txt"]),
    ("B.TXT", ["b.txt"]),
    ("*e*", ["zeta"]),
    ("<", ["sub", "zeta", "_x"]),  # DOS_STAR never passes a name's last dot
    ("<.txt", ["A.txt", "b.txt"]),  # kernel32's "*.txt"
    (">>>>\"<", [".", "A.txt", "b.txt", "c.log", "sub", "zeta", "_x"]),  # kernel32's "????.*"
    ("s>>", ["sub"]),
])
def test_masks_match_as_fsrtl_does(tree: Rig, mask: str, expected: list[str]) -> None:
    handle = tree.open("\\??\\C:\\d", LIST, DIR_OPTIONS)
    assert tree.names(handle, mask=mask) == expected


def test_the_mask_of_the_first_call_stays_with_the_handle(tree: Rig) -> None:
    handle = tree.open("\\??\\C:\\d", LIST, DIR_OPTIONS)
    assert tree.names(handle, mask="*.log", single=True) == ["c.log"]
    assert tree.names(handle, mask="*", restart=True) == ["c.log"]


def test_single_entries_restart_and_the_end(tree: Rig) -> None:
    handle = tree.open("\\??\\C:\\d", LIST, DIR_OPTIONS)
    first = [entries(tree.list_dir(handle, single=True)[3], D.FileBothDirectoryInformation)[0][0]
             for _ in range(3)]
    assert first == [".", "..", "A.txt"]
    status, _, _, data = tree.list_dir(handle, single=True, restart=True)
    assert status == NTSTATUS.SUCCESS and entries(data, D.FileBothDirectoryInformation)[0][0] == "."
    tree.names(handle)
    status, iosb_status, info, _ = tree.list_dir(handle)
    assert (status, iosb_status, info) == (NTSTATUS.NO_MORE_FILES, NTSTATUS.NO_MORE_FILES, 0)


def test_no_match_on_the_first_call_is_no_such_file_then_no_more_files(tree: Rig) -> None:
    handle = tree.open("\\??\\C:\\d", LIST, DIR_OPTIONS)
    assert tree.list_dir(handle, mask="nothing*")[:3] == (NTSTATUS.NO_SUCH_FILE, SENTINEL, SENTINEL)
    assert tree.list_dir(handle)[:3] == (NTSTATUS.NO_MORE_FILES, NTSTATUS.NO_MORE_FILES, 0)
    assert tree.list_dir(handle, restart=True)[:2] == (NTSTATUS.NO_MORE_FILES, NTSTATUS.NO_MORE_FILES)


def test_a_first_entry_that_does_not_fit_comes_back_cut_with_buffer_overflow(tree: Rig) -> None:
    handle = tree.open("\\??\\C:\\d", LIST, DIR_OPTIONS)
    status, iosb_status, info, data = tree.list_dir(handle, D.FileBothDirectoryInformation, 96, mask="zeta")
    assert (status, iosb_status, info) == (NTSTATUS.BUFFER_OVERFLOW, NTSTATUS.BUFFER_OVERFLOW, 96)
    assert struct.unpack_from("<I", data, 0)[0] == 0 and struct.unpack_from("<I", data, 60)[0] == 8
    assert data[94:98] == "z".encode("utf-16-le") + b"\xad\xde"
    assert tree.list_dir(handle)[0] == NTSTATUS.NO_MORE_FILES  # the cut entry was returned


def test_an_entry_that_does_not_fit_waits_for_the_next_call(tree: Rig) -> None:
    handle = tree.open("\\??\\C:\\d", LIST, DIR_OPTIONS)
    # "." takes 94 + 2 = 96 bytes; ".." would need 96 + 98.
    status, _, info, data = tree.list_dir(handle, D.FileBothDirectoryInformation, 96 + 97)
    assert (status, info) == (NTSTATUS.SUCCESS, 96) and struct.unpack_from("<I", data, 0)[0] == 0
    assert entries(tree.list_dir(handle, single=True)[3], D.FileBothDirectoryInformation)[0][0] == ".."


def test_files_made_behind_the_scan_show_up_later(tree: Rig) -> None:
    handle = tree.open("\\??\\C:\\d", LIST, DIR_OPTIONS)
    assert entries(tree.list_dir(handle, single=True, mask="*.txt")[3], D.FileBothDirectoryInformation)[0][0] == "A.txt"
    (tree.root / "d" / "B2.txt").write_bytes(b"")
    (tree.root / "d" / "0.txt").write_bytes(b"")  # before the position: not seen without a restart
    assert tree.names(handle) == ["b.txt", "B2.txt"]


@pytest.mark.parametrize("info_class, length", [(D.FileDirectoryInformation, 71), (D.FileFullDirectoryInformation, 71),
                                                (D.FileBothDirectoryInformation, 95), (D.FileNamesInformation, 15)])
def test_a_buffer_below_the_structure_is_info_length_mismatch(tree: Rig, info_class: int, length: int) -> None:
    handle = tree.open("\\??\\C:\\d", LIST, DIR_OPTIONS)
    assert tree.list_dir(handle, info_class, length)[:3] == (NTSTATUS.INFO_LENGTH_MISMATCH, SENTINEL, SENTINEL)
    assert tree.list_dir(handle, info_class, length + 1)[0] == NTSTATUS.SUCCESS  # "." fits exactly


@pytest.mark.parametrize("info_class", [0, I.FileBasicInformation, 37, 0x1000])
def test_other_directory_classes_are_invalid_info_class(tree: Rig, info_class: int) -> None:
    handle = tree.open("\\??\\C:\\d", LIST, DIR_OPTIONS)
    assert tree.list_dir(handle, info_class)[:2] == (NTSTATUS.INVALID_INFO_CLASS, SENTINEL)


def test_listing_needs_a_directory_handle_with_list_access(tree: Rig) -> None:
    file = tree.open("\\??\\C:\\d\\b.txt")
    assert tree.list_dir(file)[:2] == (NTSTATUS.INVALID_PARAMETER, SENTINEL)
    no_list = tree.open("\\??\\C:\\d", O.FILE_READ_ATTRIBUTES | O.SYNCHRONIZE, DIR_OPTIONS)
    assert tree.list_dir(no_list)[0] == NTSTATUS.ACCESS_DENIED
    _, stdout, _ = create_std_handles(tree.process)
    assert tree.list_dir(stdout)[0] == NTSTATUS.INVALID_DEVICE_REQUEST
    assert tree.list_dir(0x1234)[:2] == (NTSTATUS.INVALID_HANDLE, SENTINEL)


def test_host_entries_the_guest_cannot_open_are_not_listed(tree: Rig) -> None:
    d = tree.root / "d"
    (d / "out").symlink_to(tree.outside / "secret.txt")
    (d / "dangling").symlink_to(d / "nothing")
    (d / "in").symlink_to(d / "b.txt")
    (d / "a:b").write_bytes(b"")
    handle = tree.open("\\??\\C:\\d", LIST, DIR_OPTIONS)
    assert tree.names(handle, mask="*") == [".", "..", "A.txt", "b.txt", "c.log", "in", "sub", "zeta", "_x"]


def test_wildcard_expressions() -> None:
    pattern = D.mask_pattern
    assert pattern("*.*").fullmatch("ABC.D") and not pattern("*.*").fullmatch("ABC")
    assert pattern("<.TXT").fullmatch("A.B.TXT")  # DOS_STAR stops at the last dot, which ".TXT" matches
    assert pattern("<").fullmatch("AB") and not pattern("<").fullmatch("A.B")
    assert pattern('A"').fullmatch("A") and pattern('A"').fullmatch("A.")
    assert pattern("A>>>").fullmatch("A") and pattern("A>>>").fullmatch("ABC")
    assert not pattern("A>").fullmatch("ABC")


# ---- NtQueryInformationFile: the classes with names and times ---------------------------------------------------

def test_basic_information_comes_from_the_host(rig: Rig) -> None:
    host = rig.root / "f.txt"
    host.write_bytes(b"x")
    os.utime(host, ns=(1_600_000_000_000_000_000, 1_600_000_001_000_000_000))
    handle = rig.open("\\??\\C:\\f.txt")
    status, _, info, data = rig.query(handle, I.FileBasicInformation, 40)
    values = I.FILE_BASIC_INFORMATION.unpack(data, 64)
    assert (status, info) == (NTSTATUS.SUCCESS, 40)
    assert values["LastAccessTime"] == 16_000_000_000_000_000 + 116444736000000000
    assert values["LastWriteTime"] == 16_000_000_010_000_000 + 116444736000000000
    assert values["ChangeTime"] == os.stat(host).st_ctime_ns // 100 + 116444736000000000
    assert values["CreationTime"] <= values["ChangeTime"]
    assert values["FileAttributes"] == 0x20  # ARCHIVE


def test_attributes_of_directories_read_only_files_and_the_root(rig: Rig) -> None:
    (rig.root / "dir").mkdir()
    (rig.root / "ro.txt").write_bytes(b"")
    os.chmod(rig.root / "ro.txt", 0o444)
    for name, attributes in (("dir", 0x10), ("ro.txt", 0x21), ("", 0x16)):
        handle = rig.open("\\??\\C:\\" + name, O.FILE_READ_ATTRIBUTES | O.SYNCHRONIZE)
        assert I.FILE_BASIC_INFORMATION.unpack(rig.query(handle, I.FileBasicInformation, 40)[3], 64)[
            "FileAttributes"] == attributes, name


def test_name_information_is_the_name_on_the_volume(rig: Rig) -> None:
    (rig.root / "Dir").mkdir()
    handle = rig.open("\\??\\C:\\DIR\\File.txt")
    status, _, info, data = rig.query(handle, I.FileNameInformation, 64)
    assert (status, info) == (NTSTATUS.SUCCESS, 4 + 26)
    assert data[:info] == struct.pack("<I", 26) + "\\Dir\\File.txt".encode("utf-16-le")
    root = rig.open("\\??\\C:\\", O.FILE_READ_ATTRIBUTES | O.SYNCHRONIZE)
    assert rig.query(root, I.FileNameInformation, 64)[3][:6] == struct.pack("<I", 2) + b"\\\0"


def test_a_name_that_does_not_fit_is_a_buffer_overflow_with_its_full_length(rig: Rig) -> None:
    handle = rig.open("\\??\\C:\\long name.txt")
    status, iosb_status, info, data = rig.query(handle, I.FileNameInformation, 8)
    assert (status, iosb_status, info) == (NTSTATUS.BUFFER_OVERFLOW, NTSTATUS.BUFFER_OVERFLOW, 8)
    assert data[:10] == struct.pack("<I", 28) + "\\l".encode("utf-16-le") + b"\xad\xde"
    assert rig.query(handle, I.FileNameInformation, 7)[:2] == (NTSTATUS.INFO_LENGTH_MISMATCH, SENTINEL)


def test_all_information_puts_every_part_in_place(rig: Rig) -> None:
    (rig.root / "f.bin").write_bytes(b"x" * 10)
    handle = rig.open("\\??\\C:\\f.bin")
    rig.set_info(handle, I.FilePositionInformation, struct.pack("<q", 7))
    status, _, info, data = rig.query(handle, I.FileAllInformation, 0x100)
    assert (status, info) == (NTSTATUS.SUCCESS, 0x64 + 12)
    basic = I.FILE_BASIC_INFORMATION.unpack(data, 64)
    std = I.FILE_STANDARD_INFORMATION.unpack(data[40:], 64)
    index, ea, access, position, mode, alignment, name_length = struct.unpack_from("<QIIqIII", data, 64)
    assert basic["FileAttributes"] == 0x20 and std["EndOfFile"] == 10
    assert index == os.stat(rig.root / "f.bin").st_ino
    assert (ea, access, position, mode, alignment) == (0, O.map_generic(RW), 7, SYNC, 0)
    assert (name_length, data[0x64:info]) == (12, "\\f.bin".encode("utf-16-le"))
    status, _, info, data = rig.query(handle, I.FileAllInformation, 0x68)
    assert (status, info, struct.unpack_from("<I", data, 0x60)[0]) == (NTSTATUS.BUFFER_OVERFLOW, 0x68, 12)
    assert rig.query(handle, I.FileAllInformation, 0x67)[0] == NTSTATUS.INFO_LENGTH_MISMATCH


def test_the_console_has_no_file_system_information(rig: Rig) -> None:
    _, stdout, _ = create_std_handles(rig.process)
    for info_class, length in ((I.FileBasicInformation, 40), (I.FileNameInformation, 64), (I.FileAllInformation, 256)):
        assert rig.query(stdout, info_class, length)[:2] == (NTSTATUS.INVALID_DEVICE_REQUEST, SENTINEL)


# ---- NtSetInformationFile --------------------------------------------------------------------------------------

def test_set_checks_class_length_pointers_then_handle(rig: Rig) -> None:
    handle = rig.open("\\??\\C:\\f.txt")
    assert rig.set_info(handle, I.FileStandardInformation, bytes(24)) == (NTSTATUS.INVALID_INFO_CLASS, SENTINEL,
                                                                           SENTINEL)
    assert rig.set_info(0x1234, I.FilePositionInformation, bytes(7))[0] == NTSTATUS.INFO_LENGTH_MISMATCH
    iosb = rig.iosb()
    assert rig.call("NtSetInformationFile", handle, iosb, UNMAPPED, 8, I.FilePositionInformation) == \
        NTSTATUS.ACCESS_VIOLATION
    assert rig.set_info(0x1234, I.FilePositionInformation, bytes(8))[0] == NTSTATUS.INVALID_HANDLE


def test_position_is_set_and_moves_the_file_pointer(rig: Rig) -> None:
    (rig.root / "f.txt").write_bytes(b"0123456789")
    handle = rig.open("\\??\\C:\\f.txt")
    assert rig.set_info(handle, I.FilePositionInformation, struct.pack("<q", 6)) == (0, 0, 0)
    assert rig.read_file(handle, 2)[3] == b"67"
    assert rig.set_info(handle, I.FilePositionInformation, struct.pack("<q", -1))[0] == NTSTATUS.INVALID_PARAMETER


def test_end_of_file_truncates_and_extends_and_needs_write_access(rig: Rig) -> None:
    (rig.root / "f.txt").write_bytes(b"0123456789")
    handle = rig.open("\\??\\C:\\f.txt")
    assert rig.set_info(handle, I.FileEndOfFileInformation, struct.pack("<q", 4))[0] == NTSTATUS.SUCCESS
    assert (rig.root / "f.txt").read_bytes() == b"0123"
    assert rig.set_info(handle, I.FileEndOfFileInformation, struct.pack("<q", 6))[0] == NTSTATUS.SUCCESS
    assert (rig.root / "f.txt").read_bytes() == b"0123\0\0"
    assert rig.set_info(handle, I.FileEndOfFileInformation, struct.pack("<q", -1))[0] == NTSTATUS.INVALID_PARAMETER
    reader = rig.open("\\??\\C:\\f.txt", O.GENERIC_READ | O.SYNCHRONIZE)
    assert rig.set_info(reader, I.FileEndOfFileInformation, bytes(8))[0] == NTSTATUS.ACCESS_DENIED
    (rig.root / "dir").mkdir()
    directory = rig.open("\\??\\C:\\dir", O.FILE_WRITE_DATA | O.SYNCHRONIZE)
    assert rig.set_info(directory, I.FileEndOfFileInformation, bytes(8))[0] == NTSTATUS.INVALID_PARAMETER


def test_basic_information_sets_times_and_attributes(rig: Rig) -> None:
    handle = rig.open("\\??\\C:\\f.txt")
    data = basic_info(FT_2021, FT_2021 + 10, FT_2021 + 20, FT_2021 + 30, 0x2 | 0x4)
    assert rig.set_info(handle, I.FileBasicInformation, data) == (NTSTATUS.SUCCESS, NTSTATUS.SUCCESS, 0)
    got = I.FILE_BASIC_INFORMATION.unpack(rig.query(handle, I.FileBasicInformation, 40)[3], 64)
    assert got == {"CreationTime": FT_2021, "LastAccessTime": FT_2021 + 10, "LastWriteTime": FT_2021 + 20,
                   "ChangeTime": FT_2021 + 30, "FileAttributes": 0x6}
    assert os.stat(rig.root / "f.txt").st_mtime_ns == (FT_2021 + 20 - 116444736000000000) * 100
    rig.write(handle, b"changed")  # a change of the file moves ChangeTime again, as on NTFS
    got = I.FILE_BASIC_INFORMATION.unpack(rig.query(handle, I.FileBasicInformation, 40)[3], 64)
    assert got["ChangeTime"] > FT_2021 + 30 and got["CreationTime"] == FT_2021


def test_zero_leaves_times_and_attributes_and_normal_clears(rig: Rig) -> None:
    handle = rig.open("\\??\\C:\\f.txt")
    before = rig.query(handle, I.FileBasicInformation, 40)[3]
    assert rig.set_info(handle, I.FileBasicInformation, basic_info())[0] == NTSTATUS.SUCCESS
    assert rig.query(handle, I.FileBasicInformation, 40)[3][:36] == before[:36]
    assert rig.set_info(handle, I.FileBasicInformation, basic_info(attributes=0x80))[0] == NTSTATUS.SUCCESS
    assert I.FILE_BASIC_INFORMATION.unpack(rig.query(handle, I.FileBasicInformation, 40)[3], 64)[
        "FileAttributes"] == 0x80


def test_read_only_is_the_host_write_bit_and_is_enforced(rig: Rig) -> None:
    handle = rig.open("\\??\\C:\\ro.txt", RW | O.DELETE)
    assert rig.set_info(handle, I.FileBasicInformation, basic_info(attributes=0x1))[0] == NTSTATUS.SUCCESS
    assert not os.stat(rig.root / "ro.txt").st_mode & 0o222
    assert rig.write(handle, b"still writable through the open handle")[0] == NTSTATUS.SUCCESS
    assert rig.create("\\??\\C:\\ro.txt", disposition=F.FILE_OPEN)[0] == NTSTATUS.ACCESS_DENIED
    assert rig.create("\\??\\C:\\ro.txt", O.GENERIC_READ | O.SYNCHRONIZE, F.FILE_OPEN)[0] == NTSTATUS.SUCCESS
    assert rig.create("\\??\\C:\\ro.txt", O.GENERIC_READ | O.SYNCHRONIZE, F.FILE_OVERWRITE)[0] == \
        NTSTATUS.ACCESS_DENIED
    assert rig.create("\\??\\C:\\ro.txt", O.GENERIC_READ | O.DELETE | O.SYNCHRONIZE, F.FILE_OPEN,
                      SYNC | O.FILE_DELETE_ON_CLOSE)[0] == NTSTATUS.CANNOT_DELETE
    assert rig.set_info(handle, I.FileDispositionInformation, b"\1")[0] == NTSTATUS.CANNOT_DELETE
    assert rig.set_info(handle, I.FileBasicInformation, basic_info(attributes=0x80))[0] == NTSTATUS.SUCCESS
    assert os.stat(rig.root / "ro.txt").st_mode & 0o200


def test_basic_information_refuses_impossible_attributes_and_needs_write_attributes(rig: Rig) -> None:
    (rig.root / "dir").mkdir()
    file = rig.open("\\??\\C:\\f.txt")
    directory = rig.open("\\??\\C:\\dir")
    assert rig.set_info(file, I.FileBasicInformation, basic_info(attributes=0x10))[0] == NTSTATUS.INVALID_PARAMETER
    assert rig.set_info(directory, I.FileBasicInformation, basic_info(attributes=0x100))[0] == \
        NTSTATUS.INVALID_PARAMETER
    reader = rig.open("\\??\\C:\\f.txt", O.FILE_READ_DATA | O.SYNCHRONIZE)
    assert rig.set_info(reader, I.FileBasicInformation, basic_info(attributes=0x2))[0] == NTSTATUS.ACCESS_DENIED


def test_new_files_take_their_create_attributes(rig: Rig) -> None:
    handle_out, iosb = rig.put(struct.pack("<Q", SENTINEL)), rig.iosb()
    assert rig.call("NtCreateFile", handle_out, RW, rig.oa("\\??\\C:\\h.txt"), iosb, 0, 0x2 | 0x1, 7,
                    F.FILE_CREATE, SYNC, 0, 0) == NTSTATUS.SUCCESS
    handle = rig.u64(handle_out)
    assert rig.write(handle, b"ok")[0] == NTSTATUS.SUCCESS  # read-only applies to later opens only
    values = I.FILE_BASIC_INFORMATION.unpack(rig.query(handle, I.FileBasicInformation, 40)[3], 64)
    assert values["FileAttributes"] == 0x1 | 0x2 | 0x20
    assert values["CreationTime"] >= values["LastWriteTime"] - 10_000_000


# ---- deletion: FileDispositionInformation, NtDeleteFile ----------------------------------------------------------

def test_disposition_deletes_with_the_last_handle_and_blocks_new_opens(rig: Rig) -> None:
    first = rig.open("\\??\\C:\\f.txt", RW | O.DELETE)
    second = rig.open("\\??\\C:\\f.txt")
    assert rig.set_info(first, I.FileDispositionInformation, b"\1") == (0, 0, 0)
    assert I.FILE_STANDARD_INFORMATION.unpack(rig.query(second, I.FileStandardInformation, 24)[3], 64)[
        "DeletePending"] == 1
    assert rig.create("\\??\\C:\\f.txt")[0] == NTSTATUS.DELETE_PENDING
    rig.call("NtClose", first)
    assert (rig.root / "f.txt").exists()
    rig.call("NtClose", second)
    assert not (rig.root / "f.txt").exists()


def test_disposition_can_be_taken_back_but_delete_on_close_cannot(rig: Rig) -> None:
    handle = rig.open("\\??\\C:\\keep.txt", RW | O.DELETE)
    rig.set_info(handle, I.FileDispositionInformation, b"\1")
    assert rig.set_info(handle, I.FileDispositionInformation, b"\0")[0] == NTSTATUS.SUCCESS
    rig.call("NtClose", handle)
    assert (rig.root / "keep.txt").exists()
    status, handle, _ = rig.create("\\??\\C:\\doc.txt", RW | O.DELETE, F.FILE_CREATE, SYNC | O.FILE_DELETE_ON_CLOSE)
    rig.set_info(handle, I.FileDispositionInformation, b"\0")
    rig.call("NtClose", handle)
    assert not (rig.root / "doc.txt").exists()


def test_disposition_of_directories(rig: Rig) -> None:
    (rig.root / "full").mkdir()
    (rig.root / "full" / "x").write_bytes(b"")
    (rig.root / "empty").mkdir()
    full = rig.open("\\??\\C:\\full", O.DELETE | O.SYNCHRONIZE)
    assert rig.set_info(full, I.FileDispositionInformation, b"\1")[0] == NTSTATUS.DIRECTORY_NOT_EMPTY
    empty = rig.open("\\??\\C:\\empty", O.DELETE | O.SYNCHRONIZE)
    assert rig.set_info(empty, I.FileDispositionInformation, b"\1")[0] == NTSTATUS.SUCCESS
    rig.call("NtClose", empty)
    assert not (rig.root / "empty").exists() and (rig.root / "full").exists()
    root = rig.open("\\??\\C:\\", O.DELETE | O.SYNCHRONIZE)
    assert rig.set_info(root, I.FileDispositionInformation, b"\1")[0] == NTSTATUS.CANNOT_DELETE
    reader = rig.open("\\??\\C:\\full\\x")
    assert rig.set_info(reader, I.FileDispositionInformation, b"\1")[0] == NTSTATUS.ACCESS_DENIED  # no DELETE


def test_delete_on_close_of_a_non_empty_directory_does_nothing(rig: Rig) -> None:
    (rig.root / "full").mkdir()
    (rig.root / "full" / "x").write_bytes(b"")
    status, handle, _ = rig.create("\\??\\C:\\full", O.DELETE | O.SYNCHRONIZE, F.FILE_OPEN,
                                   DIR_OPTIONS | O.FILE_DELETE_ON_CLOSE)
    assert status == NTSTATUS.SUCCESS
    assert rig.call("NtClose", handle) == NTSTATUS.SUCCESS and (rig.root / "full" / "x").exists()


def test_delete_file(rig: Rig) -> None:
    (rig.root / "f.txt").write_bytes(b"")
    (rig.root / "dir").mkdir()
    (rig.root / "dir" / "x").write_bytes(b"")
    assert rig.call("NtDeleteFile", rig.oa("\\??\\C:\\F.TXT")) == NTSTATUS.SUCCESS
    assert not (rig.root / "f.txt").exists()
    assert rig.call("NtDeleteFile", rig.oa("\\??\\C:\\f.txt")) == NTSTATUS.OBJECT_NAME_NOT_FOUND
    assert rig.call("NtDeleteFile", rig.oa("\\??\\C:\\no\\f.txt")) == NTSTATUS.OBJECT_PATH_NOT_FOUND
    assert rig.call("NtDeleteFile", rig.oa("\\??\\C:\\dir")) == NTSTATUS.DIRECTORY_NOT_EMPTY
    assert rig.call("NtDeleteFile", rig.oa("\\??\\C:\\")) == NTSTATUS.CANNOT_DELETE
    assert rig.call("NtDeleteFile", UNMAPPED) == NTSTATUS.ACCESS_VIOLATION
    os.chmod(rig.root / "dir" / "x", 0o444)
    assert rig.call("NtDeleteFile", rig.oa("\\??\\C:\\dir\\x")) == NTSTATUS.CANNOT_DELETE
    os.chmod(rig.root / "dir" / "x", 0o644)
    assert rig.call("NtDeleteFile", rig.oa("\\??\\C:\\dir\\x")) == NTSTATUS.SUCCESS
    assert rig.call("NtDeleteFile", rig.oa("\\??\\C:\\dir")) == NTSTATUS.SUCCESS
    assert own_entries(rig.root) == []


def test_delete_file_of_an_open_file_waits_for_its_last_handle(rig: Rig) -> None:
    handle = rig.open("\\??\\C:\\open.txt")
    assert rig.call("NtDeleteFile", rig.oa("\\??\\C:\\open.txt")) == NTSTATUS.SUCCESS
    assert rig.call("NtDeleteFile", rig.oa("\\??\\C:\\open.txt")) == NTSTATUS.DELETE_PENDING
    assert (rig.root / "open.txt").exists()
    rig.call("NtClose", handle)
    assert not (rig.root / "open.txt").exists()


# ---- FileRenameInformation ---------------------------------------------------------------------------------------

def test_rename_to_a_new_name_in_the_same_directory(rig: Rig) -> None:
    (rig.root / "d").mkdir()
    (rig.root / "d" / "old.txt").write_bytes(b"data")
    handle = rig.open("\\??\\C:\\d\\old.txt", RW | O.DELETE)
    assert rig.set_info(handle, I.FileRenameInformation, rename_info("new.txt")) == (0, 0, 0)
    assert sorted(p.name for p in (rig.root / "d").iterdir()) == ["new.txt"]
    assert rig.query(handle, I.FileNameInformation, 64)[3][:24] == struct.pack("<I", 20) + "\\d\\new.txt".encode(
        "utf-16-le")
    assert rig.write(handle, b"!", 4)[0] == NTSTATUS.SUCCESS
    assert (rig.root / "d" / "new.txt").read_bytes() == b"data!"


def test_rename_by_full_path_and_relative_to_a_directory(rig: Rig) -> None:
    (rig.root / "a").mkdir()
    (rig.root / "b").mkdir()
    handle = rig.open("\\??\\C:\\a\\f.txt", RW | O.DELETE)
    assert rig.set_info(handle, I.FileRenameInformation, rename_info("\\??\\C:\\b\\g.txt"))[0] == NTSTATUS.SUCCESS
    assert (rig.root / "b" / "g.txt").exists()
    directory = rig.open("\\??\\C:\\a", O.FILE_LIST_DIRECTORY | O.SYNCHRONIZE)
    assert rig.set_info(handle, I.FileRenameInformation, rename_info("h.txt", root=directory))[0] == NTSTATUS.SUCCESS
    assert [p.name for p in (rig.root / "a").iterdir()] == ["h.txt"]


def test_rename_onto_an_existing_file(rig: Rig) -> None:
    (rig.root / "src.txt").write_bytes(b"src")
    (rig.root / "dst.txt").write_bytes(b"dst")
    handle = rig.open("\\??\\C:\\src.txt", RW | O.DELETE)
    assert rig.set_info(handle, I.FileRenameInformation, rename_info("dst.txt")) == (
        NTSTATUS.OBJECT_NAME_COLLISION, SENTINEL, SENTINEL)
    assert rig.set_info(handle, I.FileRenameInformation, rename_info("DST.TXT", True))[0] == NTSTATUS.SUCCESS
    assert own_entries(rig.root) == ["DST.TXT"]  # the new spelling
    assert (rig.root / "DST.TXT").read_bytes() == b"src"


def test_rename_changes_case_in_place(rig: Rig) -> None:
    handle = rig.open("\\??\\C:\\name.txt", RW | O.DELETE)
    assert rig.set_info(handle, I.FileRenameInformation, rename_info("NAME.txt"))[0] == NTSTATUS.SUCCESS
    assert own_entries(rig.root) == ["NAME.txt"]


def test_rename_refusals(rig: Rig) -> None:
    (rig.root / "dir").mkdir()
    (rig.root / "open.txt").write_bytes(b"")
    (rig.root / "ro.txt").write_bytes(b"")
    os.chmod(rig.root / "ro.txt", 0o444)
    rig.open("\\??\\C:\\open.txt")
    handle = rig.open("\\??\\C:\\f.txt", RW | O.DELETE)
    for data, status in ((rename_info("dir", True), NTSTATUS.ACCESS_DENIED),
                         (rename_info("open.txt", True), NTSTATUS.ACCESS_DENIED),
                         (rename_info("ro.txt", True), NTSTATUS.ACCESS_DENIED),
                         (rename_info("\\??\\C:\\none\\x.txt"), NTSTATUS.OBJECT_PATH_NOT_FOUND),
                         (rename_info("a\\b.txt"), NTSTATUS.OBJECT_NAME_INVALID),
                         (rename_info("x.txt\\"), NTSTATUS.OBJECT_NAME_INVALID),
                         (rename_info("\\??\\D:\\x.txt"), NTSTATUS.OBJECT_PATH_NOT_FOUND)):
        assert rig.set_info(handle, I.FileRenameInformation, data)[0] == status, data
    too_long = rename_info("abcdef.txt")
    assert rig.set_info(handle, I.FileRenameInformation, too_long, len(too_long) - 2)[0] == NTSTATUS.INVALID_PARAMETER
    assert rig.set_info(handle, I.FileRenameInformation, too_long, 23)[0] == NTSTATUS.INFO_LENGTH_MISMATCH
    reader = rig.open("\\??\\C:\\f.txt")
    assert rig.set_info(reader, I.FileRenameInformation, rename_info("y.txt"))[0] == NTSTATUS.ACCESS_DENIED
    assert own_entries(rig.root) == ["dir", "f.txt", "open.txt", "ro.txt"]


def test_a_directory_with_open_files_inside_cannot_be_renamed(rig: Rig) -> None:
    (rig.root / "dir").mkdir()
    directory = rig.open("\\??\\C:\\dir", O.DELETE | O.SYNCHRONIZE)
    inner = rig.open("\\??\\C:\\dir\\inner.txt")
    assert rig.set_info(directory, I.FileRenameInformation, rename_info("moved"))[0] == NTSTATUS.ACCESS_DENIED
    rig.call("NtClose", inner)
    assert rig.set_info(directory, I.FileRenameInformation, rename_info("moved"))[0] == NTSTATUS.SUCCESS
    assert (rig.root / "moved" / "inner.txt").exists()


def test_what_the_volume_keeps_follows_a_rename(rig: Rig) -> None:
    (rig.root / "dir").mkdir()
    inner = rig.open("\\??\\C:\\dir\\inner.txt", RW | O.FILE_WRITE_ATTRIBUTES)
    rig.set_info(inner, I.FileBasicInformation, basic_info(creation=FT_2021, attributes=0x2))
    rig.call("NtClose", inner)
    directory = rig.open("\\??\\C:\\dir", O.DELETE | O.SYNCHRONIZE)
    rig.set_info(directory, I.FileRenameInformation, rename_info("moved"))
    handle = rig.open("\\??\\C:\\moved\\inner.txt", O.FILE_READ_ATTRIBUTES | O.SYNCHRONIZE)
    values = I.FILE_BASIC_INFORMATION.unpack(rig.query(handle, I.FileBasicInformation, 40)[3], 64)
    assert (values["CreationTime"], values["FileAttributes"]) == (FT_2021, 0x2)  # ARCHIVE replaced


# ---- NtQueryAttributesFile, NtQueryFullAttributesFile ------------------------------------------------------------

def test_query_attributes_by_name(rig: Rig) -> None:
    (rig.root / "f.bin").write_bytes(b"x" * 5000)
    out = rig.alloc(64)
    assert rig.call("NtQueryAttributesFile", rig.oa("\\??\\C:\\F.BIN"), out) == NTSTATUS.SUCCESS
    basic = I.FILE_BASIC_INFORMATION.unpack(rig.read(out, 40), 64)
    assert basic["FileAttributes"] == 0x20 and rig.read(out + 40, 2) == b"\xad\xde"
    assert rig.call("NtQueryFullAttributesFile", rig.oa("\\??\\C:\\f.bin"), out) == NTSTATUS.SUCCESS
    full = I.FILE_NETWORK_OPEN_INFORMATION.unpack(rig.read(out, 56), 64)
    assert (full["AllocationSize"], full["EndOfFile"], full["FileAttributes"]) == (8192, 5000, 0x20)
    assert full["LastWriteTime"] == basic["LastWriteTime"]
    assert rig.call("NtQueryAttributesFile", rig.oa("\\??\\C:\\"), out) == NTSTATUS.SUCCESS
    assert I.FILE_BASIC_INFORMATION.unpack(rig.read(out, 40), 64)["FileAttributes"] == 0x16


def test_query_attributes_errors(rig: Rig) -> None:
    (rig.root / "f.txt").write_bytes(b"")
    out = rig.alloc(64)
    for name, status in (("\\??\\C:\\missing", NTSTATUS.OBJECT_NAME_NOT_FOUND),
                         ("\\??\\C:\\missing\\x", NTSTATUS.OBJECT_PATH_NOT_FOUND),
                         ("\\??\\C:\\f.txt\\", NTSTATUS.OBJECT_NAME_INVALID)):
        assert rig.call("NtQueryAttributesFile", rig.oa(name), out) == status
        assert rig.call("NtQueryFullAttributesFile", rig.oa(name), out) == status
    assert rig.read(out, 4) == b"\xad\xde\xad\xde"
    assert rig.call("NtQueryAttributesFile", rig.oa("\\??\\C:\\f.txt"), READONLY) == NTSTATUS.ACCESS_VIOLATION
    assert rig.call("NtQueryAttributesFile", rig.oa("\\??\\C:\\nothing"), UNMAPPED) == NTSTATUS.ACCESS_VIOLATION
    rig.set_info(rig.open("\\??\\C:\\f.txt", RW | O.DELETE), I.FileDispositionInformation, b"\1")
    assert rig.call("NtQueryAttributesFile", rig.oa("\\??\\C:\\f.txt"), out) == NTSTATUS.DELETE_PENDING


# ---- NtFlushBuffersFile ------------------------------------------------------------------------------------------

def test_flush_needs_write_access(rig: Rig) -> None:
    (rig.root / "dir").mkdir()
    iosb = rig.iosb()
    assert rig.call("NtFlushBuffersFile", rig.open("\\??\\C:\\f.txt"), iosb) == NTSTATUS.SUCCESS
    assert rig.iosb_values(iosb) == (0, 0)
    assert rig.call("NtFlushBuffersFile", rig.open("\\??\\C:\\dir"), iosb) == NTSTATUS.SUCCESS
    reader = rig.open("\\??\\C:\\f.txt", O.GENERIC_READ | O.SYNCHRONIZE)
    iosb = rig.iosb()
    assert rig.call("NtFlushBuffersFile", reader, iosb) == NTSTATUS.ACCESS_DENIED
    assert rig.iosb_values(iosb) == (SENTINEL, SENTINEL)
    assert rig.call("NtFlushBuffersFile", 0x1234, iosb) == NTSTATUS.INVALID_HANDLE
    assert rig.call("NtFlushBuffersFile", reader, UNMAPPED) == NTSTATUS.ACCESS_VIOLATION
    _, stdout, _ = create_std_handles(rig.process)
    assert rig.call("NtFlushBuffersFile", stdout, iosb) == NTSTATUS.INVALID_DEVICE_REQUEST


# ---- NtQueryVolumeInformationFile --------------------------------------------------------------------------------

def volume_query(rig: Rig, handle: int, info_class: int, length: int) -> tuple[int, int, int, bytes]:
    iosb = rig.iosb()
    buf = rig.alloc(length + 8)
    status = rig.call("NtQueryVolumeInformationFile", handle, iosb, buf, length, info_class)
    return (status, *rig.iosb_values(iosb), rig.read(buf, length + 8))


def test_volume_information(rig: Rig) -> None:
    handle = rig.open("\\??\\C:\\f.txt")
    status, _, info, data = volume_query(rig, handle, 1, 64)
    created, serial, label_length, objects = struct.unpack_from("<qIIB", data)
    assert (status, info, serial, label_length, objects) == (NTSTATUS.SUCCESS, 18, 0x1C2B3A49, 0, 1)
    root = I.FILE_BASIC_INFORMATION.unpack(rig.query(rig.open("\\??\\C:\\"), I.FileBasicInformation, 40)[3], 64)
    assert created == root["CreationTime"]
    assert volume_query(rig, handle, 1, 23)[:2] == (NTSTATUS.INFO_LENGTH_MISMATCH, SENTINEL)


def test_volume_sizes_come_from_the_host(rig: Rig) -> None:
    handle = rig.open("\\??\\C:\\f.txt")
    st = os.statvfs(rig.root)
    status, _, info, data = volume_query(rig, handle, 3, 24)
    total, available, sectors, sector_size = struct.unpack_from("<qqII", data)
    assert (status, info, sectors, sector_size) == (NTSTATUS.SUCCESS, 24, 8, 512)
    assert total == st.f_blocks * st.f_frsize // 4096 and 0 < available <= total
    status, _, info, data = volume_query(rig, handle, 7, 32)
    total7, caller, actual, sectors, sector_size = struct.unpack_from("<qqqII", data)
    assert (status, info, total7, sectors, sector_size) == (NTSTATUS.SUCCESS, 32, total, 8, 512)
    assert 0 < caller <= actual <= total


def test_device_information_of_a_file_and_of_the_console(rig: Rig) -> None:
    handle = rig.open("\\??\\C:\\f.txt")
    status, iosb_status, info, data = volume_query(rig, handle, 4, 8)
    assert (status, iosb_status, info) == (NTSTATUS.SUCCESS, 0, 8)
    assert data == struct.pack("<II", 7, 0x20) + b"\xad\xde" * 4
    _, stdout, _ = create_std_handles(rig.process)
    assert volume_query(rig, stdout, 4, 8)[3][:8] == struct.pack("<II", 0x50, 0)
    assert volume_query(rig, stdout, 1, 64)[:2] == (NTSTATUS.INVALID_DEVICE_REQUEST, SENTINEL)


def test_attribute_information_says_ntfs(rig: Rig) -> None:
    handle = rig.open("\\??\\C:\\f.txt")
    status, _, info, data = volume_query(rig, handle, 5, 64)
    assert (status, info) == (NTSTATUS.SUCCESS, 20)
    assert data[:20] == struct.pack("<IiI", 7, 255, 8) + "NTFS".encode("utf-16-le")
    status, _, info, data = volume_query(rig, handle, 5, 16)
    assert (status, info, data[8:18]) == (NTSTATUS.BUFFER_OVERFLOW, 16, struct.pack("<I", 8) + b"N\0T\0\xad\xde")
    assert volume_query(rig, handle, 5, 15)[0] == NTSTATUS.INFO_LENGTH_MISMATCH


@pytest.mark.parametrize("info_class", [0, 2, 6, 8, 0x100])
def test_other_volume_classes_are_invalid_info_class(rig: Rig, info_class: int) -> None:
    handle = rig.open("\\??\\C:\\f.txt")
    assert volume_query(rig, handle, info_class, 64)[:2] == (NTSTATUS.INVALID_INFO_CLASS, SENTINEL)
    assert volume_query(rig, 0x1234, 1, 64)[0] == NTSTATUS.INVALID_HANDLE


def test_reads_and_writes_larger_than_a_piece_go_through_whole(rig: Rig) -> None:
    """NtReadFile and NtWriteFile copy 1 MB at a time (the host never holds a whole 4 GB buffer): the pieces join."""
    big = 0x40000000
    rig.process.memory.reserve(big, 0x300000, MemType.PRIVATE, Prot.READWRITE)
    rig.process.memory.commit(big, 0x300000, Prot.READWRITE)
    data = bytes(range(256)) * (0x280000 // 256) + b"tail"
    rig.process.memory.poke(big, data)
    handle = rig.open("\\??\\C:\\big.bin")
    iosb = rig.iosb()
    assert rig.call("NtWriteFile", handle, 0, 0, 0, iosb, big, len(data), rig.offset(0), 0) == NTSTATUS.SUCCESS
    assert rig.iosb_values(iosb) == (NTSTATUS.SUCCESS, len(data))
    assert (rig.root / "big.bin").read_bytes() == data
    rig.process.memory.poke(big, bytes(len(data)))
    assert rig.call("NtReadFile", handle, 0, 0, 0, iosb, big, 0x300000, rig.offset(0), 0) == NTSTATUS.SUCCESS
    assert rig.iosb_values(iosb) == (NTSTATUS.SUCCESS, len(data))  # short at the end of the file
    assert rig.process.memory.peek(big, len(data)) == data


def test_a_long_read_or_write_ends_at_the_runs_timeout(rig: Rig) -> None:
    big = 0x40000000
    rig.process.memory.reserve(big, 0x300000, MemType.PRIVATE, Prot.READWRITE)
    rig.process.memory.commit(big, 0x300000, Prot.READWRITE)
    handle = rig.open("\\??\\C:\\big.bin")
    (rig.root / "big.bin").write_bytes(bytes(0x300000))
    rig.system.deadline = time.monotonic() - 1  # the run's time is up: the call stops after its first piece
    iosb = rig.iosb()
    for call in ("NtReadFile", "NtWriteFile"):
        with pytest.raises(GuestBudgetExceeded, match=f"--timeout ran out during {call}"):
            rig.call(call, handle, 0, 0, 0, iosb, big, 0x300000, rig.offset(0), 0)
