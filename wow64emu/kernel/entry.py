"""The system-call entry: the SYSCALL instruction, seen by a Unicorn hook, becomes a service call.

x64 convention at the moment of `syscall`: EAX = number, arguments in R10, RDX, R8, R9, then [RSP+0x28],
[RSP+0x30], ...; the status goes back in RAX, and RCX/R11 get the return RIP and RFLAGS as SYSRET leaves them.
One register batch read, at most one stack read and one batch write per call.
"""

from __future__ import annotations

import struct
from collections.abc import Callable
from typing import TYPE_CHECKING

from unicorn import UC_HOOK_INSN, Uc
from unicorn.x86_const import (
    UC_X86_INS_SYSCALL,
    UC_X86_REG_CS,
    UC_X86_REG_EFLAGS,
    UC_X86_REG_R8,
    UC_X86_REG_R9,
    UC_X86_REG_R10,
    UC_X86_REG_R11,
    UC_X86_REG_RAX,
    UC_X86_REG_RCX,
    UC_X86_REG_RDX,
    UC_X86_REG_RIP,
    UC_X86_REG_RSP,
)

from ..emu.cpu import CS64
from ..emu.trace import Tracer
from ..emu.uclib import RegisterBatch
from ..errors import GuestFault
from ..nt.status import NTSTATUS
from .describe import describe_args, describe_outputs

if TYPE_CHECKING:
    from ..nt.syscalls import Syscall
    from .process import Process
    from .shareddata import SharedClock

_QWORDS = [struct.Struct(f"<{n}Q").unpack for n in range(32)]  # stack arguments 5, 6, ... of the x64 convention
_ENTRY_REGS = [UC_X86_REG_RAX, UC_X86_REG_R10, UC_X86_REG_RDX, UC_X86_REG_R8, UC_X86_REG_R9, UC_X86_REG_RSP,
               UC_X86_REG_RIP, UC_X86_REG_EFLAGS, UC_X86_REG_CS]


class SyscallEntry:
    """Installs the SYSCALL hook of one process."""

    def __init__(self, process: Process, bitness_of: Callable[[int], int], on_fault: Callable[[int, int], None],
                 tracer: Tracer | None = None, clock: SharedClock | None = None) -> None:
        self.process = process
        self.clock = clock
        self.bitness_of = bitness_of  # CS selector -> 32 or 64
        self.on_fault = on_fault
        self.tracer = tracer
        self.count = 0
        self.served: dict[tuple[str, bool], int] = {}  # (call, failed) -> how often: the table's coverage
        self.services = process.system.services.services
        self.dispatch = process.system.services.dispatch
        self._entry_regs = RegisterBatch(process.cpu.uc, _ENTRY_REGS)
        self._exit_regs = RegisterBatch(process.cpu.uc, [UC_X86_REG_RAX, UC_X86_REG_RCX, UC_X86_REG_R11])
        process.cpu.uc.hook_add(UC_HOOK_INSN, self._on_syscall, None, 1, 0, UC_X86_INS_SYSCALL)

    def _on_syscall(self, uc: Uc, _user: object) -> None:
        eax, r10, rdx, r8, r9, rsp, rip, eflags, cs = self._entry_regs.read()
        if cs != CS64 and self.bitness_of(cs) != 64:
            # A real CPU raises #UD for SYSCALL in compatibility mode on Intel; Windows reports it as such.
            self.on_fault(NTSTATUS.ILLEGAL_INSTRUCTION, rip)
            return
        self.count += 1
        number = eax & 0xFFFFFFFF
        entry = self.services.get(number)
        call = entry[0] if entry else None
        args: list[int] = []
        shown: list[str] = []
        if entry is None:
            status = NTSTATUS.INVALID_SYSTEM_SERVICE
        else:
            call, service = entry
            params = len(call.params)
            try:
                regs = (r10, rdx, r8, r9) if params <= 4 else (r10, rdx, r8, r9, *_QWORDS[params - 4](
                    self.process.memory.read(rsp + 0x28, 8 * (params - 4))))
            except GuestFault:
                status = NTSTATUS.ACCESS_VIOLATION
            else:
                args = list(map(int.__and__, regs, call.masks))
                if self.tracer is not None:
                    shown = describe_args(self.process, call, args)
                status = self.dispatch(service, self.process.running, args)
            served = self.served
            key = (call.name, status >= 0xC0000000)
            served[key] = served.get(key, 0) + 1
        self._exit_regs.write((status, rip + 2, eflags))
        if self.clock is not None:  # on the way out: a wait inside the service moves the clock
            self.clock.refresh()
        if self.tracer is not None:
            self._trace(number, call, args, shown, status)

    def _trace(self, number: int, call: Syscall | None, args: list[int], shown: list[str], status: int) -> None:
        t = self.tracer
        if not t.wow64_call_active and not t.native_call_open:
            t.begin_call()
        t.native_call_open = False
        name = call.name if call else f"service 0x{number:x}"
        rows = [f"{name} -> {NTSTATUS.name_of(status)}", *(f"  {a}" for a in shown)]
        if call is not None and status == NTSTATUS.SUCCESS:
            rows += [f"  {o}" for o in describe_outputs(self.process, call, args)]
        t.emit("kernel", "service", "\n".join(rows), name=name, number=number, args=args,
               status=status & 0xFFFFFFFF)
