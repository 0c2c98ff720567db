"""The differential oracle: a scenario program written once, built for both widths, run through WoW64 (x86) and
natively (x64). What the two observe must be identical: exit status, what they print, and the files they leave
in the C: drive. Fields that legitimately differ with pointer size are normalised by rules the test writes out.

The x86 runs also record which system calls of the table the scenarios reach, on a success path and on an error
path; conftest.py reports that coverage and fails the session when a complete oracle run leaves a call unreached.
"""

from __future__ import annotations

import io
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from tests.drive import STANDARD_PATHS
from wow64emu.kernel.console import StdStreams
from wow64emu.kernel.registry_store import REGISTRY_FOLDER
from wow64emu.machine import Machine
from wow64emu.nt.syscalls import syscalls

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
Rule = tuple[str, str]  # (regular expression, replacement), applied to the output of both widths

# Calls that have no error path a program can reach: they return a value, not an NTSTATUS.
NO_ERROR_PATH = {"NtGetCurrentProcessorNumber", "NtYieldExecution", "NtTestAlert"}
# Calls that cannot succeed for the standard user the emulator runs as: NtSetSystemTime needs
# SeSystemtimePrivilege.
NO_SUCCESS_PATH = {"NtSetSystemTime"}
# Calls wow64 serves itself for a 32-bit caller, as Windows' wow64 does (NtContinue; NtRaiseException's first
# chance): the kernel's service is reached by the x64 runs, which count for them.
SERVED_BY_WOW64 = {"NtContinue", "NtRaiseException"}


def scenario_names() -> list[str]:
    """Every oracle scenario: fixtures/src/oracle_*.c."""
    return sorted(p.stem for p in (FIXTURES / "src").glob("oracle_*.c"))


@dataclass
class Observation:
    exit_status: int
    stdout: str
    stderr: str
    files: dict[str, bytes]


@dataclass
class Coverage:
    """Which declared calls the x86 runs reached: (name, failed) -> count."""

    counts: Counter[tuple[str, bool]] = field(default_factory=Counter)
    scenarios: set[str] = field(default_factory=set)

    def add(self, scenario: str, served: dict[tuple[str, bool], int]) -> None:
        self.scenarios.add(scenario)
        self.counts.update(served)

    def complete(self) -> bool:
        return self.scenarios >= set(scenario_names())

    def missing(self) -> list[str]:
        """Declared calls without a success path, or without an error path, in the scenarios."""
        out = []
        for call in syscalls():
            if call.name not in NO_SUCCESS_PATH and not self.counts[call.name, False]:
                out.append(f"{call.name}: no success path")
            if call.name not in NO_ERROR_PATH and not self.counts[call.name, True]:
                out.append(f"{call.name}: no error path")
        return out

    def report(self) -> list[str]:
        lines = [f"{'call':<34} {'success':>8} {'error':>8}"]
        for call in syscalls():
            ok, bad = self.counts[call.name, False], self.counts[call.name, True]
            covered = (ok or call.name in NO_SUCCESS_PATH) and (bad or call.name in NO_ERROR_PATH)
            lines.append(f"{call.name:<34} {ok:>8} {bad:>8}{'' if covered else '  <- missing'}")
        reached = sum(1 for c in syscalls() if self.counts[c.name, False] or self.counts[c.name, True])
        lines.append(f"{reached} of {len(syscalls())} declared calls reached by {len(self.scenarios)} scenarios")
        return lines


def listing(root: Path, program: str) -> dict[str, bytes]:
    """The C: drive after a run: relative path -> content (b"<dir>" for a directory), without the program's own
    file (placed at C:\\NAME by process creation: a different file in each width), the system's folder that
    holds the registry's database (no guest can open it; its pages hold write times) and the standard folders the
    volume makes (what the program put in them stays)."""
    out = {}
    for p in sorted(root.rglob("*")):
        rel = p.relative_to(root).as_posix()
        if rel != program and not rel.startswith(REGISTRY_FOLDER) and rel not in STANDARD_PATHS:
            out[rel] = b"<dir>" if p.is_dir() else p.read_bytes()
    return out


def observe(width: str, program: str, root: Path, args: list[str], rules: list[Rule],
            stdin: bytes = b"", elevated: bool = False) -> tuple[Observation, dict[tuple[str, bool], int]]:
    streams = StdStreams(io.BytesIO(stdin), io.BytesIO(), io.BytesIO())
    machine = Machine(FIXTURES / "bin" / width / f"{program}.exe", args, root=root, streams=streams,
                      elevated=elevated)
    outcome = machine.run(timeout=60)
    text = streams.stdout.getvalue().decode("utf-8", "replace")
    for pattern, replacement in rules:
        text = re.sub(pattern, replacement, text)
    obs = Observation(outcome.exit_status, text, streams.stderr.getvalue().decode("utf-8", "replace"),
                      listing(root, f"{program}.exe"))
    return obs, machine.entry.served


def check(program: str, tmp_path: Path, coverage: Coverage, rules: list[Rule] | None = None,
          args: list[str] | None = None) -> Observation:
    """Run both builds in fresh C: drives; assert they observe the same; record the x86 run's coverage."""
    rules = rules or []
    args = args or []
    (tmp_path / "x86").mkdir()
    (tmp_path / "x64").mkdir()
    obs32, served = observe("x86", program, tmp_path / "x86", args, rules)
    obs64, served64 = observe("x64", program, tmp_path / "x64", args, rules)
    served = {key: n for key, n in served.items() if key[0] not in SERVED_BY_WOW64}
    served.update({key: n for key, n in served64.items() if key[0] in SERVED_BY_WOW64})
    assert obs32.exit_status == 0, f"x86 {program} exited with {obs32.exit_status:#x}\n{obs32.stdout}"
    assert obs32.stdout.splitlines() == obs64.stdout.splitlines()
    assert obs32 == obs64
    coverage.add(program, served)
    return obs32
