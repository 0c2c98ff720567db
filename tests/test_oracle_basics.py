"""Differential oracle: the first calls of the table, 32-bit through WoW64 against 64-bit native."""

from pathlib import Path

from tests.oracle import Coverage, check


def test_basics_observe_the_same_in_both_widths(tmp_path: Path, oracle_coverage: Coverage) -> None:
    obs = check("oracle_basics", tmp_path, oracle_coverage)
    assert "NtCreateFile create: status=0x00000000\n  iosb=0x00000000,2\n" in obs.stdout
    assert "NtCreateFile create again: status=0xc0000035" in obs.stdout
    assert "NtReadFile at the end: status=0xc0000011\n  iosb=0xc0000011,0" in obs.stdout
    assert "  handle untouched=1" in obs.stdout
    assert obs.files == {"basics.txt": b"hello oracle\n"}


def test_coverage_names_calls_without_a_success_or_an_error_path() -> None:
    from collections import Counter

    coverage = Coverage()
    coverage.add("oracle_basics", Counter({("NtClose", False): 2, ("NtReadFile", True): 1}))
    missing = coverage.missing()
    assert "NtClose: no error path" in missing and "NtReadFile: no success path" in missing
    assert not any(m.startswith("NtClose: no success") for m in missing)
