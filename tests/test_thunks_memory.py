"""The memory manager's system calls through the real WoW64 path: what wow64 converts, and guest code that feels
the protections and the shared views the calls set up."""

import dataclasses
import struct
from pathlib import Path

import pytest

from tests.wow64rig import CODE, DATA, Wow64Rig
from wow64emu.emu.memory import MemState, MemType, Prot
from wow64emu.nt import layouts as L
from wow64emu.nt.memory import MEMORY_BASIC_INFORMATION, SECTION_BASIC_INFORMATION, SECTION_IMAGE_INFORMATION
from wow64emu.nt.status import NTSTATUS

PAGE_AT = 0x5000_0000  # a private page the tests map
BASE_P, SIZE_P, OUT, COUNT = DATA + 0x10, DATA + 0x14, DATA + 0x100, DATA + 0x80
HANDLE_P, MAX_SIZE = DATA + 0x20, DATA + 0x28
GUEST = CODE + 0x400  # where a test's own 32-bit code goes
SEC_COMMIT = 0x8000000


@pytest.fixture
def rig(tmp_path: Path) -> Wow64Rig:
    r = Wow64Rig(tmp_path)
    r.memory.map_committed(PAGE_AT, 0x2000, MemType.PRIVATE, Prot.READWRITE, "test page")
    return r


def served(rig: Wow64Rig, name: str) -> int:
    """How often the kernel served `name` (either way)."""
    return rig.machine.entry.served.get((name, False), 0) + rig.machine.entry.served.get((name, True), 0)


def query(rig: Wow64Rig, addr: int, length: int = 28) -> int:
    rig.put(OUT, b"\xad" * 64)
    rig.put(COUNT, b"\xad" * 8)
    return rig.call("NtQueryVirtualMemory", 0xFFFFFFFF, addr, 0, OUT, length, COUNT).exit_status


def test_layouts_have_windows_sizes_and_offsets() -> None:
    assert (MEMORY_BASIC_INFORMATION.size(32), MEMORY_BASIC_INFORMATION.size(64)) == (28, 48)
    assert [MEMORY_BASIC_INFORMATION.offset(f, 64) for f in ("AllocationProtect", "RegionSize", "Type")] == \
        [0x10, 0x18, 0x28]
    assert [MEMORY_BASIC_INFORMATION.offset(f, 32) for f in ("RegionSize", "State", "Type")] == [0x0C, 0x10, 0x18]
    assert (SECTION_BASIC_INFORMATION.size(32), SECTION_BASIC_INFORMATION.size(64)) == (16, 24)
    assert SECTION_BASIC_INFORMATION.offset("MaximumSize", 32) == 8
    assert (SECTION_IMAGE_INFORMATION.size(32), SECTION_IMAGE_INFORMATION.size(64)) == (48, 64)
    assert [SECTION_IMAGE_INFORMATION.offset(f, 64) for f in ("ZeroBits", "SubSystemType", "Machine", "CheckSum")] \
        == [0x08, 0x20, 0x30, 0x3C]


def test_memory_basic_information_becomes_28_bytes_with_a_28_byte_return_length(rig: Wow64Rig) -> None:
    assert query(rig, PAGE_AT + 0x1234) == NTSTATUS.SUCCESS
    assert struct.unpack("<7I", rig.get(OUT, 28)) == (PAGE_AT + 0x1000, PAGE_AT, Prot.READWRITE, 0x1000,
                                                       MemState.COMMIT, Prot.READWRITE, MemType.PRIVATE)
    assert rig.get(OUT + 28, 4) == b"\xad" * 4
    assert rig.get(COUNT, 8) == struct.pack("<I", 28) + b"\xad" * 4  # a SIZE_T of the caller's width


def test_a_buffer_longer_than_the_structure_is_enough_and_a_shorter_one_is_not(rig: Wow64Rig) -> None:
    assert query(rig, PAGE_AT, length=48) == NTSTATUS.SUCCESS and rig.u32(COUNT) == 28
    assert query(rig, PAGE_AT, length=27) == NTSTATUS.INFO_LENGTH_MISMATCH
    assert rig.get(OUT, 8) == b"\xad" * 8 and rig.get(COUNT, 4) == b"\xad" * 4


