"""The entry points of the DLLs a program imports statically, in both widths: DLL_PROCESS_ATTACH before the
program's entry point in initialisation order (guest/ntdll/ldrinit.c, from RtlUserThreadStart), the process ended
with STATUS_DLL_INIT_FAILED when one refuses, DLL_PROCESS_DETACH in the reverse order at the exit
(RtlExitUserProcess -> LdrShutdownProcess), and the program's folder searched first for its imports.

Fixtures (fixtures/src, built by guest/build.sh; fixtures/README.md): uses_dll_notify.exe imports dll_notify.dll,
whose DllMain prints "attach" and "detach" and refuses to attach when the program's argument is "fail";
uses_dll_outer.exe imports dll_outer.dll, which imports dll_inner.dll. The DLLs sit beside the programs in
fixtures/bin/{x86,x64}: nothing is copied into the C: drive.
"""

from __future__ import annotations

import io
import os
import shutil
import struct
from pathlib import Path

import pytest

from tests.drive import own_entries
from tests.test_loader_guest import module_list
from wow64emu.errors import BadImage
from wow64emu.kernel.console import StdStreams
from wow64emu.kernel.dirindex import INDEX
from wow64emu.kernel.system import System
from wow64emu.loader import ldrdata
from wow64emu.loader import structures as S
from wow64emu.loader.process import create_process
from wow64emu.machine import Machine
from wow64emu.nt.status import NTSTATUS

BIN = Path(__file__).resolve().parent.parent / "fixtures" / "bin"
WIDTHS = ["x86", "x64"]
STATIC_DLL = ldrdata.LDRP_IMAGE_DLL | ldrdata.LDRP_PROCESS_STATIC_IMPORT | ldrdata.LDRP_IN_LEGACY_LISTS
ATTACHED = STATIC_DLL | ldrdata.LDRP_ENTRY_PROCESSED | ldrdata.LDRP_PROCESS_ATTACH_CALLED
OUTER_LINES = ["dll_inner: attach static", "dll_outer: attach static, dll_inner attached=1",
               "main: outer_twice(21)=42", "dll_outer: detach exit", "dll_inner: detach exit"]


def machine_for(program: Path, *args: str, root: Path) -> tuple[Machine, StdStreams]:
    streams = StdStreams(io.BytesIO(), io.BytesIO(), io.BytesIO())
    return Machine(program, list(args), root=root, streams=streams), streams


def run(width: str, program: str, *args: str, root: Path, folder: Path | None = None) -> tuple[Machine, int, str]:
    """Run a program of fixtures/bin/WIDTH (or of `folder`) to its end."""
    machine, streams = machine_for((folder or BIN / width) / program, *args, root=root)
    outcome = machine.run(timeout=60)
    assert outcome.fault is None
    machine.process.memory.check()
    return machine, outcome.exit_status, streams.stdout.getvalue().decode()


def own_width(machine: Machine) -> int:
    return 32 if machine.process.wow64 else 64


def flags_by_name(machine: Machine, which: int = 0) -> dict[str, int]:
    return {e.base_name: e.flags for e in module_list(machine.created, own_width(machine), which)}


def test_the_fixtures_have_the_properties_under_test(tmp_path: Path) -> None:
    for width in WIDTHS:
        assert {"dll_notify.dll", "dll_outer.dll", "dll_inner.dll"} <= {p.name for p in (BIN / width).glob("*.dll")}
        c = create_process(System(tmp_path, StdStreams(io.BytesIO(), io.BytesIO(), io.BytesIO())),
                           BIN / width / "uses_dll_outer.exe", [])
        linker = c.linker32 if c.process.wow64 else c.linker64
        names = [m.name for m in linker.modules]
        # Loaded outer first (the program imports it), inner while binding it: load order is not the init order.
        assert names.index("dll_outer.dll") < names.index("dll_inner.dll")
        assert all(linker.module(n).entry for n in ("dll_outer.dll", "dll_inner.dll"))


# ---- attach before the entry point, detach at the exit -------------------------------------------------------

@pytest.mark.parametrize("width", WIDTHS)
def test_dll_main_attaches_before_main_and_detaches_at_exit_process(width: str, tmp_path: Path) -> None:
    machine, status, out = run(width, "uses_dll_notify.exe", root=tmp_path)
    assert (status, out) == (0, "attach\nmain\ndetach\n")  # "main": attached once, with a non-NULL lpReserved
    assert own_entries(tmp_path) == ["uses_dll_notify.exe"]  # the program's own file; no DLL


@pytest.mark.parametrize("width", WIDTHS)
def test_returning_from_the_entry_point_detaches_too(width: str, tmp_path: Path) -> None:
    # RtlUserThreadStart ends the process with RtlExitUserProcess(what the entry point returned).
    _, status, out = run(width, "uses_dll_notify.exe", "return", root=tmp_path)
    assert (status, out) == (3, "attach\nmain\ndetach\n")


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("how", ["fail", "crash"])  # FALSE, or an access violation the loader catches
def test_dll_main_returning_false_ends_the_process_with_dll_init_failed(width: str, how: str, tmp_path: Path) -> None:
    machine, status, out = run(width, "uses_dll_notify.exe", how, root=tmp_path)
    assert status == NTSTATUS.DLL_INIT_FAILED == 0xC0000142
    assert out == "attach\n"  # neither the program's entry point nor any detach ran
    flags = flags_by_name(machine)
    assert flags["dll_notify.dll"] == ATTACHED


