"""KUSER_SHARED_DATA: the read-only page at 0x7FFE0000 that both views of a WoW64 process share.

Holds the version numbers, the processor architecture, and the clocks that GetTickCount and the time functions
read without a system call. As on Windows, it is one page of physical memory for the whole System, which every
process maps read-only: the kernel keeps its clocks current by writing that frame, at most once a millisecond, on
the way out of a system call; no mapping changes for it, and a guest that unmaps its view harms nothing else.
"""

from __future__ import annotations

import struct
import time

from ..emu.memory import PAGE, SharedMemory
from ..emu.physical import PhysicalMemory
from .time import QPC_FREQUENCY, system_time

KUSER_SHARED_DATA = 0x7FFE0000
TICK_COUNT_MULTIPLIER = 0x0FA00000  # (ticks * multiplier) >> 24 = milliseconds, one tick = 15.625 ms

OFF_TICK_COUNT_MULTIPLIER = 0x004
OFF_INTERRUPT_TIME = 0x008
OFF_SYSTEM_TIME = 0x014
OFF_IMAGE_NUMBER_LOW = 0x02C
OFF_IMAGE_NUMBER_HIGH = 0x02E
OFF_NT_SYSTEM_ROOT = 0x030
OFF_NT_BUILD_NUMBER = 0x260
OFF_NT_PRODUCT_TYPE = 0x264
OFF_PRODUCT_TYPE_IS_VALID = 0x268
OFF_NATIVE_PROCESSOR_ARCHITECTURE = 0x26A
OFF_NT_MAJOR_VERSION = 0x26C
OFF_NT_MINOR_VERSION = 0x270
OFF_PROCESSOR_FEATURES = 0x274  # BOOLEAN[64], indexed by PF_* (IsProcessorFeaturePresent reads it)
OFF_QPC_FREQUENCY = 0x300
OFF_TICK_COUNT = 0x320
OFF_ACTIVE_PROCESSOR_COUNT = 0x3C0

# The processor the system reports (here, NtQuerySystemInformation, the environment): two of family 6
PROCESSORS = 2
PROCESSOR_LEVEL = 6  # family 6
PROCESSOR_REVISION = 0x9E0A  # model 0x9E, stepping 10

BUILD_NUMBER = 19045
# The PF_* features of the emulated CPU (Unicorn's qemu64 model: CPUID leaf 1), as Windows sets them:
# CMPXCHG8B, MMX, SSE, RDTSC, PAE, SSE2, NX, SSE3, CMPXCHG16B, int 0x29 fast fail, SSSE3, SSE4.1, SSE4.2.
PROCESSOR_FEATURES = (2, 3, 6, 8, 9, 10, 12, 13, 14, 23, 36, 37, 38)
PROCESSOR_ARCHITECTURE_AMD64 = 9


def ksystem_time(value: int) -> bytes:
    """KSYSTEM_TIME {LowPart, High1Time, High2Time}: both high parts equal when the value is consistent."""
    high = (value >> 32) & 0xFFFFFFFF
    return struct.pack("<III", value & 0xFFFFFFFF, high, high)


def initial_page() -> bytes:
    page = bytearray(0x1000)
    struct.pack_into("<I", page, OFF_TICK_COUNT_MULTIPLIER, TICK_COUNT_MULTIPLIER)
    struct.pack_into("<HH", page, OFF_IMAGE_NUMBER_LOW, 0x014C, 0x8664)
    page[OFF_NT_SYSTEM_ROOT: OFF_NT_SYSTEM_ROOT + 22] = "C:\\Windows\0".encode("utf-16-le")
    struct.pack_into("<I", page, OFF_NT_BUILD_NUMBER, BUILD_NUMBER)
    struct.pack_into("<I", page, OFF_NT_PRODUCT_TYPE, 1)  # NtProductWinNt
    page[OFF_PRODUCT_TYPE_IS_VALID] = 1
    struct.pack_into("<H", page, OFF_NATIVE_PROCESSOR_ARCHITECTURE, PROCESSOR_ARCHITECTURE_AMD64)
    struct.pack_into("<II", page, OFF_NT_MAJOR_VERSION, 10, 0)
    for feature in PROCESSOR_FEATURES:
        page[OFF_PROCESSOR_FEATURES + feature] = 1
    struct.pack_into("<q", page, OFF_QPC_FREQUENCY, QPC_FREQUENCY)
    struct.pack_into("<I", page, OFF_ACTIVE_PROCESSOR_COUNT, PROCESSORS)
    return bytes(page)


class SharedUserData:
    """The System's KUSER_SHARED_DATA page and its clocks; boot time is the start of the host's monotonic clock."""

    def __init__(self, physical: PhysicalMemory) -> None:
        self.memory = SharedMemory(physical, PAGE, True)
        self.memory.write(0, initial_page())
        self.last_ms = -1

    def refresh(self) -> None:
        now_ns = time.monotonic_ns()
        ms = now_ns // 1_000_000
        if ms == self.last_ms:
            return
        self.last_ms = ms
        interrupt = now_ns // 100
        self.memory.write(OFF_INTERRUPT_TIME, ksystem_time(interrupt) + ksystem_time(system_time()))
        ticks = now_ns * 64 // 1_000_000_000  # 64 ticks a second
        self.memory.write(OFF_TICK_COUNT, ksystem_time(ticks))
