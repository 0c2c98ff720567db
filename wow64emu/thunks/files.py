"""What wow64.dll does by hand for the I/O manager's calls: files and directories.

Every information structure of these calls has the same bytes in both widths (LARGE_INTEGERs, ULONGs and
WCHARs), and passes through, except FILE_RENAME_INFORMATION and FILE_LINK_INFORMATION (the same layout): their
RootDirectory is a HANDLE. For NtSetInformationFile(FileRenameInformation or FileLinkInformation) the thunk
rebuilds the structure in the arena, RootDirectory sign-extended and the name moved to its 64-bit offset, and the
Length grows by the difference. A buffer too short to hold the 32-bit structure is passed on as it is, for the
kernel to refuse its length. NtFsControlFile and NtDeviceIoControlFile pass through (wow64emu/nt/fsctl.py).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..nt.files import FILE_RENAME_INFORMATION, FileLinkInformation, FileRenameInformation

if TYPE_CHECKING:
    from .context import ThunkContext


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
    data = layout.pack(layout.widen(values32), 64)[:name64] + name
    ctx.set_arg64("FileInformation", ctx.alloc(data))
    ctx.set_arg64("Length", len(data))


def _set_information(ctx: ThunkContext) -> None:
    if ctx.arg32("FileInformationClass") in (FileRenameInformation, FileLinkInformation):
        _rename_information(ctx)


SPECIALS = {"NtSetInformationFile": _set_information}
