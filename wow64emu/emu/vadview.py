"""Views of a process's address space for `wow64emu vad`: WinDbg's `!vad` listing, JSON, and an SVG map.

The input is one VadRow per allocation, as a VAD tree node describes it (a region of emu/memory.py: its range,
type, allocation protection, committed pages and name). The text view has the columns of WinDbg's `!vad`; the SVG
draws the whole 64-bit user range with the small regions to scale and the huge stretches (the free space of the
32-bit world, the no-access reservation of a WoW64 process) cut short by marked breaks.
"""

from __future__ import annotations

import json
from bisect import bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import pairwise
from typing import Literal
from xml.sax.saxutils import escape

from .memory import Prot

VadType = Literal["Private", "Mapped", "Exe"]

PAGE_SHIFT = 12
USER_END = 0x8000_0000_0000  # the 64-bit user range is [0, USER_END)
MARKERS = ((0x8000_0000, "2 GB"), (0x1_0000_0000, "4 GB"))


@dataclass(frozen=True)
class VadRow:
    """One VAD node: [start, end), its level in the tree, committed pages, type, allocation protection (PAGE_*),
    the image or mapped file's path, and a role for the drawing where there is no path (PEB32, 32-bit stack...)."""

    start: int
    end: int
    level: int
    commit: int
    type: VadType
    protection: int
    name: str = ""
    role: str = ""

    def __post_init__(self) -> None:
        if not 0 <= self.start < self.end:
            raise ValueError(f"VAD range 0x{self.start:x}-0x{self.end:x} is empty or negative")


def _in_order(rows: Iterable[VadRow]) -> list[VadRow]:
    """The rows by address; overlapping rows are an error (VADs never overlap)."""
    ordered = sorted(rows, key=lambda r: r.start)
    for before, after in pairwise(ordered):
        if after.start < before.end:
            raise ValueError(f"VADs overlap at 0x{after.start:x}")
    return ordered


_MODIFIERS = ((0x100, "GUARD"), (0x200, "NOCACHE"), (0x400, "WRITECOMBINE"))


def protection_name(protection: int) -> str:
    """A PAGE_* value as WinDbg names it: READWRITE, EXECUTE_WRITECOPY, NO_ACCESS..., then any modifier."""
    base = Prot(protection & 0xFF)
    words = ["NO_ACCESS" if base is Prot.NOACCESS else base.name]
    return " ".join(words + [name for bit, name in _MODIFIERS if protection & bit])


# ---- text: WinDbg's !vad ------------------------------------------------------------------------------------

_VAD_POOL = 0xFFFF_C30F_4A21_0000  # pseudo kernel address of the first node
_VAD_STRIDE = 0xA0  # an MMVAD's pool block
_TYPE_TEXT = {"Private": "Private", "Mapped": "Mapped", "Exe": "Mapped  Exe"}
_HEADER = ("VAD", "Level", "Start", "End", "Commit")
_ALIGN = "<>>>><<<"  # VAD, level, start, end, commit, type, protection, name


def _vad_address(index: int) -> int:
    """A stable pseudo kernel address for the node at this position in address order."""
    return _VAD_POOL + index * _VAD_STRIDE


def _text_cells(index: int, row: VadRow) -> tuple[str, ...]:
    return (f"{_vad_address(index):016x}", str(row.level), f"{row.start >> PAGE_SHIFT:x}",
            f"{(row.end - 1) >> PAGE_SHIFT:x}", str(row.commit), _TYPE_TEXT[row.type],
            protection_name(row.protection), row.name)


def _text_line(cells: Sequence[str], widths: Sequence[int]) -> str:
    return "  ".join(f"{c:{a}{w}}" for c, a, w in zip(cells, _ALIGN, widths, strict=False)).rstrip()


def _totals(rows: Sequence[VadRow]) -> str:
    levels = [r.level for r in rows] or [0]
    return (f"Total VADs: {len(rows)}, average level: {round(sum(levels) / len(levels))}, "
            f"maximum depth: {max(levels)}")


def render_text(rows: Iterable[VadRow]) -> str:
    """The listing of `!vad`: a header, one node per line in address order (VPNs in hex, end inclusive), totals."""
    ordered = _in_order(rows)
    table = [_text_cells(i, r) for i, r in enumerate(ordered)]
    widths = [max(map(len, column)) for column in zip(_HEADER + ("",) * 3, *table, strict=True)]
    lines = [_text_line(_HEADER, widths), *(_text_line(cells, widths) for cells in table), _totals(ordered)]
    return "\n".join(lines) + "\n"


