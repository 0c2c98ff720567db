"""NtAdjustPrivilegesToken: enabling, disabling or removing the privileges a token holds (tokenprivileges.py).

A privilege the token lacks makes the call STATUS_NOT_ALL_ASSIGNED, a success that changes the others;
PreviousState receives the earlier state of the privileges it changed, and when it is too short for them nothing
changes (STATUS_BUFFER_TOO_SMALL, ReturnLength the length needed). A NewState of more than MAX_PRIVILEGE_COUNT
entries is STATUS_INVALID_PARAMETER: no token holds more privileges than Windows defines, and the guest must not
make the kernel read megabytes.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..nt.security import SE_PRIVILEGE_ENABLED, SE_PRIVILEGE_REMOVED
from ..nt.status import NTSTATUS
from .errors import NtError
from .security import token_of
from .tokenprivileges import LUID_AND_ATTRIBUTES, token_privileges

if TYPE_CHECKING:
    from .system import System
    from .threadobject import Thread
    from .token import Token

MAX_PRIVILEGE_COUNT = 64


def _new_state(thread: Thread, address: int) -> list[tuple[int, int, int]]:
    memory = thread.process.memory
    count = memory.read_u32(address)
    if count > MAX_PRIVILEGE_COUNT:
        raise NtError(NTSTATUS.INVALID_PARAMETER)
    data = memory.read(address + 4, count * LUID_AND_ATTRIBUTES.size)
    return [LUID_AND_ATTRIBUTES.unpack_from(data, i * LUID_AND_ATTRIBUTES.size) for i in range(count)]


def _changes(token: Token, disable_all: bool, wanted: list[tuple[int, int, int]]) -> tuple[dict[int, int | None],
                                                                                           bool]:
    """The new attributes of each privilege that changes (None: removed), and whether every one asked was held."""
    held = token.privileges
    if disable_all:
        return {luid: attributes & ~SE_PRIVILEGE_ENABLED for luid, attributes in held.items()
                if attributes & SE_PRIVILEGE_ENABLED}, True
    changes: dict[int, int | None] = {}
    all_held = True
    for low, high, attributes in wanted:
        if high or low not in held:
            all_held = False
            continue
        if attributes & SE_PRIVILEGE_REMOVED:
            changes[low] = None
        elif (attributes & SE_PRIVILEGE_ENABLED) != (held[low] & SE_PRIVILEGE_ENABLED):
            changes[low] = (held[low] & ~SE_PRIVILEGE_ENABLED) | (attributes & SE_PRIVILEGE_ENABLED)
    return changes, all_held


class PrivilegeServices:
    def __init__(self, system: System) -> None:
        self.system = system

    def NtAdjustPrivilegesToken(self, thread: Thread, TokenHandle: int, DisableAllPrivileges: int, NewState: int,
                                BufferLength: int, PreviousState: int, ReturnLength: int) -> int:
        token = token_of(thread, TokenHandle)
        if not DisableAllPrivileges and not NewState:
            raise NtError(NTSTATUS.INVALID_PARAMETER)
        wanted = [] if DisableAllPrivileges else _new_state(thread, NewState)
        changes, all_held = _changes(token, bool(DisableAllPrivileges), wanted)
        memory = thread.process.memory
        if PreviousState:
            previous = token_privileges({luid: token.privileges[luid] for luid in changes})
            memory.probe(ReturnLength, 4, write=True)
            memory.write_u32(ReturnLength, len(previous))
            if BufferLength < len(previous):
                raise NtError(NTSTATUS.BUFFER_TOO_SMALL)
            memory.write(PreviousState, previous)
        for luid, attributes in changes.items():
            if attributes is None:
                del token.privileges[luid]
            else:
                token.privileges[luid] = attributes
        return NTSTATUS.SUCCESS if all_held else NTSTATUS.NOT_ALL_ASSIGNED


SERVICES = (PrivilegeServices.NtAdjustPrivilegesToken,)
