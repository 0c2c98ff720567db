"""Structure layouts declared once for both widths, and their conversion 32-bit <-> 64-bit.

A layout is a list of typed fields. Offsets, sizes and alignment for each width follow the Windows ABI (natural
alignment; 8-byte alignment for 64-bit integers in both widths). The field type carries the widening rule, so a
conversion never needs an if-chain per structure: pointers zero-extend, handles and signed pointer-sized values
sign-extend, sizes clamp when narrowed, and a pointer to another declared layout converts what it points to.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass
from enum import Enum


class F(Enum):
    """Field types: (32-bit size, 64-bit size, struct code 32, struct code 64, how it widens)."""

    U8 = (1, 1, "B", "B", "same")
    U16 = (2, 2, "H", "H", "same")
    U32 = (4, 4, "I", "I", "same")
    I32 = (4, 4, "i", "i", "same")
    U64 = (8, 8, "Q", "Q", "same")
    I64 = (8, 8, "q", "q", "same")
    PTR = (4, 8, "I", "Q", "zero")  # PVOID, PWSTR: zero-extended, truncated back
    HANDLE = (4, 8, "I", "Q", "sign")  # HANDLE: sign-extended, truncated back
    LONG_PTR = (4, 8, "I", "Q", "sign")  # LONG_PTR, NTSTATUS in a pointer-sized slot
    SIZE = (4, 8, "I", "Q", "clamp")  # SIZE_T, ULONG_PTR: zero-extended, clamped to 0xFFFFFFFF back
    STRUCT_SIZE = (4, 4, "I", "I", "struct_size")  # a Length field that must hold the structure's own size

    def __init__(self, size32: int, size64: int, code32: str, code64: str, rule: str) -> None:
        # kept as attributes: read for every field of every layout made at import, where `value` is slower
        self._sizes = {32: size32, 64: size64}
        self._codes = {32: code32, 64: code64}
        self.rule = rule

    def size(self, width: int) -> int:
        return self._sizes[width]

    def code(self, width: int) -> str:
        return self._codes[width]


@dataclass(frozen=True)
class Field:
    """One field of a layout: its name and type."""

    name: str
    type: F
    points_to: Layout | None = None  # for PTR fields: the layout of the structure pointed to


class Layout:
    """A structure with one declaration and two shapes, 32-bit and 64-bit.

    The dict methods (unpack, pack, widen, narrow) are for hand-written thunks and traces; the tuple methods
    (read, write, widen_values, narrow_values) are the dispatcher's, with the rules compiled to index lists once.
    """

    def __init__(self, name: str, fields: list[Field]) -> None:
        self.name = name
        self.fields = tuple(fields)
        self.names = tuple(f.name for f in self.fields)
        self._shape = {w: self._compute(w) for w in (32, 64)}
        self._struct = {w: shape[0] for w, shape in self._shape.items()}
        self.size32, self.size64 = self.size(32), self.size(64)
        rules = [f.type.rule for f in self.fields]
        self._sign = tuple(i for i, r in enumerate(rules) if r == "sign")
        self._truncate = tuple(i for i, r in enumerate(rules) if r in ("zero", "sign"))
        self._clamp = tuple(i for i, r in enumerate(rules) if r == "clamp")
        self._struct_size = tuple(i for i, r in enumerate(rules) if r == "struct_size")
        # (index, layout) of the pointers to other declared structures that must be rebuilt as well
        self.nested = tuple((i, f.points_to) for i, f in enumerate(self.fields)
                            if f.points_to is not None and not f.points_to.invariant)
        # Same bytes in both widths: a pointer to it passes through unconverted.
        self.invariant = all(f.type.size(32) == f.type.size(64) and f.type.rule != "struct_size" for f in self.fields)

    def _compute(self, width: int) -> tuple[struct.Struct, dict[str, int], int]:
        fmt = "<"
        offsets: dict[str, int] = {}
        offset = 0
        max_align = 1
        for f in self.fields:
            size = f.type.size(width)
            align = size
            pad = (-offset) % align
            fmt += "x" * pad + f.type.code(width)
            offset += pad
            offsets[f.name] = offset
            offset += size
            max_align = max(max_align, align)
        tail = (-offset) % max_align
        fmt += "x" * tail
        return struct.Struct(fmt), offsets, offset + tail

    def size(self, width: int) -> int:
        return self._shape[width][2]

    def offset(self, field: str, width: int) -> int:
        return self._shape[width][1][field]

    # ---- values as tuples, in field order ------------------------------------------------------------------

    def read(self, data: bytes, width: int) -> tuple[int, ...]:
        return self._struct[width].unpack(data[: self._shape[width][2]])

    def write(self, values: tuple[int, ...] | list[int], width: int) -> bytes:
        return self._struct[width].pack(*values)

    def widen_values(self, values32: tuple[int, ...]) -> list[int]:
        """Field values of the 32-bit shape turned into those of the 64-bit shape (pointed-to data aside)."""
        out = list(values32)
        for i in self._sign:
            if out[i] & 0x80000000:
                out[i] |= 0xFFFFFFFF00000000
        for i in self._struct_size:
            if out[i] == self.size32:
                out[i] = self.size64
        return out

    def narrow_values(self, values64: tuple[int, ...]) -> list[int]:
        """Field values of the 64-bit shape turned into those of the 32-bit shape."""
        out = list(values64)
        for i in self._truncate:
            out[i] &= 0xFFFFFFFF
        for i in self._clamp:
            if out[i] > 0xFFFFFFFF:
                out[i] = 0xFFFFFFFF
        for i in self._struct_size:
            if out[i] == self.size64:
                out[i] = self.size32
        return out

    # ---- values as dicts, by field name ---------------------------------------------------------------------

    def as_dict(self, values: tuple[int, ...] | list[int]) -> dict[str, int]:
        return dict(zip(self.names, values, strict=True))

    def unpack(self, data: bytes, width: int) -> dict[str, int]:
        return self.as_dict(self.read(data, width))

    def pack(self, values: dict[str, int], width: int) -> bytes:
        return self.write([values[n] for n in self.names], width)

    def widen(self, values32: dict[str, int]) -> dict[str, int]:
        return self.as_dict(self.widen_values(tuple(values32[n] for n in self.names)))

    def narrow(self, values64: dict[str, int]) -> dict[str, int]:
        return self.as_dict(self.narrow_values(tuple(values64[n] for n in self.names)))


UNICODE_STRING = Layout("UNICODE_STRING", [
    Field("Length", F.U16),
    Field("MaximumLength", F.U16),
    Field("Buffer", F.PTR),
])

OBJECT_ATTRIBUTES = Layout("OBJECT_ATTRIBUTES", [
    Field("Length", F.STRUCT_SIZE),
    Field("RootDirectory", F.HANDLE),
    Field("ObjectName", F.PTR, UNICODE_STRING),
    Field("Attributes", F.U32),
    Field("SecurityDescriptor", F.PTR),
    Field("SecurityQualityOfService", F.PTR),
])

IO_STATUS_BLOCK = Layout("IO_STATUS_BLOCK", [
    Field("Status", F.LONG_PTR),
    Field("Information", F.SIZE),
])

CLIENT_ID = Layout("CLIENT_ID", [
    Field("UniqueProcess", F.HANDLE),
    Field("UniqueThread", F.HANDLE),
])

LARGE_INTEGER = Layout("LARGE_INTEGER", [Field("QuadPart", F.I64)])

# One-field layouts for the pointer-sized in/out arguments of system calls (PSIZE_T, PVOID*, PHANDLE, PULONG).
SIZE_T = Layout("SIZE_T", [Field("Value", F.SIZE)])
PVOID = Layout("PVOID", [Field("Value", F.PTR)])
HANDLE = Layout("HANDLE", [Field("Value", F.HANDLE)])
ULONG = Layout("ULONG", [Field("Value", F.U32)])

ALL_LAYOUTS = (UNICODE_STRING, OBJECT_ATTRIBUTES, IO_STATUS_BLOCK, CLIENT_ID, LARGE_INTEGER, SIZE_T, PVOID, HANDLE,
               ULONG)
