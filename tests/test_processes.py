"""Processes started by processes, in the four width pairs (kernel/processcreate.py, thunks/processcreate.py,
guest/kernel32/createprocess.c, attach.py): NtCreateUserProcess through CreateProcessW and CreateProcessA, a child of
either width in the same System with its own CPU, WoW64's environment table across widths, the parent's variables
kept, STARTUPINFO's standard handles through an inherited pipe, handle inheritance, waits on process handles, exit
codes, TerminateProcess, OpenProcess of a child, what cannot start, and a run that waits for the whole tree.

The fixtures are fixtures/src/spawn.c (the parent) and childenv.c (the child), start64.c (the seed's Start64).
"""

from __future__ import annotations

import io
import shutil
from pathlib import Path

import pytest

from tests.toolchain import build, build_and_run
from wow64emu.emu.cpu.detached import DetachedCpu
from wow64emu.emu.trace import TextSink, Tracer
from wow64emu.kernel.console import StdStreams
from wow64emu.machine import Machine

BIN = Path(__file__).resolve().parent.parent / "fixtures" / "bin"
WIDTHS = ["x86", "x64"]
PAIRS = [(p, c) for p in WIDTHS for c in WIDTHS]
BITS = {"x86": "32", "x64": "64"}


def drive(root: Path) -> Path:
    """The C: drive with the child in both widths: C:\\childenv32.exe and C:\\childenv64.exe."""
    for width in WIDTHS:
        shutil.copyfile(BIN / width / "childenv.exe", root / f"childenv{BITS[width]}.exe")
    return root


def run(program: Path, *args: str, root: Path, wait_children: bool = True) -> tuple[Machine, int, str, str]:
    streams = StdStreams(io.BytesIO(), io.BytesIO(), io.BytesIO())
    machine = Machine(program, list(args), root=drive(root), streams=streams, wait_children=wait_children)
    outcome = machine.run(timeout=120)
    assert outcome.fault is None
    return (machine, outcome.exit_status, streams.stdout.getvalue().decode(),
            streams.stderr.getvalue().decode())


def spawn(parent: str, *args: str, root: Path) -> tuple[Machine, int, str, str]:
    return run(BIN / parent / "spawn.exe", *args, root=root)


def child_environment(child: str, mark: str | None = None) -> list[str]:
    """What childenv prints of itself: its width and the variables of WoW64's table, as a fresh session gives them."""
    if child == "x86":
        lines = ["child: 32-bit, IsWow64Process TRUE", "  PROCESSOR_ARCHITECTURE=x86", "  PROCESSOR_ARCHITEW6432=AMD64",
                 "  ProgramFiles=C:\\Program Files (x86)"]
        common = "  CommonProgramFiles=C:\\Program Files (x86)\\Common Files"
    else:
        lines = ["child: 64-bit, IsWow64Process FALSE", "  PROCESSOR_ARCHITECTURE=AMD64",
                 "  PROCESSOR_ARCHITEW6432 (not set)", "  ProgramFiles=C:\\Program Files"]
        common = "  CommonProgramFiles=C:\\Program Files\\Common Files"
    return [*lines, "  ProgramFiles(x86)=C:\\Program Files (x86)", "  ProgramW6432=C:\\Program Files", common,
            "  CommonProgramFiles(x86)=C:\\Program Files (x86)\\Common Files",
            "  CommonProgramW6432=C:\\Program Files\\Common Files",
            f"  SPAWN_MARK={mark}" if mark else "  SPAWN_MARK (not set)"]


@pytest.mark.parametrize(("parent", "child"), PAIRS)
def test_a_child_of_either_width_runs_with_the_environment_wow64_gives_it(parent: str, child: str,
                                                                         tmp_path: Path) -> None:
    name = f"C:\\childenv{BITS[child]}.exe"
    machine, status, out, err = spawn(parent, "run", name, "5", root=tmp_path)
    assert (status, err) == (5, "")
    assert out.splitlines() == ["parent: exit code while suspended 259", *child_environment(child),
                                f"  command line: {name} 5", "  current directory: C:\\",
                                "parent: exit code after the wait 5"]
    kid = machine.children[0]
    assert (kid.wow64, kid.parent_pid, kid.exit_status) == (child == "x86", machine.process.pid, 5)
    assert kid.cpu is not machine.process.cpu  # its own CPU, in the same System
    assert kid.system is machine.system and kid.pid not in machine.system.processes  # ended, handles closed


