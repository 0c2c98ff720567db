"""Process, thread, token and system information services, called directly as a 64-bit syscall would."""

from __future__ import annotations

import struct

import pytest

from tests.conftest import SCRATCH, KernelRig
from wow64emu.emu.memory import MemType, Prot
from wow64emu.kernel.handles import CURRENT_PROCESS, CURRENT_THREAD
from wow64emu.kernel.process import PARENT_PID
from wow64emu.kernel.time import system_time
from wow64emu.kernel.token import MEDIUM_INTEGRITY_SID, USER_SID
from wow64emu.nt import process as P
from wow64emu.nt.status import NTSTATUS

BUF, RL, OUT, CID, OA = SCRATCH, SCRATCH + 0x800, SCRATCH + 0x810, SCRATCH + 0x820, SCRATCH + 0x840
BIG = 0x200000  # a larger buffer for the process list
SENTINEL = 0xDEADBEEF
CURRENT_PROCESS_TOKEN, CURRENT_THREAD_TOKEN = 0xFFFFFFFFFFFFFFFC, 0xFFFFFFFFFFFFFFFB


def fill(kernel: KernelRig, addr: int = BUF, size: int = 0x100) -> None:
    kernel.process.memory.poke(addr, b"\xad" * size)
    kernel.process.memory.poke(RL, struct.pack("<I", SENTINEL))


def get(kernel: KernelRig, addr: int, size: int) -> bytes:
    return kernel.process.memory.peek(addr, size)


def u32(kernel: KernelRig, addr: int) -> int:
    return struct.unpack("<I", get(kernel, addr, 4))[0]


def query_process(kernel: KernelRig, info_class: int, length: int, handle: int = CURRENT_PROCESS,
                  buffer: int = BUF) -> int:
    fill(kernel)
    return kernel.call("NtQueryInformationProcess", handle, info_class, buffer, length, RL)


def query_thread(kernel: KernelRig, info_class: int, length: int, handle: int = CURRENT_THREAD) -> int:
    fill(kernel)
    return kernel.call("NtQueryInformationThread", handle, info_class, BUF, length, RL)


def set_thread(kernel: KernelRig, info_class: int, data: bytes, handle: int = CURRENT_THREAD) -> int:
    kernel.process.memory.poke(BUF, data)
    return kernel.call("NtSetInformationThread", handle, info_class, BUF, len(data))


def query_system(kernel: KernelRig, info_class: int, length: int, buffer: int = BUF) -> int:
    fill(kernel)
    return kernel.call("NtQuerySystemInformation", info_class, buffer, length, RL)


def query_token(kernel: KernelRig, handle: int, info_class: int, length: int = 0x100) -> int:
    fill(kernel)
    return kernel.call("NtQueryInformationToken", handle, info_class, BUF, length, RL)


def open_by_cid(kernel: KernelRig, call: str, pid: int, tid: int, access: int = 0x1000) -> int:
    kernel.put_u64(OUT, SENTINEL)
    kernel.process.memory.poke(CID, struct.pack("<QQ", pid, tid))
    kernel.process.memory.poke(OA, struct.pack("<QQQQQQ", 48, 0, 0, 0, 0, 0))
    return kernel.call(call, OUT, access, OA, CID)


@pytest.fixture
def wow64_kernel(kernel: KernelRig) -> KernelRig:
    p, t = kernel.process, kernel.thread
    p.peb64, p.peb32, t.teb64, t.teb32 = 0x7FFDF000, 0x7FFDE000, 0x7FFD0000, 0x7FFD2000
    p.image_path = "C:\\hello.exe"
    return kernel


# ---- NtQueryInformationProcess / NtSetInformationProcess ----------------------------------------------------

def test_process_basic_information(wow64_kernel: KernelRig) -> None:
    kernel = wow64_kernel
    assert query_process(kernel, P.ProcessBasicInformation, 48) == NTSTATUS.SUCCESS
    values = P.PROCESS_BASIC_INFORMATION.unpack(get(kernel, BUF, 48), 64)
    assert values == {"ExitStatus": NTSTATUS.PENDING, "PebBaseAddress": 0x7FFDF000, "AffinityMask": 3,
                      "BasePriority": 8, "UniqueProcessId": kernel.process.pid,
                      "InheritedFromUniqueProcessId": PARENT_PID}
    assert u32(kernel, RL) == 48


def test_process_query_checks_class_length_handle_then_buffer(kernel: KernelRig) -> None:
    assert query_process(kernel, 9999, 48) == NTSTATUS.INVALID_INFO_CLASS
    assert query_process(kernel, P.ProcessBasicInformation, 47) == NTSTATUS.INFO_LENGTH_MISMATCH
    assert u32(kernel, RL) == SENTINEL and get(kernel, BUF, 4) == b"\xad" * 4
    assert query_process(kernel, P.ProcessBasicInformation, 48, handle=0x1234) == NTSTATUS.INVALID_HANDLE
    assert query_process(kernel, P.ProcessBasicInformation, 48, handle=CURRENT_THREAD) == \
        NTSTATUS.OBJECT_TYPE_MISMATCH
    assert query_process(kernel, P.ProcessBasicInformation, 48, buffer=0) == NTSTATUS.ACCESS_VIOLATION


