"""The fuzz target: mutated programs and DLLs never fail the emulator (tests/fuzz.py has the mutator and the
classes of outcome; `python -m tests.fuzz --count N` runs as many as asked), and the malformed images the fuzzer
found get what Windows gives them."""

from __future__ import annotations

import io
import struct
from pathlib import Path

import pytest

from tests import fuzz, fuzz_syscalls
from wow64emu.cli import main
from wow64emu.kernel.console import StdStreams
from wow64emu.kernel.shareddata import KUSER_SHARED_DATA
from wow64emu.machine import Machine

BIN = Path(__file__).resolve().parent.parent / "fixtures" / "bin"
MUTANTS = 125  # per kind and width: 500 in all, about 25 s
ERROR_BAD_EXE_FORMAT = 193


@pytest.mark.parametrize("width", ["x86", "x64"])
@pytest.mark.parametrize("dll", [False, True], ids=["program", "dll"])
def test_mutants_never_fail_the_emulator(width: str, dll: bool) -> None:
    failures: list[str] = []

    def report(i: int, outcome: fuzz.Outcome) -> None:
        if outcome.kind in fuzz.FAILURES:
            failures.append(f"mutant {i}: {outcome.kind}: {outcome.detail}")

    tally = fuzz.fuzz(MUTANTS, seed=2026, dll=dll, width=width, report=report)
    assert not failures, failures
    assert sum(tally.values()) == MUTANTS
    assert tally["ok"] > 0 and (dll or tally["rejected"] > 0)  # the mutants reach both sides of the loader


@pytest.mark.parametrize("wow64", [True, False], ids=["wow64", "native"])
def test_random_system_call_arguments_always_end_in_a_status(wow64: bool) -> None:
    failures: list[str] = []
    assert fuzz_syscalls.fuzz(3000, seed=2026, wow64=wow64, report=failures.append) == 0, failures


def test_random_system_call_arguments_from_32_bit_code_always_end_in_a_status() -> None:
    """Through the 32-bit ntdll's stubs, the gate and wow64.dll's widening, narrowing and hand-written parts."""
    failures: list[str] = []
    assert fuzz_syscalls.fuzz(600, seed=2026, wow64=True, report=failures.append, path32=True) == 0, failures


def test_a_system_call_that_raises_is_a_finding(monkeypatch: pytest.MonkeyPatch) -> None:
    from tests.conftest import KernelRig

    def broken(self: KernelRig, name: str, *args: int) -> int:
        raise KeyError(name)

    monkeypatch.setattr(KernelRig, "call", broken)
    found: list[str] = []
    assert fuzz_syscalls.fuzz(3, seed=1, wow64=True, report=found.append) == 3
    assert "traceback" in found[0] and "KeyError" in found[0]


def test_an_exception_of_the_emulator_is_a_finding() -> None:
    def broken() -> fuzz.Outcome:
        raise KeyError("oops")

    assert fuzz.classify(broken).kind == "traceback"


