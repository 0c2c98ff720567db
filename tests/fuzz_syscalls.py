"""A seeded fuzzer of system-call arguments: every served call, with arguments drawn from boundary values, pointers
into a scratch block (refilled before each call with zeros or random bytes, pointers back into itself, small
lengths, and a UNICODE_STRING and OBJECT_ATTRIBUTES naming files, devices and objects), small handle values and
random numbers, through the kernel's service table as the 64-bit `syscall` reaches it.

    python -m tests.fuzz_syscalls [--count N] [--seed S] [--native | --path32]

A call must end in a status, or in the emulator's own one-line error (a wait nothing can end, a budget); any other
exception, a call that runs past an alarm or one that takes more than a second is a failure. NtTerminateProcess is
left out (it would end the process the next calls need). The exit status is 1 when a call failed.
tests/test_fuzz.py runs a few thousand calls in the test suite.
"""

from __future__ import annotations

import argparse
import logging
import random
import struct
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from tests.conftest import KernelRig, kernel_rig
from tests.fuzz import Outcome, alarm
from tests.wow64rig import DATA, Wow64Rig
from wow64emu.emu.memory import MemType, Prot
from wow64emu.errors import EmulatorError
from wow64emu.nt.syscalls import Syscall, syscalls

BLOCK = 0x30000000  # the scratch block the pointers point into (the 32-bit path: the rig's data page)
BLOCK_SIZE = 0x10000
SLOW = 1.0  # seconds: a call that takes longer is a finding
LEFT_OUT = {"NtTerminateProcess"}
VALUES = (0, 1, 2, 4, 8, 0x10, 0x40, 0x80, 0x100, 0x1000, 0xFFFF, 0x10000, 0x7FFFFFFF, 0x80000000, 0xFFFFFFFF,
          0xFFFFFFFFFFFFFFFF, 0xFFFFFFFFFFFFFFFE, 0x7FFE0000, 0x7FFE0010, 0x7FFFFFFF0000, 1 << 47, 1 << 63)
NAMES = ("\\??\\C:\\f", "\\??\\C:\\", "\\BaseNamedObjects\\x", "\\??\\NUL", "\\??\\C:\\d\\", "x", "\\",
         "\\??\\CON", "\\??\\C:\\..\\..", "\\Device\\HarddiskVolume1\\f", "\\Registry\\Machine\\Software",
         "\\REGISTRY\\USER\\S-1-5-21-1004336348-1177238915-682003330-1001\\Software")