def test_wow64_information_is_the_peb32_or_zero(wow64_kernel: KernelRig) -> None:
    kernel = wow64_kernel
    assert query_process(kernel, P.ProcessWow64Information, 8) == NTSTATUS.SUCCESS
    assert kernel.u64(BUF) == 0x7FFDE000
    assert query_process(kernel, P.ProcessWow64Information, 4) == NTSTATUS.INFO_LENGTH_MISMATCH
    kernel.process.wow64 = False
    assert query_process(kernel, P.ProcessWow64Information, 8) == NTSTATUS.SUCCESS
    assert kernel.u64(BUF) == 0


@pytest.mark.parametrize(("info_class", "name"), [(P.ProcessImageFileName, "\\Device\\HarddiskVolume3\\hello.exe"),
                                                  (P.ProcessImageFileNameWin32, "C:\\hello.exe")])
def test_image_file_name(wow64_kernel: KernelRig, info_class: int, name: str) -> None:
    kernel = wow64_kernel
    needed = 16 + 2 * len(name) + 2
    assert query_process(kernel, info_class, needed - 1) == NTSTATUS.INFO_LENGTH_MISMATCH
    assert u32(kernel, RL) == needed
    assert get(kernel, BUF, 4) == b"\xad" * 4
    assert query_process(kernel, info_class, 0x100) == NTSTATUS.SUCCESS
    length, maximum, buffer = struct.unpack("<HH4xQ", get(kernel, BUF, 16))
    assert (length, maximum, buffer) == (2 * len(name), 2 * len(name) + 2, BUF + 16)
    assert get(kernel, BUF + 16, maximum).decode("utf-16-le") == name + "\0"
    assert u32(kernel, RL) == needed


def test_cookie_is_nonzero_stable_and_for_the_current_process_only(kernel: KernelRig) -> None:
    assert query_process(kernel, P.ProcessCookie, 4) == NTSTATUS.SUCCESS
    cookie = u32(kernel, BUF)
    assert cookie != 0
    assert query_process(kernel, P.ProcessCookie, 4) == NTSTATUS.SUCCESS
    assert u32(kernel, BUF) == cookie
    assert open_by_cid(kernel, "NtOpenProcess", kernel.process.pid, 0) == NTSTATUS.SUCCESS
    assert query_process(kernel, P.ProcessCookie, 4, handle=kernel.u64(OUT)) == NTSTATUS.INVALID_PARAMETER


def test_debug_port_handle_count_session(kernel: KernelRig) -> None:
    assert query_process(kernel, P.ProcessDebugPort, 8) == NTSTATUS.SUCCESS
    assert kernel.u64(BUF) == 0
    assert query_process(kernel, P.ProcessHandleCount, 4) == NTSTATUS.SUCCESS
    before = u32(kernel, BUF)
    assert kernel.call("NtOpenProcessToken", CURRENT_PROCESS, 8, OUT) == NTSTATUS.SUCCESS
    assert query_process(kernel, P.ProcessHandleCount, 4) == NTSTATUS.SUCCESS
    assert u32(kernel, BUF) == before + 1
    assert query_process(kernel, P.ProcessSessionInformation, 4) == NTSTATUS.SUCCESS
    assert u32(kernel, BUF) == 1


def test_hard_error_mode_set_and_query(kernel: KernelRig) -> None:
    assert query_process(kernel, P.ProcessDefaultHardErrorMode, 4) == NTSTATUS.SUCCESS
    assert u32(kernel, BUF) == 1
    kernel.process.memory.poke(BUF, struct.pack("<I", 0x8002))
    mode = P.ProcessDefaultHardErrorMode
    assert kernel.call("NtSetInformationProcess", CURRENT_PROCESS, mode, BUF, 4) == NTSTATUS.SUCCESS
    assert query_process(kernel, mode, 4) == NTSTATUS.SUCCESS
    assert u32(kernel, BUF) == 0x8002
    assert kernel.call("NtSetInformationProcess", CURRENT_PROCESS, mode, BUF, 8) == NTSTATUS.INFO_LENGTH_MISMATCH
    assert kernel.call("NtSetInformationProcess", CURRENT_PROCESS, mode, 0, 4) == NTSTATUS.ACCESS_VIOLATION
    assert kernel.call("NtSetInformationProcess", CURRENT_PROCESS, P.ProcessBasicInformation, BUF, 48) == \
        NTSTATUS.INVALID_INFO_CLASS
    assert kernel.call("NtSetInformationProcess", 0x1234, mode, BUF, 4) == NTSTATUS.INVALID_HANDLE


