"""Reparse points (junctions, symbolic links), hard links and NtFsControlFile, called as the 64-bit kernel entry
calls them (the rig of test_kernel_files: the drive is tmp_path/"C", tmp_path/"outside" the host beyond it)."""

from __future__ import annotations

import struct

import pytest

from tests.test_kernel_files import SENTINEL, Rig, entries, rename_info, rig  # noqa: F401 (rig: the fixture)
from wow64emu.kernel import directory as D
from wow64emu.kernel import fileinfo as I
from wow64emu.kernel import fileobject as O
from wow64emu.kernel import files as F
from wow64emu.kernel.console import create_std_handles
from wow64emu.kernel.reparse import IO_REPARSE_TAG_MOUNT_POINT, IO_REPARSE_TAG_SYMLINK, ReparseStore
from wow64emu.kernel.token import Token
from wow64emu.nt.fsctl import FSCTL_DELETE_REPARSE_POINT, FSCTL_GET_REPARSE_POINT, FSCTL_SET_REPARSE_POINT
from wow64emu.nt.status import NTSTATUS

OPEN_LINK = O.FILE_OPEN_REPARSE_POINT | O.FILE_SYNCHRONOUS_IO_NONALERT
FILE_ATTRIBUTE_DIRECTORY, FILE_ATTRIBUTE_REPARSE_POINT = 0x10, 0x400


def names_buffer(tag: int, target: str, print_name: str = "", flags: int | None = None) -> bytes:
    """A REPARSE_DATA_BUFFER of a mount point (flags None) or a symbolic link, as mklink writes them."""
    sub, shown = target.encode("utf-16-le"), print_name.encode("utf-16-le")
    fields = struct.pack("<HHHH", 0, len(sub), len(sub) + 2, len(shown))
    if flags is not None:
        fields += struct.pack("<I", flags)
    body = fields + sub + b"\0\0" + shown + b"\0\0"
    return struct.pack("<IHH", tag, len(body), 0) + body


def junction(target: str) -> bytes:
    return names_buffer(IO_REPARSE_TAG_MOUNT_POINT, target, target[4:])


def symlink(target: str, relative: bool) -> bytes:
    return names_buffer(IO_REPARSE_TAG_SYMLINK, target, target, 1 if relative else 0)


def fsctl(r: Rig, handle: int, code: int, data: bytes = b"", out_length: int = 0) -> tuple[int, int, int, bytes]:
    """NtFsControlFile; returns (status, IOSB status, IOSB information, the output buffer)."""
    iosb = r.iosb()
    inbuf = r.put(data) if data else 0
    out = r.alloc(out_length) if out_length else 0
    status = r.call("NtFsControlFile", handle, 0, 0, 0, iosb, code, inbuf, len(data), out, out_length)
    return status, *r.iosb_values(iosb), r.read(out, out_length) if out_length else b""


def directory(r: Rig, name: str, options: int = OPEN_LINK) -> int:
    status, handle, _ = r.create(name, O.GENERIC_READ | O.GENERIC_WRITE | O.SYNCHRONIZE | O.DELETE,
                                   F.FILE_OPEN_IF, options | O.FILE_DIRECTORY_FILE)
    assert status == NTSTATUS.SUCCESS, NTSTATUS.name_of(status)
    return handle


def make_junction(r: Rig, name: str, target: str) -> int:
    handle = directory(r, name)
    assert fsctl(r, handle, FSCTL_SET_REPARSE_POINT, junction(target))[0] == NTSTATUS.SUCCESS
    return handle


def read_through(r: Rig, name: str) -> tuple[int, bytes]:
    status, handle, _ = r.create(name, O.GENERIC_READ | O.SYNCHRONIZE, F.FILE_OPEN)
    if status != NTSTATUS.SUCCESS:
        return status, b""
    return status, r.read_file(handle, 64)[3].rstrip(b"\xad\xde")


@pytest.fixture
def tree(rig: Rig) -> Rig:  # noqa: F811 (rig: test_kernel_files' fixture)
    """C:\\target\\inside.txt, an empty C:\\link and the host's secret beside the drive."""
    (rig.root / "target").mkdir()
    (rig.root / "target" / "inside.txt").write_bytes(b"the target's file")
    return rig


