"""Section services: section objects, their views, and the files behind them.

A section is SharedMemory (memory.py): its views map the same frames of physical memory, so what one view writes the
others read at once. Named sections live in the object namespace (namespace.py), under \\BaseNamedObjects for the
names kernel32 gives. Windows' rules, and the choices made where Windows is subtle:
- NtCreateSection: AllocationAttributes with unknown bits, or a page-file section without exactly one of
  SEC_COMMIT and SEC_RESERVE, is STATUS_INVALID_PARAMETER_6; the page protection must be one a section can have
  (not PAGE_NOACCESS or PAGE_EXECUTE, no modifier), else STATUS_INVALID_PAGE_PROTECTION. A page-file section needs
  a MaximumSize (STATUS_INVALID_PARAMETER_4), rounded up to pages. A file section is the file's bytes, read page by
  page as views use them (the file stays open while the section's pages live): its size is MaximumSize, or the
  file's size (an empty file: STATUS_MAPPED_FILE_SIZE_ZERO); a larger MaximumSize extends a file the section may
  write, and is STATUS_SECTION_TOO_BIG for a read-only one.
  Its attributes are SEC_FILE (SEC_COMMIT / SEC_RESERVE are dropped). The file handle must grant read (and write
  for a writable section, execute for an executable one): STATUS_ACCESS_DENIED; a directory or a console is
  STATUS_INVALID_FILE_FOR_SECTION. Host memory bounds a section at 4 GB: beyond, STATUS_COMMITMENT_LIMIT
  (SEC_COMMIT) or STATUS_INSUFFICIENT_RESOURCES (SEC_RESERVE), as Windows answers for sizes it cannot back.
  Image sections (SEC_IMAGE) are imagesection.py's: they need a file, take no SEC_COMMIT, SEC_RESERVE,
  SEC_NOCACHE or SEC_NO_CHANGE (STATUS_INVALID_PARAMETER_6) and may also be PAGE_EXECUTE, which Windows' loader
  asks for; the file must grant execute for an executable protection, read otherwise. Based and large-page
  sections are not served: STATUS_NOT_IMPLEMENTED, logged.
- What views write reaches the file when a view is flushed (NtFlushVirtualMemory) or unmapped; NtReadFile does
  not see it before then (Windows' cache would).
- NtMapViewOfSection checks, in order: ZeroBits (STATUS_INVALID_PARAMETER_4), InheritDisposition (ViewShare or
  ViewUnmap, else _8), AllocationType (only MEM_TOP_DOWN; MEM_COMMIT, MEM_RESERVE and unknown bits are _9), the
  protection, the pointers, the range against the user range (_3) and ZeroBits (_4), the process, the section
  handle with the rights the protection needs (SECTION_MAP_READ / _WRITE / _EXECUTE), the protection against the
  section's (STATUS_SECTION_PROTECTION), 64 KB alignment of base and offset (STATUS_MAPPED_ALIGNMENT), the offset
  and size against the section (STATUS_INVALID_VIEW_SIZE; a ViewSize of 0 maps to the end), a given base that is
  taken (STATUS_CONFLICTING_ADDRESSES). CommitSize commits the first pages of a SEC_RESERVE section's view.
  A write-copy view shares the section's pages until it writes one: that page then becomes its own copy, shown
  PAGE_READWRITE (or PAGE_EXECUTE_READWRITE), as on Windows; until then it sees what other views write.
  A view of an image section is mapped by imagesection.py, after the checks up to the section handle's rights
  and the base's alignment; the view's protection is not looked at further (each part of an image has its own).
- NtUnmapViewOfSection takes any address inside a view (or an image); anything else is STATUS_NOT_MAPPED_VIEW.
- NtQuerySection serves SectionBasicInformation (BaseAddress NULL: no based sections) and
  SectionImageInformation, which is STATUS_SECTION_NOT_IMAGE for a section that is not an image.
"""

from __future__ import annotations

import os
import struct
from collections.abc import Callable
from dataclasses import replace
from typing import TYPE_CHECKING

