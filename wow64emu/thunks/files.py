"""System calls of the I/O manager: files and directories.

Every information structure of these calls has the same bytes in both widths (LARGE_INTEGERs, ULONGs and
WCHARs), and passes through, except FILE_RENAME_INFORMATION: its RootDirectory is a HANDLE. For
NtSetInformationFile(FileRenameInformation) the thunk rebuilds the structure in the arena, RootDirectory
sign-extended and the name moved to its 64-bit offset, and the Length grows by the difference. A buffer too
short to hold the 32-bit structure is passed on as it is, for the kernel to refuse its length.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from . import layouts as L
from .decl import HANDLE_OUT, IOSB, LARGE_IN, OA, decl
from .kinds import ACCESS_MASK, BOOLEAN, HANDLE, PVOID, ULONG, ptr_in

if TYPE_CHECKING:
    from .context import ThunkContext

FileRenameInformation = 10

# With FileName[1]: 16 bytes in 32-bit code, 24 in 64-bit code, the sizeof both compilers give. The first field
# is a union with the ULONG Flags of FileRenameInformationEx; FileRenameInformation reads its BOOLEAN.
FILE_RENAME_INFORMATION = L.Layout("FILE_RENAME_INFORMATION", [
    L.Field("ReplaceIfExists", L.F.U8),
    L.Field("RootDirectory", L.F.HANDLE),
    L.Field("FileNameLength", L.F.U32),
    L.Field("FileName", L.F.U16),
])


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
    if ctx.arg32("FileInformationClass") == FileRenameInformation:
        _rename_information(ctx)


_READ_WRITE = (("FileHandle", HANDLE), ("Event", HANDLE), ("ApcRoutine", PVOID), ("ApcContext", PVOID),
               ("IoStatusBlock", IOSB), ("Buffer", PVOID), ("Length", ULONG), ("ByteOffset", LARGE_IN),
               ("Key", PVOID))
_BY_CLASS = (("FileHandle", HANDLE), ("IoStatusBlock", IOSB), ("FileInformation", PVOID), ("Length", ULONG),
             ("FileInformationClass", ULONG))

DECLARATIONS = {
    "NtReadFile": decl(*_READ_WRITE),
    "NtWriteFile": decl(*_READ_WRITE),
    "NtQueryInformationFile": decl(*_BY_CLASS),
    "NtSetInformationFile": decl(*_BY_CLASS, special=_set_information),
    "NtOpenFile": decl(("FileHandle", HANDLE_OUT), ("DesiredAccess", ACCESS_MASK), ("ObjectAttributes", OA),
                       ("IoStatusBlock", IOSB), ("ShareAccess", ULONG), ("OpenOptions", ULONG)),
    "NtCreateFile": decl(("FileHandle", HANDLE_OUT), ("DesiredAccess", ACCESS_MASK), ("ObjectAttributes", OA),
                         ("IoStatusBlock", IOSB), ("AllocationSize", LARGE_IN), ("FileAttributes", ULONG),
                         ("ShareAccess", ULONG), ("CreateDisposition", ULONG), ("CreateOptions", ULONG),
                         ("EaBuffer", PVOID), ("EaLength", ULONG)),
    "NtQueryDirectoryFile": decl(("FileHandle", HANDLE), ("Event", HANDLE), ("ApcRoutine", PVOID),
                                 ("ApcContext", PVOID), ("IoStatusBlock", IOSB), ("FileInformation", PVOID),
                                 ("Length", ULONG), ("FileInformationClass", ULONG), ("ReturnSingleEntry", BOOLEAN),
                                 ("FileName", ptr_in(L.UNICODE_STRING)), ("RestartScan", BOOLEAN)),
    "NtDeleteFile": decl(("ObjectAttributes", OA)),
    "NtQueryAttributesFile": decl(("ObjectAttributes", OA), ("FileInformation", PVOID)),
    "NtQueryFullAttributesFile": decl(("ObjectAttributes", OA), ("FileInformation", PVOID)),
    "NtQueryVolumeInformationFile": decl(("FileHandle", HANDLE), ("IoStatusBlock", IOSB),
                                         ("FsInformation", PVOID), ("Length", ULONG),
                                         ("FsInformationClass", ULONG)),
    "NtFlushBuffersFile": decl(("FileHandle", HANDLE), ("IoStatusBlock", IOSB)),
}
