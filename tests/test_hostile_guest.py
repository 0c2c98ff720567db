"""A hostile guest cannot hurt the emulator: what it does to the system's own memory ends as Windows ends it
(fixtures/src/hostile.c, both widths)."""

from __future__ import annotations

import io
import resource
import subprocess
import sys
import time
from pathlib import Path

import pytest

from wow64emu.errors import GuestBudgetExceeded
from wow64emu.kernel.console import StdStreams
from wow64emu.machine import Machine
from wow64emu.nt.status import NTSTATUS

BIN = Path(__file__).resolve().parent.parent / "fixtures" / "bin"


def hostile(width: str, mode: str, root: Path) -> tuple[int, str]:
    streams = StdStreams(io.BytesIO(), io.BytesIO(), io.BytesIO())
    outcome = Machine(BIN / width / "hostile.exe", [mode], root=root, streams=streams).run(timeout=60)
    return outcome.exit_status, streams.stdout.getvalue().decode()


@pytest.mark.parametrize("width", ["x86", "x64"])
def test_kuser_shared_data_cannot_be_freed_reprotected_or_unmapped(width: str, tmp_path: Path) -> None:
    status, out = hostile(width, "kuser", tmp_path)
    assert status == 0
    assert out == ("release=0xc0000045\ndecommit=0xc0000045\nprotect=0xc0000045\n"  # STATUS_INVALID_PAGE_PROTECTION
                   "unmap=0xc0000019\n"  # STATUS_NOT_MAPPED_VIEW: it is not a view of a section
                   "major=10\n")  # still there, still read-only


@pytest.mark.parametrize("mode", ["arena", "stack64"])
def test_freeing_what_wow64_runs_on_kills_the_thread_with_an_access_violation(mode: str, tmp_path: Path) -> None:
    status, out = hostile("x86", mode, tmp_path)
    assert status == NTSTATUS.ACCESS_VIOLATION
    assert "query=" not in out  # the thread died at its next system call


@pytest.mark.parametrize("mode", ["arena", "stack64"])
def test_a_64_bit_process_has_no_wow64_memory_to_free(mode: str, tmp_path: Path) -> None:
    assert hostile("x64", mode, tmp_path) == (0, "n/a\n")


@pytest.mark.parametrize("width", ["x86", "x64"])
def test_memory_is_committed_up_to_the_limit_and_not_beyond(width: str, tmp_path: Path) -> None:
    streams = StdStreams(io.BytesIO(), io.BytesIO(), io.BytesIO())
    machine = Machine(BIN / width / "hostile.exe", ["hog"], root=tmp_path, streams=streams, memory_limit=128 << 20)
    assert machine.run(timeout=120).exit_status == 0
    got, error = streams.stdout.getvalue().decode().splitlines()
    assert 100 <= int(got.removeprefix("MB=")) < 128  # what process creation left of 128 MB, in whole MB
    assert error == "error=1455"  # ERROR_COMMITMENT_LIMIT, from STATUS_COMMITMENT_LIMIT
    assert machine.system.physical.committed <= 128 << 20


def peak_of_run(*args: str, limit: str = "128M") -> tuple[int, str, int]:
    """(exit code, stdout, peak host memory in bytes) of `wow64emu run --memory-limit LIMIT ARGS`, in a parent of
    its own, so that the peak it reports is the emulator's alone."""
    code = ("import resource, subprocess, sys; "
            "done = subprocess.run([sys.executable, '-m', 'wow64emu', 'run', '--memory-limit', sys.argv[1], "
            "*sys.argv[2:]], capture_output=True); "
            "print(done.returncode, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss); "
            "print(done.stdout.decode(), end='')")
    done = subprocess.run([sys.executable, "-c", code, limit, *args], capture_output=True, text=True, timeout=300)
    first, _, out = done.stdout.partition("\n")
    status, peak_kb = first.split()
    return int(status), out, int(peak_kb) * 1024


BOUND = (128 << 20) + (160 << 20)  # the limit, and the emulator's own (about 60 MB)


def test_the_host_memory_of_a_run_is_bounded_by_the_limit(tmp_path: Path) -> None:
    status, out, peak = peak_of_run(str(BIN / "x86" / "hostile.exe"), "hog")
    assert status == 0 and out.startswith("MB=")
    assert peak < BOUND


@pytest.mark.parametrize("width", ["x86", "x64"])
def test_the_pages_of_a_file_view_count_against_the_limit_while_held(width: str, tmp_path: Path) -> None:
    """768 MB of a sparse file read page by page under a limit of 128 MB: the reading faults once the pages held
    reach the limit (Windows would page out instead), and the host never holds the 768 MB."""
    status, out, peak = peak_of_run("--root", str(tmp_path), str(BIN / width / "hostile.exe"), "fileview")
    assert out.startswith("eof=0x0\nsection=0x0\nmap=0x0\nmapped\n") and "read" not in out.split("mapped")[1]
    assert status == NTSTATUS.ACCESS_VIOLATION & 0xFF
    assert peak < BOUND


