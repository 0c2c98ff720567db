"""The standard user and the elevated administrator (`--elevated`) at the kernel: the token's answers, the protected
folders (C:\\Windows, C:\\Program Files, C:\\Program Files (x86); C:\\Windows\\Temp writable by users), the machine's
keys, and the privileges; the shipped system DLLs read-only for both."""

from __future__ import annotations

import struct
from pathlib import Path

import pytest

from tests.test_kernel_files import Rig, make_rig
from tests.test_kernel_registry import RegRig
from tests.toolchain import build, run_program
from wow64emu.kernel import fileobject as O
from wow64emu.kernel import files as F
from wow64emu.kernel.token import Token
from wow64emu.kernel.tokenprivileges import ADMIN_PRIVILEGES, PRIVILEGE_LUIDS, USER_PRIVILEGES
from wow64emu.nt.process import (
    TokenElevation,
    TokenElevationType,
    TokenIntegrityLevel,
    TokenVirtualizationAllowed,
    TokenVirtualizationEnabled,
)
from wow64emu.nt.status import NTSTATUS

WRITE = O.GENERIC_WRITE | O.SYNCHRONIZE
KEY_ALL_ACCESS = 0xF003F
ADMINISTRATORS = struct.pack("<BB", 1, 2) + (5).to_bytes(6, "big") + struct.pack("<II", 32, 544)


def rig_as(tmp_path: Path, elevated: bool) -> Rig:
    tmp_path.mkdir(exist_ok=True)
    rig = make_rig(tmp_path)
    rig.process.token = Token(elevated=elevated)
    return rig


def ulong(token: Token, info_class: int) -> int:
    return struct.unpack("<I", token.information(info_class, 0))[0]


@pytest.mark.parametrize("elevated, answers", [
    (False, {TokenElevation: 0, TokenElevationType: 1, TokenVirtualizationAllowed: 1,
             TokenVirtualizationEnabled: 0}),
    (True, {TokenElevation: 1, TokenElevationType: 2, TokenVirtualizationAllowed: 0,
            TokenVirtualizationEnabled: 0}),
])
def test_the_token_says_whether_it_is_elevated(elevated: bool, answers: dict[int, int]) -> None:
    token = Token(elevated=elevated)
    assert {info_class: ulong(token, info_class) for info_class in answers} == answers
    assert token.information(TokenIntegrityLevel, 0)[-4:] == struct.pack("<I", 0x3000 if elevated else 0x2000)
    sids = [sid for sid, _ in token.groups]
    assert (ADMINISTRATORS in sids) == elevated
    names = ADMIN_PRIVILEGES if elevated else USER_PRIVILEGES
    assert set(token.privileges) == {PRIVILEGE_LUIDS[name] for name in names}
    assert len(Token(elevated=True).privileges) == 24


@pytest.mark.parametrize("name", ["\\??\\C:\\Program Files\\new.txt", "\\??\\C:\\Program Files (x86)\\new.txt",
                                  "\\??\\C:\\Windows\\new.txt", "\\??\\C:\\PROGRAM FILES\\Common Files\\new.txt"])
def test_a_standard_user_cannot_write_the_protected_folders_an_administrator_can(tmp_path: Path, name: str) -> None:
    user = rig_as(tmp_path / "user", elevated=False)
    assert user.create(name, WRITE, F.FILE_CREATE)[0] == NTSTATUS.ACCESS_DENIED
    admin = rig_as(tmp_path / "admin", elevated=True)
    status, handle, _ = admin.create(name, WRITE, F.FILE_CREATE)
    assert status == NTSTATUS.SUCCESS
    admin.call("NtClose", handle)
    # the file the administrator made: the standard user reads it, and may not write, delete or replace it
    admin.process.token = Token(elevated=False)
    assert admin.create(name, O.GENERIC_READ | O.SYNCHRONIZE, F.FILE_OPEN)[0] == NTSTATUS.SUCCESS
    assert admin.create(name, WRITE, F.FILE_OPEN)[0] == NTSTATUS.ACCESS_DENIED
    assert admin.create(name, WRITE, F.FILE_OVERWRITE_IF)[0] == NTSTATUS.ACCESS_DENIED
    assert admin.call("NtDeleteFile", admin.oa(name)) == NTSTATUS.ACCESS_DENIED