from ..emu.memory import (
    ALLOCATION_GRANULARITY,
    PAGE,
    MemType,
    Prot,
    SharedMemory,
    compatible_protection,
    page_down,
    page_up,
    valid_protection,
)
from ..errors import CommitLimitReached
from ..log import getLogger
from ..nt import layouts as L
from ..nt.memory import (
    SECTION_BASIC_INFORMATION,
    SECTION_IMAGE_INFORMATION,
    SectionBasicInformation,
    SectionImageInformation,
)
from ..nt.status import NTSTATUS
from .errors import NtError
from .fileobject import FILE_EXECUTE, FILE_READ_DATA, FILE_WRITE_DATA, FileObject, IoObject
from .handles import KernelObject, is_pseudo_handle
from .imagesection import ImageFile, image_information, map_image_view, read_image
from .memory import check_process, check_zero_bits
from .namespace import create_object, open_object
from .paths import host_status

if TYPE_CHECKING:
    from ..emu.memory import AddressSpace, Region
    from ..emu.physical import PhysicalMemory
    from .system import System
    from .threadobject import Thread
    from .volume import FileNode, Volume

log = getLogger(__name__)

# AllocationAttributes.
SEC_BASED = 0x00200000
SEC_NO_CHANGE = 0x00400000
SEC_FILE = 0x00800000
SEC_IMAGE = 0x01000000
SEC_PROTECTED_IMAGE = 0x02000000
SEC_RESERVE = 0x04000000
SEC_COMMIT = 0x08000000
SEC_NOCACHE = 0x10000000
SEC_WRITECOMBINE = 0x40000000
SEC_LARGE_PAGES = 0x80000000
_SEC_VALID = (SEC_BASED | SEC_NO_CHANGE | SEC_FILE | SEC_IMAGE | SEC_PROTECTED_IMAGE | SEC_RESERVE | SEC_COMMIT
              | SEC_NOCACHE | SEC_WRITECOMBINE | SEC_LARGE_PAGES)
_SEC_UNSERVED = SEC_BASED | SEC_NO_CHANGE | SEC_PROTECTED_IMAGE | SEC_LARGE_PAGES
_SEC_NOT_WITH_IMAGE = SEC_COMMIT | SEC_RESERVE | SEC_NOCACHE | SEC_NO_CHANGE

# Section rights.
SECTION_QUERY = 0x0001
SECTION_MAP_WRITE = 0x0002
SECTION_MAP_READ = 0x0004
SECTION_MAP_EXECUTE = 0x0008

# What a view's protection needs of the section handle (Windows' MmMakeSectionAccess).
_MAP_ACCESS = {
    Prot.NOACCESS: SECTION_MAP_READ,
    Prot.READONLY: SECTION_MAP_READ,
    Prot.WRITECOPY: SECTION_MAP_READ,
    Prot.READWRITE: SECTION_MAP_WRITE,
    Prot.EXECUTE: SECTION_MAP_EXECUTE,
    Prot.EXECUTE_READ: SECTION_MAP_EXECUTE | SECTION_MAP_READ,
    Prot.EXECUTE_WRITECOPY: SECTION_MAP_EXECUTE | SECTION_MAP_READ,
    Prot.EXECUTE_READWRITE: SECTION_MAP_EXECUTE | SECTION_MAP_WRITE,
}
_SECTION_PROTECTIONS = (Prot.READONLY, Prot.READWRITE, Prot.WRITECOPY, Prot.EXECUTE_READ, Prot.EXECUTE_READWRITE,
                        Prot.EXECUTE_WRITECOPY)
_EXECUTABLE = (Prot.EXECUTE_READ, Prot.EXECUTE_READWRITE, Prot.EXECUTE_WRITECOPY)
_IMAGE_PROTECTIONS = (*_SECTION_PROTECTIONS, Prot.EXECUTE)
_WRITABLE = (Prot.READWRITE, Prot.EXECUTE_READWRITE)  # what views of it write reaches the section (and its file)

# NtMapViewOfSection.
VIEW_SHARE = 1
VIEW_UNMAP = 2
MEM_REPLACE_PLACEHOLDER = 0x00004000
MEM_TOP_DOWN = 0x00100000
MEM_DOS_LIM = 0x00400000
MEM_LARGE_PAGES = 0x20000000
_MAP_TYPES_UNSERVED = MEM_REPLACE_PLACEHOLDER | MEM_DOS_LIM | MEM_LARGE_PAGES

TOO_BIG = 1 << 47  # no section reaches 128 TB
HOST_LIMIT = 1 << 32  # what one section's host buffer may take here

