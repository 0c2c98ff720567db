"""A traced call that wow64.dll's fast path takes (arguments that only zero- or sign-extend): its code decodes and
widens the call, no Python runs before the kernel, and the trace shows the gate, wow64cpu's save, the decode and
the widening from the kernel's entry, the same events as wow64's dispatch hook makes on the generic path."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from tests.wow64rig import DATA, Wow64Rig
from wow64emu.nt.syscalls import by_name
from wow64emu.thunks import dispatch as dispatch_module
from wow64emu.thunks.dispatch import FAST_ENTRIES, Wow64Dispatcher

HANDLE = 0xFFFFFFF0  # sign-extended: a handle no table has
LENGTH = 0x80000000  # zero-extended


def traced_calls(root: Path) -> tuple[list[dict], int]:
    """The JSONL events of NtQueryPerformanceCounter (two arguments) and NtQueryEvent (five: one on the 64-bit
    stack), made through the 32-bit ntdll's stubs, without their `ts`; and how often wow64's dispatch hook ran."""
    out = io.StringIO()
    rig = Wow64Rig(root, trace=out)
    dispatches = 0
    dispatch = Wow64Dispatcher._dispatch

    def counted(self: Wow64Dispatcher) -> None:
        nonlocal dispatches
        dispatches += 1
        dispatch(self)

    rig.machine.tracer.flush()
    out.seek(0)
    out.truncate()
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(Wow64Dispatcher, "_dispatch", counted)
        assert rig.call("NtQueryPerformanceCounter", DATA, DATA + 8).exit_status == 0
        assert rig.call("NtQueryEvent", HANDLE, 0, DATA + 0x10, LENGTH, DATA + 0x20).exit_status != 0
    rig.machine.tracer.flush()
    events = [json.loads(line) for line in out.getvalue().splitlines()]
    for event in events:
        del event["ts"]
    return events, dispatches


def test_a_traced_fast_call_shows_the_events_of_the_generic_path(tmp_path: Path) -> None:
    fast, fast_dispatches = traced_calls(tmp_path / "fast")
    with pytest.MonkeyPatch.context() as patch:  # an empty fast table: every call takes wow64's dispatch hook
        patch.setattr(dispatch_module, "wow64_tables", lambda *_args: (bytes(FAST_ENTRIES * 16), b"", b""))
        generic, generic_dispatches = traced_calls(tmp_path / "generic")
    assert (fast_dispatches, generic_dispatches) == (0, 2)
    assert fast == generic
    layers = [(e["layer"], e["event"]) for e in fast if e["call"] == fast[-1]["call"]]
    assert layers == [("x86", "call"), ("gate", "enter"), ("wow64cpu", "save"), ("wow64", "decode"),
                      ("wow64", "widen"), ("x64", "call"), ("kernel", "service"), ("gate", "return"),
                      ("x86", "return")]
    number = by_name()["NtQueryEvent"].number
    decode, widen = (e for e in fast if e["call"] == fast[-1]["call"] and e["layer"] == "wow64")
    assert (decode["eax"], decode["number"], decode["table"], decode["turbo"], decode["name"]) == (
        number, number, 0, 0, "NtQueryEvent")
    assert widen["args32"] == [HANDLE, 0, DATA + 0x10, LENGTH, DATA + 0x20]
    assert widen["args64"] == [0xFFFFFFFF_FFFFFFF0, 0, DATA + 0x10, LENGTH, DATA + 0x20]


def test_the_crossings_seen_at_one_instruction_share_its_time(tmp_path: Path) -> None:
    """The gate, wow64cpu's save, the decode, the widening and the 64-bit stub, all seen at the stub's `syscall`,
    carry one time (Tracer.hold); so do the gate's return and the x86 return, seen at the stub's `ret`; the call's
    entry and the kernel's service come before and after."""
    out = io.StringIO()
    rig = Wow64Rig(tmp_path, trace=out)
    rig.machine.tracer.flush()
    out.seek(0)
    out.truncate()
    assert rig.call("NtQueryPerformanceCounter", DATA, DATA + 8).exit_status == 0
    rig.machine.tracer.flush()
    events = [json.loads(line) for line in out.getvalue().splitlines()]
    times = [(e["layer"], e["event"], e["ts"]) for e in events if e["call"] == events[-1]["call"]]
    at_syscall = {ts for layer, event, ts in times[1:6]}
    at_ret = {ts for layer, event, ts in times[7:9]}
    assert [(layer, event) for layer, event, _ in times][1:6] == [
        ("gate", "enter"), ("wow64cpu", "save"), ("wow64", "decode"), ("wow64", "widen"), ("x64", "call")]
    assert len(at_syscall) == len(at_ret) == 1
    assert times[0][2] < min(at_syscall) <= times[6][2] <= min(at_ret)
