"""Information classes of files: NtQueryInformationFile, NtSetInformationFile, NtQueryAttributesFile,
NtQueryFullAttributesFile.

Both information services check, in the I/O manager's order: the class (STATUS_INVALID_INFO_CLASS, logged for a
class not served here), the length against the class's fixed size (STATUS_INFO_LENGTH_MISMATCH), the
IO_STATUS_BLOCK and the buffer (STATUS_ACCESS_VIOLATION), then the handle and the access right the class needs
(STATUS_INVALID_HANDLE, STATUS_ACCESS_DENIED).

Query (classes 4, 5, 9, 14, 18, 23, 35): a class with a name (FileNameInformation, FileAllInformation) that does not fit
answers STATUS_BUFFER_OVERFLOW with as much as fits, FileNameLength the full length and Information the buffer
length, as Windows does. FilePositionInformation is the I/O manager's own (any File object, the console too);
the others are the file system's, so the console answers STATUS_INVALID_DEVICE_REQUEST. FileNameInformation is
the name on the volume (\\dir\\file). FileAllInformation gives FileAccessInformation as the handle's granted
rights, FileModeInformation as its mode options, AlignmentRequirement 0 (byte) and EaSize 0.
FileAttributeTagInformation gives the attributes and the reparse tag (0 without a reparse point). NtQueryAttributesFile
and NtQueryFullAttributesFile describe a reparse point itself, not its target, as GetFileAttributes shows a link.

FilePipeInformation (23, set with FILE_WRITE_ATTRIBUTES) is the pipe file system's (pipes.py).

Set (classes 4, 10, 11, 13, 14, 20, 23; the whole buffer is captured first, as the I/O manager copies it):
- FileBasicInformation (FILE_WRITE_ATTRIBUTES): a time of 0 (or -1) leaves that time; FileAttributes 0 leaves
  the attributes, FILE_ATTRIBUTE_NORMAL clears them; DIRECTORY on a file or TEMPORARY on a directory is
  STATUS_INVALID_PARAMETER; bits NTFS does not let a caller set are dropped.
- FileRenameInformation (DELETE): FileName is a full NT path, or a name relative to RootDirectory, or with no
  RootDirectory and no backslash a new name in the same directory. FileNameLength beyond the buffer:
  INVALID_PARAMETER. An existing target: OBJECT_NAME_COLLISION without ReplaceIfExists; with it, ACCESS_DENIED
  when the target is a directory, open, or read-only. A directory with open files inside: ACCESS_DENIED.
  Renaming a file onto its own name (in another case too) succeeds and takes the new spelling.
- FileLinkInformation (no access right needed on the handle): a new name for a file, named as for a rename; a real
  hard link on the host. A directory: FILE_IS_A_DIRECTORY; a file of the system folders: ACCESS_DENIED.
- FileDispositionInformation (DELETE): DeleteFile TRUE marks the file or directory delete-pending (refused as
  NtDeleteFile refuses: CANNOT_DELETE, DIRECTORY_NOT_EMPTY); FALSE clears it. The file goes when the last file
  object on it closes.
- FilePositionInformation: a negative offset is INVALID_PARAMETER.
- FileEndOfFileInformation (FILE_WRITE_DATA): truncates or extends (with zeros); the file pointer stays; a
  negative size or a directory is INVALID_PARAMETER.
"""

from __future__ import annotations

import os
import struct
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from ..log import getLogger
from ..nt import layouts as L
from ..nt.files import FILE_RENAME_INFORMATION
from ..nt.status import NTSTATUS
from .dirindex import INDEX
from .errors import NtError
from .fileobject import (
    DELETE,
    FILE_WRITE_ATTRIBUTES,
    FILE_WRITE_DATA,
    MODE_OPTIONS,
    FileObject,
    IoObject,
    IoServices,
    write_iosb,
)
from .paths import (
    CapturedAttributes,
    HostPath,
    check_component,
    host_status,
    is_system,
    read_object_attributes,
    resolve,
)
from .pipes import FILE_PIPE_INFORMATION_SIZE, query_pipe_information, set_pipe_information
from .volume import FILE_ATTRIBUTE_DIRECTORY, FileInfo

