"""The code of the emulator's own modules, kept in one file of the user's cache and served from it while the
command starts (startup.py), instead of Python finding, opening, reading and checking a .pyc file for each of the
hundred modules a run imports (about 3 ms of a start).

A module is served from the cache only when the file Python would import it from is the very source its code was
compiled from: the same path, size and modification time to the nanosecond (Python's .pyc files keep whole
seconds), in the folder of the package that asks for it, with nothing beside it that Python would import first (a
package or an extension module of the same name). Any other module, and an entry that does not read back, is
imported as Python imports it. The code kept is compiled from the source read after its size and time were taken:
a source changed while it was read is found changed at the next start, never served stale.

The file is an index (each module's entry, and where its code lies) and the code of every module after it, so that
it can be mapped rather than read (usercache.mapped): a start reads the index and, as each module is imported, just
its code, instead of copying the whole 1.7 MB into memory twice (once read, once unmarshalled into one bytes object
per module: 3-5 ms of a start, mostly the host's first touch of that much new memory).
"""

from __future__ import annotations

import marshal
import os
import sys
from collections.abc import Sequence
from importlib.machinery import EXTENSION_SUFFIXES, ModuleSpec, PathFinder, SourceFileLoader
from importlib.util import cache_from_source
from types import CodeType, ModuleType

from .usercache import head_and_parts, spans, with_parts

_FORMAT = 3
# What else the code compiled from a source depends on, and where Python keeps its bytecode (a module's __cached__)
_COMPILER = f"{sys.version} -O{sys.flags.optimize} {sys.pycache_prefix}"

# A module's entry: its source relative to the package's folder, whether it is a package, the source's size and
# modification time (ns), its code (marshal data), and its __cached__ (what importlib would work out again).
Entry = tuple[str, bool, int, int, "bytes | memoryview", str]
# In the file's index, the code is where it lies after the index: its offset and size.
_INDEX_TYPES = [str, bool, int, int, int, int, str]


class ModuleCache:
    """A finder (for sys.meta_path) of the modules of the package `package` whose folder is `folder`, serving the
    code of `entries`. With `record`, it compiles the code of each module it could not serve from its source and
    keeps it in `recorded`: the entries of the next start."""

    def __init__(self, package: str, folder: str, entries: dict[str, Entry], record: bool) -> None:
        self.prefix = package + "."
        self.folder = folder
        self.entries = entries
        self.record = record
        self.recorded: dict[str, Entry] = {}
        self.served = 0
        self._listings: dict[str, frozenset[str]] = {}

    def find_spec(self, name: str, path: Sequence[str] | None = None,
                  target: ModuleType | None = None) -> ModuleSpec | None:
        if not name.startswith(self.prefix) or path is None:
            return None
        spec = self._served(name, path)
        if spec is not None or not self.record:
            return spec
        spec = PathFinder.find_spec(name, path)
        if spec is not None and type(spec.loader) is SourceFileLoader and \
                str(spec.origin).startswith(self.folder + os.sep):
            spec.loader = _Recording(name, str(spec.origin), self)
        return spec

    def _served(self, name: str, path: Sequence[str]) -> ModuleSpec | None:
        entry = self.entries.get(name)
        if entry is None:
            return None
        relative, package, size, mtime_ns, code, cached = entry
        source = os.path.join(self.folder, relative)
        folder = os.path.dirname(source)
        if list(path) != [os.path.dirname(folder) if package else folder] or \
                not self._found_first(folder, "__init__" if package else name.rpartition(".")[2], package):
            return None
        try:
            st = os.stat(source)
        except OSError:
            return None
        if st.st_size != size or st.st_mtime_ns != mtime_ns:
            return None
        self.served += 1
        spec = ModuleSpec(name, _Cached(name, source, code), origin=source, is_package=package)
        spec.has_location = True
        spec.cached = cached
        if package:
            spec.submodule_search_locations = [folder]
        return spec

    def _found_first(self, folder: str, stem: str, package: bool) -> bool:
        """Whether Python, looking in `folder` for the module whose source is `stem`.py, would import that source:
        no folder (a package) of the same name beside it, no extension module."""
        listing = self._listings.get(folder)
        if listing is None:
            try:
                listing = self._listings[folder] = frozenset(os.listdir(folder))
            except OSError:
                return False
        return f"{stem}.py" in listing and (package or stem not in listing) and \
            not any(stem + suffix in listing for suffix in EXTENSION_SUFFIXES)


class _Cached(SourceFileLoader):
    """The loader of a module served from the cache: its code is the cached code; its source (for tracebacks) and
    its resources are read from its folder as usual."""

    def __init__(self, name: str, path: str, code: bytes | memoryview) -> None:
        super().__init__(name, path)
        self._code = code

    def get_code(self, fullname: str) -> CodeType | None:
        try:
            code = marshal.loads(self._code)
        except (ValueError, EOFError, TypeError):
            code = None
        return code if isinstance(code, CodeType) else super().get_code(fullname)


class _Recording(SourceFileLoader):
    """The loader of a module the cache could not serve: its code is compiled from its source, and kept."""

    def __init__(self, name: str, path: str, cache: ModuleCache) -> None:
        super().__init__(name, path)
        self._cache = cache

    def get_code(self, fullname: str) -> CodeType:
        st = os.stat(self.path)  # before the source is read: a source changed after it is found changed next time
        code = self.source_to_code(self.get_data(self.path), self.path)
        relative = os.path.relpath(self.path, self._cache.folder)
        self._cache.recorded[fullname] = (relative, self.is_package(fullname), st.st_size, st.st_mtime_ns,
                                          marshal.dumps(code), cache_from_source(self.path))
        return code


def load(data: bytes | memoryview | None, folder: str) -> dict[str, Entry]:
    """The entries the file's bytes `data` keep for the package in `folder`, compiled by this interpreter (their code
    is a slice of `data`, not a copy); none if it keeps anything else or does not read back."""
    read = head_and_parts(data)
    if read is None:
        return {}
    kept, code = read
    if not (isinstance(kept, tuple) and len(kept) == 4 and kept[:3] == (_FORMAT, _COMPILER, folder) and
            isinstance(kept[3], dict)):
        return {}
    index: dict[str, tuple] = kept[3]
    if not all(isinstance(name, str) and isinstance(entry, tuple) and list(map(type, entry)) == _INDEX_TYPES
               and 0 <= entry[4] and 0 <= entry[5] and entry[4] + entry[5] <= len(code)
               for name, entry in index.items()):
        return {}
    return {name: (relative, package, size, mtime_ns, code[at:at + length], cached)
            for name, (relative, package, size, mtime_ns, at, length, cached) in index.items()}


def dump(cache: ModuleCache) -> bytes:
    """What load() reads back as the cache's entries with those it recorded (replacing theirs)."""
    entries = {**cache.entries, **cache.recorded}
    code = [bytes(entry[4]) for entry in entries.values()]
    where = dict(zip(entries, spans(code), strict=True))
    index = {name: (relative, package, size, mtime_ns, *where[name], cached)
             for name, (relative, package, size, mtime_ns, _, cached) in entries.items()}
    return with_parts((_FORMAT, _COMPILER, cache.folder, index), code)
