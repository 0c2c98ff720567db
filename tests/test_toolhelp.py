"""Seeing other processes (issue 13): the kernel's answers about another process (access rights, memory copied
across address spaces), its services called directly from one process about another."""

from __future__ import annotations

import struct
from pathlib import Path

import pytest

from tests.conftest import SCRATCH, KernelRig, kernel_rig, new_thread
from wow64emu.emu.memory import MemType, Prot
from wow64emu.kernel.handles import CURRENT_PROCESS
from wow64emu.kernel.processaccess import (
    PROCESS_QUERY_INFORMATION,
    PROCESS_QUERY_LIMITED_INFORMATION,
    PROCESS_VM_OPERATION,
    PROCESS_VM_READ,
    PROCESS_VM_WRITE,
    process_access,
)
from wow64emu.nt.process import ProcessDefaultHardErrorMode, ProcessImageFileNameWin32
from wow64emu.nt.status import NTSTATUS

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
