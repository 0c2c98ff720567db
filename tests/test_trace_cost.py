"""What keeps a trace cheap (issue 14), checked by its structure, never by its timing (that is `wow64emu bench`'s):
the observers hook each ntdll's stubs with one block hook, not a code hook per stub (Unicorn walks every code hook
at each one that fires, and at every instruction it counts for the threads' time slices); the JSONL sink's
hand-written JSON is the encoder's; `ts` is written to the nanosecond."""

from __future__ import annotations

import io
import json
import re
import struct
from pathlib import Path

import pytest

from tests.wow64rig import CODE, DATA, STATUS, STOP64, Wow64Rig
from wow64emu.emu.cpu.unicorn import UnicornCpu
from wow64emu.emu.eventkind import EventKind
from wow64emu.emu.trace import Event, Sink, TextSink, Tracer
from wow64emu.emu.tracejsonl import JsonlSink, compact_json, json_members
from wow64emu.kernel.console import StdStreams
from wow64emu.kernel.threadsetup import CTX
from wow64emu.machine import Machine
from wow64emu.nt.status import NTSTATUS

BIN = Path(__file__).resolve().parent.parent / "fixtures" / "bin"


def hooks_installed(width: str, root: Path, tracer: Tracer | None, monkeypatch: pytest.MonkeyPatch) -> dict[str, int]:
    """How many code hooks and block hooks the first process's CPU gets, as the Machine attaches it."""
    counts = {"code": 0, "blocks": 0}
    code, blocks = UnicornCpu.hook_code, UnicornCpu.hook_blocks

    def counting_code(self: UnicornCpu, *args: object) -> None:
        counts["code"] += 1
        code(self, *args)

    def counting_blocks(self: UnicornCpu, *args: object) -> None:
        counts["blocks"] += 1
        blocks(self, *args)

    monkeypatch.setattr(UnicornCpu, "hook_code", counting_code)
    monkeypatch.setattr(UnicornCpu, "hook_blocks", counting_blocks)
    streams = StdStreams(io.BytesIO(), io.BytesIO(), io.BytesIO())
    Machine(BIN / width / "hello.exe", [], root=root, streams=streams, tracer=tracer)
    monkeypatch.undo()
    return counts


