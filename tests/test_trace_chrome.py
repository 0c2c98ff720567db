"""`--trace-format chrome`: real runs written in the Trace Event Format, checked against the format's rules
(tests/trace_rules.py), with each system call a stack of slices, one per layer, on its thread's track."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from itertools import pairwise
from pathlib import Path

from tests.trace_rules import check, shape
from wow64emu.emu.trace import SYSTEM_PID, SYSTEM_TID, Event, Sink, ThreadTrace, Tracer
from wow64emu.emu.tracechrome import ChromeSink
from wow64emu.kernel.console import StdStreams
from wow64emu.machine import Machine

BIN = Path(__file__).resolve().parent.parent / "fixtures" / "bin"

WRITE32 = ("x86", "NtWriteFile",
           ("gate", "gate",
            ("wow64", "wow64", ("wow64", "widen"), ("x64", "NtWriteFile", ("kernel", "kernel")), ("wow64", "narrow"))))
WRITE64 = ("x64", "NtWriteFile", ("kernel", "kernel"))


def run(width: str, program: str, *args: str, root: Path, sink: Sink,
        trace: frozenset[str] = frozenset({"syscalls"})) -> Machine:
    streams = StdStreams(io.BytesIO(), io.BytesIO(), io.BytesIO())
    tracer = Tracer(sink)
    machine = Machine(BIN / width / program, list(args), root=root, streams=streams, tracer=tracer, trace=trace)
    try:
        machine.run(timeout=60)
    finally:
        tracer.close()
    return machine


def chrome(width: str, program: str, *args: str, root: Path, trace: frozenset[str] = frozenset({"syscalls"})
           ) -> tuple[dict, Machine]:
    out = io.StringIO()
    machine = run(width, program, *args, root=root, sink=ChromeSink(out), trace=trace)
    return json.loads(out.getvalue()), machine


def test_a_32bit_call_is_a_slice_per_layer_nested_as_the_call_crosses_them(tmp_path: Path) -> None:
    trace, machine = chrome("x86", "hello.exe", root=tmp_path, trace=frozenset({"syscalls", "process"}))
    checked = check(trace)
    me = (machine.process.pid, machine.thread.tid)
    assert checked.processes[me[0]] == "hello.exe" and checked.threads[me] == "main"
    writes = [s for s in checked.slices[me] if s.name == "NtWriteFile"]
    assert writes and shape(writes[0]) == WRITE32
    call = writes[0]
    assert call.args["status"] == 0 and call.args["number"] == 8 and "x86 return" in call.args
    kernel = call.children[0].children[0].children[1].children[0]
    assert kernel.args["name"] == "NtWriteFile" and "FileHandle=0x8 (Console stdout)" in kernel.args["kernel service"]
    assert call.begin < kernel.begin <= kernel.end < call.end
    # Every call of the run is whole: the 32-bit stub's slice holds the others.
    assert all(s.cat == "x86" for s in checked.slices[me])
    # The steps of process creation: instants of the System's track (pid 4, as on Windows), naming the process.
    steps = checked.instants[(SYSTEM_PID, SYSTEM_TID)]
    assert [e["args"]["step"] for e in steps][:2] == ["allocate", "map-image"]
    assert {e["args"]["process"] for e in steps} == {me[0]} and checked.processes[SYSTEM_PID] == "System"


def test_a_64bit_call_has_only_the_x64_stub_and_the_kernel(tmp_path: Path) -> None:
    trace, machine = chrome("x64", "hello.exe", root=tmp_path)
    checked = check(trace)
    me = (machine.process.pid, machine.thread.tid)
    assert {s.cat for s in checked.all_slices()} == {"x64", "kernel"}
    writes = [s for s in checked.slices[me] if s.name == "NtWriteFile"]
    assert writes and shape(writes[0]) == WRITE64 and writes[0].children[0].args["status"] == 0


def test_exceptions_are_instants_and_a_call_that_never_returns_is_ended(tmp_path: Path) -> None:
    trace, machine = chrome("x86", "seh.exe", root=tmp_path)
    checked = check(trace)
    me = (machine.process.pid, machine.thread.tid)
    names = [e["name"] for e in checked.instants[me]]
    assert "cpu fault" in names and "kernel dispatch" in names and "wow64 exception" in names
    assert "x86 handler" in names and "x86 returned" in names
    # wow64's NtContinue resumes the thread elsewhere: its slices end there, marked, and the next call is its own.
    resumed = [s for s in checked.slices[me] if s.name == "NtContinue"]
    assert resumed and all(s.args.get("abandoned") for s in resumed)
    assert all(s.end <= t.begin for s, t in pairwise(checked.slices[me]))


def test_a_run_that_ends_in_the_middle_of_a_call_leaves_a_whole_file(tmp_path: Path) -> None:
    out = tmp_path / "trace.json"
    done = subprocess.run([sys.executable, "-m", "wow64emu", "run", "--timeout", "1", "--trace", "syscalls",
                           "--trace-format", "chrome", "--trace-out", str(out), str(BIN / "x86" / "sleeper.exe"),
                           "600000"], capture_output=True, timeout=120)
    assert done.returncode == 2 and b"--timeout" in done.stderr
    checked = check(json.loads(out.read_text()))
    (track,) = [t for t in checked.slices if t[0] != SYSTEM_PID]
    last = checked.slices[track][-1]
    assert last.name == "NtDelayExecution" and last.args.get("unfinished")


def test_chrome_needs_a_file() -> None:
    done = subprocess.run([sys.executable, "-m", "wow64emu", "run", "--trace", "syscalls", "--trace-format",
                           "chrome", str(BIN / "x86" / "hello.exe")], capture_output=True, timeout=120)
    assert done.returncode == 2 and done.stdout == b""
    assert done.stderr == b"wow64emu: error: --trace-format chrome writes a file: give it with --trace-out FILE\n"


MOVED = 1 << 20  # what the second thread's ids are moved by


class Recorder(Sink):
    """Keeps what a real run's tracer gives, to replay it as another thread's."""

    timed = True

    def __init__(self) -> None:
        self.items: list[tuple[str, object]] = []

    def thread(self, state: ThreadTrace) -> None:
        self.items.append(("thread", state))

    def write(self, ev: Event) -> None:
        self.items.append(("write", ev))

    def mark(self, ev: Event) -> None:
        self.items.append(("mark", ev))


def test_two_threads_whose_calls_interleave_keep_their_own_slices(tmp_path: Path) -> None:
    """Two real runs' events (32-bit and 64-bit) interleaved one by one as a scheduler would switch two threads,
    the second one moved to other ids: each track is valid on its own, with the calls of its run."""
    first, second = Recorder(), Recorder()
    run("x86", "hello.exe", root=tmp_path, sink=first)
    run("x64", "hello.exe", root=tmp_path, sink=second)
    out = io.StringIO()
    sink = ChromeSink(out)
    start = first.items[1][1].ts  # the second run's clock moved under the first one's, so that time interleaves too
    offset = start - second.items[1][1].ts
    for i in range(max(len(first.items), len(second.items))):
        for items, shift in ((first.items, 0), (second.items, MOVED)):
            if i >= len(items):
                continue
            what, item = items[i]
            if what == "thread":
                state = ThreadTrace(item.pid + shift, item.tid + shift, item.name, item.image)
                sink.thread(state)
                continue
            ev = Event(item.call, item.layer, item.event, item.text, item.fields, item.pid + shift, item.tid + shift,
                       max(item.ts + (offset if shift else 0), sink.last_ts))
            getattr(sink, what)(ev)
    sink.close()
    checked = check(json.loads(out.getvalue()))
    assert len(checked.slices) == 2
    (t32,) = [t for t in checked.slices if t[0] < MOVED]
    (t64,) = [t for t in checked.slices if t[0] > MOVED]
    assert shape(next(s for s in checked.slices[t32] if s.name == "NtWriteFile")) == WRITE32
    assert shape(next(s for s in checked.slices[t64] if s.name == "NtWriteFile")) == WRITE64
    assert checked.threads[t32] == checked.threads[t64] == "main"


def test_a_thread_that_ends_ends_its_slices_then(tmp_path: Path) -> None:
    """ExitProcess's last NtTerminateProcess never returns to the 32-bit stub: told that its thread ended, the sink
    ends the call's slices there, before the trace goes on (with a later event of the System's own track)."""
    out = io.StringIO()
    tracer = Tracer(ChromeSink(out))
    streams = StdStreams(io.BytesIO(), io.BytesIO(), io.BytesIO())
    machine = Machine(BIN / "x86" / "hello.exe", [], root=tmp_path, streams=streams, tracer=tracer)
    machine.run(timeout=60)
    me = (machine.process.pid, machine.thread.tid)
    tracer.thread_ended(*me)
    tracer.on_thread(SYSTEM_PID, SYSTEM_TID)
    tracer.emit("process", "exit", "the process ended")
    tracer.close()
    checked = check(json.loads(out.getvalue()))
    last = checked.slices[me][-1]
    (later,) = checked.instants[(SYSTEM_PID, SYSTEM_TID)]
    assert last.name == "NtTerminateProcess" and last.args["unfinished"] and last.end < later["ts"]


def test_a_redirect_is_an_instant_inside_the_widening_of_its_call(tmp_path: Path) -> None:
    trace, machine = chrome("x86", "fsredir.exe", root=tmp_path)
    checked = check(trace)
    me = (machine.process.pid, machine.thread.tid)
    redirects = [e for e in checked.instants[me] if e["name"] == "wow64 redirect"]
    assert redirects and all(e["args"]["kind"] == "file" and e["args"]["before"] for e in redirects)
    widenings = [s for s in checked.all_slices(me) if s.name == "widen"]
    assert all(any(w.begin < e["ts"] < w.end for w in widenings) for e in redirects)
