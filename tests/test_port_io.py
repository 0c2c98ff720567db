"""`in`, `out`, `ins` and `outs` in user mode raise #GP at the instruction, as on a CPU (Windows gives
STATUS_PRIVILEGED_INSTRUCTION): Unicorn itself runs them at CPL 3, and starts the rest of their translation block,
whose registers and memory must come out untouched."""

import struct

import pytest

from tests.test_cpu import CODE, CS32, CS64, DATA, STACK_TOP, Rig, asm32, asm64, paged, rig  # noqa: F401
from wow64emu.emu.cpu.backend import FaultKind

# (not `ins`: QEMU writes a dummy 0 to [edi] before the port is read, so its #GP comes after that write)
PORT_INSTRUCTIONS = ["out dx, al", "in al, dx", "out 0x80, eax", "in eax, 0x60", "outsd", "rep outsb", "in ax, dx"]


@pytest.mark.parametrize("bits", [32, 64])
@pytest.mark.parametrize("instruction", PORT_INSTRUCTIONS)
def test_port_io_is_a_general_protection_fault_at_the_instruction_with_nothing_after_it_run(
        paged: Rig, bits: int, instruction: str) -> None:  # noqa: F811
    asm, cs, reg = (asm32, CS32, "e") if bits == 32 else (asm64, CS64, "r")
    before = asm(f"mov {reg}cx, {DATA:#x}; mov {reg}si, {DATA:#x}; mov {reg}di, {DATA + 0x10:#x}; mov eax, 0x11; "
                 "mov edx, 0x3f8", CODE)
    at = CODE + len(before)
    code = asm(instruction, at)
    # the rest of the block: a register changed, memory written, a system call; none may happen
    after = asm(f"inc eax; mov dword ptr [{reg}cx], 0x77; mov edx, 1; syscall; nop", at + len(code))
    paged.put(CODE, before + code + after)
    paged.space.poke(DATA, b"\xaa" * 0x20)
    result = paged.run(paged.cpu.resume_at(paged.cpu.enter_user(CODE, STACK_TOP, cs), CS64), CODE + 0x100)
    fault = result.fault
    assert result.reason == "fault" and fault is not None
    assert (fault.kind, fault.pc, fault.resume, fault.cs) == (FaultKind.GENERAL_PROTECTION, at, at, cs)
    assert (paged.reg("rip"), paged.reg("rax"), paged.reg("rdx")) == (at, 0x11, 0x3F8)
    assert paged.space.peek(DATA, 0x20) == b"\xaa" * 0x20


def test_port_io_faults_every_time_and_the_thread_goes_on_after_each(paged: Rig) -> None:  # noqa: F811
    """A handler skipping the `out` 300 times: each resume runs paged memory again (CR3 is back)."""
    paged.put(CODE, asm32(f"mov ecx, {DATA:#x}; inc dword ptr [ecx]", CODE) + b"\xee"
              + asm32(f"jmp {CODE:#x}", CODE + 8))
    begin = paged.cpu.enter_user(CODE, STACK_TOP, CS32)
    for _ in range(300):
        result = paged.run(begin, CODE + 0xF00)
        assert result.fault is not None and result.fault.pc == CODE + 7
        begin = paged.cpu.resume_at(CODE + 8, CS32)
    assert struct.unpack("<I", paged.space.peek(DATA, 4))[0] == 300
