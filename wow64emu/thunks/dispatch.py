"""The Python half of wow64.dll: Wow64SystemServiceEx.

wow64cpu's 64-bit gate code calls wow64!Wow64SystemServiceEx(ecx = the stub's EAX, rdx = the 32-bit arguments).
Two code hooks do the work, one on each side of the real `call rax` in wow64.dll:
  - Wow64ThunkDispatch: decode EAX, read the 32-bit arguments in one read, widen them by their declared kinds,
    rebuild structures whose layout differs in the per-call arena (written in one block), load rcx, rdx, r8, r9
    and the stack, and put the address of the 64-bit ntdll stub in rax. The stub's `syscall` reaches the kernel.
  - Wow64ThunkComplete: read the arena back in one block, narrow every output the kernel wrote into the 32-bit
    structure it came from, and reset the arena.
That is the path of a traced run, whose trace shows every layer, and of the calls that need the thread's registers
where the stub's `syscall` leaves them (REGISTER_CALLS). Untraced, the dispatch hook serves any other call
itself (_serve): widen, the kernel's service through its entry (SyscallEntry.serve, which counts it as a system
call), narrow, and the CPU goes on after Wow64ThunkComplete: one entry into Python per call instead of three (about
a fifth of NtQueryInformationFile's cost through WoW64). A service that leaves the thread to the scheduler (a wait,
its end, a yield, a call to redo) is the exception: the CPU is then left as the 64-bit stub's `syscall` would have
left it (the stub's return address pushed, the arguments in R10, RDX, R8, R9 and the stack, RIP after the
`syscall`), so that when the thread runs again it returns through the stub to the completion hook, or redoes the
`syscall`. Calls whose arguments only zero- or sign-extend do not come here at all: fast_table() lists them for
wow64.dll's own 64-bit code, which widens them itself (see guest/wow64/wow64.S).
"""

from __future__ import annotations

import struct
from collections.abc import Callable
from dataclasses import dataclass, field

from ..emu.cpu.backend import CS64, Access, Fault, FaultKind
from ..emu.trace import EventKind, Tracer, hex32, hex64
from ..errors import CommitLimitReached, GuestFault
from ..kernel.entry import SyscallEntry
from ..kernel.exceptions import context_io
from ..kernel.handles import CURRENT_PROCESS
from ..kernel.othercontext import other_context
from ..kernel.process import Process
from ..kernel.registry_keys import KeyObject
from ..kernel.threadobject import Thread
from ..nt.kinds import Action, Dir
from ..nt.layouts import Layout
from ..nt.status import NTSTATUS
from .context import OtherThread, ThunkContext, Wow64Process
from .table import Thunk, thunks

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
_SENTINEL = b"\xa5" * 0x400  # what an output structure holds in the arena before the kernel writes it
_ARG_REGS = ("rcx", "rdx", "r8", "r9")
# The trace's events of every call (their JSONL lines have no text: it renders these fields).
DECODE = EventKind("wow64", "decode", "eax number table turbo name", strings="name")
WIDEN = EventKind("wow64", "widen", "args32 args64", lists="args32 args64")
COMPLETE = EventKind("wow64", "complete", "status")


def decode_service(eax: int) -> tuple[int, int, int]:
    """(number, service table, turbo thunk) from the EAX a 32-bit ntdll stub loads."""
    return eax & SERVICE_NUMBER_MASK, (eax >> SERVICE_TABLE_SHIFT) & 3, (eax >> TURBO_SHIFT) & 0x1F


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
class Output:
    """A structure the kernel may write: where it lives in 32-bit memory and in the arena."""

    name: str
    layout: Layout
    ptr32: int
    addr64: int
    before: bytes


@dataclass
class PendingCall:
    call: Thunk | None
    outputs: list[Output] = field(default_factory=list)
    status: int | None = None  # set when the thunk itself fails: the 64-bit call is skipped
    context: ThunkContext | None = None  # for calls with a hand-written part


MAX_CALLS_UNDER_WAY = 64  # system calls in flight on one thread at once (a callback makes a call inside a call)


@dataclass
class Wow64Thread:
    """What wow64.dll keeps for one thread: its per-call arena, and its calls under way (the innermost last)."""

    arena: Arena
    pending: list[PendingCall] = field(default_factory=list)


