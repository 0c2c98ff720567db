"""The registers of a thread that is not running (NtGetContextThread / NtSetContextThread on another thread).

Such a thread's registers are the CPU context the scheduler saved when it left the CPU (scheduler.py), or, for a
thread that has not run yet, its ThreadStart. Reading and writing them uses the process's CpuContext as for the
running thread: the CPU briefly takes the other thread's saved context, then gets the running thread's back, so
that one reading of a CONTEXT serves both. A thread that has not run yet shows (and takes) the registers it will
start with: RIP at ntdll's RtlUserThreadStart, RCX the routine, RDX its argument, RSP its stack (for a 32-bit thread
of a WoW64 process: wow64cpu's RunSimulatedCode, its 32-bit registers in its CPU area). The i386 CONTEXT of a
thread of a WoW64 process is wow64's to make from these (thunks/exceptions.py).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..emu.cpu.backend import CS64, DS32
from ..nt.exceptions import GPRS64, Context
from .threadobject import ThreadStart

if TYPE_CHECKING:
    from .exceptions import CpuContext
    from .threadobject import Thread

_START_EFLAGS = 0x200  # interrupts enabled: what the kernel's first return to user mode gives


def other_context(thread: Thread, io: CpuContext) -> Context:
    """The registers `thread` (not the running one) goes on with; `io` is its process's CpuContext."""
    start = thread.start
    if start is not None:
        regs = dict.fromkeys(GPRS64, 0)
        regs.update(rip=start.rip, rsp=start.rsp, rcx=start.rcx, rdx=start.rdx, eflags=_START_EFLAGS, cs=CS64,
                    ss=DS32, ds=DS32, es=DS32, fs=DS32, gs=DS32)
        return Context(regs)
    cpu = thread.process.cpu
    running = cpu.save_context()
    try:
        cpu.restore_context(thread.context)
        ctx = io.capture()
    finally:
        cpu.restore_context(running)
    ctx.regs["rip"] = thread.pc
    return ctx


def set_other_context(thread: Thread, ctx: Context, io: CpuContext) -> None:
    """`thread` (not the running one) goes on with the registers of `ctx`."""
    r = ctx.regs
    if thread.start is not None:
        thread.start = ThreadStart(r["rip"], r["rsp"], r["rcx"], r["rdx"])
        return
    cpu = thread.process.cpu
    running = cpu.save_context()
    try:
        cpu.restore_context(thread.context)
        thread.pc = io.resume(ctx)
        thread.context = cpu.save_context()
    finally:
        cpu.restore_context(running)
