"""The console: one File object per standard stream, over the process's host streams.

On Windows 10 console handles are File objects on \\Device\\ConDrv, so NtReadFile and NtWriteFile serve them
like files (files.py). What differs, following condrv and conhost:
- No file pointer: ByteOffset is read (a bad pointer still faults) and ignored.
- Reading an output handle, or writing the input handle: STATUS_INVALID_HANDLE (conhost checks the kind).
- A read returns at most one line (cooked mode: ReadFile on a console returns when Enter is pressed), at
  most Length bytes, without waiting for Length bytes; at the end of the host input: STATUS_END_OF_FILE.
  Bytes pass as they are: no code-page conversion and no "\\n" -> "\\r\\n" (the host stream is the user's
  terminal or file).
- The file-system requests (information classes but the file position, directory listings, volume information
  but the device type, flushes): STATUS_INVALID_DEVICE_REQUEST, what Windows 10 gives for console handles
  (GetFileSizeEx fails with ERROR_INVALID_FUNCTION; Wine's console tests check the same). The I/O manager
  answers FilePositionInformation (0 unless set) and FileFsDeviceInformation (FILE_DEVICE_CONSOLE) itself.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, BinaryIO

from ..nt.status import NTSTATUS
from .errors import NtError
from .fileobject import (
    FILE_DEVICE_CONSOLE,
    FILE_SYNCHRONOUS_IO_NONALERT,
    GENERIC_READ,
    GENERIC_WRITE,
    IoObject,
    map_generic,
)

if TYPE_CHECKING:
    from .process import Process

STD_ACCESS = map_generic(GENERIC_READ | GENERIC_WRITE)  # how kernelbase opens CONIN$ / CONOUT$


@dataclass
class StdStreams:
    """The host streams behind the console: the emulator's own stdin, stdout and stderr, or a test's buffers."""

    stdin: BinaryIO
    stdout: BinaryIO
    stderr: BinaryIO


class ConsoleObject(IoObject):
    """One standard stream of the console: input (readable) or output (writable)."""

    seekable = False
    device_type = FILE_DEVICE_CONSOLE

    def __init__(self, stream: BinaryIO, is_input: bool, name: str, access: int = STD_ACCESS) -> None:
        super().__init__(access, FILE_SYNCHRONOUS_IO_NONALERT)
        self.stream = stream
        self.is_input = is_input
        self.name = name  # "stdin", "stdout", "stderr": for traces

    def describe(self) -> str:
        return f"Console {self.name}"

    def read(self, offset: int, length: int) -> bytes:
        if not self.is_input:
            raise NtError(NTSTATUS.INVALID_HANDLE)
        try:
            return self.stream.readline(length)
        except (OSError, ValueError):  # a closed or broken host stream is the end of the input
            return b""

    def write(self, offset: int | None, data: bytes) -> int:
        if self.is_input:
            raise NtError(NTSTATUS.INVALID_HANDLE)
        try:
            self.stream.write(data)
            self.stream.flush()
        except (OSError, ValueError):
            raise NtError(NTSTATUS.UNSUCCESSFUL) from None
        return 0

    def close(self) -> None:
        """The host streams belong to the emulator's user, not the guest: a close leaves them open."""


def create_std_handles(process: Process) -> tuple[int, int, int]:
    """Insert the console's three standard streams into the handle table: (stdin, stdout, stderr)."""
    streams = process.system.streams
    return (process.handles.insert(ConsoleObject(streams.stdin, True, "stdin")),
            process.handles.insert(ConsoleObject(streams.stdout, False, "stdout")),
            process.handles.insert(ConsoleObject(streams.stderr, False, "stderr")))
