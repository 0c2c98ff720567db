"""Virtual memory services: allocate, free, protect, query, and copy between address spaces.

Windows' rules, and the choices made where Windows is subtle:
- Ranges are rounded out to whole pages; a new reservation's base down to 64 KB. Private memory takes no
  write-copy protection (STATUS_INVALID_PAGE_PROTECTION, which VirtualAlloc shows as ERROR_INVALID_PARAMETER).
- MEM_COMMIT inside a view commits the section's pages, in every view of it (a page-file section); a view of a
  file is committed whole already: STATUS_ALREADY_COMMITTED (VirtualAlloc's ERROR_ACCESS_DENIED there).
  Views and images are not freed here: STATUS_UNABLE_TO_DELETE_SECTION (section.py unmaps views).
- KUSER_SHARED_DATA's page is secured (VadFlags.NoChange): freeing, decommitting or re-protecting it is
  STATUS_INVALID_PAGE_PROTECTION, what Windows answers for a secured range (MiCheckSecuredVad).
- NtProtectVirtualMemory checks, in order: the protection, the pointers, the base against the user range and the
  size (0 or past the end: STATUS_INVALID_PARAMETER_3), the process; then the range must lie in one allocation
  (STATUS_CONFLICTING_ADDRESSES, also for a free address), a view only takes protections compatible with its own
  (STATUS_SECTION_PROTECTION, before the pages are looked at), and every page must be committed
  (STATUS_NOT_COMMITTED). OldProtect is the protection the first page had.
- NtQueryVirtualMemory serves MemoryBasicInformation: from the queried page on, the run of pages alike in state
  and protection (Windows scans forward only), or the free range up to the next allocation. Addresses above the
  highest user address are STATUS_INVALID_PARAMETER; a buffer shorter than the structure
  STATUS_INFO_LENGTH_MISMATCH. The other classes Windows 10 has are not served: STATUS_NOT_IMPLEMENTED, logged.
- NtReadVirtualMemory / NtWriteVirtualMemory copy between the caller's buffer and any process's memory, through a
  handle granting PROCESS_VM_READ (PROCESS_VM_WRITE; STATUS_ACCESS_DENIED otherwise, processaccess.py). Ranges
  that wrap or leave the user range (of either process) are STATUS_ACCESS_VIOLATION, as an unusable buffer of the
  caller is; the other process's side stops at its first page that cannot be read (written): STATUS_PARTIAL_COPY
  with the count of bytes copied up to there (what Windows' pool copy reports; its larger copies go by locked
  chunks and may report fewer). The count is written whatever the status.
- NtAllocateVirtualMemory, NtFreeVirtualMemory, NtProtectVirtualMemory (PROCESS_VM_OPERATION) and
  NtQueryVirtualMemory (PROCESS_QUERY_INFORMATION) serve another process's memory too (VirtualAllocEx...).
- NtFlushInstructionCache drops what the process's CPU translated from the range (all of it for a NULL
  BaseAddress): code another process's CPU wrote into a view they share is seen after it (each CPU has its own
  translations). A range of 0 bytes is STATUS_SUCCESS at once; a BaseAddress above the highest user address
  STATUS_ACCESS_VIOLATION; then the handle must grant PROCESS_VM_WRITE. The checks are in the order ReactOS's
  NtFlushInstructionCache has them (a reference for Windows' behaviour).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..emu.memory import (
    ALLOCATION_GRANULARITY,
    PAGE,
    MemType,
    compatible_protection,
    is_writecopy,
    page_down,
    page_up,
    valid_protection,
)
from ..errors import CommitLimitReached
from ..log import getLogger
from ..nt.memory import MEMORY_BASIC_INFORMATION, MemoryBasicInformation
from ..nt.status import NTSTATUS
from .errors import NtError
from .handles import CURRENT_PROCESS
from .processaccess import (
    PROCESS_QUERY_INFORMATION,
    PROCESS_VM_OPERATION,
    PROCESS_VM_READ,
    PROCESS_VM_WRITE,
    reference_process,
)

if TYPE_CHECKING:
    from ..emu.memory import AddressSpace
    from .system import System
    from .threadobject import Thread

log = getLogger(__name__)

MEM_COMMIT = 0x1000
MEM_RESERVE = 0x2000
MEM_RESET = 0x80000
MEM_TOP_DOWN = 0x100000
MEM_DECOMMIT = 0x4000
MEM_RELEASE = 0x8000
COPY_CHUNK = 0x100000  # NtRead/WriteVirtualMemory copy 1 MB at a time

# MEMORY_INFORMATION_CLASS of Windows 10 after MemoryBasicInformation: known, not served.
_UNSERVED_CLASSES = ("MemoryWorkingSetInformation", "MemoryMappedFilenameInformation", "MemoryRegionInformation",
                     "MemoryWorkingSetExInformation", "MemorySharedCommitInformation", "MemoryImageInformation",
                     "MemoryRegionInformationEx", "MemoryPrivilegedBasicInformation",
                     "MemoryEnclaveImageInformation", "MemoryBasicInformationCapped",
                     "MemoryPhysicalContiguityInformation")


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


def check_zero_bits(zero_bits: int, status: int) -> int | None:
    """zero_bits_limit() for a service, which refuses 22 to 31 (more zero bits than the address space leaves)."""
    if 21 < zero_bits < 32:
        raise NtError(status)
    return zero_bits_limit(zero_bits)


def check_process(handle: int) -> None:
    """Only the current process has an address space here."""
    if handle != CURRENT_PROCESS:
        raise NtError(NTSTATUS.INVALID_HANDLE)


class MemoryServices:
    def __init__(self, system: System) -> None:
        self.system = system

    def NtAllocateVirtualMemory(self, thread: Thread, ProcessHandle: int, BaseAddress: int, ZeroBits: int,
                                RegionSize: int, AllocationType: int, Protect: int) -> int:
        space = reference_process(thread, ProcessHandle, PROCESS_VM_OPERATION).memory
        caller = thread.process.memory
        base = caller.read_u64(BaseAddress)
        size = caller.read_u64(RegionSize)
        limit = check_zero_bits(ZeroBits, NTSTATUS.INVALID_PARAMETER_3)
        if size == 0:
            raise NtError(NTSTATUS.INVALID_PARAMETER_4)
        if not AllocationType & (MEM_COMMIT | MEM_RESERVE | MEM_RESET) or AllocationType & ~(
                MEM_COMMIT | MEM_RESERVE | MEM_RESET | MEM_TOP_DOWN):
            raise NtError(NTSTATUS.INVALID_PARAMETER_5)
        if not valid_protection(Protect):
            raise NtError(NTSTATUS.INVALID_PAGE_PROTECTION)
        if AllocationType & MEM_RESERVE or base == 0:
            if is_writecopy(Protect):
                raise NtError(NTSTATUS.INVALID_PAGE_PROTECTION)
            start, length = _reserve(space, base, size, AllocationType, Protect, limit)
            if AllocationType & MEM_COMMIT:
                try:
                    space.commit(start, length, Protect)
                except CommitLimitReached:  # all or nothing: no reservation stays behind
                    space.release(space.region_at(start))
                    raise
        else:
            start = page_down(base)
            length = page_up(base + size) - start
            region = space.region_at(start)
            if region is None or start + length > region.end:
                raise NtError(NTSTATUS.CONFLICTING_ADDRESSES)
            if region.type == MemType.PRIVATE and is_writecopy(Protect):
                raise NtError(NTSTATUS.INVALID_PAGE_PROTECTION)
            if region.shared is not None and region.shared.file_backed:
                raise NtError(NTSTATUS.ALREADY_COMMITTED)
            if AllocationType & MEM_COMMIT:
                space.commit(start, length, Protect)
        caller.write_u64(BaseAddress, start)
        caller.write_u64(RegionSize, length)
        return NTSTATUS.SUCCESS

    def NtFreeVirtualMemory(self, thread: Thread, ProcessHandle: int, BaseAddress: int, RegionSize: int,
                            FreeType: int) -> int:
        space = reference_process(thread, ProcessHandle, PROCESS_VM_OPERATION).memory
        caller = thread.process.memory
        base = caller.read_u64(BaseAddress)
        size = caller.read_u64(RegionSize)
        if FreeType not in (MEM_DECOMMIT, MEM_RELEASE):
            raise NtError(NTSTATUS.INVALID_PARAMETER_4)
        region = space.region_at(base)
        if region is None:
            raise NtError(NTSTATUS.MEMORY_NOT_ALLOCATED)
        if region.type != MemType.PRIVATE:
            raise NtError(NTSTATUS.UNABLE_TO_DELETE_SECTION)
        if region.no_change:
            raise NtError(NTSTATUS.INVALID_PAGE_PROTECTION)  # a secured VAD, as MiCheckSecuredVad answers
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
        caller.write_u64(BaseAddress, start)
        caller.write_u64(RegionSize, end - start)
        return NTSTATUS.SUCCESS

    def NtProtectVirtualMemory(self, thread: Thread, ProcessHandle: int, BaseAddress: int, RegionSize: int,
                               NewProtect: int, OldProtect: int) -> int:
        if not valid_protection(NewProtect):
            raise NtError(NTSTATUS.INVALID_PAGE_PROTECTION)
        caller = thread.process.memory
        base = caller.read_u64(BaseAddress)
        size = caller.read_u64(RegionSize)
        caller.probe(OldProtect, 4, write=True)
        if base > caller.user_high:
            raise NtError(NTSTATUS.INVALID_PARAMETER_2)
        if size == 0 or size > caller.user_high + 1 - base:
            raise NtError(NTSTATUS.INVALID_PARAMETER_3)
        space = reference_process(thread, ProcessHandle, PROCESS_VM_OPERATION).memory
        start, end = page_down(base), page_up(base + size)
        region = space.region_at(start)
        if region is None or end > region.end:
            raise NtError(NTSTATUS.CONFLICTING_ADDRESSES)
        if region.no_change or region.type == MemType.PRIVATE and is_writecopy(NewProtect):
            raise NtError(NTSTATUS.INVALID_PAGE_PROTECTION)
        if region.type == MemType.MAPPED and not compatible_protection(region.allocation_protect, NewProtect):
            raise NtError(NTSTATUS.SECTION_PROTECTION)
        if any(page not in region.committed for page in range(start, end, PAGE)):
            raise NtError(NTSTATUS.NOT_COMMITTED)
        old = space.protect(start, end - start, NewProtect)
        caller.write_u32(OldProtect, old)
        caller.write_u64(BaseAddress, start)
        caller.write_u64(RegionSize, end - start)
        return NTSTATUS.SUCCESS

    def NtQueryVirtualMemory(self, thread: Thread, ProcessHandle: int, BaseAddress: int, MemoryInformationClass: int,
                             MemoryInformation: int, MemoryInformationLength: int, ReturnLength: int) -> int:
        caller = thread.process.memory
        if BaseAddress > caller.user_high:
            raise NtError(NTSTATUS.INVALID_PARAMETER)
        if MemoryInformationClass != MemoryBasicInformation:
            if MemoryInformationClass - 1 < len(_UNSERVED_CLASSES):
                log.warning("NtQueryVirtualMemory: %s is not served", _UNSERVED_CLASSES[MemoryInformationClass - 1])
                raise NtError(NTSTATUS.NOT_IMPLEMENTED)
            raise NtError(NTSTATUS.INVALID_INFO_CLASS)
        size = MEMORY_BASIC_INFORMATION.size(64)
        if MemoryInformationLength < size:
            raise NtError(NTSTATUS.INFO_LENGTH_MISMATCH)
        caller.probe(MemoryInformation, size, write=True)
        if ReturnLength:
            caller.probe(ReturnLength, 8, write=True)
        info = reference_process(thread, ProcessHandle, PROCESS_QUERY_INFORMATION).memory.query(BaseAddress)
        caller.write(MemoryInformation, MEMORY_BASIC_INFORMATION.pack({
            "BaseAddress": info.base, "AllocationBase": info.allocation_base,
            "AllocationProtect": info.allocation_protect, "RegionSize": info.size, "State": info.state,
            "Protect": info.protect, "Type": info.type}, 64))
        if ReturnLength:
            caller.write_u64(ReturnLength, size)
        return NTSTATUS.SUCCESS

    def NtReadVirtualMemory(self, thread: Thread, ProcessHandle: int, BaseAddress: int, Buffer: int,
                            NumberOfBytesToRead: int, NumberOfBytesRead: int) -> int:
        return self._copy(thread, ProcessHandle, BaseAddress, Buffer, NumberOfBytesToRead, NumberOfBytesRead, read=True)

    def NtWriteVirtualMemory(self, thread: Thread, ProcessHandle: int, BaseAddress: int, Buffer: int,
                             NumberOfBytesToWrite: int, NumberOfBytesWritten: int) -> int:
        return self._copy(thread, ProcessHandle, BaseAddress, Buffer, NumberOfBytesToWrite, NumberOfBytesWritten,
                          read=False)

    def NtFlushInstructionCache(self, thread: Thread, ProcessHandle: int, BaseAddress: int, Length: int) -> int:
        if BaseAddress:
            if not Length:
                return NTSTATUS.SUCCESS
            if BaseAddress > thread.process.memory.user_high:
                raise NtError(NTSTATUS.ACCESS_VIOLATION)
        cpu = reference_process(thread, ProcessHandle, PROCESS_VM_WRITE).cpu
        if BaseAddress:
            cpu.invalidate_code(BaseAddress, Length)
        else:
            cpu.flush_code()
        return NTSTATUS.SUCCESS

    def _copy(self, thread: Thread, handle: int, remote: int, local: int, size: int, count_out: int, *,
              read: bool) -> int:
        """Copy between the caller's buffer (`local`) and the process's memory (`remote`), either way."""
        caller = thread.process.memory
        end = caller.user_high + 1
        if size and (remote + size > end or local + size > end):
            raise NtError(NTSTATUS.ACCESS_VIOLATION)
        if count_out:
            caller.probe(count_out, 8, write=True)
        target = reference_process(thread, handle, PROCESS_VM_READ if read else PROCESS_VM_WRITE)
        space = target.memory
        copied, status = 0, NTSTATUS.SUCCESS
        if size:
            if caller.accessible(local, size, write=read) < size:
                status = NTSTATUS.ACCESS_VIOLATION
            else:
                copied = space.accessible(remote, size, write=not read)
                for done in range(0, copied, COPY_CHUNK):  # the host holds one chunk at a time
                    n = min(COPY_CHUNK, copied - done)
                    if read:
                        caller.write(local + done, space.read(remote + done, n))
                    else:  # what the CPU translated from it goes
                        space.write(remote + done, caller.read(local + done, n))
                if copied < size:
                    status = NTSTATUS.PARTIAL_COPY
        if count_out:
            caller.write_u64(count_out, copied)
        return status


def _reserve(space: AddressSpace, base: int, size: int, alloc_type: int, protect: int,
             limit: int | None) -> tuple[int, int]:
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


SERVICES = (MemoryServices.NtAllocateVirtualMemory, MemoryServices.NtFreeVirtualMemory,
            MemoryServices.NtProtectVirtualMemory, MemoryServices.NtQueryVirtualMemory,
            MemoryServices.NtReadVirtualMemory, MemoryServices.NtWriteVirtualMemory,
            MemoryServices.NtFlushInstructionCache)
