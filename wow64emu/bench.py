"""`wow64emu bench`: what the WoW64 path costs, measured side by side in one run.

- Per system call, through the thunks (the 32-bit build of fixtures/bin/*/bench.exe) and natively (its 64-bit
  build), for calls of four shapes; each figure is (time of N calls - time of 0 calls) / N, best of R runs, so
  process start-up is subtracted.
- Per exception: an access violation dispatched to a vectored handler of the guest and continued, in both widths
  (`bench fault N`, N = calls / 20).
- The WoW64 path of a call split into stages, from a run whose hooks are timed (the timing adds a little to each).
- A traced system call (`--trace syscalls`, JSONL to a file) against the same call untraced, in both widths.
- The speed of 32-bit guest code: a 4-instruction loop, under wow64emu with and without `--trace syscalls`, and
  the same instructions under a bare Unicorn.
- Memory management as allocations grow: the cost of one VirtualAlloc (with its VirtualFree) through WoW64 when
  1,000 and when 8,000 allocations are live, and the time of 8,000 allocations and frees.
- The C runtime: 100,000 lines formatted by fprintf into a file, 32-bit against 64-bit; the start-up of the
  printf hello world in both widths against that of hello.exe (wall clock, in a fresh interpreter each), and both
  against the floor of any Python emulator on Unicorn: the interpreter importing unicorn and opening one Uc.
- With a Python interpreter that has speakeasy installed (it needs unicorn 1.x, so it lives in its own
  environment): fixtures/bin/x86/k32loop.exe (20000 kernel32 calls) under both, start-up included.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path

from unicorn import UC_ARCH_X86, UC_MODE_32, UC_PROT_ALL, Uc
from unicorn.x86_const import UC_X86_REG_EDX

from .emu.cpu.uclib import RegisterBatch, VectorBatch
from .emu.cpu.unicorn import UnicornCpu
from .emu.trace import TextSink, Tracer
from .emu.tracejsonl import JsonlSink
from .errors import EmulatorError
from .kernel.console import StdStreams
from .kernel.entry import SyscallEntry
from .kernel.services import ServiceTable
from .machine import Machine
from .thunks.dispatch import Wow64Dispatcher

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "bin"
CALLS = {
    "none": "NtGetCurrentProcessorNumber (no argument)",
    "qpc": "NtQueryPerformanceCounter (pointers, same layout)",
    "close": "NtClose (one scalar: a handle)",
    "open": "NtOpenFile (OBJECT_ATTRIBUTES in, handle and IOSB out)",
    "query": "NtQueryInformationFile (IO_STATUS_BLOCK out)",
}
CROSSING_CALLS = 200  # calls of a counted run (the counts do not vary with the machine)
SPIN_LOOP = bytes.fromhex("01c8" "83f155" "4a" "75f8")  # add eax, ecx; xor ecx, 0x55; dec edx; jnz: as bench.exe
SPIN_ITERATIONS = 25_000_000  # 100 M instructions: long enough that start-up noise does not matter


def _fixture(width: str, name: str) -> Path:
    path = FIXTURES / width / name
    if not path.is_file():
        raise EmulatorError(f"{path}: not found (the bench needs the repository's fixtures)")
    return path


def run_once(width: str, args: list[str], tracer: Tracer | None = None) -> tuple[float, int]:
    """Seconds the guest ran (process creation excluded) and the system calls it made."""
    elapsed, syscalls, _ = run_bench(width, args, tracer)
    return elapsed, syscalls


def run_bench(width: str, args: list[str], tracer: Tracer | None = None, program: str = "bench.exe",
              files: dict[str, Path] | None = None) -> tuple[float, int, str]:
    """run_once(), and what the program (bench.exe unless told) printed; `files` are copied into the C: drive
    first (name -> host file)."""
    streams = StdStreams(io.BytesIO(), io.BytesIO(), io.BytesIO())
    with tempfile.TemporaryDirectory(prefix="wow64emu-bench-") as root:
        for name, source in (files or {}).items():
            shutil.copyfile(source, Path(root) / name)
        machine = Machine(_fixture(width, program), args, root=Path(root), streams=streams, tracer=tracer)
        start = time.perf_counter()
        outcome = machine.run(timeout=600)
        elapsed = time.perf_counter() - start
    if outcome.exit_status != 0:
        raise EmulatorError(f"{program} {' '.join(args)} ({width}) exited with 0x{outcome.exit_status:x}")
    return elapsed, outcome.syscalls, streams.stdout.getvalue().decode()


def per_fault_us(width: str, faults: int, repeat: int) -> float:
    """One access violation dispatched to a vectored handler and continued, in microseconds."""
    empty = min(run_once(width, ["fault", "0"])[0] for _ in range(repeat))
    full = min(run_once(width, ["fault", str(faults)])[0] for _ in range(repeat))
    return (full - empty) / faults * 1e6


def per_switch_us(width: str, rounds: int, repeat: int) -> float:
    """One thread switch of a ping-pong through two auto-reset events (threads.exe pingpong: each round is a SetEvent
    and a wait on each side, two switches), in microseconds."""
    def seconds(n: int) -> float:
        return run_bench(width, ["pingpong", str(n)], program="threads.exe")[0]

    empty = min(seconds(0) for _ in range(repeat))
    full = min(seconds(rounds) for _ in range(repeat))
    return (full - empty) / (2 * rounds) * 1e6


def per_process_ms(width: str, count: int, repeat: int) -> float:
    """A process created and waited for, in milliseconds: spawn.exe of `width` starting the 64-bit childenv.exe,
    which sleeps 0 ms and exits, `count` times (CreateProcess, the loader's steps, the child's start-up and exit)."""
    child = {"child.exe": _fixture("x64", "childenv.exe")}

    def seconds(n: int) -> float:
        return run_bench(width, ["repeat", str(n), "C:\\child.exe", "sleep", "0"], program="spawn.exe",
                         files=child)[0]

    empty = min(seconds(0) for _ in range(repeat))
    full = min(seconds(count) for _ in range(repeat))
    return (full - empty) / count * 1e3


def per_call_side_by_side(mode: str, calls: int, repeat: int,
                          variants: tuple[tuple[str, bool], ...]) -> dict[tuple[str, bool], float]:
    """One call of bench.exe's `mode`, in microseconds, for each (width, traced) of `variants` (traced: with `--trace
    syscalls` in JSONL to a file), their runs interleaved: a ratio of two figures measured one after the other moves
    with the machine's speed between them (on a shared machine, the traced call's ratio moved between 4.0x and 5.7x
    so, and NtQueryInformationFile's through WoW64 between 1.1x and 1.7x)."""
    def run(width: str, traced: bool, n: int) -> tuple[float, int]:
        if not traced:
            return run_once(width, [mode, str(n)])
        with jsonl_trace() as tracer:
            return run_once(width, [mode, str(n)], tracer)

    runs: dict[tuple[str, bool, int], list[tuple[float, int]]] = {
        (width, traced, n): [] for width, traced in variants for n in (0, calls)}
    for _ in range(repeat):
        for key, done in runs.items():
            done.append(run(*key))
    figures = {}
    for width, traced in variants:
        empty, full = min(runs[(width, traced, 0)]), min(runs[(width, traced, calls)])
        figures[(width, traced)] = (full[0] - empty[0]) / (full[1] - empty[1]) * 1e6
    return figures


@contextlib.contextmanager
def jsonl_trace() -> Iterator[Tracer]:
    """A tracer writing JSONL to a temporary file, as `--trace-format jsonl --trace-out FILE` does."""
    with tempfile.TemporaryDirectory(prefix="wow64emu-bench-") as folder, \
            open(Path(folder) / "trace.jsonl", "w", encoding="utf-8") as out:
        tracer = Tracer(JsonlSink(out))
        try:
            yield tracer
        finally:
            tracer.close()


def traced_calls(calls: int, repeat: int) -> dict[str, dict[str, float]]:
    """Per width, NtQueryPerformanceCounter traced (JSONL to a file) and untraced, in microseconds, and their
    ratio: what leaving the trace on costs a call."""
    figures = {}
    for width in ("x86", "x64"):
        times = per_call_side_by_side("qpc", calls, repeat, ((width, True), (width, False)))
        traced, untraced = times[(width, True)], times[(width, False)]
        figures[width] = {"traced_us": traced, "untraced_us": untraced, "ratio": traced / untraced}
    return figures


# ---- stages ----------------------------------------------------------------------------------------------------

@contextlib.contextmanager
def timed_hooks(totals: dict[str, int]) -> Iterator[None]:
    """Time the Python parts of the path: wrap the hook methods of machines created inside the block. Each part
    counts its own time only: the kernel's service, which wow64's dispatch hook runs itself for a call it serves
    (thunks/dispatch.py), is not counted in the hook's time."""
    targets = [(Wow64Dispatcher, "_on_dispatch", "widening"), (Wow64Dispatcher, "_on_complete", "narrowing"),
               (SyscallEntry, "_on_syscall", "kernel entry and exit"), (ServiceTable, "dispatch", "kernel service")]
    saved = [(cls, name, getattr(cls, name)) for cls, name, _ in targets]
    inner: list[int] = []  # the time of the timed parts inside each timed part under way

    def timed(fn: Callable, key: str) -> Callable:
        def wrapper(*args):
            t = time.perf_counter_ns()
            inner.append(0)
            try:
                return fn(*args)
            finally:
                elapsed = time.perf_counter_ns() - t
                totals[key] = totals.get(key, 0) + elapsed - inner.pop()
                if inner:
                    inner[-1] += elapsed
        return wrapper

    for cls, name, key in targets:
        setattr(cls, name, timed(getattr(cls, name), key))
    try:
        yield
    finally:
        for cls, name, fn in saved:
            setattr(cls, name, fn)


def stages_us(mode: str, calls: int) -> dict[str, float]:
    """Microseconds per call spent in each stage of the WoW64 path (x86 build, one timed run each of 0 and N).
    "widening" is wow64's dispatch hook, which also narrows a call it serves itself; "narrowing" the completion
    hook, which runs only for a call served through the 64-bit stub's `syscall`."""
    runs = []
    for n in (0, calls):
        totals: dict[str, int] = {}
        with timed_hooks(totals):
            elapsed, syscalls = run_once("x86", [mode, str(n)])
        runs.append((elapsed * 1e9, syscalls, totals))
    (t0, s0, a0), (t1, s1, a1) = runs
    per = {key: (a1.get(key, 0) - a0.get(key, 0)) / (s1 - s0) / 1000 for key in
           ("widening", "kernel entry and exit", "kernel service", "narrowing")}
    total = (t1 - t0) / (s1 - s0) / 1000
    return {"gate and guest code": total - sum(per.values()), **per, "total": total}


@contextlib.contextmanager
def counted_crossings(counts: dict[str, int]) -> Iterator[None]:
    """Count, in machines created inside the block, the entries into Python from Unicorn (every hook: the SYSCALL
    instruction, code and block hooks, interrupts) and the calls from Python into Unicorn (its binding's methods
    and the register batches of emu/cpu/uclib.py)."""
    def counting(fn: Callable, key: str) -> Callable:
        def wrapper(*args, **kwargs):
            counts[key] = counts.get(key, 0) + 1
            return fn(*args, **kwargs)
        return wrapper

    def raw_hook(self, kind, callback_type, fn, *args, **kwargs):  # noqa: ANN001, ANN202 - UnicornCpu._raw_hook's
        return saved_raw_hook(self, kind, callback_type, counting(fn, "entries"), *args, **kwargs)

    def hook_add(self, kind, fn, *args, **kwargs):  # noqa: ANN001, ANN202 - the binding's Uc.hook_add
        return saved_hook_add(self, kind, counting(fn, "entries"), *args, **kwargs)

    saved_raw_hook, saved_hook_add = UnicornCpu._raw_hook, Uc.hook_add
    binding = [(cls, name) for cls in (RegisterBatch, VectorBatch) for name in ("read", "write")] + [
        (Uc, name) for name in ("reg_read", "reg_write", "reg_read_batch", "reg_write_batch", "mem_read", "mem_write",
                                "mem_protect", "emu_stop", "ctl", "ctl_remove_cache", "ctl_flush_tb", "context_save",
                                "context_restore")]
    saved = [(cls, name, getattr(cls, name)) for cls, name in binding]
    for cls, name, fn in saved:
        setattr(cls, name, counting(fn, "binding"))
    UnicornCpu._raw_hook, Uc.hook_add = raw_hook, hook_add
    try:
        yield
    finally:
        for cls, name, fn in saved:
            setattr(cls, name, fn)
        UnicornCpu._raw_hook, Uc.hook_add = saved_raw_hook, saved_hook_add


def crossings(width: str, mode: str, calls: int) -> dict[str, float]:
    """Per call of bench.exe's `mode`: the entries into Python and the calls into Unicorn (counted_crossings), from
    runs of 0 and `calls` calls (after a run uncounted: the first machine of a process does work once)."""
    run_once(width, [mode, "0"])
    runs = []
    for n in (0, calls):
        counts: dict[str, int] = {}
        with counted_crossings(counts):
            _, syscalls = run_once(width, [mode, str(n)])
        runs.append((syscalls, counts))
    (s0, c0), (s1, c1) = runs
    return {key: (c1.get(key, 0) - c0.get(key, 0)) / (s1 - s0) for key in ("entries", "binding")}


# ---- allocation scaling -------------------------------------------------------------------------------------

TIMED_PAIRS = 500  # bench.exe alloc N: the pairs it times with N allocations live
QPC_TICKS_PER_US = 10


def allocation_scaling(repeat: int) -> dict[str, float]:
    """Microseconds per VirtualAlloc and VirtualFree of one page (x86, through WoW64) when 1,000 and when 8,000
    allocations are live, timed by the guest itself; their ratio; and the seconds of the whole run of 8,000
    allocations and frees (with the 500 timed pairs)."""
    def pair_us(live: int) -> float:
        ticks = [int(run_bench("x86", ["alloc", str(live)])[2].split()[2]) for _ in range(repeat)]
        return min(ticks) / QPC_TICKS_PER_US / TIMED_PAIRS

    def seconds(n: int) -> float:
        return min(run_once("x86", ["alloc", str(n)])[0] for _ in range(repeat))

    low, high = pair_us(1000), pair_us(8000)
    return {"us_at_1000": low, "us_at_8000": high, "ratio": high / low, "seconds_8000": seconds(8000) - seconds(0)}


# ---- guest code speed --------------------------------------------------------------------------------------------

def bare_loop(iterations: int) -> tuple[Uc, float]:
    """The same four instructions in a bare Unicorn in 32-bit mode: the CPU afterwards, and the seconds it took."""
    uc = Uc(UC_ARCH_X86, UC_MODE_32)
    uc.mem_map(0x10000, 0x1000, UC_PROT_ALL)
    uc.mem_write(0x10000, SPIN_LOOP)
    uc.reg_write(UC_X86_REG_EDX, iterations)
    start = time.perf_counter()
    uc.emu_start(0x10000, 0x10000 + len(SPIN_LOOP))
    return uc, time.perf_counter() - start


def guest_speed(iterations: int, repeat: int) -> dict[str, float]:
    """Instructions per second of the spin loop: bare Unicorn, wow64emu, wow64emu with a trace."""
    def loop_seconds(tracer_factory: Callable[[], Tracer | None]) -> float:
        empty = min(run_once("x86", ["spin", "0"], tracer_factory())[0] for _ in range(repeat))
        full = min(run_once("x86", ["spin", str(iterations)], tracer_factory())[0] for _ in range(repeat))
        return full - empty

    instructions = 4 * iterations
    bare = min(bare_loop(iterations)[1] for _ in range(repeat))
    with open(os.devnull, "w", encoding="utf-8") as devnull:
        plain = loop_seconds(lambda: None)
        traced = loop_seconds(lambda: Tracer(TextSink(devnull)))
    return {"unicorn": instructions / bare, "wow64emu": instructions / plain, "wow64emu traced": instructions / traced}


# ---- against speakeasy -------------------------------------------------------------------------------------------

_SPEAKEASY_SCRIPT = """
import json, sys, time
from importlib import resources
import speakeasy
cfg = json.loads((resources.files("speakeasy") / "configs" / "default.json").read_text())
cfg["max_api_count"] = 10_000_000
cfg["timeout"] = 600
se = speakeasy.Speakeasy(config=cfg)
se.run_module(se.load_module(sys.argv[1]), all_entrypoints=False)
"""


def wall_seconds(cmd: list[str]) -> float:
    """Wall-clock seconds of a command, in an environment that lets Python keep its bytecode (as an installed
    package has it), so that start-up is measured as users see it and not as a recompilation of every module."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    start = time.perf_counter()
    done = subprocess.run(cmd, capture_output=True, timeout=900, env=env)
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        raise EmulatorError(f"{' '.join(cmd[:3])}...: exit code {done.returncode}: "
                            f"{done.stderr.decode(errors='replace').strip().splitlines()[-1:]}")
    return elapsed


def against_speakeasy(python: str, repeat: int) -> dict[str, float]:
    """Wall-clock seconds, start-up included, of k32loop.exe under wow64emu and under speakeasy."""
    exe = str(FIXTURES / "x86" / "k32loop.exe")
    ours_cmd = [sys.executable, "-m", "wow64emu", "run", exe]
    theirs_cmd = [python, "-c", _SPEAKEASY_SCRIPT, exe]
    wall_seconds(ours_cmd)  # a first run of each, to warm caches
    wall_seconds(theirs_cmd)
    ours = min(wall_seconds(ours_cmd) for _ in range(repeat))
    theirs = min(wall_seconds(theirs_cmd) for _ in range(repeat))
    return {"wow64emu_s": ours, "speakeasy_s": theirs, "ratio": theirs / ours}


# ---- the C runtime ------------------------------------------------------------------------------------------------

CRT_LINES = 100_000
FLOOR_COMMAND = "import unicorn; unicorn.Uc(unicorn.UC_ARCH_X86, unicorn.UC_MODE_64)"  # any emulator on Unicorn
STARTUP_ROUNDS = 10


def crt_figures(lines: int, repeat: int) -> dict[str, float]:
    """The C runtime under load and at start-up: crt_lines.exe writing `lines` formatted lines through fprintf into
    a file, 32-bit through WoW64 against its 64-bit build (seconds the guest ran, best of `repeat`); and the
    wall-clock start-up of the printf hello world (crt_hello.exe, mingw-w64's own start-up over msvcrt.dll) in both
    widths against that of hello.exe (no C runtime), and each against the floor (FLOOR_COMMAND)."""
    figures = {"lines": lines}
    for width in ("x86", "x64"):
        figures[f"lines_{width}_s"] = min(run_bench(width, [str(lines)], program="crt_lines.exe")[0]
                                          for _ in range(repeat))
    figures["lines_ratio"] = figures["lines_x86_s"] / figures["lines_x64_s"]
    commands = {name: [sys.executable, "-m", "wow64emu", "run", str(_fixture(width, exe))]
                for name, width, exe in (("hello", "x86", "hello.exe"), ("crt_hello_x86", "x86", "crt_hello.exe"),
                                         ("crt_hello_x64", "x64", "crt_hello.exe"))}
    commands["floor"] = [sys.executable, "-c", FLOOR_COMMAND]
    # Interleaved, one run of each per round, so that a burst of load on the machine falls on all of them alike; at
    # least STARTUP_ROUNDS rounds: a start is a tenth of a second, and the best of three of them is mostly noise.
    times: dict[str, list[float]] = {name: [] for name in commands}
    figures["startup_rounds"] = rounds = max(repeat, STARTUP_ROUNDS)
    for _ in range(rounds + 1):  # the first round warms the caches
        for name, cmd in commands.items():
            times[name].append(wall_seconds(cmd))
    for name, runs in times.items():
        figures[f"{name}_startup_s"] = min(runs[1:])
    figures["crt_startup_ratio"] = figures["crt_hello_x86_startup_s"] / figures["hello_startup_s"]
    for name in ("hello", "crt_hello_x86", "crt_hello_x64"):
        figures[f"{name}_floor_ratio"] = figures[f"{name}_startup_s"] / figures["floor_startup_s"]
    return figures


# ---- the command -------------------------------------------------------------------------------------------------

def run(calls: int, repeat: int, speakeasy_python: str | None) -> dict:
    results: dict = {"calls": calls, "repeat": repeat, "per_call": {}}
    for mode, what in CALLS.items():
        times = per_call_side_by_side(mode, calls, repeat, (("x86", False), ("x64", False)))
        wow64, native = times[("x86", False)], times[("x64", False)]
        results["per_call"][mode] = {"call": what, "wow64_us": wow64, "native_us": native, "ratio": wow64 / native,
                                     "crossings": {w: crossings(w, mode, CROSSING_CALLS) for w in ("x86", "x64")}}
    faults = max(calls // 20, 1)
    wow64, native = per_fault_us("x86", faults, repeat), per_fault_us("x64", faults, repeat)
    results["per_fault"] = {"faults": faults, "wow64_us": wow64, "native_us": native, "ratio": wow64 / native}
    rounds = max(calls // 2, 100)  # enough switches to stand above the noise of process creation
    wow64, native = per_switch_us("x86", rounds, repeat), per_switch_us("x64", rounds, repeat)
    results["per_switch"] = {"rounds": rounds, "wow64_us": wow64, "native_us": native, "ratio": wow64 / native}
    count = max(calls // 1000, 5)
    wow64, native = per_process_ms("x86", count, repeat), per_process_ms("x64", count, repeat)
    results["per_process"] = {"processes": count, "wow64_ms": wow64, "native_ms": native, "ratio": wow64 / native}
    results["stages_us"] = {mode: stages_us(mode, calls) for mode in ("qpc", "open")}
    results["traced"] = traced_calls(calls, repeat)
    results["allocation"] = allocation_scaling(repeat)
    results["guest_instructions_per_s"] = guest_speed(SPIN_ITERATIONS, repeat)
    results["crt"] = crt_figures(CRT_LINES if calls >= 20000 else max(calls * 5, 100), repeat)
    if speakeasy_python:
        results["speakeasy"] = against_speakeasy(speakeasy_python, repeat)
    return results


def render(r: dict) -> str:
    out = [f"wow64emu bench: {r['calls']} calls each, best of {r['repeat']}, start-up subtracted", "",
           f"{'system call':<58} {'WoW64 us':>9} {'native us':>10} {'ratio':>7}   entries  binding calls",
           f"{'':<58} {'':>9} {'':>10} {'':>7}   (into Python, into Unicorn, per call: WoW64 / native)"]
    for row in r["per_call"].values():
        w, n = row["crossings"]["x86"], row["crossings"]["x64"]
        out.append(f"{row['call']:<58} {row['wow64_us']:>9.2f} {row['native_us']:>10.2f} {row['ratio']:>6.2f}x"
                   f"   {w['entries']:.1f} / {n['entries']:.1f}    {w['binding']:.1f} / {n['binding']:.1f}")
    f = r["per_fault"]
    out.append(f"{'an access violation to a vectored handler, continued':<58} {f['wow64_us']:>9.2f} "
               f"{f['native_us']:>10.2f} {f['ratio']:>6.2f}x")
    s = r["per_switch"]
    out.append(f"{'a thread switch (an event ping-pong between two threads)':<58} {s['wow64_us']:>9.2f} "
               f"{s['native_us']:>10.2f} {s['ratio']:>6.2f}x")
    p = r["per_process"]
    out += ["", f"{'a process created and waited for (a 64-bit child)':<58} {'WoW64 ms':>9} {'native ms':>10}",
            f"{'  by a 32-bit parent (WoW64) / a 64-bit parent (native)':<58} {p['wow64_ms']:>9.2f} "
            f"{p['native_ms']:>10.2f} {p['ratio']:>6.2f}x"]
    for mode, stages in r["stages_us"].items():
        out += ["", f"the WoW64 path of {CALLS[mode].split(' ')[0]}, by stage (us per call, timed hooks):"]
        out += [f"  {name:<24} {0.0 if abs(value) < 0.005 else value:>7.2f}" for name, value in stages.items()]
    out += ["", "NtQueryPerformanceCounter traced (--trace syscalls, JSONL to a file), us per call:"]
    for width, t in r["traced"].items():
        out.append(f"  {'32-bit, through WoW64' if width == 'x86' else '64-bit, native':<26} {t['traced_us']:>8.2f} "
                   f"traced, {t['untraced_us']:.2f} untraced  ({t['ratio']:.1f}x)")
    a = r["allocation"]
    out += ["", "VirtualAlloc and VirtualFree of one page (x86, through WoW64), as allocations grow:",
            f"  {'with 1,000 live':<26} {a['us_at_1000']:>8.1f} us",
            f"  {'with 8,000 live':<26} {a['us_at_8000']:>8.1f} us  ({a['ratio']:.2f}x)",
            f"  {'8,000 of them, and frees':<26} {a['seconds_8000']:>8.2f} s"]
    speed = r["guest_instructions_per_s"]
    out += ["", "32-bit guest code (a 4-instruction loop):",
            f"  {'bare Unicorn':<26} {speed['unicorn'] / 1e6:>8.1f} M instructions/s",
            f"  {'wow64emu':<26} {speed['wow64emu'] / 1e6:>8.1f} M instructions/s"
            f"  ({speed['wow64emu'] / speed['unicorn']:.2f} of bare Unicorn)",
            f"  {'wow64emu --trace syscalls':<26} {speed['wow64emu traced'] / 1e6:>8.1f} M instructions/s"
            f"  ({speed['wow64emu traced'] / speed['wow64emu']:.2f} of untraced)"]
    c = r["crt"]
    out += ["", f"the C runtime: {c['lines']:,} lines through fprintf into a file (crt_lines.exe):",
            f"  {'32-bit, through WoW64':<26} {c['lines_x86_s']:>8.2f} s",
            f"  {'64-bit, native':<26} {c['lines_x64_s']:>8.2f} s  (WoW64 {c['lines_ratio']:.2f}x)",
            f"start-up, wall clock (python -m wow64emu run ..., best of {c['startup_rounds']} interleaved rounds):",
            f"  {'the floor (unicorn + Uc)':<26} {c['floor_startup_s'] * 1e3:>8.0f} ms  (python -c '{FLOOR_COMMAND}')",
            f"  {'hello.exe (no C runtime)':<26} {c['hello_startup_s'] * 1e3:>8.0f} ms"
            f"  ({c['hello_floor_ratio']:.2f}x the floor)",
            f"  {'crt_hello.exe, 32-bit':<26} {c['crt_hello_x86_startup_s'] * 1e3:>8.0f} ms"
            f"  ({c['crt_hello_x86_floor_ratio']:.2f}x the floor, {c['crt_startup_ratio']:.2f}x hello.exe)",
            f"  {'crt_hello.exe, 64-bit':<26} {c['crt_hello_x64_startup_s'] * 1e3:>8.0f} ms"
            f"  ({c['crt_hello_x64_floor_ratio']:.2f}x the floor)"]
    if "speakeasy" in r:
        s = r["speakeasy"]
        out += ["", "k32loop.exe, 20000 kernel32 calls, start-up included:",
                f"  {'wow64emu':<12} {s['wow64emu_s']:>7.2f} s",
                f"  {'speakeasy':<12} {s['speakeasy_s']:>7.2f} s   wow64emu is {s['ratio']:.1f}x faster"]
    return "\n".join(out)


def main(calls: int, repeat: int, json_out: Path | None, speakeasy_python: str | None) -> int:
    results = run(calls, repeat, speakeasy_python)
    print(render(results))
    if json_out is not None:
        json_out.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    return 0
