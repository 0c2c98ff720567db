"""Whole programs, 32-bit through WoW64 and 64-bit natively: output, exit status, files, the trace, the CLI."""

from __future__ import annotations

import fcntl
import io
import json
import logging
import os
import struct
import subprocess
import sys
from pathlib import Path

import pefile
import pytest

from tests.wow64rig import CODE, Wow64Rig
from wow64emu.emu.memory import MemType, Prot
from wow64emu.emu.trace import TextSink, Tracer
from wow64emu.emu.tracejsonl import JsonlSink
from wow64emu.kernel.console import StdStreams
from wow64emu.machine import Machine
from wow64emu.nt.status import NTSTATUS

BIN = Path(__file__).resolve().parent.parent / "fixtures" / "bin"
WIDTHS = ["x86", "x64"]


def run(program: str, *args: str, width: str = "x86", root: Path, stdin: bytes = b"",
        tracer: Tracer | None = None) -> tuple[int, bytes, bytes]:
    streams = StdStreams(io.BytesIO(stdin), io.BytesIO(), io.BytesIO())
    machine = Machine(BIN / width / program, list(args), root=root, streams=streams, tracer=tracer)
    outcome = machine.run(timeout=60)
    return outcome.exit_status, streams.stdout.getvalue(), streams.stderr.getvalue()


def cli(*args: str, stdin: bytes = b"") -> subprocess.CompletedProcess[bytes]:
    return subprocess.run([sys.executable, "-m", "wow64emu", *args], input=stdin, capture_output=True, timeout=120)


@pytest.mark.parametrize("width", WIDTHS)
def test_hello(width: str, tmp_path: Path) -> None:
    status, out, _ = run("hello.exe", width=width, root=tmp_path)
    expected = b"Hello from a 32-bit program through WoW64!\n" if width == "x86" else b"Hello from a 64-bit program!\n"
    assert (status, out) == (0, expected)


@pytest.mark.parametrize("width", WIDTHS)
def test_hello_through_ntdll_only(width: str, tmp_path: Path) -> None:
    assert run("hello_ntdll.exe", width=width, root=tmp_path)[:2] == (0, b"Hello through ntdll only!\n")


@pytest.mark.parametrize("width", WIDTHS)
def test_file_io_in_the_c_drive(width: str, tmp_path: Path) -> None:
    status, out, _ = run("fileio.exe", width=width, root=tmp_path)
    assert status == 0
    assert out == b"line one\nline two\nread 18 bytes\nmissing: error 3\nmemory ok\n"
    assert (tmp_path / "test.txt").read_bytes() == b"line one\nline two\n"


def test_hand_written_heavens_gate_and_direct_syscall(tmp_path: Path) -> None:
    trace = io.StringIO()
    status, out, _ = run("gate.exe", root=tmp_path, tracer=Tracer(JsonlSink(trace)))
    assert status == 0
    assert out == b"direct 64-bit syscall\n0x123456789 * 0x10 = 0x1234567890\n"
    events = [json.loads(line) for line in trace.getvalue().splitlines()]
    direct = [e for e in events if e["layer"] == "kernel" and e["name"] == "NtWriteFile"
              and not any(o["call"] == e["call"] and o["layer"] == "x86" for o in events)]
    assert len(direct) == 1 and direct[0]["status"] == 0


@pytest.mark.parametrize("width", WIDTHS)
def test_exit_status(width: str, tmp_path: Path) -> None:
    assert run("exitcode.exe", "0x1234", width=width, root=tmp_path)[0] == 0x1234
    assert run("exitcode.exe", "7", width=width, root=tmp_path)[0] == 7


@pytest.mark.parametrize("width", WIDTHS)
def test_stdin_to_stdout(width: str, tmp_path: Path) -> None:
    status, out, err = run("echo.exe", width=width, root=tmp_path, stdin=b"abc\n" * 3000)
    assert (status, out) == (0, b"abc\n" * 3000)
    assert err == b"bytes: 12000\n"


@pytest.mark.parametrize("width", WIDTHS)
def test_imports_by_ordinal(width: str, tmp_path: Path) -> None:
    assert run("ordinal.exe", width=width, root=tmp_path)[:2] == (0, b"imported by ordinal\n")


@pytest.mark.parametrize("width", WIDTHS)
def test_loop_makes_the_system_calls_it_says(width: str, tmp_path: Path) -> None:
    assert run("loop.exe", "250", width=width, root=tmp_path)[:2] == (0, b"250 calls\n")


