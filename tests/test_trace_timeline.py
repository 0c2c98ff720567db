"""`wow64emu timeline TRACE.json --svg OUT.svg`: the Chrome trace of a real run drawn as a timeline, one lane per
thread under its process, a rectangle per slice coloured by layer, a mark per instant event."""

from __future__ import annotations

import json
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from tests.trace_rules import check
from wow64emu.emu.timeline import LAYER_COLOURS

BIN = Path(__file__).resolve().parent.parent / "fixtures" / "bin"
SVG = "{http://www.w3.org/2000/svg}"


def wow64emu(*args: str) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run([sys.executable, "-m", "wow64emu", *args], capture_output=True, timeout=120)


@pytest.mark.parametrize(("width", "program"), [("x86", "seh.exe"), ("x64", "seh64.exe")])
def test_the_picture_has_a_lane_per_thread_and_a_rect_per_slice(width: str, program: str, tmp_path: Path) -> None:
    trace, picture = tmp_path / "trace.json", tmp_path / "timeline.svg"
    done = wow64emu("run", "--trace", "syscalls", "--trace", "process", "--trace-format", "chrome", "--trace-out",
                    str(trace), str(BIN / width / program))
    assert done.returncode == 0, done.stderr
    done = wow64emu("timeline", str(trace), "--svg", str(picture), "--title", f"{program} ({width})")
    assert (done.returncode, done.stdout, done.stderr) == (0, b"", b"")
    checked = check(json.loads(trace.read_text()))
    root = ET.parse(picture).getroot()
    assert root.tag == f"{SVG}svg" and root.find(f"{SVG}title").text == f"{program} ({width})"
    # The emulator's lane (the steps of creation) and the program's main thread, each under its process's name.
    lanes = root.findall(f".//{SVG}g[@class='lane']")
    assert [(int(g.get("data-pid")), int(g.get("data-tid"))) for g in lanes] == sorted(checked.threads)
    processes = [t.text for t in root.iter(f"{SVG}text") if t.get("class") == "process"]
    assert processes == [f"{name} (pid {pid})" for pid, name in sorted(checked.processes.items())]
    assert processes[1].startswith(program)
    # Every slice of the trace is one rectangle of its thread's lane, coloured by its layer; every instant a mark.
    for lane in lanes:
        track = (int(lane.get("data-pid")), int(lane.get("data-tid")))
        rects = lane.findall(f"{SVG}rect[@class='slice']")
        slices = checked.all_slices(track)
        assert len(rects) == len(slices)
        assert sorted(r.get("data-layer") for r in rects) == sorted(s.cat for s in slices)
        assert all(r.get("fill") in (LAYER_COLOURS[r.get("data-layer")], "#a5d69b") for r in rects)
        assert len(lane.findall(f"{SVG}path[@class='instant']")) == len(checked.instants.get(track, []))
    layers = {r.get("data-layer") for r in root.iter(f"{SVG}rect") if r.get("class") == "slice"}
    assert layers == ({"x86", "gate", "wow64", "x64", "kernel"} if width == "x86" else {"x64", "kernel"})


@pytest.mark.parametrize(("content", "message"), [
    (b"{not json", b"not JSON"),
    (b'{"events": []}', b"no traceEvents"),
    (b'{"traceEvents": [{"name": "x", "ph": "M", "pid": 1, "tid": 1, "ts": 0, "args": {"name": "a"}}]}',
     b"nothing to draw"),
    (b'{"traceEvents": [{"name": "x", "ph": "B", "pid": "one", "tid": 1, "ts": 0}]}', b"without its fields"),
    (b'{"traceEvents": [7, {"name": "x"}]}', b"without its fields"),
    (b'[{"name": "x", "ph": "X", "pid": 1, "tid": 1, "ts": 0, "dur": NaN}]', b"time is not a number"),
])
def test_what_is_not_a_trace_is_one_line(tmp_path: Path, content: bytes, message: bytes) -> None:
    bad = tmp_path / "bad.json"
    bad.write_bytes(content)
    done = wow64emu("timeline", str(bad), "--svg", str(tmp_path / "out.svg"))
    assert done.returncode == 2 and done.stderr.count(b"\n") == 1 and message in done.stderr
    assert done.stderr.startswith(b"wow64emu: error: ") and not (tmp_path / "out.svg").exists()
    done = wow64emu("timeline", str(tmp_path / "missing.json"), "--svg", str(tmp_path / "out.svg"))
    assert done.returncode == 2 and done.stderr.startswith(b"wow64emu: error: ") and b"No such file" in done.stderr


def test_a_window_draws_the_part_of_the_run_asked_for(tmp_path: Path) -> None:
    trace, picture = tmp_path / "trace.json", tmp_path / "timeline.svg"
    done = wow64emu("run", "--trace", "syscalls", "--trace-format", "chrome", "--trace-out", str(trace),
                    str(BIN / "x86" / "seh.exe"))
    assert done.returncode == 0, done.stderr
    checked = check(json.loads(trace.read_text()))
    slices = checked.all_slices()
    origin = min(s.begin for s in slices)
    # The window from the 30th call's start to the 60th's end, in milliseconds from the first event.
    calls = sorted((s for s in slices if s.cat == "x86"), key=lambda s: s.begin)
    lo, hi = calls[30].begin, calls[60].end
    window = f"{(lo - origin) / 1000}:{(hi - origin) / 1000}"
    done = wow64emu("timeline", str(trace), "--svg", str(picture), "--window", window)
    assert done.returncode == 0, done.stderr
    root = ET.parse(picture).getroot()
    (lane,) = root.findall(f".//{SVG}g[@class='lane']")
    plot = lane.find(f"{SVG}rect")  # the lane's background: the width of the plot
    left, right = float(plot.get("x")), float(plot.get("x")) + float(plot.get("width"))
    rects = lane.findall(f"{SVG}rect[@class='slice']")
    inside = [s for s in slices if s.end >= lo - 0.01 and s.begin <= hi + 0.01]
    assert 31 * 6 <= len(rects) == len(inside) < len(slices)
    assert all(left <= float(r.get("x")) and float(r.get("x")) + float(r.get("width")) <= right + 0.6 for r in rects)
    ticks = [t.text for t in root.iter(f"{SVG}text") if t.text and t.text.endswith(" ms")]
    assert ticks and float(ticks[0].split()[0]) >= (lo - origin) / 1000
    done = wow64emu("timeline", str(trace), "--svg", str(picture), "--window", "5:2")
    assert done.returncode == 2 and b"--window: '5:2' is not FROM:TO" in done.stderr
