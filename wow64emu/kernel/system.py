"""The System: one per emulator run, holding what Windows keeps once for the whole machine.

Physical memory and its commit limit (--memory-limit), KUSER_SHARED_DATA and its clocks, the object namespace
(\\BaseNamedObjects and the directory objects), the C: volume, the pipes, the registry (opened when first used),
the console (over the host streams), the allocator of process and thread ids, the table of processes, the
scheduler and the service table. Each process gets its CPU from the System, which chooses the backend. A System
can hold several processes: a second one shares the namespace and the volume with the first and needs nothing new
of them. Two Systems share nothing.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from ..emu.cpu.backend import CpuBackend
from ..emu.cpu.detached import DetachedCpu
from ..emu.cpu.unicorn import UnicornCpu
from ..emu.physical import DEFAULT_COMMIT_LIMIT, PhysicalMemory
from ..errors import GuestBudgetExceeded
from .console import Console, StdStreams
from .namespace import Namespace
from .pipes import NamedPipes
from .process import Process
from .scheduler import Scheduler
from .services import ServiceTable
from .shareddata import SharedUserData
from .threadobject import Thread
from .volume import Volume

if TYPE_CHECKING:
    from .processcreate import Spawn  # process creation is imported at its first call
    from .registry_keys import Registry

FIRST_CLIENT_ID = 0x1A2C  # process and thread ids: multiples of 4 from one table, as Windows' PspCidTable gives
# Bytes of the commit limit a live process takes for what the host spends on it beside its memory (its Unicorn
# engine: translation buffers, TLB, about 4 MB), so that a guest starting processes without end runs into the limit
# (STATUS_COMMITMENT_LIMIT) before the host runs short; given back when the ended process is reaped.
PROCESS_CHARGE = 4 << 20
INTERRUPT_AGAIN = 2.0  # seconds: a second Ctrl-C this soon after one the guest took ends the run
CTRL_C_EVENT = 0


class System:
    def __init__(self, root: Path, streams: StdStreams,
                 cpu: Callable[[PhysicalMemory], CpuBackend] = UnicornCpu,
                 memory_limit: int = DEFAULT_COMMIT_LIMIT, drive_on_demand: bool = False) -> None:
        """`drive_on_demand`: the C: drive's folders are made when it is first used (Volume's `on_demand`)."""
        self.physical = PhysicalMemory(memory_limit)
        self.shared_data = SharedUserData(self.physical)
        self._new_cpu = cpu
        self.streams = streams
        self.console = Console(streams)
        self.namespace = Namespace()
        self.volume = Volume(root, on_demand=drive_on_demand)
        self.pipes = NamedPipes(self.physical)
        self._registry_drive = root
        self.processes: dict[int, Process] = {}
        self.services = ServiceTable(self)
        self.scheduler = Scheduler(self)
        self.deadline: float | None = None  # time.monotonic() when the run's --timeout ends: waits stop there
        self.ctrl_pending: int | None = None  # a console control event the scheduler has yet to deliver
        self._ctrl_taken = -INTERRUPT_AGAIN  # when the guest last took a Ctrl-C (time.monotonic())
        self._next_id = FIRST_CLIENT_ID
        self.elevated = False  # --elevated: each process's token an elevated administrator's (token.py)
        # How NtCreateUserProcess makes a process from an image: the loader's work, which the Machine sets here (the
        # kernel does not import the loader); None: processes cannot be created (STATUS_NOT_SUPPORTED).
        self.spawn: Spawn | None = None

    def new_id(self) -> int:
        """A process or thread id never given before in this System."""
        cid = self._next_id
        self._next_id += 4
        return cid

    @cached_property
    def registry(self) -> Registry:
        """The registry, made at its first use: a run that never touches it imports none of its modules."""
        from .registry_keys import Registry

        return Registry(self._registry_drive)

    def new_cpu(self) -> CpuBackend:
        return self._new_cpu(self.physical)

    def create_process(self, *, wow64: bool, large_address_aware: bool = False) -> Process:
        """A new, empty process: an address space and a CPU, no thread yet (CommitLimitReached when the commit
        limit has no room for what the host spends on it: PROCESS_CHARGE)."""
        self.physical.charge(PROCESS_CHARGE)
        process = Process(self, self.new_id(), wow64=wow64, large_address_aware=large_address_aware)
        self.processes[process.pid] = process
        return process

    def reap(self, keep: Process) -> None:
        """Tear down what processes that have ended still hold, between runs (no CPU runs): their address space goes
        back to physical memory and their CPU (its Unicorn engine, megabytes) is closed, as Windows frees an exited
        process's address space while handles still name it. The process object stays while a handle names it, for
        its exit status and times; then it leaves the process table (Process.close). `keep`, the first process, is
        left whole: the Machine reports on it."""
        for process in list(self.processes.values()):
            if process is keep or process.exit_status is None or process.reaped:
                continue
            process.reaped = True
            cpu, process.cpu = process.cpu, DetachedCpu()
            process.memory.cpu = process.cpu  # the pages need not be unmapped one by one: the tables go whole
            process.memory.release_all()
            cpu.close()
            self.physical.uncharge(PROCESS_CHARGE)
            for thread in process.threads:
                thread.context = None
            if not process.handle_count:
                del self.processes[process.pid]

    def recycle_frames(self) -> None:
        """Give back the frames set aside because code was translated from them: every CPU drops the code it
        translated first. Called where no CPU runs (between runs of the scheduler)."""
        if self.physical.quarantined:
            for process in self.processes.values():
                process.cpu.flush_code()
            self.physical.recycle()

    def check_deadline(self, doing: str) -> None:
        """Raise GuestBudgetExceeded once the run's --timeout has passed: what a long kernel operation calls between
        its pieces, so that the time limit holds inside a system call too."""
        if self.deadline is not None and time.monotonic() > self.deadline:
            raise GuestBudgetExceeded(f"the guest's --timeout ran out during {doing}")

    def ctrl_event(self, event: int) -> None:
        """A console control event (CTRL_C_EVENT, CTRL_BREAK_EVENT) for every process attached to the console: the
        scheduler starts a thread at each one's kernel32!CtrlRoutine, as Windows' console does."""
        self.ctrl_pending = event

    def take_interrupt(self) -> bool:
        """Ctrl-C on the host: the guest takes it as a CTRL_C_EVENT when a live process can (it has kernel32's
        CtrlRoutine), unless it took one less than INTERRUPT_AGAIN seconds ago, or has not yet: then the run ends,
        whatever the guest's handlers would say (a guest cannot make itself impossible to interrupt)."""
        now = time.monotonic()
        if self.ctrl_pending is not None or now - self._ctrl_taken < INTERRUPT_AGAIN or not any(
                p.ctrl_routine and p.exit_status is None for p in self.processes.values()):
            return False
        self._ctrl_taken = now
        self.ctrl_event(CTRL_C_EVENT)
        for process in self.processes.values():
            if process.running is not None:
                process.running.yielding = True  # the thread that runs gives way at its next call, if it has to
        return True

    def stop(self) -> None:
        """Stop every CPU after its current instruction (callable from another thread: Ctrl-C's watcher, when the run
        is to end with KeyboardInterrupt)."""
        for process in list(self.processes.values()):
            process.cpu.stop()

    def thread(self, tid: int) -> Thread | None:
        """The thread of that id, in any process."""
        for process in self.processes.values():
            for thread in process.threads:
                if thread.tid == tid:
                    return thread
        return None
