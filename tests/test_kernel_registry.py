"""The registry services, called as the 64-bit kernel entry calls them: keys, values, names, links, access,
notification, and what a hostile guest gives them. Outputs are pre-filled with a sentinel (0xAD) so a test can
tell "written" from "left alone". The store itself is tests/test_kernel_registry_store.py.
"""

from __future__ import annotations

import struct
import time
from pathlib import Path

import pytest

from tests.test_kernel_objects import ObjRig, make_rig
from wow64emu.kernel import handles as H
from wow64emu.kernel.registry_defaults import USER
from wow64emu.kernel.registry_keys import KEY_ALL_ACCESS, KEY_READ, KEY_WOW64_32KEY, KeyObject
from wow64emu.kernel.waits import WaitForever
from wow64emu.nt import layouts as L
from wow64emu.nt import registry as R
from wow64emu.nt.status import NTSTATUS

OBJ_OPENLINK = 0x100
CV = "\\Registry\\Machine\\Software\\Microsoft\\Windows NT\\CurrentVersion"
REG_OPTION_VOLATILE, REG_OPTION_CREATE_LINK = 1, 2


class RegRig(ObjRig):
    def us(self, text: str) -> int:
        raw = text.encode("utf-16-le", "surrogatepass")
        buf = self.put(raw + b"\0\0")
        return self.put(L.UNICODE_STRING.pack({"Length": len(raw), "MaximumLength": len(raw) + 2, "Buffer": buf}, 64))

    def open(self, name: str, root: int = 0, access: int = KEY_READ, attributes: int = 0x40,
             expect: int = NTSTATUS.SUCCESS) -> int:
        status, handle = self.open_or_create("NtOpenKey", name=name, root=root, attributes=attributes, access=access)
        assert status == expect, NTSTATUS.name_of(status)
        return handle

    def create(self, name: str, root: int = 0, access: int = KEY_ALL_ACCESS, options: int = 0,
               klass: str | None = None) -> tuple[int, int, int]:
        """(status, handle, disposition)."""
        disposition = self.out(4)
        status, handle = self.open_or_create("NtCreateKey", 0, self.us(klass) if klass is not None else 0, options,
                                             disposition, name=name, root=root, access=access, attributes=0x40)
        return status, handle, self.u32(disposition)

    def set_value(self, key: int, name: str, value_type: int, data: bytes) -> int:
        return self.call("NtSetValueKey", key, self.us(name), 0, value_type, self.put(data or b"\0"), len(data))

    def query_value(self, key: int, name: str, info_class: int, length: int) -> tuple[int, bytes, int]:
        """(status, the buffer afterwards, ResultLength)."""
        buf, result = self.out(max(length, 1)), self.out(4)
        status = self.call("NtQueryValueKey", key, self.us(name), info_class, buf, length, result)
        return status, self.read(buf, length), self.u32(result)

    def query_key(self, key: int, info_class: int, length: int = 512) -> tuple[int, bytes, int]:
        buf, result = self.out(length), self.out(4)
        status = self.call("NtQueryKey", key, info_class, buf, length, result)
        return status, self.read(buf, length), self.u32(result)


@pytest.fixture
def rig(tmp_path: Path) -> RegRig:
    base = make_rig(tmp_path)
    return RegRig(base.thread)


def user_key(rig: RegRig, name: str, options: int = 0) -> int:
    status, handle, _ = rig.create(f"{USER}\\Software\\{name}", options=options)
    assert status == NTSTATUS.SUCCESS, NTSTATUS.name_of(status)
    return handle


# ---- names, opening, creating ---------------------------------------------------------------------------------