def set_process(kernel: KernelRig, info_class: int, data: bytes, handle: int = CURRENT_PROCESS) -> int:
    kernel.process.memory.poke(BUF + 0x200, data)
    return kernel.call("NtSetInformationProcess", handle, info_class, BUF + 0x200, len(data))


def test_priority_class_set_and_query_move_the_base_priorities(kernel: KernelRig) -> None:
    assert query_process(kernel, P.ProcessPriorityClass, 2) == NTSTATUS.SUCCESS
    assert get(kernel, BUF, 3) == b"\x00\x02\xad" and u32(kernel, RL) == 2  # Foreground FALSE, NORMAL
    # idle 4, high 13, below normal 6, above normal 10: the process's and its threads' base priority.
    for priority_class, base in ((1, 4), (3, 13), (5, 6), (6, 10), (2, 8)):
        assert set_process(kernel, P.ProcessPriorityClass, bytes([0, priority_class])) == NTSTATUS.SUCCESS
        assert query_process(kernel, P.ProcessPriorityClass, 2) == NTSTATUS.SUCCESS
        assert get(kernel, BUF, 2) == bytes([0, priority_class])
        assert query_process(kernel, P.ProcessBasicInformation, 48) == NTSTATUS.SUCCESS
        assert P.PROCESS_BASIC_INFORMATION.unpack(get(kernel, BUF, 48), 64)["BasePriority"] == base
        assert query_thread(kernel, P.ThreadBasicInformation, 48) == NTSTATUS.SUCCESS
        assert P.THREAD_BASIC_INFORMATION.unpack(get(kernel, BUF, 48), 64)["Priority"] == base
    # Real time needs SeIncreaseBasePriorityPrivilege, which the standard user lacks; 0 and 7 are no classes.
    assert set_process(kernel, P.ProcessPriorityClass, bytes([0, 4])) == NTSTATUS.PRIVILEGE_NOT_HELD
    for bad in (0, 7):
        assert set_process(kernel, P.ProcessPriorityClass, bytes([0, bad])) == NTSTATUS.INVALID_PARAMETER
    assert set_process(kernel, P.ProcessPriorityClass, bytes([0, 2, 0])) == NTSTATUS.INFO_LENGTH_MISMATCH
    assert query_process(kernel, P.ProcessPriorityClass, 4) == NTSTATUS.INFO_LENGTH_MISMATCH
    assert set_process(kernel, P.ProcessPriorityClass, bytes([0, 3]), handle=0x1234) == NTSTATUS.INVALID_HANDLE


def test_affinity_mask_is_a_subset_of_the_systems(kernel: KernelRig) -> None:
    assert set_process(kernel, P.ProcessAffinityMask, struct.pack("<Q", 2)) == NTSTATUS.SUCCESS
    assert query_process(kernel, P.ProcessBasicInformation, 48) == NTSTATUS.SUCCESS
    assert P.PROCESS_BASIC_INFORMATION.unpack(get(kernel, BUF, 48), 64)["AffinityMask"] == 2
    assert query_thread(kernel, P.ThreadBasicInformation, 48) == NTSTATUS.SUCCESS
    assert P.THREAD_BASIC_INFORMATION.unpack(get(kernel, BUF, 48), 64)["AffinityMask"] == 2
    for bad in (0, 4, 7):
        assert set_process(kernel, P.ProcessAffinityMask, struct.pack("<Q", bad)) == NTSTATUS.INVALID_PARAMETER
    assert set_process(kernel, P.ProcessAffinityMask, struct.pack("<I", 1)) == NTSTATUS.INFO_LENGTH_MISMATCH


@pytest.mark.parametrize("query", [query_process, query_thread])
def test_process_and_thread_times(kernel: KernelRig, query: object) -> None:
    before = system_time()
    sum(range(300_000))  # some host CPU time
    info_class = P.ProcessTimes if query is query_process else P.ThreadTimes
    assert query(kernel, info_class, 32) == NTSTATUS.SUCCESS  # type: ignore[operator]
    created, exited, kernel_time, user_time = struct.unpack("<qqqq", get(kernel, BUF, 32))
    assert created == (kernel.process.create_time if query is query_process else kernel.thread.create_time)
    assert created <= before and exited == 0 and u32(kernel, RL) == 32
    assert kernel_time >= 0 and 0 <= user_time and kernel_time + user_time <= system_time() - created + 200_000
    assert query(kernel, info_class, 24) == NTSTATUS.INFO_LENGTH_MISMATCH  # type: ignore[operator]


