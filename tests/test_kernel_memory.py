"""Virtual memory services, called as the 64-bit kernel entry calls them: statuses, rounding, outputs, mappings."""

import pytest
from unicorn import UcError

from tests.conftest import SCRATCH, KernelRig
from wow64emu.emu.kernel.handles import CURRENT_PROCESS
from wow64emu.emu.kernel.memory import zero_bits_limit
from wow64emu.emu.memory import MemState, Prot
from wow64emu.emu.status import NTSTATUS

BASE = SCRATCH + 0x100  # PVOID in/out
SIZE = SCRATCH + 0x108  # SIZE_T in/out
MEM_COMMIT, MEM_RESERVE, MEM_TOP_DOWN, MEM_DECOMMIT, MEM_RELEASE = 0x1000, 0x2000, 0x100000, 0x4000, 0x8000


def alloc(k: KernelRig, base: int, size: int, kind: int = MEM_COMMIT | MEM_RESERVE, prot: int = Prot.READWRITE,
          zero_bits: int = 0) -> int:
    k.put_u64(BASE, base)
    k.put_u64(SIZE, size)
    return k.call("NtAllocateVirtualMemory", CURRENT_PROCESS, BASE, zero_bits, SIZE, kind, prot)


def free(k: KernelRig, base: int, size: int, kind: int) -> int:
    k.put_u64(BASE, base)
    k.put_u64(SIZE, size)
    return k.call("NtFreeVirtualMemory", CURRENT_PROCESS, BASE, SIZE, kind)


def test_reserve_and_commit_rounds_and_maps_real_memory(kernel: KernelRig) -> None:
    assert alloc(kernel, 0, 0x1234) == NTSTATUS.SUCCESS
    base, size = kernel.u64(BASE), kernel.u64(SIZE)
    assert base % 0x10000 == 0 and size == 0x2000
    kernel.process.uc.mem_write(base + 0x1FFF, b"\x7f")  # committed: the CPU can write it
    assert bytes(kernel.process.uc.mem_read(base + 0x1FFF, 1)) == b"\x7f"
    info = kernel.process.memory.query(base)
    assert (info.state, info.protect, info.size) == (MemState.COMMIT, Prot.READWRITE, 0x2000)


def test_reserved_pages_are_not_mapped_until_committed(kernel: KernelRig) -> None:
    assert alloc(kernel, 0, 0x10000, MEM_RESERVE) == NTSTATUS.SUCCESS
    base = kernel.u64(BASE)
    with pytest.raises(UcError):
        kernel.process.uc.mem_read(base, 1)
    assert alloc(kernel, base + 0x3010, 0x10, MEM_COMMIT) == NTSTATUS.SUCCESS
    assert (kernel.u64(BASE), kernel.u64(SIZE)) == (base + 0x3000, 0x1000)
    assert kernel.process.memory.query(base).state == MemState.RESERVE
    assert kernel.process.memory.query(base + 0x3000).state == MemState.COMMIT


def test_a_requested_base_that_is_taken_conflicts(kernel: KernelRig) -> None:
    assert alloc(kernel, 0x200000, 0x1000) == NTSTATUS.SUCCESS
    assert kernel.u64(BASE) == 0x200000
    assert alloc(kernel, 0x200000, 0x1000) == NTSTATUS.CONFLICTING_ADDRESSES


def test_commit_outside_any_reservation_conflicts(kernel: KernelRig) -> None:
    assert alloc(kernel, 0x30000000, 0x1000, MEM_COMMIT) == NTSTATUS.CONFLICTING_ADDRESSES


def test_zero_bits_mask_keeps_allocation_low_and_top_down_goes_high(kernel: KernelRig) -> None:
    assert alloc(kernel, 0, 0x1000, MEM_COMMIT | MEM_RESERVE | MEM_TOP_DOWN, zero_bits=0x7FFFFFFF) == 0
    base = kernel.u64(BASE)
    assert 0x70000000 < base < 0x7FFFFFFF
    assert zero_bits_limit(1) == 0x7FFFFFFF and zero_bits_limit(0xFFFFFFFF) == 0xFFFFFFFF


@pytest.mark.parametrize(("size", "kind", "prot", "status"), [
    (0, MEM_COMMIT, Prot.READWRITE, NTSTATUS.INVALID_PARAMETER_4),
    (0x1000, 0x40, Prot.READWRITE, NTSTATUS.INVALID_PARAMETER_5),
    (0x1000, MEM_COMMIT, 0x3, NTSTATUS.INVALID_PAGE_PROTECTION),
])
def test_bad_arguments_give_windows_statuses(kernel: KernelRig, size: int, kind: int, prot: int,
                                             status: int) -> None:
    assert alloc(kernel, 0, size, kind, prot) == status


def test_bad_pointer_and_bad_process_handle(kernel: KernelRig) -> None:
    assert kernel.call("NtAllocateVirtualMemory", CURRENT_PROCESS, 0xDEAD0000, 0, SIZE, MEM_COMMIT,
                       Prot.READWRITE) == NTSTATUS.ACCESS_VIOLATION
    assert kernel.call("NtAllocateVirtualMemory", 0x44, BASE, 0, SIZE, MEM_COMMIT,
                       Prot.READWRITE) == NTSTATUS.INVALID_HANDLE


def test_release_and_decommit(kernel: KernelRig) -> None:
    alloc(kernel, 0, 0x4000)
    base = kernel.u64(BASE)
    assert free(kernel, base + 0x1000, 0x1000, MEM_DECOMMIT) == NTSTATUS.SUCCESS
    assert kernel.process.memory.query(base + 0x1000).state == MemState.RESERVE
    with pytest.raises(UcError):
        kernel.process.uc.mem_read(base + 0x1000, 1)
    assert free(kernel, base + 0x1000, 0, MEM_RELEASE) == NTSTATUS.FREE_VM_NOT_AT_BASE
    assert free(kernel, base, 0, MEM_RELEASE) == NTSTATUS.SUCCESS
    assert (kernel.u64(BASE), kernel.u64(SIZE)) == (base, 0x4000)
    assert kernel.process.memory.query(base).state == MemState.FREE
    assert free(kernel, base, 0, MEM_RELEASE) == NTSTATUS.MEMORY_NOT_ALLOCATED
    assert free(kernel, base, 0, 0x3) == NTSTATUS.INVALID_PARAMETER_4
