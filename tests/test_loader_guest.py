"""The guest's loader (guest/ntdll/ldr*.c under kernel32's libloaderapi.c) run by real guest code in both widths:
the module lists of the PEB from process creation on, LoadLibrary adding a DLL to them, DllMain called once,
reference counts, FreeLibrary unmapping at zero, dependencies, the system folder, and the refusal of an image of
the other width, with the status and the text the trace shows.

Fixtures: fixtures/bin/{x86,x64}/loadlib.exe (fixtures/src/loadlib.c: runs `load:NAME`, `free:NAME`,
`attaches:NAME` and exits without unloading anything) and dll_plus.dll (fixtures/src/dll_plus.c), both built by
guest/build.sh; each test copies dll_plus.dll of the program's width into the C: drive, and that of the other width
as dll_other.dll.
"""

from __future__ import annotations

import io
import json
import logging
import shutil
import struct
from dataclasses import dataclass
from pathlib import Path

import pytest

from wow64emu.emu.memory import MemType
from wow64emu.emu.trace import Tracer
from wow64emu.emu.tracejsonl import JsonlSink
from wow64emu.kernel.console import StdStreams
from wow64emu.kernel.system import System
from wow64emu.loader import ldrdata
from wow64emu.loader import structures as S
from wow64emu.loader.process import CreatedProcess, create_process
from wow64emu.machine import Machine

BIN = Path(__file__).resolve().parent.parent / "fixtures" / "bin"
WIDTHS = ["x86", "x64"]
OTHER = {"x86": "x64", "x64": "x86"}
SYSTEM = {"x86": "SysWOW64", "x64": "System32"}
DYNAMIC_LOAD = 4
LOADED_DLL = (ldrdata.LDRP_IMAGE_DLL | ldrdata.LDRP_IN_LEGACY_LISTS | ldrdata.LDRP_ENTRY_PROCESSED
              | ldrdata.LDRP_PROCESS_ATTACH_CALLED)


@dataclass(frozen=True)
class Entry:
    """What a test looks at in one LDR_DATA_TABLE_ENTRY."""

    path: str
    base_name: str
    base: int
    size: int
    flags: int
    count: int
    reason: int


def module_list(c: CreatedProcess, width: int, which: int = 0) -> list[Entry]:
    """The entries of one list of a PEB (0: load order, 1: memory order, 2: initialisation order)."""
    memory = c.process.memory
    data, layout = ldrdata.LAYOUTS[width]
    ptr = "<" + layout.ptr
    size = struct.calcsize(ptr)

    def pointer(at: int) -> int:
        return struct.unpack(ptr, memory.peek(at, size))[0]

    def string(at: int) -> str:
        length = struct.unpack("<H", memory.peek(at, 2))[0]
        return memory.peek(pointer(at + size), length).decode("utf-16-le")

    peb, peb_layout = (c.peb32, S.PEB32) if width == 32 else (c.peb64, S.PEB64)
    head = pointer(peb + peb_layout.ldr) + data.heads[which]
    out = []
    link = pointer(head)
    while link != head:
        assert pointer(pointer(link) + size) == link  # Flink->Blink comes back
        e = link - layout.links[which]
        (flags,) = struct.unpack("<I", memory.peek(e + layout.flags, 4))
        (count,) = struct.unpack("<H", memory.peek(e + layout.obsolete_load_count, 2))
        out.append(Entry(string(e + layout.full_dll_name), string(e + layout.base_dll_name),
                         pointer(e + layout.dll_base), struct.unpack("<I", memory.peek(e + layout.size_of_image, 4))[0],
                         flags, count, struct.unpack("<I", memory.peek(e + layout.load_reason, 4))[0]))
        link = pointer(link)
    return out


def own_list(machine: Machine, which: int = 0) -> list[Entry]:
    """The list the program's own loader keeps: PEB32's in a WoW64 process, PEB64's in a native one."""
    return module_list(machine.created, 32 if machine.process.wow64 else 64, which)


