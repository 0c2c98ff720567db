"""What a new thread is made of in its process's address space, for the first thread (process creation) and for
each NtCreateThreadEx alike: the TEB64 (two pages) with, in a WoW64 process, the TEB32 right after it; the stack
(the image's SizeOfStackReserve and SizeOfStackCommit, or the creator's sizes) with its guard page; and in a WoW64
process the 64-bit stack wow64 runs on, the CPU area whose WOW64_CONTEXT holds the 32-bit registers, and the arena
where wow64.dll rebuilds one call's structures (TEB64 TLS slot 3, WOW64_TLS_TEMPLIST).

Every thread of a WoW64 process gets its 32-bit half: Windows' kernel allocates the TEB32 with the TEB64 and wow64
gives each new thread its 32-bit context, which starts at the 32-bit ntdll's RtlUserThreadStart with EAX = the start
routine and EBX = its argument (initial_context32).
"""

from __future__ import annotations

import struct
from typing import TYPE_CHECKING

from ..emu.memory import PAGE, PAGE_GUARD, MemType, Prot
from ..nt import teb as S
from ..nt.exceptions import CONTEXT_I386, EXTENDED_REGISTERS32, X87_DEFAULT, X87_SIZE
from ..nt.process import TEB64_TO_TEB32
from ..nt.status import NTSTATUS
from .errors import NtError
from .stack import GRANULARITY, stack_sizes

if TYPE_CHECKING:
    from .process import Process
    from .threadobject import Thread

STACK64_SIZE = 0x80000  # the 64-bit stack of a WoW64 thread
LIMIT_32 = 0x7FFDFFFF  # system structures of a WoW64 process stay below KUSER_SHARED_DATA
WOW64_CPU_AREA_SIZE = 0x1000
WOW64_ARENA_SIZE = 0x10000
DEFAULT_STACK = (0x100000, PAGE)  # reserve and commit when there is no image to take them from
# The offsets of the i386 CONTEXT's fields in the WOW64_CONTEXT of the CPU area (after its 4-byte header).
CTX = {"ContextFlags": 0x00, "SegGs": 0x8C, "SegFs": 0x90, "SegEs": 0x94, "SegDs": 0x98, "Edi": 0x9C,
       "Esi": 0xA0, "Ebx": 0xA4, "Edx": 0xA8, "Ecx": 0xAC, "Eax": 0xB0, "Ebp": 0xB4, "Eip": 0xB8, "SegCs": 0xBC,
       "EFlags": 0xC0, "Esp": 0xC4, "SegSs": 0xC8}


class NoRoom(NtError):
    """The address space has no room for a part of the thread (what, in `what`)."""

    def __init__(self, what: str) -> None:
        super().__init__(NTSTATUS.NO_MEMORY)
        self.what = what


def alloc_private(process: Process, size: int, name: str, *, below: int | None = None, top_down: bool = True,
                  protect: int = Prot.READWRITE) -> int:
    """A committed private region of `size` bytes, named for the address-space views; NoRoom if none is free."""
    space = process.memory
    base = space.find_free(size, high=below, top_down=top_down, align=PAGE)
    if base is None:
        raise NoRoom(name)
    space.map_committed(base, size, MemType.PRIVATE, protect, name)
    return base


def system_limit(process: Process) -> int | None:
    """Where a WoW64 process's system structures must stay below (None: anywhere)."""
    return LIMIT_32 if process.wow64 else None


def allocate_stack(process: Process, reserve: int, commit: int, name: str) -> tuple[int, int, int]:
    """A thread's stack as Windows lays one out (stack.py): the reservation, its top `commit` committed and a guard
    page below; returns (reservation base, top, StackLimit)."""
    reserve, commit = stack_sizes(reserve, commit)
    space = process.memory
    base = space.find_free(reserve, high=system_limit(process), top_down=True, align=GRANULARITY)
    if base is None:
        raise NoRoom(f"{name} (SizeOfStackReserve 0x{reserve:x})")
    top = base + reserve
    space.reserve(base, reserve, MemType.PRIVATE, Prot.READWRITE, name)
    space.commit(top - commit, commit, Prot.READWRITE)
    space.commit(top - commit - PAGE, PAGE, Prot.READWRITE | PAGE_GUARD)
    return base, top, top - commit


def build_thread(process: Process, reserve: int, commit: int) -> Thread:
    """A new thread of `process` with its TEBs, stacks and (WoW64) CPU area and arena, written as Windows writes
    them; its registers are the scheduler's to set (Thread.start)."""
    thread = process.create_thread()
    try:
        _lay_out(process, thread, reserve, commit)
    except NoRoom:
        process.threads.remove(thread)
        raise
    return thread


