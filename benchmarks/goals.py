"""The speed goals of the project, checked with `wow64emu bench` figures measured side by side in one run.

    python benchmarks/goals.py [--speakeasy PYTHON] [--calls N]

Exits 1 when a goal is missed. Timing goals live here, never in the tests: CI machines vary.
"""

from __future__ import annotations

import argparse
import os
import sys

from wow64emu.bench import render, run

GOALS = [
    ("a thunked NtQueryPerformanceCounter costs at most 10 us",
     lambda r: r["per_call"]["qpc"]["wow64_us"] <= 10.0),
    ("... and at most 2x the native 64-bit call",
     lambda r: r["per_call"]["qpc"]["ratio"] <= 2.0),
    ("every call of the bench's set costs at most 1.3x its native twin through WoW64",
     lambda r: all(row["ratio"] <= 1.3 for row in r["per_call"].values())),
    ("... entering Python once and calling into Unicorn at most twice, as the native call does",
     lambda r: all(row["crossings"]["x86"]["entries"] <= 1.05 and row["crossings"]["x86"]["binding"] <= 2.05
                   for row in r["per_call"].values())),
    ("32-bit guest code runs at no less than a quarter of Unicorn's own speed",
     lambda r: r["guest_instructions_per_s"]["wow64emu"] >= 0.25 * r["guest_instructions_per_s"]["unicorn"]),
    ("--trace syscalls keeps at least 90% of that",
     lambda r: r["guest_instructions_per_s"]["wow64emu traced"] >= 0.9 * r["guest_instructions_per_s"]["wow64emu"]),
    ("a traced call (JSONL to a file) costs at most 5x an untraced one, in both widths",
     lambda r: all(t["ratio"] <= 5.0 for t in r["traced"].values())),
    ("a VirtualAlloc and VirtualFree with 8,000 allocations live cost at most 1.5x those with 1,000 live",
     lambda r: r["allocation"]["ratio"] <= 1.5),
    ("8,000 VirtualAlloc calls and their VirtualFree calls take under 2 s",
     lambda r: r["allocation"]["seconds_8000"] < 2.0),
    ("the start-up of the msvcrt hello world is no more than 20% above that of hello.exe",
     lambda r: r["crt"]["crt_startup_ratio"] <= 1.2),
    ("the start-up of hello.exe is at most 1.5x the floor (python importing unicorn and opening one Uc)",
     lambda r: r["crt"]["hello_floor_ratio"] <= 1.5),
    ("... and so is that of the msvcrt hello world, 32-bit and 64-bit",
     lambda r: max(r["crt"]["crt_hello_x86_floor_ratio"], r["crt"]["crt_hello_x64_floor_ratio"]) <= 1.5),
    ("20000 kernel32 calls run at least 20x faster than under speakeasy, start-up included",
     lambda r: r["speakeasy"]["ratio"] >= 20.0 if "speakeasy" in r else None),
]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=20000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--speakeasy", default=os.environ.get("WOW64EMU_SPEAKEASY_PYTHON"))
    ns = parser.parse_args()
    results = run(ns.calls, ns.repeat, ns.speakeasy)
    print(render(results))
    print()
    failed = 0
    for text, check in GOALS:
        verdict = check(results)
        word = "skipped (no speakeasy given)" if verdict is None else "met" if verdict else "MISSED"
        failed += verdict is False
        print(f"  {word:<8} {text}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
