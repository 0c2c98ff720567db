"""A seeded mutational fuzzer of PE images: programs run by the emulator, and DLLs loaded by a guest's LoadLibrary.

    python -m tests.fuzz [--count N] [--seed S] [--dll] [--width x86|x64] [--show]

Each mutant is a fixture image with some of its header fields, section table entries, data directories, imports,
exports or relocations changed (to boundary values, to values just past what they describe, to random ones), or
with random bytes changed, or cut short. It runs in this Python process, with a wall-clock alarm, and its outcome
is one of:
  ok         the emulator ran it to an exit status (the program's own, or an unhandled exception of the guest)
  rejected   a one-line error of the emulator (a malformed image), as a user would see it
  budget     it ran out of time or instructions (the guest looping is the guest's business)
and, for the failures:
  traceback  any other Python exception: what a user would see as "internal error"
  hang       the alarm went off in the emulator's own code
  memory     the run grew the host's memory past a bound
  crash      (DLLs) the guest's loader faulted instead of failing LoadLibrary with a status
The exit status is 1 when any mutant failed. tests/test_fuzz.py runs a few hundred in the test suite.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import random
import resource
import signal
import struct
import sys
import tempfile
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from wow64emu.errors import EmulatorError, GuestBudgetExceeded, GuestFault
from wow64emu.kernel.console import StdStreams
from wow64emu.loader.ldrdata import LDRP_PROCESS_ATTACH_CALLED
from wow64emu.machine import Machine

from .test_loader_guest import own_list

BIN = Path(__file__).resolve().parent.parent / "fixtures" / "bin"
FAILURES = ("traceback", "hang", "memory", "crash")
ALARM_SECONDS = 20  # the emulator's own time, per mutant; the guest's is bounded by the budget below
GUEST_SECONDS = 3
MEMORY_BOUND = 512 << 20  # growth of the peak host memory in one mutant's run
INTERESTING = (0, 1, 2, 0x7F, 0x80, 0xFF, 0x100, 0x1000, 0xFFFF, 0x10000, 0x7FFFFFFF, 0x80000000, 0xFFFFFFFF,
               0xFFFFFFFE, 0x7FFE0000, 0x7FFF0000)


@dataclass
class Outcome:
    kind: str
    detail: str


class Image:
    """The offsets of what a mutation may change in one PE file."""

    def __init__(self, data: bytes) -> None:
        self.data = data
        self.pe = struct.unpack_from("<I", data, 0x3C)[0]
        self.sections_count, self.optional_size = struct.unpack_from("<H12xH", data, self.pe + 6)
        self.optional = self.pe + 24
        self.is64 = struct.unpack_from("<H", data, self.optional)[0] == 0x20B
        self.directories = self.optional + (112 if self.is64 else 96)
        self.section_table = self.optional + self.optional_size

    def fields(self) -> list[tuple[int, int]]:
        """(offset, size) of every header field worth changing."""
        opt = self.optional
        out = [(0x3C, 4), (self.pe + 4, 2), (self.pe + 6, 2), (self.pe + 20, 2), (self.pe + 22, 2), (opt, 2),
               (opt + 16, 4), (opt + 32, 4), (opt + 36, 4), (opt + 56, 4), (opt + 60, 4),
               (opt + (108 if self.is64 else 92), 4), (opt + 70, 2)]
        out.append((opt + 24, 8) if self.is64 else (opt + 28, 4))  # ImageBase
        out += [(self.directories + 8 * i + k, 4) for i in range(16) for k in (0, 4)]
        for i in range(self.sections_count):
            entry = self.section_table + 40 * i
            out += [(entry + k, 4) for k in (8, 12, 16, 20, 36)]
        return out

    def rva_to_offset(self, rva: int) -> int | None:
        for i in range(self.sections_count):
            size, address, raw_size, raw = struct.unpack_from("<IIII", self.data, self.section_table + 40 * i + 8)
            if address <= rva < address + max(size, raw_size) and rva - address < raw_size:
                return raw + rva - address
        return None

    def directory_fields(self) -> list[tuple[int, int]]:
        """(offset, size) of the fields of the import, export, relocation and TLS data the directories point to."""
        out: list[tuple[int, int]] = []
        for index, width in ((0, 40), (1, 20), (5, 8), (9, 24)):
            rva, size = struct.unpack_from("<II", self.data, self.directories + 8 * index)
            offset = self.rva_to_offset(rva) if rva else None
            if offset is None:
                continue
            span = min(max(size, width), 0x200, len(self.data) - offset)
            out += [(offset + k, 4) for k in range(0, span - 3, 4)]
        return out


def mutate(original: bytes, rng: random.Random) -> bytes:
    data = bytearray(original)
    image = Image(original)
    targets = image.fields() + image.directory_fields()
    for _ in range(rng.choice((1, 1, 1, 2, 3))):
        how = rng.random()
        if how < 0.6:  # a field, to a value that tends to break assumptions
            offset, size = rng.choice(targets)
            current = int.from_bytes(data[offset:offset + size], "little")
            value = rng.choice((*INTERESTING, current + 1, current - 1, current + 0x1000, current * 2,
                                rng.getrandbits(32), len(data), len(data) + 1))
            data[offset:offset + size] = (value % (1 << (8 * size))).to_bytes(size, "little")
        elif how < 0.85:  # bytes anywhere
            for _ in range(rng.randint(1, 8)):
                data[rng.randrange(len(data))] = rng.randrange(256)
        elif how < 0.95:  # cut short
            del data[rng.randint(0x40, len(data) - 1):]
        else:  # longer
            data += bytes(rng.randint(1, 0x2000))
    return bytes(data)


@contextlib.contextmanager
def alarm(seconds: int) -> Iterator[None]:
    def ring(_signum: int, _frame: object) -> None:
        raise TimeoutError("the emulator's own code ran past the alarm")

    previous = signal.signal(signal.SIGALRM, ring)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def peak_rss() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


@dataclass
class Run:
    status: int
    printed: str
    fault_in: str | None  # what the region the guest faulted in holds (its VAD's name), if it faulted
    entry_called: bool  # whether the guest loader had called the DllMain of the module named mutant.dll


def run_one(program: Path, args: list[str], root: Path) -> Run:
    """One run, to its end; raises what the emulator raises."""
    streams = StdStreams(io.BytesIO(), io.BytesIO(), io.BytesIO())
    machine = Machine(program, args, root=root, streams=streams, memory_limit=256 << 20)
    outcome = machine.run(timeout=GUEST_SECONDS, max_insns=50_000_000)
    fault_in = None
    if outcome.fault is not None:
        region = machine.process.memory.region_at(outcome.fault.pc)
        fault_in = region.name if region is not None else "free memory"
    printed = streams.stdout.getvalue().decode(errors="replace")[:200]
    called = fault_in is not None and ("dll_plus:" in printed or entry_called(machine, fault_in))
    return Run((outcome.exit_status or 0) & 0xFFFFFFFF, printed, fault_in, called)


def entry_called(machine: Machine, fault_in: str) -> bool:
    """Whether the loader had called the mutant's DllMain (which prints "dll_plus: ..." when its code is whole): the
    loader enters its code there and nowhere else. Its image on the faulting thread's stack (a return address into
    it) tells too, where its code scribbled on the module list."""
    if fault_in.lower().endswith("mutant.dll") or _mutant_on_stack(machine):
        return True
    try:
        return any(e.base_name.lower() == "mutant.dll" and e.flags & LDRP_PROCESS_ATTACH_CALLED
                   for e in own_list(machine))
    except (AssertionError, EmulatorError, GuestFault, UnicodeDecodeError, struct.error):
        return False  # a module list the guest scribbled on


def _mutant_on_stack(machine: Machine) -> bool:
    memory = machine.process.memory
    mutant = [r for r in memory.regions() if r.name.lower().endswith("mutant.dll")]
    if not mutant:
        return False
    width = 4 if machine.process.wow64 else 8
    sp = machine.cpu.register("rsp") & (0xFFFFFFFF if width == 4 else 0xFFFFFFFFFFFFFFFF)
    stack = memory.region_at(sp)
    try:
        data = memory.peek(sp, min(0x2000, stack.end - sp)) if stack is not None else b""
    except (EmulatorError, GuestFault):
        return False
    count = len(data) // width  # a stack pointer the guest left unaligned leaves a tail
    values = struct.unpack(f"<{count}{'I' if width == 4 else 'Q'}", data[:count * width])
    return any(r.base <= v < r.end for v in values for r in mutant)


def classify(run: Callable[[], Outcome]) -> Outcome:
    before = peak_rss()
    try:
        with alarm(ALARM_SECONDS):
            outcome = run()
    except GuestBudgetExceeded as exc:
        outcome = Outcome("budget", str(exc))
    except EmulatorError as exc:
        outcome = Outcome("rejected", str(exc))
    except TimeoutError as exc:
        outcome = Outcome("hang", str(exc))
    except Exception as exc:  # noqa: BLE001 - any other exception is the finding
        outcome = Outcome("traceback", f"{type(exc).__name__}: {exc}")
    if peak_rss() - before > MEMORY_BOUND:
        outcome = Outcome("memory", f"peak host memory grew by {(peak_rss() - before) >> 20} MB")
    return outcome


def fuzz_program(data: bytes, width: str, root: Path) -> Outcome:
    program = root / "mutant.exe"
    program.write_bytes(data)

    def run() -> Outcome:
        run = run_one(program, [], root / "c")
        return Outcome("ok", f"exit 0x{run.status:x}{f' (exception in {run.fault_in})' if run.fault_in else ''}")
    return classify(run)


def fuzz_dll(data: bytes, width: str, root: Path) -> Outcome:
    drive = root / "c"
    drive.mkdir(exist_ok=True)
    (drive / "mutant.dll").write_bytes(data)

    def run() -> Outcome:
        run = run_one(BIN / width / "loadlib.exe", ["load:C:\\mutant.dll"], drive)
        # The mutant's code, relocations and imports may be mutated too: a fault once the loader called its
        # DllMain is the DLL's doing, as it would be on Windows.
        if run.entry_called:
            return Outcome("ok", f"the DLL's own code faulted (0x{run.status:x} in {run.fault_in})")
        if run.status != 0:
            return Outcome("crash", f"loadlib.exe ended 0x{run.status:x} (in {run.fault_in}): {run.printed!r}")
        return Outcome("ok", run.printed.strip())
    return classify(run)


def seeds(dll: bool, width: str) -> bytes:
    return (BIN / width / ("dll_plus.dll" if dll else "hello.exe")).read_bytes()


def fuzz(count: int, seed: int, dll: bool, width: str, report: Callable[[int, Outcome], None]) -> Counter[str]:
    rng = random.Random(seed)
    original = seeds(dll, width)
    tally: Counter[str] = Counter()
    with tempfile.TemporaryDirectory(prefix="wow64emu-fuzz-") as tmp:
        for i in range(count):
            root = Path(tmp) / str(i)
            (root / "c").mkdir(parents=True)
            mutant = mutate(original, rng)
            outcome = (fuzz_dll if dll else fuzz_program)(mutant, width, root)
            tally[outcome.kind] += 1
            if outcome.kind in FAILURES:
                (Path(tmp).parent / f"wow64emu-fuzz-{seed}-{i}.{'dll' if dll else 'exe'}").write_bytes(mutant)
            report(i, outcome)
    return tally


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=200)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--dll", action="store_true", help="mutate a DLL and load it with LoadLibrary")
    parser.add_argument("--width", choices=("x86", "x64"), default="x86")
    parser.add_argument("--show", action="store_true", help="print every outcome, not only the failures")
    ns = parser.parse_args(argv)

    def report(i: int, outcome: Outcome) -> None:
        if ns.show or outcome.kind in FAILURES:
            print(f"{i:6} {outcome.kind:<9} {outcome.detail}", flush=True)

    tally = fuzz(ns.count, ns.seed, ns.dll, ns.width, report)
    print("  ".join(f"{kind} {n}" for kind, n in sorted(tally.items())))
    return 1 if any(tally[kind] for kind in FAILURES) else 0


if __name__ == "__main__":
    sys.exit(main())
