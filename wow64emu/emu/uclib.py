"""Direct calls into Unicorn's C library for the hot paths of a system call.

The Python binding checks and converts every argument in Python (about 1.3 us to read eight registers with its
reg_read_batch, 0.9 us for a small mem_read). Calling the same C functions through a ctypes handle with no
argument conversion, on arrays built once, costs a third of that: a system call makes a handful of these calls,
so they are most of its cost. Only integer registers of 64 bits or fewer belong in a RegisterBatch.
"""

from __future__ import annotations

import ctypes
from collections.abc import Sequence

from unicorn import Uc, UcError
from unicorn.unicorn_py3 import unicorn as _binding

_lib = ctypes.CDLL(_binding.uclib._name)  # the library the binding loaded, without its argument checks
_reg_read_batch = _lib.uc_reg_read_batch
_reg_write_batch = _lib.uc_reg_write_batch
_mem_read = _lib.uc_mem_read
_mem_write = _lib.uc_mem_write
for _fn in (_reg_read_batch, _reg_write_batch, _mem_read, _mem_write):
    _fn.restype = ctypes.c_int


def _handle(uc: Uc) -> ctypes.c_void_p:
    raw = uc._uch
    return ctypes.c_void_p(raw.value if isinstance(raw, ctypes.c_void_p) else raw)


class RegisterBatch:
    """Reads or writes one fixed list of registers of one Unicorn instance in one native call."""

    def __init__(self, uc: Uc, regs: Sequence[int]) -> None:
        self._handle = _handle(uc)
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


class Memory:
    """Reads and writes guest memory in one native call each (mapping checks stay Unicorn's)."""

    def __init__(self, uc: Uc) -> None:
        self._handle = _handle(uc)
        self._buf = ctypes.create_string_buffer(0x1000)

    def read(self, addr: int, size: int) -> bytes:
        if size > len(self._buf):
            self._buf = ctypes.create_string_buffer(size)
        status = _mem_read(self._handle, ctypes.c_uint64(addr), self._buf, ctypes.c_size_t(size))
        if status:
            raise UcError(status)
        return self._buf.raw[:size]

    def write(self, addr: int, data: bytes) -> None:
        status = _mem_write(self._handle, ctypes.c_uint64(addr), data, ctypes.c_size_t(len(data)))
        if status:
            raise UcError(status)