@pytest.mark.parametrize("query", [query_process, query_thread])
def test_times_of_an_ended_process_stop_at_its_exit(kernel: KernelRig, query: object) -> None:
    kernel.process.terminate(7)  # its handles are closed: the pseudo handles still name it and its thread
    info_class = P.ProcessTimes if query is query_process else P.ThreadTimes
    assert query(kernel, info_class, 32) == NTSTATUS.SUCCESS  # type: ignore[operator]
    first = get(kernel, BUF, 32)
    created, exited, _, _ = struct.unpack("<qqqq", first)
    assert created <= exited <= system_time()
    sum(range(300_000))
    assert query(kernel, info_class, 32) == NTSTATUS.SUCCESS  # type: ignore[operator]
    assert get(kernel, BUF, 32) == first


# ---- NtOpenProcess / NtOpenThread / NtTerminateProcess ------------------------------------------------------

def test_open_own_process_gives_a_handle_that_queries_and_terminates(kernel: KernelRig) -> None:
    assert open_by_cid(kernel, "NtOpenProcess", kernel.process.pid, 0) == NTSTATUS.SUCCESS
    limited = kernel.u64(OUT)
    assert kernel.call("NtTerminateProcess", limited, 1) == NTSTATUS.ACCESS_DENIED  # no PROCESS_TERMINATE
    assert open_by_cid(kernel, "NtOpenProcess", kernel.process.pid, 0, 0x1001) == NTSTATUS.SUCCESS
    handle = kernel.u64(OUT)
    assert handle % 4 == 0 and handle != SENTINEL
    assert query_process(kernel, P.ProcessBasicInformation, 48, handle=handle) == NTSTATUS.SUCCESS
    assert kernel.call("NtTerminateProcess", CURRENT_THREAD, 1) == NTSTATUS.OBJECT_TYPE_MISMATCH
    assert kernel.call("NtTerminateProcess", handle, 0x55) == NTSTATUS.SUCCESS
    assert kernel.process.exit_status == 0x55


@pytest.mark.parametrize(("pid", "tid", "status"), [
    (0, 0, NTSTATUS.INVALID_PARAMETER),  # the Idle process
    (4, 0, NTSTATUS.ACCESS_DENIED),  # System
    (0x4242, 0, NTSTATUS.INVALID_PARAMETER),
    (PARENT_PID, 0, NTSTATUS.INVALID_PARAMETER),
])
def test_open_other_processes(kernel: KernelRig, pid: int, tid: int, status: int) -> None:
    assert open_by_cid(kernel, "NtOpenProcess", pid, tid) == status
    assert kernel.u64(OUT) == SENTINEL


def test_open_process_client_id_and_name_rules(kernel: KernelRig) -> None:
    p, t = kernel.process, kernel.thread
    assert open_by_cid(kernel, "NtOpenProcess", p.pid, t.tid) == NTSTATUS.SUCCESS
    assert open_by_cid(kernel, "NtOpenProcess", p.pid, t.tid + 4) == NTSTATUS.INVALID_CID
    assert kernel.call("NtOpenProcess", OUT, 0x1000, OA, 0) == NTSTATUS.INVALID_PARAMETER_MIX
    kernel.process.memory.poke(OA + 16, struct.pack("<Q", BUF))  # ObjectName
    assert kernel.call("NtOpenProcess", OUT, 0x1000, OA, CID) == NTSTATUS.INVALID_PARAMETER_MIX
    assert kernel.call("NtOpenProcess", OUT, 0x1000, OA, 0) == NTSTATUS.OBJECT_NAME_NOT_FOUND
    assert kernel.call("NtOpenProcess", 0, 0x1000, OA, CID) == NTSTATUS.ACCESS_VIOLATION


def test_open_thread(kernel: KernelRig) -> None:
    p, t = kernel.process, kernel.thread
    assert open_by_cid(kernel, "NtOpenThread", 0, t.tid) == NTSTATUS.SUCCESS
    assert query_thread(kernel, P.ThreadBasicInformation, 48, handle=kernel.u64(OUT)) == NTSTATUS.SUCCESS
    assert open_by_cid(kernel, "NtOpenThread", p.pid, t.tid) == NTSTATUS.SUCCESS
    assert open_by_cid(kernel, "NtOpenThread", 0, t.tid + 4) == NTSTATUS.INVALID_PARAMETER
    assert open_by_cid(kernel, "NtOpenThread", p.pid + 4, t.tid) == NTSTATUS.INVALID_CID
    assert kernel.call("NtOpenThread", OUT, 0x1000, OA, 0) == NTSTATUS.INVALID_PARAMETER_MIX


# ---- threads -----------------------------------------------------------------------------------------------

