"""The system-call table: one declaration per call, the single source of truth.

Each entry names a call and types its parameters. The number comes from the Windows 10 22H2 x64 table shipped in
wow64emu/data (never invented); the 32-bit argument bytes (the stub's `ret N`) follow from the parameters. The
guest stubs (guest/ntdll), the thunk dispatcher, the kernel's dispatch and `wow64emu syscalls` all derive from it.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache, cached_property
from importlib import resources

from . import layouts as L
from .kinds import (
    ACCESS_MASK,
    BOOLEAN,
    HANDLE,
    NTSTATUS,
    PVOID,
    ULONG,
    ZERO_BITS,
    Action,
    Kind,
    ptr_in,
    ptr_inout,
    ptr_out,
)


@dataclass(frozen=True)
class Param:
    name: str
    kind: Kind


@dataclass(frozen=True)
class Syscall:
    name: str
    number: int  # Windows 10 22H2 x64; bits 12-13 are the service table (0x1000 = win32k)
    params: tuple[Param, ...]

    @property
    def arg_bytes(self) -> int:
        return 4 * sum(p.kind.slots for p in self.params)

    @cached_property
    def masks(self) -> tuple[int, ...]:
        """Per parameter, the bits of its 64-bit slot that are defined (a ULONG's upper half is not)."""
        return tuple((1 << p.kind.bits) - 1 for p in self.params)

    @cached_property
    def plan(self) -> tuple[tuple[Param, Action], ...]:
        """How the dispatcher widens each argument, decided once."""
        return tuple((p, p.kind.action) for p in self.params)

    @property
    def table(self) -> int:
        return (self.number >> 12) & 3


@cache
def windows_numbers() -> dict[str, int]:
    """Name -> number for every nt and win32k call of Windows 10 22H2 x64."""
    numbers: dict[str, int] = {}
    data = resources.files("wow64emu") / "data"
    for fname in ("syscalls-win10-22h2-x64-nt.csv", "syscalls-win10-22h2-x64-win32k.csv"):
        with (data / fname).open(encoding="utf-8") as fh:
            for row in csv.DictReader(fh):
                numbers[row["name"]] = int(row["number"], 16)
    return numbers


def _p(*params: tuple[str, Kind]) -> tuple[Param, ...]:
    return tuple(Param(n, k) for n, k in params)


IOSB = ptr_out(L.IO_STATUS_BLOCK)
OA = ptr_in(L.OBJECT_ATTRIBUTES)
LARGE_IN = ptr_in(L.LARGE_INTEGER)
LARGE_OUT = ptr_out(L.LARGE_INTEGER)

# name -> parameters, in the order of the NT prototypes.
_DECLARATIONS: dict[str, tuple[Param, ...]] = {
    "NtReadFile": _p(("FileHandle", HANDLE), ("Event", HANDLE), ("ApcRoutine", PVOID), ("ApcContext", PVOID),
                     ("IoStatusBlock", IOSB), ("Buffer", PVOID), ("Length", ULONG), ("ByteOffset", LARGE_IN),
                     ("Key", PVOID)),
    "NtWriteFile": _p(("FileHandle", HANDLE), ("Event", HANDLE), ("ApcRoutine", PVOID), ("ApcContext", PVOID),
                      ("IoStatusBlock", IOSB), ("Buffer", PVOID), ("Length", ULONG), ("ByteOffset", LARGE_IN),
                      ("Key", PVOID)),
    "NtClose": _p(("Handle", HANDLE)),
    "NtQueryInformationFile": _p(("FileHandle", HANDLE), ("IoStatusBlock", IOSB), ("FileInformation", PVOID),
                                 ("Length", ULONG), ("FileInformationClass", ULONG)),
    "NtAllocateVirtualMemory": _p(("ProcessHandle", HANDLE), ("BaseAddress", ptr_inout(L.PVOID)),
                                  ("ZeroBits", ZERO_BITS), ("RegionSize", ptr_inout(L.SIZE_T)),
                                  ("AllocationType", ULONG), ("Protect", ULONG)),
    "NtFreeVirtualMemory": _p(("ProcessHandle", HANDLE), ("BaseAddress", ptr_inout(L.PVOID)),
                              ("RegionSize", ptr_inout(L.SIZE_T)), ("FreeType", ULONG)),
    "NtTerminateProcess": _p(("ProcessHandle", HANDLE), ("ExitStatus", NTSTATUS)),
    "NtQueryPerformanceCounter": _p(("PerformanceCounter", LARGE_OUT), ("PerformanceFrequency", LARGE_OUT)),
    "NtOpenFile": _p(("FileHandle", ptr_out(L.HANDLE)), ("DesiredAccess", ACCESS_MASK), ("ObjectAttributes", OA),
                     ("IoStatusBlock", IOSB), ("ShareAccess", ULONG), ("OpenOptions", ULONG)),
    "NtDelayExecution": _p(("Alertable", BOOLEAN), ("DelayInterval", LARGE_IN)),
    "NtCreateFile": _p(("FileHandle", ptr_out(L.HANDLE)), ("DesiredAccess", ACCESS_MASK),
                       ("ObjectAttributes", OA), ("IoStatusBlock", IOSB), ("AllocationSize", LARGE_IN),
                       ("FileAttributes", ULONG), ("ShareAccess", ULONG), ("CreateDisposition", ULONG),
                       ("CreateOptions", ULONG), ("EaBuffer", PVOID), ("EaLength", ULONG)),
    "NtQuerySystemTime": _p(("SystemTime", LARGE_OUT)),
}


@cache
def syscalls() -> tuple[Syscall, ...]:
    """Every declared call, in number order."""
    numbers = windows_numbers()
    calls = [Syscall(name, numbers[name], params) for name, params in _DECLARATIONS.items()]
    return tuple(sorted(calls, key=lambda s: s.number))


@cache
def by_number() -> dict[int, Syscall]:
    return {s.number: s for s in syscalls()}


@cache
def by_name() -> dict[str, Syscall]:
    return {s.name: s for s in syscalls()}
