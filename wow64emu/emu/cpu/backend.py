"""What the rest of the emulator asks of a CPU: the protocol, in the spirit of Windows' BTCpu interface.

A CPU belongs to one process. It runs the thread whose context it holds until an event: the run's end address,
the budget or the time limit, a stop asked for (the process ended, a wait blocked the thread), or a fault. A system
call is the one event served without leaving the run: the CPU calls the handler given to on_syscall() at the
`syscall` instruction and goes on after it. A fault carries its kind, the address of the instruction that raised
it (exact, never the start of a translation block) and, for a page fault, the address accessed and how; after one,
the thread can be resumed at any address, in either mode, any number of times.

Memory: the CPU maps pages of virtual memory to frames of the System's physical memory with a protection; what is
not mapped faults. Registers are read and written in batches named once.

UnicornCpu (unicorn.py) is the one implementation.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from enum import Enum
from typing import Protocol, runtime_checkable

CS32 = 0x23  # 32-bit code (compatibility mode)
DS32 = 0x2B  # data and stack
CS64 = 0x33  # 64-bit code
FS32 = 0x53  # FS in 32-bit code: the TEB32


class Access(Enum):
    """What a page fault tried; the numbers are those of EXCEPTION_RECORD.ExceptionInformation[0]."""

    READ = 0
    WRITE = 1
    EXECUTE = 8


class FaultKind(Enum):
    PAGE = "page fault"
    DIVIDE = "divide error"
    OVERFLOW = "overflow (into)"
    BREAKPOINT = "breakpoint"
    SINGLE_STEP = "single step"
    INVALID_OPCODE = "invalid opcode"
    GENERAL_PROTECTION = "general protection"
    SEGMENT_NOT_PRESENT = "segment not present"
    STACK = "stack fault"
    INTERRUPT = "software interrupt"


@dataclass(frozen=True)
class Fault:
    """A fault or trap the CPU raised, as the kernel sees it."""

    kind: FaultKind
    pc: int  # the instruction that raised it (a trap's too: int3, into, int n)
    resume: int  # where the CPU would go on: the instruction itself for a fault, the next one for a trap
    cs: int  # the code selector at the fault: 0x23 in 32-bit code, 0x33 in 64-bit code
    address: int | None = None  # a page fault's address
    access: Access | None = None  # a page fault's kind of access
    vector: int = 0  # the interrupt vector (for INTERRUPT: the n of `int n`)


@dataclass(frozen=True)
class RunResult:
    """Why a run ended: "until" (it reached the end address), "stopped" (stop() was called), "budget", "timeout",
    "quantum" (its time slice ran out), or "fault" (with the fault); and how many instructions it ran, counted once
    a run was given a budget (0 before: nothing counts them)."""

    reason: str
    pc: int
    fault: Fault | None = None
    executed: int = 0


class Registers(Protocol):
    def read(self) -> list[int]: ...

    def write(self, values: Sequence[int]) -> None: ...


class VectorRegisters(Protocol):
    def read(self) -> bytes: ...

    def write(self, data: bytes) -> None: ...


@runtime_checkable
class CpuBackend(Protocol):
    # ---- running ------------------------------------------------------------------------------------------------
    def run(self, begin: int, *, until: int | None = None, max_insns: int = 0,
            timeout: float = 0.0, quantum: int = 0) -> RunResult:
        """Run from `begin` until an event; `max_insns` instructions at most (0: no limit), `timeout` seconds at
        most (0: no limit); `quantum`: end the run with reason "quantum" after that many instructions (0: never),
        so that the scheduler can give the CPU to another thread at the same point every time."""

    def stop(self) -> None: ...

    def close(self) -> None:
        """Free the CPU's resources; it is never used again (its process has ended)."""

    def resume_at(self, rip: int, cs: int) -> int:
        """Make the next run start at `rip` in the mode of `cs` (after a fault, or a context change); returns the
        address to pass to run()."""

    def enter_user(self, rip: int, rsp: int, cs: int = CS64) -> int:
        """Prepare the kernel's first return to user mode (iretq); returns the address to pass to run()."""

    def set_teb(self, teb64: int, teb32: int | None) -> None: ...

    def bitness_of(self, cs: int) -> int: ...

    def raise_fault(self, fault: Fault) -> None:
        """End the run with this fault, as if the CPU had raised it."""

    def save_context(self) -> object: ...

    def restore_context(self, context: object) -> None: ...

    # ---- hooks --------------------------------------------------------------------------------------------------
    def on_syscall(self, handler: Callable[[], None]) -> None: ...

    def hook_code(self, address: int, callback: Callable[[], None]) -> None: ...

    def hook_blocks(self, begin: int, end: int, callback: Callable[[int], None]) -> None:
        """Call `callback(address)` each time a block of code that starts between `begin` and `end` (inclusive) is
        about to run."""

    def jump(self, address: int) -> None:
        """Go on at `address`; from a hook, at once."""

    def registers(self, names: Sequence[str]) -> Registers: ...

    def register(self, name: str) -> int: ...

    def vectors(self) -> VectorRegisters:
        """XMM0-XMM15 as one block of 256 bytes."""

    def x87(self) -> VectorRegisters:
        """The x87 registers R0-R7 (physical numbers) as one block of 128 bytes, the 80-bit value first in each
        16."""

    # ---- memory -------------------------------------------------------------------------------------------------
    def map_page(self, va: int, frame: int, readable: bool, writable: bool, executable: bool) -> None: ...

    def unmap_page(self, va: int) -> None: ...

    def watch_stores(self, frame: int) -> None:
        """The frame is mapped writable in one place and executable in another: a store through the one must drop
        the code translated from the other."""

    def flush_tlb(self) -> None: ...

    def invalidate_code(self, va: int, size: int) -> None: ...

    def flush_code(self) -> None: ...
