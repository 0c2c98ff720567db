"""The object manager, called as the 64-bit kernel entry calls it: the handle table, the namespace, and the object
services (close, duplicate, compare, query, flags, temporary objects, directories).

Each test gets a fresh process and a scratch region; outputs are pre-filled with a sentinel so a test can tell
"written" from "left alone".
"""

from __future__ import annotations

import struct
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.conftest import CallCounter, KernelRig, kernel_rig
from wow64emu.emu.memory import MemType, Prot
from wow64emu.kernel import handles as H
from wow64emu.kernel import namespace as NS
from wow64emu.kernel.namespace import DirectoryObject, SymbolicLinkObject, create_object
from wow64emu.kernel.sync import EventObject, MutantObject
from wow64emu.nt import layouts as L
from wow64emu.nt import objects as T
from wow64emu.nt.status import NTSTATUS

SCRATCH = 0x20000000
SCRATCH_SIZE = 0x40000
SENTINEL = 0xADADADADADADADAD
EVENT_ALL_ACCESS = 0x1F0003
DIRECTORY_ALL_ACCESS = 0xF000F
OBJ_CASE_INSENSITIVE = 0x40
BAD_HANDLE = 0x1234


@dataclass
class ObjRig(KernelRig):
    """KernelRig with a bump allocator over a scratch region and builders for named objects."""

    next_free: int = SCRATCH

    def put(self, data: bytes) -> int:
        addr = self.next_free
        self.next_free += (len(data) + 15) & ~15
        assert self.next_free <= SCRATCH + SCRATCH_SIZE
        self.process.memory.poke(addr, data)
        return addr

    def out(self, size: int = 8) -> int:
        return self.put(b"\xad" * size)

    def read(self, addr: int, size: int) -> bytes:
        return self.process.memory.peek(addr, size)

    def u32(self, addr: int) -> int:
        return struct.unpack("<I", self.read(addr, 4))[0]

    def oa(self, name: str | None, root: int = 0, attributes: int = 0) -> int:
        us = 0
        if name is not None:
            raw = name.encode("utf-16-le")
            buf = self.put(raw + b"\0\0")
            us = self.put(L.UNICODE_STRING.pack(
                {"Length": len(raw), "MaximumLength": min(len(raw) + 2, 0xFFFF), "Buffer": buf}, 64))
        return self.put(L.OBJECT_ATTRIBUTES.pack({
            "Length": 48, "RootDirectory": root, "ObjectName": us, "Attributes": attributes,
            "SecurityDescriptor": 0, "SecurityQualityOfService": 0}, 64))

    def open_or_create(self, call: str, *args: int, name: str | None = None, root: int = 0,
                       attributes: int = 0, access: int = H.MAXIMUM_ALLOWED) -> tuple[int, int]:
        """(status, handle) of a NtCreateXxx / NtOpenXxx call; handle is the sentinel when none was written."""
        out = self.out()
        status = self.call(call, out, access, self.oa(name, root, attributes) if name is not None else 0, *args)
        return status, self.u64(out)

    def event(self, name: str | None = None, root: int = 0, attributes: int = 0, signalled: bool = False,
              access: int = EVENT_ALL_ACCESS) -> int:
        status, handle = self.open_or_create("NtCreateEvent", 0, int(signalled), name=name, root=root,
                                             attributes=attributes, access=access)
        assert status == NTSTATUS.SUCCESS, NTSTATUS.name_of(status)
        return handle

    def directory(self, name: str | None, root: int = 0, access: int = DIRECTORY_ALL_ACCESS) -> int:
        status, handle = self.open_or_create("NtCreateDirectoryObject", name=name, root=root, access=access)
        assert status == NTSTATUS.SUCCESS, NTSTATUS.name_of(status)
        return handle

    def obj(self, handle: int) -> H.KernelObject:
        found = self.process.handles.lookup(handle)
        assert found is not None
        return found


def make_rig(root: Path) -> ObjRig:
    thread = kernel_rig(root).thread
    thread.process.memory.map_committed(SCRATCH, SCRATCH_SIZE, MemType.PRIVATE, Prot.READWRITE, "scratch")
    return ObjRig(thread)