def _lay_out(process: Process, thread: Thread, reserve: int, commit: int) -> None:
    wow64 = process.wow64
    below = system_limit(process)
    thread.teb64 = alloc_private(process, 3 * PAGE if wow64 else 2 * PAGE, "TEB", below=below)
    teb64 = bytearray(2 * PAGE)
    L64 = S.TEB64
    if wow64:
        base64 = alloc_private(process, STACK64_SIZE, "64-bit stack", below=below)
        thread.stack64 = (base64, base64 + STACK64_SIZE)
        limit64 = base64
    else:
        base64, top64, limit64 = allocate_stack(process, reserve, commit, "stack")
        thread.stack64 = (base64, top64)
    struct.pack_into("<QQ", teb64, L64.stack_base, thread.stack64[1], limit64)
    struct.pack_into("<Q", teb64, S.TEB64_DEALLOCATION_STACK, thread.stack64[0])
    struct.pack_into("<Q", teb64, L64.self, thread.teb64)
    struct.pack_into("<QQ", teb64, L64.client_id, process.pid, thread.tid)
    struct.pack_into("<Q", teb64, L64.peb, process.peb64)
    if wow64:
        thread.teb32 = thread.teb64 + TEB64_TO_TEB32
        base32, top32, limit32 = allocate_stack(process, reserve, commit, "32-bit stack")
        thread.stack32 = (base32, top32)
        thread.cpu_area = alloc_private(process, WOW64_CPU_AREA_SIZE, "WoW64 CPU area", below=below)
        arena = alloc_private(process, WOW64_ARENA_SIZE, "WoW64 thunk arena", below=below)
        struct.pack_into("<Q", teb64, L64.exception_list, thread.teb32)
        struct.pack_into("<i", teb64, L64.wow_teb_offset, TEB64_TO_TEB32)
        slots = S.TEB64_TLS_SLOTS
        struct.pack_into("<Q", teb64, slots + 8 * S.WOW64_TLS_STACKPTR64, thread.stack64[1])
        struct.pack_into("<Q", teb64, slots + 8 * S.WOW64_TLS_CPURESERVED, thread.cpu_area)
        struct.pack_into("<Q", teb64, slots + 8 * S.WOW64_TLS_TEMPLIST, arena)
        teb32 = bytearray(PAGE)
        L32 = S.TEB32
        struct.pack_into("<III", teb32, L32.exception_list, 0xFFFFFFFF, thread.stack32[1], limit32)
        struct.pack_into("<I", teb32, S.TEB32_DEALLOCATION_STACK, thread.stack32[0])
        struct.pack_into("<I", teb32, L32.self, thread.teb32)
        struct.pack_into("<II", teb32, L32.client_id, process.pid, thread.tid)
        struct.pack_into("<I", teb32, L32.peb, process.peb32)
        struct.pack_into("<i", teb32, L32.wow_teb_offset, -TEB64_TO_TEB32)
        process.memory.poke(thread.teb32, bytes(teb32))
    process.memory.poke(thread.teb64, bytes(teb64))


def release_thread_memory(thread: Thread) -> None:
    """Free what build_thread made for a thread that has ended: its TEB(s), its stacks, and in a WoW64 process its CPU
    area and thunk arena. Nothing of it runs again; a region the guest freed or changed meanwhile is left alone."""
    space = thread.process.memory
    addresses = [thread.teb64, thread.stack64[0], thread.stack32[0], thread.cpu_area]
    if thread.process.wow64 and thread.teb64:
        addresses.append(space.read_u64(thread.teb64 + S.TEB64_TLS_SLOTS + 8 * S.WOW64_TLS_TEMPLIST))
    for address in addresses:
        region = space.region_at(address) if address else None
        if region is not None and region.base == address and not region.no_change:
            space.release(region)


def initial_context32(process: Process, thread: Thread, eip: int, eax: int, ebx: int) -> None:
    """The thread's first 32-bit registers, in its CPU area's WOW64_CONTEXT (wow64cpu!RunSimulatedCode loads them):
    the flat segments, FS on the TEB32, ESP near the top of the 32-bit stack."""
    area = bytearray(WOW64_CPU_AREA_SIZE)
    struct.pack_into("<HH", area, 0, 0, 0x014C)  # Flags, Machine = IMAGE_FILE_MACHINE_I386
    ctx = {"ContextFlags": CONTEXT_I386 | 0x7, "SegGs": 0x2B, "SegFs": 0x53, "SegEs": 0x2B, "SegDs": 0x2B,
           "Eax": eax, "Ebx": ebx, "Eip": eip, "SegCs": 0x23, "EFlags": 0x202, "Esp": thread.stack32[1] - 0x10,
           "SegSs": 0x2B}
    for name, value in ctx.items():
        struct.pack_into("<I", area, 4 + CTX[name], value & 0xFFFFFFFF)
    # RunSimulatedCode loads the x87 state, MXCSR and XMM0-7 from the ExtendedRegisters (fxrstor: 16-byte aligned)
    area[4 + EXTENDED_REGISTERS32: 4 + EXTENDED_REGISTERS32 + X87_SIZE] = X87_DEFAULT
    process.memory.poke(thread.cpu_area, bytes(area))
