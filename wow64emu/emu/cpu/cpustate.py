"""Two fields of QEMU's CPU state that Unicorn gives no way to set, reached through a saved context.

- old_exception. When an interrupt hook catches an exception, Unicorn never delivers it, and QEMU's
  env->old_exception is never reset: the second contributory fault (#DE, #GP, #PF, ...) would arrive as a double
  fault and the third stop the CPU. After every exception the hook saves the context, writes -1 there and restores
  it (well under a microsecond). The same saved bytes hold the exception's error code (a page fault's says read,
  write or fetch) and whether it came from an INT instruction.
- The CS descriptor cache and the mode bits of hflags. Writing CS through the API stores the selector only: the CPU
  goes on decoding in the old mode. To resume a thread in the other mode at any address, the context's CS cache
  and mode bits are copied from a snapshot taken in that mode.

Offsets into the context are found by making each CPU state happen in a fresh Unicorn and comparing the bytes, never
written into the code: they differ between Unicorn versions. Finding them takes five scratch Unicorns (about 7 ms),
so they are kept in the user's cache (wow64emu/usercache.py), keyed by the Unicorn library they were found in.
"""

from __future__ import annotations

import ctypes
import struct
from dataclasses import dataclass
from functools import cache

from ... import usercache
from .ucconst import UC_HOOK_INTR, UC_PROT_ALL, UC_X86_REG_RSP
from .uclib import INTERRUPT_CALLBACK, LIB, Engine

CS32, DS32, CS64 = 0x23, 0x2B, 0x33
_GDT = {CS32: 0x00CFFB000000FFFF, DS32: 0x00CFF3000000FFFF, CS64: 0x00AFFB000000FFFF}
_HF_CS32, _HF_SS32, _HF_ADDSEG, _HF_CS64 = 1 << 4, 1 << 5, 1 << 6, 1 << 15
MODE_BITS = _HF_CS32 | _HF_SS32 | _HF_ADDSEG | _HF_CS64
_ERROR_CODE_BEFORE_OLD = 112  # env->error_code and env->exception_is_int sit just before env->old_exception
_IS_INT_BEFORE_OLD = 108

# A scratch machine: code at 0x10000 (32-bit) and 0x20000 (64-bit), a stack, the GDT and the iretq stub.
_CODE32, _CODE64, _STACK, _SYSTEM = 0x10000, 0x20000, 0x40000, 0x60000
_STUB = _SYSTEM + 0x800
_RETURN_TO_USER = bytes.fromhex("8e1d1a000000" "8e0514000000" "48cf").ljust(0x20, b"\xcc") + struct.pack("<H", DS32)


def _scratch_uc() -> Engine:
    uc = Engine()
    for base in (_CODE32, _CODE64, _STACK, _SYSTEM):
        uc.mem_map(base, 0x10000, UC_PROT_ALL)
    gdt = b"".join(struct.pack("<Q", _GDT.get(i << 3 | 3, 0)) for i in range(16))
    uc.mem_write(_SYSTEM, gdt)
    uc.write_gdtr(_SYSTEM, len(gdt) - 1)
    uc.mem_write(_STUB, _RETURN_TO_USER)
    return uc


def _enter_user(uc: Engine, rip: int, cs: int) -> int:
    uc.mem_write(_SYSTEM + 0x700, struct.pack("<5Q", rip, cs, 0x202, _STACK + 0xF000, DS32))
    uc.reg_write(UC_X86_REG_RSP, _SYSTEM + 0x700)
    return _STUB


def _after(code: bytes, cs: int, stop_on_exception: bool) -> bytes:
    """The context bytes after running `code` in user mode (until its end, or its first exception)."""
    uc = _scratch_uc()
    at = _CODE64 if cs == CS64 else _CODE32
    uc.mem_write(at, code)
    stop = INTERRUPT_CALLBACK(lambda _uc, _intno, _user: uc.emu_stop())
    if stop_on_exception:
        uc.hook_add(UC_HOOK_INTR, stop, 1, 0)
    uc.emu_start(_enter_user(uc, at, cs), at + len(code))
    return bytes(uc.context_save())


@dataclass(frozen=True)
class ContextLayout:
    """Where a saved context of this Unicorn keeps the fields the API cannot set (see the module docstring)."""

    old_exception: int  # offset of env->old_exception in a context's bytes
    cs_cache: int  # offset of env->segs[R_CS] (selector, base, limit, flags: 24 bytes)
    hflags: int
    cs_caches: dict[int, bytes]  # CS selector -> its descriptor cache in user mode
    mode_bits: dict[int, int]  # CS selector -> the mode bits of hflags in user mode


_LAYOUT_FORMAT = 1  # of the cached layout's data


