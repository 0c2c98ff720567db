"""System calls of the I/O manager: files and directories.

Every information structure of these calls has the same bytes in both widths (LARGE_INTEGERs, ULONGs and
WCHARs), except FILE_RENAME_INFORMATION, whose RootDirectory is a HANDLE.
"""

from __future__ import annotations

from . import layouts as L
from .decl import HANDLE_OUT, IOSB, LARGE_IN, OA, decl
from .kinds import ACCESS_MASK, BOOLEAN, HANDLE, PVOID, ULONG, ptr_in

FileRenameInformation = 10
FileLinkInformation = 11  # FILE_LINK_INFORMATION has FILE_RENAME_INFORMATION's layout

# With FileName[1]: 16 bytes in 32-bit code, 24 in 64-bit code, the sizeof both compilers give. The first field
# is a union with the ULONG Flags of FileRenameInformationEx; FileRenameInformation reads its BOOLEAN.
FILE_RENAME_INFORMATION = L.Layout("FILE_RENAME_INFORMATION", [
    L.Field("ReplaceIfExists", L.F.U8),
    L.Field("RootDirectory", L.F.HANDLE),
    L.Field("FileNameLength", L.F.U32),
    L.Field("FileName", L.F.U16),
])

_READ_WRITE = (("FileHandle", HANDLE), ("Event", HANDLE), ("ApcRoutine", PVOID), ("ApcContext", PVOID),
               ("IoStatusBlock", IOSB), ("Buffer", PVOID), ("Length", ULONG), ("ByteOffset", LARGE_IN),
               ("Key", PVOID))
_BY_CLASS = (("FileHandle", HANDLE), ("IoStatusBlock", IOSB), ("FileInformation", PVOID), ("Length", ULONG),
             ("FileInformationClass", ULONG))

DECLARATIONS = {
    "NtReadFile": decl(*_READ_WRITE),
    "NtWriteFile": decl(*_READ_WRITE),
    "NtQueryInformationFile": decl(*_BY_CLASS),
    "NtSetInformationFile": decl(*_BY_CLASS),
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
    # The console API's requests (wow64emu/kernel/console.py) are the same bytes in both widths: wow64 passes them.
    "NtDeviceIoControlFile": decl(("FileHandle", HANDLE), ("Event", HANDLE), ("ApcRoutine", PVOID),
                                  ("ApcContext", PVOID), ("IoStatusBlock", IOSB), ("IoControlCode", ULONG),
                                  ("InputBuffer", PVOID), ("InputBufferLength", ULONG), ("OutputBuffer", PVOID),
                                  ("OutputBufferLength", ULONG)),
}