def test_the_default_contents_are_there_by_full_name_in_any_case(rig: RegRig) -> None:
    key = rig.open(CV.upper())
    status, data, length = rig.query_value(key, "currentbuild", R.KeyValuePartialInformation, 64)
    assert status == NTSTATUS.SUCCESS and length == 12 + 12
    assert struct.unpack_from("<III", data) == (0, R.REG_SZ, 12) and data[12:24] == "19045\0".encode("utf-16-le")
    status, data, _ = rig.query_value(key, "CurrentMajorVersionNumber", R.KeyValuePartialInformation, 16)
    assert struct.unpack_from("<IIII", data) == (0, R.REG_DWORD, 4, 10)
    # The key's own name keeps the case it was made with.
    status, data, length = rig.query_key(key, R.KeyNameInformation)
    name = "\\REGISTRY\\MACHINE\\SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion"
    assert status == NTSTATUS.SUCCESS and data[4:4 + 2 * len(name)].decode("utf-16-le") == name


def test_create_then_open_relative_keeps_the_case_of_creation(rig: RegRig) -> None:
    status, parent, disposition = rig.create(f"{USER}\\Software\\MixedCase")
    assert (status, disposition) == (NTSTATUS.SUCCESS, 1)
    status, again, disposition = rig.create(f"{USER}\\SOFTWARE\\mixedcase")
    assert (status, disposition) == (NTSTATUS.SUCCESS, 2)
    status, child, disposition = rig.create("Child\\", root=parent, klass="MyClass")
    assert (status, disposition) == (NTSTATUS.SUCCESS, 1)
    opened = rig.open("CHILD", root=again)
    status, data, length = rig.query_key(opened, R.KeyNodeInformation)
    written, _, class_offset, class_length, name_length = struct.unpack_from("<qIIII", data)
    assert data[24:24 + name_length].decode("utf-16-le") == "Child"
    assert data[class_offset:class_offset + class_length].decode("utf-16-le") == "MyClass"
    assert length == 24 + name_length + class_length
    rig.open("\\Child", root=parent, expect=NTSTATUS.OBJECT_PATH_SYNTAX_BAD)
    rig.open("Missing", root=parent, expect=NTSTATUS.OBJECT_NAME_NOT_FOUND)
    rig.open("Missing\\Deeper", root=parent, expect=NTSTATUS.OBJECT_NAME_NOT_FOUND)


def test_names_outside_the_registry_and_bad_roots(rig: RegRig) -> None:
    rig.open("\\BaseNamedObjects", expect=NTSTATUS.OBJECT_TYPE_MISMATCH)
    rig.open("\\NoSuchThing", expect=NTSTATUS.OBJECT_NAME_NOT_FOUND)
    rig.open("Software", root=0x1234, expect=NTSTATUS.INVALID_HANDLE)
    event = rig.event()
    rig.open("Software", root=event, expect=NTSTATUS.OBJECT_TYPE_MISMATCH)


def test_the_current_control_set_is_a_link_to_control_set_001(rig: RegRig) -> None:
    env = rig.open("\\Registry\\Machine\\System\\CurrentControlSet\\Control\\Session Manager\\Environment")
    status, data, _ = rig.query_key(env, R.KeyNameInformation)
    assert "\\ControlSet001\\Control\\Session Manager\\Environment" in data.decode("utf-16-le", "replace")
    link = rig.open("\\Registry\\Machine\\System\\CurrentControlSet", attributes=0x40 | OBJ_OPENLINK)
    status, data, _ = rig.query_key(link, R.KeyFlagsInformation)
    assert struct.unpack_from("<III", data)[1] & 2  # a symbolic link, volatile
    status, data, _ = rig.query_value(link, "SymbolicLinkValue", R.KeyValuePartialInformation, 128)
    assert struct.unpack_from("<I", data, 4)[0] == R.REG_LINK


def test_a_guest_made_link_is_followed_and_a_broken_one_is_not_found(rig: RegRig) -> None:
    target = user_key(rig, "Target")
    rig.set_value(target, "Here", R.REG_DWORD, struct.pack("<I", 7))
    status, link, _ = rig.create(f"{USER}\\Software\\Link", options=REG_OPTION_VOLATILE | REG_OPTION_CREATE_LINK)
    assert status == NTSTATUS.SUCCESS
    rig.open(f"{USER}\\Software\\Link", expect=NTSTATUS.OBJECT_NAME_NOT_FOUND)  # no target yet
    target_name = f"{USER}\\Software\\Target".encode("utf-16-le")
    assert rig.set_value(link, "SymbolicLinkValue", R.REG_LINK, target_name) == NTSTATUS.SUCCESS
    through = rig.open(f"{USER}\\Software\\Link")
    status, data, _ = rig.query_value(through, "Here", R.KeyValuePartialInformation, 16)
    assert status == NTSTATUS.SUCCESS and struct.unpack_from("<I", data, 12)[0] == 7


