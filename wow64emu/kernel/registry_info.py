"""The information structures of registry queries: KEY_*_INFORMATION and KEY_VALUE_*_INFORMATION.

Each answer is an `Answer`: the bytes of the whole structure as pieces at their offsets, the length the caller
needs, and the least length that holds the fixed part. The configuration manager writes them as Windows does:
a buffer shorter than the fixed part gets nothing and STATUS_BUFFER_TOO_SMALL; a longer one that cannot hold
everything gets the fixed part and as much of the name, class or data as fits, and STATUS_BUFFER_OVERFLOW; the
needed length goes to ResultLength in every case. The structures have the same bytes in both widths; the data of
KeyValueFullInformation starts at an 8-byte boundary (the 64-bit kernel's alignment, which 32-bit callers see too).
"""

from __future__ import annotations

import struct
from dataclasses import dataclass

from ..nt import registry as R
from ..nt.status import NTSTATUS
from .errors import NtError
from .registry_store import KeyRecord, ValueRecord, name_bytes

NO_OFFSET = 0xFFFFFFFF  # ClassOffset without a class, DataOffset without data
KEY_FLAG_VOLATILE = 0x1
KEY_FLAG_SYMLINK = 0x2


@dataclass(frozen=True)
class Answer:
    pieces: tuple[tuple[int, bytes], ...]  # (offset, bytes), in order
    required: int
    minimum: int

    def clipped(self, length: int) -> list[tuple[int, bytes]]:
        """The pieces as far as `length` bytes hold them."""
        return [(offset, data[:length - offset]) for offset, data in self.pieces if offset < length]

    def status(self, length: int) -> int:
        if length < self.minimum:
            return NTSTATUS.BUFFER_TOO_SMALL
        return NTSTATUS.BUFFER_OVERFLOW if length < self.required else NTSTATUS.SUCCESS


def _fixed(data: bytes) -> Answer:
    return Answer(((0, data),), len(data), len(data))


def _named(fixed: bytes, *tail: bytes) -> Answer:
    """A fixed part followed by its variable parts, back to back."""
    pieces = [(0, fixed)]
    offset = len(fixed)
    for part in tail:
        pieces.append((offset, part))
        offset += len(part)
    return Answer(tuple(pieces), offset, len(fixed))


def _utf16(text: str) -> bytes:
    return text.encode("utf-16-le", "surrogatepass")


def key_information(info_class: int, key: KeyRecord, full_name: str, *, enumerating: bool) -> Answer:
    """NtQueryKey's (and NtEnumerateKey's, for a subkey) answer of one class; STATUS_INVALID_PARAMETER for a class
    the call does not take."""
    name = _utf16(key.name)
    klass = _utf16(key.class_name)
    if info_class == R.KeyBasicInformation:
        return _named(struct.pack("<qII", key.written, 0, len(name)), name)
    if info_class == R.KeyNodeInformation:
        offset = 24 + len(name) if klass else NO_OFFSET
        return _named(struct.pack("<qIIII", key.written, 0, offset, len(klass), len(name)), name, klass)
    if info_class == R.KeyFullInformation:
        return _named(struct.pack("<qIIIIIIIII", key.written, 0, 44 if klass else NO_OFFSET, len(klass),
                                  key.subkeys, key.max_name, key.max_class, key.values, key.max_value_name,
                                  key.max_value_data), klass)
    if enumerating and info_class != R.KeyCachedInformation:
        raise NtError(NTSTATUS.INVALID_PARAMETER)
    if info_class == R.KeyNameInformation:
        full = _utf16(full_name)
        return _named(struct.pack("<I", len(full)), full)
    if info_class == R.KeyCachedInformation:
        return _fixed(struct.pack("<qIIIIIIIxxxx", key.written, 0, key.subkeys, key.max_name, key.values,
                                  key.max_value_name, key.max_value_data, name_bytes(key.name)))
    if info_class == R.KeyFlagsInformation:
        flags = (KEY_FLAG_VOLATILE if key.volatile else 0) | (KEY_FLAG_SYMLINK if key.link else 0)
        return _fixed(struct.pack("<III", key.user_flags, flags, 0))
    if info_class in (R.KeyVirtualizationInformation, R.KeyHandleTagsInformation, R.KeyTrustInformation,
                      R.KeyLayerInformation):
        return _fixed(bytes(4))
    raise NtError(NTSTATUS.INVALID_PARAMETER)


def value_information(info_class: int, value: ValueRecord) -> Answer:
    """NtQueryValueKey's and NtEnumerateValueKey's answer of one class."""
    name = _utf16(value.name)
    data = value.data
    if info_class == R.KeyValueBasicInformation:
        return _named(struct.pack("<III", 0, value.type, len(name)), name)
    if info_class in (R.KeyValueFullInformation, R.KeyValueFullInformationAlign64):
        base = 20 + len(name)
        offset = (base + 7) & ~7 if data else NO_OFFSET
        fixed = struct.pack("<IIIII", 0, value.type, offset, len(data), len(name))
        if not data:
            return _named(fixed, name)
        return Answer(((0, fixed), (20, name), (offset, data)), offset + len(data), 20)
    if info_class == R.KeyValuePartialInformation:
        return _named(struct.pack("<III", 0, value.type, len(data)), data)
    if info_class == R.KeyValuePartialInformationAlign64:
        return _named(struct.pack("<II", value.type, len(data)), data)
    if info_class == R.KeyValueLayerInformation:
        return _fixed(bytes(4))
    raise NtError(NTSTATUS.INVALID_PARAMETER)
