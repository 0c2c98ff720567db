"""Object services: handles (close, duplicate, query, flags), object directories, temporary objects.

The namespace itself (directories, names, lookups) is namespace.py; the handle table and object types are
handles.py. Choices where Windows is subtle:
- NtClose of a pseudo handle succeeds and does nothing; of a handle protected from close it is
  STATUS_HANDLE_NOT_CLOSABLE (no debugger attached: no exception is raised).
- The pseudo handles name the process, the thread and tokens, which this kernel does not model as objects:
  querying or duplicating them is STATUS_NOT_IMPLEMENTED, with a log line. NtCompareObjects compares them by
  value.
- NtDuplicateObject works within the process (-1): another process handle is STATUS_NOT_IMPLEMENTED. A NULL
  target process only closes the source (with DUPLICATE_CLOSE_SOURCE). The source is closed after the copy is
  made, and stays open if it is protected from close.
- NtQueryObject writes ReturnLength with the length the class needs on success and on
  STATUS_INFO_LENGTH_MISMATCH. ObjectBasicInformation: HandleCount counts this process's handles, PointerCount
  is that plus one for a permanent object, the pool charges and info sizes are 0 (undocumented "Reserved"
  fields). ObjectNameInformation of an unnamed object is an empty UNICODE_STRING with a NULL buffer; a buffer
  too short for the whole name is STATUS_INFO_LENGTH_MISMATCH, except for a file (the I/O manager answers: its
  name on the volume's device, \\Device\\HarddiskVolume3\\dir\\file), where a buffer that holds the
  UNICODE_STRING but not the name is STATUS_BUFFER_OVERFLOW, with nothing written. ReturnLength is the length
  needed either way. ObjectTypeInformation: the type's name, generic mapping and valid access, and
  object and handle counts of this process; pool figures 0. ObjectTypesInformation (3) is not implemented.
- NtQueryDirectoryObject lists a directory in the order its entries were made (Windows goes by hash bucket),
  from index *Context (0 with RestartScan). Each entry takes sizeof(OBJECT_DIRECTORY_INFORMATION) plus its two
  NUL-terminated strings; the array ends with a zeroed entry and the strings follow it. When the first entry
  does not fit: STATUS_BUFFER_TOO_SMALL with the length it needs; when a later one does not:
  STATUS_MORE_ENTRIES; past the last entry: STATUS_NO_MORE_ENTRIES. ReturnLength is the length used (or
  needed); *Context moves past what was returned.
- NtMakeTemporaryObject needs DELETE access; the name then goes with the last handle. There is no
  NtMakePermanentObject, nor OBJ_PERMANENT: both need SeCreatePermanentPrivilege, which no user token holds.
"""

from __future__ import annotations

import struct
from typing import TYPE_CHECKING

from ..log import getLogger
from ..nt import objects as T
from ..nt.layouts import UNICODE_STRING
from ..nt.objects import (
    ObjectBasicInformation,
    ObjectHandleFlagInformation,
    ObjectNameInformation,
    ObjectTypeInformation,
    ObjectTypesInformation,
)
from ..nt.status import NTSTATUS
from .errors import NtError
from .handles import (
    CURRENT_PROCESS,
    DELETE,
    HANDLE_ATTRIBUTES,
    OBJ_INHERIT,
    OBJ_PROTECT_CLOSE,
    HandleEntry,
    KernelObject,
    is_pseudo_handle,
    object_type,
)
from .namespace import (
    DIRECTORY_QUERY,
    OBJ_PERMANENT,
    DirectoryObject,
    create_object,
    insert_handle,
    open_object,
)

if TYPE_CHECKING:
    from .system import System
    from .threadobject import Thread

log = getLogger(__name__)

# NtDuplicateObject options.
DUPLICATE_CLOSE_SOURCE = 0x1
DUPLICATE_SAME_ACCESS = 0x2
DUPLICATE_SAME_ATTRIBUTES = 0x4



