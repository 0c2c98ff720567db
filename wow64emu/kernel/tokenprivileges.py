"""The privileges a token holds and which are enabled, and its TokenPrivileges answer (the service that changes
them is privileges.py's NtAdjustPrivilegesToken).

The emulated standard user's token holds the five privileges of USER_PRIVILEGES, SeChangeNotifyPrivilege enabled
by default and the others disabled, as a non-elevated Windows 10 token. An elevated administrator's (`--elevated`)
holds the 24 of ADMIN_PRIVILEGES, SeChangeNotifyPrivilege, SeImpersonatePrivilege and SeCreateGlobalPrivilege
enabled by default, as `whoami /priv` lists them in an elevated Windows 10 console.
"""

from __future__ import annotations

import struct
from typing import TYPE_CHECKING

from ..nt.security import SE_PRIVILEGE_ENABLED, SE_PRIVILEGE_ENABLED_BY_DEFAULT

if TYPE_CHECKING:
    from .token import Token

# Windows' privilege LUIDs (the low part; the high part is 0), as advapi32's LookupPrivilegeValue gives them.
PRIVILEGE_LUIDS = {
    "SeIncreaseQuotaPrivilege": 5, "SeSecurityPrivilege": 8, "SeTakeOwnershipPrivilege": 9,
    "SeLoadDriverPrivilege": 10, "SeSystemProfilePrivilege": 11, "SeSystemtimePrivilege": 12,
    "SeProfileSingleProcessPrivilege": 13, "SeIncreaseBasePriorityPrivilege": 14, "SeCreatePagefilePrivilege": 15,
    "SeBackupPrivilege": 17, "SeRestorePrivilege": 18, "SeShutdownPrivilege": 19, "SeDebugPrivilege": 20,
    "SeSystemEnvironmentPrivilege": 22, "SeChangeNotifyPrivilege": 23, "SeRemoteShutdownPrivilege": 24,
    "SeUndockPrivilege": 25, "SeManageVolumePrivilege": 28, "SeImpersonatePrivilege": 29,
    "SeCreateGlobalPrivilege": 30, "SeIncreaseWorkingSetPrivilege": 33, "SeTimeZonePrivilege": 34,
    "SeCreateSymbolicLinkPrivilege": 35, "SeDelegateSessionUserImpersonatePrivilege": 36,
}
# The privileges a standard user's token holds on Windows 10; an elevated administrator's holds them all.
USER_PRIVILEGES = frozenset({"SeShutdownPrivilege", "SeChangeNotifyPrivilege", "SeUndockPrivilege",
                             "SeIncreaseWorkingSetPrivilege", "SeTimeZonePrivilege"})
ADMIN_PRIVILEGES = frozenset(PRIVILEGE_LUIDS)
ENABLED_BY_DEFAULT = frozenset({"SeChangeNotifyPrivilege", "SeImpersonatePrivilege", "SeCreateGlobalPrivilege"})
LUID_AND_ATTRIBUTES = struct.Struct("<IiI")  # LowPart, HighPart, Attributes


def initial_privileges(names: frozenset[str]) -> dict[int, int]:
    """A new token's privileges: LUID -> attributes."""
    out = {}
    for name in names:
        default = SE_PRIVILEGE_ENABLED_BY_DEFAULT | SE_PRIVILEGE_ENABLED if name in ENABLED_BY_DEFAULT else 0
        out[PRIVILEGE_LUIDS[name]] = default
    return out


def token_privileges(entries: dict[int, int]) -> bytes:
    """TOKEN_PRIVILEGES of `entries` (LUID -> attributes), in LUID order: the same bytes in both widths."""
    return struct.pack("<I", len(entries)) + b"".join(
        LUID_AND_ATTRIBUTES.pack(luid, 0, attributes) for luid, attributes in sorted(entries.items()))


def privileges_answer(token: Token, _buffer: int) -> bytes:
    """NtQueryInformationToken's TokenPrivileges."""
    return token_privileges(token.privileges)
