"""Trace events and their sinks.

An event belongs to one system call or one exception (`call`, its ordinal), one layer (x86, gate, wow64cpu, wow64,
x64, kernel; cpu for a fault; process for a step of process creation) and has a kind (`event`); the other fields
depend on the kind. Every event also says which thread made it happen (`pid`, `tid`: 0 and 0 for the emulator
itself, which creates the first process) and when (`ts`, microseconds on the emulator's clock, see `clock_us`).

The text sink is for a person learning WoW64; the JSONL sink gives one object per event; the Chrome sink
(tracechrome.py) draws each call as nested slices on a timeline. Besides events, the tracer passes *marks* to a sink
that asks for them (`timed`): the moments a layer begins its work that no event shows (the kernel's entry, wow64's
narrowing), so that a timeline can start a slice there. When no trace is asked for, no tracer exists and no hook is
installed.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TextIO

LAYERS = ("x86", "gate", "wow64cpu", "wow64", "x64", "kernel", "process", "cpu")


def clock_us() -> float:
    """Now, in microseconds since the System's boot: the host's monotonic clock, whose origin KUSER_SHARED_DATA's
    InterruptTime counts from too (kernel/shareddata.py), so that ts * 10 is the interrupt time of the moment."""
    return time.monotonic_ns() / 1000


@dataclass(slots=True)
class Event:
    call: int
    layer: str
    event: str
    text: str
    fields: dict[str, Any] = field(default_factory=dict)
    pid: int = 0
    tid: int = 0
    ts: float = 0.0

    def as_dict(self) -> dict[str, Any]:
        return {"call": self.call, "layer": self.layer, "event": self.event, "pid": self.pid, "tid": self.tid,
                "ts": self.ts, **self.fields, "text": self.text}


@dataclass(slots=True)
class ThreadTrace:
    """What the tracer follows for one thread: its names and the state of its call under way, since two threads'
    calls may interleave (the call ordinals stay one count for the whole run)."""

    pid: int
    tid: int
    name: str  # "main", or the thread's start routine
    image: str  # its process's image name
    call: int = 0  # the ordinal of its current call
    wow64_call_active: bool = False  # between the 32-bit stub's entry and its return
    native_call_open: bool = False  # a 64-bit stub entered, its syscall not yet served
    announced: bool = False  # told to the sink (on its first event)


class Sink:
    """Where events go. `thread` is told of each thread before its first event; `mark` gets the marks if `timed`;
    `close` ends the output (a sink whose format has an end writes it there)."""

    timed = False

    def write(self, ev: Event) -> None:
        raise NotImplementedError

    def mark(self, ev: Event) -> None:
        pass

    def thread(self, state: ThreadTrace) -> None:
        pass

    def close(self) -> None:
        pass


class TextSink(Sink):
    """One line per event (more for its details); a `[pid.tid]` column once a second thread has been seen."""

    def __init__(self, out: TextIO) -> None:
        self.out = out
        self.threads = 0  # the threads seen (the emulator's own pseudo-thread 0 not counted)

    def thread(self, state: ThreadTrace) -> None:
        if state.tid:
            self.threads += 1

    def write(self, ev: Event) -> None:
        first, *rest = ev.text.split("\n")
        if self.threads > 1:
            who = f"[{ev.pid}.{ev.tid}]"
            self.out.write(f"#{ev.call:<5} {who:<11} {ev.layer:<9} {ev.event:<11} {first}\n")
            indent = 41
        else:
            self.out.write(f"#{ev.call:<5} {ev.layer:<9} {ev.event:<11} {first}\n")
            indent = 29
        for line in rest:
            self.out.write(f"{'':<{indent}}{line}\n")


# One encoder for every event: json.dumps with options builds a new one per call.
compact_json = json.JSONEncoder(separators=(",", ":")).encode


class JsonlSink(Sink):
    def __init__(self, out: TextIO) -> None:
        self.out = out

    def write(self, ev: Event) -> None:
        self.out.write(compact_json(ev.as_dict()) + "\n")


class Tracer:
    """Numbers system calls and hands events to a sink, each with the thread that runs (`on_thread`)."""

    def __init__(self, sink: Sink) -> None:
        self.sink = sink
        self.timed = sink.timed
        self.calls = 0  # the last ordinal given, for the whole run
        self.threads: dict[tuple[int, int], ThreadTrace] = {}
        self.state = ThreadTrace(0, 0, "process creation", "wow64emu")  # before any thread runs

    def on_thread(self, pid: int, tid: int, name: str = "main", image: str = "") -> None:
        """The thread `tid` of process `pid` runs from now on (whoever switches threads calls this); `name` and
        `image` name it and its process the first time it is seen."""
        state = self.threads.get((pid, tid))
        if state is None:
            state = self.threads[(pid, tid)] = ThreadTrace(pid, tid, name, image)
        self.state = state

    @property
    def pid(self) -> int:
        return self.state.pid

    @property
    def tid(self) -> int:
        return self.state.tid

    # The running thread's call state, as the observers and the kernel's entry read and set it.
    @property
    def call(self) -> int:
        return self.state.call

    @property
    def wow64_call_active(self) -> bool:
        return self.state.wow64_call_active

    @wow64_call_active.setter
    def wow64_call_active(self, value: bool) -> None:
        self.state.wow64_call_active = value

    @property
    def native_call_open(self) -> bool:
        return self.state.native_call_open

    @native_call_open.setter
    def native_call_open(self, value: bool) -> None:
        self.state.native_call_open = value

    def begin_call(self) -> int:
        self.calls += 1
        self.state.call = self.calls
        return self.calls

    def _running(self) -> ThreadTrace:
        """The running thread's state, told to the sink before its first event."""
        state = self.state
        if not state.announced:
            state.announced = True
            self.sink.thread(state)
        return state

    def emit(self, layer: str, event: str, text: str, **fields: Any) -> None:
        state = self._running()
        self.sink.write(Event(state.call, layer, event, text, fields, state.pid, state.tid, clock_us()))

    def mark(self, layer: str, event: str, **fields: Any) -> None:
        """A moment with no text, for a sink that times layers: `kernel enter` when a syscall reaches the kernel,
        `wow64 narrowing` when wow64 starts its work after the 64-bit call."""
        if self.timed:
            state = self._running()
            self.sink.mark(Event(state.call, layer, event, "", fields, state.pid, state.tid, clock_us()))

    def close(self) -> None:
        self.sink.close()


