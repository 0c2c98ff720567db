"""What wow64.dll does for exceptions: it takes an exception raised in 32-bit code from the 64-bit dispatcher to the
32-bit one, and serves the NtContinue and NtRaiseException of 32-bit callers.

- Wow64PrepareForException (a code hook in wow64.dll, called first by the 64-bit KiUserExceptionDispatcher): when
  the CONTEXT has SegCs 0x23 the exception came from 32-bit code. The EXCEPTION_RECORD becomes an
  EXCEPTION_RECORD32 (the kernel's STATUS_WX86_BREAKPOINT and _SINGLE_STEP back to the usual codes), the CONTEXT an
  i386 CONTEXT, both written on the 32-bit stack as Windows lays them out ([esp] = record, [esp+4] = context,
  record at +8, context at +0x58, CONTEXT_EX at +0x324); the CPU area gets the 32-bit context at the 32-bit
  ntdll!KiUserExceptionDispatcher, and wow64cpu's RunSimulatedCode resumes it, on the 64-bit stack the thread ran
  32-bit code with (R14 of the CONTEXT, where wow64cpu keeps it).
- NtContinue from 32-bit code: the i386 CONTEXT (the groups its ContextFlags names) goes into the CPU area, and
  wow64cpu resumes from the whole context (the CPU area's reset flag; its fxrstor loads the x87 state, MXCSR and
  XMM0-7 from the ExtendedRegisters); the kernel is not called, as Windows' wow64 does not call it. The floating-point
  registers the CONTEXT does not name are those the thread has: the CPU area keeps only the integer ones between
  system calls, and the 64-bit code between the 32-bit caller and the thunk leaves them alone.
- NtRaiseException from 32-bit code: a first chance is dispatched as Windows' wow64 does it, straight to the 32-bit
  dispatcher with a new frame; a second chance goes to the kernel with the record and context widened, which ends
  the process.
- NtGetContextThread / NtSetContextThread of a 32-bit caller: the i386 CONTEXT of the caller is its CPU area. Of
  another thread of the process, as wow64cpu's CpuGetContext / CpuSetContext find it: a thread stopped in 32-bit
  code (preempted; SegCs 0x23 in its x64 CONTEXT) has its 32-bit registers in its CPU's, which the kernel reads and
  sets (narrowed and widened here, R8-R15 kept: they are wow64cpu's); one stopped in 64-bit code (in a system call,
  or not started) has them in its CPU area, read and written here, with the reset flag once it has run, so that it
  goes on from the whole context when its call returns.
"""

from __future__ import annotations

import struct
from dataclasses import replace
from typing import TYPE_CHECKING

from ..errors import CommitLimitReached, GuestFault
from ..kernel.stack import make_room
from ..nt.exceptions import (
    CONTEXT32_CONTROL,
    CONTEXT32_EXTENDED_REGISTERS,
    CONTEXT32_FLOATING_POINT,
    CONTEXT32_GROUPS,
    CONTEXT32_INTEGER,
    CONTEXT32_SIZE,
    CONTEXT64_ALL,
    CONTEXT64_SIZE,
    CONTEXT_AMD64,
    CONTEXT_EX_SIZE,
    RECORD32_SIZE,
    RECORD64_SIZE,
    Context,
    ExceptionRecord,
    context_ex,
    float_state,
    overlay,
)
from ..nt.status import NTSTATUS
from .context import OtherThread, ThunkContext

if TYPE_CHECKING:
    from ..emu.memory import AddressSpace
    from ..emu.trace import Tracer
    from ..kernel.process import Process
    from ..kernel.threadobject import Thread

FRAME32_SIZE = 8 + RECORD32_SIZE + CONTEXT32_SIZE + CONTEXT_EX_SIZE
CPU_FLAGS = 0  # the CPU area: Flags (USHORT), Machine (USHORT), then the WOW64_CONTEXT at +4
CPU_CONTEXT = 4
CPU_RESET_STATE = 1  # WOW64_CPURESERVED_FLAG_RESET_STATE: wow64cpu resumes from the whole context
TLS_CPURESERVED = 0x1480 + 8 * 1  # TEB64 TLS slot 1 (WOW64_TLS_CPURESERVED): the thread's CPU area
_EFLAGS_USER = 0x2C0DD7
_EFLAGS_ALWAYS = 0x202
_MXCSR_VALID = 0xFFBF  # as the kernel keeps it (kernel/exceptions.py)
_CONTROL32 = ("rbp", "rip", "eflags", "rsp")
_INTEGER32 = ("rdi", "rsi", "rbx", "rdx", "rcx", "rax")
_USUAL_CODE = {NTSTATUS.WX86_BREAKPOINT: NTSTATUS.BREAKPOINT, NTSTATUS.WX86_SINGLE_STEP: NTSTATUS.SINGLE_STEP}


