"""Virtual memory services, called as the 64-bit kernel entry calls them: statuses, rounding, outputs, mappings.

Outputs are filled with a sentinel first, so a test tells "written" from "left alone".
"""

import time
from pathlib import Path

import pytest

from tests.conftest import SCRATCH, KernelRig, new_thread
from wow64emu.emu.memory import MemState, MemType, Prot, SharedMemory
from wow64emu.errors import GuestBudgetExceeded, GuestFault
from wow64emu.kernel.handles import CURRENT_PROCESS, CURRENT_THREAD, HANDLE_CHARGE
from wow64emu.kernel.memory import zero_bits_limit
from wow64emu.nt import layouts as L
from wow64emu.nt.memory import MEMORY_BASIC_INFORMATION, SECTION_BASIC_INFORMATION
from wow64emu.nt.status import NTSTATUS

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
    kernel.process.memory.poke(base + 0x1FFF, b"\x7f")  # committed: the CPU can write it
    assert kernel.process.memory.peek(base + 0x1FFF, 1) == b"\x7f"
    info = kernel.process.memory.query(base)
    assert (info.state, info.protect, info.size) == (MemState.COMMIT, Prot.READWRITE, 0x2000)


def test_reserved_pages_are_not_mapped_until_committed(kernel: KernelRig) -> None:
    assert alloc(kernel, 0, 0x10000, MEM_RESERVE) == NTSTATUS.SUCCESS
    base = kernel.u64(BASE)
    with pytest.raises(GuestFault):
        kernel.process.memory.peek(base, 1)
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
    with pytest.raises(GuestFault):
        kernel.process.memory.peek(base + 0x1000, 1)
    assert free(kernel, base + 0x1000, 0, MEM_RELEASE) == NTSTATUS.FREE_VM_NOT_AT_BASE
    assert free(kernel, base, 0, MEM_RELEASE) == NTSTATUS.SUCCESS
    assert (kernel.u64(BASE), kernel.u64(SIZE)) == (base, 0x4000)
    assert kernel.process.memory.query(base).state == MemState.FREE
    assert free(kernel, base, 0, MEM_RELEASE) == NTSTATUS.MEMORY_NOT_ALLOCATED
    assert free(kernel, base, 0, 0x3) == NTSTATUS.INVALID_PARAMETER_4


# ---- NtProtectVirtualMemory ---------------------------------------------------------------------------------

OLD = SCRATCH + 0x110  # ULONG out
LENGTH = SCRATCH + 0x118  # SIZE_T out
INFO = SCRATCH + 0x200  # 64 bytes of output structure
BUF = SCRATCH + 0x300  # 256 bytes of data
SENTINEL = 0xDEADDEADDEADDEAD
RW, RO, RX, WC = Prot.READWRITE, Prot.READONLY, Prot.EXECUTE_READ, Prot.WRITECOPY


def protect(k: KernelRig, base: int, size: int, prot: int, old: int = OLD) -> int:
    k.put_u64(BASE, base)
    k.put_u64(SIZE, size)
    k.put_u64(OLD, SENTINEL)
    return k.call("NtProtectVirtualMemory", CURRENT_PROCESS, BASE, SIZE, prot, old)


def committed_run(k: KernelRig) -> int:
    """A 64 KB reservation whose pages 1 to 3 are committed read-write; returns its base."""
    assert alloc(k, 0, 0x10000, MEM_RESERVE) == NTSTATUS.SUCCESS
    base = k.u64(BASE)
    assert alloc(k, base + 0x1000, 0x3000, MEM_COMMIT) == NTSTATUS.SUCCESS
    return base


def test_protect_rounds_the_range_and_returns_the_first_page_protection(kernel: KernelRig) -> None:
    base = committed_run(kernel)
    assert protect(kernel, base + 0x2004, 0x10, RO) == NTSTATUS.SUCCESS
    assert (kernel.u64(BASE), kernel.u64(SIZE), kernel.u64(OLD) & 0xFFFFFFFF) == (base + 0x2000, 0x1000, RW)
    assert protect(kernel, base + 0x1000, 0x3000, Prot.NOACCESS) == NTSTATUS.SUCCESS
    assert kernel.u64(OLD) & 0xFFFFFFFF == RW
    info = kernel.process.memory.query(base + 0x1000)
    assert (info.protect, info.size) == (Prot.NOACCESS, 0x3000)
    with pytest.raises(GuestFault):
        kernel.process.memory.read(base + 0x1000, 1)


@pytest.mark.parametrize(("offset", "size", "prot", "status"), [
    (0, 0x1000, RO, NTSTATUS.NOT_COMMITTED),  # reserved
    (0x3000, 0x2000, RO, NTSTATUS.NOT_COMMITTED),  # committed, then reserved
    (0xF000, 0x2000, RO, NTSTATUS.CONFLICTING_ADDRESSES),  # past the allocation
    (0x10000, 0x1000, RO, NTSTATUS.CONFLICTING_ADDRESSES),  # free
    (0x1000, 0x1000, WC, NTSTATUS.INVALID_PAGE_PROTECTION),  # write-copy on private memory
    (0x1000, 0x1000, RO | RW, NTSTATUS.INVALID_PAGE_PROTECTION),
    (0x1000, 0, RO, NTSTATUS.INVALID_PARAMETER_3),
])
def test_protect_statuses_leave_the_outputs_alone(kernel: KernelRig, offset: int, size: int, prot: int,
                                                  status: int) -> None:
    base = committed_run(kernel)
    assert protect(kernel, base + offset, size, prot) == status
    assert (kernel.u64(BASE), kernel.u64(OLD)) == (base + offset, SENTINEL)