def test_wow64_refuses_addresses_above_the_callers_highest_one(rig: Wow64Rig) -> None:
    before = served(rig, "NtQueryVirtualMemory")
    assert query(rig, 0x7FFF0000) == NTSTATUS.INVALID_PARAMETER
    assert served(rig, "NtQueryVirtualMemory") == before  # wow64 answered: the kernel was not asked
    assert query(rig, 0x7FFEFFFF) == NTSTATUS.SUCCESS


def test_region_size_is_clipped_at_the_callers_highest_address(rig: Wow64Rig) -> None:
    free = rig.memory.query(0x6000_0000)
    assert free.state == MemState.FREE and free.base + free.size > 0x6001_0000  # the fixture has the gap
    dispatcher = rig.machine.dispatcher
    dispatcher.wow64 = dataclasses.replace(dispatcher.wow64, highest_address=0x6000_FFFF)
    assert query(rig, 0x6000_0000) == NTSTATUS.SUCCESS
    assert struct.unpack("<7I", rig.get(OUT, 28))[3] == 0x10000


def test_a_bad_buffer_faults_in_wow64_and_leaves_the_return_length(rig: Wow64Rig) -> None:
    rig.put(COUNT, b"\xad" * 4)
    assert rig.call("NtQueryVirtualMemory", 0xFFFFFFFF, PAGE_AT, 0, 0x10, 28, COUNT).exit_status == \
        NTSTATUS.ACCESS_VIOLATION
    assert rig.get(COUNT, 4) == b"\xad" * 4


def create_section(rig: Wow64Rig, size: int = 0x12345, protect: int = Prot.READWRITE) -> int:
    rig.put(MAX_SIZE, struct.pack("<q", size))
    rig.put(HANDLE_P, b"\xad" * 8)
    status = rig.call("NtCreateSection", HANDLE_P, 0xF001F, 0, MAX_SIZE, protect, SEC_COMMIT, 0).exit_status
    assert status == NTSTATUS.SUCCESS
    assert rig.get(HANDLE_P + 4, 4) == b"\xad" * 4  # a 32-bit HANDLE
    return rig.u32(HANDLE_P)


def map_view(rig: Wow64Rig, section: int, protect: int = Prot.READWRITE, zero_bits: int = 0) -> tuple[int, int]:
    rig.put(BASE_P, b"\0" * 8)
    rig.put(DATA + 0x30, struct.pack("<q", 0))
    status = rig.call("NtMapViewOfSection", section, 0xFFFFFFFF, BASE_P, zero_bits, 0, DATA + 0x30, SIZE_P, 1, 0,
                      protect).exit_status
    assert status == NTSTATUS.SUCCESS, NTSTATUS.name_of(status)
    return rig.u32(BASE_P), rig.u32(SIZE_P)


def test_views_come_back_as_32_bit_pointers_and_sizes_under_the_callers_limit(rig: Wow64Rig) -> None:
    section = create_section(rig)
    rig.put(SIZE_P, struct.pack("<I", 0) + b"\xad" * 4)
    base, size = map_view(rig, section)
    assert size == 0x13000 and base % 0x10000 == 0 and base + size - 1 <= 0x7FFEFFFF
    assert rig.get(SIZE_P + 4, 4) == b"\xad" * 4
    assert rig.memory.query(base).type == MemType.MAPPED


def test_section_basic_information_becomes_16_bytes(rig: Wow64Rig) -> None:
    section = create_section(rig)
    rig.put(OUT, b"\xad" * 32)
    rig.put(COUNT, b"\xad" * 8)
    assert rig.call("NtQuerySection", section, 0, OUT, 16, COUNT).exit_status == NTSTATUS.SUCCESS
    assert rig.get(OUT, 20) == struct.pack("<IIq", 0, SEC_COMMIT, 0x13000) + b"\xad" * 4
    assert rig.u32(COUNT) == 16
    assert rig.call("NtQuerySection", section, 0, OUT, 15, COUNT).exit_status == NTSTATUS.INFO_LENGTH_MISMATCH
    assert rig.call("NtQuerySection", section, 1, OUT, 48, COUNT).exit_status == NTSTATUS.SECTION_NOT_IMAGE