@pytest.mark.parametrize("width", WIDTHS)
def test_the_dlls_are_attached_when_the_entry_point_starts(width: str, tmp_path: Path) -> None:
    machine, streams = machine_for(BIN / width / "uses_dll_notify.exe", root=tmp_path)
    before = flags_by_name(machine)
    assert before["dll_notify.dll"] == STATIC_DLL  # not processed yet: the guest's ntdll initialises it
    assert before["ntdll.dll"] & ldrdata.LDRP_ENTRY_PROCESSED
    assert machine.run(timeout=60, stop_at=machine.created.image.entry).exit_status is None
    assert streams.stdout.getvalue() == b"attach\n"
    after = flags_by_name(machine)
    assert after["dll_notify.dll"] == ATTACHED
    assert after["kernel32.dll"] == STATIC_DLL | ldrdata.LDRP_ENTRY_PROCESSED  # no entry point: not called
    assert not after["ntdll.dll"] & ldrdata.LDRP_PROCESS_ATTACH_CALLED
    assert after[machine.created.image.name] == before[machine.created.image.name]


# ---- the initialisation order --------------------------------------------------------------------------------

@pytest.mark.parametrize("width", WIDTHS)
def test_a_dependency_is_attached_first_and_detached_last(width: str, tmp_path: Path) -> None:
    machine, status, out = run(width, "uses_dll_outer.exe", root=tmp_path)
    assert (status, out.splitlines()) == (0, OUTER_LINES)
    init_order = [e.base_name for e in module_list(machine.created, own_width(machine), 2)]
    assert init_order == ["ntdll.dll", "kernel32.dll", "dll_inner.dll", "dll_outer.dll"]
    load_order = [e.base_name for e in module_list(machine.created, own_width(machine), 0)]
    assert load_order.index("dll_outer.dll") < load_order.index("dll_inner.dll")
    flags = flags_by_name(machine)
    assert flags["dll_inner.dll"] == flags["dll_outer.dll"] == ATTACHED


@pytest.mark.parametrize("width", WIDTHS)
def test_exit_marks_the_shutdown_in_peb_ldr_data(width: str, tmp_path: Path) -> None:
    machine, _, _ = run(width, "uses_dll_outer.exe", root=tmp_path)
    c = machine.created
    if machine.process.wow64:
        ldr = struct.unpack("<I", c.process.memory.peek(c.peb32 + S.PEB32.ldr, 4))[0]
        entry_in_progress, shutdown, thread = struct.unpack("<I?xxxI", c.process.memory.peek(ldr + 0x24, 12))
    else:
        ldr = struct.unpack("<Q", c.process.memory.peek(c.peb64 + S.PEB64.ldr, 8))[0]
        entry_in_progress, shutdown, thread = struct.unpack("<Q?7xQ", c.process.memory.peek(ldr + 0x40, 24))
    assert (entry_in_progress, shutdown, thread) == (0, True, machine.thread.tid)


def test_the_64bit_list_of_a_wow64_process_is_written_initialised(tmp_path: Path) -> None:
    machine, _ = machine_for(BIN / "x86" / "uses_dll_notify.exe", root=tmp_path)
    for entry in module_list(machine.created, 64):
        assert entry.flags & ldrdata.LDRP_ENTRY_PROCESSED, entry.base_name


# ---- where the DLLs are found, and the path the guest knows them by ---------------------------------------------

@pytest.mark.parametrize("width", WIDTHS)
def test_a_dll_beside_the_program_is_known_as_c_root_name(width: str, tmp_path: Path) -> None:
    machine, _ = machine_for(BIN / width / "uses_dll_outer.exe", root=tmp_path)
    c = machine.created
    paths = {e.base_name: e.path for e in module_list(c, own_width(machine))}
    assert paths["dll_outer.dll"] == "C:\\dll_outer.dll" and paths["dll_inner.dll"] == "C:\\dll_inner.dll"
    assert paths["uses_dll_outer.exe"] == "C:\\uses_dll_outer.exe"
    assert paths["kernel32.dll"] == f"C:\\Windows\\{'SysWOW64' if width == 'x86' else 'System32'}\\kernel32.dll"
    assert c.guest_path(str(BIN / width / "dll_inner.dll")) == "C:\\dll_inner.dll"
    assert "C:\\dll_outer.dll" in {row.name for row in c.vad_rows()}


@pytest.mark.parametrize("width", WIDTHS)
def test_the_program_folder_is_searched_first(width: str, tmp_path: Path) -> None:
    folder = tmp_path / "app"
    folder.mkdir()
    shutil.copy(BIN / width / "uses_dll_notify.exe", folder)
    with pytest.raises(BadImage, match="imports dll_notify.dll, which was not found"):
        machine_for(folder / "uses_dll_notify.exe", root=tmp_path)
    shutil.copy(BIN / width / "dll_notify.dll", folder / "DLL_NOTIFY.DLL")  # names compare case-insensitively
    root = tmp_path / "c"
    root.mkdir()
    _, status, out = run(width, "uses_dll_notify.exe", root=root, folder=folder)
    assert (status, out) == (0, "attach\nmain\ndetach\n")