@pytest.fixture
def rig(tmp_path: Path) -> ObjRig:
    return make_rig(tmp_path)


# ---- handle table and types -----------------------------------------------------------------------------------

def test_generic_rights_map_through_the_type_and_are_cut_to_its_valid_mask() -> None:
    event = H.TYPES["Event"]
    assert event.grant(H.GENERIC_READ) == 0x20001
    assert event.grant(H.GENERIC_WRITE | H.SYNCHRONIZE) == 0x120002
    assert event.grant(H.MAXIMUM_ALLOWED) == 0x1F0003
    assert event.grant(0x4 | 0x1) == 0x1  # bit 2 is no event right
    assert H.TYPES["Directory"].grant(H.GENERIC_ALL | H.SYNCHRONIZE) == 0xF000F  # directories cannot be waited on


def test_handle_counts_and_the_last_close() -> None:
    closed = []

    class Obj(H.KernelObject):
        def close(self) -> None:
            closed.append(self)

    table, obj = H.HandleTable(), Obj()
    first, second = table.insert(obj), table.insert(obj)
    assert obj.handle_count == 2 and first != second
    table.close(first)
    assert not closed
    table.close(second)
    assert closed == [obj] and obj.handle_count == 0
    with pytest.raises(Exception) as exc:
        table.close(second)
    assert exc.value.status == NTSTATUS.INVALID_HANDLE


def test_reference_checks_type_then_access_and_refuses_pseudo_handles() -> None:
    table = H.HandleTable()
    handle = table.insert(EventObject(True, False), access=H.SYNCHRONIZE)
    assert isinstance(table.reference(handle, EventObject, H.SYNCHRONIZE), EventObject)
    for h, cls, access, status in ((handle, MutantObject, 0, NTSTATUS.OBJECT_TYPE_MISMATCH),
                                   (handle, EventObject, 0x2, NTSTATUS.ACCESS_DENIED),
                                   (H.CURRENT_PROCESS, EventObject, 0, NTSTATUS.OBJECT_TYPE_MISMATCH),
                                   (0x99, EventObject, 0, NTSTATUS.INVALID_HANDLE)):
        with pytest.raises(Exception) as exc:
            table.reference(h, cls, access)
        assert exc.value.status == status


def test_untracked_handles_grant_everything() -> None:
    table = H.HandleTable()
    handle = table.insert(H.KernelObject())
    assert table.entry(handle).access == H.UNTRACKED_ACCESS


# ---- the namespace --------------------------------------------------------------------------------------------

def test_named_event_is_shared_and_its_name_goes_with_its_last_handle(rig: ObjRig) -> None:
    first = rig.event("\\BaseNamedObjects\\shared")
    status, second = rig.open_or_create("NtOpenEvent", name="\\BaseNamedObjects\\shared")
    assert status == NTSTATUS.SUCCESS and rig.obj(second) is rig.obj(first)
    assert rig.obj(first).query_name() == "\\BaseNamedObjects\\shared"
    rig.call("NtClose", first)
    assert rig.call("NtClose", second) == NTSTATUS.SUCCESS
    status, handle = rig.open_or_create("NtOpenEvent", name="\\BaseNamedObjects\\shared")
    assert status == NTSTATUS.OBJECT_NAME_NOT_FOUND and handle == SENTINEL


def test_creating_an_existing_name(rig: ObjRig) -> None:
    name = "\\BaseNamedObjects\\taken"
    existing = rig.event(name)
    assert rig.open_or_create("NtCreateEvent", 0, 0, name=name)[0] == NTSTATUS.OBJECT_NAME_COLLISION
    status, handle = rig.open_or_create("NtCreateEvent", 1, 1, name=name, attributes=NS.OBJ_OPENIF)
    assert status == NTSTATUS.OBJECT_NAME_EXISTS and rig.obj(handle) is rig.obj(existing)
    assert rig.obj(handle).notification and not rig.obj(handle).state  # the existing one, unchanged
    status, handle = rig.open_or_create("NtCreateMutant", 0, name=name, attributes=NS.OBJ_OPENIF)
    assert status == NTSTATUS.OBJECT_TYPE_MISMATCH and handle == SENTINEL
    assert rig.open_or_create("NtOpenMutant", name=name)[0] == NTSTATUS.OBJECT_TYPE_MISMATCH


