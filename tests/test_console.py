"""The console API of kernel32 in both widths (fixtures/src/console.c; docs/console.md): what the program observes,
the exact bytes the host's streams receive, colours on a terminal and not on a file, one NtDeviceIoControlFile per
console function, and a program linked against mingw-w64's own import library."""

from __future__ import annotations

import io
import json
import os
import random
import re
import shutil
import subprocess
import sys
import threading
import time
import tty
from pathlib import Path
from typing import BinaryIO

import pytest

from tests.conftest import KernelRig, kernel_rig
from tests.peread import exports
from wow64emu.emu.memory import MemType, Prot
from wow64emu.emu.trace import Tracer
from wow64emu.emu.tracejsonl import JsonlSink
from wow64emu.kernel import console as C
from wow64emu.kernel.console import StdStreams
from wow64emu.kernel.devices import NullDevice
from wow64emu.kernel.fileobject import FILE_SYNCHRONOUS_IO_NONALERT
from wow64emu.machine import Machine
from wow64emu.nt.status import NTSTATUS

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
  window right bottom=11900038
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
SetConsoleCtrlHandler until it fails: ret=64 err=8
SetConsoleCtrlHandler NULL, TRUE: ret=1 err=61166
  ConsoleFlags=1
SetConsoleCtrlHandler NULL, FALSE: ret=1 err=61166
  ConsoleFlags=0
GenerateConsoleCtrlEvent CTRL_C_EVENT: ret=1 err=61166
  the handler took=0
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
SetConsoleCtrlHandler, remove after FreeConsole: ret=0 err=87
GetConsoleMode, detached: ret=0 err=6
GetConsoleCP, detached: ret=0 err=6
FreeConsole, detached: ret=1 err=61166
AttachConsole, this process: ret=0 err=6
AttachConsole ATTACH_PARENT_PROCESS: ret=1 err=61166
GetConsoleMode, attached again: ret=1 err=61166
AllocConsole, detached: ret=1 err=61166
  new standard output=1
