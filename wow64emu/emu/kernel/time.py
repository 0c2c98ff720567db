"""Time services: the performance counter, the system time, delays. The clock is the host's."""

from __future__ import annotations

import struct
import time as _time
from typing import TYPE_CHECKING

from ..status import NTSTATUS

if TYPE_CHECKING:
    from . import Kernel

QPC_FREQUENCY = 10_000_000  # Windows 10 on current hardware: 10 MHz
EPOCH_1601_TO_1970 = 116_444_736_000_000_000  # 100 ns intervals


def system_time() -> int:
    """The current time as Windows counts it: 100 ns intervals since 1601-01-01 UTC."""
    return EPOCH_1601_TO_1970 + _time.time_ns() // 100


def performance_counter() -> int:
    return _time.perf_counter_ns() // 100


class TimeServices:
    def __init__(self, kernel: Kernel) -> None:
        self.kernel = kernel

    def NtQueryPerformanceCounter(self, PerformanceCounter: int, PerformanceFrequency: int) -> int:
        space = self.kernel.process.memory
        space.write(PerformanceCounter, struct.pack("<q", performance_counter()))
        if PerformanceFrequency:
            space.write(PerformanceFrequency, struct.pack("<q", QPC_FREQUENCY))
        return NTSTATUS.SUCCESS

    def NtQuerySystemTime(self, SystemTime: int) -> int:
        self.kernel.process.memory.write(SystemTime, struct.pack("<q", system_time()))
        return NTSTATUS.SUCCESS

    def NtDelayExecution(self, Alertable: int, DelayInterval: int) -> int:
        """A negative interval is relative (100 ns units), a positive one an absolute system time."""
        (interval,) = struct.unpack("<q", self.kernel.process.memory.read(DelayInterval, 8))
        delay = -interval if interval < 0 else max(0, interval - system_time())
        _time.sleep(delay / 10_000_000)
        return NTSTATUS.SUCCESS
