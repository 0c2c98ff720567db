"""Exceptions, the kernel's part: KiDispatchException, NtContinue and NtRaiseException.

A fault reaches the kernel as an event of the process's CPU (emu/cpu/backend.py). The kernel turns it into an
EXCEPTION_RECORD and an x64 CONTEXT (codes, addresses and parameters as Windows gives them, see
docs/exception-dispatch.md), writes both on the thread's user stack in the frame Windows builds, and continues the
thread at the 64-bit ntdll!KiUserExceptionDispatcher: guest code from there on. A fault in 32-bit code is a 64-bit
exception like any other (its CONTEXT has SegCs 0x23, the frame goes on the 32-bit stack); the 64-bit dispatcher
hands it to wow64, which gives it to the 32-bit ntdll (thunks/exceptions.py). A guard page touched loses its guard:
on the thread's stack the stack grows (stack.py) with no exception, elsewhere the access is
STATUS_GUARD_PAGE_VIOLATION.

The thread's new registers are never written from inside a CPU hook: they become the thread's `resume` context, and
the scheduler applies it (the mode included) before the CPU runs again. `__fastfail` (`int 0x29`) and second chances
end the process with the code; so does an exception whose frame cannot be written on the user stack.
"""

from __future__ import annotations

import struct
from dataclasses import replace
from typing import TYPE_CHECKING

from ..emu.cpu.backend import CS32, CS64, Access, Fault, FaultKind
from ..errors import CommitLimitReached, GuestFault
from ..nt.exceptions import (
    CONTEXT64_CONTROL,
    CONTEXT64_FLOATING_POINT,
    CONTEXT64_GROUPS,
    CONTEXT64_INTEGER,
    CONTEXT64_SIZE,
    CONTEXT_EX_SIZE,
    EXCEPTION_NONCONTINUABLE,
    GPRS64,
    RECORD64_SIZE,
    Context,
    context_ex,
    overlay,
    x87_image,
    x87_registers,
)
from ..nt.exceptions import ExceptionRecord as Record
from ..nt.status import NTSTATUS
from .decode import MAX_INSTRUCTION, divisor_is_zero, is_port_string_input, is_privileged
from .errors import NtError
from .othercontext import other_context, set_other_context
from .stack import grow, make_room

if TYPE_CHECKING:
    from ..emu.cpu.backend import CpuBackend
    from .process import Process
    from .system import System
    from .threadobject import Thread

ANY_PAGE = 0xFFFFFFFFFFFFFFFF  # ExceptionInformation[1] of a #GP that is not a page fault
FRAME_SIZE = 0x5B8  # CONTEXT, CONTEXT_EX, EXCEPTION_RECORD, MACHINE_FRAME (the 8 bytes of padding above it are
# the interrupted code's own when its RSP - 0x28 is 16-byte aligned: never written)
_CONTEXT_EX = 0x4D0
_RECORD = 0x4F0
_MACHINE_FRAME = 0x590
_EFLAGS_USER = 0x2C0DD7  # what a CONTEXT may set: arithmetic flags, TF, DF, OF, AC, ID
_EFLAGS_ALWAYS = 0x202  # IF and the reserved bit
_DISPATCH_EFLAGS = 0x202  # the dispatcher starts with TF and DF clear
_FASTFAIL, _ASSERTION, _DEBUG_SERVICE = 0x29, 0x2C, 0x2D
_CONTEXT_REGS = (*GPRS64, "rip", "eflags", "cs", "ds", "es", "fs", "gs", "ss", "mxcsr", "fpcw", "fpsw", "fptag")
_RESUME_REGS = (*GPRS64, "rip", "eflags", "mxcsr", "fpcw", "fpsw", "fptag")


