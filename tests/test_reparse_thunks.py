"""Links through the real WoW64 path: FILE_LINK_INFORMATION rebuilt for the kernel as FILE_RENAME_INFORMATION is
(its RootDirectory a HANDLE), and NtFsControlFile's REPARSE_DATA_BUFFERs passed through as the same bytes."""

from __future__ import annotations

import struct
from pathlib import Path

import pytest

from tests.test_reparse_kernel import junction
from tests.test_thunks_files import INFO, IOSB, SYNC, N, open32, rename32, set_info
from tests.wow64rig import DATA, Wow64Rig
from wow64emu.nt import files as T
from wow64emu.nt.fsctl import FSCTL_GET_REPARSE_POINT, FSCTL_SET_REPARSE_POINT
from wow64emu.nt.status import NTSTATUS

OUT = DATA + 0x2000
FILE_OPEN_REPARSE_POINT, DIRECTORY = 0x00200000, 0x1


@pytest.fixture
def wow(tmp_path: Path) -> Wow64Rig:
    return Wow64Rig(tmp_path)


def test_a_hard_link_is_rebuilt_for_the_kernel(wow: Wow64Rig, tmp_path: Path) -> None:
    (tmp_path / "old.txt").write_bytes(b"data")
    handle = open32(wow, "\\??\\C:\\old.txt")
    data = rename32("\\??\\C:\\new.txt")
    assert set_info(wow, handle, data, T.FileLinkInformation) == NTSTATUS.SUCCESS
    assert (tmp_path / "new.txt").stat().st_ino == (tmp_path / "old.txt").stat().st_ino
    assert wow.get(IOSB, 8) == struct.pack("<II", 0, 0)
    assert set_info(wow, handle, data, T.FileLinkInformation) == NTSTATUS.OBJECT_NAME_COLLISION


def test_reparse_buffers_pass_through_in_both_directions(wow: Wow64Rig, tmp_path: Path) -> None:
    (tmp_path / "target").mkdir()
    handle = open32(wow, "\\??\\C:\\link", options=SYNC | DIRECTORY | FILE_OPEN_REPARSE_POINT)
    data = junction("\\??\\C:\\target")
    wow.put(INFO, data)
    status = wow.syscall(N["NtFsControlFile"], handle, 0, 0, 0, IOSB, FSCTL_SET_REPARSE_POINT, INFO, len(data), 0,
                         0).exit_status
    assert status == NTSTATUS.SUCCESS
    wow.put(IOSB, b"\xad\xde" * 4)
    status = wow.syscall(N["NtFsControlFile"], handle, 0, 0, 0, IOSB, FSCTL_GET_REPARSE_POINT, 0, 0, OUT,
                         0x400).exit_status
    assert status == NTSTATUS.SUCCESS
    assert wow.get(IOSB, 8) == struct.pack("<II", 0, len(data))  # IO_STATUS_BLOCK32 {Status, Information}
    assert wow.get(OUT, len(data)) == data