def test_protect_checks_range_pointer_and_process(kernel: KernelRig) -> None:
    base = committed_run(kernel)
    assert protect(kernel, 0x7FFF_FFFF_0000, 0x1000, RO) == NTSTATUS.INVALID_PARAMETER_2
    assert protect(kernel, 0x7FFF_FFFE_F000, 0x2000, RO) == NTSTATUS.INVALID_PARAMETER_3
    assert protect(kernel, base + 0x1000, 0x1000, RO, old=0) == NTSTATUS.ACCESS_VIOLATION
    kernel.put_u64(BASE, base + 0x1000)
    assert kernel.call("NtProtectVirtualMemory", 0x44, BASE, SIZE, RO, OLD) == NTSTATUS.INVALID_HANDLE


# ---- NtQueryVirtualMemory -----------------------------------------------------------------------------------

def query(k: KernelRig, addr: int, info_class: int = 0, length: int = 48) -> tuple[int, dict[str, int] | None]:
    k.process.memory.poke(INFO, b"\xad" * 64)
    k.put_u64(LENGTH, SENTINEL)
    status = k.call("NtQueryVirtualMemory", CURRENT_PROCESS, addr, info_class, INFO, length, LENGTH)
    values = MEMORY_BASIC_INFORMATION.unpack(k.process.memory.peek(INFO, 48), 64)
    return status, values if status == NTSTATUS.SUCCESS else None


def test_query_fills_the_64_bit_structure_and_its_length(kernel: KernelRig) -> None:
    base = committed_run(kernel)
    status, info = query(kernel, base + 0x2345)
    assert status == NTSTATUS.SUCCESS and kernel.u64(LENGTH) == 48
    assert info == {"BaseAddress": base + 0x2000, "AllocationBase": base, "AllocationProtect": RW,
                    "RegionSize": 0x2000, "State": MemState.COMMIT, "Protect": RW, "Type": MemType.PRIVATE}
    assert kernel.process.memory.peek(INFO + 0x14, 4) == bytes(4)  # PartitionId and padding: zero
    status, info = query(kernel, base + 0x10000)
    assert (info["State"], info["AllocationBase"], info["Protect"], info["Type"]) == (MemState.FREE, 0, 1, 0)


@pytest.mark.parametrize(("addr", "info_class", "length", "status"), [
    (0x7FFF_FFFF_0000, 0, 48, NTSTATUS.INVALID_PARAMETER),
    (SCRATCH, 0, 47, NTSTATUS.INFO_LENGTH_MISMATCH),
    (SCRATCH, 2, 48, NTSTATUS.NOT_IMPLEMENTED),  # MemoryMappedFilenameInformation: known, not served
    (SCRATCH, 99, 48, NTSTATUS.INVALID_INFO_CLASS),
])
def test_query_statuses_write_nothing(kernel: KernelRig, addr: int, info_class: int, length: int,
                                      status: int) -> None:
    assert query(kernel, addr, info_class, length)[0] == status
    assert kernel.u64(LENGTH) == SENTINEL and kernel.process.memory.peek(INFO, 8) == b"\xad" * 8


def test_query_checks_the_buffer_and_the_process(kernel: KernelRig) -> None:
    assert kernel.call("NtQueryVirtualMemory", CURRENT_PROCESS, SCRATCH, 0, 0xDEAD0000, 48, 0) == \
        NTSTATUS.ACCESS_VIOLATION
    assert kernel.call("NtQueryVirtualMemory", 0x44, SCRATCH, 0, INFO, 48, 0) == NTSTATUS.INVALID_HANDLE


# ---- NtReadVirtualMemory / NtWriteVirtualMemory -------------------------------------------------------------

def copy(k: KernelRig, name: str, remote: int, local: int, size: int, count: int = LENGTH) -> tuple[int, int]:
    k.put_u64(LENGTH, SENTINEL)
    status = k.call(name, CURRENT_PROCESS, remote, local, size, count)
    return status, k.u64(LENGTH)


def test_read_and_write_copy_whole_blocks(kernel: KernelRig) -> None:
    base = committed_run(kernel)
    kernel.process.memory.poke(BUF, b"0123456789")
    assert copy(kernel, "NtWriteVirtualMemory", base + 0x1FFC, BUF, 10) == (NTSTATUS.SUCCESS, 10)
    assert copy(kernel, "NtReadVirtualMemory", base + 0x1FFC, BUF + 0x80, 10) == (NTSTATUS.SUCCESS, 10)
    assert kernel.process.memory.peek(BUF + 0x80, 10) == b"0123456789"
    assert kernel.call("NtReadVirtualMemory", CURRENT_PROCESS, base + 0x1000, BUF, 4, 0) == NTSTATUS.SUCCESS


