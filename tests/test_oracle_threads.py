"""Differential oracle: a thread's life (NtCreateThreadEx, NtSuspendThread, NtResumeThread, NtYieldExecution,
NtTerminateThread), 32-bit through WoW64 against 64-bit native: both widths observe the same statuses and counts."""

from __future__ import annotations

from pathlib import Path

from tests.oracle import Coverage, check


def test_a_threads_life(tmp_path: Path, oracle_coverage: Coverage) -> None:
    out = check("oracle_threads", tmp_path, oracle_coverage).stdout
    assert out.splitlines() == [
        "NtCreateThreadEx suspended: status=0x00000000",
        "  exit status while suspended=259",
        "NtCreateThreadEx unknown flag: status=0xc000000d",
        "NtCreateThreadEx bad handle pointer: status=0xc0000005",
        "NtSuspendThread: status=0x00000000",
        "  previous count=1",
        "NtSuspendThread bad handle: status=0xc0000008",
        "NtResumeThread: status=0x00000000",
        "  previous count=2",
        "NtResumeThread bad handle: status=0xc0000008",
        "  ran before the last resume=0",
        "  previous count=1",
        "NtYieldExecution with a thread ready: status=0x00000000",
        "  ran after=1",
        "  exit status=81",
        "NtYieldExecution alone: status=0x40000024",
        "NtTerminateThread of a suspended thread: status=0x00000000",
        "  exit status=119",
        "  ran=1",
        "NtTerminateThread again: status=0x00000000",
        "NtTerminateThread bad handle: status=0xc0000008",
        "NtTerminateThread NULL, the last thread: status=0xc00000db",
    ]
