"""How an area declares its system calls: each parameter named and typed by kind.

Each area module (files.py, memory.py, sync.py, objects.py, process.py, time.py) holds a DECLARATIONS dict,
name -> Declaration; syscalls.py gathers them. What wow64.dll does by hand for a call lives beside the thunks
(wow64emu.thunks), what the kernel does in its services (wow64emu.kernel): a declaration is only the interface.
"""

from __future__ import annotations

from dataclasses import dataclass

from . import layouts as L
from .kinds import Kind, ptr_in, ptr_inout, ptr_out


@dataclass(frozen=True)
class Param:
    """One parameter of a declared call: its name and kind."""

    name: str
    kind: Kind


@dataclass(frozen=True)
class Declaration:
    """A call's parameters, in order."""

    params: tuple[Param, ...]


def decl(*params: tuple[str, Kind]) -> Declaration:
    return Declaration(tuple(Param(n, k) for n, k in params))


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
ULONG_INOUT = ptr_inout(L.ULONG)
CLIENT_ID_IN = ptr_in(L.CLIENT_ID)
