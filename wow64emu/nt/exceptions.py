"""System calls about exceptions, and the records they carry in both widths: EXCEPTION_RECORD, the x64 CONTEXT and
the i386 one (WOW64_CONTEXT). Offsets as docs/exception-dispatch.md gives them.

A CONTEXT's registers are kept as a dict, name -> value; pack and unpack are the only places that know offsets.
"""

from __future__ import annotations

import struct
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

from ..log import getLogger
from .decl import decl
from .kinds import BOOLEAN, HANDLE, PVOID

DECLARATIONS = {
    "NtContinue": decl(("ContextRecord", PVOID), ("TestAlert", BOOLEAN)),
    "NtRaiseException": decl(("ExceptionRecord", PVOID), ("ContextRecord", PVOID), ("FirstChance", BOOLEAN)),
    "NtGetContextThread": decl(("ThreadHandle", HANDLE), ("ThreadContext", PVOID)),
    "NtSetContextThread": decl(("ThreadHandle", HANDLE), ("ThreadContext", PVOID)),
}

EXCEPTION_MAXIMUM_PARAMETERS = 15
DBG_PRINTEXCEPTION_C = 0x40010006
EXCEPTION_NONCONTINUABLE = 0x1
RECORD64_SIZE = 0x98
RECORD32_SIZE = 0x50
# The starts of an OutputDebugStringA line that is a message of the guest userland for the user (guest/include/
# guestwarn.h: kernel32's unserved functions, user32, GetProcAddress's failures): the emulator, which sees every
# first-chance exception as a debugger would, logs it as its own warning, or as information (shown with -v).
GUEST_WARNING = b"wow64emu: WARNING: "
GUEST_INFO = b"wow64emu: INFO: "
_GUEST_WARNING_MAX = 512  # bytes of such a line that are read

log = getLogger("wow64emu.guest")

# ---- the x64 CONTEXT ------------------------------------------------------------------------------------------

CONTEXT64_SIZE = 0x4D0
CONTEXT_AMD64 = 0x100000
CONTEXT64_CONTROL, CONTEXT64_INTEGER, CONTEXT64_SEGMENTS, CONTEXT64_FLOATING_POINT = (
    CONTEXT_AMD64 | 1, CONTEXT_AMD64 | 2, CONTEXT_AMD64 | 4, CONTEXT_AMD64 | 8)
CONTEXT64_ALL = 0x10001F
GPRS64 = ("rax", "rcx", "rdx", "rbx", "rsp", "rbp", "rsi", "rdi", "r8", "r9", "r10", "r11", "r12", "r13", "r14",
          "r15")  # in CONTEXT order, from Rax at 0x78
SEGMENTS = ("cs", "ds", "es", "fs", "gs", "ss")  # SegCs at 0x38, then the others, as WORDs
_CTX64_FLAGS = struct.Struct("<II6HI")  # ContextFlags, MxCsr, SegCs..SegSs, EFlags at 0x30
_CTX64_GPRS = struct.Struct("<17Q")  # Rax..R15, Rip at 0x78
_XMM64 = 0x1A0
_FLTSAVE64 = 0x100
MXCSR_DEFAULT = 0x1F80
FPU_CONTROL_DEFAULT = 0x27F

# ---- the x87 state -----------------------------------------------------------------------------------------------
# A Context keeps it as the first 0xA0 bytes of an FXSAVE image (the legacy area of XMM_SAVE_AREA32, 32-bit format):
# ControlWord, StatusWord, the abridged TagWord (a bit per physical register, 1 = in use), ErrorOpcode, the error and
# data pointers, MxCsr (the Context's own field is the one that counts), MxCsr_Mask, then ST0-ST7 as 80-bit values in
# 16-byte slots. The i386 CONTEXT's FloatSave holds the same state in FNSAVE's form (0x70 bytes): ControlWord,
# StatusWord and the full TagWord (two bits per physical register: 0 valid, 1 zero, 2 special, 3 empty) as DWORDs,
# ErrorOffset, ErrorSelector, DataOffset, DataSelector, ST0-ST7 packed (10 bytes each), Cr0NpxState.
X87_SIZE = 0xA0
_FX_HEAD = struct.Struct("<HHBxH")  # ControlWord, StatusWord, abridged TagWord, ErrorOpcode
_FX_POINTERS = struct.Struct("<IHxxIHxx")  # ErrorOffset, ErrorSelector, DataOffset, DataSelector
_FX_REGISTERS = 0x20
MXCSR_MASK = 0xFFFF
FLOAT_SAVE_SIZE = 0x70
_FNSAVE_HEAD = struct.Struct("<7I")  # ControlWord, StatusWord, TagWord, ErrorOffset, ErrorSelector, DataOffset,
# DataSelector
_FNSAVE_REGISTERS = 0x1C


