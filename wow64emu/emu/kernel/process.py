"""Process services: NtTerminateProcess."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..status import NTSTATUS
from .errors import NtError
from .handles import CURRENT_PROCESS

if TYPE_CHECKING:
    from . import Kernel


class ProcessServices:
    def __init__(self, kernel: Kernel) -> None:
        self.kernel = kernel

    def NtTerminateProcess(self, ProcessHandle: int, ExitStatus: int) -> int:
        """NULL ends every other thread of the caller's process (there are none yet); -1 ends the process."""
        if ProcessHandle == 0:
            return NTSTATUS.SUCCESS
        if ProcessHandle != CURRENT_PROCESS:
            raise NtError(NTSTATUS.INVALID_HANDLE)
        self.kernel.process.terminate(ExitStatus)
        return NTSTATUS.SUCCESS
