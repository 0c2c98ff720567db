"""Observation hooks for `--trace syscalls` and `--trace exceptions`: hooks on the few instructions where a system
call crosses a layer (a block hook over the 32-bit ntdll's stubs, code hooks elsewhere), or an exception reaches a
dispatcher or a handler.

Each hook reads the real CPU state at that instruction (the CS selector, the stack), so the trace shows what the
guest did, not what the emulator meant to do: the 32-bit stub's entry and its `ret`; the far jump's landing in
64-bit mode and the x86 context wow64cpu saved, seen when wow64's dispatch is entered (the dispatcher tells
`on_gate_enter`); and the 64-bit ntdll stub, seen at its `syscall` (the kernel's entry tells `on_syscall64`).
Hooks of their own would enter Python three more times per call (the landing, the 64-bit stub's entry and the
block after its `syscall`). The far jumps themselves are not hooked: the selector a gate leaves is the one the
layer before it was seen in (the stub's entry, wow64's dispatch), as the stubs and wow64cpu change none between.
For exceptions, each KiUserExceptionDispatcher's entry and each handler the ntdlls call (vectored, frame-based, and
for an unwind), with what it returned. None of these hooks exist when no trace is asked for.
"""

from __future__ import annotations

import struct
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from .emu.eventkind import EventKind, hex32
from .emu.trace import Tracer
from .errors import CommitLimitReached, GuestFault
from .kernel.threadsetup import CTX
from .loader.process import module_of
from .nt.status import NTSTATUS
from .nt.syscalls import by_name
from .thunks.dispatch import STUB_SYSCALL

if TYPE_CHECKING:
    from .loader.process import CreatedProcess

STUB32_RET_OFFSET = 12  # B8 imm32, BA imm32, FF D2, then C2 imm16
_U32 = struct.Struct("<I")
_SAVED = struct.Struct(f"<I{CTX['Esp'] - CTX['Eip'] - 4}xI")  # a WOW64_CONTEXT's Eip and Esp
# The crossings' events (their JSONL lines have no text: it renders these fields, with the symbols of `caller`/`to`).
X86_CALL = EventKind("x86", "call", "name address number caller cs", strings="name")
GATE_ENTER = EventKind("gate", "enter", "from_cs to_cs")
WOW64CPU_SAVE = EventKind("wow64cpu", "save", "eip esp")
X64_CALL = EventKind("x64", "call", "name address cs", strings="name")
GATE_RETURN = EventKind("gate", "return", "from_cs to_cs")
X86_RETURN = EventKind("x86", "return", "name status to cs", strings="name")


@dataclass(frozen=True, slots=True)
class Stub:
    """What the trace says of one ntdll stub that never changes: its call, and the start of its entry's text."""

    name: str
    number: int
    arg_bytes: int
    text: str


