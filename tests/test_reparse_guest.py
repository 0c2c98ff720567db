"""Links from guest programs: kernel32's junctions (DeviceIoControl), symbolic and hard links in both widths
(fixtures/src/oracle_links.c, an oracle scenario: the 32-bit run through WoW64 must observe what the 64-bit one
does), the seed's junction out of the WoW64 jail (fixtures/src/junction.c), and a program built by the plain
toolchain command that calls CreateSymbolicLinkW and CreateHardLinkW."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from tests.oracle import Coverage, check
from tests.toolchain import build
from wow64emu.kernel.console import StdStreams
from wow64emu.machine import Machine

BIN = Path(__file__).resolve().parent.parent / "fixtures" / "bin"


def run(program: Path, root: Path, *, developer_mode: bool = False, elevated: bool = False) -> tuple[int, str]:
    """Runs `program` on the C: drive `root` (Developer Mode on, an elevated administrator, if asked); its exit
    status and output."""
    streams = StdStreams(io.BytesIO(), io.BytesIO(), io.BytesIO())
    machine = Machine(program, [], root=root, streams=streams, elevated=elevated)
    machine.system.volume.developer_mode = developer_mode
    status = machine.run(timeout=60).exit_status
    return status, streams.stdout.getvalue().decode("latin-1")


LINKS = """junction: ok
get C:\\junction: tag a0000003 returned 46 substitute \\??\\C:\\target
read C:\\junction\\inside.txt: through the junction
final path of C:\\junction\\inside.txt: \\\\?\\C:\\target\\inside.txt
attributes C:\\junction: 410 find 410 tag a0000003
attributes C:\\target: 10 find 10 tag 0
get C:\\target: failed error=4390
junction on a non-empty folder: failed error=145
junction to D:: ok
read C:\\to_d\\inside.txt: failed error=3
junction above C:: ok
read C:\\above\\inside.txt: failed error=123
loop a: ok
loop b: ok
read C:\\a\\inside.txt: failed error=1921
unknown control code: failed error=1
symbolic link: failed error=1314
read C:\\sym.txt: failed error=2
hard link: ok
read C:\\hard.txt: through the junction
hard link again: failed error=183
hard link of a folder: failed error=5
remove the junction: ok
read C:\\target\\inside.txt: through the junction
"""


def test_links_from_kernel32_observe_the_same_in_both_widths(tmp_path: Path, oracle_coverage: Coverage) -> None:
    obs = check("oracle_links", tmp_path, oracle_coverage)
    assert obs.stdout == LINKS
    assert "junction" not in obs.files and "sym.txt" not in obs.files
    assert obs.files["hard.txt"] == obs.files["target/inside.txt"] == b"through the junction"
    drive = tmp_path / "x86"
    assert (drive / "hard.txt").stat().st_ino == (drive / "target" / "inside.txt").stat().st_ino


@pytest.mark.parametrize("width", ["x86", "x64"])
def test_a_symbolic_link_with_developer_mode(width: str, tmp_path: Path) -> None:
    status, out = run(BIN / width / "oracle_links.exe", tmp_path, developer_mode=True)
    expected = LINKS.replace("symbolic link: failed error=1314\nread C:\\sym.txt: failed error=2\n",
                             "symbolic link: ok\nread C:\\sym.txt: through the junction\n")
    assert (status, out) == (0, expected)
    assert (tmp_path / "sym.txt").read_bytes() == b""  # the link is an empty file with a reparse point


JAIL_BREAK = """mkdir C:\\Windows\\System64: ok
junction C:\\Windows\\System64 -> C:\\Windows\\System32: ok
C:\\Windows\\System64\\kernel32.dll: machine 0x8664
C:\\Windows\\System64\\wow64cpu.dll exists: yes
C:\\Windows\\System32\\kernel32.dll: machine 0x{machine}
C:\\Windows\\System32\\wow64cpu.dll exists: {exists}
"""


def test_the_junction_gives_the_64_bit_folder_natively_as_through_system32(tmp_path: Path) -> None:
    # making a folder in C:\\Windows is an administrator's, as on Windows
    expected = (0, JAIL_BREAK.format(machine="8664", exists="yes"))
    assert run(BIN / "x64" / "junction.exe", tmp_path, elevated=True) == expected


def test_the_seeds_junction_leads_a_32_bit_process_out_of_the_redirection(tmp_path: Path) -> None:
    expected = (0, JAIL_BREAK.format(machine="14c", exists="no"))
    assert run(BIN / "x86" / "junction.exe", tmp_path, elevated=True) == expected


TOOLCHAIN_PROGRAM = r"""
#include <windows.h>
#include <stdio.h>

int main(void)
{
    char text[16] = { 0 };
    DWORD n;
    HANDLE h = CreateFileW(L"C:\\data.txt", GENERIC_WRITE, 0, NULL, CREATE_ALWAYS, 0, NULL);
    WriteFile(h, "linked", 6, &n, NULL);
    CloseHandle(h);
    BOOL hard = CreateHardLinkW(L"C:\\hard.txt", L"C:\\data.txt", NULL);
    printf("CreateHardLinkW %d %lu\n", hard, hard ? 0 : GetLastError());
    BOOLEAN sym = CreateSymbolicLinkW(L"C:\\sym.txt", L"data.txt", SYMBOLIC_LINK_FLAG_ALLOW_UNPRIVILEGED_CREATE);
    printf("CreateSymbolicLinkW %d %lu\n", sym, sym ? 0 : GetLastError());
    h = CreateFileW(L"C:\\hard.txt", GENERIC_READ, FILE_SHARE_READ, NULL, OPEN_EXISTING, 0, NULL);
    ReadFile(h, text, sizeof text - 1, &n, NULL);
    CloseHandle(h);
    printf("hard.txt: %s\n", text);
    printf("sym.txt attributes %lx\n", GetFileAttributesW(L"C:\\sym.txt"));
    return 0;
}
"""


@pytest.mark.parametrize("width", ["x86", "x64"])
@pytest.mark.parametrize("developer_mode", [False, True])
def test_a_toolchain_program_makes_links(width: str, developer_mode: bool, tmp_path: Path) -> None:
    program = build(TOOLCHAIN_PROGRAM, tmp_path / f"links_{width}.exe", width, flags=("-O2",), libs=())
    root = tmp_path / "c"
    root.mkdir()
    symbolic = "1 0" if developer_mode else "0 1314"
    attributes = "420" if developer_mode else "ffffffff"
    status, out = run(program, root, developer_mode=developer_mode)
    assert (status, out.replace("\r\n", "\n")) == (0, (  # stdout in text mode
        f"CreateHardLinkW 1 0\nCreateSymbolicLinkW {symbolic}\nhard.txt: linked\nsym.txt attributes {attributes}\n"))