# ---- FSCTL_SET / GET / DELETE_REPARSE_POINT ------------------------------------------------------------------

def test_a_junction_set_is_given_back_byte_for_byte(tree: Rig) -> None:
    handle = make_junction(tree, "\\??\\C:\\link", "\\??\\C:\\target")
    data = junction("\\??\\C:\\target")
    status, iosb_status, information, out = fsctl(tree, handle, FSCTL_GET_REPARSE_POINT, out_length=1024)
    assert (status, iosb_status, information) == (NTSTATUS.SUCCESS, NTSTATUS.SUCCESS, len(data))
    assert out[:len(data)] == data


def test_get_reparse_point_statuses(tree: Rig) -> None:
    plain = directory(tree, "\\??\\C:\\plain")
    assert fsctl(tree, plain, FSCTL_GET_REPARSE_POINT, out_length=64)[0] == NTSTATUS.NOT_A_REPARSE_POINT
    handle = make_junction(tree, "\\??\\C:\\link", "\\??\\C:\\target")
    assert fsctl(tree, handle, FSCTL_GET_REPARSE_POINT, out_length=7)[0] == NTSTATUS.BUFFER_TOO_SMALL
    status, iosb_status, information, out = fsctl(tree, handle, FSCTL_GET_REPARSE_POINT, out_length=12)
    assert (status, iosb_status, information) == (NTSTATUS.BUFFER_OVERFLOW, NTSTATUS.BUFFER_OVERFLOW, 12)
    assert out == junction("\\??\\C:\\target")[:12]  # ReparseDataLength the whole length


@pytest.mark.parametrize("data, status", [
    (b"\x03\x00\x00\xa0", NTSTATUS.IO_REPARSE_DATA_INVALID),  # shorter than the header
    (junction("\\??\\C:\\target")[:-2], NTSTATUS.IO_REPARSE_DATA_INVALID),  # ReparseDataLength too long
    (struct.pack("<IHH", IO_REPARSE_TAG_MOUNT_POINT, 4, 0) + bytes(4), NTSTATUS.IO_REPARSE_DATA_INVALID),
    (struct.pack("<IHHHHHH", IO_REPARSE_TAG_MOUNT_POINT, 8, 0, 0, 200, 0, 0), NTSTATUS.IO_REPARSE_DATA_INVALID),
    (struct.pack("<IHH", 0, 0, 0), NTSTATUS.IO_REPARSE_TAG_INVALID),
    (struct.pack("<IHH", 1, 0, 0), NTSTATUS.IO_REPARSE_TAG_INVALID),
    (struct.pack("<IHH", 0x1234, 0, 0), NTSTATUS.IO_REPARSE_DATA_INVALID),  # a third party's tag needs a GUID
])
def test_a_bad_reparse_buffer_is_refused(tree: Rig, data: bytes, status: int) -> None:
    handle = directory(tree, "\\??\\C:\\link")
    assert fsctl(tree, handle, FSCTL_SET_REPARSE_POINT, data)[0] == status
    assert fsctl(tree, handle, FSCTL_GET_REPARSE_POINT, out_length=64)[0] == NTSTATUS.NOT_A_REPARSE_POINT


def test_bad_buffers_are_access_violations(tree: Rig) -> None:
    handle = directory(tree, "\\??\\C:\\link")
    iosb = tree.iosb()
    for code, inbuf, inlen, out, outlen in ((FSCTL_GET_REPARSE_POINT, 0, 0, 0x30000000, 64),
                                            (FSCTL_GET_REPARSE_POINT, 0, 0, 0x20100000, 64),  # read-only
                                            (FSCTL_SET_REPARSE_POINT, 0x30000000, 40, 0, 0)):
        status = tree.call("NtFsControlFile", handle, 0, 0, 0, iosb, code, inbuf, inlen, out, outlen)
        assert status == NTSTATUS.ACCESS_VIOLATION
    assert tree.iosb_values(iosb) == (SENTINEL, SENTINEL)


