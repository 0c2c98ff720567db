"""What a hand-written thunk works with: the call's arguments in both widths, the arena, and its own process.

A `special` function of a declaration runs after the declared widening. It may change 64-bit arguments (by
name), put data in the per-call arena, fail the call with a status of its own (the 64-bit service is then not
called), and register functions to run after the service returns, which see the kernel's status, can read
what the kernel wrote into the arena, write the 32-bit answer, and return the status the caller gets.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..emu.memory import AddressSpace
    from ..emu.trace import Tracer
    from ..kernel.threadobject import Thread
    from ..nt.exceptions import Context
    from .dispatch import Arena
    from .table import Thunk


@dataclass(frozen=True)
class Wow64Process:
    """What wow64.dll knows of its own process."""

    peb32: int
    peb64: int
    highest_address: int  # the highest user address a 32-bit caller may see
    exception_dispatcher32: int = 0  # the 32-bit ntdll's KiUserExceptionDispatcher


@dataclass(frozen=True)
class OtherThread:
    """Another thread of the process, as wow64cpu learns of it when it gets or sets its context: its TEB64 (from
    NtQueryInformationThread; TLS slot 1 holds its CPU area) and its 64-bit registers (from NtGetContextThread:
    SegCs 0x23 when it stopped in 32-bit code, else it is in 64-bit code, in a system call or not started yet, with
    its 32-bit registers in its CPU area)."""

    teb64: int
    registers: Context
    started: bool

    @property
    def in_32bit_code(self) -> bool:
        return self.registers.regs["cs"] & 0xFFFF == 0x23


After = Callable[["ThunkContext", int], int]


@dataclass
class ThunkContext:
    """One call on its way through wow64: what a special part reads and changes."""

    call: Thunk
    args32: tuple[int, ...]
    args64: list[int]
    memory: AddressSpace
    arena: Arena
    process: Wow64Process
    status: int | None = None
    afters: list[After] = field(default_factory=list)
    image: bytes = b""  # the arena as the kernel left it, once the service has returned
    tracer: Tracer | None = None
    cpu_area: int = 0  # the calling thread's CPU area (TEB64 TLS slot 1)
    exception_tracer: Tracer | None = None  # the tracer of exception events (--trace exceptions or syscalls)
    # a key handle's full name and the KEY_WOW64_* bits its opener passed (None: not a key), as wow64.dll learns
    # them from NtQueryKey; and whether the System has Vista's registry (--registry-reflection): regthunk.py
    key_query: Callable[[int], tuple[str, int] | None] | None = None
    registry_reflection: bool = False
    teb64: int = 0  # the calling thread's TEB64 (its TLS slots are wow64.dll's per-thread state)
    object_name: Callable[[int], str] = lambda handle: ""  # what NtQueryObject(ObjectNameInformation) says
    # what NtQueryInformationProcess(ProcessWow64Information) says of a process handle: its PEB32, 0 if it has none
    wow64_peb: Callable[[int], int] = lambda handle: 0
    # the calling thread's registers as the CPU holds them now (what a 32-bit context's floating-point state is)
    live_registers: Callable[[], Context] | None = None
    thread: Thread | None = None  # the calling thread (its 32-bit stack is where wow64 builds exception frames)
    # the other thread of the process a handle names (None: the caller itself, or no thread of this process)
    other_thread: Callable[[int], OtherThread | None] = lambda handle: None

    def index(self, name: str) -> int:
        return self.call.index[name]

    def arg32(self, name: str) -> int:
        return self.args32[self.index(name)]

    def arg64(self, name: str) -> int:
        return self.args64[self.index(name)]

    def set_arg64(self, name: str, value: int) -> None:
        self.args64[self.index(name)] = value & 0xFFFFFFFFFFFFFFFF

    def alloc(self, data: bytes) -> int:
        """Place data in the arena (16-byte aligned); returns its address below 4 GB."""
        return self.arena.alloc(data)

    def fail(self, status: int) -> None:
        """Return this status without calling the 64-bit service."""
        self.status = status

    def after(self, fn: After) -> None:
        self.afters.append(fn)

    def write32(self, address: int, data: bytes, what: str) -> None:
        """Write (part of) the 32-bit answer into the caller's memory; the trace shows it as a narrowing."""
        self.memory.write(address, data)
        if self.tracer is not None:
            self.tracer.emit("wow64", "narrow", f"{what}: {len(data)} bytes -> @0x{address:08x} (converted by hand, "
                             f"as wow64.dll does for {self.call.name})", param=what, address32=address,
                             size=len(data))

    def read_arena(self, addr: int, size: int) -> bytes:
        """What the kernel left at an arena address (valid in `after` functions)."""
        return self.arena.slice(addr, size, self.image)
