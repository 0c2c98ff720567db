"""The address space of one emulated process: regions (allocations), their pages, and the frames behind them.

Every region is one allocation as Windows counts them (a reservation of private memory, a view, an image). Pages
inside it are reserved or committed with a protection. A committed page has a frame of the System's physical memory
(physical.py), which the CPU maps with the page's rights through its page tables; reserved and free pages have
none, so the CPU faults on them as Windows' would. Guest pointers that the kernel or the thunks touch are probed
here against the same bookkeeping, which also enforces protections that a host-side copy would not; the bytes are
then read and written in the frames directly, with no call into the CPU.

A view is a region over SharedMemory (a section's pages): its committed pages are the section's frames, so two
views of one section, in one process or in two, are the same bytes, and a page committed through one view is
committed in every view of this address space, as the section's commitment is.

Pages come to be present as Windows' do: a small commit gets its frames at once, a large one (more than
EAGER_PAGES) as the CPU or the kernel touches them (64 KB around a page the CPU faults on), so committing a
gigabyte costs no gigabyte. A page of a write-copy view maps its section's frame without the right to write until
something writes it; then it gets a copy of its own (and shows PAGE_READWRITE), as MmAccessFault does it. The
CPU's page faults on such pages come here (resolve_fault) before they are the guest's exceptions.
"""

from __future__ import annotations

import struct
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from enum import IntEnum
from typing import TYPE_CHECKING, Protocol

from ..errors import CommitLimitReached, GuestFault
from .cpu.backend import Access
from .physical import PhysicalMemory
from .vad import VadTree, VadTreeCorrupt

if TYPE_CHECKING:
    from .cpu.backend import CpuBackend

PAGE = 0x1000
ALLOCATION_GRANULARITY = 0x10000
EAGER_PAGES = 256  # a commit of up to this many pages (1 MB) gets its frames at once, a larger one when touched
FAULT_AROUND = 0x10000  # a page fault makes present the committed pages of its 64 KB block, as Linux's fault-around


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
PAGE_GUARD = 0x100
_PAGE_NOCACHE = 0x200
_PAGE_WRITECOMBINE = 0x400

class Rights(tuple):
    """What the CPU may do on a page: (read, write, execute)."""

    __slots__ = ()

    def __new__(cls, read: bool, write: bool, execute: bool) -> Rights:
        return super().__new__(cls, (read, write, execute))


NO_RIGHTS = Rights(False, False, False)
_RIGHTS = {
    Prot.NOACCESS: NO_RIGHTS,
    Prot.READONLY: Rights(True, False, False),
    Prot.READWRITE: Rights(True, True, False),
    Prot.WRITECOPY: Rights(True, True, False),
    Prot.EXECUTE: Rights(True, False, True),  # x86 cannot execute what it cannot read
    Prot.EXECUTE_READ: Rights(True, False, True),
    Prot.EXECUTE_READWRITE: Rights(True, True, True),
    Prot.EXECUTE_WRITECOPY: Rights(True, True, True),
}


def valid_protection(prot: int) -> bool:
    """A PAGE_* value Windows accepts: exactly one base protection, modifiers only on accessible pages."""
    base = prot & _PROT_BASE_MASK
    if prot & ~(_PROT_BASE_MASK | PAGE_GUARD | _PAGE_NOCACHE | _PAGE_WRITECOMBINE):
        return False
    if base not in _RIGHTS:
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


def rights(prot: int) -> Rights:
    """What the CPU may do on a page. A guard page faults on any access, until take_guard() lifts its guard."""
    if prot & PAGE_GUARD:
        return NO_RIGHTS
    return _RIGHTS[prot & _PROT_BASE_MASK]  # an int key: Prot(...) would cost a microsecond a page


def readable(prot: int) -> bool:
    return rights(prot)[0]


def writable(prot: int) -> bool:
    return rights(prot)[1]


_MODIFIERS = (0, _PAGE_NOCACHE, _PAGE_WRITECOMBINE)
_READABLE = frozenset(p | m for p in _RIGHTS for m in _MODIFIERS if readable(p | m))
_WRITABLE = frozenset(p | m for p in _RIGHTS for m in _MODIFIERS if writable(p | m))


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