def test_a_huge_input_length_costs_nothing(tree: Rig) -> None:
    handle = directory(tree, "\\??\\C:\\link")
    iosb = tree.iosb()
    buffer = tree.put(junction("\\??\\C:\\target"))
    status = tree.call("NtFsControlFile", handle, 0, 0, 0, iosb, FSCTL_SET_REPARSE_POINT, buffer, 0xFFFFFFFF, 0, 0)
    assert status == NTSTATUS.IO_REPARSE_DATA_INVALID


def test_where_a_reparse_point_cannot_go(tree: Rig) -> None:
    assert fsctl(tree, directory(tree, "\\??\\C:\\target"), FSCTL_SET_REPARSE_POINT,
                 junction("\\??\\C:\\x"))[0] == NTSTATUS.DIRECTORY_NOT_EMPTY
    file = tree.open("\\??\\C:\\file.txt")
    assert fsctl(tree, file, FSCTL_SET_REPARSE_POINT, junction("\\??\\C:\\x"))[0] == NTSTATUS.NOT_A_DIRECTORY
    directory(tree, "\\??\\C:\\empty")
    read_only = tree.create("\\??\\C:\\empty", O.GENERIC_READ | O.SYNCHRONIZE, F.FILE_OPEN, OPEN_LINK)[1]
    assert fsctl(tree, read_only, FSCTL_SET_REPARSE_POINT, junction("\\??\\C:\\x"))[0] == NTSTATUS.ACCESS_DENIED


def test_the_system_folders_take_no_reparse_point(tree: Rig) -> None:
    status, handle, _ = tree.create("\\??\\C:\\Windows\\System32", O.GENERIC_READ | O.SYNCHRONIZE, F.FILE_OPEN,
                                    OPEN_LINK | O.FILE_DIRECTORY_FILE)
    assert status == NTSTATUS.SUCCESS
    assert fsctl(tree, handle, FSCTL_SET_REPARSE_POINT, junction("\\??\\C:\\x"))[0] == NTSTATUS.ACCESS_DENIED
    status = tree.create("\\??\\C:\\Windows\\System32", O.GENERIC_WRITE | O.SYNCHRONIZE, F.FILE_OPEN,
                         OPEN_LINK | O.FILE_DIRECTORY_FILE)[0]
    assert status == NTSTATUS.ACCESS_DENIED


def test_a_symbolic_link_needs_a_privilege_the_user_lacks(tree: Rig) -> None:
    file = tree.open("\\??\\C:\\link.txt")
    data = symlink("target\\inside.txt", relative=True)
    assert fsctl(tree, file, FSCTL_SET_REPARSE_POINT, data)[0] == NTSTATUS.PRIVILEGE_NOT_HELD
    tree.system.volume.developer_mode = True
    assert fsctl(tree, file, FSCTL_SET_REPARSE_POINT, data)[0] == NTSTATUS.SUCCESS


def test_delete_reparse_point(tree: Rig) -> None:
    handle = make_junction(tree, "\\??\\C:\\link", "\\??\\C:\\target")
    wrong = struct.pack("<IHH", IO_REPARSE_TAG_SYMLINK, 0, 0)
    assert fsctl(tree, handle, FSCTL_DELETE_REPARSE_POINT, wrong)[0] == NTSTATUS.IO_REPARSE_TAG_MISMATCH
    with_data = struct.pack("<IHH", IO_REPARSE_TAG_MOUNT_POINT, 4, 0) + bytes(4)
    assert fsctl(tree, handle, FSCTL_DELETE_REPARSE_POINT, with_data)[0] == NTSTATUS.IO_REPARSE_DATA_INVALID
    right = struct.pack("<IHH", IO_REPARSE_TAG_MOUNT_POINT, 0, 0)
    assert fsctl(tree, handle, FSCTL_DELETE_REPARSE_POINT, right)[0] == NTSTATUS.SUCCESS
    assert fsctl(tree, handle, FSCTL_DELETE_REPARSE_POINT, right)[0] == NTSTATUS.NOT_A_REPARSE_POINT
    assert (tree.root / "link").is_dir()  # the directory stays, an ordinary one
    assert read_through(tree, "\\??\\C:\\link\\inside.txt")[0] == NTSTATUS.OBJECT_NAME_NOT_FOUND