def run(width: str, root: Path, *commands: str, trace: io.StringIO | None = None) -> tuple[Machine, str]:
    shutil.copy(BIN / width / "dll_plus.dll", root / "dll_plus.dll")
    shutil.copy(BIN / OTHER[width] / "dll_plus.dll", root / "dll_other.dll")
    streams = StdStreams(io.BytesIO(), io.BytesIO(), io.BytesIO())
    tracer = Tracer(JsonlSink(trace)) if trace is not None else None
    machine = Machine(BIN / width / "loadlib.exe", list(commands), root=root, streams=streams, tracer=tracer)
    outcome = machine.run(timeout=60)
    out = streams.stdout.getvalue().decode()
    assert outcome.exit_status == 0, out
    machine.process.memory.check()
    return machine, out


def images(machine: Machine) -> dict[str, int]:
    """The image regions of the address space: name -> base."""
    return {r.name: r.base for r in machine.process.memory.regions() if r.type == MemType.IMAGE}


# ---- the lists process creation writes ----------------------------------------------------------------------

def test_both_pebs_of_a_wow64_process_list_the_modules_of_their_width(tmp_path: Path) -> None:
    streams = StdStreams(io.BytesIO(), io.BytesIO(), io.BytesIO())
    c = create_process(System(tmp_path, streams), BIN / "x86" / "loadlib.exe", [])
    lists32 = [[e.path for e in module_list(c, 32, which)] for which in range(3)]
    syswow64 = ["C:\\Windows\\SysWOW64\\ntdll.dll", "C:\\Windows\\SysWOW64\\kernel32.dll"]
    assert lists32 == [["C:\\loadlib.exe", *syswow64], ["C:\\loadlib.exe", *syswow64], syswow64]
    system64 = [f"C:\\Windows\\System32\\{n}.dll" for n in ("ntdll", "wow64", "wow64win", "wow64cpu")]
    assert [e.path for e in module_list(c, 64)] == ["C:\\loadlib.exe", *system64]
    for entry in module_list(c, 32) + module_list(c, 64):
        module = next(m for m in c.modules if m.base == entry.base)
        assert (entry.size, entry.count) == (module.image.size_of_image, ldrdata.PINNED)
        assert entry.path.endswith("\\" + entry.base_name)
        assert bool(entry.flags & ldrdata.LDRP_IMAGE_DLL) == module.image.is_dll


def test_a_native_process_has_one_list(tmp_path: Path) -> None:
    streams = StdStreams(io.BytesIO(), io.BytesIO(), io.BytesIO())
    c = create_process(System(tmp_path, streams), BIN / "x64" / "loadlib.exe", [])
    assert c.peb32 == 0
    assert [e.base_name for e in module_list(c, 64)] == ["loadlib.exe", "ntdll.dll", "kernel32.dll"]


def test_the_layouts_are_windows_10s() -> None:
    assert (ldrdata.LDR_DATA32.size, ldrdata.LDR_DATA64.size) == (0x30, 0x58)
    assert (ldrdata.LDR_ENTRY32.size, ldrdata.LDR_ENTRY64.size) == (0xA8, 0x120)
    assert (ldrdata.LDR_ENTRY32.full_dll_name, ldrdata.LDR_ENTRY64.full_dll_name) == (0x24, 0x48)
    assert (ldrdata.LDR_ENTRY32.load_reason, ldrdata.LDR_ENTRY64.load_reason) == (0x94, 0x10C)


# ---- LoadLibrary and FreeLibrary --------------------------------------------------------------------------

@pytest.mark.parametrize("width", WIDTHS)
def test_load_library_maps_the_dll_and_lists_it(width: str, tmp_path: Path) -> None:
    machine, out = run(width, tmp_path, "load:dll_plus.dll")
    # The DLL stays loaded: ExitProcess detaches it (LdrShutdownProcess).
    assert out == "dll_plus: attach dll_plus.dll\nload dll_plus.dll: ok\ndll_plus: detach dll_plus.dll\n"
    base = images(machine)["C:\\dll_plus.dll"]
    entry = own_list(machine)[-1]
    assert entry.path == "C:\\dll_plus.dll" and entry.base_name == "dll_plus.dll" and entry.base == base
    assert (entry.flags, entry.count, entry.reason) == (LOADED_DLL, 1, DYNAMIC_LOAD)
    assert machine.process.memory.region_at(base).size == (entry.size + 0xFFF) & ~0xFFF
    assert own_list(machine, 1)[-1] == entry and own_list(machine, 2)[-1] == entry