def write_frame32(thread: Thread, record: ExceptionRecord, ctx: Context, esp: int) -> int:
    """The 32-bit exception frame below `esp`, on the thread's 32-bit stack (grown through its guard page if the
    frame reaches it); returns the ESP the 32-bit KiUserExceptionDispatcher starts with."""
    at = ((esp & 0xFFFFFFFF) - FRAME32_SIZE) & ~3
    memory = thread.process.memory
    make_room(thread, at, esp & 0xFFFFFFFF)
    memory.write(at, struct.pack("<II", at + 8, at + 8 + RECORD32_SIZE) + record.pack32() + ctx.pack32()
                 + context_ex(CONTEXT32_SIZE))
    return at


def enter_dispatcher32(memory: AddressSpace, cpu_area: int, ctx: Context, dispatcher: int, esp: int) -> None:
    """Make the CPU area's context start the 32-bit dispatcher on `esp`, with the other registers of `ctx`."""
    regs = dict(ctx.regs)
    regs.update(rip=dispatcher, rsp=esp, eflags=_EFLAGS_ALWAYS, cs=0x23, ss=0x2B)
    load_cpu_area(memory, cpu_area, replace(ctx, regs=regs))


def load_cpu_area(memory: AddressSpace, cpu_area: int, ctx: Context, *, reset: bool = True) -> None:
    """The CPU area's WOW64_CONTEXT becomes `ctx`, which wow64cpu resumes whole (the reset flag; a thread that has
    not started starts from the whole context anyway, and must not find the flag at its first system call)."""
    ctx.regs["eflags"] = (ctx.regs["eflags"] & _EFLAGS_USER) | _EFLAGS_ALWAYS
    ctx.mxcsr &= _MXCSR_VALID  # fxrstor faults on a reserved bit
    if reset:
        (flags,) = struct.unpack("<H", memory.read(cpu_area + CPU_FLAGS, 2))
        memory.write(cpu_area + CPU_FLAGS, struct.pack("<H", flags | CPU_RESET_STATE))
    memory.write(cpu_area + CPU_CONTEXT, ctx.pack32())


def merge32(current: Context, data: bytes) -> Context:
    """The registers of an i386 CONTEXT (its bytes) that its ContextFlags names, over the current ones (segments
    stay). ExtendedRegisters give the x87 state, MXCSR and XMM0-7; FloatSave, when named too, the x87 state over
    them, as Windows applies the two."""
    given = Context.unpack32(data)
    regs = dict(current.regs)
    if given.flags & CONTEXT32_CONTROL == CONTEXT32_CONTROL:
        regs.update((n, given.regs[n]) for n in _CONTROL32)
    if given.flags & CONTEXT32_INTEGER == CONTEXT32_INTEGER:
        regs.update((n, given.regs[n]) for n in _INTEGER32)
    out = replace(current, regs=regs)
    if given.flags & CONTEXT32_EXTENDED_REGISTERS == CONTEXT32_EXTENDED_REGISTERS:
        out = replace(out, x87=given.x87, mxcsr=given.mxcsr, xmm=given.xmm[:128] + current.xmm[128:])
    if given.flags & CONTEXT32_FLOATING_POINT == CONTEXT32_FLOATING_POINT:
        out = replace(out, x87=float_state(data))
    return out


def _cpu_context(ctx: ThunkContext, given_flags: int = 0) -> Context:
    """The 32-bit context: the integer registers of the CPU area, the floating-point ones the CPU has (unless a
    CONTEXT with these flags replaces them all: its ExtendedRegisters hold the x87 state, MXCSR and XMM0-7)."""
    area = Context.unpack32(ctx.memory.read(ctx.cpu_area + CPU_CONTEXT, CONTEXT32_SIZE))
    if ctx.live_registers is None or given_flags & CONTEXT32_EXTENDED_REGISTERS == CONTEXT32_EXTENDED_REGISTERS:
        return area
    live = ctx.live_registers()
    return replace(area, x87=live.x87, mxcsr=live.mxcsr, xmm=live.xmm)


def _trace(ctx: ThunkContext, text: str, **fields: object) -> None:
    if ctx.exception_tracer is not None:
        ctx.exception_tracer.emit("wow64", "exception", text, **fields)