def test_text_trace_shows_every_layer_of_a_32_bit_call(tmp_path: Path) -> None:
    trace = io.StringIO()
    run("hello.exe", root=tmp_path, tracer=Tracer(TextSink(trace)))
    lines = trace.getvalue().splitlines()
    # The first calls are ntdll's, creating the process heap; then the program's WriteFile.
    call = next(line.split()[0] for line in lines if "ntdll!NtWriteFile (SysWOW64)" in line)
    first = [line for line in lines if line.split()[0] == call]
    assert [line.split()[1] for line in first] == [
        "x86", "gate", "wow64cpu", "wow64", "wow64", "wow64", "x64", "kernel", "wow64", "wow64", "gate", "x86"]
    text = trace.getvalue()
    assert "ntdll!NtWriteFile (SysWOW64)" in text and "cs 0x23 -> 0x33" in text and "cs 0x33 -> 0x23" in text
    assert "IO_STATUS_BLOCK out @" in text and "STATUS_SUCCESS" in text


def test_native_trace_has_only_x64_and_kernel(tmp_path: Path) -> None:
    trace = io.StringIO()
    run("hello.exe", width="x64", root=tmp_path, tracer=Tracer(JsonlSink(trace)))
    events = [json.loads(line) for line in trace.getvalue().splitlines()]
    assert {e["layer"] for e in events} == {"x64", "kernel"}
    # ntdll reserves and commits the process heap, then the program writes.
    assert [e["name"] for e in events if e["layer"] == "kernel"][:3] == [
        "NtAllocateVirtualMemory", "NtAllocateVirtualMemory", "NtWriteFile"]


def run_code32(tmp_path: Path, code: bytes):
    rig = Wow64Rig(tmp_path)
    rig.memory.poke(CODE, code)
    rig.memory.poke(rig.machine.created.cpu_area + 4 + 0xB8, struct.pack("<I", CODE))  # WOW64_CONTEXT.Eip
    return rig.machine.run(timeout=10)


def test_unhandled_access_violation_ends_the_process_with_its_code(tmp_path: Path) -> None:
    outcome = run_code32(tmp_path, b"\xa1\x00\x00\x00\x00")  # mov eax, [0]
    assert outcome.exit_status == NTSTATUS.ACCESS_VIOLATION
    assert outcome.fault is not None and outcome.fault.pc == CODE and outcome.fault.address == 0


def test_a_large_commit_gets_its_frames_as_guest_code_touches_them(tmp_path: Path) -> None:
    rig = Wow64Rig(tmp_path)
    space, physical = rig.memory, rig.process.system.physical
    region = space.reserve(0x20000000, 0x4000000, MemType.PRIVATE, Prot.READWRITE)  # 64 MB
    before = physical.frames_in_use
    space.commit(region.base, region.size, Prot.READWRITE)
    assert physical.frames_in_use == before  # committed, not yet present
    target = region.base + 0x1234560
    code = (b"\xb8" + struct.pack("<I", 0x600DF00D) + b"\xa3" + struct.pack("<I", target)  # mov [target], eax
            + b"\x8b\x0d" + struct.pack("<I", target + 0x1000)  # mov ecx, [target + 0x1000]
            + b"\xf4")  # hlt: a fault that ends the run where we can see it
    rig.memory.poke(CODE, code)
    rig.memory.poke(rig.machine.created.cpu_area + 4 + 0xB8, struct.pack("<I", CODE))  # WOW64_CONTEXT.Eip
    outcome = rig.machine.run(timeout=10)
    assert outcome.exit_status == NTSTATUS.PRIVILEGED_INSTRUCTION and outcome.fault.pc == CODE + 16
    assert space.read_u32(target) == 0x600DF00D
    # The 64 KB around the two pages touched (FAULT_AROUND), and at most one page table: not 64 MB.
    assert physical.frames_in_use - before <= 16 + 1
    space.check()


def test_kuser_shared_data_is_read_only_to_guest_code(tmp_path: Path) -> None:
    outcome = run_code32(tmp_path, b"\xa1\x6c\x02\xfe\x7f" + b"\xa3\x00\x00\xfe\x7f")  # read 0x7FFE026C, write
    assert outcome.exit_status == NTSTATUS.ACCESS_VIOLATION
    assert outcome.fault.pc == CODE + 5 and outcome.fault.address == 0x7FFE0000


