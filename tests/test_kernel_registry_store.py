"""The registry's store (wow64emu/kernel/registry_store.py): the SQLite database under the services, and the small
Python API tools use (`wow64emu reg`)."""

from __future__ import annotations

import sqlite3
import struct
from pathlib import Path

import pytest

from wow64emu.kernel import registry_store
from wow64emu.kernel.errors import NtError
from wow64emu.kernel.registry_defaults import USER
from wow64emu.kernel.registry_store import ROOT_ID, RegistryStore, RegistryUnusable
from wow64emu.nt.registry import REG_BINARY, REG_DWORD, REG_SZ
from wow64emu.nt.status import NTSTATUS

CV = "\\REGISTRY\\MACHINE\\SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion"


def test_a_fresh_store_holds_a_fresh_windows_10_22h2(tmp_path: Path) -> None:
    store = RegistryStore.open(tmp_path / "reg.sqlite3")
    cv = store.find(CV.lower())
    assert cv is not None and store.path(cv.id) == CV
    assert store.value(cv.id, "currentbuild").data == "19045\0".encode("utf-16-le")
    assert store.value(cv.id, "DisplayVersion").data == "22H2\0".encode("utf-16-le")
    assert store.value(cv.id, "CurrentMajorVersionNumber").data == struct.pack("<I", 10)
    for view in ("", "\\WOW6432Node"):
        wcv = store.find(f"\\REGISTRY\\MACHINE\\SOFTWARE{view}\\Microsoft\\Windows\\CurrentVersion")
        assert wcv is not None and store.value(wcv.id, "ProgramFilesDir (x86)") is not None
    wow = store.find("\\REGISTRY\\MACHINE\\SOFTWARE\\WOW6432Node\\Microsoft\\Windows\\CurrentVersion")
    assert store.value(wow.id, "ProgramFilesDir").data == "C:\\Program Files (x86)\0".encode("utf-16-le")
    ccs = store.find("\\REGISTRY\\MACHINE\\SYSTEM\\CurrentControlSet")
    assert ccs is not None and ccs.link and ccs.volatile
    assert store.find(f"{USER}\\Environment") is not None and store.find(f"{USER}_Classes") is not None


def test_a_store_is_reused_without_its_volatile_keys(tmp_path: Path) -> None:
    path = tmp_path / "reg.sqlite3"
    store = RegistryStore.open(path)
    software = store.find(f"{USER}\\Software")
    kept = store.create(software.id, "Kept")
    store.set_value(kept.id, "v", REG_DWORD, b"\1\0\0\0")
    fleeting = store.create(software.id, "Fleeting", volatile=True)
    store.create(fleeting.id, "Child", volatile=True)
    store.set_value(fleeting.id, "v", REG_SZ, b"")
    # A killed run: no close, the connection simply dropped.
    del store
    again = RegistryStore.open(path)
    assert again.value(again.find(f"{USER}\\Software\\Kept").id, "V").data == b"\1\0\0\0"
    assert again.find(f"{USER}\\Software\\Fleeting") is None
    software = again.find(f"{USER}\\Software")
    assert software.subkeys == len(list(again.subkeys(software.id)))
    assert again.find("\\REGISTRY\\MACHINE\\SYSTEM\\CurrentControlSet") is not None  # made again at the open


def test_a_failed_change_leaves_nothing_half_written(tmp_path: Path) -> None:
    store = RegistryStore.open(None)
    software = store.find(f"{USER}\\Software")
    store.create(software.id, "Once")
    before = store.key(software.id)
    with pytest.raises(sqlite3.IntegrityError):
        store.create(software.id, "ONCE")  # the unique index refuses it: the parent's counts roll back too
    assert store.key(software.id) == before


def test_names_keep_their_case_and_any_character(tmp_path: Path) -> None:
    store = RegistryStore.open(None)
    root = store.key(ROOT_ID)
    key = store.create_path("\\REGISTRY\\USER\\Test\\MiXed\\nul\0inside")
    assert store.path(key.id) == "\\REGISTRY\\USER\\Test\\MiXed\\nul\0inside"
    assert store.find("\\registry\\user\\test\\MIXED\\NUL\0INSIDE") == key
    assert store.find("\\registry\\user\\test\\MIXED\\NUL") is None
    assert store.depth(key.id) == 4 and store.ancestors(key.id)[-1] == root.id


def test_enumeration_continues_where_it_left_off_and_sees_changes(tmp_path: Path) -> None:
    store = RegistryStore.open(None)
    key = store.create_path("\\REGISTRY\\USER\\Enum")
    for name in ("b", "a", "c"):
        store.set_value(key.id, name, REG_DWORD, b"\0\0\0\0")
        store.create(key.id, name)
    assert [store.value_at(key.id, i).name for i in range(3)] == ["b", "a", "c"]
    assert [store.subkey_at(key.id, i).name for i in range(3)] == ["a", "b", "c"]
    assert store.delete_value(key.id, "A") and not store.delete_value(key.id, "A")
    assert [store.value_at(key.id, i).name for i in range(2)] == ["b", "c"] and store.value_at(key.id, 2) is None
    record = store.key(key.id)
    assert (record.values, record.max_value_name, record.subkeys, record.max_name) == (2, 2, 3, 2)
    for name in ("a", "b", "c"):
        store.delete(store.child(key.id, name).id)
    assert store.key(key.id).max_name == 0 and store.subkey_at(key.id, 0) is None


def test_a_store_killed_while_seeding_is_seeded_again(tmp_path: Path) -> None:
    path = tmp_path / "reg.sqlite3"
    RegistryStore.open(path)
    conn = sqlite3.connect(path)
    with conn:
        conn.execute("DELETE FROM meta")  # as if the run ended before the seeding's last step
        conn.execute("DELETE FROM vals WHERE name = 'ProductName'")
    conn.close()
    store = RegistryStore.open(path)
    assert store.value(store.find(CV).id, "ProductName") is not None


def test_a_file_that_is_no_database_is_one_error(tmp_path: Path) -> None:
    path = tmp_path / "reg.sqlite3"
    path.write_bytes(b"not a database at all" * 100)
    with pytest.raises(RegistryUnusable, match="cannot be used"):
        RegistryStore.open(path)


def test_a_full_store_refuses_the_change_whole(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(registry_store, "MAX_DATABASE_BYTES", 2 << 20)
    store = RegistryStore.open(tmp_path / "reg.sqlite3")
    key = store.create_path(f"{USER}\\Software\\Big")
    with pytest.raises(NtError) as caught:
        for i in range(100):
            store.set_value(key.id, f"v{i}", REG_BINARY, bytes(100_000))
    assert caught.value.status == NTSTATUS.INSUFFICIENT_RESOURCES
    record = store.key(key.id)
    assert record.values == len(list(store.values(key.id))) < 100


def test_a_tool_deletes_a_whole_tree_at_once() -> None:
    store = RegistryStore.open(None)
    top = store.create_path("\\REGISTRY\\USER\\Tree\\Top")
    leaf = store.create_path("\\REGISTRY\\USER\\Tree\\Top\\Middle\\Leaf")
    store.set_value(leaf.id, "v", REG_SZ, b"")
    store.delete(top.id, tree=True)
    assert store.find("\\REGISTRY\\USER\\Tree\\Top") is None and store.key(leaf.id) is None
    assert list(store.values(leaf.id)) == [] and store.find("\\REGISTRY\\USER\\Tree").subkeys == 0