def test_the_emulator_running_past_the_alarm_is_a_finding(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(fuzz, "ALARM_SECONDS", 1)

    def spin() -> fuzz.Outcome:
        while True:
            pass

    assert fuzz.classify(spin).kind == "hang"


# ---- what the fuzzer found ---------------------------------------------------------------------------------


def pe_offsets(data: bytes) -> tuple[int, int, int]:
    """(optional header, data directories, section table) file offsets of a PE image."""
    pe = struct.unpack_from("<I", data, 0x3C)[0]
    optional_size = struct.unpack_from("<H", data, pe + 20)[0]
    optional = pe + 24
    is64 = struct.unpack_from("<H", data, optional)[0] == 0x20B
    return optional, optional + (112 if is64 else 96), optional + optional_size


def section_entry(data: bytes, name: bytes) -> int:
    _, _, table = pe_offsets(data)
    for entry in range(table, table + 40 * 16, 40):
        if data[entry:entry + 8].rstrip(b"\0") == name:
            return entry
    raise AssertionError(name)


def load_mutant(width: str, data: bytes, root: Path) -> tuple[int, str]:
    (root / "mutant.dll").write_bytes(data)
    streams = StdStreams(io.BytesIO(), io.BytesIO(), io.BytesIO())
    machine = Machine(BIN / width / "loadlib.exe", ["load:C:\\mutant.dll"], root=root, streams=streams)
    outcome = machine.run(timeout=30)
    return outcome.exit_status or 0, streams.stdout.getvalue().decode()


def import_directory_past_the_image(data: bytearray) -> None:
    _, directories, _ = pe_offsets(data)
    struct.pack_into("<I", data, directories + 8, 0x7FFF0000)


def import_directory_misaligned(data: bytearray) -> None:
    """Descriptors read from the middle of the import data: names and address tables that point anywhere."""
    _, directories, _ = pe_offsets(data)
    rva = struct.unpack_from("<I", data, directories + 8)[0]
    struct.pack_into("<I", data, directories + 8, rva + 0x7F)


def imports_unreadable(data: bytearray) -> None:
    struct.pack_into("<I", data, section_entry(data, b".idata") + 36, 0x40)  # initialised data, no IMAGE_SCN_MEM_READ


def exports_unreadable(data: bytearray) -> None:
    struct.pack_into("<I", data, section_entry(data, b".edata") + 36, 0x40)


def entry_point_past_the_image(data: bytearray) -> None:
    optional, _, _ = pe_offsets(data)
    struct.pack_into("<I", data, optional + 16, 0x7FFF0000)


@pytest.mark.parametrize("width", ["x86", "x64"])
@pytest.mark.parametrize("damage", [import_directory_past_the_image, imports_unreadable, entry_point_past_the_image])
def test_loadlibrary_of_a_malformed_dll_fails_with_bad_exe_format(width: str, damage, tmp_path: Path) -> None:
    data = bytearray((BIN / width / "dll_plus.dll").read_bytes())
    damage(data)
    status, out = load_mutant(width, bytes(data), tmp_path)
    assert (status, out) == (0, f"load C:\\mutant.dll: failed error={ERROR_BAD_EXE_FORMAT}\n")


@pytest.mark.parametrize("width", ["x86", "x64"])
def test_a_misaligned_import_directory_never_makes_the_loader_write_outside_the_image(width: str,
                                                                                      tmp_path: Path) -> None:
    data = bytearray((BIN / width / "dll_plus.dll").read_bytes())
    import_directory_misaligned(data)
    status, out = load_mutant(width, bytes(data), tmp_path)
    assert status == 0 and out.startswith("load C:\\mutant.dll: failed error="), (hex(status), out)


@pytest.mark.parametrize("width", ["x86", "x64"])
def test_getprocaddress_in_a_dll_whose_exports_cannot_be_read_finds_nothing(width: str, tmp_path: Path) -> None:
    """The DLL loads (nothing reads its exports then); its DllMain's own lookups fail instead of faulting."""
    data = bytearray((BIN / width / "dll_plus.dll").read_bytes())
    exports_unreadable(data)
    status, out = load_mutant(width, bytes(data), tmp_path)
    assert status == 0 and "load C:\\mutant.dll: ok" in out, (hex(status), out)


@pytest.mark.parametrize("width", ["x86", "x64"])
def test_an_import_address_table_outside_the_image_is_a_one_line_error(width: str, tmp_path: Path,
                                                                       capsys: pytest.CaptureFixture[str]) -> None:
    data = bytearray((BIN / width / "hello.exe").read_bytes())
    _, directories, _ = pe_offsets(data)
    rva = struct.unpack_from("<I", data, directories + 8)[0]
    offset = next(raw + rva - va for va, raw in section_spans(data) if va <= rva < va + 0x1000)
    struct.pack_into("<I", data, offset + 16, 0x7FFF0000)  # the first descriptor's FirstThunk
    program = tmp_path / "iat.exe"
    program.write_bytes(data)
    assert main(["run", "--root", str(tmp_path / "c"), str(program)]) == 2
    assert capsys.readouterr().err == ("wow64emu: error: iat.exe: its import address table at RVA 0x7fff0000 is "
                                       "outside the image (STATUS_INVALID_IMAGE_FORMAT)\n")


def section_spans(data: bytes) -> list[tuple[int, int]]:
    """(VirtualAddress, PointerToRawData) of each section."""
    pe = struct.unpack_from("<I", data, 0x3C)[0]
    count = struct.unpack_from("<H", data, pe + 6)[0]
    _, _, table = pe_offsets(data)
    return [struct.unpack_from("<4xI4xI", data, table + 40 * i + 8) for i in range(count)]


@pytest.mark.parametrize("base", [KUSER_SHARED_DATA, 0x77C00000])
def test_a_program_that_prefers_a_base_the_system_keeps_is_moved(base: int, tmp_path: Path) -> None:
    """KUSER_SHARED_DATA and the 32-bit ntdll are mapped after the program: it is relocated out of their way."""
    data = bytearray((BIN / "x86" / "hello.exe").read_bytes())
    optional, _, _ = pe_offsets(data)
    struct.pack_into("<I", data, optional + 28, base)
    program = tmp_path / "moved.exe"
    program.write_bytes(data)
    (tmp_path / "c").mkdir()
    machine = Machine(program, [], root=tmp_path / "c", streams=StdStreams(io.BytesIO(), io.BytesIO(), io.BytesIO()))
    image = machine.created.image
    assert not (image.base < base + 0x10000 and base < image.base + image.size)
    assert machine.process.memory.region_at(KUSER_SHARED_DATA).name == "KUSER_SHARED_DATA"
    assert machine.created.modules32["ntdll.dll"].base == 0x77C00000


def test_fuzz_command_reports_the_tally(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert fuzz.main(["--count", "3", "--seed", "5"]) == 0
    tally = capsys.readouterr().out.split()
    assert sum(int(n) for n in tally[1::2]) == 3

