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


# How an argument is described: its value in hex, a handle by what it stands for, an OBJECT_ATTRIBUTES by its name,
# NtDeviceIoControlFile's input buffer by the console request it carries.
_HEX, _HANDLE, _OBJECT_ATTRIBUTES, _CONSOLE_REQUEST = range(4)


def _how(call: Syscall, param_name: str, kind_name: str, layout: object) -> int:
    if call.name == "NtDeviceIoControlFile" and param_name == "InputBuffer":
        return _CONSOLE_REQUEST
    if kind_name == "HANDLE":
        return _HANDLE
    return _OBJECT_ATTRIBUTES if layout is L.OBJECT_ATTRIBUTES else _HEX


# Per call (by name): each parameter's name and how it is described, and the parameters its success writes a new
# handle into. Made once per call: the trace describes every call's arguments.
_PLANS: dict[str, tuple[tuple[tuple[str, int], ...], tuple[int, ...]]] = {}


def _plan(call: Syscall) -> tuple[tuple[tuple[str, int], ...], tuple[int, ...]]:
    plan = _PLANS.get(call.name)
    if plan is None:
        plan = _PLANS[call.name] = (
            tuple((p.name, _how(call, p.name, p.kind.name, p.kind.layout)) for p in call.params),
            tuple(i for i, p in enumerate(call.params) if p.kind.layout is L.HANDLE and p.kind.direction is Dir.OUT))
    return plan


_BY_VALUES: dict[str, bool] = {}


def by_values(call: Syscall) -> bool:
    """Whether the call's description is its arguments' values alone (every one in hex, no handle among them, no
    handle written back): a rendering of the service event's fields, which may be made at any time, or never."""
    found = _BY_VALUES.get(call.name)
    if found is None:
        args, outputs = _plan(call)
        found = _BY_VALUES[call.name] = not outputs and all(how == _HEX for _, how in args)
    return found


def describe_args(process: Process, call: Syscall, args: list[int]) -> list[str]:
    """One string per argument, read before the service runs."""
    out = []
    for (name, how), value in zip(_plan(call)[0], args, strict=False):
        if how == _HEX:
            out.append(f"{name}=0x{value:x}")
        elif how == _HANDLE:
            out.append(f"{name}={describe_handle(process, value)}")
        elif how == _CONSOLE_REQUEST:
            code, length = (args[i] & 0xFFFFFFFF for i in (5, 7))
            request = describe_request(process.memory, value, length) if code == IOCTL_CONDRV_ISSUE_USER_IO else ""
            out.append(f"{name}=0x{value:x}{request}")
        elif value:  # an OBJECT_ATTRIBUTES
            try:
                found = read_object_attributes(process.memory, value).name
                out.append(f'{name}=0x{value:x} "{found}"' if found is not None else f"{name}=0x{value:x} (no name)")
            except (GuestFault, NtError, CommitLimitReached):
                out.append(f"{name}=0x{value:x} (unreadable)")
        else:
            out.append(f"{name}=0x0")
    return out


def describe_outputs(process: Process, call: Syscall, args: list[int]) -> list[str]:
    """New handles a successful call wrote, read after the service ran."""
    out = []
    for i in _plan(call)[1]:
        if i < len(args) and args[i]:
            try:
                (handle,) = struct.unpack("<Q", process.memory.read(args[i], 8))
            except GuestFault:
                continue
            out.append(f"{call.params[i].name} -> {describe_handle(process, handle)}")
    return out
