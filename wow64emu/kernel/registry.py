"""Registry services: keys and values (the configuration manager's Nt*Key calls).

The keys, names and handles are registry_keys.py, the store registry_store.py, the answers' bytes
registry_info.py. Choices where Windows is subtle, following its order of checks:
- The handle is referenced with the right the call needs: KEY_QUERY_VALUE to query or enumerate values and to
  query a key (except KeyNameInformation and KeyHandleTagsInformation), KEY_ENUMERATE_SUB_KEYS to enumerate
  subkeys, KEY_SET_VALUE to set or delete a value or set key information, DELETE to delete a key, KEY_WRITE to
  rename, KEY_NOTIFY to watch. A handle to a key deleted since is STATUS_KEY_DELETED for everything but NtClose.
- Creating a subkey needs KEY_CREATE_SUB_KEY in the parent's security, not in the RootDirectory handle's access.
  A stable key under a volatile one is STATUS_CHILD_MUST_BE_VOLATILE; a key whose full name would have more than
  512 levels (`\\REGISTRY` the first) STATUS_INVALID_PARAMETER. An absolute name outside `\\REGISTRY` is looked up
  in the object namespace: what is there is no key (STATUS_OBJECT_TYPE_MISMATCH), what is not there
  STATUS_OBJECT_NAME_NOT_FOUND.
- A key with subkeys cannot be deleted, nor can a hive's root (STATUS_CANNOT_DELETE).
- Value names are at most 16,383 characters (STATUS_INVALID_PARAMETER); value data at most MAX_VALUE_DATA bytes
  (STATUS_INSUFFICIENT_RESOURCES; Windows' limit is the hive's memory, this one keeps the host's bounded). Any type
  is kept, with its bytes as given.
- Queries write as registry_info.py says; ResultLength is mandatory and written whatever the status.
- NtNotifyChangeKey with Asynchronous returns STATUS_PENDING (the event reset, the IO_STATUS_BLOCK untouched); the
  event is set and the IO_STATUS_BLOCK (in the caller's width: a WoW64 caller's is 32-bit) gets
  STATUS_NOTIFY_ENUM_DIR when the key (or, with WatchTree, a key below) changes as the filter says, or
  STATUS_NOTIFY_CLEANUP when the handle closes first. A synchronous one waits in the scheduler, which ends the run
  at once when no other thread could change the key (Windows would hang). APC routines are not called (no APCs
  are delivered in this kernel). NtNotifyChangeMultipleKeys takes one subordinate key at most, as Windows does.
- A handle of the 32-bit view (KEY_WOW64_32KEY: every 32-bit caller's, and a 64-bit caller's that asks for it)
  enumerates without the `Wow6432Node` subkey (regredirect.hides), renumbered so that the view's i-th subkey has
  index i, and NtQueryKey's SubKeys leaves it out too.
- NtFlushKey has nothing to do: each call that changes the registry is its own committed transaction.
"""

from __future__ import annotations

import struct
from dataclasses import replace
from typing import TYPE_CHECKING

from ..log import getLogger
from ..nt import layouts as L
from ..nt import registry as R
from ..nt.status import NTSTATUS
from .dirindex import upcase
from .errors import NtError
from .handles import DELETE, OBJ_INHERIT, KernelObject
from .namespace import OBJ_OPENLINK, insert_handle, lookup
from .paths import CapturedAttributes, read_object_attributes
from .registry_info import Answer, key_information, value_information
from .registry_keys import (
    KEY_CREATE_LINK,
    KEY_CREATE_SUB_KEY,
    KEY_ENUMERATE_SUB_KEYS,
    KEY_NOTIFY,
    KEY_QUERY_VALUE,
    KEY_SET_VALUE,
    KEY_WRITE,
    MAX_COMPONENT,
    MAX_DEPTH,
    REG_LEGAL_CHANGE_FILTER,
    REG_NOTIFY_CHANGE_LAST_SET,
    REG_NOTIFY_CHANGE_NAME,
    KeyObject,
    Notification,
    Resolved,
    granted_by_security,
)
from .regredirect import NODE, RULES_VISTA, RULES_WIN7, VIEW_64, Rule, hides, opened_name, view_of
from .regvirtual import virtualized
from .sync import EVENT_MODIFY_STATE, EventObject
from .waits import WaitBlock, block