def test_thread_basic_information_and_base_priority(wow64_kernel: KernelRig) -> None:
    kernel = wow64_kernel
    assert query_thread(kernel, P.ThreadBasicInformation, 48) == NTSTATUS.SUCCESS
    values = P.THREAD_BASIC_INFORMATION.unpack(get(kernel, BUF, 48), 64)
    assert values == {"ExitStatus": NTSTATUS.PENDING, "TebBaseAddress": 0x7FFD0000,
                      "UniqueProcess": kernel.process.pid, "UniqueThread": kernel.thread.tid,
                      "AffinityMask": 3, "Priority": 8, "BasePriority": 0}
    assert u32(kernel, RL) == 48
    for increment, priority in ((2, 10), (-2, 6), (16, 15), (-16, 1)):
        assert set_thread(kernel, P.ThreadBasePriority, struct.pack("<i", increment)) == NTSTATUS.SUCCESS
        assert query_thread(kernel, P.ThreadBasicInformation, 48) == NTSTATUS.SUCCESS
        values = P.THREAD_BASIC_INFORMATION.unpack(get(kernel, BUF, 48), 64)
        assert (values["Priority"], values["BasePriority"]) == (priority, increment)
    assert set_thread(kernel, P.ThreadBasePriority, struct.pack("<i", 3)) == NTSTATUS.INVALID_PARAMETER
    assert set_thread(kernel, P.ThreadBasePriority, b"\0" * 8) == NTSTATUS.INFO_LENGTH_MISMATCH
    assert query_thread(kernel, P.ThreadBasicInformation, 28) == NTSTATUS.INFO_LENGTH_MISMATCH
    assert query_thread(kernel, P.ThreadBasicInformation, 48, handle=CURRENT_PROCESS) == \
        NTSTATUS.OBJECT_TYPE_MISMATCH


def test_thread_priority(kernel: KernelRig) -> None:
    assert set_thread(kernel, P.ThreadPriority, struct.pack("<i", 12)) == NTSTATUS.SUCCESS
    assert query_thread(kernel, P.ThreadBasicInformation, 48) == NTSTATUS.SUCCESS
    assert P.THREAD_BASIC_INFORMATION.unpack(get(kernel, BUF, 48), 64)["Priority"] == 12
    assert set_thread(kernel, P.ThreadPriority, struct.pack("<i", 16)) == NTSTATUS.PRIVILEGE_NOT_HELD
    assert set_thread(kernel, P.ThreadPriority, struct.pack("<i", 0)) == NTSTATUS.INVALID_PARAMETER
    # The value is checked before the handle.
    assert set_thread(kernel, P.ThreadPriority, struct.pack("<i", 32), handle=0x1234) == NTSTATUS.INVALID_PARAMETER
    assert set_thread(kernel, P.ThreadPriority, struct.pack("<i", 9), handle=0x1234) == NTSTATUS.INVALID_HANDLE


def test_hide_from_debugger(kernel: KernelRig) -> None:
    assert query_thread(kernel, P.ThreadHideFromDebugger, 1) == NTSTATUS.SUCCESS
    assert get(kernel, BUF, 1) == b"\0"
    assert set_thread(kernel, P.ThreadHideFromDebugger, b"\0" * 4) == NTSTATUS.INFO_LENGTH_MISMATCH
    assert set_thread(kernel, P.ThreadHideFromDebugger, b"") == NTSTATUS.SUCCESS
    assert query_thread(kernel, P.ThreadHideFromDebugger, 1) == NTSTATUS.SUCCESS
    assert get(kernel, BUF, 1) == b"\x01"
    assert query_thread(kernel, P.ThreadHideFromDebugger, 4) == NTSTATUS.INFO_LENGTH_MISMATCH


def test_win32_start_address_is_the_image_entry_point(kernel: KernelRig) -> None:
    image = SCRATCH + 0x400  # a minimal header: e_lfanew at 0x3C, AddressOfEntryPoint at NT headers + 0x28
    kernel.process.memory.poke(image + 0x3C, struct.pack("<I", 0x80))
    kernel.process.memory.poke(image + 0x80 + 0x28, struct.pack("<I", 0x1234))
    kernel.process.image_base = image
    assert query_thread(kernel, P.ThreadQuerySetWin32StartAddress, 8) == NTSTATUS.SUCCESS
    assert kernel.u64(BUF) == image + 0x1234
    assert query_thread(kernel, P.ThreadAmILastThread, 4) == NTSTATUS.SUCCESS
    assert u32(kernel, BUF) == 1
    assert query_thread(kernel, P.ThreadIsTerminated, 4) == NTSTATUS.SUCCESS
    assert u32(kernel, BUF) == 0
    assert query_thread(kernel, 9999, 4) == NTSTATUS.INVALID_INFO_CLASS
    assert set_thread(kernel, 9999, b"") == NTSTATUS.INVALID_INFO_CLASS


# ---- system ------------------------------------------------------------------------------------------------

