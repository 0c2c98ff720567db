"""cmd.exe of the sysroot (guest/cmd, docs/cmd.md), in both widths: the 32-bit one from SysWOW64 through WoW64,
the 64-bit one from System32. Output is cmd's: CR LF line ends, messages on stderr, ERRORLEVEL as the exit code."""

from __future__ import annotations

import io
import os
import pty
import re
import select
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import IO

import pefile
import pytest

from tests.ctrlc import default_sigint
from wow64emu.kernel.console import StdStreams
from wow64emu.loader.environment import default_environment, wow64_environment
from wow64emu.machine import Machine

SYSROOT = Path(__file__).resolve().parent.parent / "wow64emu" / "sysroot" / "Windows"
BIN = Path(__file__).resolve().parent.parent / "fixtures" / "bin"
CMD = {"x86": SYSROOT / "SysWOW64" / "cmd.exe", "x64": SYSROOT / "System32" / "cmd.exe"}
WIDTHS = ["x86", "x64"]
NOT_RECOGNIZED = ("'{}' is not recognized as an internal or external command,\r\n"
                  "operable program or batch file.\r\n")


@pytest.mark.parametrize(("width", "machine"), [("x86", 0x14C), ("x64", 0x8664)])
def test_cmd_exe_is_a_console_program_importing_kernel32_and_ntdll_only(width: str, machine: int) -> None:
    pe = pefile.PE(str(CMD[width]))
    try:
        assert pe.FILE_HEADER.Machine == machine and pe.OPTIONAL_HEADER.Subsystem == 3  # console
        assert pe.FILE_HEADER.TimeDateStamp == 0
        assert {entry.dll.decode().lower() for entry in pe.DIRECTORY_ENTRY_IMPORT} == {"kernel32.dll", "ntdll.dll"}
    finally:
        pe.close()


def cmd(width: str, root: Path, *args: str, stdin: bytes = b"") -> tuple[int, str, str]:
    streams = StdStreams(io.BytesIO(stdin), io.BytesIO(), io.BytesIO())
    outcome = Machine(CMD[width], list(args), root=root, streams=streams).run(timeout=60)
    return (outcome.exit_status, streams.stdout.getvalue().decode("ascii"),
            streams.stderr.getvalue().decode("ascii"))


def run_c(width: str, root: Path, line: str) -> tuple[int, str, str]:
    return cmd(width, root, "/c", line)


@pytest.mark.parametrize("width", WIDTHS)
def test_echo(width: str, tmp_path: Path) -> None:
    assert run_c(width, tmp_path, "echo hello  world") == (0, "hello  world\r\n", "")
    assert run_c(width, tmp_path, "echo.") == (0, "\r\n", "")
    assert run_c(width, tmp_path, "echo") == (0, "ECHO is on.\r\n", "")
    assert run_c(width, tmp_path, "echo off&echo&echo on&echo") == (0, "ECHO is off.\r\nECHO is on.\r\n", "")
    assert run_c(width, tmp_path, "ECHO a & echo b")[1] == "a \r\nb\r\n"  # the blank before & is echoed


@pytest.mark.parametrize("width", WIDTHS)
def test_set_processor(width: str, tmp_path: Path) -> None:
    status, out, _ = run_c(width, tmp_path, "set PROCESSOR")
    arch = ["PROCESSOR_ARCHITECTURE=x86", "PROCESSOR_ARCHITEW6432=AMD64"] if width == "x86" else [
        "PROCESSOR_ARCHITECTURE=AMD64"]
    assert status == 0
    assert out.split("\r\n") == [*arch, "PROCESSOR_IDENTIFIER=Intel64 Family 6 Model 158 Stepping 10, GenuineIntel",
                                 "PROCESSOR_LEVEL=6", "PROCESSOR_REVISION=9e0a", ""]


@pytest.mark.parametrize("width", WIDTHS)
def test_set_lists_the_environment_sorted_with_prompt(width: str, tmp_path: Path) -> None:
    status, out, _ = run_c(width, tmp_path, "set")
    env = wow64_environment(default_environment(), wow64=width == "x86")
    env.set("PROMPT", "$P$G")  # cmd sets it when it starts
    assert status == 0
    assert out == "".join(f"{name}={value}\r\n" for name, value in env if not name.startswith("="))


@pytest.mark.parametrize("width", WIDTHS)
def test_set_a_variable_and_a_prefix_not_defined(width: str, tmp_path: Path) -> None:
    assert run_c(width, tmp_path, "set MY_VAR=one=1&& set my_") == (0, "MY_VAR=one=1\r\n", "")
    assert run_c(width, tmp_path, "set MY_VAR=2 && set my_")[1] == "MY_VAR=2 \r\n"  # the blank is the value's
    # %VAR% is expanded when the line is read, before `set` runs: the command line keeps an undefined reference
    assert run_c(width, tmp_path, "set MY_VAR=1 & echo %MY_VAR% %OS%")[1] == "%MY_VAR% Windows_NT\r\n"
    assert run_c(width, tmp_path, "set Q=a b& set OS=& set Q& set OS") == (
        1, "Q=a b\r\n", "Environment variable OS not defined\r\n")
    assert run_c(width, tmp_path, "set NO_SUCH_PREFIX") == (
        1, "", "Environment variable NO_SUCH_PREFIX not defined\r\n")


