"""Alerts by thread id: NtWaitForAlertByThreadId and NtAlertThreadByThreadId, on which Windows 8 and later build
user mode's waits (SRW locks, condition variables, WaitOnAddress: guest/ntdll/sync.c).

Each thread has one alert flag (not a count). NtAlertThreadByThreadId sets it on a thread of the caller's process,
ending that thread's wait if it waits; NtWaitForAlertByThreadId takes the flag (STATUS_ALERTED) or waits for it until
its timeout (STATUS_TIMEOUT, at once for a zero timeout). The address is only what the waiter waits for, which
Windows keeps for debuggers: here it is in the deadlock message. What Windows 10 answers:
- a thread id that names no thread (0 included): STATUS_INVALID_CID;
- a thread of another process: STATUS_ACCESS_DENIED;
- alerting twice before a wait: the wait takes the one alert, the next one waits.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ..nt.status import NTSTATUS
from .errors import NtError
from .time import read_timeout
from .waits import WaitBlock, block

if TYPE_CHECKING:
    from .system import System
    from .threadobject import Thread


@dataclass
class AlertWait(WaitBlock):
    """NtWaitForAlertByThreadId's wait: satisfied by the thread's alert, which it takes."""

    address: int = field(default=0, kw_only=True)

    def satisfy(self, thread: Thread) -> int | None:
        if not thread.alerted:
            return None
        thread.alerted = False
        return NTSTATUS.ALERTED

    def describe_short(self, thread: Thread) -> str:
        return f"{self.call} at 0x{self.address:x}"

    def describe(self, thread: Thread) -> str:
        return (f"the guest waits forever ({self.call} with no timeout, at 0x{self.address:x}) for an alert, and has "
                "no other thread to alert it")


class AlertServices:
    def __init__(self, system: System) -> None:
        self.system = system

    def NtAlertThreadByThreadId(self, thread: Thread, ThreadId: int) -> int:
        target = self.system.thread(ThreadId) if ThreadId else None
        if target is None:
            raise NtError(NTSTATUS.INVALID_CID)
        if target.process is not thread.process:
            raise NtError(NTSTATUS.ACCESS_DENIED)
        target.alerted = True  # a waiting thread's wait ends when the scheduler next tries it
        return NTSTATUS.SUCCESS

    def NtWaitForAlertByThreadId(self, thread: Thread, Address: int, Timeout: int) -> int:
        deadline = read_timeout(thread.process.memory, Timeout)
        wait = AlertWait("NtWaitForAlertByThreadId", [], False, deadline, address=Address)
        status = wait.satisfy(thread)
        if status is not None:
            return status
        if deadline is not None and deadline <= time.monotonic():
            return NTSTATUS.TIMEOUT
        return block(thread, wait)


SERVICES = (AlertServices.NtAlertThreadByThreadId, AlertServices.NtWaitForAlertByThreadId)
