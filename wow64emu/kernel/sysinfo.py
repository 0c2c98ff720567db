"""System information: NtQuerySystemInformation and its answers, the processor number and the default languages.

The machine is a two-processor x64 PC with 8 GB of memory, UTC time zone, no kernel debugger. The emulation
classes (SystemEmulationBasicInformation, SystemEmulationProcessorInformation) give the x86 view that wow64
shows 32-bit callers: their highest user address and an x86 processor. The process list holds the System Idle
Process (pid 0, one thread per processor), System (pid 4) and every process of the System with its threads.

Choices where Windows is subtle: NtQuerySystemInformation zeroes ReturnLength first, then checks the class and the
length: exact for SystemBasicInformation, at least the structure for SystemProcessorInformation and
SystemKernelDebuggerInformation, at most the structure for SystemTimeOfDayInformation (a shorter buffer gets that
many bytes of it), exact for SystemCurrentTimeZoneInformation (UTC's RTL_TIME_ZONE_INFORMATION) and
SystemTimeAdjustmentInformation (no adjustment: Enable TRUE, the increment one tick of 15.625 ms). A
SystemProcessInformation buffer too small gets STATUS_INFO_LENGTH_MISMATCH with the length needed.
"""

from __future__ import annotations

import struct
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ..emu.memory import ALLOCATION_GRANULARITY, PAGE, MemType
from ..log import getLogger
from ..nt.process import (
    SYSTEM_BASIC_INFORMATION,
    SYSTEM_PROCESS_INFORMATION,
    SYSTEM_PROCESSOR_INFORMATION,
    SYSTEM_THREAD_INFORMATION,
    SYSTEM_TIMEOFDAY_INFORMATION,
    SystemBasicInformation,
    SystemCurrentTimeZoneInformation,
    SystemEmulationBasicInformation,
    SystemEmulationProcessorInformation,
    SystemKernelDebuggerInformation,
    SystemProcessInformation,
    SystemProcessorInformation,
    SystemTimeAdjustmentInformation,
    SystemTimeOfDayInformation,
)
from ..nt.status import NTSTATUS
from .errors import NtError
from .process import AFFINITY_MASK, SYSTEM_PID, Process
from .shareddata import PROCESSOR_LEVEL, PROCESSOR_REVISION, PROCESSORS
from .threadobject import NORMAL_PRIORITY, Thread
from .time import system_time
from .token import SESSION_ID

if TYPE_CHECKING:
    from .system import System

log = getLogger(__name__)

TIMER_RESOLUTION = 156_250  # 15.625 ms in 100 ns units
PHYSICAL_PAGES = 0x1FF000  # a little under 8 GB of usable memory
HIGHEST_PHYSICAL_PAGE = 0x27FFFF
PROCESSOR_ARCHITECTURE_INTEL = 0
PROCESSOR_ARCHITECTURE_AMD64 = 9
THREAD_RUNNING, THREAD_WAITING = 2, 5
SYSTEM_THREAD_ID = 8
LANGUAGE_EN_US = 0x0409  # the default locale, UI language and install language
KERNEL_DEBUGGER_ABSENT = bytes([0, 1])  # KernelDebuggerEnabled FALSE, KernelDebuggerNotPresent TRUE

# How a system information class takes its length: exactly its size, at least, at most (a prefix of it).
EXACT, MINIMUM, PREFIX, VARIABLE = range(4)


def basic_information(process: Process, emulated: bool) -> bytes:
    """SYSTEM_BASIC_INFORMATION (64-bit layout); `emulated` gives the x86 view of the caller's process."""
    highest = process.highest_address32 if emulated else process.memory.user_high
    values = {"Reserved": 0, "TimerResolution": TIMER_RESOLUTION, "PageSize": PAGE,
              "NumberOfPhysicalPages": PHYSICAL_PAGES, "LowestPhysicalPageNumber": 1,
              "HighestPhysicalPageNumber": HIGHEST_PHYSICAL_PAGE, "AllocationGranularity": ALLOCATION_GRANULARITY,
              "MinimumUserModeAddress": process.memory.user_low, "MaximumUserModeAddress": highest,
              "ActiveProcessorsAffinityMask": AFFINITY_MASK, "NumberOfProcessors": PROCESSORS}
    return SYSTEM_BASIC_INFORMATION.pack(values, 64)


def processor_information(emulated: bool) -> bytes:
    """SYSTEM_PROCESSOR_INFORMATION; no processor feature bits are reported."""
    values = {"ProcessorArchitecture": PROCESSOR_ARCHITECTURE_INTEL if emulated else PROCESSOR_ARCHITECTURE_AMD64,
              "ProcessorLevel": PROCESSOR_LEVEL, "ProcessorRevision": PROCESSOR_REVISION,
              "MaximumProcessors": PROCESSORS, "ProcessorFeatureBits": 0}
    return SYSTEM_PROCESSOR_INFORMATION.pack(values, 64)


