"""The views of `wow64emu vad`: WinDbg's !vad columns, JSON, and the SVG map's structure.

The rows are a WoW64 process as Windows 10 lays one out (wow64-facts.md section 6; the seed on how the 64-bit
ntdll is mapped): the 32-bit world below 4 GB, KUSER_SHARED_DATA and its reserve at 0x7FFE0000, the no-access
reservation of MiInitializeUserNoAccess from 0x7FFF0000 on, cut around the 64-bit images mapped high.
"""

import json
import xml.etree.ElementTree as ET
from itertools import pairwise

import pytest

from wow64emu.emu.memory import Prot
from wow64emu.emu.vadview import USER_END, VadRow, protection_name, render_json, render_svg, render_text

RW, RO, NA, EWC = Prot.READWRITE, Prot.READONLY, Prot.NOACCESS, Prot.EXECUTE_WRITECOPY
NO_ACCESS_ROLE = "no access (MiInitializeUserNoAccess)"
SVG = "{http://www.w3.org/2000/svg}"

WOW64_PROCESS = (
    VadRow(0x0010_0000, 0x0020_0000, 4, 3, "Private", RW, role="32-bit stack"),
    VadRow(0x0020_0000, 0x0028_0000, 3, 2, "Private", RW, role="64-bit stack"),
    VadRow(0x0029_0000, 0x002A_0000, 4, 16, "Private", RW, role="process parameters"),
    VadRow(0x002B_0000, 0x002B_1000, 2, 1, "Private", RW, role="PEB64"),
    VadRow(0x002B_1000, 0x002B_2000, 4, 1, "Private", RW, role="PEB32"),
    VadRow(0x002B_3000, 0x002B_6000, 3, 3, "Private", RW, role="TEB64 + TEB32"),
    VadRow(0x002C_0000, 0x002C_1000, 4, 1, "Private", RW, role="WoW64 CPU area"),
    VadRow(0x0040_0000, 0x0041_F000, 1, 8, "Exe", EWC, name="\\Users\\user\\hello.exe"),
    VadRow(0x77B8_0000, 0x77B8_A000, 4, 3, "Exe", EWC, name="\\Windows\\System32\\wow64cpu.dll"),
    VadRow(0x77C0_0000, 0x77D9_E000, 3, 13, "Exe", EWC, name="\\Windows\\SysWOW64\\ntdll.dll"),
    VadRow(0x7FFE_0000, 0x7FFE_1000, 2, 1, "Private", RO, role="KUSER_SHARED_DATA"),
    VadRow(0x7FFE_1000, 0x7FFF_0000, 4, 0, "Private", RO),
    VadRow(0x7FFF_0000, 0x7FFF_FEC3_0000, 3, 0, "Private", NA, role=NO_ACCESS_ROLE),
    VadRow(0x7FFF_FEC3_0000, 0x7FFF_FEC8_7000, 0, 6, "Exe", EWC, name="\\Windows\\System32\\wow64.dll"),
    VadRow(0x7FFF_FEC9_0000, 0x7FFF_FED2_E000, 3, 5, "Exe", EWC, name="\\Windows\\System32\\wow64win.dll"),
    VadRow(0x7FFF_FED4_0000, 0x7FFF_FEF2_0000, 2, 30, "Exe", EWC, name="\\Windows\\System32\\ntdll.dll"),
    VadRow(0x7FFF_FEF2_0000, 0x7FFF_FFFF_0000, 3, 0, "Private", NA, role=NO_ACCESS_ROLE),
    VadRow(0x0003_0000, 0x0003_4000, 4, 4, "Mapped", RO, name="\\Windows\\System32\\C_1252.NLS"),
)


def test_fixture_is_a_wow64_layout() -> None:
    """The example really has what the views must show: both worlds, contiguous runs, huge and small gaps."""
    ordered = sorted(WOW64_PROCESS, key=lambda r: r.start)
    assert ordered[-1].end < USER_END and any(r.start >= 1 << 32 for r in ordered)
    assert any(a.end == b.start for a, b in pairwise(ordered))
    assert any(b.start - a.end > 1 << 30 for a, b in pairwise(ordered))


