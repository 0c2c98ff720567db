"""The console API of kernel32 in both widths (fixtures/src/console.c; docs/console.md): what the program observes,
the exact bytes the host's streams receive, colours on a terminal and not on a file, one NtDeviceIoControlFile per
console function, and a program linked against mingw-w64's own import library."""

from __future__ import annotations

import io
import os
import re
import shutil
import subprocess
import sys
import tty
from pathlib import Path
from typing import BinaryIO

import pytest

from tests.peread import exports
from wow64emu.kernel.console import StdStreams
from wow64emu.machine import Machine

ROOT = Path(__file__).resolve().parents[1]
BIN = ROOT / "fixtures" / "bin"
WIDTHS = ["x86", "x64"]
STDIN = b"hello\nsecond line\n"

# What console.exe prints, byte for byte: its facts, and what it writes with WriteConsoleW/A between them (the
# text "café über π 中" in code page 437, where 中 is missing, then in 65001).
EXPECTED = b"""\
GetConsoleMode, input: ret=1 err=61166
  mode=0x1f7
GetConsoleMode, output: ret=1 err=61166
  mode=0x3
SetConsoleMode, output 0x20: ret=0 err=87
SetConsoleMode, input 0x400: ret=0 err=87
SetConsoleMode, output 0x7: ret=1 err=61166
  mode=0x7
GetConsoleCP: ret=437 err=61166
GetConsoleOutputCP: ret=437 err=61166
SetConsoleOutputCP 1200: ret=0 err=87
SetConsoleCP 0: ret=0 err=87
SetConsoleCP 850: ret=1 err=61166
GetConsoleCP: ret=850 err=61166
caf\x82 \x81ber \xe3 ?
WriteConsoleW, code page 437: ret=1 err=61166
  written=14
SetConsoleOutputCP 65001: ret=1 err=61166
caf\xc3\xa9 \xc3\xbcber \xcf\x80 \xe4\xb8\xad
WriteConsoleW, code page 65001: ret=1 err=61166
  written=14
plain
WriteConsoleA: ret=1 err=61166
  written=6
WriteConsoleW, nothing: ret=1 err=61166
  written=0
WriteConsoleW, a disk file: ret=0 err=6
GetConsoleMode, a disk file: ret=0 err=6
GetFileType, a disk file: ret=1 err=61166
GetConsoleScreenBufferInfo: ret=1 err=61166
  size=12009001
  cursor=29
  attributes=0x7
  window left top=0
  window right bottom=11900029
  maximum window=12000063
GetConsoleScreenBufferInfo, input: ret=0 err=6
GetConsoleScreenBufferInfoEx, bad cbSize: ret=0 err=87
GetConsoleScreenBufferInfoEx: ret=1 err=61166
  window right bottom=12000039
  popup attributes=0xf5
  colour 1=0xda3700
SetConsoleTextAttribute 0x1e: ret=1 err=61166
  attributes=0x1e
SetConsoleTextAttribute, input: ret=0 err=6
GetConsoleTitleW: ret=14 err=61166
  title="C:\\console.exe"
SetConsoleTitleW: ret=1 err=61166
GetConsoleTitleA, 8 characters: ret=16 err=61166
  title="wow64em"
SetConsoleTitleA: ret=1 err=61166
GetConsoleTitleW: ret=7 err=61166
  title="A title"
GetConsoleWindow: ret=0 err=61166
GetNumberOfConsoleInputEvents: ret=1 err=61166
  events=0
GetNumberOfConsoleInputEvents, output: ret=0 err=6
ReadConsoleW, 4 characters: ret=1 err=61166
  read=4
  text="hell"
GetNumberOfConsoleInputEvents: ret=1 err=61166
  events=3
ReadConsoleW, the rest: ret=1 err=61166
  read=3
  ends with CR LF=1
  text="o"
ReadConsoleA: ret=1 err=61166
  read=13
  text="second line"
ReadConsoleA, the end of the input: ret=1 err=61166
  read=0
ReadConsoleW, output: ret=0 err=6
FlushConsoleInputBuffer: ret=1 err=61166
FlushConsoleInputBuffer, output: ret=0 err=6
GetConsoleProcessList: ret=1 err=61166
  is this process=1
GetConsoleProcessList, no room: ret=0 err=87
SetConsoleCtrlHandler, add: ret=1 err=61166
SetConsoleCtrlHandler, remove: ret=1 err=61166
SetConsoleCtrlHandler, remove again: ret=0 err=87
SetConsoleCtrlHandler NULL, TRUE: ret=1 err=61166
  ConsoleFlags=1
SetConsoleCtrlHandler NULL, FALSE: ret=1 err=61166
  ConsoleFlags=0
GenerateConsoleCtrlEvent CTRL_C_EVENT: ret=1 err=61166
GenerateConsoleCtrlEvent 5: ret=0 err=87
GetStartupInfoW
  cb is its size=1
  dwFlags=0x0
  wShowWindow=0
  hStdInput is NULL=1
  lpTitle="C:\\console.exe"
  lpDesktop="Winsta0\\Default"
  lpReserved=NULL
  cbReserved2=0
GetStartupInfoA
  cb is its size=1
  lpTitle="C:\\console.exe"
  lpDesktop="Winsta0\\Default"
SetStdHandle 5: ret=0 err=6
SetStdHandle STD_ERROR_HANDLE: ret=1 err=61166
  GetStdHandle gives it=1
GetFileType, input: ret=2 err=61166
GetFileType, output: ret=2 err=61166
AllocConsole: ret=0 err=5
AttachConsole ATTACH_PARENT_PROCESS: ret=0 err=5
FreeConsole: ret=1 err=61166
GetConsoleMode, detached: ret=0 err=6
GetConsoleCP, detached: ret=0 err=6
FreeConsole, detached: ret=0 err=87
AttachConsole, this process: ret=0 err=6
AttachConsole ATTACH_PARENT_PROCESS: ret=1 err=61166
GetConsoleMode, attached again: ret=1 err=61166
AllocConsole, detached: ret=1 err=61166
  new standard output=1
new console
WriteConsoleA, the new output: ret=1 err=61166
"""

