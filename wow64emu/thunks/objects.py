"""What wow64.dll does by hand for the object manager's calls.

- NtQueryObject, ObjectNameInformation and ObjectTypeInformation: the answer is a structure that begins with a
  UNICODE_STRING (OBJECT_NAME_INFORMATION, OBJECT_TYPE_INFORMATION), followed by the string. The 64-bit call
  gets an arena buffer longer by the difference of the two headers, so that the kernel's length checks fall
  where the 32-bit ones would; the answer is rebuilt in the caller's buffer (32-bit header, string right after
  it) and ReturnLength is given in 32-bit terms. The classes whose layout is the same in both widths
  (ObjectBasicInformation, ObjectHandleFlagInformation) pass through.
- NtQueryDirectoryObject: the entries (two UNICODE_STRINGs each) are twice as large in 64 bits. The 64-bit call
  gets a buffer twice the caller's (enough for every entry the caller's can hold); the thunk keeps the entries
  that fit the caller's buffer in 32-bit form, moves *Context back past those only, and turns the status into
  STATUS_MORE_ENTRIES (or STATUS_BUFFER_TOO_SMALL) when some did not fit. When the caller's buffer is larger
  than half the arena, fewer entries come back per call (STATUS_MORE_ENTRIES), never wrong ones.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass

from ..nt.layouts import UNICODE_STRING
from ..nt.objects import (
    OBJECT_DIRECTORY_INFORMATION,
    OBJECT_TYPE_INFORMATION,
    ObjectNameInformation,
    ObjectTypeInformation,
    directory_entry_size,
    directory_listing,
)
from ..nt.status import NTSTATUS
from .context import ThunkContext


@dataclass(frozen=True)
class ArenaUlong:
    """A ULONG output the thunk must see: the kernel writes the arena copy, the thunk the caller's."""

    ptr32: int
    addr64: int

    @classmethod
    def replace(cls, ctx: ThunkContext, name: str, initial: int = 0xFFFFFFFF) -> ArenaUlong:
        ptr32 = ctx.arg32(name)
        if ptr32:
            ctx.memory.probe(ptr32, 4, write=True)
        addr64 = ctx.alloc(struct.pack("<I", initial))
        ctx.set_arg64(name, addr64)
        return cls(ptr32, addr64)

    def read(self, ctx: ThunkContext) -> int:
        return struct.unpack("<I", ctx.read_arena(self.addr64, 4))[0]

    def write(self, ctx: ThunkContext, value: int) -> None:
        if self.ptr32:
            ctx.write32(self.ptr32, struct.pack("<I", value), "ReturnLength")


def _arena_buffer(ctx: ThunkContext, pointer: str, length: str, length64: int) -> tuple[int, int, int]:
    """Probe the caller's buffer, give the kernel one of `length64` bytes (at most what the arena has left).

    Returns the caller's address, its length, and the arena address.
    """
    ptr32, length32 = ctx.arg32(pointer), ctx.arg32(length)
    ctx.memory.probe(ptr32, length32, write=True)
    length64 = min(length64, ctx.arena.size - len(ctx.arena.buf) - 0x40)
    addr64 = ctx.alloc(bytes(length64))
    ctx.set_arg64(pointer, addr64)
    ctx.set_arg64(length, length64)
    return ptr32, length32, addr64


# ObjectInformationClass -> (the header that begins the answer, its UNICODE_STRING buffer field)
_STRING_HEADED = {ObjectNameInformation: (UNICODE_STRING, "Buffer"),
                  ObjectTypeInformation: (OBJECT_TYPE_INFORMATION, "TypeNameBuffer")}


def _query_object(ctx: ThunkContext) -> None:
    converted = _STRING_HEADED.get(ctx.arg32("ObjectInformationClass"))
    if converted is None:
        return
    layout, buffer_field = converted
    delta = layout.size(64) - layout.size(32)
    ptr32, _, addr64 = _arena_buffer(ctx, "ObjectInformation", "ObjectInformationLength",
                                     ctx.arg32("ObjectInformationLength") + delta)
    returned = ArenaUlong.replace(ctx, "ReturnLength")

    def narrow(ctx: ThunkContext, status: int) -> int:
        length64 = returned.read(ctx)
        if status == NTSTATUS.SUCCESS:
            image = ctx.read_arena(addr64, length64)
            values64 = layout.unpack(image, 64)
            values32 = layout.narrow(values64)
            if values64[buffer_field]:
                values32[buffer_field] = ptr32 + values64[buffer_field] - addr64 - delta
            ctx.write32(ptr32, layout.pack(values32, 32) + image[layout.size(64):], layout.name)
        if length64 != 0xFFFFFFFF:
            returned.write(ctx, length64 - delta)
        return status

    ctx.after(narrow)


_E32 = OBJECT_DIRECTORY_INFORMATION.size(32)
_E64 = OBJECT_DIRECTORY_INFORMATION.size(64)


def _query_directory(ctx: ThunkContext) -> None:
    ptr32, length32, addr64 = _arena_buffer(ctx, "Buffer", "Length", 2 * ctx.arg32("Length"))
    restart = ctx.arg32("RestartScan") & 0xFF
    context_ptr = ctx.arg32("Context")
    ctx.memory.probe(context_ptr, 4, write=True)
    start = 0 if restart else ctx.memory.read_u32(context_ptr)
    context = ArenaUlong.replace(ctx, "Context", start)
    returned = ArenaUlong.replace(ctx, "ReturnLength")

    def narrow(ctx: ThunkContext, status: int) -> int:
        length64 = returned.read(ctx)
        if status == NTSTATUS.NO_MORE_ENTRIES:
            returned.write(ctx, length64 - _E64 + _E32)
        elif status == NTSTATUS.BUFFER_TOO_SMALL:
            returned.write(ctx, length64 - 2 * (_E64 - _E32))
        elif status in (NTSTATUS.SUCCESS, NTSTATUS.MORE_ENTRIES):
            listing = _read_listing(ctx, addr64, context.read(ctx) - start)
            used, kept = _E32, 0
            for name, type_name in listing:
                need = directory_entry_size(name, type_name, 32)
                if used + need > length32:
                    break
                used, kept = used + need, kept + 1
            if not kept:
                returned.write(ctx, _E32 + directory_entry_size(*listing[0], 32))
                return NTSTATUS.BUFFER_TOO_SMALL
            if kept < len(listing):
                status = NTSTATUS.MORE_ENTRIES
            ctx.write32(ptr32, directory_listing(listing[:kept], ptr32, 32), "OBJECT_DIRECTORY_INFORMATION")
            context.write(ctx, start + kept)
            returned.write(ctx, used)
        return status

    ctx.after(narrow)


def _read_listing(ctx: ThunkContext, addr64: int, count: int) -> list[tuple[str, str]]:
    """The (name, type name) pairs of the first `count` entries the kernel wrote at `addr64`."""
    layout = OBJECT_DIRECTORY_INFORMATION
    listing = []
    for i in range(count):
        values = layout.unpack(ctx.read_arena(addr64 + i * _E64, _E64), 64)
        listing.append(tuple(ctx.read_arena(values[f"{p}Buffer"], values[f"{p}Length"]).decode("utf-16-le")
                             for p in ("Name", "TypeName")))
    return listing  # type: ignore[return-value]


SPECIALS = {"NtQueryObject": _query_object, "NtQueryDirectoryObject": _query_directory}
