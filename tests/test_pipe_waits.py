"""Pipe reads and writes that wait for another thread (kernel/pipes.py, the restart waits of kernel/waits.py), and
FSCTL_PIPE_PEEK: from guest programs in both widths (fixtures/src/pipes_threads.c: CreatePipe, ReadFile, WriteFile
and PeekNamedPipe between threads), and at the kernel's level, two threads of one process calling the services in
turn as the scheduler would run them."""

from __future__ import annotations

import io
import json
import os
import shutil
import struct
import subprocess
import sys
from pathlib import Path

import pytest

from tests.test_kernel_files import SENTINEL, Rig, make_rig
from tests.test_kernel_pipes import anonymous
from wow64emu.kernel.console import StdStreams
from wow64emu.kernel.threadobject import Thread
from wow64emu.kernel.waits import REDO, RestartWait, WaitForever
from wow64emu.machine import Machine
from wow64emu.nt.fsctl import FSCTL_PIPE_PEEK
from wow64emu.nt.status import NTSTATUS
from wow64emu.nt.syscalls import by_name

ROOT = Path(__file__).resolve().parent.parent
BIN = ROOT / "fixtures" / "bin"
WIDTHS = ["x86", "x64"]


def run(width: str, scenario: str, root: Path) -> tuple[Machine, int, list[str]]:
    streams = StdStreams(io.BytesIO(), io.BytesIO(), io.BytesIO())
    machine = Machine(BIN / width / "pipes_threads.exe", [scenario], root=root, streams=streams)
    outcome = machine.run(timeout=120)
    assert outcome.fault is None
    return machine, outcome.exit_status, streams.stdout.getvalue().decode().splitlines()


@pytest.mark.parametrize("width", WIDTHS)
def test_a_reader_waits_for_each_slow_write_then_gets_broken_pipe(width: str, tmp_path: Path) -> None:
    machine, status, lines = run(width, "slow", tmp_path)
    assert status == 0
    assert lines == ["peek 1 read 0 available 0 left 0 ''",
                     "peek 1 read 3 available 5 left 0 'hel'",  # nothing taken
                     "read hello 5",
                     "line 0", "line 1", "line 2", "line 3", "line 4",
                     "ReadFile failed with 109",  # ERROR_BROKEN_PIPE: the writer closed its end
                     "reads 5", "bytes 35"]
    assert machine.system.scheduler.switches >= 10  # each read waited for the writer's next line


@pytest.mark.parametrize("width", WIDTHS)
def test_a_write_past_the_quota_goes_on_as_the_reader_reads(width: str, tmp_path: Path) -> None:
    _, status, lines = run(width, "quota", tmp_path)
    assert status == 0
    assert lines == ["wrote 100", "read 100", "in order 1"]


@pytest.mark.parametrize("width", WIDTHS)
def test_a_stalled_write_fails_when_the_reader_closes(width: str, tmp_path: Path) -> None:
    _, status, lines = run(width, "stalled", tmp_path)
    assert (status, lines) == (0, ["write failed with 109"])


@pytest.mark.parametrize("width", WIDTHS)
def test_a_lone_reader_of_an_empty_pipe_ends_the_run_with_one_line(width: str, tmp_path: Path) -> None:
    with pytest.raises(WaitForever) as caught:
        run(width, "alone", tmp_path)
    message = str(caught.value)
    assert "\n" not in message
    assert message == "the guest reads from an empty pipe (File \\Device\\NamedPipe\\(anonymous) (server end)) " \
                      "whose writer is open, and has no other thread to write to it"


@pytest.mark.parametrize("width", WIDTHS)
def test_an_end_in_nowait_mode_never_waits(width: str, tmp_path: Path) -> None:
    _, status, lines = run(width, "nowait", tmp_path)
    assert status == 0
    assert lines == ["SetNamedPipeHandleState read end 1", "SetNamedPipeHandleState write end 1",
                     "ReadFile of the empty pipe 0 error 232",  # ERROR_NO_DATA, at once
                     "WriteFile of 20 1", "written 16",  # what fits in the 16-byte pipe
                     "WriteFile into the full pipe 1", "written 0",
                     "ReadFile 1", "read 16",
                     "PIPE_READMODE_MESSAGE 0 error 87", "an unknown bit 0 error 87",  # a byte-type pipe
                     "PIPE_WAIT 1", "ReadFile waits 1", "read 4"]


