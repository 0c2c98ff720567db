"""Loading an image with its DLLs: find, map, bind imports, follow forwarders. DLL entry points are not run here:
the guest's ntdll runs them before the program's entry point (guest/ntdll/ldrinit.c).

A DLL is searched for in the search directories in order (process creation gives the program's folder, then the
system folder of its width), by name (kernel/dirindex.py); a file of the other bitness is passed over. A known DLL is
searched for in the system folder only. An API set name (api-ms-win-*) stands for the DLL the schema gives
(apiset.py).

What cannot be bound (a DLL not found or of the other width, an export not found) does not stop the binding: the
loader goes on and reports every such import at the end, one line each, so that a user sees the whole gap at once
(Windows names only the first).

Modules are known by (lower-case file name, bitness): a WoW64 process holds a 32-bit and a 64-bit ntdll.dll,
and a 32-bit import must never bind to the 64-bit one.
"""

from __future__ import annotations

import struct
from pathlib import Path

from ..emu.memory import AddressSpace
from ..errors import BadImage, GuestFault
from ..image.directories import Import, Rva
from ..image.mapping import LoadedModule, Va, file_name, map_image
from ..image.pe import PEImage
from ..kernel.dirindex import INDEX
from .apiset import host_of
from .prepared import read_image

_MAX_FORWARDS = 16

# Windows 10 22H2's KnownDLLs (the registry's Session Manager\KnownDLLs, and ntdll, always one): loaded from the
# system folder whatever the program's folder holds, so that start-up never searches the program's folder for them.
KNOWN_DLLS = frozenset({
    "advapi32.dll", "clbcatq.dll", "combase.dll", "comdlg32.dll", "coml2.dll", "difxapi.dll", "gdi32.dll",
    "gdiplus.dll", "imagehlp.dll", "imm32.dll", "kernel32.dll", "msctf.dll", "msvcrt.dll", "normaliz.dll", "nsi.dll",
    "ntdll.dll", "ole32.dll", "oleaut32.dll", "psapi.dll", "rpcrt4.dll", "sechost.dll", "setupapi.dll", "shcore.dll",
    "shell32.dll", "shlwapi.dll", "user32.dll", "wldap32.dll", "wow64.dll", "wow64cpu.dll", "wow64win.dll",
    "ws2_32.dll"})


def module_key(name: str) -> str:
    """How the loader compares DLL names: case-insensitively, ".dll" implied when there is no extension."""
    name = name.lower()
    return name if "." in name else name + ".dll"


def _bits(is64: bool) -> str:
    return "64-bit" if is64 else "32-bit"


class Unresolved(BadImage):
    """One import that cannot be bound; the linker collects them and raises one BadImage naming them all."""


