"""The address space under any sequence of memory operations: the VAD tree stays sound, and the page tables the CPU
walks agree with it page for page, each committed page with a frame of its own (property tests over the kernel's
own services)."""

from __future__ import annotations

import struct
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import SCRATCH, KernelRig, kernel_rig
from wow64emu.emu.cpu.paging import NX, RW, P
from wow64emu.emu.memory import EAGER_PAGES, PAGE, Prot, rights
from wow64emu.errors import GuestFault
from wow64emu.kernel.handles import CURRENT_PROCESS
from wow64emu.kernel.system import PROCESS_CHARGE
from wow64emu.nt.status import NTSTATUS, is_success

BASE, SIZE, OLD = SCRATCH + 0x100, SCRATCH + 0x108, SCRATCH + 0x110
ARENA = 0x1000_0000  # operations land in 64 pages of 64 KB from here, so that they collide often
MEM_COMMIT, MEM_RESERVE, MEM_DECOMMIT, MEM_RELEASE, MEM_TOP_DOWN = 0x1000, 0x2000, 0x4000, 0x8000, 0x100000
PROTECTIONS = [Prot.READONLY, Prot.READWRITE, Prot.EXECUTE_READ, Prot.EXECUTE_READWRITE, Prot.NOACCESS]

addresses = st.builds(lambda block, page: ARENA + block * 0x10000 + page * PAGE,
                      st.integers(0, 63), st.integers(0, 15))
# Up to 40 pages (present at once), or more than EAGER_PAGES (present when touched).
sizes = st.one_of(st.integers(1, 40), st.integers(EAGER_PAGES + 1, EAGER_PAGES + 40)).map(
    lambda pages: pages * PAGE - 0x10)
operation = st.one_of(
    st.tuples(st.just("reserve"), addresses, sizes, st.sampled_from(PROTECTIONS[:4]), st.booleans()),
    st.tuples(st.just("anywhere"), st.just(0), sizes, st.sampled_from(PROTECTIONS[:4]), st.booleans()),
    st.tuples(st.just("commit"), addresses, sizes, st.sampled_from(PROTECTIONS[:4]), st.just(False)),
    st.tuples(st.just("decommit"), addresses, sizes, st.just(0), st.just(False)),
    st.tuples(st.just("release"), addresses, st.just(0), st.just(0), st.just(False)),
    st.tuples(st.just("protect"), addresses, sizes, st.sampled_from(PROTECTIONS), st.just(False)),
    st.tuples(st.just("touch"), addresses, st.just(0), st.just(0), st.booleans()),
)


def fresh(root: Path) -> KernelRig:
    return kernel_rig(root)


def apply(k: KernelRig, op: tuple) -> int:
    kind, base, size, prot, flag = op
    k.put_u64(BASE, base)
    k.put_u64(SIZE, size)
    if kind in ("reserve", "anywhere"):
        alloc = MEM_RESERVE | (MEM_COMMIT if flag else 0) | (MEM_TOP_DOWN if kind == "anywhere" else 0)
        return k.call("NtAllocateVirtualMemory", CURRENT_PROCESS, BASE, 0, SIZE, alloc, prot)
    if kind == "commit":
        return k.call("NtAllocateVirtualMemory", CURRENT_PROCESS, BASE, 0, SIZE, MEM_COMMIT, prot)
    if kind == "touch":  # the kernel reads (or writes) a page: a committed one comes to be present
        try:
            if flag:
                k.process.memory.write(base, b"t")
            else:
                k.process.memory.read(base, 1)
        except GuestFault:
            return NTSTATUS.ACCESS_VIOLATION
        return NTSTATUS.SUCCESS
    if kind in ("decommit", "release"):
        return k.call("NtFreeVirtualMemory", CURRENT_PROCESS, BASE, SIZE, MEM_DECOMMIT if kind == "decommit"
                      else MEM_RELEASE)
    return k.call("NtProtectVirtualMemory", CURRENT_PROCESS, BASE, SIZE, prot, OLD)


def check_space(k: KernelRig) -> None:
    space = k.process.memory
    space.check()  # ordered, non-overlapping, balanced, heights and size right
    regions = space.regions()
    assert all(a.end <= b.base for a, b in zip(regions, regions[1:], strict=False))
    expected = {}
    for region in regions:
        assert all(region.base <= page < region.end and page % PAGE == 0 for page in region.committed)
        for page, prot in region.committed.items():
            if rights(prot)[0] and space.frame_of(page) is not None:  # the CPU maps the present pages it may read
                expected[page] = rights(prot)
    mapped = {va: (True, bool(entry & RW), not entry & NX)
              for va, entry in k.process.cpu.tables.entries().items() if entry & P and va <= space.user_high}
    assert mapped == expected  # the same pages, with the same rights
    frames = [space.frame_of(page) for region in regions for page in region.committed]
    frames = [frame for frame in frames if frame is not None]
    assert len(set(frames)) == len(frames)  # private pages: a frame each
    assert len(list(k.process.cpu.uc.mem_regions())) <= 4  # the CPU's memory regions: physical memory only
    # The commit charge is the committed private pages, whatever was allocated, freed, touched or not, and the pages
    # held of memory not charged when committed (KUSER_SHARED_DATA's page, mapped or not).
    shared = {id(r.shared): r.shared for r in regions if r.shared is not None}
    shared[id(k.system.shared_data.memory)] = k.system.shared_data.memory
    held = sum(m.held_charge for m in shared.values())
    processes = sum(not p.reaped for p in k.system.processes.values()) * PROCESS_CHARGE  # their CPUs' host cost
    assert k.system.physical.committed == sum(len(r.committed) for r in regions if r.shared is None) * PAGE + held \
        + processes
    for region in regions:  # commit counts as NtQueryVirtualMemory walks them
        page, counted = region.base, 0
        while page < region.end:
            info = space.query(page)
            if info.state == 0x1000:
                counted += info.size // PAGE
            page += info.size
        assert counted == len(region.committed)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(operation, min_size=1, max_size=30))
def test_any_sequence_keeps_the_tree_sound_and_the_page_tables_in_step(tmp_path: Path, ops: list[tuple]) -> None:
    k = fresh(tmp_path)
    for op in ops:
        status = apply(k, op)
        assert status in (NTSTATUS.SUCCESS, NTSTATUS.ACCESS_VIOLATION, NTSTATUS.CONFLICTING_ADDRESSES,
                          NTSTATUS.MEMORY_NOT_ALLOCATED, NTSTATUS.FREE_VM_NOT_AT_BASE, NTSTATUS.UNABLE_TO_FREE_VM,
                          NTSTATUS.NOT_COMMITTED,
                          NTSTATUS.INVALID_PAGE_PROTECTION, NTSTATUS.INVALID_PARAMETER_2) or is_success(status), (
            op, NTSTATUS.name_of(status))
        check_space(k)


def test_protect_reports_the_old_protection_and_changes_the_cpu_permissions(tmp_path: Path) -> None:
    k = fresh(tmp_path)
    assert apply(k, ("reserve", ARENA, 0x2000, Prot.READWRITE, True)) == NTSTATUS.SUCCESS
    k.process.memory.poke(ARENA, b"ok")
    assert apply(k, ("protect", ARENA, 0x1000, Prot.READONLY, False)) == NTSTATUS.SUCCESS
    assert struct.unpack("<I", k.process.memory.peek(OLD, 4))[0] == Prot.READWRITE
    check_space(k)
