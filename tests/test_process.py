"""Process creation as Windows sets up a WoW64 process: structures, their cross links and their places."""

from __future__ import annotations

import io
import struct
from pathlib import Path

import pytest

from wow64emu.emu.memory import MemState, Prot
from wow64emu.errors import GuestFault
from wow64emu.kernel.console import StdStreams
from wow64emu.kernel.shareddata import KUSER_SHARED_DATA
from wow64emu.kernel.system import System
from wow64emu.loader.process import CreatedProcess, create_process, quote_arg, step_names

BIN = Path(__file__).resolve().parent.parent / "fixtures" / "bin"


def make(width: str, tmp_path: Path, *args: str) -> CreatedProcess:
    streams = StdStreams(io.BytesIO(), io.BytesIO(), io.BytesIO())
    return create_process(System(tmp_path, streams), BIN / width / "hello.exe", list(args))


def u32(c: CreatedProcess, addr: int) -> int:
    return struct.unpack("<I", c.process.memory.peek(addr, 4))[0]


def u64(c: CreatedProcess, addr: int) -> int:
    return struct.unpack("<Q", c.process.memory.peek(addr, 8))[0]


def ustr(c: CreatedProcess, addr: int, width: int) -> str:
    length = struct.unpack("<H", c.process.memory.peek(addr, 2))[0]
    buf = u32(c, addr + 4) if width == 32 else u64(c, addr + 8)
    return c.process.memory.peek(buf, length).decode("utf-16-le")


@pytest.fixture
def wow(tmp_path: Path) -> CreatedProcess:
    return make("x86", tmp_path, "one", "two words")


def test_teb32_follows_teb64_with_the_cross_links(wow: CreatedProcess) -> None:
    assert wow.teb32 == wow.teb64 + 0x2000
    assert u64(wow, wow.teb64 + 0x00) == wow.teb32  # TEB64.NtTib.ExceptionList -> TEB32
    assert u32(wow, wow.teb64 + 0x180C) == 0x2000  # TEB64.WowTebOffset
    assert u32(wow, wow.teb32 + 0xFDC) == 0xFFFFE000  # TEB32.WowTebOffset = -0x2000
    assert u64(wow, wow.teb64 + 0x30) == wow.teb64 and u32(wow, wow.teb32 + 0x18) == wow.teb32
    assert u64(wow, wow.teb64 + 0x60) == wow.peb64 and u32(wow, wow.teb32 + 0x30) == wow.peb32
    assert u32(wow, wow.teb32 + 0x00) == 0xFFFFFFFF  # no SEH frame yet
    assert u64(wow, wow.teb64 + 0x1488) == wow.cpu_area  # TLS slot 1: WOW64_TLS_CPURESERVED
    assert struct.unpack("<HH", wow.process.memory.peek(wow.cpu_area, 4)) == (0, 0x014C)


def test_both_pebs_and_both_parameter_blocks(wow: CreatedProcess) -> None:
    assert wow.peb32 != wow.peb64
    assert u32(wow, wow.peb32 + 0x08) == wow.image.base == u64(wow, wow.peb64 + 0x10)
    params32, params64 = u32(wow, wow.peb32 + 0x10), u64(wow, wow.peb64 + 0x20)
    std32 = [u32(wow, params32 + off) for off in (0x18, 0x1C, 0x20)]
    std64 = [u64(wow, params64 + off) for off in (0x20, 0x28, 0x30)]
    assert std32 == std64 and len(set(std32)) == 3 and all(h % 4 == 0 and h for h in std32)
    assert ustr(wow, params32 + 0x40, 32) == ustr(wow, params64 + 0x70, 64) == 'C:\\hello.exe one "two words"'
    assert ustr(wow, params32 + 0x38, 32) == "C:\\hello.exe"
    assert (u32(wow, wow.peb32 + 0xA4), u32(wow, wow.peb32 + 0xA8)) == (10, 0)
    assert struct.unpack("<H", wow.process.memory.peek(wow.peb32 + 0xAC, 2))[0] == 19045


def test_environment_of_a_32_bit_process(wow: CreatedProcess) -> None:
    params32 = u32(wow, wow.peb32 + 0x10)
    env = wow.process.memory.peek(u32(wow, params32 + 0x48), u32(wow, params32 + 0x290)).decode("utf-16-le")
    variables = env.rstrip("\0").split("\0")
    assert "PROCESSOR_ARCHITECTURE=x86" in variables and "PROCESSOR_ARCHITEW6432=AMD64" in variables
    assert "ProgramFiles=C:\\Program Files (x86)" in variables and "ProgramW6432=C:\\Program Files" in variables


def test_kuser_shared_data_is_one_read_only_page_and_the_64_kb_after_it_reserved(wow: CreatedProcess) -> None:
    info = wow.process.memory.query(KUSER_SHARED_DATA)
    assert (info.base, info.size, info.protect) == (KUSER_SHARED_DATA, 0x1000, Prot.READONLY)
    after = wow.process.memory.query(KUSER_SHARED_DATA + 0x1000)
    assert (after.state, after.size) == (MemState.RESERVE, 0xF000)
    assert u32(wow, KUSER_SHARED_DATA + 0x26C) == 10 and u32(wow, KUSER_SHARED_DATA + 0x260) == 19045


