"""The cost of the WoW64 path: the same system-call loop as a 32-bit program (thunked) and a 64-bit one (native).

Runs fixtures/bin/{x86,x64}/loop.exe side by side in one process, each with N calls of QueryPerformanceCounter
(one NtQueryPerformanceCounter each) and with 0 calls; the difference divided by the number of extra system calls
is the cost of one call with start-up subtracted. The best of several repetitions is kept.

    python benchmarks/thunk_overhead.py [--calls N] [--repeat R] [--json FILE]
"""

from __future__ import annotations

import argparse
import io
import json
import tempfile
import time
from pathlib import Path

from wow64emu.emu.machine import Machine
from wow64emu.emu.process import StdStreams

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "bin"


def run_once(program: Path, calls: int) -> tuple[float, int]:
    """Seconds spent running the guest (process creation excluded) and the system calls it made."""
    streams = StdStreams(io.BytesIO(), io.BytesIO(), io.BytesIO())
    with tempfile.TemporaryDirectory() as root:
        machine = Machine(program, [str(calls)], root=Path(root), streams=streams)
        start = time.perf_counter()
        outcome = machine.run()
        elapsed = time.perf_counter() - start
    if outcome.exit_status != 0:
        raise SystemExit(f"{program} exited with {outcome.exit_status:#x}")
    return elapsed, outcome.syscalls


def per_call_us(program: Path, calls: int, repeat: int) -> float:
    base = min(run_once(program, 0) for _ in range(repeat))
    full = min(run_once(program, calls) for _ in range(repeat))
    return (full[0] - base[0]) / (full[1] - base[1]) * 1e6


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=20000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--json", type=Path)
    ns = parser.parse_args()
    wow64 = per_call_us(FIXTURES / "x86" / "loop.exe", ns.calls, ns.repeat)
    native = per_call_us(FIXTURES / "x64" / "loop.exe", ns.calls, ns.repeat)
    print(f"NtQueryPerformanceCounter, {ns.calls} calls, best of {ns.repeat}, start-up subtracted")
    print(f"  32-bit through WoW64 : {wow64:8.2f} us/call")
    print(f"  64-bit native        : {native:8.2f} us/call")
    print(f"  ratio                : {wow64 / native:8.2f}x")
    if ns.json:
        ns.json.write_text(json.dumps({"calls": ns.calls, "wow64_us": wow64, "native_us": native,
                                       "ratio": wow64 / native}, indent=2) + "\n")


if __name__ == "__main__":
    main()
