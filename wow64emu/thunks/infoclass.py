"""Information classes whose buffer differs between widths: what wow64.dll does by hand for the Query/Set calls.

A query or set call (NtQueryInformationProcess, NtQuerySystemInformation, ...) passes a buffer whose layout
depends on the class number. Most classes hold the same bytes in both widths and pass through; a table maps the
others to a converter, which runs as the call's `special` part:
  - fixed: one declared layout. The caller's length must be its 32-bit size, which becomes the 64-bit size;
    any other length becomes 0, which the kernel refuses for the class, so it answers with its own status.
  - fixed_in: the same for an input buffer (a set call): widened into the arena before the call.
  - header: a declared header whose pointer fields point into the data after it (UNICODE_STRING + characters,
    SID_AND_ATTRIBUTES + SID). The 64-bit buffer is larger by the header's growth; pointers are rebased on the
    way back and ReturnLength shrinks by the same growth.
  - remapped: another class number for a 32-bit caller (an emulation class the kernel answers in the x86 view).
The ReturnLength of a converted class is the arena's, so the 32-bit caller sees its own width's length.
"""

from __future__ import annotations

import struct
from collections.abc import Callable
from dataclasses import dataclass

from ..nt.layouts import F, Layout
from ..nt.status import NTSTATUS
from .context import ThunkContext

Converter = Callable[[ThunkContext, "Params"], None]
Patch = Callable[[ThunkContext, dict[str, int]], None]

UNWRITTEN = 0xFFFFFFFF  # what the arena's ReturnLength holds until the kernel writes one
VARIABLE_BUFFER_LIMIT = 0x8000  # the most arena a variable-length answer may take


@dataclass(frozen=True)
class Params:
    """The parameter names of one query or set call."""

    info_class: str
    buffer: str
    length: str
    return_length: str | None = None
    return_length_optional: bool = True  # False: a NULL ReturnLength is the kernel's access violation


def special(params: Params, table: dict[int, Converter]) -> Callable[[ThunkContext], None]:
    """The `special` part of a query or set call: the converter of the caller's class, if it has one."""

    def convert(ctx: ThunkContext) -> None:
        converter = table.get(ctx.arg32(params.info_class))
        if converter is not None:
            converter(ctx, params)

    return convert


# ---- ReturnLength ------------------------------------------------------------------------------------------

def arena_return_length(ctx: ThunkContext, p: Params, always: bool = False) -> int | None:
    """Give the kernel an arena ULONG for ReturnLength; `always` even when the caller passed none."""
    if p.return_length is None:
        return None
    if not ctx.arg32(p.return_length) and not (always and p.return_length_optional):
        return None
    addr = ctx.alloc(struct.pack("<I", UNWRITTEN))
    ctx.set_arg64(p.return_length, addr)
    return addr


def kernel_return_length(ctx: ThunkContext, addr: int | None) -> int | None:
    """What the kernel wrote in the arena's ReturnLength; None when it wrote nothing."""
    if addr is None:
        return None
    (value,) = struct.unpack("<I", ctx.read_arena(addr, 4))
    return None if value == UNWRITTEN else value


def put_return_length(ctx: ThunkContext, p: Params, value: int | None) -> None:
    if value is not None and p.return_length is not None and ctx.arg32(p.return_length):
        ctx.write32(ctx.arg32(p.return_length), struct.pack("<I", value), "ReturnLength")


# ---- converters --------------------------------------------------------------------------------------------

