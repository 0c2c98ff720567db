"""A hostile guest cannot hurt the emulator: what it does to the system's own memory ends as Windows ends it
(fixtures/src/hostile.c, both widths)."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from wow64emu.kernel.console import StdStreams
from wow64emu.machine import Machine
from wow64emu.nt.status import NTSTATUS

BIN = Path(__file__).resolve().parent.parent / "fixtures" / "bin"


def hostile(width: str, mode: str, root: Path) -> tuple[int, str]:
    streams = StdStreams(io.BytesIO(), io.BytesIO(), io.BytesIO())
    outcome = Machine(BIN / width / "hostile.exe", [mode], root=root, streams=streams).run(timeout=60)
    return outcome.exit_status, streams.stdout.getvalue().decode()


@pytest.mark.parametrize("width", ["x86", "x64"])
def test_kuser_shared_data_cannot_be_freed_reprotected_or_unmapped(width: str, tmp_path: Path) -> None:
    status, out = hostile(width, "kuser", tmp_path)
    assert status == 0
    assert out == ("release=0xc0000045\ndecommit=0xc0000045\nprotect=0xc0000045\n"  # STATUS_INVALID_PAGE_PROTECTION
                   "unmap=0xc0000019\n"  # STATUS_NOT_MAPPED_VIEW: it is not a view of a section
                   "major=10\n")  # still there, still read-only


@pytest.mark.parametrize("mode", ["arena", "stack64"])
def test_freeing_what_wow64_runs_on_kills_the_thread_with_an_access_violation(mode: str, tmp_path: Path) -> None:
    status, out = hostile("x86", mode, tmp_path)
    assert status == NTSTATUS.ACCESS_VIOLATION
    assert "query=" not in out  # the thread died at its next system call


@pytest.mark.parametrize("mode", ["arena", "stack64"])
def test_a_64_bit_process_has_no_wow64_memory_to_free(mode: str, tmp_path: Path) -> None:
    assert hostile("x64", mode, tmp_path) == (0, "n/a\n")
