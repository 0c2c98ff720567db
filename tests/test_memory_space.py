"""The address space: views that share frames, commitment shared by views, queries, guard pages, probes.

A real AddressSpace over a real CPU: each test runs CPU instructions (64-bit stores and loads) where the behaviour
is what the CPU sees, and uses the host-side API where it is what the kernel sees.
"""

import struct

import pytest

from wow64emu.emu.cpu.backend import Access, Fault, FaultKind
from wow64emu.emu.cpu.unicorn import UnicornCpu
from wow64emu.emu.memory import (
    NO_RIGHTS,
    AddressSpace,
    MemState,
    MemType,
    Prot,
    SharedMemory,
    compatible_protection,
    is_writecopy,
    rights,
)
from wow64emu.emu.physical import PhysicalMemory
from wow64emu.emu.vad import VadTreeCorrupt
from wow64emu.errors import GuestFault

CODE = 0x1000
STORE = bytes.fromhex("488918")  # mov [rax], rbx
LOAD = bytes.fromhex("488b08")  # mov rcx, [rax]
A, B = 0x200000, 0x400000


class CpuFault(Exception):
    def __init__(self, fault: Fault) -> None:
        super().__init__(fault)
        self.fault = fault


@pytest.fixture
def space() -> AddressSpace:
    physical = PhysicalMemory()
    s = AddressSpace(UnicornCpu(physical), physical, user_low=0x1000)
    s.map_committed(CODE, 0x1000, MemType.PRIVATE, Prot.EXECUTE_READ, "code")
    s.poke(CODE, STORE + LOAD)
    return s


def _run(space: AddressSpace, begin: int, end: int) -> None:
    result = space.cpu.run(begin, until=end)
    if result.fault is not None:
        raise CpuFault(result.fault)
    assert result.reason == "until"


def store(space: AddressSpace, addr: int, value: int) -> None:
    space.cpu.registers(["rax", "rbx"]).write((addr, value))
    _run(space, CODE, CODE + len(STORE))


def load(space: AddressSpace, addr: int) -> int:
    space.cpu.registers(["rax"]).write((addr,))
    _run(space, CODE + len(STORE), CODE + len(STORE) + len(LOAD))
    return space.cpu.register("rcx")


def test_two_views_of_one_shared_memory_share_what_the_cpu_writes(space: AddressSpace) -> None:
    shared = SharedMemory(space.physical, 0x3000, committed=True)
    space.map_view(A, 0x3000, shared, 0, Prot.READWRITE, owner=None)
    space.map_view(B, 0x2000, shared, 0x1000, Prot.READWRITE, owner=None)
    store(space, A + 0x1008, 0x1122334455667788)
    assert load(space, B + 8) == 0x1122334455667788  # B starts 0x1000 into the memory
    assert shared.read(0x1008, 8) == bytes.fromhex("8877665544332211")
    shared.write(0x2000, b"\x42")  # the host writes the frames themselves: both views see it
    assert space.read(A + 0x2000, 1) == space.read(B + 0x1000, 1) == b"\x42"
    info = space.query(B)
    assert (info.size, info.state, info.type, info.allocation_protect) == (0x2000, MemState.COMMIT, MemType.MAPPED,
                                                                          Prot.READWRITE)


def _mov_ecx(value: int) -> bytes:
    return b"\xb9" + struct.pack("<I", value) + b"\xeb\x00"  # mov ecx, value; jmp $+2 (ends the block)


@pytest.mark.parametrize("first", ["store", "run"])
def test_code_rewritten_through_a_writable_alias_runs_as_rewritten(space: AddressSpace, first: str) -> None:
    """A frame mapped writable at A and executable at B (a JIT's double mapping): a store through A must drop what
    the CPU translated from B, whichever came first, as a real CPU snoops stores by physical address."""
    shared = SharedMemory(space.physical, 0x1000, committed=True)
    space.map_view(A, 0x1000, shared, 0, Prot.READWRITE, owner=None)
    space.map_view(B, 0x1000, shared, 0, Prot.EXECUTE_READ, owner=None)
    shared.write(0, _mov_ecx(1))
    assert space.cpu.watching(space.frame_of(A))
    if first == "store":
        store(space, A + 0x800, 0)  # A's page is written, and then code from the same frame is translated
    for value in (1, 2, 3):
        if value > 1:
            (word,) = struct.unpack("<Q", _mov_ecx(value) + b"\x90")
            store(space, A, word)
        result = space.cpu.run(B, until=B + 7)
        assert result.reason == "until"
        assert space.cpu.register("rcx") == value