if TYPE_CHECKING:
    from ..emu.memory import AddressSpace
    from .registry_keys import Registry
    from .registry_store import KeyRecord
    from .system import System
    from .threadobject import Thread

log = getLogger(__name__)

# NtCreateKey and NtOpenKeyEx options.
REG_OPTION_VOLATILE = 0x1
REG_OPTION_CREATE_LINK = 0x2
REG_OPTION_BACKUP_RESTORE = 0x4
REG_OPTION_OPEN_LINK = 0x8
REG_OPTION_DONT_VIRTUALIZE = 0x10
CREATE_OPTIONS = 0x1F
OPEN_OPTIONS = REG_OPTION_BACKUP_RESTORE | REG_OPTION_OPEN_LINK | REG_OPTION_DONT_VIRTUALIZE

# NtCreateKey's Disposition.
REG_CREATED_NEW_KEY = 1
REG_OPENED_EXISTING_KEY = 2

MAX_VALUE_NAME = 16_383  # characters
MAX_VALUE_DATA = 64 << 20  # bytes of one value's data
HIVE_ROOT_DEPTH = 2  # \REGISTRY\MACHINE\SOFTWARE, \REGISTRY\USER\<SID>: hives' roots, never deleted or renamed
KEY_VALUE_ENTRY_SIZE = R.KEY_VALUE_ENTRY.size(64)


def read_unicode(memory: AddressSpace, address: int) -> str:
    """A UNICODE_STRING (64-bit) from the guest: STATUS_OBJECT_NAME_INVALID for an odd length or a lone surrogate
    (the store keeps text)."""
    us = L.UNICODE_STRING.unpack(memory.read(address, L.UNICODE_STRING.size(64)), 64)
    if us["Length"] & 1:
        raise NtError(NTSTATUS.OBJECT_NAME_INVALID)
    try:
        return memory.read(us["Buffer"], us["Length"]).decode("utf-16-le")
    except UnicodeDecodeError:
        raise NtError(NTSTATUS.OBJECT_NAME_INVALID) from None


def _value_name(memory: AddressSpace, address: int) -> str:
    name = read_unicode(memory, address)
    if len(name) > MAX_VALUE_NAME:
        raise NtError(NTSTATUS.INVALID_PARAMETER)
    return name


def _write_answer(memory: AddressSpace, answer: Answer, buffer: int, length: int, result_length: int) -> int:
    """Write an answer as far as the buffer holds it (registry_info.py), ResultLength always; its status."""
    memory.probe(result_length, 4, write=True)
    memory.probe(buffer, length, write=True)
    status = answer.status(length)
    if status != NTSTATUS.BUFFER_TOO_SMALL:
        for offset, data in answer.clipped(length):
            memory.write(buffer + offset, data)
    memory.write_u32(result_length, answer.required)
    return status