@pytest.mark.parametrize(("name", "root", "status"), [
    ("BaseNamedObjects\\x", 0, NTSTATUS.OBJECT_PATH_SYNTAX_BAD),
    ("", 0, NTSTATUS.OBJECT_PATH_SYNTAX_BAD),
    ("\\BaseNamedObjects\\", 0, NTSTATUS.OBJECT_NAME_INVALID),
    ("\\\\BaseNamedObjects", 0, NTSTATUS.OBJECT_NAME_INVALID),
    ("\\BaseNamedObjects\\\\x", 0, NTSTATUS.OBJECT_NAME_INVALID),
    ("\\BaseNamedObjects\\none\\", 0, NTSTATUS.OBJECT_PATH_NOT_FOUND),
    ("\\BASENAMEDOBJECTS\\x", 0, NTSTATUS.OBJECT_PATH_NOT_FOUND),
    ("\\BaseNamedObjects\\x", BAD_HANDLE, NTSTATUS.INVALID_HANDLE),
    ("\\x", -1, NTSTATUS.OBJECT_PATH_SYNTAX_BAD),
    ("\\" + "a" * 32766, 0, NTSTATUS.OBJECT_NAME_INVALID),
])
def test_names_that_do_not_resolve(rig: ObjRig, name: str, root: int, status: int) -> None:
    if root == -1:
        root = rig.event()
    assert rig.open_or_create("NtOpenEvent", name=name, root=root)[0] == status


def test_longest_name_and_a_non_directory_on_the_way(rig: ObjRig) -> None:
    assert rig.open_or_create("NtCreateEvent", 0, 0, name="\\BaseNamedObjects\\" + "a" * 32748)[0] == 0
    event = rig.event("\\BaseNamedObjects\\leaf")
    assert rig.open_or_create("NtOpenEvent", name="\\BaseNamedObjects\\leaf\\x")[0] == NTSTATUS.OBJECT_TYPE_MISMATCH
    assert rig.open_or_create("NtOpenEvent", name="x", root=event)[0] == NTSTATUS.OBJECT_TYPE_MISMATCH


def test_case_insensitive_lookup_finds_the_newest_match(rig: ObjRig) -> None:
    older = rig.event("\\BaseNamedObjects\\Case")
    newer = rig.event("\\BaseNamedObjects\\CASE")
    exact = rig.open_or_create("NtOpenEvent", name="\\BaseNamedObjects\\Case")[1]
    insensitive = rig.open_or_create("NtOpenEvent", name="\\basenamedobjects\\case",
                                     attributes=OBJ_CASE_INSENSITIVE)[1]
    assert rig.obj(exact) is rig.obj(older) and rig.obj(insensitive) is rig.obj(newer)


def test_a_name_is_found_without_a_search_of_its_directory(rig: ObjRig, monkeypatch: pytest.MonkeyPatch) -> None:
    # A lookup upcases the name it looks for, never the names of the directory: 2,000 named events cost a few
    # upcasings each (a search of the directory would make it two million).
    upcased = CallCounter(monkeypatch, NS, "upcase")
    mark = rig.next_free
    for i in range(2000):
        rig.next_free = mark  # the same scratch for each name's attributes
        rig.event(f"\\BaseNamedObjects\\Event{i}", attributes=OBJ_CASE_INSENSITIVE)
    rig.next_free = mark
    status, _ = rig.open_or_create("NtOpenEvent", name="\\BaseNamedObjects\\EVENT1999",
                                   attributes=OBJ_CASE_INSENSITIVE)
    assert status == NTSTATUS.SUCCESS
    assert upcased.calls < 5 * 2001


def test_global_and_local_links_lead_back_to_base_named_objects(rig: ObjRig) -> None:
    event = rig.event("\\BaseNamedObjects\\linked")
    for name in ("\\BaseNamedObjects\\Global\\linked", "\\BaseNamedObjects\\Local\\linked"):
        status, handle = rig.open_or_create("NtOpenEvent", name=name)
        assert status == NTSTATUS.SUCCESS and rig.obj(handle) is rig.obj(event)
    status, handle = rig.open_or_create("NtOpenDirectoryObject", name="\\BaseNamedObjects\\Global")
    assert rig.obj(handle) is rig.system.namespace.base_named_objects


