"""The system-call entry: the SYSCALL instruction, reported by the process's CPU, becomes a service call.

x64 convention at the moment of `syscall`: EAX = number, arguments in R10, RDX, R8, R9, then [RSP+0x28],
[RSP+0x30], ...; the status goes back in RAX, and RCX/R11 get the return RIP and RFLAGS as SYSRET leaves them.
One register batch read, at most one stack read and one batch write per call. The service runs for the thread the
CPU runs.
"""

from __future__ import annotations

import struct
from collections.abc import Callable
from typing import TYPE_CHECKING

from ..emu.cpu.backend import CS64, Fault, FaultKind
from ..emu.eventkind import EventKind
from ..errors import CommitLimitReached, GuestFault
from ..nt.status import NTSTATUS
from .describe import by_values, describe_args, describe_outputs
from .waits import RestartWait

if TYPE_CHECKING:
    from ..emu.trace import Tracer
    from ..nt.syscalls import Syscall
    from .process import Process
    from .services import Service
    from .threadobject import Thread

_QWORDS = [struct.Struct(f"<{n}Q").unpack for n in range(32)]  # stack arguments 5, 6, ... of the x64 convention
# r13 for the trace's observer: wow64cpu's WOW64_CONTEXT when the call came through WoW64 (a register more in the
# batch costs an untraced call nothing measurable; a read of its own would cost a traced one a microsecond)
_ENTRY_REGS = ["rax", "r10", "rdx", "r8", "r9", "rsp", "rip", "eflags", "cs", "r13"]
# The trace's event of every call. Its text, the arguments and outputs described, says more than its fields when a
# handle or an object's name is among them (read when the call is made: SERVICE, whose JSONL line keeps its text);
# else it is their rendering (SERVICE_BY_VALUES, made only by the sinks that print it, as a crossing's).
SERVICE = EventKind("kernel", "service", "name number args status", strings="name", lists="args", text=True)
SERVICE_BY_VALUES = EventKind("kernel", "service", "name number args status", strings="name", lists="args")


class SyscallEntry:
    """The kernel's side of the SYSCALL instruction in one process."""

    def __init__(self, process: Process, tracer: Tracer | None = None) -> None:
        self.process = process
        self.cpu = cpu = process.cpu
        self.shared_data = process.system.shared_data
        self.tracer = tracer
        # The trace's observer of the 64-bit stubs (observe.py), told of each `syscall` (its address, CS, r13, the
        # argument registers and rsp) before the kernel serves it, but a call done again after its wait (its stub was
        # not entered again).
        self.stub_observer: Callable[[int, int, int, tuple[int, ...], int], None] | None = None
        self.count = 0
        self.served: dict[tuple[str, bool], int] = {}  # (call, failed) -> how often: the table's coverage
        self.services = process.system.services.services
        self.dispatch = process.system.services.dispatch
        self._entry_regs = cpu.registers(_ENTRY_REGS)
        self._exit_regs = cpu.registers(["rax", "rcx", "r11"])
        cpu.on_syscall(self._on_syscall)

    def _on_syscall(self) -> None:
        eax, r10, rdx, r8, r9, rsp, rip, eflags, cs, r13 = self._entry_regs.read()
        if cs != CS64 and self.cpu.bitness_of(cs) != 64:
            # A real CPU raises #UD for SYSCALL in compatibility mode on Intel; Windows reports it as such.
            self.cpu.raise_fault(Fault(FaultKind.INVALID_OPCODE, rip, rip, cs, vector=6))
            return
        if self.stub_observer is not None and self.process.running.redo is None:
            self.stub_observer(rip, cs, r13, (r10, rdx, r8, r9), rsp)
        number = eax & 0xFFFFFFFF
        entry = self.services.get(number)
        call = entry[0] if entry else None
        args: list[int] = []
        shown: list[str] | None = []  # the arguments described for the trace; None: by their values alone (later)
        if entry is None:
            self.count += 1
            status = NTSTATUS.INVALID_SYSTEM_SERVICE
        else:
            call, service = entry
            params = len(call.params)
            try:
                regs = (r10, rdx, r8, r9) if params <= 4 else (r10, rdx, r8, r9, *_QWORDS[params - 4](
                    self.process.memory.read(rsp + 0x28, 8 * (params - 4))))
            except (GuestFault, CommitLimitReached) as exc:  # the stack arguments cannot be read (or, on a mapped
                # file's page, with no memory left for it)
                self.count += 1
                status = NTSTATUS.ACCESS_VIOLATION if isinstance(exc, GuestFault) else NTSTATUS.COMMITMENT_LIMIT
                self._count(call, status)
            else:
                args = list(map(int.__and__, regs, call.masks))
                if self.tracer is not None:
                    shown = None if by_values(call) else describe_args(self.process, call, args)
                    if self.tracer.timed:  # a mark only a timeline takes (Tracer.mark)
                        self.tracer.mark("kernel", "enter", name=call.name)
                thread = self.process.running
                status = self.serve(call, service, thread, args)
                if self.stop_for(thread, rip, number):
                    self.cpu.stop()  # the thread waits, ends, yields, or goes on elsewhere: the scheduler takes over
        self._exit_regs.write((status, rip + 2, eflags))
        if entry is None:
            self.shared_data.refresh()
        if self.tracer is not None:
            self._trace(number, call, args, shown, status)

    def serve(self, call: Syscall, service: Service, thread: Thread, args: list[int]) -> int:
        """One service for the thread, with the arguments as the kernel takes them (masked to their declared
        widths), counted; what a system call does whichever way it came (the SYSCALL instruction, or wow64's
        dispatch serving a 32-bit call without it: thunks/dispatch.py)."""
        self.count += 1
        status = self.dispatch(service, thread, args)
        self._count(call, status)
        self.shared_data.refresh()  # on the way out: a wait inside the service moves the clock
        return status

    @staticmethod
    def stop_for(thread: Thread, syscall_at: int, number: int) -> bool:
        """Whether the thread's call left it to the scheduler (it waits, ends, yields, or goes on elsewhere); a
        restart wait learns where its call is done again: the `syscall` at `syscall_at`, with EAX = `number`."""
        if thread.wait is None and thread.resume is None and thread.exit_status is None and not thread.yielding \
                and not thread.suspend_count:
            return False
        if isinstance(thread.wait, RestartWait):
            thread.wait.redo_at = (syscall_at, number)
        return True

    def _count(self, call: Syscall, status: int) -> None:
        served = self.served
        key = (call.name, status >= 0xC0000000)
        served[key] = served.get(key, 0) + 1

    def _trace(self, number: int, call: Syscall | None, args: list[int], shown: list[str] | None,
               status: int) -> None:
        t = self.tracer
        state = t.state
        if not state.wow64_call_active and not state.native_call_open:
            t.begin_call()
        state.native_call_open = False
        name = call.name if call else f"service 0x{number:x}"
        if shown is None:  # described by the values alone: by a sink that prints the text, if any
            t.emit_kind(SERVICE_BY_VALUES, lambda: _service_text(name, status, describe_args(self.process, call, args)),
                        name, number, tuple(args), status & 0xFFFFFFFF)
            return
        if call is not None and status == NTSTATUS.SUCCESS:
            shown += describe_outputs(self.process, call, args)
        t.emit_kind(SERVICE, _service_text(name, status, shown), name, number, tuple(args), status & 0xFFFFFFFF)


def _service_text(name: str, status: int, shown: list[str]) -> str:
    return "\n  ".join([f"{name} -> {NTSTATUS.name_of(status)}", *shown])