class Observers:
    """The system calls' crossings. The 32-bit ntdll's stubs lie together, so one block hook over them sees their
    entries (and their `ret`, which starts the block the far jump back lands on) instead of a code hook per stub:
    Unicorn walks all its code hooks at every one that fires."""

    def __init__(self, c: CreatedProcess, tracer: Tracer) -> None:
        self.c = c
        self.t = tracer
        self.cpu = cpu = c.process.cpu
        self.memory = c.process.memory
        self.last_cs = 0  # the selector the call's last layer was seen in: the one the next far jump leaves
        self.stub32_entry: dict[int, Stub] = {}
        self.stub32_ret: dict[int, Stub] = {}
        self.stub64_syscall: dict[int, Stub] = {}  # by the address of the stub's `syscall`
        self.symbols: dict[int, str] = {}  # address -> symbol: the modules the loader placed stay where they are
        self.landing = 0  # wow64cpu's CpupReturnFromSimulatedCode, where the far jump to 64-bit code lands
        # wow64's trace of a call its fast path served (Wow64Dispatcher.trace_fast_call): the service number, the
        # x86 esp wow64cpu saved (None: none), the argument registers and rsp at the 64-bit stub's `syscall`.
        self.fast_call: Callable[[int, int | None, tuple[int, ...], int], None] | None = None
        self._entry_regs = cpu.registers(["rsp", "cs"])
        self._gate_regs = cpu.registers(["r13", "cs"])  # wow64cpu's WOW64_CONTEXT (+4 in the CPU area), the CS
        self._return_regs = cpu.registers(["rax", "rsp", "cs"])

    def symbol(self, address: int) -> str:
        """module!Export at an export's address, else module+0xN: the guest DLLs carry no symbols, and the nearest
        export below an address is often another function (a static one has no name to give)."""
        name = self.symbols.get(address)
        if name is None:
            name = self.symbols[address] = self._symbol(address)
        return name

    def _symbol(self, address: int) -> str:
        found = module_of(self.c, address)
        if found is None:
            return hex32(address) if address <= 0xFFFFFFFF else f"0x{address:x}"
        module, offset = found
        for name, addr in module.exports.items():
            if addr == address:
                return f"{module.name}!{name}"
        return f"{module.name}+0x{offset:x}"

    def install(self) -> None:
        calls = by_name()
        if "ntdll.dll" in self.c.modules32:
            for name, addr in self.c.modules32["ntdll.dll"].exports.items():
                if name in calls:
                    call = calls[name]
                    self.stub32_entry[addr] = self.stub32_ret[addr + STUB32_RET_OFFSET] = Stub(
                        name, call.number, call.arg_bytes,
                        f"ntdll!{name} (SysWOW64) at {hex32(addr)}: mov eax, 0x{call.number:x}; called from ")
            if self.stub32_entry:
                self.cpu.hook_blocks(min(self.stub32_entry), max(self.stub32_ret), self.on_stub32)
            self.landing = self.c.modules64["wow64cpu.dll"].exports["CpupReturnFromSimulatedCode"]
        for name, addr in self.c.modules64["ntdll.dll"].exports.items():
            if name in calls:
                call = calls[name]
                self.stub64_syscall[addr + STUB_SYSCALL] = Stub(
                    name, call.number, call.arg_bytes,
                    f"ntdll!{name} (System32) at 0x{addr:x}: mov r10, rcx; mov eax, 0x{call.number:x}; syscall")

    def _u32(self, address: int) -> int:
        return self.memory.peek_unpack(_U32, address)[0]

    def _stack32(self, offset: int = 0) -> int:
        return self._u32((self.cpu.register("rsp") & 0xFFFFFFFF) + offset)

    def on_stub32(self, address: int) -> None:
        """A block of the 32-bit stubs starts: a stub's entry, or its `ret` after the far jump back (any other block
        there is one an interruption split, and says nothing new)."""
        t = self.t
        stub = self.stub32_entry.get(address)
        if stub is not None:
            esp, cs = self._entry_regs.read()
            t.begin_call()
            state = t.state
            state.wow64_call_active = True
            state.wow64_entered = False
            caller = self.memory.peek_unpack(_U32, esp & 0xFFFFFFFF)[0]
            self.last_cs = cs
            t.emit_kind(X86_CALL, lambda: stub.text + self.symbol(caller), stub.name, address, stub.number, caller,
                        cs)
            return
        stub = self.stub32_ret.get(address)
        if stub is None:
            return
        rax, esp, cs = self._return_regs.read()
        from_cs = self.last_cs
        status = rax & 0xFFFFFFFF
        to = self.memory.peek_unpack(_U32, esp & 0xFFFFFFFF)[0]
        t.hold()  # the far jump back and the stub's `ret`, seen here at once
        try:
            t.emit_kind(GATE_RETURN, lambda: f"jmp fword -> 0x{cs:02x}:{hex32(address)}: cs 0x{from_cs:02x} -> "
                        f"0x{cs:02x}, back in compatibility mode", from_cs, cs)
            t.emit_kind(X86_RETURN, lambda: f"ntdll!{stub.name}: eax = {NTSTATUS.name_of(status)}; ret "
                        f"0x{stub.arg_bytes:x} to {self.symbol(to)}", stub.name, status, to, cs)
        finally:
            t.release()
        t.state.wow64_call_active = False

    def on_gate_enter(self) -> None:
        """wow64's dispatch is entered (Wow64ThunkDispatch tells it, from the hook it has there): the far jump landed
        in 64-bit mode, and wow64cpu saved the x86 context in the WOW64_CONTEXT its r13 points to, before calling
        Wow64SystemServiceEx. Seen from there, not from a hook of its own on the landing, which would enter Python
        once more per call."""
        self.t.state.wow64_entered = True
        self._gate(*self._gate_regs.read())

    def _gate(self, context: int, cs: int) -> int | None:
        """The gate's crossing and wow64cpu's save, with r13 (the WOW64_CONTEXT) and the CS of 64-bit code: the x86
        esp saved (its ret done: the 32-bit arguments are 4 bytes above), or None when r13 points at no memory."""
        from_cs, landing = self.last_cs, self.landing
        t = self.t
        t.emit_kind(GATE_ENTER, lambda: f"jmp far 0033:{hex32(landing)} from wow64cpu!KiFastSystemCall: "
                    f"cs 0x{from_cs:02x} -> 0x{cs:02x}, now in 64-bit mode", from_cs, cs)
        self.last_cs = cs
        try:
            eip, esp = self.memory.peek_unpack(_SAVED, context + CTX["Eip"])
        except (GuestFault, CommitLimitReached):  # no context there: the guest came into wow64 another way
            return None
        t.emit_kind(WOW64CPU_SAVE, lambda: f"CpupReturnFromSimulatedCode: x86 context saved (eip={hex32(eip)}, "
                    f"esp={hex32(esp)}), switch to the 64-bit stack, call wow64!Wow64SystemServiceEx", eip, esp)
        return esp

    def on_syscall64(self, syscall_at: int, cs: int, r13: int, args: tuple[int, ...], rsp: int) -> None:
        """The kernel's entry is at a `syscall` (at `syscall_at`, in `cs`; r13, the x64 convention's four argument
        registers and rsp as they are there): if it is a 64-bit ntdll stub's, the stub's call, as its entry three
        instructions earlier would show it (a `syscall` of anyone else's code shows as the kernel's service only).
        A 32-bit call that wow64's dispatch hook did not see came through wow64.dll's fast path, whose code went
        through the gate, decoded and widened it with no Python: those crossings are shown from here, first."""
        stub = self.stub64_syscall.get(syscall_at)
        if stub is None:
            return
        t = self.t
        state = t.state
        if not state.wow64_call_active:
            t.begin_call()
            state.native_call_open = True
        elif not state.wow64_entered and self.fast_call is not None:
            state.wow64_entered = True  # shown: a 64-bit call made later inside this one (an APC's) did not cross
            t.hold()  # the crossings the fast path made are seen here, at once
            try:
                esp = self._gate(r13, cs)
                self.fast_call(stub.number, esp, args, rsp)
                t.emit_kind(X64_CALL, stub.text, stub.name, syscall_at - STUB_SYSCALL, cs)
            finally:
                t.release()
            return
        t.emit_kind(X64_CALL, stub.text, stub.name, syscall_at - STUB_SYSCALL, cs)