def test_relative_names_and_the_root_directory_itself(rig: ObjRig) -> None:
    directory = rig.directory("\\BaseNamedObjects\\dir")
    event = rig.event("inner", root=directory)
    assert rig.obj(event).query_name() == "\\BaseNamedObjects\\dir\\inner"
    status, same = rig.open_or_create("NtOpenDirectoryObject", name="", root=directory)
    assert status == NTSTATUS.SUCCESS and rig.obj(same) is rig.obj(directory)
    assert rig.open_or_create("NtOpenEvent", name="", root=directory)[0] == NTSTATUS.OBJECT_TYPE_MISMATCH
    # An empty name creates an unnamed object: the root is not even looked at.
    assert rig.open_or_create("NtCreateEvent", 0, 0, name="", root=BAD_HANDLE)[0] == NTSTATUS.SUCCESS
    # The directory's name goes with its last handles; the event inside keeps its entry but has no full name.
    rig.call("NtClose", directory)
    rig.call("NtClose", same)
    assert rig.obj(event).object_name == "inner" and rig.obj(event).query_name() == ""


def test_system_directories_refuse_what_a_user_may_not_do(rig: ObjRig) -> None:
    assert rig.open_or_create("NtCreateDirectoryObject", name="\\mine")[0] == NTSTATUS.ACCESS_DENIED
    assert rig.open_or_create("NtOpenDirectoryObject", name="\\", access=H.DELETE)[0] == NTSTATUS.ACCESS_DENIED
    status, handle = rig.open_or_create("NtOpenDirectoryObject", name="\\BaseNamedObjects")
    assert status == NTSTATUS.SUCCESS and rig.process.handles.entry(handle).access == 0x2000F
    assert rig.open_or_create("NtCreateEvent", 0, 0, name="\\BaseNamedObjects\\p",
                              attributes=NS.OBJ_PERMANENT)[0] == NTSTATUS.PRIVILEGE_NOT_HELD


def test_open_needs_attributes_and_create_does_not(rig: ObjRig) -> None:
    assert rig.call("NtOpenEvent", rig.out(), EVENT_ALL_ACCESS, 0) == NTSTATUS.INVALID_PARAMETER
    assert rig.call("NtCreateEvent", rig.out(), EVENT_ALL_ACCESS, 0, 0, 0) == NTSTATUS.SUCCESS
    assert rig.call("NtCreateEvent", 0x10, EVENT_ALL_ACCESS, 0, 0, 0) == NTSTATUS.ACCESS_VIOLATION
    assert len(rig.process.handles) == 1  # the failed create made no handle


def test_create_object_is_what_other_areas_use_for_named_objects(rig: ObjRig) -> None:
    class Section(H.KernelObject):
        type_name = "Section"

    made = []

    def make() -> Section:
        made.append(Section())
        return made[-1]

    out, oa = rig.out(), rig.oa("\\BaseNamedObjects\\map", attributes=NS.OBJ_OPENIF)
    assert create_object(rig.thread, out, H.GENERIC_READ, oa, Section, make) == NTSTATUS.SUCCESS
    assert rig.process.handles.entry(rig.u64(out)).access == 0x20005  # the Section type's generic read
    assert create_object(rig.thread, out, H.GENERIC_READ, oa, Section, make) == NTSTATUS.OBJECT_NAME_EXISTS
    assert len(made) == 1


# ---- NtClose, NtDuplicateObject, NtCompareObjects, NtMakeTemporaryObject -------------------------------------

def test_close_pseudo_invalid_and_protected_handles(rig: ObjRig) -> None:
    assert rig.call("NtClose", H.CURRENT_PROCESS) == NTSTATUS.SUCCESS
    assert rig.call("NtClose", 0) == NTSTATUS.INVALID_HANDLE
    event = rig.event()
    rig.process.handles.entry(event).attributes = H.OBJ_PROTECT_CLOSE
    assert rig.call("NtClose", event) == NTSTATUS.HANDLE_NOT_CLOSABLE
    assert event in rig.process.handles


