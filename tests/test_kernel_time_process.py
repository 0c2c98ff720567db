"""Time and process services, and the clocks of KUSER_SHARED_DATA."""

import struct
import time

from tests.conftest import SCRATCH, KernelRig
from wow64emu.emu.memory import Prot
from wow64emu.kernel.handles import CURRENT_PROCESS
from wow64emu.kernel.shareddata import KUSER_SHARED_DATA, OFF_SYSTEM_TIME, OFF_TICK_COUNT
from wow64emu.kernel.time import EPOCH_1601_TO_1970, QPC_FREQUENCY
from wow64emu.nt.status import NTSTATUS


def test_performance_counter_and_frequency(kernel: KernelRig) -> None:
    kernel.put_u64(SCRATCH + 8, 0xDEADDEADDEADDEAD)
    assert kernel.call("NtQueryPerformanceCounter", SCRATCH, SCRATCH + 8) == NTSTATUS.SUCCESS
    first = kernel.u64(SCRATCH)
    assert kernel.u64(SCRATCH + 8) == QPC_FREQUENCY == 10_000_000
    assert kernel.call("NtQueryPerformanceCounter", SCRATCH, 0) == NTSTATUS.SUCCESS
    assert kernel.u64(SCRATCH) >= first
    assert kernel.call("NtQueryPerformanceCounter", 0, 0) == NTSTATUS.ACCESS_VIOLATION


def test_system_time_counts_100ns_since_1601(kernel: KernelRig) -> None:
    assert kernel.call("NtQuerySystemTime", SCRATCH) == NTSTATUS.SUCCESS
    expected = EPOCH_1601_TO_1970 + time.time_ns() // 100
    assert abs(kernel.u64(SCRATCH) - expected) < 10_000_000 * 5
    assert kernel.call("NtQuerySystemTime", 0xDEAD0000) == NTSTATUS.ACCESS_VIOLATION


def test_setting_the_system_time_needs_a_privilege_the_user_lacks(kernel: KernelRig) -> None:
    kernel.process.memory.poke(SCRATCH, struct.pack("<q", 0x01D0000000000000))
    assert kernel.call("NtSetSystemTime", SCRATCH, SCRATCH + 8) == NTSTATUS.PRIVILEGE_NOT_HELD
    assert kernel.call("NtSetSystemTime", SCRATCH, 0) == NTSTATUS.PRIVILEGE_NOT_HELD
    assert kernel.call("NtSetSystemTime", 0, 0) == NTSTATUS.PRIVILEGE_NOT_HELD
    assert kernel.call("NtSetSystemTime", 0xDEAD0000, 0) == NTSTATUS.ACCESS_VIOLATION
    assert kernel.call("NtSetSystemTime", SCRATCH, 0xDEAD0000) == NTSTATUS.ACCESS_VIOLATION


def test_relative_delay_waits_at_least_that_long(kernel: KernelRig) -> None:
    kernel.process.memory.poke(SCRATCH, struct.pack("<q", -200_000))  # 20 ms, relative
    start = time.monotonic()
    assert kernel.call("NtDelayExecution", 0, SCRATCH) == NTSTATUS.SUCCESS
    assert time.monotonic() - start >= 0.019


def test_terminate_process(kernel: KernelRig) -> None:
    assert kernel.call("NtTerminateProcess", 0, 5) == NTSTATUS.SUCCESS  # NULL: the other threads
    assert kernel.process.exit_status is None
    assert kernel.call("NtTerminateProcess", 0x40, 5) == NTSTATUS.INVALID_HANDLE
    assert kernel.call("NtTerminateProcess", CURRENT_PROCESS, 0xC0000005) == NTSTATUS.SUCCESS
    assert kernel.process.exit_status == 0xC0000005


def test_shared_clock_moves_tick_count_and_system_time(kernel: KernelRig) -> None:
    clock = kernel.system.shared_data
    kernel.process.memory.map_view(KUSER_SHARED_DATA, 0x1000, clock.memory, 0, Prot.READONLY, None)
    clock.refresh()
    tick1 = kernel.process.memory.read_u32(KUSER_SHARED_DATA + OFF_TICK_COUNT)
    sys1 = kernel.process.memory.read_u64(KUSER_SHARED_DATA + OFF_SYSTEM_TIME)
    time.sleep(0.05)
    clock.refresh()
    tick2 = kernel.process.memory.read_u32(KUSER_SHARED_DATA + OFF_TICK_COUNT)
    sys2 = kernel.process.memory.read_u64(KUSER_SHARED_DATA + OFF_SYSTEM_TIME)
    assert tick2 - tick1 >= 2  # 64 ticks a second
    assert sys2 - sys1 >= 400_000
