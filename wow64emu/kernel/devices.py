"""The DOS devices a Win32 program opens by name: NUL, and the console's CON, CONIN$ and CONOUT$.

On Windows 10 they are symbolic links of \\GLOBAL??: NUL to \\Device\\Null, CONIN$ and CONOUT$ to the console
driver's current input and output, CON to its console (which kernelbase opens as CONIN$ for a read-only access
and as CONOUT$ otherwise); \\Device\\ConDrv\\Connect is a new connection to the console (console.py). kernel32
turns a Win32 name whose last component is a device's into \\??\\NAME, as
RtlDosPathNameToNtPathName_U does ("C:\\dir\\nul.txt" is NUL too: guest/kernel32/dospath.c). The other DOS devices
(PRN, AUX, COM1-COM9, LPT1-LPT9) do not exist on this machine: STATUS_OBJECT_NAME_NOT_FOUND.

The null device takes every write whole and reads as an empty file; its file-system requests are those of a
device that has none (IoObject's defaults).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..nt.status import NTSTATUS
from .console import ConsoleConnection, ConsoleObject
from .errors import NtError
from .fileobject import FILE_READ_DATA, FILE_SYNCHRONOUS_IO_NONALERT, FILE_WRITE_DATA, IoObject
from .paths import DRIVE_PREFIXES

if TYPE_CHECKING:
    from .process import Process

FILE_DEVICE_NULL = 0x15
_ABSENT = frozenset({"prn", "aux", *(f"com{i}" for i in range(1, 10)), *(f"lpt{i}" for i in range(1, 10))})


class NullDevice(IoObject):
    """\\Device\\Null."""

    seekable = False
    device_type = FILE_DEVICE_NULL

    def describe(self) -> str:
        return "\\Device\\Null"

    def read(self, offset: int, length: int) -> bytes:
        return b""

    def write(self, offset: int | None, data: bytes) -> int:
        return 0

    def flush(self) -> None:
        pass


def device_name(name: str) -> str | None:
    """The device an absolute NT name opens ("nul", "con", "conin$", "conout$", lower case; "connect" for a new
    connection to the console, as AllocConsole and AttachConsole open it), or None when it names no device (a file
    of C:, say)."""
    lowered = name.lower()
    if lowered == "\\device\\null":
        return "nul"
    if lowered == "\\device\\condrv\\connect":
        return "connect"
    for prefix in DRIVE_PREFIXES:
        if lowered.startswith(prefix):
            rest = lowered[len(prefix):]
            if rest in ("nul", "con", "conin$", "conout$") or rest in _ABSENT:
                return rest
    return None


def open_device(process: Process, device: str, access: int) -> IoObject:
    """A new File object on that device, with the rights granted."""
    if device in _ABSENT:
        raise NtError(NTSTATUS.OBJECT_NAME_NOT_FOUND)
    if device == "nul":
        return NullDevice(access, FILE_SYNCHRONOUS_IO_NONALERT)
    if device == "connect":
        return ConsoleConnection(process.system.console, process.pid)
    console = process.system.console
    if device == "conin$" or device == "con" and not access & FILE_WRITE_DATA and access & FILE_READ_DATA:
        return ConsoleObject(console, console.streams.stdin, True, "stdin", access)
    return ConsoleObject(console, console.streams.stdout, False, "stdout", access)