@pytest.mark.parametrize(("parent", "child"), PAIRS)
def test_what_the_parent_set_reaches_the_child(parent: str, child: str, tmp_path: Path) -> None:
    _, status, out, _ = spawn(parent, "mark", f"C:\\childenv{BITS[child]}.exe", root=tmp_path)
    assert status == 0
    assert out.splitlines()[1:-3] == child_environment(child, "inherited")


@pytest.mark.parametrize(("parent", "child"), PAIRS)
def test_an_explicit_ansi_environment_and_current_directory(parent: str, child: str, tmp_path: Path) -> None:
    # The block holds SPAWN_MARK and PROCESSOR_ARCHITECTURE=AMD64 only. WoW64's table applies across widths only
    # (a 32-bit child of a 64-bit parent gets x86, with AMD64 in PROCESSOR_ARCHITEW6432); between processes of one
    # width the block passes as it is.
    _, status, out, _ = spawn(parent, "ansi", f"C:\\childenv{BITS[child]}.exe", root=tmp_path)
    lines = out.splitlines()
    assert status == 0
    if (parent, child) == ("x64", "x86"):
        assert lines[1:3] == ["  PROCESSOR_ARCHITECTURE=x86", "  PROCESSOR_ARCHITEW6432=AMD64"]
    else:
        assert lines[1:3] == ["  PROCESSOR_ARCHITECTURE=AMD64", "  PROCESSOR_ARCHITEW6432 (not set)"]
    assert lines[3:10] == [f"  {v} (not set)" for v in ("ProgramFiles", "ProgramFiles(x86)", "ProgramW6432",
                                                         "CommonProgramFiles", "CommonProgramFiles(x86)",
                                                         "CommonProgramW6432")] + ["  SPAWN_MARK=explicit"]
    assert lines[-2:] == ["  current directory: C:\\Windows", "parent: exit code after the wait 0"]


@pytest.mark.parametrize(("parent", "child"), PAIRS)
def test_a_parent_captures_a_childs_output_through_an_inherited_pipe(parent: str, child: str,
                                                                    tmp_path: Path) -> None:
    _, status, out, err = spawn(parent, "capture", f"C:\\childenv{BITS[child]}.exe", "echo", "hello", "there",
                                root=tmp_path)
    assert (status, err) == (0, "")
    assert out == ("parent: the read at the end: failed error=109\n"  # ERROR_BROKEN_PIPE
                   "parent: captured [hello there\nerr\n]\n")


@pytest.mark.parametrize(("parent", "child"), PAIRS)
def test_handles_are_inherited_only_when_asked(parent: str, child: str, tmp_path: Path) -> None:
    _, status, out, _ = spawn(parent, "inherit", f"C:\\childenv{BITS[child]}.exe", "handle", root=tmp_path)
    assert status == 0
    assert out.splitlines() == ["parent: bInheritHandles TRUE",
                                "child: wait on the handle -> 0, inheritable=1",  # the same value, signalled
                                "parent: bInheritHandles FALSE",
                                "child: wait on the handle -> 4294967295 error=6, inheritable=99"]


@pytest.mark.parametrize(("parent", "child"), PAIRS)
def test_terminate_process_ends_a_running_child(parent: str, child: str, tmp_path: Path) -> None:
    machine, status, out, _ = spawn(parent, "kill", f"C:\\childenv{BITS[child]}.exe", "sleep", "60000",
                                    root=tmp_path)
    assert status == 0
    assert out.splitlines() == ["parent: TerminateProcess: ok", "parent: wait -> 0",
                                "parent: exit code after the wait 7"]
    assert machine.children[0].exit_status == 7


@pytest.mark.parametrize(("parent", "child"), PAIRS)
def test_open_process_of_a_child_by_its_id(parent: str, child: str, tmp_path: Path) -> None:
    _, status, out, _ = spawn(parent, "open", f"C:\\childenv{BITS[child]}.exe", "4", root=tmp_path)
    lines = out.splitlines()
    assert status == 0
    assert lines[:2] == ["parent: OpenProcess: ok", "parent: GetProcessId is the child's id: 1, a thread id too: 1"]
    assert lines[-1] == "parent: exit code through the opened handle 4"


