"""Differential oracle: job objects, 32-bit through WoW64 against 64-bit native.

The scenario prints statuses, counts and flags, never a length that differs with the width (those are printed as
"is the structure's" flags), so both widths must print exactly the same without normalisation.
"""

from pathlib import Path

from tests.oracle import Coverage, check


def test_jobs_observe_the_same_in_both_widths(tmp_path: Path, oracle_coverage: Coverage) -> None:
    out = check("oracle_jobs", tmp_path, oracle_coverage).stdout
    assert "NtCreateJobObject existing: status=0xc0000035\n" in out
    assert "NtCreateJobObject existing OBJ_OPENIF: status=0x40000000\n" in out
    assert "NtOpenJobObject missing: status=0xc0000034\n" in out
    assert "NtAssignProcessToJobObject query-only handle: status=0xc0000022\n" in out
    # Limits: the 32-bit layout comes back with the values set, memory limits in whole pages.
    assert "NtQueryInformationJobObject extended limits: status=0x00000000\n  return length is the structure's=1\n" \
           "  flags=0\n  scheduling class=5\n" in out
    assert "NtQueryInformationJobObject basic limits: status=0x00000000\n  return length is the structure's=1\n" \
           "  flags=4376\n  active process limit=4\n  affinity=1\n" in out
    assert "  process memory limit=1191936\n  job memory limit=0\n" in out
    assert "NtSetInformationJobObject unknown flag: status=0xc000000d\n" in out
    assert "NtSetInformationJobObject accounting class: status=0xc0000003\n" in out
    assert "NtQueryInformationJobObject short: status=0xc0000004\n" in out
    assert "NtQueryInformationJobObject own job, none yet: status=0xc0000022\n" in out
    # Membership.
    assert "NtIsProcessInJob before: status=0x00000123\n" in out
    assert "NtIsProcessInJob: status=0x00000124\n" in out
    assert "NtIsProcessInJob another job: status=0x00000123\n" in out
    assert "NtQueryInformationJobObject process ids: status=0x00000000\n  assigned=1\n  listed=1\n" \
           "  the id is ours=1\n  return length is one id's=1\n" in out
    assert "NtQueryInformationJobObject process ids, header only: status=0xc0000004\n" in out
    assert "  total=1\n  active=1\n  terminated=0\n" in out
    # Ending: an empty job is signalled by NtTerminateJobObject.
    assert "NtWaitForSingleObject job, not ended: status=0x00000102\n" in out
    assert "NtWaitForSingleObject job, ended: status=0x00000000\n" in out