# ---- values ---------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("value_type, data", [
    (R.REG_NONE, b""), (R.REG_SZ, "text\0".encode("utf-16-le")), (R.REG_EXPAND_SZ, "%a%\0".encode("utf-16-le")),
    (R.REG_MULTI_SZ, "a\0b\0\0".encode("utf-16-le")), (R.REG_DWORD, b"\x01\x02\x03\x04"),
    (R.REG_QWORD, bytes(range(8))), (R.REG_BINARY, bytes(range(256)) * 3), (R.REG_LINK, b"\\\0R\0"),
    (0x12345678, b"odd type, odd length"), (R.REG_DWORD, b"\x01"),  # a DWORD of one byte is kept as given
])
def test_every_type_is_kept_as_its_bytes(rig: RegRig, value_type: int, data: bytes) -> None:
    key = user_key(rig, "Types")
    assert rig.set_value(key, "v", value_type, data) == NTSTATUS.SUCCESS
    status, got, length = rig.query_value(key, "V", R.KeyValuePartialInformation, 12 + len(data))
    assert status == NTSTATUS.SUCCESS and length == 12 + len(data)
    assert struct.unpack_from("<III", got) == (0, value_type, len(data)) and got[12:] == data


def test_short_buffers_get_too_small_or_the_partial_data(rig: RegRig) -> None:
    key = user_key(rig, "Short")
    rig.set_value(key, "Name", R.REG_BINARY, b"0123456789")
    status, got, length = rig.query_value(key, "Name", R.KeyValuePartialInformation, 11)
    assert (status, length) == (NTSTATUS.BUFFER_TOO_SMALL, 22) and got == b"\xad" * 11
    status, got, length = rig.query_value(key, "Name", R.KeyValuePartialInformation, 16)
    assert (status, length) == (NTSTATUS.BUFFER_OVERFLOW, 22)
    assert struct.unpack_from("<III", got) == (0, R.REG_BINARY, 10) and got[12:] == b"0123"
    status, got, length = rig.query_value(key, "Name", R.KeyValueBasicInformation, 14)
    assert (status, length) == (NTSTATUS.BUFFER_OVERFLOW, 20) and got[12:14] == b"N\0"
    status, got, length = rig.query_value(key, "Name", R.KeyValuePartialInformationAlign64, 18)
    assert (status, length) == (NTSTATUS.SUCCESS, 18) and got[8:] == b"0123456789"
    # Full: the data at the next 8-byte boundary after the name.
    status, got, length = rig.query_value(key, "Name", R.KeyValueFullInformation, 64)
    _, _, offset, data_length, name_length = struct.unpack_from("<IIIII", got)
    assert (offset, data_length, name_length, length) == (32, 10, 8, 42)
    assert got[20:28] == "Name".encode("utf-16-le") and got[32:42] == b"0123456789" and got[28:32] == b"\xad" * 4
    assert rig.query_value(key, "Name", 99, 64)[0] == NTSTATUS.INVALID_PARAMETER
    assert rig.query_value(key, "Nope", R.KeyValueBasicInformation, 64)[0] == NTSTATUS.OBJECT_NAME_NOT_FOUND


def enumerate_names(rig: RegRig, call: str, key: int, info_class: int, length_at: int) -> list[str]:
    """The names an enumeration gives, in order, until STATUS_NO_MORE_ENTRIES (the name follows its length)."""
    names = []
    buf, result = rig.out(128), rig.out(4)
    while (status := rig.call(call, key, len(names), info_class, buf, 128, result)) != NTSTATUS.NO_MORE_ENTRIES:
        assert status == NTSTATUS.SUCCESS
        length = struct.unpack_from("<I", rig.read(buf, length_at + 4), length_at)[0]
        names.append(rig.read(buf + length_at + 4, length).decode("utf-16-le"))
    return names


