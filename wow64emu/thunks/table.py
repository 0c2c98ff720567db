"""The thunk table: for every declared system call, how wow64.dll widens it, and its hand-written part if any.

The declarations (wow64emu.nt) say what a call's parameters are; each area module here (files, memory, objects,
process, sync, time) says what Windows' wow64.dll does by hand for some of them, in a SPECIALS dict. A special
part for a call that is not declared is an error when the table is built.

An area module is imported when a call with a special part of it is first made: which calls have one, and in which
area, special_index() finds by importing them all once, and the user's cache keeps it for their sources.
"""

from __future__ import annotations

import struct
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache, cached_property
from importlib import import_module
from pathlib import Path
from typing import TYPE_CHECKING

from .. import usercache
from ..nt.decl import Param
from ..nt.kinds import Action
from ..nt.syscalls import Syscall, by_name, syscalls

if TYPE_CHECKING:
    from .context import ThunkContext

Special = Callable[["ThunkContext"], None]
AREAS = ("files", "memory", "objects", "process", "processcreate", "sync", "time", "exceptions", "registry", "regthunk",
         "jobs")  # the area modules of this package


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
    def args32(self) -> struct.Struct:
        """The 32-bit stack arguments' layout."""
        return struct.Struct(f"<{self.arg_bytes // 4}I")

    @cached_property
    def unpack_args32(self) -> Callable[[bytes], tuple[int, ...]]:
        """Reads the 32-bit stack arguments from their bytes."""
        return self.args32.unpack

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


def special_index() -> dict[str, str]:
    """Name -> area module, for every call with a special part; from the user's cache when it was found for the
    same sources of the area modules."""
    declared = by_name()

    def find() -> dict[str, str]:
        found: dict[str, str] = {}
        for area in AREAS:
            for name in import_module(f"{__package__}.{area}").SPECIALS:
                if name not in declared:
                    raise ValueError(f"{__package__}.{area} has a special part for {name}, which is not declared")
                if name in found:
                    raise ValueError(f"{name} has two special parts")
                found[name] = area
        return found

    def undump(data: object) -> dict[str, str]:
        if not isinstance(data, dict) or not all(name in declared and area in AREAS for name, area in data.items()):
            raise ValueError("not an index of these areas")
        return data

    return usercache.cached("thunk-specials", usercache.sources_key(Path(__file__).parent, AREAS), find,
                            lambda index: index, undump)


class _Special:
    """The special part of a call, its area imported when it is first run."""

    def __init__(self, area: str, name: str) -> None:
        self.area = area
        self.name = name
        self.run: Special | None = None

    def __call__(self, ctx: ThunkContext) -> None:
        if self.run is None:
            self.run = import_module(f"{__package__}.{self.area}").SPECIALS[self.name]
        self.run(ctx)


@cache
def thunks() -> dict[int, Thunk]:
    """Number -> thunk, for every declared call."""
    areas = special_index()
    return {call.number: Thunk(call, _Special(areas[call.name], call.name) if call.name in areas else None)
            for call in syscalls()}
