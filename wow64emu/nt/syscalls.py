"""The system-call table: one declaration per call, the single source of truth.

Each area module (files, memory, objects, process, sync, time, exceptions, registry) declares its calls; this
module gathers them.
Each entry names a call and types its parameters. The number comes from the Windows 10 22H2 x64 table shipped in
wow64emu/data (never invented; read as numbers.py, which numbersgen.py generates from it); the 32-bit argument
bytes (the stub's `ret N`) follow from the parameters. The guest stubs (guest/ntdll, by stubgen.py), the thunk
table, the kernel's service table and `wow64emu syscalls` all derive from it.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache, cached_property

from . import exceptions, files, fsctl, jobs, memory, objects, pipes, process, registry, security, sync, time
from .decl import Param
from .numbers import NUMBERS


@dataclass(frozen=True)
class Syscall:
    """One declared system call: its name, its number and its parameters."""

    name: str
    number: int  # Windows 10 22H2 x64; bits 12-13 are the service table (0x1000 = win32k)
    params: tuple[Param, ...]

    @cached_property
    def arg_bytes(self) -> int:
        return 4 * sum(p.kind.slots for p in self.params)

    @cached_property
    def masks(self) -> tuple[int, ...]:
        """Per parameter, the bits of its 64-bit slot that are defined (a ULONG's upper half is not)."""
        return tuple((1 << p.kind.bits) - 1 for p in self.params)

    @property
    def table(self) -> int:
        return (self.number >> 12) & 3


def windows_numbers() -> dict[str, int]:
    """Name -> number for every nt and win32k call of Windows 10 22H2 x64."""
    return NUMBERS


AREAS = (files, fsctl, memory, objects, process, sync, time, exceptions, pipes, registry, security, jobs)


@cache
def syscalls() -> tuple[Syscall, ...]:
    """Every declared call, in number order."""
    numbers = windows_numbers()
    calls: dict[str, Syscall] = {}
    for area in AREAS:
        for name, d in area.DECLARATIONS.items():
            if name in calls:
                raise ValueError(f"{name} is declared twice")
            calls[name] = Syscall(name, numbers[name], d.params)
    return tuple(sorted(calls.values(), key=lambda s: s.number))


@cache
def by_number() -> dict[int, Syscall]:
    return {s.number: s for s in syscalls()}


@cache
def by_name() -> dict[str, Syscall]:
    return {s.name: s for s in syscalls()}
