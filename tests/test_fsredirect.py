"""The file system redirector's rules (wow64emu/thunks/fsredirect.py), as pure functions of a name."""

from __future__ import annotations

import pytest

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
    assert R.redirect_relative("\\??\\C:\\Windows", "System32\\x", enabled=False) is None
