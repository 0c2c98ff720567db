"""The CPU really switches modes: every far-transfer form, both directions, with no help from Python."""

import struct

import pytest
from keystone import KS_ARCH_X86, KS_MODE_32, KS_MODE_64, Ks
from unicorn import UC_PROT_ALL
from unicorn.x86_const import (
    UC_X86_REG_CS,
    UC_X86_REG_EAX,
    UC_X86_REG_EBX,
    UC_X86_REG_FS,
    UC_X86_REG_RAX,
    UC_X86_REG_RBX,
    UC_X86_REG_RSP,
)

from wow64emu.emu.cpu import CS32, CS64, Cpu

CODE = 0x10000
STACK_TOP = 0x90000
TEB32 = 0x70000


def asm32(src: str, addr: int) -> bytes:
    return bytes(Ks(KS_ARCH_X86, KS_MODE_32).asm(src, addr)[0])


def asm64(src: str, addr: int) -> bytes:
    return bytes(Ks(KS_ARCH_X86, KS_MODE_64).asm(src, addr)[0])


def far32(opcode: int, target: int, selector: int) -> bytes:
    """`jmp far` (EA) or `call far` (9A) ptr16:32, hand-encoded (Keystone mis-assembles them)."""
    return bytes([opcode]) + struct.pack("<IH", target, selector)


class Rig:
    """A bare CPU with one RWX block: code placed at fixed addresses, entered in 32-bit mode with a real iretq."""

    def __init__(self) -> None:
        self.cpu = Cpu()
        self.uc = self.cpu.uc
        self.uc.mem_map(CODE, 0x80000 + 0x10000, UC_PROT_ALL)
        self.cpu.set_teb(0x60000, TEB32)

    def put(self, addr: int, code: bytes) -> None:
        self.uc.mem_write(addr, code)

    def run32(self, entry: int, until: int) -> None:
        start = self.cpu.enter_user(entry, STACK_TOP, cs=CS32)
        self.uc.emu_start(start, until, count=10_000)

    def run64(self, entry: int, until: int) -> None:
        start = self.cpu.enter_user(entry, STACK_TOP, cs=CS64)
        self.uc.emu_start(start, until, count=10_000)

    def reg(self, r: int) -> int:
        return self.uc.reg_read(r)


@pytest.fixture
def rig() -> Rig:
    return Rig()


def test_byte_0x48_is_dec_eax_in_32_bit_mode_and_rex_w_in_64_bit_mode(rig: Rig) -> None:
    # 32-bit: eax = 5; 48 = dec eax; jmp far 0x33:64-bit part.
    rig.put(CODE, asm32("mov eax, 5", CODE) + b"\x48" + far32(0xEA, CODE + 0x100, CS64))
    # 64-bit: the same byte 0x48 is now REX.W: 48 FF C0 = inc rax, a 64-bit increment that carries into bit 32.
    rig.put(CODE + 0x100, asm64("mov rax, 0xffffffff", CODE + 0x100) + b"\x48\xff\xc0" + b"\x90")
    end = CODE + 0x100 + len(asm64("mov rax, 0xffffffff", 0)) + 3
    rig.run32(CODE, end)
    assert rig.reg(UC_X86_REG_CS) == CS64
    assert rig.cpu.bitness() == 64
    assert rig.reg(UC_X86_REG_RAX) == 0x1_0000_0000


def test_dec_eax_really_ran_in_32_bit_mode(rig: Rig) -> None:
    rig.put(CODE, asm32("mov eax, 5", CODE) + b"\x48" + b"\x90")
    rig.run32(CODE, CODE + 6)
    assert rig.reg(UC_X86_REG_CS) == CS32
    assert rig.cpu.bitness() == 32
    assert rig.reg(UC_X86_REG_EAX) == 4


def test_fs_base_is_teb32_in_32_bit_code(rig: Rig) -> None:
    rig.uc.mem_write(TEB32 + 0x18, struct.pack("<I", TEB32))
    code = asm32("mov ebx, dword ptr fs:[0x18]", CODE)
    rig.put(CODE, code + b"\x90")
    rig.run32(CODE, CODE + len(code))
    assert rig.reg(UC_X86_REG_FS) == 0x53
    assert rig.reg(UC_X86_REG_EBX) == TEB32


