"""The standard user, UAC virtualization and the elevated administrator from guest programs in both widths
(fixtures/src/uacprobe.c through advapi32 and kernel32), the manifests that decide virtualization, and
`wow64emu run --elevated` / `--no-virtualization`."""

from __future__ import annotations

import io
import json
import struct
from pathlib import Path

import pytest

from tests.pebuild import PEBuilder
from wow64emu.cli import main as cli_main
from wow64emu.emu.trace import Tracer
from wow64emu.emu.tracejsonl import JsonlSink
from wow64emu.image.manifest import requests_execution_level
from wow64emu.image.pe import PEImage
from wow64emu.kernel.console import StdStreams
from wow64emu.kernel.registry_defaults import USER
from wow64emu.kernel.registry_store import RegistryStore
from wow64emu.machine import Machine
from wow64emu.reg.hive import store_path

BIN = Path(__file__).resolve().parent.parent / "fixtures" / "bin"
DENIED = ["hklm: 5", "file: 3", "windows: 5", "sysdll: 5"]  # 3: the folder could not be made


def run(root: Path, width: str, **options: bool) -> tuple[list[str], list[dict]]:
    streams = StdStreams(io.BytesIO(), io.BytesIO(), io.BytesIO())
    trace = io.StringIO()
    outcome = Machine(BIN / width / "uacprobe.exe", [], root=root, streams=streams,
                      tracer=Tracer(JsonlSink(trace)), **options).run(timeout=60)
    assert outcome.exit_status == 0, streams.stderr.getvalue()
    events = [e for e in map(json.loads, trace.getvalue().splitlines()) if e["event"] == "redirect"]
    return streams.stdout.getvalue().decode("latin-1").splitlines(), events


@pytest.mark.parametrize("width", ["x86", "x64"])
def test_the_standard_user_reads_but_does_not_write_the_machine_s_places(tmp_path: Path, width: str) -> None:
    lines, _ = run(tmp_path, width)
    assert lines == ["token: 0 1 1 0", *DENIED]


@pytest.mark.parametrize("width", ["x86", "x64"])
def test_an_elevated_administrator_writes_them_but_not_the_shipped_dlls(tmp_path: Path, width: str) -> None:
    lines, _ = run(tmp_path, width, elevated=True)
    assert lines == ["token: 1 2 0 0", f"hklm: 0 0 {width}", f"file: 0 {width}", f"windows: 0 {width}", "sysdll: 5"]
    assert (tmp_path / "Program Files" / "uacprobe" / "probe.txt").read_bytes() == width.encode()
    assert (tmp_path / "Windows" / "uacprobe.txt").read_bytes() == width.encode()


def test_a_32_bit_program_without_a_manifest_is_virtualized(tmp_path: Path) -> None:
    lines, events = run(tmp_path / "x86", "x86", virtualization=True)
    assert lines == ["token: 0 1 1 1", "hklm: 0 0 x86", "file: 0 x86", "windows: 0 x86", "sysdll: 5"]
    virtual = f"{USER}_Classes\\VirtualStore\\MACHINE\\SOFTWARE\\WOW6432Node\\uacprobe"
    afters = [e["after"] for e in events if e["layer"] == "kernel" and e["kind"] == "virtualize"]
    assert virtual in afters
    assert "\\??\\C:\\Users\\User\\AppData\\Local\\VirtualStore\\Windows\\uacprobe.txt" in afters
    store = tmp_path / "x86" / "Users" / "User" / "AppData" / "Local" / "VirtualStore"
    assert (store / "Program Files" / "uacprobe" / "probe.txt").read_bytes() == b"x86"
    assert (store / "Windows" / "uacprobe.txt").read_bytes() == b"x86"
    assert not (tmp_path / "x86" / "Program Files" / "uacprobe").exists()
    assert not (tmp_path / "x86" / "Windows" / "uacprobe.txt").exists()
    store = RegistryStore.open(store_path(tmp_path / "x86"))
    try:
        copy = store.find(virtual)
        assert copy is not None and store.value(copy.id, "Width").data == "x86\0".encode("utf-16-le")
        assert store.find("\\REGISTRY\\MACHINE\\SOFTWARE\\WOW6432Node\\uacprobe") is None
    finally:
        store.close()
    # a 64-bit program never is
    lines, events = run(tmp_path / "x64", "x64", virtualization=True)
    assert lines == ["token: 0 1 1 0", *DENIED] and not [e for e in events if e["kind"] == "virtualize"]


def test_the_cli_virtualizes_unless_told_not_to_and_elevates_when_asked(tmp_path: Path,
                                                                       capfdbinary: pytest.CaptureFixture) -> None:
    program = str(BIN / "x86" / "uacprobe.exe")
    for options, first_lines in (([], ["token: 0 1 1 1", "hklm: 0 0 x86"]),
                                 (["--no-virtualization"], ["token: 0 1 1 0", "hklm: 5"]),
                                 (["--elevated"], ["token: 1 2 0 0", "hklm: 0 0 x86"])):
        root = tmp_path / ("_".join(options) or "default")
        root.mkdir()
        assert cli_main(["run", "--root", str(root), *options, program]) == 0
        assert capfdbinary.readouterr().out.decode().splitlines()[:2] == first_lines, options


def manifest_image(is64: bool, manifest: bytes) -> PEImage:
    """An image whose resources hold one RT_MANIFEST (name 1, language 0x409) with `manifest`."""
    resources = (struct.pack("<IIHHHH", 0, 0, 0, 0, 0, 1) + struct.pack("<II", 24, 0x80000000 | 24)
                 + struct.pack("<IIHHHH", 0, 0, 0, 0, 0, 1) + struct.pack("<II", 1, 0x80000000 | 48)
                 + struct.pack("<IIHHHH", 0, 0, 0, 0, 0, 1) + struct.pack("<II", 0x409, 72)
                 + struct.pack("<IIII", 0, len(manifest), 0, 0) + manifest)
    builder = PEBuilder(is64=is64)
    builder.section(".rsrc", resources)
    built = builder.build()
    rva, raw = built.sections[".rsrc"], built.get_section(0, "PointerToRawData")
    struct.pack_into("<I", built.data, raw + 72, rva + 88)  # the data entry's RVA of the manifest
    struct.pack_into("<II", built.data, built.opt + (112 if is64 else 96) + 8 * 2, rva, len(resources))
    return PEImage.parse(bytes(built.data), "manifest.exe")


@pytest.mark.parametrize("is64", [False, True])
def test_a_manifest_with_an_execution_level_turns_virtualization_off(is64: bool) -> None:
    level = (b'<assembly><trustInfo><security><requestedPrivileges><requestedExecutionLevel level="asInvoker"/>'
             b"</requestedPrivileges></security></trustInfo></assembly>")
    assert requests_execution_level(manifest_image(is64, level))
    assert requests_execution_level(manifest_image(is64, level.decode().encode("utf-16-le")))
    assert not requests_execution_level(manifest_image(is64, b"<assembly><dependency/></assembly>"))
    assert not requests_execution_level(PEImage.from_path(BIN / ("x64" if is64 else "x86") / "uacprobe.exe"))