class Fuzzer:
    """Calls through the kernel's service table, as a 64-bit `syscall` reaches it."""

    block = BLOCK
    width = 64

    def __init__(self, root: Path, seed: int, wow64: bool) -> None:
        self.rng = random.Random(seed)
        self.root = root
        self.wow64 = wow64
        self.rig = self._new_rig()
        self.calls = [s for s in syscalls() if s.name not in LEFT_OUT and self._callable(s)]

    def _new_rig(self) -> KernelRig | Wow64Rig:
        rig = kernel_rig(self.root, wow64=self.wow64)
        rig.process.memory.map_committed(BLOCK, BLOCK_SIZE, MemType.PRIVATE, Prot.READWRITE, "fuzz")
        return rig

    def _callable(self, call: Syscall) -> bool:
        return self.rig.process.system.services.lookup(call.number) is not None

    def _call(self, name: str, args: list[int]) -> int:
        rig = self.rig
        assert isinstance(rig, KernelRig)
        rig.system.deadline = time.monotonic() + SLOW / 2  # what a wait may take
        try:
            return rig.call(name, *args)
        finally:
            rig.thread.wait = None

    def argument(self) -> int:
        rng = self.rng
        roll = rng.random()
        if roll < 0.35:
            value = rng.choice(VALUES)
        elif roll < 0.6:
            value = self.block + rng.randrange(0, BLOCK_SIZE - 0x100, rng.choice((1, 4, 8, 16)))
        elif roll < 0.7:
            value = self.block + rng.choice((0x100, 0x140))  # the UNICODE_STRING, the OBJECT_ATTRIBUTES
        elif roll < 0.8:
            value = rng.randrange(4, 0x400, 4)  # a handle, maybe
        else:
            value = rng.getrandbits(rng.choice((8, 16, 32, 64)))
        return value & ((1 << self.width) - 1)

    def refill(self) -> None:
        rng = self.rng
        block = bytearray(rng.randbytes(BLOCK_SIZE) if rng.random() < 0.3 else BLOCK_SIZE)
        pointer = "<Q" if self.width == 64 else "<I"
        for _ in range(200):
            value = rng.choice((self.block + rng.randrange(0, BLOCK_SIZE, 8), rng.randrange(0, 0x200), 0x30, 0x18,
                                rng.choice(VALUES)))
            struct.pack_into(pointer, block, rng.randrange(0, BLOCK_SIZE - 8, 8), value & ((1 << self.width) - 1))
        name = rng.choice(NAMES).encode("utf-16-le")
        block[0x200:0x200 + len(name)] = name
        if self.width == 64:
            struct.pack_into("<HHIQ", block, 0x100, len(name), len(name) + 2, 0, self.block + 0x200)
            struct.pack_into("<IIQQIIQQ", block, 0x140, 48, 0, 0, self.block + 0x100, 0x40, 0, 0, 0)
        else:
            struct.pack_into("<HHI", block, 0x100, len(name), len(name) + 2, self.block + 0x200)
            struct.pack_into("<IIIIII", block, 0x140, 24, 0, self.block + 0x100, 0x40, 0, 0)
        self.rig.process.memory.poke(self.block, bytes(block))

    def one(self) -> tuple[Syscall, list[int], Outcome]:
        call = self.rng.choice(self.calls)
        args = [self.argument() for _ in call.params]
        self.refill()
        began = time.monotonic()
        try:
            with alarm(5):
                outcome = Outcome("ok", f"0x{self._call(call.name, args) & 0xFFFFFFFF:08x}")
        except EmulatorError as exc:
            outcome = Outcome("ok", str(exc))
        except TimeoutError:
            outcome = Outcome("hang", "past the alarm")
        except Exception as exc:  # noqa: BLE001 - any other exception is the finding
            outcome = Outcome("traceback", f"{type(exc).__name__}: {exc}")
        if outcome.kind == "ok" and time.monotonic() - began > SLOW:
            outcome = Outcome("slow", f"{time.monotonic() - began:.1f} s")
        if self.rig.process.exit_status is not None:
            self.rig = self._new_rig()
        return call, args, outcome


class Wow64PathFuzzer(Fuzzer):
    """Calls made by 32-bit code through the 32-bit ntdll's stubs: the gate, wow64.dll's widening and hand-written
    parts, the 64-bit stub, the kernel, and the narrowing back (tests/wow64rig.py)."""

    block = DATA
    width = 32

    def _new_rig(self) -> Wow64Rig:
        return Wow64Rig(self.root, timeout=0.05)  # a wait ends soon: what a call costs is its own work

    def _callable(self, call: Syscall) -> bool:
        rig = self.rig
        assert isinstance(rig, Wow64Rig)
        return call.name in rig.machine.created.modules32["ntdll.dll"].exports

    def _call(self, name: str, args: list[int]) -> int:
        rig = self.rig
        assert isinstance(rig, Wow64Rig)
        outcome = rig.call(name, *args)
        return outcome.exit_status or 0


def fuzz(count: int, seed: int, wow64: bool, report: Callable[[str], None], *, path32: bool = False) -> int:
    """The number of calls that failed. `path32`: made by 32-bit code through WoW64 (slower: a run each)."""
    failed = 0
    with tempfile.TemporaryDirectory(prefix="wow64emu-fuzz-syscalls-") as tmp:
        fuzzer = Wow64PathFuzzer(Path(tmp), seed, True) if path32 else Fuzzer(Path(tmp), seed, wow64)
        for i in range(count):
            call, args, outcome = fuzzer.one()
            if outcome.kind != "ok":
                failed += 1
                report(f"{i:6} {outcome.kind:<9} {call.name}({', '.join(hex(a) for a in args)}): {outcome.detail}")
    return failed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=5000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--native", action="store_true", help="a 64-bit process's calls (default: a WoW64 one's)")
    parser.add_argument("--path32", action="store_true", help="made by 32-bit code, through wow64.dll's thunks")
    ns = parser.parse_args(argv)
    logging.getLogger("wow64emu").setLevel(logging.ERROR)  # the kernel's warnings of what it does not serve
    failed = fuzz(ns.count, ns.seed, not ns.native, print, path32=ns.path32)
    print(f"{ns.count} calls, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