# ---- JSON -----------------------------------------------------------------------------------------------------


def render_json(rows: Iterable[VadRow]) -> str:
    """The rows in address order as a JSON list; protection named as in the text view."""
    objects = [{"start": r.start, "end": r.end, "level": r.level, "commit": r.commit, "type": r.type,
                "protection": protection_name(r.protection), "name": r.name, "role": r.role}
               for r in _in_order(rows)]
    return json.dumps(objects, indent=2) + "\n"


# ---- SVG: the map ---------------------------------------------------------------------------------------------

_SCALE = 24 / 0x10_0000  # px per byte where drawn to scale: 24 px per MB
_CAP = 72.0  # a stretch longer than this at scale is drawn this long, with a break
_MIN_REGION = 4.0
_MIN_FREE = 2.0
_BAND = 10.0  # height of a break's zig-zag band
_BAR_X, _BAR_W, _BAR_TOP = 200.0, 56.0, 112.0
_LABEL_X = _BAR_X + _BAR_W + 64
_LABEL_GAP = 30.0
_SIDE_GAP = 14.0
_FONT = "font-family:sans-serif"
_MONO = "font-family:monospace"

_KINDS = {  # kind: fill, legend entry, label of a region without name or role
    "image": ("#7ba7e0", "image (Mapped Exe)", "image"),
    "mapped": ("#9fcf8a", "mapped view", "mapped view"),
    "private": ("#f4ae63", "private, committed", "private"),
    "reserved": ("#fbe3c6", "private, reserved only", "reserved"),
    "noaccess": ("url(#noaccess)", "no access (reserved)", "no access"),
}
_FREE = "#ffffff"
_DEFS = ('<defs><pattern id="noaccess" width="6" height="6" patternUnits="userSpaceOnUse" '
         'patternTransform="rotate(45)"><rect width="6" height="6" fill="#dedede"/>'
         '<line x1="0" y1="0" x2="0" y2="6" stroke="#9a9a9a" stroke-width="2.5"/></pattern></defs>')


@dataclass(frozen=True)
class _Stretch:
    """A piece of the bar between two consecutive cut addresses, free or inside one region."""

    start: int
    end: int
    top: float
    height: float
    broken: bool

    @property
    def middle(self) -> float:
        return self.top + self.height / 2


def _n(value: float) -> str:
    return f"{value:.1f}".removesuffix(".0")


def format_address(address: int) -> str:
    """0x77C00000 below 4 GB, 0x7FFF'FED40000 above (the high half apart, as WinDbg's backtick does)."""
    if address < 1 << 32:
        return f"0x{address:08X}"
    return f"0x{address >> 32:X}'{address & 0xFFFF_FFFF:08X}"


def format_size(size: int) -> str:
    for shift, unit in ((40, "TB"), (30, "GB"), (20, "MB"), (10, "KB")):
        if size >= 1 << shift:
            return f"{size / (1 << shift):.1f}".removesuffix(".0") + " " + unit
    return f"{size} bytes"


def _kind(row: VadRow) -> str:
    """The colour class: image, mapped, private (committed), reserved (nothing committed) or noaccess."""
    if row.type != "Private":
        return "image" if row.type == "Exe" else "mapped"
    if row.commit > 0:
        return "private"
    return "noaccess" if row.protection & 0xFF == Prot.NOACCESS else "reserved"


def _label(row: VadRow) -> str:
    return row.name or row.role or _KINDS[_kind(row)][2]


def _stretch_height(size: int, free: bool) -> tuple[float, bool]:
    scaled = size * _SCALE
    if scaled > _CAP:
        return _CAP, True
    return max(scaled, _MIN_FREE if free else _MIN_REGION), False


def _stretches(rows: Sequence[VadRow]) -> list[_Stretch]:
    """The bar from address 0 to the end of the user range, cut at every region boundary and marker."""
    cuts = sorted({0, USER_END, *(a for a, _ in MARKERS), *(r.start for r in rows), *(r.end for r in rows)})
    starts = [r.start for r in rows]
    out: list[_Stretch] = []
    top = _BAR_TOP
    for start, end in pairwise(cuts):
        i = bisect_right(starts, start) - 1
        free = i < 0 or rows[i].end <= start
        height, broken = _stretch_height(end - start, free)
        out.append(_Stretch(start, end, top, height, broken))
        top += height
    return out


