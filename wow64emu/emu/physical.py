"""Physical memory: the page frames behind every process's pages, shared by all the CPUs of one System.

The frames live in a few large host buffers (anonymous mappings: the host gives them memory only where they are
written). Each CPU maps every buffer once, at the same physical address, so a frame is the same bytes in every
process, as on a real machine: a section's views in two processes share them. Guest virtual addresses reach frames
through the page tables the CPU walks (emu/cpu/paging.py), and the host reaches them here, directly, with no call
into the CPU.

A frame freed is zeroed before it is used again. One that was ever mapped executable is kept aside until every CPU
has dropped the code it translated from it (a CPU's translation cache is keyed by physical address): the System
calls recycle() at a point where no CPU runs, after flushing them.
"""

from __future__ import annotations

import ctypes
import mmap
import struct
from collections.abc import Callable

from ..errors import CommitLimitReached

PAGE = 0x1000
PAGE_SHIFT = 12
DEFAULT_COMMIT_LIMIT = 4 << 30  # --memory-limit's default: what a 32-bit process could ever use, large-address-aware
CHUNK = 0x1000_0000  # 256 MB of physical address space per host buffer
FRAMES_PER_CHUNK = CHUNK >> PAGE_SHIFT


class PhysicalMemory:
    def __init__(self, commit_limit: int = DEFAULT_COMMIT_LIMIT) -> None:
        self.commit_limit = commit_limit  # bytes the guests may commit in all (Windows' commit limit)
        self.committed = 0  # bytes committed now: private pages, page-file sections, pages copied on write
        self._chunks: list[mmap.mmap] = []
        self._hosts: list[int] = []  # the host address of each chunk
        self._views: list[memoryview] = []
        self._on_grow: list[Callable[[int, int, int], None]] = []  # (physical address, size, host address)
        self._next = 1  # frame 0 is never given: physical address 0 stays free of guest data
        self._free: list[int] = []
        self._quarantine: list[int] = []
        self.executable = bytearray()  # per frame: it was mapped executable since it was last freed
        # Per frame, the last page it was mapped at executable, and writable and not executable, since it was freed
        # (AddressSpace._map watches the stores of a frame that has both at two pages)
        self.executable_at: dict[int, int] = {}
        self.writable_at: dict[int, int] = {}

    # ---- CPUs -----------------------------------------------------------------------------------------------

    def attach(self, map_chunk: Callable[[int, int, int], None]) -> None:
        """Call map_chunk(physical address, size, host address) for every buffer, now and as memory grows."""
        self._on_grow.append(map_chunk)
        for i, host in enumerate(self._hosts):
            map_chunk(i * CHUNK, CHUNK, host)

    def detach(self, map_chunk: Callable[[int, int, int], None]) -> None:
        """Stop telling `map_chunk` of new buffers (its CPU is closing)."""
        self._on_grow.remove(map_chunk)

    def _grow(self) -> None:
        buffer = mmap.mmap(-1, CHUNK)
        host = ctypes.addressof(ctypes.c_char.from_buffer(buffer))
        self._chunks.append(buffer)
        self._hosts.append(host)
        self._views.append(memoryview(buffer))
        self.executable += bytes(FRAMES_PER_CHUNK)
        base = (len(self._chunks) - 1) * CHUNK
        for map_chunk in self._on_grow:
            map_chunk(base, CHUNK, host)

    # ---- the commit charge ----------------------------------------------------------------------------------

    def charge(self, size: int) -> None:
        """Commit `size` bytes more, or raise CommitLimitReached: what is committed may all be written, and so
        become host memory, so the limit bounds what a guest can make the host hold."""
        self.check(size)
        self.committed += size

    def check(self, size: int) -> None:
        """Raise CommitLimitReached if `size` bytes more would pass the limit."""
        if self.committed + size > self.commit_limit:
            raise CommitLimitReached(self.commit_limit)

    def uncharge(self, size: int) -> None:
        self.committed -= size

    # ---- frames ---------------------------------------------------------------------------------------------

    @property
    def frames_in_use(self) -> int:
        return self._next - 1 - len(self._free) - len(self._quarantine)

    def allocate(self) -> int:
        """A zero-filled frame."""
        if self._free:
            frame = self._free.pop()
            self.zero(frame)
            return frame
        frame = self._next
        if frame >= len(self._chunks) * FRAMES_PER_CHUNK:
            self._grow()
        self._next += 1
        return frame

    def release(self, frame: int) -> None:
        self.executable_at.pop(frame, None)
        self.writable_at.pop(frame, None)
        if self.executable[frame]:
            self._quarantine.append(frame)
        else:
            self._free.append(frame)

    @property
    def quarantined(self) -> bool:
        return bool(self._quarantine)

    def recycle(self) -> None:
        """Free the frames set aside for their translated code; every CPU has flushed that code before this."""
        for frame in self._quarantine:
            self.executable[frame] = 0
        self._free += self._quarantine
        self._quarantine = []

    # ---- the bytes of frames --------------------------------------------------------------------------------

    def host_address(self, frame: int) -> int:
        return self._hosts[frame // FRAMES_PER_CHUNK] + (frame % FRAMES_PER_CHUNK) * PAGE

    def zero(self, frame: int) -> None:
        ctypes.memset(self.host_address(frame), 0, PAGE)

    def read(self, frame: int, offset: int, size: int) -> bytes:
        """`size` bytes at `offset` in a frame (offset + size at most one page)."""
        start = (frame % FRAMES_PER_CHUNK) * PAGE + offset
        return bytes(self._views[frame // FRAMES_PER_CHUNK][start: start + size])

    def unpack(self, layout: struct.Struct, frame: int, offset: int) -> tuple:
        """layout.unpack of the bytes at `offset` in a frame (offset + layout.size at most one page), with no copy."""
        return layout.unpack_from(self._views[frame // FRAMES_PER_CHUNK], (frame % FRAMES_PER_CHUNK) * PAGE + offset)

    def write(self, frame: int, offset: int, data: bytes | memoryview) -> None:
        start = (frame % FRAMES_PER_CHUNK) * PAGE + offset
        self._views[frame // FRAMES_PER_CHUNK][start: start + len(data)] = data