# ---- text -------------------------------------------------------------------------------------------------------


def text_lines() -> list[str]:
    return render_text(WOW64_PROCESS).splitlines()


def text_rows() -> dict[int, list[str]]:
    """Data lines by start address, split into VAD, level, start, end, commit, then the rest."""
    rows = [line.split(maxsplit=5) for line in text_lines()[1:-1]]
    return {int(r[2], 16) << 12: r for r in rows}


def test_text_header_and_total() -> None:
    lines = text_lines()
    assert lines[0].split() == ["VAD", "Level", "Start", "End", "Commit"]
    assert lines[-1] == "Total VADs: 18, average level: 3, maximum depth: 4"
    assert len(lines) == 18 + 2


def test_text_rows_in_address_order_with_vpns_in_hex() -> None:
    starts = [int(line.split()[2], 16) for line in text_lines()[1:-1]]
    assert starts == sorted(starts)
    rows = text_rows()
    assert rows[0x7FFF_FED4_0000][2:4] == ["7ffffed40", "7ffffef1f"]  # the seed's 7FFFFED40000-7FFFFEF1FFFF
    assert rows[0x7FFF_0000][2:4] == ["7fff0", "7ffffec2f"]
    assert rows[0x7FFF_FEF2_0000][2:4] == ["7ffffef20", "7ffffffef"]  # ... up to 0x7FFFFFFEFFFF
    assert rows[0x7FFE_0000][1:5] == ["2", "7ffe0", "7ffe0", "1"]  # one page: start VPN = end VPN


def test_text_levels_commits_types_protections_names() -> None:
    rows = text_rows()
    assert rows[0x40_0000][1:] == ["1", "400", "41e", "8", "Mapped  Exe  EXECUTE_WRITECOPY  \\Users\\user\\hello.exe"]
    assert rows[0x7FFF_0000][1:] == ["3", "7fff0", "7ffffec2f", "0", "Private      NO_ACCESS"]
    assert rows[0x3_0000][5] == "Mapped       READONLY           \\Windows\\System32\\C_1252.NLS"
    assert rows[0x29_0000][4:] == ["16", "Private      READWRITE"]
    assert rows[0x7FFE_1000][4:] == ["0", "Private      READONLY"]


def test_text_vad_addresses_are_stable_distinct_kernel_pointers() -> None:
    vads = [line.split()[0] for line in text_lines()[1:-1]]
    assert len(set(vads)) == len(vads)
    assert all(len(v) == 16 and v.startswith("ffff") for v in vads)
    assert render_text(WOW64_PROCESS) == render_text(reversed(WOW64_PROCESS))


def test_text_columns_are_aligned() -> None:
    header, *body, _ = text_lines()
    for column in ("Level", "Start", "End", "Commit"):  # numbers right-aligned under their headers
        right = header.index(column) + len(column)
        assert all(line[right - 1] != " " and line[right] == " " for line in body), column
    type_column = {line.index("Private") if "Private" in line else line.index("Mapped") for line in body}
    assert len(type_column) == 1
    protection_column = type_column.pop() + len("Mapped  Exe") + 2
    assert all(line[protection_column - 1] == " " and line[protection_column] != " " for line in body)
    assert all(line == line.rstrip() for line in body)


def test_text_of_no_rows() -> None:
    assert render_text([]).splitlines()[-1] == "Total VADs: 0, average level: 0, maximum depth: 0"


@pytest.mark.parametrize(("protection", "name"), [
    (Prot.NOACCESS, "NO_ACCESS"), (Prot.READONLY, "READONLY"), (Prot.READWRITE, "READWRITE"),
    (Prot.WRITECOPY, "WRITECOPY"), (Prot.EXECUTE, "EXECUTE"), (Prot.EXECUTE_READ, "EXECUTE_READ"),
    (Prot.EXECUTE_READWRITE, "EXECUTE_READWRITE"), (Prot.EXECUTE_WRITECOPY, "EXECUTE_WRITECOPY"),
    (Prot.READWRITE | 0x100, "READWRITE GUARD"), (Prot.READWRITE | 0x200, "READWRITE NOCACHE"),
])
def test_protection_names_as_windbg_prints_them(protection: int, name: str) -> None:
    assert protection_name(protection) == name


