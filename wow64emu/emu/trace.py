"""Trace events and their sinks.

An event belongs to one system call or one exception (`call`, its ordinal), one layer (x86, gate, wow64cpu, wow64,
x64, kernel; cpu for a fault; process for a step of process creation) and has a kind (`event`); the other fields
depend on the kind. Every event also says which thread made it happen (`pid`, `tid`; the System's, SYSTEM_PID and
SYSTEM_TID, for the creation of the first process) and when (`ts`, microseconds on the emulator's clock, see
`clock_us`).

The text sink is for a person learning WoW64; the JSONL sink (tracejsonl.py) gives one object per event; the
Chrome sink (tracechrome.py) draws each call as nested slices on a timeline. Besides events, the tracer passes
*marks* to a sink that asks for them (`timed`): the moments a layer begins its work that no event shows (the
kernel's entry, wow64's narrowing), so that a timeline can start a slice there. When no trace is asked for, no
tracer exists and no hook is installed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from time import monotonic_ns
from typing import TYPE_CHECKING, Any, TextIO

if TYPE_CHECKING:
    from .eventkind import EventKind

# An event's text: made at once, or by a function the sink calls if it prints the text (a crossing's text is a
# rendering of its fields, which the JSONL format does without: see EventKind).
Text = str | Callable[[], str]

LAYERS = ("x86", "gate", "wow64cpu", "wow64", "x64", "kernel", "process", "cpu")
# Who makes what no thread of a process does (the first process's creation): Windows' System process (pid 4) and a
# thread id below those the System gives (a pid or tid of 0 is the idle task to Linux tools such as Perfetto).
SYSTEM_PID = 4
SYSTEM_TID = 8


def clock_us() -> float:
    """Now, in microseconds since the System's boot: the host's monotonic clock, whose origin KUSER_SHARED_DATA's
    InterruptTime counts from too (kernel/shareddata.py), so that ts * 10 is the interrupt time of the moment.
    (Tracer.emit reads the clock itself, for speed.)"""
    return monotonic_ns() / 1000


@dataclass(slots=True)
class Event:
    """One event of the trace: a layer's step of a call, with its text and its fields."""

    call: int
    layer: str
    event: str
    text: str
    fields: dict[str, Any] = field(default_factory=dict)
    pid: int = 0
    tid: int = 0
    ts: float = 0.0


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
    wow64_entered: bool = False  # that call's way into wow64 was shown (from wow64's dispatch hook, or from the
    # kernel's entry when wow64.dll's fast path took it: observe.py)
    native_call_open: bool = False  # a 64-bit stub entered, its syscall not yet served
    announced: bool = False  # told to the sink (on its first event)


def text_of(text: Text) -> str:
    return text if type(text) is str else text()


class Sink:
    """Where events go. `thread` is told of each thread before its first event, `thread_ended` when it ended (at
    `ts`); `mark` gets the marks if `timed`; `close` ends the output (a sink whose format has an end writes it
    there). The tracer hands each event to `write_parts` (or `write_kind`, for a kind of event emitted on every
    call, but to a sink with `pending`), which makes it an Event for `write`; a sink that needs no Event writes the
    parts themselves (an object less per event, a tenth of the JSONL sink's cost)."""

    timed = False
    # A sink that keeps the crossings' events to write them in batches: its list of them (kind, call, pid, tid, time
    # in ns, values, text), which the tracer appends to instead of calling write_kind (a call less per event),
    # calling `flush` when it holds BATCH.
    pending: list[tuple[EventKind, int, int, int, int, tuple, Text | None]] | None = None
    BATCH = 0

    def write(self, ev: Event) -> None:
        raise NotImplementedError

    def write_parts(self, call: int, layer: str, event: str, text: Text, fields: dict[str, Any], pid: int, tid: int,
                    ts: float) -> None:
        self.write(Event(call, layer, event, text_of(text), fields, pid, tid, ts))

    def write_kind(self, kind: EventKind, call: int, text: Text, values: tuple, pid: int, tid: int,
                   ts: float) -> None:
        self.write_parts(call, kind.layer, kind.event, text, dict(zip(kind.names, values, strict=True)), pid, tid, ts)

    def mark(self, ev: Event) -> None:
        pass

    def flush(self) -> None:
        """Write what the sink holds (the end of a run, or of its part that a reader looks at)."""

    def thread(self, state: ThreadTrace) -> None:
        pass

    def thread_ended(self, state: ThreadTrace, ts: float) -> None:
        pass

    def close(self) -> None:
        pass


class TextSink(Sink):
    """One line per event (more for its details, indented); a `[pid.tid]` column once a second thread has been
    seen. Each event is one write of one string: the cheapest way found to print it."""

    def __init__(self, out: TextIO) -> None:
        self.out = out
        self.threads = 0  # the threads of processes seen (the System's not counted)

    def thread(self, state: ThreadTrace) -> None:
        if state.pid != SYSTEM_PID:
            self.threads += 1

    def write(self, ev: Event) -> None:
        self.write_parts(ev.call, ev.layer, ev.event, ev.text, ev.fields, ev.pid, ev.tid, ev.ts)

    def write_kind(self, kind: EventKind, call: int, text: Text, values: tuple, pid: int, tid: int,
                   ts: float) -> None:
        self.write_parts(call, kind.layer, kind.event, text, {}, pid, tid, ts)  # no fields: the text says it all

    def write_parts(self, call: int, layer: str, event: str, text: Text, fields: dict[str, Any], pid: int, tid: int,
                    ts: float) -> None:
        if type(text) is not str:
            text = text()
        if self.threads > 1:
            who = f"[{pid}.{tid}]"
            self.out.write(f"#{call:<5} {who:<11} {layer:<9} {event:<11} {text.replace(_NL, _DETAIL_THREADS)}\n")
        else:
            self.out.write(f"#{call:<5} {layer:<9} {event:<11} {text.replace(_NL, _DETAIL)}\n")