def test_system_dlls_where_windows_puts_them(wow: CreatedProcess) -> None:
    assert wow.modules64["ntdll.dll"].base > 0xFFFFFFFF
    assert wow.modules32["ntdll.dll"].base < 0x80000000
    assert wow.modules64["wow64cpu.dll"].base + wow.modules64["wow64cpu.dll"].size <= 0x100000000
    assert set(wow.modules64) == {"ntdll.dll", "wow64.dll", "wow64win.dll", "wow64cpu.dll"}
    assert set(wow.modules32) == {"ntdll.dll", "kernel32.dll", "hello.exe"}
    ntdll32 = wow.modules32["ntdll.dll"]
    assert u32(wow, ntdll32.exports["Wow64Transition"]) == wow.modules64["wow64cpu.dll"].exports["KiFastSystemCall"]


def test_wow64_structures_stay_below_2_gb(wow: CreatedProcess) -> None:
    for addr in (wow.peb32, wow.peb64, wow.teb64, wow.cpu_area, wow.arena, *wow.stack32, *wow.stack64):
        assert addr <= 0x7FFE0000


def test_native_process_has_no_wow64_parts(tmp_path: Path) -> None:
    native = make("x64", tmp_path)
    assert not native.process.wow64
    assert native.peb32 == native.teb32 == native.cpu_area == 0
    assert set(native.modules64) == {"ntdll.dll", "kernel32.dll", "hello.exe"}
    assert u64(native, native.teb64 + 0x180C) & 0xFFFFFFFF == 0


def test_kuser_page_cannot_be_written_through_a_guest_pointer(wow: CreatedProcess) -> None:
    with pytest.raises(GuestFault):
        wow.process.memory.write(KUSER_SHARED_DATA, b"x")
    wow.process.memory.read(KUSER_SHARED_DATA, 4)


@pytest.mark.parametrize(("arg", "quoted"), [
    ("plain", "plain"), ("two words", '"two words"'), ("", '""'), ('say "hi"', '"say \\"hi\\""'),
    ("trail\\", "trail\\"), ("sp ace\\", '"sp ace\\\\"'),
])
def test_command_line_quoting_round_trips_as_commandlinetoargvw_reads_it(arg: str, quoted: str) -> None:
    assert quote_arg(arg) == quoted


def steps_of(width: str, tmp_path: Path, stop_after: str | None = None) -> tuple[CreatedProcess, list]:
    seen = []
    streams = StdStreams(io.BytesIO(), io.BytesIO(), io.BytesIO())
    c = create_process(System(tmp_path, streams), BIN / width / "hello.exe", [], stop_after=stop_after,
                       on_step=lambda _c, step, what, regions: seen.append((step, what, regions)))
    return c, seen


def test_creation_follows_the_steps_of_the_seed(tmp_path: Path) -> None:
    _, seen = steps_of("x86", tmp_path)
    assert [s[0] for s in seen] == step_names() == [
        "allocate", "map-image", "kuser", "system-dlls", "no-access", "peb", "thread", "wow64-dlls", "imports", "ldr"]
    added = {step: regions for step, _, regions in seen}
    assert [r.base for r in added["map-image"]] == [0x400000]
    assert [r.base for r in added["kuser"]] == [0x7FFE0000, 0x7FFE1000]
    assert {r.name.split("/")[-2] for r in added["system-dlls"]} == {"SysWOW64", "System32"}


def test_native_creation_has_no_wow64_steps(tmp_path: Path) -> None:
    _, seen = steps_of("x64", tmp_path)
    assert [s[0] for s in seen] == ["allocate", "map-image", "kuser", "system-dlls", "peb", "thread", "imports",
                                    "ldr"]


def test_no_access_reservation_surrounds_the_64_bit_ntdll(wow: CreatedProcess) -> None:
    ntdll64 = wow.modules64["ntdll.dll"]
    no_access = sorted((r for r in wow.process.memory.regions() if r.name.startswith("no access")),
                       key=lambda r: r.base)
    assert [(r.base, r.end) for r in no_access] == [
        (0x7FFF0000, ntdll64.base), (ntdll64.base + ntdll64.size, 0x7FFFFFFF0000)]
    assert all(r.allocation_protect == Prot.NOACCESS and not r.committed for r in no_access)
    assert wow.process.memory.find_free(0x10000, top_down=True) < 0x7FFE0000  # nothing above the 32-bit limit


def test_creation_can_stop_after_a_step(tmp_path: Path) -> None:
    c, seen = steps_of("x86", tmp_path, stop_after="kuser")
    assert seen[-1][0] == "kuser"
    assert sorted(r.base for r in c.process.memory.regions()) == [0x400000, 0x7FFE0000, 0x7FFE1000]


def test_guest_paths_of_mapped_files(wow: CreatedProcess) -> None:
    assert wow.guest_path(wow.modules32["ntdll.dll"].path) == "C:\\Windows\\SysWOW64\\ntdll.dll"
    assert wow.guest_path(wow.modules64["wow64cpu.dll"].path) == "C:\\Windows\\System32\\wow64cpu.dll"
    assert wow.guest_path(wow.image.path) == "C:\\hello.exe"
    assert wow.guest_path("PEB32") == "PEB32"
