"""`wow64emu vad`: the address space of a new process from its VAD tree, as a listing, JSON and a drawing."""

from __future__ import annotations

import io
import json
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

from wow64emu.emu.memory import PAGE_GUARD, Prot
from wow64emu.kernel.console import StdStreams
from wow64emu.kernel.system import System
from wow64emu.loader.process import create_process

BIN = Path(__file__).resolve().parent.parent / "fixtures" / "bin"


def vad(*args: str) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run([sys.executable, "-m", "wow64emu", "vad", *args], capture_output=True, timeout=120)


def test_listing_of_a_wow64_process() -> None:
    done = vad(str(BIN / "x86" / "hello.exe"))
    assert done.returncode == 0
    text = done.stdout.decode()
    lines = text.splitlines()
    assert lines[0].split() == ["VAD", "Level", "Start", "End", "Commit"]
    assert any(line.split()[2:4] == ["7ffe0", "7ffe0"] and "READONLY" in line for line in lines)
    assert any(line.split()[2:4] == ["7fff0", "7ffffed3f"] and "NO_ACCESS" in line for line in lines)
    assert "C:\\Windows\\System32\\ntdll.dll" in text and "C:\\Windows\\SysWOW64\\ntdll.dll" in text
    assert text.rstrip().splitlines()[-1].startswith("Total VADs:")


def test_json_after_a_step() -> None:
    done = vad("--json", "--after", "kuser", str(BIN / "x86" / "hello.exe"))
    rows = json.loads(done.stdout)
    assert [(r["start"], r["end"]) for r in rows] == [(0x400000, 0x405000), (0x7FFE0000, 0x7FFE1000),
                                                      (0x7FFE1000, 0x7FFF0000)]
    assert rows[1]["role"] == "KUSER_SHARED_DATA" and rows[1]["protection"] == "READONLY"
    assert sorted(r["level"] for r in rows) == [0, 1, 1]


def test_svg_draws_every_region(tmp_path: Path) -> None:
    svg = tmp_path / "hello.svg"
    done = vad("--svg", str(svg), "--json", str(BIN / "x86" / "hello.exe"))
    rows = json.loads(done.stdout)
    root = ET.fromstring(svg.read_text())
    rects = [e for e in root.iter() if e.tag.endswith("rect") and "region" in (e.get("class") or "")]
    assert len(rects) == len(rows)
    texts = " ".join("".join(e.itertext()) for e in root.iter() if e.tag.endswith("text"))
    assert "KUSER_SHARED_DATA" in texts and "C:\\Windows\\System32\\wow64cpu.dll" in texts


def test_unknown_step_is_one_line() -> None:
    done = vad("--after", "nonsense", str(BIN / "x86" / "hello.exe"))
    assert done.returncode == 2 and done.stderr.count(b"\n") == 1 and b"the steps:" in done.stderr


def test_native_process_has_no_no_access_reservation() -> None:
    rows = json.loads(vad("--json", str(BIN / "x64" / "hello.exe")).stdout)
    assert not any(r["role"].startswith("no access") for r in rows)
    assert any(r["name"] == "C:\\Windows\\System32\\kernel32.dll" for r in rows)


def test_tree_is_balanced_and_agrees_with_the_page_tables(tmp_path: Path) -> None:
    streams = StdStreams(io.BytesIO(), io.BytesIO(), io.BytesIO())
    c = create_process(System(tmp_path, streams), BIN / "x86" / "fileio.exe", [])
    space = c.process.memory
    space.check()
    # committed pages the CPU may touch: not the no-access ones, nor a guard page (the stack's), mapped when touched
    committed = {page for r in space.regions() for page, prot in r.committed.items()
                 if prot != Prot.NOACCESS and not prot & PAGE_GUARD}
    # the GDT page above the user range is the CPU's, not the process's
    mapped = {va for va, entry in c.process.cpu.tables.entries().items() if entry & 1 and va <= space.user_high}
    assert mapped == committed