def test_system_basic_information_native_and_emulated(kernel: KernelRig) -> None:
    assert query_system(kernel, P.SystemBasicInformation, 64) == NTSTATUS.SUCCESS
    values = P.SYSTEM_BASIC_INFORMATION.unpack(get(kernel, BUF, 64), 64)
    assert values["PageSize"] == 0x1000 and values["AllocationGranularity"] == 0x10000
    assert values["MinimumUserModeAddress"] == 0x10000
    assert values["MaximumUserModeAddress"] == 0x7FFFFFFEFFFF
    assert values["NumberOfProcessors"] == 2 and values["ActiveProcessorsAffinityMask"] == 3
    assert u32(kernel, RL) == 64
    assert query_system(kernel, P.SystemEmulationBasicInformation, 64) == NTSTATUS.SUCCESS
    assert P.SYSTEM_BASIC_INFORMATION.unpack(get(kernel, BUF, 64), 64)["MaximumUserModeAddress"] == 0x7FFEFFFF
    kernel.process.large_address_aware = True
    assert query_system(kernel, P.SystemEmulationBasicInformation, 64) == NTSTATUS.SUCCESS
    assert P.SYSTEM_BASIC_INFORMATION.unpack(get(kernel, BUF, 64), 64)["MaximumUserModeAddress"] == 0xFFFEFFFF


def test_system_query_zeroes_return_length_and_checks_lengths(kernel: KernelRig) -> None:
    assert query_system(kernel, P.SystemBasicInformation, 65) == NTSTATUS.INFO_LENGTH_MISMATCH
    assert u32(kernel, RL) == 0
    assert query_system(kernel, 9999, 64) == NTSTATUS.INVALID_INFO_CLASS
    assert u32(kernel, RL) == 0
    assert query_system(kernel, P.SystemBasicInformation, 64, buffer=0) == NTSTATUS.ACCESS_VIOLATION
    assert query_system(kernel, P.SystemProcessorInformation, 11) == NTSTATUS.INFO_LENGTH_MISMATCH
    assert query_system(kernel, P.SystemProcessorInformation, 16) == NTSTATUS.SUCCESS
    assert u32(kernel, RL) == 12
    assert kernel.call("NtQuerySystemInformation", P.SystemBasicInformation, BUF, 64, 0) == NTSTATUS.SUCCESS


def test_processor_information_native_and_emulated(kernel: KernelRig) -> None:
    assert query_system(kernel, P.SystemProcessorInformation, 12) == NTSTATUS.SUCCESS
    assert P.SYSTEM_PROCESSOR_INFORMATION.unpack(get(kernel, BUF, 12), 64)["ProcessorArchitecture"] == 9
    assert query_system(kernel, P.SystemEmulationProcessorInformation, 12) == NTSTATUS.SUCCESS
    assert P.SYSTEM_PROCESSOR_INFORMATION.unpack(get(kernel, BUF, 12), 64)["ProcessorArchitecture"] == 0


def test_time_of_day_answers_any_prefix(kernel: KernelRig) -> None:
    assert query_system(kernel, P.SystemTimeOfDayInformation, 48) == NTSTATUS.SUCCESS
    values = P.SYSTEM_TIMEOFDAY_INFORMATION.unpack(get(kernel, BUF, 48), 64)
    assert abs(values["CurrentTime"] - system_time()) < 50_000_000
    assert values["BootTime"] < values["CurrentTime"] and values["TimeZoneBias"] == 0
    assert query_system(kernel, P.SystemTimeOfDayInformation, 8) == NTSTATUS.SUCCESS
    assert u32(kernel, RL) == 8 and get(kernel, BUF + 8, 4) == b"\xad" * 4
    assert query_system(kernel, P.SystemTimeOfDayInformation, 49) == NTSTATUS.INFO_LENGTH_MISMATCH


def test_the_time_zone_is_utc_in_exactly_its_structure(kernel: KernelRig) -> None:
    assert query_system(kernel, P.SystemCurrentTimeZoneInformation, 172) == NTSTATUS.SUCCESS
    data = get(kernel, BUF, 172)
    name = "Coordinated Universal Time".encode("utf-16-le").ljust(64, b"\0")
    assert data == bytes(4) + name + bytes(20) + name + bytes(20)  # Bias, StandardName, date, bias, Daylight...
    for length in (171, 173):
        assert query_system(kernel, P.SystemCurrentTimeZoneInformation, length) == NTSTATUS.INFO_LENGTH_MISMATCH


def test_time_adjustment_is_disabled_with_one_tick(kernel: KernelRig) -> None:
    assert query_system(kernel, P.SystemTimeAdjustmentInformation, 12) == NTSTATUS.SUCCESS
    assert get(kernel, BUF, 12) == struct.pack("<IIB3x", 156250, 156250, 1) and u32(kernel, RL) == 12
    for length in (11, 16):
        assert query_system(kernel, P.SystemTimeAdjustmentInformation, length) == NTSTATUS.INFO_LENGTH_MISMATCH


def test_kernel_debugger_is_absent(kernel: KernelRig) -> None:
    assert query_system(kernel, P.SystemKernelDebuggerInformation, 2) == NTSTATUS.SUCCESS
    assert get(kernel, BUF, 2) == b"\x00\x01"


