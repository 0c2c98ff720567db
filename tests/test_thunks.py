"""The thunk layer, one 32-bit system call at a time through the real path: statuses, widening, narrowing."""

import importlib
import io
import json
import marshal
import struct
from pathlib import Path

import pytest

from tests.wow64rig import DATA, Wow64Rig, object_attributes32, unicode_string32
from wow64emu.nt.status import NTSTATUS
from wow64emu.nt.syscalls import by_name

N = {name: call.number for name, call in by_name().items()}
FILE_OPEN_IF, FILE_OPEN, FILE_CREATE = 3, 1, 2
GENERIC_READ_WRITE = 0xC0000000 | 0x100000  # with SYNCHRONIZE, which synchronous I/O requires
SYNC_NONDIR = 0x20 | 0x40  # FILE_SYNCHRONOUS_IO_NONALERT | FILE_NON_DIRECTORY_FILE
IOSB, HANDLE_OUT, NAME, OA = DATA + 0x100, DATA + 0x110, DATA + 0x200, DATA + 0x300


@pytest.fixture
def rig(tmp_path: Path) -> Wow64Rig:
    return Wow64Rig(tmp_path)


def create_file(rig: Wow64Rig, path: str, disposition: int = FILE_OPEN_IF, oa_length: int = 24) -> int:
    name = unicode_string32(rig, NAME, path)
    oa = object_attributes32(rig, OA, name, length=oa_length)
    rig.put(IOSB, b"\xad\xde" * 4)
    rig.put(HANDLE_OUT, b"\xad\xde\xad\xde")
    return rig.syscall(N["NtCreateFile"], HANDLE_OUT, GENERIC_READ_WRITE, oa, IOSB, 0, 0x80, 0, disposition,
                       SYNC_NONDIR, 0, 0).exit_status


def test_create_file_converts_object_attributes_and_narrows_handle_and_iosb(rig: Wow64Rig, tmp_path: Path) -> None:
    assert create_file(rig, "\\??\\C:\\made.txt", FILE_CREATE) == NTSTATUS.SUCCESS
    assert (tmp_path / "made.txt").is_file()
    handle = rig.u32(HANDLE_OUT)
    assert handle != 0xDEADDEAD and handle % 4 == 0
    assert rig.get(IOSB, 8) == struct.pack("<II", 0, 2)  # STATUS_SUCCESS, FILE_CREATED: narrowed to 8 bytes


def test_wrong_object_attributes_length_is_refused(rig: Wow64Rig) -> None:
    assert create_file(rig, "\\??\\C:\\x.txt", oa_length=20) == NTSTATUS.INVALID_PARAMETER


def test_nothing_is_written_back_when_the_kernel_writes_nothing(rig: Wow64Rig) -> None:
    assert create_file(rig, "\\??\\C:\\nowhere\\x.txt", FILE_CREATE) == NTSTATUS.OBJECT_PATH_NOT_FOUND
    assert rig.u32(HANDLE_OUT) == 0xDEADDEAD


def test_bad_structure_pointer_gives_access_violation(rig: Wow64Rig) -> None:
    status = rig.syscall(N["NtCreateFile"], HANDLE_OUT, GENERIC_READ_WRITE, 0xDEAD0000, IOSB, 0, 0, 0, 1, 0x60,
                         0, 0).exit_status
    assert status == NTSTATUS.ACCESS_VIOLATION


def test_unknown_service_number_and_win32k_table(rig: Wow64Rig) -> None:
    assert rig.syscall(0xFFF).exit_status == NTSTATUS.INVALID_SYSTEM_SERVICE


def test_win32k_table_without_thunks_is_invalid_service(rig: Wow64Rig) -> None:
    assert rig.syscall(0x1000 | 0x001).exit_status == NTSTATUS.INVALID_SYSTEM_SERVICE


def test_turbo_bits_do_not_change_the_service(rig: Wow64Rig) -> None:
    assert rig.syscall(0x00010000 | N["NtClose"], 0x1234).exit_status == NTSTATUS.INVALID_HANDLE


def test_handles_are_sign_extended(rig: Wow64Rig) -> None:
    # NtTerminateProcess((HANDLE)-1, 0x77): only a sign-extended -1 names the current process.
    assert rig.syscall(N["NtTerminateProcess"], 0xFFFFFFFF, 0x77).exit_status == 0x77


