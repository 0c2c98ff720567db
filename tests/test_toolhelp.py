"""Seeing other processes (issue 13): Toolhelp snapshots, the psapi functions, image names, the width rules, and
the kernel's answers about another process (access rights, memory copied across address spaces, PEB32s).

The guest part runs fixtures/src/toolhelp.c (both widths) in a System that also holds a second process, made by
process creation but left suspended (as CreateProcess with CREATE_SUSPENDED leaves one): sleeper.exe of either
width. Its output is held line for line against what the kernel knows of both processes (ids, PEBs, image base,
the module lists process creation wrote). The kernel part calls the services directly from one process about
another.
"""

from __future__ import annotations

import io
import struct
from pathlib import Path, PureWindowsPath

import pytest

from tests.conftest import SCRATCH, KernelRig, kernel_rig, new_thread
from wow64emu.emu.memory import MemType, Prot
from wow64emu.kernel.console import StdStreams
from wow64emu.kernel.handles import CURRENT_PROCESS
from wow64emu.kernel.processaccess import (
    PROCESS_QUERY_INFORMATION,
    PROCESS_QUERY_LIMITED_INFORMATION,
    PROCESS_VM_OPERATION,
    PROCESS_VM_READ,
    PROCESS_VM_WRITE,
    process_access,
)
from wow64emu.kernel.sysinfo import process_entries
from wow64emu.loader.process import CreatedProcess, create_process
from wow64emu.machine import Machine
from wow64emu.nt.process import ProcessDefaultHardErrorMode, ProcessImageFileNameWin32
from wow64emu.nt.status import NTSTATUS

BIN = Path(__file__).resolve().parent.parent / "fixtures" / "bin"
WIDTHS = ["x86", "x64"]
NATIVE_PATH = "\\Device\\HarddiskVolume3\\sleeper.exe"
KUSER_SHARED_DATA = 0x7FFE0000
ERROR_NO_MORE_FILES, ERROR_BAD_LENGTH, ERROR_PARTIAL_COPY = 18, 24, 299


# ---- the guest's view --------------------------------------------------------------------------------------

def module_list(c: CreatedProcess, width: int) -> list[tuple[int, int, str]]:
    """(base, size, guest path) of one width's loader list, in load order, as process creation wrote it."""
    linker = c.linker32 if width == 32 else c.linker64
    if linker is None:
        return []
    return [(m.base, m.image.size_of_image, c.guest_path(m.path))
            for m in [c.image, *(m for m in linker.modules if m is not c.image)]]


def module_lines(modules: list[tuple[int, int, str]], pid: int) -> list[str]:
    return [f"  module: 0x{base:x} size 0x{size:x} pid {pid} usage 0xffff {PureWindowsPath(path).name} {path}"
            for base, size, path in modules]


def snapshot_block(key: str, modules: list[tuple[int, int, str]] | None, pid: int) -> list[str]:
    """A snapshot of modules: its lines, or its failure with ERROR_PARTIAL_COPY (None)."""
    if modules is None:
        return [f"{key}: failed error={ERROR_PARTIAL_COPY}"]
    return [f"{key}: ok", *module_lines(modules, pid), f"  after the last module, error: {ERROR_NO_MORE_FILES}",
            f"  Module32FirstW with dwSize 8: failed error={ERROR_BAD_LENGTH}"]


def enum_block(key: str, modules: list[tuple[int, int, str]] | None) -> list[str]:
    if modules is None:
        return [f"{key}: failed error={ERROR_PARTIAL_COPY}", "  modules: 0"]
    return [f"{key}: ok", f"  modules: {len(modules)}", *(f"  base: 0x{base:x}" for base, _, _ in modules)]


def names_block(module: tuple[int, int, str] | None) -> list[str]:
    if module is None:
        return ["  K32GetModuleBaseNameW: 0", "    name: ", "  K32GetModuleFileNameExW: 0", "    name: ",
                "  K32GetModuleFileNameExA: 0", "    name: "]
    path = module[2]
    name = PureWindowsPath(path).name
    return [f"  K32GetModuleBaseNameW: {len(name)}", f"    name: {name}", f"  K32GetModuleFileNameExW: {len(path)}",
            f"    name: {path}", f"  K32GetModuleFileNameExA: {len(path)}", f"    name: {path}"]