def boot_time() -> int:
    """The system time at boot: KUSER_SHARED_DATA's interrupt time counts from the host's monotonic origin."""
    return system_time() - time.monotonic_ns() // 100


UTC_NAME = "Coordinated Universal Time"


def time_zone() -> bytes:
    """RTL_TIME_ZONE_INFORMATION (172 bytes, the same in both widths) of Windows' UTC zone: no bias, no daylight
    time (the transition dates zero), both names "Coordinated Universal Time"."""
    name = UTC_NAME.encode("utf-16-le").ljust(64, b"\0")
    no_date = bytes(16)  # SYSTEMTIME
    return struct.pack("<i", 0) + name + no_date + struct.pack("<i", 0) + name + no_date + struct.pack("<i", 0)


def time_of_day() -> bytes:
    """SYSTEM_TIMEOFDAY_INFORMATION: boot and current time, UTC (bias 0, TIME_ZONE_ID_UNKNOWN)."""
    values = {"BootTime": boot_time(), "CurrentTime": system_time(), "TimeZoneBias": 0, "TimeZoneId": 0,
              "Reserved": 0, "BootTimeBias": 0, "SleepTimeBias": 0}
    return SYSTEM_TIMEOFDAY_INFORMATION.pack(values, 64)


def time_adjustment() -> bytes:
    """SYSTEM_QUERY_TIME_ADJUST_INFORMATION (12 bytes in both widths): TimeAdjustment and TimeIncrement one clock
    tick, Enable TRUE, which there means that no adjustment is made (the clock follows its own time service)."""
    return struct.pack("<IIB3x", TIMER_RESOLUTION, TIMER_RESOLUTION, 1)


# ---- SystemProcessInformation ------------------------------------------------------------------------------

@dataclass
class ProcessEntry:
    """What one SYSTEM_PROCESS_INFORMATION record says; `threads` holds field values of its thread records."""

    fields: dict[str, int]
    name: str = ""
    threads: list[dict[str, int]] = field(default_factory=list)


def _zeroed(layout_fields: tuple, **values: int) -> dict[str, int]:
    out = {f.name: 0 for f in layout_fields}
    out.update(values)
    return out


def _thread(**values: int) -> dict[str, int]:
    return _zeroed(SYSTEM_THREAD_INFORMATION.fields, **values)


def _process(**values: int) -> dict[str, int]:
    return _zeroed(SYSTEM_PROCESS_INFORMATION.fields, **values)


def _process_entry(process: Process) -> ProcessEntry:
    regions = process.memory.regions()
    reserved = sum(r.size for r in regions)
    committed = sum(len(r.committed) for r in regions) * PAGE
    private = sum(len(r.committed) for r in regions if r.type == MemType.PRIVATE) * PAGE
    threads = [_thread(CreateTime=t.create_time, StartAddress=process.entry_point(), UniqueProcess=process.pid,
                       UniqueThread=t.tid, Priority=t.priority, BasePriority=t.base_priority,
                       ThreadState=THREAD_RUNNING if t is process.running else THREAD_WAITING)
               for t in process.live]
    return ProcessEntry(_process(CreateTime=process.create_time, BasePriority=process.base_priority,
                                 UniqueProcessId=process.pid, InheritedFromUniqueProcessId=process.parent_pid,
                                 HandleCount=len(process.handles), SessionId=SESSION_ID,
                                 UniqueProcessKey=process.pid, PeakVirtualSize=reserved, VirtualSize=reserved,
                                 PeakWorkingSetSize=committed, WorkingSetSize=committed, PagefileUsage=private,
                                 PeakPagefileUsage=private, PrivatePageCount=private),
                        process.image_path.rsplit("\\", 1)[-1], threads)


def process_entries(system: System) -> list[ProcessEntry]:
    """The Idle process, System, then every live process of the System in the order they were created."""
    boot = boot_time()
    idle_threads = [_thread(CreateTime=boot, ThreadState=THREAD_RUNNING) for _ in range(PROCESSORS)]
    system_thread = _thread(CreateTime=boot, UniqueProcess=SYSTEM_PID, UniqueThread=SYSTEM_THREAD_ID,
                            Priority=NORMAL_PRIORITY, BasePriority=NORMAL_PRIORITY, ThreadState=THREAD_WAITING)
    return [
        ProcessEntry(_process(CreateTime=0), "", idle_threads),
        ProcessEntry(_process(CreateTime=boot, BasePriority=NORMAL_PRIORITY, UniqueProcessId=SYSTEM_PID),
                     "System", [system_thread]),
        *(_process_entry(p) for p in system.processes.values() if p.exit_status is None),
    ]


