"""The rules of the Trace Event Format (JSON object form) that a trace of wow64emu must keep, checked on a loaded
file: what the tests of the Chrome trace and of the timeline share."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

PHASES = {"B", "E", "X", "i", "M"}


@dataclass
class Slice:
    name: str
    cat: str
    begin: float
    end: float
    args: dict[str, Any]
    children: list[Slice] = field(default_factory=list)


@dataclass
class Checked:
    """What a valid trace holds: per thread (pid, tid), its top-level slices (with the nested ones inside) and its
    instant events; the names of processes and threads."""

    slices: dict[tuple[int, int], list[Slice]] = field(default_factory=dict)
    instants: dict[tuple[int, int], list[dict[str, Any]]] = field(default_factory=dict)
    processes: dict[int, str] = field(default_factory=dict)
    threads: dict[tuple[int, int], str] = field(default_factory=dict)

    def all_slices(self, track: tuple[int, int] | None = None) -> list[Slice]:
        """Every slice, nested ones too, of one track or of all."""
        found = []
        todo = list(self.slices.get(track, [])) if track else [s for top in self.slices.values() for s in top]
        while todo:
            s = todo.pop()
            found.append(s)
            todo.extend(s.children)
        return found


def check(trace: dict[str, Any]) -> Checked:
    """Assert the format's rules: the required fields (name, ph, ts, pid, tid; dur for X), B/E pairs matched and
    nested per thread, timestamps that increase along a track in the file's order (strictly, as wow64emu writes
    them: no viewer's sort by time can then reorder a track), and a process_name and a thread_name metadata event
    for every track. Returns the slices it built."""
    assert isinstance(trace, dict) and isinstance(trace["traceEvents"], list)
    out = Checked()
    open_: dict[tuple[int, int], list[Slice]] = {}
    last: dict[tuple[int, int], float] = {}
    for ev in trace["traceEvents"]:
        assert isinstance(ev.get("name"), str) and ev.get("ph") in PHASES, ev
        assert isinstance(ev.get("ts"), (int, float)) and isinstance(ev.get("pid"), int), ev
        assert isinstance(ev.get("tid"), int), ev
        track = (ev["pid"], ev["tid"])
        if ev["ph"] == "M":
            assert ev["name"] in ("process_name", "thread_name") and isinstance(ev["args"]["name"], str), ev
            if ev["name"] == "process_name":
                out.processes[ev["pid"]] = ev["args"]["name"]
            else:
                out.threads[track] = ev["args"]["name"]
            continue
        assert ev["ts"] > last.get(track, 0), f"time does not go on along {track}: {ev}"
        last[track] = ev["ts"]
        stack = open_.setdefault(track, [])
        if ev["ph"] == "B":
            stack.append(Slice(ev["name"], ev.get("cat", ""), ev["ts"], -1, dict(ev.get("args", {}))))
        elif ev["ph"] == "E":
            assert stack, f"E with no B on {track}: {ev}"
            s = stack.pop()
            assert s.name == ev["name"], f"E {ev['name']} ends B {s.name} on {track}"
            s.end = ev["ts"]
            s.args.update(ev.get("args", {}))
            (stack[-1].children if stack else out.slices.setdefault(track, [])).append(s)
        elif ev["ph"] == "X":
            assert isinstance(ev.get("dur"), (int, float)) and ev["dur"] >= 0, ev
            s = Slice(ev["name"], ev.get("cat", ""), ev["ts"], ev["ts"] + ev["dur"], dict(ev.get("args", {})))
            (stack[-1].children if stack else out.slices.setdefault(track, [])).append(s)
        else:
            assert ev.get("s", "t") in ("t", "p", "g"), ev
            out.instants.setdefault(track, []).append(ev)
    for track, stack in open_.items():
        assert not stack, f"slices left open on {track}: {[s.name for s in stack]}"
        assert track[0] in out.processes, f"process {track[0]} has no process_name"
        assert track in out.threads, f"thread {track} has no thread_name"
    return out


def shape(s: Slice) -> tuple:
    """A slice and those inside it as nested (category, name) tuples, to compare with what a call should be."""
    return (s.cat, s.name, *(shape(c) for c in s.children)) if s.children else (s.cat, s.name)