@pytest.mark.parametrize(("parent", "child"), [(p, c) for p in WIDTHS for c in WIDTHS])
def test_a_parent_reads_a_running_childs_output_through_a_pipe(parent: str, child: str, tmp_path: Path) -> None:
    """The issue's use: each read waits for what the child (another process, of either width) writes next."""
    for width, bits in (("x86", "32"), ("x64", "64")):
        shutil.copyfile(BIN / width / "pipes_threads.exe", tmp_path / f"pipes{bits}.exe")
    streams = StdStreams(io.BytesIO(), io.BytesIO(), io.BytesIO())
    machine = Machine(BIN / parent / "pipes_threads.exe", ["child", f"C:\\pipes{'32' if child == 'x86' else '64'}.exe"],
                      root=tmp_path, streams=streams)
    outcome = machine.run(timeout=120)
    assert (outcome.fault, outcome.exit_status) == (None, 0)
    assert streams.stdout.getvalue().decode().splitlines() == [
        "parent read: from the child 0", "parent read: from the child 1", "parent read: from the child 2",
        "ReadFile failed with 109", "reads 3", "child's exit code 5"]


def test_the_command_line_says_so_in_one_line(tmp_path: Path) -> None:
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    run_ = subprocess.run([sys.executable, "-m", "wow64emu", "run", "--root", str(tmp_path),
                           str(BIN / "x86" / "pipes_threads.exe"), "alone"], capture_output=True, env=env, timeout=120)
    assert run_.returncode == 2 and run_.stdout == b""
    assert run_.stderr.decode().splitlines() == [
        "wow64emu: error: the guest reads from an empty pipe (File \\Device\\NamedPipe\\(anonymous) (server end)) "
        "whose writer is open, and has no other thread to write to it"]


def test_the_trace_shows_the_call_done_again(tmp_path: Path) -> None:
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    trace = tmp_path / "trace.jsonl"
    subprocess.run([sys.executable, "-m", "wow64emu", "run", "--root", str(tmp_path), "--trace", "syscalls",
                    "--trace-format", "jsonl", "--trace-out", str(trace), str(BIN / "x86" / "pipes_threads.exe"),
                    "stalled"], capture_output=True, env=env, timeout=120, check=True)
    events = [json.loads(line) for line in trace.read_text().splitlines()]
    redo = [e for e in events if e.get("event") == "redo"]
    assert redo and redo[0]["name"] == "NtWriteFile" and "does the call again" in redo[0]["text"]
    after = events[events.index(redo[0]) + 1]
    assert (after["event"], after["name"], after["status"]) == ("service", "NtWriteFile", NTSTATUS.PIPE_BROKEN)


@pytest.fixture
def rig(tmp_path: Path) -> Rig:
    return make_rig(tmp_path)


def start(rig: Rig, thread: Thread, name: str, *args: int) -> int:
    """One system call of `thread`, as its `syscall` makes it: the status, PENDING when it waits."""
    services = rig.system.services
    _, service = services.lookup(by_name()[name].number)
    rig.process.running = thread
    try:
        return services.dispatch(service, thread, list(args))
    finally:
        rig.process.running = rig.thread


def tried(rig: Rig, thread: Thread) -> int | None:
    """The scheduler tries the thread's wait: its wake status (REDO: the call is done again), or None."""
    rig.system.scheduler._try_wake(thread, 0.0)
    status, thread.wake_status = thread.wake_status, None
    return status


def test_a_write_past_the_quota_gives_what_fits_and_goes_on_as_a_reader_makes_room(rig: Rig) -> None:
    read_end, write_end = anonymous(rig, quota=16)
    writer = rig.process.create_thread()
    data = bytes(range(40))
    iosb, buf = rig.iosb(), rig.put(data)
    args = (write_end, 0, 0, 0, iosb, buf, len(data), 0, 0)
    assert start(rig, writer, "NtWriteFile", *args) == NTSTATUS.PENDING
    assert isinstance(writer.wait, RestartWait) and writer.wait.progress == 16
    assert tried(rig, writer) is None  # the pipe is full: the writer waits on
    assert rig.read_file(read_end, 10)[3] == data[:10]  # the reader makes room for 10
    assert tried(rig, writer) == REDO
    assert start(rig, writer, "NtWriteFile", *args) == NTSTATUS.PENDING  # done again: 10 more, and still 14 to give
    assert writer.wait.progress == 26 and rig.iosb_values(iosb) == (SENTINEL, SENTINEL)
    assert rig.read_file(read_end, 100)[3][:16] == data[10:26]
    assert tried(rig, writer) == REDO
    assert start(rig, writer, "NtWriteFile", *args) == NTSTATUS.SUCCESS
    assert rig.iosb_values(iosb) == (NTSTATUS.SUCCESS, 40)  # the whole write, once
    assert rig.read_file(read_end, 100)[3][:14] == data[26:]