def test_the_other_side_stops_at_its_first_inaccessible_page(kernel: KernelRig) -> None:
    base = committed_run(kernel)
    assert copy(kernel, "NtReadVirtualMemory", base + 0x3FF0, BUF, 0x20) == (NTSTATUS.PARTIAL_COPY, 0x10)
    assert copy(kernel, "NtReadVirtualMemory", base, BUF, 4) == (NTSTATUS.PARTIAL_COPY, 0)
    protect(kernel, base + 0x2000, 0x1000, RO)
    assert copy(kernel, "NtWriteVirtualMemory", base + 0x1FF8, BUF, 0x10) == (NTSTATUS.PARTIAL_COPY, 8)


def test_the_callers_buffer_and_the_range_are_access_violations(kernel: KernelRig) -> None:
    base = committed_run(kernel)
    assert copy(kernel, "NtReadVirtualMemory", base + 0x1000, 0xDEAD0000, 4) == (NTSTATUS.ACCESS_VIOLATION, 0)
    assert copy(kernel, "NtWriteVirtualMemory", base + 0x1000, BUF + 0xFFE, 4) == (NTSTATUS.ACCESS_VIOLATION, 0)
    assert copy(kernel, "NtReadVirtualMemory", 0xFFFF_FFFF_FFFF_FFF0, BUF, 0x20)[0] == NTSTATUS.ACCESS_VIOLATION
    assert copy(kernel, "NtReadVirtualMemory", base + 0x1000, BUF, 4, count=0xDEAD0000)[0] == \
        NTSTATUS.ACCESS_VIOLATION
    assert copy(kernel, "NtReadVirtualMemory", base + 0x1000, BUF, 0) == (NTSTATUS.SUCCESS, 0)


def test_writing_code_drops_what_the_cpu_translated(kernel: KernelRig) -> None:
    """Services run inside a CPU hook, where the CPU keeps the blocks it translated unless told to drop them."""
    code, callee = 0x7000_0000, 0x7000_0100
    kernel.process.memory.map_committed(code, 0x1000, MemType.PRIVATE, Prot.EXECUTE_READWRITE)
    kernel.process.memory.poke(callee, b"\xb8\x01\x00\x00\x00\xc3")  # mov eax, 1; ret
    call = b"\xe8" + (callee - (code + 5)).to_bytes(4, "little")
    kernel.process.memory.poke(code, call + b"\x90" + b"\xe8" + (callee - (code + 11)).to_bytes(4, "little"))
    kernel.process.memory.poke(BUF, b"\x02")
    cpu = kernel.process.cpu
    cpu.registers(["rsp"]).write((SCRATCH + 0xF00,))
    cpu.hook_code(code + 5, lambda: copy(kernel, "NtWriteVirtualMemory", callee + 1, BUF, 1))  # the nop between
    assert cpu.run(code, until=code + 11).reason == "until"
    assert cpu.register("rax") == 2


def test_code_another_cpu_wrote_into_a_shared_view_runs_after_a_flush(kernel: KernelRig) -> None:
    """Each process's CPU keeps what it translated: code that another process writes into a view they share (here
    the emulator's write into the other's view, which drops only that process's translations) runs as written once
    NtFlushInstructionCache names the process, as Windows asks of code that writes code."""
    code, end = 0x7000_0000, 0x7001_0000  # the runs end on a page of their own (`until` drops the code there)
    other = new_thread(kernel.system).process
    shared = SharedMemory(kernel.process.memory.physical, 0x1000, committed=True)
    kernel.process.memory.map_view(code, 0x1000, shared, 0, Prot.EXECUTE_READ, owner=None)
    kernel.process.memory.map_committed(end, 0x1000, MemType.PRIVATE, Prot.EXECUTE_READ)
    other.memory.map_view(code, 0x1000, shared, 0, Prot.READWRITE, owner=None)
    cpu = kernel.process.cpu
    for value, flushed in ((1, False), (2, False), (2, True)):
        if not flushed:  # mov eax, value; jmp end
            other.memory.write(code, b"\xb8" + value.to_bytes(4, "little") + b"\xe9" +
                               (end - (code + 10)).to_bytes(4, "little"))
        else:
            assert kernel.call("NtFlushInstructionCache", CURRENT_PROCESS, code, 10) == NTSTATUS.SUCCESS
        assert cpu.run(code, until=end).reason == "until"
        assert cpu.register("rax") == (1 if value == 2 and not flushed else value)


def test_flushing_the_instruction_cache_checks_the_range_then_the_handle(kernel: KernelRig) -> None:
    past = kernel.process.memory.user_high + 1
    assert kernel.call("NtFlushInstructionCache", CURRENT_PROCESS, past, 0) == NTSTATUS.SUCCESS  # nothing to do
    assert kernel.call("NtFlushInstructionCache", 0x7FFC, past, 16) == NTSTATUS.ACCESS_VIOLATION
    assert kernel.call("NtFlushInstructionCache", 0x7FFC, 0x10000, 16) == NTSTATUS.INVALID_HANDLE
    assert kernel.call("NtFlushInstructionCache", CURRENT_THREAD, 0, 0) == NTSTATUS.OBJECT_TYPE_MISMATCH
    assert kernel.call("NtFlushInstructionCache", CURRENT_PROCESS, 0, 0) == NTSTATUS.SUCCESS  # all of it
    assert kernel.call("NtFlushInstructionCache", CURRENT_PROCESS, 0x10000, 1 << 40) == NTSTATUS.SUCCESS