@pytest.mark.parametrize("parent", WIDTHS)
def test_what_cannot_start_fails_as_on_windows(parent: str, tmp_path: Path) -> None:
    machine, status, out, _ = spawn(parent, "errors", root=tmp_path)
    assert status == 0
    assert out.splitlines() == ["a missing file: failed error=2", "a missing folder: failed error=3",
                                "a folder on the command line: failed error=2",
                                "a folder as the application: failed error=5",
                                "a text file: failed error=193", "a DLL: failed error=193",
                                "a missing current directory: failed error=267"]
    assert len(machine.system.processes) == 1  # nothing was left half made


@pytest.mark.parametrize("parent", WIDTHS)
def test_a_child_whose_imports_cannot_be_bound_ends_with_dll_not_found(parent: str, tmp_path: Path,
                                                                      caplog: pytest.LogCaptureFixture) -> None:
    shutil.copyfile(BIN / "x86" / "uses_dll_outer.exe", tmp_path / "needs_dll.exe")  # without dll_outer.dll
    _, status, out, _ = spawn(parent, "run", "C:\\needs_dll.exe", root=tmp_path)
    assert status == 0xC0000135  # STATUS_DLL_NOT_FOUND: created, then ended by its loader
    assert out.splitlines() == ["parent: exit code while suspended 3221225781",
                                "parent: exit code after the wait 3221225781"]
    assert "ended at its start" in caplog.text and "dll_outer.dll" in caplog.text


@pytest.mark.parametrize("parent", WIDTHS)
def test_the_run_waits_for_every_process_unless_told_not_to(parent: str, tmp_path: Path) -> None:
    _, status, out, _ = run(BIN / parent / "spawn.exe", "nowait", "C:\\childenv64.exe", "echo", "late",
                            root=tmp_path)
    assert (status, out) == (0, "parent: started, not waiting\nlate\n")
    machine, status, out, _ = run(BIN / parent / "spawn.exe", "nowait", "C:\\childenv64.exe", "echo", "late",
                                  root=tmp_path / "again" if (tmp_path / "again").mkdir() is None else tmp_path,
                                  wait_children=False)
    assert (status, out) == (0, "parent: started, not waiting\n")
    assert machine.children[0].exit_status is None  # left unfinished


def test_start64_reaches_the_64_bit_cmd_that_redirection_hides(tmp_path: Path) -> None:
    """The seed's story: a 32-bit program that starts C:\\Windows\\System32\\cmd.exe gets the 32-bit cmd (WoW64
    redirects System32 to SysWOW64); through Start64, which disables redirection on its thread, or through
    Sysnative, it gets the 64-bit one."""
    cmd = ["/c", "set", "PROCESSOR_ARCH"]
    machine, status, out, _ = spawn("x86", "run", "C:\\Windows\\System32\\cmd.exe", *cmd, root=tmp_path)
    assert out.splitlines()[1:3] == ["PROCESSOR_ARCHITECTURE=x86", "PROCESSOR_ARCHITEW6432=AMD64"]
    assert machine.children[0].image_path == "C:\\Windows\\SysWOW64\\cmd.exe"
    (tmp_path / "sysnative").mkdir()
    machine, _, out, _ = spawn("x86", "run", "C:\\Windows\\Sysnative\\cmd.exe", *cmd, root=tmp_path / "sysnative")
    assert out.splitlines()[1:2] == ["PROCESSOR_ARCHITECTURE=AMD64"]
    (tmp_path / "start64").mkdir()
    machine, status, out, _ = run(BIN / "x86" / "start64.exe", "C:\\Windows\\System32\\cmd.exe", *cmd,
                                  root=tmp_path / "start64")
    assert (status, out) == (0, "PROCESSOR_ARCHITECTURE=AMD64\r\n")
    child = machine.children[0]
    assert (child.wow64, child.image_path) == (False, "C:\\Windows\\System32\\cmd.exe")
    assert machine.process.exit_status == 0


