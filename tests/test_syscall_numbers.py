"""The system-call numbers as Python data (wow64emu/nt/numbers.py): generated from the CSV tables, which stay the
source of truth, by wow64emu/nt/numbersgen.py; the committed module must be exactly what the generator gives."""

from __future__ import annotations

import csv
import subprocess
import sys
from pathlib import Path

import pytest

from wow64emu.nt import numbersgen
from wow64emu.nt.syscalls import windows_numbers

DATA = Path(__file__).resolve().parents[1] / "wow64emu" / "data"


def test_the_committed_module_is_what_the_csv_tables_give() -> None:
    assert numbersgen.TARGET.read_text(encoding="utf-8") == numbersgen.render()
    done = subprocess.run([sys.executable, "-m", "wow64emu.nt.numbersgen", "--check"], capture_output=True)
    assert done.returncode == 0, done.stderr


def test_the_numbers_are_the_csv_rows() -> None:
    rows = {}
    for table in numbersgen.TABLES:
        with (DATA / table).open(encoding="utf-8", newline="") as fh:
            rows.update({row["name"]: int(row["number"], 16) for row in csv.DictReader(fh)})
    assert windows_numbers() == rows
    assert rows["NtWriteFile"] == 0x8 and rows["NtUserGetThreadState"] == 0x1000


def test_check_fails_on_a_stale_module(tmp_path: Path, monkeypatch) -> None:
    stale = tmp_path / "numbers.py"
    swapped = numbersgen.render().replace("NtWriteFile\nNtRemoveIoCompletion\n", "NtRemoveIoCompletion\nNtWriteFile\n")
    assert swapped != numbersgen.render()
    stale.write_text(swapped, encoding="utf-8")
    monkeypatch.setattr(numbersgen, "TARGET", stale)
    assert numbersgen.main(["--check"]) == 1
    assert numbersgen.main([]) == 0
    assert stale.read_text(encoding="utf-8") == numbersgen.render()


def test_a_table_with_a_gap_in_its_numbers_is_refused(tmp_path: Path, monkeypatch) -> None:
    (tmp_path / "data").mkdir()
    for table in numbersgen.TABLES:
        (tmp_path / "data" / table).write_text("name,number\nNtA,0x0000\nNtB,0x0002\n", encoding="utf-8")
    monkeypatch.setattr(numbersgen, "PACKAGE", tmp_path)
    with pytest.raises(ValueError, match="gap"):
        numbersgen.render()