class Linker:
    def __init__(self, space: AddressSpace, search_dirs: list[Path], *, is64: bool,
                 limit: int | None = None) -> None:
        self.space = space
        self.search_dirs = [Path(d) for d in search_dirs]
        self.is64 = is64
        self.limit = limit
        self.modules: list[LoadedModule] = []  # in load order
        self._by_key: dict[tuple[str, bool], LoadedModule] = {}
        self._unresolved: dict[str, None] = {}  # the lines of what could not be bound, in order, once each

    # ---- public ---------------------------------------------------------------------------------------

    def module(self, name: str, *, is64: bool | None = None) -> LoadedModule | None:
        """The loaded module of that name, of the linker's bitness unless `is64` says otherwise."""
        return self._by_key.get((module_key(host_of(name) or name), self.is64 if is64 is None else is64))

    def load(self, path: str | Path) -> LoadedModule:
        """Load an image of the linker's bitness and, recursively, everything it imports."""
        loaded = self.module(file_name(str(path)))
        if loaded is not None:
            return loaded
        image = read_image(path)
        if image.is64 != self.is64:
            raise BadImage(f"{image.name}: is a {_bits(image.is64)} image, expected {_bits(self.is64)} "
                           "(STATUS_INVALID_IMAGE_FORMAT)")
        module = self._map_and_bind(image, str(path))
        self._report()
        return module

    def map(self, path: str | Path, avoid: tuple[tuple[int, int], ...] = (), image: PEImage | None = None
            ) -> LoadedModule:
        """Map an image of the linker's bitness (the file's, or `image`, parsed from it already) at its preferred
        base (or rebased, clear of the `avoid` ranges), without binding its imports: process creation maps the
        executable first and binds it after the system DLLs are in place."""
        image = image or read_image(path)
        if image.is64 != self.is64:
            raise BadImage(f"{image.name}: is a {_bits(image.is64)} image, expected {_bits(self.is64)} "
                           "(STATUS_INVALID_IMAGE_FORMAT)")
        module = map_image(self.space, image, path=str(path), limit=self.limit, avoid=avoid)
        self._register(module)
        return module

    def bind(self, module: LoadedModule) -> None:
        """Resolve a mapped module's imports, loading (and binding) the DLLs it needs."""
        self._bind(module)
        self._report()

    def preload(self, path: str | Path, *, base: int | None = None) -> LoadedModule:
        """Map a system DLL at its fixed base (its preferred one unless given), of either bitness, unbound."""
        image = read_image(path)
        module = map_image(self.space, image, path=str(path), base=image.image_base if base is None else base)
        self._register(module)
        return module

    # ---- stages ---------------------------------------------------------------------------------------

    def _register(self, module: LoadedModule) -> None:
        self.modules.append(module)
        self._by_key[(module_key(module.name), module.is64)] = module

    def _map_and_bind(self, image: PEImage, path: str) -> LoadedModule:
        # Registered before binding, so an import cycle finds the module instead of loading it again.
        module = map_image(self.space, image, path=path, limit=self.limit)
        self._register(module)
        self._bind(module)
        return module

    def _bind(self, module: LoadedModule) -> None:
        for imported in module.image.imports:
            try:
                dep = self._require(imported.dll, module.name)
            except Unresolved as exc:
                self._unresolved[str(exc)] = None
                continue
            bound: list[tuple[Rva, Va]] = []
            for entry in imported.entries:
                try:
                    bound.append((entry.iat_rva, self._resolve(dep, entry)))
                except Unresolved as exc:
                    self._unresolved[str(exc)] = None
            self._write_pointers(module, bound)

    def _report(self) -> None:
        """Raise one BadImage naming, a line each, every import the last load or bind could not bind."""
        if self._unresolved:
            lines = list(self._unresolved)
            self._unresolved.clear()
            raise BadImage("\n".join(lines))

    def _require(self, dll: str, importer: str) -> LoadedModule:
        """The module `importer` asks for, loading (and binding) it on first use."""
        loaded = self.module(dll)
        if loaded is not None:
            return loaded
        host = host_of(dll)
        if host == "":
            raise Unresolved(f"{importer}: imports {dll}, an API set this system does not define "
                             "(STATUS_DLL_NOT_FOUND)")
        path, image = self._find(host or dll, importer)
        return self._map_and_bind(image, str(path))

    def _find(self, dll: str, importer: str) -> tuple[Path, PEImage]:
        """The first file of that name and of our bitness in the search directories."""
        wrong_bitness = False
        for path in self._candidates(dll):
            image = read_image(path)
            if image.is64 == self.is64:
                return path, image
            wrong_bitness = True
        if wrong_bitness:
            raise Unresolved(f"{importer}: imports {dll}, which is a {_bits(not self.is64)} image "
                           "(STATUS_INVALID_IMAGE_FORMAT)")
        raise Unresolved(f"{importer}: imports {dll}, which was not found (STATUS_DLL_NOT_FOUND)")

    def _candidates(self, dll: str) -> list[Path]:
        """The file that may be `dll` (compared case-insensitively) in each search folder, in order; a known DLL
        the system folder (the last) holds only there, as Windows makes \\KnownDlls of those System32 holds."""
        name = dll if "." in dll else dll + ".dll"
        system = self.search_dirs[-1]
        known = module_key(dll) in KNOWN_DLLS and INDEX.find(system, name) is not None  # and in the system folder
        folders = [system] if known else self.search_dirs
        found = []
        for directory in folders:
            entry = INDEX.find(directory, name)
            if entry is not None and (directory / entry).is_file():
                found.append(directory / entry)
        return found

    def _resolve(self, dep: LoadedModule, entry: Import | str | int, depth: int = 0) -> Va:
        """The address of an export, following forwarders (which may load further DLLs)."""
        key = entry if isinstance(entry, str | int) else entry.name if entry.name is not None else entry.ordinal
        assert key is not None  # an Import has a name or an ordinal
        target = dep.export(key)
        if target is None:
            raise _not_found(dep.name, key)
        if not isinstance(target, str):
            return target
        if depth >= _MAX_FORWARDS:
            raise BadImage(f"{dep.name}!{_label(key)}: forwarder chain is too long or circular")
        dll, symbol = _split_forwarder(target)
        if not dll or symbol == "":
            raise BadImage(f"{dep.name}!{_label(key)}: malformed forwarder {target!r}")
        return self._resolve(self._require(dll, dep.name), symbol, depth + 1)

    def _write_pointers(self, module: LoadedModule, bound: list[tuple[Rva, Va]]) -> None:
        """Write each import address table slot its address; slots that follow one another (a DLL's, as linkers lay
        them out) as one block."""
        width, kind = (8, "Q") if module.is64 else (4, "I")
        start = 0
        while start < len(bound):
            end = start + 1
            while end < len(bound) and bound[end][0] == bound[end - 1][0] + width:
                end += 1
            slot = bound[start][0]
            try:
                if bound[end - 1][0] > module.size - width:
                    raise GuestFault(module.va(slot), True)
                values = [value for _, value in bound[start:end]]
                self.space.poke(module.va(slot), struct.pack(f"<{len(values)}{kind}", *values))
            except GuestFault:
                raise BadImage(f"{module.name}: its import address table at RVA 0x{slot:x} is outside the image "
                               "(STATUS_INVALID_IMAGE_FORMAT)") from None
            start = end


def _label(key: str | int) -> str:
    return f"#{key}" if isinstance(key, int) else key


def _not_found(dll: str, key: str | int) -> Unresolved:
    if isinstance(key, int):
        return Unresolved(f"{dll}!#{key}: ordinal not found (STATUS_ORDINAL_NOT_FOUND)")
    return Unresolved(f"{dll}!{key}: procedure not found (STATUS_ENTRYPOINT_NOT_FOUND)")


def _split_forwarder(forwarder: str) -> tuple[str, str | int]:
    """ "NTDLL.RtlFoo" -> ("NTDLL", "RtlFoo"); "NTDLL.#12" -> ("NTDLL", 12)."""
    dll, _, symbol = forwarder.rpartition(".")
    if symbol.startswith("#") and symbol[1:].isdigit():
        return dll, int(symbol[1:])
    return dll, symbol
