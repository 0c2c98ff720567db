"""System calls of file-system control: NtFsControlFile, and the control codes whose buffers wow64 converts.

NtFsControlFile and NtDeviceIoControlFile take their buffers as bytes: wow64.dll passes them through unchanged,
except for the few control codes whose structures hold a pointer or a handle, which Windows' wow64 rebuilds in
64-bit form (winioctl.h declares their 32-bit forms for it: MOVE_FILE_DATA32, MARK_HANDLE_INFO32,
DUPLICATE_EXTENTS_DATA32):
- FSCTL_MOVE_FILE (MOVE_FILE_DATA.FileHandle), FSCTL_MARK_HANDLE (MARK_HANDLE_INFO.VolumeHandle),
  FSCTL_DUPLICATE_EXTENTS_TO_FILE (DUPLICATE_EXTENTS_DATA.FileHandle): defragmentation and block cloning, which
  this kernel does not serve (STATUS_INVALID_DEVICE_REQUEST), so no thunk converts them yet.
- Everything the toy programs reach has the same bytes in both widths and passes through: the reparse-point
  requests (REPARSE_DATA_BUFFER is ULONGs, USHORTs and WCHARs), FSCTL_PIPE_PEEK (FILE_PIPE_PEEK_BUFFER, ULONGs),
  FSCTL_PIPE_WAIT (FILE_PIPE_WAIT_FOR_BUFFER: a LARGE_INTEGER, a ULONG, a BOOLEAN and WCHARs),
  and the console's requests (NtDeviceIoControlFile, wow64emu/kernel/console.py).
"""

from __future__ import annotations

from .decl import IOSB, decl
from .kinds import HANDLE, PVOID, ULONG


def ctl_code(device: int, function: int, method: int, access: int) -> int:
    """CTL_CODE of winioctl.h."""
    return device << 16 | access << 14 | function << 2 | method


FILE_DEVICE_FILE_SYSTEM = 0x09
FILE_DEVICE_NAMED_PIPE = 0x11
METHOD_BUFFERED = 0
FILE_ANY_ACCESS = 0
FILE_READ_ACCESS = 1
FSCTL_SET_REPARSE_POINT = ctl_code(FILE_DEVICE_FILE_SYSTEM, 41, METHOD_BUFFERED, FILE_ANY_ACCESS)  # 0x900A4
FSCTL_GET_REPARSE_POINT = ctl_code(FILE_DEVICE_FILE_SYSTEM, 42, METHOD_BUFFERED, FILE_ANY_ACCESS)  # 0x900A8
FSCTL_DELETE_REPARSE_POINT = ctl_code(FILE_DEVICE_FILE_SYSTEM, 43, METHOD_BUFFERED, FILE_ANY_ACCESS)  # 0x900AC
FSCTL_PIPE_DISCONNECT = ctl_code(FILE_DEVICE_NAMED_PIPE, 1, METHOD_BUFFERED, FILE_ANY_ACCESS)  # 0x110004
FSCTL_PIPE_LISTEN = ctl_code(FILE_DEVICE_NAMED_PIPE, 2, METHOD_BUFFERED, FILE_ANY_ACCESS)  # 0x110008
FSCTL_PIPE_PEEK = ctl_code(FILE_DEVICE_NAMED_PIPE, 3, METHOD_BUFFERED, FILE_READ_ACCESS)  # 0x11400C
FSCTL_PIPE_WAIT = ctl_code(FILE_DEVICE_NAMED_PIPE, 6, METHOD_BUFFERED, FILE_ANY_ACCESS)  # 0x110018

DECLARATIONS = {
    "NtFsControlFile": decl(("FileHandle", HANDLE), ("Event", HANDLE), ("ApcRoutine", PVOID), ("ApcContext", PVOID),
                            ("IoStatusBlock", IOSB), ("FsControlCode", ULONG), ("InputBuffer", PVOID),
                            ("InputBufferLength", ULONG), ("OutputBuffer", PVOID), ("OutputBufferLength", ULONG)),
}
