"""What wow64.dll does by hand for the I/O manager's calls: files and directories.

Every information structure of these calls has the same bytes in both widths (LARGE_INTEGERs, ULONGs and
WCHARs), and passes through, except FILE_RENAME_INFORMATION (and FILE_LINK_INFORMATION, the same layout): its
RootDirectory is a HANDLE. For NtSetInformationFile with those classes the thunk rebuilds the structure in the
arena, RootDirectory sign-extended and the name moved to its 64-bit offset, and the Length grows by the
difference. A buffer too short to hold the 32-bit structure is passed on as it is, for the kernel to refuse its
length. NtFsControlFile and NtDeviceIoControlFile pass through (wow64emu/nt/fsctl.py says which codes would not).

The file system redirector (rules in fsredirect.py) rewrites the name of every call that names a file
(NtCreateFile, NtOpenFile, NtDeleteFile, NtQueryAttributesFile, NtQueryFullAttributesFile, and the target of a
rename or link) in the arena, after the declared widening: a new UNICODE_STRING and OBJECT_ATTRIBUTES (or
FILE_RENAME_INFORMATION) for the 64-bit call, the caller's left as they were. A name relative to a RootDirectory is
judged with the directory's name (NtQueryObject's); a rewritten one goes to the kernel absolute, with no root. The
thread's switch (TEB64 TLS slot 8, WOW64_TLS_FILESYSREDIR: nonzero = disabled) is read only for a name a rule
would rewrite.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..emu.trace import trace_redirect
from ..kernel.paths import OBJ_VALID_ATTRIBUTES
from ..nt.files import FILE_RENAME_INFORMATION, FileLinkInformation, FileRenameInformation
from ..nt.layouts import OBJECT_ATTRIBUTES, UNICODE_STRING
from .fsredirect import SYSNATIVE, Redirection, redirect, redirect_relative

if TYPE_CHECKING:
    from .context import ThunkContext

TLS_FILESYSREDIR = 0x1480 + 8 * 8  # TEB64 TLS slot 8


def redirection(ctx: ThunkContext, name: str, root: int) -> Redirection | None:
    """What the redirector makes of `name` (relative to handle `root` if nonzero), with the trace event."""
    if root:
        root_name = ctx.object_name(root)
        found = redirect_relative(root_name, name) if root_name else None
        before = f"{root_name} + {name}"
    else:
        found, before = redirect(name), name
    if found is None:
        return None
    if found.why != SYSNATIVE and ctx.memory.read_u64(ctx.teb64 + TLS_FILESYSREDIR):
        return None  # the thread disabled redirection: only Sysnative still applies
    if ctx.tracer is not None:
        trace_redirect(ctx.tracer, "file", before, found.name, found.why)
    return found


def _decoded(data: bytes) -> str | None:
    """A name as the kernel will read it, or None for one it refuses anyway (odd length, a lone surrogate)."""
    if len(data) & 1:
        return None
    try:
        return data.decode("utf-16-le")
    except UnicodeDecodeError:
        return None


def redirect_object_attributes(ctx: ThunkContext) -> None:
    """The redirector on a call's OBJECT_ATTRIBUTES (also done by wow64.dll's own code: guest/wow64/convert.c)."""
    addr64 = ctx.arg64("ObjectAttributes")
    if not addr64:
        return
    arena = ctx.arena
    oa = OBJECT_ATTRIBUTES.unpack(arena.slice(addr64, OBJECT_ATTRIBUTES.size(64), arena.buf), 64)
    if not oa["ObjectName"] or oa["Length"] != OBJECT_ATTRIBUTES.size(64) or oa["Attributes"] & ~OBJ_VALID_ATTRIBUTES:
        return  # the kernel refuses it before it looks at the name
    us = UNICODE_STRING.unpack(arena.slice(oa["ObjectName"], UNICODE_STRING.size(64), arena.buf), 64)
    if us["Buffer"] & 1:
        return  # STATUS_DATATYPE_MISALIGNMENT: the kernel's, for the name as the caller gave it
    name = _decoded(ctx.memory.read(us["Buffer"], us["Length"]))
    found = redirection(ctx, name, oa["RootDirectory"]) if name is not None else None
    data = found.name.encode("utf-16-le") if found is not None else b""
    if not data or len(data) > 0xFFFE:
        return  # nothing to rewrite, or a joined name too long for a UNICODE_STRING: the kernel judges it as given
    buffer = ctx.alloc(data)
    oa["ObjectName"] = ctx.alloc(UNICODE_STRING.pack({"Length": len(data), "MaximumLength": len(data),
                                                      "Buffer": buffer}, 64))
    oa["RootDirectory"] = 0
    ctx.set_arg64("ObjectAttributes", ctx.alloc(OBJECT_ATTRIBUTES.pack(oa, 64)))


def _rename_information(ctx: ThunkContext) -> None:
    layout = FILE_RENAME_INFORMATION
    length32 = ctx.arg32("Length")
    if length32 < layout.size(32):
        return
    ptr32 = ctx.arg32("FileInformation")
    values32 = layout.unpack(ctx.memory.read(ptr32, layout.size(32)), 32)
    name32, name64 = layout.offset("FileName", 32), layout.offset("FileName", 64)
    # The name as far as the buffer holds it; at least the 4 bytes that make up the 64-bit structure's size.
    name = ctx.memory.read(ptr32 + name32, min(length32 - name32, max(values32["FileNameLength"], 4)))
    values64 = layout.widen(values32)
    target = _decoded(name[:values32["FileNameLength"]])
    if target is not None and (values32["RootDirectory"] or target.startswith("\\")):
        found = redirection(ctx, target, values64["RootDirectory"])
        if found is not None:
            name = found.name.encode("utf-16-le")
            values64["RootDirectory"], values64["FileNameLength"] = 0, len(name)
    data = layout.pack(values64, 64)[:name64] + name
    ctx.set_arg64("FileInformation", ctx.alloc(data))
    ctx.set_arg64("Length", len(data))


def _set_information(ctx: ThunkContext) -> None:
    if ctx.arg32("FileInformationClass") in (FileRenameInformation, FileLinkInformation):
        _rename_information(ctx)


_NAMING = ("NtCreateFile", "NtOpenFile", "NtDeleteFile", "NtQueryAttributesFile", "NtQueryFullAttributesFile")
SPECIALS = {"NtSetInformationFile": _set_information, **dict.fromkeys(_NAMING, redirect_object_attributes)}