# ---- protections of private memory ---------------------------------------------------------------------

def test_private_memory_takes_no_write_copy_protection(kernel: KernelRig) -> None:
    assert alloc(kernel, 0, 0x1000, prot=WC) == NTSTATUS.INVALID_PAGE_PROTECTION
    base = committed_run(kernel)
    assert alloc(kernel, base + 0x1000, 0x1000, MEM_COMMIT, prot=WC) == NTSTATUS.INVALID_PAGE_PROTECTION


# ---- sections -----------------------------------------------------------------------------------------------

HANDLE_OUT = SCRATCH + 0x120
MAXIMUM = SCRATCH + 0x128  # LARGE_INTEGER in
OFFSET = SCRATCH + 0x130  # LARGE_INTEGER in/out
IOSB = SCRATCH + 0x140
OA = SCRATCH + 0x600  # OBJECT_ATTRIBUTES, its UNICODE_STRING after it, the characters after that
SEC_RESERVE, SEC_COMMIT, SEC_FILE, SEC_IMAGE = 0x4000000, 0x8000000, 0x800000, 0x1000000
SECTION_ALL_ACCESS, SECTION_QUERY, SECTION_MAP_READ = 0xF001F, 1, 4
FILE_RW = 0xC0100000  # GENERIC_READ | GENERIC_WRITE | SYNCHRONIZE
FILE_R = 0x80100000


def attributes(k: KernelRig, name: str, flags: int = 0x40) -> int:
    raw = name.encode("utf-16-le")
    k.process.memory.poke(OA + 0x40, L.UNICODE_STRING.pack({"Length": len(raw), "MaximumLength": len(raw),
                                                             "Buffer": OA + 0x60}, 64) + bytes(16) + raw)
    k.process.memory.poke(OA, L.OBJECT_ATTRIBUTES.pack({"Length": 48, "RootDirectory": 0, "ObjectName": OA + 0x40,
                                                         "Attributes": flags, "SecurityDescriptor": 0,
                                                         "SecurityQualityOfService": 0}, 64))
    return OA


def section(k: KernelRig, size: int = 0x12345, prot: int = RW, attrs: int = SEC_COMMIT, file: int = 0,
            oa: int = 0, access: int = SECTION_ALL_ACCESS) -> tuple[int, int]:
    """NtCreateSection; returns (status, the handle or the sentinel)."""
    k.put_u64(HANDLE_OUT, SENTINEL)
    k.put_u64(MAXIMUM, size)
    status = k.call("NtCreateSection", HANDLE_OUT, access, oa, MAXIMUM if size else 0, prot, attrs, file)
    return status, k.u64(HANDLE_OUT)


def view(k: KernelRig, handle: int, base: int = 0, size: int = 0, offset: int = 0, prot: int = RW,
         commit: int = 0, alloc_type: int = 0, inherit: int = 1) -> tuple[int, int, int]:
    """NtMapViewOfSection; returns (status, base, size)."""
    k.put_u64(BASE, base)
    k.put_u64(SIZE, size)
    k.put_u64(OFFSET, offset)
    status = k.call("NtMapViewOfSection", handle, CURRENT_PROCESS, BASE, 0, commit, OFFSET, SIZE, inherit,
                    alloc_type, prot)
    return status, k.u64(BASE), k.u64(SIZE)


def section_info(k: KernelRig, handle: int) -> tuple[int, int, int]:
    k.put_u64(LENGTH, SENTINEL)
    assert k.call("NtQuerySection", handle, 0, INFO, 24, LENGTH) == NTSTATUS.SUCCESS
    assert k.u64(LENGTH) == 24
    values = SECTION_BASIC_INFORMATION.unpack(k.process.memory.peek(INFO, 24), 64)
    return values["BaseAddress"], values["AllocationAttributes"], values["MaximumSize"]


def open_file(k: KernelRig, name: str, access: int = FILE_RW, disposition: int = 3) -> int:
    k.put_u64(HANDLE_OUT, SENTINEL)
    status = k.call("NtCreateFile", HANDLE_OUT, access, attributes(k, "\\??\\C:\\" + name), IOSB, 0, 0x80, 3,
                    disposition, 0x20, 0, 0)
    assert status == NTSTATUS.SUCCESS, NTSTATUS.name_of(status)
    return k.u64(HANDLE_OUT)


def test_page_file_sections_round_up_and_views_share_them(kernel: KernelRig) -> None:
    status, handle = section(kernel)
    assert status == NTSTATUS.SUCCESS
    assert section_info(kernel, handle) == (0, SEC_COMMIT, 0x13000)
    status, one, size = view(kernel, handle)
    assert (status, size) == (NTSTATUS.SUCCESS, 0x13000) and one % 0x10000 == 0
    status, two, size = view(kernel, handle, offset=0x10000, prot=RO)
    assert (status, size) == (NTSTATUS.SUCCESS, 0x3000)
    kernel.process.memory.poke(one + 0x10004, b"view")
    assert kernel.process.memory.read(two + 4, 4) == b"view"
    assert kernel.call("NtClose", handle) == NTSTATUS.SUCCESS
    assert kernel.call("NtUnmapViewOfSection", CURRENT_PROCESS, one + 0x5678) == NTSTATUS.SUCCESS
    assert kernel.process.memory.query(one).state == MemState.FREE
    assert kernel.process.memory.read(two + 4, 4) == b"view"  # the section lives on in its last view


