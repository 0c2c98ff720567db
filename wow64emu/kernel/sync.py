"""Synchronisation services: events, mutants, semaphores, and waiting on them.

The process has one thread (process.tid). A wait that is satisfied now returns at once and changes the objects
as Windows does: a synchronization event resets, a mutant becomes owned (recursively by its owner), a
semaphore's count drops. One that is not satisfied times out: at once for a zero timeout, after really waiting
for a finite one (nothing can signal the objects meanwhile), and with no timeout it stops the emulator
(WaitForever, time.py), where Windows would hang. Alertable waits behave as the others: no APC can be queued.

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
from collections.abc import Callable
from typing import TYPE_CHECKING

from ..nt.status import NTSTATUS
from .errors import NtError
from .handles import CURRENT_PROCESS, CURRENT_THREAD, SYNCHRONIZE, KernelObject, is_pseudo_handle
from .namespace import create_object, open_object
from .time import WaitForever, read_timeout, sleep

if TYPE_CHECKING:
    from ..emu.memory import AddressSpace
    from . import Kernel

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

    def signalled(self, thread: int) -> bool:
        return self.state

    def satisfy(self, thread: int) -> bool:
        if not self.notification:
            self.state = False
        return False

    def describe(self) -> str:
        kind = "notification" if self.notification else "synchronization"
        return f"{super().describe()} ({kind}, {'signalled' if self.state else 'not signalled'})"


class MutantObject(KernelObject):
    type_name = "Mutant"

    def __init__(self, owner: int | None) -> None:
        self.owner = owner
        self.recursion = 0 if owner is None else 1
        self.abandoned = False

    @property
    def count(self) -> int:
        """The signal state: 1 free, 0 owned once, -n owned n + 1 times."""
        return 1 - self.recursion

    def signalled(self, thread: int) -> bool:
        return self.owner is None or self.owner == thread

    def satisfy(self, thread: int) -> bool:
        abandoned, self.abandoned = self.abandoned, False
        self.owner = thread
        self.recursion += 1
        return abandoned

    def release(self, thread: int) -> int:
        if self.owner != thread:
            raise NtError(NTSTATUS.MUTANT_NOT_OWNED)
        previous = self.count
        self.recursion -= 1
        if not self.recursion:
            self.owner = None
        return previous

    def describe(self) -> str:
        return f"{super().describe()} ({'free' if self.owner is None else f'owned by thread {self.owner}'})"


class SemaphoreObject(KernelObject):
    type_name = "Semaphore"

    def __init__(self, count: int, maximum: int) -> None:
        self.count = count
        self.maximum = maximum

    def signalled(self, thread: int) -> bool:
        return self.count > 0

    def satisfy(self, thread: int) -> bool:
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


class RunningObject(KernelObject):
    """The current process or thread as a wait sees it: signalled only once it has ended."""

    def __init__(self, type_name: str) -> None:
        self.type_name = type_name

    def signalled(self, thread: int) -> bool:
        return False

    def describe(self) -> str:
        return f"the current {self.type_name.lower()} itself"


class SyncServices:
    def __init__(self, kernel: Kernel) -> None:
        self.kernel = kernel
        self._itself = {CURRENT_PROCESS: RunningObject("Process"), CURRENT_THREAD: RunningObject("Thread")}

    @property
    def _memory(self) -> AddressSpace:
        return self.kernel.process.memory

    @property
    def _thread(self) -> int:
        return self.kernel.process.tid

    def _probe_out(self, *addresses: int) -> None:
        """Probe optional 4-byte outputs for writing."""
        for address in addresses:
            if address:
                self._memory.probe(address, 4, write=True)

    def _write_out(self, address: int, value: int) -> None:
        if address:
            self._memory.write_u32(address, value & 0xFFFFFFFF)

    # ---- events --------------------------------------------------------------------------------------

    def NtCreateEvent(self, EventHandle: int, DesiredAccess: int, ObjectAttributes: int, EventType: int,
                      InitialState: int) -> int:
        if EventType not in (NOTIFICATION_EVENT, SYNCHRONIZATION_EVENT):
            raise NtError(NTSTATUS.INVALID_PARAMETER)
        return create_object(self.kernel, EventHandle, DesiredAccess, ObjectAttributes, EventObject,
                             lambda: EventObject(EventType == NOTIFICATION_EVENT, bool(InitialState)))

    def NtOpenEvent(self, EventHandle: int, DesiredAccess: int, ObjectAttributes: int) -> int:
        return open_object(self.kernel, EventHandle, DesiredAccess, ObjectAttributes, EventObject)

    def _change_event(self, handle: int, previous_out: int, change: Callable[[EventObject], None]) -> int:
        self._probe_out(previous_out)
        event = self.kernel.process.handles.reference(handle, EventObject, EVENT_MODIFY_STATE)
        previous = int(event.state)
        change(event)
        self._write_out(previous_out, previous)
        return NTSTATUS.SUCCESS

    def NtSetEvent(self, EventHandle: int, PreviousState: int) -> int:
        return self._change_event(EventHandle, PreviousState, _set)

    def NtResetEvent(self, EventHandle: int, PreviousState: int) -> int:
        return self._change_event(EventHandle, PreviousState, _reset)

    def NtClearEvent(self, EventHandle: int) -> int:
        return self._change_event(EventHandle, 0, _reset)

    def NtPulseEvent(self, EventHandle: int, PreviousState: int) -> int:
        """Set, release the waiters (there are none: this thread is not waiting), reset."""
        return self._change_event(EventHandle, PreviousState, _reset)

    def NtQueryEvent(self, EventHandle: int, EventInformationClass: int, EventInformation: int,
                     EventInformationLength: int, ReturnLength: int) -> int:
        return self._query(EventHandle, EventInformationClass, EventInformation, EventInformationLength,
                           ReturnLength, EventObject, EVENT_QUERY_STATE,
                           lambda e: struct.pack("<Ii", 0 if e.notification else 1, int(e.state)))

    def _query(self, handle: int, info_class: int, buffer: int, length: int, return_length: int,
               cls: type, access: int, answer: Callable) -> int:
        """The basic-information query of a synchronisation object (one class, 8 bytes)."""
        if info_class != BASIC_INFORMATION:
            raise NtError(NTSTATUS.INVALID_INFO_CLASS)
        if length != BASIC_INFORMATION_SIZE:
            raise NtError(NTSTATUS.INFO_LENGTH_MISMATCH)
        self._memory.probe(buffer, length, write=True)
        self._probe_out(return_length)
        obj = self.kernel.process.handles.reference(handle, cls, access)
        self._memory.write(buffer, answer(obj))
        self._write_out(return_length, BASIC_INFORMATION_SIZE)
        return NTSTATUS.SUCCESS

    # ---- mutants -------------------------------------------------------------------------------------

    def NtCreateMutant(self, MutantHandle: int, DesiredAccess: int, ObjectAttributes: int,
                       InitialOwner: int) -> int:
        owner = self._thread if InitialOwner else None
        return create_object(self.kernel, MutantHandle, DesiredAccess, ObjectAttributes, MutantObject,
                             lambda: MutantObject(owner))

    def NtOpenMutant(self, MutantHandle: int, DesiredAccess: int, ObjectAttributes: int) -> int:
        return open_object(self.kernel, MutantHandle, DesiredAccess, ObjectAttributes, MutantObject)

    def NtReleaseMutant(self, MutantHandle: int, PreviousCount: int) -> int:
        self._probe_out(PreviousCount)
        mutant = self.kernel.process.handles.reference(MutantHandle, MutantObject, 0)
        self._write_out(PreviousCount, mutant.release(self._thread))
        return NTSTATUS.SUCCESS

    def NtQueryMutant(self, MutantHandle: int, MutantInformationClass: int, MutantInformation: int,
                      MutantInformationLength: int, ReturnLength: int) -> int:
        thread = self._thread
        return self._query(MutantHandle, MutantInformationClass, MutantInformation, MutantInformationLength,
                           ReturnLength, MutantObject, MUTANT_QUERY_STATE,
                           lambda m: struct.pack("<iBBxx", m.count, m.owner == thread, m.abandoned))

    # ---- semaphores ----------------------------------------------------------------------------------

    def NtCreateSemaphore(self, SemaphoreHandle: int, DesiredAccess: int, ObjectAttributes: int,
                          InitialCount: int, MaximumCount: int) -> int:
        initial, maximum = signed32(InitialCount), signed32(MaximumCount)
        if maximum <= 0 or initial < 0 or initial > maximum:
            raise NtError(NTSTATUS.INVALID_PARAMETER)
        return create_object(self.kernel, SemaphoreHandle, DesiredAccess, ObjectAttributes, SemaphoreObject,
                             lambda: SemaphoreObject(initial, maximum))

    def NtOpenSemaphore(self, SemaphoreHandle: int, DesiredAccess: int, ObjectAttributes: int) -> int:
        return open_object(self.kernel, SemaphoreHandle, DesiredAccess, ObjectAttributes, SemaphoreObject)

    def NtReleaseSemaphore(self, SemaphoreHandle: int, ReleaseCount: int, PreviousCount: int) -> int:
        self._probe_out(PreviousCount)
        count = signed32(ReleaseCount)
        if count <= 0:
            raise NtError(NTSTATUS.INVALID_PARAMETER)
        semaphore = self.kernel.process.handles.reference(SemaphoreHandle, SemaphoreObject, SEMAPHORE_MODIFY_STATE)
        self._write_out(PreviousCount, semaphore.release(count))
        return NTSTATUS.SUCCESS

    def NtQuerySemaphore(self, SemaphoreHandle: int, SemaphoreInformationClass: int, SemaphoreInformation: int,
                         SemaphoreInformationLength: int, ReturnLength: int) -> int:
        return self._query(SemaphoreHandle, SemaphoreInformationClass, SemaphoreInformation,
                           SemaphoreInformationLength, ReturnLength, SemaphoreObject, SEMAPHORE_QUERY_STATE,
                           lambda s: struct.pack("<ii", s.count, s.maximum))

    # ---- waits ---------------------------------------------------------------------------------------

    def _waitable(self, handle: int) -> KernelObject:
        """The object a wait on `handle` waits for: the handle must grant SYNCHRONIZE."""
        handle &= 0xFFFFFFFFFFFFFFFF
        if handle in self._itself:
            return self._itself[handle]
        if is_pseudo_handle(handle):  # the pseudo token handles are no handles to wait on
            raise NtError(NTSTATUS.INVALID_HANDLE)
        entry = self.kernel.process.handles.entry(handle)
        if not entry.access & SYNCHRONIZE:
            raise NtError(NTSTATUS.ACCESS_DENIED)
        return entry.obj

    def _wait(self, call: str, objects: list[KernelObject], wait_all: bool, timeout: float | None) -> int:
        """Satisfy the wait now if it can be (WAIT_0 + i, ABANDONED_WAIT_0 + i), else time out."""
        thread = self._thread
        if wait_all:
            if all(o.signalled(thread) for o in objects):
                abandoned = [o.satisfy(thread) for o in objects]
                return NTSTATUS.ABANDONED_WAIT_0 if any(abandoned) else NTSTATUS.SUCCESS
        else:
            for i, obj in enumerate(objects):
                if obj.signalled(thread):
                    return (NTSTATUS.ABANDONED_WAIT_0 if obj.satisfy(thread) else NTSTATUS.SUCCESS) + i
        if timeout is None:
            unsignalled = ", ".join(o.describe() for o in objects if not o.signalled(thread))
            raise WaitForever(f"the guest waits forever ({call} with no timeout) on {unsignalled}, and has no "
                              "other thread to signal it")
        sleep(self.kernel.process, timeout)
        return NTSTATUS.TIMEOUT

    def NtWaitForSingleObject(self, Handle: int, Alertable: int, Timeout: int) -> int:
        timeout = read_timeout(self._memory, Timeout)
        return self._wait("NtWaitForSingleObject", [self._waitable(Handle)], False, timeout)

    def NtWaitForMultipleObjects(self, Count: int, Handles: int, WaitType: int, Alertable: int,
                                 Timeout: int) -> int:
        if not 0 < Count <= MAXIMUM_WAIT_OBJECTS:
            raise NtError(NTSTATUS.INVALID_PARAMETER_1)
        if WaitType not in (WAIT_ALL, WAIT_ANY):
            raise NtError(NTSTATUS.INVALID_PARAMETER_3)
        timeout = read_timeout(self._memory, Timeout)
        handles = struct.unpack(f"<{Count}Q", self._memory.read(Handles, 8 * Count))
        objects = [self._waitable(h) for h in handles]
        if WaitType == WAIT_ALL and len({id(o) for o in objects}) < len(objects):
            raise NtError(NTSTATUS.INVALID_PARAMETER_MIX)
        return self._wait("NtWaitForMultipleObjects", objects, WaitType == WAIT_ALL, timeout)

    def NtSignalAndWaitForSingleObject(self, SignalHandle: int, WaitHandle: int, Alertable: int,
                                       Timeout: int) -> int:
        """Signal one object (set an event, release a mutant or one count of a semaphore), then wait."""
        timeout = read_timeout(self._memory, Timeout)
        handles = self.kernel.process.handles
        if is_pseudo_handle(SignalHandle):
            raise NtError(NTSTATUS.OBJECT_TYPE_MISMATCH)
        signal = handles.entry(SignalHandle)
        waited = self._waitable(WaitHandle)
        obj = signal.obj
        if isinstance(obj, EventObject):
            _require(signal.access, EVENT_MODIFY_STATE)
            obj.state = True
        elif isinstance(obj, MutantObject):
            obj.release(self._thread)
        elif isinstance(obj, SemaphoreObject):
            _require(signal.access, SEMAPHORE_MODIFY_STATE)
            obj.release(1)
        else:
            raise NtError(NTSTATUS.OBJECT_TYPE_MISMATCH)
        return self._wait("NtSignalAndWaitForSingleObject", [waited], False, timeout)


def _require(granted: int, access: int) -> None:
    if access & ~granted:
        raise NtError(NTSTATUS.ACCESS_DENIED)


def _set(event: EventObject) -> None:
    event.state = True


def _reset(event: EventObject) -> None:
    event.state = False
