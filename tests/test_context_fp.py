"""The floating-point state of a CONTEXT in both widths: the x87 registers as the CPU holds them (by physical number,
the full tag word) become the FXSAVE image of the x64 FltSave and the i386 ExtendedRegisters (ST0-ST7 in stack order,
the abridged tag) and the i386 FloatSave (FNSAVE's form), and back."""

import struct

from wow64emu.nt.exceptions import (
    CONTEXT32_SIZE,
    CONTEXT64_SIZE,
    X87_DEFAULT,
    Context,
    float_save,
    float_state,
    image_of_float_save,
    x87_image,
    x87_registers,
)

ONE = struct.pack("<QH", 1 << 63, 0x3FFF)
PI = struct.pack("<QH", 0xC90FDAA22168C235, 0x4000)
ZERO = bytes(10)
EMPTY = bytes(10)


def pushed_three() -> bytes:
    """fninit; fld1; fldpi; fldz: TOP 5, R5 = 0.0 (tag zero), R6 = pi, R7 = 1.0 (valid), R0-R4 empty."""
    physical = b"".join(value.ljust(16, b"\0") for value in [EMPTY] * 5 + [ZERO, PI, ONE])
    return x87_image(0x37F, 5 << 11, 0b00_00_01_11_11_11_11_11, physical)


def test_the_fxsave_image_holds_st_registers_in_stack_order_and_the_abridged_tag() -> None:
    image = pushed_three()
    control, status, abridged = struct.unpack_from("<HHB", image)
    assert (control, status, abridged) == (0x37F, 0x2800, 0b1110_0000)
    assert [image[0x20 + 16 * i: 0x2A + 16 * i] for i in range(3)] == [ZERO, PI, ONE]
    registers = b"".join(value.ljust(16, b"\0") for value in [EMPTY] * 5 + [ZERO, PI, ONE])
    assert x87_registers(image) == (0x37F, 0x2800, 0b00_00_01_11_11_11_11_11, registers)


def test_float_save_is_fnsave_form_and_comes_back() -> None:
    image = pushed_three()
    fnsave = float_save(image)
    control, status, tag = struct.unpack_from("<3I", fnsave)
    assert (control, status, tag) == (0xFFFF037F, 0xFFFF2800, 0xFFFF07FF)
    assert fnsave[0x1C: 0x1C + 30] == ZERO + PI + ONE
    assert image_of_float_save(fnsave) == image


def test_the_contexts_carry_the_state_in_both_widths() -> None:
    regs = {name: 0 for name in ("rax", "rcx", "rdx", "rbx", "rsp", "rbp", "rsi", "rdi", "r8", "r9", "r10", "r11",
                                 "r12", "r13", "r14", "r15", "rip", "eflags", "cs", "ds", "es", "fs", "gs", "ss")}
    ctx = Context(regs, bytes(range(256)), 0x1F80, x87=pushed_three())
    wide = ctx.pack64()
    assert len(wide) == CONTEXT64_SIZE and wide[0x100: 0x100 + 0xA0][:0x18] == ctx.x87[:0x18]
    assert Context.unpack64(wide).x87[0x20:] == ctx.x87[0x20:]
    narrow = ctx.pack32()
    assert len(narrow) == CONTEXT32_SIZE
    assert narrow[0x1C: 0x1C + 0x70] == float_save(ctx.x87)  # FloatSave
    assert struct.unpack_from("<I", narrow, 0xCC + 0x18)[0] == 0x1F80  # ExtendedRegisters' MxCsr
    assert narrow[0xCC + 0xA0: 0xCC + 0x120] == bytes(range(128))  # Xmm0-7
    assert Context.unpack32(narrow).x87[:0x18] == ctx.x87[:0x18] and float_state(narrow) == ctx.x87


def test_a_new_thread_has_windows_default_x87_state() -> None:
    assert x87_registers(X87_DEFAULT)[:3] == (0x27F, 0, 0xFFFF)


def test_a_32bit_continue_loads_the_floating_point_groups_its_flags_name() -> None:
    """CONTEXT_EXTENDED_REGISTERS gives the x87 state, MXCSR and XMM0-7; CONTEXT_FLOATING_POINT the x87 state from
    FloatSave, over the ExtendedRegisters' when both are named; neither keeps the thread's."""
    from wow64emu.nt.exceptions import CONTEXT32_EXTENDED_REGISTERS, CONTEXT32_FLOATING_POINT, CONTEXT_I386
    from wow64emu.thunks.exceptions import merge32

    regs = {name: 0 for name in ("rax", "rcx", "rdx", "rbx", "rsp", "rbp", "rsi", "rdi", "rip", "eflags", "cs", "ds",
                                 "es", "fs", "gs", "ss")}
    current = Context(dict(regs), bytes(256), 0x1F80, x87=X87_DEFAULT)
    given = bytearray(Context(dict(regs), b"\x11" * 256, 0x1F00, x87=pushed_three()).pack32())
    float_save_st0 = 0x1C + 0x1C
    given[float_save_st0: float_save_st0 + 10] = PI  # FloatSave's ST0 differs from the ExtendedRegisters' one

    def merged(flags: int) -> Context:
        given[0:4] = flags.to_bytes(4, "little")
        return merge32(current, bytes(given))

    extended = merged(CONTEXT_I386 | 1 | CONTEXT32_EXTENDED_REGISTERS)
    assert (extended.x87[:0x18], extended.x87[0x20:]) == (pushed_three()[:0x18], pushed_three()[0x20:])
    assert (extended.mxcsr, extended.xmm[:128]) == (0x1F00, b"\x11" * 128)
    both = merged(CONTEXT_I386 | 1 | CONTEXT32_EXTENDED_REGISTERS | CONTEXT32_FLOATING_POINT)
    assert both.x87[0x20:0x2A] == PI and both.mxcsr == 0x1F00
    floating = merged(CONTEXT_I386 | 1 | CONTEXT32_FLOATING_POINT)
    assert floating.x87[0x20:0x2A] == PI and (floating.mxcsr, floating.xmm) == (0x1F80, bytes(256))
    neither = merged(CONTEXT_I386 | 3)
    assert (neither.x87, neither.mxcsr, neither.xmm) == (X87_DEFAULT, 0x1F80, bytes(256))
