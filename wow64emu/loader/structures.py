"""Offsets of the PEB in both widths (Windows 10 22H2), and what process creation writes into new processes' structures
(RTL_USER_PROCESS_PARAMETERS: nt/params.py)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class PebLayout:
    """Offsets of the PEB's fields in one width."""

    image_base: int
    ldr: int
    process_parameters: int
    process_heap: int
    api_set_map: int
    number_of_processors: int
    os_major: int
    os_minor: int
    os_build: int
    os_platform_id: int
    image_subsystem: int
    heap_segment_reserve: int  # then HeapSegmentCommit, HeapDeCommitTotalFreeThreshold, HeapDeCommitFreeBlockThreshold
    number_of_heaps: int  # then MaximumNumberOfHeaps (ULONGs) and ProcessHeaps
    size: int  # sizeof(PEB): the kernel puts the ProcessHeaps array right after it, in the same page
    ptr: str


PEB32 = PebLayout(0x08, 0x0C, 0x10, 0x18, 0x38, 0x64, 0xA4, 0xA8, 0xAC, 0xB0, 0xB4, 0x78, 0x88, 0x480, "I")
PEB64 = PebLayout(0x10, 0x18, 0x20, 0x30, 0x68, 0xB8, 0x118, 0x11C, 0x120, 0x124, 0x128, 0xC8, 0xE8, 0x7C8, "Q")
# MmCreatePeb's heap defaults (MmHeapSegmentReserve, MmHeapSegmentCommit, MmHeapDeCommitTotalFreeThreshold,
# MmHeapDeCommitFreeBlockThreshold): 1 MB, two pages, 64 KB, one page.
HEAP_DEFAULTS = (0x100000, 0x2000, 0x10000, 0x1000)


# What a console program started from a console finds: no STARTUPINFO flags (WindowFlags, ShowWindowFlags 0),
# the program's path as the title, the interactive desktop, no ShellInfo and no C runtime data (RuntimeData).
DESKTOP = "Winsta0\\Default"
