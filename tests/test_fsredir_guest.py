"""The file system redirector seen from guest programs: fixtures/src/fsredir.c in both widths (the 32-bit build
through the whole WoW64 path, redirected; the 64-bit build natively, not), the `redirect` trace event, and a
program built by the plain toolchain that calls Wow64DisableWow64FsRedirection.

The two runs do the same file operations on C: drives made alike; what Windows' rules make equal must be equal
(`SAME`), and the documented differences are asserted line by line (`DIFFERENT`).
"""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from tests.oracle import FIXTURES, observe
from tests.toolchain import build, run_program
from wow64emu.emu.trace import Tracer
from wow64emu.emu.tracejsonl import JsonlSink
from wow64emu.kernel.console import StdStreams
from wow64emu.kernel.paths import SYSROOT
from wow64emu.machine import Machine

OK, NOT_FOUND, PATH_NOT_FOUND = "ret=1 err=61166", "ret=0 err=2", "ret=0 err=3"

# What both widths see alike: the exempt drivers\etc, SysWOW64 named as such, the loader's kernel32.
SAME = [
    "System32\\drivers\\etc\\hosts: ret=1 err=61166\n  hosts of the machine\n",
    "SysWOW64\\only32.txt: ret=1 err=61166\n  for 32-bit eyes\n",
    "SysWOW64\\wow64.dll: ret=0 err=2\n",
    "LoadLibraryW(System32\\kernel32.dll) is kernel32: ret=1 err=61166\n",
    "create System32\\kernel32.dll: ret=0 err=5\n",
    # names the kernel refuses, refused alike through the redirector (each names System32\kernel32.dll)
    "-- hostile names\nmisaligned name: status=0x80000002\nodd length: status=0xc0000033\n"
    "name in no memory: status=0xc0000005\nrelative to a bad handle: status=0xc0000008\n"
    "attributes of a bad length: status=0xc000000d\n",
]
# line -> (what the 32-bit program sees, what the 64-bit one sees)
DIFFERENT = {
    "System32\\wow64.dll": (NOT_FOUND, OK),
    "system32\\WOW64.DLL, another case": (NOT_FOUND, OK),
    "\\\\?\\ System32\\wow64.dll": (NOT_FOUND, OK),
    "Sysnative\\wow64.dll": (OK, PATH_NOT_FOUND),
    "Sysnative": (OK, NOT_FOUND),
    "System32\\only32.txt": (OK + "\n  for 32-bit eyes", NOT_FOUND),
    "regedit.exe": (OK + "\n  regedit 32", OK + "\n  regedit 64"),
    "final path of System32\\kernel32.dll": (OK + "\n  \\\\?\\C:\\Windows\\SysWOW64\\kernel32.dll",
                                             OK + "\n  \\\\?\\C:\\Windows\\System32\\kernel32.dll"),
    "C:\\Windows + System32\\wow64.dll": ("status=0xc0000034", "status=0x00000000"),
    "C:\\Windows\\System32 + wow64.dll": ("status=0xc0000034", "status=0x00000000"),
    "C:\\Windows + Sysnative\\wow64.dll": ("status=0x00000000", "status=0xc000003a"),
    "create System32\\made.txt": (OK, OK),
    "rename it to System32\\moved.txt": (OK, OK),
    "delete System32\\only32.txt": (OK, NOT_FOUND),
}
SWITCH_X86 = """-- the switch
RtlWow64EnableFsRedirectionEx(FALSE): status=0x00000000
  old=0
RtlWow64EnableFsRedirectionEx(TRUE): status=0x00000000
  cur=0
RtlWow64EnableFsRedirectionEx(TRUE) again: status=0x00000000
  cur=1
RtlWow64EnableFsRedirection(TRUE): status=0x00000000
RtlWow64EnableFsRedirectionEx(TRUE, NULL): status=0xc0000005
RtlWow64EnableFsRedirectionEx(FALSE): status=0x00000000
  cur=0
Wow64DisableWow64FsRedirection: ret=1 err=61166
  cookie=0
  disabled: System32\\wow64.dll: ret=1 err=61166
  disabled: Sysnative\\wow64.dll: ret=1 err=61166
Wow64RevertWow64FsRedirection: ret=1 err=61166
Wow64EnableWow64FsRedirection(FALSE): ret=1 err=61166
Wow64EnableWow64FsRedirection(TRUE): ret=1 err=61166
Wow64DisableWow64FsRedirection(NULL): ret=0 err=998
"""
SWITCH_X64 = """-- the switch
RtlWow64EnableFsRedirectionEx(FALSE): status=0xc0000002
  old=43690
RtlWow64EnableFsRedirectionEx(TRUE): status=0xc0000002
  cur=43690
RtlWow64EnableFsRedirectionEx(TRUE) again: status=0xc0000002
  cur=43690
RtlWow64EnableFsRedirection(TRUE): status=0xc0000002
RtlWow64EnableFsRedirectionEx(TRUE, NULL): status=0xc0000002
RtlWow64EnableFsRedirectionEx(FALSE): status=0xc0000002
  cur=43690
Wow64DisableWow64FsRedirection: ret=0 err=1
  cookie=48059
  disabled: System32\\wow64.dll: ret=1 err=61166
  disabled: Sysnative\\wow64.dll: ret=0 err=3
Wow64RevertWow64FsRedirection: ret=0 err=1
Wow64EnableWow64FsRedirection(FALSE): ret=0 err=1
Wow64EnableWow64FsRedirection(TRUE): ret=0 err=1
Wow64DisableWow64FsRedirection(NULL): ret=0 err=1
"""


