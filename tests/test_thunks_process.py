"""Process, thread, token and system information through the real WoW64 path: what wow64 converts by hand."""

from __future__ import annotations

import struct
from pathlib import Path

import pytest

from tests.test_kernel_system import walk_records
from tests.wow64rig import DATA, Wow64Rig
from wow64emu.kernel.token import USER_SID
from wow64emu.nt import layouts as L
from wow64emu.nt import process as P
from wow64emu.nt.status import NTSTATUS

BUF, RL, OUT = DATA, DATA + 0x8000, DATA + 0x8010
CURRENT_PROCESS, CURRENT_THREAD = 0xFFFFFFFF, 0xFFFFFFFE
SENTINEL = 0xDEADBEEF


@pytest.fixture
def rig(tmp_path: Path) -> Wow64Rig:
    return Wow64Rig(tmp_path)


def query(rig: Wow64Rig, call: str, *args: int, length: int, return_length: int = RL) -> int:
    """Call a query with the buffer at BUF filled with a sentinel; `args` come before the buffer."""
    rig.put(BUF, b"\xad" * 0x2000)
    rig.put(RL, struct.pack("<I", SENTINEL))
    return rig.call(call, *args, BUF, length, return_length).exit_status


# ---- layouts -----------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("layout", "size32", "size64"), [
    (P.PROCESS_BASIC_INFORMATION, 24, 48), (P.THREAD_BASIC_INFORMATION, 28, 48),
    (P.SYSTEM_BASIC_INFORMATION, 44, 64), (P.SYSTEM_PROCESSOR_INFORMATION, 12, 12),
    (P.SYSTEM_TIMEOFDAY_INFORMATION, 48, 48), (P.SYSTEM_PROCESS_INFORMATION, 0xB8, 0x100),
    (P.SYSTEM_THREAD_INFORMATION, 0x40, 0x50), (P.SID_AND_ATTRIBUTES, 8, 16),
    (P.SECURITY_QUALITY_OF_SERVICE, 12, 12)], ids=lambda v: getattr(v, "name", v))
def test_layout_sizes(layout: L.Layout, size32: int, size64: int) -> None:
    assert (layout.size(32), layout.size(64)) == (size32, size64)


@pytest.mark.parametrize(("layout", "field", "off32", "off64"), [
    (P.PROCESS_BASIC_INFORMATION, "PebBaseAddress", 4, 8),
    (P.PROCESS_BASIC_INFORMATION, "UniqueProcessId", 16, 32),
    (P.THREAD_BASIC_INFORMATION, "TebBaseAddress", 4, 8),
    (P.THREAD_BASIC_INFORMATION, "UniqueThread", 12, 24),
    (P.THREAD_BASIC_INFORMATION, "BasePriority", 24, 44),
    (P.SYSTEM_BASIC_INFORMATION, "MinimumUserModeAddress", 28, 32),
    (P.SYSTEM_BASIC_INFORMATION, "NumberOfProcessors", 40, 56),
    (P.SYSTEM_PROCESS_INFORMATION, "ImageNameBuffer", 0x3C, 0x40),
    (P.SYSTEM_PROCESS_INFORMATION, "UniqueProcessId", 0x44, 0x50),
    (P.SYSTEM_PROCESS_INFORMATION, "HandleCount", 0x4C, 0x60),
    (P.SYSTEM_PROCESS_INFORMATION, "PrivatePageCount", 0x84, 0xC8),
    (P.SYSTEM_PROCESS_INFORMATION, "ReadOperationCount", 0x88, 0xD0),
    (P.SYSTEM_THREAD_INFORMATION, "StartAddress", 0x1C, 0x20),
    (P.SYSTEM_THREAD_INFORMATION, "UniqueThread", 0x24, 0x30),
    (P.SYSTEM_THREAD_INFORMATION, "WaitReason", 0x38, 0x48),
])
def test_layout_offsets(layout: L.Layout, field: str, off32: int, off64: int) -> None:
    assert (layout.offset(field, 32), layout.offset(field, 64)) == (off32, off64)