def expected_output(machine: Machine, other: CreatedProcess, caller: str, target: str) -> list[str]:
    """What toolhelp.exe must print, from what the kernel knows before it runs."""
    me, it = machine.process, other.process
    pointer = 4 if caller == "x86" else 8
    processes = process_entries(machine.system)
    lines = [f"self: {me.pid}", "snapshot of processes and threads: ok"]
    for entry in processes:
        name = entry.name or "[System Process]"
        lines.append(f"process: {entry.fields['UniqueProcessId']} parent {entry.fields['InheritedFromUniqueProcessId']}"
                     f" threads {len(entry.threads)} priority {entry.fields['BasePriority']} name {name}")
    lines += [f"after the last process, error: {ERROR_NO_MORE_FILES}", "Process32First (ANSI): ok",
              "its name: [System Process]", f"Process32Next with a short dwSize: failed error={ERROR_BAD_LENGTH}"]
    lines += [f"thread: {t.tid} priority {t.base_priority}" for t in it.live]
    lines += [f"after the last thread, error: {ERROR_NO_MORE_FILES}",
              f"Thread32First in a snapshot of processes only: failed error={ERROR_NO_MORE_FILES}",
              "Process32FirstW of a closed snapshot: failed error=6",
              f"other: {it.pid}",
              "K32EnumProcesses: ok", f"  processes: {len(processes)}", "  first: 0", "  second: 4",
              "  the other listed: 1", "  this one listed: 1", "K32EnumProcesses into 2 ids: ok", "  needed: 8"]
    lines += ["OpenProcess limited: ok", f"GetProcessId: {it.pid}",
              "QueryFullProcessImageNameW: ok", "  name: C:\\sleeper.exe", "  size: 14",
              "QueryFullProcessImageNameW native: ok", f"  name: {NATIVE_PATH}",
              "QueryFullProcessImageNameA: ok", "  name: C:\\sleeper.exe",
              "QueryFullProcessImageNameW into 4 characters: failed error=122",
              "QueryFullProcessImageNameW flags 2: failed error=87",
              f"K32GetProcessImageFileNameW: {len(NATIVE_PATH)}", f"  name: {NATIVE_PATH}",
              f"K32GetProcessImageFileNameA: {len(NATIVE_PATH)}", f"  name: {NATIVE_PATH}",
              "K32GetProcessImageFileNameW into 4 characters: 0", "  error: 122",
              "IsWow64Process: ok", f"  wow64: {int(it.wow64)}",
              "IsWow64Process2: ok", f"  process machine: 0x{0x14C if it.wow64 else 0:x}", "  native machine: 0x8664",
              "ReadProcessMemory without PROCESS_VM_READ: failed error=5", "  read: 0"]
    # A 32-bit caller sees the PEB32 of a WoW64 process, and no PEB of a 64-bit one (wow64's answer).
    peb = it.peb64 if caller == "x64" else it.peb32
    lines += ["OpenProcess for its memory: ok", "ProcessBasicInformation: 0x0", f"  PebBaseAddress: 0x{peb:x}",
              f"  UniqueProcessId: {it.pid}", "ProcessWow64Information: 0x0", f"  PEB32: 0x{it.peb32:x}"]
    if peb:
        lines += ["ReadProcessMemory of the image base: ok", f"  image base: 0x{it.image_base:x}",
                  f"  read: {pointer}"]
    else:
        lines += [f"ReadProcessMemory of the image base: failed error={ERROR_PARTIAL_COPY}", "  image base: 0x0",
                  "  read: 0"]
    lines += [f"ReadProcessMemory across the end of KUSER_SHARED_DATA: failed error={ERROR_PARTIAL_COPY}",
              "  read: 16", "WriteProcessMemory into KUSER_SHARED_DATA: failed error=998", "  written: 0"]
    if peb:
        lines += ["ReadProcessMemory of the PEB's page: ok", "WriteProcessMemory of the page, complemented: ok",
                  "  written: 4096", "  read back the same: 1", "  restored: 1"]
    # Module lists: the caller's width; a 32-bit caller has none of a 64-bit process.
    own = module_list(other, 64 if caller == "x64" else 32) if caller == "x64" or it.wow64 else None
    lines += snapshot_block("snapshot of its modules", own, it.pid)
    if caller == "x64":
        lists32, lists64 = module_list(other, 32), module_list(other, 64)
        lines += snapshot_block("snapshot of its 32-bit modules", lists32, it.pid)
        lines += snapshot_block("snapshot of all its modules", lists64 + lists32, it.pid)
        lines += enum_block("K32EnumProcessModulesEx 32-bit", lists32)
        lines += enum_block("K32EnumProcessModulesEx all", lists64 + lists32)
        lines += ["K32EnumProcessModulesEx filter 4: failed error=87"]
    lines += enum_block("K32EnumProcessModules", own)
    if own is None:
        lines += [f"K32EnumProcessModules into 2: failed error={ERROR_PARTIAL_COPY}", "  needed: 0"]
    else:
        lines += ["K32EnumProcessModules into 2: ok", f"  needed: {len(own) * pointer}"]
    lines += ["names of its image: ", *names_block(own[0] if own else None)]
    if own:
        lines += ["names of its second module: ", *names_block(own[1])]
    lines += ["K32GetModuleBaseNameW of no module: 0", f"  error: {6 if own is not None else ERROR_PARTIAL_COPY}"]
    lines += snapshot_block("snapshot of this process's modules",
                            module_list(machine.created, 64 if caller == "x64" else 32), me.pid)
    lines += ["snapshot of System's modules: failed error=5",
              "snapshot of the modules of no process: failed error=87"]
    return lines