def test_start64_gives_the_programs_exit_code_and_its_usage(tmp_path: Path) -> None:
    _, status, out, _ = run(BIN / "x86" / "start64.exe", "C:\\Windows\\System32\\cmd.exe", "/c", "exit", "9",
                            root=tmp_path)
    assert (status, out) == (9, "")
    (tmp_path / "usage").mkdir()
    _, status, out, _ = run(BIN / "x86" / "start64.exe", root=tmp_path / "usage")
    assert (status, out) == (1, "usage: start64 PROGRAM [ARGUMENTS]\n")


@pytest.mark.parametrize(("parent", "child"), PAIRS)
def test_closing_a_kill_on_close_job_ends_its_child(parent: str, child: str, tmp_path: Path) -> None:
    machine, status, out, _ = spawn(parent, "job", f"C:\\childenv{BITS[child]}.exe", "sleep", "60000",
                                    root=tmp_path)
    assert status == 0
    assert out.splitlines() == ["parent: SetInformationJobObject: ok", "parent: AssignProcessToJobObject: ok",
                                "parent: the child is in the job: 1", "parent: wait -> 0, exit code 0"]
    assert machine.children[0].exit_status == 0  # ended long before its minute of sleep


@pytest.mark.parametrize(("parent", "child"), PAIRS)
def test_a_child_joins_its_parents_job(parent: str, child: str, tmp_path: Path) -> None:
    machine, status, out, _ = spawn(parent, "jobchild", f"C:\\childenv{BITS[child]}.exe", "sleep", "1",
                                    root=tmp_path)
    assert (status, out) == (0, "parent: the child is in its parent's job: 1\n")
    assert machine.children[0].job is machine.process.job is not None


SYSTEM = r"""
#include <stdio.h>
#include <stdlib.h>
int main(void)
{
    int r;
    printf("before\n");
    fflush(stdout);
    r = system("echo from cmd & exit 4");
    printf("system -> %d\n", r);
    return r;
}
"""


@pytest.mark.parametrize("width", WIDTHS)
def test_the_c_runtimes_system_runs_cmd(width: str, tmp_path: Path) -> None:
    # `gcc prog.c -o prog.exe`: msvcrt's system() starts %ComSpec% (C:\Windows\System32\cmd.exe, SysWOW64's for a
    # 32-bit program) with /c, waits for it and gives its exit code.
    ran = build_and_run(SYSTEM, tmp_path, width)
    assert (ran.status, ran.stdout) == (4, "before\r\nfrom cmd \r\nsystem -> 4\r\n")


@pytest.mark.parametrize("parent", WIDTHS)
def test_an_image_of_another_machine_does_not_start(parent: str, tmp_path: Path) -> None:
    image = bytearray((BIN / "x64" / "childenv.exe").read_bytes())
    pe = int.from_bytes(image[0x3C:0x40], "little")
    image[pe + 4:pe + 6] = (0xAA64).to_bytes(2, "little")  # IMAGE_FILE_MACHINE_ARM64
    (tmp_path / "arm64.exe").write_bytes(bytes(image))
    machine, status, out, _ = spawn(parent, "run", "C:\\arm64.exe", root=tmp_path)
    assert (status, out) == (1, "parent: CreateProcessA: failed error=193\n")  # ERROR_BAD_EXE_FORMAT
    assert len(machine.system.processes) == 1


@pytest.mark.parametrize("parent", WIDTHS)
def test_the_process_trace_shows_each_childs_creation(parent: str, tmp_path: Path) -> None:
    sink = io.StringIO()
    tracer = Tracer(TextSink(sink))
    streams = StdStreams(io.BytesIO(), io.BytesIO(), io.BytesIO())
    machine = Machine(BIN / parent / "spawn.exe", ["run", "C:\\childenv32.exe"], root=drive(tmp_path),
                      streams=streams, tracer=tracer, trace=frozenset({"process"}))
    assert machine.run(timeout=120).exit_status == 0
    steps = [line.split()[2] for line in sink.getvalue().splitlines() if line.split()[1:2] == ["process"]]
    first = steps[:steps.index("ldr") + 1]
    assert first[0] == "allocate" and steps[len(first):] == [  # the child's: a WoW64 process's steps
        "allocate", "map-image", "kuser", "system-dlls", "no-access", "peb", "thread", "wow64-dlls", "imports", "ldr"]