@lru_cache(maxsize=32)
def x87_image(control: int, status: int, full_tag: int, registers: bytes) -> bytes:
    """The FXSAVE form of the x87 state from the registers as a CPU holds them: the full tag word, and R0-R7 by
    physical number in 16-byte slots, the 80-bit value first (ST(i) is R((TOP + i) mod 8), TOP in bits 11-13 of the
    status word). The conversions are cached: a thread's x87 state seldom changes between exceptions."""
    top = (status >> 11) & 7
    abridged = sum(1 << i for i in range(8) if (full_tag >> 2 * i) & 3 != 3)
    out = bytearray(X87_SIZE)
    _FX_HEAD.pack_into(out, 0, control, status, abridged, 0)
    struct.pack_into("<II", out, 0x18, MXCSR_DEFAULT, MXCSR_MASK)
    for i in range(8):
        at, physical = _FX_REGISTERS + 16 * i, 16 * ((top + i) & 7)
        out[at: at + 10] = registers[physical: physical + 10]
    return bytes(out)


@lru_cache(maxsize=32)
def x87_registers(image: bytes) -> tuple[int, int, int, bytes]:
    """The other way: control word, status word, full tag word, R0-R7 by physical number in 16-byte slots."""
    control, status, abridged, _ = _FX_HEAD.unpack_from(image)
    top = (status >> 11) & 7
    registers = bytearray(128)
    full = 0
    for i in range(8):
        at, physical = _FX_REGISTERS + 16 * i, (top + i) & 7
        value = image[at: at + 10]
        registers[16 * physical: 16 * physical + 10] = value
        full |= (_tag(value) if abridged >> physical & 1 else 3) << 2 * physical
    return control, status, full, bytes(registers)


def _tag(value: bytes) -> int:
    """The full tag of a register in use: 0 valid, 1 zero, 2 special (NaN, infinity, denormal, unnormal)."""
    mantissa, exponent = struct.unpack("<QH", value[:10])
    exponent &= 0x7FFF
    if exponent == 0 and mantissa == 0:
        return 1
    if exponent in (0, 0x7FFF) or not mantissa >> 63:
        return 2
    return 0


@lru_cache(maxsize=32)
def float_save(image: bytes) -> bytes:
    """The i386 CONTEXT's FloatSave (FNSAVE form) of an x87 image."""
    control, status, full, _ = x87_registers(image)
    offset, selector, data, data_selector = _FX_POINTERS.unpack_from(image, 8)
    opcode = struct.unpack_from("<H", image, 6)[0]
    out = bytearray(FLOAT_SAVE_SIZE)
    _FNSAVE_HEAD.pack_into(out, 0, control | 0xFFFF0000, status | 0xFFFF0000, full | 0xFFFF0000, offset,
                           selector | (opcode & 0x7FF) << 16, data, data_selector | 0xFFFF0000)
    for i in range(8):
        at = _FX_REGISTERS + 16 * i
        out[_FNSAVE_REGISTERS + 10 * i: _FNSAVE_REGISTERS + 10 * i + 10] = image[at: at + 10]
    return bytes(out)