@pytest.mark.parametrize("width", WIDTHS)
def test_ver(width: str, tmp_path: Path) -> None:
    assert run_c(width, tmp_path, "ver") == (0, "\r\nMicrosoft Windows [Version 10.0.19045.3803]\r\n", "")


@pytest.mark.parametrize("width", WIDTHS)
def test_type(width: str, tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_bytes(b"line one\r\nline two\r\n")
    assert run_c(width, tmp_path, "type notes.txt") == (0, "line one\r\nline two\r\n", "")
    assert run_c(width, tmp_path, "type C:\\notes.txt")[1] == "line one\r\nline two\r\n"
    assert run_c(width, tmp_path, "type missing.txt") == (1, "", "The system cannot find the file specified.\r\n")


DATE = r"\d\d/\d\d/\d{4}  \d\d:\d\d [AP]M"


@pytest.mark.parametrize("width", WIDTHS)
def test_dir(width: str, tmp_path: Path) -> None:
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "big.bin").write_bytes(b"x" * 1234567)
    (tmp_path / "sub" / "a.txt").write_bytes(b"hello")
    (tmp_path / "sub" / "Inner").mkdir()
    status, out, err = run_c(width, tmp_path, "dir sub")
    lines = out.split("\r\n")
    assert (status, err) == (0, "")
    assert lines[:5] == [" Volume in drive C has no label.", " Volume Serial Number is 1C2B-3A49", "",
                         " Directory of C:\\sub", ""]
    assert [re.sub(DATE, "DATE", line) for line in lines[5:10]] == [
        "DATE    <DIR>          .", "DATE    <DIR>          ..", "DATE                 5 a.txt",
        "DATE         1,234,567 big.bin", "DATE    <DIR>          Inner"]
    assert lines[10] == "               2 File(s)      1,234,572 bytes"
    free = re.fullmatch(r" +3 Dir\(s\) +([\d,]+) bytes free", lines[11])
    assert free and lines[11] == f"{3:>16} Dir(s)  {free.group(1):>14} bytes free"
    assert lines[12:] == [""]
    status, out, err = run_c(width, tmp_path, "dir sub\\nothing*")
    assert (status, err) == (1, "File Not Found\r\n") and " Directory of C:\\sub\r\n" in out


@pytest.mark.parametrize("width", WIDTHS)
def test_cd(width: str, tmp_path: Path) -> None:
    (tmp_path / "sub").mkdir()
    assert run_c(width, tmp_path, "cd") == (0, "C:\\\r\n", "")
    assert run_c(width, tmp_path, "cd sub && cd && cd .. && cd /d sub && cd")[1] == "C:\\sub\r\nC:\\sub\r\n"
    assert run_c(width, tmp_path, "cd nowhere") == (1, "", "The system cannot find the path specified.\r\n")


@pytest.mark.parametrize("width", WIDTHS)
def test_exit_status(width: str, tmp_path: Path) -> None:
    assert run_c(width, tmp_path, "exit /b 3")[0] == 3
    assert run_c(width, tmp_path, "exit 300 & echo not run") == (300, "", "")


@pytest.mark.parametrize("width", WIDTHS)
def test_and_or_and_sequence(width: str, tmp_path: Path) -> None:
    assert run_c(width, tmp_path, "echo a&& echo b") == (0, "a\r\nb\r\n", "")
    assert run_c(width, tmp_path, "set NOPE && echo no|| echo yes")[1] == "yes\r\n"
    assert run_c(width, tmp_path, "echo one || echo two & echo three")[1] == "one \r\nthree\r\n"
    assert run_c(width, tmp_path, "echo a^&b||echo c")[1] == "a&b\r\n"


@pytest.mark.parametrize("width", WIDTHS)
def test_an_unknown_command(width: str, tmp_path: Path) -> None:
    assert run_c(width, tmp_path, "nosuchprogram /x") == (9009, "", NOT_RECOGNIZED.format("nosuchprogram"))
    status, out, err = run_c(width, tmp_path, "nosuch || echo %ERRORLEVEL%")
    # %ERRORLEVEL% was expanded before nosuch ran; ECHO leaves ERRORLEVEL, the exit code, as nosuch set it
    assert (status, out, err) == (9009, "0\r\n", NOT_RECOGNIZED.format("nosuch"))


