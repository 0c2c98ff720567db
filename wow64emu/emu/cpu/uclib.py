"""Direct calls into Unicorn's C library for the hot paths of a system call.

The Python binding checks and converts every argument in Python (about 1.3 us to read eight registers with its
reg_read_batch). Calling the same C functions through a ctypes handle with no argument conversion, on arrays built
once, costs a third of that: a system call makes a handful of these calls, so they are most of its cost. Only
integer registers of 64 bits or fewer belong in a RegisterBatch.
"""

from __future__ import annotations

import ctypes
from collections.abc import Sequence

from unicorn import Uc, UcError
from unicorn.unicorn_py3 import unicorn as _binding

LIB = ctypes.CDLL(_binding.uclib._name)  # the library the binding loaded, without its argument checks
_reg_read_batch = LIB.uc_reg_read_batch
_reg_write_batch = LIB.uc_reg_write_batch
for _fn in (_reg_read_batch, _reg_write_batch, LIB.uc_context_save, LIB.uc_context_restore):
    _fn.restype = ctypes.c_int


def handle(uc: Uc) -> ctypes.c_void_p:
    raw = uc._uch
    return ctypes.c_void_p(raw.value if isinstance(raw, ctypes.c_void_p) else raw)


class RegisterBatch:
    """Reads or writes one fixed list of registers of one Unicorn instance in one native call."""

    def __init__(self, uc: Uc, regs: Sequence[int]) -> None:
        self._handle = handle(uc)
        count = len(regs)
        self._count = ctypes.c_int(count)
        self._ids = (ctypes.c_int * count)(*regs)
        self._values = (ctypes.c_uint64 * count)()
        base = ctypes.addressof(self._values)
        self._ptrs = (ctypes.c_void_p * count)(*(base + 8 * i for i in range(count)))

    def read(self) -> list[int]:
        status = _reg_read_batch(self._handle, self._ids, self._ptrs, self._count)
        if status:
            raise UcError(status)
        return self._values[:]

    def write(self, values: Sequence[int]) -> None:
        """Values are unsigned 64-bit integers, one per register of the batch, in order."""
        self._values[:] = values
        status = _reg_write_batch(self._handle, self._ids, self._ptrs, self._count)
        if status:
            raise UcError(status)


class VectorBatch:
    """Reads or writes a fixed list of 128-bit registers (XMM) in one native call, as one block of bytes."""

    def __init__(self, uc: Uc, regs: Sequence[int]) -> None:
        self._handle = handle(uc)
        count = len(regs)
        self._count = ctypes.c_int(count)
        self._ids = (ctypes.c_int * count)(*regs)
        self._values = (ctypes.c_char * (16 * count))()
        base = ctypes.addressof(self._values)
        self._ptrs = (ctypes.c_void_p * count)(*(base + 16 * i for i in range(count)))

    def read(self) -> bytes:
        status = _reg_read_batch(self._handle, self._ids, self._ptrs, self._count)
        if status:
            raise UcError(status)
        return self._values.raw

    def write(self, data: bytes) -> None:
        ctypes.memmove(self._values, data, len(self._values))
        status = _reg_write_batch(self._handle, self._ids, self._ptrs, self._count)
        if status:
            raise UcError(status)
