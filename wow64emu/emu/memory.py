"""The address space of one emulated process: regions (allocations), their pages, and Unicorn's mappings.

Every region is one allocation as Windows counts them (a reservation of private memory, a view, an image). Pages
inside it are reserved or committed with a protection. Unicorn maps exactly the committed pages, so the CPU faults
on reserved or free memory as Windows' would. Guest pointers that the kernel or the thunks touch are probed here
against the same bookkeeping, which also enforces protections that Unicorn's own mem_write API would ignore.

A view is a region over SharedMemory (a section's pages): Unicorn maps each of its committed pages onto the one
host buffer of that memory (mem_map_ptr), so two views of one section share their bytes, and a page committed
through one view is committed in every view, as the section's commitment is.
"""

from __future__ import annotations

import ctypes
import mmap
import struct
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from enum import IntEnum

from unicorn import UC_PROT_ALL, UC_PROT_EXEC, UC_PROT_NONE, UC_PROT_READ, UC_PROT_WRITE, Uc, UcError

from ..errors import GuestFault
from .uclib import Memory
from .vad import VadTree

PAGE = 0x1000
ALLOCATION_GRANULARITY = 0x10000


class MemType(IntEnum):
    PRIVATE = 0x20000
    MAPPED = 0x40000
    IMAGE = 0x1000000


class MemState(IntEnum):
    COMMIT = 0x1000
    RESERVE = 0x2000
    FREE = 0x10000


class Prot(IntEnum):
    NOACCESS = 0x01
    READONLY = 0x02
    READWRITE = 0x04
    WRITECOPY = 0x08
    EXECUTE = 0x10
    EXECUTE_READ = 0x20
    EXECUTE_READWRITE = 0x40
    EXECUTE_WRITECOPY = 0x80


_PROT_BASE_MASK = 0xFF
_PAGE_GUARD = 0x100
_PAGE_NOCACHE = 0x200
_PAGE_WRITECOMBINE = 0x400

_TO_UC = {
    Prot.NOACCESS: UC_PROT_NONE,
    Prot.READONLY: UC_PROT_READ,
    Prot.READWRITE: UC_PROT_READ | UC_PROT_WRITE,
    Prot.WRITECOPY: UC_PROT_READ | UC_PROT_WRITE,
    Prot.EXECUTE: UC_PROT_EXEC | UC_PROT_READ,
    Prot.EXECUTE_READ: UC_PROT_EXEC | UC_PROT_READ,
    Prot.EXECUTE_READWRITE: UC_PROT_ALL,
    Prot.EXECUTE_WRITECOPY: UC_PROT_ALL,
}


def valid_protection(prot: int) -> bool:
    """A PAGE_* value Windows accepts: exactly one base protection, modifiers only on accessible pages."""
    base = prot & _PROT_BASE_MASK
    if prot & ~(_PROT_BASE_MASK | _PAGE_GUARD | _PAGE_NOCACHE | _PAGE_WRITECOMBINE):
        return False
    if base not in _TO_UC:
        return False
    return not (base == Prot.NOACCESS and prot & ~_PROT_BASE_MASK)


# The protections a page may take in a view mapped (or of a section created) with a protection; write-copy ones
# only read what they map, so read-only memory allows them (Windows' MmCompatibleProtectionMask).
_READ_SIDE = {Prot.NOACCESS, Prot.READONLY, Prot.WRITECOPY}
_EXECUTE_SIDE = _READ_SIDE | {Prot.EXECUTE, Prot.EXECUTE_READ, Prot.EXECUTE_WRITECOPY}
_COMPATIBLE = {
    Prot.NOACCESS: {Prot.NOACCESS},
    Prot.READONLY: _READ_SIDE,
    Prot.WRITECOPY: _READ_SIDE,
    Prot.READWRITE: _READ_SIDE | {Prot.READWRITE},
    Prot.EXECUTE: {Prot.NOACCESS, Prot.EXECUTE},
    Prot.EXECUTE_READ: _EXECUTE_SIDE,
    Prot.EXECUTE_WRITECOPY: _EXECUTE_SIDE,
    Prot.EXECUTE_READWRITE: set(Prot),
}