def hex32(value: int) -> str:
    return f"0x{value & 0xFFFFFFFF:08x}"


def hex64(value: int) -> str:
    return f"0x{value & 0xFFFFFFFFFFFFFFFF:016x}"


def trace_step(tracer: Tracer, step: str, what: str, regions: list, name_of: Callable[[str], str],
               process: int = 0) -> None:
    """One step of the creation of process `process`, with the regions of the address space it added (layer
    "process"); it belongs to the thread that creates the process (the emulator's 0.0 for the first one)."""
    rows = [what] + [f"  + 0x{r.base:016x}-0x{r.end - 1:016x} {r.type.name.title():<8} "
                     f"{'committed ' if r.committed else 'reserved  '}{name_of(r.name)}" for r in regions]
    tracer.emit("process", step, "\n".join(rows), step=step, process=process,
                regions=[{"start": r.base, "end": r.end, "type": r.type.name.title(), "name": name_of(r.name),
                          "committed_pages": len(r.committed)} for r in regions])


def trace_redirect(tracer: Tracer, kind: str, before: str, after: str, why: str) -> None:
    """One name a WoW64 redirector rewrote (layer "wow64", event "redirect"): `kind` says which redirector ("file"
    for the file system's, "key" for the registry's), `why` names the rule. Text: `file \\??\\C:\\Windows\\System32\\x
    -> \\??\\C:\\Windows\\SysWOW64\\x (System32 -> SysWOW64)`; JSONL: the fields kind, before, after, why."""
    tracer.emit("wow64", "redirect", f"{kind} {before} -> {after} ({why})", kind=kind, before=before, after=after,
                why=why)