_NL = "\n"
_DETAIL = "\n" + " " * 29  # a detail line starts under the first line's text
_DETAIL_THREADS = "\n" + " " * 41


class Tracer:
    """Numbers system calls and hands events to a sink, each with the thread that runs (`on_thread`)."""

    def __init__(self, sink: Sink) -> None:
        self.sink = sink
        self.timed = sink.timed
        self.pending = sink.pending
        self.batch = sink.BATCH
        self.calls = 0  # the last ordinal given, for the whole run
        self.held = 0  # the time (monotonic ns) of the events seen now, at one instruction (hold); 0: each its own
        self.threads: dict[tuple[int, int], ThreadTrace] = {}
        self.state = ThreadTrace(SYSTEM_PID, SYSTEM_TID, "process creation", "System")  # before any thread runs

    def on_thread(self, pid: int, tid: int, name: str = "main", image: str = "") -> None:
        """The thread `tid` of process `pid` runs from now on (whoever switches threads calls this); `name` and
        `image` name it and its process the first time it is seen."""
        state = self.threads.get((pid, tid))
        if state is None:
            state = self.threads[(pid, tid)] = ThreadTrace(pid, tid, name, image)
        self.state = state

    def thread_ended(self, pid: int, tid: int) -> None:
        """The thread `tid` of process `pid` ended (whoever ends threads calls this): what its call left under way
        (ExitThread's NtTerminateThread never returns) ends now, not with the trace."""
        state = self.threads.get((pid, tid))
        if state is not None and state.announced:
            self.sink.thread_ended(state, clock_us())

    @property
    def pid(self) -> int:
        return self.state.pid

    @property
    def tid(self) -> int:
        return self.state.tid

    # The running thread's call state, as the observers and the kernel's entry read and set it.
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

    def _announce(self, state: ThreadTrace) -> None:
        """Tell the sink of a thread, before its first event."""
        state.announced = True
        self.sink.thread(state)

    def emit(self, layer: str, event: str, text: Text, **fields: Any) -> None:
        state = self.state
        if not state.announced:
            self._announce(state)
        self.sink.write_parts(state.call, layer, event, text, fields, state.pid, state.tid, monotonic_ns() / 1000)

    def emit_kind(self, kind: EventKind, text: Text, *values: Any) -> None:
        """An event of a kind emitted on every call, its fields' values in the kind's order."""
        state = self.state
        if not state.announced:
            self._announce(state)
        pending = self.pending
        if pending is None:
            self.sink.write_kind(kind, state.call, text, values, state.pid, state.tid,
                                 (self.held or monotonic_ns()) / 1000)
            return
        pending.append((kind, state.call, state.pid, state.tid, self.held or monotonic_ns(), values,
                        text if kind.text else None))
        if len(pending) >= self.batch:
            self.sink.flush()

    def hold(self) -> None:
        """The events emitted until release() are seen at one instruction: they have its time (one clock read, and
        one time to format)."""
        self.held = monotonic_ns()

    def release(self) -> None:
        self.held = 0

    def mark(self, layer: str, event: str, **fields: Any) -> None:
        """A moment with no text, for a sink that times layers: `kernel enter` when a syscall reaches the kernel,
        `wow64 narrowing` when wow64 starts its work after the 64-bit call."""
        if self.timed:
            state = self.state
            if not state.announced:
                self._announce(state)
            self.sink.mark(Event(state.call, layer, event, "", fields, state.pid, state.tid, clock_us()))

    def flush(self) -> None:
        self.sink.flush()

    def close(self) -> None:
        self.sink.close()


def trace_step(tracer: Tracer, step: str, what: str, regions: list, name_of: Callable[[str], str],
               process: int = 0) -> None:
    """One step of the creation of process `process`, with the regions of the address space it added (layer
    "process"); it belongs to the thread that creates the process (the System's for the first one)."""
    rows = [what] + [f"  + 0x{r.base:016x}-0x{r.end - 1:016x} {r.type.name.title():<8} "
                     f"{'committed ' if r.committed else 'reserved  '}{name_of(r.name)}" for r in regions]
    tracer.emit("process", step, "\n".join(rows), step=step, process=process,
                regions=[{"start": r.base, "end": r.end, "type": r.type.name.title(), "name": name_of(r.name),
                          "committed_pages": len(r.committed)} for r in regions])


def step_observer(tracer: Tracer) -> Callable[[Any, str, str, list], None]:
    """What process creation calls after each step (its `on_step`: the process being made, the step, what it did,
    the regions it added), tracing each as `trace_step` does."""
    return lambda c, step, what, regions: trace_step(tracer, step, what, regions, c.guest_path, c.process.pid)


def trace_redirect(tracer: Tracer, kind: str, before: str, after: str, why: str) -> None:
    """One name a WoW64 redirector rewrote (layer "wow64", event "redirect"): `kind` says which redirector ("file"
    for the file system's, "key" for the registry's), `why` names the rule. Text: `file \\??\\C:\\Windows\\System32\\x
    -> \\??\\C:\\Windows\\SysWOW64\\x (System32 -> SysWOW64)`; JSONL: the fields kind, before, after, why."""
    tracer.emit("wow64", "redirect", f"{kind} {before} -> {after} ({why})", kind=kind, before=before, after=after,
                why=why)