def nt_continue(ctx: ThunkContext) -> None:
    address = ctx.arg32("ContextRecord")
    data = ctx.memory.read(address, CONTEXT32_SIZE)
    given = Context.unpack32(data)
    resumed = merge32(_cpu_context(ctx, given.flags), data)
    load_cpu_area(ctx.memory, ctx.cpu_area, resumed)
    r = resumed.regs
    _trace(ctx, f"NtContinue: i386 CONTEXT @0x{address:08x} (ContextFlags 0x{given.flags:x}) -> CPU area: Eip "
           f"0x{r['rip']:08x}, Esp 0x{r['rsp']:08x}, Eax 0x{r['rax']:08x}; wow64cpu resumes the whole context",
           context32=address, eip=r["rip"], esp=r["rsp"])
    ctx.fail(NTSTATUS.SUCCESS)


def nt_raise_exception(ctx: ThunkContext) -> None:
    memory = ctx.memory
    try:
        record = ExceptionRecord.unpack32(memory.read(ctx.arg32("ExceptionRecord"), RECORD32_SIZE))
    except ValueError:
        ctx.fail(NTSTATUS.INVALID_PARAMETER)
        return
    data = memory.read(ctx.arg32("ContextRecord"), CONTEXT32_SIZE)
    resumed = merge32(_cpu_context(ctx, int.from_bytes(data[:4], "little")), data)
    if ctx.arg32("FirstChance") & 0xFF:
        record.report_guest_warning(memory.read)
        esp = write_frame32(ctx.thread, record, resumed, resumed.regs["rsp"])
        enter_dispatcher32(memory, ctx.cpu_area, resumed, ctx.process.exception_dispatcher32, esp)
        _trace(ctx, f"NtRaiseException: 0x{record.code:08X} ({NTSTATUS.name_of(record.code)}) at "
               f"0x{record.address:08x}{record.debug_text(memory.read)}, first chance: EXCEPTION_RECORD32 and i386 "
               f"CONTEXT at 0x{esp + 8:08x} on the 32-bit stack -> ntdll32!KiUserExceptionDispatcher",
               code=record.code, esp=esp)
        ctx.fail(NTSTATUS.SUCCESS)
        return
    wide = dict(resumed.regs, cs=0x23, ss=0x2B, **{f"r{i}": 0 for i in range(8, 16)})
    ctx.set_arg64("ExceptionRecord", ctx.alloc(record.pack64()))
    ctx.set_arg64("ContextRecord", ctx.alloc(replace(resumed, regs=wide, flags=CONTEXT64_ALL).pack64()))


def _kernel_checks_the_handle_only(ctx: ThunkContext) -> None:
    """The 64-bit call gets a CONTEXT that asks for no register (CONTEXT_AMD64 alone): the kernel checks the thread
    handle, and the 32-bit registers come from, or go to, the CPU area."""
    empty = bytearray(CONTEXT64_SIZE)
    struct.pack_into("<I", empty, 0x30, CONTEXT_AMD64)
    ctx.set_arg64("ThreadContext", ctx.alloc(bytes(empty)))


def _context32_of(ctx: ThunkContext, other: OtherThread | None, given_flags: int = 0) -> Context:
    """The 32-bit context of the caller (`other` None) or of another thread of the process, as wow64cpu's
    CpuGetContext finds it: the registers of its CPU, narrowed, when it stopped in 32-bit code; else those of its
    CPU area (TEB64 TLS slot 1), with the floating-point ones its CPU holds once it has run."""
    if other is None:
        return _cpu_context(ctx, given_flags)
    if other.in_32bit_code:
        return other.registers
    area = Context.unpack32(ctx.memory.read(_cpu_area_of(ctx, other) + CPU_CONTEXT, CONTEXT32_SIZE))
    if not other.started or given_flags & CONTEXT32_EXTENDED_REGISTERS == CONTEXT32_EXTENDED_REGISTERS:
        return area
    cpu = other.registers
    return replace(area, x87=cpu.x87, mxcsr=cpu.mxcsr, xmm=cpu.xmm)


def _cpu_area_of(ctx: ThunkContext, other: OtherThread | None) -> int:
    return ctx.cpu_area if other is None else ctx.memory.read_u64(other.teb64 + TLS_CPURESERVED)


def nt_get_context_thread(ctx: ThunkContext) -> None:
    address = ctx.arg32("ThreadContext")
    ctx.memory.probe(address, CONTEXT32_SIZE, write=True)
    buffer = ctx.memory.read(address, CONTEXT32_SIZE)
    flags = int.from_bytes(buffer[:4], "little")
    other = ctx.other_thread(ctx.arg64("ThreadHandle"))
    _kernel_checks_the_handle_only(ctx)

    def narrow(c: ThunkContext, status: int) -> int:
        if status == NTSTATUS.SUCCESS:
            c.write32(address, overlay(buffer, _context32_of(c, other).pack32(), CONTEXT32_GROUPS, flags),
                      "ThreadContext")
        return status
    ctx.after(narrow)


