"""The thunk table: for every declared system call, how wow64.dll widens it, and its hand-written part if any.

The declarations (wow64emu.nt) say what a call's parameters are; each area module here (files, memory, objects,
process, sync, time) says what Windows' wow64.dll does by hand for some of them, in a SPECIALS dict. A special
part for a call that is not declared is an error when the table is built.
"""

from __future__ import annotations

import struct
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache, cached_property
from typing import TYPE_CHECKING

from ..nt.decl import Param
from ..nt.kinds import Action
from ..nt.syscalls import Syscall, by_name, syscalls
from . import exceptions, files, jobs, memory, objects, process, processcreate, registry, regthunk, sync, time

if TYPE_CHECKING:
    from .context import ThunkContext

Special = Callable[["ThunkContext"], None]
AREAS = (files, memory, objects, process, processcreate, sync, time, exceptions, registry, regthunk, jobs)


@dataclass(frozen=True)
class Thunk:
    """One call as wow64.dll sees it: the declaration, the widening decided once, the hand-written part."""

    call: Syscall
    special: Special | None = None  # runs after the declared widening (see context.py)

    @property
    def name(self) -> str:
        return self.call.name

    @property
    def params(self) -> tuple[Param, ...]:
        return self.call.params

    @property
    def arg_bytes(self) -> int:
        return self.call.arg_bytes

    @cached_property
    def unpack_args32(self) -> Callable[[bytes], tuple[int, ...]]:
        """Reads the 32-bit stack arguments from their bytes."""
        return struct.Struct(f"<{self.arg_bytes // 4}I").unpack

    @cached_property
    def index(self) -> dict[str, int]:
        """Each parameter's position, by name."""
        return {p.name: i for i, p in enumerate(self.params)}

    @cached_property
    def plan(self) -> tuple[tuple[Param, Action], ...]:
        """How the dispatcher widens each argument, decided once."""
        return tuple((p, p.kind.action) for p in self.params)

    @cached_property
    def extend(self) -> Callable[[tuple[int, ...]], list[int]] | None:
        """For calls whose arguments only zero- or sign-extend: the widening in one expression; else None."""
        if any(a not in (Action.ZERO_EXTEND, Action.SIGN_EXTEND) for _, a in self.plan):
            return None
        signed = tuple(a is Action.SIGN_EXTEND for _, a in self.plan)
        if not any(signed):
            return list

        def extend(args32: tuple[int, ...]) -> list[int]:
            return [v | 0xFFFFFFFF00000000 if s and v & 0x80000000 else v for v, s in zip(args32, signed, strict=True)]

        return extend


@cache
def thunks() -> dict[int, Thunk]:
    """Number -> thunk, for every declared call."""
    declared = by_name()
    specials: dict[str, Special] = {}
    for area in AREAS:
        for name, special in area.SPECIALS.items():
            if name not in declared:
                raise ValueError(f"{area.__name__} has a special part for {name}, which is not declared")
            if name in specials:
                raise ValueError(f"{name} has two special parts")
            specials[name] = special
    return {call.number: Thunk(call, specials.get(call.name)) for call in syscalls()}