def test_duplicate_same_access_and_mapped_access(rig: ObjRig) -> None:
    event = rig.event(access=EVENT_ALL_ACCESS)
    out = rig.out()
    assert rig.call("NtDuplicateObject", H.CURRENT_PROCESS, event, H.CURRENT_PROCESS, out, 0, 0, 2) == 0
    copy = rig.u64(out)
    assert rig.obj(copy) is rig.obj(event) and rig.process.handles.entry(copy).access == EVENT_ALL_ACCESS
    assert rig.call("NtDuplicateObject", H.CURRENT_PROCESS, event, H.CURRENT_PROCESS, out, H.GENERIC_READ,
                    H.OBJ_INHERIT, 0) == 0
    entry = rig.process.handles.entry(rig.u64(out))
    assert (entry.access, entry.attributes) == (0x20001, H.OBJ_INHERIT)
    assert rig.call("NtCompareObjects", event, rig.u64(out)) == NTSTATUS.SUCCESS


def test_duplicate_close_source_and_no_target(rig: ObjRig) -> None:
    event = rig.event()
    out = rig.out()
    assert rig.call("NtDuplicateObject", H.CURRENT_PROCESS, event, H.CURRENT_PROCESS, out, 0, 0, 3) == 0
    assert event not in rig.process.handles and rig.u64(out) in rig.process.handles
    assert rig.call("NtDuplicateObject", H.CURRENT_PROCESS, rig.u64(out), 0, 0, 0, 0, 1) == 0
    assert len(rig.process.handles) == 0


@pytest.mark.parametrize(("source_process", "source", "target_out", "options", "status"), [
    (H.CURRENT_PROCESS, BAD_HANDLE, True, 2, NTSTATUS.INVALID_HANDLE),
    ("event", "event", True, 2, NTSTATUS.OBJECT_TYPE_MISMATCH),
    (H.CURRENT_PROCESS, "event", False, 2, NTSTATUS.ACCESS_VIOLATION),
    (H.CURRENT_PROCESS, "event", True, 0x10, NTSTATUS.INVALID_PARAMETER),
    (H.CURRENT_PROCESS, H.CURRENT_THREAD, True, 2, NTSTATUS.NOT_IMPLEMENTED),
])
def test_duplicate_failures(rig: ObjRig, source_process: object, source: object, target_out: bool, options: int,
                            status: int) -> None:
    event = rig.event()
    values = {"event": event}
    out = rig.out() if target_out else 0x10
    assert rig.call("NtDuplicateObject", values.get(source_process, source_process), values.get(source, source),
                    H.CURRENT_PROCESS, out, 0, 0, options) == status
    assert len(rig.process.handles) == 1


def test_compare_objects(rig: ObjRig) -> None:
    a, b = rig.event(), rig.event()
    assert rig.call("NtCompareObjects", a, b) == NTSTATUS.NOT_SAME_OBJECT
    assert rig.call("NtCompareObjects", H.CURRENT_THREAD, H.CURRENT_THREAD) == NTSTATUS.SUCCESS
    assert rig.call("NtCompareObjects", H.CURRENT_THREAD, a) == NTSTATUS.NOT_SAME_OBJECT
    assert rig.call("NtCompareObjects", a, BAD_HANDLE) == NTSTATUS.INVALID_HANDLE


def test_make_temporary_needs_delete_and_drops_the_name_with_the_last_handle(rig: ObjRig) -> None:
    event = rig.event("\\BaseNamedObjects\\kept")
    obj = rig.obj(event)
    obj.permanent = True  # as if created by a privileged process
    weak = rig.open_or_create("NtOpenEvent", name="\\BaseNamedObjects\\kept", access=H.SYNCHRONIZE)[1]
    assert rig.call("NtMakeTemporaryObject", weak) == NTSTATUS.ACCESS_DENIED
    rig.call("NtClose", weak)
    rig.call("NtClose", event)
    assert obj.query_name() == "\\BaseNamedObjects\\kept"  # permanent: the name stayed
    event = rig.open_or_create("NtOpenEvent", name="\\BaseNamedObjects\\kept", access=EVENT_ALL_ACCESS)[1]
    assert rig.call("NtMakeTemporaryObject", event) == NTSTATUS.SUCCESS
    assert obj.query_name() == "\\BaseNamedObjects\\kept"
    rig.call("NtClose", event)
    assert obj.query_name() == "" and obj.directory is None
    assert rig.call("NtMakeTemporaryObject", BAD_HANDLE) == NTSTATUS.INVALID_HANDLE