@pytest.mark.parametrize("width", WIDTHS)
def test_commands_from_stdin(width: str, tmp_path: Path) -> None:
    status, out, err = cmd(width, tmp_path, stdin=b"echo hi\r\nset X=1\nver\n")
    assert (status, err) == (0, "")
    assert out == ("Microsoft Windows [Version 10.0.19045.3803]\r\n"
                   "(c) Microsoft Corporation. All rights reserved.\r\n"
                   "\r\nC:\\>echo hi\r\nhi\r\n"
                   "\r\nC:\\>set X=1\r\n"
                   "\r\nC:\\>ver\r\n\r\nMicrosoft Windows [Version 10.0.19045.3803]\r\n"
                   "\r\nC:\\>")
    status, out, _ = cmd(width, tmp_path, "/q", stdin=b"echo quiet\nexit /b 4\necho not run\n")
    assert (status, out.split("\r\n")[2:]) == (4, ["quiet", ""])


def read_until(stream: IO[bytes], marker: bytes, seen: bytes = b"") -> bytes:
    """What the pipe gives until `marker` appears after `seen` (at most 30 s)."""
    deadline = time.monotonic() + 30
    data = seen
    while marker not in data[len(seen):]:
        ready, _, _ = select.select([stream], [], [], max(0.0, deadline - time.monotonic()))
        chunk = os.read(stream.fileno(), 4096) if ready else b""
        if not chunk:
            raise AssertionError(f"{marker!r} never came: {data!r}")
        data += chunk
    return data


@pytest.mark.parametrize("width", WIDTHS)
def test_ctrl_c_at_the_prompt_gives_a_new_prompt(width: str, tmp_path: Path) -> None:
    # cmd, reading its commands from a terminal, takes Ctrl-C: the read ends and cmd prompts again (without its
    # handler the default one would end it with STATUS_CONTROL_C_EXIT, and the second prompt never come).
    terminal, console = pty.openpty()
    proc = subprocess.Popen([sys.executable, "-m", "wow64emu", "run", "--root", str(tmp_path), "--timeout", "60",
                             str(CMD[width])], stdin=console, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            preexec_fn=default_sigint)
    try:
        assert proc.stdout is not None
        out = read_until(proc.stdout, b"C:\\>")
        time.sleep(0.3)
        proc.send_signal(signal.SIGINT)
        out = read_until(proc.stdout, b"C:\\>", out)
        os.write(terminal, b"exit 3\n")
        rest, err = proc.communicate(timeout=30)
        assert (proc.returncode, err) == (3, b"")
        assert (out + rest).endswith(b"\r\nC:\\>\r\nC:\\>exit 3\r\n")
    finally:
        if proc.poll() is None:
            proc.kill()
        os.close(console)
        os.close(terminal)


@pytest.mark.parametrize("width", WIDTHS)
def test_quotes_in_a_command_line(width: str, tmp_path: Path) -> None:
    (tmp_path / "a b.txt").write_bytes(b"spaced\r\n")
    lines = b'type "C:\\a b.txt"\necho "c & d" ^& e\nset "Q=x y" & set Q\n"no such" x\n'
    _, out, err = cmd(width, tmp_path, "/q", stdin=lines)
    assert out.split("\r\n")[2:] == ["spaced", '"c & d" & e', "Q=x y", ""]
    assert err == NOT_RECOGNIZED.format('"no such"')


@pytest.mark.parametrize("width", WIDTHS)
def test_running_a_program_returns_its_exit_code(width: str, tmp_path: Path) -> None:
    shutil.copy(BIN / width / "exitcode.exe", tmp_path / "exitcode.exe")
    assert run_c(width, tmp_path, "exitcode 42 || echo failed %ERRORLEVEL%") == (42, "failed 0\r\n", "")


@pytest.mark.parametrize("width", WIDTHS)
def test_a_drive_made_on_demand_is_made_when_the_guest_first_uses_it(width: str, tmp_path: Path) -> None:
    """A run's temporary drive (`wow64emu run` without --root): its folders and the program's file are there when
    the guest first looks, as on a drive made before the run; a program that never looks leaves it empty."""
    hello = StdStreams(io.BytesIO(), io.BytesIO(), io.BytesIO())
    (tmp_path / "unused").mkdir()
    Machine(BIN / "x86" / "hello.exe", [], root=tmp_path / "unused", streams=hello, drive_on_demand=True).run()
    assert hello.stdout.getvalue().startswith(b"Hello") and list((tmp_path / "unused").iterdir()) == []
    streams = StdStreams(io.BytesIO(), io.BytesIO(), io.BytesIO())
    machine = Machine(CMD[width], ["/c", "dir C:\\"], root=tmp_path / "used", streams=streams, drive_on_demand=True)
    assert not (tmp_path / "used").exists() or list((tmp_path / "used").iterdir()) == []
    assert machine.run(timeout=60).exit_status == 0
    listed = streams.stdout.getvalue().decode("ascii")
    for name in ("cmd.exe", "Program Files", "Program Files (x86)", "ProgramData", "Users", "Windows"):
        assert re.search(rf" {re.escape(name)}\r\n", listed), name
    assert (tmp_path / "used" / "Users" / "User" / "AppData" / "Local" / "Temp").is_dir()