# SECTION_INFORMATION_CLASS: the classes served, the image ones Windows 10 has after them.
_CLASSES = {SectionBasicInformation: SECTION_BASIC_INFORMATION, SectionImageInformation: SECTION_IMAGE_INFORMATION}
_UNSERVED_CLASSES = {2: "SectionRelocationInformation", 3: "SectionOriginalBaseInformation",
                     4: "SectionInternalImageInformation"}


class SectionObject(KernelObject):
    """What every section object has: what NtQuerySection tells of it."""

    type_name = "Section"

    def __init__(self, size: int, attributes: int, protection: int) -> None:
        self.size = size  # MaximumSize
        self.attributes = attributes
        self.protection = protection


_PIECE = 1 << 20  # what a write-back writes at a time


class Section(SectionObject):
    """A data section: its pages, and the file it is a view of."""

    def __init__(self, size: int, attributes: int, protection: int, memory: SharedMemory,
                 file: FileNode | None = None, file_name: str = "") -> None:
        super().__init__(size, attributes, protection)
        self.memory = memory
        self.file = file  # the file written back to (its pages hold it open: FilePages)
        self.file_name = file_name

    def describe(self) -> str:
        backing = f", {self.file_name}" if self.file is not None else ""
        return f"{super().describe()} (0x{self.size:x} bytes{backing})"

    def close(self) -> None:
        """The last handle is gone: the pages stay as long as a view maps them."""
        self.memory.release()

    def write_back(self, offset: int, length: int, between: Callable[[], None] = lambda: None) -> None:
        """Put what views wrote in [offset, offset+length) of the section back in its file (the pages used only:
        the others are the file's still), 1 MB at a time, calling `between` between the pieces (the run's
        --timeout)."""
        if self.file is None or self.protection not in _WRITABLE or offset >= self.size:
            return
        try:
            with self.file.host.open("r+b") as host:
                last = min(offset + length, self.size)
                for start, end in self.memory.filled(offset, last):
                    for piece in range(start, min(end, last), _PIECE):
                        between()
                        host.seek(piece)
                        host.write(self.memory.read(piece, min(piece + _PIECE, end, last) - piece))
        except OSError as exc:
            log.warning("section of %s: the file could not be written back: %s", self.file_name, exc)


class FilePages:
    """The pages of a file's section, read from the file the first time a view uses them. The file stays open as
    long as the section's pages live, as a section holds its file object on Windows: the guest may close its
    handle, but a delete waits for the pages to go, and a rename moves the file the pages are read from (and written
    back to). Its host descriptor is one of the volume's pool (hostfiles.py)."""

    def __init__(self, volume: Volume, node: FileNode) -> None:
        try:
            self._file = volume.files.open(lambda: node.host, os.O_RDONLY)
        except OSError as exc:
            raise NtError(host_status(exc)) from None
        self._volume = volume
        self._node = volume.open_node(node.host)  # one more open of the node: the section's
        self.name = node.host.name

    def read_page(self, offset: int) -> bytes:
        try:
            data = self._file.pread(PAGE, offset)
        except OSError as exc:  # the host lost the file under us: what is not there reads as zero
            log.warning("section of %s: page 0x%x could not be read: %s", self.name, offset, exc)
            data = b""
        return data.ljust(PAGE, b"\0")

    def close(self) -> None:
        self._file.close()
        self._volume.release(self._node)


class ImageSection(SectionObject):
    """An image section (SEC_IMAGE): a checked PE file, laid out afresh by each view. What was read of the file is
    held in host memory while a handle lets a view be made of it, and counts against the commit limit as long (the
    views count as the memory they commit)."""

    def __init__(self, image: ImageFile, physical: PhysicalMemory) -> None:
        super().__init__(page_up(image.pe.size_of_image), SEC_IMAGE | SEC_FILE, Prot.EXECUTE_WRITECOPY)
        self.image = image
        self._physical = physical
        self._held = len(image.pe.headers) + sum(len(s.data) for s in image.pe.sections)
        physical.charge(self._held)

    def close(self) -> None:
        """The last handle is gone: no view can be made any more, and the file's content goes."""
        self._physical.uncharge(self._held)
        self._held = 0
        self.image = replace(self.image, pe=replace(self.image.pe, headers=b"", sections=()))

    def describe(self) -> str:
        return f"{super().describe()} ({self.image.describe()})"


def _read_i64(memory: AddressSpace, address: int) -> int:
    return struct.unpack("<q", memory.read(address, 8))[0]