def nt_set_context_thread(ctx: ThunkContext) -> None:
    address = ctx.arg32("ThreadContext")
    data = ctx.memory.read(address, CONTEXT32_SIZE)
    given = Context.unpack32(data)
    other = ctx.other_thread(ctx.arg64("ThreadHandle"))
    if other is not None and other.in_32bit_code:
        # Stopped in 32-bit code: the kernel sets its CPU's registers, the i386 ones over those it has (R8-R15 are
        # wow64cpu's: they stay).
        wide = replace(merge32(other.registers, data), flags=CONTEXT64_ALL)
        ctx.set_arg64("ThreadContext", ctx.alloc(wide.pack64()))
        _trace(ctx, f"NtSetContextThread: i386 CONTEXT @0x{address:08x} (ContextFlags 0x{given.flags:x}) of a thread "
               f"in 32-bit code -> its x64 CONTEXT: Rip 0x{wide.regs['rip']:x}, SegCs 0x23", context32=address)
        return
    _kernel_checks_the_handle_only(ctx)

    def load(c: ThunkContext, status: int) -> int:
        if status == NTSTATUS.SUCCESS:
            resumed = merge32(_context32_of(c, other, given.flags), data)
            load_cpu_area(c.memory, _cpu_area_of(c, other), resumed, reset=other is None or other.started)
            _trace(c, f"NtSetContextThread: i386 CONTEXT @0x{address:08x} (ContextFlags 0x{given.flags:x}) -> CPU "
                   f"area: Eip 0x{resumed.regs['rip']:08x}, Esp 0x{resumed.regs['rsp']:08x}; wow64cpu resumes the "
                   "whole context", context32=address)
        return status
    ctx.after(load)


SPECIALS = {"NtContinue": nt_continue, "NtRaiseException": nt_raise_exception,
            "NtGetContextThread": nt_get_context_thread, "NtSetContextThread": nt_set_context_thread}


class Wow64PrepareForException:
    """The code hook at wow64!Wow64ExceptionHook (see the module docstring)."""

    def __init__(self, process: Process, *, run_simulated: int, dispatcher32: int,
                 tracer: Tracer | None = None) -> None:
        self.process = process
        self.memory = process.memory
        self.run_simulated = run_simulated
        self.dispatcher32 = dispatcher32
        self.tracer = tracer
        cpu = process.cpu
        self._args = cpu.registers(["rcx", "rdx"])
        self._out = cpu.registers(["rax", "rsp"])

    def on_prepare(self) -> None:
        """The hook's call (attach.py hooks the address)."""
        record_at, context_at = self._args.read()
        memory = self.memory
        try:
            ctx = Context.unpack64(memory.read(context_at, CONTEXT64_SIZE))
            if ctx.regs["cs"] & 0xFFF8 != 0x20:
                return  # raised in 64-bit code: the 64-bit dispatch goes on
            record = ExceptionRecord.unpack64(memory.read(record_at, RECORD64_SIZE))
            record.code = _USUAL_CODE.get(record.code, record.code)
            thread = self.process.running
            esp = write_frame32(thread, record, ctx, ctx.regs["rsp"])
            enter_dispatcher32(memory, thread.cpu_area, ctx, self.dispatcher32, esp)
        except (GuestFault, CommitLimitReached, ValueError):
            return  # no 32-bit frame can be built: the 64-bit dispatch finds no handler, and the process ends
        self._out.write((self.run_simulated, ctx.regs["r14"]))
        if self.tracer is not None:
            r = ctx.regs
            self.tracer.emit(
                "wow64", "exception",
                f"Wow64PrepareForException: raised in 32-bit code (SegCs 0x{r['cs']:x}): CONTEXT {{Rip 0x{r['rip']:x}, "
                f"Rsp 0x{r['rsp']:x}, Rax 0x{r['rax']:x}}} @0x{context_at:x} -> i386 CONTEXT {{Eip "
                f"0x{r['rip'] & 0xFFFFFFFF:08x}, Esp 0x{r['rsp'] & 0xFFFFFFFF:08x}, Eax 0x{r['rax'] & 0xFFFFFFFF:08x}, "
                f"ContextFlags 0x1003f}} @0x{esp + 8 + RECORD32_SIZE:08x}; EXCEPTION_RECORD {{0x{record.code:08X}, "
                f"address 0x{record.address & 0xFFFFFFFF:08x}, {len(record.params)} parameters}} -> EXCEPTION_RECORD32 "
                f"@0x{esp + 8:08x}; continue at ntdll32!KiUserExceptionDispatcher (0x{self.dispatcher32:08x}) with "
                f"esp 0x{esp:08x}", code=record.code, address=record.address, context64=context_at,
                context32=esp + 8 + RECORD32_SIZE, record32=esp + 8, esp=esp)