def test_another_tag_does_not_replace_a_reparse_point(tree: Rig) -> None:
    tree.system.volume.developer_mode = True
    handle = make_junction(tree, "\\??\\C:\\link", "\\??\\C:\\target")
    assert fsctl(tree, handle, FSCTL_SET_REPARSE_POINT,
                 symlink("\\??\\C:\\target", False))[0] == NTSTATUS.IO_REPARSE_TAG_MISMATCH
    assert fsctl(tree, handle, FSCTL_SET_REPARSE_POINT, junction("\\??\\C:\\other"))[0] == NTSTATUS.SUCCESS


def test_other_control_codes_and_devices_are_invalid_device_requests(tree: Rig) -> None:
    handle = directory(tree, "\\??\\C:\\link")
    assert fsctl(tree, handle, 0x93FFC)[0] == NTSTATUS.INVALID_DEVICE_REQUEST  # function 0xFFF: no FSCTL
    _, stdout, _ = create_std_handles(tree.process)
    assert fsctl(tree, stdout, FSCTL_GET_REPARSE_POINT, out_length=64)[0] == NTSTATUS.INVALID_DEVICE_REQUEST


# ---- resolution ----------------------------------------------------------------------------------------------

def test_a_junction_leads_to_its_target(tree: Rig) -> None:
    make_junction(tree, "\\??\\C:\\link", "\\??\\C:\\target")
    assert read_through(tree, "\\??\\C:\\LINK\\inside.txt") == (NTSTATUS.SUCCESS, b"the target's file")
    handle = tree.open("\\??\\C:\\link\\new.txt")
    assert (tree.root / "target" / "new.txt").exists() and not (tree.root / "link" / "new.txt").exists()
    status, _, _, data = tree.query(handle, I.FileNameInformation, 64)
    assert status == NTSTATUS.SUCCESS and data[4:4 + 30].decode("utf-16-le") == "\\target\\new.txt"


def test_open_reparse_point_opens_the_link_itself(tree: Rig) -> None:
    make_junction(tree, "\\??\\C:\\link", "\\??\\C:\\target")
    followed = directory(tree, "\\??\\C:\\link", O.FILE_SYNCHRONOUS_IO_NONALERT)
    link = directory(tree, "\\??\\C:\\link")
    assert tree.query(followed, I.FileAttributeTagInformation, 8)[3][:8] == struct.pack("<II", 0x10, 0)
    status, _, information, data = tree.query(link, I.FileAttributeTagInformation, 8)
    assert (status, information) == (NTSTATUS.SUCCESS, 8)
    assert data[:8] == struct.pack("<II", FILE_ATTRIBUTE_DIRECTORY | FILE_ATTRIBUTE_REPARSE_POINT,
                                   IO_REPARSE_TAG_MOUNT_POINT)
    basic = tree.query(link, I.FileBasicInformation, 40)[3]
    assert struct.unpack_from("<I", basic, 32)[0] == FILE_ATTRIBUTE_DIRECTORY | FILE_ATTRIBUTE_REPARSE_POINT


def test_a_listing_shows_the_attribute_and_the_tag_in_ea_size(tree: Rig) -> None:
    make_junction(tree, "\\??\\C:\\link", "\\??\\C:\\target")
    root = directory(tree, "\\??\\C:\\", O.FILE_SYNCHRONOUS_IO_NONALERT)
    status, _, information, data = tree.list_dir(root, D.FileFullDirectoryInformation, mask="link")
    assert status == NTSTATUS.SUCCESS
    [(name, entry)] = entries(data[:information], D.FileFullDirectoryInformation)
    attributes, ea_size = struct.unpack_from("<I", entry, 56)[0], struct.unpack_from("<I", entry, 64)[0]
    assert (name, attributes, ea_size) == ("link", 0x410, IO_REPARSE_TAG_MOUNT_POINT)