def test_reserved_sections_commit_per_section_and_show_in_every_view(kernel: KernelRig) -> None:
    _, handle = section(kernel, 0x4000, attrs=SEC_RESERVE)
    _, one, _ = view(kernel, handle, commit=0x1800)
    _, two, _ = view(kernel, handle)
    space = kernel.process.memory
    assert [space.query(two + o).state for o in (0, 0x1000, 0x2000)] == [MemState.COMMIT] * 2 + [MemState.RESERVE]
    assert alloc(kernel, two + 0x2000, 0x1000, MEM_COMMIT, prot=RO) == NTSTATUS.SUCCESS
    info = space.query(one + 0x2000)
    assert (info.state, info.protect, info.size) == (MemState.COMMIT, RW, 0x1000)
    assert free(kernel, one, 0x1000, MEM_DECOMMIT) == NTSTATUS.UNABLE_TO_DELETE_SECTION
    assert free(kernel, one, 0, MEM_RELEASE) == NTSTATUS.UNABLE_TO_DELETE_SECTION


def test_write_copy_views_share_until_they_write_and_then_keep_their_writes(kernel: KernelRig) -> None:
    _, handle = section(kernel, 0x2000)
    _, shared, _ = view(kernel, handle)
    space = kernel.process.memory
    space.poke(shared, b"before")
    _, private, _ = view(kernel, handle, prot=WC)
    space.poke(shared + 0x1000, b"later")  # before the write-copy view writes there: it sees it
    assert space.read(private + 0x1000, 5) == b"later"
    space.poke(private, b"mine")
    space.poke(shared, b"after!")
    assert space.read(shared, 6) == b"after!"
    assert space.read(private, 6) == b"minere"  # its own copy since its write
    assert space.query(private).protect == RW  # a written page shows read-write, as on Windows
    assert space.query(private + 0x1000).protect == WC  # the other page is still the section's
    space.check()


@pytest.mark.parametrize(("kwargs", "status"), [
    ({"offset": 0x1000}, NTSTATUS.MAPPED_ALIGNMENT),
    ({"base": 0x3000_1000}, NTSTATUS.MAPPED_ALIGNMENT),
    ({"offset": 0x20000}, NTSTATUS.INVALID_VIEW_SIZE),
    ({"size": 0x13001}, NTSTATUS.INVALID_VIEW_SIZE),
    ({"offset": 0x10000, "size": 0x3346}, NTSTATUS.INVALID_VIEW_SIZE),
    ({"prot": Prot.EXECUTE_READWRITE}, NTSTATUS.SECTION_PROTECTION),
    ({"prot": 0x3}, NTSTATUS.INVALID_PAGE_PROTECTION),
    ({"inherit": 0}, NTSTATUS.INVALID_PARAMETER_8),
    ({"alloc_type": MEM_COMMIT}, NTSTATUS.INVALID_PARAMETER_9),
    ({"alloc_type": MEM_RESERVE}, NTSTATUS.INVALID_PARAMETER_9),
    ({"alloc_type": 0x20000000}, NTSTATUS.NOT_SUPPORTED),  # MEM_LARGE_PAGES: valid, not served
    ({"base": 0x7FFF_FFFF_0000}, NTSTATUS.INVALID_PARAMETER_3),
    ({"base": 0x1000}, NTSTATUS.INVALID_PARAMETER_3),
])
def test_map_statuses_map_nothing(kernel: KernelRig, kwargs: dict[str, int], status: int) -> None:
    _, handle = section(kernel)
    regions = len(kernel.process.memory.regions())
    assert view(kernel, handle, **kwargs)[0] == status
    assert len(kernel.process.memory.regions()) == regions


def test_map_checks_the_place_the_handles_and_their_rights(kernel: KernelRig) -> None:
    _, handle = section(kernel, 0x1000, prot=RO, access=SECTION_MAP_READ)
    _, base, _ = view(kernel, handle, prot=RO)
    assert view(kernel, handle, base=base, prot=RO)[0] == NTSTATUS.CONFLICTING_ADDRESSES
    assert view(kernel, handle, prot=RW)[0] == NTSTATUS.ACCESS_DENIED  # SECTION_MAP_WRITE not granted
    assert view(kernel, 0x1234)[0] == NTSTATUS.INVALID_HANDLE
    assert view(kernel, CURRENT_PROCESS)[0] == NTSTATUS.OBJECT_TYPE_MISMATCH
    kernel.put_u64(INFO, SENTINEL)
    assert kernel.call("NtQuerySection", handle, 0, INFO, 24, 0) == NTSTATUS.ACCESS_DENIED  # no SECTION_QUERY
    assert kernel.call("NtUnmapViewOfSection", CURRENT_PROCESS, SCRATCH) == NTSTATUS.NOT_MAPPED_VIEW
    assert kernel.call("NtUnmapViewOfSection", 0x44, base) == NTSTATUS.INVALID_HANDLE


