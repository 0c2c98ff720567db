"""What wow64.dll's 64-bit code needs to convert calls itself: Wow64ConvertTable and Wow64ConvertData.

A call whose arguments point to structures of another layout, and that has no hand-written part, is converted by
wow64.dll's own code (guest/wow64/convert.c) from a description of the call and of its layouts, written here once
per process from the same declarations the Python dispatcher uses: the kernel is then entered once, by the 64-bit
stub's `syscall`, as for a native call. The formats are convert.c's call_desc, pointer_desc, layout_desc and
field_desc; offsets are from the start of Wow64ConvertData, whose first 8 bytes hold the process's address mask (what
a ZeroBits of 0 becomes).
"""

from __future__ import annotations

import struct
from collections.abc import Iterable
from typing import TYPE_CHECKING

from ..nt.kinds import Action, Dir
from ..nt.layouts import Layout

if TYPE_CHECKING:
    from .table import Thunk

DATA_SIZE = 0x2000  # Wow64ConvertData in wow64.S
MAX_ARGS = 14  # what Wow64SystemServiceEx's frame holds (convert.c)
MAX_STRUCT32 = 256  # convert.c reads a 32-bit structure into a buffer of this size
RULES = {"same": 0, "zero": 1, "sign": 2, "clamp": 3, "struct_size": 4}
DIRECTIONS = {Dir.IN: 0, Dir.OUT: 1, Dir.INOUT: 2}
# The calls whose only hand-written part is the file system redirector's on their ObjectAttributes
# (files.redirect_object_attributes), which convert.c does too.
REDIRECTED = frozenset({"NtCreateFile", "NtOpenFile", "NtDeleteFile", "NtQueryAttributesFile",
                        "NtQueryFullAttributesFile"})
_CALL = struct.Struct("<QIIIIBBxxxxxx")  # stub, argc, signed, ZeroBits, number, pointers, redirected argument
NO_REDIRECT = 0xFF
_POINTER = struct.Struct("<BBHI")
_LAYOUT = struct.Struct("<HHI")
_FIELD = struct.Struct("<HHBBBxI")


def convertible(call: Thunk) -> bool:
    """Whether wow64.dll's code can convert the call: structures to rebuild (or a ZeroBits), no hand-written part
    but the file system redirector's on an OBJECT_ATTRIBUTES (convert.c has it too), and within convert.c's
    limits."""
    if call.extend is not None or len(call.params) > MAX_ARGS:
        return False
    if call.special is not None and call.name not in REDIRECTED:
        return False
    return all(_fits(p.kind.layout) for p, a in call.plan if a is Action.CONVERT)


def _fits(layout: Layout) -> bool:
    return layout.size32 <= MAX_STRUCT32 and all(_fits(target) for _, target in layout.nested)


class _Data:
    """Wow64ConvertData as it is built: the header, then layouts and calls, each 8-byte aligned."""

    def __init__(self, address_mask32: int) -> None:
        self.buf = bytearray(struct.pack("<II", address_mask32, 0))
        self.layouts: dict[str, int] = {}

    def add(self, data: bytes) -> int:
        self.buf += bytes(-len(self.buf) % 8)
        offset = len(self.buf)
        self.buf += data
        return offset

    def layout(self, layout: Layout) -> int:
        offset = self.layouts.get(layout.name)
        if offset is None:
            nested = {i: self.layout(target) for i, target in layout.nested}
            fields = b"".join(
                _FIELD.pack(layout.offset(f.name, 32), layout.offset(f.name, 64), f.type.size(32), f.type.size(64),
                            RULES[f.type.rule], nested.get(i, 0)) for i, f in enumerate(layout.fields))
            offset = self.layouts[layout.name] = self.add(_LAYOUT.pack(layout.size32, layout.size64,
                                                                       len(layout.fields)) + fields)
        return offset


def build(calls: Iterable[tuple[int, Thunk, int]], entries: int, data_base: int,
          address_mask32: int) -> tuple[bytes, bytes]:
    """For (number, call, its 64-bit stub) of the convertible calls: the bytes of Wow64ConvertTable (`entries`
    slots, each the address of a call's description or 0) and of Wow64ConvertData (at `data_base`)."""
    data = _Data(address_mask32)
    table = bytearray(entries * 8)
    for number, call, stub64 in calls:
        signed = zero_bits = 0
        pointers = b""
        count = 0
        for i, (param, action) in enumerate(call.plan):
            if action is Action.SIGN_EXTEND:
                signed |= 1 << i
            elif action is Action.ZERO_BITS:
                zero_bits |= 1 << i
            elif action is Action.CONVERT:
                pointers += _POINTER.pack(i, DIRECTIONS[param.kind.direction], 0, data.layout(param.kind.layout))
                count += 1
        redirect = call.index["ObjectAttributes"] if call.name in REDIRECTED else NO_REDIRECT
        description = data.add(_CALL.pack(stub64, len(call.params), signed, zero_bits, number, count, redirect)
                               + pointers)
        struct.pack_into("<Q", table, number * 8, data_base + description)
    if len(data.buf) > DATA_SIZE:
        raise ValueError(f"the converted calls need {len(data.buf)} bytes, Wow64ConvertData has {DATA_SIZE}")
    return bytes(table), bytes(data.buf)
