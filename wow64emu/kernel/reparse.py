"""Reparse points of the C: drive: junctions (mount points) and symbolic links, kept as NTFS keeps them.

A reparse point is an attribute of an existing file or empty directory: a tag and the REPARSE_DATA_BUFFER the
guest gave FSCTL_SET_REPARSE_POINT, byte for byte. The host has no place for it, so the kernel keeps every reparse
point of the drive in a store of its own, `System Volume Information\\wow64emu-reparse` under the root, which
the guest cannot open (paths.py refuses that folder, as Windows refuses it to a user). The store survives the run,
as the drive does.

Validation (FsRtlValidateReparsePointBuffer and NTFS):
- A buffer shorter than its 8-byte header, longer than MAXIMUM_REPARSE_DATA_BUFFER_SIZE (16 KB), or whose
  ReparseDataLength does not add up to the length given: STATUS_IO_REPARSE_DATA_INVALID; tag 0 or 1 (reserved):
  STATUS_IO_REPARSE_TAG_INVALID; a tag without Microsoft's bit needs REPARSE_GUID_DATA_BUFFER's 24-byte header.
- A mount point's four name fields (after the header: SubstituteNameOffset/Length, PrintNameOffset/Length) and a
  symbolic link's (then Flags) must lie inside PathBuffer, in whole WCHARs: STATUS_IO_REPARSE_DATA_INVALID.
- A mount point on a file: STATUS_NOT_A_DIRECTORY; any reparse point on a non-empty directory:
  STATUS_DIRECTORY_NOT_EMPTY; a reparse point with a different tag already there: STATUS_IO_REPARSE_TAG_MISMATCH
  (the same tag replaces it).
- A symbolic link needs SeCreateSymbolicLinkPrivilege, which the emulated standard user lacks: with Windows 10's
  default (Developer Mode off) it is STATUS_PRIVILEGE_NOT_HELD. `Volume.developer_mode` is the machine with
  Developer Mode on, where the kernel lets the user create symbolic links (on Windows only CreateSymbolicLinkW
  with SYMBOLIC_LINK_FLAG_ALLOW_UNPRIVILEGED_CREATE may; the kernel here cannot tell that call from another).
  Junctions need no privilege, as on Windows.

Resolution (paths.py): an open that meets a reparse point on a path component is sent again to the point's
substitute name, the rest of the path after it, as the I/O manager's STATUS_REPARSE does. A mount point's name and
an absolute link's are NT names (`\\??\\C:\\...`); a relative link's is taken from the link's folder, its `..`
going up by name. Nothing can leave the drive: the new name is resolved like any name the guest gives, so another
drive is STATUS_OBJECT_PATH_NOT_FOUND (no such volume), a `..` above C:\\ STATUS_OBJECT_NAME_INVALID, a host path
STATUS_OBJECT_PATH_SYNTAX_BAD. After MAX_REPARSE_DEPTH (63, the limit Microsoft documents for the reparse points
of one path) the open fails with STATUS_REPARSE_POINT_NOT_RESOLVED, which loops reach. A tag no filter serves is
STATUS_IO_REPARSE_TAG_NOT_HANDLED. FILE_OPEN_REPARSE_POINT opens the last component itself.
"""

from __future__ import annotations

import errno
import os
import struct
from dataclasses import dataclass
from pathlib import Path

from ..log import getLogger
from ..nt.status import NTSTATUS
from .errors import NtError

log = getLogger(__name__)

IO_REPARSE_TAG_MOUNT_POINT = 0xA0000003
IO_REPARSE_TAG_SYMLINK = 0xA000000C
SYMLINK_FLAG_RELATIVE = 0x1
FILE_ATTRIBUTE_REPARSE_POINT = 0x400
HEADER_SIZE = 8  # ReparseTag, ReparseDataLength, Reserved
GUID_HEADER_SIZE = 24  # REPARSE_GUID_DATA_BUFFER: and the ReparseGuid
MAXIMUM_REPARSE_DATA_BUFFER_SIZE = 16 * 1024
MAX_REPARSE_DEPTH = 63

STORE_FOLDER = "System Volume Information"
STORE_NAME = "wow64emu-reparse"  # a folder: one file a reparse point

_HEADER = struct.Struct("<IHH")
_NAMES = struct.Struct("<HHHH")  # SubstituteNameOffset, SubstituteNameLength, PrintNameOffset, PrintNameLength
# tag -> the size of the fixed part after the header (the names' fields, and a symbolic link's Flags)
_NAME_FIELDS = {IO_REPARSE_TAG_MOUNT_POINT: _NAMES.size, IO_REPARSE_TAG_SYMLINK: _NAMES.size + 4}


def is_microsoft(tag: int) -> bool:
    return bool(tag & 0x80000000)


@dataclass(frozen=True)
class ReparsePoint:
    """One reparse point: its tag and the whole REPARSE_DATA_BUFFER as it was set."""

    tag: int
    data: bytes

    def substitute(self) -> tuple[str, bool]:
        """A mount point's or symbolic link's substitute name, and whether it is relative to the link's folder."""
        fixed = _NAME_FIELDS[self.tag]
        offset, length, _, _ = _NAMES.unpack_from(self.data, HEADER_SIZE)
        start = HEADER_SIZE + fixed + offset
        relative = self.tag == IO_REPARSE_TAG_SYMLINK and bool(
            struct.unpack_from("<I", self.data, HEADER_SIZE + _NAMES.size)[0] & SYMLINK_FLAG_RELATIVE)
        return self.data[start:start + length].decode("utf-16-le", "replace"), relative

    @property
    def resolvable(self) -> bool:
        return self.tag in _NAME_FIELDS


