"""Differential oracle: the privileges of tokens (fixtures/src/oracle_security.c), 32-bit through WoW64 against
64-bit native: TokenPrivileges and NtAdjustPrivilegesToken (wow64emu/kernel/privileges.py)."""

from __future__ import annotations

from pathlib import Path

from tests.oracle import Coverage, check


def test_privileges(tmp_path: Path, oracle_coverage: Coverage) -> None:
    out = check("oracle_security", tmp_path, oracle_coverage).stdout
    # A standard user's five privileges, SeChangeNotifyPrivilege enabled by default (3), the others disabled.
    assert ("TokenPrivileges: status=0x00000000\n  length=64\n  luid=19 attributes=0\n  luid=23 attributes=3\n"
            "  luid=25 attributes=0\n  luid=33 attributes=0\n  luid=34 attributes=0\n") in out
    assert ("enable SeShutdownPrivilege: status=0x00000000\n  return length=16\n  previous count=1\n"
            "  previous attributes=0\n") in out
    assert "enable it again: status=0x00000000\n  return length=4\n  previous count=0\n" in out
    assert "enable SeDebugPrivilege (not held): status=0x00000106\n" in out
    # Too short for the previous state: nothing changes (SeShutdownPrivilege stays enabled).
    assert ("disable with a short PreviousState: status=0xc0000023\n  return length=16\n"
            "TokenPrivileges: status=0x00000000\n  length=64\n  luid=19 attributes=2\n") in out
    assert ("disable all: status=0x00000000\nTokenPrivileges: status=0x00000000\n  length=64\n"
            "  luid=19 attributes=0\n  luid=23 attributes=1\n") in out
    assert ("remove SeChangeNotifyPrivilege: status=0x00000000\nTokenPrivileges: status=0x00000000\n"
            "  length=52\n  luid=19 attributes=0\n  luid=25 attributes=0\n") in out
    assert "NULL NewState: status=0xc000000d\nbad NewState: status=0xc0000005\n" in out
    assert "100000 privileges: status=0xc000000d\n" in out
    assert "bad handle: status=0xc0000008\na process handle: status=0xc0000024\n" in out
