"""Registry reflection (Windows Vista / Server 2008, `--registry-reflection`) over a real store."""

from collections.abc import Iterator
from pathlib import Path

import pytest

from wow64emu.kernel.registry_store import RegistryStore
from wow64emu.kernel.regreflect import REFLECTION_DISABLED, Reflector
from wow64emu.reg.regtypes import REG_SZ, utf16z

SW = "\\REGISTRY\\MACHINE\\SOFTWARE"
SW32 = SW + "\\Wow6432Node"


@pytest.fixture
def store() -> Iterator[RegistryStore]:
    s = RegistryStore.open(None)
    yield s
    s.close()


def put(store: RegistryStore, path: str, name: str, text: str) -> int:
    key = store.create_path(path)
    store.set_value(key.id, name, REG_SZ, utf16z(text))
    return key.id


def text(store: RegistryStore, path: str, name: str) -> str | None:
    key = store.find(path)
    value = store.value(key.id, name) if key else None
    return value.data.decode("utf-16-le").rstrip("\0") if value else None


def test_a_file_type_is_copied_both_ways_and_the_last_writer_wins(store: RegistryStore) -> None:
    reflector = Reflector(store)
    reflector.closed(put(store, SW + "\\Classes\\.doc", "", "Word64"))  # a 64-bit program registers .doc
    assert text(store, SW32 + "\\Classes\\.doc", "") == "Word64"
    reflector.closed(put(store, SW32 + "\\Classes\\.doc", "", "Pad32"))  # then a 32-bit one: it wins
    assert text(store, SW + "\\Classes\\.doc", "") == "Pad32"
    # closing the older copy later copies nothing back
    reflector.closed(store.find(SW32 + "\\Classes\\.doc").id)
    assert text(store, SW + "\\Classes\\.doc", "") == "Pad32"


def test_only_out_of_process_classes_are_reflected(store: RegistryStore) -> None:
    reflector = Reflector(store)
    put(store, SW32 + "\\Classes\\CLSID\\{out}", "", "Local server")
    reflector.closed(put(store, SW32 + "\\Classes\\CLSID\\{out}\\LocalServer32", "", "C:\\srv32.exe"))
    assert text(store, SW + "\\Classes\\CLSID\\{out}", "") == "Local server"
    assert text(store, SW + "\\Classes\\CLSID\\{out}\\LocalServer32", "") == "C:\\srv32.exe"
    reflector.closed(put(store, SW32 + "\\Classes\\CLSID\\{in}\\InprocServer32", "", "C:\\x86.dll"))
    assert store.find(SW + "\\Classes\\CLSID\\{in}") is None


def test_keys_outside_the_reflected_ones_and_disabled_keys_stay_apart(store: RegistryStore) -> None:
    reflector = Reflector(store)
    reflector.closed(put(store, SW32 + "\\Vendor", "v", "32"))
    assert store.find(SW + "\\Vendor") is None
    key = put(store, SW + "\\Classes\\.off", "", "x")
    store.set_user_flags(key, REFLECTION_DISABLED)
    reflector.closed(key)
    assert store.find(SW32 + "\\Classes\\.off") is None
    store.set_user_flags(key, 0)
    reflector.closed(key)
    assert text(store, SW32 + "\\Classes\\.off", "") == "x"


def test_an_empty_dll_surrogate_is_not_reflected(store: RegistryStore) -> None:
    reflector = Reflector(store)
    key = put(store, SW + "\\Classes\\AppID\\{a}", "DllSurrogate", "")
    store.set_value(key, "Name", REG_SZ, utf16z("n"))
    reflector.closed(key)
    twin = store.find(SW32 + "\\Classes\\AppID\\{a}")
    assert twin is not None and [v.name for v in store.values(twin.id)] == ["Name"]


def test_the_kernel_reflects_when_a_handle_closes_with_the_option(tmp_path: Path) -> None:
    """A 64-bit program registers a file type in its classes; closing the key copies it to the 32-bit view."""
    from tests.test_kernel_objects import make_rig
    from tests.test_kernel_registry import RegRig
    from wow64emu.kernel.registry_defaults import USER

    for option in (False, True):
        rig = RegRig(make_rig(tmp_path / str(option)).thread)
        rig.process.system.registry.reflection = option
        _, key, _ = rig.create(USER + "\\Software\\Classes\\.refl")
        assert rig.set_value(key, "", REG_SZ, utf16z("reflfile")) == 0
        assert rig.call("NtClose", key) == 0
        store = rig.process.system.registry.store
        assert text(store, USER + "_Classes\\Wow6432Node\\.refl", "") == ("reflfile" if option else None)