def parse_buffer(data: bytes) -> ReparsePoint:
    """The reparse point an FSCTL_SET_REPARSE_POINT input describes, checked as NTFS checks it."""
    if not HEADER_SIZE <= len(data) <= MAXIMUM_REPARSE_DATA_BUFFER_SIZE:
        raise NtError(NTSTATUS.IO_REPARSE_DATA_INVALID)
    tag, data_length, _ = _HEADER.unpack_from(data)
    if tag in (0, 1):
        raise NtError(NTSTATUS.IO_REPARSE_TAG_INVALID)
    header = HEADER_SIZE if is_microsoft(tag) else GUID_HEADER_SIZE
    if len(data) < header or data_length + header != len(data):
        raise NtError(NTSTATUS.IO_REPARSE_DATA_INVALID)
    fixed = _NAME_FIELDS.get(tag)
    if fixed is not None:
        if data_length < fixed:
            raise NtError(NTSTATUS.IO_REPARSE_DATA_INVALID)
        names = _NAMES.unpack_from(data, HEADER_SIZE)
        room = data_length - fixed
        for offset, length in (names[:2], names[2:]):
            if offset & 1 or length & 1 or offset + length > room:
                raise NtError(NTSTATUS.IO_REPARSE_DATA_INVALID)
    return ReparsePoint(tag, bytes(data))


def delete_request(data: bytes) -> int:
    """The tag an FSCTL_DELETE_REPARSE_POINT input names: a bare header (a GUID one for other tags)."""
    if len(data) < HEADER_SIZE:
        raise NtError(NTSTATUS.IO_REPARSE_DATA_INVALID)
    tag, data_length, _ = _HEADER.unpack_from(data)
    if tag in (0, 1):
        raise NtError(NTSTATUS.IO_REPARSE_TAG_INVALID)
    header = HEADER_SIZE if is_microsoft(tag) else GUID_HEADER_SIZE
    if data_length or len(data) != header:
        raise NtError(NTSTATUS.IO_REPARSE_DATA_INVALID)
    return tag


class ReparseStore:
    """Every reparse point of one drive, by host path, kept in the drive's own hidden folder: one small JSON file a
    point (its path relative to the root, its tag, its buffer), named by a digest of the path, so that setting or
    deleting one costs the same however many the drive holds."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.folder = root / STORE_FOLDER / STORE_NAME
        self._points: dict[Path, ReparsePoint] = {}
        try:
            entries = [self.folder / name for name in os.listdir(self.folder)]
        except OSError:  # none yet
            return
        import json  # here, as in set(): most runs meet no reparse point

        for entry in entries:
            try:
                relative, tag, data = json.loads(entry.read_text(encoding="utf-8"))
                self._points[root / relative] = ReparsePoint(int(tag), bytes.fromhex(data))
            except (OSError, ValueError, TypeError) as exc:
                log.warning("a reparse point of %s could not be read (%s): %s is left out", root, exc, entry.name)

    def get(self, host: Path) -> ReparsePoint | None:
        return self._points.get(host) if self._points else None

    def set(self, host: Path, point: ReparsePoint) -> None:
        import json

        relative = str(host.relative_to(self.root))
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            temporary = self._file(host).with_suffix(".tmp")
            temporary.write_text(json.dumps([relative, point.tag, point.data.hex()]), encoding="utf-8")
            os.replace(temporary, self._file(host))
        except OSError as exc:
            raise NtError(NTSTATUS.DISK_FULL if exc.errno == errno.ENOSPC else NTSTATUS.UNSUCCESSFUL) from None
        self._points[host] = point

    def delete(self, host: Path) -> None:
        if self._points.pop(host, None) is not None:
            try:
                self._file(host).unlink()
            except OSError as exc:
                log.warning("the reparse point of %s stays in the store: %s", host, exc)

    def moved(self, source: Path, target: Path) -> None:
        """A file or directory was renamed: its reparse point, and those below it, go with it."""
        for host in [h for h in self._points if h == source or source in h.parents]:
            point = self._points[host]
            self.delete(host)
            self.set(target / host.relative_to(source), point)

    def _file(self, host: Path) -> Path:
        import hashlib  # here: the module costs 3 ms of every start, and most runs meet no reparse point

        return self.folder / (hashlib.sha256(str(host.relative_to(self.root)).encode()).hexdigest() + ".json")


def substitute_name(link_folder: str, point: ReparsePoint, rest: list[str]) -> str:
    """The NT name an open is sent on to: the point's substitute name (a relative link's from `link_folder`, the
    NT name of the folder that holds the link) and the components after the link."""
    if not point.resolvable:
        raise NtError(NTSTATUS.IO_REPARSE_TAG_NOT_HANDLED)
    name, relative = point.substitute()
    if relative:
        parts = link_folder.split("\\")  # "", "??", "C:", and the folders
        if name.startswith("\\"):  # from the root of the link's drive
            parts = parts[:3]
        escaped = False  # a ".." above C:\ stays in the name, and so does the rest, for the name check to refuse
        for part in name.split("\\"):
            if part == ".." and len(parts) > 3 and not escaped:
                parts.pop()
            elif part not in ("", "."):
                escaped = escaped or part == ".."
                parts.append(part)
        name = "\\".join(parts) + ("\\" if len(parts) == 3 else "")
    if not rest:
        return name
    return name.rstrip("\\") + "\\" + "\\".join(rest)