def test_call_far_and_retf_go_to_64_bit_and_back(rig: Rig) -> None:
    # 32-bit: call far 0x33:fn64; after the return, mov ebx, eax.
    call = far32(0x9A, CODE + 0x200, CS64)
    rig.put(CODE, call + asm32("mov ebx, eax", CODE + len(call)) + b"\x90")
    # 64-bit: rax = a 64-bit value; shift its high half down; retf (32-bit operand size: pops EIP and CS).
    fn64 = asm64("mov rax, 0x1234567800000000; shr rax, 32", CODE + 0x200) + b"\xcb"
    rig.put(CODE + 0x200, fn64)
    rig.run32(CODE, CODE + len(call) + 2)
    assert rig.reg(UC_X86_REG_CS) == CS32
    assert rig.reg(UC_X86_REG_EBX) == 0x12345678


def test_lcall_m16_32_through_memory(rig: Rig) -> None:
    ptr = CODE + 0x300
    rig.put(ptr, struct.pack("<IH", CODE + 0x200, CS64))
    call = b"\xff\x1d" + struct.pack("<I", ptr)  # call far [ptr]: FF /3 m16:32
    rig.put(CODE, call + asm32("mov ebx, eax", CODE + len(call)) + b"\x90")
    rig.put(CODE + 0x200, asm64("mov rax, 0x4400000000; shr rax, 32", CODE + 0x200) + b"\xcb")
    rig.run32(CODE, CODE + len(call) + 2)
    assert rig.reg(UC_X86_REG_CS) == CS32
    assert rig.reg(UC_X86_REG_EBX) == 0x44


def test_wow64ext_push_0x33_retf_idiom_and_its_way_back(rig: Rig) -> None:
    # X64_Start: push 0x33; call $+5; add dword [esp], 5; retf -> continues in 64-bit mode right after.
    enter = b"\x6a\x33" + b"\xe8\x00\x00\x00\x00" + b"\x83\x04\x24\x05" + b"\xcb"
    # 64-bit: rbx = 0x1234567800 >> 8, which needs 64-bit registers.
    # X64_End: call $+5; mov dword [rsp+4], 0x23; add dword [rsp], 0xD; retf
    body = asm64("mov rbx, 0x1234567800; shr rbx, 8", 0)
    leave = b"\xe8\x00\x00\x00\x00" + b"\xc7\x44\x24\x04\x23\x00\x00\x00" + b"\x83\x04\x24\x0d" + b"\xcb"
    after = asm32("mov ax, ds; mov ss, ax; mov eax, ebx", 0)
    code = enter + body + leave + after + b"\x90"
    rig.put(CODE, code)
    rig.run32(CODE, CODE + len(code) - 1)
    assert rig.reg(UC_X86_REG_CS) == CS32
    assert rig.reg(UC_X86_REG_EAX) == 0x12345678


def test_jmp_fword_from_64_to_32(rig: Rig) -> None:
    ptr = CODE + 0x300
    rig.put(ptr, struct.pack("<IH", CODE + 0x400, CS32))
    # jmp fword ptr [ptr]: FF /5 with an absolute 32-bit address (Keystone has no form for it).
    code = b"\xff\x2c\x25" + struct.pack("<I", ptr)
    rig.put(CODE, code)
    rig.put(CODE + 0x400, b"\x48" + b"\x90")  # dec eax in 32-bit mode
    rig.uc.reg_write(UC_X86_REG_RAX, 10)
    rig.run64(CODE, CODE + 0x401)
    assert rig.reg(UC_X86_REG_CS) == CS32
    assert rig.reg(UC_X86_REG_EAX) == 9


def test_iretq_from_64_to_32(rig: Rig) -> None:
    code = asm64(f"mov eax, 0x2b; push rax; push {STACK_TOP - 0x100:#x}; pushfq; push 0x23; "
                 f"push {CODE + 0x400:#x}; mov eax, 3; iretq", CODE)
    rig.put(CODE, code)
    rig.put(CODE + 0x400, b"\x48\x90")
    rig.run64(CODE, CODE + 0x401)
    assert rig.reg(UC_X86_REG_CS) == CS32
    assert rig.reg(UC_X86_REG_EAX) == 2
    assert rig.reg(UC_X86_REG_RSP) & 0xFFFFFFFF == STACK_TOP - 0x100


def test_retf_with_64_bit_operand_from_64_to_64(rig: Rig) -> None:
    # retfq (48 CB) pops an 8-byte RIP and CS: a far return that stays in long mode.
    code = asm64(f"push 0x33; mov rax, {CODE + 0x400:#x}; push rax", CODE) + b"\x48\xcb"
    rig.put(CODE, code)
    rig.put(CODE + 0x400, b"\x48\xff\xc3\x90")  # inc rbx (REX.W)
    rig.uc.reg_write(UC_X86_REG_RBX, 0xFFFFFFFF)
    rig.run64(CODE, CODE + 0x403)
    assert rig.reg(UC_X86_REG_CS) == CS64
    assert rig.reg(UC_X86_REG_RBX) == 0x100000000