# ---- process -----------------------------------------------------------------------------------------------

def test_process_basic_information_shows_the_peb32(rig: Wow64Rig) -> None:
    c = rig.machine.created
    assert query(rig, "NtQueryInformationProcess", CURRENT_PROCESS, P.ProcessBasicInformation, length=24) == 0
    exit_status, peb, affinity, priority, pid, parent = struct.unpack("<6I", rig.get(BUF, 24))
    assert (exit_status, peb, affinity, priority, pid) == (0x103, c.peb32, 3, 8, rig.process.pid)
    assert parent != 0 and rig.get(BUF + 24, 4) == b"\xad" * 4
    assert rig.u32(RL) == 24


@pytest.mark.parametrize("length", [0, 23, 25, 48])
def test_process_basic_information_wants_the_32_bit_size(rig: Wow64Rig, length: int) -> None:
    status = query(rig, "NtQueryInformationProcess", CURRENT_PROCESS, P.ProcessBasicInformation, length=length)
    assert status == NTSTATUS.INFO_LENGTH_MISMATCH
    assert rig.u32(RL) == SENTINEL and rig.get(BUF, 4) == b"\xad" * 4


def test_process_query_errors_pass_through(rig: Wow64Rig) -> None:
    assert query(rig, "NtQueryInformationProcess", 0x1234, P.ProcessBasicInformation, length=24) == \
        NTSTATUS.INVALID_HANDLE
    assert query(rig, "NtQueryInformationProcess", CURRENT_PROCESS, 9999, length=24) == \
        NTSTATUS.INVALID_INFO_CLASS
    status = rig.call("NtQueryInformationProcess", CURRENT_PROCESS, P.ProcessBasicInformation, 0, 24, 0)
    assert status.exit_status == NTSTATUS.ACCESS_VIOLATION


def test_wow64_information_is_the_peb32_in_four_bytes(rig: Wow64Rig) -> None:
    assert query(rig, "NtQueryInformationProcess", CURRENT_PROCESS, P.ProcessWow64Information, length=4) == 0
    assert rig.u32(BUF) == rig.machine.created.peb32 and rig.u32(RL) == 4
    assert rig.get(BUF + 4, 4) == b"\xad" * 4
    assert query(rig, "NtQueryInformationProcess", CURRENT_PROCESS, P.ProcessWow64Information, length=8) == \
        NTSTATUS.INFO_LENGTH_MISMATCH


def test_image_file_name_is_converted(rig: Wow64Rig) -> None:
    name = "\\Device\\HarddiskVolume3\\hello.exe"
    needed = 8 + 2 * len(name) + 2
    status = query(rig, "NtQueryInformationProcess", CURRENT_PROCESS, P.ProcessImageFileName, length=needed - 1)
    assert status == NTSTATUS.INFO_LENGTH_MISMATCH and rig.u32(RL) == needed
    assert query(rig, "NtQueryInformationProcess", CURRENT_PROCESS, P.ProcessImageFileName, length=needed) == 0
    length, maximum, buffer = struct.unpack("<HHI", rig.get(BUF, 8))
    assert (length, maximum, buffer) == (2 * len(name), 2 * len(name) + 2, BUF + 8)
    assert rig.get(BUF + 8, maximum).decode("utf-16-le") == name + "\0"
    assert rig.u32(RL) == needed and rig.get(BUF + needed, 2) == b"\xad\xad"


def test_image_file_name_without_return_length(rig: Wow64Rig) -> None:
    status = query(rig, "NtQueryInformationProcess", CURRENT_PROCESS, P.ProcessImageFileNameWin32, length=0x100,
                   return_length=0)
    assert status == NTSTATUS.SUCCESS
    assert rig.get(BUF + 8, 24).decode("utf-16-le") == "C:\\hello.exe"


def test_cookie_passes_through(rig: Wow64Rig) -> None:
    assert query(rig, "NtQueryInformationProcess", CURRENT_PROCESS, P.ProcessCookie, length=4) == 0
    assert rig.u32(BUF) not in (0, 0xADADADAD)


