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
from typing import TYPE_CHECKING

from .attach import Attached, attach, first_thread_start
from .emu.cpu.backend import CS64, RunResult
from .emu.physical import DEFAULT_COMMIT_LIMIT
from .errors import BadImage, GuestBudgetExceeded
from .image.manifest import requests_execution_level
from .interrupt import stop_on_interrupt
from .kernel.console import StdStreams
from .kernel.errors import NtError
from .kernel.process import Process
from .kernel.system import System
from .kernel.token import virtualizes
from .kernel.volume import make_system_folders
from .loader.environment import Environment
from .loader.process import CreatedProcess, create_process
from .log import getLogger
from .nt.status import NTSTATUS

if TYPE_CHECKING:
    from .emu.trace import Tracer
    from .kernel.processcreate import SpawnRequest  # process creation is imported at its first call

log = getLogger(__name__)

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
    """How a run ended: the exit status, the fault that ended it if any, the system calls made."""

    exit_status: int | None
    fault: Fault | None
    syscalls: int


class Machine:
    def __init__(self, program: Path, args: list[str], *, root: Path, streams: StdStreams,
                 tracer: Tracer | None = None, trace: frozenset[str] = frozenset({"syscalls"}),
                 memory_limit: int = DEFAULT_COMMIT_LIMIT, registry_reflection: bool = False,
                 environment: Environment | None = None, elevated: bool = False,
                 virtualization: bool = False, wait_children: bool = True, drive_on_demand: bool = False) -> None:
        """`trace` says what the tracer gets: "syscalls" (every layer of every call, and the exceptions),
        "exceptions" (each exception layer by layer), "process" (the steps of process creation and the regions each
        adds). `memory_limit`: the System's commit limit, in bytes. `registry_reflection`: the registry of Windows
        Vista / Server 2008 (the option of the System's registry). `environment`: the block the program's 64-bit
        parent gives it, before WoW64's table (default: a fresh session's, loader/environment.py). `elevated`: the
        processes run with an elevated administrator's token (the System's option; kernel/token.py).
        `virtualization`: UAC virtualization for each process where Windows turns it on (token.virtualizes;
        `wow64emu run` asks for it unless --no-virtualization). `wait_children`: a run ends when every process
        the program started has ended too (`--no-wait-children`: when the program's own process ends).
        `drive_on_demand`: the drive's folders are made when the guest first uses it (a run's temporary drive)."""
        self._on_step = None
        if tracer is not None and "process" in trace:
            from .emu.trace import step_observer  # here: a run without a trace imports none of it

            self._on_step = step_observer(tracer)
        self._virtualization = virtualization
        self.wait_children = wait_children
        self.system = System(root, streams, memory_limit=memory_limit, drive_on_demand=drive_on_demand)
        if registry_reflection:  # the registry is made at its first use otherwise
            self.system.registry.reflection = True
        self.system.elevated = elevated
        if elevated:  # an administrator may add files to the system folders: they go to the drive's own
            self.system.volume.on_first_use(make_system_folders)
        self.system.spawn = self._spawn
        self.tracer = tracer if "syscalls" in trace else None
        self._any_tracer = tracer  # flushed when a run ends: its sink may hold events (JsonlSink's batch)
        self._exception_tracer = tracer if trace & {"syscalls", "exceptions"} else None
        self.created: CreatedProcess = create_process(self.system, program, args, on_step=self._on_step,
                                                        environment=environment)
        self.process = self.created.process
        self.thread = self.created.thread
        self.cpu = self.process.cpu
        self.children: list[Process] = []  # the processes started during the run, in order (their creation's
        # CreatedProcess is not kept: the parsed images would outlive the child)
        self._reported: set[int] = set()  # the children whose unhandled exception a warning told
        if tracer is not None and self.thread is not None:  # a child's thread is named when it first runs
            tracer.on_thread(self.process.pid, self.thread.tid, "main", self.created.program.name)
        attached = self._attach(self.created)
        self.entry = attached.entry
        self.dispatcher = attached.dispatcher

    def _attach(self, c: CreatedProcess) -> Attached:
        """Connect a process just made to the kernel and to WoW64, and to the trace when there is one."""
        image = c.image
        c.process.token.virtualization = self._virtualization and image is not None and virtualizes(
            c.process.token, c.process.wow64, requests_execution_level(image.image))
        return attach(c, self.tracer, self._exception_tracer)

    def _spawn(self, request: SpawnRequest) -> Process:
        """The System's spawn hook: a child from its parent's NtCreateUserProcess, attached like the first process,
        its first thread ready to start. An image the loader refuses outright is STATUS_INVALID_IMAGE_FORMAT; one
        whose imports it cannot bind makes a process that has ended with the loader's status, as on Windows."""
        before = set(self.system.processes)
        try:
            c = create_process(self.system, request.image, [], on_step=self._on_step, request=request)
        except BadImage as exc:
            made = [p for pid, p in self.system.processes.items() if pid not in before]
            return self._failed_child(request, made[0] if made else None, exc)
        self._attach(c)
        self.children.append(c.process)
        assert c.thread is not None
        c.thread.start = first_thread_start(c)
        return c.process

    def _failed_child(self, request: SpawnRequest, process: Process | None, exc: BadImage) -> Process:
        """What a failed creation left: nothing when the image itself could not be mapped (the process made for it
        is dropped), else the process, ended with the loader's status."""
        message = str(exc).splitlines()[0]
        if process is None or not process.image_base:
            if process is not None:
                del self.system.processes[process.pid]
            log.warning("a child process could not be made from %s: %s", request.image_path, message)
            raise NtError(NTSTATUS.INVALID_IMAGE_FORMAT) from None
        if not process.threads:
            process.create_thread()
        log.warning("process %d (%s) ended at its start: %s", process.pid, request.image_path, message)
        process.terminate(_load_status(str(exc)))
        return process

    # ---- running --------------------------------------------------------------------------------------

    def start_address(self) -> int:
        """Set up the first thread's registers; return where the CPU starts (the kernel's iretq to user mode)."""
        c = self.created
        cpu = self.cpu
        start = first_thread_start(c)
        cpu.set_teb(c.teb64, c.teb32 or None)
        cpu.registers(["rcx", "rdx"]).write((start.rcx, start.rdx))
        return cpu.resume_at(cpu.enter_user(start.rip, start.rsp), CS64)  # 64-bit code, whatever a former run left

    def run(self, *, max_insns: int = 0, timeout: float = 0.0, stop_at: int | None = None) -> RunOutcome:
        """Run the first thread until the process ends, faults, or reaches `stop_at` (then the process lives on,
        with exit status None in the outcome, and may be run again from its first context)."""
        begin = self.start_address()
        self.system.deadline = time.monotonic() + timeout if timeout else None
        self.system.shared_data.refresh()
        with stop_on_interrupt(self.system.stop, self.system.take_interrupt):
            try:
                result = self.system.scheduler.run(self.thread, begin, until=stop_at, max_insns=max_insns,
                                                      wait_children=self.wait_children)
            finally:
                if self._any_tracer is not None:
                    self._any_tracer.flush()
        count = self.entry.count
        self._report_children()
        if result.reason == "until":
            return RunOutcome(None, None, count)
        if result.reason in ("budget", "timeout"):
            raise budget_error(result, max_insns, timeout)
        return RunOutcome(self.process.exit_status or 0, _fault_of(self.process), count)

    def _report_children(self) -> None:
        """A child that an exception ended is told in a warning line (Windows would show its error report); its
        parent sees its exit status."""
        for child in self.children:
            fault = _fault_of(child)
            if fault is not None and child.pid not in self._reported:
                self._reported.add(child.pid)
                log.warning("process %d (%s) ended: %s", child.pid, child.image_path, fault.describe())


def _fault_of(process: Process) -> Fault | None:
    """The exception that ended a process, if one did."""
    unhandled = process.unhandled
    if unhandled is None:
        return None
    accessed = unhandled.params[1] if unhandled.code in _ACCESS_CODES and len(unhandled.params) > 1 else None
    return Fault(unhandled.code, unhandled.address, accessed)


def _load_status(message: str) -> int:
    """The status a child's loader ends it with, from what the linker could not bind."""
    for status in (NTSTATUS.DLL_NOT_FOUND, NTSTATUS.ORDINAL_NOT_FOUND, NTSTATUS.ENTRYPOINT_NOT_FOUND):
        if NTSTATUS.name_of(status) in message:
            return status
    return NTSTATUS.INVALID_IMAGE_FORMAT


def budget_error(result: RunResult, max_insns: int, timeout: float) -> GuestBudgetExceeded:
    if result.reason == "budget":
        return GuestBudgetExceeded(f"the guest ran {max_insns} instructions (--max-insns) without exiting; "
                                   f"stopped at 0x{result.pc:x}")
    return GuestBudgetExceeded(f"the guest ran for {timeout:g} s (--timeout) without exiting; "
                               f"stopped at 0x{result.pc:x}")
