"""The Python half of wow64.dll: Wow64SystemServiceEx.

wow64cpu's 64-bit gate code calls wow64!Wow64SystemServiceEx(ecx = the stub's EAX, rdx = the 32-bit arguments).
Two code hooks do the work, one on each side of the real `call rax` in wow64.dll:
  - Wow64ThunkDispatch: decode EAX, read the 32-bit arguments in one read, widen them by their declared kinds,
    rebuild structures whose layout differs in the per-call arena (written in one block), load rcx, rdx, r8, r9
    and the stack, and put the address of the 64-bit ntdll stub in rax. The stub's `syscall` reaches the kernel.
  - Wow64ThunkComplete: read the arena back in one block, narrow every output the kernel wrote into the 32-bit
    structure it came from, and reset the arena.
That is the path of a traced run's calls, whose trace shows every layer, and of the calls that need the thread's
registers where the stub's `syscall` leaves them (REGISTER_CALLS). Untraced, the dispatch hook serves any other
call itself (_serve): widen, the kernel's service through its entry (SyscallEntry.serve, which counts it as a
system call), narrow, and wow64.dll's `call rax` runs Wow64ThunkServed, which returns the status: one entry into
Python per call instead of three. A service that leaves the thread to the scheduler (a wait,
its end, a yield, a call to redo) is the exception: the CPU is then left as the 64-bit stub's `syscall` would have
left it (the stub's return address pushed, the arguments in R10, RDX, R8, R9 and the stack, RIP after the
`syscall`), so that when the thread runs again it returns through the stub to the completion hook, or redoes the
`syscall`. Most calls do not come here at all: fast_table() lists the calls whose arguments only zero- or
sign-extend, which wow64.dll's own 64-bit code widens (guest/wow64/wow64.S), traced or not (a trace shows their
decoding and widening from the kernel's entry: trace_fast_call); and, untraced, convtable.py describes the calls
with structures and no other hand-written part than the file system redirector's, which wow64.dll's code converts
(guest/wow64/convert.c; it hands back a name it cannot judge: a relative one, one of other characters than ASCII).
What comes here untraced: the calls with a hand-written part, and those wow64.dll's code hands back; traced, every
call with a structure too, so that the trace shows each structure rebuilt.
"""

from __future__ import annotations

import os
import struct
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from .. import usercache
from ..emu.cpu.backend import CS64, Access, Fault, FaultKind
from ..emu.eventkind import EventKind, hex32, hex64
from ..errors import CommitLimitReached, GuestFault
from ..kernel.entry import SyscallEntry
from ..kernel.handles import CURRENT_PROCESS
from ..kernel.othercontext import other_context
from ..kernel.process import Process
from ..kernel.threadobject import Thread
from ..nt.kinds import Action
from ..nt.layouts import Layout
from ..nt.status import NTSTATUS
from . import convtable
from .context import OtherThread, ThunkContext, Wow64Process
from .convert import Converter, Output, narrow
from .table import Thunk, thunks

if TYPE_CHECKING:
    from ..emu.trace import Tracer
    from ..kernel.exceptions import CpuContext

SERVICE_NUMBER_MASK = 0xFFF
# wow64.dll's code (guest/wow64/wow64.S): Wow64ThunkDispatch is a nop then `call rax` (FF D0), so its call returns
# 3 bytes in; Wow64ThunkComplete is a nop, and the code after it (Wow64ThunkDone's place) returns to wow64cpu.
RETURN_OFFSET = 3
DONE_OFFSET = 1
# Calls whose service reads or replaces the calling thread's registers: they need the CPU where the 64-bit stub's
# `syscall` leaves it, so wow64 never serves them from its dispatch hook.
REGISTER_CALLS = frozenset({"NtContinue", "NtRaiseException", "NtGetContextThread", "NtSetContextThread"})
STUB_SYSCALL = 8  # the `syscall` of a 64-bit stub: mov r10, rcx (3 bytes); mov eax, n (5); syscall (nt/stubgen.py)
SERVICE_TABLE_SHIFT = 12
TURBO_SHIFT = 16
ARENA_SIZE = 0x10000
FAST_ENTRIES = 0x1000  # Wow64FastTable in wow64.dll: service table 0, numbers 0x000-0xFFF
TLS_TEMPLIST = 0x1480 + 8 * 3  # TEB64 TLS slot 3 (WOW64_TLS_TEMPLIST): the thread's arena
_ARG_REGS = ("rcx", "rdx", "r8", "r9")
# The trace's events of every call (their JSONL lines have no text: it renders these fields).
DECODE = EventKind("wow64", "decode", "eax number table turbo name", strings="name")
WIDEN = EventKind("wow64", "widen", "args32 args64", lists="args32 args64")
COMPLETE = EventKind("wow64", "complete", "status")


