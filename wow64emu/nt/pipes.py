"""System calls of the named-pipe file system. NtCreateNamedPipeFile's arguments are the same in both widths but
for its OBJECT_ATTRIBUTES and the pointers, which the declared kinds widen."""

from __future__ import annotations

from .decl import HANDLE_OUT, IOSB, LARGE_IN, OA, decl
from .kinds import ULONG

DECLARATIONS = {
    "NtCreateNamedPipeFile": decl(("FileHandle", HANDLE_OUT), ("DesiredAccess", ULONG), ("ObjectAttributes", OA),
                                  ("IoStatusBlock", IOSB), ("ShareAccess", ULONG), ("CreateDisposition", ULONG),
                                  ("CreateOptions", ULONG), ("NamedPipeType", ULONG), ("ReadMode", ULONG),
                                  ("CompletionMode", ULONG), ("MaximumInstances", ULONG), ("InboundQuota", ULONG),
                                  ("OutboundQuota", ULONG), ("DefaultTimeout", LARGE_IN)),
}