class CpuContext:
    """Reads a thread's whole register state as a Context, and makes a Context the registers the thread resumes
    with: one batch of integer registers, one of XMM registers and one of x87 registers each way."""

    def __init__(self, cpu: CpuBackend, wow64: bool) -> None:
        self.cpu = cpu
        self.wow64 = wow64
        self._read = cpu.registers(_CONTEXT_REGS)
        self._write = cpu.registers(_RESUME_REGS)
        self._vectors = cpu.vectors()
        self._x87 = cpu.x87()

    def capture(self) -> Context:
        values = self._read.read()
        regs = dict(zip(_CONTEXT_REGS, values, strict=True))
        x87 = x87_image(regs.pop("fpcw") & 0xFFFF, regs.pop("fpsw") & 0xFFFF, regs.pop("fptag") & 0xFFFF,
                        self._x87.read())
        return Context(regs, self._vectors.read(), regs.pop("mxcsr"), x87=x87)

    def resume(self, ctx: Context) -> int:
        """Load the registers of `ctx` (its mode from SegCs); returns where the CPU goes on."""
        r = ctx.regs
        cs = CS32 if self.wow64 and r["cs"] & 0xFFF8 == CS32 & 0xFFF8 else CS64
        rip = r["rip"] & (0xFFFFFFFF if cs == CS32 else 0xFFFFFFFFFFFFFFFF)
        eflags = (r["eflags"] & _EFLAGS_USER) | _EFLAGS_ALWAYS
        control, status, tag, registers = x87_registers(ctx.x87)
        self._write.write([*(r[g] for g in GPRS64), rip, eflags, ctx.mxcsr & 0xFFBF, control, status, tag])
        self._vectors.write(ctx.xmm)
        self._x87.write(registers)
        return self.cpu.resume_at(rip, cs)


def context_io(process: Process) -> CpuContext:
    if process.context_io is None:
        process.context_io = CpuContext(process.cpu, process.wow64)
    return process.context_io


def merge(current: Context, given: Context) -> Context:
    """The registers a thread gets from a CONTEXT: the groups its ContextFlags names, the rest as they are."""
    regs = dict(current.regs)
    flags = given.flags
    if flags & CONTEXT64_CONTROL == CONTEXT64_CONTROL:
        for name in ("rip", "rsp", "eflags", "cs", "ss"):
            regs[name] = given.regs[name]
    if flags & CONTEXT64_INTEGER == CONTEXT64_INTEGER:
        for name in GPRS64:
            if name != "rsp":
                regs[name] = given.regs[name]
    if flags & CONTEXT64_FLOATING_POINT == CONTEXT64_FLOATING_POINT:
        return Context(regs, given.xmm, given.mxcsr, x87=given.x87)
    return replace(current, regs=regs)


# ---- faults ---------------------------------------------------------------------------------------------------

def _code(process: Process, pc: int) -> bytes | None:
    """The bytes of the instruction at pc (the CPU has just run it: they are there, or the page went since)."""
    try:
        return process.memory.peek(pc, MAX_INSTRUCTION)
    except GuestFault:
        return None


def _privileged(process: Process, fault: Fault) -> bool:
    """Whether the instruction at pc is one user mode may not run (a #GP there is STATUS_PRIVILEGED_INSTRUCTION)."""
    code = _code(process, fault.pc)
    return code is not None and is_privileged(code, process.cpu.bitness_of(fault.cs))


def _port_string_input(process: Process, fault: Fault) -> bool:
    """Whether a page fault is that of an `ins` (decode.py)."""
    code = _code(process, fault.pc)
    return code is not None and is_port_string_input(code, process.cpu.bitness_of(fault.cs))


def _divide_code(process: Process, fault: Fault) -> int:
    """A #DE: a divide by zero, or an integer overflow when the divisor is not zero (decode.py)."""
    code = _code(process, fault.pc)
    if code is None:
        return NTSTATUS.INTEGER_DIVIDE_BY_ZERO
    regs = context_io(process).capture().regs
    bases = {"fs": process.cpu.register("fs_base"), "gs": process.cpu.register("gs_base")}
    zero = divisor_is_zero(code, fault.pc, process.cpu.bitness_of(fault.cs), regs, bases, process.memory.read)
    return NTSTATUS.INTEGER_DIVIDE_BY_ZERO if zero else NTSTATUS.INTEGER_OVERFLOW


