"""Arguments of a system call as a trace shows them: handles by what they stand for, object names spelled out, the
console API a console request carries."""

from __future__ import annotations

import struct
from typing import TYPE_CHECKING

from ..errors import CommitLimitReached, GuestFault
from ..nt import layouts as L
from ..nt.kinds import Dir
from ..nt.syscalls import Syscall
from .console import IOCTL_CONDRV_ISSUE_USER_IO, describe_request
from .errors import NtError
from .handles import CURRENT_PROCESS, CURRENT_THREAD
from .paths import read_object_attributes

if TYPE_CHECKING:
    from .process import Process

_PSEUDO = {CURRENT_PROCESS: "NtCurrentProcess", CURRENT_THREAD: "NtCurrentThread", 0: "NULL"}


def describe_handle(process: Process, handle: int) -> str:
    if handle in _PSEUDO:
        return _PSEUDO[handle]
    obj = process.handles.lookup(handle)
    return f"0x{handle:x} ({obj.describe() if obj else 'not a handle'})"


def describe_args(process: Process, call: Syscall, args: list[int]) -> list[str]:
    """One string per argument, read before the service runs."""
    out = []
    for param, value in zip(call.params, args, strict=False):
        kind = param.kind
        text = f"0x{value:x}"
        if call.name == "NtDeviceIoControlFile" and param.name == "InputBuffer":
            code, length = (args[i] & 0xFFFFFFFF for i in (5, 7))
            if code == IOCTL_CONDRV_ISSUE_USER_IO:
                text += describe_request(process.memory, value, length)
        elif kind.name == "HANDLE":
            text = describe_handle(process, value)
        elif kind.layout is L.OBJECT_ATTRIBUTES and value:
            try:
                name = read_object_attributes(process.memory, value).name
                text += f' "{name}"' if name is not None else " (no name)"
            except (GuestFault, NtError, CommitLimitReached):
                text += " (unreadable)"
        out.append(f"{param.name}={text}")
    return out


def describe_outputs(process: Process, call: Syscall, args: list[int]) -> list[str]:
    """New handles a successful call wrote, read after the service ran."""
    out = []
    for param, value in zip(call.params, args, strict=False):
        if param.kind.layout is L.HANDLE and param.kind.direction is Dir.OUT and value:
            try:
                (handle,) = struct.unpack("<Q", process.memory.read(value, 8))
            except GuestFault:
                continue
            out.append(f"{param.name} -> {describe_handle(process, handle)}")
    return out
