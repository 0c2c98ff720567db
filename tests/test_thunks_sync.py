"""The hand-written thunks of synchronisation and the object manager, through the real WoW64 path, and their
layouts in both widths; and an endless wait ending in one line on the command line."""

from __future__ import annotations

import io
import struct
import subprocess
import sys
from pathlib import Path

import pytest

from tests.oracle import FIXTURES
from tests.wow64rig import DATA, Wow64Rig, object_attributes32, unicode_string32
from wow64emu.kernel.console import StdStreams
from wow64emu.kernel.waits import WaitForever
from wow64emu.machine import Machine
from wow64emu.nt import layouts as L
from wow64emu.nt import objects as T
from wow64emu.nt.status import NTSTATUS
from wow64emu.nt.sync import LONG_OUT

HANDLE_OUT, NAME, OA, TIMEOUT, ARRAY, RET, CTX = (DATA + off for off in (0x100, 0x200, 0x400, 0x500, 0x600,
                                                                         0x700, 0x710))
BUF = DATA + 0x1000
EVENT_ALL_ACCESS, DIRECTORY_ALL_ACCESS = 0x1F0003, 0xF000F
WAIT_ANY = 1


@pytest.fixture
def rig(tmp_path: Path) -> Wow64Rig:
    r = Wow64Rig(tmp_path)
    r.put(TIMEOUT, struct.pack("<q", 0))
    return r


def create(rig: Wow64Rig, call: str, *args: int, name: str | None = None, root: int = 0,
           access: int = EVENT_ALL_ACCESS) -> int:
    oa = object_attributes32(rig, OA, unicode_string32(rig, NAME, name), root=root) if name is not None else 0
    assert rig.call(call, HANDLE_OUT, access, oa, *args).exit_status == NTSTATUS.SUCCESS
    return rig.u32(HANDLE_OUT)


def event(rig: Wow64Rig, name: str | None = None, signalled: bool = False, root: int = 0) -> int:
    return create(rig, "NtCreateEvent", 0, int(signalled), name=name, root=root)


def status(rig: Wow64Rig, call: str, *args: int) -> int:
    return rig.call(call, *args).exit_status


# ---- layouts --------------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("layout", "size32", "size64"), [
    (T.OBJECT_BASIC_INFORMATION, 0x38, 0x38),
    (T.OBJECT_TYPE_INFORMATION, 0x60, 0x68),
    (T.OBJECT_DIRECTORY_INFORMATION, 16, 32),
    (T.OBJECT_HANDLE_FLAG_INFORMATION, 2, 2),
    (LONG_OUT.layout, 4, 4),
])
def test_layout_sizes(layout: L.Layout, size32: int, size64: int) -> None:
    assert (layout.size(32), layout.size(64)) == (size32, size64)


@pytest.mark.parametrize(("layout", "field", "off32", "off64"), [
    (T.OBJECT_TYPE_INFORMATION, "TotalNumberOfObjects", 0x08, 0x10),
    (T.OBJECT_TYPE_INFORMATION, "GenericRead", 0x3C, 0x44),
    (T.OBJECT_TYPE_INFORMATION, "ValidAccessMask", 0x4C, 0x54),
    (T.OBJECT_TYPE_INFORMATION, "PoolType", 0x54, 0x5C),
    (T.OBJECT_DIRECTORY_INFORMATION, "TypeNameLength", 8, 16),
    (T.OBJECT_DIRECTORY_INFORMATION, "TypeNameBuffer", 12, 24),
    (T.OBJECT_BASIC_INFORMATION, "CreationTime", 0x30, 0x30),
])
def test_layout_offsets(layout: L.Layout, field: str, off32: int, off64: int) -> None:
    assert (layout.offset(field, 32), layout.offset(field, 64)) == (off32, off64)


def test_only_the_layouts_that_differ_are_converted() -> None:
    assert T.OBJECT_BASIC_INFORMATION.invariant and T.OBJECT_HANDLE_FLAG_INFORMATION.invariant
    assert LONG_OUT.layout.invariant and not T.OBJECT_TYPE_INFORMATION.invariant


# ---- NtWaitForMultipleObjects: the handle array ---------------------------------------------------------------

