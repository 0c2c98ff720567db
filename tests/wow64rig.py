"""A rig that makes one 32-bit system call through the whole WoW64 path and reports its NTSTATUS.

It creates a real WoW64 process (from the hello fixture), writes a 32-bit caller and a stub with the Windows 10
byte pattern into fresh executable memory, points the thread's first 32-bit context at the caller, and runs. The
caller pushes the arguments, calls the stub, stores the stub's EAX and stops on a `hlt`; the process and its
handles live on, so that a test can make several calls and read guest memory in between.
"""

from __future__ import annotations

import io
import struct
from pathlib import Path

from wow64emu.emu.memory import MemType, Prot
from wow64emu.emu.trace import Tracer
from wow64emu.emu.tracejsonl import JsonlSink
from wow64emu.kernel.console import StdStreams
from wow64emu.kernel.threadsetup import CTX
from wow64emu.machine import Machine, RunOutcome

HELLO32 = Path(__file__).resolve().parent.parent / "fixtures" / "bin" / "x86" / "hello.exe"
CODE = 0x00300000
DATA = 0x00310000
STATUS = DATA + 0xFFF0  # where the caller stores the status it got
STOP64 = CODE + 0xF00  # where a run stops


class Wow64Rig:
    def __init__(self, root: Path, trace: io.StringIO | None = None, timeout: float = 30) -> None:
        self.timeout = timeout  # of each call's run
        self.streams = StdStreams(io.BytesIO(), io.BytesIO(), io.BytesIO())
        tracer = Tracer(JsonlSink(trace)) if trace is not None else None
        self.machine = Machine(HELLO32, [], root=root, streams=self.streams, tracer=tracer)
        self.process = self.machine.process
        self.memory = self.process.memory
        self.memory.map_committed(CODE, 0x1000, MemType.PRIVATE, Prot.EXECUTE_READ, "rig code")
        self.memory.map_committed(DATA, 0x10000, MemType.PRIVATE, Prot.READWRITE, "rig data")
        c = self.machine.created
        self.service_call = c.modules32["ntdll.dll"].exports["Wow64SystemServiceCall"]

    def syscall(self, eax: int, *args: int) -> RunOutcome:
        """Call service `eax` with 32-bit `args` through a stub of the Windows pattern; the outcome's exit status
        is the NTSTATUS it returned."""
        stub_at = CODE + 0x200
        stub = (b"\xb8" + struct.pack("<I", eax) + b"\xba" + struct.pack("<I", self.service_call) + b"\xff\xd2"
                + b"\xc2" + struct.pack("<H", 4 * len(args)))
        self.memory.poke(stub_at, stub)
        return self._run_caller(stub_at, args)

    def call(self, name: str, *args: int) -> RunOutcome:
        """Call the 32-bit ntdll's own stub for `name`."""
        return self._run_caller(self.machine.created.modules32["ntdll.dll"].exports[name], args)

    def _run_caller(self, target: int, args: tuple[int, ...]) -> RunOutcome:
        code = bytearray()
        for a in reversed(args):
            code += b"\x68" + struct.pack("<I", a & 0xFFFFFFFF)  # push imm32
        code += b"\xe8" + struct.pack("<i", target - (CODE + len(code) + 5))  # call target
        code += b"\xa3" + struct.pack("<I", STATUS)  # mov [STATUS], eax
        # jmp far 0x33:STOP64: the run stops there, in 64-bit mode, where the next run's return to user mode
        # begins, without ending the process (or closing its handles).
        code += b"\xea" + struct.pack("<IH", STOP64, 0x33)
        self.memory.poke(CODE, bytes(code))
        self.memory.poke(STOP64, b"\xeb\xfe")  # jmp $: never run (the run stops before it), and it ends the block
        area = self.machine.created.cpu_area
        self.memory.poke(area + 4 + CTX["Eip"], struct.pack("<I", CODE))
        self.memory.poke(STATUS, b"\xad\xde\xad\xde")
        outcome = self.machine.run(max_insns=1_000_000, timeout=self.timeout, stop_at=STOP64)
        if outcome.exit_status is not None:
            return outcome  # the call ended the process, or something faulted before the stop
        return RunOutcome(self.u32(STATUS), None, outcome.syscalls)

    def put(self, addr: int, data: bytes) -> int:
        self.memory.poke(addr, data)
        return addr

    def get(self, addr: int, size: int) -> bytes:
        return self.memory.peek(addr, size)

    def u32(self, addr: int) -> int:
        return struct.unpack("<I", self.get(addr, 4))[0]


def unicode_string32(rig: Wow64Rig, at: int, text: str) -> int:
    """A 32-bit UNICODE_STRING at `at`, its buffer right after it."""
    data = text.encode("utf-16-le")
    rig.put(at + 8, data)
    return rig.put(at, struct.pack("<HHI", len(data), len(data), at + 8))


def object_attributes32(rig: Wow64Rig, at: int, name_ptr: int, root: int = 0, length: int = 24,
                        attributes: int = 0x40) -> int:
    return rig.put(at, struct.pack("<IIIIII", length, root, name_ptr, attributes, 0, 0))