def test_read_virtual_memory_count_is_a_32_bit_size(rig: Wow64Rig) -> None:
    rig.put(PAGE_AT + 0xFF8, b"12345678")
    rig.put(COUNT, b"\xad" * 8)
    status = rig.call("NtReadVirtualMemory", 0xFFFFFFFF, PAGE_AT + 0xFF8, OUT, 16, COUNT).exit_status
    assert status == NTSTATUS.SUCCESS and rig.get(COUNT, 8) == struct.pack("<I", 16) + b"\xad" * 4
    rig.memory.decommit(PAGE_AT + 0x1000, 0x1000)
    status = rig.call("NtReadVirtualMemory", 0xFFFFFFFF, PAGE_AT + 0xFF8, OUT, 16, COUNT).exit_status
    assert status == NTSTATUS.PARTIAL_COPY
    assert rig.get(COUNT, 8) == struct.pack("<I", 8) + b"\xad" * 4 and rig.get(OUT, 8) == b"12345678"


# ---- guest code ---------------------------------------------------------------------------------------------

def push(*args: int) -> bytes:
    """push imm32 for each argument, last first (stdcall)."""
    return b"".join(b"\x68" + struct.pack("<I", a & 0xFFFFFFFF) for a in reversed(args))


def call_stub(rig: Wow64Rig, at: int, name: str) -> bytes:
    target = rig.machine.created.modules32["ntdll.dll"].exports[name]
    return b"\xe8" + struct.pack("<i", target - (at + 5))


def store_byte(addr: int, value: int) -> bytes:
    return b"\xc6\x05" + struct.pack("<IB", addr, value)  # mov byte [addr], value


def run_guest(rig: Wow64Rig, code: bytes):
    """Run 32-bit `code` (which ends with ret) as the rig's callee: the process exits with its eax."""
    rig.put(GUEST, code)
    return rig._run_caller(GUEST, ())


def test_a_write_to_a_page_made_read_only_faults_in_the_guest(rig: Wow64Rig) -> None:
    page = PAGE_AT + 0x1000
    rig.put(BASE_P, struct.pack("<II", page, 0x1000))
    code = store_byte(page, 1) + push(0xFFFFFFFF, BASE_P, SIZE_P, Prot.READONLY, DATA + 0x40)
    code += call_stub(rig, GUEST + len(code), "NtProtectVirtualMemory")
    code += store_byte(page, 2) + b"\xc3"
    outcome = run_guest(rig, code)
    assert outcome.fault is not None
    assert (outcome.fault.status, outcome.fault.address) == (NTSTATUS.ACCESS_VIOLATION, page)
    assert rig.get(page, 1) == b"\x01" and rig.u32(DATA + 0x40) == Prot.READWRITE  # the first store landed
    assert rig.memory.query(page).protect == Prot.READONLY


def test_guest_code_writes_one_view_and_reads_the_other(rig: Wow64Rig) -> None:
    section = create_section(rig, 0x1000)
    one, _ = map_view(rig, section)
    two, _ = map_view(rig, section, Prot.READONLY)
    code = store_byte(one + 0x10, 0x5A) + b"\x0f\xb6\x05" + struct.pack("<I", two + 0x10) + b"\xc3"  # movzx eax
    assert run_guest(rig, code).exit_status == 0x5A
    assert run_guest(rig, store_byte(two, 1) + b"\xc3").fault.address == two  # the second view is read-only


def test_object_attributes_name_a_section_through_wow64(rig: Wow64Rig) -> None:
    name = "\\BaseNamedObjects\\thunked".encode("utf-16-le")
    rig.put(DATA + 0x300, name)
    rig.put(DATA + 0x200, L.UNICODE_STRING.pack({"Length": len(name), "MaximumLength": len(name),
                                                 "Buffer": DATA + 0x300}, 32))
    rig.put(DATA + 0x240, struct.pack("<6I", 24, 0, DATA + 0x200, 0x40, 0, 0))
    rig.put(MAX_SIZE, struct.pack("<q", 0x1000))
    assert rig.call("NtCreateSection", HANDLE_P, 0xF001F, DATA + 0x240, MAX_SIZE, Prot.READWRITE, SEC_COMMIT,
                    0).exit_status == NTSTATUS.SUCCESS
    assert rig.call("NtOpenSection", DATA + 0x50, 4, DATA + 0x240).exit_status == NTSTATUS.SUCCESS
    assert rig.u32(DATA + 0x50) not in (0, rig.u32(HANDLE_P))
