"""`wow64emu bench` measures what it says, on a small scale (no timing goal is asserted here; small timing
differences are noise on a busy machine, so only large signals are asserted positive)."""

import io
import json
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from unicorn.x86_const import UC_X86_REG_EAX, UC_X86_REG_EDX

from wow64emu.bench import CALLS, bare_loop, crossings, jsonl_trace, render, run, run_bench, traced_calls
from wow64emu.kernel.console import StdStreams
from wow64emu.kernel.entry import SyscallEntry
from wow64emu.machine import Machine
from wow64emu.thunks.dispatch import Wow64Dispatcher

BENCH = Path(__file__).resolve().parent.parent / "fixtures" / "bin" / "x86" / "bench.exe"


def test_bench_measures_every_call_shape_and_stage() -> None:
    r = run(calls=400, repeat=1, speakeasy_python=None)
    assert set(r["per_call"]) == set(CALLS)
    for row in r["per_call"].values():
        assert abs(row["ratio"] - row["wow64_us"] / row["native_us"]) < 1e-9
    assert r["per_call"]["open"]["wow64_us"] > 0 and r["per_call"]["open"]["native_us"] > 0
    stages = r["stages_us"]["open"]
    # NtOpenFile is converted by wow64.dll's own code (guest/wow64/convert.c): no Python hook of wow64 runs, the kernel
    # is entered by SYSCALL.
    assert stages["widening"] == 0 and stages["narrowing"] == 0
    assert stages["kernel entry and exit"] > 0 and stages["kernel service"] > 0 and stages["gate and guest code"] > 0
    parts = sum(v for k, v in stages.items() if k != "total")
    assert abs(parts - stages["total"]) < 1e-6
    alloc = r["allocation"]
    assert alloc["us_at_1000"] > 0 and alloc["us_at_8000"] > 0 and alloc["seconds_8000"] > 0
    assert abs(alloc["ratio"] - alloc["us_at_8000"] / alloc["us_at_1000"]) < 1e-9
    speed = r["guest_instructions_per_s"]
    assert speed["unicorn"] > 0 and speed["wow64emu"] > 0 and speed["wow64emu traced"] > 0
    crt = r["crt"]
    assert crt["lines"] == 2000 and crt["lines_x86_s"] > 0 and crt["lines_x64_s"] > 0
    assert abs(crt["crt_startup_ratio"] - crt["crt_hello_x86_startup_s"] / crt["hello_startup_s"]) < 1e-9
    assert 0 < crt["floor_startup_s"] and crt["floor_startup_s"] < crt["crt_hello_x64_startup_s"]  # no guest at all
    assert crt["startup_rounds"] == 10  # a start is short: never fewer rounds, whatever the repeat
    for name in ("hello", "crt_hello_x86", "crt_hello_x64"):
        assert abs(crt[f"{name}_floor_ratio"] - crt[f"{name}_startup_s"] / crt["floor_startup_s"]) < 1e-9
    switch = r["per_switch"]
    assert switch["rounds"] == 200 and abs(switch["ratio"] - switch["wow64_us"] / switch["native_us"]) < 1e-9
    process = r["per_process"]
    assert process["processes"] == 5 and process["wow64_ms"] > 0 and process["native_ms"] > 0
    text = render(r)
    assert "a thread switch" in text and "a process created and waited for" in text
    assert "NtOpenFile" in text and "by stage" in text and "bare Unicorn" in text and "with 8,000 live" in text
    assert "lines through fprintf" in text and "crt_hello.exe, 64-bit" in text and "the floor (unicorn + Uc)" in text
    assert "best of 10 interleaved rounds" in text
    assert set(r["traced"]) == {"x86", "x64"} and "NtQueryPerformanceCounter traced" in text


def test_bench_compares_a_traced_call_with_an_untraced_one_in_both_widths() -> None:
    figures = traced_calls(calls=200, repeat=1)
    assert set(figures) == {"x86", "x64"}
    for row in figures.values():  # no timing asserted: 200 calls of a few microseconds are within start-up's noise
        assert abs(row["ratio"] - row["traced_us"] / row["untraced_us"]) < 1e-9


def test_the_bench_trace_is_jsonl_of_every_layer(tmp_path: Path) -> None:
    with jsonl_trace() as tracer:
        _, calls = run_bench("x86", ["qpc", "3"], tracer)[:2]
        out = tracer.sink.out
        out.flush()
        events = [json.loads(line) for line in Path(out.name).read_text().splitlines()]
    qpc = [e for e in events if e.get("name") == "NtQueryPerformanceCounter" and e["event"] == "call"]
    assert len(qpc) == 2 * 3  # each call's 32-bit stub and its 64-bit one
    assert {e["layer"] for e in events} >= {"x86", "gate", "wow64cpu", "wow64", "x64", "kernel"}
    assert calls == len({e["call"] for e in events})


