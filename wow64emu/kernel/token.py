"""Access tokens: the primary token of the process, impersonation tokens, and what NtQueryInformationToken says.

The emulated user is a standard (not administrator) local account in session 1, as a program started from a
normal console sees itself: TokenElevationTypeDefault, not elevated, medium integrity, not an app container.
With `--elevated` (System.elevated) it is an administrator's token after UAC elevation: TokenElevationTypeFull,
elevated, high integrity, the Administrators group enabled and the administrator's privileges
(tokengroups.py, tokenprivileges.py); the registry and the volume let it write the machine's keys and the protected
folders. TokenVirtualizationAllowed is 1 for a standard user's token, 0 for an elevated one; whether UAC
virtualization is on for the process is `Token.virtualization` (TokenVirtualizationEnabled).
Information classes without an answer here are STATUS_INVALID_INFO_CLASS, with a log line.
"""

from __future__ import annotations

import struct
from collections.abc import Callable

from ..log import getLogger
from ..nt.process import (
    SID_AND_ATTRIBUTES,
    TokenElevation,
    TokenElevationType,
    TokenImpersonationLevel,
    TokenIntegrityLevel,
    TokenIsAppContainer,
    TokenSessionId,
    TokenType,
    TokenUser,
    TokenVirtualizationAllowed,
    TokenVirtualizationEnabled,
)
from ..nt.security import TokenGroups, TokenPrivileges
from ..nt.status import NTSTATUS
from .errors import NtError
from .handles import KernelObject
from .tokengroups import groups_answer, user_groups
from .tokenprivileges import ADMIN_PRIVILEGES, PRIVILEGE_LUIDS, USER_PRIVILEGES, initial_privileges, privileges_answer

log = getLogger(__name__)

TOKEN_PRIMARY, TOKEN_IMPERSONATION = 1, 2
SECURITY_ANONYMOUS, SECURITY_IDENTIFICATION, SECURITY_IMPERSONATION, SECURITY_DELEGATION = range(4)
TOKEN_ELEVATION_TYPE_DEFAULT, TOKEN_ELEVATION_TYPE_FULL = 1, 2
SE_GROUP_INTEGRITY = 0x20
SE_GROUP_INTEGRITY_ENABLED = 0x40
SESSION_ID = 1


def check_privilege(token: Token, name: str) -> None:
    """SeSinglePrivilegeCheck: STATUS_PRIVILEGE_NOT_HELD for a privilege the token lacks (held is enough here:
    Windows' callers, kernelbase's SetPriorityClass and CreateSymbolicLink, enable the privilege themselves)."""
    if PRIVILEGE_LUIDS[name] not in token.privileges:
        raise NtError(NTSTATUS.PRIVILEGE_NOT_HELD)


def sid(authority: int, *sub_authorities: int) -> bytes:
    """A SID in its binary form: revision 1, the count, the 48-bit authority (big-endian), the sub-authorities."""
    return (struct.pack("<BB", 1, len(sub_authorities)) + authority.to_bytes(6, "big")
            + struct.pack(f"<{len(sub_authorities)}I", *sub_authorities))


USER_SID = sid(5, 21, 1004336348, 1177238915, 682003330, 1001)  # S-1-5-21-...-1001, the first local user
COMPUTER_NAME = "WOW64EMU-PC"  # the machine, and so the domain of its local accounts (the user's)
MEDIUM_INTEGRITY_SID = sid(16, 0x2000)  # S-1-16-8192
HIGH_INTEGRITY_SID = sid(16, 0x3000)  # S-1-16-12288, an elevated token's


def virtualizes(token: Token, wow64: bool, requests_execution_level: bool) -> bool:
    """Whether Windows 10 turns UAC virtualization on for a new process with this primary token: a standard user's
    (TokenVirtualizationAllowed) 32-bit process whose manifest asks for no execution level (image/manifest.py); a
    64-bit process never."""
    return wow64 and not token.elevated and not requests_execution_level