if TYPE_CHECKING:
    from .threadobject import Thread

log = getLogger(__name__)

FileBasicInformation = 4
FileStandardInformation = 5
FileRenameInformation = 10
FileLinkInformation = 11
FileNameInformation = 9
FileDispositionInformation = 13
FilePositionInformation = 14
FileAllInformation = 18
FileEndOfFileInformation = 20
FileAttributeTagInformation = 35
FilePipeInformation = 23

FILE_ATTRIBUTE_TEMPORARY = 0x0100


def _layout(name: str, *fields: tuple[str, L.F]) -> L.Layout:
    return L.Layout(name, [L.Field(n, t) for n, t in fields])


_TIMES = (("CreationTime", L.F.I64), ("LastAccessTime", L.F.I64), ("LastWriteTime", L.F.I64),
          ("ChangeTime", L.F.I64))
FILE_BASIC_INFORMATION = _layout("FILE_BASIC_INFORMATION", *_TIMES, ("FileAttributes", L.F.U32))
FILE_STANDARD_INFORMATION = _layout("FILE_STANDARD_INFORMATION", ("AllocationSize", L.F.I64),
                                    ("EndOfFile", L.F.I64), ("NumberOfLinks", L.F.U32),
                                    ("DeletePending", L.F.U8), ("Directory", L.F.U8))
FILE_NETWORK_OPEN_INFORMATION = _layout("FILE_NETWORK_OPEN_INFORMATION", *_TIMES, ("AllocationSize", L.F.I64),
                                        ("EndOfFile", L.F.I64), ("FileAttributes", L.F.U32))
FILE_ATTRIBUTE_TAG_INFORMATION = _layout("FILE_ATTRIBUTE_TAG_INFORMATION", ("FileAttributes", L.F.U32),
                                         ("ReparseTag", L.F.U32))
FILE_POSITION_INFORMATION = _layout("FILE_POSITION_INFORMATION", ("CurrentByteOffset", L.F.I64))
# FILE_ALL_INFORMATION after its Basic and Standard parts: Internal, Ea, Access, Position, Mode, Alignment.
_ALL_MIDDLE = _layout("FILE_ALL_INFORMATION middle", ("IndexNumber", L.F.I64), ("EaSize", L.F.U32),
                      ("AccessFlags", L.F.U32), ("CurrentByteOffset", L.F.I64), ("Mode", L.F.U32),
                      ("AlignmentRequirement", L.F.U32))
FILE_NAME_INFORMATION_SIZE = 8  # with FileName[1], padded
FILE_ALL_INFORMATION_SIZE = 0x68


def basic_information(info: FileInfo) -> bytes:
    return FILE_BASIC_INFORMATION.pack({"CreationTime": info.creation, "LastAccessTime": info.access,
                                        "LastWriteTime": info.write, "ChangeTime": info.change,
                                        "FileAttributes": info.attributes}, 64)


def network_open_information(info: FileInfo) -> bytes:
    return FILE_NETWORK_OPEN_INFORMATION.pack({
        "CreationTime": info.creation, "LastAccessTime": info.access, "LastWriteTime": info.write,
        "ChangeTime": info.change, "AllocationSize": info.allocation, "EndOfFile": info.end_of_file,
        "FileAttributes": info.attributes}, 64)


def _standard(file: FileObject, info: FileInfo) -> bytes:
    return FILE_STANDARD_INFORMATION.pack({
        "AllocationSize": info.allocation, "EndOfFile": info.end_of_file, "NumberOfLinks": info.links,
        "DeletePending": int(file.node.delete_pending), "Directory": int(info.directory)}, 64)