def test_syscall_in_compatibility_mode_is_an_illegal_instruction(tmp_path: Path) -> None:
    outcome = run_code32(tmp_path, b"\x0f\x05")
    assert outcome.exit_status == NTSTATUS.ILLEGAL_INSTRUCTION


@pytest.mark.parametrize(("code", "status", "address"), [
    (b"\x90\x0f\x0b", NTSTATUS.ILLEGAL_INSTRUCTION, CODE + 1),  # ud2
    (b"\x90\xf1", NTSTATUS.SINGLE_STEP, CODE + 2),  # int1 (icebp): a trap, reported after the instruction
    (b"\x90\x0f\x07", NTSTATUS.PRIVILEGED_INSTRUCTION, CODE + 1),  # sysret at CPL 3
    (b"\x90\xf4", NTSTATUS.PRIVILEGED_INSTRUCTION, CODE + 1),  # hlt
])
def test_invalid_and_privileged_instructions_end_the_guest_with_their_exception(tmp_path: Path, code: bytes,
                                                                                status: int, address: int) -> None:
    outcome = run_code32(tmp_path, code)
    assert outcome.exit_status == status and outcome.fault is not None and outcome.fault.pc == address


def test_guest_code_jumping_into_wow64s_completion_dies_with_an_access_violation(tmp_path: Path) -> None:
    """32-bit code that far-jumps into 64-bit code of its own, which jumps to wow64.dll's Wow64ThunkComplete with no
    call under way: the thread dies as wow64.dll's code would make it die, never the emulator."""
    rig = Wow64Rig(tmp_path)
    complete = rig.machine.created.modules64["wow64.dll"].exports["Wow64ThunkComplete"]
    code = (b"\xea" + struct.pack("<IH", CODE + 0x10, 0x33)).ljust(0x10, b"\x90")  # jmp far 0x33:CODE+0x10
    code += b"\x48\xb8" + struct.pack("<Q", complete) + b"\xff\xe0"  # mov rax, complete; jmp rax
    rig.memory.poke(CODE, code)
    rig.memory.poke(rig.machine.created.cpu_area + 4 + 0xB8, struct.pack("<I", CODE))
    outcome = rig.machine.run(timeout=10)
    assert outcome.exit_status == NTSTATUS.ACCESS_VIOLATION and outcome.fault is not None
    assert outcome.fault.address == 0


def test_calls_that_never_complete_cannot_pile_up(tmp_path: Path) -> None:
    from wow64emu.thunks.dispatch import MAX_CALLS_UNDER_WAY, PendingCall

    rig = Wow64Rig(tmp_path)
    dispatcher = rig.machine.dispatcher
    assert dispatcher is not None
    rig.machine.process.running = rig.machine.thread  # as while it runs
    state = dispatcher._state()
    state.pending.extend(PendingCall(None) for _ in range(MAX_CALLS_UNDER_WAY))
    dispatcher._on_dispatch()  # one more: the thread dies instead
    assert len(state.pending) == MAX_CALLS_UNDER_WAY
    assert rig.machine.cpu._fault is not None and rig.machine.cpu._fault.kind.name == "PAGE"


def test_cli_reports_an_invalid_instruction_as_an_unhandled_exception(tmp_path: Path) -> None:
    program = tmp_path / "ud2.exe"
    image = bytearray((BIN / "x86" / "hello.exe").read_bytes())
    pe = pefile.PE(data=bytes(image))
    entry = pe.get_offset_from_rva(pe.OPTIONAL_HEADER.AddressOfEntryPoint)
    image[entry:entry + 2] = b"\x0f\x0b"
    program.write_bytes(image)
    done = cli("run", str(program))
    assert done.returncode == 0x1D
    assert done.stderr.startswith(b"wow64emu: unhandled exception 0xC000001D (STATUS_ILLEGAL_INSTRUCTION) at 0x")


# ---- the command line ----------------------------------------------------------------------------------------


def test_cli_runs_hello_and_passes_the_exit_status() -> None:
    done = cli("run", str(BIN / "x86" / "hello.exe"))
    assert (done.returncode, done.stdout) == (0, b"Hello from a 32-bit program through WoW64!\n")
    done = cli("run", str(BIN / "x64" / "exitcode.exe"), "0xC0000135")
    assert done.returncode == 0x35
    assert done.stderr == b"wow64emu: exit status 0xC0000135 (STATUS_DLL_NOT_FOUND)\n"