def test_query_attributes_describes_the_link_not_its_target(tree: Rig) -> None:
    make_junction(tree, "\\??\\C:\\link", "\\??\\C:\\target")
    buf = tree.alloc(40)
    assert tree.call("NtQueryAttributesFile", tree.oa("\\??\\C:\\link"), buf) == NTSTATUS.SUCCESS
    assert struct.unpack_from("<I", tree.read(buf, 40), 32)[0] == 0x410


def test_deleting_a_junction_removes_the_link_not_the_target(tree: Rig) -> None:
    link = make_junction(tree, "\\??\\C:\\link", "\\??\\C:\\target")
    assert tree.set_info(link, I.FileDispositionInformation, b"\x01")[0] == NTSTATUS.SUCCESS
    assert tree.call("NtClose", link) == NTSTATUS.SUCCESS
    assert not (tree.root / "link").exists()
    assert (tree.root / "target" / "inside.txt").read_bytes() == b"the target's file"
    assert tree.system.volume.reparse.get(tree.root / "link") is None


def test_a_renamed_junction_keeps_its_reparse_point(tree: Rig) -> None:
    link = make_junction(tree, "\\??\\C:\\link", "\\??\\C:\\target")
    assert tree.set_info(link, I.FileRenameInformation, rename_info("\\??\\C:\\moved"))[0] == NTSTATUS.SUCCESS
    assert read_through(tree, "\\??\\C:\\moved\\inside.txt") == (NTSTATUS.SUCCESS, b"the target's file")


def test_reparse_points_outlive_the_system_and_their_store_is_out_of_reach(tree: Rig) -> None:
    make_junction(tree, "\\??\\C:\\link", "\\??\\C:\\target")
    again = ReparseStore(tree.root.resolve())
    assert again.get(tree.root.resolve() / "link").tag == IO_REPARSE_TAG_MOUNT_POINT
    for name in ("\\??\\C:\\System Volume Information\\wow64emu-reparse", "\\??\\C:\\system volume information"):
        assert tree.create(name, O.GENERIC_READ | O.SYNCHRONIZE, F.FILE_OPEN)[0] == NTSTATUS.ACCESS_DENIED


def test_a_damaged_store_entry_is_left_out(tree: Rig) -> None:
    make_junction(tree, "\\??\\C:\\link", "\\??\\C:\\target")
    make_junction(tree, "\\??\\C:\\other", "\\??\\C:\\target")
    root = tree.root.resolve()
    store = ReparseStore(root)
    (store.folder / "damaged.json").write_text("[1, 2")
    store._file(root / "other").write_text('["other", "tag", "zz"]')
    again = ReparseStore(root)
    assert again.get(root / "link") is not None and again.get(root / "other") is None


def test_a_junction_to_system32_reads_the_64_bit_folder_read_only(tree: Rig) -> None:
    rig = tree  # noqa: F811
    rig.process.token = Token(elevated=True)  # only an administrator makes a folder in C:\\Windows
    make_junction(rig, "\\??\\C:\\Windows\\System64", "\\??\\C:\\Windows\\System32")
    status, handle, _ = rig.create("\\??\\C:\\Windows\\System64\\kernel32.dll", O.GENERIC_READ | O.SYNCHRONIZE,
                                   F.FILE_OPEN)
    assert status == NTSTATUS.SUCCESS
    header = rig.read_file(handle, 0x200)[3]
    pe = struct.unpack_from("<I", header, 0x3C)[0]
    assert struct.unpack_from("<H", header, pe + 4)[0] == 0x8664
    status = rig.create("\\??\\C:\\Windows\\System64\\kernel32.dll", O.GENERIC_WRITE | O.SYNCHRONIZE,
                        F.FILE_OPEN)[0]
    assert status == NTSTATUS.ACCESS_DENIED


# ---- the ways out, loops and depth ---------------------------------------------------------------------------