def _name(file: FileObject) -> bytes:
    name = file.volume.volume_name(file.node.host).encode("utf-16-le")
    return struct.pack("<I", len(name)) + name


def _query_basic(obj: IoObject) -> bytes:
    return basic_information(obj.on_volume().info())


def _query_standard(obj: IoObject) -> bytes:
    file = obj.on_volume()
    return _standard(file, file.info())


def _query_name(obj: IoObject) -> bytes:
    return _name(obj.on_volume())


def _query_position(obj: IoObject) -> bytes:
    return FILE_POSITION_INFORMATION.pack({"CurrentByteOffset": obj.position}, 64)


def _query_attribute_tag(obj: IoObject) -> bytes:
    info = obj.on_volume().info()
    return FILE_ATTRIBUTE_TAG_INFORMATION.pack({"FileAttributes": info.attributes, "ReparseTag": info.reparse_tag},
                                               64)


def _query_all(obj: IoObject) -> bytes:
    file = obj.on_volume()
    info = file.info()
    middle = _ALL_MIDDLE.pack({"IndexNumber": info.index, "EaSize": 0, "AccessFlags": file.access,
                               "CurrentByteOffset": file.position, "Mode": file.options & MODE_OPTIONS,
                               "AlignmentRequirement": 0}, 64)
    return basic_information(info) + _standard(file, info) + middle + _name(file)


# class -> (the fixed size a buffer needs, what answers it)
_QUERY_CLASSES: dict[int, tuple[int, Callable[[IoObject], bytes]]] = {
    FileBasicInformation: (FILE_BASIC_INFORMATION.size(64), _query_basic),
    FileStandardInformation: (FILE_STANDARD_INFORMATION.size(64), _query_standard),
    FileNameInformation: (FILE_NAME_INFORMATION_SIZE, _query_name),
    FilePositionInformation: (FILE_POSITION_INFORMATION.size(64), _query_position),
    FileAllInformation: (FILE_ALL_INFORMATION_SIZE, _query_all),
    FileAttributeTagInformation: (FILE_ATTRIBUTE_TAG_INFORMATION.size(64), _query_attribute_tag),
    FilePipeInformation: (FILE_PIPE_INFORMATION_SIZE, query_pipe_information),
}


