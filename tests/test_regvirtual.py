"""UAC registry virtualization at the kernel (kernel/regvirtual.py): the keys it covers, new keys and written values
going to the user's VirtualStore, reads finding the copy first and the real key's values behind it."""

from __future__ import annotations

import struct
from pathlib import Path

import pytest

from tests.test_kernel_objects import make_rig
from tests.test_kernel_registry import RegRig
from wow64emu.kernel.registry_defaults import USER
from wow64emu.kernel.regvirtual import VIRTUAL_STORE, virtual_name
from wow64emu.nt import registry as R
from wow64emu.nt.status import NTSTATUS

KEY_READ, KEY_ALL_ACCESS = 0x20019, 0xF003F
SW = "\\Registry\\Machine\\Software"


@pytest.mark.parametrize("name, virtual", [
    (SW + "\\Vendor\\App", VIRTUAL_STORE + "\\Vendor\\App"),
    (SW + "\\WOW6432Node\\Vendor", VIRTUAL_STORE + "\\WOW6432Node\\Vendor"),
    (SW, VIRTUAL_STORE),
    (SW + "\\Classes\\.txt", None), (SW + "\\Microsoft\\Windows\\CurrentVersion", None),
    (SW + "\\Microsoft\\Windows NT\\CurrentVersion", None), (SW + "\\Microsoft\\WindowsUpdate", VIRTUAL_STORE
                                                             + "\\Microsoft\\WindowsUpdate"),
    ("\\Registry\\Machine\\System\\Setup", None), (USER + "\\Software\\Vendor", None),
])
def test_the_keys_under_hklm_software_are_virtualized_but_the_excluded_ones(name: str, virtual: str | None) -> None:
    assert virtual_name(name) == virtual
    assert VIRTUAL_STORE == USER + "_Classes\\VirtualStore\\MACHINE\\SOFTWARE"


def native(tmp_path: Path, virtualization: bool) -> RegRig:
    rig = RegRig(make_rig(tmp_path).thread)
    rig.process.token.virtualization = virtualization
    return rig


def value(rig: RegRig, key: int, name: str) -> int | None:
    status, data, _ = rig.query_value(key, name, R.KeyValuePartialInformation, 64)
    return struct.unpack_from("<I", data, 12)[0] if status == NTSTATUS.SUCCESS else None


def test_a_new_key_and_its_values_go_to_the_virtual_store(tmp_path: Path) -> None:
    rig = native(tmp_path, virtualization=True)
    status, key, _ = rig.create(SW + "\\Vendor", access=KEY_ALL_ACCESS)
    assert status == NTSTATUS.SUCCESS
    assert rig.obj(key).path.upper() == (VIRTUAL_STORE + "\\Vendor").upper()
    assert rig.set_value(key, "Count", R.REG_DWORD, b"\7\0\0\0") == NTSTATUS.SUCCESS
    assert value(rig, rig.open(SW + "\\Vendor"), "Count") == 7  # read back through the real name
    store = rig.process.system.registry.store
    assert store.find("\\REGISTRY\\MACHINE\\SOFTWARE\\Vendor") is None


def test_an_existing_key_opened_for_writing_is_copied_and_reads_fall_through(tmp_path: Path) -> None:
    rig = native(tmp_path, virtualization=True)
    store = rig.process.system.registry.store
    real = store.create_path("\\REGISTRY\\MACHINE\\SOFTWARE\\Seeded")
    store.set_value(real.id, "A", R.REG_DWORD, b"\1\0\0\0")
    key = rig.open(SW + "\\Seeded", access=KEY_ALL_ACCESS)
    assert rig.obj(key).path.upper() == (VIRTUAL_STORE + "\\Seeded").upper()
    assert rig.set_value(key, "B", R.REG_DWORD, b"\2\0\0\0") == NTSTATUS.SUCCESS
    assert (value(rig, key, "A"), value(rig, key, "B")) == (1, 2)
    reader = rig.open(SW + "\\Seeded")  # the copy now exists: a read-only open finds it, the real values behind
    assert (value(rig, reader, "A"), value(rig, reader, "B")) == (1, 2)
    assert store.value(real.id, "B") is None
    # names below the virtualized handle are the real key's, each virtualized in its turn
    store.create_path("\\REGISTRY\\MACHINE\\SOFTWARE\\Seeded\\Child")
    child = rig.open("Child", root=key)
    assert rig.obj(child).path.upper() == "\\REGISTRY\\MACHINE\\SOFTWARE\\SEEDED\\CHILD"
    status, new, _ = rig.create("New", root=key, access=KEY_ALL_ACCESS)
    assert status == NTSTATUS.SUCCESS and rig.obj(new).path.upper() == (VIRTUAL_STORE + "\\Seeded\\New").upper()


def test_excluded_keys_and_unvirtualized_tokens_are_refused(tmp_path: Path) -> None:
    rig = native(tmp_path / "on", virtualization=True)
    assert rig.create(SW + "\\Classes\\.virt", access=KEY_ALL_ACCESS)[0] == NTSTATUS.ACCESS_DENIED
    assert rig.create("\\Registry\\Machine\\System\\Virt", access=KEY_ALL_ACCESS)[0] == NTSTATUS.ACCESS_DENIED
    off = native(tmp_path / "off", virtualization=False)
    assert off.create(SW + "\\Vendor", access=KEY_ALL_ACCESS)[0] == NTSTATUS.ACCESS_DENIED
    off.open(SW + "\\Microsoft", access=KEY_ALL_ACCESS, expect=NTSTATUS.ACCESS_DENIED)


def test_a_copy_deeper_than_the_registry_allows_is_not_made(tmp_path: Path) -> None:
    rig = native(tmp_path, virtualization=True)
    store = rig.process.system.registry.store
    deep = "\\REGISTRY\\MACHINE\\SOFTWARE\\" + "\\".join(["d"] * 507)  # 510 levels below \REGISTRY: 511 in all
    store.create_path(deep)
    rig.open(deep, access=KEY_ALL_ACCESS, expect=NTSTATUS.ACCESS_DENIED)  # its copy would have 513 levels
    assert rig.create(deep + "\\e", access=KEY_ALL_ACCESS)[0] == NTSTATUS.ACCESS_DENIED
    assert store.find(VIRTUAL_STORE + "\\d") is None
