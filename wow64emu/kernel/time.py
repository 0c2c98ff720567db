"""Time services: the performance counter, the system time, the timer resolution, delays, the lifetimes (creation,
exit and CPU times) of processes and threads. The clock is the host's, which the guest cannot set.

Timeouts and delay intervals are LARGE_INTEGERs in 100 ns units: negative relative, positive an absolute system
time, zero a poll. A delay or wait really takes its time on the host: the thread waits in the scheduler
(scheduler.py), which ends a wait nothing can end with WaitForever.
"""

from __future__ import annotations

import os
import struct
import time as _time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ..log import getLogger
from ..nt.status import NTSTATUS
from .errors import NtError
from .token import check_privilege
from .waits import WaitBlock, block

if TYPE_CHECKING:
    from ..emu.memory import AddressSpace
    from .system import System
    from .threadobject import Thread

log = getLogger(__name__)

QPC_FREQUENCY = 10_000_000  # Windows 10 on current hardware: 10 MHz
EPOCH_1601_TO_1970 = 116_444_736_000_000_000  # 100 ns intervals
INFINITE_INTERVAL = -0x8000000000000000  # what kernelbase passes for Sleep(INFINITE)

# Timer resolutions of Windows 10 (100 ns units): the coarsest, the finest, and the default.
MAXIMUM_RESOLUTION = 156_250
MINIMUM_RESOLUTION = 5_000


def system_time() -> int:
    """The current time as Windows counts it: 100 ns intervals since 1601-01-01 UTC."""
    return EPOCH_1601_TO_1970 + _time.time_ns() // 100


def cpu_times() -> tuple[int, int]:
    """The host CPU time the emulator has used so far, (kernel, user), in 100 ns units: the guest's time is spent
    there, in the emulator's system calls and in its own user-mode code."""
    times = os.times()
    return round(times.system * 10_000_000), round(times.user * 10_000_000)


KERNEL_USER_TIMES_SIZE = 32


@dataclass
class Lifetime:
    """When a process or a thread began and ended, and the host CPU time it used: its KERNEL_USER_TIMES.

    The creation and exit times are system times; the kernel and user times are what the host spent from the
    creation to the exit (or to now), which Windows would count in clock ticks of the same order.
    """

    create_time: int = field(default_factory=system_time)
    exit_time: int = 0
    cpu_at_start: tuple[int, int] = field(default_factory=cpu_times)
    cpu_at_exit: tuple[int, int] | None = None

    def end(self) -> None:
        """The object ended now: its exit time and CPU times stop."""
        if self.cpu_at_exit is None:
            self.exit_time = system_time()
            self.cpu_at_exit = cpu_times()

    def kernel_user_times(self) -> bytes:
        """KERNEL_USER_TIMES (the same in both widths): CreateTime, ExitTime (0 while alive), KernelTime,
        UserTime."""
        now = self.cpu_at_exit or cpu_times()
        kernel, user = (max(0, a - b) for a, b in zip(now, self.cpu_at_start, strict=True))
        return struct.pack("<qqqq", self.create_time, self.exit_time, kernel, user)


def performance_counter() -> int:
    return _time.perf_counter_ns() // 100


def interval_seconds(interval: int) -> float:
    """How long from now a LARGE_INTEGER interval lasts, in seconds (an absolute time past is 0)."""
    ticks = -interval if interval < 0 else max(0, interval - system_time())
    return ticks / 10_000_000


def read_timeout(memory: AddressSpace, address: int) -> float | None:
    """The deadline, on the host's monotonic clock, of a wait's optional timeout; None for none (a NULL pointer:
    wait forever)."""
    if not address:
        return None
    (interval,) = struct.unpack("<q", memory.read(address, 8))
    return _time.monotonic() + interval_seconds(interval)


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

    def NtSetSystemTime(self, thread: Thread, SystemTime: int, PreviousTime: int) -> int:
        """Setting the clock needs SeSystemtimePrivilege, which the emulated standard user's token lacks: the
        pointers are probed (STATUS_ACCESS_VIOLATION), then the call is STATUS_PRIVILEGE_NOT_HELD. The host's
        clock is never the guest's to set: for an elevated administrator's token, which holds the privilege, the
        call is STATUS_NOT_IMPLEMENTED, with a log line."""
        memory = thread.process.memory
        if SystemTime:
            memory.probe(SystemTime, 8)
        if PreviousTime:
            memory.probe(PreviousTime, 8, write=True)
        check_privilege(thread.effective_token(), "SeSystemtimePrivilege")
        log.warning("NtSetSystemTime: the clock is the host's, which the guest may not set")
        raise NtError(NTSTATUS.NOT_IMPLEMENTED)

    def NtDelayExecution(self, thread: Thread, Alertable: int, DelayInterval: int) -> int:
        """Alertable or not, no APC is queued to end the delay early (APCs are not emulated)."""
        (interval,) = struct.unpack("<q", thread.process.memory.read(DelayInterval, 8))
        seconds = interval_seconds(interval)
        if seconds <= 0:  # Sleep(0): the rest of the time slice goes to another thread that can run
            thread.yielding = True
            return NTSTATUS.SUCCESS
        deadline = None if interval == INFINITE_INTERVAL else _time.monotonic() + seconds
        return block(thread, WaitBlock("NtDelayExecution", [], False, deadline, NTSTATUS.SUCCESS))

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


SERVICES = (TimeServices.NtQueryPerformanceCounter, TimeServices.NtQuerySystemTime, TimeServices.NtSetSystemTime,
            TimeServices.NtDelayExecution,
            TimeServices.NtQueryTimerResolution, TimeServices.NtSetTimerResolution)