class InformationServices(IoServices):
    def NtQueryInformationFile(self, thread: Thread, FileHandle: int, IoStatusBlock: int, FileInformation: int,
                               Length: int, FileInformationClass: int) -> int:
        return self._query(thread, "NtQueryInformationFile", _QUERY_CLASSES, FileHandle, IoStatusBlock, FileInformation,
                           Length & 0xFFFFFFFF, FileInformationClass & 0xFFFFFFFF)

    def NtSetInformationFile(self, thread: Thread, FileHandle: int, IoStatusBlock: int, FileInformation: int,
                             Length: int, FileInformationClass: int) -> int:
        info_class, length = FileInformationClass & 0xFFFFFFFF, Length & 0xFFFFFFFF
        entry = _SET_CLASSES.get(info_class)
        if entry is None:
            log.warning("NtSetInformationFile: information class %d is not implemented", info_class)
            raise NtError(NTSTATUS.INVALID_INFO_CLASS)
        needed, access, apply = entry
        if length < needed:
            raise NtError(NTSTATUS.INFO_LENGTH_MISMATCH)
        memory = thread.process.memory
        memory.probe(IoStatusBlock, L.IO_STATUS_BLOCK.size(64), write=True)
        data = memory.read(FileInformation, length)
        apply(self, thread, self._io_object(thread, FileHandle, access), data)
        write_iosb(memory, IoStatusBlock, NTSTATUS.SUCCESS, 0)
        return NTSTATUS.SUCCESS

    def NtQueryAttributesFile(self, thread: Thread, ObjectAttributes: int, FileInformation: int) -> int:
        self._query_by_name(thread, ObjectAttributes, FileInformation, FILE_BASIC_INFORMATION.size(64),
                            basic_information)
        return NTSTATUS.SUCCESS

    def NtQueryFullAttributesFile(self, thread: Thread, ObjectAttributes: int, FileInformation: int) -> int:
        self._query_by_name(thread, ObjectAttributes, FileInformation, FILE_NETWORK_OPEN_INFORMATION.size(64),
                            network_open_information)
        return NTSTATUS.SUCCESS

    def _query_by_name(self, thread: Thread, oa: int, buffer: int, size: int,
                       answer: Callable[[FileInfo], bytes]) -> None:
        """What an open of the name for FILE_READ_ATTRIBUTES and a query of it would give, with no handle."""
        memory = thread.process.memory
        memory.probe(buffer, size, write=True)
        target = self._existing(thread, read_object_attributes(memory, oa), open_link=True)
        memory.write(buffer, answer(self.volume.info(target.host)))

    # ---- the set classes -------------------------------------------------------------------------------------

    def _set_basic(self, thread: Thread, obj: IoObject, data: bytes) -> None:
        file = obj.on_volume()
        values = FILE_BASIC_INFORMATION.unpack(data, 64)
        attributes = values["FileAttributes"]
        if (attributes & FILE_ATTRIBUTE_DIRECTORY and not file.is_directory
                or attributes & FILE_ATTRIBUTE_TEMPORARY and file.is_directory):
            raise NtError(NTSTATUS.INVALID_PARAMETER)
        host = file.node.host
        if attributes:  # first: a chmod moves the host's change time, which a ChangeTime set must follow
            self.volume.set_attributes(host, attributes)
        self.volume.set_times(host, values["CreationTime"], values["LastAccessTime"], values["LastWriteTime"],
                              values["ChangeTime"])

    def _new_name(self, thread: Thread, file: FileObject, data: bytes) -> tuple[HostPath, bool, str]:
        """Where FILE_RENAME_INFORMATION (or FILE_LINK_INFORMATION, the same bytes) puts a file: the resolved
        target, ReplaceIfExists, and the new leaf name as given."""
        values = FILE_RENAME_INFORMATION.unpack(data, 64)
        start = FILE_RENAME_INFORMATION.offset("FileName", 64)
        name_length = values["FileNameLength"]
        if name_length > len(data) - start:
            raise NtError(NTSTATUS.INVALID_PARAMETER)
        try:
            name = data[start: start + name_length].decode("utf-16-le")
        except UnicodeDecodeError:
            raise NtError(NTSTATUS.OBJECT_NAME_INVALID) from None
        volume = self.volume
        if values["RootDirectory"]:
            target = self._target(thread, CapturedAttributes(values["RootDirectory"], name, 0), open_link=True)
        elif name.startswith("\\"):
            target = resolve(volume.root, name, links=volume.reparse, open_link=True)
        else:  # a new name in the same directory
            check_component(name)
            target = resolve(volume.root, name, volume.host_path(file.node.host.parent), volume.reparse, True)
        if target.trailing_backslash:
            raise NtError(NTSTATUS.OBJECT_NAME_INVALID)
        if volume.write_denied(target.host, thread.effective_token()):
            raise NtError(NTSTATUS.ACCESS_DENIED)
        return target, bool(values["ReplaceIfExists"]), name.rsplit("\\", 1)[-1]

    def _make_room(self, target: HostPath, source: Path, replace: bool) -> None:
        """Remove what stands at `target` for a rename or a new link, when the caller asked and NTFS lets it."""
        volume = self.volume
        if not target.exists or target.host == source:
            return
        if not replace:
            raise NtError(NTSTATUS.OBJECT_NAME_COLLISION)
        if target.is_dir or volume.node(target.host) or volume.is_read_only(target.host):
            raise NtError(NTSTATUS.ACCESS_DENIED)
        volume.remove(target.host)

    def _set_rename(self, thread: Thread, obj: IoObject, data: bytes) -> None:
        file = obj.on_volume()
        volume, source = self.volume, file.node.host
        if source == volume.root:
            raise NtError(NTSTATUS.ACCESS_DENIED)
        target, replace, leaf = self._new_name(thread, file, data)
        if target.exists and target.host != source and not replace:
            raise NtError(NTSTATUS.OBJECT_NAME_COLLISION)
        if file.is_directory and volume.has_open_below(source):
            raise NtError(NTSTATUS.ACCESS_DENIED)
        self._make_room(target, source, replace)
        volume.rename(file.node, target.host.parent / leaf)

    def _set_link(self, thread: Thread, obj: IoObject, data: bytes) -> None:
        """A new name for the file (a hard link), a real host link inside the drive. A directory cannot have
        one (FILE_IS_A_DIRECTORY); a file of the system folders gets none (ACCESS_DENIED, as a user without
        write access to the file)."""
        file = obj.on_volume()
        source = file.node.host
        if file.is_directory:
            raise NtError(NTSTATUS.FILE_IS_A_DIRECTORY)
        if is_system(source):
            raise NtError(NTSTATUS.ACCESS_DENIED)
        target, replace, leaf = self._new_name(thread, file, data)
        if target.exists and not replace:
            raise NtError(NTSTATUS.OBJECT_NAME_COLLISION)  # even a name of this very file
        if target.exists and os.path.samefile(target.host, source):
            return  # replacing a name of the file with itself
        self._make_room(target, source, replace)
        link = target.host.parent / leaf
        try:
            os.link(source, link)
        except OSError as exc:
            raise NtError(host_status(exc)) from None
        INDEX.added(link)

    def _set_disposition(self, thread: Thread, obj: IoObject, data: bytes) -> None:
        file = obj.on_volume()
        delete = bool(data[0])
        if delete:
            self.volume.check_deletable(file.node.host)
        file.node.delete_pending = delete

    def _set_position(self, thread: Thread, obj: IoObject, data: bytes) -> None:
        (offset,) = struct.unpack_from("<q", data)
        if offset < 0:
            raise NtError(NTSTATUS.INVALID_PARAMETER)
        obj.position = offset

    def _set_end_of_file(self, thread: Thread, obj: IoObject, data: bytes) -> None:
        file = obj.on_volume()
        (size,) = struct.unpack_from("<q", data)
        if size < 0 or file.is_directory:
            raise NtError(NTSTATUS.INVALID_PARAMETER)
        file.truncate(size)