def decode_service(eax: int) -> tuple[int, int, int]:
    """(number, service table, turbo thunk) from the EAX a 32-bit ntdll stub loads."""
    return eax & SERVICE_NUMBER_MASK, (eax >> SERVICE_TABLE_SHIFT) & 3, (eax >> TURBO_SHIFT) & 0x1F


def _context_io(process: Process) -> CpuContext:
    """The process's reader and writer of whole contexts (kernel/exceptions.py, imported when wow64 first needs one:
    a hello world never does)."""
    from ..kernel.exceptions import context_io

    return context_io(process)


class ArenaFull(Exception):
    pass


class Arena:
    """Scratch memory below 4 GB for the 64-bit copies of one call's structures, built in Python, written once."""

    def __init__(self, base: int, size: int = ARENA_SIZE) -> None:
        self.base = base
        self.size = size
        self.buf = bytearray()

    def alloc(self, data: bytes) -> int:
        pad = (-len(self.buf)) % 16
        if len(self.buf) + pad + len(data) > self.size:
            raise ArenaFull
        self.buf += bytes(pad)
        addr = self.base + len(self.buf)
        self.buf += data
        return addr

    def slice(self, addr: int, size: int, image: bytes) -> bytes:
        off = addr - self.base
        return image[off: off + size]

    def reset(self) -> None:
        self.buf = bytearray()


@dataclass
class PendingCall:
    """A call under way in wow64, until its completion: its thunk (None for one not found), the structures to
    narrow back, the status of a thunk that failed, the context of its hand-written part."""

    call: Thunk | None
    outputs: list[Output] = field(default_factory=list)
    status: int | None = None  # set when the thunk itself fails: the 64-bit call is skipped
    context: ThunkContext | None = None  # for calls with a hand-written part


class Route:
    """What the dispatch hook needs of one call, gathered at its first call: the thunk and its conversions, the
    64-bit stub, the kernel's service, and whether wow64 may serve the call from the hook (_serve)."""

    __slots__ = ("thunk", "stub64", "unpack", "arg_bytes", "converter", "kernel_call", "service", "masks", "served")

    def __init__(self, thunk: Thunk, stub64: int, kernel: tuple) -> None:
        self.thunk = thunk
        self.stub64 = stub64
        self.unpack = thunk.unpack_args32
        self.arg_bytes = thunk.arg_bytes
        self.converter = Converter(thunk.plan)
        self.kernel_call, self.service = kernel
        self.masks = self.kernel_call.masks
        self.served = thunk.name not in REGISTER_CALLS


MAX_CALLS_UNDER_WAY = 64  # system calls in flight on one thread at once (a callback makes a call inside a call)


@dataclass
class Wow64Thread:
    """What wow64.dll keeps for one thread: its per-call arena, and its calls under way (the innermost last)."""

    arena: Arena
    pending: list[PendingCall] = field(default_factory=list)


_TABLES_FORMAT = 1  # of the cached tables' data


