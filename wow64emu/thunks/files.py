"""System calls of the I/O manager: files and directories."""

from .decl import HANDLE_OUT, IOSB, LARGE_IN, OA, decl
from .kinds import ACCESS_MASK, HANDLE, PVOID, ULONG

_READ_WRITE = (("FileHandle", HANDLE), ("Event", HANDLE), ("ApcRoutine", PVOID), ("ApcContext", PVOID),
               ("IoStatusBlock", IOSB), ("Buffer", PVOID), ("Length", ULONG), ("ByteOffset", LARGE_IN),
               ("Key", PVOID))

DECLARATIONS = {
    "NtReadFile": decl(*_READ_WRITE),
    "NtWriteFile": decl(*_READ_WRITE),
    "NtQueryInformationFile": decl(("FileHandle", HANDLE), ("IoStatusBlock", IOSB), ("FileInformation", PVOID),
                                   ("Length", ULONG), ("FileInformationClass", ULONG)),
    "NtOpenFile": decl(("FileHandle", HANDLE_OUT), ("DesiredAccess", ACCESS_MASK), ("ObjectAttributes", OA),
                       ("IoStatusBlock", IOSB), ("ShareAccess", ULONG), ("OpenOptions", ULONG)),
    "NtCreateFile": decl(("FileHandle", HANDLE_OUT), ("DesiredAccess", ACCESS_MASK), ("ObjectAttributes", OA),
                         ("IoStatusBlock", IOSB), ("AllocationSize", LARGE_IN), ("FileAttributes", ULONG),
                         ("ShareAccess", ULONG), ("CreateDisposition", ULONG), ("CreateOptions", ULONG),
                         ("EaBuffer", PVOID), ("EaLength", ULONG)),
}