@pytest.mark.parametrize("target, status", [
    ("\\??\\C:\\..\\..", NTSTATUS.OBJECT_NAME_INVALID),
    ("\\??\\C:\\target\\..\\..\\outside", NTSTATUS.OBJECT_NAME_INVALID),
    ("\\??\\D:\\", NTSTATUS.OBJECT_PATH_NOT_FOUND),
    ("\\??\\UNC\\server\\share", NTSTATUS.OBJECT_PATH_NOT_FOUND),
    ("\\Device\\HarddiskVolume1\\outside", NTSTATUS.OBJECT_PATH_NOT_FOUND),
    ("/etc", NTSTATUS.OBJECT_PATH_SYNTAX_BAD),
])
def test_a_junction_never_leaves_the_drive(tree: Rig, target: str, status: int) -> None:
    make_junction(tree, "\\??\\C:\\link", target)
    assert read_through(tree, "\\??\\C:\\link\\secret.txt")[0] == status


def test_a_junction_to_the_host_path_of_the_outside_stays_inside(tree: Rig) -> None:
    make_junction(tree, "\\??\\C:\\link", "\\??\\" + str(tree.outside))
    assert read_through(tree, "\\??\\C:\\link\\secret.txt")[0] != NTSTATUS.SUCCESS


@pytest.mark.parametrize("target, status, content", [
    ("..\\..\\..\\outside\\secret.txt", NTSTATUS.OBJECT_NAME_INVALID, b""),
    ("sub\\..\\..\\..\\..\\outside\\secret.txt", NTSTATUS.OBJECT_NAME_INVALID, b""),
    ("..\\..\\..\\x\\..\\outside\\secret.txt", NTSTATUS.OBJECT_NAME_INVALID, b""),
    ("..\\..\\outside\\secret.txt", NTSTATUS.SUCCESS, b"C:\\outside's decoy"),  # up to C:\, not beyond
    ("..\\inside.txt", NTSTATUS.SUCCESS, b"the target's file"),
    ("\\target\\.\\inside.txt", NTSTATUS.SUCCESS, b"the target's file"),
])
def test_relative_symbolic_links_go_up_by_name_and_no_further_than_the_root(tree: Rig, target: str, status: int,
                                                                             content: bytes) -> None:
    tree.system.volume.developer_mode = True
    (tree.root / "target" / "sub").mkdir()
    (tree.root / "outside").mkdir()
    (tree.root / "outside" / "secret.txt").write_bytes(b"C:\\outside's decoy")
    link = tree.open("\\??\\C:\\target\\sub\\link.txt")
    assert fsctl(tree, link, FSCTL_SET_REPARSE_POINT, symlink(target, True))[0] == NTSTATUS.SUCCESS
    assert read_through(tree, "\\??\\C:\\target\\sub\\link.txt") == (status, content)


def test_an_absolute_symbolic_link(tree: Rig) -> None:
    tree.system.volume.developer_mode = True
    link = tree.open("\\??\\C:\\link.txt")
    assert fsctl(tree, link, FSCTL_SET_REPARSE_POINT,
                 symlink("\\??\\C:\\target\\inside.txt", False))[0] == NTSTATUS.SUCCESS
    assert read_through(tree, "\\??\\C:\\link.txt") == (NTSTATUS.SUCCESS, b"the target's file")


def test_obj_dont_reparse_refuses_to_follow(tree: Rig) -> None:
    make_junction(tree, "\\??\\C:\\link", "\\??\\C:\\target")
    oa = tree.oa("\\??\\C:\\link\\inside.txt", attributes=0x40 | 0x1000)  # OBJ_DONT_REPARSE
    status = tree.create(None, O.GENERIC_READ | O.SYNCHRONIZE, F.FILE_OPEN, oa=oa)[0]
    assert status == NTSTATUS.REPARSE_POINT_ENCOUNTERED
    oa = tree.oa("\\??\\C:\\target\\inside.txt", attributes=0x40 | 0x1000)
    assert tree.create(None, O.GENERIC_READ | O.SYNCHRONIZE, F.FILE_OPEN, oa=oa)[0] == NTSTATUS.SUCCESS