def wow64_tables(calls: dict[int, tuple[Thunk, int]], convert_data: int,
                 address_mask32: int) -> tuple[bytes, bytes, bytes]:
    """wow64.dll's Wow64FastTable, Wow64ConvertTable and Wow64ConvertData for `calls` (number -> thunk, its 64-bit
    stub), the data at `convert_data`: from the user's cache when they were made for the same stubs, addresses and
    mask and the same sources of the declarations and the thunk rules (the modules of nt/ and thunks/); making them
    looks at every declared call (about 1 ms of a start)."""
    def find() -> tuple[bytes, bytes, bytes]:
        convertible = ((number, call, stub64) for number, (call, stub64) in calls.items()
                       if number < FAST_ENTRIES and convtable.convertible(call))
        return (fast_table(calls), *convtable.build(convertible, FAST_ENTRIES, convert_data, address_mask32))

    def undump(data: object) -> tuple[bytes, bytes, bytes]:
        if not (isinstance(data, list) and len(data) == 3 and all(isinstance(part, bytes) for part in data)
                and (len(data[0]), len(data[1])) == (FAST_ENTRIES * 16, FAST_ENTRIES * 8)):
            raise ValueError("not the tables")
        return data[0], data[1], data[2]

    sources = _sources_key()
    key = None if sources is None else [
        _TABLES_FORMAT, *sources, {number: stub64 for number, (_, stub64) in calls.items()}, convert_data,
        address_mask32]
    return usercache.cached("wow64-tables", key, find, list, undump)


def _sources_key() -> list | None:
    """What the tables depend on besides the stubs: the sources of the thunk rules and of the declarations."""
    key: list = []
    for folder in (Path(__file__).parent, Path(__file__).parent.parent / "nt"):
        part = usercache.sources_key(folder, sorted(n[:-3] for n in os.listdir(folder) if n.endswith(".py")))
        if part is None:
            return None
        key += part
    return key


def fast_table(calls: dict[int, tuple[Thunk, int]]) -> bytes:
    """wow64.dll's Wow64FastTable: for each call whose arguments only zero- or sign-extend and that has no
    hand-written part, its 64-bit stub, argument count and signed-argument mask; the guest widens those."""
    table = bytearray(FAST_ENTRIES * 16)
    for number, (call, stub64) in calls.items():
        if number < FAST_ENTRIES and call.extend is not None and call.special is None:
            signed = sum(1 << i for i, (_, a) in enumerate(call.plan) if a is Action.SIGN_EXTEND)
            struct.pack_into("<QII", table, number * 16, stub64, len(call.params), signed)
    return bytes(table)