def test_bad_rows_are_refused() -> None:
    with pytest.raises(ValueError, match="overlap"):
        render_text([VadRow(0x10000, 0x30000, 0, 1, "Private", RW), VadRow(0x20000, 0x40000, 1, 1, "Private", RW)])
    with pytest.raises(ValueError, match="empty"):
        VadRow(0x10000, 0x10000, 0, 0, "Private", RW)


# ---- JSON -------------------------------------------------------------------------------------------------------


def test_json_round_trip() -> None:
    objects = json.loads(render_json(WOW64_PROCESS))
    by_name = {protection_name(p): p for p in Prot}
    back = [VadRow(o["start"], o["end"], o["level"], o["commit"], o["type"], by_name[o["protection"]], o["name"],
                   o["role"]) for o in objects]
    assert back == sorted(WOW64_PROCESS, key=lambda r: r.start)
    assert objects[0] == {"start": 0x30000, "end": 0x34000, "level": 4, "commit": 4, "type": "Mapped",
                          "protection": "READONLY", "name": "\\Windows\\System32\\C_1252.NLS", "role": ""}


# ---- SVG --------------------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def svg() -> ET.Element:
    return ET.fromstring(render_svg(WOW64_PROCESS, title="hello.exe (WoW64)"))


def with_class(svg: ET.Element, tag: str, cls: str) -> list[ET.Element]:
    return [e for e in svg.iter(f"{SVG}{tag}") if e.get("class") == cls]


def region_rects(svg: ET.Element) -> dict[int, ET.Element]:
    return {int(r.get("data-start")): r for r in with_class(svg, "rect", "region")}


def top(rect: ET.Element) -> float:
    return float(rect.get("y"))


def bottom(rect: ET.Element) -> float:
    return float(rect.get("y")) + float(rect.get("height"))


def breaks(svg: ET.Element) -> list[tuple[int, int]]:
    return [(int(g.get("data-start")), int(g.get("data-end"))) for g in with_class(svg, "g", "break")]


def side_texts(svg: ET.Element) -> list[str]:
    return ["".join(t.itertext()) for t in with_class(svg, "text", "side")]


def test_svg_is_deterministic_with_a_viewbox(svg: ET.Element) -> None:
    assert render_svg(WOW64_PROCESS, title="t") == render_svg(reversed(WOW64_PROCESS), title="t")
    assert [float(v) for v in svg.get("viewBox").split()][:2] == [0, 0]
    assert svg.find(f"{SVG}title").text == "hello.exe (WoW64)"


def test_svg_has_a_rect_per_region_in_address_order(svg: ET.Element) -> None:
    rects = region_rects(svg)
    assert sorted(rects) == sorted(r.start for r in WOW64_PROCESS)
    ordered = [rects[a] for a in sorted(rects)]
    assert all(bottom(a) <= top(b) for a, b in pairwise(ordered))
    assert all(float(r.get("height")) >= 4 for r in ordered)  # the one-page ones stay visible
    stack32, stack64 = rects[0x10_0000], rects[0x20_0000]  # to scale: 1 MB and 512 KB
    assert float(stack32.get("height")) == pytest.approx(2 * float(stack64.get("height")))


def test_svg_colours_by_kind(svg: ET.Element) -> None:
    rects = region_rects(svg)
    kinds = {a: r.get("data-kind") for a, r in rects.items()}
    assert kinds[0x40_0000] == kinds[0x7FFF_FED4_0000] == "image"
    assert kinds[0x3_0000] == "mapped"
    assert kinds[0x7FFE_0000] == "private" and kinds[0x7FFE_1000] == "reserved"
    assert kinds[0x7FFF_0000] == kinds[0x7FFF_FEF2_0000] == "noaccess"
    fills = {r.get("data-kind"): r.get("fill") for r in rects.values()}
    assert len(set(fills.values())) == len(fills) == 5


