"""The token's groups through the real WoW64 path: TOKEN_GROUPS rebuilt in the 32-bit layout
(wow64emu/thunks/security.py) from the kernel's answer (wow64emu/kernel/tokengroups.py)."""

from __future__ import annotations

import struct
from pathlib import Path

import pytest

from tests.wow64rig import DATA, Wow64Rig
from wow64emu.kernel.token import MEDIUM_INTEGRITY_SID
from wow64emu.nt.security import TokenGroups
from wow64emu.nt.status import NTSTATUS

BUF, RL, OUT = DATA, DATA + 0x8000, DATA + 0x8010
CURRENT_PROCESS = 0xFFFFFFFF
EVERYONE = bytes([1, 1, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0])


@pytest.fixture
def rig(tmp_path: Path) -> Wow64Rig:
    return Wow64Rig(tmp_path)


def query_groups(rig: Wow64Rig, token: int, length: int, return_length: int = RL) -> int:
    rig.put(BUF, b"\xad" * 0x1000)
    rig.put(RL, struct.pack("<I", 0xDEADBEEF))
    return rig.call("NtQueryInformationToken", token, TokenGroups, BUF, length, return_length).exit_status


def test_token_groups_are_rebuilt_in_32_bit_entries(rig: Wow64Rig) -> None:
    assert rig.call("NtOpenProcessToken", CURRENT_PROCESS, 8, OUT).exit_status == 0
    token = rig.u32(OUT)
    assert query_groups(rig, token, 16) == NTSTATUS.BUFFER_TOO_SMALL
    needed = rig.u32(RL)
    assert rig.get(BUF, 4) == b"\xad" * 4  # nothing written
    assert query_groups(rig, token, needed - 1) == NTSTATUS.BUFFER_TOO_SMALL
    assert query_groups(rig, token, needed) == 0
    assert rig.u32(RL) == needed and rig.get(BUF + needed, 4) == b"\xad" * 4
    (count,) = struct.unpack("<I", rig.get(BUF, 4))
    assert count == 11
    entries = [struct.unpack("<II", rig.get(BUF + 4 + 8 * i, 8)) for i in range(count)]
    assert entries[0] == (BUF + 4 + 8 * count, 7)  # Everyone, first SID right after the entries
    assert rig.get(entries[0][0], len(EVERYONE)) == EVERYONE
    assert entries[7][1] == 0xC0000007  # the logon session's SID
    label, attributes = entries[-1]
    assert attributes == 0x60 and rig.get(label, len(MEDIUM_INTEGRITY_SID)) == MEDIUM_INTEGRITY_SID
    assert label + len(MEDIUM_INTEGRITY_SID) == BUF + needed


def test_token_groups_need_a_return_length(rig: Wow64Rig) -> None:
    assert rig.call("NtOpenProcessToken", CURRENT_PROCESS, 8, OUT).exit_status == 0
    assert query_groups(rig, rig.u32(OUT), 0x1000, return_length=0) == NTSTATUS.ACCESS_VIOLATION
