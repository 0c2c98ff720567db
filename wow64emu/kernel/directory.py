"""Directory listings: NtQueryDirectoryFile, as NTFS answers it (Windows' behaviour as Wine's conformance tests
pin it down).

- Classes FileDirectoryInformation (1), FileFullDirectoryInformation (2), FileBothDirectoryInformation (3) and
  FileNamesInformation (12); any other class is STATUS_INVALID_INFO_CLASS (logged). A Length below the class's
  structure size (with FileName[1], padded to 8) is STATUS_INFO_LENGTH_MISMATCH. These checks come before the
  handle's and leave the IO_STATUS_BLOCK alone.
- The handle: a directory opened with FILE_LIST_DIRECTORY (ACCESS_DENIED without it); a file is
  INVALID_PARAMETER; the console answers INVALID_DEVICE_REQUEST.
- FileName is the mask. It is taken from the first call on the handle only (later calls keep it, RestartScan
  too); none or an empty one is "*". It matches as FsRtlIsNameInExpression does, ignoring case: * and ?, and
  the DOS wildcards kernel32 writes: < (DOS_STAR), > (DOS_QM) and " (DOS_DOT).
- Entries: "." and ".." first (the root directory has neither, as on NTFS; both describe the directory listed,
  as NTFS fills them), then the names in NTFS' order, by their upcased UTF-16 code units. The directory is read
  again at each call and the scan continues after the last name it returned, as NTFS' index does: a file created
  behind the scan's position shows up later.
- Each entry starts 8-aligned, NextEntryOffset links them (0 on the last), and Information is the end of the
  last entry's name. An entry that does not fit ends the buffer; when the first one does not fit, as much of it
  as fits comes back with STATUS_BUFFER_OVERFLOW (FileNameLength the full length, Information = Length), and
  the scan moves past it. ReturnSingleEntry returns one entry; RestartScan starts again at the first.
- Nothing (more) to return: STATUS_NO_SUCH_FILE on the first call on the handle (an error: the IO_STATUS_BLOCK
  is left alone), STATUS_NO_MORE_FILES afterwards, restarted or not (a warning, written to the IO_STATUS_BLOCK).
- FileIndex is 0 and EaSize 0, as NTFS gives them, except that a reparse point's EaSize is its reparse tag (a
  file with a reparse point cannot have extended attributes, and NTFS reports the tag there); there are no 8.3
  names (ShortNameLength 0, as on a volume with 8.3 name creation disabled).
- Host entries the guest could not open are not listed: names NTFS would refuse, symlinks that lead out of the
  drive or nowhere.
"""

from __future__ import annotations

import os
import re
import struct
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from ..log import getLogger
from ..nt import layouts as L
from ..nt.status import NTSTATUS
from .dirindex import upcase
from .errors import NtError
from .fileobject import FILE_LIST_DIRECTORY, IoServices, write_iosb
from .paths import check_component, overlay_folder
from .volume import FileInfo, Volume

if TYPE_CHECKING:
    from .threadobject import Thread

log = getLogger(__name__)

FileDirectoryInformation = 1
FileFullDirectoryInformation = 2
FileBothDirectoryInformation = 3
FileNamesInformation = 12

# NextEntryOffset, FileIndex, the four times, EndOfFile, AllocationSize, FileAttributes, FileNameLength.
_COMMON = struct.Struct("<II4qqqII")


def _common(info: FileInfo, name_length: int) -> bytes:
    return _COMMON.pack(0, 0, info.creation, info.access, info.write, info.change, info.end_of_file,
                        info.allocation, info.attributes, name_length)


# class -> the fixed part of one entry (before FileName), from the entry's information and its name's length.
_CLASSES: dict[int, Callable[[FileInfo, int], bytes]] = {
    FileDirectoryInformation: _common,
    FileFullDirectoryInformation: lambda info, n: _common(info, n) + struct.pack("<I", info.reparse_tag),  # EaSize
    # EaSize, ShortNameLength, then ShortName[12] after one byte of padding: no 8.3 name.
    FileBothDirectoryInformation: lambda info, n: _common(info, n) + struct.pack("<IB25x", info.reparse_tag, 0),
    FileNamesInformation: lambda info, n: struct.pack("<III", 0, 0, n),
}


def _align8(n: int) -> int:
    return (n + 7) & ~7


_NO_INFO = FileInfo(0, 0, 0, 0, 0, 0, 0, 0, 0, False)


def minimum_length(info_class: int) -> int:
    """The class's structure size: its fixed part and FileName[1], padded to 8."""
    return _align8(len(_CLASSES[info_class](_NO_INFO, 0)) + 2)


_WILDCARDS = {
    "*": ".*",
    "?": ".",
    "<": r"(?:(?!\.[^.]*\Z).)*",  # DOS_STAR: anything up to the name's last dot
    ">": r"(?:[^.]|(?=\.|\Z))",  # DOS_QM: one character, or nothing before a dot or the end
    '"': r"(?:\.|\Z)",  # DOS_DOT: a dot, or nothing at the end
}


def mask_pattern(mask: str) -> re.Pattern[str]:
    """The expression FsRtlIsNameInExpression would match upcased names against."""
    return re.compile("".join(_WILDCARDS.get(c) or re.escape(c) for c in upcase(mask)), re.DOTALL)


