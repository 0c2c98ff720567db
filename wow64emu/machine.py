"""A machine runs one program: it makes a System and the program's process, connects the kernel and the WoW64
layer to the process's CPU, starts the first thread, and reports how the run ended.

What is connected costs nothing per instruction: the kernel's SYSCALL handler, two single-address code hooks in
wow64.dll (the thunk layer), and the CPU's own fault hooks, which only fire on a fault. Observation hooks for a
trace exist only when a trace is asked for.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

from .emu.cpu.backend import CS64, RunResult
from .emu.physical import DEFAULT_COMMIT_LIMIT
from .emu.trace import Tracer, step_observer
from .errors import GuestBudgetExceeded
from .image.manifest import requests_execution_level
from .interrupt import stop_on_interrupt
from .kernel.console import StdStreams
from .kernel.entry import SyscallEntry
from .kernel.system import System
from .kernel.threadlife import NATIVE_START_RSP, WOW64_START_RSP
from .kernel.token import virtualizes
from .loader.environment import Environment
from .loader.process import CreatedProcess, create_process
from .nt.status import NTSTATUS
from .nt.syscalls import syscalls
from .thunks.dispatch import Wow64Dispatcher
from .thunks.exceptions import Wow64PrepareForException

# The codes whose second parameter is the address accessed.
_ACCESS_CODES = {NTSTATUS.ACCESS_VIOLATION, NTSTATUS.GUARD_PAGE_VIOLATION, NTSTATUS.STACK_OVERFLOW}


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
                 tracer: Tracer | None = None, trace: frozenset[str] = frozenset({"syscalls"}),
                 memory_limit: int = DEFAULT_COMMIT_LIMIT, registry_reflection: bool = False,
                 environment: Environment | None = None, elevated: bool = False,
                 virtualization: bool = False) -> None:
        """`trace` says what the tracer gets: "syscalls" (every layer of every call, and the exceptions),
        "exceptions" (each exception layer by layer), "process" (the steps of process creation and the regions each
        adds). `memory_limit`: the System's commit limit, in bytes. `registry_reflection`: the registry of Windows
        Vista / Server 2008 (the option of the System's registry). `environment`: the block the program's 64-bit
        parent gives it, before WoW64's table (default: a fresh session's, loader/environment.py). `elevated`: the
        processes run with an elevated administrator's token (the System's option; kernel/token.py).
        `virtualization`: UAC virtualization for the process where Windows turns it on (token.virtualizes;
        `wow64emu run` asks for it unless --no-virtualization)."""
        on_step = step_observer(tracer) if tracer is not None and "process" in trace else None
        self.system = System(root, streams, memory_limit=memory_limit)
        self.system.registry.reflection = registry_reflection
        self.system.elevated = elevated
        self.created: CreatedProcess = create_process(self.system, program, args, on_step=on_step,
                                                        environment=environment)
        self.process = self.created.process
        image = self.created.image
        self.process.token.virtualization = virtualization and image is not None and virtualizes(
            self.process.token, self.process.wow64, requests_execution_level(image.image))
        self.thread = self.created.thread
        self.cpu = self.process.cpu
        if tracer is not None:
            tracer.on_thread(self.process.pid, self.thread.tid, "main", self.created.program.name)
        self.process.tracer = tracer if trace & {"syscalls", "exceptions"} else None
        if "syscalls" not in trace:
            tracer = None
        self.tracer = tracer
        self.entry = SyscallEntry(self.process, tracer)
        self.dispatcher = self._install_wow64() if self.process.wow64 else None
        if tracer is not None:
            from .observe import install_observers

            install_observers(self.created, tracer)
        if self.process.tracer is not None:
            from .observe import install_exception_observers

            install_exception_observers(self.created, self.process.tracer)

    def _install_wow64(self) -> Wow64Dispatcher:
        c = self.created
        wow64 = c.modules64["wow64.dll"]
        ntdll64 = c.modules64["ntdll.dll"]
        stubs64 = {s.name: ntdll64.exports[s.name] for s in syscalls() if s.name in ntdll64.exports}
        dispatcher32 = c.modules32["ntdll.dll"].exports["KiUserExceptionDispatcher"]
        Wow64PrepareForException(self.process, hook=wow64.exports["Wow64ExceptionHook"],
                                 run_simulated=c.modules64["wow64cpu.dll"].exports["RunSimulatedCode"],
                                 dispatcher32=dispatcher32, tracer=self.process.tracer)
        return Wow64Dispatcher(self.process, stubs64=stubs64, dispatch_addr=wow64.exports["Wow64ThunkDispatch"],
                               complete_addr=wow64.exports["Wow64ThunkComplete"],
                               not_found_addr=wow64.exports["Wow64ServiceNotFound"],
                               fast_table=wow64.exports["Wow64FastTable"], exception_dispatcher32=dispatcher32,
                               tracer=self.tracer)

    # ---- running --------------------------------------------------------------------------------------

    def start_address(self) -> int:
        """Set up the first thread's registers; return where the CPU starts (the kernel's iretq to user mode)."""
        c = self.created
        cpu = self.cpu
        process = self.process
        if process.wow64:
            cpu.set_teb(c.teb64, c.teb32)
            begin = cpu.enter_user(process.run_simulated, c.stack64[1] - WOW64_START_RSP)
        else:
            cpu.set_teb(c.teb64, None)
            cpu.registers(["rcx", "rdx"]).write((c.image.entry, c.peb64))
            begin = cpu.enter_user(process.thread_start64, c.stack64[1] - NATIVE_START_RSP)
        return cpu.resume_at(begin, CS64)  # the stub is 64-bit code, whatever mode a former run stopped in

    def run(self, *, max_insns: int = 0, timeout: float = 0.0, stop_at: int | None = None) -> RunOutcome:
        """Run the first thread until the process ends, faults, or reaches `stop_at` (then the process lives on,
        with exit status None in the outcome, and may be run again from its first context)."""
        begin = self.start_address()
        self.system.deadline = time.monotonic() + timeout if timeout else None
        self.system.shared_data.refresh()
        with stop_on_interrupt(self.system.stop, self.system.take_interrupt):
            result = self.system.scheduler.run(self.thread, begin, until=stop_at, max_insns=max_insns)
        count = self.entry.count
        if result.reason == "until":
            return RunOutcome(None, None, count)
        if result.reason in ("budget", "timeout"):
            raise budget_error(result, max_insns, timeout)
        unhandled = self.process.unhandled
        fault = None
        if unhandled is not None:
            accessed = unhandled.params[1] if unhandled.code in _ACCESS_CODES and len(unhandled.params) > 1 else None
            fault = Fault(unhandled.code, unhandled.address, accessed)
        return RunOutcome(self.process.exit_status or 0, fault, count)


def budget_error(result: RunResult, max_insns: int, timeout: float) -> GuestBudgetExceeded:
    if result.reason == "budget":
        return GuestBudgetExceeded(f"the guest ran {max_insns} instructions (--max-insns) without exiting; "
                                   f"stopped at 0x{result.pc:x}")
    return GuestBudgetExceeded(f"the guest ran for {timeout:g} s (--timeout) without exiting; "
                               f"stopped at 0x{result.pc:x}")