class Token(KernelObject):
    type_name = "Token"

    def __init__(self, token_type: int = TOKEN_PRIMARY, level: int = SECURITY_ANONYMOUS, *,
                 elevated: bool = False) -> None:
        self.token_type = token_type
        self.level = level  # the impersonation level of an impersonation token
        self.user = USER_SID
        self.elevated = elevated  # an administrator's token after UAC elevation
        self.virtualization = False  # UAC virtualization on for the process (TokenVirtualizationEnabled)
        self.integrity = HIGH_INTEGRITY_SID if elevated else MEDIUM_INTEGRITY_SID
        # LUID -> attributes (tokenprivileges.py)
        self.privileges = initial_privileges(ADMIN_PRIVILEGES if elevated else USER_PRIVILEGES)
        self.groups = user_groups(self.integrity, SE_GROUP_INTEGRITY | SE_GROUP_INTEGRITY_ENABLED,
                                  administrator=elevated)  # tokengroups.py

    def describe(self) -> str:
        kind = "primary" if self.token_type == TOKEN_PRIMARY else f"impersonation, level {self.level}"
        return f"Token ({kind})"

    def impersonation(self, level: int) -> Token:
        """A copy of this token for a thread to impersonate with, at `level`."""
        copy = Token(TOKEN_IMPERSONATION, level, elevated=self.elevated)
        copy.user, copy.integrity, copy.privileges = self.user, self.integrity, dict(self.privileges)
        copy.virtualization = self.virtualization
        copy.groups = list(self.groups)
        return copy

    def information(self, info_class: int, buffer: int) -> bytes:
        """The 64-bit answer to a class, laid out to be written at `buffer`."""
        answer = _CLASSES.get(info_class)
        if answer is None:
            log.warning("NtQueryInformationToken: information class %d is unknown or not implemented", info_class)
            raise NtError(NTSTATUS.INVALID_INFO_CLASS)
        return answer(self, buffer)


def _sid_and_attributes(sid_bytes: bytes, attributes: int, buffer: int) -> bytes:
    """SID_AND_ATTRIBUTES followed by the SID it points to."""
    header_size = SID_AND_ATTRIBUTES.size(64)
    return SID_AND_ATTRIBUTES.pack({"Sid": buffer + header_size, "Attributes": attributes}, 64) + sid_bytes


def _ulong(value: Callable[[Token], int]) -> Callable[[Token, int], bytes]:
    return lambda token, _buffer: struct.pack("<I", value(token))


def _impersonation_level(token: Token) -> int:
    if token.token_type != TOKEN_IMPERSONATION:
        raise NtError(NTSTATUS.INVALID_INFO_CLASS)  # a primary token has no impersonation level
    return token.level


_CLASSES: dict[int, Callable[[Token, int], bytes]] = {
    TokenUser: lambda token, buffer: _sid_and_attributes(token.user, 0, buffer),
    TokenType: _ulong(lambda token: token.token_type),
    TokenImpersonationLevel: _ulong(_impersonation_level),
    TokenSessionId: _ulong(lambda _token: SESSION_ID),
    TokenElevationType: _ulong(lambda token: TOKEN_ELEVATION_TYPE_FULL if token.elevated
                               else TOKEN_ELEVATION_TYPE_DEFAULT),
    TokenElevation: _ulong(lambda token: int(token.elevated)),  # TOKEN_ELEVATION.TokenIsElevated
    TokenVirtualizationAllowed: _ulong(lambda token: int(not token.elevated)),
    TokenVirtualizationEnabled: _ulong(lambda token: int(token.virtualization)),
    TokenIntegrityLevel: lambda token, buffer: _sid_and_attributes(
        token.integrity, SE_GROUP_INTEGRITY | SE_GROUP_INTEGRITY_ENABLED, buffer),
    TokenIsAppContainer: _ulong(lambda _token: 0),
    TokenPrivileges: privileges_answer,
    TokenGroups: groups_answer,
}