@dataclass(frozen=True)
class _Entry:
    key: tuple[int, bytes, bytes]  # where NTFS' order puts it
    name: str
    host: Path  # what its information comes from


@dataclass
class DirectoryScan:
    """NtQueryDirectoryFile's state on one directory handle."""

    pattern: re.Pattern[str]
    after: tuple[int, bytes, bytes] | None = None  # the key of the last entry returned


def _entry(name: str, host: Path, rank: int = 2) -> _Entry:
    return _Entry((rank, upcase(name).encode("utf-16-be"), name.encode("utf-16-be")), name, host)


def _listing(volume: Volume, directory: Path) -> list[_Entry]:
    """The entries of a directory that the guest can see, in NTFS' order."""
    entries = [] if directory == volume.root else [_entry(".", directory, 0), _entry("..", directory, 1)]
    folders = [directory]
    user = overlay_folder(volume.root, directory)  # a system folder's files the user added, after the shipped ones
    if user is not None:
        folders.append(user)
    seen: set[str] = set()
    names = []
    try:
        for folder in folders:
            with os.scandir(folder) as it:
                names += [(folder, e.name, e.is_symlink()) for e in it if upcase(e.name) not in seen]
            seen.update(upcase(name) for _, name, _ in names)
    except OSError as exc:
        log.info("listing %s: %s", directory, exc)
        return entries
    for folder, name, is_link in names:
        host = folder / name
        try:
            check_component(name)
            name.encode("utf-16-le")
        except (NtError, UnicodeEncodeError):
            continue
        if is_link:
            host = Path(os.path.realpath(host))
            if not (host.is_relative_to(volume.root) and host.exists()):
                continue
        entries.append(_entry(name, host))
    return sorted(entries, key=lambda e: e.key)


class DirectoryServices(IoServices):
    def NtQueryDirectoryFile(self, thread: Thread, FileHandle: int, Event: int, ApcRoutine: int, ApcContext: int,
                             IoStatusBlock: int, FileInformation: int, Length: int, FileInformationClass: int,
                             ReturnSingleEntry: int, FileName: int, RestartScan: int) -> int:
        info_class, length = FileInformationClass & 0xFFFFFFFF, Length & 0xFFFFFFFF
        header = _CLASSES.get(info_class)
        if header is None:
            log.warning("NtQueryDirectoryFile: information class %d is not implemented", info_class)
            raise NtError(NTSTATUS.INVALID_INFO_CLASS)
        if length < minimum_length(info_class):
            raise NtError(NTSTATUS.INFO_LENGTH_MISMATCH)
        memory = thread.process.memory
        memory.probe(IoStatusBlock, L.IO_STATUS_BLOCK.size(64), write=True)
        memory.probe(FileInformation, length, write=True)
        mask = self._capture_mask(thread, FileName)
        file = self._io_object(thread, FileHandle, FILE_LIST_DIRECTORY).on_volume()
        if not file.is_directory:
            raise NtError(NTSTATUS.INVALID_PARAMETER)
        first_call = file.scan is None
        if file.scan is None:
            file.scan = DirectoryScan(mask_pattern(mask or "*"))
        scan = file.scan
        if RestartScan & 0xFF:
            scan.after = None
        entries = [e for e in _listing(self.volume, file.node.host)
                   if (scan.after is None or e.key > scan.after) and scan.pattern.fullmatch(upcase(e.name))]
        if not entries:
            if first_call:
                raise NtError(NTSTATUS.NO_SUCH_FILE)
            write_iosb(memory, IoStatusBlock, NTSTATUS.NO_MORE_FILES, 0)
            return NTSTATUS.NO_MORE_FILES
        out, status, last = self._fill(entries, header, length, bool(ReturnSingleEntry & 0xFF))
        scan.after = last.key
        memory.write(FileInformation, out)
        write_iosb(memory, IoStatusBlock, status, len(out))
        return status

    def _capture_mask(self, thread: Thread, address: int) -> str:
        if not address:
            return ""
        us = L.UNICODE_STRING.unpack(thread.process.memory.read(address, L.UNICODE_STRING.size(64)), 64)
        try:
            return thread.process.memory.read(us["Buffer"], us["Length"] & ~1).decode("utf-16-le")
        except UnicodeDecodeError:
            raise NtError(NTSTATUS.OBJECT_NAME_INVALID) from None

    def _fill(self, entries: list[_Entry], header: Callable[[FileInfo, int], bytes], length: int,
              single: bool) -> tuple[bytes, int, _Entry]:
        """The buffer's contents, the status, and the last entry returned."""
        out = bytearray()
        previous: int | None = None  # where the previous entry starts
        status = NTSTATUS.SUCCESS
        last = entries[0]
        for entry in entries:
            name = entry.name.encode("utf-16-le")
            record = header(self.volume.info(entry.host), len(name)) + name
            start = 0 if previous is None else _align8(len(out))
            if start + len(record) > length:
                if previous is None:  # not even the first fits: as much of it as does
                    out += record[:length]
                    status = NTSTATUS.BUFFER_OVERFLOW
                break
            if previous is not None:
                struct.pack_into("<I", out, previous, start - previous)
                out += bytes(start - len(out))
            out += record
            previous, last = start, entry
            if single:
                break
        return bytes(out), status, last


SERVICES = (DirectoryServices.NtQueryDirectoryFile,)