new console
WriteConsoleA, the new output: ret=1 err=61166
"""

def run(program: Path, args: list[str], root: Path, stdout: BinaryIO, stdin: bytes = b"",
        tracer: Tracer | None = None) -> tuple[int, Machine]:
    streams = StdStreams(io.BytesIO(stdin), stdout, io.BytesIO())
    machine = Machine(program, args, root=root, streams=streams, tracer=tracer)
    return machine.run(timeout=60).exit_status, machine


@pytest.mark.parametrize("width", WIDTHS)
def test_console_functions_observe_what_windows_gives(width: str, tmp_path: Path,
                                                      caplog: pytest.LogCaptureFixture) -> None:
    stdout = io.BytesIO()
    status, _ = run(BIN / width / "console.exe", [], tmp_path, stdout, STDIN)
    assert status == 0
    assert stdout.getvalue().splitlines() == EXPECTED.splitlines()
    assert stdout.getvalue() == EXPECTED
    assert [r.getMessage() for r in caplog.records if r.levelname == "WARNING"] == []


def test_the_cli_runs_the_console_program_without_a_warning(tmp_path: Path) -> None:
    result = subprocess.run([sys.executable, "-m", "wow64emu", "run", "--root", str(tmp_path),
                             str(BIN / "x86" / "console.exe")], input=STDIN, capture_output=True, timeout=120,
                            env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert (result.returncode, result.stdout, result.stderr) == (0, EXPECTED, b"")


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
    stdout, trace = io.BytesIO(), io.StringIO()
    status, _ = run(BIN / width / "console.exe", ["colours"], tmp_path, stdout, tracer=Tracer(JsonlSink(trace)))
    assert (status, stdout.getvalue()) == (0, b"[redyellow-on-blue]\n")
    # One request to the console driver per console function, the trace naming the function.
    kernel = [json.loads(line) for line in trace.getvalue().splitlines() if '"layer":"kernel"' in line]
    requests = [re.search(r"InputBuffer=0x[0-9a-f]+ \((\w+)\)", e["text"])[1]
                for e in kernel if e["event"] == "service" and e["name"] == "NtDeviceIoControlFile"]
    assert requests == ["WriteConsole", "SetConsoleTextAttribute"] * 3 + ["WriteConsole"]


@pytest.mark.parametrize("sysdir", ["SysWOW64", "System32"])
def test_the_console_functions_keep_their_ordinals(sysdir: str) -> None:
    fixed = {m[1]: int(m[2]) for m in re.finditer(r"^ +(\w+)@\d+ @(\d+)$",
                                                  (ROOT / "guest/kernel32/exports/console.def").read_text(), re.M)}
    assert len(fixed) == 30 and all(950 <= n < 1000 for n in fixed.values())
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


# ---- the console driver's requests, served directly ------------------------------------------------------------

SCRATCH = 0x20000000
SCRATCH_SIZE = 0x400000
IOSB = SCRATCH
REQUEST = SCRATCH + 0x10
OUTPUT = SCRATCH + 0x100
DATA = SCRATCH + 0x1000


class Console:
    def __init__(self, rig: KernelRig) -> None:
        self.rig = rig
        self.connection = C.connect(rig.process)
        self.stdin, self.stdout, self.stderr = C.create_std_handles(rig.process)

    def request(self, api: int, obj: int = 0, arguments: tuple[int, int] = (0, 0), data: bytes | None = None,
                data_length: int | None = None, output_length: int = 0, handle: int | None = None,
                code: int = C.IOCTL_CONDRV_ISSUE_USER_IO) -> tuple[int, int]:
        """(status, the IO_STATUS_BLOCK's Information or None when it was not written)."""
        memory = self.rig.process.memory
        if data is not None:
            memory.write(DATA, data)
        length = len(data or b"") if data_length is None else data_length
        memory.write(REQUEST, C.REQUEST.pack(api, *arguments, 0, obj, DATA, length, 0))
        memory.write(IOSB, b"\xee" * 16)
        status = self.rig.call("NtDeviceIoControlFile", self.connection if handle is None else handle, 0, 0, 0, IOSB,
                               code, REQUEST, C.REQUEST.size, OUTPUT, output_length)
        written = memory.read(IOSB, 16)
        return status, None if written == b"\xee" * 16 else int.from_bytes(written[8:], "little")


@pytest.fixture
def console(tmp_path: Path) -> Console:
    rig = kernel_rig(tmp_path)
    rig.process.memory.map_committed(SCRATCH, SCRATCH_SIZE, MemType.PRIVATE, Prot.READWRITE, "scratch")
    return Console(rig)


def test_a_write_is_converted_in_pieces_whatever_its_length(console: Console) -> None:
    # A surrogate pair across the boundary of two pieces, in 3 MB of UTF-16 written as UTF-8.
    assert console.request(C.SET_CP, arguments=(1, 65001)) == (NTSTATUS.SUCCESS, 0)
    text = "a" * (C.MAX_TEXT // 2 - 1) + "\U0001F600" + "b" * (C.MAX_TEXT // 2)
    data = text.encode("utf-16-le")
    assert console.request(C.WRITE_CONSOLE, console.stdout, (1, 0), data) == (NTSTATUS.SUCCESS, len(data) // 2)
    assert console.rig.system.streams.stdout.getvalue() == text.encode("utf-8")


def test_text_the_guest_cannot_read_is_an_access_violation_before_any_is_written(console: Console) -> None:
    past_the_end = SCRATCH + SCRATCH_SIZE - DATA + 2
    assert console.request(C.WRITE_CONSOLE, console.stdout, (0, 0), b"x", past_the_end) == (
        NTSTATUS.ACCESS_VIOLATION, None)
    assert console.rig.system.streams.stdout.getvalue() == b""


def test_a_title_is_read_up_to_its_limit(console: Console) -> None:
    assert console.request(C.SET_TITLE, arguments=(0, 0), data=b"t" * (C.MAX_TITLE + 100)) == (NTSTATUS.SUCCESS, 0)
    assert console.request(C.GET_TITLE, arguments=(0, 0), output_length=4) == (NTSTATUS.SUCCESS, C.MAX_TITLE)
    assert console.rig.process.memory.read(OUTPUT, 5) == b"tttt\x00"


@pytest.mark.parametrize(("obj", "api"), [("stdin", C.WRITE_CONSOLE), ("stdout", C.READ_CONSOLE),
                                          ("stdout", C.FLUSH_INPUT_BUFFER), ("stdin", C.GET_SCREEN_BUFFER_INFO),
                                          ("connection", C.GET_MODE), ("none", C.GET_MODE)])
def test_a_handle_of_the_wrong_kind_is_invalid(console: Console, obj: str, api: int) -> None:
    handle = {"stdin": console.stdin, "stdout": console.stdout, "connection": console.connection, "none": 0}[obj]
    assert console.request(api, handle, output_length=0x60) == (NTSTATUS.INVALID_HANDLE, None)


def test_devices_without_control_codes_refuse_them(console: Console) -> None:
    null = console.rig.process.handles.insert(NullDevice(C.STD_ACCESS, FILE_SYNCHRONOUS_IO_NONALERT))
    for handle in (null, console.stdout):
        assert console.request(C.GET_CP, handle=handle) == (NTSTATUS.INVALID_DEVICE_REQUEST, None)


def test_the_process_list_is_given_only_when_it_fits(console: Console) -> None:
    pid = console.rig.process.pid
    memory = console.rig.process.memory
    memory.write(OUTPUT, b"\xee" * 8)
    assert console.request(C.GET_PROCESS_LIST, output_length=3) == (NTSTATUS.SUCCESS, 1)
    assert memory.read(OUTPUT, 4) == b"\xee" * 4
    assert console.request(C.GET_PROCESS_LIST, output_length=8) == (NTSTATUS.SUCCESS, 1)
    assert memory.read(OUTPUT, 8) == pid.to_bytes(4, "little") + b"\xee" * 4
    assert console.rig.call("NtClose", console.connection) == NTSTATUS.SUCCESS  # FreeConsole
    assert pid not in console.rig.system.console.attached


@pytest.mark.parametrize(("mode", "text", "cursor"), [
    (3, "a" * 119, (119, 0)), (3, "a" * 120, (0, 1)), (3, "a" * 250 + "\tb", (17, 2)), (3, "ab\b\b\bc\r", (0, 0)),
    (3, "x\n\n\ny\a", (1, 3)), (1, "a" * 250, (119, 0)), (2, "a\nb\r", (4, 0)), (3, "\n" * 9100, (0, 9000)),
])
def test_the_cursor_follows_what_is_written(console: Console, mode: int, text: str, cursor: tuple[int, int]) -> None:
    assert console.request(C.SET_MODE, console.stdout, (mode, 0))[0] == NTSTATUS.SUCCESS
    assert console.request(C.WRITE_CONSOLE, console.stdout, (1, 0), text.encode("utf-16-le"))[0] == NTSTATUS.SUCCESS
    assert console.request(C.GET_SCREEN_BUFFER_INFO, console.stdout, output_length=0x60) == (NTSTATUS.SUCCESS, 0x60)
    info = C.SCREEN_BUFFER_INFO.unpack(console.rig.process.memory.read(OUTPUT, 0x60))
    assert (info[3], info[4]) == cursor
    top = max(0, cursor[1] - 29)
    assert info[6:10] == (0, top, 119, top + 29)  # the window follows the cursor down


def test_random_requests_end_in_a_status(console: Console) -> None:
    """Every API with arguments, handles, lengths and pointers from a seeded generator: a status each, quickly."""
    rng = random.Random(10)
    handles = [0, console.stdin, console.stdout, console.stderr, console.connection, 0x1234, 0xFFFFFFFFFFFFFFFF]
    numbers = [0, 1, 0x7FFFFFFF, 0xFFFFFFFF, 437, 65001, 0xFFFF]
    apis = [api for api in vars(C).values() if isinstance(api, int) and 0x01000000 <= api < 0x04000000]
    memory = console.rig.process.memory
    start = time.monotonic()
    for _ in range(400):
        api = rng.choice(apis)
        data_length = rng.choice([0, 1, 2, 7, 0x1000, 0xFFFFFFFF])
        data = rng.choice([DATA, 0, SCRATCH + SCRATCH_SIZE - 2, 0xFFFFFFFFFFFF0000])
        output_length = rng.choice([0, 3, 0x60, 0x1000, 0xFFFFFFFF])
        memory.write(REQUEST, C.REQUEST.pack(api, rng.choice(numbers), rng.choice(numbers), rng.choice(numbers),
                                             rng.choice(handles), data, data_length, rng.getrandbits(32)))
        status = console.rig.call("NtDeviceIoControlFile", console.connection, 0, 0, 0, IOSB,
                                  C.IOCTL_CONDRV_ISSUE_USER_IO, REQUEST, C.REQUEST.size,
                                  rng.choice([OUTPUT, 0, 0xFFFFFFFFFFFF0000]), output_length)
        assert NTSTATUS.name_of(status).startswith("STATUS_"), hex(status)
    assert time.monotonic() - start < 30


def terminal_console(raw: bool) -> tuple[C.Console, int, BinaryIO]:
    """A Console whose input is a pseudo terminal (in raw mode if asked): the console, the terminal's other side
    (where the test types), and the input stream (for the test to close)."""
    master, slave = os.openpty()
    if raw:
        tty.setraw(slave)
    stdin = os.fdopen(slave, "rb")
    return C.Console(StdStreams(stdin, io.BytesIO(), io.BytesIO())), master, stdin


def test_a_terminal_is_read_a_line_at_a_time_through_the_console_s_buffer() -> None:
    # Two lines typed ahead: the terminal gives them one read each; a read shorter than the line takes its first
    # bytes and leaves the rest to the next, as the host stream's readline did; the console holds what it read.
    console, master, stdin = terminal_console(raw=False)
    try:
        os.write(master, b"first\nsecond\n")
        assert console.host_line(3) == b"fir"
        assert console.unread() == 3
        assert console.host_line(64) == b"st\n"
        assert console.host_line(64) == b"second\n"
        os.write(master, b"dropped\n")
        console.host_line(1)
        console.flush_input()  # FlushConsoleInputBuffer
        assert console.unread() == 0
    finally:
        stdin.close()
        os.close(master)


def test_a_terminal_in_raw_mode_still_gives_whole_lines() -> None:
    # In raw mode the terminal gives what was typed so far: the read waits for the rest of the line.
    console, master, stdin = terminal_console(raw=True)
    try:
        os.write(master, b"ab")
        threading.Timer(0.2, lambda: os.write(master, b"c\nnext")).start()
        assert console.host_line(64) == b"abc\n"
        assert console.host_line(4) == b"next"  # the limit ends a read too
    finally:
        stdin.close()
        os.close(master)
