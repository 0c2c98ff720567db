"""System services: system information, threads, tokens, the processor number and the default languages.

Choices where Windows is subtle:
- NtQuerySystemInformation zeroes ReturnLength first, then checks the class and the length: exact for
  SystemBasicInformation, at least the structure for SystemProcessorInformation and
  SystemKernelDebuggerInformation, at most the structure for SystemTimeOfDayInformation (a shorter buffer gets
  that many bytes of it). A SystemProcessInformation buffer too small gets STATUS_INFO_LENGTH_MISMATCH with
  the length needed.
- NtSetInformationThread checks the length, reads the value and checks it before it looks at the handle:
  ThreadBasePriority takes -2..2 and the saturation values +-16 (STATUS_INVALID_PARAMETER otherwise),
  ThreadPriority 1..31 where 16 and above need SeIncreaseBasePriorityPrivilege, which this standard user lacks
  (STATUS_PRIVILEGE_NOT_HELD); ThreadHideFromDebugger takes no data (any length but 0 is a mismatch);
  ThreadImpersonationToken takes a handle to an impersonation token (STATUS_BAD_TOKEN_TYPE for a primary one)
  or NULL, which ends the impersonation.
- NtOpenThreadToken on a thread that is not impersonating is STATUS_NO_TOKEN; on one impersonating at
  SecurityAnonymous, STATUS_CANT_OPEN_ANONYMOUS. NtImpersonateThread gives the server thread an impersonation
  copy of the client thread's effective token at the level of the SECURITY_QUALITY_OF_SERVICE (a level above
  SecurityDelegation is STATUS_INVALID_PARAMETER).
- NtQueryInformationToken needs a ReturnLength (NULL: STATUS_ACCESS_VIOLATION); a short buffer is
  STATUS_BUFFER_TOO_SMALL with the length needed. It takes the pseudo handles of Windows 8: -4 the process
  token, -5 the thread's impersonation token (STATUS_NO_TOKEN without one), -6 the thread's effective token.
- Access masks are granted in full and not checked: the user owns everything it opens here.
"""

from __future__ import annotations

import logging
import struct
from collections.abc import Callable
from functools import cached_property
from typing import TYPE_CHECKING

from ..nt.process import (
    SECURITY_QUALITY_OF_SERVICE,
    THREAD_BASIC_INFORMATION,
    SystemBasicInformation,
    SystemEmulationBasicInformation,
    SystemEmulationProcessorInformation,
    SystemKernelDebuggerInformation,
    SystemProcessInformation,
    SystemProcessorInformation,
    SystemTimeOfDayInformation,
    ThreadAmILastThread,
    ThreadBasePriority,
    ThreadBasicInformation,
    ThreadHideFromDebugger,
    ThreadImpersonationToken,
    ThreadIsTerminated,
    ThreadPriority,
    ThreadQuerySetWin32StartAddress,
)
from ..nt.status import NTSTATUS
from . import sysinfo
from .errors import NtError
from .process import (
    AFFINITY_MASK,
    SATURATION,
    ProcessObject,
    ProcessServices,
    ThreadObject,
    check_open_target,
    query_information,
    read_client_id,
)
from .token import SECURITY_ANONYMOUS, SECURITY_DELEGATION, TOKEN_IMPERSONATION, Token

if TYPE_CHECKING:
    from ..emu.memory import AddressSpace
    from . import Kernel

log = logging.getLogger(__name__)

LANGUAGE_EN_US = 0x0409  # the default locale, UI language and install language
OBJ_VALID_ATTRIBUTES = 0x1FF2
CURRENT_PROCESS_TOKEN = 0xFFFFFFFFFFFFFFFC  # (HANDLE)-4
CURRENT_THREAD_TOKEN = 0xFFFFFFFFFFFFFFFB  # (HANDLE)-5
CURRENT_THREAD_EFFECTIVE_TOKEN = 0xFFFFFFFFFFFFFFFA  # (HANDLE)-6
HIGH_PRIORITY = 31
LOW_REALTIME_PRIORITY = 16
THREAD_BASE_PRIORITY_MAX = 2
KERNEL_DEBUGGER_ABSENT = bytes([0, 1])  # KernelDebuggerEnabled FALSE, KernelDebuggerNotPresent TRUE

