"""Unicorn's C library, called through ctypes directly: the few functions the CPU uses, with no Python binding between.

The binding that ships with Unicorn costs a third of a start-up to import (its classes, the prototypes of the whole
API, the arch modules, importlib.resources to find the library: about 9 ms of a hello world's 100) and checks and
converts every argument in Python at every call (about 1.3 us to read eight registers with its reg_read_batch, a
third of that here). The library is the one the binding would load (uclocate.py), else whatever the binding itself
finds. The numbers of the API are in ucconst.py. Only integer registers of 64 bits or fewer belong in a
RegisterBatch.
"""

from __future__ import annotations

import ctypes
import struct
from collections.abc import Iterator, Sequence

from .. import preload
from .ucconst import (
    UC_ARCH_X86,
    UC_CTL_IO_WRITE,
    UC_CTL_TB_FLUSH,
    UC_CTL_TB_REMOVE_CACHE,
    UC_CTL_TLB_FLUSH,
    UC_MODE_64,
    UC_X86_REG_GDTR,
    UC_X86_REG_MSR,
)
from .uclocate import library_path


def _load() -> ctypes.CDLL:
    """The library the binding would load (uclocate.py)."""
    path = library_path()
    if path is not None:
        try:
            return ctypes.CDLL(path)
        except OSError:
            pass
    from unicorn.unicorn_py3 import unicorn as binding  # it searches further (the system's folders, sys.path)

    return ctypes.CDLL(binding.uclib._name)


LIB = _load()
for _fn in (LIB.uc_reg_read_batch, LIB.uc_reg_write_batch, LIB.uc_context_save, LIB.uc_context_restore,
            LIB.uc_reg_read, LIB.uc_reg_write, LIB.uc_hook_add, LIB.uc_emu_start, LIB.uc_ctl):
    _fn.restype = ctypes.c_int
LIB.uc_context_size.restype = ctypes.c_size_t
LIB.uc_strerror.restype = ctypes.c_char_p
LIB.uc_version.restype = ctypes.c_uint
_reg_read_batch = LIB.uc_reg_read_batch
_reg_write_batch = LIB.uc_reg_write_batch
_reg_read = LIB.uc_reg_read
_reg_write = LIB.uc_reg_write
_u64 = ctypes.c_uint64
# uc_emu_stop(handle) without letting go of the GIL (ctypes lets go for a foreign call): no Python runs in another
# thread between what its caller checked and the stop (UnicornCpu.halt). Called directly: a Python function between
# the check and the call could let go of the GIL at its start.
EMU_STOP_HOLDING_GIL = ctypes.PYFUNCTYPE(ctypes.c_int, ctypes.c_void_p)(("uc_emu_stop", LIB))
_CTL_WRITE = UC_CTL_IO_WRITE << 30  # uc_ctl's code: the direction, the number of arguments (<< 26), the control


# The hooks' callbacks, by the C signature of their kind (all but the handle and the user data are the hook's own).
SYSCALL_CALLBACK = ctypes.CFUNCTYPE(None, ctypes.c_void_p, ctypes.c_void_p)  # UC_HOOK_INSN: syscall
CODE_CALLBACK = ctypes.CFUNCTYPE(None, ctypes.c_void_p, ctypes.c_uint64, ctypes.c_uint32, ctypes.c_void_p)  # and block
INTERRUPT_CALLBACK = ctypes.CFUNCTYPE(None, ctypes.c_void_p, ctypes.c_uint32, ctypes.c_void_p)
INVALID_CALLBACK = ctypes.CFUNCTYPE(ctypes.c_bool, ctypes.c_void_p, ctypes.c_void_p)  # UC_HOOK_INSN_INVALID
MEMORY_CALLBACK = ctypes.CFUNCTYPE(ctypes.c_bool, ctypes.c_void_p, ctypes.c_int, ctypes.c_uint64, ctypes.c_int,
                                   ctypes.c_int64, ctypes.c_void_p)  # UC_HOOK_MEM_*
IN_CALLBACK = ctypes.CFUNCTYPE(ctypes.c_uint32, ctypes.c_void_p, ctypes.c_uint32, ctypes.c_int, ctypes.c_void_p)
OUT_CALLBACK = ctypes.CFUNCTYPE(None, ctypes.c_void_p, ctypes.c_uint32, ctypes.c_int, ctypes.c_uint32, ctypes.c_void_p)


class UcError(Exception):
    """A Unicorn call failed; `errno` is its uc_err."""

    def __init__(self, errno: int) -> None:
        super().__init__(errno)
        self.errno = errno

    def __str__(self) -> str:
        return LIB.uc_strerror(self.errno).decode("ascii", "replace")


def _check(status: int) -> None:
    if status:
        raise UcError(status)


if LIB.uc_version(None, None) >> 24 != 2:
    raise ImportError(f"Unicorn 2 is needed; this library is {LIB.uc_version(None, None) >> 24}.x")


class Context:
    """A saved CPU state (uc_context), freed with this object. bytes() of it are the library's whole context."""

    def __init__(self, handle: ctypes.c_void_p) -> None:
        self.pointer = ctypes.c_void_p()
        _check(LIB.uc_context_alloc(handle, ctypes.byref(self.pointer)))
        self.size = LIB.uc_context_size(handle)

    def __bytes__(self) -> bytes:
        return ctypes.string_at(self.pointer, self.size)

    def __del__(self, _free: ctypes._CFuncPtr = LIB.uc_context_free) -> None:
        if self.pointer:
            _free(self.pointer)