class SectionServices:
    def __init__(self, system: System) -> None:
        self.system = system

    # ---- section objects ------------------------------------------------------------------------------

    def NtCreateSection(self, thread: Thread, SectionHandle: int, DesiredAccess: int, ObjectAttributes: int,
                        MaximumSize: int, SectionPageProtection: int, AllocationAttributes: int,
                        FileHandle: int) -> int:
        attributes, protect = AllocationAttributes, SectionPageProtection
        kind = attributes & (SEC_COMMIT | SEC_RESERVE)
        image = bool(attributes & SEC_IMAGE)
        if (attributes & ~_SEC_VALID or kind == SEC_COMMIT | SEC_RESERVE or (not FileHandle and not kind)
                or image and (not FileHandle or attributes & _SEC_NOT_WITH_IMAGE)):
            raise NtError(NTSTATUS.INVALID_PARAMETER_6)
        if attributes & _SEC_UNSERVED:
            log.warning("NtCreateSection: attributes 0x%x are not served", attributes & _SEC_UNSERVED)
            raise NtError(NTSTATUS.NOT_IMPLEMENTED)
        if not valid_protection(protect) or protect not in (_IMAGE_PROTECTIONS if image else _SECTION_PROTECTIONS):
            raise NtError(NTSTATUS.INVALID_PAGE_PROTECTION)
        maximum = _read_i64(thread.process.memory, MaximumSize) if MaximumSize else 0
        make: Callable[[], SectionObject]
        if image:
            make = self._image_section(thread, FileHandle, protect)
        elif FileHandle:
            make = self._file_section(thread, FileHandle, maximum, attributes, protect)
        else:
            if maximum == 0:
                raise NtError(NTSTATUS.INVALID_PARAMETER_4)
            _check_size(maximum, kind)
            size = page_up(maximum)
            physical = self.system.physical

            def make() -> Section:
                return Section(size, attributes, protect, SharedMemory(physical, size, kind == SEC_COMMIT,
                                                                       charged=True))

        return create_object(thread, SectionHandle, DesiredAccess, ObjectAttributes, SectionObject, make)

    def _section_file(self, thread: Thread, handle: int, needed: int) -> FileObject:
        """The file a section is made of, with the rights it needs."""
        if is_pseudo_handle(handle):
            raise NtError(NTSTATUS.OBJECT_TYPE_MISMATCH)
        file = thread.process.handles.get(handle, IoObject)
        if needed & ~file.access:
            raise NtError(NTSTATUS.ACCESS_DENIED)
        if not isinstance(file, FileObject) or file.is_directory or file.host is None:
            raise NtError(NTSTATUS.INVALID_FILE_FOR_SECTION)
        return file

    def _image_section(self, thread: Thread, handle: int, protect: int) -> Callable[[], ImageSection]:
        """Check the file and the image in it; returns what makes the section."""
        needed = FILE_EXECUTE if protect in (*_EXECUTABLE, Prot.EXECUTE) else FILE_READ_DATA
        file = self._section_file(thread, handle, needed)
        image = read_image(file, self.system.physical)
        return lambda: ImageSection(image, self.system.physical)

    def _file_section(self, thread: Thread, handle: int, maximum: int, attributes: int,
                      protect: int) -> Callable[[], Section]:
        """Check the file and the size; returns what makes the section (when a new one is needed)."""
        file = self._section_file(thread, handle, FILE_READ_DATA | (FILE_WRITE_DATA if protect in _WRITABLE else 0) | (
            FILE_EXECUTE if protect in _EXECUTABLE else 0))
        file_size = file.size()
        if maximum == 0 and file_size == 0:
            raise NtError(NTSTATUS.MAPPED_FILE_SIZE_ZERO)
        size = maximum or file_size
        if size > file_size and protect not in _WRITABLE:
            raise NtError(NTSTATUS.SECTION_TOO_BIG)
        _check_size(size, SEC_COMMIT)
        kept = SEC_FILE | attributes & ~(SEC_COMMIT | SEC_RESERVE)

        def make() -> Section:
            if size > file_size:
                file.truncate(size)
            pages = FilePages(self.system.volume, file.node)
            memory = SharedMemory(self.system.physical, size, True, source=pages)
            return Section(size, kept, protect, memory, file.node, file.nt_name)

        return make

    def NtOpenSection(self, thread: Thread, SectionHandle: int, DesiredAccess: int, ObjectAttributes: int) -> int:
        return open_object(thread, SectionHandle, DesiredAccess, ObjectAttributes, SectionObject)

    def NtQuerySection(self, thread: Thread, SectionHandle: int, SectionInformationClass: int, SectionInformation: int,
                       SectionInformationLength: int, ResultLength: int) -> int:
        layout = _CLASSES.get(SectionInformationClass)
        if layout is None:
            name = _UNSERVED_CLASSES.get(SectionInformationClass)
            if name is None:
                raise NtError(NTSTATUS.INVALID_INFO_CLASS)
            log.warning("NtQuerySection: %s is not served", name)
            raise NtError(NTSTATUS.NOT_IMPLEMENTED)
        size = layout.size(64)
        if SectionInformationLength < size:
            raise NtError(NTSTATUS.INFO_LENGTH_MISMATCH)
        space = thread.process.memory
        space.probe(SectionInformation, size, write=True)
        if ResultLength:
            space.probe(ResultLength, 8, write=True)
        section = thread.process.handles.reference(SectionHandle, SectionObject, SECTION_QUERY)
        if SectionInformationClass == SectionImageInformation:
            if not isinstance(section, ImageSection):
                raise NtError(NTSTATUS.SECTION_NOT_IMAGE)
            values = image_information(section.image)
        else:
            values = {"BaseAddress": 0, "AllocationAttributes": section.attributes, "MaximumSize": section.size}
        space.write(SectionInformation, layout.pack(values, 64))
        if ResultLength:
            space.write_u64(ResultLength, size)
        return NTSTATUS.SUCCESS

    # ---- views ----------------------------------------------------------------------------------------

    def NtMapViewOfSection(self, thread: Thread, SectionHandle: int, ProcessHandle: int, BaseAddress: int,
                           ZeroBits: int, CommitSize: int, SectionOffset: int, ViewSize: int, InheritDisposition: int,
                           AllocationType: int, Win32Protect: int) -> int:
        limit = check_zero_bits(ZeroBits, NTSTATUS.INVALID_PARAMETER_4)
        if InheritDisposition not in (VIEW_SHARE, VIEW_UNMAP):
            raise NtError(NTSTATUS.INVALID_PARAMETER_8)
        if AllocationType & ~(MEM_TOP_DOWN | _MAP_TYPES_UNSERVED):
            raise NtError(NTSTATUS.INVALID_PARAMETER_9)
        if AllocationType & _MAP_TYPES_UNSERVED:
            log.warning("NtMapViewOfSection: allocation type 0x%x is not served", AllocationType)
            raise NtError(NTSTATUS.NOT_SUPPORTED)
        if not valid_protection(Win32Protect):
            raise NtError(NTSTATUS.INVALID_PAGE_PROTECTION)
        space = thread.process.memory
        base = space.read_u64(BaseAddress)
        offset = _read_i64(space, SectionOffset) if SectionOffset else 0
        size = space.read_u64(ViewSize)
        if base > space.user_high or size > space.user_high + 1 - base or 0 < base < space.user_low:
            raise NtError(NTSTATUS.INVALID_PARAMETER_3)
        if base and limit is not None and base + size - 1 > limit:
            raise NtError(NTSTATUS.INVALID_PARAMETER_4)
        check_process(ProcessHandle)
        section = thread.process.handles.reference(SectionHandle, SectionObject,
                                                        _MAP_ACCESS[Prot(Win32Protect & 0xFF)])
        if isinstance(section, ImageSection):
            if base % ALLOCATION_GRANULARITY:
                raise NtError(NTSTATUS.MAPPED_ALIGNMENT)
            base, length, status = map_image_view(thread.process, section.image, base, limit)
            space.region_at(base).owner = section
            space.write_u64(BaseAddress, base)
            space.write_u64(ViewSize, length)
            return status
        assert isinstance(section, Section)  # the only other kind of section object
        if not compatible_protection(section.protection, Win32Protect):
            raise NtError(NTSTATUS.SECTION_PROTECTION)
        if base % ALLOCATION_GRANULARITY or offset % ALLOCATION_GRANULARITY:
            raise NtError(NTSTATUS.MAPPED_ALIGNMENT)
        if not 0 <= offset < section.size or offset + size > section.size:
            raise NtError(NTSTATUS.INVALID_VIEW_SIZE)
        length = page_up(size or section.size - offset)
        if base:
            if not space.is_free(base, length):
                raise NtError(NTSTATUS.CONFLICTING_ADDRESSES)
        else:
            base = space.find_free(length, high=limit, top_down=bool(AllocationType & MEM_TOP_DOWN))
            if base is None:
                raise NtError(NTSTATUS.NO_MEMORY)
        memory = section.memory
        region = space.map_view(base, length, memory, offset, Win32Protect, section, section.describe())
        if CommitSize and not memory.fully_committed:
            try:
                space.commit(base, min(page_up(CommitSize), length), Win32Protect)
            except CommitLimitReached:  # all or nothing: no view stays behind
                space.release(region)
                raise
        space.write_u64(BaseAddress, base)
        space.write_u64(ViewSize, length)
        return NTSTATUS.SUCCESS

    def NtUnmapViewOfSection(self, thread: Thread, ProcessHandle: int, BaseAddress: int) -> int:
        check_process(ProcessHandle)
        space = thread.process.memory
        region = space.region_at(BaseAddress)
        if region is None or region.type == MemType.PRIVATE:
            raise NtError(NTSTATUS.NOT_MAPPED_VIEW)
        _write_back(region, region.base, region.end, lambda: thread.process.system.check_deadline(
            "NtUnmapViewOfSection"))
        space.release(region)
        return NTSTATUS.SUCCESS

    def NtFlushVirtualMemory(self, thread: Thread, ProcessHandle: int, BaseAddress: int, RegionSize: int,
                             IoStatus: int) -> int:
        space = thread.process.memory
        base = space.read_u64(BaseAddress)
        size = space.read_u64(RegionSize)
        space.probe(IoStatus, L.IO_STATUS_BLOCK.size(64), write=True)
        check_process(ProcessHandle)
        region = space.region_at(base)
        if region is None:
            raise NtError(NTSTATUS.NOT_MAPPED_VIEW)
        if region.type == MemType.PRIVATE:
            raise NtError(NTSTATUS.NOT_MAPPED_DATA)
        start, end = page_down(base), region.end if size == 0 else page_up(base + size)
        if end > region.end:
            raise NtError(NTSTATUS.NOT_MAPPED_VIEW)
        _write_back(region, start, end, lambda: thread.process.system.check_deadline("NtFlushVirtualMemory"))
        space.write_u64(BaseAddress, start)
        space.write_u64(RegionSize, end - start)
        space.write(IoStatus, L.IO_STATUS_BLOCK.pack({"Status": NTSTATUS.SUCCESS, "Information": 0}, 64))
        return NTSTATUS.SUCCESS


