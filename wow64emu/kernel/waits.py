"""Waits: what a thread that must wait records (a WaitBlock), and when a wait is satisfied.

A service that must wait (NtWaitForSingleObject on what is not signalled, NtDelayExecution) calls block(): the
thread gets the WaitBlock, the service returns STATUS_PENDING (which the thread never sees), and the kernel's entry
stops the CPU; the scheduler (scheduler.py) ends the wait when it is satisfied or times out. Satisfying a wait
changes the objects as Windows does: a synchronization event resets, a mutant becomes owned (recursively by its
owner), a semaphore's count drops; WAIT_ALL satisfies all of them or none.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..errors import EmulatorError
from ..nt.status import NTSTATUS

if TYPE_CHECKING:
    from .handles import KernelObject
    from .threadobject import Thread


class WaitForever(EmulatorError):
    """The guest waits, with no timeout, for what nothing in its System can ever bring."""


@dataclass
class WaitBlock:
    """What a blocked thread waits for: objects (any or all of them) and a deadline on the host's monotonic clock
    (None: no timeout). A delay waits for no object."""

    call: str
    objects: list[KernelObject]
    wait_all: bool
    deadline: float | None
    timeout_status: int = NTSTATUS.TIMEOUT  # what the thread gets when the deadline comes first

    def satisfy(self, thread: Thread) -> int | None:
        """The status of the wait if it is satisfied now (changing the objects as Windows does), else None."""
        return satisfy(thread, self.objects, self.wait_all)

    def describe_short(self, thread: Thread) -> str:
        """What the thread waits on, for the deadlock message."""
        if not self.objects:
            return f"{self.call} with an infinite interval"
        return f"{self.call} on " + ", ".join(o.describe() for o in self.objects if not o.signalled(thread))

    def describe(self, thread: Thread) -> str:
        if not self.objects:
            return f"the guest sleeps forever ({self.call} with an infinite interval) and has no other thread to " \
                   "wake it"
        unsignalled = ", ".join(o.describe() for o in self.objects if not o.signalled(thread))
        return (f"the guest waits forever ({self.call} with no timeout) on {unsignalled}, and has no other thread "
                "to signal it")


def satisfy(thread: Thread, objects: list[KernelObject], wait_all: bool) -> int | None:
    """WAIT_0 + i (ABANDONED_WAIT_0 + i for an abandoned mutant) if the wait is satisfied now, else None."""
    if not objects:
        return None
    if wait_all:
        if all(o.signalled(thread) for o in objects):
            abandoned = [o.satisfy(thread) for o in objects]
            return NTSTATUS.ABANDONED_WAIT_0 if any(abandoned) else NTSTATUS.SUCCESS
        return None
    for i, obj in enumerate(objects):
        if obj.signalled(thread):
            return (NTSTATUS.ABANDONED_WAIT_0 if obj.satisfy(thread) else NTSTATUS.SUCCESS) + i
    return None


def block(thread: Thread, wait: WaitBlock) -> int:
    """Make the calling thread wait; the service returns what this returns, which the thread never sees (it gets
    the wait's own status when the wait ends)."""
    thread.wait = wait
    return NTSTATUS.PENDING
