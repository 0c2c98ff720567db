"""Registry keys as kernel objects: the System's registry, key objects behind handles, names, change notification.

`Registry` is the System's: it opens the store (registry_store.py) the first time a key is asked for, in the C:
drive's `System Volume Information` folder (which the guest may not open: paths.py), so a second run on the same
--root sees the first one's keys; with no --root the drive is a temporary folder, and the database goes with it.

Each open of a key makes a `KeyObject` (Windows' key body), so each handle has its own registry view:
`KeyObject.view` keeps the KEY_WOW64_64KEY / KEY_WOW64_32KEY bits the opener passed (they are no access rights),
and `KeyObject.path` is the key's full name (`\\REGISTRY\\MACHINE\\SOFTWARE\\...`), what the WoW64 registry
redirector works on. All the key objects of one key share a `KeyControlBlock` (the key's id in the store, whether it
was deleted, and the notifications waiting on it).

Names (resolve()): an absolute name starts at `\\REGISTRY` (any case); a name relative to a key handle may not
start with a backslash (STATUS_OBJECT_PATH_SYNTAX_BAD). Empty components (doubled or trailing backslashes) are
skipped, as the registry's parse routine skips them; a component longer than 255 characters is
STATUS_OBJECT_NAME_INVALID. Comparison is always case-insensitive (the registry ignores OBJ_CASE_INSENSITIVE).
A symbolic link key (REG_OPTION_CREATE_LINK) on the way is followed through its `SymbolicLinkValue` (REG_LINK, a
full name), and at the end too unless OBJ_OPENLINK asks for the link itself; a link without a valid target is
STATUS_OBJECT_NAME_NOT_FOUND, more than MAX_LINKS links in one lookup STATUS_NAME_TOO_LONG.

Security: the emulated user is a standard user (token.py). Everything under its own hive
(`\\REGISTRY\\USER\\<SID>` and `<SID>_Classes`) grants KEY_ALL_ACCESS; every other key grants KEY_READ only
(the machine's keys and `.DEFAULT`), so creating or writing there is STATUS_ACCESS_DENIED, as on Windows without
elevation (no UAC registry virtualization). An elevated administrator's token (`--elevated`) is
granted KEY_ALL_ACCESS everywhere.
"""

from __future__ import annotations

import weakref
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import GuestFault
from ..nt.registry import REG_LINK
from ..nt.status import NTSTATUS
from .dirindex import upcase
from .errors import NtError
from .handles import KernelObject
from .registry_defaults import LINK_VALUE, USER

if TYPE_CHECKING:  # the store (and the reflector) are imported when the registry is first used
    from ..emu.memory import AddressSpace
    from .registry_store import KeyRecord, RegistryStore
    from .sync import EventObject
    from .threadobject import Thread

# Key rights.
KEY_QUERY_VALUE = 0x0001
KEY_SET_VALUE = 0x0002
KEY_CREATE_SUB_KEY = 0x0004
KEY_ENUMERATE_SUB_KEYS = 0x0008
KEY_NOTIFY = 0x0010
KEY_CREATE_LINK = 0x0020
KEY_WOW64_64KEY = 0x0100
KEY_WOW64_32KEY = 0x0200
KEY_WOW64_RES = KEY_WOW64_64KEY | KEY_WOW64_32KEY
KEY_READ = 0x00020019
KEY_WRITE = 0x00020006
KEY_ALL_ACCESS = 0x000F003F

MAX_COMPONENT = 255  # characters of one key name
MAX_DEPTH = 512  # levels of a key's full name, \REGISTRY the first (what .NET's tests find Windows allows)
MAX_LINKS = 16  # symbolic links followed in one lookup

# REG_NOTIFY_* filter bits.
REG_NOTIFY_CHANGE_NAME = 0x1
REG_NOTIFY_CHANGE_ATTRIBUTES = 0x2
REG_NOTIFY_CHANGE_LAST_SET = 0x4
REG_NOTIFY_CHANGE_SECURITY = 0x8
REG_NOTIFY_THREAD_AGNOSTIC = 0x10000000
REG_LEGAL_CHANGE_FILTER = 0xF | REG_NOTIFY_THREAD_AGNOSTIC

_USER_HIVES = (upcase(USER), upcase(USER + "_Classes"))