def _check_size(size: int, kind: int) -> None:
    """Sizes Windows cannot back, and those the host will not."""
    if size < 0 or size >= TOO_BIG:
        raise NtError(NTSTATUS.SECTION_TOO_BIG)
    if size > HOST_LIMIT:
        raise NtError(NTSTATUS.COMMITMENT_LIMIT if kind == SEC_COMMIT else NTSTATUS.INSUFFICIENT_RESOURCES)


def _write_back(region: Region, start: int, end: int, between: Callable[[], None] = lambda: None) -> None:
    """Write what a view holds of [start, end) to its section's file: a view that could write (a write-copy view
    holds its own copy, a read-only one wrote nothing)."""
    section = region.owner
    if isinstance(section, Section) and region.shared is section.memory and _writable(region.allocation_protect):
        section.write_back(region.offset + start - region.base, end - start, between)


def _writable(protect: int) -> bool:
    return protect & 0xFF in (Prot.READWRITE, Prot.EXECUTE_READWRITE)


def unmap_data_views(space: AddressSpace) -> None:
    """The process ends: its views of data sections are unmapped as NtUnmapViewOfSection would (what they wrote
    goes back to the file, and a file waiting to be deleted goes with its last view)."""
    for region in [r for r in space.regions() if isinstance(r.owner, Section)]:
        _write_back(region, region.base, region.end)
        space.release(region)


SERVICES = (SectionServices.NtCreateSection, SectionServices.NtOpenSection, SectionServices.NtQuerySection,
            SectionServices.NtMapViewOfSection, SectionServices.NtUnmapViewOfSection,
            SectionServices.NtFlushVirtualMemory)