class Wow64Dispatcher:
    def __init__(self, process: Process, *, stubs64: dict[str, int], dispatch_addr: int, complete_addr: int,
                 not_found_addr: int, fast_table: int, exception_dispatcher32: int = 0,
                 tracer: Tracer | None = None, entry: SyscallEntry | None = None) -> None:
        """`entry`: the kernel's entry of the process; given (and no trace asked for), a call wow64 widens by hand is
        served from its dispatch hook, without the 64-bit stub's `syscall` (_serve)."""
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
        self.address_mask32 = address_mask32
        self.tracer = tracer
        self.gate_observer: Callable[[], None] | None = None  # the trace's, told when the dispatch is entered
        self._widen_heads: dict[str, list[str]] = {}  # the trace's widen text of each call, but the values
        self.thunks: dict[int, tuple[Thunk, int]] = {
            number: (call, stubs64[call.name]) for number, call in thunks().items() if call.name in stubs64}
        if tracer is None:
            memory.poke(fast_table, self.fast_table())
        self._live_registers = lambda: context_io(process).capture()
        self._entry_regs = cpu.registers(["rcx", "rdx", "rsp"])
        self._call_regs = [cpu.registers(["rax", "rbx", *_ARG_REGS[:n]]) for n in range(5)]
        self._fail_regs = cpu.registers(["rax", "rbx"])
        self._rax = cpu.registers(["rax"])
        self._syscalled_regs = cpu.registers(["rax", "rbx", "rcx", "r10", "rdx", "r8", "r9", "rsp"])
        cpu.hook_code(dispatch_addr, self._on_dispatch)
        cpu.hook_code(complete_addr, self._on_complete)

    def fast_table(self) -> bytes:
        """wow64.dll's Wow64FastTable: for each call whose arguments only zero- or sign-extend and that has no
        hand-written part, its 64-bit stub, argument count and signed-argument mask; the guest widens those."""
        table = bytearray(FAST_ENTRIES * 16)
        for number, (call, stub64) in self.thunks.items():
            if number < FAST_ENTRIES and call.extend is not None and call.special is None:
                signed = sum(1 << i for i, (_, a) in enumerate(call.plan) if a is Action.SIGN_EXTEND)
                struct.pack_into("<QII", table, number * 16, stub64, len(call.params), signed)
        return bytes(table)

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

    def _dispatch(self) -> None:
        ecx, args_ptr, rsp = self._entry_regs.read()
        args_ptr &= 0xFFFFFFFF
        eax = ecx & 0xFFFFFFFF
        entry = self.thunks.get(eax & 0x3FFF)
        state = self._state()
        arena = state.arena
        if len(state.pending) >= MAX_CALLS_UNDER_WAY:
            # Calls that never complete (the guest jumped into wow64.dll's dispatch again and again): on Windows
            # the 64-bit stack runs out; here the thread dies as it would, before its records pile up on the host.
            raise GuestFault(rsp - 0x1000, True)
        if self.tracer:
            if self.gate_observer is not None:
                self.gate_observer()
            self._trace_decode(eax, entry[0] if entry else None)
        if entry is None:
            self._finish_in_guest(state, PendingCall(None), self.not_found)
            return
        call, stub64 = entry
        pending = None
        try:
            if ((args_ptr - 8) & 0xFFF) + 8 + call.arg_bytes > 0x1000:
                # The arguments leave the page of [esp] = args_ptr - 8, which the stub's `call edx` has just
                # written (so it is there and writable): probe them.
                self.memory.probe(args_ptr, call.arg_bytes)
            args32 = call.unpack_args32(self.memory.peek(args_ptr, call.arg_bytes))
            if call.extend is not None:  # the common case: nothing to rebuild, nothing to narrow
                args64 = call.extend(args32)
            else:
                pending = PendingCall(call)
                args64 = self._widen_args(call, args32, pending, arena)
            if call.special is not None:
                pending = pending or PendingCall(call)
                thread = self.process.running
                ctx = pending.context = ThunkContext(call, args32, args64, self.memory, arena, self.wow64,
                                                     tracer=self.tracer, cpu_area=thread.cpu_area,
                                                     exception_tracer=self.process.tracer, teb64=thread.teb64,
                                                     object_name=self._object_name, key_query=self._key_query,
                                                     wow64_peb=self._wow64_peb,
                                                     registry_reflection=self.process.system.registry.reflection,
                                                     live_registers=self._live_registers, thread=thread,
                                                     other_thread=self._other_thread)
                call.special(ctx)
                pending.status = ctx.status
        except GuestFault:
            pending = PendingCall(call, status=NTSTATUS.ACCESS_VIOLATION)
        except CommitLimitReached:  # a page of a mapped file read in for the arguments, with no memory left for it
            pending = PendingCall(call, status=NTSTATUS.COMMITMENT_LIMIT)
        except ArenaFull:
            pending = PendingCall(call, status=NTSTATUS.NO_MEMORY)
        if pending is not None and pending.status is not None:
            arena.reset()
            pending.outputs.clear()
            self._finish_in_guest(state, pending, self.not_found)
            return
        if arena.buf:
            self.memory.poke(arena.base, bytes(arena.buf))
        if self.entry is not None and call.name not in REGISTER_CALLS:
            self._serve(state, pending or PendingCall(call), eax & 0x3FFF, stub64, args64, rsp)
            return
        complete = bool(pending and (pending.outputs or pending.context))
        if complete:
            state.pending.append(pending or PendingCall(call))
        else:  # nothing to narrow: the guest skips Wow64ThunkComplete, and the arena is free already
            arena.reset()
        self._call_regs[min(len(args64), 4)].write((stub64, complete, *args64[:4]))
        if len(args64) > 4:
            self.memory.poke(rsp + 0x20, struct.pack(f"<{len(args64) - 4}Q", *args64[4:]))
        if self.tracer:
            self.tracer.emit_kind(WIDEN, lambda: self._widen_text(call, args32, args64), args32, args64)

    def _serve(self, state: Wow64Thread, pending: PendingCall, number: int, stub64: int, args64: list[int],
               rsp: int) -> None:
        """The call served from the dispatch hook: the kernel's service, then the narrowing, in the one entry into
        Python; the CPU goes on at Wow64ThunkDone with the status, neither the 64-bit stub nor the completion hook
        run. When the service leaves the thread to the scheduler (it waits, ends, yields, is to redo its call), the
        CPU is left as the stub's `syscall` would have left it, so that the thread goes on through the stub and the
        completion hook (or redoes the `syscall`) when it runs again."""
        thread = self.process.running
        call, service = self.kernel_services[number]
        args = list(map(int.__and__, args64, call.masks))
        status = self.entry.serve(call, service, thread, args)
        narrows = bool(pending.outputs or pending.context)
        if self.entry.stop_for(thread, stub64 + STUB_SYSCALL, number):
            if narrows:
                state.pending.append(pending)
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
        final = self._finish(pending, status, state.arena) if narrows else status
        state.arena.reset()
        self._rax.write((final,))
        self.process.cpu.jump(self.done_addr)

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
        return OtherThread(obj.teb64, other_context(obj, context_io(self.process)), obj.start is None)

    def _finish_in_guest(self, state: Wow64Thread, pending: PendingCall, target: int) -> None:
        """Skip the 64-bit service: call `target` instead and let the completion hook set the status."""
        state.pending.append(pending)
        self._fail_regs.write((target, 1))

    def _key_query(self, handle: int) -> tuple[str, int] | None:
        """A key handle's full name and view bits, as wow64.dll asks NtQueryKey for them (regthunk.py)."""
        obj = self.process.handles.lookup(handle)
        return (obj.path, obj.view) if isinstance(obj, KeyObject) else None

    def _widen_args(self, call: Thunk, args32: tuple[int, ...], pending: PendingCall, arena: Arena) -> list[int]:
        args64 = []
        for (param, action), v in zip(call.plan, args32, strict=True):
            if action is Action.ZERO_EXTEND:
                pass
            elif action is Action.SIGN_EXTEND:
                if v & 0x80000000:
                    v |= 0xFFFFFFFF00000000
            elif action is Action.ZERO_BITS:
                v = v or self.address_mask32
            elif v:
                kind = param.kind
                layout = kind.layout
                if kind.direction is Dir.OUT:
                    addr = self._output(param.name, layout, v, arena)
                else:
                    addr = self._widen_struct(param.name, layout, v, arena)
                if kind.direction is not Dir.IN:
                    pending.outputs.append(Output(param.name, layout, v, addr,
                                                  arena.slice(addr, layout.size64, arena.buf)))
                v = addr
            args64.append(v)
        return args64

    def _widen_struct(self, name: str, layout: Layout, ptr32: int, arena: Arena) -> int:
        """Rebuild a 32-bit structure (and those it points to) in the arena; returns its 64-bit address."""
        self.memory.probe(ptr32, layout.size32)
        values32 = layout.read(self.memory.peek(ptr32, layout.size32), 32)
        values64 = layout.widen_values(values32)
        for i, target in layout.nested:
            if values32[i]:
                values64[i] = self._widen_struct(f"{name}.{layout.names[i]}", target, values32[i], arena)
        addr = arena.alloc(layout.write(values64, 64))
        if self.tracer:
            self.tracer.emit("wow64", "struct", f"{name}: {layout.name} @{hex32(ptr32)} ({layout.size32} bytes) "
                             f"{_fmt(layout.as_dict(values32))} -> arena @{hex32(addr)} ({layout.size64} bytes) "
                             f"{_fmt(layout.as_dict(values64))}", param=name, layout=layout.name, address32=ptr32,
                             address64=addr, before=layout.as_dict(values32), after=layout.as_dict(values64))
        return addr

    def _output(self, name: str, layout: Layout, ptr32: int, arena: Arena) -> int:
        """Room in the arena for a structure the kernel only writes, filled with a sentinel so that what it
        wrote can be told from what it did not; the 32-bit structure is not read, only checked writable."""
        self.memory.probe(ptr32, layout.size32, write=True)
        self.memory.read(ptr32, layout.size32)  # present now: the narrowing after the call cannot fail to write it
        addr = arena.alloc(_SENTINEL[: layout.size64])
        if self.tracer:
            self.tracer.emit("wow64", "struct", f"{name}: {layout.name} out @{hex32(ptr32)} ({layout.size32} bytes) "
                             f"-> arena @{hex32(addr)} ({layout.size64} bytes)", param=name, layout=layout.name,
                             address32=ptr32, address64=addr, before=None, after=None)
        return addr

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
        status = self._finish(pending, self._rax.read()[0] & 0xFFFFFFFF, arena)
        arena.reset()
        self._rax.write((status,))
        if self.tracer and pending.call is not None:
            final = status & 0xFFFFFFFF
            name = pending.call.name
            self.tracer.emit_kind(COMPLETE, lambda: f"{name} -> {NTSTATUS.name_of(final)}, arena freed", final)

    def _finish(self, pending: PendingCall, kernel_status: int, arena: Arena) -> int:
        """Narrow what the kernel wrote into the arena and run the hand-written parts' afters: the status the 32-bit
        caller gets (a status of wow64's own when it failed the call, or when narrowing failed)."""
        if pending.status is not None:
            return pending.status
        status = kernel_status
        ctx = pending.context
        if pending.outputs or ctx is not None:
            image = self.memory.peek(arena.base, len(arena.buf)) if arena.buf else b""
            try:
                for out in pending.outputs:
                    self._narrow(out, image, arena)
                if ctx is not None:
                    ctx.image = image
                    for fn in ctx.afters:
                        status = fn(ctx, status)
            except GuestFault:
                status = NTSTATUS.ACCESS_VIOLATION
            except CommitLimitReached:
                status = NTSTATUS.COMMITMENT_LIMIT
        return status & 0xFFFFFFFF

    def _narrow(self, out: Output, image: bytes, arena: Arena) -> None:
        after = arena.slice(out.addr64, out.layout.size64, image)
        if after == out.before:
            return
        layout = out.layout
        values64 = layout.read(after, 64)
        values32 = layout.narrow_values(values64)
        self.memory.probe(out.ptr32, layout.size32, write=True)
        self.memory.poke(out.ptr32, layout.write(values32, 32))
        if self.tracer:
            self.tracer.emit("wow64", "narrow", f"{out.name}: {layout.name} {_fmt(layout.as_dict(values64))} -> "
                             f"@{hex32(out.ptr32)} {_fmt(layout.as_dict(values32))}", param=out.name,
                             layout=layout.name, before=layout.as_dict(values64), after=layout.as_dict(values32),
                             address32=out.ptr32)

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

    def _widen_text(self, call: Thunk, args32: tuple[int, ...], args64: list[int]) -> str:
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
