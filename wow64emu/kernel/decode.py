"""What the kernel reads of a faulting instruction to tell which exception a fault is, as Windows' trap handlers do.

- A #GP in user mode is STATUS_PRIVILEGED_INSTRUCTION when the instruction is one only the kernel may run. So is a
  page fault of `ins`: a CPU checks the port before the memory, QEMU writes the memory first.
- A #DE is STATUS_INTEGER_DIVIDE_BY_ZERO when the divisor of the `div`/`idiv` is zero, and STATUS_INTEGER_OVERFLOW
  when it is not (INT_MIN / -1, or any quotient too wide for its register): Windows NT reads the divisor, register or
  memory, to tell the two apart. A divisor that cannot be read leaves the divide by zero.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from typing import TYPE_CHECKING

from ..errors import GuestFault

if TYPE_CHECKING:
    from capstone import Cs

# Opcodes (after prefixes) a user-mode #GP comes from when the instruction is privileged: hlt, cli, sti, in, out,
# ins, outs; and after 0F: the descriptor-table and control/debug-register instructions, clts, invd, wbinvd, wrmsr,
# rdmsr, sysret, sysexit.
_PRIVILEGED = {0xF4, 0xFA, 0xFB, 0xE4, 0xE5, 0xE6, 0xE7, 0xEC, 0xED, 0xEE, 0xEF, 0x6C, 0x6D, 0x6E, 0x6F}
_PRIVILEGED_0F = {0x00, 0x01, 0x06, 0x07, 0x08, 0x09, 0x20, 0x21, 0x22, 0x23, 0x30, 0x32, 0x35}
_PREFIXES = {0x26, 0x2E, 0x36, 0x3E, 0x64, 0x65, 0x66, 0x67, 0xF0, 0xF2, 0xF3}
MAX_INSTRUCTION = 15


def _opcode(code: bytes, bits: int) -> int:
    """Where the opcode of the instruction at the start of `code` is, after its prefixes."""
    i = 0
    while i < 14 and (code[i] in _PREFIXES or (0x40 <= code[i] <= 0x4F and bits == 64)):
        i += 1
    return i


def is_privileged(code: bytes, bits: int) -> bool:
    """Whether the instruction at the start of `code` is one user mode may not run."""
    i = _opcode(code, bits)
    if code[i] == 0x0F:
        return code[i + 1] in _PRIVILEGED_0F
    return code[i] in _PRIVILEGED


def is_port_string_input(code: bytes, bits: int) -> bool:
    """Whether the instruction at the start of `code` is `ins` (insb, insw, insd, with or without rep)."""
    return code[_opcode(code, bits)] in (0x6C, 0x6D)


def _sub_registers() -> dict[str, tuple[str, int, int]]:
    """Each register name capstone gives -> (the 64-bit register holding it, shift, mask)."""
    out: dict[str, tuple[str, int, int]] = {}
    for x in "abcd":
        full = f"r{x}x"
        out.update({full: (full, 0, ~0), f"e{x}x": (full, 0, 0xFFFFFFFF), f"{x}x": (full, 0, 0xFFFF),
                    f"{x}l": (full, 0, 0xFF), f"{x}h": (full, 8, 0xFF)})
    for x in ("sp", "bp", "si", "di"):
        full = f"r{x}"
        out.update({full: (full, 0, ~0), f"e{x}": (full, 0, 0xFFFFFFFF), x: (full, 0, 0xFFFF),
                    f"{x}l": (full, 0, 0xFF)})
    for n in range(8, 16):
        full = f"r{n}"
        out.update({full: (full, 0, ~0), f"{full}d": (full, 0, 0xFFFFFFFF), f"{full}w": (full, 0, 0xFFFF),
                    f"{full}b": (full, 0, 0xFF)})
    return out


_SUB = _sub_registers()


@cache
def _disassembler(bits: int) -> Cs:
    """Capstone, imported at the first divide error: its import costs a start-up 40 ms."""
    from capstone import CS_ARCH_X86, CS_MODE_32, CS_MODE_64, Cs

    cs = Cs(CS_ARCH_X86, CS_MODE_64 if bits == 64 else CS_MODE_32)
    cs.detail = True
    return cs


def divisor_is_zero(code: bytes, pc: int, bits: int, regs: dict[str, int], segment_base: dict[str, int],
                    read: Callable[[int, int], bytes]) -> bool:
    """Whether the `div`/`idiv` at pc (its bytes `code`) divides by zero; True too when it cannot be told (not a
    division, a divisor that cannot be read)."""
    from capstone import CsError
    from capstone.x86 import X86_INS_DIV, X86_INS_IDIV, X86_OP_MEM, X86_OP_REG, X86_REG_FS, X86_REG_GS, X86_REG_RIP

    try:
        insn = next(_disassembler(bits).disasm(code, pc, 1), None)
    except CsError:
        return True
    if insn is None or insn.id not in (X86_INS_DIV, X86_INS_IDIV) or not insn.operands:
        return True
    operand = insn.operands[0]
    if operand.type == X86_OP_REG:
        full, shift, mask = _SUB[insn.reg_name(operand.reg)]
        return (regs[full] >> shift) & mask == 0
    if operand.type != X86_OP_MEM:
        return True
    mem = operand.mem
    address = mem.disp
    if mem.base == X86_REG_RIP:
        address += pc + insn.size
    elif mem.base:
        full, _, mask = _SUB[insn.reg_name(mem.base)]
        address += regs[full] & mask
    if mem.index:
        full, _, mask = _SUB[insn.reg_name(mem.index)]
        address += (regs[full] & mask) * mem.scale
    if mem.segment in (X86_REG_FS, X86_REG_GS):
        address += segment_base["fs" if mem.segment == X86_REG_FS else "gs"]
    address &= 0xFFFFFFFF if bits == 32 else 0xFFFFFFFFFFFFFFFF
    try:
        return not any(read(address, operand.size))
    except (GuestFault, KeyError, ValueError):
        return True