@lru_cache(maxsize=32)
def image_of_float_save(data: bytes) -> bytes:
    """An x87 image from an i386 CONTEXT's FloatSave."""
    control, status, full, offset, selector, data_offset, data_selector = _FNSAVE_HEAD.unpack_from(data)
    top = (status >> 11) & 7
    registers = bytearray(128)
    for i in range(8):
        physical = 16 * ((top + i) & 7)
        registers[physical: physical + 10] = data[_FNSAVE_REGISTERS + 10 * i: _FNSAVE_REGISTERS + 10 * i + 10]
    out = bytearray(x87_image(control & 0xFFFF, status & 0xFFFF, full & 0xFFFF, bytes(registers)))
    struct.pack_into("<H", out, 6, (selector >> 16) & 0x7FF)
    _FX_POINTERS.pack_into(out, 8, offset, selector & 0xFFFF, data_offset, data_selector & 0xFFFF)
    return bytes(out)


X87_DEFAULT = x87_image(FPU_CONTROL_DEFAULT, 0, 0xFFFF, bytes(128))  # a new thread's: all empty, 53-bit
# precision, every exception masked

# ---- the i386 CONTEXT (WOW64_CONTEXT) ------------------------------------------------------------------------

CONTEXT32_SIZE = 0x2CC
CONTEXT_I386 = 0x10000
CONTEXT32_CONTROL, CONTEXT32_INTEGER, CONTEXT32_SEGMENTS = CONTEXT_I386 | 1, CONTEXT_I386 | 2, CONTEXT_I386 | 4
CONTEXT32_ALL = 0x1003F
CONTEXT32_FLOATING_POINT, CONTEXT32_EXTENDED_REGISTERS = CONTEXT_I386 | 8, CONTEXT_I386 | 0x20
_CTX32_FLOAT_SAVE = 0x1C
_CTX32_REGS = struct.Struct("<4I6I5I")  # SegGs, SegFs, SegEs, SegDs at 0x8C; Edi..Eax; Ebp, Eip, SegCs, EFlags, Esp
_CTX32_NAMES = ("gs", "fs", "es", "ds", "rdi", "rsi", "rbx", "rdx", "rcx", "rax", "rbp", "rip", "cs", "eflags",
                "rsp")
_CTX32_SEGSS = 0xC8
_CTX32_EXTENDED = 0xCC  # FXSAVE area: MxCsr at +0x18
EXTENDED_REGISTERS32 = _CTX32_EXTENDED
CONTEXT_EX_SIZE = 0x18


def context_ex(context_size: int) -> bytes:
    """The CONTEXT_EX that follows a CONTEXT of that size in an exception frame: its All, Legacy and XState chunks
    {Offset, Length}, relative to the CONTEXT_EX itself (no XSTATE)."""
    return struct.pack("<iIiIiI", -context_size, context_size + CONTEXT_EX_SIZE, -context_size, context_size,
                       CONTEXT_EX_SIZE, 0)


# The bytes of each group of ContextFlags in a CONTEXT: (flag, [(offset, size)...]), for each width.
CONTEXT64_GROUPS = (
    (CONTEXT64_CONTROL, ((0x38, 2), (0x42, 6), (0x98, 8), (0xF8, 8))),  # SegCs; SegSs, EFlags; Rsp; Rip
    (CONTEXT64_INTEGER, ((0x78, 0x20), (0xA0, 0x58))),  # Rax..Rbx; Rbp..R15
    (CONTEXT64_SEGMENTS, ((0x3A, 8),)),  # SegDs, SegEs, SegFs, SegGs
    (CONTEXT64_FLOATING_POINT, ((0x34, 4), (0x100, 0x200))),  # MxCsr; FltSave with Xmm0-15
)
CONTEXT32_GROUPS = (
    (CONTEXT32_CONTROL, ((0xB4, 0x18),)),  # Ebp, Eip, SegCs, EFlags, Esp, SegSs
    (CONTEXT32_INTEGER, ((0x9C, 0x18),)),  # Edi..Eax
    (CONTEXT32_SEGMENTS, ((0x8C, 0x10),)),  # SegGs, SegFs, SegEs, SegDs
    (CONTEXT32_FLOATING_POINT, ((_CTX32_FLOAT_SAVE, FLOAT_SAVE_SIZE),)),  # FloatSave
    (CONTEXT32_EXTENDED_REGISTERS, ((_CTX32_EXTENDED, 0x200),)),  # ExtendedRegisters
)


