"""The last kernel32 functions of the import census (issue 10), in both widths (fixtures/src/k32census.c prints one
result a line): GetFinalPathNameByHandleW/A in every volume form, the one volume of FindFirstVolumeW, process and
thread times, the time adjustment, priority classes (real time without the privilege is high), the affinity mask,
SetSystemTime without SeSystemtimePrivilege, the time-zone conversions (the current zone, UTC, and three zones
with daylight time on both sides of their transitions), DebugActiveProcess and FatalAppExitA/W."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
BIN = ROOT / "fixtures" / "bin"
WIDTHS = ["x86", "x64"]

EXPECTED = r"""final DOS -> 19 [\\?\C:\dir\Data.txt]
final DOS opened -> 19 [\\?\C:\dir\Data.txt]
final GUID -> 61 [\\?\Volume{6b1c3f5e-2d8a-4e71-9c40-77f64e6d7533}\dir\Data.txt]
final NT -> 36 [\Device\HarddiskVolume3\dir\Data.txt]
final none -> 13 [\dir\Data.txt]
final DOS into 8 characters -> 20
  buffer untouched -> 1
final DOS into 0 characters, NULL -> 20
final DOS into 19 characters -> 20
final flags 0x10 -> 0 error=87
final flags GUID|NT -> 0 error=87
final bad handle -> 0 error=6
final console -> 0 error=1
final event -> 0 error=6
final INVALID_HANDLE_VALUE -> 0 error=6
final A -> 19 [\\?\C:\dir\Data.txt]
final A into 19 characters -> 20
final root DOS -> 7 [\\?\C:\]
final root NT -> 24 [\Device\HarddiskVolume3\]
FindFirstVolumeW [\\?\Volume{6b1c3f5e-2d8a-4e71-9c40-77f64e6d7533}\]
  a handle -> 1
FindNextVolumeW -> 0 error=18
FindVolumeClose -> 1
FindFirstVolumeW into 49 characters -> 1 error=206
FindFirstVolumeW into 50 characters -> 1
FindVolumeClose(INVALID_HANDLE_VALUE) -> 0 error=6
GetProcessTimes -> 1 created after 2020 and before now=1 exit=0 cpu within the lifetime=1
GetThreadTimes -> 1 created after 2020 and before now=1 exit=0 cpu within the lifetime=1
GetProcessTimes bad handle -> 0 error=6
GetThreadTimes of a process -> 0 error=6
GetSystemTimeAdjustment -> 1
  adjustment -> 156250
  increment -> 156250
  disabled -> 1
SetPriorityClass IDLE -> 1 error=0 class=0x40 thread priority=0
SetPriorityClass BELOW_NORMAL -> 1 error=0 class=0x4000 thread priority=0
SetPriorityClass ABOVE_NORMAL -> 1 error=0 class=0x8000 thread priority=0
SetPriorityClass HIGH -> 1 error=0 class=0x80 thread priority=0
SetPriorityClass NORMAL -> 1 error=0 class=0x20 thread priority=0
SetPriorityClass REALTIME -> 1 error=0 class=0x80 thread priority=0
SetPriorityClass 0x1234 -> 0 error=87 class=0x80 thread priority=0
SetPriorityClass NORMAL -> 1 error=0 class=0x20 thread priority=0
SetPriorityClass bad handle -> 0 error=6
GetPriorityClass bad handle -> 0 error=6
SetProcessAffinityMask 1 -> 1 error=0 process=1 system=3
SetProcessAffinityMask 0 -> 0 error=87 process=1 system=3
SetProcessAffinityMask 4 -> 0 error=87 process=1 system=3
SetProcessAffinityMask 3 -> 1 error=0 process=3 system=3
SetSystemTime -> 0 error=1314
SetSystemTime month 13 -> 0 error=87
SystemTimeToFileTime -> 1
  = 0x1d76e709e2f2000
  back: 2021-07-01 12:00:00.000 dow=4