# ---- NtQueryObject, NtSetInformationObject ---------------------------------------------------------------------

def query(rig: ObjRig, handle: int, info_class: int, length: int) -> tuple[int, bytes, int]:
    buf, ret = rig.out(max(length, 8)), rig.out(4)
    status = rig.call("NtQueryObject", handle, info_class, buf, length, ret)
    return status, rig.read(buf, max(length, 8)), rig.u32(ret)


def test_basic_information(rig: ObjRig) -> None:
    event = rig.event("\\BaseNamedObjects\\basic")
    rig.process.handles.entry(event).attributes = H.OBJ_INHERIT
    rig.open_or_create("NtOpenEvent", name="\\BaseNamedObjects\\basic")
    status, data, length = query(rig, event, 0, 0x38)
    values = T.OBJECT_BASIC_INFORMATION.unpack(data, 64)
    assert status == NTSTATUS.SUCCESS and length == 0x38
    assert (values["Attributes"], values["GrantedAccess"], values["HandleCount"]) == (2, EVENT_ALL_ACCESS, 2)
    status, data, length = query(rig, event, 0, 0x37)
    assert status == NTSTATUS.INFO_LENGTH_MISMATCH and length == 0x38 and data[:8] == b"\xad" * 8


def test_name_information(rig: ObjRig) -> None:
    event = rig.event("\\BaseNamedObjects\\named")
    name = "\\BaseNamedObjects\\named".encode("utf-16-le")
    need = 16 + len(name) + 2
    status, data, length = query(rig, event, 1, 0x100)
    us = L.UNICODE_STRING.unpack(data, 64)
    assert status == NTSTATUS.SUCCESS and length == need
    assert (us["Length"], us["MaximumLength"]) == (len(name), len(name) + 2)
    assert data[16:need] == name + b"\0\0"
    assert query(rig, event, 1, need - 1)[0::2] == (NTSTATUS.INFO_LENGTH_MISMATCH, need)
    status, data, length = query(rig, rig.event(), 1, 0x100)
    assert status == NTSTATUS.SUCCESS and length == 16 and data[:16] == bytes(16)
    root = rig.open_or_create("NtOpenDirectoryObject", name="\\")[1]
    assert query(rig, root, 1, 0x100)[1][16:20] == "\\".encode("utf-16-le") + b"\0\0"


def test_a_file_is_named_on_the_volume_device(rig: ObjRig, tmp_path: Path) -> None:
    (tmp_path / "Dir").mkdir()
    (tmp_path / "Dir" / "Data.txt").write_bytes(b"x")
    handle_out, iosb = rig.out(), rig.out(16)
    # NtCreateFile(FILE_READ_ATTRIBUTES | SYNCHRONIZE, FILE_OPEN, FILE_SYNCHRONOUS_IO_NONALERT), another case.
    assert rig.call("NtCreateFile", handle_out, 0x100080, rig.oa("\\??\\C:\\dir\\DATA.TXT"), iosb, 0, 0, 7, 1,
                    0x20, 0, 0) == NTSTATUS.SUCCESS
    handle = rig.u64(handle_out)
    name = "\\Device\\HarddiskVolume3\\Dir\\Data.txt".encode("utf-16-le")
    need = 16 + len(name) + 2
    status, data, length = query(rig, handle, 1, 0x100)
    assert status == NTSTATUS.SUCCESS and length == need and data[16:need] == name + b"\0\0"
    # The I/O manager's answers: too short for the header, and the header without the whole name.
    assert query(rig, handle, 1, 0)[0::2] == (NTSTATUS.INFO_LENGTH_MISMATCH, need)
    status, data, length = query(rig, handle, 1, 16)
    assert (status, length, data[:16]) == (NTSTATUS.BUFFER_OVERFLOW, need, b"\xad" * 16)
    assert query(rig, handle, 1, need - 1)[0::2] == (NTSTATUS.BUFFER_OVERFLOW, need)
    assert rig.call("NtOpenFile", handle_out, 0x100080, rig.oa("\\??\\C:\\"), iosb, 7, 0x21) == NTSTATUS.SUCCESS
    status, data, length = query(rig, rig.u64(handle_out), 1, 0x100)
    root = "\\Device\\HarddiskVolume3\\".encode("utf-16-le")
    assert status == NTSTATUS.SUCCESS and data[16:16 + len(root) + 2] == root + b"\0\0"


