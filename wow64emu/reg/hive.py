"""A root's registry as reg.exe sees it: key names with their root abbreviations, the 32- and 64-bit views, and
symbolic links followed, over the kernel's store.

A `KeyName` is what a user writes (`HKLM\\SOFTWARE\\Vendor`): its display form (`HKEY_LOCAL_MACHINE\\...`) and its
NT name (`\\REGISTRY\\MACHINE\\...`). The view (`/reg:32`, `/reg:64`) maps an NT name to where it is stored through
the redirector's rules, as the 32-bit and 64-bit reg.exe see the registry.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from ..kernel.dirindex import upcase
from ..kernel.registry_defaults import LINK_VALUE, USER
from ..kernel.registry_store import REGISTRY_FILE, REGISTRY_FOLDER, KeyRecord, RegistryStore, ValueRecord
from ..kernel.regredirect import VIEW_64, hides, stored_name

# abbreviation -> (full name, NT name)
ROOTS = {
    "HKLM": ("HKEY_LOCAL_MACHINE", "\\REGISTRY\\MACHINE"),
    "HKCU": ("HKEY_CURRENT_USER", USER),
    "HKCR": ("HKEY_CLASSES_ROOT", "\\REGISTRY\\MACHINE\\SOFTWARE\\Classes"),
    "HKU": ("HKEY_USERS", "\\REGISTRY\\USER"),
    "HKCC": ("HKEY_CURRENT_CONFIG", "\\REGISTRY\\MACHINE\\SYSTEM\\CurrentControlSet\\Hardware Profiles\\Current"),
}
MAX_LINKS = 16  # links followed in one name before it is taken for a loop


class BadKeyName(ValueError):
    """Not a key name reg.exe takes (an unknown root, an empty component)."""


@dataclass(frozen=True)
class KeyName:
    display: str
    nt: str

    def child(self, name: str) -> KeyName:
        return KeyName(f"{self.display}\\{name}", f"{self.nt}\\{name}")


def key_name(text: str) -> KeyName:
    """A key as reg.exe takes it: `HKLM\\...` or `HKEY_LOCAL_MACHINE\\...` (any case; `\\` at the end ignored)."""
    root, _, rest = text.rstrip("\\").partition("\\")
    for short, (full, nt) in ROOTS.items():
        if upcase(root) in (short, full):
            if rest and any(not part for part in rest.split("\\")):
                raise BadKeyName(text)
            return KeyName(full + ("\\" + rest if rest else ""), nt + ("\\" + rest if rest else ""))
    raise BadKeyName(text)


def store_path(root: Path) -> Path:
    """Where a root keeps its registry (the kernel opens the same file)."""
    return root / REGISTRY_FOLDER / REGISTRY_FILE


class Hive:
    """The registry of one root, in one view."""

    def __init__(self, store: RegistryStore, view: int = VIEW_64) -> None:
        self.store = store
        self.view = view

    def where(self, key: KeyName) -> str:
        return stored_name(key.nt, self.view)

    def find(self, key: KeyName) -> KeyRecord | None:
        return self._walk(self.where(key), create=False)

    def ensure(self, key: KeyName) -> KeyRecord:
        found = self._walk(self.where(key), create=True)
        assert found is not None
        return found

    def _walk(self, name: str, create: bool) -> KeyRecord | None:
        """The key of an NT name, links followed, made (with the keys on the way) when `create`."""
        parts = [p for p in name.split("\\") if p]
        record = self.store.find("\\REGISTRY")
        links = 0
        index = 1
        while record is not None and index < len(parts):
            nxt = self.store.child(record.id, parts[index])
            if nxt is None:
                if not create:
                    return None
                nxt = self.store.create(record.id, parts[index])
            index += 1
            if nxt.link:
                links += 1
                target = self.store.value(nxt.id, LINK_VALUE)
                if target is None or links > MAX_LINKS:
                    return None
                parts = [p for p in target.data.decode("utf-16-le", "replace").split("\\") if p] + parts[index:]
                record, index = self.store.find("\\REGISTRY"), 1
                continue
            record = nxt
        return record

    def subkeys(self, key: KeyName) -> Iterator[tuple[KeyName, KeyRecord]]:
        """The subkeys a program of this view enumerates (a 32-bit view never lists `Wow6432Node`), each where
        this view opens it (a shared subkey of a redirected key is the shared one)."""
        record = self.find(key)
        if record is None:
            return
        for sub in self.store.subkeys(record.id):
            if hides(sub.name, self.view):
                continue
            child = key.child(sub.name)
            opened = self.find(child)
            if opened is not None:
                yield child, opened

    def values(self, record: KeyRecord) -> list[ValueRecord]:
        return list(self.store.values(record.id))

    def delete_tree(self, record: KeyRecord) -> None:
        """Delete a key and everything below it, in one transaction."""
        self.store.delete(record.id, tree=True)


def open_hive(root: Path, view: int) -> Hive:
    return Hive(RegistryStore.open(store_path(root)), view)