def rebuilt(ctx: ThunkContext, p: Params, narrow: Callable[[bytes, int, int], bytes], short_status: int,
            name: str) -> None:
    """An answer with pointers inside it, rebuilt whole: the kernel answers into an arena buffer big enough for any
    answer this emulator gives; `narrow(data, base64, base32)` rebuilds it in the 32-bit layout, whose length decides
    between success and `short_status` (ReturnLength = the length needed), as the kernel's own answer would."""
    buffer64 = ctx.alloc(bytes(VARIABLE_BUFFER_LIMIT))
    ctx.set_arg64(p.buffer, buffer64)
    ctx.set_arg64(p.length, VARIABLE_BUFFER_LIMIT)
    rl_addr = arena_return_length(ctx, p, always=True)

    def after(ctx: ThunkContext, status: int) -> int:
        written = kernel_return_length(ctx, rl_addr)
        if status != NTSTATUS.SUCCESS or written is None:
            put_return_length(ctx, p, written)
            return status
        buffer32 = ctx.arg32(p.buffer)
        answer = narrow(ctx.read_arena(buffer64, written), buffer64, buffer32)
        put_return_length(ctx, p, len(answer))
        if ctx.arg32(p.length) < len(answer):
            return short_status
        ctx.write32(buffer32, answer, name)
        return status

    ctx.after(after)


def fixed(layout: Layout, patch: Patch | None = None) -> Converter:
    """A query answered with one structure; `patch` adjusts its 64-bit values before they are narrowed."""
    size32, size64 = layout.size(32), layout.size(64)

    def convert(ctx: ThunkContext, p: Params) -> None:
        buffer64 = ctx.alloc(bytes(size64))
        ctx.set_arg64(p.buffer, buffer64)
        ctx.set_arg64(p.length, size64 if ctx.arg32(p.length) == size32 else 0)
        rl_addr = arena_return_length(ctx, p)

        def after(ctx: ThunkContext, status: int) -> int:
            if status == NTSTATUS.SUCCESS:
                values = layout.unpack(ctx.read_arena(buffer64, size64), 64)
                if patch is not None:
                    patch(ctx, values)
                ctx.write32(ctx.arg32(p.buffer), layout.pack(layout.narrow(values), 32), layout.name)
            written = kernel_return_length(ctx, rl_addr)
            put_return_length(ctx, p, size32 if written == size64 else written)
            return status

        ctx.after(after)

    return convert


def fixed_in(layout: Layout) -> Converter:
    """A set call given one structure: widened into the arena."""
    size32, size64 = layout.size(32), layout.size(64)

    def convert(ctx: ThunkContext, p: Params) -> None:
        if ctx.arg32(p.length) != size32:
            ctx.set_arg64(p.length, 0)
            return
        values = layout.widen(layout.unpack(ctx.memory.read(ctx.arg32(p.buffer), size32), 32))
        ctx.set_arg64(p.buffer, ctx.alloc(layout.pack(values, 64)))
        ctx.set_arg64(p.length, size64)

    return convert


def header(layout: Layout) -> Converter:
    """A query answered with a header whose pointers point into the data that follows it."""
    size32, size64 = layout.size(32), layout.size(64)
    growth = size64 - size32
    pointers = [f.name for f in layout.fields if f.type is F.PTR]

    def convert(ctx: ThunkContext, p: Params) -> None:
        length64 = min(ctx.arg32(p.length) + growth, VARIABLE_BUFFER_LIMIT)
        buffer64 = ctx.alloc(bytes(length64))
        ctx.set_arg64(p.buffer, buffer64)
        ctx.set_arg64(p.length, length64)
        rl_addr = arena_return_length(ctx, p, always=True)

        def after(ctx: ThunkContext, status: int) -> int:
            written = kernel_return_length(ctx, rl_addr)
            if written is None:
                return status
            if status == NTSTATUS.SUCCESS:
                data = ctx.read_arena(buffer64, written)
                buffer32 = ctx.arg32(p.buffer)
                values = layout.unpack(data, 64)
                for name in pointers:
                    if values[name]:
                        values[name] += buffer32 + size32 - (buffer64 + size64)
                ctx.write32(buffer32, layout.pack(layout.narrow(values), 32) + data[size64:], layout.name)
            put_return_length(ctx, p, written - growth)
            return status

        ctx.after(after)

    return convert


def remapped(info_class: int, then: Converter | None = None) -> Converter:
    """Ask the kernel for another class (then convert as `then` says)."""

    def convert(ctx: ThunkContext, p: Params) -> None:
        ctx.set_arg64(p.info_class, info_class)
        if then is not None:
            then(ctx, p)

    return convert
