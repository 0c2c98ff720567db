"""System calls about exceptions, and the records they carry in both widths: EXCEPTION_RECORD, the x64 CONTEXT and
the i386 one (WOW64_CONTEXT). Offsets as docs/exception-dispatch.md gives them.

A CONTEXT's registers are kept as a dict, name -> value; pack and unpack are the only places that know offsets.
"""

from __future__ import annotations

import logging
import struct
from collections.abc import Callable
from dataclasses import dataclass

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

log = logging.getLogger("wow64emu.guest")

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

# ---- the i386 CONTEXT (WOW64_CONTEXT) ------------------------------------------------------------------------

CONTEXT32_SIZE = 0x2CC
CONTEXT_I386 = 0x10000
CONTEXT32_CONTROL, CONTEXT32_INTEGER, CONTEXT32_SEGMENTS = CONTEXT_I386 | 1, CONTEXT_I386 | 2, CONTEXT_I386 | 4
CONTEXT32_ALL = 0x1003F
_CTX32_REGS = struct.Struct("<4I6I5I")  # SegGs, SegFs, SegEs, SegDs at 0x8C; Edi..Eax; Ebp, Eip, SegCs, EFlags, Esp
_CTX32_NAMES = ("gs", "fs", "es", "ds", "rdi", "rsi", "rbx", "rdx", "rcx", "rax", "rbp", "rip", "cs", "eflags",
                "rsp")
_CTX32_SEGSS = 0xC8
_CTX32_EXTENDED = 0xCC  # FXSAVE area: MxCsr at +0x18
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
    (CONTEXT_I386 | 8, ((0x1C, 0x70),)),  # FloatSave
    (CONTEXT_I386 | 0x20, ((_CTX32_EXTENDED, 0x200),)),  # ExtendedRegisters
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
    registers as 256 bytes; MXCSR."""

    regs: dict[str, int]
    xmm: bytes = bytes(256)
    mxcsr: int = MXCSR_DEFAULT
    flags: int = CONTEXT64_ALL

    def pack64(self) -> bytes:
        r = self.regs
        out = bytearray(CONTEXT64_SIZE)
        _CTX64_FLAGS.pack_into(out, 0x30, self.flags, self.mxcsr, *(r[s] & 0xFFFF for s in SEGMENTS),
                               r["eflags"] & 0xFFFFFFFF)
        _CTX64_GPRS.pack_into(out, 0x78, *(r[g] for g in GPRS64), r["rip"])
        struct.pack_into("<H", out, _FLTSAVE64, FPU_CONTROL_DEFAULT)
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
        return cls(regs, bytes(data[_XMM64: _XMM64 + 256]), mxcsr, flags)

    def pack32(self) -> bytes:
        """The i386 CONTEXT of a thread stopped in 32-bit code: registers truncated, ContextFlags ALL."""
        r = self.regs
        out = bytearray(CONTEXT32_SIZE)
        struct.pack_into("<I", out, 0, CONTEXT32_ALL)
        struct.pack_into("<H", out, 0x1C, FPU_CONTROL_DEFAULT)  # FloatSave.ControlWord
        _CTX32_REGS.pack_into(out, 0x8C, *(r[n] & (0xFFFF if len(n) == 2 else 0xFFFFFFFF) for n in _CTX32_NAMES))
        struct.pack_into("<I", out, _CTX32_SEGSS, r["ss"] & 0xFFFF)
        struct.pack_into("<H", out, _CTX32_EXTENDED, FPU_CONTROL_DEFAULT)
        struct.pack_into("<I", out, _CTX32_EXTENDED + 0x18, self.mxcsr)
        out[_CTX32_EXTENDED + 0xA0: _CTX32_EXTENDED + 0x120] = self.xmm[:128]  # Xmm0-7 in the FXSAVE area
        return bytes(out)

    @classmethod
    def unpack32(cls, data: bytes) -> Context:
        """The registers an i386 CONTEXT gives (all of them: the caller applies ContextFlags)."""
        regs = dict(zip(_CTX32_NAMES, _CTX32_REGS.unpack_from(data, 0x8C), strict=True))
        regs["ss"] = struct.unpack_from("<I", data, _CTX32_SEGSS)[0]
        (flags,) = struct.unpack_from("<I", data, 0)
        (mxcsr,) = struct.unpack_from("<I", data, _CTX32_EXTENDED + 0x18)
        xmm = bytes(data[_CTX32_EXTENDED + 0xA0: _CTX32_EXTENDED + 0x120]).ljust(256, b"\0")
        return cls(regs, xmm, mxcsr, flags)