def test_cli_trace_to_a_file_in_jsonl(tmp_path: Path) -> None:
    out = tmp_path / "trace.jsonl"
    done = cli("run", "--trace", "syscalls", "--trace-format", "jsonl", "--trace-out", str(out),
               str(BIN / "x86" / "hello.exe"))
    assert done.returncode == 0 and done.stderr == b""
    events = [json.loads(line) for line in out.read_text().splitlines()]
    assert all({"call", "layer", "event"} <= e.keys() for e in events)
    assert any(e["layer"] == "gate" and e["from_cs"] == 0x23 and e["to_cs"] == 0x33 for e in events)


def test_cli_uses_the_given_root_as_c_drive(tmp_path: Path) -> None:
    done = cli("run", "--root", str(tmp_path / "c"), str(BIN / "x86" / "fileio.exe"))
    assert done.returncode == 0
    assert (tmp_path / "c" / "test.txt").read_bytes() == b"line one\nline two\n"


@pytest.mark.parametrize("program, uses_drive", [("hello.exe", False), ("fileio.exe", True)])
def test_a_run_without_root_has_a_temporary_drive_that_goes_with_it(program: str, uses_drive: bool,
                                                                   tmp_path: Path) -> None:
    """The drive is a new folder in TMPDIR (made without the tempfile module), removed at the end of the run with
    what the guest wrote there; a TMPDIR that cannot hold it gives way to the next temporary folder."""
    seen = tmp_path / "seen"
    watcher = f"""
import os, sys
from wow64emu import cli
made = cli._temporary_folder
def spy(prefix):
    folder = made(prefix)
    open({str(seen)!r}, "a").write(folder + " %o\\n" % (os.stat(folder).st_mode & 0o777))
    return folder
cli._temporary_folder = spy
sys.argv[0] = "wow64emu"
sys.exit(cli.main())
"""
    for tmpdir in (tmp_path / "tmp", tmp_path / "missing"):
        (tmp_path / "tmp").mkdir(exist_ok=True)
        done = subprocess.run([sys.executable, "-c", watcher, "run", str(BIN / "x86" / program)],
                              capture_output=True, timeout=120, env={**os.environ, "TMPDIR": str(tmpdir),
                                                                     "TEMP": str(tmp_path / "tmp")})
        assert done.returncode == 0, done.stderr
        assert done.stdout.startswith(b"line one" if uses_drive else b"Hello")
        folder, mode = seen.read_text().splitlines()[-1].split()
        assert Path(folder).parent == tmp_path / "tmp" and Path(folder).name.startswith("wow64emu-c-")
        assert mode == "700"
        assert list((tmp_path / "tmp").iterdir()) == []  # gone, with test.txt when the program wrote it


@pytest.mark.parametrize("content", [b"", b"MZ" + b"\0" * 100, b"\x7fELF" + b"\0" * 200])
def test_cli_rejects_what_is_not_a_pe_with_one_line(tmp_path: Path, content: bytes) -> None:
    bad = tmp_path / "bad.exe"
    bad.write_bytes(content)
    done = cli("run", str(bad))
    assert done.returncode == 2
    assert done.stderr.startswith(b"wow64emu: error: ") and done.stderr.count(b"\n") == 1
    assert b"Traceback" not in done.stderr


def test_cli_missing_program(tmp_path: Path) -> None:
    done = cli("run", str(tmp_path / "nothing.exe"))
    assert done.returncode == 2 and done.stderr.startswith(b"wow64emu: error: ")


BAD_OPTIONS = [
    (["run", "--timeout", "nan"], b"--timeout: 'nan' is not a number of seconds"),
    (["run", "--timeout", "inf"], b"--timeout: 'inf' is not a number of seconds"),
    (["run", "--timeout", "-1"], b"--timeout: '-1' is not a number of seconds"),
    (["run", "--max-insns", "-5"], b"--max-insns: '-5' is not a whole number"),
    (["run", "--root", "{file}"], b"not a folder"),
    (["run", "--trace", "syscalls", "--trace-out", "{missing}/trace.txt"], b"no such folder"),
    (["vad", "--svg", "{missing}/vad.svg"], b"no such folder"),
    (["bench", "--calls", "0"], b"--calls: '0' is not a whole number of 1 or more"),
    (["bench", "--json", "{missing}/bench.json"], b"no such folder"),
]


