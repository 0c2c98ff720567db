"""The kernel32 functions whose service is absent (guest/kernel32/unserved.c): a program that imports them starts, and
each call fails as Windows fails without the service (the documented failure value, ERROR_INVALID_FUNCTION) and
writes one `wow64emu: WARNING: <function>: <what is missing>` line on the emulator's stderr, once per message
(OutputDebugStringA's exception, which the emulator sees as a debugger would: wow64emu/nt/exceptions.py); the
process status functions (QueryFullProcessImageNameW, K32GetModuleFileNameExW) answer for the current process
(fixtures/src/unserved.c, both widths, run through the command line as a user runs it)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
BIN = ROOT / "fixtures" / "bin"
SYSDIR = {"x86": "SysWOW64", "x64": "System32"}

EXPECTED_OUT = r"""CreateProcessW -> 0x0 error=2
CreateProcessA -> 0x0 error=87
PeekNamedPipe -> 0x0 error=1
SetDllDirectoryW -> 0x0 error=1
SetDllDirectoryW again -> 0x0 error=1
GetPrivateProfileStringA -> 0x7 error=2
  [default]
GetPrivateProfileIntA -> 0x2a error=2
QueryFullProcessImageNameW -> 0x1 error=0
  size is the length=1 ends with unserved.exe=1
QueryFullProcessImageNameW size 5 -> 0x0 error=122
QueryFullProcessImageNameW native -> 0x1 error=0
QueryFullProcessImageNameW bad handle -> 0x0 error=6
K32GetModuleFileNameExW kernel32 -> 0x20 error=0
  C:\Windows\{sysdir}\kernel32.dll
"""

EXPECTED_ERR = """wow64emu: WARNING: SetDllDirectoryW: the loader has no DLL directory
wow64emu: WARNING: GetPrivateProfileStringA: .ini files are not read
wow64emu: WARNING: GetPrivateProfileIntA: .ini files are not read
wow64emu: WARNING: SetDllDirectoryW: the loader has no DLL directory (2 times in all)
"""


@pytest.mark.parametrize("width", ["x86", "x64"])
def test_unserved_functions_fail_and_warn(width: str) -> None:
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    run = subprocess.run([sys.executable, "-m", "wow64emu", "run", str(BIN / width / "unserved.exe")],
                         capture_output=True, env=env, timeout=120)
    assert run.returncode == 0
    assert run.stdout.decode().splitlines() == EXPECTED_OUT.format(sysdir=SYSDIR[width]).splitlines()
    assert run.stderr.decode().splitlines() == EXPECTED_ERR.splitlines()

