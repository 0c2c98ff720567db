"""Security services: opening the tokens of processes and threads, impersonation, and querying a token.

Choices where Windows is subtle:
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

from typing import TYPE_CHECKING

from ..nt.process import SECURITY_QUALITY_OF_SERVICE
from ..nt.status import NTSTATUS
from .errors import NtError
from .process import Process, reference
from .threadobject import Thread
from .token import SECURITY_ANONYMOUS, SECURITY_DELEGATION, Token

if TYPE_CHECKING:
    from .system import System

OBJ_VALID_ATTRIBUTES = 0x1FF2
CURRENT_PROCESS_TOKEN = 0xFFFFFFFFFFFFFFFC  # (HANDLE)-4
CURRENT_THREAD_TOKEN = 0xFFFFFFFFFFFFFFFB  # (HANDLE)-5
CURRENT_THREAD_EFFECTIVE_TOKEN = 0xFFFFFFFFFFFFFFFA  # (HANDLE)-6


def _insert_token(thread: Thread, out: int, token: Token) -> int:
    process = thread.process
    process.memory.write_u64(out, process.handles.insert(token))
    return NTSTATUS.SUCCESS


def token_of(thread: Thread, handle: int) -> Token:
    """The token behind a handle or one of the pseudo token handles."""
    if handle == CURRENT_PROCESS_TOKEN:
        return thread.process.token
    if handle == CURRENT_THREAD_EFFECTIVE_TOKEN:
        return thread.effective_token()
    if handle == CURRENT_THREAD_TOKEN:
        if thread.impersonation is None:
            raise NtError(NTSTATUS.NO_TOKEN)
        return thread.impersonation
    return reference(thread, handle, Token)


class TokenServices:
    def __init__(self, system: System) -> None:
        self.system = system

    def NtOpenProcessToken(self, thread: Thread, ProcessHandle: int, DesiredAccess: int, TokenHandle: int) -> int:
        return self.NtOpenProcessTokenEx(thread, ProcessHandle, DesiredAccess, 0, TokenHandle)

    def NtOpenProcessTokenEx(self, thread: Thread, ProcessHandle: int, DesiredAccess: int, HandleAttributes: int,
                             TokenHandle: int) -> int:
        thread.process.memory.probe(TokenHandle, 8, write=True)
        if HandleAttributes & ~OBJ_VALID_ATTRIBUTES:
            raise NtError(NTSTATUS.INVALID_PARAMETER)
        return _insert_token(thread, TokenHandle, reference(thread, ProcessHandle, Process).token)

    def NtOpenThreadToken(self, thread: Thread, ThreadHandle: int, DesiredAccess: int, OpenAsSelf: int,
                          TokenHandle: int) -> int:
        thread.process.memory.probe(TokenHandle, 8, write=True)
        token = reference(thread, ThreadHandle, Thread).impersonation
        if token is None:
            raise NtError(NTSTATUS.NO_TOKEN)
        if token.level == SECURITY_ANONYMOUS:
            raise NtError(NTSTATUS.CANT_OPEN_ANONYMOUS)
        return _insert_token(thread, TokenHandle, token)

    def NtImpersonateThread(self, thread: Thread, ServerThreadHandle: int, ClientThreadHandle: int,
                            SecurityQos: int) -> int:
        qos = SECURITY_QUALITY_OF_SERVICE.unpack(
            thread.process.memory.read(SecurityQos, SECURITY_QUALITY_OF_SERVICE.size(64)), 64)
        server = reference(thread, ServerThreadHandle, Thread)
        client = reference(thread, ClientThreadHandle, Thread)
        if qos["ImpersonationLevel"] > SECURITY_DELEGATION:
            raise NtError(NTSTATUS.INVALID_PARAMETER)
        server.impersonation = client.effective_token().impersonation(qos["ImpersonationLevel"])
        return NTSTATUS.SUCCESS

    def NtQueryInformationToken(self, thread: Thread, TokenHandle: int, TokenInformationClass: int,
                                TokenInformation: int, TokenInformationLength: int, ReturnLength: int) -> int:
        memory = thread.process.memory
        memory.probe(ReturnLength, 4, write=True)  # not optional: NULL is an access violation
        data = token_of(thread, TokenHandle).information(TokenInformationClass, TokenInformation)
        if TokenInformationLength < len(data):
            memory.write_u32(ReturnLength, len(data))
            raise NtError(NTSTATUS.BUFFER_TOO_SMALL)
        memory.write(TokenInformation, data)
        memory.write_u32(ReturnLength, len(data))
        return NTSTATUS.SUCCESS


SERVICES = (TokenServices.NtOpenProcessToken, TokenServices.NtOpenProcessTokenEx, TokenServices.NtOpenThreadToken,
            TokenServices.NtImpersonateThread, TokenServices.NtQueryInformationToken)
