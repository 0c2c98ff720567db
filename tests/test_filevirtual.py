"""UAC file virtualization at the kernel (kernel/filevirtual.py): new files and copies of written ones in the user's
VirtualStore, the store's copy found first, executables and unvirtualized tokens refused."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.test_kernel_files import Rig, make_rig
from wow64emu.kernel import fileobject as O
from wow64emu.kernel import files as F
from wow64emu.kernel.filevirtual import drive_parts
from wow64emu.nt.status import NTSTATUS

WRITE = O.GENERIC_WRITE | O.SYNCHRONIZE
READ = O.GENERIC_READ | O.SYNCHRONIZE
STORE = ("Users", "User", "AppData", "Local", "VirtualStore")


def rig_of(tmp_path: Path, virtualization: bool) -> Rig:
    tmp_path.mkdir(exist_ok=True)
    rig = make_rig(tmp_path)
    rig.process.token.virtualization = virtualization
    return rig


def contents(rig: Rig, name: str) -> bytes:
    status, handle, _ = rig.create(name, READ, F.FILE_OPEN)
    assert status == NTSTATUS.SUCCESS, NTSTATUS.name_of(status)
    _, _, size, data = rig.read_file(handle, 64)
    return data[:size]


@pytest.mark.parametrize("name, parts", [
    ("\\??\\C:\\Program Files\\a.txt", ["Program Files", "a.txt"]), ("\\DosDevices\\c:\\x\\\\y", ["x", "y"]),
    ("\\GLOBAL??\\C:\\", []), ("\\??\\D:\\x", None), ("\\Device\\HarddiskVolume3\\x", None),
])
def test_the_names_on_c(name: str, parts: list[str] | None) -> None:
    assert drive_parts(name) == parts


def test_a_new_file_goes_to_the_store_and_is_read_back_from_there(tmp_path: Path) -> None:
    rig = rig_of(tmp_path, virtualization=True)
    status, handle, _ = rig.create("\\??\\C:\\Program Files (x86)\\App\\new.ini", WRITE, F.FILE_CREATE)
    assert status == NTSTATUS.OBJECT_PATH_NOT_FOUND  # no App folder on either side
    status, handle, _ = rig.create("\\??\\C:\\Program Files (x86)\\new.ini", WRITE, F.FILE_CREATE)
    assert status == NTSTATUS.SUCCESS
    rig.write(handle, b"virtual")
    rig.call("NtClose", handle)
    assert rig.root.joinpath(*STORE, "Program Files (x86)", "new.ini").read_bytes() == b"virtual"
    assert not (rig.root / "Program Files (x86)" / "new.ini").exists()
    assert contents(rig, "\\??\\C:\\PROGRAM FILES (X86)\\NEW.INI") == b"virtual"


def test_an_existing_file_written_is_copied_first(tmp_path: Path) -> None:
    rig = rig_of(tmp_path, virtualization=True)
    (rig.root / "Windows" / "app.ini").write_bytes(b"machine's")
    assert contents(rig, "\\??\\C:\\Windows\\app.ini") == b"machine's"  # a read: the real file
    status, handle, _ = rig.create("\\??\\C:\\Windows\\app.ini", WRITE | O.GENERIC_READ, F.FILE_OPEN)
    assert status == NTSTATUS.SUCCESS
    _, _, size, data = rig.read_file(handle, 64)
    assert data[:size] == b"machine's"
    rig.call("NtClose", handle)
    copy = rig.root.joinpath(*STORE, "Windows", "app.ini")
    assert copy.read_bytes() == b"machine's"
    copy.write_bytes(b"the user's")
    assert contents(rig, "\\??\\C:\\Windows\\app.ini") == b"the user's"
    assert (rig.root / "Windows" / "app.ini").read_bytes() == b"machine's"


def test_executables_the_system_dlls_and_plain_tokens_are_refused(tmp_path: Path) -> None:
    rig = rig_of(tmp_path / "on", virtualization=True)
    for name in ("\\??\\C:\\Program Files\\tool.exe", "\\??\\C:\\Windows\\helper.dll",
                 "\\??\\C:\\Windows\\System32\\new.txt"):
        assert rig.create(name, WRITE, F.FILE_CREATE)[0] == NTSTATUS.ACCESS_DENIED, name
    assert rig.create("\\??\\C:\\Windows\\System32\\kernel32.dll", WRITE, F.FILE_OPEN)[0] == NTSTATUS.ACCESS_DENIED
    off = rig_of(tmp_path / "off", virtualization=False)
    assert off.create("\\??\\C:\\Program Files\\new.ini", WRITE, F.FILE_CREATE)[0] == NTSTATUS.ACCESS_DENIED
    assert not off.root.joinpath(*STORE).exists()


def test_the_calls_that_name_an_existing_file_find_the_store_s_copy(tmp_path: Path) -> None:
    rig = rig_of(tmp_path, virtualization=True)
    name = "\\??\\C:\\Program Files\\settings.ini"
    status, handle, _ = rig.create(name, WRITE, F.FILE_CREATE)
    assert status == NTSTATUS.SUCCESS
    rig.call("NtClose", handle)
    attributes = rig.alloc(40)
    assert rig.call("NtQueryAttributesFile", rig.oa(name), attributes) == NTSTATUS.SUCCESS
    assert rig.call("NtDeleteFile", rig.oa(name)) == NTSTATUS.SUCCESS  # the copy goes
    assert not rig.root.joinpath(*STORE, "Program Files", "settings.ini").exists()
    assert rig.call("NtQueryAttributesFile", rig.oa(name), attributes) == NTSTATUS.OBJECT_NAME_NOT_FOUND
