"""Object services: NtClose."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..status import NTSTATUS

if TYPE_CHECKING:
    from . import Kernel

# (HANDLE)-1 .. (HANDLE)-6: current process, current thread, and Windows 8's pseudo token handles (current
# process token, current thread token, current thread effective token), sign-extended to 64 bits.
PSEUDO_HANDLES = range(0xFFFFFFFFFFFFFFFA, 0x10000000000000000)


def is_pseudo_handle(handle: int) -> bool:
    return (handle & 0xFFFFFFFFFFFFFFFF) in PSEUDO_HANDLES


class ObjectServices:
    def __init__(self, kernel: Kernel) -> None:
        self.kernel = kernel

    def NtClose(self, Handle: int) -> int:
        """Close one handle; the object goes when its last handle does.

        Pseudo handles (-1 to -6) are no table entries: Windows 10 answers STATUS_SUCCESS and does nothing
        (the documented "closing a pseudo handle has no effect"; Wine's NtClose does the same from its
        conformance tests). Anything else that names no object, NULL included, is STATUS_INVALID_HANDLE.
        """
        if is_pseudo_handle(Handle):
            return NTSTATUS.SUCCESS
        self.kernel.process.handles.close(Handle)
        return NTSTATUS.SUCCESS
