"""Exceptions: the NTSTATUS code Windows gives each kind of CPU fault.

A fault reaches the kernel as an event of the process's CPU (emu/cpu/backend.py). Until exception dispatch to the
guest's own handlers exists, an exception ends the process with this code as its exit status, as an unhandled one
does on Windows.
"""

from __future__ import annotations

from ..emu.cpu.backend import Fault, FaultKind
from ..nt.status import NTSTATUS

_CODES = {
    FaultKind.PAGE: NTSTATUS.ACCESS_VIOLATION,
    FaultKind.DIVIDE: NTSTATUS.INTEGER_DIVIDE_BY_ZERO,
    FaultKind.OVERFLOW: NTSTATUS.INTEGER_OVERFLOW,
    FaultKind.BREAKPOINT: NTSTATUS.BREAKPOINT,
    FaultKind.SINGLE_STEP: NTSTATUS.SINGLE_STEP,
    FaultKind.INVALID_OPCODE: NTSTATUS.ILLEGAL_INSTRUCTION,
    FaultKind.GENERAL_PROTECTION: NTSTATUS.PRIVILEGED_INSTRUCTION,
    FaultKind.SEGMENT_NOT_PRESENT: NTSTATUS.ACCESS_VIOLATION,
    FaultKind.STACK: NTSTATUS.ACCESS_VIOLATION,
    FaultKind.INTERRUPT: NTSTATUS.ACCESS_VIOLATION,  # `int n` through a gate user mode may not use: #GP
}


def exception_code(fault: Fault) -> int:
    return _CODES[fault.kind]
