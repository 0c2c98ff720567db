"""Differential oracle: processes, threads, tokens and the system, 32-bit through WoW64 against 64-bit native.

Where the two widths must differ, the scenarios print the fact with its width (" width=32" / " width=64") and
a rule below rewrites exactly the expected pair to one text: any other value in either width stays as printed
and fails the comparison.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.oracle import Coverage, Rule, check


def by_width(fact: str, x86: str, x64: str) -> Rule:
    """What `fact` is in each width, stated: both forms become "<fact> as the width wants"."""
    return (rf"{x86} width=32|{x64} width=64", f"{fact} as the width wants")


# A 32-bit process sees the PEB32 in ProcessWow64Information, the 32-bit address space, an x86 processor,
# WoW64's environment; a 64-bit process sees 0, the 47-bit address space, AMD64, its own environment.
WIDTH_RULES: list[Rule] = [
    by_width("wow64", "wow64=peb", "wow64=zero"),
    by_width("max user address", "max user address=0x7ffeffff", "max user address=0x7ffffffeffff"),
    by_width("processor", "architecture=0", "architecture=9"),
    by_width("processor and type", "architecture=0 type=586", "architecture=9 type=8664"),
    by_width("IsWow64Process", "IsWow64Process=1", "IsWow64Process=0"),
    by_width("process machine", "process machine=0x14c", "process machine=0x0"),
    by_width("PROCESSOR_ARCHITECTURE", "PROCESSOR_ARCHITECTURE=x86", "PROCESSOR_ARCHITECTURE=AMD64"),
    by_width("PROCESSOR_ARCHITEW6432", "PROCESSOR_ARCHITEW6432=AMD64",
             r"PROCESSOR_ARCHITEW6432 not found \(203\)"),
    by_width("ProgramFiles", r"ProgramFiles=C:\\Program Files \(x86\)", r"ProgramFiles=C:\\Program Files"),
    by_width("environment entries", "entries=38", "entries=37"),  # PROCESSOR_ARCHITEW6432
]


def test_process_information(tmp_path: Path, oracle_coverage: Coverage) -> None:
    obs = check("oracle_process", tmp_path, oracle_coverage, WIDTH_RULES)
    out = obs.stdout
    assert "wow64 as the width wants" in out
    assert "ProcessBasicInformation: status=0x00000000\n  return length is the caller's sizeof=1\n" \
           "  exit status=259\n  peb is the caller's own PEB=1\n" in out
    assert "ProcessBasicInformation short: status=0xc0000004\n  return length and buffer untouched=1" in out
    assert "  name=\\Device\\HarddiskVolume3\\oracle_process.exe\n" in out
    assert "  name=C:\\oracle_process.exe\n" in out
    assert "ProcessCookie through a real handle: status=0xc000000d" in out
    assert "NtOpenProcess Idle (pid 0): status=0xc000000d\nNtOpenProcess System (pid 4): status=0xc0000022" in out
    assert "NtOpenProcess pid with another's tid: status=0xc000000b" in out
    assert "  OpenProcess pid 0: result=0 error=87" in out
    assert "  GetModuleFileNameW 5 characters: result=5 error=122\n  name=C:\\o\n" in out
    assert "NtTerminateProcess thread handle: status=0xc0000024" in out
    assert "not reached" not in out  # NtTerminateProcess through an opened handle ended it with 0


def test_threads_and_tokens(tmp_path: Path, oracle_coverage: Coverage) -> None:
    out = check("oracle_process_thread", tmp_path, oracle_coverage, WIDTH_RULES).stdout
    assert "  teb is the caller's own TEB=1\n  client id is the TEB's=1\n" in out
    assert "  is the entry point=1" in out
    assert "SetThreadPriority 115 (+100): GetThreadPriority 115 (+100), priority 15, base priority 116" in out
    assert "ThreadPriority 16 (realtime): status=0xc0000061" in out
    assert "ThreadHideFromDebugger with data: status=0xc0000004" in out
    assert "NtOpenThread tid with another pid: status=0xc000000b" in out
    assert "  sid=S-1-5-21-1004336348-1177238915-682003330-1001\n" in out
    assert "  attributes=96\n  sid=S-1-16-8192\n" in out
    assert "NtOpenThreadToken (not impersonating): status=0xc000007c" in out
    assert "thread token\n  TokenType: status=0x00000000\n  value=2\n" in out
    assert "ThreadImpersonationToken primary token: status=0xc00000a8" in out
    assert "NtOpenThreadToken anonymous: status=0xc00000a6" in out


def test_system_information(tmp_path: Path, oracle_coverage: Coverage) -> None:
    out = check("oracle_process_system", tmp_path, oracle_coverage, WIDTH_RULES).stdout
    assert "  max user address as the width wants\n" in out
    assert "SystemBasicInformation long: status=0xc0000004\n  return length=0\n" in out
    assert "  process 0 name= threads=2" in out and "  process 4 name=System threads=1" in out
    assert "  process (own) name=oracle_process_system.exe threads=1 base priority=8 session=1" in out
    assert "  thread is this one=1\n  thread starts at the entry point=1\n" in out
    assert "GetSystemInfo: processor and type as the width wants" in out
    assert "GetNativeSystemInfo: architecture=9 type=8664\n" in out
    assert "  IsWow64Process as the width wants" in out and "  native machine=34404" in out
    assert "  GetVersion=1248133130\n" in out  # 0x4A65000A: 10.0, build 19045
    assert "  PROCESSOR_ARCHITEW6432 as the width wants" in out
    assert "  NO_SUCH_VARIABLE not found (203)\n" in out


@pytest.mark.parametrize(("x86", "x64"), [("wow64=zero width=32", "wow64=peb width=64"),
                                          ("IsWow64Process=0 width=32", "IsWow64Process=0 width=64")])
def test_width_rules_keep_an_unexpected_value(x86: str, x64: str) -> None:
    def apply(text: str) -> str:
        for pattern, replacement in WIDTH_RULES:
            text = re.sub(pattern, replacement, text)
        return text

    assert apply(x86) != apply(x64)