def compatible_protection(allowed: int, protect: int) -> bool:
    """Whether memory mapped with protection `allowed` may take `protect` (both valid protections)."""
    return Prot(protect & _PROT_BASE_MASK) in _COMPATIBLE[Prot(allowed & _PROT_BASE_MASK)]


def is_writecopy(prot: int) -> bool:
    return (prot & _PROT_BASE_MASK) in (Prot.WRITECOPY, Prot.EXECUTE_WRITECOPY)


def uc_prot(prot: int) -> int:
    """What the CPU may do on a page. A guard page faults on any access (the one-shot
    STATUS_GUARD_PAGE_VIOLATION that lifts the guard is not emulated: the access stays a fault)."""
    if prot & _PAGE_GUARD:
        return UC_PROT_NONE
    return _TO_UC[Prot(prot & _PROT_BASE_MASK)]


def readable(prot: int) -> bool:
    return bool(uc_prot(prot) & UC_PROT_READ) and not prot & _PAGE_GUARD


def writable(prot: int) -> bool:
    return bool(uc_prot(prot) & UC_PROT_WRITE) and not prot & _PAGE_GUARD


_MODIFIERS = (0, _PAGE_NOCACHE, _PAGE_WRITECOMBINE)
_RECENT = 4  # regions the probe remembers
_READABLE = frozenset(p | m for p in _TO_UC for m in _MODIFIERS if readable(p | m))
_WRITABLE = frozenset(p | m for p in _TO_UC for m in _MODIFIERS if writable(p | m))


def page_down(addr: int) -> int:
    return addr & ~(PAGE - 1)


def page_up(addr: int) -> int:
    return (addr + PAGE - 1) & ~(PAGE - 1)


def _page_runs(pages: Iterable[int]) -> Iterator[tuple[int, int]]:
    """[start, end) runs of consecutive pages, from ascending page addresses."""
    start = end = -1
    for page in pages:
        if page != end:
            if start >= 0:
                yield start, end
            start = page
        end = page + PAGE
    if start >= 0:
        yield start, end


class SharedMemory:
    """Pages that several views share (a section's): one page-aligned host buffer, and which pages are committed.

    Unicorn maps views straight onto the buffer, so the object must live as long as any view: regions hold it.
    """

    def __init__(self, size: int, committed: bool, file_backed: bool = False) -> None:
        self.size = page_up(size)
        self.file_backed = file_backed  # the pages are a file's: committed whole, written back to it
        self._buffer = mmap.mmap(-1, self.size)  # anonymous: zero-filled, page-aligned, allocated lazily by the host
        self._pin = ctypes.c_char.from_buffer(self._buffer)  # keeps the buffer where Unicorn maps it
        self.address = ctypes.addressof(self._pin)
        self.fully_committed = committed
        self._committed: set[int] = set()  # page offsets, when not fully committed

    def is_committed(self, offset: int) -> bool:
        return self.fully_committed or offset in self._committed

    def commit(self, start: int, end: int) -> list[int]:
        """Commit the pages of [start, end) (offsets); returns those that were not committed before."""
        if self.fully_committed:
            return []
        fresh = [o for o in range(start, end, PAGE) if o not in self._committed]
        self._committed.update(fresh)
        return fresh

    def read(self, offset: int, size: int) -> bytes:
        return self._buffer[offset: offset + size]

    def write(self, offset: int, data: bytes) -> None:
        self._buffer[offset: offset + len(data)] = data

    def copy(self) -> SharedMemory:
        """A private copy: same bytes, same commitment (what a copy-on-write view starts from)."""
        twin = SharedMemory(self.size, self.fully_committed, self.file_backed)
        twin._committed = set(self._committed)
        twin._buffer[:] = self._buffer
        return twin