# class -> (the fixed size a buffer needs, the access right the handle needs, what applies it)
_SET_CLASSES: dict[int, tuple[int, int, Callable[[InformationServices, Thread, IoObject, bytes], None]]] = {
    FileBasicInformation: (FILE_BASIC_INFORMATION.size(64), FILE_WRITE_ATTRIBUTES, InformationServices._set_basic),
    FileRenameInformation: (FILE_RENAME_INFORMATION.size(64), DELETE, InformationServices._set_rename),
    FileLinkInformation: (FILE_RENAME_INFORMATION.size(64), 0, InformationServices._set_link),
    FileDispositionInformation: (1, DELETE, InformationServices._set_disposition),
    FilePositionInformation: (FILE_POSITION_INFORMATION.size(64), 0, InformationServices._set_position),
    FileEndOfFileInformation: (8, FILE_WRITE_DATA, InformationServices._set_end_of_file),
    FilePipeInformation: (FILE_PIPE_INFORMATION_SIZE, FILE_WRITE_ATTRIBUTES,
                          lambda services, thread, obj, data: set_pipe_information(obj, data)),
}


SERVICES = (InformationServices.NtQueryInformationFile, InformationServices.NtSetInformationFile,
            InformationServices.NtQueryAttributesFile, InformationServices.NtQueryFullAttributesFile)