def test_values_enumerate_in_the_order_made_and_subkeys_by_name(rig: RegRig) -> None:
    key = user_key(rig, "Order")
    for name in ("zeta", "Alpha", "mid"):
        rig.set_value(key, name, R.REG_DWORD, b"\0\0\0\0")
        assert rig.create(name, root=key)[0] == NTSTATUS.SUCCESS
    rig.set_value(key, "ALPHA", R.REG_SZ, b"x\0")  # replaced in place, name kept
    names = enumerate_names(rig, "NtEnumerateValueKey", key, R.KeyValueBasicInformation, 8)
    subkeys = enumerate_names(rig, "NtEnumerateKey", key, R.KeyBasicInformation, 12)
    assert names == ["zeta", "Alpha", "mid"] and subkeys == ["Alpha", "mid", "zeta"]
    status, data, length = rig.query_key(key, R.KeyFullInformation)
    _, _, class_offset, class_length, nsub, max_name, max_class, nvalues, max_vname, max_vdata = \
        struct.unpack_from("<qIIIIIIIII", data)
    assert (class_offset, nsub, max_name, nvalues, max_vname, max_vdata, length) == \
        (0xFFFFFFFF, 3, 10, 3, 10, 4, 44)


def test_multiple_values_at_once(rig: RegRig) -> None:
    key = user_key(rig, "Multiple")
    rig.set_value(key, "a", R.REG_BINARY, b"123")
    rig.set_value(key, "b", R.REG_DWORD, b"4567")
    entries = rig.put(struct.pack("<QIII4x", rig.us("A"), 0, 0, 0) + struct.pack("<QIII4x", rig.us("b"), 0, 0, 0))
    buf, length, required = rig.out(16), rig.put(struct.pack("<I", 16)), rig.out(4)
    assert rig.call("NtQueryMultipleValueKey", key, entries, 2, buf, length, required) == NTSTATUS.SUCCESS
    assert struct.unpack_from("<III", rig.read(entries + 8, 12)) == (3, 0, R.REG_BINARY)
    assert struct.unpack_from("<III", rig.read(entries + 32, 12)) == (4, 4, R.REG_DWORD)
    assert rig.read(buf, 8) == b"123\xad4567" and (rig.u32(length), rig.u32(required)) == (8, 8)
    rig.process.memory.poke(length, struct.pack("<I", 5))
    assert rig.call("NtQueryMultipleValueKey", key, entries, 2, buf, length, required) == NTSTATUS.BUFFER_OVERFLOW
    assert rig.u32(required) == 8


def test_delete_value_and_key(rig: RegRig) -> None:
    key = user_key(rig, "Doomed")
    rig.set_value(key, "v", R.REG_SZ, b"x\0")
    assert rig.call("NtDeleteValueKey", key, rig.us("V")) == NTSTATUS.SUCCESS
    assert rig.call("NtDeleteValueKey", key, rig.us("V")) == NTSTATUS.OBJECT_NAME_NOT_FOUND
    _, child, _ = rig.create("Child", root=key)
    assert rig.call("NtDeleteKey", key) == NTSTATUS.CANNOT_DELETE
    assert rig.call("NtDeleteKey", child) == NTSTATUS.SUCCESS
    assert rig.call("NtDeleteKey", child) == NTSTATUS.KEY_DELETED
    assert rig.set_value(child, "v", R.REG_SZ, b"") == NTSTATUS.KEY_DELETED
    assert rig.call("NtDeleteKey", key) == NTSTATUS.SUCCESS
    rig.open(f"{USER}\\Software\\Doomed", expect=NTSTATUS.OBJECT_NAME_NOT_FOUND)
    assert rig.call("NtClose", child) == NTSTATUS.SUCCESS


