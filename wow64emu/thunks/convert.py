"""How wow64 converts one call's arguments and outputs between the widths, decided once per call.

A Converter is made from a call's declared plan at its first call: which arguments sign-extend, which take the
process's address mask (ZERO_BITS), and which point to a structure to rebuild in the per-call arena (in), to make
room for there (out), or both (inout). Widening then touches only those arguments, and narrowing only the
structures the kernel may have written. The dispatcher runs the same conversions traced or not; a trace gets each
step through the ConversionTrace it passes.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, NamedTuple, Protocol

from ..nt.kinds import Action, Dir

if TYPE_CHECKING:
    from ..emu.memory import AddressSpace
    from ..nt.decl import Param
    from ..nt.layouts import Layout
    from .dispatch import Arena

HIGH = 0xFFFFFFFF00000000
SENTINEL = b"\xa5" * 0x400  # what an output structure holds in the arena before the kernel writes it


class Output(NamedTuple):
    """A structure the kernel may write: where it lives in 32-bit memory and in the arena, and what the arena held
    there before the call (the sentinel for a structure the kernel only writes)."""

    name: str
    layout: Layout
    ptr32: int
    addr64: int
    before: bytes


class ConversionTrace(Protocol):
    """What a trace is told of each conversion (thunks/dispatch.py writes the events)."""

    def struct_in(self, name: str, layout: Layout, ptr32: int, addr64: int, values32: tuple[int, ...],
                  values64: list[int]) -> None: ...

    def struct_out(self, name: str, layout: Layout, ptr32: int, addr64: int) -> None: ...

    def narrowed(self, out: Output, values64: tuple[int, ...], values32: list[int]) -> None: ...


class Converter:
    """The widening of one call's arguments and the narrowing of its outputs."""

    __slots__ = ("signed", "zero_bits", "pointers")

    def __init__(self, plan: tuple[tuple[Param, Action], ...]) -> None:
        self.signed = tuple(i for i, (_, a) in enumerate(plan) if a is Action.SIGN_EXTEND)
        self.zero_bits = tuple(i for i, (_, a) in enumerate(plan) if a is Action.ZERO_BITS)
        self.pointers = tuple((i, p.name, p.kind.layout, p.kind.direction)
                              for i, (p, a) in enumerate(plan) if a is Action.CONVERT)

    def widen(self, args32: tuple[int, ...], space: AddressSpace, arena: Arena, address_mask32: int,
              outputs: list[Output], trace: ConversionTrace | None = None) -> list[int]:
        """The 64-bit arguments; the structures rebuilt in (or made room for in) the arena, and those the kernel
        may write appended to `outputs`. GuestFault for a 32-bit structure that cannot be read (or written)."""
        args = list(args32)
        for i in self.signed:
            if args[i] & 0x80000000:
                args[i] |= HIGH
        for i in self.zero_bits:
            args[i] = args[i] or address_mask32
        for i, name, layout, direction in self.pointers:
            ptr32 = args[i]
            if not ptr32:
                continue
            if direction is Dir.OUT:
                # Room filled with the sentinel, so that what the kernel wrote can be told from what it did not;
                # the 32-bit structure is not read, only made present and checked writable now, so that the
                # narrowing after the call cannot fail to write it.
                space.make_present(ptr32, layout.size32, write=True)
                before = SENTINEL[: layout.size64]
                addr = arena.alloc(before)
                if trace is not None:
                    trace.struct_out(name, layout, ptr32, addr)
            else:
                addr = widen_struct(name, layout, ptr32, space, arena, trace)
                before = arena.slice(addr, layout.size64, arena.buf)
            if direction is not Dir.IN:
                outputs.append(Output(name, layout, ptr32, addr, before))
            args[i] = addr
        return args


def widen_struct(name: str, layout: Layout, ptr32: int, space: AddressSpace, arena: Arena,
                 trace: ConversionTrace | None = None) -> int:
    """Rebuild a 32-bit structure (and those it points to) in the arena; returns its 64-bit address."""
    values32 = layout.read(space.read(ptr32, layout.size32), 32)
    values64 = layout.widen_values(values32)
    for i, target in layout.nested:
        if values32[i]:
            values64[i] = widen_struct(f"{name}.{layout.names[i]}", target, values32[i], space, arena, trace)
    addr = arena.alloc(layout.write(values64, 64))
    if trace is not None:
        trace.struct_in(name, layout, ptr32, addr, values32, values64)
    return addr


def narrow(outputs: list[Output], image: bytes, arena: Arena, space: AddressSpace,
           trace: ConversionTrace | None = None) -> None:
    """Write back into its 32-bit structure each output the kernel changed in the arena (`image`: the arena's bytes
    after the call). GuestFault when a 32-bit structure is no longer writable."""
    for out in outputs:
        layout = out.layout
        after = arena.slice(out.addr64, layout.size64, image)
        if after == out.before:
            continue
        values64 = layout.read(after, 64)
        values32 = layout.narrow_values(values64)
        space.write(out.ptr32, layout.write(values32, 32))
        if trace is not None:
            trace.narrowed(out, values64, values32)