def walk_records(data: bytes, base: int, width: int = 64) -> list[tuple[int, str, list[int]]]:
    """(pid, image name, thread ids) of each SYSTEM_PROCESS_INFORMATION record of a buffer at `base`."""
    out, offset = [], 0
    header, thread_size = P.SYSTEM_PROCESS_INFORMATION.size(width), P.SYSTEM_THREAD_INFORMATION.size(width)
    while True:
        record = P.SYSTEM_PROCESS_INFORMATION.unpack(data[offset:], width)
        name_at = record["ImageNameBuffer"] - base
        name = data[name_at: name_at + record["ImageNameLength"]].decode("utf-16-le") if name_at >= 0 else ""
        threads = [P.SYSTEM_THREAD_INFORMATION.unpack(data[at:], width)["UniqueThread"]
                   for at in range(offset + header, offset + header + record["NumberOfThreads"] * thread_size,
                                   thread_size)]
        out.append((record["UniqueProcessId"], name, threads))
        if not record["NextEntryOffset"]:
            return out
        assert record["NextEntryOffset"] % 8 == 0
        offset += record["NextEntryOffset"]


def test_process_list(wow64_kernel: KernelRig) -> None:
    kernel = wow64_kernel
    kernel.process.memory.map_committed(BIG, 0x4000, MemType.PRIVATE, Prot.READWRITE, "big")
    assert query_system(kernel, P.SystemProcessInformation, 0x100, buffer=BIG) == NTSTATUS.INFO_LENGTH_MISMATCH
    needed = u32(kernel, RL)
    assert needed > 0x100
    assert query_system(kernel, P.SystemProcessInformation, needed, buffer=BIG) == NTSTATUS.SUCCESS
    assert u32(kernel, RL) == needed
    p = kernel.process
    assert walk_records(get(kernel, BIG, needed), BIG) == [
        (0, "", [0, 0]), (4, "System", [8]), (p.pid, "hello.exe", [kernel.thread.tid])]


def test_processor_number_and_languages(kernel: KernelRig) -> None:
    assert kernel.call("NtGetCurrentProcessorNumber") == 0
    fill(kernel)
    assert kernel.call("NtQueryDefaultLocale", 1, BUF) == NTSTATUS.SUCCESS
    assert u32(kernel, BUF) == 0x409
    assert kernel.call("NtQueryDefaultUILanguage", BUF) == NTSTATUS.SUCCESS
    assert get(kernel, BUF, 4) == b"\x09\x04\x00\x00"
    assert kernel.call("NtQueryInstallUILanguage", BUF + 8) == NTSTATUS.SUCCESS
    assert get(kernel, BUF + 8, 2) == b"\x09\x04"
    for call in ("NtQueryDefaultUILanguage", "NtQueryInstallUILanguage"):
        assert kernel.call(call, 0) == NTSTATUS.ACCESS_VIOLATION
    assert kernel.call("NtQueryDefaultLocale", 0, 0) == NTSTATUS.ACCESS_VIOLATION


# ---- tokens ------------------------------------------------------------------------------------------------

def open_process_token(kernel: KernelRig) -> int:
    assert kernel.call("NtOpenProcessToken", CURRENT_PROCESS, 8, OUT) == NTSTATUS.SUCCESS
    return kernel.u64(OUT)


def test_token_user_and_integrity(kernel: KernelRig) -> None:
    token = open_process_token(kernel)
    assert query_token(kernel, token, P.TokenUser) == NTSTATUS.SUCCESS
    sid, attributes = struct.unpack("<QI", get(kernel, BUF, 12))
    assert (sid, attributes) == (BUF + 16, 0)
    assert get(kernel, BUF + 16, len(USER_SID)) == USER_SID
    assert u32(kernel, RL) == 16 + len(USER_SID) == 44
    assert query_token(kernel, token, P.TokenUser, 43) == NTSTATUS.BUFFER_TOO_SMALL
    assert u32(kernel, RL) == 44 and get(kernel, BUF, 4) == b"\xad" * 4
    assert query_token(kernel, CURRENT_PROCESS_TOKEN, P.TokenIntegrityLevel) == NTSTATUS.SUCCESS
    assert struct.unpack("<QI", get(kernel, BUF, 12)) == (BUF + 16, 0x60)
    assert get(kernel, BUF + 16, 12) == MEDIUM_INTEGRITY_SID


@pytest.mark.parametrize(("info_class", "value"), [
    (P.TokenType, 1), (P.TokenSessionId, 1), (P.TokenElevationType, 1), (P.TokenElevation, 0),
    (P.TokenIsAppContainer, 0)])
def test_token_numbers(kernel: KernelRig, info_class: int, value: int) -> None:
    assert query_token(kernel, open_process_token(kernel), info_class) == NTSTATUS.SUCCESS
    assert u32(kernel, BUF) == value and u32(kernel, RL) == 4


