"""Time services: the performance counter, the system time, the timer resolution, delays. The clock is the host's.

Timeouts and delay intervals are LARGE_INTEGERs in 100 ns units: negative relative, positive an absolute system
time, zero a poll. A delay or wait really takes its time on the host. One that could only end on Windows by
another thread's action (an infinite delay, an infinite wait on what is not signalled) would hang forever: the
process here has a single thread, so it stops the emulator with WaitForever instead.
"""

from __future__ import annotations

import struct
import time as _time
from typing import TYPE_CHECKING

from ..errors import EmulatorError, GuestBudgetExceeded
from ..nt.status import NTSTATUS

if TYPE_CHECKING:
    from ..emu.memory import AddressSpace
    from .system import System
    from .threadobject import Thread

QPC_FREQUENCY = 10_000_000  # Windows 10 on current hardware: 10 MHz
EPOCH_1601_TO_1970 = 116_444_736_000_000_000  # 100 ns intervals
INFINITE_INTERVAL = -0x8000000000000000  # what kernelbase passes for Sleep(INFINITE)

# Timer resolutions of Windows 10 (100 ns units): the coarsest, the finest, and the default.
MAXIMUM_RESOLUTION = 156_250
MINIMUM_RESOLUTION = 5_000


class WaitForever(EmulatorError):
    """The guest waits, with no timeout, for what nothing in its single-threaded process can ever bring."""


def system_time() -> int:
    """The current time as Windows counts it: 100 ns intervals since 1601-01-01 UTC."""
    return EPOCH_1601_TO_1970 + _time.time_ns() // 100


def performance_counter() -> int:
    return _time.perf_counter_ns() // 100


def interval_seconds(interval: int) -> float:
    """How long from now a LARGE_INTEGER interval lasts, in seconds (an absolute time past is 0)."""
    ticks = -interval if interval < 0 else max(0, interval - system_time())
    return ticks / 10_000_000


def read_timeout(memory: AddressSpace, address: int) -> float | None:
    """The seconds a wait's optional timeout allows; None for none (a NULL pointer: wait forever)."""
    if not address:
        return None
    (interval,) = struct.unpack("<q", memory.read(address, 8))
    return interval_seconds(interval)


def sleep(system: System, seconds: float) -> None:
    """Wait on the host; a wait that would outlast the run's --timeout ends the run when the time is up."""
    if seconds <= 0:
        return
    deadline = system.deadline
    if deadline is not None and _time.monotonic() + seconds > deadline:
        _time.sleep(max(0.0, deadline - _time.monotonic()))
        raise GuestBudgetExceeded(f"the guest was still waiting when its --timeout ran out ({seconds:g} s wait)")
    _time.sleep(seconds)


class TimeServices:
    def __init__(self, system: System) -> None:
        self.system = system
        self.requested_resolution: int | None = None  # what NtSetTimerResolution asked for, if anything

    def NtQueryPerformanceCounter(self, thread: Thread, PerformanceCounter: int, PerformanceFrequency: int) -> int:
        space = thread.process.memory
        space.write(PerformanceCounter, struct.pack("<q", performance_counter()))
        if PerformanceFrequency:
            space.write(PerformanceFrequency, struct.pack("<q", QPC_FREQUENCY))
        return NTSTATUS.SUCCESS

    def NtQuerySystemTime(self, thread: Thread, SystemTime: int) -> int:
        thread.process.memory.write(SystemTime, struct.pack("<q", system_time()))
        return NTSTATUS.SUCCESS

    def NtDelayExecution(self, thread: Thread, Alertable: int, DelayInterval: int) -> int:
        """Alertable or not, no APC can arrive to end the delay early: there is no other thread to queue one."""
        (interval,) = struct.unpack("<q", thread.process.memory.read(DelayInterval, 8))
        if interval == INFINITE_INTERVAL:
            raise WaitForever("the guest sleeps forever (NtDelayExecution with an infinite interval) and has no "
                              "other thread to wake it")
        sleep(self.system, interval_seconds(interval))
        return NTSTATUS.SUCCESS

    @property
    def current_resolution(self) -> int:
        return MAXIMUM_RESOLUTION if self.requested_resolution is None else self.requested_resolution

    def NtQueryTimerResolution(self, thread: Thread, MaximumTime: int, MinimumTime: int, CurrentTime: int) -> int:
        """Maximum is the coarsest interval (156250 = 15.625 ms), Minimum the finest (5000 = 0.5 ms)."""
        memory = thread.process.memory
        for address in (MaximumTime, MinimumTime, CurrentTime):
            memory.probe(address, 4, write=True)
        memory.write_u32(MaximumTime, MAXIMUM_RESOLUTION)
        memory.write_u32(MinimumTime, MINIMUM_RESOLUTION)
        memory.write_u32(CurrentTime, self.current_resolution)
        return NTSTATUS.SUCCESS

    def NtSetTimerResolution(self, thread: Thread, DesiredTime: int, SetResolution: int, CurrentTime: int) -> int:
        """Ask for a resolution (clamped to what the timer can do), or withdraw the request.

        Withdrawing a request never made is STATUS_TIMER_RESOLUTION_NOT_SET; CurrentTime gets the resolution
        in force either way, as ExSetTimerResolution reports it. This process is the only one asking.
        """
        memory = thread.process.memory
        memory.probe(CurrentTime, 4, write=True)
        status = NTSTATUS.SUCCESS
        if SetResolution:
            self.requested_resolution = min(MAXIMUM_RESOLUTION, max(MINIMUM_RESOLUTION, DesiredTime))
        elif self.requested_resolution is None:
            status = NTSTATUS.TIMER_RESOLUTION_NOT_SET
        else:
            self.requested_resolution = None
        memory.write_u32(CurrentTime, self.current_resolution)
        return status


SERVICES = (TimeServices.NtQueryPerformanceCounter, TimeServices.NtQuerySystemTime, TimeServices.NtDelayExecution,
            TimeServices.NtQueryTimerResolution, TimeServices.NtSetTimerResolution)