def test_a_view_keeps_sharing_after_a_page_is_reprotected_and_another_unmapped(space: AddressSpace) -> None:
    shared = SharedMemory(space.physical, 0x3000, committed=True)
    a = space.map_view(A, 0x3000, shared, 0, Prot.READWRITE, owner=None)
    space.map_view(B, 0x3000, shared, 0, Prot.READWRITE, owner=None)
    assert space.protect(A + 0x1000, 0x1000, Prot.READONLY) == Prot.READWRITE
    store(space, B + 0x1000, 7)
    assert load(space, A + 0x1000) == 7
    with pytest.raises(CpuFault) as err:
        store(space, A + 0x1000, 8)
    assert (err.value.fault.kind, err.value.fault.access, err.value.fault.address, err.value.fault.pc) == (
        FaultKind.PAGE, Access.WRITE, A + 0x1000, CODE)
    space.release(a)
    store(space, B + 0x2000, 9)
    assert shared.read(0x2000, 1) == b"\x09"
    with pytest.raises(CpuFault) as err:
        load(space, A)
    assert (err.value.fault.access, err.value.fault.address) == (Access.READ, A)


def test_a_page_committed_through_one_view_appears_in_the_others(space: AddressSpace) -> None:
    shared = SharedMemory(space.physical, 0x4000, committed=False)
    one = space.map_view(A, 0x4000, shared, 0, Prot.READWRITE, owner=None)
    space.map_view(B, 0x2000, shared, 0x2000, Prot.READONLY, owner=None)
    assert space.query(A).state == MemState.RESERVE and space.query(B).state == MemState.RESERVE
    space.commit(A + 0x2000, 0x2000, Prot.READWRITE)
    assert shared.is_committed(0x3000) and not shared.is_committed(0x1000)
    info = space.query(B)
    assert (info.state, info.protect, info.size) == (MemState.COMMIT, Prot.READONLY, 0x2000)  # B's own protection
    store(space, A + 0x3000, 5)
    assert load(space, B + 0x1000) == 5
    assert one.committed == {A + 0x2000: Prot.READWRITE, A + 0x3000: Prot.READWRITE}


def test_a_new_view_maps_the_pages_already_committed(space: AddressSpace) -> None:
    shared = SharedMemory(space.physical, 0x3000, committed=False)
    space.map_view(A, 0x3000, shared, 0, Prot.READWRITE, owner=None)
    space.commit(A + 0x1000, 0x1000, Prot.READWRITE)
    space.map_view(B, 0x3000, shared, 0, Prot.EXECUTE_READ, owner=None)
    assert [space.query(B + o).state for o in (0, 0x1000, 0x2000)] == [MemState.RESERVE, MemState.COMMIT,
                                                                       MemState.RESERVE]
    assert space.query(B + 0x1000).protect == Prot.EXECUTE_READ


def test_a_write_copy_view_copies_a_page_when_the_cpu_first_writes_it(space: AddressSpace) -> None:
    shared = SharedMemory(space.physical, 0x2000, committed=True)
    shared.write(0, b"section")
    space.map_view(A, 0x2000, shared, 0, Prot.READWRITE, None)
    space.map_view(B, 0x2000, shared, 0, Prot.WRITECOPY, None)
    assert load(space, B) == int.from_bytes(b"section\0", "little")  # the section's frame, read-only
    with pytest.raises(CpuFault) as fault:
        store(space, B, 0x4242)
    assert (fault.value.fault.address, fault.value.fault.access) == (B, Access.WRITE)
    assert space.resolve_fault(B, Access.WRITE)  # MmAccessFault's copy: the instruction may run again
    store(space, B, 0x4242)
    assert load(space, B) == 0x4242 and load(space, A) == int.from_bytes(b"section\0", "little")
    assert space.query(B).protect == Prot.READWRITE and space.query(B + 0x1000).protect == Prot.WRITECOPY
    assert not space.resolve_fault(A + 0x10000, Access.READ)  # free memory: the guest's fault
    space.check()


