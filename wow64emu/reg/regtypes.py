"""Registry value types (winnt.h numbers) and the text forms of their data that reg.exe uses."""

from __future__ import annotations

import struct

from ..nt.registry import (
    REG_BINARY,
    REG_DWORD,
    REG_DWORD_BIG_ENDIAN,
    REG_EXPAND_SZ,
    REG_LINK,
    REG_MULTI_SZ,
    REG_NONE,
    REG_QWORD,
    REG_RESOURCE_LIST,
    REG_SZ,
)

REG_FULL_RESOURCE_DESCRIPTOR = 9
REG_RESOURCE_REQUIREMENTS_LIST = 10

TYPE_NAMES = {
    REG_NONE: "REG_NONE", REG_SZ: "REG_SZ", REG_EXPAND_SZ: "REG_EXPAND_SZ", REG_BINARY: "REG_BINARY",
    REG_DWORD: "REG_DWORD", REG_DWORD_BIG_ENDIAN: "REG_DWORD_BIG_ENDIAN", REG_LINK: "REG_LINK",
    REG_MULTI_SZ: "REG_MULTI_SZ", REG_RESOURCE_LIST: "REG_RESOURCE_LIST",
    REG_FULL_RESOURCE_DESCRIPTOR: "REG_FULL_RESOURCE_DESCRIPTOR",
    REG_RESOURCE_REQUIREMENTS_LIST: "REG_RESOURCE_REQUIREMENTS_LIST", REG_QWORD: "REG_QWORD",
}
TYPES_BY_NAME = {name: number for number, name in TYPE_NAMES.items()}


def utf16z(text: str) -> bytes:
    """A string as the registry stores REG_SZ and REG_EXPAND_SZ: UTF-16LE with its terminating NUL."""
    return (text + "\0").encode("utf-16-le", "surrogatepass")


def multi_sz(strings: list[str]) -> bytes:
    """REG_MULTI_SZ: each string NUL-terminated, then one more NUL."""
    return "".join(s + "\0" for s in strings).encode("utf-16-le", "surrogatepass") + b"\0\0"


def text_of(data: bytes) -> str:
    """The UTF-16LE text of string data, without what follows its first NUL (as reg.exe shows it)."""
    text = data[:len(data) & ~1].decode("utf-16-le", "replace")
    return text.split("\0", 1)[0]


def strings_of(data: bytes) -> list[str]:
    """The strings of REG_MULTI_SZ data (up to the empty string that ends the list)."""
    text = data[:len(data) & ~1].decode("utf-16-le", "replace")
    out = []
    for part in text.split("\0"):
        if not part:
            break
        out.append(part)
    return out


def show(kind: int, data: bytes) -> str:
    """Data as `reg query` prints it."""
    if kind in (REG_SZ, REG_EXPAND_SZ, REG_LINK):
        return text_of(data)
    if kind == REG_MULTI_SZ:
        return "\\0".join(strings_of(data))
    if kind == REG_DWORD and len(data) == 4:
        return f"0x{struct.unpack('<I', data)[0]:x}"
    if kind == REG_DWORD_BIG_ENDIAN and len(data) == 4:
        return f"0x{struct.unpack('>I', data)[0]:x}"
    if kind == REG_QWORD and len(data) == 8:
        return f"0x{struct.unpack('<Q', data)[0]:x}"
    return data.hex().upper()