@pytest.mark.parametrize("width", WIDTHS)
def test_dll_main_runs_once_and_loads_count(width: str, tmp_path: Path) -> None:
    machine, out = run(width, tmp_path, "load:dll_plus.dll", "load:DLL_PLUS", "attaches:dll_plus.dll",
                       "free:dll_plus.dll")
    assert out.count("dll_plus: attach") == 1 and "attaches dll_plus.dll=1\n" in out
    assert out.count("detach") == 1 and out.endswith("free dll_plus.dll: ok\ndll_plus: detach dll_plus.dll\n")
    assert own_list(machine)[-1].count == 1
    assert "C:\\dll_plus.dll" in images(machine)


@pytest.mark.parametrize("width", WIDTHS)
def test_the_last_free_library_detaches_and_unmaps(width: str, tmp_path: Path) -> None:
    machine, out = run(width, tmp_path, "load:dll_plus.dll", "free:dll_plus.dll", "free:dll_plus.dll")
    assert out == ("dll_plus: attach dll_plus.dll\nload dll_plus.dll: ok\ndll_plus: detach dll_plus.dll\n"
                   "free dll_plus.dll: ok\nfree dll_plus.dll: failed error=126\n")
    assert "C:\\dll_plus.dll" not in images(machine)
    assert [e.base_name for e in own_list(machine)] == ["loadlib.exe", "ntdll.dll", "kernel32.dll"]
    assert [e.base_name for e in own_list(machine, 2)] == ["ntdll.dll", "kernel32.dll"]


def test_dependencies_are_loaded_and_released_with_the_dll(tmp_path: Path) -> None:
    # wow64cpu.dll imports wow64.dll; in a native process neither is loaded at start-up.
    machine, out = run("x64", tmp_path, "load:wow64cpu.dll")
    assert out == "load wow64cpu.dll: ok\n"
    wow64cpu, wow64 = own_list(machine)[-2:]  # in load order a DLL comes before the DLLs it imports
    assert (wow64.path, wow64.count, wow64.reason) == ("C:\\Windows\\System32\\wow64.dll", 1, 0)
    assert (wow64cpu.base_name, wow64cpu.count, wow64cpu.reason) == ("wow64cpu.dll", 1, DYNAMIC_LOAD)
    assert [e.base_name for e in own_list(machine, 2)][-2:] == ["wow64.dll", "wow64cpu.dll"]
    machine, out = run("x64", tmp_path, "load:wow64cpu.dll", "free:wow64cpu.dll")
    assert not {"C:\\Windows\\System32\\wow64.dll", "C:\\Windows\\System32\\wow64cpu.dll"} & set(images(machine))
    assert [e.base_name for e in own_list(machine)] == ["loadlib.exe", "ntdll.dll", "kernel32.dll"]


def test_a_bare_name_is_searched_for_in_the_system_folder_of_the_width(tmp_path: Path) -> None:
    machine, out = run("x64", tmp_path, "load:wow64.dll")
    assert out == "load wow64.dll: ok\n" and own_list(machine)[-1].path == "C:\\Windows\\System32\\wow64.dll"
    _, out = run("x86", tmp_path, "load:wow64.dll")
    assert out == "load wow64.dll: failed error=126\n"  # not in SysWOW64


# ---- the other width --------------------------------------------------------------------------------------

def kernel_events(trace: io.StringIO, name: str) -> list[dict]:
    return [e for e in map(json.loads, trace.getvalue().splitlines()) if e["layer"] == "kernel"
            and e.get("name") == name]


