"""The page tables of one process: x86-64 four-level paging, in frames of physical memory, written by the host.

The emulated CPU really pages (CR0.PG, CR4.PAE, EFER.LME and NXE): on a miss in its translation cache it walks
these tables itself, so a mapping costs no call into the CPU and the number of host memory regions never grows with
the number of allocations. A page is present with the rights of its protection (writable, executable, user), or
not present: reserved, free, PAGE_NOACCESS and guard pages fault, as Windows' do, with a page fault whose address
and error code say what was accessed and how.
"""

from __future__ import annotations

import struct
from array import array

from ..physical import PhysicalMemory

P, RW, US = 1, 2, 4  # present, writable, user
NX = 1 << 63
ADDRESS_MASK = 0x000F_FFFF_FFFF_F000
_ENTRY = struct.Struct("<Q")
_LEVELS = (39, 30, 21)  # PML4, PDPT, PD; the PT indexes with bits 12-20


def pte_flags(readable: bool, writable: bool, executable: bool, user: bool = True) -> int:
    """The flags of a page table entry; 0 (not present) when the page may not be read."""
    if not readable:
        return 0
    return P | (RW if writable else 0) | (US if user else 0) | (0 if executable else NX)


class PageTables:
    def __init__(self, physical: PhysicalMemory) -> None:
        self.physical = physical
        self.root = physical.allocate()  # the PML4's frame; CR3 = root << 12
        self._tables: dict[int, int] = {}  # va >> 21 -> the frame of the page table (PT) that maps those 2 MB

    def _table(self, va: int) -> int:
        """The frame of the last-level table (PT) that maps `va`, made with the tables above it when missing."""
        frame = self._tables.get(va >> 21)
        if frame is not None:
            return frame
        frame = self.root
        for shift in _LEVELS:
            index = (va >> shift) & 0x1FF
            (entry,) = _ENTRY.unpack(self.physical.read(frame, index * 8, 8))
            if entry & P:
                frame = (entry & ADDRESS_MASK) >> 12
                continue
            table = self.physical.allocate()
            self.physical.write(frame, index * 8, _ENTRY.pack((table << 12) | P | RW | US))
            frame = table
        self._tables[va >> 21] = frame
        return frame

    def set(self, va: int, frame: int, flags: int) -> None:
        """Map the page at `va` to `frame` with these flags (0: not present)."""
        entry = ((frame << 12) | flags) if flags else 0
        self.physical.write(self._table(va), ((va >> 12) & 0x1FF) * 8, _ENTRY.pack(entry))

    def clear(self, va: int) -> None:
        table = self._tables.get(va >> 21)
        if table is not None:
            self.physical.write(table, ((va >> 12) & 0x1FF) * 8, bytes(8))

    def entries(self) -> dict[int, int]:
        """Every page that has an entry: virtual address -> the entry."""
        found = {}
        for key, table in self._tables.items():
            data = self.physical.read(table, 0, 0x1000)
            for index in range(512):
                (entry,) = _ENTRY.unpack_from(data, index * 8)
                if entry:
                    found[(key << 21) | (index << 12)] = entry
        return found

    def release(self) -> None:
        """Give every table's frame back (the CPU is closing): the tree from the PML4 down, not the pages mapped."""
        def tables(frame: int, depth: int) -> list[int]:
            found = [frame]
            if depth < len(_LEVELS):
                for entry in array("Q", self.physical.read(frame, 0, 0x1000)):
                    if entry & P:
                        found += tables((entry & ADDRESS_MASK) >> 12, depth + 1)
            return found

        for frame in tables(self.root, 0):
            self.physical.release(frame)
        self._tables.clear()

    def lookup(self, va: int) -> int:
        """The entry that maps `va` (0 when there is none)."""
        table = self._tables.get(va >> 21)
        if table is None:
            return 0
        return _ENTRY.unpack(self.physical.read(table, ((va >> 12) & 0x1FF) * 8, 8))[0]

