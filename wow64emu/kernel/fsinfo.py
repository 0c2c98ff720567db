"""Volume information: NtQueryVolumeInformationFile, on any handle to a file or directory of C:.

The checks come in the I/O manager's order: the class (STATUS_INVALID_INFO_CLASS, logged), the length against
the class's structure size (STATUS_INFO_LENGTH_MISMATCH), the IO_STATUS_BLOCK and the buffer, then the handle.
C: answers as an NTFS volume:
- FileFsVolumeInformation (1): the root directory's creation time, a fixed serial number, no label (Information
  is FIELD_OFFSET(VolumeLabel) = 18), SupportsObjects TRUE.
- FileFsSizeInformation (3) and FileFsFullSizeInformation (7): the host file system's size and free space, in
  4 KB clusters of 8 sectors of 512 bytes.
- FileFsDeviceInformation (4): the I/O manager's own answer, from the device: FILE_DEVICE_DISK, mounted, for
  files; FILE_DEVICE_CONSOLE (characteristics 0) for the console, which answers the other classes with
  STATUS_INVALID_DEVICE_REQUEST.
- FileFsAttributeInformation (5): "NTFS", components of up to 255 units, and only the feature flags the sandbox
  honours (case-sensitive search, case-preserved and Unicode names; no ACLs, streams, reparse points, object
  IDs or compression). A file-system name that does not fit: STATUS_BUFFER_OVERFLOW with what fits.
"""

from __future__ import annotations

import os
import struct
from collections.abc import Callable
from typing import TYPE_CHECKING

from .errors import NtError
from .fileobject import IoObject, IoServices
from .paths import MAX_COMPONENT, host_status
from .volume import CLUSTER, Volume

if TYPE_CHECKING:
    from .threadobject import Thread

FileFsVolumeInformation = 1
FileFsSizeInformation = 3
FileFsDeviceInformation = 4
FileFsAttributeInformation = 5
FileFsFullSizeInformation = 7

BYTES_PER_SECTOR = 512
FILE_CASE_SENSITIVE_SEARCH = 0x1
FILE_CASE_PRESERVED_NAMES = 0x2
FILE_UNICODE_ON_DISK = 0x4
FILE_SYSTEM_NAME = "NTFS"


def _volume_information(volume: Volume) -> bytes:
    # VolumeCreationTime, VolumeSerialNumber, VolumeLabelLength, SupportsObjects, then the (empty) label at 18.
    return struct.pack("<qIIBx", volume.info(volume.root).creation, Volume.SERIAL_NUMBER, 0, 1)


def _clusters(volume: Volume) -> tuple[int, int, int]:
    """(total, available to the caller, free) clusters of the host file system."""
    try:
        st = os.statvfs(volume.root)
    except OSError as exc:
        raise NtError(host_status(exc)) from None
    return (st.f_blocks * st.f_frsize // CLUSTER, st.f_bavail * st.f_frsize // CLUSTER,
            st.f_bfree * st.f_frsize // CLUSTER)


def _size_information(volume: Volume) -> bytes:
    total, available, _ = _clusters(volume)
    return struct.pack("<qqII", total, available, CLUSTER // BYTES_PER_SECTOR, BYTES_PER_SECTOR)


def _full_size_information(volume: Volume) -> bytes:
    total, available, free = _clusters(volume)
    return struct.pack("<qqqII", total, available, free, CLUSTER // BYTES_PER_SECTOR, BYTES_PER_SECTOR)


def _attribute_information(volume: Volume) -> bytes:
    name = FILE_SYSTEM_NAME.encode("utf-16-le")
    flags = FILE_CASE_SENSITIVE_SEARCH | FILE_CASE_PRESERVED_NAMES | FILE_UNICODE_ON_DISK
    return struct.pack("<IiI", flags, MAX_COMPONENT, len(name)) + name


def _device_information(obj: IoObject) -> bytes:
    return struct.pack("<II", obj.device_type, obj.characteristics)


def _of_volume(answer: Callable[[Volume], bytes]) -> Callable[[IoObject], bytes]:
    """A class the file system answers: only for files and directories of the volume."""
    return lambda obj: answer(obj.on_volume().volume)


# class -> (the structure size a buffer needs, what answers it)
_FS_CLASSES: dict[int, tuple[int, Callable[[IoObject], bytes]]] = {
    FileFsVolumeInformation: (24, _of_volume(_volume_information)),
    FileFsSizeInformation: (24, _of_volume(_size_information)),
    FileFsDeviceInformation: (8, _device_information),
    FileFsAttributeInformation: (16, _of_volume(_attribute_information)),
    FileFsFullSizeInformation: (32, _of_volume(_full_size_information)),
}


class VolumeServices(IoServices):
    def NtQueryVolumeInformationFile(self, thread: Thread, FileHandle: int, IoStatusBlock: int, FsInformation: int,
                                     Length: int, FsInformationClass: int) -> int:
        return self._query(thread, "NtQueryVolumeInformationFile", _FS_CLASSES, FileHandle, IoStatusBlock,
                           FsInformation, Length & 0xFFFFFFFF, FsInformationClass & 0xFFFFFFFF)


SERVICES = (VolumeServices.NtQueryVolumeInformationFile,)