def test_a_loop_is_not_resolved(tree: Rig) -> None:
    make_junction(tree, "\\??\\C:\\a", "\\??\\C:\\b")
    make_junction(tree, "\\??\\C:\\b", "\\??\\C:\\a")
    assert read_through(tree, "\\??\\C:\\a\\x.txt")[0] == NTSTATUS.REPARSE_POINT_NOT_RESOLVED
    assert tree.create("\\??\\C:\\a\\new.txt")[0] == NTSTATUS.REPARSE_POINT_NOT_RESOLVED


def test_sixty_three_reparse_points_resolve_and_sixty_four_do_not(tree: Rig) -> None:
    for i in range(64):
        make_junction(tree, f"\\??\\C:\\l{i}", "\\??\\C:\\target" if i == 63 else f"\\??\\C:\\l{i + 1}")
    assert read_through(tree, "\\??\\C:\\l1\\inside.txt")[0] == NTSTATUS.SUCCESS
    assert read_through(tree, "\\??\\C:\\l0\\inside.txt")[0] == NTSTATUS.REPARSE_POINT_NOT_RESOLVED


def test_a_tag_no_filter_serves_is_not_handled(tree: Rig) -> None:
    file = tree.open("\\??\\C:\\wof.txt")
    data = struct.pack("<IHH", 0x80000017, 4, 0) + b"abcd"  # IO_REPARSE_TAG_WOF
    assert fsctl(tree, file, FSCTL_SET_REPARSE_POINT, data)[0] == NTSTATUS.SUCCESS
    assert read_through(tree, "\\??\\C:\\wof.txt")[0] == NTSTATUS.IO_REPARSE_TAG_NOT_HANDLED
    status = tree.create("\\??\\C:\\wof.txt", O.GENERIC_READ | O.SYNCHRONIZE, F.FILE_OPEN, OPEN_LINK)[0]
    assert status == NTSTATUS.SUCCESS


# ---- hard links ----------------------------------------------------------------------------------------------

def test_a_hard_link_is_a_second_name_of_the_file(tree: Rig) -> None:
    handle = tree.open("\\??\\C:\\target\\inside.txt")
    assert tree.set_info(handle, I.FileLinkInformation, rename_info("\\??\\C:\\second.txt")) == \
        (NTSTATUS.SUCCESS, NTSTATUS.SUCCESS, 0)
    assert (tree.root / "second.txt").read_bytes() == b"the target's file"
    assert (tree.root / "second.txt").stat().st_ino == (tree.root / "target" / "inside.txt").stat().st_ino
    status, _, _, data = tree.query(handle, I.FileStandardInformation, 24)
    assert struct.unpack_from("<I", data, 16)[0] == 2  # NumberOfLinks
    assert tree.set_info(handle, I.FileLinkInformation,
                         rename_info("\\??\\C:\\second.txt"))[0] == NTSTATUS.OBJECT_NAME_COLLISION  # its own
    assert tree.set_info(handle, I.FileLinkInformation,
                         rename_info("\\??\\C:\\second.txt", replace=True))[0] == NTSTATUS.SUCCESS
    tree.open("\\??\\C:\\third.txt")
    assert tree.set_info(handle, I.FileLinkInformation,
                         rename_info("\\??\\C:\\third.txt"))[0] == NTSTATUS.OBJECT_NAME_COLLISION


def test_hard_links_refused(tree: Rig) -> None:
    folder = directory(tree, "\\??\\C:\\target", O.FILE_SYNCHRONOUS_IO_NONALERT)
    assert tree.set_info(folder, I.FileLinkInformation,
                         rename_info("\\??\\C:\\x"))[0] == NTSTATUS.FILE_IS_A_DIRECTORY
    handle = tree.open("\\??\\C:\\target\\inside.txt")
    assert tree.set_info(handle, I.FileLinkInformation,
                         rename_info("\\??\\C:\\Windows\\System32\\x.txt"))[0] in (NTSTATUS.ACCESS_DENIED,
                                                                                 NTSTATUS.OBJECT_PATH_NOT_FOUND)
    assert tree.set_info(handle, I.FileLinkInformation,
                         rename_info("\\??\\C:\\missing\\x.txt"))[0] == NTSTATUS.OBJECT_PATH_NOT_FOUND