def test_rename(rig: RegRig) -> None:
    key = user_key(rig, "Before")
    user_key(rig, "Taken")
    assert rig.call("NtRenameKey", key, rig.us("taken")) == NTSTATUS.OBJECT_NAME_COLLISION
    assert rig.call("NtRenameKey", key, rig.us("a\\b")) == NTSTATUS.OBJECT_NAME_INVALID
    assert rig.call("NtRenameKey", key, rig.us("After")) == NTSTATUS.SUCCESS
    rig.open(f"{USER}\\Software\\after")
    rig.open(f"{USER}\\Software\\Before", expect=NTSTATUS.OBJECT_NAME_NOT_FOUND)


# ---- access ---------------------------------------------------------------------------------------------------

def test_access_is_checked_on_each_handle(rig: RegRig) -> None:
    user_key(rig, "Rights")
    read_only = rig.open(f"{USER}\\Software\\Rights", access=KEY_READ)
    assert rig.set_value(read_only, "v", R.REG_SZ, b"") == NTSTATUS.ACCESS_DENIED
    assert rig.call("NtDeleteKey", read_only) == NTSTATUS.ACCESS_DENIED
    query_only = rig.open(f"{USER}\\Software\\Rights", access=0x1)
    buf, result = rig.out(64), rig.out(4)
    assert rig.call("NtEnumerateKey", query_only, 0, 0, buf, 64, result) == NTSTATUS.ACCESS_DENIED
    no_rights = rig.open(f"{USER}\\Software\\Rights", access=0)
    assert rig.query_key(no_rights, R.KeyBasicInformation)[0] == NTSTATUS.ACCESS_DENIED
    assert rig.query_key(no_rights, R.KeyNameInformation)[0] == NTSTATUS.SUCCESS
    # Creating below a read-only handle needs the parent's security only: the user's own hive allows it.
    assert rig.create("Sub", root=read_only)[0] == NTSTATUS.SUCCESS


def test_the_machine_keys_are_read_only_for_the_standard_user(rig: RegRig) -> None:
    status, handle, _ = rig.create("\\Registry\\Machine\\Software\\NewVendor")
    assert status == NTSTATUS.ACCESS_DENIED
    rig.open("\\Registry\\Machine\\Software", access=KEY_ALL_ACCESS, expect=NTSTATUS.ACCESS_DENIED)
    key = rig.open("\\Registry\\Machine\\Software", access=H.MAXIMUM_ALLOWED | KEY_WOW64_32KEY)
    assert rig.process.handles.entry(key).access == KEY_READ
    obj = rig.obj(key)
    assert isinstance(obj, KeyObject) and obj.view == KEY_WOW64_32KEY
    assert obj.path == "\\REGISTRY\\MACHINE\\SOFTWARE\\WOW6432Node"  # KEY_WOW64_32KEY: the 32-bit view


# ---- volatile keys and the store's life -----------------------------------------------------------------------

def test_volatile_keys_take_volatile_children_and_do_not_outlive_the_run(tmp_path: Path) -> None:
    rig = RegRig(make_rig(tmp_path).thread)
    stable = user_key(rig, "Stable")
    rig.set_value(stable, "kept", R.REG_DWORD, b"\1\0\0\0")
    volatile = user_key(rig, "Fleeting", REG_OPTION_VOLATILE)
    assert rig.create("Stable", root=volatile)[0] == NTSTATUS.CHILD_MUST_BE_VOLATILE
    assert rig.create("Fine", root=volatile, options=REG_OPTION_VOLATILE)[0] == NTSTATUS.SUCCESS
    assert (tmp_path / "System Volume Information").is_dir()
    again = RegRig(make_rig(tmp_path).thread)  # a second run on the same C: drive
    key = again.open(f"{USER}\\Software\\Stable")
    assert again.query_value(key, "kept", R.KeyValuePartialInformation, 16)[0] == NTSTATUS.SUCCESS
    again.open(f"{USER}\\Software\\Fleeting", expect=NTSTATUS.OBJECT_NAME_NOT_FOUND)
    again.open("\\Registry\\Machine\\System\\CurrentControlSet\\Control")  # the boot's volatile link, made again