def _entry(thread: Thread, handle: int, call: str) -> HandleEntry:
    """The handle's entry; the pseudo handles name objects this kernel does not model."""
    if is_pseudo_handle(handle):
        log.warning("%s: the pseudo handle 0x%x names a process, thread or token object, which is not "
                    "implemented", call, handle)
        raise NtError(NTSTATUS.NOT_IMPLEMENTED)
    return thread.process.handles.entry(handle)


def _check_process(thread: Thread, handle: int) -> None:
    """A process handle for NtDuplicateObject: only the current process is served."""
    if handle == CURRENT_PROCESS:
        return
    obj = thread.process.handles.get(handle, KernelObject)
    if obj.type_name != "Process":
        raise NtError(NTSTATUS.OBJECT_TYPE_MISMATCH)
    log.warning("NtDuplicateObject between processes is not implemented")
    raise NtError(NTSTATUS.NOT_IMPLEMENTED)


def _identity(thread: Thread, handle: int) -> object:
    if is_pseudo_handle(handle):
        return handle & 0xFFFFFFFFFFFFFFFF
    return thread.process.handles.entry(handle).obj


class ObjectServices:
    def __init__(self, system: System) -> None:
        self.system = system

    # ---- handles -------------------------------------------------------------------------------------

    def NtClose(self, thread: Thread, Handle: int) -> int:
        """Close one handle; the object goes when its last handle does.

        Pseudo handles (-1 to -6) are no table entries: Windows 10 answers STATUS_SUCCESS and does nothing
        (the documented "closing a pseudo handle has no effect"; Wine's NtClose does the same from its
        conformance tests). Anything else that names no object, NULL included, is STATUS_INVALID_HANDLE.
        """
        if is_pseudo_handle(Handle):
            return NTSTATUS.SUCCESS
        thread.process.handles.close(Handle)
        return NTSTATUS.SUCCESS

    def NtDuplicateObject(self, thread: Thread, SourceProcessHandle: int, SourceHandle: int, TargetProcessHandle: int,
                          TargetHandle: int, DesiredAccess: int, HandleAttributes: int, Options: int) -> int:
        if Options & ~(DUPLICATE_CLOSE_SOURCE | DUPLICATE_SAME_ACCESS | DUPLICATE_SAME_ATTRIBUTES):
            raise NtError(NTSTATUS.INVALID_PARAMETER)
        if TargetHandle:
            thread.process.memory.probe(TargetHandle, 8, write=True)
        _check_process(thread, SourceProcessHandle)
        if TargetProcessHandle:
            _check_process(thread, TargetProcessHandle)
        handles = thread.process.handles
        source = _entry(thread, SourceHandle, "NtDuplicateObject")
        if TargetProcessHandle:
            attributes = source.attributes if Options & DUPLICATE_SAME_ATTRIBUTES else HandleAttributes
            if Options & DUPLICATE_SAME_ACCESS:
                new = handles.insert(source.obj, source.access, attributes)
            else:
                new = insert_handle(handles, source.obj, DesiredAccess, attributes & HANDLE_ATTRIBUTES)
            if TargetHandle:
                thread.process.memory.write_u64(TargetHandle, new)
        if Options & DUPLICATE_CLOSE_SOURCE and not source.attributes & OBJ_PROTECT_CLOSE:
            handles.close(SourceHandle)
        return NTSTATUS.SUCCESS

    def NtCompareObjects(self, thread: Thread, FirstObjectHandle: int, SecondObjectHandle: int) -> int:
        first, second = _identity(thread, FirstObjectHandle), _identity(thread, SecondObjectHandle)
        return NTSTATUS.SUCCESS if first is second or first == second else NTSTATUS.NOT_SAME_OBJECT

    def NtMakeTemporaryObject(self, thread: Thread, Handle: int) -> int:
        entry = _entry(thread, Handle, "NtMakeTemporaryObject")
        if not entry.access & DELETE:
            raise NtError(NTSTATUS.ACCESS_DENIED)
        entry.obj.permanent = False
        return NTSTATUS.SUCCESS

    # ---- information ---------------------------------------------------------------------------------

    def NtQueryObject(self, thread: Thread, Handle: int, ObjectInformationClass: int, ObjectInformation: int,
                      ObjectInformationLength: int, ReturnLength: int) -> int:
        info_class, length = ObjectInformationClass, ObjectInformationLength
        if info_class == ObjectTypesInformation:
            log.warning("NtQueryObject(ObjectTypesInformation) is not implemented")
            raise NtError(NTSTATUS.NOT_IMPLEMENTED)
        answer = _QUERY_CLASSES.get(info_class)
        if answer is None:
            raise NtError(NTSTATUS.INVALID_INFO_CLASS)
        memory = thread.process.memory
        memory.probe(ObjectInformation, length, write=True)
        if ReturnLength:
            memory.probe(ReturnLength, 4, write=True)
        entry = _entry(thread, Handle, "NtQueryObject")
        data = answer(thread, entry, ObjectInformation)
        if ReturnLength:
            memory.write_u32(ReturnLength, len(data))
        exact = info_class in (ObjectBasicInformation, ObjectHandleFlagInformation)
        if (length != len(data)) if exact else (length < len(data)):
            partial = info_class == ObjectNameInformation and length >= UNICODE_STRING.size(64)
            raise NtError(entry.obj.short_name_status if partial else NTSTATUS.INFO_LENGTH_MISMATCH)
        memory.write(ObjectInformation, data)
        return NTSTATUS.SUCCESS

    def NtSetInformationObject(self, thread: Thread, Handle: int, ObjectInformationClass: int, ObjectInformation: int,
                               ObjectInformationLength: int) -> int:
        """Only ObjectHandleFlagInformation can be set: the handle's inherit and protect-from-close flags."""
        if ObjectInformationClass != ObjectHandleFlagInformation:
            raise NtError(NTSTATUS.INVALID_INFO_CLASS)
        if ObjectInformationLength != T.OBJECT_HANDLE_FLAG_INFORMATION.size(64):
            raise NtError(NTSTATUS.INFO_LENGTH_MISMATCH)
        inherit, protect = thread.process.memory.read(ObjectInformation, 2)
        if is_pseudo_handle(Handle):
            raise NtError(NTSTATUS.INVALID_HANDLE)
        entry = thread.process.handles.entry(Handle)
        entry.attributes = (OBJ_INHERIT if inherit else 0) | (OBJ_PROTECT_CLOSE if protect else 0)
        return NTSTATUS.SUCCESS

    # ---- directories ---------------------------------------------------------------------------------

    def NtCreateDirectoryObject(self, thread: Thread, DirectoryHandle: int, DesiredAccess: int,
                                ObjectAttributes: int) -> int:
        return create_object(thread, DirectoryHandle, DesiredAccess, ObjectAttributes, DirectoryObject,
                             DirectoryObject)

    def NtOpenDirectoryObject(self, thread: Thread, DirectoryHandle: int, DesiredAccess: int,
                              ObjectAttributes: int) -> int:
        return open_object(thread, DirectoryHandle, DesiredAccess, ObjectAttributes, DirectoryObject)

    def NtQueryDirectoryObject(self, thread: Thread, DirectoryHandle: int, Buffer: int, Length: int,
                               ReturnSingleEntry: int, RestartScan: int, Context: int, ReturnLength: int) -> int:
        memory = thread.process.memory
        memory.probe(Buffer, Length, write=True)
        memory.probe(Context, 4, write=True)
        start = 0 if RestartScan else memory.read_u32(Context)
        if ReturnLength:
            memory.probe(ReturnLength, 4, write=True)
        directory = thread.process.handles.reference(DirectoryHandle, DirectoryObject, DIRECTORY_QUERY)
        entries = directory.entries
        listing: list[tuple[str, str]] = []
        total, taken, status = T.OBJECT_DIRECTORY_INFORMATION.size(64), 0, NTSTATUS.SUCCESS
        for obj in entries[start:start + max(Length // T.OBJECT_DIRECTORY_INFORMATION.size(64), 1)]:
            name, type_name = obj.object_name, obj.type_name
            listing.append((name, type_name))
            need = T.directory_entry_size(name, type_name, 64)
            if total + need > Length:
                status = NTSTATUS.MORE_ENTRIES if taken else NTSTATUS.BUFFER_TOO_SMALL
                if not taken:
                    total += need
                break
            total += need
            taken += 1
            if ReturnSingleEntry:
                break
        if start >= len(entries):
            status = NTSTATUS.NO_MORE_ENTRIES
        if ReturnLength:
            memory.write_u32(ReturnLength, total)
        if taken:
            memory.write(Buffer, T.directory_listing(listing[:taken], Buffer, 64))
            memory.write_u32(Context, start + taken)
        return status


SERVICES = (ObjectServices.NtClose, ObjectServices.NtDuplicateObject, ObjectServices.NtCompareObjects,
            ObjectServices.NtMakeTemporaryObject, ObjectServices.NtQueryObject, ObjectServices.NtSetInformationObject,
            ObjectServices.NtCreateDirectoryObject, ObjectServices.NtOpenDirectoryObject,
            ObjectServices.NtQueryDirectoryObject)


# ---- answers of NtQueryObject: (the calling thread, the handle's entry, buffer) -> the 64-bit bytes ----------

def _basic_information(thread: Thread, entry: HandleEntry, _buffer: int) -> bytes:
    obj = entry.obj
    values = dict.fromkeys((f.name for f in T.OBJECT_BASIC_INFORMATION.fields), 0)
    values.update(Attributes=entry.attributes | (OBJ_PERMANENT if obj.permanent else 0),
                  GrantedAccess=entry.access, HandleCount=obj.handle_count,
                  PointerCount=obj.handle_count + int(obj.permanent))
    return T.OBJECT_BASIC_INFORMATION.pack(values, 64)

def _name_information(thread: Thread, entry: HandleEntry, buffer: int) -> bytes:
    header = UNICODE_STRING.size(64)
    values, text = T.counted_string(entry.obj.query_name(), buffer + header)
    return UNICODE_STRING.pack(values, 64) + text

def _type_information(thread: Thread, entry: HandleEntry, buffer: int) -> bytes:
    layout = T.OBJECT_TYPE_INFORMATION
    kind = object_type(entry.obj)
    name, text = T.counted_string(kind.name, buffer + layout.size(64))
    same = [o for o in thread.process.handles.objects() if object_type(o).name == kind.name]
    objects = len({id(o) for o in same})
    values = dict.fromkeys((f.name for f in layout.fields), 0)
    values.update({f"TypeName{k}": v for k, v in name.items()})
    values.update(TotalNumberOfObjects=objects, TotalNumberOfHandles=len(same),
                  HighWaterNumberOfObjects=objects, HighWaterNumberOfHandles=len(same),
                  InvalidAttributes=kind.invalid_attributes, GenericRead=kind.generic[0],
                  GenericWrite=kind.generic[1], GenericExecute=kind.generic[2], GenericAll=kind.generic[3],
                  ValidAccessMask=kind.valid_access, SecurityRequired=1)
    return layout.pack(values, 64) + text

def _handle_flags(thread: Thread, entry: HandleEntry, _buffer: int) -> bytes:
    flags = entry.attributes
    return struct.pack("<BB", bool(flags & OBJ_INHERIT), bool(flags & OBJ_PROTECT_CLOSE))


_QUERY_CLASSES = {
    ObjectBasicInformation: _basic_information,
    ObjectNameInformation: _name_information,
    ObjectTypeInformation: _type_information,
    ObjectHandleFlagInformation: _handle_flags,
}