# ---- thread ------------------------------------------------------------------------------------------------

def test_thread_basic_information_shows_the_teb32(rig: Wow64Rig) -> None:
    c = rig.machine.created
    assert query(rig, "NtQueryInformationThread", CURRENT_THREAD, P.ThreadBasicInformation, length=28) == 0
    exit_status, teb, pid, tid, affinity, priority, base = struct.unpack("<7i", rig.get(BUF, 28))
    assert (exit_status, teb, pid, tid, affinity, priority, base) == (
        0x103, c.teb32, rig.process.pid, rig.machine.thread.tid, 3, 8, 0)
    assert rig.u32(RL) == 28
    assert query(rig, "NtQueryInformationThread", CURRENT_THREAD, P.ThreadBasicInformation, length=48) == \
        NTSTATUS.INFO_LENGTH_MISMATCH


def test_win32_start_address_in_four_bytes(rig: Wow64Rig) -> None:
    status = query(rig, "NtQueryInformationThread", CURRENT_THREAD, P.ThreadQuerySetWin32StartAddress, length=4)
    assert status == 0 and rig.u32(BUF) == rig.machine.created.image.entry


def test_impersonation_token_handle_is_widened(rig: Wow64Rig) -> None:
    qos = rig.put(DATA + 0x9000, struct.pack("<IIBBxx", 12, 2, 0, 0))
    assert rig.call("NtImpersonateThread", CURRENT_THREAD, CURRENT_THREAD, qos).exit_status == 0
    assert rig.call("NtOpenThreadToken", CURRENT_THREAD, 8, 0, OUT).exit_status == 0
    token = rig.u32(OUT)
    rig.put(BUF, struct.pack("<I", 0))
    set_class = P.ThreadImpersonationToken
    assert rig.call("NtSetInformationThread", CURRENT_THREAD, set_class, BUF, 4).exit_status == 0
    assert rig.call("NtOpenThreadToken", CURRENT_THREAD, 8, 0, OUT).exit_status == NTSTATUS.NO_TOKEN
    rig.put(BUF, struct.pack("<I", token))
    assert rig.call("NtSetInformationThread", CURRENT_THREAD, set_class, BUF, 4).exit_status == 0
    assert rig.call("NtOpenThreadToken", CURRENT_THREAD, 8, 0, OUT).exit_status == 0
    assert rig.call("NtSetInformationThread", CURRENT_THREAD, set_class, BUF, 8).exit_status == \
        NTSTATUS.INFO_LENGTH_MISMATCH


def test_affinity_mask_is_widened_from_four_bytes(rig: Wow64Rig) -> None:
    set_class = P.ProcessAffinityMask
    rig.put(BUF, struct.pack("<I", 1))
    assert rig.call("NtSetInformationProcess", CURRENT_PROCESS, set_class, BUF, 4).exit_status == 0
    assert rig.process.affinity == 1
    rig.put(BUF, struct.pack("<I", 0x80000001))  # not the system's: the kernel sees it widened, not cut
    assert rig.call("NtSetInformationProcess", CURRENT_PROCESS, set_class, BUF, 4).exit_status == \
        NTSTATUS.INVALID_PARAMETER
    assert rig.call("NtSetInformationProcess", CURRENT_PROCESS, set_class, BUF, 8).exit_status == \
        NTSTATUS.INFO_LENGTH_MISMATCH
    assert query(rig, "NtQueryInformationProcess", CURRENT_PROCESS, P.ProcessBasicInformation, length=24) == 0
    assert P.PROCESS_BASIC_INFORMATION.unpack(rig.get(BUF, 24), 32)["AffinityMask"] == 1


@pytest.mark.parametrize(("call", "handle", "info_class"), [
    ("NtQueryInformationProcess", CURRENT_PROCESS, P.ProcessTimes),
    ("NtQueryInformationThread", CURRENT_THREAD, P.ThreadTimes)])