# Where each ntdll calls a handler, found in the bytes of the function that does: (export, call instruction).
_HANDLER_CALLS = {
    64: (("RtlpExecuteHandlerForException", b"\x41\xff\x51\x30"), ("RtlpExecuteHandlerForUnwind", b"\x41\xff\x51\x30"),
         ("RtlpCallVectoredHandler", b"\xff\xd0")),
    32: (("RtlpExecuteHandlerForException", b"\xff\xd1"), ("RtlpCallVectoredHandler", b"\xff\xd0")),
}
_FRAME_DISPOSITIONS = {0: "ExceptionContinueExecution", 1: "ExceptionContinueSearch", 2: "ExceptionNestedException",
                       3: "ExceptionCollidedUnwind"}
_VECTORED_DISPOSITIONS = {0xFFFFFFFF: "EXCEPTION_CONTINUE_EXECUTION", 0: "EXCEPTION_CONTINUE_SEARCH"}
_UNWINDING = 0x6  # EXCEPTION_UNWINDING | EXCEPTION_EXIT_UNWIND


class ExceptionObservers(Observers):
    """The dispatchers' entries and every handler call, in the layer of the ntdll that makes it (x86 or x64)."""

    def __init__(self, c: CreatedProcess, tracer: Tracer) -> None:
        super().__init__(c, tracer)
        # The handler calls under way, innermost last, per width: (layer, handler, vectored). A call an unwind jumped
        # out of stays below the ones made after it, which return first.
        self.calls: dict[int, list[tuple[str, str, bool]]] = {32: [], 64: []}

    def install(self) -> None:
        widths = [(64, self.c.modules64["ntdll.dll"])]
        if "ntdll.dll" in self.c.modules32:
            widths.append((32, self.c.modules32["ntdll.dll"]))
        for bits, ntdll in widths:
            layer = "x64" if bits == 64 else "x86"
            dispatcher = ntdll.exports["KiUserExceptionDispatcher"]
            self.cpu.hook_code(dispatcher, lambda layer=layer: self.on_dispatcher(layer))
            for name, call in _HANDLER_CALLS[bits]:
                start = ntdll.exports.get(name) or ntdll.exports[f"{name}@8"]
                site = start + self.memory.peek(start, 64).index(call)
                vectored = name == "RtlpCallVectoredHandler"
                self.cpu.hook_code(site, lambda b=bits, v=vectored: self.on_call(b, v))
                self.cpu.hook_code(site + len(call), lambda b=bits: self.on_return(b))

    def _ptr(self, bits: int, address: int) -> int:
        return int.from_bytes(self.memory.peek(address, bits // 8), "little")

    def on_dispatcher(self, layer: str) -> None:
        rsp = self.cpu.register("rsp")
        if layer == "x64":
            record, context = rsp + 0x4F0, rsp
        else:
            record, context = self._stack32(), self._stack32(4)
        code = self._ptr(32, record)
        frames = "the frames found through .pdata" if layer == "x64" else "the fs:[0] chain"
        self.t.emit(layer, "dispatch", f"ntdll!KiUserExceptionDispatcher ({'64' if layer == 'x64' else '32'}-bit): "
                    f"0x{code:08X} ({NTSTATUS.name_of(code)}), EXCEPTION_RECORD @0x{record:x}, CONTEXT "
                    f"@0x{context:x}: the vectored handlers, then {frames}", code=code, record=record,
                    context=context)

    def on_call(self, bits: int, vectored: bool) -> None:
        rax, rcx, rdx, r9 = self.cpu.registers(["rax", "rcx", "rdx", "r9"]).read()
        layer = "x64" if bits == 64 else "x86"
        if bits == 64 and vectored:
            handler, record, frame = rax, self._ptr(64, rcx), 0
        elif bits == 64:
            handler, record, frame = self._ptr(64, r9 + 0x30), rcx, rdx
        elif vectored:
            handler, record, frame = rax, self._ptr(32, self._stack32()), 0
        else:
            handler, record, frame = rcx & 0xFFFFFFFF, self._stack32(), self._stack32(4)
        flags = self._ptr(32, record + 4)
        name = self.symbol(handler)
        if vectored:
            what = "vectored handler"
        elif flags & _UNWINDING:
            what = f"unwind: handler of the frame at 0x{frame:x}, flags 0x{flags:x}"
        else:
            what = f"handler of the frame at 0x{frame:x}, flags 0x{flags:x}"
        self.calls[bits].append((layer, name, vectored))
        self.t.emit(layer, "unwind" if flags & _UNWINDING else "handler", f"{name}: {what}", handler=handler,
                    frame=frame, flags=flags, vectored=vectored)

    def on_return(self, bits: int) -> None:
        if not self.calls[bits]:
            return
        layer, name, vectored = self.calls[bits].pop()
        value = self.cpu.register("rax") & 0xFFFFFFFF
        names = _VECTORED_DISPOSITIONS if vectored else _FRAME_DISPOSITIONS
        self.t.emit(layer, "returned", f"{name} -> {names.get(value, f'0x{value:x} (no disposition)')}",
                    disposition=value)


def install_observers(c: CreatedProcess, tracer: Tracer) -> Observers:
    obs = Observers(c, tracer)
    obs.install()
    return obs


def install_exception_observers(c: CreatedProcess, tracer: Tracer) -> ExceptionObservers:
    obs = ExceptionObservers(c, tracer)
    obs.install()
    return obs
