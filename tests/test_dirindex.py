"""Case-insensitive names on the host in O(1): a folder is listed once, the volume's own changes patch the index,
and the host's changes are seen by the folder's modification time."""

from __future__ import annotations

import io
import os
from pathlib import Path

import pytest

from wow64emu.kernel import dirindex
from wow64emu.kernel.console import StdStreams
from wow64emu.kernel.dirindex import DirectoryIndex
from wow64emu.machine import Machine

BIN = Path(__file__).resolve().parent.parent / "fixtures" / "bin"


@pytest.fixture
def listings(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    seen: list[str] = []
    real = os.listdir

    def counting(path: os.PathLike[str]) -> list[str]:
        seen.append(str(path))
        return real(path)

    monkeypatch.setattr(dirindex.os, "listdir", counting)
    return seen


def test_names_are_found_in_any_case_exact_case_first(tmp_path: Path) -> None:
    for name in ("Readme.TXT", "readme.txt", "other"):
        (tmp_path / name).write_text(name)
    index = DirectoryIndex()
    assert index.find(tmp_path, "readme.txt") == "readme.txt"
    assert index.find(tmp_path, "README.TXT") == "Readme.TXT"  # of two, the first in sorted order
    assert index.find(tmp_path, "OTHER") == "other"
    assert index.find(tmp_path, "missing") is None
    assert index.find(tmp_path / "missing", "x") is None


def test_a_folder_is_listed_once_and_patched_after(tmp_path: Path, listings: list[str]) -> None:
    index = DirectoryIndex()
    for i in range(200):  # as the volume creates files: look the name up, create it, tell the index
        assert index.find(tmp_path, f"FILE{i}") is None
        (tmp_path / f"file{i}").touch()
        index.added(tmp_path / f"file{i}")
    assert index.find(tmp_path, "FILE7") == "file7"
    os.rename(tmp_path / "file7", tmp_path / "seven")
    index.removed(tmp_path / "file7")
    index.added(tmp_path / "seven")
    assert (index.find(tmp_path, "FILE7"), index.find(tmp_path, "SEVEN")) == (None, "seven")
    assert listings == [str(tmp_path)]


def test_what_the_host_changes_is_seen(tmp_path: Path) -> None:
    index = DirectoryIndex()
    assert index.find(tmp_path, "NEW") is None
    (tmp_path / "new").touch()
    os.utime(tmp_path, ns=(1, 1))  # a change of the folder, whatever the resolution of its clock
    assert index.find(tmp_path, "NEW") == "new"


def test_only_the_folders_used_last_are_kept(tmp_path: Path, listings: list[str]) -> None:
    index = DirectoryIndex(folders=2)
    folders = [tmp_path / str(i) for i in range(3)]
    for folder in folders:
        folder.mkdir()
        index.find(folder, "X")
    index.find(folders[2], "X")
    index.find(folders[0], "X")  # forgotten: listed again
    assert listings == [str(f) for f in folders] + [str(folders[0])]


def test_a_guest_creating_thousands_of_files_in_a_folder_lists_it_once(tmp_path: Path, listings: list[str]) -> None:
    streams = StdStreams(io.BytesIO(), io.BytesIO(), io.BytesIO())
    outcome = Machine(BIN / "x86" / "hostile.exe", ["files"], root=tmp_path, streams=streams).run(timeout=120)
    assert (outcome.exit_status, streams.stdout.getvalue()) == (0, b"files=3000 bad=0 error=0\n")
    assert listings.count(str(tmp_path)) <= 1  # not once per file created


def test_a_folder_put_in_place_of_another_is_seen_at_once(tmp_path: Path) -> None:
    """Two folders swapped within one tick of the clock: the index tells them apart by their inode."""
    index = DirectoryIndex()
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    (tmp_path / "a" / "Old").touch()
    (tmp_path / "b" / "New").touch()
    assert index.find(tmp_path / "a", "old") == "Old"
    os.rename(tmp_path / "a", tmp_path / "t")
    os.rename(tmp_path / "b", tmp_path / "a")
    os.utime(tmp_path / "a", ns=(1, 1))
    os.utime(tmp_path / "t", ns=(1, 1))
    assert (index.find(tmp_path / "a", "new"), index.find(tmp_path / "a", "old")) == ("New", None)


def test_a_folder_renamed_by_the_volume_is_forgotten_with_all_below_it(tmp_path: Path,
                                                                       listings: list[str]) -> None:
    index = DirectoryIndex()
    (tmp_path / "d" / "sub").mkdir(parents=True)
    index.find(tmp_path / "d", "X")
    index.find(tmp_path / "d" / "sub", "X")
    os.rename(tmp_path / "d", tmp_path / "e")
    index.removed(tmp_path / "d")
    index.added(tmp_path / "e")
    (tmp_path / "d" / "sub").mkdir(parents=True)  # a new folder of the old name
    index.find(tmp_path / "d" / "sub", "X")
    assert listings.count(str(tmp_path / "d" / "sub")) == 2  # listed afresh, not taken for the old one