@pytest.mark.parametrize("width", ["x86", "x64"])
def test_a_guest_holding_thousands_of_files_open_never_meets_the_host_limit(width: str, tmp_path: Path) -> None:
    """3000 files open at once, under a host limit of 128 descriptors: the pool (hostfiles.py) shares them."""
    def low_limit() -> None:
        resource.setrlimit(resource.RLIMIT_NOFILE, (128, resource.getrlimit(resource.RLIMIT_NOFILE)[1]))

    done = subprocess.run([sys.executable, "-m", "wow64emu", "run", "--root", str(tmp_path),
                           str(BIN / width / "hostile.exe"), "files"], capture_output=True, text=True, timeout=300,
                          preexec_fn=low_limit)
    assert (done.returncode, done.stdout, done.stderr) == (0, "files=3000 bad=0 error=0\n", "")
    assert len(list(tmp_path.glob("f*"))) == 3000


@pytest.mark.parametrize("width", ["x86", "x64"])
def test_the_instruction_budget_holds_across_waits(width: str, tmp_path: Path) -> None:
    """Every Sleep(1) ends a run of the CPU: the budget is the whole run's, never renewed by one."""
    streams = StdStreams(io.BytesIO(), io.BytesIO(), io.BytesIO())
    machine = Machine(BIN / width / "hostile.exe", ["naps"], root=tmp_path, streams=streams)
    began = time.monotonic()
    with pytest.raises(GuestBudgetExceeded, match=r"ran 20000 instructions \(--max-insns\)"):
        machine.run(max_insns=20_000, timeout=60)
    assert time.monotonic() - began < 30


@pytest.mark.parametrize("width", ["x86", "x64"])
def test_an_exception_continued_forever_still_meets_the_timeout_and_the_budget(width: str, tmp_path: Path) -> None:
    """Each fault ends a run of the CPU and the handler starts another: neither limit may be renewed by one."""
    for limits, message in (({"timeout": 2}, r"ran for 2 s \(--timeout\)"),
                            ({"max_insns": 200_000, "timeout": 60}, r"ran 200000 instructions \(--max-insns\)")):
        streams = StdStreams(io.BytesIO(), io.BytesIO(), io.BytesIO())
        machine = Machine(BIN / width / "hostile.exe", ["faults"], root=tmp_path, streams=streams)
        began = time.monotonic()
        with pytest.raises(GuestBudgetExceeded, match=message):
            machine.run(**limits)
        assert time.monotonic() - began < 20


def timed(width: str, mode: str, root: Path) -> tuple[int, str, float]:
    began = time.monotonic()
    status, out = hostile(width, mode, root)
    return status, out, time.monotonic() - began


@pytest.mark.parametrize(("width", "expected"), [
    ("x86", "release=0xc0000045\ndecommit=0xc0000045\n"),  # the no-access reservation is the system's
    ("x64", "reserve=0x0\ncommit=0x0\ndecommit=0x0\nrelease=0x0\n")])  # 1 TB, one page committed in it
def test_freeing_a_huge_range_costs_its_regions_not_its_pages(width: str, expected: str, tmp_path: Path) -> None:
    status, out, seconds = timed(width, "release", tmp_path)
    assert (status, out) == (0, expected)
    assert seconds < 10  # it was an hour (x86) and 31 s (x64), walking the range page by page


@pytest.mark.parametrize("width", ["x86", "x64"])
def test_write_copy_views_of_a_gigabyte_section_cost_the_pages_written(width: str, tmp_path: Path) -> None:
    status, out, peak = peak_of_run("--root", str(tmp_path), str(BIN / width / "hostile.exe"), "cow", limit="2G")
    assert (status, out) == (0, "cow ok\n")
    assert peak < 300 << 20  # the section was copied whole for each view: 2 GB, and 6 GB for three


@pytest.mark.parametrize("width", ["x86", "x64"])
def test_twenty_thousand_named_events(width: str, tmp_path: Path) -> None:
    status, out, seconds = timed(width, "events", tmp_path)
    assert (status, out) == (0, "events=20000 error=0\n")
    assert seconds < 60  # it was 171 s: every lookup upcased every name


@pytest.mark.parametrize(("width", "error"), [
    ("x86", 8),  # ERROR_NOT_ENOUGH_MEMORY: 3 GB do not fit in 2 GB of address space (STATUS_NO_MEMORY)
    ("x64", 1455)])  # ERROR_COMMITMENT_LIMIT: 64 GB pass the 4 GB limit (the CPU ran out of memory before)
def test_a_huge_commit_gets_the_status_windows_gives(width: str, error: int, tmp_path: Path) -> None:
    assert hostile(width, "commit", tmp_path) == (0, f"error={error}\n")
