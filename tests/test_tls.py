"""Thread-local storage: static TLS of images (their TLS directory: indexes, the thread's copies, TLS callbacks
around the entry point; guest/ntdll/ldrtls.c), TLS slots (kernel32's tlsapi.c) and fiber-local storage with its
callbacks (guest/ntdll/fls.c), in both widths."""

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


TLS_SLOTS = """\
tls first=0
tls second=1
tls get new=0
tls get clears the last error=1
tls set=1
tls get=77
tls allocated in all=1088
tls out of indexes error=259
tls last index=1087
tls set expansion=1
tls get expansion=88
tls get 1088=0
tls get 1088 error=87
tls free=1
tls free again=0
tls free again error=87
tls alloc reuses=1
fls first=1
fls second=2
fls third=3
fls get new=0
fls get error=0
fls set=1
fls set second=1
fls get=5
fls callback (FlsFree) value=5
fls free=1
fls get freed=0
fls get freed error=87
fls set 0=0
fls set 0 error=87
fls free 0=0
fls far index=100
fls set far=1
exiting
fls callback (exit) value=6
fls callback (exit, far index) value=9
"""


@pytest.mark.parametrize("width", WIDTHS)
def test_tls_slots_and_fls_with_their_callbacks(width: str, tmp_path: Path) -> None:
    # 64 TEB slots and 1024 expansion slots; FLS index 0 is never given; a callback gets the value at FlsFree and,
    # for a value still set, at ExitProcess, in index order: one past the thread's first 64 slots too.
    assert run(BIN / width / "tlsslots.exe", tmp_path) == (0, TLS_SLOTS)
