"""The process handle table, and what the object manager knows of every object behind a handle.

A handle is a multiple of four naming one object, with the access it was granted and its attributes (inherit,
protect from close). Objects count their handles: when the last one goes, the object is closed and, unless it
is permanent, its name leaves the namespace (namespace.py).

Object types: TYPES gives a type name its generic mapping and valid access mask, as Windows 10 reports them in
OBJECT_TYPE_INFORMATION; an object class names its type with `type_name`. Granted access is the desired access
with generic rights mapped, cut to the valid mask (what ObpCreateHandle stores). A handle inserted without an
access (the areas that do not track one yet) is granted every right.

Waiting: an object says whether a wait on it is satisfied and what satisfying it does. The defaults are those of
an object without a dispatcher header, whose waits Windows sends to ObpDefaultObject, an event that is always
signalled: such a wait returns at once (File objects: their I/O always completed here). Events, mutants and
semaphores (sync.py) override them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, TypeVar

from ..errors import CommitLimitReached
from ..nt.status import NTSTATUS
from .errors import NtError

if TYPE_CHECKING:
    from ..emu.memory import AddressSpace
    from ..emu.physical import PhysicalMemory
    from .namespace import DirectoryObject
    from .threadobject import Thread

MAX_HANDLES = (1 << 24) - (1 << 16)  # per process, as Windows 10 allows
HANDLE_CHARGE = 256  # bytes of the commit limit a handle takes: about what the host spends on one

CURRENT_PROCESS = 0xFFFFFFFFFFFFFFFF  # (HANDLE)-1, sign-extended
CURRENT_THREAD = 0xFFFFFFFFFFFFFFFE  # (HANDLE)-2

# (HANDLE)-1 .. (HANDLE)-6: current process, current thread, and Windows 8's pseudo token handles (current
# process token, current thread token, current thread effective token), sign-extended to 64 bits.
PSEUDO_HANDLES = range(0xFFFFFFFFFFFFFFFA, 0x10000000000000000)

# Access rights every type shares.
DELETE = 0x00010000
READ_CONTROL = 0x00020000
SYNCHRONIZE = 0x00100000
STANDARD_RIGHTS_REQUIRED = 0x000F0000
STANDARD_RIGHTS_ALL = 0x001F0000
SPECIFIC_RIGHTS_ALL = 0x0000FFFF
MAXIMUM_ALLOWED = 0x02000000
GENERIC_READ = 0x80000000
GENERIC_WRITE = 0x40000000
GENERIC_EXECUTE = 0x20000000
GENERIC_ALL = 0x10000000
UNTRACKED_ACCESS = STANDARD_RIGHTS_ALL | SPECIFIC_RIGHTS_ALL

# Handle attributes (the OBJ_ values that live in a handle entry).
OBJ_PROTECT_CLOSE = 0x00000001
OBJ_INHERIT = 0x00000002
HANDLE_ATTRIBUTES = OBJ_PROTECT_CLOSE | OBJ_INHERIT
OA_ATTRIBUTES = 0x18  # OBJECT_ATTRIBUTES.Attributes (64-bit)

T = TypeVar("T")


# The two low bits of a handle are the caller's (OBJ_HANDLE_TAGBITS): a lookup ignores them, as Windows' does
# (advapi32 tags the handles of HKEY_CLASSES_ROOT's merged view with bit 1).
HANDLE_TAG_BITS = 0x3


def handle_attributes(memory: AddressSpace, object_attributes: int) -> int:
    """The handle attributes an OBJECT_ATTRIBUTES asks for (OBJ_INHERIT), 0 for a NULL one: what every service that
    makes a handle keeps in the handle's entry, so that a new process can inherit it."""
    if not object_attributes:
        return 0
    return memory.read_u32(object_attributes + OA_ATTRIBUTES) & OBJ_INHERIT


def _slot(handle: int) -> int:
    """The table's key of a handle value: 64 bits, the tag bits cleared."""
    return handle & 0xFFFFFFFFFFFFFFFF & ~HANDLE_TAG_BITS


def is_pseudo_handle(handle: int) -> bool:
    return (handle & 0xFFFFFFFFFFFFFFFF) in PSEUDO_HANDLES