@pytest.mark.parametrize(("size", "prot", "attrs", "status"), [
    (0, RW, SEC_COMMIT, NTSTATUS.INVALID_PARAMETER_4),
    (0x1000, RW, 0, NTSTATUS.INVALID_PARAMETER_6),
    (0x1000, RW, SEC_COMMIT | SEC_RESERVE, NTSTATUS.INVALID_PARAMETER_6),
    (0x1000, RW, SEC_COMMIT | 0x100, NTSTATUS.INVALID_PARAMETER_6),
    (0x1000, Prot.NOACCESS, SEC_COMMIT, NTSTATUS.INVALID_PAGE_PROTECTION),
    (0x1000, Prot.EXECUTE, SEC_COMMIT, NTSTATUS.INVALID_PAGE_PROTECTION),
    (0x1000, RW | 0x100, SEC_COMMIT, NTSTATUS.INVALID_PAGE_PROTECTION),
    (1 << 47, RW, SEC_RESERVE, NTSTATUS.SECTION_TOO_BIG),
    (-1, RW, SEC_RESERVE, NTSTATUS.SECTION_TOO_BIG),
    ((1 << 32) + 1, RW, SEC_COMMIT, NTSTATUS.COMMITMENT_LIMIT),
    ((1 << 32) + 1, RW, SEC_RESERVE, NTSTATUS.INSUFFICIENT_RESOURCES),
])
def test_create_statuses_leave_the_handle_alone(kernel: KernelRig, size: int, prot: int, attrs: int,
                                               status: int) -> None:
    assert section(kernel, size & 0xFFFFFFFFFFFFFFFF, prot, attrs) == (status, SENTINEL)


def test_file_sections_are_the_files_bytes_and_write_back(kernel: KernelRig, tmp_path: Path) -> None:
    (tmp_path / "data.bin").write_bytes(b"0123456789" * 500)
    handle = open_file(kernel, "data.bin")
    status, sec = section(kernel, 0, RW, SEC_RESERVE, handle)
    assert status == NTSTATUS.SUCCESS and section_info(kernel, sec) == (0, SEC_FILE, 5000)
    _, base, size = view(kernel, sec)
    assert size == 0x2000 and kernel.process.memory.read(base + 4990, 10) == b"0123456789"
    assert alloc(kernel, base, 0x1000, MEM_COMMIT) == NTSTATUS.ALREADY_COMMITTED
    kernel.process.memory.poke(base, b"AB")
    kernel.put_u64(BASE, base + 1)
    kernel.put_u64(SIZE, 1)
    assert kernel.call("NtFlushVirtualMemory", CURRENT_PROCESS, BASE, SIZE, IOSB) == NTSTATUS.SUCCESS
    assert (kernel.u64(BASE), kernel.u64(SIZE), kernel.u64(IOSB), kernel.u64(IOSB + 8)) == (base, 0x1000, 0, 0)
    assert (tmp_path / "data.bin").read_bytes()[:4] == b"AB23"
    kernel.process.memory.poke(base + 4999, b"!")
    assert kernel.call("NtUnmapViewOfSection", CURRENT_PROCESS, base) == NTSTATUS.SUCCESS
    assert (tmp_path / "data.bin").read_bytes()[-2:] == b"8!"


def test_a_view_of_a_huge_file_costs_the_pages_it_touches(kernel: KernelRig, tmp_path: Path) -> None:
    with (tmp_path / "huge.bin").open("wb") as f:  # 1 GB, sparse on the host, with a few bytes in its middle
        f.seek(0x2345_6000)
        f.write(b"needle")
        f.truncate(1 << 30)
    physical = kernel.system.physical
    before = physical.frames_in_use
    status, sec = section(kernel, 0, RO, SEC_COMMIT, open_file(kernel, "huge.bin", access=FILE_R))
    assert status == NTSTATUS.SUCCESS
    status, base, size = view(kernel, sec, prot=RO)
    assert status == NTSTATUS.SUCCESS and size == 1 << 30
    assert kernel.process.memory.read(base + 0x2345_6000, 6) == b"needle"
    assert physical.frames_in_use - before < 16  # the page read, and the tables that map it


def test_a_larger_writable_file_section_extends_the_file(kernel: KernelRig, tmp_path: Path) -> None:
    (tmp_path / "short.bin").write_bytes(b"xyz")
    status, sec = section(kernel, 0x1800, RW, SEC_COMMIT, open_file(kernel, "short.bin"))
    assert status == NTSTATUS.SUCCESS and section_info(kernel, sec)[2] == 0x1800
    assert (tmp_path / "short.bin").read_bytes() == b"xyz" + bytes(0x1800 - 3)
    assert section(kernel, 0x1801, RO, SEC_COMMIT, open_file(kernel, "short.bin", FILE_R))[0] == \
        NTSTATUS.SECTION_TOO_BIG


