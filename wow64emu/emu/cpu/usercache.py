"""Values the emulator finds at run time and keeps between runs, in the user's cache folder ($XDG_CACHE_HOME/wow64emu,
else ~/.cache/wow64emu), one JSON file each.

Each value is stored with the key it was found for (what it depends on: a library's path, size and modification
time, and the format of the value), and used only for that same key, so a stale one is never used. A missing,
unreadable or corrupt file, or a folder that cannot be written, only means finding the value again.
"""

from __future__ import annotations

import contextlib
import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

T = TypeVar("T")


def cache_folder() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "wow64emu"


def file_key(path: str) -> list:
    """What a value found from a file depends on: the file itself (its real path, size and modification time)."""
    st = os.stat(path)
    return [os.path.realpath(path), st.st_size, st.st_mtime_ns]


def cached(name: str, key: list, find: Callable[[], T], dump: Callable[[T], object],
           load: Callable[[object], T]) -> T:
    """The value stored under `name` for `key`, else find() (and store it). `dump` makes the value JSON data and
    `load` makes it back, raising ValueError, TypeError or KeyError on data that is not such a value."""
    path = cache_folder() / f"{name}.json"
    try:
        stored = json.loads(path.read_text(encoding="utf-8"))
        if stored["key"] == key:
            return load(stored["value"])
    except (OSError, ValueError, TypeError, KeyError):
        pass
    value = find()
    partial = path.with_name(f"{path.name}.{os.getpid()}.tmp")  # renamed into place: whole or absent to any reader
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        partial.write_text(json.dumps({"key": key, "value": dump(value)}), encoding="utf-8")
        os.replace(partial, path)
    except OSError:
        with contextlib.suppress(OSError):
            partial.unlink()
    return value