@pytest.mark.parametrize(("parent", "child"), PAIRS)
def test_a_child_an_exception_ends_gives_its_parent_the_status(parent: str, child: str, tmp_path: Path,
                                                              caplog: pytest.LogCaptureFixture) -> None:
    _, status, out, _ = spawn(parent, "run", f"C:\\childenv{BITS[child]}.exe", "crash", root=tmp_path)
    assert (status, out.splitlines()[-1]) == (0xC0000005, "parent: exit code after the wait 3221225477")
    assert "ended: unhandled exception 0xC0000005 (STATUS_ACCESS_VIOLATION)" in caplog.text
    assert "accessing 0x0" in caplog.text


@pytest.mark.parametrize("parent", WIDTHS)
def test_creation_flags_a_console_program_accepts(parent: str, tmp_path: Path) -> None:
    child = "C:\\childenv64.exe"
    for flags in ("0x10", "0x8000000", "0x200"):  # CREATE_NEW_CONSOLE, CREATE_NO_WINDOW, CREATE_NEW_PROCESS_GROUP
        (tmp_path / flags).mkdir()
        _, status, out, _ = spawn(parent, "flags", flags, child, "echo", "shown", root=tmp_path / flags)
        assert (status, out) == (0, "shown\nparent: exit code 0\n")  # the child shares the one console
    (tmp_path / "both").mkdir()
    _, status, out, _ = spawn(parent, "flags", "0x18", child, root=tmp_path / "both")  # DETACHED_PROCESS too
    assert (status, out) == (1, "parent: CreateProcessA: failed error=87\n")


@pytest.mark.parametrize("parent", WIDTHS)
def test_an_ended_child_gives_back_its_memory_and_cpu(parent: str, tmp_path: Path) -> None:
    # 20 children one after another (created, waited for, their handles closed): each one's address space and
    # Unicorn engine are freed between runs (System.reap), and the process leaves the table with its last handle.
    machine, status, _, _ = spawn(parent, "repeat", "20", "C:\\childenv64.exe", "sleep", "0", root=tmp_path)
    assert status == 0 and len(machine.children) == 20
    assert list(machine.system.processes) == [machine.process.pid]
    assert all(c.reaped and isinstance(c.cpu, DetachedCpu) and not c.memory.regions() for c in machine.children)
    one = machine.system.physical.committed
    (tmp_path / "one").mkdir()
    machine, _, _, _ = spawn(parent, "repeat", "1", "C:\\childenv64.exe", "sleep", "0", root=tmp_path / "one")
    assert machine.system.physical.committed == one  # 20 children leave no more charge than one


BOMB = r"""
#include <windows.h>
#include <stdio.h>
#include <string.h>
int main(int argc, char **argv)
{
    char cmd[MAX_PATH + 8];
    int i;
    if (argc > 1) { Sleep(INFINITE); return 0; }
    GetModuleFileNameA(NULL, cmd, MAX_PATH);
    strcat(cmd, " child");
    for (i = 0; i < 100000; i++) {
        STARTUPINFOA si = {sizeof si};
        PROCESS_INFORMATION pi;
        if (!CreateProcessA(NULL, cmd, NULL, NULL, FALSE, 0, NULL, NULL, &si, &pi)) {
            printf("failed after %d: %lu\n", i > 10, GetLastError());
            return 0;
        }
        CloseHandle(pi.hThread);
    }
    return 1;
}
"""


@pytest.mark.parametrize("width", WIDTHS)
def test_processes_started_without_end_run_into_the_commit_limit(width: str, tmp_path: Path) -> None:
    # Each live process takes what the host spends on its CPU from the commit limit (System.PROCESS_CHARGE): a
    # program that starts processes that never end gets ERROR_COMMITMENT_LIMIT (1455) long before the host runs
    # short, here after some tens with a 256 MB limit.
    program = build(BOMB, tmp_path / "bomb.exe", width, flags=("-O2",), libs=())
    (tmp_path / "c").mkdir()
    streams = StdStreams(io.BytesIO(), io.BytesIO(), io.BytesIO())
    machine = Machine(program, [], root=tmp_path / "c", streams=streams, memory_limit=256 << 20,
                      wait_children=False)
    assert machine.run(timeout=300).exit_status == 0
    assert streams.stdout.getvalue() == b"failed after 1: 1455\r\n"
    assert 10 < len(machine.children) < 64