def overlay(buffer: bytes, full: bytes, groups: tuple, flags: int) -> bytes:
    """`buffer` (a CONTEXT a caller gave) with the groups its `flags` names taken from `full`: what
    NtGetContextThread writes."""
    out = bytearray(buffer)
    for flag, ranges in groups:
        if flags & flag == flag:
            for offset, size in ranges:
                out[offset: offset + size] = full[offset: offset + size]
    return bytes(out)


@dataclass
class ExceptionRecord:
    """EXCEPTION_RECORD, packed in either width."""

    code: int
    flags: int
    address: int
    params: list[int]
    nested: int = 0  # ExceptionRecord: the record of the exception this one happened in

    def pack64(self) -> bytes:
        params = self.params[:EXCEPTION_MAXIMUM_PARAMETERS]
        return struct.pack(f"<IIQQI4x{len(params)}Q", self.code, self.flags, self.nested, self.address,
                           len(params), *params).ljust(RECORD64_SIZE, b"\0")

    def pack32(self) -> bytes:
        params = [p & 0xFFFFFFFF for p in self.params[:EXCEPTION_MAXIMUM_PARAMETERS]]
        return struct.pack(f"<IIIII{len(params)}I", self.code, self.flags, self.nested & 0xFFFFFFFF,
                           self.address & 0xFFFFFFFF, len(params), *params).ljust(RECORD32_SIZE, b"\0")

    def debug_text(self, read: Callable[[int, int], bytes]) -> str:
        """For DBG_PRINTEXCEPTION_C (OutputDebugStringA), ': "the string"' as `read` finds it; else ''."""
        if self.code != DBG_PRINTEXCEPTION_C or len(self.params) < 2:
            return ""
        try:
            text = read(self.params[1], min(self.params[0], 512)).split(b"\0")[0]
        except Exception:  # noqa: BLE001 - the guest's pointer: what cannot be read is not shown
            return ""
        return ": " + repr(text.decode("latin-1"))

    def report_guest_warning(self, read: Callable[[int, int], bytes]) -> None:
        """For DBG_PRINTEXCEPTION_C whose text starts with GUEST_WARNING or GUEST_INFO: the rest, as the emulator's
        warning or information (once per message, as the command line shows its own); anything else, or what cannot
        be read, is left alone."""
        if self.code != DBG_PRINTEXCEPTION_C or len(self.params) < 2:
            return
        try:
            text = read(self.params[1], min(self.params[0], _GUEST_WARNING_MAX)).split(b"\0")[0]
        except Exception:  # noqa: BLE001 - the guest's pointer: a string that cannot be read is no warning
            return
        if text.startswith(GUEST_WARNING):
            log.warning("%s", text[len(GUEST_WARNING):].decode("latin-1").rstrip("\r\n"))
        elif text.startswith(GUEST_INFO):
            log.info("%s", text[len(GUEST_INFO):].decode("latin-1").rstrip("\r\n"))

    @classmethod
    def unpack64(cls, data: bytes) -> ExceptionRecord:
        """Raises ValueError for more than 15 parameters (STATUS_INVALID_PARAMETER to the caller)."""
        code, flags, nested, address, count = struct.unpack_from("<IIQQI", data)
        if count > EXCEPTION_MAXIMUM_PARAMETERS:
            raise ValueError(count)
        return cls(code, flags, address, list(struct.unpack_from(f"<{count}Q", data, 0x20)), nested)

    @classmethod
    def unpack32(cls, data: bytes) -> ExceptionRecord:
        code, flags, nested, address, count = struct.unpack_from("<5I", data)
        if count > EXCEPTION_MAXIMUM_PARAMETERS:
            raise ValueError(count)
        return cls(code, flags, address, list(struct.unpack_from(f"<{count}I", data, 0x14)), nested)


