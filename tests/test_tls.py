"""Thread-local storage: static TLS of images (their TLS directory: indexes, the thread's copies, TLS callbacks
around the entry point; guest/ntdll/ldrtls.c), in both widths."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from wow64emu.kernel.console import StdStreams
from wow64emu.machine import Machine

BIN = Path(__file__).resolve().parent.parent / "fixtures" / "bin"
WIDTHS = ["x86", "x64"]


def run(program: Path, root: Path, *args: str) -> tuple[int, str]:
    streams = StdStreams(io.BytesIO(), io.BytesIO(), io.BytesIO())
    status = Machine(program, list(args), root=root, streams=streams).run(timeout=30).exit_status
    return status, streams.stdout.getvalue().decode()


@pytest.mark.parametrize("width", WIDTHS)
def test_static_tls_and_its_callbacks_around_the_entry_point(width: str, tmp_path: Path) -> None:
    status, out = run(BIN / width / "statictls.exe", tmp_path)
    assert status == 0
    assert out == (
        "callback: attach\n  module is the program=1\n  reserved is not NULL=1\n  index=0\n  counter=41\n"
        "entry point\n  index=0\n  counter after the callback=42\n  the template is untouched=1\n"
        "  the copy is not the template=1\n  zero fill bytes=64\n"
        "callback: detach\n  module is the program=1\n  reserved is not NULL=1\n  index=0\n  counter=42\n")
