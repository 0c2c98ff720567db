"""The trace in Chrome's Trace Event Format (the JSON object form), which Perfetto and chrome://tracing open.

One track per thread, grouped by process (metadata events `process_name`, `thread_name`). Each system call is a
stack of duration slices ("B"/"E") on its thread's track, one per layer it crosses:

    NtWriteFile (x86: the 32-bit stub, from its entry to its `ret`)
      gate (64-bit mode, from the far jump's landing to the far jump back)
        wow64 (Wow64SystemServiceEx)
          widen (the arguments read and rebuilt)
          NtWriteFile (x64: the 64-bit stub, until its `syscall` returns)
            kernel (the service)
          narrow (Wow64ThunkComplete: the outputs written back)

A 64-bit program's call is the last two only. Everything else is an instant event ("i") on the thread's track:
the exceptions layer by layer, the redirections, the structures rebuilt, the steps of process creation (on the track
of the thread that creates the process; the System's, pid 4, for the first process). Timestamps are the
events' own (`trace.clock_us`), so they increase along each track in the order written (strictly: see `_event`).

The file is written as the events come, one per line, with only the slices under way kept (a thread holds one call's
at most): a trace of a million calls needs no more memory than one of ten. `close` ends the slices still open (a
run that ended in the middle of a call) and the JSON.
"""

from __future__ import annotations

from typing import TextIO

from .trace import Event, Sink, ThreadTrace
from .tracejsonl import compact_json, json_members, json_string

# What an event does to its thread's slices: open one (kind, name, category; a name in braces is the event's field),
# or end the innermost slice of each kind listed, and those inside it. The other events are instant events.
_OPEN = {("x86", "call"): ("x86", "{name}", "x86"), ("gate", "enter"): ("gate", "gate", "gate"),
         ("wow64", "decode"): ("wow64", "wow64", "wow64"), ("x64", "call"): ("x64", "{name}", "x64"),
         ("kernel", "enter"): ("kernel", "kernel", "kernel")}
_WIDEN = ("widen", "widen", "wow64")
_NARROW = ("narrow", "narrow", "wow64")
_CLOSE = {("wow64", "widen"): ("widen",), ("kernel", "service"): ("kernel", "x64"), ("wow64", "complete"): ("wow64",),
          ("gate", "return"): ("gate",), ("x86", "return"): ("x86",)}

Slice = tuple[str, str, str]  # kind, name, category
# Arguments, as JSON: none; the end of a slice whose code never returned (the thread resumed elsewhere); the end of
# one the run ended in.
_NONE = "{}"
_ABANDONED = '{"abandoned":true}'
_UNFINISHED = '{"unfinished":true}'  # ended by the end of its thread or of the run
_THREAD_SCOPE = '"s":"t",'  # an instant event of its thread's track