@pytest.mark.parametrize("width", WIDTHS)
def test_each_folder_is_listed_once_whatever_the_number_of_imports(width: str, tmp_path: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    # uses_dll_outer.exe needs three DLLs (dll_outer, dll_inner, kernel32) from two folders: the program's folder,
    # which may hold thousands of files, is listed once at most (when a name is not there in its exact case), not
    # once per DLL looked for; never for kernel32, a known DLL.
    INDEX.clear()
    listed: list[str] = []
    real_scandir, real_listdir, real_iterdir = os.scandir, os.listdir, Path.iterdir
    monkeypatch.setattr(os, "scandir", lambda path=".": listed.append(str(path)) or real_scandir(path))
    monkeypatch.setattr(os, "listdir", lambda path=".": listed.append(str(path)) or real_listdir(path))
    monkeypatch.setattr(Path, "iterdir", lambda self: listed.append(str(self)) or real_iterdir(self))
    _, status, out = run(width, "uses_dll_outer.exe", root=tmp_path)
    assert (status, out.splitlines()) == (0, OUTER_LINES)
    program_folder = str(BIN / width)
    assert listed.count(program_folder) <= 1 and len(listed) == len(set(listed))


@pytest.mark.parametrize("width", WIDTHS)
def test_a_known_dll_comes_from_the_system_folder_whatever_the_programs_folder_holds(width: str,
                                                                                      tmp_path: Path) -> None:
    folder = tmp_path / "app"
    folder.mkdir()
    for name in ("uses_dll_outer.exe", "dll_outer.dll", "dll_inner.dll"):
        shutil.copy(BIN / width / name, folder / name)
    shutil.copy(BIN / width / "dll_plus.dll", folder / "KERNEL32.DLL")  # no kernel32: it lacks its exports
    machine, status, out = run(width, "uses_dll_outer.exe", root=tmp_path / "c", folder=folder)
    assert (status, out.splitlines()) == (0, OUTER_LINES)
    linker = machine.created.linker32 if machine.process.wow64 else machine.created.linker64
    assert Path(linker.module("kernel32.dll").path).parent.name == ("SysWOW64" if width == "x86" else "System32")
    assert Path(linker.module("dll_inner.dll").path).parent == folder


def importing(width: str, tmp_path: Path, dll: bytes) -> Path:
    """uses_dll_outer.exe, made to import `dll` in place of dll_outer.dll, as app/prog.exe; the folder."""
    folder = tmp_path / "app"
    folder.mkdir()
    program = bytearray((BIN / width / "uses_dll_outer.exe").read_bytes())
    at = program.index(b"dll_outer.dll\0")
    program[at:at + 14] = dll.ljust(14, b"\0")
    (folder / "prog.exe").write_bytes(program)
    return folder


@pytest.mark.parametrize("width", WIDTHS)
def test_a_known_dll_the_system_folder_lacks_is_searched_for_as_any_other(width: str, tmp_path: Path) -> None:
    """Windows makes \\KnownDlls of the known DLLs System32 holds; the sysroot holds no gdi32.dll, so one beside
    the program is the one loaded."""
    folder = importing(width, tmp_path, b"gdi32.dll")
    shutil.copy(BIN / width / "dll_outer.dll", folder / "gdi32.dll")
    shutil.copy(BIN / width / "dll_inner.dll", folder / "dll_inner.dll")
    _, status, out = run(width, "prog.exe", root=tmp_path / "c", folder=folder)
    assert (status, out.splitlines()) == (0, OUTER_LINES)


@pytest.mark.parametrize("width", WIDTHS)
def test_an_import_name_with_a_path_in_it_never_reaches_outside_the_folders(width: str, tmp_path: Path) -> None:
    folder = importing(width, tmp_path, b"../outer.dll")
    shutil.copy(BIN / width / "dll_outer.dll", tmp_path / "outer.dll")  # beside the program's folder, not in it
    with pytest.raises(BadImage, match=r"imports \.\./outer\.dll, which was not found"):
        run(width, "prog.exe", root=tmp_path / "c", folder=folder)


@pytest.mark.parametrize("width", WIDTHS)
def test_the_system_msvcrt_is_loaded_whatever_the_programs_folder_holds(width: str, tmp_path: Path) -> None:
    # msvcrt.dll is a known DLL the sysroot holds: one beside the program is passed over, and the system's lacks
    # the program's import.
    folder = importing(width, tmp_path, b"msvcrt.dll")
    shutil.copy(BIN / width / "dll_outer.dll", folder / "msvcrt.dll")
    shutil.copy(BIN / width / "dll_inner.dll", folder / "dll_inner.dll")
    with pytest.raises(BadImage, match=r"msvcrt\.dll!outer_twice: procedure not found"):
        run(width, "prog.exe", root=tmp_path / "c", folder=folder)