def _drive(root: Path) -> Path:
    """A C: drive with the user's files in the system folders and beside them."""
    etc = root / "Windows" / "System32" / "drivers" / "etc"
    etc.mkdir(parents=True)
    (etc / "hosts").write_bytes(b"hosts of the machine")
    (root / "Windows" / "SysWOW64").mkdir()
    (root / "Windows" / "SysWOW64" / "only32.txt").write_bytes(b"for 32-bit eyes")
    (root / "Windows" / "SysWOW64" / "regedit.exe").write_bytes(b"regedit 32")
    (root / "Windows" / "regedit.exe").write_bytes(b"regedit 64")
    return root


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[str, Path]]:
    out = {}
    for width in ("x86", "x64"):
        root = _drive(tmp_path_factory.mktemp(width))
        # the program writes in C:\\Windows' folders: an administrator's, as on Windows
        obs, _ = observe(width, "fsredir", root, [], [], elevated=True)
        assert obs.exit_status == 0, obs.stdout + obs.stderr
        out[width] = obs.stdout, root
    return out


def test_what_both_widths_see_alike(runs: dict[str, tuple[str, Path]]) -> None:
    for line in SAME:
        assert line in runs["x86"][0], line
        assert line in runs["x64"][0], line


@pytest.mark.parametrize("width", ["x86", "x64"])
def test_the_documented_differences(runs: dict[str, tuple[str, Path]], width: str) -> None:
    text = runs[width][0]
    for what, seen in DIFFERENT.items():
        assert f"{what}: {seen[width == 'x64']}\n" in text, what


def test_a_listing_of_system32_shows_syswow64_to_a_32_bit_program(runs: dict[str, tuple[str, Path]]) -> None:
    x86, x64 = (runs[w][0].split("System32\\*.dll: ret=1 err=61166\n")[1].split("Windows\\Sys*")[0]
                for w in ("x86", "x64"))
    assert x86.split() == [p.name for p in sorted((SYSROOT / "SysWOW64").glob("*.dll"))]
    assert "wow64.dll" in x64.split() and "wow64.dll" not in x86.split()
    # Sysnative is no folder of C:\Windows: not listed, in either width
    for width in ("x86", "x64"):
        assert "Windows\\Sys*: ret=1 err=61166\n  System32\n  SysWOW64\n-- changes" in runs[width][0]


