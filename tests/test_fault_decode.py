"""How the kernel tells a divide by zero from an integer overflow: it reads the divisor of the faulting div/idiv,
register (any width, high bytes too) or memory (absolute, based, indexed, RIP-relative, FS/GS), as Windows NT
does."""

import struct

import pytest
from keystone import KS_ARCH_X86, KS_MODE_32, KS_MODE_64, Ks

from wow64emu.errors import GuestFault
from wow64emu.kernel.decode import divisor_is_zero, is_port_string_input, is_privileged

PC = 0x401000
REGS = {r: 0 for r in ("rax", "rcx", "rdx", "rbx", "rsp", "rbp", "rsi", "rdi", *(f"r{n}" for n in range(8, 16)))}
MEMORY = {0x5000: struct.pack("<Q", 0), 0x5008: struct.pack("<Q", 0xFFFFFFFF_FFFFFFFF),
          0x7FFE0010: struct.pack("<Q", 3)}


def read(address: int, size: int) -> bytes:
    for base, data in MEMORY.items():
        if base <= address and address + size <= base + len(data):
            return data[address - base: address - base + size]
    raise GuestFault(address)


def zero(src: str, bits: int, **regs: int) -> bool:
    code = bytes(Ks(KS_ARCH_X86, KS_MODE_64 if bits == 64 else KS_MODE_32).asm(src, PC)[0])
    return divisor_is_zero(code, PC, bits, {**REGS, **regs}, {"fs": 0x7FFE0000, "gs": 0x7FFE0000}, read)


@pytest.mark.parametrize("bits", [32, 64])
def test_register_divisors_of_every_width(bits: int) -> None:
    assert zero("div ecx", bits, rcx=0)
    assert not zero("idiv ecx", bits, rcx=0xFFFFFFFF)
    assert zero("div ecx", bits, rcx=0x1_0000_0000)  # the upper half is not the divisor
    assert not zero("idiv cx", bits, rcx=0x1_FFFF)
    assert zero("div cx", bits, rcx=0x1_0000)
    assert zero("div ch", bits, rcx=0xFF)  # the high byte
    assert not zero("div cl", bits, rcx=0xFF)


def test_64bit_registers_and_rex() -> None:
    assert not zero("idiv rcx", 64, rcx=0x1_0000_0000)
    assert zero("div r9d", 64, r9=0x1_0000_0000)
    assert not zero("div r10b", 64, r10=1)
    assert zero("div sil", 64, rsi=0x100)


@pytest.mark.parametrize("bits", [32, 64])
def test_memory_divisors(bits: int) -> None:
    assert zero("div dword ptr [0x5000]", bits)
    assert not zero("idiv dword ptr [0x5008]", bits)
    assert zero("div dword ptr [ebx + ecx*4 + 0x10]" if bits == 32 else "div dword ptr [rbx + rcx*4 + 0x10]", bits,
                rbx=0x4FF8, rcx=2)
    assert not zero("div dword ptr [ebx + ecx*4 + 0xc]" if bits == 32 else "div dword ptr [rbx + rcx*4 + 0xc]",
                    bits, rbx=0x4FF8, rcx=1)
    assert not zero(f"div dword ptr {'fs' if bits == 32 else 'gs'}:[0x10]", bits)  # the TEB's segment base
    assert zero("div dword ptr [0x9000]", bits)  # unreadable: it stays a divide by zero


def test_rip_relative_divisors() -> None:
    assert not zero(f"div qword ptr [rip + {0x5008 - PC - 7:#x}]", 64)
    assert zero(f"div qword ptr [rip + {0x5000 - PC - 7:#x}]", 64)


def test_not_a_division_stays_a_divide_by_zero() -> None:
    assert zero("nop", 64)
    assert divisor_is_zero(b"\xff\xff", PC, 64, REGS, {"fs": 0, "gs": 0}, read)


@pytest.mark.parametrize(("code", "bits", "privileged"), [
    (b"\xec", 32, True), (b"\xee", 64, True), (b"\xe4\x60", 32, True), (b"\xf3\x6e", 64, True),
    (b"\x66\xed", 32, True), (b"\x0f\x22\xd8", 64, True), (b"\x90", 64, False), (b"\x48\x31\xc0", 64, False),
])
def test_privileged_instructions(code: bytes, bits: int, privileged: bool) -> None:
    assert is_privileged(code.ljust(15, b"\x90"), bits) is privileged


@pytest.mark.parametrize(("code", "bits", "ins"), [
    (b"\x6c", 32, True), (b"\xf3\x6d", 64, True), (b"\x66\x6d", 32, True), (b"\x48\x6d", 64, True),
    (b"\x6e", 32, False), (b"\x0f\x01\x00", 64, False), (b"\x89\x07", 64, False),
])
def test_ins_is_told_from_other_writes(code: bytes, bits: int, ins: bool) -> None:
    assert is_port_string_input(code.ljust(15, b"\x90"), bits) is ins
