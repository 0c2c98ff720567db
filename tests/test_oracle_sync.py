"""Differential oracle: synchronisation and time, 32-bit through WoW64 against 64-bit native.

The scenario prints no handle values or pointers, only statuses, counts and states, so both widths must print
exactly the same without normalisation.
"""

from pathlib import Path

from tests.oracle import Coverage, check


def test_sync_observes_the_same_in_both_widths(tmp_path: Path, oracle_coverage: Coverage) -> None:
    out = check("oracle_sync", tmp_path, oracle_coverage).stdout
    # Events: previous states, shared by name, OBJ_OPENIF, access rights.
    assert "NtSetEvent again: status=0x00000000\n  previous=1\n" in out
    assert "NtCreateEvent existing: status=0xc0000035\n" in out
    assert "NtCreateEvent existing OBJ_OPENIF: status=0x40000000\n" in out
    assert "NtCreateMutant on an event's name: status=0xc0000024\n" in out
    assert "NtSetEvent without EVENT_MODIFY_STATE: status=0xc0000022\n" in out
    # Mutants count like KMUTANT's signal state; release needs no right.
    assert "NtReleaseMutant with SYNCHRONIZE only: status=0x00000000\n  previous=-1\n" in out
    assert "NtReleaseMutant not owned: status=0xc0000046\n" in out
    # Semaphores: the limit, and a failed release leaves PreviousCount alone.
    assert "NtReleaseSemaphore 3: status=0xc0000047\n  previous untouched=85\n" in out
    # Waits: signalled index, timeouts that really wait, the pseudo handles widened with their sign.
    assert "NtWaitForMultipleObjects any: status=0x00000002\n" in out
    assert "NtWaitForMultipleObjects all, the process unsignalled: status=0x00000102\n" in out
    assert out.count("  waited at least 10 ms=1\n") == 2
    assert "NtWaitForMultipleObjects 65: status=0xc00000ef\n" in out
    assert "NtWaitForMultipleObjects all, one object twice: status=0xc0000030\n" in out
    assert "NtSignalAndWaitForSingleObject semaphore at maximum: status=0xc0000047\n" in out
    # Time.
    assert "NtQueryTimerResolution: status=0x00000000\n  maximum=156250\n  minimum=5000\n  current=156250\n" in out
    assert "NtSetTimerResolution release unset: status=0xc0000245\n" in out
    # kernel32.
    assert "CreateEventA existing: handle, error 183\n" in out
    assert "ReleaseMutex not owned: FALSE, error 288\n" in out
    assert "ReleaseSemaphore past the maximum: FALSE, error 298\n" in out
    assert "WaitForMultipleObjects any: 0x00000001\n" in out
    assert "  = 2000-2-29 day 2 12:34:56.789\n" in out
