"""What the 32-bit view enumerates: the `Wow6432Node` child of the shared keys is left out of NtEnumerateKey (no
gap in the indexes) and of NtQueryKey's SubKeys, from 32-bit code through wow64 and from a 64-bit caller's
KEY_WOW64_32KEY handle; the link `HKLM\\SOFTWARE\\WOW6432Node\\Classes` -> `HKLM\\SOFTWARE\\Classes\\Wow6432Node`."""

from __future__ import annotations

import struct
from pathlib import Path

import pytest

from tests.test_regthunk import INFO, LENGTH, SW, N, open32
from tests.wow64rig import Wow64Rig
from wow64emu.kernel.registry_defaults import USER
from wow64emu.kernel.registry_store import RegistryStore
from wow64emu.nt import registry as R
from wow64emu.nt.status import NTSTATUS
from wow64emu.reg.hive import Hive, key_name, store_path

KEY_READ, KEY_WOW64_64KEY, KEY_WOW64_32KEY = 0x20019, 0x100, 0x200
CLSID = "{6c1e5a1e-0000-4000-8000-0000000000cc}"


def seed(root: Path) -> None:
    """A class registered in the 32-bit view only, and subkeys named on both sides of `Wow6432Node`."""
    store = RegistryStore.open(store_path(root))
    try:
        hive = Hive(store, 32)
        store.set_value(hive.ensure(key_name(f"HKLM\\SOFTWARE\\Classes\\CLSID\\{CLSID}")).id, "", R.REG_SZ,
                        "x86 server\0".encode("utf-16-le"))
        for name in ("aaa", "zzz"):
            hive.ensure(key_name(f"HKLM\\SOFTWARE\\Classes\\{name}"))
    finally:
        store.close()


@pytest.fixture
def rig(tmp_path: Path) -> Wow64Rig:
    seed(tmp_path)
    return Wow64Rig(tmp_path)


def names32(rig: Wow64Rig, key: int) -> list[str]:
    """NtEnumerateKey(KeyBasicInformation) from 32-bit code, index 0, 1, ... until STATUS_NO_MORE_ENTRIES."""
    found = []
    while True:
        status = rig.syscall(N["NtEnumerateKey"], key, len(found), R.KeyBasicInformation, INFO, 0x200,
                             LENGTH).exit_status
        if status == NTSTATUS.NO_MORE_ENTRIES:
            return found
        assert status == NTSTATUS.SUCCESS, NTSTATUS.name_of(status)
        size = struct.unpack("<I", rig.get(INFO + 12, 4))[0]
        found.append(rig.get(INFO + 16, size).decode("utf-16-le"))


def subkeys32(rig: Wow64Rig, key: int, info_class: int) -> int:
    status = rig.syscall(N["NtQueryKey"], key, info_class, INFO, 0x200, LENGTH).exit_status
    assert status == NTSTATUS.SUCCESS, NTSTATUS.name_of(status)
    offset = 20 if info_class == R.KeyFullInformation else 12  # SubKeys of KEY_FULL / KEY_CACHED_INFORMATION
    return struct.unpack("<I", rig.get(INFO + offset, 4))[0]


@pytest.mark.parametrize("classes", [SW + "\\Classes", USER + "\\Software\\Classes", USER + "_Classes"])
def test_a_32_bit_enumeration_of_a_shared_classes_root_leaves_out_wow6432node(rig: Wow64Rig, classes: str) -> None:
    view32 = names32(rig, open32(rig, classes))
    view64 = names32(rig, open32(rig, classes, KEY_READ | KEY_WOW64_64KEY))
    assert "WOW6432Node" in view64
    assert view32 == [name for name in view64 if name != "WOW6432Node"]  # the same order, no gap
    key32 = open32(rig, classes)
    for info_class in (R.KeyFullInformation, R.KeyCachedInformation):
        assert subkeys32(rig, key32, info_class) == len(view32)
        assert subkeys32(rig, open32(rig, classes, KEY_READ | KEY_WOW64_64KEY), info_class) == len(view64)


def test_the_index_after_the_hidden_child_is_the_next_visible_one(rig: Wow64Rig) -> None:
    view64 = names32(rig, open32(rig, SW + "\\Classes", KEY_READ | KEY_WOW64_64KEY))
    hidden_at = view64.index("WOW6432Node")
    key32 = open32(rig, SW + "\\Classes")
    assert rig.syscall(N["NtEnumerateKey"], key32, hidden_at, R.KeyBasicInformation, INFO, 0x200,
                       LENGTH).exit_status == NTSTATUS.SUCCESS
    size = struct.unpack("<I", rig.get(INFO + 12, 4))[0]
    assert rig.get(INFO + 16, size).decode("utf-16-le") == view64[hidden_at + 1]
    assert rig.syscall(N["NtEnumerateKey"], key32, len(view64) - 1, R.KeyBasicInformation, INFO, 0x200,
                       LENGTH).exit_status == NTSTATUS.NO_MORE_ENTRIES


def test_a_64_bit_caller_s_32_bit_handle_enumerates_alike(tmp_path: Path) -> None:
    from tests.test_kernel_objects import make_rig
    from tests.test_kernel_registry import RegRig, enumerate_names

    seed(tmp_path)
    native = RegRig(make_rig(tmp_path).thread)
    classes = SW + "\\Classes"
    store = native.process.system.registry.store
    all_names = [k.name for k in store.subkeys(store.find(classes).id)]
    key32 = native.open(classes, access=KEY_READ | KEY_WOW64_32KEY)
    key64 = native.open(classes)
    assert enumerate_names(native, "NtEnumerateKey", key64, R.KeyBasicInformation, 12) == all_names
    assert enumerate_names(native, "NtEnumerateKey", key32, R.KeyBasicInformation, 12) == [
        n for n in all_names if n.upper() != "WOW6432NODE"]


def test_hklm_software_wow6432node_classes_is_a_link_to_the_classes_node(rig: Wow64Rig) -> None:
    store = rig.machine.system.registry.store
    link = store.find("\\REGISTRY\\MACHINE\\SOFTWARE\\WOW6432Node\\Classes")
    assert link is not None and link.link
    assert store.value(link.id, "SymbolicLinkValue").data.decode("utf-16-le") == (
        "\\REGISTRY\\MACHINE\\SOFTWARE\\Classes\\Wow6432Node")
    # the 32-bit view's HKCR\CLSID, by its shared name and through the link, is the Classes node's CLSID
    for name in (SW + "\\Classes\\CLSID\\" + CLSID, SW + "\\Wow6432Node\\Classes\\CLSID\\" + CLSID):
        assert open32(rig, name), name
    assert open32(rig, SW + "\\Wow6432Node\\Classes\\CLSID\\" + CLSID, KEY_READ | KEY_WOW64_64KEY)
    assert open32(rig, SW + "\\Classes\\Wow6432Node\\CLSID\\" + CLSID, KEY_READ | KEY_WOW64_64KEY)
    assert open32(rig, SW + "\\Classes\\CLSID\\" + CLSID, KEY_READ | KEY_WOW64_64KEY) == 0