def test_a_stalled_write_whose_reader_closes_is_pipe_broken(rig: Rig) -> None:
    read_end, write_end = anonymous(rig, quota=16)
    writer = rig.process.create_thread()
    args = (write_end, 0, 0, 0, rig.iosb(), rig.put(b"z" * 20), 20, 0, 0)
    assert start(rig, writer, "NtWriteFile", *args) == NTSTATUS.PENDING
    assert rig.call("NtClose", read_end) == NTSTATUS.SUCCESS
    assert tried(rig, writer) == REDO
    assert start(rig, writer, "NtWriteFile", *args) == NTSTATUS.PIPE_BROKEN
    assert rig.write(write_end, b"late")[0] == NTSTATUS.PIPE_CLOSING  # a new write: the reader has gone


def test_a_read_of_an_empty_pipe_waits_for_data_then_for_the_writer_to_close(rig: Rig) -> None:
    read_end, write_end = anonymous(rig)
    reader = rig.process.create_thread()
    iosb, buf = rig.iosb(), rig.alloc(8)
    args = (read_end, 0, 0, 0, iosb, buf, 8, 0, 0)
    assert start(rig, reader, "NtReadFile", *args) == NTSTATUS.PENDING
    assert "NtReadFile for data in File \\Device\\NamedPipe\\(anonymous) (server end)" == \
        reader.wait.describe_short(reader)
    assert tried(rig, reader) is None
    rig.write(write_end, b"hi")
    assert tried(rig, reader) == REDO
    assert start(rig, reader, "NtReadFile", *args) == NTSTATUS.SUCCESS
    assert rig.iosb_values(iosb) == (NTSTATUS.SUCCESS, 2) and rig.read(buf, 2) == b"hi"
    assert start(rig, reader, "NtReadFile", *args) == NTSTATUS.PENDING
    rig.call("NtClose", write_end)
    assert tried(rig, reader) == REDO
    assert start(rig, reader, "NtReadFile", *args) == NTSTATUS.PIPE_BROKEN


def test_one_thread_alone_still_waits_for_ever(rig: Rig) -> None:
    read_end, write_end = anonymous(rig)
    with pytest.raises(WaitForever, match=r"^the guest reads from an empty pipe .* no other thread to write to it$"):
        rig.read_file(read_end, 1)


RW_SYNC = 0x80000000 | 0x40000000 | 0x100000  # GENERIC_READ | GENERIC_WRITE | SYNCHRONIZE
FILE_SYNCHRONOUS_IO_NONALERT = 0x20


def server_and_client(rig: Rig, completion_mode: int, options: int) -> tuple[int, int]:
    """An anonymous pipe's server end made with those CompletionMode and CreateOptions, and its client."""
    root = rig.open("\\Device\\NamedPipe\\")
    handle_out = rig.put(struct.pack("<Q", SENTINEL))
    assert rig.call("NtCreateNamedPipeFile", handle_out, RW_SYNC, rig.oa("", root), rig.iosb(), 3, 2, options, 0, 0,
                    completion_mode, 1, 0, 0, 0) == NTSTATUS.SUCCESS
    server = rig.u64(handle_out)
    status, client, _ = rig.create("", 0x40000000 | 0x100000, 1, FILE_SYNCHRONOUS_IO_NONALERT, root=server)
    assert status == NTSTATUS.SUCCESS
    return server, client


def test_a_nowait_read_of_an_empty_pipe_is_pipe_empty(rig: Rig) -> None:
    server, client = server_and_client(rig, 1, FILE_SYNCHRONOUS_IO_NONALERT)  # FILE_PIPE_COMPLETE_OPERATION
    assert rig.read_file(server, 4)[0] == NTSTATUS.PIPE_EMPTY  # ERROR_NO_DATA
    rig.write(client, b"ok")
    assert rig.read_file(server, 4)[3][:2] == b"ok"


