"""Trace events and their sinks.

An event belongs to one system call or one exception (`call`, its ordinal), one layer (x86, gate, wow64cpu, wow64,
x64, kernel; cpu for a fault) and has a kind (`event`); the other fields depend on the kind. The text sink is for a
person learning WoW64; the JSONL sink gives one object per event. When no trace is asked for, no tracer exists and
no hook is installed.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TextIO

LAYERS = ("x86", "gate", "wow64cpu", "wow64", "x64", "kernel", "process", "cpu")


@dataclass
class Event:
    call: int
    layer: str
    event: str
    text: str
    fields: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {"call": self.call, "layer": self.layer, "event": self.event, **self.fields, "text": self.text}


class TextSink:
    def __init__(self, out: TextIO) -> None:
        self.out = out

    def write(self, ev: Event) -> None:
        first, *rest = ev.text.split("\n")
        self.out.write(f"#{ev.call:<5} {ev.layer:<9} {ev.event:<11} {first}\n")
        for line in rest:
            self.out.write(f"{'':<29}{line}\n")


class JsonlSink:
    def __init__(self, out: TextIO) -> None:
        self.out = out

    def write(self, ev: Event) -> None:
        self.out.write(json.dumps(ev.as_dict(), separators=(",", ":")) + "\n")


class Tracer:
    """Numbers system calls and hands events to a sink; remembers which call is under way."""

    def __init__(self, sink: TextSink | JsonlSink) -> None:
        self.sink = sink
        self.call = 0
        self.wow64_call_active = False  # between the 32-bit stub's entry and its return
        self.native_call_open = False  # a 64-bit stub entered, its syscall not yet served

    def begin_call(self) -> int:
        self.call += 1
        return self.call

    def emit(self, layer: str, event: str, text: str, **fields: Any) -> None:
        self.sink.write(Event(self.call, layer, event, text, fields))


def hex32(value: int) -> str:
    return f"0x{value & 0xFFFFFFFF:08x}"


def hex64(value: int) -> str:
    return f"0x{value & 0xFFFFFFFFFFFFFFFF:016x}"


def trace_step(tracer: Tracer, step: str, what: str, regions: list, name_of: Callable[[str], str]) -> None:
    """One step of process creation, with the regions of the address space it added (layer "process")."""
    rows = [what] + [f"  + 0x{r.base:016x}-0x{r.end - 1:016x} {r.type.name.title():<8} "
                     f"{'committed ' if r.committed else 'reserved  '}{name_of(r.name)}" for r in regions]
    tracer.emit("process", step, "\n".join(rows), step=step,
                regions=[{"start": r.base, "end": r.end, "type": r.type.name.title(), "name": name_of(r.name),
                          "committed_pages": len(r.committed)} for r in regions])


def trace_redirect(tracer: Tracer, kind: str, before: str, after: str, why: str) -> None:
    """One name a WoW64 redirector rewrote (layer "wow64", event "redirect"): `kind` says which redirector ("file"
    for the file system's, "key" for the registry's), `why` names the rule. Text: `file \\??\\C:\\Windows\\System32\\x
    -> \\??\\C:\\Windows\\SysWOW64\\x (System32 -> SysWOW64)`; JSONL: the fields kind, before, after, why."""
    tracer.emit("wow64", "redirect", f"{kind} {before} -> {after} ({why})", kind=kind, before=before, after=after,
                why=why)
