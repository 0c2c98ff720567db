"""Differential oracle: a process starting another (NtCreateUserProcess through CreateProcessW), 32-bit through
WoW64 against 64-bit native: a cmd.exe of the caller's width started suspended, resumed and waited for, and what the
kernel refuses to start, with the same answers in both widths."""

from __future__ import annotations

from pathlib import Path

from tests.oracle import Coverage, check


def test_a_process_starts_another(tmp_path: Path, oracle_coverage: Coverage) -> None:
    out = check("oracle_processes", tmp_path, oracle_coverage).stdout
    assert out.splitlines() == [
        "  CreateProcessW cmd /c exit 3, suspended=0",
        "    exit code before the wait=259",  # STILL_ACTIVE
        "    wait=0",
        "    exit code=3",
        "  CreateProcessW of a text file=193",  # ERROR_BAD_EXE_FORMAT: STATUS_INVALID_IMAGE_NOT_MZ
        "  CreateProcessW of a DLL=193",  # STATUS_INVALID_IMAGE_FORMAT
    ]