def test_file_section_statuses(kernel: KernelRig, tmp_path: Path) -> None:
    (tmp_path / "f.bin").write_bytes(b"f")
    (tmp_path / "empty.bin").write_bytes(b"")
    (tmp_path / "dir").mkdir()
    read_only = open_file(kernel, "f.bin", FILE_R)
    assert section(kernel, 0, RW, SEC_COMMIT, read_only)[0] == NTSTATUS.ACCESS_DENIED
    assert section(kernel, 0, Prot.EXECUTE_READ, SEC_COMMIT, read_only)[0] == NTSTATUS.ACCESS_DENIED
    assert section(kernel, 0, RO, SEC_COMMIT, open_file(kernel, "empty.bin"))[0] == NTSTATUS.MAPPED_FILE_SIZE_ZERO
    directory = open_file(kernel, "dir", 0x80100001, disposition=1)
    assert section(kernel, 0, RO, SEC_COMMIT, directory)[0] == NTSTATUS.INVALID_FILE_FOR_SECTION
    assert section(kernel, 0, RO, SEC_COMMIT, CURRENT_PROCESS)[0] == NTSTATUS.OBJECT_TYPE_MISMATCH
    assert section(kernel, 0, RO, SEC_COMMIT, 0x1234)[0] == NTSTATUS.INVALID_HANDLE
    assert section(kernel, 0, RO, SEC_IMAGE, read_only)[0] == NTSTATUS.INVALID_IMAGE_NOT_MZ  # images: their own tests


def test_named_sections_collide_open_and_lose_their_name_with_their_last_handle(kernel: KernelRig) -> None:
    oa = attributes(kernel, "\\BaseNamedObjects\\shared")
    status, first = section(kernel, 0x1000, oa=oa)
    assert status == NTSTATUS.SUCCESS
    assert section(kernel, 0x1000, oa=oa) == (NTSTATUS.OBJECT_NAME_COLLISION, SENTINEL)
    status, again = section(kernel, 0x5000, oa=attributes(kernel, "\\BaseNamedObjects\\shared", 0xC0))
    assert status == NTSTATUS.OBJECT_NAME_EXISTS and section_info(kernel, again)[2] == 0x1000
    kernel.put_u64(HANDLE_OUT, SENTINEL)
    assert kernel.call("NtOpenSection", HANDLE_OUT, SECTION_QUERY, attributes(kernel, "\\BaseNamedObjects\\SHARED")) \
        == NTSTATUS.SUCCESS
    opened = kernel.u64(HANDLE_OUT)
    assert "Section \\BaseNamedObjects\\shared (0x1000 bytes)" == kernel.process.handles.lookup(opened).describe()
    for h in (first, again, opened):
        kernel.call("NtClose", h)
    assert kernel.call("NtOpenSection", HANDLE_OUT, SECTION_QUERY, attributes(kernel, "\\BaseNamedObjects\\shared")) \
        == NTSTATUS.OBJECT_NAME_NOT_FOUND


@pytest.mark.parametrize(("info_class", "length", "status"), [
    (0, 23, NTSTATUS.INFO_LENGTH_MISMATCH),
    (1, 64, NTSTATUS.SECTION_NOT_IMAGE),
    (2, 64, NTSTATUS.NOT_IMPLEMENTED),  # SectionRelocationInformation: known, not served
    (9, 64, NTSTATUS.INVALID_INFO_CLASS),
])
def test_query_section_statuses(kernel: KernelRig, info_class: int, length: int, status: int) -> None:
    _, handle = section(kernel)
    kernel.put_u64(LENGTH, SENTINEL)
    assert kernel.call("NtQuerySection", handle, info_class, INFO, length, LENGTH) == status
    assert kernel.u64(LENGTH) == SENTINEL


def test_flush_statuses(kernel: KernelRig) -> None:
    kernel.put_u64(BASE, SCRATCH)
    kernel.put_u64(SIZE, 0)
    assert kernel.call("NtFlushVirtualMemory", CURRENT_PROCESS, BASE, SIZE, IOSB) == NTSTATUS.NOT_MAPPED_DATA
    kernel.put_u64(BASE, 0x3000_0000)
    assert kernel.call("NtFlushVirtualMemory", CURRENT_PROCESS, BASE, SIZE, IOSB) == NTSTATUS.NOT_MAPPED_VIEW
    _, handle = section(kernel, 0x1000)
    _, base, _ = view(kernel, handle)
    kernel.put_u64(BASE, base)
    kernel.put_u64(SIZE, 0x2000)
    assert kernel.call("NtFlushVirtualMemory", CURRENT_PROCESS, BASE, SIZE, IOSB) == NTSTATUS.NOT_MAPPED_VIEW
    assert kernel.call("NtFlushVirtualMemory", CURRENT_PROCESS, BASE, SIZE, 0) == NTSTATUS.ACCESS_VIOLATION