def test_the_guest_cannot_open_the_database_folder(rig: RegRig) -> None:
    user_key(rig, "Anything")  # the store exists now
    out, iosb = rig.out(8), rig.out(16)
    for name in ("\\??\\C:\\System Volume Information", "\\??\\c:\\system volume information\\x.sqlite3"):
        status = rig.call("NtCreateFile", out, 0x80000000, rig.oa(name, attributes=0x40), iosb, 0, 0, 7, 1, 0, 0, 0)
        assert status == NTSTATUS.ACCESS_DENIED


# ---- notification ---------------------------------------------------------------------------------------------

def test_an_asynchronous_notification_sets_its_event_on_a_change(rig: RegRig) -> None:
    key = user_key(rig, "Watched")
    _, child, _ = rig.create("Child", root=key)
    event = rig.event()
    iosb = rig.out(16)
    status = rig.call("NtNotifyChangeKey", key, event, 0, 0, iosb, 0x4, 1, 0, 0, 1)  # LAST_SET, tree
    assert status == NTSTATUS.PENDING and rig.read(iosb, 16) == b"\xad" * 16
    assert rig.call("NtWaitForSingleObject", event, 0, rig.put(struct.pack("<q", 0))) == NTSTATUS.TIMEOUT
    rig.set_value(child, "v", R.REG_SZ, b"")
    assert rig.read(iosb, 12) == struct.pack("<II", NTSTATUS.NOTIFY_ENUM_DIR, 0) + b"\xad" * 4  # a WoW64 caller's
    assert rig.call("NtWaitForSingleObject", event, 0, 0) == NTSTATUS.SUCCESS
    # Without WatchTree, a change below does not count; closing the handle ends the notification.
    iosb = rig.out(16)
    assert rig.call("NtNotifyChangeKey", key, event, 0, 0, iosb, 0x4, 0, 0, 0, 1) == NTSTATUS.PENDING
    rig.set_value(child, "w", R.REG_SZ, b"")
    assert rig.read(iosb, 4) == b"\xad" * 4
    assert rig.call("NtClose", key) == NTSTATUS.SUCCESS
    assert rig.u32(iosb) == NTSTATUS.NOTIFY_CLEANUP
    assert rig.call("NtNotifyChangeKey", child, event, 0, 0, iosb, 0x100, 0, 0, 0, 1) == NTSTATUS.INVALID_PARAMETER


def test_a_synchronous_notification_in_a_lone_thread_ends_the_run(rig: RegRig) -> None:
    key = user_key(rig, "Forever")
    with pytest.raises(WaitForever, match="registry key"):
        rig.call("NtNotifyChangeKey", key, 0, 0, 0, rig.out(16), 0x1, 0, 0, 0, 0)


# ---- hostile input --------------------------------------------------------------------------------------------

def test_the_limits_of_names_and_depth(rig: RegRig) -> None:
    key = user_key(rig, "Limits")
    assert rig.create("x" * 255, root=key)[0] == NTSTATUS.SUCCESS
    assert rig.create("x" * 256, root=key)[0] == NTSTATUS.OBJECT_NAME_INVALID
    assert rig.set_value(key, "v" * 16_383, R.REG_SZ, b"") == NTSTATUS.SUCCESS
    assert rig.set_value(key, "v" * 16_384, R.REG_SZ, b"") == NTSTATUS.INVALID_PARAMETER
    # Names with NULs inside are names like the others (the native API allows them).
    assert rig.create("hid\0den", root=key)[0] == NTSTATUS.SUCCESS
    rig.open("hid\0den", root=key)
    rig.open("hid", root=key, expect=NTSTATUS.OBJECT_NAME_NOT_FOUND)
    # \REGISTRY\USER\<SID>\Software\Limits has 5 levels: 507 more make 512, a 513th is refused.
    current = key
    for _ in range(507):
        status, current, _ = rig.create("d", root=current)
        assert status == NTSTATUS.SUCCESS
    assert rig.create("d", root=current)[0] == NTSTATUS.INVALID_PARAMETER


