"""The groups of the emulated user's token and its TokenGroups answer.

A standard user logged on at the console of a Windows 10 machine that is in no domain: Everyone, BUILTIN\\Users,
INTERACTIVE, CONSOLE LOGON, Authenticated Users, This Organization, Local account, the logon session's SID, LOCAL,
NTLM Authentication (each mandatory and enabled), and the medium integrity label, in the order Windows lists them.
An elevated administrator's token (`--elevated`) also has "Local account and member of Administrators group" and
BUILTIN\\Administrators (enabled, the latter the default owner), and the high integrity label.
"""

from __future__ import annotations

import struct
from typing import TYPE_CHECKING

from ..nt.process import SID_AND_ATTRIBUTES

if TYPE_CHECKING:
    from .token import Token

SE_GROUP_MANDATORY, SE_GROUP_ENABLED_BY_DEFAULT, SE_GROUP_ENABLED, SE_GROUP_OWNER = 0x1, 0x2, 0x4, 0x8
SE_GROUP_LOGON_ID = 0xC0000000
ENABLED_GROUP = SE_GROUP_MANDATORY | SE_GROUP_ENABLED_BY_DEFAULT | SE_GROUP_ENABLED
LOGON_SESSION = 0x3A2F1  # the low part of the logon session's LUID, S-1-5-5-0-<it>


def _sid(authority: int, *sub_authorities: int) -> bytes:
    return (struct.pack("<BB", 1, len(sub_authorities)) + authority.to_bytes(6, "big")
            + struct.pack(f"<{len(sub_authorities)}I", *sub_authorities))


ADMINISTRATORS_SID = _sid(5, 32, 544)  # BUILTIN\Administrators


def user_groups(integrity: bytes, integrity_attributes: int, administrator: bool = False) -> list[tuple[bytes, int]]:
    """(SID, attributes) of each group of the user's token (an elevated administrator's with `administrator`)."""
    admin = [(_sid(5, 114), ENABLED_GROUP),                            # Local account and member of Administrators
             (ADMINISTRATORS_SID, ENABLED_GROUP | SE_GROUP_OWNER)] if administrator else []
    return [
        (_sid(1, 0), ENABLED_GROUP),                                    # Everyone
        *admin,
        (_sid(5, 32, 545), ENABLED_GROUP),                              # BUILTIN\Users
        (_sid(5, 4), ENABLED_GROUP),                                    # INTERACTIVE
        (_sid(2, 1), ENABLED_GROUP),                                    # CONSOLE LOGON
        (_sid(5, 11), ENABLED_GROUP),                                   # Authenticated Users
        (_sid(5, 15), ENABLED_GROUP),                                   # This Organization
        (_sid(5, 113), ENABLED_GROUP),                                  # Local account
        (_sid(5, 5, 0, LOGON_SESSION), ENABLED_GROUP | SE_GROUP_LOGON_ID),
        (_sid(2, 0), ENABLED_GROUP),                                    # LOCAL
        (_sid(5, 64, 10), ENABLED_GROUP),                               # NTLM Authentication
        (integrity, integrity_attributes),                              # Mandatory Label\Medium
    ]


def groups_answer(token: Token, buffer: int) -> bytes:
    """TOKEN_GROUPS in the 64-bit layout: the count, SID_AND_ATTRIBUTES pointing at the SIDs that follow them."""
    groups = token.groups
    entry = SID_AND_ATTRIBUTES.size(64)
    header = 8 + entry * len(groups)  # the count, padded to the pointers' alignment
    out, sids = struct.pack("<Q", len(groups)), b""
    for sid, attributes in groups:
        out += SID_AND_ATTRIBUTES.pack({"Sid": buffer + header + len(sids), "Attributes": attributes}, 64)
        sids += sid
    return out + sids