@dataclass(frozen=True)
class ObjectType:
    """What OBJECT_TYPE_INFORMATION says of a type: generic mapping (read, write, execute, all), valid rights."""

    name: str
    generic: tuple[int, int, int, int]
    valid_access: int
    invalid_attributes: int = 0x100  # OBJ_OPENLINK: only symbolic links take it

    def grant(self, desired: int) -> int:
        """The access a handle gets for `desired`: generic rights mapped, MAXIMUM_ALLOWED = all, cut to valid."""
        granted = desired & ~(GENERIC_READ | GENERIC_WRITE | GENERIC_EXECUTE | GENERIC_ALL | MAXIMUM_ALLOWED)
        for bit, mapped in zip((GENERIC_READ, GENERIC_WRITE, GENERIC_EXECUTE, GENERIC_ALL), self.generic,
                               strict=True):
            if desired & bit:
                granted |= mapped
        if desired & MAXIMUM_ALLOWED:
            granted |= self.valid_access
        return granted & self.valid_access


_FILE_ALL = 0x001F01FF
TYPES = {t.name: t for t in (
    ObjectType("Directory", (0x00020003, 0x0002000C, 0x00020003, 0x000F000F), 0x000F000F),
    ObjectType("SymbolicLink", (0x00020001, 0x00020000, 0x00020001, 0x000F0001), 0x000F0001, 0),
    ObjectType("Event", (0x00020001, 0x00020002, 0x00120000, 0x001F0003), 0x001F0003),
    ObjectType("Mutant", (0x00020001, 0x00020000, 0x00120000, 0x001F0001), 0x001F0001),
    ObjectType("Semaphore", (0x00020001, 0x00020002, 0x00120000, 0x001F0003), 0x001F0003),
    ObjectType("File", (0x00120089, 0x00120116, 0x001200A0, _FILE_ALL), _FILE_ALL),
    ObjectType("Section", (0x00020005, 0x00020002, 0x00020008, 0x000F001F), 0x001F001F),
    ObjectType("Key", (0x00020019, 0x00020006, 0x00020039, 0x000F003F), 0x001F003F),
    ObjectType("Process", (0x00020410, 0x00020BEA, 0x00121001, 0x001FFFFF), 0x001FFFFF),
    ObjectType("Thread", (0x00020048, 0x00020437, 0x00121800, 0x001FFFFF), 0x001FFFFF),
    ObjectType("Job", (0x00020004, 0x0002000B, 0x00120000, 0x001F003F), 0x001F003F),
)}


def object_type(obj: KernelObject) -> ObjectType:
    """The type record of an object; a type without one maps generic rights to the standard ones only."""
    found = TYPES.get(obj.type_name)
    if found is None:
        found = ObjectType(obj.type_name, (READ_CONTROL, READ_CONTROL, READ_CONTROL, UNTRACKED_ACCESS),
                           UNTRACKED_ACCESS)
    return found


class KernelObject:
    """Base of everything a handle can stand for.

    The class attributes are the object header's defaults; instances set their own when they get a name
    (namespace.py), a handle, or the permanent flag.
    """

    type_name = "Object"
    handle_count = 0
    directory: DirectoryObject | None = None  # the directory holding the object's name; None when unnamed
    object_name = ""  # the last component of its name
    permanent = False  # a permanent object keeps its name when its last handle goes
    access_limit: int | None = None  # the rights its security grants this process; None = all
    namespace_root = False  # whether it is the root directory of the namespace
    # NtQueryObject(ObjectNameInformation) into a buffer that holds the header but not the whole name: the object
    # manager's answer; the I/O manager answers for File objects (fileobject.py).
    short_name_status = NTSTATUS.INFO_LENGTH_MISMATCH

    def close(self) -> None:
        """Called when the last handle to the object goes."""

    def describe(self) -> str:
        """What a trace shows for a handle to this object."""
        name = self.query_name()
        return f"{self.type_name} {name}" if name else self.type_name

    def query_name(self) -> str:
        """The object's full name in the namespace (ObjectNameInformation); empty when it has none, or when a
        directory on the way lost its own name (its last handle closed while this object lived on)."""
        if self.namespace_root:
            return "\\"
        parts = []
        obj: KernelObject = self
        while obj.directory is not None:
            parts.append(obj.object_name)
            obj = obj.directory
        return "".join("\\" + p for p in reversed(parts)) if obj.namespace_root else ""

    def unlink(self) -> None:
        """Take the object's name out of its directory."""
        if self.directory is not None:
            self.directory.remove(self)

    # ---- waiting (see the module docstring) -----------------------------------------------------------

    def signalled(self, thread: Thread) -> bool:
        """Whether a wait by `thread` on the object is satisfied now."""
        return True

    def satisfy(self, thread: Thread) -> bool:
        """What a satisfied wait does to the object; True when it was an abandoned mutant."""
        return False


@dataclass
class HandleEntry:
    """One handle: the object, the access granted and the handle's attributes."""

    obj: KernelObject
    access: int
    attributes: int