def run_against(caller: str, target: str, root: Path) -> tuple[list[str], list[str]]:
    streams = StdStreams(io.BytesIO(), io.BytesIO(), io.BytesIO())
    machine = Machine(BIN / caller / "toolhelp.exe", ["sleeper.exe"], root=root, streams=streams,
                      wait_children=False)  # the run ends with toolhelp.exe: the other is no child of it
    other = create_process(machine.system, BIN / target / "sleeper.exe", [])
    other.thread.suspend_count = 1  # it exists and is never run, as a process created suspended
    expected = expected_output(machine, other, caller, target)
    peb_page = other.process.memory.peek(other.process.peb64, 0x1000)
    outcome = machine.run(timeout=120)
    assert outcome.fault is None and outcome.exit_status == 0
    assert other.process.memory.peek(other.process.peb64, 0x1000) == peb_page  # written, then restored
    return streams.stdout.getvalue().decode().splitlines(), expected


@pytest.mark.parametrize("target", WIDTHS)
@pytest.mark.parametrize("caller", WIDTHS)
def test_a_process_sees_another_as_windows_shows_it(caller: str, target: str, tmp_path: Path) -> None:
    lines, expected = run_against(caller, target, tmp_path)
    assert lines == expected


# ---- the kernel's answers about another process ------------------------------------------------------------

HANDLE_OUT, BUF, COUNT, CID, OA = SCRATCH, SCRATCH + 0x100, SCRATCH + 0x10, SCRATCH + 0x20, SCRATCH + 0x40
OTHER_PAGE = 0x5000_0000


@pytest.fixture
def two(tmp_path: Path) -> tuple[KernelRig, KernelRig]:
    """Two processes of one System, each with a thread and a scratch page; the second has a page with data."""
    first = kernel_rig(tmp_path)
    second = KernelRig(new_thread(first.system, wow64=False))
    second.process.memory.map_committed(OTHER_PAGE, 0x1000, MemType.PRIVATE, Prot.READWRITE, "data")
    second.process.memory.poke(OTHER_PAGE + 0xFF0, bytes(range(16)))
    return first, second


def open_process(k: KernelRig, pid: int, access: int) -> tuple[int, int]:
    memory = k.process.memory
    memory.poke(CID, struct.pack("<QQ", pid, 0))
    memory.poke(OA, struct.pack("<IIQQIIQQ", 48, 0, 0, 0, 0, 0, 0, 0))
    status = k.call("NtOpenProcess", HANDLE_OUT, access, OA, CID)
    return status, k.u64(HANDLE_OUT)


def test_a_handle_grants_what_was_asked_and_the_limited_rights_that_come_with_it() -> None:
    assert process_access(PROCESS_QUERY_INFORMATION) == PROCESS_QUERY_INFORMATION | PROCESS_QUERY_LIMITED_INFORMATION
    assert process_access(PROCESS_VM_READ) == PROCESS_VM_READ
    assert process_access(0x02000000) == 0x001FFFFF  # MAXIMUM_ALLOWED: every right of the type