@pytest.mark.parametrize(("args", "said"), BAD_OPTIONS)
def test_cli_bad_option_values_and_paths_are_one_line_before_any_work(tmp_path: Path, args: list[str],
                                                                      said: bytes) -> None:
    a_file = tmp_path / "a_file"
    a_file.write_text("x")
    args = [a.format(file=a_file, missing=tmp_path / "missing") for a in args]
    program = [] if args[0] == "bench" else [str(BIN / "x86" / "hello.exe")]
    done = cli(*args, *program)
    assert done.returncode == 2 and done.stdout == b""
    assert done.stderr.count(b"\n") == 1 and b": error: " in done.stderr and said in done.stderr


def test_cli_output_into_a_closed_pipe_ends_quietly() -> None:
    # A pipe of one page, smaller than what the command prints (11 KB): it cannot have written everything before
    # the reader goes, whatever the timing.
    read_end, write_end = os.pipe()
    fcntl.fcntl(read_end, fcntl.F_SETPIPE_SZ, 4096)
    proc = subprocess.Popen([sys.executable, "-m", "wow64emu", "syscalls"], stdout=write_end, stderr=subprocess.PIPE)
    os.close(write_end)
    assert proc.stderr is not None
    assert os.read(read_end, 100)  # `| head -1`: at most a page in the pipe and 100 bytes read of 11 KB
    os.close(read_end)
    assert proc.wait(timeout=60) == 141 and proc.stderr.read() == b""


@pytest.mark.parametrize("closed", ["stdin", "stdout", "stderr"])
def test_cli_runs_with_a_standard_stream_closed(closed: str) -> None:
    # The guest's console handle to the closed stream: reads end at once, writes fail (hello ignores it).
    code = ("import os, sys, runpy; os.close({fd}); sys.argv = ['wow64emu', 'run', {program!r}]; "
            "sys.{name} = None; runpy.run_module('wow64emu', run_name='__main__')")
    fd = {"stdin": 0, "stdout": 1, "stderr": 2}[closed]
    done = subprocess.run([sys.executable, "-c", code.format(fd=fd, name=closed,
                                                             program=str(BIN / "x86" / "hello.exe"))],
                          capture_output=True, timeout=120)
    assert done.returncode == 0 and b"error" not in done.stderr
    assert done.stdout == (b"" if closed == "stdout" else b"Hello from a 32-bit program through WoW64!\n")


def test_cli_instruction_budget() -> None:
    done = cli("run", "--max-insns", "20000", str(BIN / "x86" / "loop.exe"), "1000000")
    assert done.returncode == 2
    assert b"--max-insns" in done.stderr and done.stderr.count(b"\n") == 1


def test_cli_wall_clock_limit() -> None:
    done = cli("run", "--timeout", "0.5", str(BIN / "x64" / "loop.exe"), "100000000")
    assert done.returncode == 2
    assert b"--timeout" in done.stderr and done.stderr.count(b"\n") == 1


def test_kernel_trace_decodes_object_names_and_handles(tmp_path: Path) -> None:
    trace = io.StringIO()
    run("fileio.exe", root=tmp_path, tracer=Tracer(TextSink(trace)))
    text = trace.getvalue()
    assert 'ObjectAttributes=0x' in text and '"\\??\\C:\\test.txt"' in text
    assert "FileHandle -> 0x" in text and "(File \\??\\C:\\test.txt)" in text
    assert "FileHandle=0x8 (Console stdout)" in text


def test_cli_trace_process_narrates_creation_and_syscalls_together(tmp_path: Path) -> None:
    out = tmp_path / "trace.jsonl"
    done = cli("run", "--trace", "process", "--trace", "syscalls", "--trace-format", "jsonl", "--trace-out",
               str(out), str(BIN / "x86" / "hello.exe"))
    assert done.returncode == 0
    events = [json.loads(line) for line in out.read_text().splitlines()]
    steps = [e["step"] for e in events if e["layer"] == "process"]
    assert steps[0] == "allocate" and steps[-1] == "ldr" and "no-access" in steps
    no_access = next(e for e in events if e.get("step") == "no-access")
    assert no_access["regions"][0]["start"] == 0x7FFF0000
    assert any(e["layer"] == "kernel" for e in events)
    imports = next(e for e in events if e.get("step") == "imports")
    assert imports["regions"][0]["name"] == "C:\\Windows\\SysWOW64\\kernel32.dll"


def test_cli_timeout_ends_a_long_wait_inside_the_kernel() -> None:
    # A 10-minute Sleep: the wait happens inside the kernel's service, where --timeout must still reach it.
    done = cli("run", "--timeout", "0.5", str(BIN / "x86" / "sleeper.exe"), "600000")
    assert done.returncode == 2
    assert b"--timeout" in done.stderr and done.stderr.count(b"\n") == 1


