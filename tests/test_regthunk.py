"""The registry redirector in wow64: NtOpenKey, NtOpenKeyEx and NtCreateKey of 32-bit code through the real WoW64
path, on keys `wow64emu reg` put in the root's registry first; the redirect events of the trace."""

from __future__ import annotations

import io
import json
import struct
from pathlib import Path

import pytest

from tests.wow64rig import DATA, Wow64Rig, object_attributes32, unicode_string32
from wow64emu.kernel.registry_defaults import USER
from wow64emu.kernel.registry_store import RegistryStore
from wow64emu.nt import registry as R
from wow64emu.nt.status import NTSTATUS
from wow64emu.nt.syscalls import by_name
from wow64emu.reg.hive import Hive, key_name, store_path
from wow64emu.reg.regtypes import utf16z

N = {name: call.number for name, call in by_name().items()}
KEY_READ, KEY_ALL_ACCESS = 0x20019, 0xF003F
KEY_WOW64_64KEY, KEY_WOW64_32KEY = 0x100, 0x200
HANDLE_OUT, NAME, OA, VALUE, INFO, LENGTH = (DATA + 0x100, DATA + 0x200, DATA + 0x400, DATA + 0x500, DATA + 0x600,
                                            DATA + 0x5F0)
SW = "\\Registry\\Machine\\Software"
STORED = "\\REGISTRY\\MACHINE\\SOFTWARE"  # the case the store made the key in


def seed(root: Path) -> None:
    """What the test's programs read: the key regviews in both views, and a shared key under Policies."""
    store = RegistryStore.open(store_path(root))
    try:
        for view, key, width in ((32, "HKLM\\SOFTWARE\\regviews", "32"), (64, "HKLM\\SOFTWARE\\regviews", "64"),
                                 (32, "HKLM\\SOFTWARE\\Policies\\regviews", "shared")):
            hive = Hive(store, view)
            store.set_value(hive.ensure(key_name(key)).id, "Width", R.REG_SZ, utf16z(width))
    finally:
        store.close()


@pytest.fixture
def trace() -> io.StringIO:
    return io.StringIO()


@pytest.fixture
def rig(tmp_path: Path, trace: io.StringIO) -> Wow64Rig:
    seed(tmp_path)
    return Wow64Rig(tmp_path, trace=trace)


def open32(rig: Wow64Rig, name: str, access: int = KEY_READ, root: int = 0, call: str = "NtOpenKey") -> int:
    """A key handle opened from 32-bit code (0 when the open fails)."""
    oa = object_attributes32(rig, OA, unicode_string32(rig, NAME, name), root=root)
    rig.put(HANDLE_OUT, b"\0" * 4)
    extra = {"NtOpenKey": (), "NtOpenKeyEx": (0,), "NtCreateKey": (0, 0, 0, 0)}[call]
    status = rig.syscall(N[call], HANDLE_OUT, access, oa, *extra).exit_status
    return rig.u32(HANDLE_OUT) if status == NTSTATUS.SUCCESS else 0


def width(rig: Wow64Rig, key: int) -> str:
    """The value Width of a key, read from 32-bit code (KeyValuePartialInformation)."""
    status = rig.syscall(N["NtQueryValueKey"], key, unicode_string32(rig, VALUE, "Width"),
                         R.KeyValuePartialInformation, INFO, 0x100, LENGTH).exit_status
    assert status == NTSTATUS.SUCCESS, NTSTATUS.name_of(status)
    size = struct.unpack("<I", rig.get(INFO + 8, 4))[0]
    return rig.get(INFO + 12, size).decode("utf-16-le").rstrip("\0")


def test_a_32_bit_open_lands_in_wow6432node(rig: Wow64Rig) -> None:
    assert width(rig, open32(rig, SW + "\\regviews")) == "32"
    assert width(rig, open32(rig, SW + "\\regviews", call="NtOpenKeyEx")) == "32"
    assert width(rig, open32(rig, SW + "\\regviews", KEY_READ | KEY_WOW64_64KEY)) == "64"
    assert width(rig, open32(rig, SW + "\\regviews", KEY_READ | KEY_WOW64_32KEY)) == "32"
    assert width(rig, open32(rig, SW + "\\Wow6432Node\\regviews")) == "32"  # never doubled
    assert width(rig, open32(rig, SW + "\\Policies\\regviews")) == "shared"


def test_a_relative_open_takes_its_handle_s_view(rig: Wow64Rig) -> None:
    software32 = open32(rig, SW)
    software64 = open32(rig, SW, KEY_READ | KEY_WOW64_64KEY)
    assert width(rig, open32(rig, "regviews", root=software32)) == "32"
    assert width(rig, open32(rig, "regviews", root=software64)) == "64"
    assert width(rig, open32(rig, "regviews", KEY_READ | KEY_WOW64_64KEY, root=software32)) == "64"
    # a shared key below a redirected handle: the handle's name in its view is HKLM\SOFTWARE
    assert width(rig, open32(rig, "Policies\\regviews", root=software32)) == "shared"
    policies = open32(rig, "Policies", root=software32)
    assert width(rig, open32(rig, "regviews", root=policies)) == "shared"