def test_an_asynchronous_read_that_must_wait_does_not_block(rig: Rig) -> None:
    server, _ = server_and_client(rig, 0, 0)  # no FILE_SYNCHRONOUS_IO_*: overlapped
    assert rig.read_file(server, 4)[0] == NTSTATUS.NOT_SUPPORTED and rig.thread.wait is None


def peek(rig: Rig, handle: int, length: int) -> tuple[int, int, int, bytes]:
    iosb, out = rig.iosb(), rig.alloc(max(length, 1))
    status = rig.call("NtFsControlFile", handle, 0, 0, 0, iosb, FSCTL_PIPE_PEEK, 0, 0, out, length)
    return status, *rig.iosb_values(iosb), rig.read(out, length)


def test_peek_gives_the_bytes_available_without_taking_them(rig: Rig) -> None:
    read_end, write_end = anonymous(rig)
    assert peek(rig, read_end, 16)[0] == NTSTATUS.SUCCESS
    assert struct.unpack("<IIII", peek(rig, read_end, 16)[3]) == (3, 0, 0, 0)  # FILE_PIPE_CONNECTED_STATE, none
    rig.write(write_end, b"peekaboo")
    status, iosb_status, info, out = peek(rig, read_end, 20)
    assert (status, iosb_status, info) == (NTSTATUS.BUFFER_OVERFLOW, NTSTATUS.BUFFER_OVERFLOW, 20)
    assert struct.unpack("<IIII", out[:16]) == (3, 8, 0, 0) and out[16:] == b"peek"
    assert peek(rig, read_end, 15)[0] == NTSTATUS.BUFFER_TOO_SMALL
    assert peek(rig, write_end, 16)[0] == NTSTATUS.ACCESS_DENIED  # the write end has no FILE_READ_DATA
    assert rig.read_file(read_end, 8)[3] == b"peekaboo"  # nothing was taken
    rig.write(write_end, b"!")
    rig.call("NtClose", write_end)
    status, _, info, out = peek(rig, read_end, 32)
    assert (status, info) == (NTSTATUS.SUCCESS, 17) and struct.unpack("<II", out[:8]) == (4, 1)  # CLOSING, 1 left
    rig.read_file(read_end, 8)
    assert peek(rig, read_end, 32)[0] == NTSTATUS.PIPE_BROKEN


FilePipeInformation = 23


def test_pipe_information_reads_and_sets_an_ends_completion_mode(rig: Rig) -> None:
    read_end, write_end = anonymous(rig, quota=16)
    status, _, info, data = rig.query(read_end, FilePipeInformation, 8)
    assert (status, info, struct.unpack("<II", data[:8])) == (NTSTATUS.SUCCESS, 8, (0, 0))  # byte mode, waits
    assert rig.set_info(read_end, FilePipeInformation, struct.pack("<II", 0, 1))[0] == NTSTATUS.SUCCESS
    assert struct.unpack("<II", rig.query(read_end, FilePipeInformation, 8)[3][:8]) == (0, 1)
    assert rig.read_file(read_end, 4)[0] == NTSTATUS.PIPE_EMPTY  # PIPE_NOWAIT now
    assert rig.set_info(read_end, FilePipeInformation, struct.pack("<II", 1, 0))[0] == NTSTATUS.INVALID_PARAMETER
    assert rig.set_info(read_end, FilePipeInformation, struct.pack("<II", 0, 2))[0] == NTSTATUS.INVALID_PARAMETER
    assert rig.set_info(read_end, FilePipeInformation, b"\0" * 4)[0] == NTSTATUS.INFO_LENGTH_MISMATCH
    assert rig.set_info(write_end, FilePipeInformation, struct.pack("<II", 0, 1))[0] == NTSTATUS.SUCCESS
    assert rig.write(write_end, b"a" * 20) == (NTSTATUS.SUCCESS, NTSTATUS.SUCCESS, 16)  # what fits, at once
    assert rig.write(write_end, b"b") == (NTSTATUS.SUCCESS, NTSTATUS.SUCCESS, 0)
    file = rig.open("\\??\\C:\\plain.txt")
    assert rig.query(file, FilePipeInformation, 8)[0] == NTSTATUS.INVALID_PARAMETER  # not a pipe
