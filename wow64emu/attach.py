"""What connects a process, once made, to the kernel and to WoW64: its SyscallEntry (the kernel's SYSCALL
handler on the process's CPU), and for a WoW64 process wow64.dll's thunk dispatcher and its exception hook; and
the observers of a trace when one is asked for. Every process of a run is attached so, the first one and each
child its parent creates (machine.py)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from .kernel.entry import SyscallEntry
from .kernel.threadlife import NATIVE_START_RSP, WOW64_START_RSP
from .kernel.threadobject import ThreadStart
from .loader.process import CreatedProcess
from .nt.syscalls import syscalls
from .thunks.dispatch import Wow64Dispatcher

if TYPE_CHECKING:
    from .emu.trace import Tracer


@dataclass(frozen=True)
class Attached:
    """What attach() installed on a process's CPU: the kernel's entry, and WoW64 if it is one."""

    entry: SyscallEntry
    dispatcher: Wow64Dispatcher | None


def attach(c: CreatedProcess, tracer: Tracer | None, exception_tracer: Tracer | None) -> Attached:
    """Install the kernel's entry and WoW64 on the process's CPU; `tracer` traces every call's layers,
    `exception_tracer` the exceptions."""
    c.process.tracer = exception_tracer
    entry = SyscallEntry(c.process, tracer)
    dispatcher = _install_wow64(c, tracer, entry) if c.process.wow64 else None
    if tracer is not None:
        from .observe import install_observers

        observers = install_observers(c, tracer)
        entry.stub_observer = observers.on_syscall64
        if dispatcher is not None:
            dispatcher.gate_observer = observers.on_gate_enter
            observers.fast_call = dispatcher.trace_fast_call
    if exception_tracer is not None:
        from .observe import install_exception_observers

        install_exception_observers(c, exception_tracer)
    return Attached(entry, dispatcher)


def _install_wow64(c: CreatedProcess, tracer: Tracer | None, entry: SyscallEntry) -> Wow64Dispatcher:
    wow64 = c.modules64["wow64.dll"]
    ntdll64 = c.modules64["ntdll.dll"]
    stubs64 = {s.name: ntdll64.exports[s.name] for s in syscalls() if s.name in ntdll64.exports}
    dispatcher32 = c.modules32["ntdll.dll"].exports["KiUserExceptionDispatcher"]
    _hook_exceptions(c, wow64.exports["Wow64ExceptionHook"], dispatcher32)
    return Wow64Dispatcher(c.process, stubs64=stubs64, dispatch_addr=wow64.exports["Wow64ThunkDispatch"],
                           complete_addr=wow64.exports["Wow64ThunkComplete"],
                           not_found_addr=wow64.exports["Wow64ServiceNotFound"],
                           served_addr=wow64.exports["Wow64ThunkServed"],
                           fast_table=wow64.exports["Wow64FastTable"], convert_table=wow64.exports["Wow64ConvertTable"],
                           convert_data=wow64.exports["Wow64ConvertData"], exception_dispatcher32=dispatcher32,
                           tracer=tracer, entry=entry)


def _hook_exceptions(c: CreatedProcess, hook: int, dispatcher32: int) -> None:
    """wow64!Wow64ExceptionHook's code hook, Wow64PrepareForException: its module imported at the first exception
    that reaches it (most runs take none)."""
    process = c.process
    run_simulated = c.modules64["wow64cpu.dll"].exports["RunSimulatedCode"]
    prepare: list[Callable[[], None]] = []

    def on_prepare() -> None:
        if not prepare:
            from .thunks.exceptions import Wow64PrepareForException

            prepare.append(Wow64PrepareForException(process, run_simulated=run_simulated, dispatcher32=dispatcher32,
                                                    tracer=process.tracer).on_prepare)
        prepare[0]()

    process.cpu.hook_code(hook, on_prepare)


def first_thread_start(c: CreatedProcess) -> ThreadStart:
    """Where a process's first thread enters user mode: wow64cpu's RunSimulatedCode for WoW64 (the 32-bit context
    is in its CPU area already), else the 64-bit ntdll's RtlUserThreadStart(entry point, PEB)."""
    process = c.process
    if process.wow64:
        return ThreadStart(process.run_simulated, c.stack64[1] - WOW64_START_RSP)
    assert c.image is not None
    return ThreadStart(process.thread_start64, c.stack64[1] - NATIVE_START_RSP, c.image.entry, c.peb64)
