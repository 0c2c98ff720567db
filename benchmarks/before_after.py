"""The bench's figures of an earlier revision and of this checkout, measured side by side in one run.

    python benchmarks/before_after.py [REVISION] [--calls N] [--rounds R] [--tree DIR] [--startup-only]

REVISION (default: the last commit before the speed work of issue 14) is checked out into a temporary git worktree
(or, with --tree, is already there: `git archive REVISION | tar -x -C DIR` makes such a tree without touching the
repository's worktrees);
each figure is then measured in turns, one measurement of the earlier tree and one of this one per round, best of
the rounds, so that load on the machine falls on both alike (a per-call figure is (best of 3 runs of N calls - best
of 3 runs of none) / N, as `wow64emu bench` measures it). Both trees run with this interpreter and its packages;
each runs its own code, guest DLLs and fixtures, with its own user cache (warmed by the first round). Prints a
Markdown table (the README's figures section holds its latest output).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent.parent
BEFORE_ISSUE_14 = "7e566a1"
# What each tree runs to print one figure: only functions both trees have (wow64emu.bench's run_once and
# wall_seconds, the JSONL tracer), so that both measure the same way.
_PER_CALL = """
import os, tempfile
from wow64emu.bench import run_once
from wow64emu.emu.trace import Tracer
try:
    from wow64emu.emu.tracejsonl import JsonlSink
except ImportError:  # a tree from before the JSONL sink had a module of its own
    from wow64emu.emu.trace import JsonlSink
def once(n):
    if not {traced}:
        return run_once({width!r}, [{mode!r}, str(n)])
    with tempfile.TemporaryDirectory() as folder, open(os.path.join(folder, "t.jsonl"), "w") as out:
        tracer = Tracer(JsonlSink(out))
        try:
            return run_once({width!r}, [{mode!r}, str(n)], tracer)
        finally:
            tracer.close()
empty = min(once(0) for _ in range(3))
full = min(once({calls}) for _ in range(3))
print((full[0] - empty[0]) / (full[1] - empty[1]) * 1e6)
"""
_STARTUP = ("import sys; from wow64emu.bench import wall_seconds; "
            "print(wall_seconds([sys.executable, '-m', 'wow64emu', 'run', 'fixtures/bin/{width}/{exe}']) * 1e3)")
_FLOOR = ("import sys; from wow64emu.bench import wall_seconds; print(wall_seconds([sys.executable, '-c', "
          "'import unicorn; unicorn.Uc(unicorn.UC_ARCH_X86, unicorn.UC_MODE_64)']) * 1e3)")
CALLS = [("NtGetCurrentProcessorNumber", "none"), ("NtQueryPerformanceCounter", "qpc"), ("NtClose", "close"),
         ("NtOpenFile", "open"), ("NtQueryInformationFile", "query")]


def figures(calls: int, startup_only: bool = False) -> list[tuple[str, str, str]]:
    rows = []
    for name, mode in [] if startup_only else CALLS:
        for width, how in (("x86", "through WoW64"), ("x64", "native")):
            rows.append((f"{name}, {how}", _PER_CALL.format(width=width, mode=mode, calls=calls, traced=False), "us"))
    for width, how in () if startup_only else (("x86", "through WoW64"), ("x64", "native")):
        rows.append((f"NtQueryPerformanceCounter traced (JSONL to a file), {how}",
                     _PER_CALL.format(width=width, mode="qpc", calls=calls, traced=True), "us"))
    rows.append(("start-up: the floor (python importing unicorn, one Uc)", _FLOOR, "ms"))
    for width, exe in (("x86", "hello.exe"), ("x86", "crt_hello.exe"), ("x64", "crt_hello.exe")):
        rows.append((f"start-up: {exe}, {'32' if width == 'x86' else '64'}-bit",
                     _STARTUP.format(width=width, exe=exe), "ms"))
    return rows


def measure(tree: Path, code: str, cache: Path) -> float:
    """`cache`: the tree's own user cache (the trees' formats of a cache file may differ: sharing one, each would
    find the other's unreadable and replace it at every run)."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["PYTHONPATH"] = str(tree)
    env["XDG_CACHE_HOME"] = str(cache)
    done = subprocess.run([sys.executable, "-c", code], cwd=tree, env=env, capture_output=True, text=True,
                          timeout=1800)
    if done.returncode != 0:
        raise SystemExit(f"{tree}: {code}: {done.stderr.strip().splitlines()[-1:]}")
    return float(done.stdout.split()[-1])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("revision", nargs="?", default=BEFORE_ISSUE_14)
    parser.add_argument("--calls", type=int, default=10000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--json", type=Path, help="also write the figures as JSON")
    parser.add_argument("--tree", type=Path, help="the revision's files, already extracted in this folder")
    parser.add_argument("--startup-only", action="store_true", help="only the start-up figures")
    ns = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="wow64emu-before-") as scratch:
        before = ns.tree.resolve() if ns.tree is not None else Path(scratch) / "tree"
        if ns.tree is None:
            subprocess.run(["git", "-C", str(HERE), "worktree", "add", "--detach", str(before), ns.revision],
                           check=True, capture_output=True)
        try:
            results = []
            for label, code, unit in figures(ns.calls, ns.startup_only):
                best = {"before": float("inf"), "after": float("inf")}
                for _ in range(ns.rounds):
                    best["before"] = min(best["before"], measure(before, code, Path(scratch) / "cache-before"))
                    best["after"] = min(best["after"], measure(HERE, code, Path(scratch) / "cache-after"))
                results.append({"figure": label, "unit": unit, **best})
                print(f"  {label}: {best['before']:.2f} -> {best['after']:.2f} {unit}", file=sys.stderr, flush=True)
        finally:
            if ns.tree is None:
                subprocess.run(["git", "-C", str(HERE), "worktree", "remove", "--force", str(before)], check=False)
    head = subprocess.run(["git", "-C", str(HERE), "rev-parse", "--short", "HEAD"], capture_output=True,
                          text=True).stdout.strip()
    print(f"| figure (best of {ns.rounds} rounds, side by side) | before ({ns.revision}) | after ({head}) | |")
    print("|---|---:|---:|---:|")
    for r in results:
        print(f"| {r['figure']} | {r['before']:.2f} {r['unit']} | {r['after']:.2f} {r['unit']} | "
              f"{r['before'] / r['after']:.2f}x |")
    if ns.json is not None:
        ns.json.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
