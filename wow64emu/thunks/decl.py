"""How an area declares its system calls: parameters typed by kind, and a hand-written part where Windows has one.

Each area module (files.py, memory.py, sync.py, objects.py, process.py, time.py) holds a DECLARATIONS dict,
name -> Declaration; table.py gathers them. Most calls are their parameters and nothing else. `special` is for
what Windows' wow64.dll itself does by hand for a call (an information class whose layout depends on its number,
a PEB32 in place of a PEB64): a function that runs after the declared widening, with a ThunkContext.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from . import layouts as L
from .kinds import Kind, ptr_in, ptr_inout, ptr_out

if TYPE_CHECKING:
    from .context import ThunkContext


@dataclass(frozen=True)
class Param:
    name: str
    kind: Kind


@dataclass(frozen=True)
class Declaration:
    params: tuple[Param, ...]
    special: Callable[[ThunkContext], None] | None = None


def decl(*params: tuple[str, Kind], special: Callable[[ThunkContext], None] | None = None) -> Declaration:
    return Declaration(tuple(Param(n, k) for n, k in params), special)


# Kinds that many calls share.
IOSB = ptr_out(L.IO_STATUS_BLOCK)
OA = ptr_in(L.OBJECT_ATTRIBUTES)
LARGE_IN = ptr_in(L.LARGE_INTEGER)
LARGE_OUT = ptr_out(L.LARGE_INTEGER)
LARGE_INOUT = ptr_inout(L.LARGE_INTEGER)
HANDLE_OUT = ptr_out(L.HANDLE)
SIZE_INOUT = ptr_inout(L.SIZE_T)
SIZE_OUT = ptr_out(L.SIZE_T)
PVOID_INOUT = ptr_inout(L.PVOID)
ULONG_OUT = ptr_out(L.ULONG)
CLIENT_ID_IN = ptr_in(L.CLIENT_ID)
