"""Observation hooks for `--trace syscalls`: code hooks on the few instructions where a system call crosses a layer.

Each hook reads the real CPU state at that instruction (the CS selector, the stack), so the trace shows what the
guest did, not what the emulator meant to do: the 32-bit stub's entry and its `ret`, wow64cpu's far jump and its
64-bit landing, the far jump back, and the 64-bit ntdll stub. None of these hooks exist when no trace is asked for.
"""

from __future__ import annotations

import struct
from collections.abc import Callable
from typing import TYPE_CHECKING

from .emu.trace import Tracer, hex32
from .loader.process import module_of
from .nt.status import NTSTATUS
from .nt.syscalls import by_name

if TYPE_CHECKING:
    from .loader.process import CreatedProcess

STUB32_RET_OFFSET = 12  # B8 imm32, BA imm32, FF D2, then C2 imm16


class Observers:
    def __init__(self, c: CreatedProcess, tracer: Tracer) -> None:
        self.c = c
        self.t = tracer
        self.cpu = c.process.cpu
        self.memory = c.process.memory
        self.last_cs = 0
        self.stub32_entry: dict[int, str] = {}
        self.stub32_ret: dict[int, str] = {}
        self.stub64_entry: dict[int, str] = {}

    def symbol(self, address: int) -> str:
        """module!Export at an export's address, else module+0xN: the guest DLLs carry no symbols, and the nearest
        export below an address is often another function (a static one has no name to give)."""
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
            ntdll32 = self.c.modules32["ntdll.dll"]
            for name in calls:
                if name in ntdll32.exports:
                    addr = ntdll32.exports[name]
                    self.stub32_entry[addr] = name
                    self.stub32_ret[addr + STUB32_RET_OFFSET] = name
            self._hook_each([*self.stub32_entry, *self.stub32_ret], self.on_stub32)
            cpu = self.c.modules64["wow64cpu.dll"].exports
            self._hook_each([cpu["KiFastSystemCall"], cpu["CpupSwitchTo32"]], self.on_far_jump)
            self._hook_each([cpu["CpupReturnFromSimulatedCode"]], self.on_landing)
        ntdll64 = self.c.modules64["ntdll.dll"]
        for name in calls:
            if name in ntdll64.exports:
                self.stub64_entry[ntdll64.exports[name]] = name
        self._hook_each(list(self.stub64_entry), self.on_stub64)

    def _hook_each(self, addresses: list[int], callback: Callable[[int], None]) -> None:
        for addr in addresses:
            self.cpu.hook_code(addr, lambda addr=addr: callback(addr))

    def _stack32(self, offset: int = 0) -> int:
        esp = self.cpu.register("rsp") & 0xFFFFFFFF
        return struct.unpack("<I", self.memory.peek(esp + offset, 4))[0]

    def on_stub32(self, address: int) -> None:
        t = self.t
        if address in self.stub32_entry:
            name = self.stub32_entry[address]
            t.begin_call()
            t.wow64_call_active = True
            call = by_name()[name]
            t.emit("x86", "call", f"ntdll!{name} (SysWOW64) at {hex32(address)}: mov eax, 0x{call.number:x}; "
                   f"called from {self.symbol(self._stack32())}", name=name, address=address,
                   number=call.number, caller=self._stack32(), cs=self.cpu.register("cs"))
            return
        name = self.stub32_ret[address]
        cs = self.cpu.register("cs")
        t.emit("gate", "return", f"jmp fword -> 0x{cs:02x}:{hex32(address)}: cs 0x{self.last_cs:02x} -> 0x{cs:02x}, "
               "back in compatibility mode", from_cs=self.last_cs, to_cs=cs)
        status = self.cpu.register("rax") & 0xFFFFFFFF
        call = by_name()[name]
        t.emit("x86", "return", f"ntdll!{name}: eax = {NTSTATUS.name_of(status)}; ret 0x{call.arg_bytes:x} to "
               f"{self.symbol(self._stack32())}", name=name, status=status, cs=cs)
        t.wow64_call_active = False

    def on_far_jump(self, _address: int) -> None:
        self.last_cs = self.cpu.register("cs")

    def on_landing(self, address: int) -> None:
        cs = self.cpu.register("cs")
        self.t.emit("gate", "enter", f"jmp far 0033:{hex32(address)} from wow64cpu!KiFastSystemCall: "
                    f"cs 0x{self.last_cs:02x} -> 0x{cs:02x}, now in 64-bit mode", from_cs=self.last_cs, to_cs=cs)
        esp = self.cpu.register("rsp") & 0xFFFFFFFF
        ret = self._stack32()
        self.t.emit("wow64cpu", "save", f"CpupReturnFromSimulatedCode: x86 context saved (eip={hex32(ret)}, "
                    f"esp={hex32(esp + 4)}), switch to the 64-bit stack, call wow64!Wow64SystemServiceEx",
                    eip=ret, esp=esp + 4)

    def on_stub64(self, address: int) -> None:
        t = self.t
        name = self.stub64_entry[address]
        if not t.wow64_call_active:
            t.begin_call()
            t.native_call_open = True
        t.emit("x64", "call", f"ntdll!{name} (System32) at 0x{address:x}: mov r10, rcx; "
               f"mov eax, 0x{by_name()[name].number:x}; syscall", name=name, address=address,
               cs=self.cpu.register("cs"))


def install_observers(c: CreatedProcess, tracer: Tracer) -> Observers:
    obs = Observers(c, tracer)
    obs.install()
    return obs
