"""Offsets of the TEB, PEB and RTL_USER_PROCESS_PARAMETERS in both widths (Windows 10 22H2), and their builders."""

from __future__ import annotations

import struct
from dataclasses import dataclass


@dataclass(frozen=True)
class PebLayout:
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


@dataclass(frozen=True)
class ParamsLayout:
    console_handle: int
    standard_input: int
    current_directory: int  # CURDIR: UNICODE_STRING DosPath, HANDLE Handle
    dll_path: int
    image_path_name: int
    command_line: int
    environment: int
    environment_size: int
    window_title: int  # then DesktopInfo, ShellInfo and RuntimeData: UNICODE_STRINGs one after the other
    size: int
    ptr: str

    @property
    def standard_output(self) -> int:
        return self.standard_input + struct.calcsize("<" + self.ptr)

    @property
    def standard_error(self) -> int:
        return self.standard_input + 2 * struct.calcsize("<" + self.ptr)


PARAMS32 = ParamsLayout(0x10, 0x18, 0x24, 0x30, 0x38, 0x40, 0x48, 0x290, 0x70, 0x2C0, "I")
PARAMS64 = ParamsLayout(0x10, 0x20, 0x38, 0x50, 0x60, 0x70, 0x80, 0x3F0, 0xB0, 0x440, "Q")

# What a console program started from a console finds: no STARTUPINFO flags (WindowFlags, ShowWindowFlags 0),
# the program's path as the title, the interactive desktop, no ShellInfo and no C runtime data (RuntimeData).
DESKTOP = "Winsta0\\Default"

RTL_USER_PROC_PARAMS_NORMALIZED = 0x1
# Bytes of the current directory's buffer: MAX_PATH characters, as Windows gives it, which SetCurrentDirectory
# rewrites in place (guest/kernel32/dospath.c).
CURRENT_DIRECTORY_CAPACITY = 260 * 2


def unicode_string(layout_ptr: str, length: int, buffer: int, maximum: int = 0) -> bytes:
    """UNICODE_STRING with MaximumLength = `maximum`, or by default Length + the terminating NUL."""
    maximum = maximum or length + 2
    if layout_ptr == "I":
        return struct.pack("<HHI", length, maximum, buffer)
    return struct.pack("<HH4xQ", length, maximum, buffer)


class BlockWriter:
    """Lays strings and structures out in one block of guest memory, built in Python and written once."""

    def __init__(self, base: int, size: int) -> None:
        self.base = base
        self.buf = bytearray(size)
        self.top = 0

    def alloc(self, size: int, align: int = 8) -> int:
        self.top = (self.top + align - 1) & ~(align - 1)
        addr = self.base + self.top
        self.top += size
        if self.top > len(self.buf):
            raise ValueError("block too small")
        return addr

    def put(self, addr: int, data: bytes) -> None:
        off = addr - self.base
        self.buf[off: off + len(data)] = data

    def wstr(self, text: str, capacity: int = 0) -> tuple[int, int]:
        """A NUL-terminated UTF-16 string in a buffer of at least `capacity` bytes; returns (address, length in
        bytes without the NUL)."""
        data = text.encode("utf-16-le")
        addr = self.alloc(max(len(data) + 2, capacity), 2)
        self.put(addr, data + b"\0\0")
        return addr, len(data)


@dataclass(frozen=True)
class ParamsStrings:
    image_path: str
    command_line: str
    current_directory: str
    dll_path: str
    environment: list[str]
    window_title: str


def write_params(block: BlockWriter, layout: ParamsLayout, s: ParamsStrings, console: int,
                 std: tuple[int, int, int]) -> int:
    """RTL_USER_PROCESS_PARAMETERS (normalized: pointers are addresses) in one width, with the console connection
    and the standard handles; returns its address."""
    addr = block.alloc(layout.size)
    header = struct.pack("<IIII", layout.size, layout.size, RTL_USER_PROC_PARAMS_NORMALIZED, 0)
    block.put(addr, header)
    ptr = "<" + layout.ptr
    block.put(addr + layout.console_handle, struct.pack(ptr, console))
    for i, handle in enumerate(std):
        block.put(addr + layout.standard_input + i * struct.calcsize(ptr), struct.pack(ptr, handle))
    string_size = len(unicode_string(layout.ptr, 0, 0))
    for offset, text, capacity in ((layout.current_directory, s.current_directory, CURRENT_DIRECTORY_CAPACITY),
                                   (layout.dll_path, s.dll_path, 0), (layout.image_path_name, s.image_path, 0),
                                   (layout.command_line, s.command_line, 0), (layout.window_title, s.window_title, 0),
                                   (layout.window_title + string_size, DESKTOP, 0)):
        buf, length = block.wstr(text, capacity)
        block.put(addr + offset, unicode_string(layout.ptr, length, buf, capacity))
    env = "".join(v + "\0" for v in s.environment) + "\0"
    env_data = env.encode("utf-16-le")
    env_addr = block.alloc(len(env_data), 16)
    block.put(env_addr, env_data)
    block.put(addr + layout.environment, struct.pack(ptr, env_addr))
    block.put(addr + layout.environment_size, struct.pack(ptr, len(env_data)))
    return addr