def granted_by_security(path: str, elevated: bool) -> int:
    """What the key's security grants the emulated user, elevated or not (see the module docstring)."""
    if elevated:
        return KEY_ALL_ACCESS
    up = upcase(path)
    if any(up == hive or up.startswith(hive + "\\") for hive in _USER_HIVES):
        return KEY_ALL_ACCESS
    return KEY_READ


def iosb_bytes(status: int, wow64: bool) -> bytes:
    """An IO_STATUS_BLOCK {Status, Information 0} as a 32-bit (WoW64) or a 64-bit caller lays it out."""
    return status.to_bytes(4, "little") + bytes(4 if wow64 else 12)


class Notification(KernelObject):
    """One pending NtNotifyChangeKey: completed (once) by a change of its key, or of a key below with `tree`."""

    type_name = "Notification"

    def __init__(self, key_object: KeyObject, change_filter: int, tree: bool, event: EventObject | None,
                 iosb: int, memory: AddressSpace, wow64: bool, watched: list[KeyControlBlock]) -> None:
        self.key_object = key_object  # the handle's key object: its last close ends the notification
        self.watched = watched  # the keys it waits on: the master key, and NtNotifyChangeMultipleKeys' other one
        self.filter = change_filter
        self.tree = tree
        self.event = event
        self.iosb = iosb  # the caller's IO_STATUS_BLOCK, written (in its width) when the notification completes
        self.memory = memory
        self.wow64 = wow64
        self.fired = False

    def complete(self, status: int) -> None:
        """End the notification with a status for the caller's IO_STATUS_BLOCK, and set its event."""
        self.fired = True
        for kcb in self.watched:
            kcb.notifications.remove(self)
        try:
            self.memory.write(self.iosb, iosb_bytes(status, self.wow64))
        except GuestFault:  # the caller freed its IO_STATUS_BLOCK: nothing to write to, as on Windows
            pass
        if self.event is not None:
            self.event.state = True

    def signalled(self, thread: Thread) -> bool:
        return self.fired

    def describe(self) -> str:
        return f"a change of the registry key {self.key_object.path}"


@dataclass(eq=False)
class KeyControlBlock:
    """What every key object of one key shares."""

    key_id: int
    deleted: bool = False
    notifications: list[Notification] = field(default_factory=list)


class KeyObject(KernelObject):
    """A key as one handle holds it: the shared control block and this opener's registry view."""

    type_name = "Key"

    def __init__(self, registry: Registry, kcb: KeyControlBlock, view: int, elevated: bool) -> None:
        self.registry = registry
        self.kcb = kcb
        self.view = view & KEY_WOW64_RES  # KEY_WOW64_64KEY / KEY_WOW64_32KEY as the opener passed them
        self.access_limit = granted_by_security(self.path, elevated)
        self.real_id: int | None = None  # a virtualized handle's real key, for the values its copy lacks

    @property
    def key_id(self) -> int:
        return self.kcb.key_id

    @property
    def path(self) -> str:
        """The key's full name, `\\REGISTRY\\...`, in the case of creation."""
        return self.registry.store.path(self.kcb.key_id)

    def record(self) -> KeyRecord:
        """The key as the store has it now; STATUS_KEY_DELETED once it was deleted."""
        record = None if self.kcb.deleted else self.registry.store.key(self.kcb.key_id)
        if record is None:
            raise NtError(NTSTATUS.KEY_DELETED)
        return record

    def query_name(self) -> str:
        return "" if self.kcb.deleted else self.path

    def close(self) -> None:
        """The last handle of this key object went: its pending notifications end with STATUS_NOTIFY_CLEANUP."""
        for note in [n for n in self.kcb.notifications if n.key_object is self]:
            note.complete(NTSTATUS.NOTIFY_CLEANUP)
        if self.registry.reflection and not self.kcb.deleted:
            from .regreflect import Reflector

            Reflector(self.registry.store).closed(self.kcb.key_id)


@dataclass
class Resolved:
    """Where a name leads: the key found (None when absent), or the parent the last component would go in."""

    key: KeyRecord | None
    parent: KeyRecord | None
    name: str
    depth: int  # levels below \REGISTRY of the key (or the key to be)