def test_reading_and_writing_another_process_needs_its_rights(two: tuple[KernelRig, KernelRig]) -> None:
    first, second = two
    status, limited = open_process(first, second.process.pid, PROCESS_QUERY_LIMITED_INFORMATION)
    assert status == NTSTATUS.SUCCESS
    assert first.call("NtReadVirtualMemory", limited, OTHER_PAGE, BUF, 4, COUNT) == NTSTATUS.ACCESS_DENIED
    assert first.call("NtWriteVirtualMemory", limited, OTHER_PAGE, BUF, 4, COUNT) == NTSTATUS.ACCESS_DENIED
    assert first.call("NtTerminateProcess", limited, 1) == NTSTATUS.ACCESS_DENIED
    assert second.process.exit_status is None
    assert first.call("NtQueryVirtualMemory", limited, OTHER_PAGE, 0, BUF, 48, 0) == NTSTATUS.ACCESS_DENIED
    assert first.call("NtQueryInformationProcess", limited, ProcessImageFileNameWin32, BUF, 0x200, 0) == \
        NTSTATUS.SUCCESS
    assert first.call("NtQueryInformationProcess", limited, ProcessDefaultHardErrorMode, BUF, 4, 0) == \
        NTSTATUS.ACCESS_DENIED

    status, handle = open_process(first, second.process.pid, PROCESS_VM_READ | PROCESS_VM_WRITE |
                                  PROCESS_VM_OPERATION | PROCESS_QUERY_INFORMATION)
    assert status == NTSTATUS.SUCCESS
    assert first.call("NtReadVirtualMemory", handle, OTHER_PAGE + 0xFF0, BUF, 16, COUNT) == NTSTATUS.SUCCESS
    assert first.process.memory.peek(BUF, 16) == bytes(range(16)) and first.u64(COUNT) == 16
    # The other side stops at its first page that cannot be read: the count done, STATUS_PARTIAL_COPY.
    assert first.call("NtReadVirtualMemory", handle, OTHER_PAGE + 0xFF8, BUF, 16, COUNT) == NTSTATUS.PARTIAL_COPY
    assert first.u64(COUNT) == 8
    first.process.memory.poke(BUF, b"written!")
    assert first.call("NtWriteVirtualMemory", handle, OTHER_PAGE, BUF, 8, COUNT) == NTSTATUS.SUCCESS
    assert second.process.memory.peek(OTHER_PAGE, 8) == b"written!"
    assert first.process.memory.region_at(OTHER_PAGE) is None  # the other's address space, not the caller's
    assert first.call("NtQueryVirtualMemory", handle, OTHER_PAGE, 0, BUF, 48, 0) == NTSTATUS.SUCCESS
    assert struct.unpack_from("<QQ", first.process.memory.peek(BUF, 16)) == (OTHER_PAGE, OTHER_PAGE)
    old = BUF + 0x80
    first.put_u64(BUF + 0x60, OTHER_PAGE)
    first.put_u64(BUF + 0x68, 0x1000)
    assert first.call("NtProtectVirtualMemory", handle, BUF + 0x60, BUF + 0x68, Prot.READONLY, old) == \
        NTSTATUS.SUCCESS
    assert second.process.memory.query(OTHER_PAGE).protect == Prot.READONLY
    assert first.call("NtWriteVirtualMemory", handle, OTHER_PAGE, BUF, 8, COUNT) == NTSTATUS.PARTIAL_COPY


def test_allocating_and_freeing_in_another_process(two: tuple[KernelRig, KernelRig]) -> None:
    """VirtualAllocEx and VirtualFreeEx: the region is the other process's; the base and size come back to the
    caller; a handle without PROCESS_VM_OPERATION is refused."""
    first, second = two
    base, size = BUF + 0x60, BUF + 0x68
    _, limited = open_process(first, second.process.pid, PROCESS_QUERY_LIMITED_INFORMATION | PROCESS_VM_READ)
    first.put_u64(base, 0)
    first.put_u64(size, 0x3000)
    assert first.call("NtAllocateVirtualMemory", limited, base, 0, size, 0x3000, Prot.READWRITE) == \
        NTSTATUS.ACCESS_DENIED
    _, handle = open_process(first, second.process.pid, PROCESS_VM_OPERATION)
    assert first.call("NtAllocateVirtualMemory", handle, base, 0, size, 0x3000, Prot.READWRITE) == NTSTATUS.SUCCESS
    address = first.u64(base)
    assert first.u64(size) == 0x3000 and address % 0x10000 == 0
    assert second.process.memory.region_at(address) is not None and first.process.memory.region_at(address) is None
    first.put_u64(size, 0)
    assert first.call("NtFreeVirtualMemory", handle, base, size, 0x8000) == NTSTATUS.SUCCESS  # MEM_RELEASE
    assert second.process.memory.region_at(address) is None and first.u64(size) == 0x3000


def test_the_current_process_pseudo_handle_grants_every_right(kernel: KernelRig) -> None:
    kernel.process.memory.poke(BUF, b"abcd")
    assert kernel.call("NtReadVirtualMemory", CURRENT_PROCESS, BUF, BUF + 8, 4, COUNT) == NTSTATUS.SUCCESS
    assert kernel.process.memory.peek(BUF + 8, 4) == b"abcd"


def test_a_copy_larger_than_the_kernels_chunk_is_whole(two: tuple[KernelRig, KernelRig]) -> None:
    first, second = two
    size = 0x280010  # two and a half chunks and a bit
    pattern = bytes(range(251)) * (size // 251 + 1)
    second.process.memory.map_committed(0x6000_0000, 0x300000, MemType.PRIVATE, Prot.READWRITE, "big")
    second.process.memory.poke(0x6000_0000, pattern[:size])
    first.process.memory.map_committed(0x7000_0000, 0x300000, MemType.PRIVATE, Prot.READWRITE, "big")
    _, handle = open_process(first, second.process.pid, PROCESS_VM_READ)
    assert first.call("NtReadVirtualMemory", handle, 0x6000_0000, 0x7000_0000, size, COUNT) == NTSTATUS.SUCCESS
    assert first.u64(COUNT) == size and first.process.memory.peek(0x7000_0000, size) == pattern[:size]