def _positions(stretches: Sequence[_Stretch]) -> dict[int, float]:
    """The y of every cut address."""
    last = stretches[-1]
    return {s.start: s.top for s in stretches} | {last.end: last.top + last.height}


def _cluster_top(count: int, total: float, gap: float, low: float) -> float:
    return max(low, total / count - (count - 1) * gap / 2)


def _spread(anchors: Sequence[float], gap: float, low: float) -> list[float]:
    """Positions for labels at ascending anchors: at least `gap` apart, none above `low`, each run of crowded
    labels centred on its anchors."""
    clusters: list[tuple[int, float]] = []  # labels in the cluster, sum of their anchors
    for anchor in anchors:
        count, total = 1, anchor
        while clusters and (_cluster_top(*clusters[-1], gap, low) + clusters[-1][0] * gap
                            > _cluster_top(count, total, gap, low)):
            before, before_total = clusters.pop()
            count, total = count + before, total + before_total
        clusters.append((count, total))
    out: list[float] = []
    for count, total in clusters:
        top = _cluster_top(count, total, gap, low)
        out += [top + k * gap for k in range(count)]
    return out


def _region_rect(row: VadRow, ys: dict[int, float]) -> str:
    return (f'<rect class="region" data-kind="{_kind(row)}" data-start="{row.start}" data-end="{row.end}" '
            f'x="{_n(_BAR_X)}" y="{_n(ys[row.start])}" width="{_n(_BAR_W)}" '
            f'height="{_n(ys[row.end] - ys[row.start])}" fill="{_KINDS[_kind(row)][0]}" stroke="#444" '
            f'stroke-width="0.6"/>')


def _detail(row: VadRow) -> str:
    """The second line of a label: range (end inclusive), size, allocation protection."""
    return (f"{format_address(row.start)} – {format_address(row.end - 1)} · {format_size(row.end - row.start)}"
            f" · {protection_name(row.protection)}")


def _region_label(row: VadRow, anchor: float, y: float) -> str:
    """The leader from the region to its label, and the label: name or role, then range, size and protection."""
    bar_right = _BAR_X + _BAR_W
    leader = (f'<polyline fill="none" stroke="#888" stroke-width="0.7" points="{_n(bar_right)},{_n(anchor)} '
              f'{_n(bar_right + 14)},{_n(anchor)} {_n(_LABEL_X - 8)},{_n(y)} {_n(_LABEL_X - 3)},{_n(y)}"/>')
    text = (f'<text class="label" data-start="{row.start}" x="{_n(_LABEL_X)}" y="{_n(y - 1.5)}">'
            f'<tspan style="{_FONT};font-size:12px;font-weight:bold">{escape(_label(row))}</tspan>'
            f'<tspan x="{_n(_LABEL_X)}" dy="12.5" style="{_MONO};font-size:10px" fill="#444">'
            f'{escape(_detail(row))}</tspan>'
            f'</text>')
    return leader + text


def _label_positions(rows: Sequence[VadRow], ys: dict[int, float]) -> tuple[list[float], list[float]]:
    """Where each region's leader starts (the middle of its rect) and where its label stands."""
    anchors = [(ys[r.start] + ys[r.end]) / 2 for r in rows]
    return anchors, _spread(anchors, _LABEL_GAP, _BAR_TOP - 4)


def _zigzag(y: float, phase: float) -> str:
    xs = [_BAR_X - 6 + 8 * k for k in range(int((_BAR_W + 12) / 8) + 1)]
    return " ".join(f"{_n(x)},{_n(y + (phase if k % 2 else -phase))}" for k, x in enumerate(xs))


def _break_mark(s: _Stretch) -> str:
    """A white zig-zag band across the bar where a stretch is cut short."""
    top, bottom = s.middle - _BAND / 2, s.middle + _BAND / 2
    upper, lower = _zigzag(top, 2.5), _zigzag(bottom, 2.5)
    lower_back = " ".join(reversed(lower.split()))
    return (f'<g class="break" data-start="{s.start}" data-end="{s.end}">'
            f'<polygon points="{upper} {lower_back}" fill="#ffffff"/>'
            f'<polyline points="{upper}" fill="none" stroke="#333" stroke-width="0.9"/>'
            f'<polyline points="{lower}" fill="none" stroke="#333" stroke-width="0.9"/></g>')


def _skipped(s: _Stretch) -> int:
    """What a break leaves out: the stretch less what its drawn length shows at scale."""
    return s.end - s.start - round((s.height - _BAND) / _SCALE)


