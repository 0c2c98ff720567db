"""Synchronisation services: events, mutants, semaphores, and waiting on them.

A wait that is satisfied now returns at once and changes the objects
as Windows does: a synchronization event resets, a mutant becomes owned (recursively by its owner), a
semaphore's count drops. One that is not satisfied times out at once for a zero timeout; otherwise the thread
waits in the scheduler (scheduler.py), which ends the wait when it is satisfied or times out, and stops the
emulator with WaitForever when nothing can ever end it. Alertable waits behave as the others: no APC is queued.

Choices where Windows is subtle, following its kernel's order of checks:
- Output pointers (PreviousState, PreviousCount, ReturnLength, the handle) are probed before the handle is
  looked at; parameter errors (an EventType other than 0 or 1, semaphore counts) come before both.
- NtReleaseMutant needs no access right (ReleaseMutex works on a handle opened with SYNCHRONIZE only); setting,
  resetting, clearing and pulsing an event need EVENT_MODIFY_STATE, releasing a semaphore
  SEMAPHORE_MODIFY_STATE, the queries the QUERY_STATE right, a wait SYNCHRONIZE.
- A mutant's count is its KMUTANT signal state: 1 free, 0 owned once, -1 owned twice...; NtReleaseMutant
  reports it before the release. An abandoned mutant (its owner thread ended) satisfies the next wait with
  STATUS_ABANDONED_WAIT_0 + i; with a single thread that happens only to mutants a thread of the process
  areas abandons.
- The pseudo handles -1 and -2 wait on the process and the thread themselves, signalled only once they end.
"""

from __future__ import annotations

import struct
import time
from collections.abc import Callable
from typing import TYPE_CHECKING

from ..nt.status import NTSTATUS
from .errors import NtError
from .handles import CURRENT_PROCESS, CURRENT_THREAD, SYNCHRONIZE, KernelObject, is_pseudo_handle
from .namespace import create_object, open_object
from .time import read_timeout
from .waits import WaitBlock, block, satisfy

if TYPE_CHECKING:
    from ..emu.memory import AddressSpace
    from .system import System
    from .threadobject import Thread

EVENT_QUERY_STATE = 0x0001
EVENT_MODIFY_STATE = 0x0002
MUTANT_QUERY_STATE = 0x0001
SEMAPHORE_QUERY_STATE = 0x0001
SEMAPHORE_MODIFY_STATE = 0x0002

NOTIFICATION_EVENT, SYNCHRONIZATION_EVENT = 0, 1  # EVENT_TYPE
WAIT_ALL, WAIT_ANY = 0, 1  # WAIT_TYPE
MAXIMUM_WAIT_OBJECTS = 64
BASIC_INFORMATION = 0  # EventBasicInformation, MutantBasicInformation, SemaphoreBasicInformation
BASIC_INFORMATION_SIZE = 8  # all three


def signed32(value: int) -> int:
    value &= 0xFFFFFFFF
    return value - 0x100000000 if value & 0x80000000 else value


class EventObject(KernelObject):
    type_name = "Event"

    def __init__(self, notification: bool, state: bool) -> None:
        self.notification = notification
        self.state = state

    def signalled(self, thread: Thread) -> bool:
        return self.state

    def satisfy(self, thread: Thread) -> bool:
        if not self.notification:
            self.state = False
        return False

    def describe(self) -> str:
        kind = "notification" if self.notification else "synchronization"
        return f"{super().describe()} ({kind}, {'signalled' if self.state else 'not signalled'})"


class MutantObject(KernelObject):
    type_name = "Mutant"

    def __init__(self, owner: Thread | None) -> None:
        self.owner = owner
        self.recursion = 0 if owner is None else 1
        self.abandoned = False
        if owner is not None:
            owner.owned_mutants.append(self)

    @property
    def count(self) -> int:
        """The signal state: 1 free, 0 owned once, -n owned n + 1 times."""
        return 1 - self.recursion

    def signalled(self, thread: Thread) -> bool:
        return self.owner is None or self.owner == thread

    def satisfy(self, thread: Thread) -> bool:
        abandoned, self.abandoned = self.abandoned, False
        if self.owner is None:
            thread.owned_mutants.append(self)
        self.owner = thread
        self.recursion += 1
        return abandoned

    def release(self, thread: Thread) -> int:
        if self.owner != thread:
            raise NtError(NTSTATUS.MUTANT_NOT_OWNED)
        previous = self.count
        self.recursion -= 1
        if not self.recursion:
            self.owner = None
            thread.owned_mutants.remove(self)
        return previous

    def abandon(self) -> None:
        """Its owner ended while owning it: it is free, and the next wait it satisfies says so (WAIT_ABANDONED)."""
        self.owner = None
        self.recursion = 0
        self.abandoned = True

    def describe(self) -> str:
        return f"{super().describe()} ({'free' if self.owner is None else f'owned by thread {self.owner.tid}'})"


