"""What wow64.dll does by hand for the calls about processes, threads, tokens and the system.

wow64.dll converts by hand the information classes whose buffers hold pointers or pointer-sized fields
(infoclass.py; a KAFFINITY set by ProcessAffinityMask is one); the rest pass through. It also shows a 32-bit
caller its own structures: the PEB32 in PROCESS_BASIC_INFORMATION, the TEB32 in THREAD_BASIC_INFORMATION, and
the x86 view of the system (the kernel's emulation classes) for SystemBasicInformation and
SystemProcessorInformation. PROCESS_BASIC_INFORMATION about another process holds that process's PEB32 when it
is a WoW64 process, and 0 when it is a 64-bit one, whose PEB a 32-bit pointer cannot name (the 32-bit caller
reads it through NtWow64QueryInformationProcess64 on Windows).
"""

from __future__ import annotations

from ..nt import layouts as L
from ..nt.process import (
    PROCESS_BASIC_INFORMATION,
    SID_AND_ATTRIBUTES,
    SYSTEM_BASIC_INFORMATION,
    SYSTEM_PROCESS_INFORMATION,
    SYSTEM_THREAD_INFORMATION,
    TEB64_TO_TEB32,
    THREAD_BASIC_INFORMATION,
    ProcessAffinityMask,
    ProcessBasicInformation,
    ProcessDebugPort,
    ProcessImageFileName,
    ProcessImageFileNameWin32,
    ProcessWow64Information,
    SystemBasicInformation,
    SystemEmulationBasicInformation,
    SystemEmulationProcessorInformation,
    SystemProcessInformation,
    SystemProcessorInformation,
    ThreadBasicInformation,
    ThreadImpersonationToken,
    ThreadQuerySetWin32StartAddress,
    TokenIntegrityLevel,
    TokenUser,
)
from ..nt.security import TokenGroups
from ..nt.status import NTSTATUS
from . import infoclass as I
from .context import ThunkContext
from .security import token_groups


def _peb32(ctx: ThunkContext, values: dict[str, int]) -> None:
    """PebBaseAddress: the process's PEB32 (0 for a 64-bit process) in place of the PEB64 the kernel knows."""
    values["PebBaseAddress"] = ctx.wow64_peb(ctx.arg64("ProcessHandle"))


def _teb32(ctx: ThunkContext, values: dict[str, int]) -> None:
    """TebBaseAddress: the thread's TEB32, which follows its TEB64."""
    if values["TebBaseAddress"]:
        values["TebBaseAddress"] += TEB64_TO_TEB32


UNICODE_STRING_HEADER = I.header(L.UNICODE_STRING)
SID_HEADER = I.header(SID_AND_ATTRIBUTES)
POINTER_SIZED = I.fixed(L.SIZE_T)

PROCESS_QUERY = I.special(
    I.Params("ProcessInformationClass", "ProcessInformation", "ProcessInformationLength", "ReturnLength"), {
        ProcessBasicInformation: I.fixed(PROCESS_BASIC_INFORMATION, _peb32),
        ProcessDebugPort: POINTER_SIZED,
        ProcessWow64Information: POINTER_SIZED,
        ProcessImageFileName: UNICODE_STRING_HEADER,
        ProcessImageFileNameWin32: UNICODE_STRING_HEADER,
    })

PROCESS_SET = I.special(
    I.Params("ProcessInformationClass", "ProcessInformation", "ProcessInformationLength"), {
        ProcessAffinityMask: I.fixed_in(L.SIZE_T),
    })

THREAD_QUERY = I.special(
    I.Params("ThreadInformationClass", "ThreadInformation", "ThreadInformationLength", "ReturnLength"), {
        ThreadBasicInformation: I.fixed(THREAD_BASIC_INFORMATION, _teb32),
        ThreadQuerySetWin32StartAddress: I.fixed(L.PVOID),
    })

THREAD_SET = I.special(
    I.Params("ThreadInformationClass", "ThreadInformation", "ThreadInformationLength"), {
        ThreadImpersonationToken: I.fixed_in(L.HANDLE),
    })

TOKEN_QUERY = I.special(
    I.Params("TokenInformationClass", "TokenInformation", "TokenInformationLength", "ReturnLength",
             return_length_optional=False), {
        TokenUser: SID_HEADER,
        TokenIntegrityLevel: SID_HEADER,
        TokenGroups: token_groups,
    })


def _system_processes(ctx: ThunkContext, p: I.Params) -> None:
    """SystemProcessInformation: every record and its threads rebuilt in the 32-bit layout.

    The kernel answers into an arena buffer big enough for any list this emulator has; the 32-bit length of the
    converted records decides between success and STATUS_INFO_LENGTH_MISMATCH (ReturnLength = the length needed).
    """
    I.rebuilt(ctx, p, narrow_process_records, NTSTATUS.INFO_LENGTH_MISMATCH, "SYSTEM_PROCESS_INFORMATION")


def narrow_process_records(data: bytes, base64: int, base32: int) -> bytes:
    """SYSTEM_PROCESS_INFORMATION records (with their threads and image names) from 64-bit to 32-bit layout."""
    out = bytearray()
    offset = 0
    while True:
        record = SYSTEM_PROCESS_INFORMATION.unpack(data[offset:], 64)
        threads_at = offset + SYSTEM_PROCESS_INFORMATION.size(64)
        thread_size64 = SYSTEM_THREAD_INFORMATION.size(64)
        threads = [SYSTEM_THREAD_INFORMATION.narrow(SYSTEM_THREAD_INFORMATION.unpack(data[at:], 64))
                   for at in range(threads_at, threads_at + record["NumberOfThreads"] * thread_size64,
                                   thread_size64)]
        name_at = record["ImageNameBuffer"] - base64
        name = data[name_at: name_at + record["ImageNameMaximumLength"]] if record["ImageNameBuffer"] else b""
        start32 = len(out)
        name32 = (start32 + SYSTEM_PROCESS_INFORMATION.size(32)
                  + len(threads) * SYSTEM_THREAD_INFORMATION.size(32))
        end32 = name32 + len(name)
        end32 += -end32 % 8
        values = SYSTEM_PROCESS_INFORMATION.narrow(record)
        values["ImageNameBuffer"] = base32 + name32 if name else 0
        values["NextEntryOffset"] = end32 - start32 if record["NextEntryOffset"] else 0
        out += SYSTEM_PROCESS_INFORMATION.pack(values, 32)
        for thread in threads:
            out += SYSTEM_THREAD_INFORMATION.pack(thread, 32)
        out += name
        out += bytes(end32 - len(out))
        if not record["NextEntryOffset"]:
            return bytes(out)
        offset += record["NextEntryOffset"]


SYSTEM_QUERY = I.special(
    I.Params("SystemInformationClass", "SystemInformation", "SystemInformationLength", "ReturnLength"), {
        SystemBasicInformation: I.remapped(SystemEmulationBasicInformation, I.fixed(SYSTEM_BASIC_INFORMATION)),
        SystemEmulationBasicInformation: I.fixed(SYSTEM_BASIC_INFORMATION),
        SystemProcessorInformation: I.remapped(SystemEmulationProcessorInformation),
        SystemProcessInformation: _system_processes,
    })


SPECIALS = {
    "NtQueryInformationProcess": PROCESS_QUERY,
    "NtSetInformationProcess": PROCESS_SET,
    "NtQueryInformationThread": THREAD_QUERY,
    "NtSetInformationThread": THREAD_SET,
    "NtQuerySystemInformation": SYSTEM_QUERY,
    "NtQueryInformationToken": TOKEN_QUERY,
}
