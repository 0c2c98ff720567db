"""Virtual memory services: NtAllocateVirtualMemory and NtFreeVirtualMemory, with Windows' rounding rules."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..memory import ALLOCATION_GRANULARITY, MemType, page_down, page_up, valid_protection
from ..status import NTSTATUS
from .errors import NtError
from .handles import CURRENT_PROCESS

if TYPE_CHECKING:
    from . import Kernel

MEM_COMMIT = 0x1000
MEM_RESERVE = 0x2000
MEM_RESET = 0x80000
MEM_TOP_DOWN = 0x100000
MEM_DECOMMIT = 0x4000
MEM_RELEASE = 0x8000


def zero_bits_limit(zero_bits: int) -> int | None:
    """The highest address that ZeroBits allows, or None for no limit.

    Below 32, ZeroBits counts the high-order zero bits of a 32-bit address; from 32 on it is a mask whose
    highest set bit bounds the address (the form WoW64 uses to keep 32-bit callers under their limit).
    """
    if zero_bits == 0:
        return None
    if zero_bits < 32:
        return 0xFFFFFFFF >> zero_bits
    return (1 << zero_bits.bit_length()) - 1


class MemoryServices:
    def __init__(self, kernel: Kernel) -> None:
        self.kernel = kernel

    @property
    def _space(self):
        return self.kernel.process.memory

    def _check_process(self, handle: int) -> None:
        if handle != CURRENT_PROCESS:
            raise NtError(NTSTATUS.INVALID_HANDLE)

    def NtAllocateVirtualMemory(self, ProcessHandle: int, BaseAddress: int, ZeroBits: int, RegionSize: int,
                                AllocationType: int, Protect: int) -> int:
        self._check_process(ProcessHandle)
        space = self._space
        base = space.read_u64(BaseAddress)
        size = space.read_u64(RegionSize)
        if 21 < ZeroBits < 32:
            raise NtError(NTSTATUS.INVALID_PARAMETER_3)
        if size == 0:
            raise NtError(NTSTATUS.INVALID_PARAMETER_4)
        if not AllocationType & (MEM_COMMIT | MEM_RESERVE | MEM_RESET) or AllocationType & ~(
                MEM_COMMIT | MEM_RESERVE | MEM_RESET | MEM_TOP_DOWN):
            raise NtError(NTSTATUS.INVALID_PARAMETER_5)
        if not valid_protection(Protect):
            raise NtError(NTSTATUS.INVALID_PAGE_PROTECTION)
        limit = zero_bits_limit(ZeroBits)
        if AllocationType & MEM_RESERVE or base == 0:
            start, length = self._reserve(base, size, AllocationType, Protect, limit)
            if AllocationType & MEM_COMMIT:
                space.commit(start, length, Protect)
        else:
            start = page_down(base)
            length = page_up(base + size) - start
            region = space.region_at(start)
            if region is None or start + length > region.end:
                raise NtError(NTSTATUS.CONFLICTING_ADDRESSES)
            if AllocationType & MEM_COMMIT:
                space.commit(start, length, Protect)
        space.write_u64(BaseAddress, start)
        space.write_u64(RegionSize, length)
        return NTSTATUS.SUCCESS

    def _reserve(self, base: int, size: int, alloc_type: int, protect: int, limit: int | None) -> tuple[int, int]:
        space = self._space
        if base:
            start = base & ~(ALLOCATION_GRANULARITY - 1)
            length = page_up(base + size) - start
            if start < space.user_low or start + length - 1 > space.user_high:
                raise NtError(NTSTATUS.INVALID_PARAMETER_2)
            if limit is not None and start + length - 1 > limit:
                raise NtError(NTSTATUS.INVALID_PARAMETER_2)
            if not space.is_free(start, length):
                raise NtError(NTSTATUS.CONFLICTING_ADDRESSES)
        else:
            length = page_up(size)
            found = space.find_free(length, high=limit, top_down=bool(alloc_type & MEM_TOP_DOWN))
            if found is None:
                raise NtError(NTSTATUS.NO_MEMORY)
            start = found
        space.reserve(start, length, MemType.PRIVATE, protect)
        return start, length

    def NtFreeVirtualMemory(self, ProcessHandle: int, BaseAddress: int, RegionSize: int, FreeType: int) -> int:
        self._check_process(ProcessHandle)
        space = self._space
        base = space.read_u64(BaseAddress)
        size = space.read_u64(RegionSize)
        if FreeType not in (MEM_DECOMMIT, MEM_RELEASE):
            raise NtError(NTSTATUS.INVALID_PARAMETER_4)
        region = space.region_at(base)
        if region is None:
            raise NtError(NTSTATUS.MEMORY_NOT_ALLOCATED)
        if region.type != MemType.PRIVATE:
            raise NtError(NTSTATUS.UNABLE_TO_DELETE_SECTION)
        if size == 0:
            if FreeType == MEM_RELEASE and base != region.base:
                raise NtError(NTSTATUS.FREE_VM_NOT_AT_BASE)
            start, end = (region.base, region.end) if FreeType == MEM_RELEASE else (page_down(base), region.end)
        else:
            start, end = page_down(base), page_up(base + size)
            if end > region.end:
                raise NtError(NTSTATUS.UNABLE_TO_FREE_VM)
        if FreeType == MEM_RELEASE:
            if (start, end) != (region.base, region.end):
                raise NtError(NTSTATUS.UNABLE_TO_FREE_VM)
            space.release(region)
        else:
            space.decommit(start, end - start)
        space.write_u64(BaseAddress, start)
        space.write_u64(RegionSize, end - start)
        return NTSTATUS.SUCCESS