def test_type_information(rig: ObjRig) -> None:
    event = rig.event()
    rig.event()
    status, data, length = query(rig, event, 2, 0x100)
    values = T.OBJECT_TYPE_INFORMATION.unpack(data, 64)
    assert status == NTSTATUS.SUCCESS and length == 0x68 + 12
    assert data[0x68:0x68 + 12] == "Event\0".encode("utf-16-le")
    assert values["TypeNameBuffer"] == rig.next_free - 16 - 0x100 + 0x68  # right after the structure
    assert (values["TotalNumberOfObjects"], values["TotalNumberOfHandles"]) == (2, 2)
    assert (values["GenericRead"], values["GenericAll"], values["ValidAccessMask"]) == (0x20001, 0x1F0003, 0x1F0003)
    assert query(rig, event, 2, 0x68)[0::2] == (NTSTATUS.INFO_LENGTH_MISMATCH, 0x68 + 12)


def test_query_object_failures(rig: ObjRig) -> None:
    event = rig.event()
    assert query(rig, event, 99, 8)[0] == NTSTATUS.INVALID_INFO_CLASS
    assert query(rig, event, 3, 8)[0] == NTSTATUS.NOT_IMPLEMENTED
    assert query(rig, BAD_HANDLE, 0, 0x38)[0] == NTSTATUS.INVALID_HANDLE
    assert query(rig, H.CURRENT_PROCESS, 0, 0x38)[0] == NTSTATUS.NOT_IMPLEMENTED
    assert rig.call("NtQueryObject", event, 1, 0x10, 0x40, 0) == NTSTATUS.ACCESS_VIOLATION


def test_handle_flags_query_and_set(rig: ObjRig) -> None:
    event = rig.event()
    assert query(rig, event, 4, 2)[:2] == (NTSTATUS.SUCCESS, b"\0\0" + b"\xad" * 6)
    flags = rig.put(b"\x01\x01")
    assert rig.call("NtSetInformationObject", event, 4, flags, 2) == NTSTATUS.SUCCESS
    assert rig.process.handles.entry(event).attributes == H.OBJ_INHERIT | H.OBJ_PROTECT_CLOSE
    assert query(rig, event, 4, 2)[1][:2] == b"\x01\x01"
    assert query(rig, event, 4, 3)[0] == NTSTATUS.INFO_LENGTH_MISMATCH
    assert rig.call("NtSetInformationObject", event, 4, flags, 1) == NTSTATUS.INFO_LENGTH_MISMATCH
    assert rig.call("NtSetInformationObject", event, 0, flags, 2) == NTSTATUS.INVALID_INFO_CLASS
    assert rig.call("NtSetInformationObject", BAD_HANDLE, 4, flags, 2) == NTSTATUS.INVALID_HANDLE


# ---- NtQueryDirectoryObject ------------------------------------------------------------------------------------

@pytest.fixture
def listed(rig: ObjRig) -> int:
    directory = rig.directory("\\BaseNamedObjects\\listed")
    rig.event("one", root=directory)
    rig.directory("two", root=directory)
    return directory


def query_directory(rig: ObjRig, directory: int, length: int, single: bool, restart: bool,
                    context: int = 0) -> tuple[int, bytes, int, int, int]:
    buf, ctx, ret = rig.out(max(length, 8)), rig.put(struct.pack("<I", context)), rig.out(4)
    status = rig.call("NtQueryDirectoryObject", directory, buf, length, int(single), int(restart), ctx, ret)
    return status, rig.read(buf, max(length, 8)), rig.u32(ctx), rig.u32(ret), buf