@dataclass
class Context:
    """A thread's registers as a CONTEXT holds them: general registers, rip, eflags, segments by name; the 16 XMM
    registers as 256 bytes; MXCSR; the x87 state as an image (X87_SIZE bytes, see x87_image)."""

    regs: dict[str, int]
    xmm: bytes = bytes(256)
    mxcsr: int = MXCSR_DEFAULT
    flags: int = CONTEXT64_ALL
    x87: bytes = X87_DEFAULT

    def pack64(self) -> bytes:
        r = self.regs
        out = bytearray(CONTEXT64_SIZE)
        _CTX64_FLAGS.pack_into(out, 0x30, self.flags, self.mxcsr, *(r[s] & 0xFFFF for s in SEGMENTS),
                               r["eflags"] & 0xFFFFFFFF)
        _CTX64_GPRS.pack_into(out, 0x78, *(r[g] for g in GPRS64), r["rip"])
        out[_FLTSAVE64: _FLTSAVE64 + X87_SIZE] = self.x87
        struct.pack_into("<I", out, _FLTSAVE64 + 0x18, self.mxcsr)
        out[_XMM64: _XMM64 + 256] = self.xmm
        return bytes(out)

    @classmethod
    def unpack64(cls, data: bytes) -> Context:
        flags, mxcsr, *rest = _CTX64_FLAGS.unpack_from(data, 0x30)
        regs = dict(zip(SEGMENTS, rest[:6], strict=True))
        regs["eflags"] = rest[6]
        values = _CTX64_GPRS.unpack_from(data, 0x78)
        regs.update(zip(GPRS64, values[:16], strict=True))
        regs["rip"] = values[16]
        return cls(regs, bytes(data[_XMM64: _XMM64 + 256]), mxcsr, flags,
                   bytes(data[_FLTSAVE64: _FLTSAVE64 + X87_SIZE]))

    def pack32(self) -> bytes:
        """The i386 CONTEXT of a thread stopped in 32-bit code: registers truncated, ContextFlags ALL; the x87
        state both in FloatSave and in ExtendedRegisters (the FXSAVE image, with MXCSR and XMM0-7)."""
        r = self.regs
        out = bytearray(CONTEXT32_SIZE)
        struct.pack_into("<I", out, 0, CONTEXT32_ALL)
        out[_CTX32_FLOAT_SAVE: _CTX32_FLOAT_SAVE + FLOAT_SAVE_SIZE] = float_save(self.x87)
        _CTX32_REGS.pack_into(out, 0x8C, *(r[n] & (0xFFFF if len(n) == 2 else 0xFFFFFFFF) for n in _CTX32_NAMES))
        struct.pack_into("<I", out, _CTX32_SEGSS, r["ss"] & 0xFFFF)
        out[_CTX32_EXTENDED: _CTX32_EXTENDED + X87_SIZE] = self.x87
        struct.pack_into("<I", out, _CTX32_EXTENDED + 0x18, self.mxcsr)
        out[_CTX32_EXTENDED + 0xA0: _CTX32_EXTENDED + 0x120] = self.xmm[:128]  # Xmm0-7 in the FXSAVE area
        return bytes(out)

    @classmethod
    def unpack32(cls, data: bytes) -> Context:
        """The registers an i386 CONTEXT gives (all of them: the caller applies ContextFlags); the x87 state of its
        ExtendedRegisters (float_state() reads its FloatSave)."""
        regs = dict(zip(_CTX32_NAMES, _CTX32_REGS.unpack_from(data, 0x8C), strict=True))
        regs["ss"] = struct.unpack_from("<I", data, _CTX32_SEGSS)[0]
        (flags,) = struct.unpack_from("<I", data, 0)
        (mxcsr,) = struct.unpack_from("<I", data, _CTX32_EXTENDED + 0x18)
        xmm = bytes(data[_CTX32_EXTENDED + 0xA0: _CTX32_EXTENDED + 0x120]).ljust(256, b"\0")
        return cls(regs, xmm, mxcsr, flags, bytes(data[_CTX32_EXTENDED: _CTX32_EXTENDED + X87_SIZE]))


def float_state(context32: bytes) -> bytes:
    """The x87 image an i386 CONTEXT's FloatSave gives."""
    return image_of_float_save(bytes(context32[_CTX32_FLOAT_SAVE: _CTX32_FLOAT_SAVE + FLOAT_SAVE_SIZE]))
