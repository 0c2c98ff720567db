"""The DOS devices: NUL, CON, CONIN$ and CONOUT$ open devices (kernel/devices.py), whatever folder or extension
the Win32 name puts around them, and never make a file of the C: drive (fixtures/src/devices.c, both widths)."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from tests.drive import own_entries
from wow64emu.kernel.console import StdStreams
from wow64emu.kernel.devices import device_name
from wow64emu.machine import Machine

BIN = Path(__file__).resolve().parent.parent / "fixtures" / "bin"
FILE_TYPE_CHAR = 2

EXPECTED = f"""NUL ok 10
  type {FILE_TYPE_CHAR}
nul ok 10
  type {FILE_TYPE_CHAR}
C:\\nul.txt ok 10
  type {FILE_TYPE_CHAR}
through CONOUT$
CONOUT$ ok 16
  type {FILE_TYPE_CHAR}
through CON
con ok 12
  type {FILE_TYPE_CHAR}
read NUL ok 0
read CONIN$ ok 9
COM1 error 2
"""


@pytest.mark.parametrize("width", ["x86", "x64"])
def test_device_names_open_devices_and_make_no_file(width: str, tmp_path: Path) -> None:
    root = tmp_path / "c"
    root.mkdir()
    streams = StdStreams(io.BytesIO(b"line one\nline two\n"), io.BytesIO(), io.BytesIO())
    outcome = Machine(BIN / width / "devices.exe", [], root=root, streams=streams).run(timeout=60)
    assert outcome.exit_status == 0
    assert streams.stdout.getvalue().decode() == EXPECTED
    assert own_entries(root) == ["devices.exe"]  # the program's own file; no CON, NUL or nul.txt


@pytest.mark.parametrize(("name", "device"), [
    ("\\??\\NUL", "nul"), ("\\DosDevices\\nul", "nul"), ("\\GLOBAL??\\Con", "con"), ("\\??\\CONIN$", "conin$"),
    ("\\??\\conout$", "conout$"), ("\\Device\\Null", "nul"), ("\\??\\COM3", "com3"), ("\\??\\C:\\nul", None),
    ("\\??\\NUL\\x", None), ("\\??\\C:\\con.txt", None), ("\\BaseNamedObjects\\NUL", None),
])
def test_which_nt_names_are_devices(name: str, device: str | None) -> None:
    # kernel32 reduces "C:\dir\nul.txt" to \??\nul; the kernel sees only NT names.
    assert device_name(name) == device