def test_token_query_errors(kernel: KernelRig) -> None:
    token = open_process_token(kernel)
    assert query_token(kernel, token, P.TokenImpersonationLevel) == NTSTATUS.INVALID_INFO_CLASS
    assert query_token(kernel, token, 9999) == NTSTATUS.INVALID_INFO_CLASS
    assert query_token(kernel, token, P.TokenType, 3) == NTSTATUS.BUFFER_TOO_SMALL
    assert query_token(kernel, CURRENT_PROCESS, P.TokenType) == NTSTATUS.OBJECT_TYPE_MISMATCH
    assert query_token(kernel, 0x1234, P.TokenType) == NTSTATUS.INVALID_HANDLE
    assert query_token(kernel, CURRENT_THREAD_TOKEN, P.TokenType) == NTSTATUS.NO_TOKEN
    assert kernel.call("NtQueryInformationToken", token, P.TokenType, BUF, 4, 0) == NTSTATUS.ACCESS_VIOLATION


def test_open_process_token_errors(kernel: KernelRig) -> None:
    assert kernel.call("NtOpenProcessToken", 0x1234, 8, OUT) == NTSTATUS.INVALID_HANDLE
    assert kernel.call("NtOpenProcessToken", CURRENT_THREAD, 8, OUT) == NTSTATUS.OBJECT_TYPE_MISMATCH
    assert kernel.call("NtOpenProcessToken", CURRENT_PROCESS, 8, 0) == NTSTATUS.ACCESS_VIOLATION
    assert kernel.call("NtOpenProcessTokenEx", CURRENT_PROCESS, 8, 0x2, OUT) == NTSTATUS.SUCCESS
    assert kernel.call("NtOpenProcessTokenEx", CURRENT_PROCESS, 8, 0x10000, OUT) == NTSTATUS.INVALID_PARAMETER


def impersonate(kernel: KernelRig, level: int) -> int:
    kernel.process.memory.poke(SCRATCH + 0x900, struct.pack("<IIBBxx", 12, level, 0, 0))
    return kernel.call("NtImpersonateThread", CURRENT_THREAD, CURRENT_THREAD, SCRATCH + 0x900)


def test_impersonation_gives_the_thread_a_token(kernel: KernelRig) -> None:
    assert kernel.call("NtOpenThreadToken", CURRENT_THREAD, 8, 0, OUT) == NTSTATUS.NO_TOKEN
    assert impersonate(kernel, 2) == NTSTATUS.SUCCESS  # SecurityImpersonation
    assert kernel.call("NtOpenThreadToken", CURRENT_THREAD, 8, 0, OUT) == NTSTATUS.SUCCESS
    token = kernel.u64(OUT)
    assert query_token(kernel, token, P.TokenType) == NTSTATUS.SUCCESS and u32(kernel, BUF) == 2
    assert query_token(kernel, token, P.TokenImpersonationLevel) == NTSTATUS.SUCCESS and u32(kernel, BUF) == 2
    assert query_token(kernel, CURRENT_THREAD_TOKEN, P.TokenType) == NTSTATUS.SUCCESS
    # Revert to self, then impersonate again with the token handle.
    assert set_thread(kernel, P.ThreadImpersonationToken, struct.pack("<Q", 0)) == NTSTATUS.SUCCESS
    assert kernel.call("NtOpenThreadToken", CURRENT_THREAD, 8, 0, OUT) == NTSTATUS.NO_TOKEN
    assert set_thread(kernel, P.ThreadImpersonationToken, struct.pack("<Q", token)) == NTSTATUS.SUCCESS
    assert kernel.call("NtOpenThreadToken", CURRENT_THREAD, 8, 0, OUT) == NTSTATUS.SUCCESS
    primary = open_process_token(kernel)
    assert set_thread(kernel, P.ThreadImpersonationToken, struct.pack("<Q", primary)) == NTSTATUS.BAD_TOKEN_TYPE
    assert set_thread(kernel, P.ThreadImpersonationToken, struct.pack("<I", 0)) == NTSTATUS.INFO_LENGTH_MISMATCH


def test_impersonation_errors(kernel: KernelRig) -> None:
    assert impersonate(kernel, 0) == NTSTATUS.SUCCESS  # SecurityAnonymous
    assert kernel.call("NtOpenThreadToken", CURRENT_THREAD, 8, 0, OUT) == NTSTATUS.CANT_OPEN_ANONYMOUS
    assert impersonate(kernel, 4) == NTSTATUS.INVALID_PARAMETER
    assert kernel.call("NtImpersonateThread", CURRENT_THREAD, CURRENT_THREAD, 0) == NTSTATUS.ACCESS_VIOLATION
    assert kernel.call("NtImpersonateThread", 0x1234, CURRENT_THREAD, SCRATCH + 0x900) == NTSTATUS.INVALID_HANDLE
