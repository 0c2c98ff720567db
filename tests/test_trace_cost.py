"""What keeps a trace cheap (issue 14), checked by its structure, never by its timing (that is `wow64emu bench`'s):
the observers hook each ntdll's stubs with one block hook, not a code hook per stub (Unicorn walks every code hook
at each one that fires, and at every instruction it counts for the threads' time slices); the JSONL sink's
hand-written JSON is the encoder's; `ts` is written to the nanosecond."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path

import pytest

from wow64emu.emu.cpu.unicorn import UnicornCpu
from wow64emu.emu.trace import JsonlSink, Tracer, compact_json, json_members
from wow64emu.kernel.console import StdStreams
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
    assert traced["blocks"] - untraced["blocks"] == (2 if width == "x86" else 1)  # the stubs of each ntdll
    # wow64cpu's far jumps and landing, the exception dispatchers and their handler calls: not one per stub (111 of
    # them in each ntdll).
    assert traced["code"] - untraced["code"] < 20


def test_the_observers_see_every_stub_s_entry_and_return_once(tmp_path: Path) -> None:
    out = io.StringIO()
    streams = StdStreams(io.BytesIO(), io.BytesIO(), io.BytesIO())
    Machine(BIN / "x86" / "bench.exe", ["qpc", "25"], root=tmp_path, streams=streams,
            tracer=Tracer(JsonlSink(out))).run(timeout=60)
    events = [json.loads(line) for line in out.getvalue().splitlines()]
    calls = sorted({e["call"] for e in events})
    returned = calls[:-1]  # ExitProcess's last NtTerminateProcess never returns
    for layer, kind, expected in (("x86", "call", calls), ("gate", "enter", calls), ("x64", "call", calls),
                                  ("gate", "return", returned), ("x86", "return", returned)):
        seen = [e["call"] for e in events if (e["layer"], e["event"]) == (layer, kind)]
        assert seen == expected, (layer, kind)  # one each per call, none missed, none twice
    qpc = [e for e in events if (e["layer"], e["event"], e.get("name")) == ("x86", "call", "NtQueryPerformanceCounter")]
    assert len(qpc) == 25 and all(e["text"].endswith("called from bench.exe+0x12d0") for e in qpc)


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
