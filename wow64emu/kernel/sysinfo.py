"""The answers of NtQuerySystemInformation: the machine, the processor, the time of day, the process list.

The machine is a two-processor x64 PC with 8 GB of memory, UTC time zone, no kernel debugger. The emulation
classes (SystemEmulationBasicInformation, SystemEmulationProcessorInformation) give the x86 view that wow64
shows 32-bit callers: their highest user address and an x86 processor. The process list holds the System Idle
Process (pid 0, one thread per processor), System (pid 4) and the emulated process with its one thread.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ..emu.memory import ALLOCATION_GRANULARITY, PAGE, MemType
from ..nt.process import (
    SYSTEM_BASIC_INFORMATION,
    SYSTEM_PROCESS_INFORMATION,
    SYSTEM_PROCESSOR_INFORMATION,
    SYSTEM_THREAD_INFORMATION,
    SYSTEM_TIMEOFDAY_INFORMATION,
)
from .process import AFFINITY_MASK, NORMAL_PRIORITY, PARENT_PID, SYSTEM_PID, ProcessObject
from .time import system_time
from .token import SESSION_ID

if TYPE_CHECKING:
    from ..emu.process import Process

PROCESSORS = 2
TIMER_RESOLUTION = 156_250  # 15.625 ms in 100 ns units
PHYSICAL_PAGES = 0x1FF000  # a little under 8 GB of usable memory
HIGHEST_PHYSICAL_PAGE = 0x27FFFF
PROCESSOR_ARCHITECTURE_INTEL = 0
PROCESSOR_ARCHITECTURE_AMD64 = 9
PROCESSOR_LEVEL = 6  # family 6
PROCESSOR_REVISION = 0x9E0A  # model 0x9E, stepping 10
THREAD_RUNNING, THREAD_WAITING = 2, 5
SYSTEM_THREAD_ID = 8


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


def time_of_day() -> bytes:
    """SYSTEM_TIMEOFDAY_INFORMATION: boot and current time, UTC (bias 0, TIME_ZONE_ID_UNKNOWN)."""
    values = {"BootTime": boot_time(), "CurrentTime": system_time(), "TimeZoneBias": 0, "TimeZoneId": 0,
              "Reserved": 0, "BootTimeBias": 0, "SleepTimeBias": 0}
    return SYSTEM_TIMEOFDAY_INFORMATION.pack(values, 64)


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


def process_entries(current: ProcessObject) -> list[ProcessEntry]:
    process = current.process
    thread = current.thread
    regions = process.memory.regions()
    reserved = sum(r.size for r in regions)
    committed = sum(len(r.committed) for r in regions) * PAGE
    private = sum(len(r.committed) for r in regions if r.type == MemType.PRIVATE) * PAGE
    boot = boot_time()
    idle_threads = [_thread(CreateTime=boot, ThreadState=THREAD_RUNNING) for _ in range(PROCESSORS)]
    system_thread = _thread(CreateTime=boot, UniqueProcess=SYSTEM_PID, UniqueThread=SYSTEM_THREAD_ID,
                            Priority=NORMAL_PRIORITY, BasePriority=NORMAL_PRIORITY, ThreadState=THREAD_WAITING)
    own_thread = _thread(CreateTime=thread.create_time, StartAddress=current.entry_point(),
                         UniqueProcess=process.pid, UniqueThread=process.tid, Priority=thread.priority,
                         BasePriority=thread.base_priority, ThreadState=THREAD_RUNNING)
    return [
        ProcessEntry(_process(CreateTime=0), "", idle_threads),
        ProcessEntry(_process(CreateTime=boot, BasePriority=NORMAL_PRIORITY, UniqueProcessId=SYSTEM_PID),
                     "System", [system_thread]),
        ProcessEntry(_process(CreateTime=current.create_time, BasePriority=NORMAL_PRIORITY,
                              UniqueProcessId=process.pid, InheritedFromUniqueProcessId=PARENT_PID,
                              HandleCount=len(process.handles), SessionId=SESSION_ID,
                              UniqueProcessKey=process.pid, PeakVirtualSize=reserved, VirtualSize=reserved,
                              PeakWorkingSetSize=committed, WorkingSetSize=committed, PagefileUsage=private,
                              PeakPagefileUsage=private, PrivatePageCount=private),
                     process.image_path.rsplit("\\", 1)[-1], [own_thread]),
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