def record_of(process: Process, fault: Fault) -> tuple[Record, int]:
    """The EXCEPTION_RECORD of a fault, and the Rip its CONTEXT gets."""
    kind, pc = fault.kind, fault.pc
    if kind is FaultKind.PAGE:
        if fault.access is Access.WRITE and _port_string_input(process, fault):
            return Record(NTSTATUS.PRIVILEGED_INSTRUCTION, 0, pc, []), pc
        return Record(NTSTATUS.ACCESS_VIOLATION, 0, pc, [fault.access.value, fault.address]), pc
    if kind is FaultKind.DIVIDE:
        return Record(_divide_code(process, fault), 0, pc, []), pc
    if kind is FaultKind.OVERFLOW:
        return Record(NTSTATUS.INTEGER_OVERFLOW, 0, pc, []), fault.resume
    if kind is FaultKind.BREAKPOINT:  # the kernel moves Rip back onto the int3: a handler skips it itself
        return Record(NTSTATUS.BREAKPOINT, 0, pc, [0]), pc
    if kind is FaultKind.SINGLE_STEP:
        return Record(NTSTATUS.SINGLE_STEP, 0, fault.resume, []), fault.resume
    if kind is FaultKind.INVALID_OPCODE:
        return Record(NTSTATUS.ILLEGAL_INSTRUCTION, 0, pc, []), pc
    if kind is FaultKind.GENERAL_PROTECTION and _privileged(process, fault):
        return Record(NTSTATUS.PRIVILEGED_INSTRUCTION, 0, pc, []), pc
    if kind is FaultKind.INTERRUPT and fault.vector == _ASSERTION:
        return Record(NTSTATUS.ASSERTION_FAILURE, 0, pc, []), pc
    if kind is FaultKind.INTERRUPT and fault.vector == _DEBUG_SERVICE:
        eax = process.cpu.register("rax") & 0xFFFFFFFF
        return Record(NTSTATUS.BREAKPOINT, 0, fault.resume, [eax]), fault.resume
    # Any other #GP, #NP or #SS, and `int n` through a gate user mode may not use.
    return Record(NTSTATUS.ACCESS_VIOLATION, 0, pc, [0, ANY_PAGE]), pc


