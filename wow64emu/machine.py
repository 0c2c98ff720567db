"""A machine runs one program: it creates the process, installs the hooks, starts the first thread, and reports.

Hooks that always exist cost nothing per instruction: the SYSCALL instruction hook (the kernel's entry), two
single-address code hooks in wow64.dll (the thunk layer), and the interrupt and invalid-memory hooks that only
fire on a fault. Observation hooks for a trace are installed only when a trace is asked for.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

from unicorn import (
    UC_HOOK_INTR,
    UC_HOOK_MEM_FETCH_PROT,
    UC_HOOK_MEM_FETCH_UNMAPPED,
    UC_HOOK_MEM_READ_PROT,
    UC_HOOK_MEM_READ_UNMAPPED,
    UC_HOOK_MEM_WRITE_PROT,
    UC_HOOK_MEM_WRITE_UNMAPPED,
    Uc,
)
from unicorn.x86_const import UC_X86_REG_RCX, UC_X86_REG_RDX, UC_X86_REG_RIP

from .emu.cpu import budget_error
from .emu.trace import Tracer, trace_step
from .errors import EmulatorError
from .kernel.console import StdStreams
from .kernel.entry import SyscallEntry
from .kernel.shareddata import SharedClock
from .kernel.system import System
from .loader.process import CreatedProcess, create_process
from .nt.status import NTSTATUS
from .nt.syscalls import syscalls
from .thunks.dispatch import Wow64Dispatcher

_INTERRUPT_STATUS = {
    0: NTSTATUS.INTEGER_DIVIDE_BY_ZERO,
    1: NTSTATUS.SINGLE_STEP,
    3: NTSTATUS.BREAKPOINT,
    4: NTSTATUS.INTEGER_OVERFLOW,
    6: NTSTATUS.ILLEGAL_INSTRUCTION,
    13: NTSTATUS.PRIVILEGED_INSTRUCTION,
    14: NTSTATUS.ACCESS_VIOLATION,
}
_MEM_FAULTS = (UC_HOOK_MEM_READ_UNMAPPED | UC_HOOK_MEM_WRITE_UNMAPPED | UC_HOOK_MEM_FETCH_UNMAPPED
               | UC_HOOK_MEM_READ_PROT | UC_HOOK_MEM_WRITE_PROT | UC_HOOK_MEM_FETCH_PROT)


@dataclass(frozen=True)
class Fault:
    """An exception the guest did not handle: the process ends with its code as exit status."""

    status: int
    pc: int
    address: int | None = None

    def describe(self) -> str:
        where = f" accessing 0x{self.address:x}" if self.address is not None else ""
        return (f"unhandled exception 0x{self.status:08X} ({NTSTATUS.name_of(self.status)}) at 0x{self.pc:x}"
                f"{where}")


@dataclass(frozen=True)
class RunOutcome:
    exit_status: int | None
    fault: Fault | None
    syscalls: int


class Machine:
    def __init__(self, program: Path, args: list[str], *, root: Path, streams: StdStreams,
                 tracer: Tracer | None = None, trace: frozenset[str] = frozenset({"syscalls"})) -> None:
        """`trace` says what the tracer gets: "syscalls" (every layer of every call), "process" (the steps of
        process creation and the regions each adds)."""
        on_step = (lambda c, step, what, regions: trace_step(tracer, step, what, regions, c.guest_path)) if (
            tracer is not None and "process" in trace) else None
        self.system = System(root, streams)
        self.created: CreatedProcess = create_process(self.system, program, args, on_step=on_step)
        self.process = self.created.process
        self.thread = self.created.thread
        self.cpu = self.process.cpu
        if "syscalls" not in trace:
            tracer = None
        self.tracer = tracer
        self.fault: Fault | None = None
        uc = self.cpu.uc
        self.clock = SharedClock(uc)
        self.entry = SyscallEntry(self.process, self.cpu.bitness_of, self._on_fault, tracer, self.clock)
        self.dispatcher = self._install_wow64() if self.process.wow64 else None
        uc.hook_add(UC_HOOK_INTR, self._on_interrupt)
        uc.hook_add(_MEM_FAULTS, self._on_bad_memory)
        if tracer is not None:
            from .observe import install_observers

            install_observers(self.created, tracer)

    def _install_wow64(self) -> Wow64Dispatcher:
        c = self.created
        wow64 = c.modules64["wow64.dll"]
        ntdll64 = c.modules64["ntdll.dll"]
        stubs64 = {s.name: ntdll64.exports[s.name] for s in syscalls() if s.name in ntdll64.exports}
        return Wow64Dispatcher(self.process, stubs64=stubs64, dispatch_addr=wow64.exports["Wow64ThunkDispatch"],
                               complete_addr=wow64.exports["Wow64ThunkComplete"],
                               not_found_addr=wow64.exports["Wow64ServiceNotFound"],
                               fast_table=wow64.exports["Wow64FastTable"], tracer=self.tracer)

    # ---- faults ---------------------------------------------------------------------------------------

    def _on_fault(self, status: int, pc: int, address: int | None = None) -> None:
        if self.fault is None:
            self.fault = Fault(status, pc, address)
        self.cpu.stop()

    def _on_interrupt(self, uc: Uc, intno: int, _user: object) -> None:
        status = _INTERRUPT_STATUS.get(intno, NTSTATUS.ACCESS_VIOLATION)
        self._on_fault(status, uc.reg_read(UC_X86_REG_RIP))

    def _on_bad_memory(self, uc: Uc, _access: int, address: int, _size: int, _value: int, _user: object) -> bool:
        self._on_fault(NTSTATUS.ACCESS_VIOLATION, uc.reg_read(UC_X86_REG_RIP), address)
        return False

    # ---- running --------------------------------------------------------------------------------------

    def start_address(self) -> int:
        """Set up the first thread's registers; return where the CPU starts (the kernel's iretq to user mode)."""
        c = self.created
        uc = self.cpu.uc
        if self.process.wow64:
            self.cpu.set_teb(c.teb64, c.teb32)
            run_simulated = c.modules64["wow64cpu.dll"].exports["RunSimulatedCode"]
            return self.cpu.enter_user(run_simulated, c.stack64[1] - 0x100)
        self.cpu.set_teb(c.teb64, None)
        uc.reg_write(UC_X86_REG_RCX, c.image.entry)
        uc.reg_write(UC_X86_REG_RDX, c.peb64)
        return self.cpu.enter_user(c.modules64["ntdll.dll"].exports["RtlUserThreadStart"], c.stack64[1] - 0x108)

    def run(self, *, max_insns: int = 0, timeout: float = 0.0, stop_at: int | None = None) -> RunOutcome:
        """Run the first thread until the process ends, faults, or reaches `stop_at` (then the process lives on,
        with exit status None in the outcome, and may be run again from its first context)."""
        begin = self.start_address()
        self.fault = None
        self.system.deadline = time.monotonic() + timeout if timeout else None
        self.process.running = self.thread
        self.clock.refresh()
        result = self.cpu.run(begin, finished=lambda: self.process.exit_status is not None or self.fault is not None,
                              max_insns=max_insns, timeout=timeout, stop_at=stop_at)
        if result.reason == "stopped":
            return RunOutcome(None, None, self.entry.count)
        if result.reason in ("budget", "timeout"):
            raise budget_error(result, max_insns, timeout)
        if result.reason == "fault" and self.fault is None:
            raise EmulatorError(f"the CPU stopped at 0x{result.pc:x}: {result.detail}")
        if self.fault is not None:
            return RunOutcome(self.fault.status, self.fault, self.entry.count)
        return RunOutcome(self.process.exit_status or 0, None, self.entry.count)
