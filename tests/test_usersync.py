"""The synchronisation of user mode that needs no kernel object (guest/ntdll/sync.c, slist.c, encodeptr.c and
kernel32's usersync.c, interlocked.c): SRW locks, condition variables, INIT_ONCE, SLists, pointer encoding and the
32-bit kernel32's Interlocked exports, run by fixtures/src/usersync.c in both widths."""

from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path

import pytest

from wow64emu.kernel.console import StdStreams
from wow64emu.machine import Machine

BIN = Path(__file__).resolve().parent.parent / "fixtures" / "bin"

COMMON = """\
srw exclusive word=1
srw try shared while exclusive=0
srw try exclusive while exclusive=0
srw released word=0
srw try shared while shared=1
srw shared by two word=33
srw try exclusive while shared=0
srw shared by one word=17
srw free word=0
cv sleep 30 ms=0
cv error=1460
cv waited at least 30 ms=1
cv lock held again=1
cv bad flags=0
cv bad flags error=87
cv sleep on a critical section=0
cv critical section error=1460
cv critical section held again=1
once execute=1
once execute again=1
once runs=1
once context=20
once word=22
once check only (done)=1
once pending=0
failing execute=0
failing error=1234
failing word=0
check only (not done)=0
check only error=31
begin=1
begin pending=1
complete misaligned=0
complete misaligned error=87
complete=1
complete twice=0
complete twice error=31
begin done=1
begin done pending=0
begin done context=64
slist empty depth=0
slist pop empty=1
slist push returns previous=1
slist push returns previous=1
slist push returns previous=1
slist depth=3
slist pop is the last pushed=1
slist depth after pop=2
slist flush gives the chain=1
slist depth after flush=0
encode changes the pointer=1
decode gives it back=1
encode NULL is not NULL=1
decode of encode NULL=1
"""

INTERLOCKED = {
    "x86": """\
interlocked exported=1
increment 41=42
decrement=41
compare-exchange hit returns=41
compare-exchange miss returns=7
value=7
compare-exchange64 high dword=1
value64=5
""",
    "x64": "interlocked exported=0\n",
}


def run(width: str, root: Path, *args: str) -> tuple[int, str, str]:
    streams = StdStreams(io.BytesIO(), io.BytesIO(), io.BytesIO())
    machine = Machine(BIN / width / "usersync.exe", list(args), root=root, streams=streams)
    status = machine.run(timeout=30).exit_status
    return status, streams.stdout.getvalue().decode(), streams.stderr.getvalue().decode()


@pytest.mark.parametrize("width", ["x86", "x64"])
def test_srw_locks_condition_variables_init_once_slists_and_pointer_encoding(width: str, tmp_path: Path) -> None:
    status, out, _ = run(width, tmp_path)
    assert (status, out) == (0, COMMON + INTERLOCKED[width])


@pytest.mark.parametrize("width", ["x86", "x64"])
def test_releasing_an_srw_lock_not_held_raises_resource_not_owned(width: str, tmp_path: Path) -> None:
    status, out, _ = run(width, tmp_path, "release-free")
    assert (status, out) == (0xC0000264, "")


def test_a_failed_get_proc_address_is_told_with_v_and_in_the_trace() -> None:
    # usersync asks the 64-bit kernel32 for the Interlocked functions only the 32-bit one has.
    program = str(BIN / "x64" / "usersync.exe")
    quiet = subprocess.run([sys.executable, "-m", "wow64emu", "run", program], capture_output=True, timeout=120)
    assert quiet.stderr == b""
    verbose = subprocess.run([sys.executable, "-m", "wow64emu", "run", "-v", program], capture_output=True,
                             timeout=120)
    assert [line for line in verbose.stderr.decode().splitlines() if "GetProcAddress" in line] == [
        f"wow64emu: INFO: GetProcAddress: kernel32.dll!{name}: not found (error 127)"
        for name in ("InterlockedIncrement", "InterlockedDecrement", "InterlockedCompareExchange",
                     "InterlockedCompareExchange64")]
    traced = subprocess.run([sys.executable, "-m", "wow64emu", "run", "--trace", "exceptions", program],
                            capture_output=True, timeout=120)
    assert "GetProcAddress: kernel32.dll!InterlockedIncrement: not found (error 127)" in traced.stderr.decode()