WARNING = (b"wow64emu: WARNING: GenerateConsoleCtrlEvent: the control handlers are not run (Windows runs them in a "
           b"new thread; threads are not emulated yet)\n")


def run(program: Path, args: list[str], root: Path, stdout: BinaryIO, stdin: bytes = b"") -> tuple[int, Machine]:
    streams = StdStreams(io.BytesIO(stdin), stdout, io.BytesIO())
    machine = Machine(program, args, root=root, streams=streams)
    return machine.run(timeout=60).exit_status, machine


@pytest.mark.parametrize("width", WIDTHS)
def test_console_functions_observe_what_windows_gives(width: str, tmp_path: Path,
                                                      caplog: pytest.LogCaptureFixture) -> None:
    stdout = io.BytesIO()
    status, _ = run(BIN / width / "console.exe", [], tmp_path, stdout, STDIN)
    assert status == 0
    assert stdout.getvalue().splitlines() == EXPECTED.splitlines()
    assert stdout.getvalue() == EXPECTED
    assert [r.getMessage() for r in caplog.records if r.levelname == "WARNING"] == [
        WARNING.decode()[len("wow64emu: WARNING: "):-1]]


def test_the_cli_prints_the_control_event_warning(tmp_path: Path) -> None:
    result = subprocess.run([sys.executable, "-m", "wow64emu", "run", "--root", str(tmp_path),
                             str(BIN / "x86" / "console.exe")], input=STDIN, capture_output=True, timeout=120,
                            env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert (result.returncode, result.stdout) == (0, EXPECTED)
    assert result.stderr == WARNING


@pytest.mark.parametrize("width", WIDTHS)
def test_text_attributes_are_colour_escapes_on_a_terminal(width: str, tmp_path: Path) -> None:
    master, slave = os.openpty()
    tty.setraw(slave)  # the bytes as the program wrote them: no "\n" -> "\r\n" of the line discipline
    try:
        with open(slave, "wb", buffering=0, closefd=False) as terminal:
            status, _ = run(BIN / width / "console.exe", ["colours"], tmp_path, terminal)
        os.set_blocking(master, False)
        received = os.read(master, 4096)
    finally:
        os.close(slave)
        os.close(master)
    assert status == 0
    assert received == b"[\x1b[91;40mred\x1b[93;44myellow-on-blue\x1b[0m]\n"


@pytest.mark.parametrize("width", WIDTHS)
def test_text_attributes_write_nothing_to_a_file(width: str, tmp_path: Path) -> None:
    stdout = io.BytesIO()
    status, machine = run(BIN / width / "console.exe", ["colours"], tmp_path, stdout)
    assert (status, stdout.getvalue()) == (0, b"[redyellow-on-blue]\n")
    # One request to the console driver per console function: four WriteConsoleA, three SetConsoleTextAttribute.
    calls = {name: n for (name, failed), n in machine.entry.served.items() if not failed}
    assert calls["NtDeviceIoControlFile"] == 7


@pytest.mark.parametrize("sysdir", ["SysWOW64", "System32"])
def test_the_console_functions_keep_their_ordinals(sysdir: str) -> None:
    fixed = {m[1]: int(m[2]) for m in re.finditer(r"^ +(\w+)@\d+ @(\d+)$",
                                                  (ROOT / "guest/kernel32/exports/console.def").read_text(), re.M)}
    assert len(fixed) == 29 and all(950 <= n < 1000 for n in fixed.values())
    built = exports(ROOT / "wow64emu/sysroot/Windows" / sysdir / "kernel32.dll")
    assert {name: built[name].ordinal for name in fixed} == fixed


# A program built with the standard toolchain against mingw-w64's own libkernel32.a, as a user would build one.
MINGW_PROGRAM = r"""
#include <windows.h>
void start(void)
{
    HANDLE out = GetStdHandle(STD_OUTPUT_HANDLE);
    DWORD mode = 0, written = 0;
    BOOL console = GetConsoleMode(out, &mode);
    WriteConsoleW(out, L"mingw: \x00e9t\x00e9\n", 11, &written, NULL);
    ExitProcess(console ? mode << 4 | written : 255);
}
"""
COMPILERS = {"x86": ("i686-w64-mingw32-gcc", "_start"), "x64": ("x86_64-w64-mingw32-gcc", "start")}


@pytest.mark.parametrize("width", WIDTHS)
def test_a_standard_toolchain_program_uses_the_console(width: str, tmp_path: Path) -> None:
    compiler, entry = COMPILERS[width]
    if shutil.which(compiler) is None:
        pytest.skip(f"{compiler} is not installed")
    source, program = tmp_path / "prog.c", tmp_path / "prog.exe"
    source.write_text(MINGW_PROGRAM)
    subprocess.run([compiler, "-O2", "-nostdlib", "-e", entry, str(source), "-o", str(program), "-lkernel32"],
                   check=True, capture_output=True)
    (tmp_path / "root").mkdir()
    stdout = io.BytesIO()
    status, _ = run(program, [], tmp_path / "root", stdout)
    assert stdout.getvalue() == b"mingw: \x82t\x82\n"  # code page 437
    assert status == 0x3 << 4 | 11  # the output mode, and 11 characters written