class PageSource(Protocol):
    """Where the pages of a section come from the first time they are used (a file)."""

    def read_page(self, offset: int) -> bytes: ...

    def close(self) -> None: ...


class SharedMemory:
    """Pages that several views share (a section's, or KUSER_SHARED_DATA): which pages are committed, and the
    frames of physical memory behind them. A committed page gets its frame the first time anything uses it (a zero
    one, or, for a section of a file (`source`), one filled from the file), so a section of a gigabyte costs only
    the pages touched. The frames go back when the last user lets go (release())."""

    def __init__(self, physical: PhysicalMemory, size: int, committed: bool,
                 source: PageSource | None = None, charged: bool = False) -> None:
        self.physical = physical
        self.size = page_up(size)
        self.charged = charged  # its committed pages count against the commit limit (a page-file section's do)
        if committed and charged:
            physical.charge(self.size)
        self.fully_committed = committed
        self._committed: set[int] = set()  # page offsets committed, when not all are
        self._frames: dict[int, int] = {}  # page offset -> frame, for the committed pages used so far
        self._source = source
        self._filled = bytearray(self.size // PAGE if source is not None else 0)
        self.users = 1  # its creator; each view adds one

    @property
    def held_charge(self) -> int:
        """Bytes charged for the pages it holds (not charged when committed: a file's, KUSER_SHARED_DATA's)."""
        return 0 if self.charged else len(self._frames) * PAGE

    @property
    def file_backed(self) -> bool:
        """The pages are a file's: committed whole, filled from it, written back to it."""
        return self._source is not None

    def frame(self, offset: int) -> int:
        """The frame of the committed page at this offset (made, and filled from the file, the first time). A page
        of memory not charged when committed (a file's) is charged now, for as long as it is held: Windows would
        page it out instead, here it stays; past the limit, CommitLimitReached."""
        frame = self._frames.get(offset)
        if frame is None:
            if not self.charged:
                self.physical.charge(PAGE)
            frame = self._frames[offset] = self.physical.allocate()
            if self._source is not None:
                self._filled[offset // PAGE] = 1
                self.physical.write(frame, 0, self._source.read_page(offset))
        return frame

    def filled(self, start: int, end: int) -> Iterator[tuple[int, int]]:
        """The [start, end) runs of pages of a file's section that were ever used, in [start, end)."""
        first = start // PAGE
        pages = (first + i for i, used in enumerate(self._filled[first:page_up(end) // PAGE]) if used)
        yield from _page_runs(page * PAGE for page in pages)

    def is_committed(self, offset: int) -> bool:
        return self.fully_committed or offset in self._committed

    def commit(self, start: int, end: int) -> list[int]:
        """Commit the pages of [start, end) (offsets); returns those that were not committed before."""
        if self.fully_committed:
            return []
        fresh = [o for o in range(start, end, PAGE) if o not in self._committed]
        if self.charged:
            self.physical.charge(len(fresh) * PAGE)
        self._committed.update(fresh)
        return fresh

    def read(self, offset: int, size: int) -> bytes:
        """Bytes of committed pages (those of pages not committed read as zero)."""
        out = bytearray()
        while size > 0:
            page, within = offset & ~(PAGE - 1), offset % PAGE
            n = min(size, PAGE - within)
            out += self.physical.read(self.frame(page), within, n) if self.is_committed(page) else bytes(n)
            offset, size = offset + n, size - n
        return bytes(out)

    def write(self, offset: int, data: bytes) -> None:
        """Write into committed pages."""
        view = memoryview(data)
        while view:
            page, within = offset & ~(PAGE - 1), offset % PAGE
            n = min(len(view), PAGE - within)
            self.physical.write(self.frame(page), within, view[:n])
            offset, view = offset + n, view[n:]

    def retain(self) -> None:
        self.users += 1

    def release(self) -> None:
        """One user lets go; with the last one the frames go back to physical memory (and the file is let go)."""
        self.users -= 1
        if self.users:
            return
        for frame in self._frames.values():
            self.physical.release(frame)
        if self.charged:
            self.physical.uncharge(self.size if self.fully_committed else len(self._committed) * PAGE)
        else:
            self.physical.uncharge(self.held_charge)
        self._frames = {}
        self._committed = set()
        self.fully_committed = False
        if self._source is not None:
            self._source.close()


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
    no_change: bool = False  # secured, as Windows' VadFlags.NoChange: the guest may not free or re-protect it

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

    def __init__(self, cpu: CpuBackend, physical: PhysicalMemory, user_low: int = 0x10000,
                 user_high: int = 0x7FFF_FFFE_FFFF) -> None:
        self.cpu = cpu
        self.physical = physical
        self.user_low = user_low
        self.user_high = user_high  # highest user address, inclusive
        self._vad: VadTree[Region] = VadTree()  # the regions, as Windows keeps them: an AVL tree by address
        self._frames: dict[int, int] = {}  # page address -> frame, for every committed page that is present
        # page address -> protection, for every committed page (each region's `committed` holds its own share):
        # a probe needs no search for the region
        self._protection: dict[int, int] = {}
        self._cow: set[int] = set()  # present pages of write-copy views still on their section's frame
        self._copied: set[int] = set()  # pages of views whose frame is their own copy (freed with the page)
        self._stale_code: set[int] = set()  # frames the host wrote while no page mapped them executable

    # ---- lookup ---------------------------------------------------------------------------------------

    def regions(self) -> list[Region]:
        return list(self._vad)

    def with_levels(self) -> list[tuple[Region, int]]:
        """Every region in address order with its level (depth) in the VAD tree, as !vad shows it."""
        return list(self._vad.nodes_with_levels())

    def check(self) -> None:
        """Verify the VAD tree's invariants, and that the pages with frames and protections are the regions'
        committed pages (VadTreeCorrupt if one is broken)."""
        self._vad.check()
        committed = {page: protect for region in self._vad for page, protect in region.committed.items()}
        present = self._frames.keys()
        if committed != self._protection or not present <= committed.keys():
            raise VadTreeCorrupt("the committed pages of the regions, the pages with a protection and the pages "
                                 "with a frame differ")
        if not self._cow <= present or not self._copied <= present or self._cow & self._copied:
            raise VadTreeCorrupt("copy-on-write pages that are not present, or both shared and copied")

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
            return self._vad.last_fit(size, low, high, align)
        return self._vad.first_fit(size, low, high, align)

    # ---- changes --------------------------------------------------------------------------------------

    def reserve(self, base: int, size: int, mem_type: MemType, protect: int, name: str = "") -> Region:
        """Add a region of reserved pages at a page-aligned base; the range must be free (ValueError)."""
        assert base % PAGE == 0 and size % PAGE == 0 and size > 0, (hex(base), hex(size))
        region = Region(base, size, mem_type, protect, name)
        self._vad.insert(region)
        return region

    def commit(self, base: int, size: int, protect: int, *, present: bool = False,
               content: bytes | memoryview = b"") -> None:
        """Commit (or re-protect) the pages of [base, base+size); they must lie in one region. `present`: give
        them their frames now, however many they are (the system's own structures). `content`: the first bytes of
        the range, private pages not committed before (an image's part): the pages it covers get frames holding it
        before the CPU maps them, so that they are written once, and never mapped with rights they do not have.

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
        self._commit_pages(region, base, base + size, protect, present, content)

    def map_view(self, base: int, size: int, shared: SharedMemory, offset: int, protect: int, owner: object,
                 name: str = "", mem_type: MemType = MemType.MAPPED) -> Region:
        """A view of `shared` from `offset` at `base` (a free range): the pages committed there are mapped."""
        region = self.reserve(base, size, mem_type, protect, name)
        region.shared, region.offset, region.owner = shared, offset, owner
        shared.retain()
        self._show_committed(region, [o for o in range(offset, offset + size, PAGE) if shared.is_committed(o)])
        return region

    def _show_committed(self, view: Region, offsets: list[int]) -> None:
        """Map the pages of a view at these ascending offsets of its shared memory, with the view's protection."""
        lo, hi = view.offset, view.offset + view.size
        for start, end in _page_runs(o for o in offsets if lo <= o < hi):
            self._commit_pages(view, view.base + start - lo, view.base + end - lo, view.allocation_protect)

    def _commit_pages(self, region: Region, start: int, end: int, protect: int, present: bool = False,
                      content: bytes | memoryview = b"") -> None:
        """Give the pages of [start, end) the protection `protect`; present ones take its rights at once, and
        the others come to be present now (a small commit, `present`, or the pages `content` fills from `start`
        on) or when touched (a large one)."""
        read, write, execute = rights(protect)
        frames, protection, committed = self._frames, self._protection, region.committed
        if region.shared is None:  # private pages count against the commit limit (a view's, its section's)
            # At least the range's pages less all the region has are new: a range far past the limit (an image's
            # stack commit of hundreds of gigabytes) fails before its pages are counted one by one.
            self.physical.check(((end - start) // PAGE - len(committed)) * PAGE)
            self.physical.charge(sum(PAGE for page in range(start, end, PAGE) if page not in committed))
        eager = present or (end - start) // PAGE <= EAGER_PAGES
        changed = False
        for page in range(start, end, PAGE):
            committed[page] = protection[page] = protect
            frame = frames.get(page)
            fill = content[page - start:page - start + PAGE]
            if frame is not None:
                assert not fill, "content for a page that has a frame"
                changed = True
                self._map(page, frame, read, write, execute)
            elif eager or fill:
                self._present(region, page, fill)
        if changed:
            self.cpu.flush_tlb()

    def _present(self, region: Region, page: int, fill: bytes | memoryview = b"") -> int:
        """Give a committed page its frame (a zero one, or filled with `fill` for a private page; its section's,
        or its section's to copy on a write) and map it; the frame."""
        protect = self._protection[page]
        shared = region.shared
        if shared is None:
            frame = self.physical.allocate()
            if fill:
                self.physical.write(frame, 0, fill)
        else:
            assert not fill, "content for a view's page"
            frame = shared.frame(region.offset + page - region.base)
            if is_writecopy(protect):
                self._cow.add(page)
        self._frames[page] = frame
        self._map(page, frame, *rights(protect))
        return frame

    def _touch(self, page: int) -> int:
        """The frame of a committed page, made present if it is not (KeyError for a page that is not committed)."""
        frame = self._frames.get(page)
        if frame is not None:
            return frame
        if page not in self._protection:
            raise KeyError(page)
        region = self.region_at(page)
        assert region is not None
        return self._present(region, page)

    def _copy_page(self, page: int) -> int:
        """Break the sharing of a write-copy page: it gets a copy of its frame, and read-write rights."""
        region = self.region_at(page)
        assert region is not None
        self.physical.charge(PAGE)  # the copy is the process's own memory
        frame = self.physical.allocate()
        self.physical.write(frame, 0, self.physical.read(self._frames[page], 0, PAGE))
        self._cow.discard(page)
        self._copied.add(page)
        self._frames[page] = frame
        protect = self._protection[page]
        protect = protect & ~_PROT_BASE_MASK | (Prot.EXECUTE_READWRITE if rights(protect)[2] else Prot.READWRITE)
        region.committed[page] = self._protection[page] = protect
        self._map(page, frame, *rights(protect))
        self.cpu.flush_tlb()  # the CPU may hold the shared frame's read-only entry
        return frame

    def resolve_fault(self, address: int, access: Access) -> bool:
        """Serve a page fault of the CPU where Windows' MmAccessFault would: a committed page touched for the first
        time gets its frame, a write to a write-copy page gets the page its copy. True when the instruction may be
        run again; False when the fault is the guest's (a free, reserved, guard or protected page)."""
        page = address & ~(PAGE - 1)
        protect = self._protection.get(page)
        if protect is None:
            return False
        read, write, execute = rights(protect)
        if not (write if access is Access.WRITE else execute if access is Access.EXECUTE else read):
            return False
        if page not in self._frames:
            region = self.region_at(page)
            assert region is not None
            try:
                self._present(region, page)
                start = max(region.base, page & ~(FAULT_AROUND - 1))
                for near in range(start, min(region.end, start + FAULT_AROUND), PAGE):
                    if near in self._protection and near not in self._frames:
                        self._present(region, near)
            except CommitLimitReached:  # a file's page with no memory left for it: the fault is the guest's
                return page in self._frames
            return True
        if access is Access.WRITE and page in self._cow:
            try:
                self._copy_page(page)
            except CommitLimitReached:  # no memory for the copy: the write faults
                return False
            return True
        return False

    def take_guard(self, address: int) -> bool:
        """A fault on a guard page lifts its guard (the access may then be run again) and returns True, as Windows'
        one-shot STATUS_GUARD_PAGE_VIOLATION; False when the page had none."""
        page = address & ~(PAGE - 1)
        protect = self._protection.get(page)
        if protect is None or not protect & PAGE_GUARD:
            return False
        self.protect(page, PAGE, protect & ~PAGE_GUARD)
        return True

    def _map(self, page: int, frame: int, read: bool, write: bool, execute: bool) -> None:
        if write and page in self._cow:
            write = False  # the first write copies the page (resolve_fault)
        self.cpu.map_page(page, frame, read, write, execute)
        physical = self.physical
        # A frame mapped writable at one address and executable at another keeps its stores on the CPU's slow path
        # (watch_stores); at one address, one protection after the other, the TLB flush between them is enough.
        if execute and read:
            physical.executable[frame] = 1
            physical.executable_at[frame] = page
            if physical.writable_at.get(frame, page) != page:
                self.cpu.watch_stores(frame)
            if frame in self._stale_code:  # written by the host since code was translated from it
                self._stale_code.discard(frame)
                self.cpu.flush_tlb()
                self.cpu.invalidate_code(page, PAGE)
        elif write:
            physical.writable_at[frame] = page
            if physical.executable_at.get(frame, page) != page:
                self.cpu.watch_stores(frame)

    def protect(self, base: int, size: int, protect: int) -> int:
        """Change the protection of committed pages; returns the old protection of the first page."""
        region = self._region_spanning(base, size)
        old = region.committed[base]
        read, write, execute = rights(protect)
        shared_view = region.shared is not None and is_writecopy(protect)
        for page in range(base, base + size, PAGE):
            region.committed[page] = self._protection[page] = protect
            frame = self._frames.get(page)
            if frame is not None:
                if shared_view and page not in self._copied:
                    self._cow.add(page)  # a view's page made write-copy: its next write copies it
                self._map(page, frame, read, write, execute)
        self.cpu.flush_tlb()
        return old

    def decommit(self, base: int, size: int) -> None:
        """Decommit the pages of [base, base+size) that are committed: their frames go (a view's stay its
        memory's)."""
        self._decommit(self._region_spanning(base, size), base, base + size)

    def _decommit(self, region: Region, base: int, end: int) -> None:
        committed = region.committed
        pages = ([p for p in range(base, end, PAGE) if p in committed] if (end - base) // PAGE < len(committed)
                 else [p for p in committed if base <= p < end])
        if not pages:
            return
        private = region.shared is None
        uncharged = 0
        for page in pages:
            del committed[page], self._protection[page]
            frame = self._frames.pop(page, None)
            if private:
                uncharged += PAGE
            if frame is None:
                continue  # committed, never touched
            self.cpu.unmap_page(page)
            self._cow.discard(page)
            if private or page in self._copied:
                if page in self._copied:
                    self._copied.discard(page)
                    uncharged += PAGE
                self.physical.release(frame)
        self.physical.uncharge(uncharged)
        self.cpu.flush_tlb()

    def release(self, region: Region) -> None:
        self._decommit(region, region.base, region.end)
        self._vad.remove(region)
        if region.shared is not None:
            region.shared.release()

    def release_all(self) -> None:
        """Release every region (the process has ended): its frames and its commit charge go back."""
        for region in list(self.regions()):
            self.release(region)

    def map_committed(self, base: int, size: int, mem_type: MemType, protect: int, name: str = "") -> Region:
        """Reserve and commit in one step (system structures, stacks, images before their sections)."""
        region = self.reserve(base, size, mem_type, protect, name)
        self.commit(base, size, protect, present=True)
        return region

    def _region_spanning(self, base: int, size: int) -> Region:
        region = self.region_at(base)
        if region is None or base + size > region.end:
            raise ValueError(f"range 0x{base:x}+0x{size:x} is not inside one region")
        return region

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

    def frame_of(self, page: int) -> int | None:
        """The frame behind a committed page."""
        return self._frames.get(page)

    # ---- guest access ---------------------------------------------------------------------------------

    def probe(self, addr: int, size: int, write: bool = False) -> None:
        """Raise GuestFault unless [addr, addr+size) is committed and readable (or writable)."""
        if size <= 0:
            return
        last = addr + size - 1
        if addr < 0 or last > self.user_high:
            raise GuestFault(addr, write)
        allowed = _WRITABLE if write else _READABLE
        protection = self._protection
        page = addr & ~(PAGE - 1)
        while page <= last:
            if protection.get(page) not in allowed:
                raise GuestFault(max(page, addr), write)
            page += PAGE

    def make_present(self, addr: int, size: int, write: bool = False) -> None:
        """probe(), then give every page of the range its frame now (a demand-zero or mapped-file page takes one),
        so that a later access cannot fail for want of memory (CommitLimitReached is raised here instead)."""
        self.probe(addr, size, write)
        frames = self._frames
        page = addr & ~(PAGE - 1)
        while page < addr + size:
            if page not in frames:
                self._touch(page)
            page += PAGE

    def accessible(self, addr: int, size: int, write: bool = False) -> int:
        """How many of the `size` bytes from `addr` on can be read (or written) before the first page that cannot."""
        try:
            self.probe(addr, size, write)
        except GuestFault as fault:
            return fault.address - addr
        return size

    def read(self, addr: int, size: int) -> bytes:
        self.probe(addr, size)
        return self._copy_out(addr, size) if size else b""

    def write(self, addr: int, data: bytes) -> None:
        self.probe(addr, len(data), write=True)
        if data:
            self._copy_in(addr, data)

    def _copy_out(self, addr: int, size: int) -> bytes:
        """The bytes of committed pages (KeyError at the first page that is not)."""
        page, within = addr & ~(PAGE - 1), addr & (PAGE - 1)
        frames = self._frames
        if within + size <= PAGE:
            frame = frames.get(page)
            return self.physical.read(frame if frame is not None else self._touch(page), within, size)
        out = bytearray()
        while size > 0:
            n = min(size, PAGE - within)
            frame = frames.get(page)
            out += self.physical.read(frame if frame is not None else self._touch(page), within, n)
            page, within, size = page + PAGE, 0, size - n
        return bytes(out)

    def _copy_in(self, addr: int, data: bytes) -> None:
        """Write committed pages; code the CPU translated from what changes is dropped (KeyError at the first
        page that is not committed)."""
        page, within = addr & ~(PAGE - 1), addr & (PAGE - 1)
        physical = self.physical
        if within + len(data) <= PAGE:  # the common case: one page
            frame = self._frames.get(page)
            if frame is None or page in self._cow:
                frame = self._writable_frame(page)
            physical.write(frame, within, data)
            if physical.executable[frame]:
                self._stale_code.add(frame)
                self.cpu.invalidate_code(addr, len(data))
            return
        view = memoryview(data)
        code = False
        while view:
            n = min(len(view), PAGE - within)
            frame = self._frames.get(page)
            if frame is None or page in self._cow:
                frame = self._writable_frame(page)
            physical.write(frame, within, view[:n])
            if physical.executable[frame]:
                code = True
                self._stale_code.add(frame)
            page, within, view = page + PAGE, 0, view[n:]
        if code:
            self.cpu.invalidate_code(addr, len(data))

    def _writable_frame(self, page: int) -> int:
        """The frame a host write goes to: present, and the page's own copy when it is a write-copy page."""
        frame = self._touch(page)
        return self._copy_page(page) if page in self._cow else frame

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
            self._copy_in(addr, data)
        except KeyError:
            raise GuestFault(addr, True) from None

    def peek(self, addr: int, size: int) -> bytes:
        try:
            return self._copy_out(addr, size)
        except KeyError:
            raise GuestFault(addr) from None

    def peek_unpack(self, layout: struct.Struct, addr: int) -> tuple:
        """layout.unpack(peek(addr, layout.size)), read in place when the bytes lie in one page that has its frame:
        half the cost of a peek (the trace's observers read a few words at every call)."""
        within = addr & (PAGE - 1)
        if within + layout.size <= PAGE:
            frame = self._frames.get(addr - within)
            if frame is not None:
                return self.physical.unpack(layout, frame, within)
        return layout.unpack(self.peek(addr, layout.size))