class RegistryServices:
    def __init__(self, system: System) -> None:
        self.system = system

    @property
    def registry(self) -> Registry:
        return self.system.registry

    @property
    def _rules(self) -> tuple[Rule, ...]:
        """The redirector's table: Windows 7's, or Vista's with --registry-reflection."""
        return RULES_VISTA if self.registry.reflection else RULES_WIN7

    def _key(self, thread: Thread, handle: int, access: int) -> tuple[KeyObject, KeyRecord]:
        key = thread.process.handles.reference(handle, KeyObject, access)
        return key, key.record()

    # ---- opening and creating ---------------------------------------------------------------------------------

    def _capture(self, thread: Thread, handle_out: int, oa_address: int) -> CapturedAttributes:
        memory = thread.process.memory
        memory.probe(handle_out, 8, write=True)
        oa = read_object_attributes(memory, oa_address)
        if oa.name is None:
            raise NtError(NTSTATUS.OBJECT_PATH_SYNTAX_BAD)
        return oa

    def _resolve(self, thread: Thread, oa: CapturedAttributes, open_link: bool, desired: int):
        """Where the OBJECT_ATTRIBUTES lead in the registry, in the view KEY_WOW64_32KEY / KEY_WOW64_64KEY (of
        `desired`, else of the RootDirectory handle) choose (regredirect.opened_name: a 64-bit caller's 32-bit
        view; wow64 has already rewritten a 32-bit caller's names, which this leaves as they are)."""
        name = oa.name or ""
        if oa.root_directory:
            root = thread.process.handles.get(oa.root_directory, KernelObject)
            if not isinstance(root, KeyObject):
                raise NtError(NTSTATUS.OBJECT_TYPE_MISMATCH)
            if name.startswith("\\"):
                raise NtError(NTSTATUS.OBJECT_PATH_SYNTAX_BAD)
            record, path = root.record(), root.path
            real = self.registry.store.key(root.real_id) if root.real_id is not None else None
            if real is not None:  # a virtualized handle: names below it are the real key's (regvirtual.py)
                record, path = real, self.registry.store.path(real.id)
            given, target, _ = opened_name((path, root.view), name, desired, VIEW_64, self._rules)
            if upcase(target) != upcase(given):
                return self.registry.resolve(None, target, open_link)
            return self.registry.resolve(record, name, open_link)
        if not name.startswith("\\"):
            raise NtError(NTSTATUS.OBJECT_PATH_SYNTAX_BAD)
        first = name[1:].split("\\", 1)[0]
        if first.upper() != "REGISTRY":
            found = lookup(thread.process.system.namespace, thread.process.handles, oa, follow_last=True).found
            raise NtError(NTSTATUS.OBJECT_NAME_NOT_FOUND if found is None else NTSTATUS.OBJECT_TYPE_MISMATCH)
        return self.registry.resolve(None, opened_name(None, name, desired, VIEW_64, self._rules)[1], open_link)

    def _where(self, thread: Thread, oa: CapturedAttributes, open_link: bool, desired: int,
               create: bool) -> tuple[Resolved, int | None]:
        """_resolve, then UAC virtualization (regvirtual.py): where the open or create goes, and the real key a
        virtualized handle reads the values its copy lacks from."""
        token = thread.effective_token()
        if not token.virtualization:
            return self._resolve(thread, oa, open_link, desired), None
        try:
            real = self._resolve(thread, oa, open_link, desired)
        except NtError:
            root = thread.process.handles.get(oa.root_directory, KeyObject) if oa.root_directory else None
            given = f"{root.path}\\{oa.name}" if root is not None else oa.name or ""
            found = virtualized(self.registry, thread, given, None, desired, 0, create)
            if found is None:
                raise
            return found
        store = self.registry.store
        full = store.path(real.key.id) if real.key is not None else (
            f"{store.path(real.parent.id)}\\{real.name}" if real.parent is not None else "")
        security = store.path(real.key.id if real.key is not None else real.parent.id) if full else ""
        found = virtualized(self.registry, thread, full, real, desired,
                            granted_by_security(security, token.elevated), create)
        return found if found is not None else (real, None)

    def _insert(self, thread: Thread, handle_out: int, key_id: int, desired: int, attributes: int,
                real_id: int | None = None) -> None:
        obj = self.registry.key_object(key_id, desired, thread.effective_token().elevated)
        obj.real_id = real_id
        handle = insert_handle(thread.process.handles, obj, desired, attributes & OBJ_INHERIT)
        thread.process.memory.write_u64(handle_out, handle)

    def _open(self, thread: Thread, handle_out: int, desired: int, oa_address: int, options: int) -> int:
        if options & ~OPEN_OPTIONS:
            raise NtError(NTSTATUS.INVALID_PARAMETER)
        if options & REG_OPTION_BACKUP_RESTORE:
            raise NtError(NTSTATUS.PRIVILEGE_NOT_HELD)  # SeBackupPrivilege: no standard user holds it
        oa = self._capture(thread, handle_out, oa_address)
        open_link = bool(oa.attributes & OBJ_OPENLINK or options & REG_OPTION_OPEN_LINK)
        where, real_id = self._where(thread, oa, open_link, desired, create=False)
        if where.key is None:
            raise NtError(NTSTATUS.OBJECT_NAME_NOT_FOUND)
        self._insert(thread, handle_out, where.key.id, desired, oa.attributes, real_id)
        return NTSTATUS.SUCCESS

    def NtOpenKey(self, thread: Thread, KeyHandle: int, DesiredAccess: int, ObjectAttributes: int) -> int:
        return self._open(thread, KeyHandle, DesiredAccess, ObjectAttributes, 0)

    def NtOpenKeyEx(self, thread: Thread, KeyHandle: int, DesiredAccess: int, ObjectAttributes: int,
                    OpenOptions: int) -> int:
        return self._open(thread, KeyHandle, DesiredAccess, ObjectAttributes, OpenOptions)

    def NtCreateKey(self, thread: Thread, KeyHandle: int, DesiredAccess: int, ObjectAttributes: int, TitleIndex: int,
                    Class: int, CreateOptions: int, Disposition: int) -> int:
        memory = thread.process.memory
        if CreateOptions & ~CREATE_OPTIONS:
            raise NtError(NTSTATUS.INVALID_PARAMETER)
        if CreateOptions & REG_OPTION_BACKUP_RESTORE:
            raise NtError(NTSTATUS.PRIVILEGE_NOT_HELD)
        if Disposition:
            memory.probe(Disposition, 4, write=True)
        oa = self._capture(thread, KeyHandle, ObjectAttributes)
        class_name = read_unicode(memory, Class) if Class else ""
        link = CreateOptions & REG_OPTION_CREATE_LINK
        open_link = bool(oa.attributes & OBJ_OPENLINK or CreateOptions & (REG_OPTION_OPEN_LINK | link))
        where, real_id = self._where(thread, oa, open_link, DesiredAccess, create=True)
        if where.key is not None:
            if link:
                raise NtError(NTSTATUS.OBJECT_NAME_COLLISION)
            key_id, disposition = where.key.id, REG_OPENED_EXISTING_KEY
        else:
            parent = where.parent
            assert parent is not None
            store = self.registry.store
            needed = KEY_CREATE_SUB_KEY | (KEY_CREATE_LINK if link else 0)
            if needed & ~granted_by_security(store.path(parent.id), thread.effective_token().elevated):
                raise NtError(NTSTATUS.ACCESS_DENIED)
            if len(where.name) > MAX_COMPONENT or where.depth + 1 > MAX_DEPTH:
                raise NtError(NTSTATUS.INVALID_PARAMETER)
            volatile = bool(CreateOptions & REG_OPTION_VOLATILE)
            if parent.volatile and not volatile:
                raise NtError(NTSTATUS.CHILD_MUST_BE_VOLATILE)
            key_id = store.create(parent.id, where.name, class_name, volatile=volatile, link=bool(link)).id
            disposition = REG_CREATED_NEW_KEY
            self.registry.changed(parent.id, REG_NOTIFY_CHANGE_NAME)
        self._insert(thread, KeyHandle, key_id, DesiredAccess, oa.attributes, real_id)
        if Disposition:
            memory.write_u32(Disposition, disposition)
        return NTSTATUS.SUCCESS

    # ---- changing keys ------------------------------------------------------------------------------------------

    def NtDeleteKey(self, thread: Thread, KeyHandle: int) -> int:
        key, record = self._key(thread, KeyHandle, DELETE)
        if record.subkeys or record.parent is None or self.registry.depth(record.id) <= HIVE_ROOT_DEPTH:
            raise NtError(NTSTATUS.CANNOT_DELETE)
        self.registry.store.delete(record.id)
        key.kcb.deleted = True
        self.registry.changed(record.parent, REG_NOTIFY_CHANGE_NAME)
        return NTSTATUS.SUCCESS

    def NtRenameKey(self, thread: Thread, KeyHandle: int, NewName: int) -> int:
        key, record = self._key(thread, KeyHandle, KEY_WRITE & 0xFFFF)
        name = read_unicode(thread.process.memory, NewName)
        if not name or "\\" in name or len(name) > MAX_COMPONENT:
            raise NtError(NTSTATUS.OBJECT_NAME_INVALID)
        if record.parent is None or self.registry.depth(record.id) <= HIVE_ROOT_DEPTH:
            raise NtError(NTSTATUS.ACCESS_DENIED)
        store = self.registry.store
        existing = store.child(record.parent, name)
        if existing is not None and existing.id != record.id:
            raise NtError(NTSTATUS.OBJECT_NAME_COLLISION)
        store.rename(record.id, name)
        self.registry.changed(record.parent, REG_NOTIFY_CHANGE_NAME)
        return NTSTATUS.SUCCESS

    def NtSetInformationKey(self, thread: Thread, KeyHandle: int, KeySetInformationClass: int,
                            KeySetInformation: int, KeySetInformationLength: int) -> int:
        sizes = {R.KeyWriteTimeInformation: 8, R.KeyWow64FlagsInformation: 4, R.KeyControlFlagsInformation: 4,
                 R.KeySetHandleTagsInformation: 4}
        size = sizes.get(KeySetInformationClass)
        if size is None:
            raise NtError(NTSTATUS.INVALID_PARAMETER)
        if KeySetInformationLength != size:
            raise NtError(NTSTATUS.INFO_LENGTH_MISMATCH)
        data = thread.process.memory.read(KeySetInformation, size)
        key, record = self._key(thread, KeyHandle, KEY_SET_VALUE)
        store = self.registry.store
        if KeySetInformationClass == R.KeyWriteTimeInformation:
            store.set_written(record.id, struct.unpack("<q", data)[0])
        elif KeySetInformationClass == R.KeyWow64FlagsInformation:
            store.set_user_flags(record.id, struct.unpack("<I", data)[0])
        return NTSTATUS.SUCCESS

    def NtFlushKey(self, thread: Thread, KeyHandle: int) -> int:
        self._key(thread, KeyHandle, 0)
        return NTSTATUS.SUCCESS

    # ---- values -----------------------------------------------------------------------------------------------

    def NtSetValueKey(self, thread: Thread, KeyHandle: int, ValueName: int, TitleIndex: int, Type: int, Data: int,
                      DataSize: int) -> int:
        memory = thread.process.memory
        key, record = self._key(thread, KeyHandle, KEY_SET_VALUE)
        name = _value_name(memory, ValueName)
        memory.probe(Data, DataSize)
        if DataSize > MAX_VALUE_DATA:
            raise NtError(NTSTATUS.INSUFFICIENT_RESOURCES)
        data = memory.read(Data, DataSize)
        self.registry.store.set_value(record.id, name, Type, data)
        self.registry.changed(record.id, REG_NOTIFY_CHANGE_LAST_SET)
        return NTSTATUS.SUCCESS

    def NtDeleteValueKey(self, thread: Thread, KeyHandle: int, ValueName: int) -> int:
        key, record = self._key(thread, KeyHandle, KEY_SET_VALUE)
        name = _value_name(thread.process.memory, ValueName)
        if not self.registry.store.delete_value(record.id, name):
            raise NtError(NTSTATUS.OBJECT_NAME_NOT_FOUND)
        self.registry.changed(record.id, REG_NOTIFY_CHANGE_LAST_SET)
        return NTSTATUS.SUCCESS

    def NtQueryValueKey(self, thread: Thread, KeyHandle: int, ValueName: int, KeyValueInformationClass: int,
                        KeyValueInformation: int, Length: int, ResultLength: int) -> int:
        memory = thread.process.memory
        key, record = self._key(thread, KeyHandle, KEY_QUERY_VALUE)
        name = _value_name(memory, ValueName)
        value = self.registry.store.value(record.id, name)
        if value is None and key.real_id is not None:  # a virtualized handle: the real key's (regvirtual.py)
            value = self.registry.store.value(key.real_id, name)
        if value is None:
            raise NtError(NTSTATUS.OBJECT_NAME_NOT_FOUND)
        answer = value_information(KeyValueInformationClass, value)
        return _write_answer(memory, answer, KeyValueInformation, Length, ResultLength)

    def NtEnumerateValueKey(self, thread: Thread, KeyHandle: int, Index: int, KeyValueInformationClass: int,
                            KeyValueInformation: int, Length: int, ResultLength: int) -> int:
        key, record = self._key(thread, KeyHandle, KEY_QUERY_VALUE)
        if KeyValueInformationClass > R.KeyValueLayerInformation:
            raise NtError(NTSTATUS.INVALID_PARAMETER)
        value = self.registry.store.value_at(record.id, Index) if Index < record.values else None
        if value is None:
            raise NtError(NTSTATUS.NO_MORE_ENTRIES)
        answer = value_information(KeyValueInformationClass, value)
        return _write_answer(thread.process.memory, answer, KeyValueInformation, Length, ResultLength)

    def NtQueryMultipleValueKey(self, thread: Thread, KeyHandle: int, ValueEntries: int, EntryCount: int,
                                ValueBuffer: int, BufferLength: int, RequiredBufferLength: int) -> int:
        """Each entry's data at the next 4-byte boundary of ValueBuffer; what does not fit is not copied
        (STATUS_BUFFER_OVERFLOW), and *RequiredBufferLength says how much would."""
        memory = thread.process.memory
        key, record = self._key(thread, KeyHandle, KEY_QUERY_VALUE)
        memory.probe(ValueEntries, EntryCount * KEY_VALUE_ENTRY_SIZE, write=True)
        length = memory.read_u32(BufferLength)
        if RequiredBufferLength:
            memory.probe(RequiredBufferLength, 4, write=True)
        store = self.registry.store
        found = []
        for i in range(EntryCount):
            entry = ValueEntries + i * KEY_VALUE_ENTRY_SIZE
            value = store.value(record.id, _value_name(memory, memory.read_u64(entry)))
            if value is None:
                raise NtError(NTSTATUS.OBJECT_NAME_NOT_FOUND)
            found.append((entry, value))
        offset = 0
        status = NTSTATUS.SUCCESS
        for entry, value in found:
            offset = (offset + 3) & ~3
            memory.write(entry + 8, struct.pack("<III", len(value.data), offset, value.type))
            if offset + len(value.data) <= length:
                memory.write(ValueBuffer + offset, value.data)
            else:
                status = NTSTATUS.BUFFER_OVERFLOW
            offset += len(value.data)
        memory.write_u32(BufferLength, min(offset, length))
        if RequiredBufferLength:
            memory.write_u32(RequiredBufferLength, offset)
        return status

    # ---- keys -------------------------------------------------------------------------------------------------

    def _hidden(self, key: KeyObject, record: KeyRecord) -> KeyRecord | None:
        """The subkey the handle's view leaves out of enumerations (regredirect.hides), if the key has one."""
        if not record.subkeys or not hides(NODE, view_of(key.view, VIEW_64)):
            return None
        return self.registry.store.child(record.id, NODE)

    def NtQueryKey(self, thread: Thread, KeyHandle: int, KeyInformationClass: int, KeyInformation: int, Length: int,
                   ResultLength: int) -> int:
        free = KeyInformationClass in (R.KeyNameInformation, R.KeyHandleTagsInformation)
        key, record = self._key(thread, KeyHandle, 0 if free else KEY_QUERY_VALUE)
        if KeyInformationClass in (R.KeyFullInformation, R.KeyCachedInformation) and self._hidden(key, record):
            record = replace(record, subkeys=record.subkeys - 1)
        answer = key_information(KeyInformationClass, record, key.path, enumerating=False)
        return _write_answer(thread.process.memory, answer, KeyInformation, Length, ResultLength)

    def NtEnumerateKey(self, thread: Thread, KeyHandle: int, Index: int, KeyInformationClass: int,
                       KeyInformation: int, Length: int, ResultLength: int) -> int:
        key, record = self._key(thread, KeyHandle, KEY_ENUMERATE_SUB_KEYS)
        if KeyInformationClass > R.KeyLayerInformation:
            raise NtError(NTSTATUS.INVALID_PARAMETER)
        store = self.registry.store
        hidden = self._hidden(key, record)
        if hidden is not None and Index >= store.rank(record.id, hidden.name):
            Index += 1  # the view's i-th subkey: no gap where the hidden one is
        subkey = store.subkey_at(record.id, Index) if Index < record.subkeys else None
        if subkey is None:
            raise NtError(NTSTATUS.NO_MORE_ENTRIES)
        answer = key_information(KeyInformationClass, subkey, "", enumerating=True)
        return _write_answer(thread.process.memory, answer, KeyInformation, Length, ResultLength)

    # ---- notification -----------------------------------------------------------------------------------------

    def _notify(self, thread: Thread, call: str, master: int, subordinate: int, event: int, apc: int, iosb: int,
                change_filter: int, watch_tree: int, asynchronous: int) -> int:
        memory = thread.process.memory
        if change_filter & ~REG_LEGAL_CHANGE_FILTER:
            raise NtError(NTSTATUS.INVALID_PARAMETER)
        wow64 = thread.process.wow64
        memory.probe(iosb, L.IO_STATUS_BLOCK.size(32 if wow64 else 64), write=True)
        key, record = self._key(thread, master, KEY_NOTIFY)
        event_obj = thread.process.handles.reference(event, EventObject, EVENT_MODIFY_STATE) if event else None
        if apc:
            log.warning("%s: the APC routine is not called (no APCs are delivered); the event and the I/O status "
                        "block tell the change", call)
        watched = [key.kcb]
        if subordinate:
            oa = read_object_attributes(memory, subordinate)
            where = self._resolve(thread, oa, bool(oa.attributes & OBJ_OPENLINK), 0)
            if where.key is None:
                raise NtError(NTSTATUS.OBJECT_NAME_NOT_FOUND)
            watched.append(self.registry.key_object(where.key.id, 0).kcb)
        note = Notification(key, change_filter, bool(watch_tree), event_obj, iosb, memory, wow64, watched)
        for kcb in watched:
            kcb.notifications.append(note)
        if event_obj is not None:
            event_obj.state = False
        if asynchronous:
            return NTSTATUS.PENDING
        return block(thread, WaitBlock(call, [note], False, None))

    def NtNotifyChangeKey(self, thread: Thread, KeyHandle: int, Event: int, ApcRoutine: int, ApcContext: int,
                          IoStatusBlock: int, CompletionFilter: int, WatchTree: int, Buffer: int, BufferSize: int,
                          Asynchronous: int) -> int:
        return self._notify(thread, "NtNotifyChangeKey", KeyHandle, 0, Event, ApcRoutine, IoStatusBlock,
                            CompletionFilter, WatchTree, Asynchronous)

    def NtNotifyChangeMultipleKeys(self, thread: Thread, MasterKeyHandle: int, Count: int, SubordinateObjects: int,
                                   Event: int, ApcRoutine: int, ApcContext: int, IoStatusBlock: int,
                                   CompletionFilter: int, WatchTree: int, Buffer: int, BufferSize: int,
                                   Asynchronous: int) -> int:
        if Count > 1 or (Count == 1) != bool(SubordinateObjects):
            raise NtError(NTSTATUS.INVALID_PARAMETER)
        return self._notify(thread, "NtNotifyChangeMultipleKeys", MasterKeyHandle, SubordinateObjects, Event,
                            ApcRoutine, IoStatusBlock, CompletionFilter, WatchTree, Asynchronous)


SERVICES = (RegistryServices.NtCreateKey, RegistryServices.NtOpenKey, RegistryServices.NtOpenKeyEx,
            RegistryServices.NtDeleteKey, RegistryServices.NtRenameKey, RegistryServices.NtSetValueKey,
            RegistryServices.NtQueryValueKey, RegistryServices.NtDeleteValueKey, RegistryServices.NtEnumerateKey,
            RegistryServices.NtEnumerateValueKey, RegistryServices.NtQueryKey,
            RegistryServices.NtQueryMultipleValueKey, RegistryServices.NtFlushKey, RegistryServices.NtNotifyChangeKey,
            RegistryServices.NtNotifyChangeMultipleKeys, RegistryServices.NtSetInformationKey)