def test_new_files_land_in_the_folder_the_redirector_chose(runs: dict[str, tuple[str, Path]]) -> None:
    x86_root, x64_root = runs["x86"][1], runs["x64"][1]
    assert (x86_root / "Windows/SysWOW64/moved.txt").is_file()
    assert not (x86_root / "Windows/System32/moved.txt").exists()
    assert (x64_root / "Windows/System32/moved.txt").is_file()
    assert not (x86_root / "Windows/SysWOW64/only32.txt").exists()  # deleted through System32
    assert (x64_root / "Windows/SysWOW64/only32.txt").is_file()


def test_the_per_thread_switch(runs: dict[str, tuple[str, Path]]) -> None:
    assert SWITCH_X86 in runs["x86"][0]
    assert SWITCH_X64 in runs["x64"][0]


def test_every_rewrite_is_a_redirect_event(tmp_path: Path) -> None:
    trace = io.StringIO()
    streams = StdStreams(io.BytesIO(), io.BytesIO(), io.BytesIO())
    Machine(FIXTURES / "bin/x86/fsredir.exe", [], root=_drive(tmp_path), streams=streams,
            tracer=Tracer(JsonlSink(trace)), elevated=True).run(timeout=120)
    events = [e for e in map(json.loads, trace.getvalue().splitlines()) if e["event"] == "redirect"]
    assert {"call", "layer", "event", "kind", "before", "after", "why", "text"} <= set(events[0])
    assert {(e["before"], e["after"], e["why"]) for e in events} >= {
        ("\\??\\C:\\Windows\\System32\\wow64.dll", "\\??\\C:\\Windows\\SysWOW64\\wow64.dll", "System32 -> SysWOW64"),
        ("\\??\\C:\\Windows\\Sysnative\\wow64.dll", "\\??\\C:\\Windows\\System32\\wow64.dll",
         "Sysnative -> System32"),
        ("\\??\\C:\\Windows\\regedit.exe", "\\??\\C:\\Windows\\SysWOW64\\regedit.exe",
         "regedit.exe -> SysWOW64\\regedit.exe"),
        ("\\Device\\HarddiskVolume3\\Windows + System32\\wow64.dll", "\\??\\C:\\Windows\\SysWOW64\\wow64.dll",
         "System32 -> SysWOW64"),
    }
    assert all(e["layer"] == "wow64" for e in events)
    assert not any("drivers\\etc" in e["before"] for e in events)


USER_PROGRAM = r"""
#include <windows.h>
#include <stdio.h>
static int wow64_dll(void)
{
    return GetFileAttributesA("C:\\Windows\\System32\\wow64.dll") != INVALID_FILE_ATTRIBUTES;
}
int main(void)
{
    PVOID cookie;
    BOOL wow64 = FALSE;
    IsWow64Process(GetCurrentProcess(), &wow64);
    printf("wow64 %d\n", wow64);
    printf("System32\\wow64.dll %d\n", wow64_dll());
    SetLastError(0);
    BOOL off = Wow64DisableWow64FsRedirection(&cookie);
    printf("disable %d %lu\n", off, GetLastError());
    printf("System32\\wow64.dll %d\n", wow64_dll());
    if (off)
        printf("revert %d\n", Wow64RevertWow64FsRedirection(cookie));
    printf("System32\\wow64.dll %d\n", wow64_dll());
    return 0;
}
"""


@pytest.mark.parametrize(("width", "expected"), [
    ("x86", "wow64 1\nSystem32\\wow64.dll 0\ndisable 1 0\nSystem32\\wow64.dll 1\nrevert 1\nSystem32\\wow64.dll 0\n"),
    ("x64", "wow64 0\nSystem32\\wow64.dll 1\ndisable 0 1\nSystem32\\wow64.dll 1\nSystem32\\wow64.dll 1\n"),
])
def test_a_toolchain_program_disables_redirection(tmp_path: Path, width: str, expected: str) -> None:
    program = build(USER_PROGRAM, tmp_path / "redir.exe", width, flags=("-O2",), libs=())
    (tmp_path / "c").mkdir()
    ran = run_program(program, tmp_path / "c")
    assert ran.status == 0, ran.stderr
    assert ran.stdout.replace("\r\n", "\n") == expected
