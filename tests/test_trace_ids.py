"""Every trace event says which process and thread made it happen and when: JSONL fields `pid`, `tid`, `ts` in
both widths; the text trace's `[pid.tid]` column once a second thread is seen (single-threaded text unchanged)."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from wow64emu.emu.trace import SYSTEM_PID, SYSTEM_TID, TextSink, Tracer
from wow64emu.emu.tracejsonl import JsonlSink
from wow64emu.kernel.console import StdStreams
from wow64emu.machine import Machine

BIN = Path(__file__).resolve().parent.parent / "fixtures" / "bin"


@pytest.mark.parametrize("width", ["x86", "x64"])
def test_every_jsonl_event_carries_its_process_thread_and_time(width: str, tmp_path: Path) -> None:
    out = io.StringIO()
    streams = StdStreams(io.BytesIO(), io.BytesIO(), io.BytesIO())
    machine = Machine(BIN / width / "seh.exe" if width == "x86" else BIN / width / "seh64.exe", [], root=tmp_path,
                      streams=streams, tracer=Tracer(JsonlSink(out)), trace=frozenset({"syscalls", "process"}))
    machine.run(timeout=60)
    events = [json.loads(line) for line in out.getvalue().splitlines()]
    me = (machine.process.pid, machine.thread.tid)
    assert me[0] and me[1] and me[0] != me[1]
    # The steps of creation are the System's (pid 4), naming the process they make; the rest, its first thread's.
    steps = [e for e in events if e["layer"] == "process"]
    assert steps and all((e["pid"], e["tid"], e["process"]) == (SYSTEM_PID, SYSTEM_TID, me[0]) for e in steps)
    rest = [e for e in events if e["layer"] != "process"]
    assert {(e["pid"], e["tid"]) for e in rest} == {me}
    assert {"kernel", "cpu"} <= {e["layer"] for e in rest}  # system calls and exceptions alike
    # Microseconds on the emulator's clock, in the order the events happened.
    times = [e["ts"] for e in events]
    assert times == sorted(times) and 0 < times[-1] - times[0] < 60e6


def test_the_text_trace_names_the_thread_once_there_are_two(tmp_path: Path) -> None:
    out = io.StringIO()
    tracer = Tracer(TextSink(out))
    streams = StdStreams(io.BytesIO(), io.BytesIO(), io.BytesIO())
    machine = Machine(BIN / "x86" / "hello.exe", [], root=tmp_path, streams=streams, tracer=tracer,
                      trace=frozenset({"syscalls", "process"}))
    machine.run(timeout=60)
    single = out.getvalue()
    assert single.startswith("#0     process   allocate    allocate the process")
    assert all(line.split()[1] in ("process", "x86", "gate", "wow64cpu", "wow64", "x64", "kernel")
               for line in single.splitlines() if line.startswith("#"))
    # A second thread (as the scheduler will announce it): from its first event on, each line names its thread.
    pid, tid = machine.process.pid, machine.thread.tid
    tracer.on_thread(pid, tid + 4, "worker", "hello.exe")
    tracer.begin_call()
    tracer.emit("kernel", "service", "NtYieldExecution -> STATUS_SUCCESS\n  (no arguments)")
    tracer.on_thread(pid, tid)
    tracer.emit("kernel", "service", "NtClose -> STATUS_INVALID_HANDLE")
    lines = out.getvalue()[len(single):].splitlines()
    call = tracer.calls
    assert lines == [f"#{call:<5} {f'[{pid}.{tid + 4}]':<11} kernel    service     NtYieldExecution -> STATUS_SUCCESS",
                     f"{'':<41}  (no arguments)",
                     f"#{machine_call(single):<5} {f'[{pid}.{tid}]':<11} kernel    service     NtClose -> "
                     "STATUS_INVALID_HANDLE"]


def machine_call(text: str) -> int:
    """The ordinal of the last call of a text trace."""
    return int([line for line in text.splitlines() if line.startswith("#")][-1].split()[0][1:])
