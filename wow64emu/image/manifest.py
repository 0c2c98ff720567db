"""Whether an image's manifest asks for an execution level: what decides UAC virtualization for its process.

Windows reads the RT_MANIFEST resource (type 24; the name 1 for an executable) of the image; a manifest with a
`requestedExecutionLevel` (asInvoker, highestAvailable or requireAdministrator) marks a program that knows of UAC,
and its process is never virtualized. The resource directory is walked here by RVA (the three levels: type, name,
language), bounded as the loader's tables are: a hostile directory costs no more than the image's size, and
whatever cannot be read counts as no manifest.
"""

from __future__ import annotations

import struct
from typing import TYPE_CHECKING

from .directories import RvaReader

if TYPE_CHECKING:
    from .pe import PEImage

RT_MANIFEST = 24
_RESOURCE_DIRECTORY = 2  # the index of IMAGE_DIRECTORY_ENTRY_RESOURCE
_SUBDIRECTORY = 0x80000000
_MAX_ENTRIES = 64  # per level: far more than any manifest needs
_MAX_MANIFEST = 1 << 20
_WORD = b"requestedExecutionLevel"


def _entries(reader: RvaReader, base: int, offset: int) -> list[tuple[int, int]]:
    """(name or id, offset to data) of the entries of the resource directory at `base + offset`."""
    header = reader.read(base + offset, 16)
    if len(header) < 16:
        return []
    named, ids = struct.unpack_from("<HH", header, 12)
    count = min(named + ids, _MAX_ENTRIES)
    table = reader.read(base + offset + 16, count * 8)
    return [struct.unpack_from("<II", table, i * 8) for i in range(len(table) // 8)]


def _manifests(image: PEImage) -> list[bytes]:
    headers = image.headers
    if len(headers) < 0x40:
        return []
    optional = struct.unpack_from("<I", headers, 0x3C)[0] + 24
    at = optional + (112 if image.is64 else 96) + 8 * _RESOURCE_DIRECTORY
    if at + 8 > len(headers):
        return []
    base, size = struct.unpack_from("<II", headers, at)
    if not base or not size:
        return []
    reader = RvaReader(headers, image.sections)
    found = []
    for type_id, type_data in _entries(reader, base, 0):
        if type_id != RT_MANIFEST or not type_data & _SUBDIRECTORY:
            continue
        for _, name_data in _entries(reader, base, type_data & ~_SUBDIRECTORY):
            if not name_data & _SUBDIRECTORY:
                continue
            for _, language_data in _entries(reader, base, name_data & ~_SUBDIRECTORY):
                if language_data & _SUBDIRECTORY:
                    continue
                entry = reader.read(base + language_data, 8)
                if len(entry) == 8:
                    rva, length = struct.unpack("<II", entry)
                    found.append(reader.read(rva, min(length, _MAX_MANIFEST)))
    return found


def requests_execution_level(image: PEImage) -> bool:
    """Whether the image's manifest has a `requestedExecutionLevel` (in UTF-8 or UTF-16)."""
    return any(_WORD in text or _WORD.decode().encode("utf-16-le") in text for text in _manifests(image))
