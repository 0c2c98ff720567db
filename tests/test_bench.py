"""`wow64emu bench` measures what it says, on a small scale (no timing goal is asserted here)."""

import json
import subprocess
import sys
from pathlib import Path

from wow64emu.bench import CALLS, render, run, unicorn_loop_seconds


def test_bench_measures_every_call_shape_and_stage() -> None:
    r = run(calls=400, repeat=1, speakeasy_python=None)
    assert set(r["per_call"]) == set(CALLS)
    for row in r["per_call"].values():
        assert row["wow64_us"] > 0 and row["native_us"] > 0
        assert abs(row["ratio"] - row["wow64_us"] / row["native_us"]) < 1e-9
    stages = r["stages_us"]["open"]
    assert stages["widening"] > 0 and stages["kernel service"] > 0 and stages["narrowing"] > 0
    parts = sum(v for k, v in stages.items() if k != "total")
    assert abs(parts - stages["total"]) < 1e-6
    # NtQueryPerformanceCounter has nothing to narrow (its completion hook is skipped), NtOpenFile has
    assert abs(r["stages_us"]["qpc"]["narrowing"]) < stages["narrowing"]
    speed = r["guest_instructions_per_s"]
    assert speed["unicorn"] > 0 and speed["wow64emu"] > 0 and speed["wow64emu traced"] > 0
    text = render(r)
    assert "NtOpenFile" in text and "by stage" in text and "bare Unicorn" in text


def test_the_bare_unicorn_loop_runs_the_iterations_asked_for() -> None:
    assert unicorn_loop_seconds(1000) >= 0


def test_bench_command_writes_json(tmp_path: Path) -> None:
    out = tmp_path / "bench.json"
    done = subprocess.run([sys.executable, "-m", "wow64emu", "bench", "--calls", "20", "--repeat", "1",
                           "--json", str(out)], capture_output=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert b"wow64emu bench" in done.stdout
    assert set(json.loads(out.read_text())["per_call"]) == set(CALLS)