class SemaphoreObject(KernelObject):
    type_name = "Semaphore"

    def __init__(self, count: int, maximum: int) -> None:
        self.count = count
        self.maximum = maximum

    def signalled(self, thread: Thread) -> bool:
        return self.count > 0

    def satisfy(self, thread: Thread) -> bool:
        self.count -= 1
        return False

    def release(self, count: int) -> int:
        if count > self.maximum - self.count:
            raise NtError(NTSTATUS.SEMAPHORE_LIMIT_EXCEEDED)
        previous = self.count
        self.count += count
        return previous

    def describe(self) -> str:
        return f"{super().describe()} ({self.count} of {self.maximum})"


def _probe_out(memory: AddressSpace, *addresses: int) -> None:
    """Probe optional 4-byte outputs for writing."""
    for address in addresses:
        if address:
            memory.probe(address, 4, write=True)


def _write_out(memory: AddressSpace, address: int, value: int) -> None:
    if address:
        memory.write_u32(address, value & 0xFFFFFFFF)


def _waitable(thread: Thread, handle: int) -> KernelObject:
    """The object a wait on `handle` waits for: the handle must grant SYNCHRONIZE. The pseudo handles -1 and -2
    are the caller's process and the calling thread."""
    handle &= 0xFFFFFFFFFFFFFFFF
    if handle == CURRENT_PROCESS:
        return thread.process
    if handle == CURRENT_THREAD:
        return thread
    if is_pseudo_handle(handle):  # the pseudo token handles are no handles to wait on
        raise NtError(NTSTATUS.INVALID_HANDLE)
    entry = thread.process.handles.entry(handle)
    if not entry.access & SYNCHRONIZE:
        raise NtError(NTSTATUS.ACCESS_DENIED)
    return entry.obj


