"""The bytes of the committed guest system-call path: ntdll stubs, Wow64SystemServiceCall, KiFastSystemCall.

Reads the binaries that guest/build.sh installed in wow64emu/sysroot (no toolchain needed) and checks them
against the Windows 10 patterns of ../shared/reference/wow64-facts.md section 3, with the numbers and argument
bytes of wow64emu.nt.syscalls.
"""

from __future__ import annotations

import struct
from pathlib import Path

import pefile
import pytest

from tests.peread import exports, parsed
from wow64emu.nt.syscalls import Syscall, syscalls

SYSROOT = Path(__file__).resolve().parents[1] / "wow64emu" / "sysroot" / "Windows"
NTDLL32 = SYSROOT / "SysWOW64" / "ntdll.dll"
NTDLL64 = SYSROOT / "System32" / "ntdll.dll"
WOW64CPU = SYSROOT / "System32" / "wow64cpu.dll"

SECTION_EXECUTE = 0x20000000
SECTION_WRITE = 0x80000000


def _pe(path: Path) -> pefile.PE:
    return parsed(path)


def _exports(path: Path) -> dict[str, int]:
    return {name: e.address for name, e in exports(path).items()}


def _va(path: Path, name: str) -> int:
    return _pe(path).OPTIONAL_HEADER.ImageBase + _exports(path)[name]


def _bytes_at_export(path: Path, name: str, length: int) -> bytes:
    return _pe(path).get_data(_exports(path)[name], length)


def _section_of(path: Path, rva: int) -> pefile.SectionStructure:
    section = _pe(path).get_section_by_rva(rva)
    assert section is not None, f"RVA {rva:#x} is in no section of {path.name}"
    return section


def _base_relocation_rvas(path: Path) -> set[int]:
    pe = _pe(path)
    return {e.rva for block in getattr(pe, "DIRECTORY_ENTRY_BASERELOC", []) for e in block.entries if e.type}


def windows10_stub32(call: Syscall, service_call_va: int) -> bytes:
    ret = b"\xC2" + struct.pack("<H", call.arg_bytes) if call.arg_bytes else b"\xC3"
    return (b"\xB8" + struct.pack("<I", call.number) + b"\xBA" + struct.pack("<I", service_call_va)
            + b"\xFF\xD2" + ret)


def windows10_stub64(call: Syscall) -> bytes:
    return b"\x4C\x8B\xD1" + b"\xB8" + struct.pack("<I", call.number) + b"\x0F\x05" + b"\xC3"


CALLS = syscalls()


def test_there_are_calls_to_check():
    assert len(CALLS) >= 10
    assert {"NtWriteFile", "NtClose", "NtTerminateProcess"} <= {c.name for c in CALLS}


@pytest.mark.parametrize("call", CALLS, ids=lambda c: c.name)
def test_stub32_is_the_windows10_pattern(call: Syscall):
    expected = windows10_stub32(call, _va(NTDLL32, "Wow64SystemServiceCall"))
    assert _bytes_at_export(NTDLL32, call.name, len(expected)) == expected


@pytest.mark.parametrize("call", CALLS, ids=lambda c: c.name)
def test_stub32_address_operand_is_relocated(call: Syscall):
    # The `mov edx, imm32` operand is an absolute address: a base relocation must cover it.
    rva = _exports(NTDLL32)[call.name]
    assert rva + 6 in _base_relocation_rvas(NTDLL32)


@pytest.mark.parametrize("call", CALLS, ids=lambda c: c.name)
def test_stub64_is_the_windows10_pattern(call: Syscall):
    expected = windows10_stub64(call)
    assert _bytes_at_export(NTDLL64, call.name, len(expected)) == expected


@pytest.mark.parametrize("path", [NTDLL32, NTDLL64], ids=["ntdll32", "ntdll64"])
def test_stubs_are_executable_and_16_byte_aligned(path: Path):
    for call in CALLS:
        rva = _exports(path)[call.name]
        assert rva % 16 == 0, call.name
        assert _section_of(path, rva).Characteristics & SECTION_EXECUTE, call.name


def test_wow64_system_service_call_jumps_through_wow64_transition():
    expected = b"\xFF\x25" + struct.pack("<I", _va(NTDLL32, "Wow64Transition"))
    assert _bytes_at_export(NTDLL32, "Wow64SystemServiceCall", 6) == expected
    rva = _exports(NTDLL32)["Wow64SystemServiceCall"]
    assert rva + 2 in _base_relocation_rvas(NTDLL32)


def test_wow64_transition_is_writable_data_holding_zero():
    rva = _exports(NTDLL32)["Wow64Transition"]
    section = _section_of(NTDLL32, rva)
    assert section.Characteristics & SECTION_WRITE
    assert not section.Characteristics & SECTION_EXECUTE
    assert _pe(NTDLL32).get_data(rva, 4) == b"\0\0\0\0"


def test_ki_fast_system_call_far_jumps_to_64bit_code():
    target = _va(WOW64CPU, "CpupReturnFromSimulatedCode")
    assert target < 1 << 32  # a far jump's offset has 32 bits: wow64cpu must live below 4 GB
    expected = b"\xEA" + struct.pack("<I", target) + b"\x33\x00"
    assert _bytes_at_export(WOW64CPU, "KiFastSystemCall", 7) == expected
    assert _va(WOW64CPU, "KiFastSystemCall") < 1 << 32


def _call_targets(path: Path, name: str, length: int) -> tuple[bytes, list[int]]:
    """The code of an export up to its int3, and the RVAs its direct calls (E8 rel32) go to, in order."""
    code = _bytes_at_export(path, name, length)
    code = code[:code.index(b"\xCC")]
    start = _exports(path)[name]
    return code, [start + i + 5 + struct.unpack_from("<i", code, i + 1)[0]
                  for i in range(len(code) - 4) if code[i] == 0xE8]


@pytest.mark.parametrize(("path", "call_entry"), [(NTDLL32, b"\xFF\xD7"), (NTDLL64, b"\xFF\xD3")],
                         ids=["x86", "x64"])
def test_rtl_user_thread_start_attaches_the_dlls_then_exits_through_rtl_exit_user_thread(
        path: Path, call_entry: bytes):
    # The loader's initialisation of the process or of the thread (ldrthread.c, not exported), then the routine
    # (call edi / call rbx), then RtlExitUserThread(status), which ends the thread, and the process with the last.
    code, targets = _call_targets(path, "RtlUserThreadStart", 48)
    exported = _exports(path)
    assert len(targets) == 2 and targets[1] == exported["RtlExitUserThread"]
    assert targets[0] not in exported.values() and _section_of(path, targets[0]).Characteristics & SECTION_EXECUTE
    first_call, last_call = code.index(b"\xE8"), code.rindex(b"\xE8")
    assert first_call < code.index(call_entry) < last_call
    if path == NTDLL64:
        assert code.startswith(b"\x55\x48\x89\xE5\x48\x83\xE4\xF0\x48\x83\xEC\x20")  # aligned, shadow space
