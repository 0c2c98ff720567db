"""The address space of one emulated process: regions (allocations), their pages, and Unicorn's mappings.

Every region is one allocation as Windows counts them (a reservation of private memory, a view, an image). Pages
inside it are reserved or committed with a protection. Unicorn maps exactly the committed pages, so the CPU faults
on reserved or free memory as Windows' would. Guest pointers that the kernel or the thunks touch are probed here
against the same bookkeeping, which also enforces protections that Unicorn's own mem_write API would ignore.
"""

from __future__ import annotations

import bisect
import struct
from dataclasses import dataclass, field
from enum import IntEnum

from unicorn import UC_PROT_ALL, UC_PROT_EXEC, UC_PROT_NONE, UC_PROT_READ, UC_PROT_WRITE, Uc, UcError

from ..errors import GuestFault

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


def uc_prot(prot: int) -> int:
    return _TO_UC[Prot(prot & _PROT_BASE_MASK)]


def readable(prot: int) -> bool:
    return bool(uc_prot(prot) & UC_PROT_READ) and not prot & _PAGE_GUARD


def writable(prot: int) -> bool:
    return bool(uc_prot(prot) & UC_PROT_WRITE) and not prot & _PAGE_GUARD


_MODIFIERS = (0, _PAGE_NOCACHE, _PAGE_WRITECOMBINE)
_READABLE = frozenset(p | m for p in _TO_UC for m in _MODIFIERS if readable(p | m))
_WRITABLE = frozenset(p | m for p in _TO_UC for m in _MODIFIERS if writable(p | m))


def page_down(addr: int) -> int:
    return addr & ~(PAGE - 1)


def page_up(addr: int) -> int:
    return (addr + PAGE - 1) & ~(PAGE - 1)


@dataclass
class Region:
    """One allocation: [base, base + size), all pages reserved, some committed with a protection."""

    base: int
    size: int
    type: MemType
    allocation_protect: int
    name: str = ""
    committed: dict[int, int] = field(default_factory=dict)  # page address -> PAGE_* protection

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
    """Regions of one process, kept sorted by base address, and the Unicorn mappings of their committed pages."""

    def __init__(self, uc: Uc, user_low: int = 0x10000, user_high: int = 0x7FFF_FFFE_FFFF) -> None:
        self.uc = uc
        self.user_low = user_low
        self.user_high = user_high  # highest user address, inclusive
        self._bases: list[int] = []
        self._regions: list[Region] = []
        self._last_probed: Region | None = None  # most probes fall in the region the previous one did

    # ---- lookup ---------------------------------------------------------------------------------------

    def regions(self) -> list[Region]:
        return list(self._regions)

    def region_at(self, addr: int) -> Region | None:
        i = bisect.bisect_right(self._bases, addr) - 1
        if i >= 0 and self._regions[i].contains(addr):
            return self._regions[i]
        return None

    def is_free(self, base: int, size: int) -> bool:
        i = bisect.bisect_right(self._bases, base) - 1
        if i >= 0 and self._regions[i].end > base:
            return False
        j = i + 1
        return not (j < len(self._regions) and self._regions[j].base < base + size)

    def find_free(self, size: int, *, low: int | None = None, high: int | None = None,
                  top_down: bool = False, align: int = ALLOCATION_GRANULARITY) -> int | None:
        """The lowest (or highest) aligned base of a free range of `size` bytes inside [low, high]."""
        low = max(self.user_low, low if low is not None else self.user_low)
        high = min(self.user_high, high if high is not None else self.user_high)
        gaps: list[tuple[int, int]] = []
        cursor = low
        for r in self._regions:
            if r.end <= cursor:
                continue
            if r.base > high:
                break
            if r.base > cursor:
                gaps.append((cursor, r.base - 1))
            cursor = max(cursor, r.end)
        if cursor <= high:
            gaps.append((cursor, high))
        if top_down:
            for lo, hi in reversed(gaps):
                base = (hi + 1 - size) & ~(align - 1)
                if base >= lo and hi + 1 - size >= 0:
                    return base
        else:
            for lo, hi in gaps:
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
        i = bisect.bisect_left(self._bases, base)
        self._bases.insert(i, base)
        self._regions.insert(i, region)
        return region

    def commit(self, base: int, size: int, protect: int) -> None:
        """Commit (or re-protect) the pages of [base, base+size); they must lie in one region."""
        region = self._region_spanning(base, size)
        ucp = uc_prot(protect)
        for run_start, run_end, was_committed in self._runs(region, base, base + size):
            if was_committed:
                self.uc.mem_protect(run_start, run_end - run_start, ucp)
            else:
                self.uc.mem_map(run_start, run_end - run_start, ucp)
        for page in range(base, base + size, PAGE):
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
        i = self._regions.index(region)
        del self._regions[i]
        del self._bases[i]
        self._last_probed = None

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
        """MemoryBasicInformation for the run of like pages that holds `addr`."""
        page = page_down(addr)
        region = self.region_at(page)
        if region is None:
            i = bisect.bisect_right(self._bases, page)
            nxt = self._regions[i].base if i < len(self._regions) else self.user_high + 1
            prev_end = self._regions[i - 1].end if i > 0 else 0
            start = max(prev_end, 0)
            return RegionInfo(start, 0, 0, nxt - start, MemState.FREE, Prot.NOACCESS, 0)
        prot = region.committed.get(page)
        end = page + PAGE
        while end < region.end and region.committed.get(end) == prot:
            end += PAGE
        start = page
        while start > region.base and region.committed.get(start - PAGE) == prot:
            start -= PAGE
        if prot is None:
            return RegionInfo(start, region.base, region.allocation_protect, end - start, MemState.RESERVE, 0,
                              region.type)
        return RegionInfo(start, region.base, region.allocation_protect, end - start, MemState.COMMIT, prot,
                          region.type)

    # ---- guest access ---------------------------------------------------------------------------------

    def probe(self, addr: int, size: int, write: bool = False) -> None:
        """Raise GuestFault unless [addr, addr+size) is committed and readable (or writable)."""
        if size <= 0:
            return
        last = addr + size - 1
        if addr < 0 or last > self.user_high:
            raise GuestFault(addr, write)
        region = self._last_probed
        if region is None or not (region.base <= addr and last < region.end):
            region = self.region_at(addr)
            if region is None or last >= region.end:
                self._probe_regions(addr, size, write)
                return
            self._last_probed = region
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

    def read(self, addr: int, size: int) -> bytes:
        self.probe(addr, size)
        return bytes(self.uc.mem_read(addr, size)) if size else b""

    def write(self, addr: int, data: bytes) -> None:
        self.probe(addr, len(data), write=True)
        if data:
            self.uc.mem_write(addr, bytes(data))

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