class Wow64Dispatcher:
    def __init__(self, process: Process, *, stubs64: dict[str, int], dispatch_addr: int, complete_addr: int,
                 not_found_addr: int, served_addr: int, fast_table: int, convert_table: int, convert_data: int,
                 exception_dispatcher32: int = 0,
                 tracer: Tracer | None = None, entry: SyscallEntry | None = None) -> None:
        """`entry`: the kernel's entry of the process; given (and no trace asked for), a call wow64 widens by hand is
        served from its dispatch hook, without the 64-bit stub's `syscall` (_serve), and wow64.dll's code goes on
        through `served_addr` (Wow64ThunkServed), which returns the status the hook left in rcx."""
        self.process = process
        self.entry = entry if tracer is None else None
        self.kernel_services = process.system.services.services
        self.return_addr = dispatch_addr + RETURN_OFFSET
        self.done_addr = complete_addr + DONE_OFFSET
        cpu = process.cpu
        self.wow64 = wow64 = Wow64Process(process.peb32, process.peb64, process.highest_address32,
                                             exception_dispatcher32)
        address_mask32 = 0xFFFFFFFF if wow64.highest_address > 0x7FFFFFFF else 0x7FFFFFFF
        self.memory = memory = process.memory
        self.not_found = not_found_addr
        self.served_addr = served_addr
        self.address_mask32 = address_mask32
        self.tracer = tracer
        self.gate_observer: Callable[[], None] | None = None  # the trace's, told when the dispatch is entered
        self._widen_heads: dict[str, list[str]] = {}  # the trace's widen text of each call, but the values
        self.thunks: dict[int, tuple[Thunk, int]] = {
            number: (call, stubs64[call.name]) for number, call in thunks().items() if call.name in stubs64}
        self.routes: dict[int, Route] = {}
        self.conversion_trace = None if tracer is None else _TracedConversions(tracer)
        fast, table, data = wow64_tables(self.thunks, convert_data, address_mask32)
        memory.poke(fast_table, fast)
        if tracer is None:  # a traced call with structures takes wow64's Python path, where each one is seen
            memory.poke(convert_table, table)
            memory.poke(convert_data, data)
        self._live_registers = lambda: _context_io(process).capture()
        self._entry_regs = cpu.registers(["rcx", "rdx", "rsp"])
        self._call_regs = [cpu.registers(["rax", "rbx", *_ARG_REGS[:n]]) for n in range(5)]
        self._fail_regs = cpu.registers(["rax", "rbx"])
        self._rax = cpu.registers(["rax"])
        self._served_regs = cpu.registers(["rax", "rbx", "rcx"])
        self._syscalled_regs = cpu.registers(["rax", "rbx", "rcx", "r10", "rdx", "r8", "r9", "rsp"])
        cpu.hook_code(dispatch_addr, self._on_dispatch)
        cpu.hook_code(complete_addr, self._on_complete)

    # ---- Wow64ThunkDispatch ---------------------------------------------------------------------------

    def _state(self) -> Wow64Thread:
        """The running thread's own state, made when the thread first calls: its arena is the one its creator
        put in TEB64 TLS slot 3 (WOW64_TLS_TEMPLIST)."""
        thread = self.process.running
        state = thread.wow64
        if state is None:
            state = thread.wow64 = Wow64Thread(Arena(self.memory.read_u64(thread.teb64 + TLS_TEMPLIST)))
        return state

    def _on_dispatch(self) -> None:
        try:
            self._dispatch()
        except GuestFault as fault:
            self._own_memory_fault(fault)

    def _on_complete(self) -> None:
        try:
            self._complete()
        except GuestFault as fault:
            self._own_memory_fault(fault)

    def _own_memory_fault(self, fault: GuestFault) -> None:
        """wow64.dll's own memory is gone (the guest freed its arena or its TEB64): the access violation its code
        would take there, which ends the thread unhandled, as on Windows. Bad 32-bit pointers never come here:
        they are the call's STATUS_ACCESS_VIOLATION."""
        rip = self.process.cpu.register("rip")
        self.process.cpu.raise_fault(Fault(FaultKind.PAGE, rip, rip, CS64, fault.address,
                                           Access.WRITE if fault.write else Access.READ, vector=14))

    def _route(self, number: int) -> Route | None:
        route = self.routes.get(number)
        if route is None and number in self.thunks:
            call, stub64 = self.thunks[number]
            route = self.routes[number] = Route(call, stub64, self.kernel_services[number])
        return route

    def _dispatch(self) -> None:
        ecx, args_ptr, rsp = self._entry_regs.read()
        args_ptr &= 0xFFFFFFFF
        eax = ecx & 0xFFFFFFFF
        number = eax & 0x3FFF
        route = self.routes.get(number) or self._route(number)
        state = self._state()
        arena = state.arena
        if len(state.pending) >= MAX_CALLS_UNDER_WAY:
            # Calls that never complete (the guest jumped into wow64.dll's dispatch again and again): on Windows
            # the 64-bit stack runs out; here the thread dies as it would, before its records pile up on the host.
            raise GuestFault(rsp - 0x1000, True)
        if self.tracer:
            if self.gate_observer is not None:
                self.gate_observer()
            self._trace_decode(eax, route.thunk if route else None)
        if route is None:
            self._finish_in_guest(state, PendingCall(None), self.not_found)
            return
        call = route.thunk
        outputs: list[Output] = []
        ctx = None
        try:
            if ((args_ptr - 8) & 0xFFF) + 8 + route.arg_bytes > 0x1000:
                # The arguments leave the page of [esp] = args_ptr - 8, which the stub's `call edx` has just
                # written (so it is there and writable): probe them.
                self.memory.probe(args_ptr, route.arg_bytes)
            args32 = route.unpack(self.memory.peek(args_ptr, route.arg_bytes))
            args64 = route.converter.widen(args32, self.memory, arena, self.address_mask32, outputs,
                                           self.conversion_trace)
            if call.special is not None:
                ctx = self._special(call, args32, args64, arena)
                if ctx.status is not None:
                    self._fail(state, call, ctx.status)
                    return
        except GuestFault:
            self._fail(state, call, NTSTATUS.ACCESS_VIOLATION)
            return
        except CommitLimitReached:  # a page of a mapped file read in for the arguments, with no memory left for it
            self._fail(state, call, NTSTATUS.COMMITMENT_LIMIT)
            return
        except ArenaFull:
            self._fail(state, call, NTSTATUS.NO_MEMORY)
            return
        if arena.buf:
            self.memory.poke(arena.base, arena.buf)
        if self.entry is not None and route.served:
            self._serve(state, route, outputs, ctx, args64, rsp)
            return
        complete = bool(outputs or ctx)
        if complete:
            state.pending.append(PendingCall(call, outputs, None, ctx))
        else:  # nothing to narrow: the guest skips Wow64ThunkComplete, and the arena is free already
            arena.reset()
        self._call_regs[min(len(args64), 4)].write((route.stub64, complete, *args64[:4]))
        if len(args64) > 4:
            self.memory.poke(rsp + 0x20, struct.pack(f"<{len(args64) - 4}Q", *args64[4:]))
        if self.tracer:
            self.tracer.emit_kind(WIDEN, lambda: self._widen_text(call, args32, args64), args32, tuple(args64))

    def _special(self, call: Thunk, args32: tuple[int, ...], args64: list[int], arena: Arena) -> ThunkContext:
        """Run the call's hand-written part (context.py) after the declared widening."""
        thread = self.process.running
        ctx = ThunkContext(call, args32, args64, self.memory, arena, self.wow64, tracer=self.tracer,
                           cpu_area=thread.cpu_area, exception_tracer=self.process.tracer, teb64=thread.teb64,
                           object_name=self._object_name, key_query=self._key_query, wow64_peb=self._wow64_peb,
                           registry_reflection=self.process.system.registry.reflection,
                           live_registers=self._live_registers, thread=thread, other_thread=self._other_thread)
        assert call.special is not None
        call.special(ctx)
        return ctx

    def _fail(self, state: Wow64Thread, call: Thunk, status: int) -> None:
        """wow64 fails the call itself: the 64-bit service is skipped, the caller gets `status`."""
        state.arena.reset()
        self._finish_in_guest(state, PendingCall(call, status=status), self.not_found)

    def _serve(self, state: Wow64Thread, route: Route, outputs: list[Output], ctx: ThunkContext | None,
               args64: list[int], rsp: int) -> None:
        """The call served from the dispatch hook: the kernel's service, then the narrowing, in the one entry into
        Python; wow64.dll's `call rax` then runs Wow64ThunkServed, which returns the status, instead of the 64-bit
        stub, and the completion hook is skipped. When the service leaves the thread to the scheduler (it waits,
        ends, yields, is to redo its call), the CPU is left as the stub's `syscall` would have left it, so that the
        thread goes on through the stub and the completion hook (or redoes the `syscall`) when it runs again."""
        thread = self.process.running
        status = self.entry.serve(route.kernel_call, route.service, thread, list(map(int.__and__, args64, route.masks)))
        narrows = bool(outputs or ctx)
        stub64 = route.stub64
        if self.entry.stop_for(thread, stub64 + STUB_SYSCALL, route.kernel_call.number):
            if narrows:
                state.pending.append(PendingCall(route.thunk, outputs, None, ctx))
            else:
                state.arena.reset()
            padded = (*args64, 0, 0, 0, 0)
            self._syscalled_regs.write((status, int(narrows), padded[0], padded[0], *padded[1:4], rsp - 8))
            self.memory.poke(rsp - 8, struct.pack("<Q", self.return_addr))  # what the dispatch code's call pushed
            if len(args64) > 4:
                self.memory.poke(rsp + 0x20, struct.pack(f"<{len(args64) - 4}Q", *args64[4:]))
            cpu = self.process.cpu
            cpu.jump(stub64 + STUB_SYSCALL + 2)
            cpu.stop()
            return
        final = self._narrow_all(outputs, ctx, status, state.arena) if narrows else status & 0xFFFFFFFF
        state.arena.reset()
        self._served_regs.write((self.served_addr, 0, final))

    def _object_name(self, handle: int) -> str:
        """The name of the object behind a handle, as wow64.dll learns it from NtQueryObject (ObjectNameInformation):
        a file's is on the volume's device (\\Device\\HarddiskVolume3\\Windows); empty for a bad handle."""
        obj = self.process.handles.lookup(handle)
        return obj.query_name() if obj is not None else ""

    def _wow64_peb(self, handle: int) -> int:
        """The PEB32 of the process behind a handle, as wow64.dll learns it from NtQueryInformationProcess
        (ProcessWow64Information): 0 for a native process, or a handle that names no process."""
        obj = self.process if handle == CURRENT_PROCESS else self.process.handles.lookup(handle)
        return obj.peb32 if isinstance(obj, Process) and obj.wow64 else 0
    def _other_thread(self, handle: int) -> OtherThread | None:
        """Another live thread of this process that a handle names, with its TEB64 and the registers the kernel would
        give (what wow64cpu asks NtQueryInformationThread and NtGetContextThread); None for any other handle, which
        the kernel answers for."""
        obj = self.process.handles.lookup(handle)
        if not isinstance(obj, Thread) or obj is self.process.running or obj.process is not self.process or \
                obj.exit_status is not None:
            return None
        return OtherThread(obj.teb64, other_context(obj, _context_io(self.process)), obj.start is None)

    def _finish_in_guest(self, state: Wow64Thread, pending: PendingCall, target: int) -> None:
        """Skip the 64-bit service: call `target` instead and let the completion hook set the status."""
        state.pending.append(pending)
        self._fail_regs.write((target, 1))

    def _key_query(self, handle: int) -> tuple[str, int] | None:
        """A key handle's full name and view bits, as wow64.dll asks NtQueryKey for them (regthunk.py)."""
        from ..kernel.registry_keys import KeyObject  # a registry call's: imported with the registry

        obj = self.process.handles.lookup(handle)
        return (obj.path, obj.view) if isinstance(obj, KeyObject) else None

    # ---- Wow64ThunkComplete ---------------------------------------------------------------------------

    def _complete(self) -> None:
        if self.tracer:
            self.tracer.mark("wow64", "narrowing")
        state = self._state()
        arena = state.arena
        if not state.pending:
            # No call is under way: the guest jumped into wow64.dll's code out of turn. Its code would find no
            # call record there: the access violation it would take ends the thread.
            raise GuestFault(0, False)
        pending = state.pending.pop()
        status = pending.status
        if status is None:
            status = self._narrow_all(pending.outputs, pending.context, self._rax.read()[0] & 0xFFFFFFFF, arena)
        arena.reset()
        self._rax.write((status,))
        if self.tracer and pending.call is not None:
            final = status & 0xFFFFFFFF
            name = pending.call.name
            self.tracer.emit_kind(COMPLETE, lambda: f"{name} -> {NTSTATUS.name_of(final)}, arena freed", final)

    def _narrow_all(self, outputs: list[Output], ctx: ThunkContext | None, kernel_status: int, arena: Arena) -> int:
        """Narrow what the kernel wrote into the arena and run the hand-written parts' afters: the status the 32-bit
        caller gets (the kernel's, or wow64's own when narrowing failed)."""
        status = kernel_status
        if outputs or ctx is not None:
            image = self.memory.peek(arena.base, len(arena.buf)) if arena.buf else b""
            try:
                narrow(outputs, image, arena, self.memory, self.conversion_trace)
                if ctx is not None:
                    ctx.image = image
                    for fn in ctx.afters:
                        status = fn(ctx, status)
            except GuestFault:
                status = NTSTATUS.ACCESS_VIOLATION
            except CommitLimitReached:
                status = NTSTATUS.COMMITMENT_LIMIT
        return status & 0xFFFFFFFF

    # ---- trace text -----------------------------------------------------------------------------------

    def _trace_decode(self, eax: int, call: Thunk | None) -> None:
        number, table, turbo = decode_service(eax)

        def text() -> str:
            what = f"{call.name}, {call.arg_bytes} argument bytes" if call else \
                "no thunk: STATUS_INVALID_SYSTEM_SERVICE"
            return f"Wow64SystemServiceEx eax={hex32(eax)}: service 0x{number:03x}, table {table} " \
                f"({'win32k' if table else 'nt'}), turbo {turbo} -> {what}"
        if call is None:
            self.tracer.emit("wow64", "decode", text(), eax=eax, number=number, table=table, turbo=turbo, name=None)
        else:
            self.tracer.emit_kind(DECODE, text, eax, number, table, turbo, call.name)

    def trace_fast_call(self, number: int, esp: int | None, regs: tuple[int, ...], rsp: int) -> None:
        """The decode and widen events of a call that wow64.dll's fast path took (its own code decoded and widened
        the call, with no Python), told by the trace's observer at the 64-bit stub's `syscall`: the events the
        dispatch hook makes, the same in content. EAX is the number: the fast path takes service table 0 with no
        turbo bits only. `esp`: the x86 esp wow64cpu saved (the 32-bit arguments are 4 bytes above it; None: no
        saved context to find them by); `regs` and `rsp` as at the `syscall`, where the widened arguments are."""
        found = self.thunks.get(number)
        if found is None:
            return
        call = found[0]
        self._trace_decode(number, call)
        if esp is None:
            return
        params = len(call.params)
        try:
            args32 = self.memory.peek_unpack(call.args32, esp + 4)
            args64 = regs[:params]
            if params > 4:
                args64 += struct.unpack(f"<{params - 4}Q", self.memory.peek(rsp + 0x28, 8 * (params - 4)))
        except (GuestFault, CommitLimitReached):  # the fast path read them: only a hostile guest's race is left
            return
        self.tracer.emit_kind(WIDEN, lambda: self._widen_text(call, args32, args64), args32, args64)

    def _widen_text(self, call: Thunk, args32: tuple[int, ...], args64: Sequence[int]) -> str:
        head = self._widen_heads.get(call.name)
        if head is None:  # what never changes for a call: its title, and each argument's slot, name and kind
            head = self._widen_heads[call.name] = [
                f"{call.name}: {len(call.params)} arguments from the 32-bit stack to x64 registers and stack"] + [
                f"\n  {_SLOTS[i] if i < 4 else f'[rsp+0x{0x28 + 8 * (i - 4):x}]':<10} {p.name:<22} {p.kind.name:<18} "
                for i, p in enumerate(call.params)]
        return head[0] + "".join([f"{row}{hex32(a)} -> {hex64(b)}"
                                  for row, a, b in zip(head[1:], args32, args64, strict=True)])