@dataclass
class Region:
    """One allocation: [base, base + size), all pages reserved, some committed with a protection."""

    base: int
    size: int
    type: MemType
    allocation_protect: int
    name: str = ""
    committed: dict[int, int] = field(default_factory=dict)  # page address -> PAGE_* protection
    shared: SharedMemory | None = None  # a view: the memory its pages are, from `offset` on
    offset: int = 0
    owner: object | None = None  # what the kernel maps in a view (its section), as a VAD points to it

    @property
    def end(self) -> int:
        return self.base + self.size

    def contains(self, addr: int) -> bool:
        return self.base <= addr < self.end


@dataclass(frozen=True)
class RegionInfo:
    """What NtQueryVirtualMemory(MemoryBasicInformation) tells of one run of like pages."""

    base: int
    allocation_base: int
    allocation_protect: int
    size: int
    state: MemState
    protect: int
    type: int


class AddressSpace:
    """Regions of one process, in a VAD tree, and the Unicorn mappings of their committed pages."""

    def __init__(self, uc: Uc, user_low: int = 0x10000, user_high: int = 0x7FFF_FFFE_FFFF) -> None:
        self.uc = uc
        self.user_low = user_low
        self.user_high = user_high  # highest user address, inclusive
        self._vad: VadTree[Region] = VadTree()  # the regions, as Windows keeps them: an AVL tree by address
        self._direct = Memory(uc)  # guest reads and writes, once probed, in one native call each
        # Most probes fall in a region a recent one did (the 32-bit stack, the thunk arena, the 64-bit stack).
        self._recent: list[Region] = []

    # ---- lookup ---------------------------------------------------------------------------------------

    def regions(self) -> list[Region]:
        return list(self._vad)

    def with_levels(self) -> list[tuple[Region, int]]:
        """Every region in address order with its level (depth) in the VAD tree, as !vad shows it."""
        return list(self._vad.nodes_with_levels())

    def check(self) -> None:
        """Verify the VAD tree's invariants (VadTreeCorrupt if one is broken)."""
        self._vad.check()

    def region_at(self, addr: int) -> Region | None:
        return self._vad.find(addr)

    def is_free(self, base: int, size: int) -> bool:
        return self._vad.is_free(base, size)

    def find_free(self, size: int, *, low: int | None = None, high: int | None = None,
                  top_down: bool = False, align: int = ALLOCATION_GRANULARITY) -> int | None:
        """The lowest (or highest) aligned base of a free range of `size` bytes inside [low, high]."""
        low = max(self.user_low, low if low is not None else self.user_low)
        high = min(self.user_high, high if high is not None else self.user_high)
        if top_down:
            for lo, hi in self._vad.gaps_reversed(low, high):
                base = (hi + 1 - size) & ~(align - 1)
                if base >= lo and hi + 1 - size >= 0:
                    return base
        else:
            for lo, hi in self._vad.gaps(low, high):
                base = (lo + align - 1) & ~(align - 1)
                if base + size - 1 <= hi:
                    return base
        return None

    # ---- changes --------------------------------------------------------------------------------------

    def reserve(self, base: int, size: int, mem_type: MemType, protect: int, name: str = "") -> Region:
        """Add a region of reserved pages at a page-aligned base; the range must be free."""
        assert base % PAGE == 0 and size % PAGE == 0 and size > 0, (hex(base), hex(size))
        if not self.is_free(base, size):
            raise ValueError(f"range 0x{base:x}+0x{size:x} is not free")
        region = Region(base, size, mem_type, protect, name)
        self._vad.insert(region)
        return region

    def commit(self, base: int, size: int, protect: int) -> None:
        """Commit (or re-protect) the pages of [base, base+size); they must lie in one region.

        In a view the pages are committed in its shared memory, so they appear in the other views of that memory
        too, there with the protection of those views.
        """
        region = self._region_spanning(base, size)
        shared = region.shared
        if shared is not None:
            start = region.offset + base - region.base
            fresh = shared.commit(start, start + size)
            for view in self._vad:
                if view.shared is shared and view is not region:
                    self._show_committed(view, fresh)
        self._commit_pages(region, base, base + size, protect)

    def map_view(self, base: int, size: int, shared: SharedMemory, offset: int, protect: int, owner: object,
                 name: str = "") -> Region:
        """A view of `shared` from `offset` at `base` (a free range): the pages committed there are mapped."""
        region = self.reserve(base, size, MemType.MAPPED, protect, name)
        region.shared, region.offset, region.owner = shared, offset, owner
        self._show_committed(region, [o for o in range(offset, offset + size, PAGE) if shared.is_committed(o)])
        return region

    def _show_committed(self, view: Region, offsets: list[int]) -> None:
        """Map the pages of a view at these ascending offsets of its shared memory, with the view's protection."""
        lo, hi = view.offset, view.offset + view.size
        for start, end in _page_runs(o for o in offsets if lo <= o < hi):
            self._commit_pages(view, view.base + start - lo, view.base + end - lo, view.allocation_protect)

    def _commit_pages(self, region: Region, start: int, end: int, protect: int) -> None:
        ucp = uc_prot(protect)
        for run_start, run_end, was_committed in self._runs(region, start, end):
            if was_committed:
                self.uc.mem_protect(run_start, run_end - run_start, ucp)
            elif region.shared is None:
                self.uc.mem_map(run_start, run_end - run_start, ucp)
            else:
                host = region.shared.address + region.offset + run_start - region.base
                self.uc.mem_map_ptr(run_start, run_end - run_start, ucp, host)
        for page in range(start, end, PAGE):
            region.committed[page] = protect

    def protect(self, base: int, size: int, protect: int) -> int:
        """Change the protection of committed pages; returns the old protection of the first page."""
        region = self._region_spanning(base, size)
        old = region.committed[base]
        self.uc.mem_protect(base, size, uc_prot(protect))
        for page in range(base, base + size, PAGE):
            region.committed[page] = protect
        return old

    def decommit(self, base: int, size: int) -> None:
        region = self._region_spanning(base, size)
        for run_start, run_end, was_committed in self._runs(region, base, base + size):
            if was_committed:
                self.uc.mem_unmap(run_start, run_end - run_start)
        for page in range(base, base + size, PAGE):
            region.committed.pop(page, None)

    def release(self, region: Region) -> None:
        self.decommit(region.base, region.size)
        self._vad.remove(region)
        self._recent = []

    def map_committed(self, base: int, size: int, mem_type: MemType, protect: int, name: str = "") -> Region:
        """Reserve and commit in one step (system structures, stacks, images before their sections)."""
        region = self.reserve(base, size, mem_type, protect, name)
        self.commit(base, size, protect)
        return region

    def _region_spanning(self, base: int, size: int) -> Region:
        region = self.region_at(base)
        if region is None or base + size > region.end:
            raise ValueError(f"range 0x{base:x}+0x{size:x} is not inside one region")
        return region

    @staticmethod
    def _runs(region: Region, start: int, end: int):
        """Maximal runs of pages in [start, end) that are all committed or all not."""
        run_start = start
        state = start in region.committed
        for page in range(start + PAGE, end, PAGE):
            s = page in region.committed
            if s != state:
                yield run_start, page, state
                run_start, state = page, s
        yield run_start, end, state

    # ---- query ----------------------------------------------------------------------------------------

    def query(self, addr: int) -> RegionInfo:
        """MemoryBasicInformation from the page of `addr` on: the run of pages like it that starts there
        (Windows scans forward only), or the free range up to the next allocation."""
        page = page_down(addr)
        region = self.region_at(page)
        if region is None:
            following = self._vad.ceiling(page)
            nxt = following.base if following is not None else self.user_high + 1
            return RegionInfo(page, 0, 0, nxt - page, MemState.FREE, Prot.NOACCESS, 0)
        prot = region.committed.get(page)
        end = page + PAGE
        while end < region.end and region.committed.get(end) == prot:
            end += PAGE
        state = MemState.RESERVE if prot is None else MemState.COMMIT
        return RegionInfo(page, region.base, region.allocation_protect, end - page, state, prot or 0, region.type)

    # ---- guest access ---------------------------------------------------------------------------------

    def probe(self, addr: int, size: int, write: bool = False) -> None:
        """Raise GuestFault unless [addr, addr+size) is committed and readable (or writable)."""
        if size <= 0:
            return
        last = addr + size - 1
        if addr < 0 or last > self.user_high:
            raise GuestFault(addr, write)
        for region in self._recent:
            if region.base <= addr and last < region.base + region.size:
                break
        else:
            region = self.region_at(addr)
            if region is None or last >= region.end:
                self._probe_regions(addr, size, write)
                return
            self._recent = [region, *self._recent[:_RECENT - 1]]
        allowed = _WRITABLE if write else _READABLE
        committed = region.committed
        page = addr & ~(PAGE - 1)
        while page <= last:
            if committed.get(page) not in allowed:
                raise GuestFault(max(page, addr), write)
            page += PAGE

    def _probe_regions(self, addr: int, size: int, write: bool) -> None:
        """The probe of a range that spans regions (or leaves the one it starts in)."""
        page = page_down(addr)
        last = page_down(addr + size - 1)
        region = None
        while page <= last:
            if region is None or not region.contains(page):
                region = self.region_at(page)
                if region is None:
                    raise GuestFault(max(page, addr), write)
            prot = region.committed.get(page)
            if prot is None or not (writable(prot) if write else readable(prot)):
                raise GuestFault(max(page, addr), write)
            page += PAGE

    def accessible(self, addr: int, size: int, write: bool = False) -> int:
        """How many of the `size` bytes from `addr` on can be read (or written) before the first page that cannot."""
        try:
            self.probe(addr, size, write)
        except GuestFault as fault:
            return fault.address - addr
        return size

    def flush_code(self, addr: int, size: int) -> None:
        """Drop what the CPU translated from [addr, addr+size), after a write that was not the CPU's own."""
        self.uc.ctl_remove_cache(addr, addr + size)

    def read(self, addr: int, size: int) -> bytes:
        self.probe(addr, size)
        return self._direct.read(addr, size) if size else b""

    def write(self, addr: int, data: bytes) -> None:
        self.probe(addr, len(data), write=True)
        if data:
            self._direct.write(addr, bytes(data))

    def read_u32(self, addr: int) -> int:
        return struct.unpack("<I", self.read(addr, 4))[0]

    def read_u64(self, addr: int) -> int:
        return struct.unpack("<Q", self.read(addr, 8))[0]

    def write_u32(self, addr: int, value: int) -> None:
        self.write(addr, struct.pack("<I", value & 0xFFFFFFFF))

    def write_u64(self, addr: int, value: int) -> None:
        self.write(addr, struct.pack("<Q", value & 0xFFFFFFFFFFFFFFFF))

    def read_cstring(self, addr: int, limit: int = 0x10000) -> bytes:
        out = bytearray()
        while len(out) < limit:
            chunk_len = min(PAGE - (addr + len(out)) % PAGE, limit - len(out))
            chunk = self.read(addr + len(out), chunk_len)
            nul = chunk.find(b"\0")
            if nul >= 0:
                out += chunk[:nul]
                return bytes(out)
            out += chunk
        return bytes(out)

    # ---- system access (the loader and process setup; ignores protections, not mappings) ----------------

    def poke(self, addr: int, data: bytes) -> None:
        try:
            self.uc.mem_write(addr, bytes(data))
        except UcError as exc:
            raise GuestFault(addr, True) from exc

    def peek(self, addr: int, size: int) -> bytes:
        try:
            return bytes(self.uc.mem_read(addr, size))
        except UcError as exc:
            raise GuestFault(addr) from exc
