"""The rights on a process: what a new handle to one is granted, and the check each service makes of a handle.

A handle to another process grants what NtOpenProcess asked for, mapped by the Process type; a handle granting
PROCESS_QUERY_INFORMATION also grants PROCESS_QUERY_LIMITED_INFORMATION, and PROCESS_SET_INFORMATION brings
PROCESS_SET_LIMITED_INFORMATION, as Windows grants them. The pseudo handle (HANDLE)-1, the caller's own process,
grants every right. A handle that lacks the right a service needs is STATUS_ACCESS_DENIED, after its type is
checked (STATUS_OBJECT_TYPE_MISMATCH), as ObReferenceObjectByHandle checks them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..nt.status import NTSTATUS
from .errors import NtError
from .handles import CURRENT_PROCESS, CURRENT_THREAD, TYPES

if TYPE_CHECKING:
    from .process import Process
    from .threadobject import Thread

# Process access rights (winnt.h).
PROCESS_TERMINATE = 0x0001
PROCESS_VM_OPERATION = 0x0008
PROCESS_VM_READ = 0x0010
PROCESS_VM_WRITE = 0x0020
PROCESS_SET_INFORMATION = 0x0200
PROCESS_QUERY_INFORMATION = 0x0400
PROCESS_QUERY_LIMITED_INFORMATION = 0x1000
PROCESS_SET_LIMITED_INFORMATION = 0x2000


def process_access(desired: int) -> int:
    """The rights a new handle to a process gets for `desired`."""
    granted = TYPES["Process"].grant(desired)
    if granted & PROCESS_QUERY_INFORMATION:
        granted |= PROCESS_QUERY_LIMITED_INFORMATION
    if granted & PROCESS_SET_INFORMATION:
        granted |= PROCESS_SET_LIMITED_INFORMATION
    return granted


def reference_process(thread: Thread, handle: int, access: int) -> Process:
    """The process behind a handle that grants `access`."""
    if handle == CURRENT_PROCESS:
        return thread.process
    if handle == CURRENT_THREAD:
        raise NtError(NTSTATUS.OBJECT_TYPE_MISMATCH)
    entry = thread.process.handles.entry(handle)
    if entry.obj.type_name != "Process":
        raise NtError(NTSTATUS.OBJECT_TYPE_MISMATCH)
    if access & ~entry.access:
        raise NtError(NTSTATUS.ACCESS_DENIED)
    return entry.obj  # type: ignore[return-value]  # the Process type, by its type name