def test_svg_labels_every_region_without_overlap(svg: ET.Element) -> None:
    texts = with_class(svg, "text", "label")
    labels = {int(t.get("data-start")): "".join(t.itertext()) for t in texts}
    assert sorted(labels) == sorted(r.start for r in WOW64_PROCESS)
    assert labels[0x7FFF_FED4_0000].startswith("\\Windows\\System32\\ntdll.dll")
    assert labels[0x77C0_0000].startswith("\\Windows\\SysWOW64\\ntdll.dll")
    assert "0x7FFF'FED40000 – 0x7FFF'FEF1FFFF · 1.9 MB · EXECUTE_WRITECOPY" in labels[0x7FFF_FED4_0000]
    for start, role in ((0x7FFE_0000, "KUSER_SHARED_DATA"), (0x2B_1000, "PEB32"), (0x10_0000, "32-bit stack"),
                        (0x7FFF_0000, NO_ACCESS_ROLE), (0x7FFE_1000, "reserved")):
        assert labels[start].startswith(role)
    ys = [float(t.get("y")) for t in texts]
    assert all(b - a >= 28 for a, b in pairwise(ys))  # two lines each, in address order


def test_svg_breaks_where_stretches_are_huge(svg: ET.Element) -> None:
    assert breaks(svg) == [
        (0x41_F000, 0x77B8_0000),  # the free 32-bit space between the image and wow64cpu
        (0x77D9_E000, 0x7FFE_0000),  # between the 32-bit ntdll and KUSER_SHARED_DATA
        (0x8000_0000, 0x1_0000_0000),  # the no-access reservation, cut at the 2 GB and 4 GB lines
        (0x1_0000_0000, 0x7FFF_FEC3_0000),
        (0x7FFF_FEF2_0000, 0x7FFF_FFFF_0000),  # the no-access reservation after the 64-bit ntdll
    ]
    skipped = [s for s in side_texts(svg) if s.endswith(" skipped")]
    assert skipped == ["1.9 GB skipped", "127.7 MB skipped", "2 GB skipped", "128 TB skipped", "14.2 MB skipped"]


def test_svg_no_break_where_regions_are_contiguous_or_close(svg: ET.Element) -> None:
    rects = region_rects(svg)
    ordered = sorted(WOW64_PROCESS, key=lambda r: r.start)
    pairs = list(pairwise(ordered))
    contiguous = [(a, b) for a, b in pairs if a.end == b.start]
    assert len(contiguous) == 6
    assert all(bottom(rects[a.start]) == top(rects[b.start]) for a, b in contiguous)
    close = [(a, b) for a, b in pairs if 0 < b.start - a.end < 0x10_0000]  # e.g. wow64.dll .. wow64win.dll
    assert len(close) == 8
    assert all(bottom(rects[a.start]) < top(rects[b.start]) for a, b in close)  # a visible gap, not a break
    assert not [c for c in breaks(svg) for a, b in close if a.end <= c[0] < b.start]


def test_svg_marks_2_and_4_gb(svg: ET.Element) -> None:
    markers = {int(m.get("data-address")): float(m.get("y1")) for m in with_class(svg, "line", "marker")}
    rects = region_rects(svg)
    assert set(markers) == {0x8000_0000, 0x1_0000_0000}
    assert top(rects[0x7FFF_0000]) < markers[0x8000_0000] < markers[0x1_0000_0000] < bottom(rects[0x7FFF_0000])
    assert {"2 GB · 0x80000000", "4 GB · 0x1'00000000", "0x00000000", "0x7FFF'FFFFFFFF"} <= set(side_texts(svg))


def test_svg_legend(svg: ET.Element) -> None:
    legend = "".join(with_class(svg, "g", "legend")[0].itertext())
    for entry in ("image", "mapped", "private, committed", "reserved only", "no access", "free"):
        assert entry in legend


def test_svg_of_no_rows_is_the_empty_range() -> None:
    empty = ET.fromstring(render_svg([], title="empty"))
    assert not region_rects(empty)
    assert breaks(empty) == [(0, 0x8000_0000), (0x8000_0000, 0x1_0000_0000), (0x1_0000_0000, USER_END)]
