"""Kinds of system-call parameters: how a 32-bit stack argument becomes its 64-bit register or stack value.

A kind is declared per parameter in the syscall table; the dispatcher widens by kind, and only kinds that point
at a structure whose layout differs between widths cost a copy into the per-call arena.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from .layouts import Layout


class Dir(Enum):
    IN = "in"
    OUT = "out"
    INOUT = "inout"


@dataclass(frozen=True)
class Kind:
    """How one argument widens. `layout` is set for pointers to declared structures."""

    name: str
    sign_extend: bool = False
    layout: Layout | None = None
    direction: Dir = Dir.IN
    zero_bits: bool = False  # the ZeroBits of a memory allocation: WoW64 limits it to the 32-bit range
    slots: int = 1  # 32-bit stack slots the argument takes
    bits: int = 64  # the bits of the 64-bit register or stack slot that the callee reads; the rest is undefined

    @property
    def converts(self) -> bool:
        """Whether the argument is a pointer to a structure that must be rebuilt in the arena."""
        return self.layout is not None and not self.layout.invariant

    @property
    def action(self) -> Action:
        if self.converts:
            return Action.CONVERT
        if self.sign_extend:
            return Action.SIGN_EXTEND
        if self.zero_bits:
            return Action.ZERO_BITS
        return Action.ZERO_EXTEND


class Action(Enum):
    """What the dispatcher does to one 32-bit argument, decided once per declaration."""

    ZERO_EXTEND = 0
    SIGN_EXTEND = 1
    ZERO_BITS = 2
    CONVERT = 3


ULONG = Kind("ULONG", bits=32)
BOOLEAN = Kind("BOOLEAN", bits=8)
ACCESS_MASK = Kind("ACCESS_MASK", bits=32)
LONG = Kind("LONG", sign_extend=True, bits=32)
NTSTATUS = Kind("NTSTATUS", sign_extend=True, bits=32)
HANDLE = Kind("HANDLE", sign_extend=True)
PVOID = Kind("PVOID")  # an opaque buffer: same bytes in both widths, passed through
ZERO_BITS = Kind("ULONG_PTR", zero_bits=True)


def ptr_in(layout: Layout) -> Kind:
    return Kind(f"{layout.name}*", layout=layout, direction=Dir.IN)


def ptr_out(layout: Layout) -> Kind:
    return Kind(f"{layout.name}*", layout=layout, direction=Dir.OUT)


def ptr_inout(layout: Layout) -> Kind:
    return Kind(f"{layout.name}*", layout=layout, direction=Dir.INOUT)