def test_users_write_in_windows_temp_and_outside_the_protected_folders(tmp_path: Path) -> None:
    user = rig_as(tmp_path, elevated=False)
    for name in ("\\??\\C:\\Windows\\Temp\\t.txt", "\\??\\C:\\ProgramData\\d.txt", "\\??\\C:\\mine.txt",
                 "\\??\\C:\\Users\\User\\AppData\\Local\\Temp\\u.txt"):
        assert user.create(name, WRITE, F.FILE_CREATE)[0] == NTSTATUS.SUCCESS, name
    assert user.create("\\??\\C:\\Windows\\Temp", WRITE | O.DELETE, F.FILE_OPEN,
                       options=F.FILE_DIRECTORY_FILE)[0] == NTSTATUS.ACCESS_DENIED


def test_the_shipped_system_dlls_stay_read_only_when_elevated(tmp_path: Path) -> None:
    admin = rig_as(tmp_path, elevated=True)
    for name in ("\\??\\C:\\Windows\\System32\\kernel32.dll", "\\??\\C:\\Windows\\SysWOW64\\ntdll.dll"):
        assert admin.create(name, WRITE, F.FILE_OPEN)[0] == NTSTATUS.ACCESS_DENIED
    assert admin.create("\\??\\C:\\Windows\\System32\\new.dll", WRITE, F.FILE_CREATE)[0] == NTSTATUS.ACCESS_DENIED


def test_an_elevated_token_writes_hklm_software(tmp_path: Path) -> None:
    for elevated, status in ((False, NTSTATUS.ACCESS_DENIED), (True, NTSTATUS.SUCCESS)):
        rig = RegRig(rig_as(tmp_path / str(elevated), elevated).thread)
        assert rig.create("\\Registry\\Machine\\Software\\Vendor", access=KEY_ALL_ACCESS)[0] == status
        key = rig.open("\\Registry\\Machine\\Software\\Microsoft\\Windows\\CurrentVersion", access=0x02000000)
        assert (rig.set_value(key, "x", 4, b"\1\0\0\0") == NTSTATUS.SUCCESS) == elevated  # MAXIMUM_ALLOWED's grant


def test_an_elevated_token_holds_the_administrator_s_privileges(tmp_path: Path) -> None:
    # the privilege check passes for the administrator; the host's clock stays the host's (NOT_IMPLEMENTED)
    for elevated, status in ((False, NTSTATUS.PRIVILEGE_NOT_HELD), (True, NTSTATUS.NOT_IMPLEMENTED)):
        rig = rig_as(tmp_path / str(elevated), elevated=elevated)
        time = rig.put(struct.pack("<q", 132_000_000_000_000_000))
        assert rig.call("NtSetSystemTime", time, 0) == status


ADD_TO_SYSTEM32 = r"""
#include <errno.h>
#include <stdio.h>

int main(void)
{
    FILE *f = fopen("C:\\Windows\\System32\\added.txt", "w");
    printf("added %d %d\n", f != NULL, f ? 0 : errno);
    if (f)
        fclose(f);
    f = fopen("C:\\Windows\\System32\\kernel32.dll", "r+b");
    printf("kernel32.dll %d %d\n", f != NULL, errno);
    return 0;
}
"""


@pytest.mark.parametrize(("width", "folder"), [("x86", "SysWOW64"), ("x64", "System32")])
def test_an_elevated_run_adds_files_to_the_system_folders(tmp_path: Path, width: str, folder: str) -> None:
    # `--elevated` (Machine(elevated=True)): the administrator adds a file to C:\Windows\System32 (for a 32-bit
    # program SysWOW64, the redirector's), in the drive's own folder; the shipped DLLs stay read-only (EACCES, 13);
    # the standard user adds nothing.
    program = build(ADD_TO_SYSTEM32, tmp_path / "add.exe", width, flags=("-O2",), libs=())
    for elevated in (False, True):
        root = tmp_path / f"c_{elevated}"
        root.mkdir()
        ran = run_program(program, root, elevated=elevated)
        added = f"added {int(elevated)} {0 if elevated else 13}"
        assert (ran.status, ran.stdout) == (0, f"{added}\r\nkernel32.dll 0 13\r\n")
        assert (root / "Windows" / folder / "added.txt").is_file() == elevated