class ExceptionDispatch:
    """KiDispatchException for the threads of one System."""

    def __init__(self, system: System) -> None:
        self.system = system

    def on_fault(self, thread: Thread, fault: Fault) -> None:
        """A fault the memory manager did not resolve: dispatch it to the thread's user mode, or end the process."""
        process = thread.process
        tracer = process.tracer
        if fault.kind is FaultKind.INTERRUPT and fault.vector == _FASTFAIL:
            code = process.cpu.register("rcx") & (0xFFFFFFFF if process.cpu.bitness_of(fault.cs) == 32 else
                                                   0xFFFFFFFFFFFFFFFF)
            record = Record(NTSTATUS.STACK_BUFFER_OVERRUN, EXCEPTION_NONCONTINUABLE, fault.pc, [code])
            if tracer is not None:
                tracer.begin_call()
                tracer.emit("cpu", "fault", f"int 0x29 (__fastfail, code {code}) at 0x{fault.pc:x}: no handler sees "
                            "it", kind="fastfail", pc=fault.pc, code=code)
            self.end_process(thread, record)
            return
        record, rip = record_of(process, fault)
        if fault.kind is FaultKind.PAGE and process.memory.take_guard(fault.address):
            status = grow(thread, fault.address & ~0xFFF)
            if status is None:
                thread.resume = context_io(process).capture()  # the stack grew: the instruction runs again
                thread.resume.regs["rip"] = fault.pc
                return
            record.code = status  # a guard page, or the end of the stack: the parameters of an access violation
        ctx = context_io(process).capture()
        ctx.regs["rip"] = rip
        from32 = process.cpu.bitness_of(fault.cs) == 32
        if from32 and record.code in _WX86:
            record.code = _WX86[record.code]
        if tracer is not None:
            tracer.begin_call()
            tracer.emit("cpu", "fault", f"{fault.kind.value} at 0x{fault.pc:x} in {32 if from32 else 64}-bit code"
                        + (f" ({fault.access.name.lower()} of 0x{fault.address:x})" if fault.address is not None
                           else ""), kind=fault.kind.name.lower(), pc=fault.pc, cs=fault.cs,
                        address=fault.address)
        self.dispatch(thread, record, ctx, first_chance=True)

    def dispatch(self, thread: Thread, record: Record, ctx: Context, *, first_chance: bool) -> None:
        """Write the exception frame on the user stack and make the thread resume at KiUserExceptionDispatcher;
        for a second chance, or when the frame cannot be written, end the process."""
        process = thread.process
        tracer = process.tracer
        if not first_chance:
            if tracer is not None:
                tracer.emit("kernel", "dispatch", f"second chance: 0x{record.code:08X} "
                            f"({NTSTATUS.name_of(record.code)}) at 0x{record.address:x}, no debugger: the process "
                            "ends with the code", chance=2, code=record.code, address=record.address)
            self.end_process(thread, record)
            return
        rsp = ctx.regs["rsp"]
        if ctx.regs["cs"] & 0xFFF8 == CS32 & 0xFFF8:
            rsp = (rsp & 0xFFFFFFFF) & ~0xF
        machine_frame = (rsp - 0x28) & ~0xF
        base = machine_frame - _MACHINE_FRAME
        frame = bytearray(FRAME_SIZE)
        frame[:CONTEXT64_SIZE] = ctx.pack64()
        frame[_CONTEXT_EX: _CONTEXT_EX + CONTEXT_EX_SIZE] = context_ex(CONTEXT64_SIZE)
        frame[_RECORD: _RECORD + RECORD64_SIZE] = record.pack64()
        r = ctx.regs
        frame[_MACHINE_FRAME: _MACHINE_FRAME + 40] = _machine_frame(r["rip"], r["cs"], r["eflags"], r["rsp"], r["ss"])
        try:
            make_room(thread, base, base + len(frame))  # a guard page on the way grows the stack
            process.memory.write(base, bytes(frame))
        except (GuestFault, CommitLimitReached):
            if tracer is not None:
                tracer.emit("kernel", "dispatch", f"0x{record.code:08X} at 0x{record.address:x}: the user stack "
                            f"cannot hold the exception frame at 0x{base:x}: the process ends with the code",
                            chance=1, code=record.code, address=record.address, frame=base)
            self.end_process(thread, record)
            return
        entry = dict(r)
        entry.update(rsp=base, rip=process.user_exception_dispatcher, cs=CS64, eflags=_DISPATCH_EFLAGS)
        thread.resume = replace(ctx, regs=entry)
        if tracer is not None:
            params = ", ".join(f"0x{p:x}" for p in record.params)
            tracer.emit("kernel", "dispatch", f"first chance: EXCEPTION_RECORD {{code 0x{record.code:08X} "
                        f"({NTSTATUS.name_of(record.code)}), address 0x{record.address:x}, {len(record.params)} "
                        f"parameters [{params}]}} and CONTEXT (Rip 0x{r['rip']:x}, Rsp 0x{r['rsp']:x}, SegCs "
                        f"0x{r['cs']:x}) at 0x{base:x} on the user stack -> ntdll!KiUserExceptionDispatcher "
                        f"(64-bit)", chance=1, code=record.code, address=record.address, params=record.params,
                        frame=base, rip=r["rip"], rsp=r["rsp"], cs=r["cs"])

    def end_process(self, thread: Thread, record: Record) -> None:
        """The process ends with the exception's code; the record is what the emulator reports as unhandled."""
        process = thread.process
        if process.unhandled is None:
            process.unhandled = record
        process.terminate(record.code)

    # ---- services -------------------------------------------------------------------------------------------

    @staticmethod
    def _given_context(process: Process, address: int) -> tuple[Context, Context]:
        """The CONTEXT a service was given, and the registers it makes (over the caller's; with no CONTEXT_CONTROL
        the thread goes on after its `syscall`)."""
        given = Context.unpack64(process.memory.read(address, CONTEXT64_SIZE))
        current = context_io(process).capture()
        current.regs["rip"] += 2
        current.regs["rax"] = NTSTATUS.SUCCESS  # what the call returns when the CONTEXT sets no integer registers
        return given, merge(current, given)

    def NtContinue(self, thread: Thread, ContextRecord: int, TestAlert: int) -> int:
        """The thread goes on with the registers of the CONTEXT (the groups its ContextFlags names)."""
        process = thread.process
        given, ctx = self._given_context(process, ContextRecord)
        thread.resume = ctx
        if process.tracer is not None:
            r = ctx.regs
            process.tracer.emit("kernel", "continue", f"NtContinue: CONTEXT @0x{ContextRecord:x} (ContextFlags "
                                f"0x{given.flags:x}) -> Rip 0x{r['rip']:x}, Rsp 0x{r['rsp']:x}, SegCs "
                                f"0x{r['cs']:x}", context=ContextRecord, rip=r["rip"], rsp=r["rsp"], cs=r["cs"])
        return NTSTATUS.SUCCESS

    def NtRaiseException(self, thread: Thread, ExceptionRecord: int, ContextRecord: int, FirstChance: int) -> int:
        """A software exception: dispatched from the given CONTEXT as a fault would be (first chance), or the end
        of the process (second chance, no debugger)."""
        process = thread.process
        try:
            record = Record.unpack64(process.memory.read(ExceptionRecord, RECORD64_SIZE))
        except ValueError:
            raise NtError(NTSTATUS.INVALID_PARAMETER) from None
        _, ctx = self._given_context(process, ContextRecord)
        if process.tracer is not None:
            chance = "first" if FirstChance else "second"
            process.tracer.emit("kernel", "raise", f"NtRaiseException: 0x{record.code:08X} "
                                f"({NTSTATUS.name_of(record.code)}) at 0x{record.address:x}, {chance} chance"
                                f"{record.debug_text(process.memory.read)}", code=record.code,
                                address=record.address, first_chance=bool(FirstChance))
        if FirstChance & 0xFF:
            record.report_guest_warning(process.memory.read)
        self.dispatch(thread, record, ctx, first_chance=bool(FirstChance & 0xFF))
        return NTSTATUS.SUCCESS

    def NtGetContextThread(self, thread: Thread, ThreadHandle: int, ThreadContext: int) -> int:
        """The groups of registers the CONTEXT's ContextFlags asks for, as the thread will return to user mode: the
        caller's after its `syscall`; another thread's where it stopped (othercontext.py)."""
        target = self._target(thread, ThreadHandle)
        memory = thread.process.memory
        buffer = memory.read(ThreadContext, CONTEXT64_SIZE)
        flags = int.from_bytes(buffer[0x30:0x34], "little")
        if target is thread:
            ctx = context_io(target.process).capture()
            ctx.regs["rip"] += 2
        else:
            ctx = other_context(target, context_io(target.process))
        memory.write(ThreadContext, overlay(buffer, ctx.pack64(), CONTEXT64_GROUPS, flags))
        return NTSTATUS.SUCCESS

    def NtSetContextThread(self, thread: Thread, ThreadHandle: int, ThreadContext: int) -> int:
        """The thread goes on with the groups of registers the CONTEXT's ContextFlags names, as after NtContinue."""
        target = self._target(thread, ThreadHandle)
        if target is thread:
            _, thread.resume = self._given_context(thread.process, ThreadContext)
        else:
            given = Context.unpack64(thread.process.memory.read(ThreadContext, CONTEXT64_SIZE))
            io = context_io(target.process)
            set_other_context(target, merge(other_context(target, io), given), io)
        return NTSTATUS.SUCCESS

    @staticmethod
    def _target(thread: Thread, handle: int) -> Thread:
        from .process import reference  # not at the top: process.py reaches this module through the scheduler
        from .threadobject import Thread as ThreadObject

        target = reference(thread, handle, ThreadObject)
        if target is not thread and target.exit_status is not None:
            raise NtError(NTSTATUS.UNSUCCESSFUL)  # an ended thread has no registers left
        if target.process is not thread.process and target.process.wow64:
            # A thread of another WoW64 process: its 32-bit registers (its CPU area) are that process's memory,
            # which wow64 does not read yet.
            raise NtError(NTSTATUS.NOT_IMPLEMENTED)
        return target


# The codes the kernel gives a breakpoint or a single step in 32-bit code; wow64 gives the 32-bit side the usual ones.
_WX86 = {NTSTATUS.BREAKPOINT: NTSTATUS.WX86_BREAKPOINT, NTSTATUS.SINGLE_STEP: NTSTATUS.WX86_SINGLE_STEP}


def _machine_frame(rip: int, cs: int, eflags: int, rsp: int, ss: int) -> bytes:
    return struct.pack("<5Q", rip, cs & 0xFFFF, eflags & 0xFFFFFFFF, rsp, ss & 0xFFFF)


SERVICES = (ExceptionDispatch.NtContinue, ExceptionDispatch.NtRaiseException, ExceptionDispatch.NtGetContextThread,
            ExceptionDispatch.NtSetContextThread)