# How a system information class takes its length: exactly its size, at least, at most (a prefix of it).
EXACT, MINIMUM, PREFIX, VARIABLE = range(4)


class SystemServices:
    def __init__(self, kernel: Kernel) -> None:
        self.kernel = kernel

    @cached_property
    def _ps(self) -> ProcessServices:
        """The process area, which owns the process and thread objects."""
        return next(area for area in self.kernel.areas if isinstance(area, ProcessServices))

    @property
    def _memory(self) -> AddressSpace:
        return self.kernel.process.memory

    # ---- system ----------------------------------------------------------------------------------------

    def NtQuerySystemInformation(self, SystemInformationClass: int, SystemInformation: int,
                                 SystemInformationLength: int, ReturnLength: int) -> int:
        """The classes of _SYSTEM; every other class is STATUS_INVALID_INFO_CLASS (logged)."""
        memory = self._memory
        if ReturnLength:
            memory.write_u32(ReturnLength, 0)
        entry = _SYSTEM.get(SystemInformationClass)
        if entry is None:
            log.warning("NtQuerySystemInformation: information class %d is unknown or not implemented",
                        SystemInformationClass)
            raise NtError(NTSTATUS.INVALID_INFO_CLASS)
        rule, answer = entry
        data = answer(self, SystemInformation)
        length = SystemInformationLength
        fits = {EXACT: length == len(data), MINIMUM: length >= len(data), PREFIX: length <= len(data),
                VARIABLE: length >= len(data)}[rule]
        if not fits:
            if rule == VARIABLE and ReturnLength:
                memory.write_u32(ReturnLength, len(data))
            raise NtError(NTSTATUS.INFO_LENGTH_MISMATCH)
        if rule == PREFIX:
            data = data[:length]
        memory.write(SystemInformation, data)
        if ReturnLength:
            memory.write_u32(ReturnLength, len(data))
        return NTSTATUS.SUCCESS

    def NtGetCurrentProcessorNumber(self) -> int:
        """The number of the processor the thread runs on (not a status): always the first."""
        return 0

    def NtQueryDefaultLocale(self, UserProfile: int, DefaultLocaleId: int) -> int:
        self._memory.write_u32(DefaultLocaleId, LANGUAGE_EN_US)
        return NTSTATUS.SUCCESS

    def NtQueryDefaultUILanguage(self, DefaultUILanguageId: int) -> int:
        self._memory.write(DefaultUILanguageId, struct.pack("<H", LANGUAGE_EN_US))
        return NTSTATUS.SUCCESS

    def NtQueryInstallUILanguage(self, InstallUILanguageId: int) -> int:
        self._memory.write(InstallUILanguageId, struct.pack("<H", LANGUAGE_EN_US))
        return NTSTATUS.SUCCESS

    # ---- threads ---------------------------------------------------------------------------------------

    def _thread(self, handle: int) -> ThreadObject:
        return self._ps.reference(handle, ThreadObject)

    def NtOpenThread(self, ThreadHandle: int, DesiredAccess: int, ObjectAttributes: int, ClientId: int) -> int:
        memory = self._memory
        memory.probe(ThreadHandle, 8, write=True)
        cid = read_client_id(memory, ClientId)
        check_open_target(memory, ObjectAttributes, cid)
        pid, tid = cid
        process = self.kernel.process
        if pid and (pid, tid) != (process.pid, process.tid):
            raise NtError(NTSTATUS.INVALID_CID)
        if tid != process.tid:
            raise NtError(NTSTATUS.INVALID_PARAMETER)
        memory.write_u64(ThreadHandle, process.handles.insert(self._ps.current.thread))
        return NTSTATUS.SUCCESS

    def NtQueryInformationThread(self, ThreadHandle: int, ThreadInformationClass: int, ThreadInformation: int,
                                 ThreadInformationLength: int, ReturnLength: int) -> int:
        return query_information(self, "NtQueryInformationThread", _THREAD_QUERY, ThreadHandle,
                                 ThreadInformationClass, ThreadInformation, ThreadInformationLength, ReturnLength)

    def NtSetInformationThread(self, ThreadHandle: int, ThreadInformationClass: int, ThreadInformation: int,
                               ThreadInformationLength: int) -> int:
        """The classes of _THREAD_SET; every other class is STATUS_INVALID_INFO_CLASS (logged)."""
        entry = _THREAD_SET.get(ThreadInformationClass)
        if entry is None:
            log.warning("NtSetInformationThread: information class %d is unknown or not implemented",
                        ThreadInformationClass)
            raise NtError(NTSTATUS.INVALID_INFO_CLASS)
        size, apply = entry
        if ThreadInformationLength != size:
            raise NtError(NTSTATUS.INFO_LENGTH_MISMATCH)
        apply(self, ThreadHandle, self._memory.read(ThreadInformation, size))
        return NTSTATUS.SUCCESS

    def _set_priority(self, handle: int, data: bytes) -> None:
        (priority,) = struct.unpack("<i", data)
        if not 0 < priority <= HIGH_PRIORITY:
            raise NtError(NTSTATUS.INVALID_PARAMETER)
        if priority >= LOW_REALTIME_PRIORITY:
            raise NtError(NTSTATUS.PRIVILEGE_NOT_HELD)
        self._thread(handle).priority = priority

    def _set_base_priority(self, handle: int, data: bytes) -> None:
        (increment,) = struct.unpack("<i", data)
        if abs(increment) > THREAD_BASE_PRIORITY_MAX and abs(increment) != SATURATION:
            raise NtError(NTSTATUS.INVALID_PARAMETER)
        thread = self._thread(handle)
        thread.base_increment = increment
        thread.priority = thread.base_priority

    def _set_impersonation(self, handle: int, data: bytes) -> None:
        (token_handle,) = struct.unpack("<Q", data)
        token = self.kernel.process.handles.get(token_handle, Token) if token_handle else None
        if token is not None and token.token_type != TOKEN_IMPERSONATION:
            raise NtError(NTSTATUS.BAD_TOKEN_TYPE)
        self._thread(handle).impersonation = token

    def _hide(self, handle: int, _data: bytes) -> None:
        self._thread(handle).hidden_from_debugger = True

    # ---- tokens ----------------------------------------------------------------------------------------

    def _insert_token(self, out: int, token: Token) -> int:
        self._memory.write_u64(out, self.kernel.process.handles.insert(token))
        return NTSTATUS.SUCCESS

    def NtOpenProcessToken(self, ProcessHandle: int, DesiredAccess: int, TokenHandle: int) -> int:
        return self.NtOpenProcessTokenEx(ProcessHandle, DesiredAccess, 0, TokenHandle)

    def NtOpenProcessTokenEx(self, ProcessHandle: int, DesiredAccess: int, HandleAttributes: int,
                             TokenHandle: int) -> int:
        self._memory.probe(TokenHandle, 8, write=True)
        if HandleAttributes & ~OBJ_VALID_ATTRIBUTES:
            raise NtError(NTSTATUS.INVALID_PARAMETER)
        return self._insert_token(TokenHandle, self._ps.reference(ProcessHandle, ProcessObject).token)

    def NtOpenThreadToken(self, ThreadHandle: int, DesiredAccess: int, OpenAsSelf: int, TokenHandle: int) -> int:
        self._memory.probe(TokenHandle, 8, write=True)
        token = self._thread(ThreadHandle).impersonation
        if token is None:
            raise NtError(NTSTATUS.NO_TOKEN)
        if token.level == SECURITY_ANONYMOUS:
            raise NtError(NTSTATUS.CANT_OPEN_ANONYMOUS)
        return self._insert_token(TokenHandle, token)

    def NtImpersonateThread(self, ServerThreadHandle: int, ClientThreadHandle: int, SecurityQos: int) -> int:
        qos = SECURITY_QUALITY_OF_SERVICE.unpack(
            self._memory.read(SecurityQos, SECURITY_QUALITY_OF_SERVICE.size(64)), 64)
        server = self._thread(ServerThreadHandle)
        client = self._thread(ClientThreadHandle)
        if qos["ImpersonationLevel"] > SECURITY_DELEGATION:
            raise NtError(NTSTATUS.INVALID_PARAMETER)
        server.impersonation = client.effective_token().impersonation(qos["ImpersonationLevel"])
        return NTSTATUS.SUCCESS

    def _token(self, handle: int) -> Token:
        thread = self._ps.current.thread
        if handle == CURRENT_PROCESS_TOKEN:
            return self._ps.current.token
        if handle == CURRENT_THREAD_EFFECTIVE_TOKEN:
            return thread.effective_token()
        if handle == CURRENT_THREAD_TOKEN:
            if thread.impersonation is None:
                raise NtError(NTSTATUS.NO_TOKEN)
            return thread.impersonation
        return self._ps.reference(handle, Token)

    def NtQueryInformationToken(self, TokenHandle: int, TokenInformationClass: int, TokenInformation: int,
                                TokenInformationLength: int, ReturnLength: int) -> int:
        memory = self._memory
        memory.probe(ReturnLength, 4, write=True)  # not optional: NULL is an access violation
        data = self._token(TokenHandle).information(TokenInformationClass, TokenInformation)
        if TokenInformationLength < len(data):
            memory.write_u32(ReturnLength, len(data))
            raise NtError(NTSTATUS.BUFFER_TOO_SMALL)
        memory.write(TokenInformation, data)
        memory.write_u32(ReturnLength, len(data))
        return NTSTATUS.SUCCESS


