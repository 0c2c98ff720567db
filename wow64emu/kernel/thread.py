"""Thread services: opening a thread, querying and setting its information (the object is threadobject.py).

Choices where Windows is subtle:
- NtOpenThread by client id: a thread id that names no thread of the System is STATUS_INVALID_PARAMETER; with a
  process id, a thread that is not that process's is STATUS_INVALID_CID (PsLookupProcessThreadByCid).
- NtSetInformationThread checks the length, reads the value and checks it before it looks at the handle:
  ThreadBasePriority takes -2..2 and the saturation values +-16 (STATUS_INVALID_PARAMETER otherwise),
  ThreadPriority 1..31 where 16 and above need SeIncreaseBasePriorityPrivilege, which this standard user lacks
  (STATUS_PRIVILEGE_NOT_HELD); ThreadHideFromDebugger takes no data (any length but 0 is a mismatch);
  ThreadImpersonationToken takes a handle to an impersonation token (STATUS_BAD_TOKEN_TYPE for a primary one)
  or NULL, which ends the impersonation.
- ThreadAmILastThread answers whether the caller is the last thread of its process still running.
- ThreadTimes gives the thread's Lifetime (time.py): creation and exit times, and the host's CPU time since then.
"""

from __future__ import annotations

import struct
from collections.abc import Callable
from typing import TYPE_CHECKING

from ..log import getLogger
from ..nt.process import (
    THREAD_BASIC_INFORMATION,
    ThreadAmILastThread,
    ThreadBasePriority,
    ThreadBasicInformation,
    ThreadHideFromDebugger,
    ThreadImpersonationToken,
    ThreadIsTerminated,
    ThreadPriority,
    ThreadQuerySetWin32StartAddress,
    ThreadTimes,
)
from ..nt.status import NTSTATUS
from .errors import NtError
from .handles import handle_attributes
from .process import Answer, check_open_target, query_information, read_client_id, reference
from .threadobject import SATURATION, Thread
from .time import KERNEL_USER_TIMES_SIZE
from .token import TOKEN_IMPERSONATION, Token, check_privilege

if TYPE_CHECKING:
    from .system import System

log = getLogger(__name__)

HIGH_PRIORITY = 31
LOW_REALTIME_PRIORITY = 16
THREAD_BASE_PRIORITY_MAX = 2


class ThreadServices:
    def __init__(self, system: System) -> None:
        self.system = system

    def NtOpenThread(self, thread: Thread, ThreadHandle: int, DesiredAccess: int, ObjectAttributes: int,
                     ClientId: int) -> int:
        process = thread.process
        memory = process.memory
        memory.probe(ThreadHandle, 8, write=True)
        cid = read_client_id(memory, ClientId)
        check_open_target(memory, ObjectAttributes, cid)
        pid, tid = cid
        target = self.system.thread(tid)
        if pid and (target is None or target.process.pid != pid):
            raise NtError(NTSTATUS.INVALID_CID)
        if target is None:
            raise NtError(NTSTATUS.INVALID_PARAMETER)
        memory.write_u64(ThreadHandle, process.handles.insert(target, attributes=handle_attributes(memory,
                                                                                                 ObjectAttributes)))
        return NTSTATUS.SUCCESS

    def NtQueryInformationThread(self, thread: Thread, ThreadHandle: int, ThreadInformationClass: int,
                                 ThreadInformation: int, ThreadInformationLength: int, ReturnLength: int) -> int:
        return query_information(thread, "NtQueryInformationThread", _QUERY, ThreadHandle, ThreadInformationClass,
                                 ThreadInformation, ThreadInformationLength, ReturnLength)

    def NtSetInformationThread(self, thread: Thread, ThreadHandle: int, ThreadInformationClass: int,
                               ThreadInformation: int, ThreadInformationLength: int) -> int:
        """The classes of _SET; every other class is STATUS_INVALID_INFO_CLASS (logged)."""
        entry = _SET.get(ThreadInformationClass)
        if entry is None:
            log.warning("NtSetInformationThread: information class %d is unknown or not implemented",
                        ThreadInformationClass)
            raise NtError(NTSTATUS.INVALID_INFO_CLASS)
        size, apply = entry
        if ThreadInformationLength != size:
            raise NtError(NTSTATUS.INFO_LENGTH_MISMATCH)
        apply(thread, ThreadHandle, thread.process.memory.read(ThreadInformation, size))
        return NTSTATUS.SUCCESS