def process_records(entries: list[ProcessEntry], buffer: int) -> bytes:
    """The records in the 64-bit layout, to be written at `buffer`: each one followed by its thread records and
    its image name, 8-byte aligned; NextEntryOffset 0 on the last."""
    out = bytearray()
    for i, entry in enumerate(entries):
        start = len(out)
        name = entry.name.encode("utf-16-le")
        name_at = (start + SYSTEM_PROCESS_INFORMATION.size(64)
                   + len(entry.threads) * SYSTEM_THREAD_INFORMATION.size(64))
        end = name_at + (len(name) + 2 if name else 0)
        end += -end % 8
        values = dict(entry.fields, NumberOfThreads=len(entry.threads),
                      NumberOfThreadsHighWatermark=len(entry.threads),
                      NextEntryOffset=end - start if i + 1 < len(entries) else 0,
                      ImageNameLength=len(name), ImageNameMaximumLength=len(name) + 2 if name else 0,
                      ImageNameBuffer=buffer + name_at if name else 0)
        out += SYSTEM_PROCESS_INFORMATION.pack(values, 64)
        for thread in entry.threads:
            out += SYSTEM_THREAD_INFORMATION.pack(thread, 64)
        if name:
            out += name + b"\0\0"
        out += bytes(end - len(out))
    return bytes(out)


class SystemServices:
    def __init__(self, system: System) -> None:
        self.system = system

    def NtQuerySystemInformation(self, thread: Thread, SystemInformationClass: int, SystemInformation: int,
                                 SystemInformationLength: int, ReturnLength: int) -> int:
        """The classes of _CLASSES; every other class is STATUS_INVALID_INFO_CLASS (logged)."""
        memory = thread.process.memory
        if ReturnLength:
            memory.write_u32(ReturnLength, 0)
        entry = _CLASSES.get(SystemInformationClass)
        if entry is None:
            log.warning("NtQuerySystemInformation: information class %d is unknown or not implemented",
                        SystemInformationClass)
            raise NtError(NTSTATUS.INVALID_INFO_CLASS)
        rule, answer = entry
        data = answer(thread, SystemInformation)
        length = SystemInformationLength
        fits = {EXACT: length == len(data), MINIMUM: length >= len(data), PREFIX: length <= len(data),
                VARIABLE: length >= len(data)}[rule]
        if not fits:
            if rule == VARIABLE and ReturnLength:
                memory.write_u32(ReturnLength, len(data))
            raise NtError(NTSTATUS.INFO_LENGTH_MISMATCH)
        if rule == PREFIX:
            data = data[:length]
        memory.write(SystemInformation, data)
        if ReturnLength:
            memory.write_u32(ReturnLength, len(data))
        return NTSTATUS.SUCCESS

    def NtGetCurrentProcessorNumber(self, thread: Thread) -> int:
        """The number of the processor the thread runs on (not a status): always the first."""
        return 0

    def NtQueryDefaultLocale(self, thread: Thread, UserProfile: int, DefaultLocaleId: int) -> int:
        thread.process.memory.write_u32(DefaultLocaleId, LANGUAGE_EN_US)
        return NTSTATUS.SUCCESS

    def NtQueryDefaultUILanguage(self, thread: Thread, DefaultUILanguageId: int) -> int:
        thread.process.memory.write(DefaultUILanguageId, struct.pack("<H", LANGUAGE_EN_US))
        return NTSTATUS.SUCCESS

    def NtQueryInstallUILanguage(self, thread: Thread, InstallUILanguageId: int) -> int:
        thread.process.memory.write(InstallUILanguageId, struct.pack("<H", LANGUAGE_EN_US))
        return NTSTATUS.SUCCESS


SERVICES = (SystemServices.NtQuerySystemInformation, SystemServices.NtGetCurrentProcessorNumber,
            SystemServices.NtQueryDefaultLocale, SystemServices.NtQueryDefaultUILanguage,
            SystemServices.NtQueryInstallUILanguage)

# class -> (how it takes its length, what answers it: (the calling thread, buffer) -> the 64-bit bytes)
_CLASSES: dict[int, tuple[int, Callable[[Thread, int], bytes]]] = {
    SystemBasicInformation: (EXACT, lambda t, _b: basic_information(t.process, False)),
    SystemProcessorInformation: (MINIMUM, lambda _t, _b: processor_information(False)),
    SystemTimeOfDayInformation: (PREFIX, lambda _t, _b: time_of_day()),
    SystemCurrentTimeZoneInformation: (EXACT, lambda _t, _b: time_zone()),
    SystemTimeAdjustmentInformation: (EXACT, lambda _t, _b: time_adjustment()),
    SystemProcessInformation: (VARIABLE, lambda t, b: process_records(process_entries(t.process.system), b)),
    SystemKernelDebuggerInformation: (MINIMUM, lambda _t, _b: KERNEL_DEBUGGER_ABSENT),
    SystemEmulationBasicInformation: (EXACT, lambda t, _b: basic_information(t.process, True)),
    SystemEmulationProcessorInformation: (MINIMUM, lambda _t, _b: processor_information(True)),
}
