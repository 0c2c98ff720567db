"""Values found at run time and kept in the user's cache (wow64emu/usercache.py): used only for the key they were
found for, found again when missing, stale or corrupt; and the one kept today, the layout of Unicorn's contexts
(emu/cpu/cpustate.py), which costs five scratch Unicorns to find."""

from __future__ import annotations

import marshal
from pathlib import Path

import pytest

from wow64emu import usercache
from wow64emu.emu.cpu import cpustate


@pytest.fixture
def cache_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    return tmp_path / "wow64emu"


def _cached(key: list, found: list[int], value: int = 42) -> int:
    def find() -> int:
        found.append(value)
        return value
    return usercache.cached("answer", key, find, lambda v: v, int)


def test_a_value_is_found_once_then_read_back(cache_home: Path) -> None:
    found: list[int] = []
    assert _cached(["k", 1], found) == 42 and found == [42]
    assert _cached(["k", 1], found) == 42 and found == [42]  # read from the file
    assert marshal.loads((cache_home / "answer.marshal").read_bytes()) == {"key": ["k", 1], "value": 42}
    assert not list(cache_home.glob("*.tmp"))


def test_another_key_finds_the_value_again(cache_home: Path) -> None:
    found: list[int] = []
    _cached(["k", 1], found, 42)
    assert _cached(["k", 2], found, 43) == 43 and found == [42, 43]


@pytest.mark.parametrize("data", [b"", b"{", marshal.dumps([]), marshal.dumps({"key": ["k", 1]}),
                                  marshal.dumps({"key": ["k", 1], "value": "x"}),
                                  marshal.dumps({"key": ["k", 1], "value": 42})[:-3]])
def test_a_corrupt_file_is_found_again_and_rewritten(cache_home: Path, data: bytes) -> None:
    cache_home.mkdir(parents=True)
    (cache_home / "answer.marshal").write_bytes(data)
    found: list[int] = []
    assert _cached(["k", 1], found) == 42 and found == [42]
    assert marshal.loads((cache_home / "answer.marshal").read_bytes())["value"] == 42


def test_a_folder_that_cannot_be_written_only_means_finding_it_each_time(tmp_path: Path,
                                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocker))
    found: list[int] = []
    assert _cached(["k"], found) == 42 and _cached(["k"], found) == 42 and found == [42, 42]


def test_the_context_layout_is_cached_per_unicorn_library(cache_home: Path) -> None:
    cpustate.context_layout.cache_clear()
    try:
        found = cpustate.context_layout()
        [kept] = cache_home.glob("context-layout-*.marshal")
        stored = marshal.loads(kept.read_bytes())
        assert stored["key"][1:] == usercache.file_key(cpustate.LIB._name)
        cpustate.context_layout.cache_clear()
        assert cpustate.context_layout() == found == cpustate.find_layout()  # read back as it was found
    finally:
        cpustate.context_layout.cache_clear()


def test_a_layout_that_is_not_one_is_refused() -> None:
    good = cpustate._layout_data(cpustate.find_layout())
    assert cpustate._layout_from_data(marshal.loads(marshal.dumps(good))) == cpustate.find_layout()
    for bad in ({}, {**good, "offsets": [1, 2]}, {**good, "offsets": [1, 2, -3]},
                {**good, "cs_caches": {"35": "00"}}, {**good, "mode_bits": []}):
        with pytest.raises((ValueError, TypeError, KeyError)):
            cpustate._layout_from_data(bad)


def test_a_value_found_from_a_path_is_kept_per_path(cache_home: Path, tmp_path: Path) -> None:
    found: list[int] = []
    for place in ("a", "b", "a", "b"):  # two checkouts used in turn: each finds its value once
        _cached([str(tmp_path / place), 1], found, value=ord(place))
    assert found == [ord("a"), ord("b")] and len(list(cache_home.glob("answer-*.marshal"))) == 2


def test_a_value_found_from_modules_is_keyed_by_their_sources(tmp_path: Path) -> None:
    (tmp_path / "a.py").write_text("X = 1\n")
    key = usercache.sources_key(tmp_path, ["a"])
    assert key is not None and key == usercache.sources_key(tmp_path, ["a"])
    (tmp_path / "a.py").write_text("X = 12\n")  # another size
    assert usercache.sources_key(tmp_path, ["a"]) != key
    assert usercache.sources_key(tmp_path, ["a", "missing"]) is None  # no source: no key


def test_without_a_key_the_value_is_found_each_time_and_not_kept(cache_home: Path) -> None:
    found: list[int] = []
    assert usercache.cached("answer", None, lambda: found.append(1) or 7, lambda v: v, int) == 7
    assert usercache.cached("answer", None, lambda: found.append(1) or 7, lambda v: v, int) == 7
    assert found == [1, 1] and not (cache_home / "answer.marshal").exists()


def test_a_mapped_file_reads_as_stored_and_stays_whole_when_the_file_is_replaced(cache_home: Path) -> None:
    assert usercache.mapped("absent") is None
    usercache.store("empty", b"")
    assert usercache.mapped("empty") is None  # nothing to map
    usercache.store("data", b"first" * 1000)
    view = usercache.mapped("data")
    assert view is not None and bytes(view) == b"first" * 1000
    usercache.store("data", b"second")  # renamed over it: the mapping keeps what it had
    assert bytes(view) == b"first" * 1000 and bytes(usercache.mapped("data") or b"") == b"second"


def test_wow64s_tables_are_made_once_for_the_same_stubs_and_sources(cache_home: Path,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    from wow64emu.thunks import dispatch, table

    calls = {number: (thunk, 0x7FFF_FED4_0000 + 32 * number) for number, thunk in table.thunks().items()}
    made: list[int] = []
    fast_table = dispatch.fast_table
    monkeypatch.setattr(dispatch, "fast_table", lambda c: made.append(1) or fast_table(c))
    first = dispatch.wow64_tables(calls, 0x77A20000, 0x7FFFFFFF)
    again = dispatch.wow64_tables(calls, 0x77A20000, 0x7FFFFFFF)
    assert made == [1] and again == first and first[0] == fast_table(calls)
    assert first[0].count(b"\0") < len(first[0]) and len(first[1]) == dispatch.FAST_ENTRIES * 8 and first[2]
    moved = {number: (thunk, stub + 0x1000) for number, (thunk, stub) in calls.items()}
    assert dispatch.wow64_tables(moved, 0x77A20000, 0x7FFFFFFF) != first and made == [1, 1]
    assert dispatch.wow64_tables(calls, 0x77A20000, 0xFFFFFFFF)[2] != first[2] and made == [1, 1, 1]  # the mask
