"""The system folders: C:\\Windows\\System32 and C:\\Windows\\SysWOW64 are the emulator's sysroot, shown read-only over
the C: drive (wow64emu/emu/kernel/paths.py), so that the guest's loader finds the system DLLs where Windows has them.
"""
# ruff: noqa: F811 - the tests take the fixture `rig` imported from test_kernel_files

from __future__ import annotations

import struct

from tests.test_kernel_files import SYNC, Rig, rename_info, rig  # noqa: F401 - the file tests' fixture
from wow64emu.kernel import fileinfo as I
from wow64emu.kernel import fileobject as O
from wow64emu.kernel import files as F
from wow64emu.kernel.paths import SYSROOT
from wow64emu.kernel.token import Token
from wow64emu.nt.status import NTSTATUS

READ = O.GENERIC_READ | O.SYNCHRONIZE
KERNEL32 = "\\??\\C:\\Windows\\SysWOW64\\kernel32.dll"


def test_a_system_dll_reads_as_the_sysroots_file(rig: Rig) -> None:
    status, handle, _ = rig.create(KERNEL32, READ, F.FILE_OPEN)
    assert status == NTSTATUS.SUCCESS
    data = (SYSROOT / "SysWOW64" / "kernel32.dll").read_bytes()
    assert rig.read_file(handle, 64, 0)[3] == data[:64]
    name = "\\Windows\\SysWOW64\\kernel32.dll".encode("utf-16-le")
    assert rig.query(handle, I.FileNameInformation, 128)[3][:4 + len(name)] == struct.pack("<I", len(name)) + name
    assert rig.process.handles.lookup(handle).describe() == f"File {KERNEL32}"


def test_names_are_matched_case_insensitively_and_relative_to_the_root(rig: Rig) -> None:
    status, handle, _ = rig.create("\\??\\c:\\WINDOWS\\system32\\NTDLL.DLL", READ, F.FILE_OPEN)
    assert status == NTSTATUS.SUCCESS
    assert rig.process.handles.lookup(handle).describe() == "File \\??\\C:\\Windows\\System32\\ntdll.dll"
    root = rig.create("\\??\\C:\\", READ, F.FILE_OPEN, SYNC | O.FILE_DIRECTORY_FILE)[1]
    assert rig.create("Windows\\SysWOW64\\ntdll.dll", READ, F.FILE_OPEN, root=root)[0] == NTSTATUS.SUCCESS
    assert rig.create("\\??\\C:\\Windows\\SysWOW64\\nothing.dll", READ, F.FILE_OPEN)[0] == \
        NTSTATUS.OBJECT_NAME_NOT_FOUND


def test_the_folders_list_the_sysroot(rig: Rig) -> None:
    handle = rig.create("\\??\\C:\\Windows\\SysWOW64", READ, F.FILE_OPEN, SYNC | O.FILE_DIRECTORY_FILE)[1]
    assert {"ntdll.dll", "kernel32.dll"} <= set(rig.names(handle))


def test_nothing_there_can_be_written_created_or_deleted(rig: Rig) -> None:
    for access, disposition in ((O.GENERIC_WRITE | O.SYNCHRONIZE, F.FILE_OPEN), (READ, F.FILE_OVERWRITE),
                                (O.DELETE | O.SYNCHRONIZE, F.FILE_OPEN), (READ | O.FILE_WRITE_ATTRIBUTES, F.FILE_OPEN)):
        assert rig.create(KERNEL32, access, disposition)[0] == NTSTATUS.ACCESS_DENIED
    assert rig.create("\\??\\C:\\Windows\\System32\\new.dll", READ, F.FILE_CREATE)[0] == NTSTATUS.ACCESS_DENIED
    assert rig.create("\\??\\C:\\Windows\\System32\\dir", READ, F.FILE_CREATE, SYNC | O.FILE_DIRECTORY_FILE)[0] \
        == NTSTATUS.ACCESS_DENIED
    assert rig.call("NtDeleteFile", rig.oa(KERNEL32)) == NTSTATUS.ACCESS_DENIED
    mine = rig.open("\\??\\C:\\mine.txt", O.GENERIC_READ | O.GENERIC_WRITE | O.DELETE | O.SYNCHRONIZE)
    into = rename_info("\\??\\C:\\Windows\\System32\\mine.txt")
    assert rig.set_info(mine, I.FileRenameInformation, into)[0] == NTSTATUS.ACCESS_DENIED
    assert not (SYSROOT / "System32" / "new.dll").exists() and not (SYSROOT / "System32" / "mine.txt").exists()
    assert (SYSROOT / "SysWOW64" / "kernel32.dll").exists()


def test_the_rest_of_the_drive_is_the_drives(rig: Rig) -> None:
    assert (rig.root / "Windows").is_dir()  # a standard folder (volume.STANDARD_FOLDERS), the drive's own
    rig.process.token = Token(elevated=True)  # C:\\Windows is protected: an administrator's to write (volume.py)
    assert rig.create("\\??\\C:\\Windows\\notes.txt", O.GENERIC_WRITE | O.SYNCHRONIZE, F.FILE_CREATE)[0] == \
        NTSTATUS.SUCCESS
    assert (rig.root / "Windows" / "notes.txt").exists()
