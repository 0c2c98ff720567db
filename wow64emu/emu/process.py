"""One emulated process: its Unicorn instance, address space, handle table, C: drive and standard streams."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from unicorn import UC_ARCH_X86, UC_MODE_64, Uc

from ..kernel import Kernel
from ..kernel.handles import HandleTable
from .memory import AddressSpace


@dataclass
class StdStreams:
    stdin: BinaryIO
    stdout: BinaryIO
    stderr: BinaryIO


@dataclass
class Process:
    """The state the kernel serves. One Unicorn per process; threads would be saved contexts on it."""

    root: Path  # the directory that is the guest's C: drive
    streams: StdStreams
    wow64: bool = True
    large_address_aware: bool = False
    pid: int = 0x1A2C
    tid: int = 0x1A30
    uc: Uc = field(default_factory=lambda: Uc(UC_ARCH_X86, UC_MODE_64))
    exit_status: int | None = None
    # What the kernel knows of the process's own structures, set by process creation (0 where there is none).
    peb64: int = 0
    peb32: int = 0
    teb64: int = 0
    teb32: int = 0
    image_base: int = 0
    image_path: str = ""  # the guest's path of the image, e.g. C:\hello.exe
    deadline: float | None = None  # time.monotonic() when the run's --timeout ends: waits in the kernel stop there

    def __post_init__(self) -> None:
        self.memory = AddressSpace(self.uc)
        self.handles = HandleTable()
        self.kernel = Kernel(self)

    @property
    def highest_address32(self) -> int:
        """The highest user address a 32-bit image sees (with and without LARGE_ADDRESS_AWARE)."""
        return 0xFFFEFFFF if self.large_address_aware else 0x7FFEFFFF

    def terminate(self, status: int) -> None:
        """End the process: its handles are closed, and the run loop stops after the current instruction."""
        self.exit_status = status & 0xFFFFFFFF
        self.handles.close_all()
        self.uc.emu_stop()