def test_directory_listing_all_at_once(rig: ObjRig, listed: int) -> None:
    status, data, context, length, buf = query_directory(rig, listed, 0x200, False, True)
    assert status == NTSTATUS.SUCCESS and context == 2
    entries = [T.OBJECT_DIRECTORY_INFORMATION.unpack(data[i * 32:], 64) for i in range(3)]
    assert entries[2] == dict.fromkeys(entries[2], 0)
    strings = "one\0Event\0two\0Directory\0".encode("utf-16-le")
    assert length == 3 * 32 + len(strings) and data[96:length] == strings
    assert entries[0]["NameBuffer"] == buf + 96 and entries[1]["TypeNameBuffer"] == buf + 96 + 2 * 14
    assert (entries[1]["TypeNameLength"], entries[1]["TypeNameMaximumLength"]) == (18, 20)
    assert data == T.directory_listing([("one", "Event"), ("two", "Directory")], buf, 64) + data[length:]


def test_directory_listing_one_at_a_time(rig: ObjRig, listed: int) -> None:
    assert query_directory(rig, listed, 0x200, True, True, context=9)[2] == 1
    status, data, context, length, _ = query_directory(rig, listed, 0x200, True, False, context=1)
    assert (status, context, length) == (NTSTATUS.SUCCESS, 2, 64 + 28)
    assert data[64:64 + 6] == "two".encode("utf-16-le")
    status, data, context, length, _ = query_directory(rig, listed, 0x200, True, False, context=2)
    assert (status, context, length, data[:8]) == (NTSTATUS.NO_MORE_ENTRIES, 2, 32, b"\xad" * 8)


def test_directory_listing_that_does_not_fit(rig: ObjRig, listed: int) -> None:
    first = 64 + len("one\0Event\0".encode("utf-16-le"))
    status, _, context, length, _ = query_directory(rig, listed, first - 1, False, True, context=5)
    assert (status, context, length) == (NTSTATUS.BUFFER_TOO_SMALL, 5, first)
    status, _, context, length, _ = query_directory(rig, listed, first + 40, False, True)
    assert (status, context, length) == (NTSTATUS.MORE_ENTRIES, 1, first)


def test_directory_listing_failures(rig: ObjRig, listed: int) -> None:
    assert query_directory(rig, rig.event(), 0x100, False, True)[0] == NTSTATUS.OBJECT_TYPE_MISMATCH
    weak = rig.open_or_create("NtOpenDirectoryObject", name="\\BaseNamedObjects\\listed", access=2)[1]
    assert query_directory(rig, weak, 0x100, False, True)[0] == NTSTATUS.ACCESS_DENIED
    assert rig.call("NtQueryDirectoryObject", listed, rig.out(), 8, 0, 1, 0x10, 0) == NTSTATUS.ACCESS_VIOLATION


def test_namespace_types_and_traces(rig: ObjRig) -> None:
    namespace = rig.system.namespace
    assert isinstance(namespace.root, DirectoryObject) and namespace.root.query_name() == "\\"
    link = namespace.base_named_objects.find("Global", False)
    assert isinstance(link, SymbolicLinkObject) and link.target == "\\BaseNamedObjects"
    event = rig.event("\\BaseNamedObjects\\traced", signalled=True)
    assert rig.obj(event).describe() == "Event \\BaseNamedObjects\\traced (notification, signalled)"
    assert rig.obj(rig.directory(None)).describe() == "Directory"


def test_handles_count_against_the_commit_limit_and_their_cap(rig: ObjRig, monkeypatch: pytest.MonkeyPatch) -> None:
    physical = rig.system.physical
    physical.commit_limit = physical.committed + 10 * H.HANDLE_CHARGE  # room for ten more handles
    handles = [rig.event() for _ in range(10)]
    mark = rig.next_free
    assert rig.open_or_create("NtCreateEvent", 0, 0)[0] == NTSTATUS.INSUFFICIENT_RESOURCES
    assert rig.call("NtClose", handles.pop()) == NTSTATUS.SUCCESS
    rig.next_free = mark
    handles.append(rig.event())  # a closed handle gave its room back
    physical.commit_limit = 1 << 40
    monkeypatch.setattr(H, "MAX_HANDLES", len(rig.process.handles))  # the table is full, as Windows caps it
    assert rig.open_or_create("NtCreateEvent", 0, 0)[0] == NTSTATUS.INSUFFICIENT_RESOURCES