def test_allocation_is_narrowed_and_stays_under_the_32_bit_limit(rig: Wow64Rig) -> None:
    base_ptr, size_ptr = DATA + 0x400, DATA + 0x404
    rig.put(base_ptr, struct.pack("<II", 0, 0x12345))
    status = rig.syscall(N["NtAllocateVirtualMemory"], 0xFFFFFFFF, base_ptr, 0, size_ptr, 0x3000 | 0x100000, 4)
    assert status.exit_status == NTSTATUS.SUCCESS
    base, size = struct.unpack("<II", rig.get(base_ptr, 8))
    assert size == 0x13000
    assert base % 0x10000 == 0 and base + size - 1 <= 0x7FFEFFFF
    rig.memory.write(base, b"ok")  # committed read-write for real


def test_read_back_through_two_calls(rig: Wow64Rig, tmp_path: Path) -> None:
    (tmp_path / "data.bin").write_bytes(b"0123456789")
    assert create_file(rig, "\\??\\C:\\DATA.BIN", FILE_OPEN) == NTSTATUS.SUCCESS  # case-insensitive lookup
    handle = rig.u32(HANDLE_OUT)
    offset = rig.put(DATA + 0x500, struct.pack("<q", 4))
    status = rig.syscall(N["NtReadFile"], handle, 0, 0, 0, IOSB, DATA + 0x600, 3, offset, 0).exit_status
    assert status == NTSTATUS.SUCCESS
    assert rig.get(DATA + 0x600, 3) == b"456"
    assert rig.get(IOSB, 8) == struct.pack("<II", 0, 3)


def test_trace_carries_args32_and_args64_and_the_gate_selectors(tmp_path: Path) -> None:
    out = io.StringIO()
    rig = Wow64Rig(tmp_path, trace=out)
    rig.call("NtClose", 0xFFFFFFFC)
    events = [json.loads(line) for line in out.getvalue().splitlines()]
    first = [e for e in events if e["call"] == 1]
    layers = [e["layer"] for e in first]
    for layer in ("x86", "gate", "wow64cpu", "wow64", "x64", "kernel"):
        assert layer in layers
    widen = next(e for e in first if e["event"] == "widen")
    assert widen["args32"] == [0xFFFFFFFC] and widen["args64"] == [0xFFFFFFFFFFFFFFFC]
    gates = [(e["from_cs"], e["to_cs"]) for e in first if e["layer"] == "gate"]
    assert gates == [(0x23, 0x33), (0x33, 0x23)]
    kernel = next(e for e in first if e["layer"] == "kernel")
    returned = next(e for e in first if e["layer"] == "x86" and e["event"] == "return")
    assert (kernel["name"], kernel["number"]) == ("NtClose", 0x0F)
    assert kernel["status"] == returned["status"]


def test_trace_shows_conversions_written_by_hand(tmp_path: Path) -> None:
    out = io.StringIO()
    rig = Wow64Rig(tmp_path, trace=out)
    buf, ret = DATA + 0x800, DATA + 0x900
    status = rig.call("NtQueryInformationProcess", 0xFFFFFFFF, 0, buf, 24, ret).exit_status  # ProcessBasicInformation
    assert status == NTSTATUS.SUCCESS
    events = [json.loads(line) for line in out.getvalue().splitlines()]
    narrowed = [e for e in events if e["event"] == "narrow" and "by hand" in e["text"]]
    assert {e["address32"] for e in narrowed} >= {buf, ret}
    assert rig.u32(buf + 4) == rig.machine.created.peb32  # PebBaseAddress: the caller's own PEB32


def test_the_special_parts_are_indexed_by_area_and_run_from_their_area(tmp_path: Path,
                                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    from wow64emu.thunks import files, table

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    index = table.special_index()
    assert index["NtSetInformationFile"] == "files" and index["NtCreateKey"] == "regthunk"
    assert "NtClose" not in index and set(index) == {name for area in table.AREAS for name in
                                                     importlib.import_module(f"wow64emu.thunks.{area}").SPECIALS}
    [kept] = (tmp_path / "wow64emu").glob("thunk-specials-*.marshal")  # one per checkout
    key = marshal.loads(kept.read_bytes())["key"]
    kept.write_bytes(marshal.dumps({"key": key, "value": {"NtNoSuchCall": "files"}}))
    assert table.special_index() == index  # not an index of these declarations: found again
    special = table._Special("files", "NtSetInformationFile")
    calls: list[object] = []
    monkeypatch.setitem(files.SPECIALS, "NtSetInformationFile", calls.append)
    special("ctx")  # type: ignore[arg-type]
    assert calls == ["ctx"]
