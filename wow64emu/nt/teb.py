"""The TEB in both widths (Windows 10 22H2): the offsets the kernel writes when it makes a thread, and the WoW64
slots of TEB64's TLS array."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class TebLayout:
    """Offsets of the TEB's fields in one width."""

    exception_list: int
    stack_base: int
    stack_limit: int
    self: int
    client_id: int
    peb: int
    last_error: int
    wow_teb_offset: int
    ptr: str  # struct code of a pointer


TEB32 = TebLayout(0x00, 0x04, 0x08, 0x18, 0x20, 0x30, 0x34, 0xFDC, "I")
TEB64 = TebLayout(0x00, 0x08, 0x10, 0x30, 0x40, 0x60, 0x68, 0x180C, "Q")
TEB64_TLS_SLOTS = 0x1480
TEB64_DEALLOCATION_STACK = 0x1478  # the base of the stack's reservation
TEB32_DEALLOCATION_STACK = 0xE0C
WOW64_TLS_STACKPTR64 = 0
WOW64_TLS_CPURESERVED = 1
WOW64_TLS_TEMPLIST = 3