def test_handle_array_is_widened_with_its_sign(rig: Wow64Rig) -> None:
    unsignalled, signalled = event(rig), event(rig, signalled=True)
    rig.put(ARRAY, struct.pack("<3I", unsignalled, 0xFFFFFFFF, signalled))
    assert status(rig, "NtWaitForMultipleObjects", 3, ARRAY, WAIT_ANY, 0, TIMEOUT) == 2
    # The pseudo handle of the process stays one: a wait on it alone times out instead of failing.
    assert status(rig, "NtWaitForMultipleObjects", 2, ARRAY, WAIT_ANY, 0, TIMEOUT) == NTSTATUS.TIMEOUT
    assert rig.get(ARRAY, 12) == struct.pack("<3I", unsignalled, 0xFFFFFFFF, signalled)  # the caller's, untouched


def test_handle_array_refused_or_unreadable(rig: Wow64Rig) -> None:
    assert status(rig, "NtWaitForMultipleObjects", 65, 0x10, WAIT_ANY, 0, TIMEOUT) == NTSTATUS.INVALID_PARAMETER_1
    assert status(rig, "NtWaitForMultipleObjects", 2, 0x10, WAIT_ANY, 0, TIMEOUT) == NTSTATUS.ACCESS_VIOLATION


def test_previous_state_passes_through(rig: Wow64Rig) -> None:
    handle = event(rig, signalled=True)
    rig.put(RET, b"\xad" * 8)
    assert status(rig, "NtResetEvent", handle, RET) == NTSTATUS.SUCCESS
    assert rig.get(RET, 8) == struct.pack("<i", 1) + b"\xad" * 4


# ---- NtQueryObject: UNICODE_STRING-headed answers --------------------------------------------------------------

def query_object(rig: Wow64Rig, handle: int, info_class: int, length: int) -> int:
    rig.put(BUF, b"\xad" * 0x200)
    rig.put(RET, b"\xad" * 4)
    return status(rig, "NtQueryObject", handle, info_class, BUF, length, RET)


def test_name_information_in_32_bit_form(rig: Wow64Rig) -> None:
    handle = event(rig, "\\BaseNamedObjects\\thunked")
    name = "\\BaseNamedObjects\\thunked".encode("utf-16-le")
    assert query_object(rig, handle, 1, 0x200) == NTSTATUS.SUCCESS
    assert rig.get(BUF, 8) == struct.pack("<HHI", len(name), len(name) + 2, BUF + 8)
    assert rig.get(BUF + 8, len(name) + 4) == name + b"\0\0" + b"\xad\xad"
    assert rig.u32(RET) == 8 + len(name) + 2
    # One byte short in 32-bit terms is short for the kernel too.
    assert query_object(rig, handle, 1, 8 + len(name) + 1) == NTSTATUS.INFO_LENGTH_MISMATCH
    assert rig.u32(RET) == 8 + len(name) + 2 and rig.get(BUF, 4) == b"\xad" * 4


def test_name_information_of_an_unnamed_object(rig: Wow64Rig) -> None:
    assert query_object(rig, event(rig), 1, 8) == NTSTATUS.SUCCESS
    assert rig.get(BUF, 12) == bytes(8) + b"\xad" * 4 and rig.u32(RET) == 8


def test_type_information_in_32_bit_form(rig: Wow64Rig) -> None:
    handle = event(rig)
    assert query_object(rig, handle, 2, 0x200) == NTSTATUS.SUCCESS
    values = T.OBJECT_TYPE_INFORMATION.unpack(rig.get(BUF, 0x60), 32)
    assert (values["TypeNameLength"], values["TypeNameBuffer"]) == (10, BUF + 0x60)
    assert (values["GenericExecute"], values["ValidAccessMask"]) == (0x120000, 0x1F0003)
    assert rig.get(BUF + 0x60, 12) == "Event\0".encode("utf-16-le") and rig.u32(RET) == 0x60 + 12
    assert query_object(rig, handle, 2, 0x60) == NTSTATUS.INFO_LENGTH_MISMATCH and rig.u32(RET) == 0x60 + 12


def test_basic_information_passes_through(rig: Wow64Rig) -> None:
    assert query_object(rig, event(rig), 0, 0x38) == NTSTATUS.SUCCESS
    values = T.OBJECT_BASIC_INFORMATION.unpack(rig.get(BUF, 0x38), 32)
    assert (values["GrantedAccess"], values["HandleCount"]) == (EVENT_ALL_ACCESS, 1) and rig.u32(RET) == 0x38


def test_query_object_bad_pointers(rig: Wow64Rig) -> None:
    handle = event(rig, "\\BaseNamedObjects\\p")
    assert status(rig, "NtQueryObject", handle, 1, 0x10, 0x40, 0) == NTSTATUS.ACCESS_VIOLATION
    assert status(rig, "NtQueryObject", handle, 1, BUF, 0x40, 0x10) == NTSTATUS.ACCESS_VIOLATION