_SLOTS = ("rcx/r10", "rdx", "r8", "r9")


def _fmt(values: dict[str, int]) -> str:
    return "{" + ", ".join(f"{k}={v:#x}" for k, v in values.items()) + "}"


class _TracedConversions:
    """The trace's events of the conversions (convert.py's ConversionTrace)."""

    def __init__(self, tracer: Tracer) -> None:
        self.tracer = tracer

    def struct_in(self, name: str, layout: Layout, ptr32: int, addr64: int, values32: tuple[int, ...],
                  values64: list[int]) -> None:
        before, after = layout.as_dict(values32), layout.as_dict(values64)
        self.tracer.emit("wow64", "struct", f"{name}: {layout.name} @{hex32(ptr32)} ({layout.size32} bytes) "
                         f"{_fmt(before)} -> arena @{hex32(addr64)} ({layout.size64} bytes) {_fmt(after)}",
                         param=name, layout=layout.name, address32=ptr32, address64=addr64, before=before,
                         after=after)

    def struct_out(self, name: str, layout: Layout, ptr32: int, addr64: int) -> None:
        self.tracer.emit("wow64", "struct", f"{name}: {layout.name} out @{hex32(ptr32)} ({layout.size32} bytes) "
                         f"-> arena @{hex32(addr64)} ({layout.size64} bytes)", param=name, layout=layout.name,
                         address32=ptr32, address64=addr64, before=None, after=None)

    def narrowed(self, out: Output, values64: tuple[int, ...], values32: list[int]) -> None:
        layout = out.layout
        before, after = layout.as_dict(values64), layout.as_dict(values32)
        self.tracer.emit("wow64", "narrow", f"{out.name}: {layout.name} {_fmt(before)} -> @{hex32(out.ptr32)} "
                         f"{_fmt(after)}", param=out.name, layout=layout.name, before=before, after=after,
                         address32=out.ptr32)