@pytest.mark.parametrize("width", ["x86", "x64"])
def test_the_c_runtime_bench_program_writes_its_lines(width: str) -> None:
    _, _, out = run_bench(width, ["1000"], program="crt_lines.exe")
    assert out == "1000 lines, 38300 bytes\r\n"


@pytest.mark.parametrize("width", ["x86", "x64"])
def test_bench_alloc_keeps_n_allocations_live_and_times_500_pairs(width: str) -> None:
    _, empty, out0 = run_bench(width, ["alloc", "0"])
    _, full, out = run_bench(width, ["alloc", "300"])
    assert out0.startswith("alloc 0 ") and out.startswith("alloc 300 ")
    assert int(out.split()[2]) > 0  # QueryPerformanceCounter ticks of the 500 timed pairs
    assert full - empty == 2 * 300  # one NtAllocateVirtualMemory and one NtFreeVirtualMemory each


def test_the_bare_loop_runs_the_iterations_asked_for() -> None:
    uc, seconds = bare_loop(1000)
    assert seconds > 0
    assert uc.reg_read(UC_X86_REG_EDX) == 0
    assert uc.reg_read(UC_X86_REG_EAX) == 0x55 * 500  # ecx alternates 0, 0x55: eax adds 0x55 every other time


def python_entries(mode: str, calls: int) -> dict[str, int]:
    """How often each of the Python hooks of a system call runs for bench.exe MODE CALLS (x86): wow64's dispatch
    and completion hooks, and the kernel's SYSCALL hook."""
    counts = {"dispatch": 0, "complete": 0, "syscall": 0}
    originals = {"dispatch": (Wow64Dispatcher, "_on_dispatch"), "complete": (Wow64Dispatcher, "_on_complete"),
                 "syscall": (SyscallEntry, "_on_syscall")}
    saved = {key: getattr(cls, name) for key, (cls, name) in originals.items()}

    def counting(key: str):
        def hook(self, *args):
            counts[key] += 1
            return saved[key](self, *args)
        return hook

    for key, (cls, name) in originals.items():
        setattr(cls, name, counting(key))
    try:
        with tempfile.TemporaryDirectory() as root:
            streams = StdStreams(io.BytesIO(), io.BytesIO(), io.BytesIO())
            Machine(BENCH, [mode, str(calls)], root=Path(root), streams=streams).run(timeout=60)
    finally:
        for key, (cls, name) in originals.items():
            setattr(cls, name, saved[key])
    return counts


def dispatch_hooks(mode: str, calls: int) -> int:
    """How often the Python dispatch hook runs for bench.exe MODE CALLS (x86)."""
    return python_entries(mode, calls)["dispatch"]


def test_a_structure_call_enters_python_once() -> None:
    # NtQueryInformationFile (an IO_STATUS_BLOCK and a buffer out) and NtOpenFile (OBJECT_ATTRIBUTES in, a name for
    # the file system redirector): wow64.dll's own code converts them, and the kernel is entered by the 64-bit stub's
    # SYSCALL, as natively. One Python entry each.
    expected = {"query": {"dispatch": 0, "complete": 0, "syscall": 40},
                "open": {"dispatch": 0, "complete": 0, "syscall": 40}}
    for mode, entries in expected.items():
        base, full = python_entries(mode, 0), python_entries(mode, 40)
        assert {key: full[key] - base[key] for key in full} == entries


def test_the_bench_counts_the_crossings_of_a_call() -> None:
    # One entry into Python (the SYSCALL hook) and two calls into Unicorn (the registers read, the status written),
    # through WoW64 as natively, for calls with structures to convert (and a name to redirect).
    for width in ("x86", "x64"):
        for mode in ("query", "open"):
            assert crossings(width, mode, 20) == {"entries": 1.0, "binding": 2.0}


def test_the_calls_of_the_bench_never_reach_the_python_dispatcher() -> None:
    # wow64.dll's own code widens NtQueryPerformanceCounter (the fast table), and converts NtQueryInformationFile and
    # NtOpenFile (convert.c).
    for mode in ("qpc", "query", "open"):
        assert dispatch_hooks(mode, 50) == dispatch_hooks(mode, 0)


def test_bench_command_writes_json(tmp_path: Path) -> None:
    out = tmp_path / "bench.json"
    done = subprocess.run([sys.executable, "-m", "wow64emu", "bench", "--calls", "20", "--repeat", "1",
                           "--json", str(out)], capture_output=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert b"wow64emu bench" in done.stdout
    assert set(json.loads(out.read_text())["per_call"]) == set(CALLS)