def test_times_pass_through(rig: Wow64Rig, call: str, handle: int, info_class: int) -> None:
    assert query(rig, call, handle, info_class, length=32) == 0
    created, exited = struct.unpack("<qq", rig.get(BUF, 16))
    assert created > 0 and exited == 0 and rig.u32(RL) == 32


# ---- system ------------------------------------------------------------------------------------------------

def test_system_basic_information_is_the_x86_view(rig: Wow64Rig) -> None:
    assert query(rig, "NtQuerySystemInformation", P.SystemBasicInformation, length=44) == 0
    values = P.SYSTEM_BASIC_INFORMATION.unpack(rig.get(BUF, 44), 32)
    assert values["MinimumUserModeAddress"] == 0x10000 and values["MaximumUserModeAddress"] == 0x7FFEFFFF
    assert values["NumberOfProcessors"] == 2 and values["PageSize"] == 0x1000
    assert rig.u32(RL) == 44
    assert query(rig, "NtQuerySystemInformation", P.SystemBasicInformation, length=64) == \
        NTSTATUS.INFO_LENGTH_MISMATCH
    assert rig.u32(RL) == 0  # the kernel zeroes it first, as for a 64-bit caller


def test_processor_information_is_x86(rig: Wow64Rig) -> None:
    assert query(rig, "NtQuerySystemInformation", P.SystemProcessorInformation, length=12) == 0
    assert struct.unpack("<H", rig.get(BUF, 2))[0] == 0  # PROCESSOR_ARCHITECTURE_INTEL


def test_process_list_is_rebuilt_in_32_bit_records(rig: Wow64Rig) -> None:
    assert query(rig, "NtQuerySystemInformation", P.SystemProcessInformation, length=0x100) == \
        NTSTATUS.INFO_LENGTH_MISMATCH
    needed = rig.u32(RL)
    assert query(rig, "NtQuerySystemInformation", P.SystemProcessInformation, length=needed - 1) == \
        NTSTATUS.INFO_LENGTH_MISMATCH
    assert query(rig, "NtQuerySystemInformation", P.SystemProcessInformation, length=needed) == 0
    assert rig.u32(RL) == needed and rig.get(BUF + needed, 4) == b"\xad" * 4
    p = rig.process
    assert walk_records(rig.get(BUF, needed), BUF, 32) == [
        (0, "", [0, 0]), (4, "System", [8]), (p.pid, "hello.exe", [rig.machine.thread.tid])]


def test_time_of_day_passes_through(rig: Wow64Rig) -> None:
    assert query(rig, "NtQuerySystemInformation", P.SystemTimeOfDayInformation, length=48) == 0
    boot, now = struct.unpack("<qq", rig.get(BUF, 16))
    assert 0 < boot < now


# ---- token -------------------------------------------------------------------------------------------------

def test_token_user_is_converted(rig: Wow64Rig) -> None:
    assert rig.call("NtOpenProcessToken", CURRENT_PROCESS, 8, OUT).exit_status == 0
    token = rig.u32(OUT)
    assert query(rig, "NtQueryInformationToken", token, P.TokenUser, length=8) == NTSTATUS.BUFFER_TOO_SMALL
    assert rig.u32(RL) == 8 + len(USER_SID)
    assert query(rig, "NtQueryInformationToken", token, P.TokenUser, length=0x100) == 0
    assert struct.unpack("<II", rig.get(BUF, 8)) == (BUF + 8, 0)
    assert rig.get(BUF + 8, len(USER_SID)) == USER_SID
    assert rig.u32(RL) == 8 + len(USER_SID)
    status = query(rig, "NtQueryInformationToken", token, P.TokenUser, length=0x100, return_length=0)
    assert status == NTSTATUS.ACCESS_VIOLATION


def test_token_numbers_pass_through(rig: Wow64Rig) -> None:
    assert rig.call("NtOpenProcessToken", CURRENT_PROCESS, 8, OUT).exit_status == 0
    assert query(rig, "NtQueryInformationToken", rig.u32(OUT), P.TokenElevationType, length=4) == 0
    assert rig.u32(BUF) == 1 and rig.u32(RL) == 4