@pytest.mark.parametrize("width", ["x86", "x64"])
def test_a_trace_hooks_each_ntdll_s_stubs_with_one_block_hook(width: str, tmp_path: Path,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    untraced = hooks_installed(width, tmp_path, None, monkeypatch)
    traced = hooks_installed(width, tmp_path, Tracer(JsonlSink(io.StringIO())), monkeypatch)
    # The 32-bit ntdll's stubs; the 64-bit ones are seen at their `syscall`, from the kernel's entry.
    assert traced["blocks"] - untraced["blocks"] == (1 if width == "x86" else 0)
    # The exception dispatchers and their handler calls (7 in each ntdll, 5 in the 32-bit one): not one per stub (111
    # of them in each ntdll), none on wow64cpu's far jumps or its landing (wow64's dispatch hook sees it).
    assert traced["code"] - untraced["code"] == (12 if width == "x86" else 7)


class Events(Sink):
    """Every event, its text made."""

    def __init__(self) -> None:
        self.events: list[Event] = []

    def write(self, ev: Event) -> None:
        self.events.append(ev)


def test_the_observers_see_every_stub_s_entry_and_return_once(tmp_path: Path) -> None:
    sink = Events()
    streams = StdStreams(io.BytesIO(), io.BytesIO(), io.BytesIO())
    Machine(BIN / "x86" / "bench.exe", ["qpc", "25"], root=tmp_path, streams=streams,
            tracer=Tracer(sink)).run(timeout=60)
    events = [{"call": e.call, "layer": e.layer, "event": e.event, "text": e.text, **e.fields} for e in sink.events]
    calls = sorted({e["call"] for e in events})
    returned = calls[:-1]  # ExitProcess's last NtTerminateProcess never returns
    for layer, kind, expected in (("x86", "call", calls), ("gate", "enter", calls), ("x64", "call", calls),
                                  ("gate", "return", returned), ("x86", "return", returned)):
        seen = [e["call"] for e in events if (e["layer"], e["event"]) == (layer, kind)]
        assert seen == expected, (layer, kind)  # one each per call, none missed, none twice
    qpc, back = ([e for e in events if e["layer"] == "x86" and (e["event"], e.get("name")) == (kind, "NtQuery"
                  "PerformanceCounter")] for kind in ("call", "return"))
    assert len(qpc) == 25 and all(e["text"].endswith("called from bench.exe+0x12d0") for e in qpc)
    assert [e["to"] for e in back] == [e["caller"] for e in qpc]
    assert all(e["text"].endswith("ret 0x8 to bench.exe+0x12d0") for e in back)


@pytest.mark.parametrize("value", [
    0, -1, 0xFFFFFFFFFFFFFFFF, "NtWriteFile", 'a "quoted"\\ path\n\tand é', "", None, True, False,
    NTSTATUS.ACCESS_VIOLATION, [1, 2, 0x7FFE0000], [], [True, 1], [1, "x"], {"Length": 24, "Name": None},
    [{"start": 0x10000, "end": 0x20000, "type": "Private"}], 1.5,
])
def test_the_fields_written_by_hand_are_what_the_encoder_writes(value: object) -> None:
    fields = {"first": value, "args": [3, 4], "name": "x"}
    assert "{" + json_members(fields)[:-1] + "}" == compact_json(fields)


def test_jsonl_writes_ts_to_the_nanosecond() -> None:
    out = io.StringIO()
    tracer = Tracer(JsonlSink(out))
    tracer.emit("kernel", "service", "NtClose -> STATUS_SUCCESS", name="NtClose")
    line = out.getvalue()
    assert re.search(r'"ts":\d+\.\d{3},', line), line
    assert json.loads(line)["name"] == "NtClose"


def test_a_kind_s_jsonl_line_has_its_fields_and_its_text_only_if_the_kind_says_so() -> None:
    crossing = EventKind("x86", "call", "name address args", strings="name", lists="args")
    service = EventKind("kernel", "service", "name status", strings="name", text=True)
    out = io.StringIO()
    tracer = Tracer(JsonlSink(out))
    tracer.emit_kind(crossing, lambda: pytest.fail("a crossing's text is not made for JSONL"), 'a "name"', 7, [1, 2])
    tracer.emit_kind(service, 'NtClose -> STATUS_SUCCESS\n  Handle=0x4', "NtClose", 0xC0000008)
    for args in ((1, 2), (1, 2), (3,)):  # a tuple's members are kept (EventKind.known), by its values
        tracer.emit_kind(crossing, "", 'a "name"', 7, args)
    tracer.close()
    first, second, *kept = (json.loads(line) for line in out.getvalue().splitlines())
    assert [e["args"] for e in kept] == [[1, 2], [1, 2], [3]] and len(crossing.known) == 2
    assert {k: v for k, v in first.items() if k != "ts"} == {
        "call": 0, "layer": "x86", "event": "call", "pid": 4, "tid": 8, "name": 'a "name"', "address": 7,
        "args": [1, 2]}
    assert second["text"] == "NtClose -> STATUS_SUCCESS\n  Handle=0x4" and second["status"] == 0xC0000008


def test_the_jsonl_sink_writes_its_batch_in_order_before_any_other_event() -> None:
    kind = EventKind("gate", "enter", "from_cs to_cs")
    out = io.StringIO()
    tracer = Tracer(JsonlSink(out))
    tracer.emit_kind(kind, "", 0x23, 0x33)
    assert out.getvalue() == ""  # held, with the rest of its batch
    tracer.emit("wow64", "redirect", "file a -> b (rule)", kind="file")
    tracer.emit_kind(kind, "", 0x33, 0x23)
    tracer.flush()
    events = [json.loads(line) for line in out.getvalue().splitlines()]
    assert [(e["event"], e.get("from_cs")) for e in events] == [("enter", 0x23), ("redirect", None), ("enter", 0x33)]
    for _ in range(JsonlSink.BATCH):
        tracer.emit_kind(kind, "", 0x23, 0x33)
    assert len(out.getvalue().splitlines()) == 3 + JsonlSink.BATCH  # a whole batch is written as it fills


def test_a_run_ends_with_its_trace_written(tmp_path: Path) -> None:
    out = io.StringIO()
    streams = StdStreams(io.BytesIO(), io.BytesIO(), io.BytesIO())
    Machine(BIN / "x86" / "bench.exe", ["qpc", "3"], root=tmp_path, streams=streams,
            tracer=Tracer(JsonlSink(out))).run(timeout=60)
    last = json.loads(out.getvalue().splitlines()[-1])
    assert (last["layer"], last["event"], last["name"]) == ("kernel", "service", "NtTerminateProcess")


def test_wow64_s_completion_shows_only_for_a_call_it_narrows(tmp_path: Path) -> None:
    """As untraced: a call with nothing to narrow skips Wow64ThunkComplete (its arena is free at once), one with an
    output to write back runs it."""
    sink = Events()
    streams = StdStreams(io.BytesIO(), io.BytesIO(), io.BytesIO())
    Machine(BIN / "x86" / "bench.exe", ["qpc", "3"], root=tmp_path, streams=streams,
            tracer=Tracer(sink)).run(timeout=60)
    names = {e.call: e.fields["name"] for e in sink.events if (e.layer, e.event) == ("x86", "call")}
    completed = [names[e.call] for e in sink.events if (e.layer, e.event) == ("wow64", "complete")]
    narrowed = [names[e.call] for e in sink.events if (e.layer, e.event) == ("wow64", "narrow")]
    assert list(names.values()).count("NtQueryPerformanceCounter") == 3
    assert "NtQueryPerformanceCounter" not in completed and "NtWriteFile" in narrowed
    assert set(narrowed) <= set(completed)


@pytest.mark.parametrize("traced", [False, True])
def test_a_guest_entering_wow64_with_no_saved_context_is_not_changed_by_the_trace(traced: bool,
                                                                                 tmp_path: Path) -> None:
    """64-bit code of the guest's own calls Wow64SystemServiceEx with r13 pointing nowhere (wow64cpu's landing, which
    points it at the WOW64_CONTEXT, never ran): the trace reads the saved x86 context there, finds none, and the
    call goes on as untraced (no thunk for the number: STATUS_INVALID_SYSTEM_SERVICE)."""
    out = io.StringIO()
    rig = Wow64Rig(tmp_path, trace=out if traced else None)
    code64 = CODE + 0x400
    service = rig.machine.created.modules64["wow64.dll"].exports["Wow64SystemServiceEx"]
    rig.put(CODE, b"\xea" + struct.pack("<IH", code64, 0x33))  # jmp far 0033:code64
    body = (b"\x49\xbd" + struct.pack("<Q", 0xDEAD_0000_0000)  # mov r13, imm64
            + b"\xb9" + struct.pack("<I", 0xFFF)  # mov ecx, 0xFFF: a number no table has
            + b"\xba" + struct.pack("<I", DATA)  # mov edx, DATA: the (no) arguments
            + b"\x48\xb8" + struct.pack("<Q", service)  # mov rax, wow64!Wow64SystemServiceEx
            + b"\x48\x83\xec\x28\xff\xd0\x48\x83\xc4\x28"  # sub rsp, 0x28; call rax; add rsp, 0x28
            + b"\x89\x04\x25" + struct.pack("<I", STATUS))  # mov [STATUS], eax
    rig.put(code64, body + b"\xe9" + struct.pack("<i", STOP64 - (code64 + len(body) + 5)))  # jmp STOP64
    rig.put(STOP64, b"\xeb\xfe")
    rig.put(rig.machine.created.cpu_area + 4 + CTX["Eip"], struct.pack("<I", CODE))
    outcome = rig.machine.run(max_insns=1_000_000, timeout=30, stop_at=STOP64)
    assert (outcome.exit_status, outcome.fault) == (None, None)
    assert rig.u32(STATUS) == NTSTATUS.INVALID_SYSTEM_SERVICE
    if traced:
        events = [(e["layer"], e["event"]) for e in map(json.loads, out.getvalue().splitlines())]
        assert ("gate", "enter") in events and ("wow64cpu", "save") not in events


def test_the_kernel_s_text_is_in_a_jsonl_line_when_it_says_more_than_the_fields(tmp_path: Path) -> None:
    """A call whose arguments are all described by their values (NtQueryPerformanceCounter's two pointers) has its
    service text made only by a sink that prints it; one with a handle among them (NtWriteFile's, described by what
    it stands for before the call) keeps it in its JSONL line."""
    lines, text = io.StringIO(), io.StringIO()
    for out, sink in ((lines, JsonlSink), (text, TextSink)):
        streams = StdStreams(io.BytesIO(), io.BytesIO(), io.BytesIO())
        Machine(BIN / "x86" / "bench.exe", ["qpc", "1"], root=tmp_path / sink.__name__, streams=streams,
                tracer=Tracer(sink(out))).run(timeout=60)
    services = {e["name"]: e for e in map(json.loads, lines.getvalue().splitlines()) if e["event"] == "service"}
    qpc, write = services["NtQueryPerformanceCounter"], services["NtWriteFile"]
    assert "text" not in qpc and write["text"].startswith("NtWriteFile -> STATUS_SUCCESS\n  FileHandle=0x")
    counter, frequency = qpc["args"]
    assert (f"NtQueryPerformanceCounter -> STATUS_SUCCESS\n{' ' * 31}PerformanceCounter=0x{counter:x}\n{' ' * 31}"
            f"PerformanceFrequency=0x{frequency:x}\n") in text.getvalue()