class SyncServices:
    def __init__(self, system: System) -> None:
        self.system = system

    # ---- events --------------------------------------------------------------------------------------

    def NtCreateEvent(self, thread: Thread, EventHandle: int, DesiredAccess: int, ObjectAttributes: int, EventType: int,
                      InitialState: int) -> int:
        if EventType not in (NOTIFICATION_EVENT, SYNCHRONIZATION_EVENT):
            raise NtError(NTSTATUS.INVALID_PARAMETER)
        return create_object(thread, EventHandle, DesiredAccess, ObjectAttributes, EventObject,
                             lambda: EventObject(EventType == NOTIFICATION_EVENT, bool(InitialState)))

    def NtOpenEvent(self, thread: Thread, EventHandle: int, DesiredAccess: int, ObjectAttributes: int) -> int:
        return open_object(thread, EventHandle, DesiredAccess, ObjectAttributes, EventObject)

    def _change_event(self, thread: Thread, handle: int, previous_out: int,
                      change: Callable[[EventObject], None]) -> int:
        _probe_out(thread.process.memory, previous_out)
        event = thread.process.handles.reference(handle, EventObject, EVENT_MODIFY_STATE)
        previous = int(event.state)
        change(event)
        _write_out(thread.process.memory, previous_out, previous)
        return NTSTATUS.SUCCESS

    def NtSetEvent(self, thread: Thread, EventHandle: int, PreviousState: int) -> int:
        return self._change_event(thread, EventHandle, PreviousState, _set)

    def NtResetEvent(self, thread: Thread, EventHandle: int, PreviousState: int) -> int:
        return self._change_event(thread, EventHandle, PreviousState, _reset)

    def NtClearEvent(self, thread: Thread, EventHandle: int) -> int:
        return self._change_event(thread, EventHandle, 0, _reset)

    def NtPulseEvent(self, thread: Thread, EventHandle: int, PreviousState: int) -> int:
        """Set, release the waiters (there are none: this thread is not waiting), reset."""
        return self._change_event(thread, EventHandle, PreviousState, _reset)

    def NtQueryEvent(self, thread: Thread, EventHandle: int, EventInformationClass: int, EventInformation: int,
                     EventInformationLength: int, ReturnLength: int) -> int:
        return self._query(thread, EventHandle, EventInformationClass, EventInformation, EventInformationLength,
                           ReturnLength, EventObject, EVENT_QUERY_STATE,
                           lambda e: struct.pack("<Ii", 0 if e.notification else 1, int(e.state)))

    def _query(self, thread: Thread, handle: int, info_class: int, buffer: int, length: int, return_length: int,
               cls: type, access: int, answer: Callable) -> int:
        """The basic-information query of a synchronisation object (one class, 8 bytes)."""
        if info_class != BASIC_INFORMATION:
            raise NtError(NTSTATUS.INVALID_INFO_CLASS)
        if length != BASIC_INFORMATION_SIZE:
            raise NtError(NTSTATUS.INFO_LENGTH_MISMATCH)
        thread.process.memory.probe(buffer, length, write=True)
        _probe_out(thread.process.memory, return_length)
        obj = thread.process.handles.reference(handle, cls, access)
        thread.process.memory.write(buffer, answer(obj))
        _write_out(thread.process.memory, return_length, BASIC_INFORMATION_SIZE)
        return NTSTATUS.SUCCESS

    # ---- mutants -------------------------------------------------------------------------------------

    def NtCreateMutant(self, thread: Thread, MutantHandle: int, DesiredAccess: int, ObjectAttributes: int,
                       InitialOwner: int) -> int:
        owner = thread if InitialOwner else None
        return create_object(thread, MutantHandle, DesiredAccess, ObjectAttributes, MutantObject,
                             lambda: MutantObject(owner))

    def NtOpenMutant(self, thread: Thread, MutantHandle: int, DesiredAccess: int, ObjectAttributes: int) -> int:
        return open_object(thread, MutantHandle, DesiredAccess, ObjectAttributes, MutantObject)

    def NtReleaseMutant(self, thread: Thread, MutantHandle: int, PreviousCount: int) -> int:
        _probe_out(thread.process.memory, PreviousCount)
        mutant = thread.process.handles.reference(MutantHandle, MutantObject, 0)
        _write_out(thread.process.memory, PreviousCount, mutant.release(thread))
        return NTSTATUS.SUCCESS

    def NtQueryMutant(self, thread: Thread, MutantHandle: int, MutantInformationClass: int, MutantInformation: int,
                      MutantInformationLength: int, ReturnLength: int) -> int:
        return self._query(thread, MutantHandle, MutantInformationClass, MutantInformation, MutantInformationLength,
                           ReturnLength, MutantObject, MUTANT_QUERY_STATE,
                           lambda m: struct.pack("<iBBxx", m.count, m.owner == thread, m.abandoned))

    # ---- semaphores ----------------------------------------------------------------------------------

    def NtCreateSemaphore(self, thread: Thread, SemaphoreHandle: int, DesiredAccess: int, ObjectAttributes: int,
                          InitialCount: int, MaximumCount: int) -> int:
        initial, maximum = signed32(InitialCount), signed32(MaximumCount)
        if maximum <= 0 or initial < 0 or initial > maximum:
            raise NtError(NTSTATUS.INVALID_PARAMETER)
        return create_object(thread, SemaphoreHandle, DesiredAccess, ObjectAttributes, SemaphoreObject,
                             lambda: SemaphoreObject(initial, maximum))

    def NtOpenSemaphore(self, thread: Thread, SemaphoreHandle: int, DesiredAccess: int, ObjectAttributes: int) -> int:
        return open_object(thread, SemaphoreHandle, DesiredAccess, ObjectAttributes, SemaphoreObject)

    def NtReleaseSemaphore(self, thread: Thread, SemaphoreHandle: int, ReleaseCount: int, PreviousCount: int) -> int:
        _probe_out(thread.process.memory, PreviousCount)
        count = signed32(ReleaseCount)
        if count <= 0:
            raise NtError(NTSTATUS.INVALID_PARAMETER)
        semaphore = thread.process.handles.reference(SemaphoreHandle, SemaphoreObject, SEMAPHORE_MODIFY_STATE)
        _write_out(thread.process.memory, PreviousCount, semaphore.release(count))
        return NTSTATUS.SUCCESS

    def NtQuerySemaphore(self, thread: Thread, SemaphoreHandle: int, SemaphoreInformationClass: int,
                         SemaphoreInformation: int, SemaphoreInformationLength: int, ReturnLength: int) -> int:
        return self._query(thread, SemaphoreHandle, SemaphoreInformationClass, SemaphoreInformation,
                           SemaphoreInformationLength, ReturnLength, SemaphoreObject, SEMAPHORE_QUERY_STATE,
                           lambda s: struct.pack("<ii", s.count, s.maximum))

    # ---- waits ---------------------------------------------------------------------------------------

    def _wait(self, thread: Thread, call: str, objects: list[KernelObject], wait_all: bool,
              deadline: float | None) -> int:
        """Satisfy the wait now if it can be (WAIT_0 + i, ABANDONED_WAIT_0 + i); time out at once if its timeout
        has passed; else the thread waits in the scheduler."""
        status = satisfy(thread, objects, wait_all)
        if status is not None:
            return status
        if deadline is not None and deadline <= time.monotonic():
            return NTSTATUS.TIMEOUT
        return block(thread, WaitBlock(call, objects, wait_all, deadline))

    def NtWaitForSingleObject(self, thread: Thread, Handle: int, Alertable: int, Timeout: int) -> int:
        deadline = read_timeout(thread.process.memory, Timeout)
        return self._wait(thread, "NtWaitForSingleObject", [_waitable(thread, Handle)], False, deadline)

    def NtWaitForMultipleObjects(self, thread: Thread, Count: int, Handles: int, WaitType: int, Alertable: int,
                                 Timeout: int) -> int:
        if not 0 < Count <= MAXIMUM_WAIT_OBJECTS:
            raise NtError(NTSTATUS.INVALID_PARAMETER_1)
        if WaitType not in (WAIT_ALL, WAIT_ANY):
            raise NtError(NTSTATUS.INVALID_PARAMETER_3)
        deadline = read_timeout(thread.process.memory, Timeout)
        handles = struct.unpack(f"<{Count}Q", thread.process.memory.read(Handles, 8 * Count))
        objects = [_waitable(thread, h) for h in handles]
        if WaitType == WAIT_ALL and len({id(o) for o in objects}) < len(objects):
            raise NtError(NTSTATUS.INVALID_PARAMETER_MIX)
        return self._wait(thread, "NtWaitForMultipleObjects", objects, WaitType == WAIT_ALL, deadline)

    def NtSignalAndWaitForSingleObject(self, thread: Thread, SignalHandle: int, WaitHandle: int, Alertable: int,
                                       Timeout: int) -> int:
        """Signal one object (set an event, release a mutant or one count of a semaphore), then wait."""
        deadline = read_timeout(thread.process.memory, Timeout)
        handles = thread.process.handles
        if is_pseudo_handle(SignalHandle):
            raise NtError(NTSTATUS.OBJECT_TYPE_MISMATCH)
        signal = handles.entry(SignalHandle)
        waited = _waitable(thread, WaitHandle)
        obj = signal.obj
        if isinstance(obj, EventObject):
            _require(signal.access, EVENT_MODIFY_STATE)
            obj.state = True
        elif isinstance(obj, MutantObject):
            obj.release(thread)
        elif isinstance(obj, SemaphoreObject):
            _require(signal.access, SEMAPHORE_MODIFY_STATE)
            obj.release(1)
        else:
            raise NtError(NTSTATUS.OBJECT_TYPE_MISMATCH)
        return self._wait(thread, "NtSignalAndWaitForSingleObject", [waited], False, deadline)


def _require(granted: int, access: int) -> None:
    if access & ~granted:
        raise NtError(NTSTATUS.ACCESS_DENIED)


def _set(event: EventObject) -> None:
    event.state = True


def _reset(event: EventObject) -> None:
    event.state = False


SERVICES = (SyncServices.NtCreateEvent, SyncServices.NtOpenEvent, SyncServices.NtSetEvent, SyncServices.NtResetEvent,
            SyncServices.NtClearEvent, SyncServices.NtPulseEvent, SyncServices.NtQueryEvent,
            SyncServices.NtCreateMutant, SyncServices.NtOpenMutant, SyncServices.NtReleaseMutant,
            SyncServices.NtQueryMutant, SyncServices.NtCreateSemaphore, SyncServices.NtOpenSemaphore,
            SyncServices.NtReleaseSemaphore, SyncServices.NtQuerySemaphore, SyncServices.NtWaitForSingleObject,
            SyncServices.NtWaitForMultipleObjects, SyncServices.NtSignalAndWaitForSingleObject)
