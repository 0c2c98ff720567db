"""`wow64emu timeline`: a Chrome trace (the Trace Event Format, as `--trace-format chrome` writes it) drawn as an
SVG timeline, like `wow64emu vad --svg` draws an address space.

One lane per thread, grouped under its process (the names from the metadata events); each slice a rectangle at the
depth it is nested, coloured by its layer (its category); each instant event a mark on its lane; a time axis in
milliseconds from the first event. Every slice is drawn, however thin: the picture is for a run of hundreds or
thousands of calls, or a window of a longer one (`--window FROM:TO`), and Perfetto for the rest.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any
from xml.sax.saxutils import escape, quoteattr

# Colours by layer (a slice's or instant's category); wow64's own phases (widen, narrow) lighter than the layer.
LAYER_COLOURS = {"x86": "#4e79a7", "gate": "#f28e2b", "wow64cpu": "#edc948", "wow64": "#59a14f", "x64": "#b07aa1",
                 "kernel": "#e15759", "cpu": "#d62728", "process": "#76b7b2"}
_PHASE_COLOURS = {"widen": "#a5d69b", "narrow": "#a5d69b"}
_OTHER = "#bab0ac"
_LEGEND = (("x86", "x86 stub"), ("gate", "gate (64-bit mode)"), ("wow64", "wow64"), ("widen", "wow64: widen, narrow"),
           ("x64", "x64 stub"), ("kernel", "kernel service"))

_FONT = "font-family:sans-serif"
_LABEL_W = 230.0  # the lanes' names, left of the plot
_PLOT_X = _LABEL_W + 20
_PLOT_W = 1000.0
_ROW = 16.0  # one nesting level of a lane
_MARK = 7.0  # the height of an instant's mark, above the slices
_TOP = 118.0  # the first lane, below the title, the legend and the axis


@dataclass
class Slice:
    name: str
    layer: str
    begin: float
    end: float
    depth: int


@dataclass
class Lane:
    """One thread: its slices (with their depth) and its instant events (name, layer, time)."""

    pid: int
    tid: int
    name: str = ""
    slices: list[Slice] = field(default_factory=list)
    instants: list[tuple[str, str, float]] = field(default_factory=list)

    @property
    def depth(self) -> int:
        return max((s.depth + 1 for s in self.slices), default=1)


class TraceError(ValueError):
    """The file is not a trace this command can draw."""


@dataclass(frozen=True)
class _Record:
    """What the drawing reads of one event, checked."""

    ph: str
    pid: int
    tid: int
    name: str
    layer: str
    ts: float
    dur: float
    label: str  # a metadata event's name for its process or thread


def _record(ev: Any) -> _Record:
    try:
        args = ev.get("args") or {}
        record = _Record(str(ev["ph"]), int(ev.get("pid", 0)), int(ev.get("tid", 0)), str(ev.get("name", "")),
                         str(ev.get("cat", "")), float(ev.get("ts", 0)), float(ev.get("dur", 0)),
                         str(args.get("name", "")) if isinstance(args, dict) else "")
    except (TypeError, KeyError, ValueError, AttributeError) as exc:
        raise TraceError(f"an event without its fields ({exc}): {str(ev)[:80]}") from None
    if not (math.isfinite(record.ts) and math.isfinite(record.dur)):
        raise TraceError(f"an event whose time is not a number: {str(ev)[:80]}")
    return record


def read_lanes(trace: Any) -> tuple[dict[int, str], list[Lane]]:
    """The processes' names and the threads' lanes of a trace (the object form or the bare array of events)."""
    events = trace.get("traceEvents") if isinstance(trace, dict) else trace
    if not isinstance(events, list):
        raise TraceError("no traceEvents: not a trace in the Trace Event Format")
    processes: dict[int, str] = {}
    lanes: dict[tuple[int, int], Lane] = {}
    open_: dict[tuple[int, int], list[Slice]] = {}
    last = 0.0
    for r in map(_record, events):
        lane = lanes.setdefault((r.pid, r.tid), Lane(r.pid, r.tid))
        stack = open_.setdefault((r.pid, r.tid), [])
        if r.ph == "M":
            if r.name == "process_name":
                processes[r.pid] = r.label
            elif r.name == "thread_name":
                lane.name = r.label
            continue
        last = max(last, r.ts)
        if r.ph == "B":
            stack.append(Slice(r.name, r.layer, r.ts, r.ts, len(stack)))
        elif r.ph == "E" and stack:
            done = stack.pop()
            done.end = r.ts
            lane.slices.append(done)
        elif r.ph == "X":
            lane.slices.append(Slice(r.name, r.layer, r.ts, r.ts + r.dur, len(stack)))
        elif r.ph in ("i", "I"):
            lane.instants.append((r.name, r.layer, r.ts))
    for key, stack in open_.items():
        for s in stack:  # a trace cut short: what was under way lasts to its end
            s.end = last
            lanes[key].slices.append(s)
    drawn = [lane for lane in lanes.values() if lane.slices or lane.instants]
    drawn.sort(key=lambda lane: (lane.pid, lane.tid))
    return processes, drawn


def _n(value: float) -> str:
    return f"{value:.1f}".removesuffix(".0")


def _tick_step(span_us: float) -> float:
    """A round step (1, 2 or 5 times a power of ten, in microseconds) giving at most ten ticks."""
    raw = max(span_us / 10, 1e-3)
    power = 10 ** math.floor(math.log10(raw))
    return next(m * power for m in (1, 2, 5, 10) if m * power >= raw)


def _format_time(us: float, step: float) -> str:
    if step >= 1000:
        return f"{us / 1000:g} ms"
    return f"{us:g} µs"


def _colour(s: Slice) -> str:
    return _PHASE_COLOURS.get(s.name) or LAYER_COLOURS.get(s.layer, _OTHER)


def _legend() -> str:
    entries = []
    for i, (key, text) in enumerate(_LEGEND):
        x, y = 16 + i * 165, 48
        fill = _PHASE_COLOURS.get(key) or LAYER_COLOURS[key]
        entries.append(f'<rect x="{x}" y="{y}" width="14" height="12" fill="{fill}" stroke="#444" '
                       f'stroke-width="0.5"/><text x="{x + 20}" y="{y + 10}" style="{_FONT};font-size:11px">'
                       f"{escape(text)}</text>")
    x = 16 + len(_LEGEND) * 165
    entries.append(f'<path d="M{x} {y}l7 0l-3.5 {_MARK}z" fill="{LAYER_COLOURS["cpu"]}"/><text x="{x + 14}" '
                   f'y="{y + 10}" style="{_FONT};font-size:11px">instant: exception, redirect, step</text>')
    return f'<g class="legend">{"".join(entries)}</g>'


def _axis(origin: float, lo: float, hi: float, scale: float, bottom: float) -> list[str]:
    """Ticks over [lo, hi], labelled with the time since `origin` (the trace's first event)."""
    step = _tick_step(hi - lo)
    parts = [f'<g class="axis"><line x1="{_PLOT_X}" y1="92" x2="{_n(_PLOT_X + _PLOT_W)}" y2="92" stroke="#444"/>']
    t = math.ceil((lo - origin) / step) * step
    while origin + t <= hi + step / 1000:
        x = _n(_PLOT_X + (origin + t - lo) * scale)
        parts.append(f'<line x1="{x}" y1="88" x2="{x}" y2="{_n(bottom)}" stroke="#ddd" stroke-width="0.6"/>'
                     f'<text x="{x}" y="84" text-anchor="middle" style="{_FONT};font-size:10px">'
                     f"{escape(_format_time(t, step))}</text>")
        t += step
    parts.append("</g>")
    return parts


def _clipped(lane: Lane, lo: float, hi: float) -> Lane:
    """The part of a lane within [lo, hi]: the slices that overlap it, cut to it, and the instants inside."""
    return Lane(lane.pid, lane.tid, lane.name,
                [Slice(s.name, s.layer, max(s.begin, lo), min(s.end, hi), s.depth) for s in lane.slices
                 if s.end >= lo and s.begin <= hi],
                [i for i in lane.instants if lo <= i[2] <= hi])


def _lane(lane: Lane, top: float, t0: float, scale: float) -> list[str]:
    height = _MARK + lane.depth * _ROW
    label = f"{lane.name or 'thread'} (tid {lane.tid})"
    parts = [f'<g class="lane" data-pid="{lane.pid}" data-tid="{lane.tid}">',
             f'<rect x="{_PLOT_X}" y="{_n(top)}" width="{_n(_PLOT_W)}" height="{_n(height)}" fill="#f7f7f7"/>',
             f'<text x="32" y="{_n(top + 12)}" style="{_FONT};font-size:12px">{escape(label)}</text>']
    for s in lane.slices:
        x, w = _PLOT_X + (s.begin - t0) * scale, max((s.end - s.begin) * scale, 0.5)
        y = top + _MARK + s.depth * _ROW
        tip = f"{s.name} ({s.layer}): {s.end - s.begin:.1f} µs"
        parts.append(f'<rect class="slice" data-layer={quoteattr(s.layer)} x="{_n(x)}" y="{_n(y)}" width="{w:.2f}" '
                     f'height="{_n(_ROW - 2)}" fill="{_colour(s)}"><title>{escape(tip)}</title></rect>')
        if w > 7 * len(s.name):
            ink = "#222" if s.name in _PHASE_COLOURS else "#fff"
            parts.append(f'<text x="{_n(x + 3)}" y="{_n(y + 11)}" style="{_FONT};font-size:10px" fill="{ink}" '
                         f'pointer-events="none">{escape(s.name)}</text>')
    for name, layer, ts in lane.instants:
        x = _PLOT_X + (ts - t0) * scale
        parts.append(f'<path class="instant" data-layer={quoteattr(layer)} d="M{_n(x - 3.5)} {_n(top)}l7 0l-3.5 '
                     f'{_MARK}z" fill="{LAYER_COLOURS.get(layer, _OTHER)}"><title>{escape(name)}</title></path>')
    parts.append("</g>")
    return parts


def render_svg(trace: Any, *, title: str, window: tuple[float, float] | None = None) -> str:
    """The timeline of a trace (parsed JSON) as an SVG document; of the part `window` says (milliseconds from the
    first event, from and to) if given."""
    processes, lanes = read_lanes(trace)
    if not lanes:
        raise TraceError("the trace holds no slice and no instant event: nothing to draw")
    times = [t for lane in lanes for t in (*(s.begin for s in lane.slices), *(s.end for s in lane.slices),
                                           *(i[2] for i in lane.instants))]
    origin, lo, hi = min(times), min(times), max(times)
    if window is not None:
        lo, hi = origin + window[0] * 1000, origin + window[1] * 1000
        lanes = [_clipped(lane, lo, hi) for lane in lanes]
    t0 = lo
    scale = _PLOT_W / max(hi - lo, 1.0)
    body, y, pid = [], _TOP, None
    for lane in lanes:
        if lane.pid != pid:
            pid = lane.pid
            name = processes.get(pid, "process")
            body.append(f'<text class="process" x="16" y="{_n(y + 14)}" style="{_FONT};font-size:13px;'
                        f'font-weight:bold">{escape(f"{name} (pid {pid})")}</text>')
            y += 22
        body += _lane(lane, y, t0, scale)
        y += _MARK + lane.depth * _ROW + 10
    width, height = _PLOT_X + _PLOT_W + 24, y + 16
    return "\n".join([
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {_n(width)} {_n(height)}" style="{_FONT}">',
        f"<title>{escape(title)}</title>",
        f'<rect width="{_n(width)}" height="{_n(height)}" fill="#ffffff"/>',
        f'<text x="16" y="28" style="{_FONT};font-size:16px;font-weight:bold">{escape(title)}</text>',
        _legend(), *_axis(origin, lo, hi, scale, y), *body, "</svg>"]) + "\n"