def _marker_line(address: int, name: str, ys: dict[int, float]) -> str:
    y = _n(ys[address])
    return (f'<line class="marker" data-address="{address}" data-name="{name}" x1="{_n(_BAR_X - 10)}" y1="{y}" '
            f'x2="{_n(_BAR_X + _BAR_W + 10)}" y2="{y}" stroke="#c0392b" stroke-width="1.2" stroke-dasharray="4 2"/>')


def _side_notes(stretches: Sequence[_Stretch], ys: dict[int, float]) -> list[tuple[float, str, str]]:
    """What stands left of the bar, by position: the range's ends, the 2 GB and 4 GB lines, the breaks' sizes."""
    notes = [(ys[0], format_address(0), "#222"), (ys[USER_END], format_address(USER_END - 1), "#222")]
    notes += [(ys[a], f"{name} · {format_address(a)}", "#c0392b") for a, name in MARKERS]
    notes += [(s.middle, f"{format_size(_skipped(s))} skipped", "#555") for s in stretches if s.broken]
    return sorted(notes)


def _side_texts(stretches: Sequence[_Stretch], ys: dict[int, float]) -> list[str]:
    notes = _side_notes(stretches, ys)
    placed = _spread([y for y, _, _ in notes], _SIDE_GAP, _BAR_TOP - 8)
    x = _BAR_X - 14
    return [f'<line x1="{_n(x + 2)}" y1="{_n(y)}" x2="{_n(_BAR_X - 1)}" y2="{_n(anchor)}" stroke="{colour}" '
            f'stroke-width="0.6"/><text class="side" x="{_n(x)}" y="{_n(y + 3.5)}" text-anchor="end" '
            f'style="{_MONO};font-size:10px" fill="{colour}">{escape(text)}</text>'
            for (anchor, text, colour), y in zip(notes, placed, strict=True)]


def _legend() -> str:
    entries = []
    kinds = [(name, fill, text) for name, (fill, text, _) in _KINDS.items()] + [("free", _FREE, "free")]
    for i, (name, fill, text) in enumerate(kinds):
        x, y = 16 + (i % 3) * 190, 48 + (i // 3) * 20
        entries.append(f'<rect data-kind="{name}" x="{x}" y="{y}" width="14" height="12" fill="{fill}" stroke="#444" '
                       f'stroke-width="0.6"/><text x="{x + 20}" y="{y + 10}" style="{_FONT};font-size:11px">'
                       f'{escape(text)}</text>')
    return f'<g class="legend">{"".join(entries)}</g>'


def _canvas_size(rows: Sequence[VadRow], bottom: float) -> tuple[float, float]:
    """Wide enough for the longest name (bold sans-serif) or detail line (monospace), tall enough for all."""
    longest = max([0.0, *(len(_label(r)) * 7.5 for r in rows), *(len(_detail(r)) * 6.1 for r in rows)])
    return max(_LABEL_X + longest + 16, 600.0), bottom + 32


def render_svg(rows: Iterable[VadRow], *, title: str) -> str:
    """The address space as a vertical bar from 0 (top) to the end of the 64-bit user range (bottom)."""
    ordered = _in_order(rows)
    stretches = _stretches(ordered)
    ys = _positions(stretches)
    anchors, placed = _label_positions(ordered, ys)
    width, height = _canvas_size(ordered, max([ys[USER_END], *(y + 14 for y in placed)]))
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {_n(width)} {_n(height)}" style="{_FONT}">',
        f"<title>{escape(title)}</title>", _DEFS,
        f'<rect width="{_n(width)}" height="{_n(height)}" fill="#ffffff"/>',
        f'<text x="16" y="28" style="{_FONT};font-size:16px;font-weight:bold">{escape(title)}</text>',
        _legend(),
        f'<rect class="bar" x="{_n(_BAR_X)}" y="{_n(_BAR_TOP)}" width="{_n(_BAR_W)}" '
        f'height="{_n(ys[USER_END] - _BAR_TOP)}" fill="{_FREE}" stroke="#444" stroke-width="0.8"/>',
        *(_region_rect(r, ys) for r in ordered),
        *(_break_mark(s) for s in stretches if s.broken),
        *(_marker_line(a, name, ys) for a, name in MARKERS),
        *_side_texts(stretches, ys),
        *(_region_label(r, a, y) for r, a, y in zip(ordered, anchors, placed, strict=True)),
        "</svg>",
    ]
    return "\n".join(parts) + "\n"