def test_process_end_closes_every_handle(tmp_path: Path) -> None:
    from tests.wow64rig import DATA, object_attributes32, unicode_string32
    from wow64emu.nt.syscalls import by_name

    rig = Wow64Rig(tmp_path)
    name = unicode_string32(rig, DATA + 0x200, "\\??\\C:\\scratch.tmp")
    oa = object_attributes32(rig, DATA + 0x300, name)
    access = 0xC0000000 | 0x100000 | 0x10000  # GENERIC_READ | GENERIC_WRITE | SYNCHRONIZE | DELETE
    status = rig.syscall(by_name()["NtCreateFile"].number, DATA + 0x110, access, oa, DATA + 0x100, 0, 0x80, 0,
                         2, 0x20 | 0x40 | 0x1000, 0, 0).exit_status  # FILE_CREATE, ... FILE_DELETE_ON_CLOSE
    assert status == NTSTATUS.SUCCESS and (tmp_path / "scratch.tmp").exists()
    assert rig.call("NtTerminateProcess", 0xFFFFFFFF, 3).exit_status == 3
    assert not (tmp_path / "scratch.tmp").exists()  # the handle was never closed by the program


def test_a_warning_repeated_by_the_guest_is_printed_once_then_counted(capsys: pytest.CaptureFixture[str],
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    from wow64emu import cli

    ours = logging.getLogger("wow64emu")
    monkeypatch.setattr(ours, "handlers", [])  # put back as they were afterwards
    monkeypatch.setattr(ours, "propagate", True)
    monkeypatch.setattr(ours, "level", ours.level)
    once = cli._setup_logging(verbose=False)
    log = logging.getLogger("wow64emu.kernel.sysinfo")
    for _ in range(1000):
        log.warning("NtQuerySystemInformation: information class %d is unknown or not implemented", 77)
    log.warning("NtQuerySystemInformation: information class %d is unknown or not implemented", 78)
    assert capsys.readouterr().err.splitlines() == [
        "wow64emu: WARNING: NtQuerySystemInformation: information class 77 is unknown or not implemented",
        "wow64emu: WARNING: NtQuerySystemInformation: information class 78 is unknown or not implemented"]
    assert once.summary() == ["wow64emu: WARNING: NtQuerySystemInformation: information class 77 is unknown or "
                              "not implemented (1000 times in all)"]


def test_a_sweep_of_unimplemented_classes_shows_ten_and_counts_the_rest(capsys: pytest.CaptureFixture[str],
                                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    from wow64emu import cli

    ours = logging.getLogger("wow64emu")
    monkeypatch.setattr(ours, "handlers", [])
    monkeypatch.setattr(ours, "propagate", True)
    monkeypatch.setattr(ours, "level", ours.level)
    once = cli._setup_logging(verbose=False)
    log = logging.getLogger("wow64emu.kernel.process")
    for info_class in range(100, 2100):
        log.warning("%s: information class %d is unknown or not implemented", "NtQueryInformationProcess", info_class)
    log.warning("%s: information class %d is unknown or not implemented", "NtQueryInformationThread", 5)
    shown = capsys.readouterr().err.splitlines()
    assert len(shown) == 11 and shown[-1].startswith("wow64emu: WARNING: NtQueryInformationThread:")
    assert once.summary() == ["wow64emu: WARNING: NtQueryInformationProcess: information class 109 is unknown or "
                              "not implemented, and 1990 more like it"]
    for n in range(5000):  # kinds past the thousand kept are counted, not kept
        log.warning("section of %s: page 0x%x could not be read: %s", f"file{n}", 0, "gone")
    assert once.summary()[-1] == "wow64emu: WARNING: 4002 more messages of other kinds not shown"  # 998 kept


@pytest.mark.parametrize(("make", "message"), [
    (lambda p: p, b"no such file"),
    (lambda p: p.mkdir() or p, b"is a folder, not a program"),
    (lambda p: os.mkfifo(p) or p, b"not a regular file")])
def test_cli_a_program_that_is_no_regular_file_is_one_line(tmp_path: Path, make, message: bytes) -> None:
    program = make(tmp_path / "prog.exe")
    for command in ("run", "vad"):
        done = cli(command, str(program))
        assert (done.returncode, done.stderr) == (2, b"wow64emu: error: " + str(program).encode() + b": " + message
                                                  + b"\n")
