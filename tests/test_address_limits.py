"""Address limits of a 32-bit process, with and without IMAGE_FILE_LARGE_ADDRESS_AWARE, and of a 64-bit one
(fixtures/src/limits.c, built as x86/limits.exe, x86/limits_laa.exe and x64/limits.exe)."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from wow64emu.image.pe import PEImage
from wow64emu.kernel.console import StdStreams
from wow64emu.machine import Machine

BIN = Path(__file__).resolve().parent.parent / "fixtures" / "bin"


def facts(program: Path, root: Path) -> dict[str, str]:
    streams = StdStreams(io.BytesIO(), io.BytesIO(), io.BytesIO())
    machine = Machine(program, [], root=root, streams=streams)
    assert machine.run(timeout=30).exit_status == 0
    out, section = {}, ""
    for line in streams.stdout.getvalue().decode().splitlines():
        key, _, value = line.strip().partition("=")
        if line.startswith("query"):
            section = value
        out[f"{section}:{key}" if line.startswith("  ") else key] = value
    return out, machine


@pytest.mark.parametrize(("name", "aware"), [("limits.exe", False), ("limits_laa.exe", True)])
def test_the_fixture_has_the_flag_under_test(name: str, aware: bool) -> None:
    assert PEImage.from_path(BIN / "x86" / name).large_address_aware is aware


def test_a_plain_32_bit_image_stays_below_2_gb(tmp_path: Path) -> None:
    out, machine = facts(BIN / "x86" / "limits.exe", tmp_path)
    assert int(out["top-down"], 16) < 0x7FFE0000
    assert out["at 0x90000000: error"] == "87"
    assert out["0x7fff0000:error"] == "87" and out["0xffff0000:error"] == "87"
    no_access = min(r.base for r in machine.process.memory.regions() if r.name.startswith("no access"))
    assert no_access == 0x7FFF0000


def test_a_large_address_aware_image_reaches_4_gb(tmp_path: Path) -> None:
    out, machine = facts(BIN / "x86" / "limits_laa.exe", tmp_path)
    assert out["top-down"] == "0xfffe0000"
    assert out["at 0x90000000"] == "0x90000000"
    assert out["0x7fff0000:state"] == "0x10000" and out["0x7fff0000:size"] == "0x10010000"
    assert out["0xffff0000:error"] == "87"
    no_access = min(r.base for r in machine.process.memory.regions() if r.name.startswith("no access"))
    assert no_access == 0xFFFF0000


def test_a_64_bit_process_has_the_whole_user_range(tmp_path: Path) -> None:
    out, _ = facts(BIN / "x64" / "limits.exe", tmp_path)
    assert int(out["top-down"], 16) > 0x7FF000000000
    assert out["at 0x90000000"] == "0x90000000"
    assert out["0xffff0000:state"] == "0x10000"
