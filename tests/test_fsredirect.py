"""The file system redirector's rules (wow64emu/thunks/fsredirect.py), as pure functions of a name, and the system
folders of the C: drive that the redirected names lead to (wow64emu/kernel/paths.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from wow64emu.kernel.paths import SYSROOT, is_system, resolve
from wow64emu.kernel.volume import STANDARD_FOLDERS, Volume
from wow64emu.thunks import fsredirect as R


@pytest.mark.parametrize(("before", "after", "why"), [
    ("\\??\\C:\\Windows\\System32\\kernel32.dll", "\\??\\C:\\Windows\\SysWOW64\\kernel32.dll", R.SYSTEM32),
    ("\\??\\c:\\WINDOWS\\system32\\Kernel32.DLL", "\\??\\c:\\WINDOWS\\SysWOW64\\Kernel32.DLL", R.SYSTEM32),
    ("\\??\\C:\\Windows\\System32", "\\??\\C:\\Windows\\SysWOW64", R.SYSTEM32),
    ("\\??\\C:\\Windows\\System32\\", "\\??\\C:\\Windows\\SysWOW64\\", R.SYSTEM32),
    ("\\??\\C:\\Windows\\System32\\drivers\\x.sys", "\\??\\C:\\Windows\\SysWOW64\\drivers\\x.sys", R.SYSTEM32),
    ("\\??\\C:\\Windows\\System32\\driversx\\etc", "\\??\\C:\\Windows\\SysWOW64\\driversx\\etc", R.SYSTEM32),
    ("\\??\\C:\\Windows\\System32\\catroot3", "\\??\\C:\\Windows\\SysWOW64\\catroot3", R.SYSTEM32),
    ("\\\\?\\C:\\Windows\\System32\\a.txt", "\\\\?\\C:\\Windows\\SysWOW64\\a.txt", R.SYSTEM32),
    ("\\DosDevices\\C:\\Windows\\System32\\a", "\\DosDevices\\C:\\Windows\\SysWOW64\\a", R.SYSTEM32),
    ("\\GLOBAL??\\C:\\Windows\\System32\\a", "\\GLOBAL??\\C:\\Windows\\SysWOW64\\a", R.SYSTEM32),
    ("\\??\\C:\\Windows\\lastgood\\system32\\a.dll", "\\??\\C:\\Windows\\lastgood\\SysWOW64\\a.dll", R.LASTGOOD),
    ("\\??\\C:\\Windows\\LASTGOOD\\SYSTEM32", "\\??\\C:\\Windows\\LASTGOOD\\SysWOW64", R.LASTGOOD),
    ("\\??\\C:\\Windows\\regedit.exe", "\\??\\C:\\Windows\\SysWOW64\\regedit.exe", R.REGEDIT),
    ("\\??\\C:\\Windows\\REGEDIT.EXE", "\\??\\C:\\Windows\\SysWOW64\\REGEDIT.EXE", R.REGEDIT),
    ("\\??\\C:\\Windows\\Sysnative\\kernel32.dll", "\\??\\C:\\Windows\\System32\\kernel32.dll", R.SYSNATIVE),
    ("\\??\\C:\\Windows\\SYSNATIVE", "\\??\\C:\\Windows\\System32", R.SYSNATIVE),
    ("\\??\\C:\\Windows\\Sysnative\\drivers\\etc\\hosts", "\\??\\C:\\Windows\\System32\\drivers\\etc\\hosts",
     R.SYSNATIVE),
])
def test_redirected(before: str, after: str, why: str) -> None:
    assert R.redirect(before) == R.Redirection(after, why)


@pytest.mark.parametrize("name", [
    "\\??\\C:\\Windows\\System32\\catroot", "\\??\\C:\\Windows\\System32\\CatRoot2\\x.cat",
    "\\??\\C:\\Windows\\System32\\DriverStore\\FileRepository", "\\??\\C:\\Windows\\System32\\drivers\\etc",
    "\\??\\C:\\Windows\\System32\\Drivers\\ETC\\hosts", "\\??\\C:\\Windows\\System32\\LogFiles\\a.log",
    "\\??\\C:\\Windows\\System32\\spool\\drivers", "\\??\\C:\\Windows\\SysWOW64\\kernel32.dll",
    "\\??\\C:\\Windows", "\\??\\C:\\Windows\\", "\\??\\C:\\Windows\\notepad.exe", "\\??\\C:\\Windows\\regedit.exe\\x",
    "\\??\\C:\\Windows\\lastgood\\x\\system32", "\\??\\C:\\Windows\\lastgood", "\\??\\C:\\System32\\x",
    "\\??\\D:\\Windows\\System32\\x", "\\??\\C:\\Windows2\\System32", "\\??\\C:\\Program Files\\System32",
    "\\??\\C:\\Windows\\System64\\kernel32.dll", "\\Device\\HarddiskVolume3\\Windows\\System32\\x",
    "C:\\Windows\\System32\\x", "", "\\", "\\??\\", "\\??\\C:",
])
def test_left_alone(name: str) -> None:
    assert R.redirect(name) is None


def test_disabled_leaves_everything_but_sysnative() -> None:
    for name in ("\\??\\C:\\Windows\\System32\\a", "\\??\\C:\\Windows\\lastgood\\system32\\a",
                 "\\??\\C:\\Windows\\regedit.exe"):
        assert R.redirect(name, enabled=False) is None
    assert R.redirect("\\??\\C:\\Windows\\Sysnative\\a", enabled=False) == R.Redirection(
        "\\??\\C:\\Windows\\System32\\a", R.SYSNATIVE)


def test_relative_to_a_root_directory() -> None:
    assert R.redirect_relative("\\??\\C:\\Windows", "System32\\a.dll") == R.Redirection(
        "\\??\\C:\\Windows\\SysWOW64\\a.dll", R.SYSTEM32)
    assert R.redirect_relative("\\??\\C:\\Windows\\", "sysnative") == R.Redirection(
        "\\??\\C:\\Windows\\System32", R.SYSNATIVE)
    assert R.redirect_relative("\\??\\C:\\Windows\\System32", "x") == R.Redirection(
        "\\??\\C:\\Windows\\SysWOW64\\x", R.SYSTEM32)
    assert R.redirect_relative("\\??\\C:\\Windows\\System32", "") == R.Redirection(
        "\\??\\C:\\Windows\\SysWOW64", R.SYSTEM32)
    assert R.redirect_relative("\\??\\C:\\Windows\\System32", "drivers\\etc\\hosts") is None
    assert R.redirect_relative("\\??\\C:\\Windows\\SysWOW64", "x") is None
    assert R.redirect_relative("\\??\\C:\\Windows", "\\System32") is None
    assert R.redirect_relative("\\Device\\HarddiskVolume3\\Windows", "system32\\a") == R.Redirection(
        "\\??\\C:\\Windows\\SysWOW64\\a", R.SYSTEM32)
    assert R.redirect_relative("\\Device\\HarddiskVolume3\\", "Windows\\System32") == R.Redirection(
        "\\??\\C:\\Windows\\SysWOW64", R.SYSTEM32)
    assert R.redirect_relative("\\Device\\HarddiskVolume30\\Windows", "System32") is None
    assert R.redirect_relative("", "System32") is None
    assert R.redirect_relative("\\??\\C:\\Windows", "System32\\x", enabled=False) is None


# ---- the C: drive's system folders (wow64emu/kernel/paths.py): the sysroot's files, and the user's beside them ----

def test_without_a_user_folder_the_system_folder_is_the_sysroots(tmp_path: Path) -> None:
    shipped = resolve(tmp_path, "\\??\\C:\\Windows\\System32\\kernel32.dll")
    assert shipped.host == SYSROOT / "System32" / "kernel32.dll" and shipped.exists
    new = resolve(tmp_path, "\\??\\C:\\Windows\\System32\\new.txt")
    assert is_system(new.host) and not new.exists  # the file services refuse to create it there


def test_the_users_files_share_the_folder_and_the_shipped_ones_win(tmp_path: Path) -> None:
    user = tmp_path / "windows" / "SYSTEM32"
    (user / "drivers" / "etc").mkdir(parents=True)
    (user / "drivers" / "etc" / "hosts").write_bytes(b"h")
    (user / "kernel32.dll").write_bytes(b"not the system's")
    hosts = resolve(tmp_path, "\\??\\C:\\Windows\\System32\\Drivers\\ETC\\hosts")
    assert hosts.host == user / "drivers" / "etc" / "hosts" and hosts.exists
    assert hosts.nt_name == "\\??\\C:\\Windows\\System32\\drivers\\etc\\hosts"
    shadowed = resolve(tmp_path, "\\??\\C:\\Windows\\System32\\KERNEL32.dll")
    assert shadowed.host == SYSROOT / "System32" / "kernel32.dll"
    new = resolve(tmp_path, "\\??\\C:\\Windows\\System32\\new.txt")
    assert new.host == user / "new.txt" and not is_system(new.host)
    folder = resolve(tmp_path, "\\??\\C:\\Windows\\System32")
    assert folder.host == SYSROOT / "System32"
    assert resolve(tmp_path, "drivers\\etc\\hosts", folder).host == hosts.host  # relative to the folder's handle
    assert resolve(tmp_path, "kernel32.dll", folder).host == shadowed.host
    windows = resolve(tmp_path, "\\??\\C:\\Windows")
    assert resolve(tmp_path, "System32\\kernel32.dll", windows).host == shadowed.host
    assert resolve(tmp_path, "System32\\new.txt", windows).host == new.host
    assert resolve(tmp_path, "\\??\\C:\\Windows\\SysWOW64\\new.txt").host == SYSROOT / "SysWOW64" / "new.txt"


def test_the_standard_folders_are_on_every_drive_from_the_start(tmp_path: Path) -> None:
    (tmp_path / "program files").mkdir()  # the user's own, in its own case: the folder itself, nothing beside it
    (tmp_path / "ProgramData").write_bytes(b"")  # a file where a folder goes: left alone
    Volume(tmp_path)
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "Program Files (x86)", "ProgramData", "Users", "Windows", "program files"]
    assert (tmp_path / "program files" / "Common Files").is_dir()
    for folder in STANDARD_FOLDERS:
        if not folder.startswith("ProgramData"):
            assert resolve(tmp_path, "\\??\\C:\\" + folder.upper()).is_dir, folder
    assert sorted(p.name for p in (tmp_path / "Users").iterdir()) == ["Public", "User"]
    assert sorted(p.name for p in (tmp_path / "Users" / "User" / "AppData").iterdir()) == ["Local", "Roaming"]
    x86 = resolve(tmp_path, "\\??\\C:\\PROGRAM FILES (X86)\\a.exe")
    assert x86.nt_name == "\\??\\C:\\Program Files (x86)\\a.exe" and not x86.exists