class HandleTable:
    """One process's handles. It holds at most MAX_HANDLES, as Windows' does, and each handle counts against the
    System's commit limit (what the host spends on it), so a guest that opens handles without end gets
    STATUS_INSUFFICIENT_RESOURCES, as from a handle table that cannot grow, before the host runs short."""

    def __init__(self, physical: PhysicalMemory | None = None) -> None:
        self._entries: dict[int, HandleEntry] = {}
        self._next = 4
        self._physical = physical

    def insert(self, obj: KernelObject, access: int = UNTRACKED_ACCESS, attributes: int = 0) -> int:
        if len(self._entries) >= MAX_HANDLES:
            raise NtError(NTSTATUS.INSUFFICIENT_RESOURCES)
        if self._physical is not None:
            try:
                self._physical.charge(HANDLE_CHARGE)
            except CommitLimitReached:
                raise NtError(NTSTATUS.INSUFFICIENT_RESOURCES) from None
        handle = self._next
        while handle in self._entries:
            handle += 4
        self._entries[handle] = HandleEntry(obj, access, attributes & HANDLE_ATTRIBUTES)
        self._next = handle + 4
        obj.handle_count += 1
        return handle

    def entry(self, handle: int) -> HandleEntry:
        """The entry of a handle; STATUS_INVALID_HANDLE for a value that names nothing."""
        entry = self._entries.get(_slot(handle))
        if entry is None:
            raise NtError(NTSTATUS.INVALID_HANDLE)
        return entry

    def get(self, handle: int, cls: type[T]) -> T:
        """The object behind a handle, of the type asked for.

        STATUS_INVALID_HANDLE for a value that names nothing, STATUS_OBJECT_TYPE_MISMATCH for the wrong type.
        """
        obj = self.entry(handle).obj
        if not isinstance(obj, cls):
            raise NtError(NTSTATUS.OBJECT_TYPE_MISMATCH)
        return obj

    def reference(self, handle: int, cls: type[T], access: int) -> T:
        """get(), for a handle that must also grant `access` (STATUS_ACCESS_DENIED otherwise).

        The pseudo handles name the process, a thread or a token: never an object of the classes asked here.
        """
        if is_pseudo_handle(handle):
            raise NtError(NTSTATUS.OBJECT_TYPE_MISMATCH)
        entry = self.entry(handle)
        if not isinstance(entry.obj, cls):
            raise NtError(NTSTATUS.OBJECT_TYPE_MISMATCH)
        if access & ~entry.access:
            raise NtError(NTSTATUS.ACCESS_DENIED)
        return entry.obj

    def close(self, handle: int) -> None:
        """Close a handle: STATUS_HANDLE_NOT_CLOSABLE when it is protected from close."""
        key = _slot(handle)
        entry = self.entry(key)
        if entry.attributes & OBJ_PROTECT_CLOSE:
            raise NtError(NTSTATUS.HANDLE_NOT_CLOSABLE)
        self._drop(key)

    def close_all(self) -> None:
        """The rundown of an ending process: every handle goes, protected ones too, each object closing with its
        last handle (a file marked delete-on-close is deleted then)."""
        for key in list(self._entries):
            self._drop(key)

    def _drop(self, key: int) -> None:
        obj = self._entries.pop(key).obj
        if self._physical is not None:
            self._physical.uncharge(HANDLE_CHARGE)
        obj.handle_count -= 1
        if obj.handle_count == 0:
            if not obj.permanent:
                obj.unlink()
            obj.close()

    def entry_or_none(self, handle: int) -> HandleEntry | None:
        """The entry of a handle, or None for a value that names nothing."""
        return self._entries.get(_slot(handle))

    def inherit_from(self, parent: HandleTable) -> None:
        """A new process's inheritance: each of the parent's handles opened with OBJ_INHERIT, at the same value,
        with the same access and attributes (ObInitProcess). The table must be empty."""
        for key, entry in parent._entries.items():
            if entry.attributes & OBJ_INHERIT:
                if self._physical is not None:
                    self._physical.charge(HANDLE_CHARGE)
                self._entries[key] = HandleEntry(entry.obj, entry.access, entry.attributes)
                entry.obj.handle_count += 1
        self._next = max(self._entries, default=0) + 4

    def lookup(self, handle: int) -> KernelObject | None:
        """The object behind a handle, if any, without a status: for traces."""
        entry = self._entries.get(_slot(handle))
        return entry.obj if entry else None

    def objects(self) -> list[KernelObject]:
        """The object of every handle, in handle order (an object once per handle)."""
        return [e.obj for e in self._entries.values()]

    def __contains__(self, handle: int) -> bool:
        return _slot(handle) in self._entries

    def __len__(self) -> int:
        return len(self._entries)