SERVICES = (ThreadServices.NtOpenThread, ThreadServices.NtQueryInformationThread,
            ThreadServices.NtSetInformationThread)


# ---- NtSetInformationThread: (the calling thread, handle, the value's bytes) ---------------------------------

def _set_priority(caller: Thread, handle: int, data: bytes) -> None:
    (priority,) = struct.unpack("<i", data)
    if not 0 < priority <= HIGH_PRIORITY:
        raise NtError(NTSTATUS.INVALID_PARAMETER)
    if priority >= LOW_REALTIME_PRIORITY:
        check_privilege(caller.effective_token(), "SeIncreaseBasePriorityPrivilege")
    reference(caller, handle, Thread).priority = priority


def _set_base_priority(caller: Thread, handle: int, data: bytes) -> None:
    (increment,) = struct.unpack("<i", data)
    if abs(increment) > THREAD_BASE_PRIORITY_MAX and abs(increment) != SATURATION:
        raise NtError(NTSTATUS.INVALID_PARAMETER)
    thread = reference(caller, handle, Thread)
    thread.base_increment = increment
    thread.priority = thread.base_priority


def _set_impersonation(caller: Thread, handle: int, data: bytes) -> None:
    (token_handle,) = struct.unpack("<Q", data)
    token = caller.process.handles.get(token_handle, Token) if token_handle else None
    if token is not None and token.token_type != TOKEN_IMPERSONATION:
        raise NtError(NTSTATUS.BAD_TOKEN_TYPE)
    reference(caller, handle, Thread).impersonation = token


def _hide(caller: Thread, handle: int, _data: bytes) -> None:
    reference(caller, handle, Thread).hidden_from_debugger = True


# class -> (its exact length, what applies the value read)
_SET: dict[int, tuple[int, Callable[[Thread, int, bytes], None]]] = {
    ThreadPriority: (4, _set_priority),
    ThreadBasePriority: (4, _set_base_priority),
    ThreadImpersonationToken: (8, _set_impersonation),
    ThreadHideFromDebugger: (0, _hide),
}


# ---- answers of NtQueryInformationThread ------------------------------------------------------------------------

def _basic(caller: Thread, handle: int, _buffer: int) -> bytes:
    thread = reference(caller, handle, Thread)
    values = {"ExitStatus": thread.status, "TebBaseAddress": thread.teb64, "UniqueProcess": thread.process.pid,
              "UniqueThread": thread.tid, "AffinityMask": thread.process.affinity, "Priority": thread.priority,
              "BasePriority": thread.base_increment}
    return THREAD_BASIC_INFORMATION.pack(values, 64)


def _value(value: Callable[[Thread], int], size: int = 4) -> Answer:
    def answer(caller: Thread, handle: int, _buffer: int) -> bytes:
        return value(reference(caller, handle, Thread)).to_bytes(size, "little")
    return answer


def _last_thread(thread: Thread) -> int:
    return int(all(t is thread or t.exit_status is not None for t in thread.process.threads))


# class -> (its exact length, its answer)
_QUERY: dict[int, tuple[int | None, Answer]] = {
    ThreadBasicInformation: (THREAD_BASIC_INFORMATION.size(64), _basic),
    ThreadTimes: (KERNEL_USER_TIMES_SIZE, lambda t, h, _b: reference(t, h, Thread).lifetime.kernel_user_times()),
    ThreadQuerySetWin32StartAddress: (8, _value(lambda t: t.start_address or t.process.entry_point(), 8)),
    ThreadAmILastThread: (4, _value(_last_thread)),
    ThreadHideFromDebugger: (1, _value(lambda t: int(t.hidden_from_debugger), 1)),
    ThreadIsTerminated: (4, _value(lambda t: int(t.exit_status is not None))),
}
