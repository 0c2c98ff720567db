"""The object namespace: directories of named objects, and creating or opening an object by name.

The tree starts as Windows 10 has it for what the emulator serves: `\\` (the root) holds `BaseNamedObjects`,
where kernel32 puts its named objects, and `BaseNamedObjects` holds the symbolic links `Global` and `Local`
back to itself (as in session 0), so that the `Global\\` and `Local\\` prefixes of Win32 names work. Both
directories are permanent; the process may query and traverse the root but not create in it, and may create in
`BaseNamedObjects` but not delete it. File names (`\\??\\C:\\...`) are not looked up here: the files area
resolves them (paths.py).

For other areas, two functions do all of a named object's creation and opening, as ObCreateObject,
ObInsertObject and ObOpenObjectByName do it:

    status = create_object(thread, SectionHandle, DesiredAccess, ObjectAttributes, SectionObject, make)
    status = open_object(thread, SectionHandle, DesiredAccess, ObjectAttributes, SectionObject)

They probe the handle pointer, capture the OBJECT_ATTRIBUTES (NULL: an unnamed object for create,
STATUS_INVALID_PARAMETER for open), resolve the name, and write the new handle. `make()` builds the object and
is only called when a new one is needed; check the service's own parameters before calling. Creating a name
that exists gives STATUS_OBJECT_TYPE_MISMATCH for another type, STATUS_OBJECT_NAME_COLLISION for the same type
without OBJ_OPENIF, and with it a handle to the existing object and STATUS_OBJECT_NAME_EXISTS (a success).
A named object is temporary: its name goes when its last handle closes (handles.py).

Lookup rules (Windows 10, as its conformance tests show them): an absolute name starts with `\\`, a name
relative to a RootDirectory must not (STATUS_OBJECT_PATH_SYNTAX_BAD); an empty component is
STATUS_OBJECT_NAME_INVALID; a missing directory on the way STATUS_OBJECT_PATH_NOT_FOUND; a non-directory on the
way, or a RootDirectory that is not a directory, STATUS_OBJECT_TYPE_MISMATCH. Without OBJ_CASE_INSENSITIVE the
comparison is exact; with it the newest entry that matches wins (it heads its hash chain on Windows). A
symbolic link on the way, or at the end unless a link is what is asked for, is followed from the root.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, TypeVar

from ..errors import CommitLimitReached
from ..nt.status import NTSTATUS
from .dirindex import upcase
from .errors import NtError
from .handles import MAXIMUM_ALLOWED, OBJ_INHERIT, READ_CONTROL, KernelObject, object_type
from .paths import read_object_attributes

if TYPE_CHECKING:
    from ..emu.memory import AddressSpace
    from .handles import HandleTable
    from .paths import CapturedAttributes
    from .threadobject import Thread

T = TypeVar("T", bound=KernelObject)

# Object attributes.
OBJ_PERMANENT = 0x00000010
OBJ_CASE_INSENSITIVE = 0x00000040
OBJ_OPENIF = 0x00000080
OBJ_OPENLINK = 0x00000100

# Directory rights.
DIRECTORY_QUERY = 0x0001
DIRECTORY_TRAVERSE = 0x0002
DIRECTORY_CREATE_OBJECT = 0x0004
DIRECTORY_CREATE_SUBDIRECTORY = 0x0008

MAX_NAME_BYTES = 0xFFFC  # a name needs room for its terminator in a UNICODE_STRING
MAX_REPARSE = 32  # links followed in one lookup, as ObpLookupObjectName allows


class DirectoryObject(KernelObject):
    """An object directory: names -> objects, found in O(1) by exact or by upcased name, listed in the order they
    were inserted."""

    type_name = "Directory"

    def __init__(self) -> None:
        self._entries: dict[int, KernelObject] = {}  # id -> object, in insertion order
        self._exact: dict[str, KernelObject] = {}
        self._upcased: dict[str, list[KernelObject]] = {}  # the objects of one upcased name, oldest first
        self._listing: list[KernelObject] | None = None

    @property
    def entries(self) -> list[KernelObject]:
        """The objects in the order they were inserted (made once after each change, so that a listing by index,
        as NtQueryDirectoryObject's context is, costs O(1) a step)."""
        if self._listing is None:
            self._listing = list(self._entries.values())
        return self._listing

    def find(self, name: str, case_insensitive: bool) -> KernelObject | None:
        if not case_insensitive:
            return self._exact.get(name)
        same = self._upcased.get(upcase(name))
        return same[-1] if same else None  # the newest heads its hash chain on Windows

    def add(self, name: str, obj: KernelObject) -> None:
        obj.object_name = name
        obj.directory = self
        self._entries[id(obj)] = obj
        self._exact.setdefault(name, obj)
        self._upcased.setdefault(upcase(name), []).append(obj)
        self._listing = None

    def remove(self, obj: KernelObject) -> None:
        name = obj.object_name
        del self._entries[id(obj)]
        if self._exact.get(name) is obj:
            del self._exact[name]
        key = upcase(name)
        same = self._upcased[key]
        same.remove(obj)
        if not same:
            del self._upcased[key]
        self._listing = None
        obj.directory = None
        obj.object_name = ""


class RootDirectory(DirectoryObject):
    namespace_root = True


class SymbolicLinkObject(KernelObject):
    type_name = "SymbolicLink"

    def __init__(self, target: str) -> None:
        self.target = target


class Namespace:
    """One kernel's object namespace."""

    def __init__(self) -> None:
        self.root = RootDirectory()
        self.root.permanent = True
        self.root.access_limit = DIRECTORY_QUERY | DIRECTORY_TRAVERSE | READ_CONTROL
        self.base_named_objects = self.system_directory(self.root, "BaseNamedObjects")
        self.base_named_objects.access_limit = 0x0002000F  # what kernelbase opens it with
        for link in ("Global", "Local"):
            obj = SymbolicLinkObject("\\BaseNamedObjects")
            obj.permanent = True
            self.base_named_objects.add(link, obj)

    @staticmethod
    def system_directory(parent: DirectoryObject, name: str) -> DirectoryObject:
        directory = DirectoryObject()
        directory.permanent = True
        parent.add(name, directory)
        return directory


@dataclass
class Lookup:
    """Where a name leads: the directory of its last component, that component, and what is there."""

    directory: DirectoryObject | None
    name: str
    found: KernelObject | None


def lookup(namespace: Namespace, handles: HandleTable, oa: CapturedAttributes, follow_last: bool) -> Lookup:
    """Resolve a captured name (see the module docstring for the rules)."""
    name = oa.name or ""
    if len(name) * 2 > MAX_NAME_BYTES:
        raise NtError(NTSTATUS.OBJECT_NAME_INVALID)
    insensitive = bool(oa.attributes & OBJ_CASE_INSENSITIVE)
    if oa.root_directory:
        start = handles.get(oa.root_directory, KernelObject)
        if name.startswith("\\"):
            raise NtError(NTSTATUS.OBJECT_PATH_SYNTAX_BAD)
        if not isinstance(start, DirectoryObject):
            raise NtError(NTSTATUS.OBJECT_TYPE_MISMATCH)
        if not name:
            return Lookup(None, "", start)
        return _walk(namespace, start, name, insensitive, follow_last, 0)
    if not name.startswith("\\"):
        raise NtError(NTSTATUS.OBJECT_PATH_SYNTAX_BAD)
    return _absolute(namespace, name, insensitive, follow_last, 0)


def _absolute(namespace: Namespace, name: str, insensitive: bool, follow_last: bool, depth: int) -> Lookup:
    if name == "\\":
        return Lookup(None, "", namespace.root)
    return _walk(namespace, namespace.root, name[1:], insensitive, follow_last, depth)


def _walk(namespace: Namespace, start: DirectoryObject, rest: str, insensitive: bool, follow_last: bool,
          depth: int) -> Lookup:
    parts = rest.split("\\")
    current = start
    for i, part in enumerate(parts):
        last = i == len(parts) - 1
        if not part:
            raise NtError(NTSTATUS.OBJECT_NAME_INVALID)
        found = current.find(part, insensitive)
        if found is None:
            if last:
                return Lookup(current, part, None)
            raise NtError(NTSTATUS.OBJECT_PATH_NOT_FOUND)
        if isinstance(found, SymbolicLinkObject) and (follow_last or not last):
            if depth >= MAX_REPARSE:
                raise NtError(NTSTATUS.OBJECT_NAME_INVALID)
            target = "\\".join([found.target, *parts[i + 1:]])
            return _absolute(namespace, target, insensitive, follow_last, depth + 1)
        if last:
            return Lookup(current, part, found)
        if not isinstance(found, DirectoryObject):
            raise NtError(NTSTATUS.OBJECT_TYPE_MISMATCH)
        current = found
    raise AssertionError("not reached: split() gives at least one part")


def insert_handle(handles: HandleTable, obj: KernelObject, desired: int, attributes: int) -> int:
    """A handle to `obj` granting `desired` (generic rights mapped), if the object's security allows it.

    MAXIMUM_ALLOWED adds whatever the security grants: everything valid, or the object's access limit.
    """
    kind = object_type(obj)
    granted = kind.grant(desired & ~MAXIMUM_ALLOWED)
    limit = obj.access_limit
    if limit is not None and granted & ~limit:
        raise NtError(NTSTATUS.ACCESS_DENIED)
    if desired & MAXIMUM_ALLOWED:
        granted |= kind.valid_access if limit is None else limit
    return handles.insert(obj, granted, attributes)


def _capture(memory: AddressSpace, handle_out: int, oa_address: int) -> CapturedAttributes | None:
    memory.probe(handle_out, 8, write=True)
    memory.read(handle_out, 8)  # its page present now: writing the handle cannot fail once the object is made
    return read_object_attributes(memory, oa_address) if oa_address else None


def create_object(thread: Thread, handle_out: int, desired: int, oa_address: int, cls: type[T],
                  make: Callable[[], T]) -> int:
    """Create a (possibly named) object of class `cls`, or open the existing one under OBJ_OPENIF."""
    process = thread.process
    oa = _capture(process.memory, handle_out, oa_address)
    attributes = oa.attributes if oa is not None else 0
    status = NTSTATUS.SUCCESS
    if oa is None or not oa.name:
        obj = make()
    else:
        where = lookup(process.system.namespace, process.handles, oa, follow_last=cls is not SymbolicLinkObject)
        if where.found is not None:
            if not isinstance(where.found, cls):
                raise NtError(NTSTATUS.OBJECT_TYPE_MISMATCH)
            if not attributes & OBJ_OPENIF:
                raise NtError(NTSTATUS.OBJECT_NAME_COLLISION)
            obj, status = where.found, NTSTATUS.OBJECT_NAME_EXISTS
        else:
            obj = _insert_new(where, attributes, cls is DirectoryObject, make)
    try:
        handle = insert_handle(process.handles, obj, desired, attributes & OBJ_INHERIT)
    except (NtError, CommitLimitReached):
        if status == NTSTATUS.SUCCESS and obj.handle_count == 0:  # made for this handle: it goes, as at a last close
            if not obj.permanent:
                obj.unlink()
            obj.close()
        raise
    process.memory.write_u64(handle_out, handle)
    return status


def _insert_new(where: Lookup, attributes: int, is_directory: bool, make: Callable[[], T]) -> T:
    directory = where.directory
    assert directory is not None  # a name not found always has the directory it would go in
    needed = DIRECTORY_CREATE_SUBDIRECTORY if is_directory else DIRECTORY_CREATE_OBJECT
    if directory.access_limit is not None and not directory.access_limit & needed:
        raise NtError(NTSTATUS.ACCESS_DENIED)
    if attributes & OBJ_PERMANENT:  # needs SeCreatePermanentPrivilege, which no user token holds
        raise NtError(NTSTATUS.PRIVILEGE_NOT_HELD)
    obj = make()
    directory.add(where.name, obj)
    return obj


def open_object(thread: Thread, handle_out: int, desired: int, oa_address: int, cls: type[T]) -> int:
    """Open the object of class `cls` that the OBJECT_ATTRIBUTES name."""
    process = thread.process
    oa = _capture(process.memory, handle_out, oa_address)
    if oa is None:
        raise NtError(NTSTATUS.INVALID_PARAMETER)
    where = lookup(process.system.namespace, process.handles, oa,
                   follow_last=not (cls is SymbolicLinkObject or oa.attributes & OBJ_OPENLINK))
    if where.found is None:
        raise NtError(NTSTATUS.OBJECT_NAME_NOT_FOUND)
    if not isinstance(where.found, cls):
        raise NtError(NTSTATUS.OBJECT_TYPE_MISMATCH)
    handle = insert_handle(process.handles, where.found, desired, oa.attributes & OBJ_INHERIT)
    process.memory.write_u64(handle_out, handle)
    return NTSTATUS.SUCCESS