class Pages:
    """A file's pages, counted as they are read."""

    def __init__(self) -> None:
        self.read: list[int] = []
        self.closed = False

    def read_page(self, offset: int) -> bytes:
        self.read.append(offset)
        return bytes([(offset // 0x1000 + 1) & 0xFF]) * 0x1000

    def close(self) -> None:
        self.closed = True


def test_a_file_section_reads_each_page_the_first_time_it_is_used(space: AddressSpace) -> None:
    pages = Pages()
    shared = SharedMemory(space.physical, 0x200000, committed=True, source=pages)
    view = space.map_view(0x1000000, 0x200000, shared, 0, Prot.READONLY, None)
    shared.release()  # the view is its last user now
    assert pages.read == []  # a 2 MB view of the file, and nothing read yet
    assert space.read(view.base + 0x5010, 2) == b"\x06\x06"  # the kernel reads it: that page is read in
    with pytest.raises(CpuFault):  # the CPU touches another: not there yet, a page fault
        load(space, view.base + 0x27000)
    assert space.resolve_fault(view.base + 0x27000, Access.READ)  # its 64 KB are read in, the page itself first
    assert load(space, view.base + 0x27000) == 0x2828282828282828
    assert pages.read == [0x5000, 0x27000, *(o for o in range(0x20000, 0x30000, 0x1000) if o != 0x27000)]
    assert list(shared.filled(0, 0x200000)) == [(0x5000, 0x6000), (0x20000, 0x30000)]
    space.release(view)
    assert pages.closed


def test_query_scans_forward_from_the_page_and_free_ranges_start_at_it(space: AddressSpace) -> None:
    space.reserve(A, 0x10000, MemType.PRIVATE, Prot.READWRITE)
    space.reserve(B, 0x10000, MemType.PRIVATE, Prot.READWRITE)
    space.commit(A + 0x1000, 0x3000, Prot.READWRITE)
    inside = space.query(A + 0x2345)
    assert (inside.base, inside.size, inside.allocation_base) == (A + 0x2000, 0x2000, A)
    free = space.query(A + 0x11234)
    assert (free.base, free.size, free.state, free.protect, free.type) == (
        A + 0x11000, B - (A + 0x11000), MemState.FREE, Prot.NOACCESS, 0)


def test_guard_pages_fault_for_the_cpu_and_for_probes(space: AddressSpace) -> None:
    space.map_committed(A, 0x1000, MemType.PRIVATE, Prot.READWRITE | 0x100)
    assert rights(Prot.READWRITE | 0x100) == NO_RIGHTS
    with pytest.raises(CpuFault):
        load(space, A)
    with pytest.raises(GuestFault):
        space.read(A, 1)


def test_accessible_counts_up_to_the_first_page_that_is_not(space: AddressSpace) -> None:
    space.reserve(A, 0x4000, MemType.PRIVATE, Prot.READWRITE)
    space.commit(A, 0x2000, Prot.READWRITE)
    space.protect(A + 0x1000, 0x1000, Prot.READONLY)
    assert space.accessible(A + 0xFF0, 0x20) == 0x20
    assert space.accessible(A + 0xFF0, 0x20, write=True) == 0x10
    assert space.accessible(A + 0x1FF8, 0x20) == 8
    assert space.accessible(A + 0x3000, 4) == 0



def test_probes_follow_commits_protections_decommits_and_releases_across_regions(space: AddressSpace) -> None:
    first = space.map_committed(A, 0x2000, MemType.PRIVATE, Prot.READWRITE)
    space.map_committed(A + 0x2000, 0x1000, MemType.PRIVATE, Prot.READONLY)
    assert space.accessible(A + 0x1FF0, 0x20) == 0x20  # two regions, both readable
    assert space.accessible(A + 0x1FF0, 0x20, write=True) == 0x10
    space.decommit(A + 0x1000, 0x1000)
    assert space.accessible(A + 0xFF0, 0x20) == 0x10
    space.check()
    space.release(first)
    assert space.accessible(A, 1) == 0 and space.accessible(A + 0x2000, 1) == 1
    space.check()


def test_check_finds_a_page_whose_protection_the_regions_do_not_know(space: AddressSpace) -> None:
    space.check()
    space._protection[B] = Prot.READWRITE
    with pytest.raises(VadTreeCorrupt, match="committed pages"):
        space.check()


@pytest.mark.parametrize(("allowed", "protect", "ok"), [
    (Prot.READONLY, Prot.WRITECOPY, True),
    (Prot.READONLY, Prot.READWRITE, False),
    (Prot.READWRITE, Prot.EXECUTE_READ, False),
    (Prot.EXECUTE_READ, Prot.EXECUTE_WRITECOPY, True),
    (Prot.EXECUTE_READWRITE, Prot.EXECUTE, True),
    (Prot.NOACCESS, Prot.READONLY, False),
])
def test_compatible_protections(allowed: int, protect: int, ok: bool) -> None:
    assert compatible_protection(allowed, protect) is ok


def test_write_copy_protections() -> None:
    assert is_writecopy(Prot.WRITECOPY) and is_writecopy(Prot.EXECUTE_WRITECOPY | 0x200)
    assert not is_writecopy(Prot.READWRITE)


def test_peek_unpack_reads_what_the_cpu_wrote_in_a_page_and_across_two(space: AddressSpace) -> None:
    space.map_committed(A, 0x2000, MemType.PRIVATE, Prot.READWRITE)
    store(space, A + 0x10, 0x1122334455667788)
    store(space, A + 0xFFC, 0xAABBCCDD_EEFF0011)
    two = struct.Struct("<II")
    assert space.peek_unpack(two, A + 0x10) == (0x55667788, 0x11223344)
    assert space.peek_unpack(two, A + 0xFFC) == (0xEEFF0011, 0xAABBCCDD)  # across the page boundary
    assert space.peek_unpack(two, A + 0x1800) == (0, 0)  # a committed page not touched yet
    with pytest.raises(GuestFault):
        space.peek_unpack(two, A + 0x1FFC)  # its second word is in no page


def test_code_rewritten_at_one_address_between_protections_runs_as_rewritten_and_stores_stay_fast(
        space: AddressSpace) -> None:
    """Written read-write, run read-execute, written again, run again, at one address (a loader, a patcher): the TLB
    flush of each protection change is all it takes, so the frame's stores are not watched."""
    space.map_committed(A, 0x1000, MemType.PRIVATE, Prot.READWRITE)
    for value in (1, 2, 3):
        (word,) = struct.unpack("<Q", _mov_ecx(value) + b"\x90")
        store(space, A, word)
        space.protect(A, 0x1000, Prot.EXECUTE_READ)
        result = space.cpu.run(A, until=A + 7)
        assert (result.reason, space.cpu.register("rcx")) == ("until", value)
        space.protect(A, 0x1000, Prot.READWRITE)
    assert not space.cpu.watching(space.frame_of(A))


def test_many_double_mapped_frames_all_run_as_rewritten(space: AddressSpace) -> None:
    """Past the frames the CPU watches one by one it watches them all: each still runs as rewritten."""
    pages, code = 80, B + 0x80000  # the two views at other indexes of the CPU's TLB (one entry would evict the other)
    shared = SharedMemory(space.physical, pages * 0x1000, committed=True)
    space.map_view(A, pages * 0x1000, shared, 0, Prot.READWRITE, owner=None)
    space.map_view(code, pages * 0x1000, shared, 0, Prot.EXECUTE_READ, owner=None)
    for value in (1, 2):
        for page in range(pages):
            (word,) = struct.unpack("<Q", _mov_ecx(value * 1000 + page) + b"\x90")
            store(space, A + page * 0x1000, word)
        for page in range(pages):
            result = space.cpu.run(code + page * 0x1000, until=code + page * 0x1000 + 7)
            assert (result.reason, space.cpu.register("rcx")) == ("until", value * 1000 + page)


def test_a_commit_with_content_fills_those_pages_before_mapping_them_and_leaves_the_rest_lazy(
        space: AddressSpace) -> None:
    """An image's part: the pages its bytes cover are present holding them, mapped with the final rights only (a code
    frame never mapped writable, so no store to it is watched), and a large part's other pages come when touched."""
    pages = 300  # more than a commit makes present at once
    content = _mov_ecx(7) + bytes(0x2000) + b"\x5a" * 0x10
    space.reserve(B, pages * 0x1000, MemType.IMAGE, Prot.EXECUTE_WRITECOPY)
    space.commit(B, pages * 0x1000, Prot.EXECUTE_READ, content=content)
    frames = [space.frame_of(B + i * 0x1000) for i in range(pages)]
    assert all(frame is not None for frame in frames[:3]) and frames[3:] == [None] * (pages - 3)
    assert space.peek(B, len(content)) == content and space.peek(B + 0x2017, 0x10) == bytes(0x10)
    assert [space.physical.writable_at.get(f) for f in frames[:3]] == [None, None, None]
    assert [space.physical.executable[f] for f in frames[:3]] == [1, 1, 1]
    result = space.cpu.run(B, until=B + 7)
    assert (result.reason, space.cpu.register("rcx")) == ("until", 7)
    assert space.resolve_fault(B + 0x5000, Access.READ)  # a page made present when the CPU first touches it
    assert space.frame_of(B + 0x5000) is not None and load(space, B + 0x5000) == 0
    space.check()


def test_stores_take_the_fast_path_unless_their_frame_is_watched(space: AddressSpace) -> None:
    """What makes guest stores cheap, seen from the guest: a store through a mapping that cannot execute takes
    Unicorn's fast path, which does not look for code translated from the frame, so a frame the CPU is not told to
    watch runs its old code after a store through another mapping (a memory hook over all of physical memory, as
    there once was, would put every store back on the slow path and fail this); watched, it runs the new code."""
    C, D = 0x600000, 0x680000  # other indexes of the CPU's TLB than A, B and CODE
    frame = space.physical.allocate()
    space.cpu.map_page(C, frame, True, True, False)  # the CPU's own mappings: AddressSpace would watch the frame
    space.cpu.map_page(D, frame, True, False, True)
    space.physical.write(frame, 0, _mov_ecx(1))
    store(space, C + 0x800, 0)  # the writable mapping's first store: its TLB entry is marked dirty
    for value, watched, runs in ((2, False, 1), (3, True, 3)):
        if watched:
            space.cpu.watch_stores(frame)
        assert space.cpu.run(D, until=D + 7).reason == "until"  # translated
        (word,) = struct.unpack("<Q", _mov_ecx(value) + b"\x90")
        store(space, C, word)
        assert space.cpu.run(D, until=D + 7).reason == "until"
        assert space.cpu.register("rcx") == runs


def test_a_host_write_across_pages_drops_the_code_translated_from_each(space: AddressSpace) -> None:
    """A write of the emulator's (NtWriteVirtualMemory, a read into the buffer) over two pages drops the code the
    CPU translated from both, wherever their frames lie: Unicorn's own drop of a range translates its first address
    only and takes the rest as physically contiguous, which the second page's frame (allocated first) is not. The
    runs end at a page of their own (a run's `until` drops the code there)."""
    E, END = 0x700000, 0x780000
    space.map_committed(END, 0x1000, MemType.PRIVATE, Prot.EXECUTE_READ)
    space.poke(END, b"\x90")

    def code(at: int, value: int) -> bytes:  # mov ecx, value; jmp END
        return b"\xb9" + struct.pack("<I", value) + b"\xe9" + struct.pack("<i", END - (at + 10))

    for page, filler in ((E + 0x1000, A), (E, None)):  # the second page gets its frame first, a gap after it
        space.map_committed(page, 0x1000, MemType.PRIVATE, Prot.EXECUTE_READWRITE)
        space.poke(page, b"\x90")
        if filler is not None:
            space.map_committed(filler, 0x1000, MemType.PRIVATE, Prot.READWRITE)
            space.poke(filler, b"\x00")
    space.poke(E + 0x1000, code(E + 0x1000, 2))
    space.poke(E + 0xFF0, code(E + 0xFF0, 1))
    assert space.frame_of(E) + 1 != space.frame_of(E + 0x1000)
    for first, second in ((1, 2), (3, 4)):
        if first == 3:
            space.write(E + 0xFF0, code(E + 0xFF0, 3) + b"\x90" * 6 + code(E + 0x1000, 4))
        for at, value in ((E + 0xFF0, first), (E + 0x1000, second)):
            result = space.cpu.run(at, until=END)
            assert (result.reason, space.cpu.register("rcx")) == ("until", value)