def test_lying_sizes_and_pointers_are_statuses(rig: RegRig) -> None:
    key = user_key(rig, "Lies")
    name = rig.us("v")
    assert rig.call("NtSetValueKey", key, name, 0, R.REG_BINARY, rig.put(b"abc"), 0x10000000) == \
        NTSTATUS.ACCESS_VIOLATION
    assert rig.call("NtSetValueKey", key, name, 0, R.REG_BINARY, rig.put(b"abc"), 0xFFFFFFFF) == \
        NTSTATUS.ACCESS_VIOLATION
    assert rig.call("NtSetValueKey", key, 0x10, 0, R.REG_BINARY, rig.put(b"abc"), 3) == NTSTATUS.ACCESS_VIOLATION
    rig.set_value(key, "v", R.REG_BINARY, b"abc")
    assert rig.call("NtQueryValueKey", key, name, 2, rig.out(64), 0xFFFFFFF0, rig.out(4)) == \
        NTSTATUS.ACCESS_VIOLATION
    assert rig.call("NtQueryValueKey", key, name, 2, rig.out(64), 64, 0) == NTSTATUS.ACCESS_VIOLATION
    assert rig.call("NtQueryMultipleValueKey", key, rig.out(24), 0x7FFFFFFF, rig.out(8), rig.out(4), 0) == \
        NTSTATUS.ACCESS_VIOLATION
    assert rig.call("NtQueryKey", 0x1234, 0, rig.out(64), 64, rig.out(4)) == NTSTATUS.INVALID_HANDLE


def test_many_values_cost_each_call_the_same(rig: RegRig) -> None:
    key = user_key(rig, "Many")
    store = rig.system.registry.store
    record = rig.obj(key)
    assert isinstance(record, KeyObject)
    for i in range(20_000):
        store.set_value(record.key_id, f"value{i}", R.REG_DWORD, struct.pack("<I", i))
    status, data, _ = rig.query_key(key, R.KeyFullInformation)
    assert struct.unpack_from("<I", data, 32)[0] == 20_000
    buf, result = rig.out(64), rig.out(4)
    start = time.perf_counter()
    for i in range(2_000):
        assert rig.call("NtEnumerateValueKey", key, 18_000 + i, 2, buf, 64, result) == NTSTATUS.SUCCESS
    assert struct.unpack_from("<I", rig.read(buf, 16), 12)[0] == 19_999
    assert time.perf_counter() - start < 2.0


def test_key_value_entry_has_windows_sizes_in_both_widths() -> None:
    assert (R.KEY_VALUE_ENTRY.size(32), R.KEY_VALUE_ENTRY.size(64)) == (16, 24)
    assert [R.KEY_VALUE_ENTRY.offset(f, 64) for f in ("ValueName", "DataLength", "DataOffset", "Type")] == \
        [0, 8, 12, 16]
    assert R.KEY_VALUE_ENTRY.offset("Type", 32) == 12


def test_a_key_made_again_after_a_delete_is_a_new_key(rig: RegRig) -> None:
    old = user_key(rig, "Again")
    assert rig.call("NtDeleteKey", old) == NTSTATUS.SUCCESS
    new = user_key(rig, "Again")  # the old handle is still open
    assert rig.set_value(new, "v", R.REG_DWORD, b"\0\0\0\0") == NTSTATUS.SUCCESS
    assert rig.set_value(old, "v", R.REG_DWORD, b"\0\0\0\0") == NTSTATUS.KEY_DELETED


def test_a_link_to_itself_ends(rig: RegRig) -> None:
    status, link, _ = rig.create(f"{USER}\\Software\\Loop", options=REG_OPTION_VOLATILE | REG_OPTION_CREATE_LINK)
    assert status == NTSTATUS.SUCCESS
    rig.set_value(link, "SymbolicLinkValue", R.REG_LINK, f"{USER}\\Software\\Loop".encode("utf-16-le"))
    rig.open(f"{USER}\\Software\\Loop", expect=NTSTATUS.NAME_TOO_LONG)
    rig.open(f"{USER}\\Software\\Loop\\Below", expect=NTSTATUS.NAME_TOO_LONG)