# ---- NtQueryDirectoryObject ------------------------------------------------------------------------------------

def listed(rig: Wow64Rig) -> int:
    directory = create(rig, "NtCreateDirectoryObject", name="\\BaseNamedObjects\\thunkdir",
                       access=DIRECTORY_ALL_ACCESS)
    event(rig, "one", root=directory)
    create(rig, "NtCreateDirectoryObject", name="two", root=directory, access=DIRECTORY_ALL_ACCESS)
    return directory


def query_directory(rig: Wow64Rig, directory: int, length: int, restart: bool, context: int = 0) -> int:
    rig.put(BUF, b"\xad" * 0x200)
    rig.put(RET, b"\xad" * 4)
    rig.put(CTX, struct.pack("<I", context))
    return status(rig, "NtQueryDirectoryObject", directory, BUF, length, 0, int(restart), CTX, RET)


FIRST = len("one\0Event\0".encode("utf-16-le"))
SECOND = len("two\0Directory\0".encode("utf-16-le"))


def test_directory_entries_in_32_bit_form(rig: Wow64Rig) -> None:
    directory = listed(rig)
    assert query_directory(rig, directory, 0x200, True, context=5) == NTSTATUS.SUCCESS
    expected = T.directory_listing([("one", "Event"), ("two", "Directory")], BUF, 32)
    assert rig.get(BUF, len(expected) + 2) == expected + b"\xad\xad"
    assert len(expected) == 3 * 16 + FIRST + SECOND
    assert (rig.u32(CTX), rig.u32(RET)) == (2, len(expected))


def test_directory_entries_that_fit_only_in_32_bit_terms(rig: Wow64Rig) -> None:
    directory = listed(rig)
    # Room for one 32-bit entry: the kernel's 64-bit buffer holds both, the thunk keeps one.
    assert query_directory(rig, directory, 32 + FIRST + 20, True) == NTSTATUS.MORE_ENTRIES
    assert (rig.u32(CTX), rig.u32(RET)) == (1, 32 + FIRST)
    assert rig.get(BUF + 16, 16) == bytes(16)
    assert query_directory(rig, directory, 0x200, False, context=1) == NTSTATUS.SUCCESS
    assert rig.get(BUF, 4) == struct.pack("<HH", 6, 8) and rig.u32(CTX) == 2
    # Not even the first entry.
    assert query_directory(rig, directory, 32 + FIRST - 1, True, context=7) == NTSTATUS.BUFFER_TOO_SMALL
    assert (rig.u32(CTX), rig.u32(RET), rig.get(BUF, 4)) == (7, 32 + FIRST, b"\xad" * 4)
    assert query_directory(rig, directory, 0, True) == NTSTATUS.BUFFER_TOO_SMALL and rig.u32(RET) == 32 + FIRST


def test_directory_end_and_bad_pointers(rig: Wow64Rig) -> None:
    directory = listed(rig)
    assert query_directory(rig, directory, 0x200, False, context=2) == NTSTATUS.NO_MORE_ENTRIES
    assert (rig.u32(CTX), rig.u32(RET)) == (2, 16)
    assert status(rig, "NtQueryDirectoryObject", directory, 0x10, 0x40, 0, 1, CTX, 0) == NTSTATUS.ACCESS_VIOLATION
    assert status(rig, "NtQueryDirectoryObject", directory, BUF, 0x40, 0, 1, 0x10, 0) == NTSTATUS.ACCESS_VIOLATION
    assert query_directory(rig, 0x1234, 0x40, True) == NTSTATUS.INVALID_HANDLE


# ---- a wait nothing can end -----------------------------------------------------------------------------------

def test_an_endless_wait_is_one_line_and_exit_code_2() -> None:
    program = FIXTURES / "bin" / "x86" / "oracle_sync.exe"
    done = subprocess.run([sys.executable, "-m", "wow64emu", "run", str(program), "1"], capture_output=True,
                          timeout=120)
    assert done.returncode == 2
    assert done.stderr.decode() == ("wow64emu: error: the guest waits forever (NtWaitForSingleObject with no "
                                    "timeout) on Event (notification, not signalled), and has no other thread to "
                                    "signal it\n")
    assert done.stdout == b""


def test_an_endless_sleep_stops_the_machine(tmp_path: Path) -> None:
    streams = StdStreams(io.BytesIO(), io.BytesIO(), io.BytesIO())
    machine = Machine(FIXTURES / "bin" / "x64" / "oracle_sync.exe", ["2"], root=tmp_path, streams=streams)
    with pytest.raises(WaitForever, match="sleeps forever"):
        machine.run(timeout=30)