def test_a_wow64_process_refuses_a_64_bit_dll_and_the_trace_says_why(tmp_path: Path,
                                                                     caplog: pytest.LogCaptureFixture) -> None:
    trace = io.StringIO()
    with caplog.at_level(logging.WARNING):
        machine, out = run("x86", tmp_path, "load:dll_other.dll", trace=trace)
    assert out == "load dll_other.dll: failed error=193\n"
    (refused,) = kernel_events(trace, "NtMapViewOfSection")
    assert refused["status"] == 0xC000007B
    assert "NtMapViewOfSection -> STATUS_INVALID_IMAGE_FORMAT" in refused["text"]
    assert "(Section (image C:\\dll_other.dll: 64-bit AMD64))" in refused["text"]
    assert "C:\\dll_other.dll is a 64-bit image" in caplog.text
    assert "C:\\dll_other.dll" not in images(machine) and len(own_list(machine)) == 3


def test_a_wow64_process_refuses_even_the_systems_64_bit_dlls(tmp_path: Path) -> None:
    trace = io.StringIO()
    # Sysnative: System32 itself would be redirected to SysWOW64, which has no wow64cpu.dll
    machine, out = run("x86", tmp_path, "load:C:\\Windows\\Sysnative\\wow64cpu.dll", trace=trace)
    assert out == "load C:\\Windows\\Sysnative\\wow64cpu.dll: failed error=193\n"
    # The kernel maps one of the four (with a warning status); the 32-bit loader takes it back.
    assert [e["status"] for e in kernel_events(trace, "NtMapViewOfSection")] == [0x4000000E]
    assert [e["status"] for e in kernel_events(trace, "NtUnmapViewOfSection")] == [0]
    assert list(images(machine).values()).count(0x77B80000) == 1  # the start-up's wow64cpu, alone


def test_a_64_bit_process_refuses_a_32_bit_dll(tmp_path: Path) -> None:
    trace = io.StringIO()
    machine, out = run("x64", tmp_path, "load:dll_other.dll", trace=trace)
    assert out == "load dll_other.dll: failed error=193\n"
    (mapped,) = kernel_events(trace, "NtMapViewOfSection")
    assert "STATUS_IMAGE_MACHINE_TYPE_MISMATCH" in mapped["text"] and "32-bit i386" in mapped["text"]
    assert [e["status"] for e in kernel_events(trace, "NtUnmapViewOfSection")] == [0]
    assert "C:\\dll_other.dll" not in images(machine)


@pytest.mark.parametrize("width", WIDTHS)
def test_api_set_names_are_resolved_by_the_schema_in_the_peb(width: str, tmp_path: Path) -> None:
    # The schema's contracts stand for their host (kernel32 and ntdll, loaded already: no module is added), in any
    # case and version; a level or name the schema lacks is no DLL, even with a file of that name in the folder.
    shutil.copy(BIN / width / "dll_plus.dll", tmp_path / "api-ms-win-core-synch-l9-9-0.dll")
    machine, out = run(width, tmp_path, "load:api-ms-win-core-synch-l1-2-0.dll", "load:API-MS-WIN-CORE-SYNCH-L1-2-1",
                       "free:api-ms-win-core-synch-l1-2-0", "load:api-ms-win-core-rtlsupport-l1-2-0",
                       "load:api-ms-win-core-synch-l9-9-0.dll", "load:ext-ms-win-nothing-l1-1-0",
                       "load:api-ms-win-crt-heap-l1-1-0.dll")
    assert out == ("load api-ms-win-core-synch-l1-2-0.dll: ok\nload API-MS-WIN-CORE-SYNCH-L1-2-1: ok\n"
                   "free api-ms-win-core-synch-l1-2-0: ok\nload api-ms-win-core-rtlsupport-l1-2-0: ok\n"
                   "load api-ms-win-core-synch-l9-9-0.dll: failed error=126\n"
                   "load ext-ms-win-nothing-l1-1-0: failed error=126\n"
                   "load api-ms-win-crt-heap-l1-1-0.dll: ok\n")
    # The C runtime's contract is ucrtbase.dll's, which the load added.
    assert [e.base_name for e in own_list(machine)] == ["loadlib.exe", "ntdll.dll", "kernel32.dll", "ucrtbase.dll"]