# ---- answers of NtQueryInformationThread: (services, handle, buffer) -> the 64-bit bytes ----------------------

ThreadAnswer = Callable[[SystemServices, int, int], bytes]


def _thread_basic(services: SystemServices, handle: int, _buffer: int) -> bytes:
    thread = services._thread(handle)
    process = services.kernel.process
    values = {"ExitStatus": NTSTATUS.PENDING, "TebBaseAddress": process.teb64, "UniqueProcess": process.pid,
              "UniqueThread": thread.tid, "AffinityMask": AFFINITY_MASK, "Priority": thread.priority,
              "BasePriority": thread.base_increment}
    return THREAD_BASIC_INFORMATION.pack(values, 64)


def _thread_value(value: Callable[[ThreadObject], int], size: int = 4) -> ThreadAnswer:
    def answer(services: SystemServices, handle: int, _buffer: int) -> bytes:
        return value(services._thread(handle)).to_bytes(size, "little")
    return answer


# class -> (its exact length, its answer)
_THREAD_QUERY: dict[int, tuple[int | None, ThreadAnswer]] = {
    ThreadBasicInformation: (THREAD_BASIC_INFORMATION.size(64), _thread_basic),
    ThreadQuerySetWin32StartAddress: (8, _thread_value(lambda t: t.owner.entry_point(), 8)),
    ThreadAmILastThread: (4, _thread_value(lambda _t: 1)),
    ThreadHideFromDebugger: (1, _thread_value(lambda t: int(t.hidden_from_debugger), 1)),
    ThreadIsTerminated: (4, _thread_value(lambda _t: 0)),
}

