"""User stacks as Windows lays them out and grows them.

A thread's stack (the 64-bit one of a native process, the 32-bit one of a WoW64 process) is a reservation of the
image's SizeOfStackReserve, of which the top SizeOfStackCommit is committed, with one guard page below. Touching the
guard page commits it (the one-shot guard goes) and makes the page below the new guard, and the TEB's StackLimit
follows: the thread never sees an exception. When the new guard would fall among the last pages of the reservation,
those are committed without a guard and the thread gets STATUS_STACK_OVERFLOW, which a handler can catch with the
room left; the lowest page stays reserved, so running past it is an access violation. (Windows' MmAccessFault and
MiCheckForUserStackOverflow.) The 64-bit stack of a WoW64 thread is wow64's, fully committed.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..emu.memory import PAGE, PAGE_GUARD, Prot
from ..errors import CommitLimitReached
from ..nt.status import NTSTATUS

if TYPE_CHECKING:
    from .threadobject import Thread

GRANULARITY = 0x10000
GUARANTEED_PAGES = 3  # the pages left for the handlers of a stack overflow
_MB = 0x100000
_STACK_LIMIT = {32: 0x08, 64: 0x10}  # NT_TIB.StackLimit in TEB32, TEB64


def stack_sizes(reserve: int, commit: int) -> tuple[int, int]:
    """(reserve, commit) of a stack from an image's SizeOfStackReserve and SizeOfStackCommit: the reserve in whole
    64 KB units, the commit in pages; a commit as large as the reserve gets a reserve of whole megabytes around it;
    room is always left for the guard page and the guaranteed pages."""
    reserve = max(-(-reserve // GRANULARITY) * GRANULARITY, GRANULARITY)
    commit = max(-(-commit // PAGE) * PAGE, PAGE)
    if commit >= reserve:
        reserve = -(-(commit + GRANULARITY) // _MB) * _MB
    return reserve, min(commit, reserve - (GUARANTEED_PAGES + 2) * PAGE)


def grow(thread: Thread, page: int) -> int | None:
    """A guard page of the thread was touched (its guard already gone): None when it was the stack's and the stack
    grew, STATUS_STACK_OVERFLOW when the stack is at its end, STATUS_GUARD_PAGE_VIOLATION for any other guard page."""
    process = thread.process
    if process.wow64:
        stack, teb, bits = thread.stack32, thread.teb32, 32
    else:
        stack, teb, bits = thread.stack64, thread.teb64, 64
    base, top = stack
    if not base <= page < top:
        return NTSTATUS.GUARD_PAGE_VIOLATION
    memory = process.memory
    floor = base + PAGE  # the lowest page is never committed
    guard = page - PAGE
    try:
        if guard >= floor + GUARANTEED_PAGES * PAGE:
            memory.commit(guard, PAGE, Prot.READWRITE | PAGE_GUARD)
            limit, status = page, None
        else:
            if guard >= floor:
                memory.commit(floor, page - floor, Prot.READWRITE)
            limit, status = floor, NTSTATUS.STACK_OVERFLOW
    except CommitLimitReached:
        limit, status = page, NTSTATUS.STACK_OVERFLOW
    memory.poke(teb + _STACK_LIMIT[bits], limit.to_bytes(bits // 8, "little"))
    return status


def make_room(thread: Thread, low: int, high: int) -> None:
    """The system is about to write [low, high) on the thread's stack (wow64 building a 32-bit exception frame below
    ESP): a guard page on the way grows the stack as the thread's own touch would (Windows' memory manager does the
    same for an access from wow64's 64-bit code), from the highest page down. What cannot grow stays as it is, and
    the write then fails as it would have."""
    memory = thread.process.memory
    page = (high - 1) & ~(PAGE - 1)
    while page >= low & ~(PAGE - 1):
        if memory.take_guard(page) and grow(thread, page) is not None:
            return
        page -= PAGE
