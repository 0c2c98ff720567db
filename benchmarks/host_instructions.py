"""Host instructions per system call, counted by valgrind: a figure the machine's load does not move.

    python benchmarks/host_instructions.py MODE [--calls N]     (MODE: a bench.exe mode: none, qpc, close, open, query)

Runs `bench.exe MODE N` and `MODE 2N` under `valgrind --tool=callgrind` in both widths, with the garbage collector
off (its passes would blur the count), and prints (instructions of 2N - instructions of N) / N for each width and
their ratio. Needs valgrind; each run takes tens of seconds.
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
import tempfile
from pathlib import Path

_RUN = ("import gc, sys; gc.disable(); from wow64emu.bench import run_once; "
        "run_once(sys.argv[1], [sys.argv[2], sys.argv[3]])")


def instructions(width: str, mode: str, calls: int) -> int:
    with tempfile.TemporaryDirectory() as scratch:
        done = subprocess.run(["valgrind", "--tool=callgrind", "--smc-check=all",
                               f"--callgrind-out-file={Path(scratch) / 'out'}", sys.executable, "-c", _RUN, width,
                               mode, str(calls)], capture_output=True, text=True, timeout=3600)
    found = re.search(r"Collected : (\d+)", done.stderr)
    if done.returncode != 0 or found is None:
        raise SystemExit(f"valgrind: {done.stderr.strip().splitlines()[-1:]}")
    return int(found.group(1))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("mode")
    parser.add_argument("--calls", type=int, default=1000)
    ns = parser.parse_args()
    per_call = {}
    for width in ("x86", "x64"):
        twice, once = instructions(width, ns.mode, 2 * ns.calls), instructions(width, ns.mode, ns.calls)
        per_call[width] = (twice - once) / ns.calls
        print(f"{ns.mode} {width}: {per_call[width]:,.0f} host instructions per call", flush=True)
    print(f"through WoW64 / native: {per_call['x86'] / per_call['x64']:.2f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
