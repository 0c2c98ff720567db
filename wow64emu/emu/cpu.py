"""The CPU: one Unicorn instance in UC_MODE_64 with the GDT of Windows x64, and the run loop.

32-bit code runs in real compatibility mode (CS = 0x23) and 64-bit code in long mode (CS = 0x33); the guest
switches between them with real far transfers. The mode is always read from the descriptor of the loaded CS.
The GDT and the kernel's return-to-user stub live in a page of the 64 KB guard above the highest user address
(0x7FFF'FFFEFFFF), which no allocation can reach. (A kernel-space address would be more faithful, but QEMU truncates
physical addresses when it loads a descriptor, so the GDT must sit below 2^47.)
"""

from __future__ import annotations

import struct
import time
from collections.abc import Callable
from dataclasses import dataclass

from unicorn import UC_ARCH_X86, UC_MODE_64, UC_PROT_EXEC, UC_PROT_READ, Uc, UcError
from unicorn.x86_const import (
    UC_X86_REG_CS,
    UC_X86_REG_FS,
    UC_X86_REG_FS_BASE,
    UC_X86_REG_GDTR,
    UC_X86_REG_GS,
    UC_X86_REG_GS_BASE,
    UC_X86_REG_RIP,
    UC_X86_REG_RSP,
)

from ..errors import EmulatorError, GuestBudgetExceeded

CS32 = 0x23
DS32 = 0x2B
CS64 = 0x33
FS32 = 0x53

SYSTEM_PAGE = 0x7FFF_FFFF_0000  # GDT and the return-to-user stub
GDT_ADDRESS = SYSTEM_PAGE
GDT_ENTRIES = 16
USER_ENTRY_STUB = SYSTEM_PAGE + 0x800
KERNEL_STACK = SYSTEM_PAGE + 0x700  # the iretq frame of the first return to user mode

_GDT_CODE32 = 0x00CFFB000000FFFF
_GDT_DATA32 = 0x00CFF3000000FFFF
_GDT_CODE64 = 0x00AFFB000000FFFF


def data_descriptor(base: int, limit: int) -> int:
    """A DPL-3 read/write data descriptor (byte granularity, 32-bit)."""
    return ((limit & 0xFFFF) | ((base & 0xFFFFFF) << 16) | (0xF3 << 40) | (((limit >> 16) & 0xF) << 48)
            | (0x4 << 52) | ((base >> 24) << 56))


# The kernel's way back to user mode: pop the iretq frame Python pushed (RIP, CS, RFLAGS, RSP, SS), after loading
# DS and ES with 0x2B from memory, so that every general register reaches user mode as Python set it.
# Hand-encoded: mov ds, word [rip+0x1a]; mov es, word [rip+0x14]; iretq; then at +0x20 the selector 0x002B.
_RETURN_TO_USER = (bytes.fromhex("8e1d1a000000" "8e0514000000" "48cf").ljust(0x20, b"\xcc")
                   + struct.pack("<H", DS32))


@dataclass(frozen=True)
class RunResult:
    reason: str  # "exit", "budget", "timeout", "fault"
    pc: int
    detail: str = ""


class Cpu:
    """The processor of one process: GDT, segment setup, the mode, the run loop."""

    def __init__(self) -> None:
        self.uc = uc = Uc(UC_ARCH_X86, UC_MODE_64)
        uc.mem_map(SYSTEM_PAGE, 0x1000, UC_PROT_READ | UC_PROT_EXEC)
        self.gdt = [0] * GDT_ENTRIES
        self.gdt[CS32 >> 3] = _GDT_CODE32
        self.gdt[DS32 >> 3] = _GDT_DATA32
        self.gdt[CS64 >> 3] = _GDT_CODE64
        self._write_gdt()
        uc.reg_write(UC_X86_REG_GDTR, (0, GDT_ADDRESS, GDT_ENTRIES * 8 - 1, 0))
        uc.mem_write(USER_ENTRY_STUB, _RETURN_TO_USER)

    def _write_gdt(self) -> None:
        self.uc.mem_write(GDT_ADDRESS, b"".join(struct.pack("<Q", d) for d in self.gdt))

    def set_teb(self, teb64: int, teb32: int | None) -> None:
        """GS base = TEB64 (64-bit code); selector 0x53 describes TEB32 for FS in 32-bit code."""
        if teb32 is not None:
            self.gdt[FS32 >> 3] = data_descriptor(teb32, 0xFFF)
            self._write_gdt()
            self.uc.reg_write(UC_X86_REG_FS, FS32)
            self.uc.reg_write(UC_X86_REG_FS_BASE, teb32)
        self.uc.reg_write(UC_X86_REG_GS, DS32)
        self.uc.reg_write(UC_X86_REG_GS_BASE, teb64)

    def descriptor(self, selector: int) -> int:
        index = selector >> 3
        return self.gdt[index] if 0 < index < GDT_ENTRIES else 0

    def bitness(self) -> int:
        """32 or 64, from the L bit of the descriptor of the loaded CS (never from the PE)."""
        return self.bitness_of(self.uc.reg_read(UC_X86_REG_CS))

    def bitness_of(self, cs: int) -> int:
        """32 or 64 for a CS selector, from its descriptor's L bit."""
        if cs == 0:  # the reset state of Unicorn: ring 0, long mode, before the first return to user mode
            return 64
        return 64 if self.descriptor(cs) >> 53 & 1 else 32

    def stop(self) -> None:
        """Stop the run after the current instruction."""
        self.uc.emu_stop()

    def enter_user(self, rip: int, rsp: int, cs: int = CS64) -> int:
        """Build the iretq frame of the kernel's return to user mode; return where the run loop starts."""
        frame = struct.pack("<5Q", rip, cs, 0x202, rsp, DS32)
        self.uc.mem_write(KERNEL_STACK, frame)
        self.uc.reg_write(UC_X86_REG_RSP, KERNEL_STACK)
        return USER_ENTRY_STUB

    def run(self, begin: int, *, finished: Callable[[], bool], max_insns: int = 0, timeout: float = 0.0,
            stop_at: int | None = None) -> RunResult:
        """Run until `finished()` says so, the CPU reaches `stop_at`, the budget or the time limit runs out, or the
        CPU faults."""
        deadline_us = int(timeout * 1_000_000) if timeout else 0
        start = time.monotonic()
        until = 0xFFFF_FFFF_FFFF_FFFF if stop_at is None else stop_at
        try:
            self.uc.emu_start(begin, until, timeout=deadline_us, count=max_insns)
        except UcError as exc:
            pc = self.uc.reg_read(UC_X86_REG_RIP)
            return RunResult("fault", pc, str(exc))
        pc = self.uc.reg_read(UC_X86_REG_RIP)
        if finished():
            return RunResult("exit", pc)
        if pc == stop_at:
            return RunResult("stopped", pc)
        if timeout and time.monotonic() - start >= timeout * 0.98:
            return RunResult("timeout", pc)
        if max_insns:
            return RunResult("budget", pc)
        raise EmulatorError(f"the CPU stopped at 0x{pc:x} for no known reason")


def budget_error(result: RunResult, max_insns: int, timeout: float) -> GuestBudgetExceeded:
    if result.reason == "budget":
        return GuestBudgetExceeded(f"the guest ran {max_insns} instructions (--max-insns) without exiting; "
                                   f"stopped at 0x{result.pc:x}")
    return GuestBudgetExceeded(f"the guest ran for {timeout:g} s (--timeout) without exiting; "
                               f"stopped at 0x{result.pc:x}")