def test_the_commit_limit_bounds_private_memory_and_sections(kernel: KernelRig) -> None:
    physical = kernel.system.physical
    physical.commit_limit = physical.committed + 0x100000  # 1 MB more than the process has
    committed = physical.committed
    assert alloc(kernel, 0, 0x200000) == NTSTATUS.COMMITMENT_LIMIT
    assert physical.committed == committed and len(kernel.process.memory.regions()) == 1  # nothing stays
    assert alloc(kernel, 0x3000_0000, 0x80000) == NTSTATUS.SUCCESS
    assert physical.committed == committed + 0x80000
    assert free(kernel, 0x3000_0000, 0x40000, MEM_DECOMMIT) == NTSTATUS.SUCCESS
    assert physical.committed == committed + 0x40000
    assert free(kernel, 0x3000_0000, 0, MEM_RELEASE) == NTSTATUS.SUCCESS
    assert physical.committed == committed
    assert section(kernel, 0x200000)[0] == NTSTATUS.COMMITMENT_LIMIT  # SEC_COMMIT: charged whole
    status, handle = section(kernel, 0x200000, attrs=SEC_RESERVE)  # reserved: charged as committed
    assert status == NTSTATUS.SUCCESS and physical.committed == committed + HANDLE_CHARGE  # its handle only
    assert view(kernel, handle, commit=0x200000)[0] == NTSTATUS.COMMITMENT_LIMIT
    status, base, _ = view(kernel, handle, commit=0x10000)
    assert status == NTSTATUS.SUCCESS and physical.committed == committed + HANDLE_CHARGE + 0x10000
    assert kernel.call("NtUnmapViewOfSection", CURRENT_PROCESS, base) == NTSTATUS.SUCCESS
    assert kernel.call("NtClose", handle) == NTSTATUS.SUCCESS
    assert physical.committed == committed  # the section's pages went with its last user


def test_a_mapped_file_outlives_its_handles_a_delete_and_the_descriptor_pool(kernel: KernelRig,
                                                                             tmp_path: Path) -> None:
    """The section holds its file as Windows' does: a delete waits for the view to go, and pages read after the
    pool took the section's descriptor still come from that file."""
    (tmp_path / "mapped.bin").write_bytes(b"".join(bytes([i & 0xFF]) * 0x1000 for i in range(0x300)))  # 3 MB
    files = kernel.system.volume.files
    files.limit = 1
    handle = open_file(kernel, "mapped.bin", access=FILE_R)
    status, sec = section(kernel, 0, RO, SEC_COMMIT, handle)
    status, base, _ = view(kernel, sec, prot=RO)
    assert status == NTSTATUS.SUCCESS
    assert kernel.call("NtClose", sec) == kernel.call("NtClose", handle) == NTSTATUS.SUCCESS
    assert kernel.call("NtDeleteFile", attributes(kernel, "\\??\\C:\\mapped.bin")) == NTSTATUS.SUCCESS
    assert (tmp_path / "mapped.bin").exists()  # delete pending: the view still maps it
    (tmp_path / "other.bin").write_bytes(b"other")
    open_file(kernel, "other.bin", access=FILE_R)  # takes the pool's only descriptor
    assert kernel.process.memory.read(base + 0x2FF000, 4) == b"\xff" * 4  # first read now, from mapped.bin
    assert kernel.call("NtUnmapViewOfSection", CURRENT_PROCESS, base) == NTSTATUS.SUCCESS
    assert not (tmp_path / "mapped.bin").exists()  # the last user of its pages is gone: now it is deleted


def test_a_process_that_ends_unmaps_its_views_and_only_writable_views_write_back(kernel: KernelRig,
                                                                                 tmp_path: Path) -> None:
    (tmp_path / "rw.bin").write_bytes(b"A" * 0x2000)
    (tmp_path / "gone.bin").write_bytes(b"B" * 0x2000)
    status, rw = section(kernel, 0, RW, SEC_COMMIT, open_file(kernel, "rw.bin"))
    _, read_only_view, _ = view(kernel, rw, prot=RO)
    (tmp_path / "rw.bin").write_bytes(b"N" * 0x2000)  # the file changes under a view that only reads
    assert kernel.call("NtUnmapViewOfSection", CURRENT_PROCESS, read_only_view) == NTSTATUS.SUCCESS
    assert (tmp_path / "rw.bin").read_bytes() == b"N" * 0x2000  # not rolled back by the view that read "A"s
    _, writable_view, _ = view(kernel, rw, prot=RW)
    kernel.process.memory.write(writable_view, b"written")
    status, gone = section(kernel, 0, RO, SEC_COMMIT, open_file(kernel, "gone.bin", access=FILE_R))
    view(kernel, gone, prot=RO)
    assert kernel.call("NtDeleteFile", attributes(kernel, "\\??\\C:\\gone.bin")) == NTSTATUS.SUCCESS
    kernel.process.terminate(0)  # as Windows, the views go at the exit: written back, and the delete done
    assert (tmp_path / "rw.bin").read_bytes().startswith(b"written")
    assert not (tmp_path / "gone.bin").exists()


def test_a_long_write_back_ends_at_the_runs_timeout(kernel: KernelRig, tmp_path: Path) -> None:
    (tmp_path / "big.bin").write_bytes(bytes(0x300000))
    _, sec = section(kernel, 0, RW, SEC_COMMIT, open_file(kernel, "big.bin"))
    _, base, _ = view(kernel, sec, prot=RW)
    kernel.process.memory.write(base, b"x" * 0x300000)
    kernel.system.deadline = time.monotonic() - 1
    with pytest.raises(GuestBudgetExceeded, match="during NtUnmapViewOfSection"):
        kernel.call("NtUnmapViewOfSection", CURRENT_PROCESS, base)
