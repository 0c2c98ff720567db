"""System calls of synchronisation: events, mutants, semaphores, waits, alerts by thread id."""

from __future__ import annotations

from .decl import HANDLE_OUT, LARGE_IN, OA, ULONG_OUT, decl
from .kinds import ACCESS_MASK, BOOLEAN, HANDLE, LONG, PVOID, ULONG, Kind, ptr_out
from .layouts import F, Field, Layout

MAXIMUM_WAIT_OBJECTS = 64

LONG_OUT = ptr_out(Layout("LONG", [Field("Value", F.I32)]))  # PreviousState, PreviousCount: same in both widths


def _open(handle: str) -> tuple[tuple[str, Kind], ...]:
    return (handle, HANDLE_OUT), ("DesiredAccess", ACCESS_MASK), ("ObjectAttributes", OA)


def _query(handle: str, what: str) -> tuple[tuple[str, Kind], ...]:
    return ((handle, HANDLE), (f"{what}InformationClass", ULONG), (f"{what}Information", PVOID),
            (f"{what}InformationLength", ULONG), ("ReturnLength", ULONG_OUT))


DECLARATIONS = {
    "NtCreateEvent": decl(*_open("EventHandle"), ("EventType", ULONG), ("InitialState", BOOLEAN)),
    "NtOpenEvent": decl(*_open("EventHandle")),
    "NtSetEvent": decl(("EventHandle", HANDLE), ("PreviousState", LONG_OUT)),
    "NtResetEvent": decl(("EventHandle", HANDLE), ("PreviousState", LONG_OUT)),
    "NtClearEvent": decl(("EventHandle", HANDLE)),
    "NtPulseEvent": decl(("EventHandle", HANDLE), ("PreviousState", LONG_OUT)),
    "NtQueryEvent": decl(*_query("EventHandle", "Event")),
    "NtCreateMutant": decl(*_open("MutantHandle"), ("InitialOwner", BOOLEAN)),
    "NtOpenMutant": decl(*_open("MutantHandle")),
    "NtReleaseMutant": decl(("MutantHandle", HANDLE), ("PreviousCount", LONG_OUT)),
    "NtQueryMutant": decl(*_query("MutantHandle", "Mutant")),
    "NtCreateSemaphore": decl(*_open("SemaphoreHandle"), ("InitialCount", LONG), ("MaximumCount", LONG)),
    "NtOpenSemaphore": decl(*_open("SemaphoreHandle")),
    "NtReleaseSemaphore": decl(("SemaphoreHandle", HANDLE), ("ReleaseCount", LONG), ("PreviousCount", LONG_OUT)),
    "NtQuerySemaphore": decl(*_query("SemaphoreHandle", "Semaphore")),
    "NtWaitForSingleObject": decl(("Handle", HANDLE), ("Alertable", BOOLEAN), ("Timeout", LARGE_IN)),
    "NtWaitForMultipleObjects": decl(("Count", ULONG), ("Handles", PVOID), ("WaitType", ULONG),
                                     ("Alertable", BOOLEAN), ("Timeout", LARGE_IN)),
    "NtSignalAndWaitForSingleObject": decl(("SignalHandle", HANDLE), ("WaitHandle", HANDLE),
                                           ("Alertable", BOOLEAN), ("Timeout", LARGE_IN)),
    "NtAlertThreadByThreadId": decl(("ThreadId", HANDLE)),
    "NtWaitForAlertByThreadId": decl(("Address", PVOID), ("Timeout", LARGE_IN)),
}