@cache
def context_layout() -> ContextLayout:
    """The layout of this Unicorn library's contexts: from the user's cache, or found (and cached)."""
    return usercache.cached("context-layout", [_LAYOUT_FORMAT, *usercache.file_key(LIB._name)], find_layout,
                            _layout_data, _layout_from_data)


def _layout_data(layout: ContextLayout) -> dict:
    return {"offsets": [layout.old_exception, layout.cs_cache, layout.hflags],
            "cs_caches": {str(cs): saved.hex() for cs, saved in layout.cs_caches.items()},
            "mode_bits": {str(cs): bits for cs, bits in layout.mode_bits.items()}}


def _layout_from_data(data: object) -> ContextLayout:
    """A layout back from _layout_data's data; ValueError if the data is anything else."""
    if not isinstance(data, dict) or not all(isinstance(data.get(k), dict) for k in ("cs_caches", "mode_bits")):
        raise ValueError("not a layout")
    offsets = data.get("offsets")
    caches = {int(cs): bytes.fromhex(text) for cs, text in data["cs_caches"].items()}
    bits = {int(cs): value for cs, value in data["mode_bits"].items()}
    if not (isinstance(offsets, list) and len(offsets) == 3 and set(caches) == set(bits) == {CS32, CS64}
            and all(isinstance(n, int) and n >= 0 for n in [*offsets, *bits.values()])
            and all(len(saved) == 24 for saved in caches.values())):
        raise ValueError("not a layout")
    return ContextLayout(*offsets, caches, bits)


def find_layout() -> ContextLayout:
    """The layout found by running scratch Unicorns through each state and comparing their context bytes."""
    clean = bytes(_scratch_uc().context_save())
    gp = _after(b"\xfa", CS64, True)  # cli: #GP, old_exception 13
    de = _after(b"\x31\xc9\xf7\xf1", CS64, True)  # xor ecx, ecx; div ecx: #DE, old_exception 0
    hits = [o for o in range(0, len(clean) - 3, 4)
            if [struct.unpack_from("<i", b, o)[0] for b in (clean, gp, de)] == [-1, 13, 0]]
    if len(hits) != 1:
        raise RuntimeError(f"env->old_exception not found in this Unicorn's context (candidates {hits})")
    user = {cs: _after(b"\x90", cs, False) for cs in (CS32, CS64)}  # one nop in each mode
    a, b = user[CS64], user[CS32]
    cs_hits = [o for o in range(0, len(a) - 28, 4)
               if struct.unpack_from("<I", a, o)[0] == CS64 and struct.unpack_from("<I", b, o)[0] == CS32
               and struct.unpack_from("<I", a, o + 24)[0] == DS32 and struct.unpack_from("<I", b, o + 24)[0] == DS32]
    if len(cs_hits) != 1:
        raise RuntimeError(f"the CS descriptor cache not found in this Unicorn's context (candidates {cs_hits})")
    cs_cache = cs_hits[0]
    hflags = cs_cache - 32  # CPUX86State: ..., hflags, hflags2, segs[]
    return ContextLayout(hits[0], cs_cache, hflags,
                         {cs: user[cs][cs_cache: cs_cache + 24] for cs in user},
                         {cs: struct.unpack_from("<I", user[cs], hflags)[0] & MODE_BITS for cs in user})


class CpuState:
    """One reusable saved context of a Unicorn instance, for clearing old_exception and switching modes."""

    def __init__(self, uc: Engine) -> None:
        self.layout = layout = context_layout()
        self._ctx = uc.context_save()  # allocated once
        self._raw = self._ctx.pointer
        self._base = base = self._raw.value
        self._handle = uc.handle
        self._old = ctypes.c_int32.from_address(base + layout.old_exception)
        self._error_code = ctypes.c_int32.from_address(base + layout.old_exception - _ERROR_CODE_BEFORE_OLD)
        self._is_int = ctypes.c_int32.from_address(base + layout.old_exception - _IS_INT_BEFORE_OLD)
        self._hflags = ctypes.c_uint32.from_address(base + layout.hflags)

    def after_exception(self) -> tuple[int, bool]:
        """Call first in an interrupt hook: clears old_exception; returns (error code, raised by an INT
        instruction)."""
        LIB.uc_context_save(self._handle, self._raw)
        error_code, is_int = self._error_code.value, bool(self._is_int.value)
        if self._old.value != -1:
            self._old.value = -1
            LIB.uc_context_restore(self._handle, self._raw)
        return error_code, is_int

    def set_mode(self, cs: int) -> None:
        """Load CS = 0x23 or 0x33 as a far transfer would: the descriptor cache and the decoding mode."""
        layout = self.layout
        LIB.uc_context_save(self._handle, self._raw)
        ctypes.memmove(self._base + layout.cs_cache, layout.cs_caches[cs], 24)
        self._hflags.value = (self._hflags.value & ~MODE_BITS) | layout.mode_bits[cs]
        LIB.uc_context_restore(self._handle, self._raw)
