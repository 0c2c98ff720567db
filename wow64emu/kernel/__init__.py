"""The mock NT kernel: serves 64-bit system calls by their Windows 10 22H2 x64 numbers.

Service areas mirror the kernel's own: files (files.py with fileobject, paths, console, directory, fileinfo, fsinfo,
volume), memory and sections (memory.py, section.py), objects and the namespace (objects.py, namespace.py,
handles.py), synchronisation and time (sync.py, time.py), processes (process.py), system, thread and token
information (system.py with sysinfo and token). A service is a method named for the call it serves, taking the call's
arguments as 64-bit integers in the order the syscall table declares them, and returning an NTSTATUS. It raises
NtError for a failure status and lets GuestFault (a bad guest pointer) through: dispatch turns that into
STATUS_ACCESS_VIOLATION. The kernel never learns whether a WoW64 thunk or native code made the call.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from ..errors import GuestFault
from ..nt.status import NTSTATUS
from ..nt.syscalls import Syscall, syscalls
from .errors import NtError

if TYPE_CHECKING:
    from ..emu.process import Process


def _area_classes() -> tuple[type, ...]:
    from .files import FileServices
    from .memory import MemoryServices
    from .objects import ObjectServices
    from .process import ProcessServices
    from .section import SectionServices
    from .sync import SyncServices
    from .system import SystemServices
    from .time import TimeServices

    return (ObjectServices, FileServices, MemoryServices, SectionServices, ProcessServices, SystemServices,
            SyncServices, TimeServices)


class Kernel:
    def __init__(self, process: Process) -> None:
        self.process = process
        self.areas = tuple(cls(self) for cls in _area_classes())
        self.services: dict[int, tuple[Syscall, Callable[..., int]]] = {}
        for call in syscalls():
            for area in self.areas:
                service = getattr(area, call.name, None)
                if service is not None:
                    self.services[call.number] = (call, service)
                    break

    @staticmethod
    def served_names() -> list[str]:
        """The calls of the table that some service area serves."""
        return [c.name for c in syscalls() if any(hasattr(cls, c.name) for cls in _area_classes())]

    def lookup(self, number: int) -> tuple[Syscall, Callable[..., int]] | None:
        return self.services.get(number)

    def dispatch(self, service: Callable[..., int], args: list[int]) -> int:
        """Run one service; every failure comes back as an NTSTATUS."""
        try:
            return service(*args) & 0xFFFFFFFF
        except NtError as exc:
            return exc.status
        except GuestFault:
            return NTSTATUS.ACCESS_VIOLATION