class ChromeSink(Sink):
    timed = True

    def __init__(self, out: TextIO) -> None:
        self.out = out
        self.open: dict[tuple[int, int], list[Slice]] = {}  # per thread: its slices under way, the innermost last
        self.processes: set[int] = set()  # those named already
        self.times: dict[tuple[int, int], float] = {}  # per thread: the time of its last event written
        self.sep = ""
        self.last_ts = 0.0
        out.write('{"traceEvents":[\n')

    def _put(self, record: str) -> None:
        self.out.write(self.sep + record)
        self.sep = ",\n"

    def _event(self, name: str, cat: str, ph: str, ts: float, pid: int, tid: int, args: str) -> None:
        """One event, its JSON written by hand (faster than encoding a dict); `args` is JSON already. Events that
        share a moment (a slice and the one it opens inside it) are a nanosecond apart, so that the order of a track's
        events is its time order, for any viewer that sorts them by time."""
        last = self.times.get((pid, tid), 0.0)
        if ts <= last:
            ts = last + 0.001
        self.times[(pid, tid)] = ts
        scope = _THREAD_SCOPE if ph == "i" else ""
        self._put(f'{{"name":{json_string(name)},"cat":"{cat}","ph":"{ph}",{scope}"ts":{ts!r},"pid":{pid},'
                  f'"tid":{tid},"args":{args}}}')

    # ---- the sink's side of the tracer ------------------------------------------------------------------

    def thread(self, state: ThreadTrace) -> None:
        pid, tid = state.pid, state.tid
        if pid not in self.processes:
            self.processes.add(pid)
            self._put(compact_json({"name": "process_name", "ph": "M", "ts": 0, "pid": pid, "tid": tid,
                                    "args": {"name": state.image}}))
        self._put(compact_json({"name": "thread_name", "ph": "M", "ts": 0, "pid": pid, "tid": tid,
                                "args": {"name": state.name}}))
        self.open[(pid, tid)] = []

    def write(self, ev: Event) -> None:
        key = (ev.layer, ev.event)
        stack = self.open[(ev.pid, ev.tid)]
        self.last_ts = ev.ts
        args = f'{{"call":{ev.call},{json_members(ev.fields)}"{ev.layer} {ev.event}":{json_string(ev.text)}}}'
        opened = _OPEN.get(key)
        if opened is not None:
            if key == ("x86", "call") or (key == ("x64", "call") and not _holds(stack, "wow64")):
                # What a former call left open: its thread went elsewhere.
                self._end_all(stack, ev.pid, ev.tid, ev.ts, _ABANDONED)
            self._begin(stack, ev, opened, args)
            if key == ("wow64", "decode"):
                self._begin(stack, ev, _WIDEN, _NONE)
            return
        closed = False
        for kind in _CLOSE.get(key, ()):
            if _holds(stack, kind):
                self._end_through(stack, ev, kind, _NONE if closed else args)
                closed = True
        if closed:
            return
        self._instant(ev, args)
        if key == ("wow64", "exception") and _holds(stack, "x86"):
            # wow64's NtContinue or NtRaiseException: the thread resumes elsewhere, the call never returns.
            self._end_all(stack, ev.pid, ev.tid, ev.ts, _ABANDONED)

    def mark(self, ev: Event) -> None:
        stack = self.open[(ev.pid, ev.tid)]
        self.last_ts = ev.ts
        if (ev.layer, ev.event) == ("kernel", "enter"):
            self._begin(stack, ev, _OPEN["kernel", "enter"], compact_json(ev.fields))
        elif (ev.layer, ev.event) == ("wow64", "narrowing") and _holds(stack, "wow64"):
            if _holds(stack, "widen"):  # the thunk failed before the 64-bit call
                self._end_through(stack, ev, "widen", _NONE)
            self._begin(stack, ev, _NARROW, _NONE)

    def thread_ended(self, state: ThreadTrace, ts: float) -> None:
        self.last_ts = max(self.last_ts, ts)
        self._end_all(self.open[(state.pid, state.tid)], state.pid, state.tid, ts, _UNFINISHED)

    def close(self) -> None:
        """End the slices still open when the run ended (at its last event), then the JSON."""
        for (pid, tid), stack in self.open.items():
            self._end_all(stack, pid, tid, self.last_ts, _UNFINISHED)
        self.out.write('\n],"displayTimeUnit":"ns","otherData":{"producer":"wow64emu","clock":"microseconds since '
                       'the System\'s boot (InterruptTime / 10)"}}\n')

    # ---- slices -----------------------------------------------------------------------------------------

    def _begin(self, stack: list[Slice], ev: Event, what: Slice, args: str) -> None:
        kind, name, cat = what
        if name.startswith("{"):
            name = str(ev.fields.get(name[1:-1]) or ev.event)
        stack.append((kind, name, cat))
        self._event(name, cat, "B", ev.ts, ev.pid, ev.tid, args)

    def _end_through(self, stack: list[Slice], ev: Event, kind: str, args: str) -> None:
        """End the innermost slice of `kind` (with `args`, which a viewer adds to the slice's), and those inside."""
        while stack:
            ended, name, cat = stack.pop()
            last = ended == kind
            self._event(name, cat, "E", ev.ts, ev.pid, ev.tid, args if last else _NONE)
            if last:
                return

    def _end_all(self, stack: list[Slice], pid: int, tid: int, ts: float, args: str) -> None:
        while stack:
            _, name, cat = stack.pop()
            self._event(name, cat, "E", ts, pid, tid, args)

    def _instant(self, ev: Event, args: str) -> None:
        self._event(f"{ev.layer} {ev.event}", ev.layer, "i", ev.ts, ev.pid, ev.tid, args)


def _holds(stack: list[Slice], kind: str) -> bool:
    return any(k == kind for k, _, _ in stack)
