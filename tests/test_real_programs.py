"""Programs as users build them with the standard toolchain (tests/toolchain.py), run in both widths: what the loader
says of the imports they lack, and what they can do with what is there."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from tests.toolchain import build
from wow64emu.kernel.console import StdStreams
from wow64emu.machine import Machine

WIDTHS = ["x86", "x64"]

SELF_READ = r"""
#include <windows.h>
static void out(const char *s)
{
    DWORD n, l = 0;
    while (s[l])
        l++;
    WriteFile(GetStdHandle(STD_OUTPUT_HANDLE), s, l, &n, 0);
}
static void dec(DWORD v)
{
    char b[12];
    int i = 11;
    b[i] = 0;
    do { b[--i] = '0' + v % 10; v /= 10; } while (v);
    out(b + i);
}
void start(void)
{
    char path[MAX_PATH], head[3] = {0};
    DWORD n = 0;
    HANDLE h;
    GetModuleFileNameA(NULL, path, MAX_PATH);
    out(path);
    out("\n");
    h = CreateFileA(path, GENERIC_READ, FILE_SHARE_READ, 0, OPEN_EXISTING, 0, 0);
    if (h == INVALID_HANDLE_VALUE) { out("open failed "); dec(GetLastError()); out("\n"); ExitProcess(1); }
    ReadFile(h, head, 2, &n, 0);
    out(head);
    out(" ");
    dec(GetFileSize(h, 0));
    out("\n");
    ExitProcess(0);
}
"""


def run(program: Path, root: Path, *args: str) -> tuple[int, str]:
    streams = StdStreams(io.BytesIO(), io.BytesIO(), io.BytesIO())
    status = Machine(program, list(args), root=root, streams=streams).run(timeout=60).exit_status
    return status, streams.stdout.getvalue().decode()


@pytest.mark.parametrize("width", WIDTHS)
def test_a_program_opens_its_own_file_by_the_name_get_module_file_name_gives(width: str, tmp_path: Path) -> None:
    # The program lives outside the C: drive; it reads itself (launchers and installers do) at C:\NAME.
    (tmp_path / "host").mkdir()
    program = build(SELF_READ, tmp_path / "host" / "selfread.exe", width)
    root = tmp_path / "c"
    root.mkdir()
    status, out = run(program, root)
    assert (status, out) == (0, f"C:\\selfread.exe\nMZ {program.stat().st_size}\n")
    # A file of that name the drive already holds is the drive's, left as it is.
    (root / "selfread.exe").write_bytes(b"MZ-not-this-one")
    assert run(program, root) == (0, "C:\\selfread.exe\nMZ 15\n")
