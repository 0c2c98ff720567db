"""Differential oracle: alerts by thread id (NtWaitForAlertByThreadId, NtAlertThreadByThreadId), 32-bit through
WoW64 against 64-bit native: both widths observe the same statuses, the ones Windows 10 gives."""

from __future__ import annotations

from pathlib import Path

from tests.oracle import Coverage, check


def test_alerts_by_thread_id(tmp_path: Path, oracle_coverage: Coverage) -> None:
    out = check("oracle_alerts", tmp_path, oracle_coverage).stdout
    assert out.splitlines() == [
        "NtWaitForAlertByThreadId not alerted: status=0x00000102",  # STATUS_TIMEOUT
        "NtWaitForAlertByThreadId 10 ms: status=0x00000102",
        "NtAlertThreadByThreadId 0: status=0xc000000b",  # STATUS_INVALID_CID
        "NtAlertThreadByThreadId no such thread: status=0xc000000b",
        "NtAlertThreadByThreadId self: status=0x00000000",
        "NtAlertThreadByThreadId self again: status=0x00000000",
        "NtWaitForAlertByThreadId alerted: status=0x00000101",  # STATUS_ALERTED
        "NtWaitForAlertByThreadId the alert taken: status=0x00000102",  # one flag, not a count
        "NtWaitForAlertByThreadId bad timeout: status=0xc0000005",
        "NtCreateThreadEx: status=0x00000000",
        "NtAlertThreadByThreadId the waiter: status=0x00000000",
        "  the waiter's wait gave=257",  # STATUS_ALERTED
    ]