class Engine:
    """One Unicorn instance (uc_engine) of x86-64, and the calls of its API the CPU makes. Hooks take ctypes
    callbacks (of the *_CALLBACK types above), which the caller keeps alive as long as the hook."""

    def __init__(self) -> None:
        self.handle = handle = ctypes.c_void_p(preload.engine())  # the one begun while the command started, if any
        if not handle:
            _check(LIB.uc_open(UC_ARCH_X86, UC_MODE_64, ctypes.byref(handle)))
        self._value = _u64()
        self._value_ref = ctypes.byref(self._value)

    def reg_read(self, reg: int) -> int:
        value = self._value
        value.value = 0  # a register narrower than 64 bits writes only its own bytes
        _check(_reg_read(self.handle, reg, self._value_ref))
        return value.value

    def reg_write(self, reg: int, value: int) -> None:
        self._value.value = value
        _check(_reg_write(self.handle, reg, self._value_ref))

    def read_msr(self, msr: int) -> int:
        buffer = ctypes.create_string_buffer(struct.pack("<I4xQ", msr, 0))  # uc_x86_msr: rid, value
        _check(_reg_read(self.handle, UC_X86_REG_MSR, buffer))
        return struct.unpack_from("<Q", buffer, 8)[0]

    def write_msr(self, msr: int, value: int) -> None:
        _check(_reg_write(self.handle, UC_X86_REG_MSR, ctypes.create_string_buffer(struct.pack("<I4xQ", msr, value))))

    def write_gdtr(self, base: int, limit: int) -> None:
        # uc_x86_mmr: selector, base, limit, flags
        _check(_reg_write(self.handle, UC_X86_REG_GDTR, ctypes.create_string_buffer(struct.pack("<H6xQII", 0, base,
                                                                                                   limit, 0))))

    def mem_map(self, address: int, size: int, perms: int) -> None:
        _check(LIB.uc_mem_map(self.handle, _u64(address), _u64(size), ctypes.c_uint32(perms)))

    def mem_map_ptr(self, address: int, size: int, perms: int, host: int) -> None:
        _check(LIB.uc_mem_map_ptr(self.handle, _u64(address), _u64(size), ctypes.c_uint32(perms),
                                  ctypes.c_void_p(host)))

    def mem_write(self, address: int, data: bytes) -> None:
        _check(LIB.uc_mem_write(self.handle, _u64(address), data, _u64(len(data))))

    def mem_regions(self) -> Iterator[tuple[int, int, int]]:
        """(begin, end, perms) of each region mapped."""
        regions, count = ctypes.c_void_p(), ctypes.c_uint32()
        _check(LIB.uc_mem_regions(self.handle, ctypes.byref(regions), ctypes.byref(count)))
        try:
            data = ctypes.string_at(regions, 24 * count.value)  # uc_mem_region: begin, end, perms (24 bytes)
        finally:
            LIB.uc_free(regions)
        return (struct.unpack_from("<QQI", data, 24 * i) for i in range(count.value))

    def hook_add(self, kind: int, callback: object, begin: int, end: int, *extra: object) -> int:
        hook = ctypes.c_size_t()
        _check(LIB.uc_hook_add(self.handle, ctypes.byref(hook), kind, callback, None, _u64(begin), _u64(end),
                               *extra))
        return hook.value

    def hook_del(self, hook: int) -> None:
        _check(LIB.uc_hook_del(self.handle, ctypes.c_size_t(hook)))

    def context_save(self) -> Context:
        context = Context(self.handle)
        _check(LIB.uc_context_save(self.handle, context.pointer))
        return context

    def context_restore(self, context: Context) -> None:
        _check(LIB.uc_context_restore(self.handle, context.pointer))

    def remove_cache(self, begin: int, end: int) -> None:
        """Drop the code translated from [begin, end)."""
        _check(LIB.uc_ctl(self.handle, _CTL_WRITE | 2 << 26 | UC_CTL_TB_REMOVE_CACHE, _u64(begin), _u64(end)))

    def flush_tb(self) -> None:
        """Drop all the code translated."""
        _check(LIB.uc_ctl(self.handle, _CTL_WRITE | UC_CTL_TB_FLUSH))

    def flush_tlb(self) -> None:
        _check(LIB.uc_ctl(self.handle, _CTL_WRITE | UC_CTL_TLB_FLUSH))

    def emu_start(self, begin: int, until: int, count: int = 0) -> None:
        _check(LIB.uc_emu_start(self.handle, _u64(begin), _u64(until), _u64(0), ctypes.c_size_t(count)))

    def emu_stop(self) -> None:
        LIB.uc_emu_stop(self.handle)

    def close(self, _close: ctypes._CFuncPtr = LIB.uc_close) -> None:
        """uc_close: the engine is not used again."""
        if self.handle:
            _close(self.handle)
            self.handle.value = None

    __del__ = close


class RegisterBatch:
    """Reads or writes one fixed list of registers of one Unicorn instance in one native call."""

    def __init__(self, engine: Engine, regs: Sequence[int]) -> None:
        self._handle = engine.handle
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

    def __init__(self, engine: Engine, regs: Sequence[int]) -> None:
        self._handle = engine.handle
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