def test_a_class_created_by_32_bit_code_is_in_its_own_view(rig: Wow64Rig, tmp_path: Path) -> None:
    clsid = USER + "\\Software\\Classes\\CLSID\\{6c1e5a1e-0000-4000-8000-000000000032}"
    assert open32(rig, clsid, KEY_ALL_ACCESS, call="NtCreateKey")
    rig.machine.system.registry.close()
    store = RegistryStore.open(store_path(tmp_path))
    try:
        assert store.find(USER + "_Classes\\Wow6432Node\\CLSID\\{6c1e5a1e-0000-4000-8000-000000000032}")
        assert store.find(USER + "_Classes\\CLSID\\{6c1e5a1e-0000-4000-8000-000000000032}") is None
    finally:
        store.close()


def test_each_rewrite_is_a_redirect_event(rig: Wow64Rig, trace: io.StringIO) -> None:
    software32 = open32(rig, SW)
    open32(rig, "Policies", root=software32)
    events = [e for e in map(json.loads, trace.getvalue().splitlines()) if e["event"] == "redirect"]
    assert [(e["layer"], e["kind"], e["before"], e["after"]) for e in events] == [
        ("wow64", "key", SW, SW + "\\Wow6432Node"),
        # the kernel's name of the handle's key, and the shared key that name means in the 32-bit view
        ("wow64", "key", STORED + "\\WOW6432Node\\Policies", STORED + "\\Policies"),
    ]
    assert [e["why"] for e in events] == ["redirected key \\Registry\\Machine\\Software, 32-bit view",
                                          "shared key \\REGISTRY\\MACHINE\\SOFTWARE\\Policies, 32-bit view"]


def test_a_64_bit_caller_asks_for_the_32_bit_view_with_key_wow64_32key(tmp_path: Path) -> None:
    """The kernel's name resolution honours KEY_WOW64_32KEY for a 64-bit caller (no wow64 thunk in between)."""
    from tests.test_kernel_objects import make_rig
    from tests.test_kernel_registry import RegRig

    seed(tmp_path)
    native = RegRig(make_rig(tmp_path).thread)

    def path_of(handle: int) -> str:
        return native.obj(handle).path

    assert path_of(native.open(SW + "\\regviews")).endswith("\\SOFTWARE\\regviews")
    assert path_of(native.open(SW + "\\regviews", access=KEY_READ | KEY_WOW64_32KEY)).endswith(
        "\\SOFTWARE\\WOW6432Node\\regviews")
    software32 = native.open(SW, access=KEY_READ | KEY_WOW64_32KEY)
    assert path_of(software32).endswith("\\SOFTWARE\\WOW6432Node")
    assert path_of(native.open("regviews", root=software32)).endswith("\\WOW6432Node\\regviews")  # the handle's view
    assert path_of(native.open("Policies\\regviews", root=software32)).endswith("\\SOFTWARE\\Policies\\regviews")
    assert path_of(native.open("regviews", root=software32, access=KEY_READ | KEY_WOW64_64KEY)).endswith(
        "\\SOFTWARE\\regviews")


def test_the_kernel_takes_vista_s_table_with_reflection(tmp_path: Path) -> None:
    from tests.test_kernel_objects import make_rig
    from tests.test_kernel_registry import RegRig

    for reflection, stored in ((False, USER + "_Classes\\.v"), (True, USER + "_Classes\\Wow6432Node\\.v")):
        native = RegRig(make_rig(tmp_path / str(reflection)).thread)
        native.process.system.registry.reflection = reflection
        status, key, _ = native.create(USER + "\\Software\\Classes\\.v", access=KEY_ALL_ACCESS | KEY_WOW64_32KEY)
        assert status == NTSTATUS.SUCCESS
        assert native.obj(key).path.upper() == stored.upper()


def test_hostile_object_attributes_get_windows_statuses(rig: Wow64Rig) -> None:
    def status_of(oa: int) -> int:
        return rig.syscall(N["NtOpenKey"], HANDLE_OUT, KEY_READ, oa).exit_status

    assert status_of(0x7FFE1000) == NTSTATUS.ACCESS_VIOLATION  # the attributes themselves unreadable
    bad_buffer = rig.put(NAME, struct.pack("<HHI", 20, 20, 0x7FFE1000))
    assert status_of(object_attributes32(rig, OA, bad_buffer)) == NTSTATUS.ACCESS_VIOLATION
    odd = rig.put(NAME, struct.pack("<HHI", 3, 3, NAME + 8))
    assert status_of(object_attributes32(rig, OA, odd)) != NTSTATUS.SUCCESS
    name = unicode_string32(rig, NAME, "regviews")
    assert status_of(object_attributes32(rig, OA, name, root=0x1234)) == NTSTATUS.INVALID_HANDLE
    long_name = unicode_string32(rig, NAME, SW + "\\" + "x" * 30000)
    assert status_of(object_attributes32(rig, OA, long_name)) == NTSTATUS.OBJECT_NAME_INVALID