class Registry:
    """The System's registry: the store, opened when first used, and the control blocks of open keys."""

    def __init__(self, drive: Path | None) -> None:
        self._drive = drive
        self._store: RegistryStore | None = None
        self._kcbs: weakref.WeakValueDictionary[int, KeyControlBlock] = weakref.WeakValueDictionary()
        # Windows Vista / Server 2008's registry (--registry-reflection): the redirector's older table in wow64,
        # and the reflected keys copied between the views when a key is closed (regreflect.py)
        self.reflection = False

    @property
    def database(self) -> Path | None:
        """Where the store lives on the host (None: in memory)."""
        from .registry_store import REGISTRY_FILE, REGISTRY_FOLDER

        return None if self._drive is None else self._drive / REGISTRY_FOLDER / REGISTRY_FILE

    @property
    def store(self) -> RegistryStore:
        if self._store is None:
            from .registry_store import RegistryStore

            self._store = RegistryStore.open(self.database)
        return self._store

    def close(self) -> None:
        if self._store is not None:
            self._store.close()
            self._store = None

    def key_object(self, key_id: int, view: int, elevated: bool = False) -> KeyObject:
        """A key object for a new handle; `elevated`: the opener's token is an elevated administrator's."""
        kcb = self._kcbs.get(key_id)
        if kcb is None:
            kcb = KeyControlBlock(key_id)
            self._kcbs[key_id] = kcb
        return KeyObject(self, kcb, view, elevated)

    # ---- names ------------------------------------------------------------------------------------------------

    def resolve(self, start: KeyRecord | None, name: str, open_link: bool) -> Resolved:
        """Follow `name` from `start` (None: an absolute name, which must begin with \\REGISTRY)."""
        from .registry_store import ROOT_ID

        store = self.store
        links = 0
        if start is None:
            parts = _components(name)
            if not parts or upcase(parts[0]) != "REGISTRY":
                raise NtError(NTSTATUS.OBJECT_NAME_NOT_FOUND if len(parts) <= 1 else NTSTATUS.OBJECT_PATH_NOT_FOUND)
            parts = parts[1:]
            current = store.key(ROOT_ID)
            depth = 0
        else:
            parts = _components(name)
            current = start
            depth = self.depth(start.id)
        assert current is not None
        i = 0
        while i < len(parts):
            part = parts[i]
            last = i == len(parts) - 1
            found = store.child(current.id, part)
            if found is None:
                if last:
                    return Resolved(None, current, part, depth + 1)
                raise NtError(NTSTATUS.OBJECT_NAME_NOT_FOUND)
            if found.link and not (last and open_link):
                links += 1
                if links > MAX_LINKS:
                    raise NtError(NTSTATUS.NAME_TOO_LONG)
                target = self._link_target(found)
                parts = target[1:] + parts[i + 1:]
                current, depth, i = store.key(ROOT_ID), 0, 0
                assert current is not None
                if not parts:
                    return Resolved(current, None, "", 0)
                continue
            current, depth, i = found, depth + 1, i + 1
        return Resolved(current, None, "", depth)

    def _link_target(self, key: KeyRecord) -> list[str]:
        value = self.store.value(key.id, LINK_VALUE)
        if value is None or value.type != REG_LINK:
            raise NtError(NTSTATUS.OBJECT_NAME_NOT_FOUND)
        try:
            parts = _components(value.data.decode("utf-16-le"))
        except (UnicodeDecodeError, NtError):
            raise NtError(NTSTATUS.OBJECT_NAME_NOT_FOUND) from None
        if not parts or upcase(parts[0]) != "REGISTRY":
            raise NtError(NTSTATUS.OBJECT_NAME_NOT_FOUND)
        return parts

    def depth(self, key_id: int) -> int:
        return self.store.depth(key_id)

    # ---- notification -----------------------------------------------------------------------------------------

    def changed(self, key_id: int, change: int) -> None:
        """Fire the notifications a change of `key_id` concerns: its own, and its ancestors' that watch the tree."""
        if not any(kcb.notifications for kcb in self._kcbs.values()):
            return
        for level, current in enumerate(self.store.ancestors(key_id)):
            kcb = self._kcbs.get(current)
            if kcb is None:
                continue
            for note in list(kcb.notifications):
                if (level == 0 or note.tree) and note.filter & change:
                    note.complete(NTSTATUS.NOTIFY_ENUM_DIR)


def _components(name: str) -> list[str]:
    """The components of a key name, empty ones skipped; STATUS_OBJECT_NAME_INVALID for one too long."""
    parts = [p for p in name.split("\\") if p]
    if any(len(p) > MAX_COMPONENT for p in parts):
        raise NtError(NTSTATUS.OBJECT_NAME_INVALID)
    return parts
