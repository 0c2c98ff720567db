"""The registry's store: every key and value of the machine in one SQLite database.

The database is one file (`REGISTRY_FILE` in the C: drive's `System Volume Information`, which the guest may not
open: paths.py refuses that folder) or, for tests, memory. Each method that changes it is one transaction, so a
crash or a killed run leaves the file as it was before the call or after it, never between.

Tables:
- `keys`: one row a key, `parent` + `upname` unique (the registry is case-insensitive and keeps the case a key was
  created with), its class, last write time (FILETIME), flags (volatile, symbolic link), the user flags of
  NtSetInformationKey, and the counts and maxima NtQueryKey reports, kept up to date as Windows keeps them in the
  key node (a million values cost nothing to query).
- `meta`: `seeded` once the default contents are all in (a run killed while seeding leaves a store seeded again).
- `vals`: one row a value, `key` + `upname` unique, in the order the values were made (`seq`), with its type and
  data as bytes whatever the type says.

The file never grows past MAX_DATABASE_BYTES (a change past it is STATUS_INSUFFICIENT_RESOURCES); a file that is no
database stops the run with one line (RegistryUnusable).

Volatile keys live in the same tables and are deleted when a store opens or closes: they never outlive the run
that made them (a volatile key's subkeys are volatile too, so whole subtrees go). Every open also re-creates what
Windows makes at boot (registry_defaults.BOOT).

The Python API, for the kernel's services and for tools (`wow64emu reg`), works on key ids:
    store = RegistryStore.open(path)              # seeded with the default contents when new
    key = store.find("\\REGISTRY\\MACHINE\\SOFTWARE")   # or store.child(parent, name); None when absent
    new = store.create(key.id, "Name", volatile=False)  # one component; RegistryStore.create_path for several
    store.set_value(new.id, "Value", REG_SZ, data); store.value(new.id, "value"); store.values(new.id)
    store.subkeys(key.id); store.delete_value(...); store.delete(new.id, tree=True); store.rename(...)
Names are single components; full paths are `\\REGISTRY\\...` without link resolution (that is the services').
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import EmulatorError
from ..nt.status import NTSTATUS
from .dirindex import upcase
from .errors import NtError
from .registry_defaults import seed_boot, seed_machine
from .time import system_time

if TYPE_CHECKING:  # sqlite3 itself is imported when a store opens: most runs never open one
    import sqlite3

MAX_DATABASE_BYTES = 2 << 30  # Windows' limit of a hive's size; a guest cannot fill the host's disk past it
REGISTRY_FOLDER = "System Volume Information"
REGISTRY_FILE = "wow64emu-registry.sqlite3"
ROOT_ID = 1  # \REGISTRY

# Key flags kept in `keys.flags`.
KEY_VOLATILE = 0x1
KEY_SYM_LINK = 0x2

_SCHEMA = """
CREATE TABLE IF NOT EXISTS keys (
    id INTEGER PRIMARY KEY AUTOINCREMENT,  -- never reused: a handle to a deleted key must not find a new one
    parent INTEGER REFERENCES keys(id),
    name TEXT NOT NULL,
    upname TEXT NOT NULL,
    class TEXT NOT NULL DEFAULT '',
    written INTEGER NOT NULL,
    flags INTEGER NOT NULL DEFAULT 0,
    depth INTEGER NOT NULL DEFAULT 0,
    user_flags INTEGER NOT NULL DEFAULT 0,
    subkeys INTEGER NOT NULL DEFAULT 0,
    max_name INTEGER NOT NULL DEFAULT 0,
    max_class INTEGER NOT NULL DEFAULT 0,
    nvalues INTEGER NOT NULL DEFAULT 0,
    max_value_name INTEGER NOT NULL DEFAULT 0,
    max_value_data INTEGER NOT NULL DEFAULT 0
);
CREATE UNIQUE INDEX IF NOT EXISTS keys_by_name ON keys(parent, upname);
CREATE INDEX IF NOT EXISTS keys_volatile ON keys(flags) WHERE flags & 1;
CREATE TABLE IF NOT EXISTS vals (
    seq INTEGER PRIMARY KEY,
    key INTEGER NOT NULL REFERENCES keys(id),
    name TEXT NOT NULL,
    upname TEXT NOT NULL,
    type INTEGER NOT NULL,
    data BLOB NOT NULL
);
CREATE UNIQUE INDEX IF NOT EXISTS vals_by_name ON vals(key, upname);
CREATE INDEX IF NOT EXISTS vals_in_order ON vals(key, seq);
CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value);
"""

_KEY_COLUMNS = ("id, parent, name, class, written, flags, user_flags, subkeys, max_name, max_class, nvalues, "
                "max_value_name, max_value_data")


def name_bytes(name: str) -> int:
    """The length of a name as the registry counts it: UTF-16 bytes."""
    return len(name.encode("utf-16-le", "surrogatepass"))


class RegistryUnusable(EmulatorError):
    """The database file cannot be opened as the registry (not one, damaged, or refused by the host)."""


@dataclass(frozen=True)
class KeyRecord:
    """One key as the store holds it. Lengths are in bytes (UTF-16 for names and classes)."""

    id: int
    parent: int | None
    name: str
    class_name: str
    written: int  # FILETIME
    flags: int
    user_flags: int
    subkeys: int
    max_name: int
    max_class: int
    values: int
    max_value_name: int
    max_value_data: int

    @property
    def volatile(self) -> bool:
        return bool(self.flags & KEY_VOLATILE)

    @property
    def link(self) -> bool:
        return bool(self.flags & KEY_SYM_LINK)


@dataclass(frozen=True)
class ValueRecord:
    name: str
    type: int
    data: bytes


class RegistryStore:
    """The machine's registry (see the module docstring). Open it with RegistryStore.open()."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self._conn = conn
        # (key id, "k" or "v") -> (index, sort key) of the last entry enumerated: the next index continues from
        # there in O(log n) instead of counting from the start.
        self._cursors: dict[tuple[int, str], tuple[int, str | int]] = {}

    @classmethod
    def open(cls, path: Path | None) -> RegistryStore:
        """Open (or create and seed) the database at `path`; None keeps it in memory. RegistryUnusable when the
        file is no database of ours (or the host refuses it)."""
        import sqlite3

        try:
            return cls._open(path)
        except (sqlite3.DatabaseError, OSError) as exc:
            raise RegistryUnusable(f"the registry database {path} cannot be used: {exc}") from None

    @classmethod
    def _open(cls, path: Path | None) -> RegistryStore:
        import sqlite3

        if path is not None:
            path.parent.mkdir(parents=True, exist_ok=True)
        conn = sqlite3.connect(":memory:" if path is None else str(path), isolation_level="DEFERRED",
                               check_same_thread=False)
        conn.execute("PRAGMA journal_mode=" + ("MEMORY" if path is None else "WAL"))
        conn.execute("PRAGMA synchronous=NORMAL")
        page_size = conn.execute("PRAGMA page_size").fetchone()[0]
        conn.execute(f"PRAGMA max_page_count={MAX_DATABASE_BYTES // page_size}")
        store = cls(conn)
        with conn:
            conn.executescript(_SCHEMA)
            fresh = conn.execute("SELECT count(*) FROM meta WHERE name = 'seeded'").fetchone()[0] == 0
            if fresh:  # new, or a run was killed while seeding it: seeded again from nothing
                conn.execute("DELETE FROM vals")
                conn.execute("DELETE FROM keys")
                conn.execute("INSERT INTO keys (id, parent, name, upname, written) VALUES (?, NULL, 'REGISTRY', "
                             "'REGISTRY', ?)", (ROOT_ID, system_time()))
        store.clear_volatile()
        if fresh:
            seed_machine(store)
            with conn:
                conn.execute("INSERT INTO meta (name, value) VALUES ('seeded', 1)")
        seed_boot(store)
        return store

    def close(self) -> None:
        """Drop the run's volatile keys and close the database."""
        self.clear_volatile()
        self._conn.close()

    # ---- reading -------------------------------------------------------------------------------------------

    def key(self, key_id: int) -> KeyRecord | None:
        row = self._conn.execute(f"SELECT {_KEY_COLUMNS} FROM keys WHERE id = ?", (key_id,)).fetchone()
        return KeyRecord(*row) if row else None

    def child(self, parent: int, name: str) -> KeyRecord | None:
        """The subkey `name` (any case) of `parent`."""
        row = self._conn.execute(f"SELECT {_KEY_COLUMNS} FROM keys WHERE parent = ? AND upname = ?",
                                 (parent, upcase(name))).fetchone()
        return KeyRecord(*row) if row else None

    def find(self, path: str) -> KeyRecord | None:
        """The key of a full path (`\\REGISTRY\\MACHINE\\...`, any case), links not followed."""
        parts = [p for p in path.split("\\") if p]
        if not parts or upcase(parts[0]) != "REGISTRY":
            return None
        key = self.key(ROOT_ID)
        for part in parts[1:]:
            if key is None:
                return None
            key = self.child(key.id, part)
        return key

    def path(self, key_id: int) -> str:
        """The full name of a key: `\\REGISTRY\\MACHINE\\SOFTWARE\\...` in the case of creation."""
        return "".join("\\" + name for _, name in reversed(self._up(key_id)))

    def ancestors(self, key_id: int) -> list[int]:
        """The key's id, its parent's, and so on up to \\REGISTRY's."""
        return [key for key, _ in self._up(key_id)]

    def _up(self, key_id: int) -> list[tuple[int, str]]:
        """(id, name) of the key and each key above it, in one query."""
        return self._conn.execute(
            "WITH RECURSIVE up(id, parent, name, level) AS (SELECT id, parent, name, 0 FROM keys WHERE id = ? "
            "UNION ALL SELECT k.id, k.parent, k.name, up.level + 1 FROM keys AS k JOIN up ON k.id = up.parent) "
            "SELECT id, name FROM up ORDER BY level", (key_id,)).fetchall()

    def depth(self, key_id: int) -> int:
        """The levels of keys below \\REGISTRY down to this one (\\REGISTRY\\MACHINE is 1)."""
        row = self._conn.execute("SELECT depth FROM keys WHERE id = ?", (key_id,)).fetchone()
        return row[0] if row else 0

    def subkey_at(self, key_id: int, index: int) -> KeyRecord | None:
        """The index-th subkey in the registry's order (by upcased name)."""
        rows = self._at(key_id, index, "k", f"SELECT {_KEY_COLUMNS}, upname FROM keys WHERE parent = ?", "upname")
        return KeyRecord(*rows[:-1]) if rows else None

    def rank(self, key_id: int, name: str) -> int:
        """How many subkeys of the key come before `name` in the registry's order."""
        return self._conn.execute("SELECT count(*) FROM keys WHERE parent = ? AND upname < ?",
                                  (key_id, upcase(name))).fetchone()[0]

    def value_at(self, key_id: int, index: int) -> ValueRecord | None:
        """The index-th value in the order the values were made."""
        rows = self._at(key_id, index, "v", "SELECT name, type, data, seq FROM vals WHERE key = ?", "seq")
        return ValueRecord(*rows[:-1]) if rows else None

    def _at(self, key_id: int, index: int, kind: str, select: str, order: str) -> tuple | None:
        last = self._cursors.get((key_id, kind))
        if last is not None and last[0] == index - 1:
            row = self._conn.execute(f"{select} AND {order} > ? ORDER BY {order} LIMIT 1",
                                     (key_id, last[1])).fetchone()
        else:
            row = self._conn.execute(f"{select} ORDER BY {order} LIMIT 1 OFFSET ?", (key_id, index)).fetchone()
        if row is not None:
            self._cursors[key_id, kind] = (index, row[-1])
        return row

    def subkeys(self, key_id: int) -> Iterator[KeyRecord]:
        for row in self._conn.execute(f"SELECT {_KEY_COLUMNS} FROM keys WHERE parent = ? ORDER BY upname",
                                      (key_id,)).fetchall():
            yield KeyRecord(*row)

    def value(self, key_id: int, name: str) -> ValueRecord | None:
        row = self._conn.execute("SELECT name, type, data FROM vals WHERE key = ? AND upname = ?",
                                 (key_id, upcase(name))).fetchone()
        return ValueRecord(*row) if row else None

    def values(self, key_id: int) -> Iterator[ValueRecord]:
        for row in self._conn.execute("SELECT name, type, data FROM vals WHERE key = ? ORDER BY seq",
                                      (key_id,)).fetchall():
            yield ValueRecord(*row)

    # ---- changing: each method one transaction -------------------------------------------------------------

    def create(self, parent: int, name: str, class_name: str = "", *, volatile: bool = False,
               link: bool = False) -> KeyRecord:
        """A new subkey of `parent` (which must not have one of that name); the parent's write time moves."""
        now = system_time()
        flags = (KEY_VOLATILE if volatile else 0) | (KEY_SYM_LINK if link else 0)
        self._forget(parent)
        with self._changing():
            cur = self._conn.execute("INSERT INTO keys (parent, name, upname, class, written, flags, depth) "
                                     "VALUES (?, ?, ?, ?, ?, ?, (SELECT depth + 1 FROM keys WHERE id = ?))",
                                     (parent, name, upcase(name), class_name, now, flags, parent))
            self._conn.execute("UPDATE keys SET subkeys = subkeys + 1, max_name = max(max_name, ?), "
                               "max_class = max(max_class, ?), written = ? WHERE id = ?",
                               (name_bytes(name), name_bytes(class_name), now, parent))
        created = self.key(cur.lastrowid or 0)
        assert created is not None
        return created

    def create_path(self, path: str, *, volatile: bool = False) -> KeyRecord:
        """The key of a full path, made with every missing key on the way (for seeding and tools)."""
        key = self.key(ROOT_ID)
        assert key is not None
        for part in [p for p in path.split("\\") if p][1:]:
            key = self.child(key.id, part) or self.create(key.id, part, volatile=volatile)
        return key

    def delete(self, key_id: int, *, tree: bool = False) -> None:
        """Delete a key with its values; one with subkeys only with `tree` (for tools: the services delete one key
        at a time, as NtDeleteKey does), which deletes the whole subtree in the same transaction."""
        key = self.key(key_id)
        if key is None or key.parent is None:
            return
        if tree:
            self._cursors.clear()  # the subtree's keys too
        self._forget(key_id)
        self._forget(key.parent)
        doomed = "(WITH RECURSIVE down(id) AS (SELECT ? UNION ALL SELECT k.id FROM keys AS k JOIN down " \
                 "ON k.parent = down.id) SELECT id FROM down)" if tree else "(?)"
        with self._changing():
            self._conn.execute(f"DELETE FROM vals WHERE key IN {doomed}", (key_id,))
            self._conn.execute(f"DELETE FROM keys WHERE id IN {doomed}", (key_id,))
            self._conn.execute("UPDATE keys SET subkeys = subkeys - 1, written = ?, "
                               "max_name = CASE WHEN subkeys = 1 THEN 0 ELSE max_name END, "
                               "max_class = CASE WHEN subkeys = 1 THEN 0 ELSE max_class END WHERE id = ?",
                               (system_time(), key.parent))

    def rename(self, key_id: int, name: str) -> None:
        key = self.key(key_id)
        if key is None or key.parent is None:
            return
        self._forget(key.parent)
        now = system_time()
        with self._changing():
            self._conn.execute("UPDATE keys SET name = ?, upname = ?, written = ? WHERE id = ?",
                               (name, upcase(name), now, key_id))
            self._conn.execute("UPDATE keys SET max_name = max(max_name, ?) WHERE id = ?",
                               (name_bytes(name), key.parent))

    def set_value(self, key_id: int, name: str, value_type: int, data: bytes) -> None:
        """Set (make or replace, in place in the order) a value; the key's write time moves."""
        self._forget(key_id)
        with self._changing():
            cur = self._conn.execute("UPDATE vals SET type = ?, data = ? WHERE key = ? AND upname = ?",
                                     (value_type, data, key_id, upcase(name)))
            added = 0
            if cur.rowcount == 0:
                self._conn.execute("INSERT INTO vals (key, name, upname, type, data) VALUES (?, ?, ?, ?, ?)",
                                   (key_id, name, upcase(name), value_type, data))
                added = 1
            self._conn.execute("UPDATE keys SET nvalues = nvalues + ?, max_value_name = max(max_value_name, ?), "
                               "max_value_data = max(max_value_data, ?), written = ? WHERE id = ?",
                               (added, name_bytes(name), len(data), system_time(), key_id))

    def delete_value(self, key_id: int, name: str) -> bool:
        """Delete a value; False when there is none of that name."""
        self._forget(key_id)
        with self._changing():
            cur = self._conn.execute("DELETE FROM vals WHERE key = ? AND upname = ?", (key_id, upcase(name)))
            if cur.rowcount == 0:
                return False
            self._conn.execute("UPDATE keys SET written = ?, "
                               "max_value_name = CASE WHEN nvalues = 1 THEN 0 ELSE max_value_name END, "
                               "max_value_data = CASE WHEN nvalues = 1 THEN 0 ELSE max_value_data END, "
                               "nvalues = nvalues - 1 WHERE id = ?", (system_time(), key_id))
        return True

    def set_written(self, key_id: int, filetime: int) -> None:
        with self._changing():
            self._conn.execute("UPDATE keys SET written = ? WHERE id = ?", (filetime, key_id))

    def set_user_flags(self, key_id: int, flags: int) -> None:
        with self._changing():
            self._conn.execute("UPDATE keys SET user_flags = ? WHERE id = ?", (flags, key_id))

    @contextmanager
    def _changing(self) -> Iterator[None]:
        """One transaction that changes the store: committed whole, or rolled back whole. A full database (past
        MAX_DATABASE_BYTES, or the host's disk) or one another run holds too long is STATUS_INSUFFICIENT_RESOURCES."""
        from sqlite3 import OperationalError

        try:
            with self._conn:
                yield
        except OperationalError:
            raise NtError(NTSTATUS.INSUFFICIENT_RESOURCES) from None

    def clear_volatile(self) -> None:
        """Delete every volatile key (with its values), fixing the counts of the stable parents they leave."""
        self._cursors.clear()
        with self._changing():
            self._conn.execute("DELETE FROM vals WHERE key IN (SELECT id FROM keys WHERE flags & 1)")
            self._conn.execute("UPDATE keys SET subkeys = subkeys - (SELECT count(*) FROM keys AS c WHERE "
                               "c.parent = keys.id AND c.flags & 1) WHERE NOT flags & 1 AND id IN "
                               "(SELECT parent FROM keys WHERE flags & 1)")
            self._conn.execute("DELETE FROM keys WHERE flags & 1")

    def _forget(self, key_id: int) -> None:
        self._cursors.pop((key_id, "k"), None)
        self._cursors.pop((key_id, "v"), None)
