"""Waits: what a thread that must wait records (a WaitBlock), and when a wait is satisfied.

A service that must wait (NtWaitForSingleObject on what is not signalled, NtDelayExecution) calls block(): the
thread gets the WaitBlock, the service returns STATUS_PENDING (which the thread never sees), and the kernel's entry
stops the CPU; the scheduler (scheduler.py) ends the wait when it is satisfied or times out. Satisfying a wait
changes the objects as Windows does: a synchronization event resets, a mutant becomes owned (recursively by its
owner), a semaphore's count drops; WAIT_ALL satisfies all of them or none.

A service that must wait for what only another thread (or process) can bring, and has no object to wait on (a read
of an empty pipe, a write into a full one), raises Restart instead: the dispatcher makes it a RestartWait, whose
condition the scheduler tries like the others, and when it holds the thread *redoes its system call*: it resumes on
its `syscall` instruction with RAX = the call's number (the kernel's entry records both), its arguments unchanged in
R10, RDX, R8, R9 and on the stack. For a WoW64 caller that is the 64-bit stub in ntdll64, between wow64.dll's
dispatch and completion, so the 32-bit side never sees a half-finished call and the arena still holds the call's
structures. What a service did before it waited (the bytes a write already gave) it keeps in the wait's progress,
which the redone call finds with redone().
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ..errors import EmulatorError
from ..nt.status import NTSTATUS

if TYPE_CHECKING:
    from .handles import KernelObject
    from .threadobject import Thread


REDO = -1  # the wake status of a RestartWait whose condition holds: the thread redoes its system call


class WaitForever(EmulatorError):
    """The guest waits, with no timeout, for what nothing in its System can ever bring."""


class Restart(Exception):  # noqa: N818 (a request to the dispatcher, not an error)
    """Raised inside a service that must wait until `ready()` holds, then be done again (see the module docstring).

    `waits_for` says what it waits for, for the deadlock message ("data in File ..."); `alone` is the message when
    the thread is the only one left and so waits for ever. `key` and `progress` carry what the call did before it
    waited to the redone call (redone()): `key` names the call and its arguments, so that another call never takes
    it. With a `deadline` (the host's monotonic clock) the call ends there with `timeout_status` if it has not been
    redone."""

    def __init__(self, ready: Callable[[], bool], waits_for: str, alone: str, *, key: Hashable = None,
                 progress: object = None, deadline: float | None = None,
                 timeout_status: int = NTSTATUS.TIMEOUT) -> None:
        super().__init__(waits_for)
        self.ready, self.waits_for, self.alone = ready, waits_for, alone
        self.key, self.progress = key, progress
        self.deadline, self.timeout_status = deadline, timeout_status

    def wait(self, call: str) -> RestartWait:
        return RestartWait(call, [], False, self.deadline, self.timeout_status, ready=self.ready,
                           waits_for=self.waits_for, alone=self.alone, key=self.key, progress=self.progress)


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


@dataclass
class RestartWait(WaitBlock):
    """A wait that redoes its service when `ready()` holds (REDO), at `redo_at` = (the `syscall`'s address, the call's
    number), which the kernel's entry sets."""

    ready: Callable[[], bool] = field(kw_only=True)
    waits_for: str = field(kw_only=True)
    alone: str = field(kw_only=True)
    key: Hashable = field(default=None, kw_only=True)
    progress: object = field(default=None, kw_only=True)
    redo_at: tuple[int, int] | None = field(default=None, kw_only=True)

    def satisfy(self, thread: Thread) -> int | None:
        return REDO if self.ready() else None

    def describe_short(self, thread: Thread) -> str:
        return f"{self.call} for {self.waits_for}"

    def describe(self, thread: Thread) -> str:
        return self.alone


def redone(thread: Thread, key: Hashable) -> object:
    """What the call the thread redoes did before it waited, when `key` names it; else None."""
    wait = thread.redo
    return wait.progress if wait is not None and wait.key == key else None


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