SystemTimeToFileTime month 13 -> 0 error=87
current zone: 2021-07-01 12:00:00.000 dow=0 UTC -> 1 2021-07-01 12:00:00.000 dow=4
current zone: 2021-07-01 12:00:00.000 dow=0 local -> 1 2021-07-01 12:00:00.000 dow=4 UTC
Pacific summer: 2021-07-01 12:00:00.000 dow=0 UTC -> 1 2021-07-01 05:00:00.000 dow=4
Pacific winter: 2021-01-15 12:00:00.000 dow=0 UTC -> 1 2021-01-15 04:00:00.000 dow=5
Pacific before spring: 2021-03-14 09:59:00.000 dow=0 UTC -> 1 2021-03-14 01:59:00.000 dow=0
Pacific spring: 2021-03-14 10:00:00.000 dow=0 UTC -> 1 2021-03-14 03:00:00.000 dow=0
Pacific before autumn: 2021-11-07 08:59:00.000 dow=0 UTC -> 1 2021-11-07 01:59:00.000 dow=0
Pacific autumn: 2021-11-07 09:00:00.000 dow=0 UTC -> 1 2021-11-07 01:00:00.000 dow=0
Pacific summer: 2021-07-01 05:00:00.000 dow=0 local -> 1 2021-07-01 12:00:00.000 dow=4 UTC
Pacific winter: 2021-01-15 04:00:00.000 dow=0 local -> 1 2021-01-15 12:00:00.000 dow=5 UTC
Sydney summer: 2021-01-15 00:00:00.000 dow=0 UTC -> 1 2021-01-15 11:00:00.000 dow=5
Sydney winter: 2021-07-01 00:00:00.000 dow=0 UTC -> 1 2021-07-01 10:00:00.000 dow=4
Sydney summer: 2021-01-15 11:00:00.000 dow=0 local -> 1 2021-01-15 00:00:00.000 dow=5 UTC
London before spring: 2021-03-28 00:59:00.000 dow=0 UTC -> 1 2021-03-28 00:59:00.000 dow=0
London spring: 2021-03-28 01:00:00.000 dow=0 UTC -> 1 2021-03-28 02:00:00.000 dow=0
London before autumn: 2021-10-31 00:59:00.000 dow=0 UTC -> 1 2021-10-31 01:59:00.000 dow=0
London autumn: 2021-10-31 01:00:00.000 dow=0 UTC -> 1 2021-10-31 01:00:00.000 dow=0
SystemTimeToTzSpecificLocalTime month 13 -> 0 error=87
TzSpecificLocalTimeToSystemTime month 13 -> 0 error=87
DebugActiveProcess -> 0 error=1
"""


def run(width: str, root: Path, *args: str) -> tuple[int, str, str]:
    """The program run as a user runs it: its exit code, its output and the emulator's lines on stderr."""
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    done = subprocess.run([sys.executable, "-m", "wow64emu", "run", "--root", str(root),
                           str(BIN / width / "k32census.exe"), *args], capture_output=True, env=env, timeout=120)
    return done.returncode, done.stdout.decode(), done.stderr.decode()


@pytest.mark.parametrize("width", WIDTHS)
def test_census_functions(width: str, tmp_path: Path) -> None:
    status, out, err = run(width, tmp_path)
    assert status == 0
    assert out.splitlines() == EXPECTED.splitlines()
    # The file it made, in the case it made it: GetFinalPathNameByHandle gives that case whatever case opened it.
    assert (tmp_path / "dir" / "Data.txt").is_file()
    assert err == "wow64emu: WARNING: DebugActiveProcess: debugging other processes is not emulated\n"


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize(("argument", "line"), [
    ("fatal", "FatalAppExitA: The program cannot go on."),
    ("fatalw", "FatalAppExitW: Wide: cannot go on.")])
def test_fatal_app_exit_shows_its_text_and_ends_the_process_with_0(width: str, argument: str, line: str,
                                                                     tmp_path: Path) -> None:
    # Windows shows the text in the hard error's box, then ExitProcess(0): nothing after the call runs.
    assert run(width, tmp_path, argument) == (0, "", f"wow64emu: WARNING: {line}\n")