# class -> (its exact length, what applies the value read)
_THREAD_SET: dict[int, tuple[int, Callable[[SystemServices, int, bytes], None]]] = {
    ThreadPriority: (4, SystemServices._set_priority),
    ThreadBasePriority: (4, SystemServices._set_base_priority),
    ThreadImpersonationToken: (8, SystemServices._set_impersonation),
    ThreadHideFromDebugger: (0, SystemServices._hide),
}

# class -> (how it takes its length, what answers it: (services, buffer) -> the 64-bit bytes)
_SYSTEM: dict[int, tuple[int, Callable[[SystemServices, int], bytes]]] = {
    SystemBasicInformation: (EXACT, lambda s, _b: sysinfo.basic_information(s.kernel.process, False)),
    SystemProcessorInformation: (MINIMUM, lambda _s, _b: sysinfo.processor_information(False)),
    SystemTimeOfDayInformation: (PREFIX, lambda _s, _b: sysinfo.time_of_day()),
    SystemProcessInformation: (VARIABLE, lambda s, b: sysinfo.process_records(
        sysinfo.process_entries(s._ps.current), b)),
    SystemKernelDebuggerInformation: (MINIMUM, lambda _s, _b: KERNEL_DEBUGGER_ABSENT),
    SystemEmulationBasicInformation: (EXACT, lambda s, _b: sysinfo.basic_information(s.kernel.process, True)),
    SystemEmulationProcessorInformation: (MINIMUM, lambda _s, _b: sysinfo.processor_information(True)),
}
