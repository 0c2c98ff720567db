"""The system DLLs in a prepared form: what parsing each one found (its headers' fields, where its sections' bytes
lie in the file, its imports, exports and relocation table), kept in the user's cache (usercache.py, a file each)
so that a run reads each file's bytes and builds its PEImage without parsing it again.

An entry is used only for the file it was made from as it was then: the same real path, size and modification
time (what Python's bytecode cache trusts too). A DLL changed since, a cache of another version of this format,
or an entry that is not what this module writes is not used: the file is parsed afresh, and the cache rewritten.
Only the sysroot's files are kept (a fixed few); any other image (the program, its own DLLs) is parsed each time.
"""

from __future__ import annotations

import marshal
import os
import zlib
from pathlib import Path

from .. import usercache
from ..errors import BadImage
from ..image.directories import Import, ImportedDll, Rva
from ..image.headers import read_headers
from ..image.pe import PEImage, Section
from ..kernel.paths import SYSROOT

_FORMAT = 1  # the version of what an entry holds; another is not read


def read_image(path: str | Path) -> PEImage:
    """PEImage.from_path(path), from the prepared form of a file of the sysroot when the cache has it as the file
    is now."""
    real = os.path.realpath(path)
    if not real.startswith(os.path.join(SYSROOT, "")):
        return PEImage.from_path(path)
    name = os.path.basename(path)
    try:
        with open(real, "rb") as f:
            st = os.fstat(f.fileno())
            key = (_FORMAT, real, st.st_size, st.st_mtime_ns)
            try:
                stored, prepared = marshal.loads(usercache.load(_cache_name(real)) or b"")
                if stored == key:
                    return _undump(prepared, f.read(prepared[0]), name)
            except (ValueError, TypeError, IndexError, EOFError):
                pass  # none yet, or not an entry this module wrote: parsed afresh below
    except OSError:
        return PEImage.from_path(path)  # which names the error as the loader reports it
    image = PEImage.from_path(path)
    _remember(real, key, image, path)
    return image


def _remember(real: str, key: tuple, image: PEImage, path: str | Path) -> None:
    try:
        prepared = _dump(image, Path(path).read_bytes())
    except (OSError, BadImage):
        return
    usercache.store(_cache_name(real), marshal.dumps((key, prepared)))


def _cache_name(real: str) -> str:
    """One file per DLL (a run reads only those it loads), named for its real path."""
    return f"system-dll-{os.path.basename(real).lower()}-{zlib.crc32(real.encode()):08x}.marshal"


def _dump(image: PEImage, data: bytes) -> tuple:
    """The prepared form of an image parsed from `data`: plain values that marshal keeps."""
    headers = read_headers(data, image.name)
    sections = []
    extent = len(image.headers)
    for header, section in zip(headers.sections, image.sections, strict=True):
        start = header.raw_pointer if section.data else 0
        sections.append((section.name, section.rva, section.virtual_size, start, len(section.data),
                         section.characteristics))
        extent = max(extent, start + len(section.data))
    imports = [(dll.dll, [(e.name, e.ordinal, e.iat_rva) for e in dll.entries]) for dll in image.imports]
    return (extent, image.machine, image.image_base, image.size_of_image, image.size_of_headers,
            image.section_alignment, image.entry_rva, image.characteristics, image.subsystem, image.stack_reserve,
            image.stack_commit, sections, image.relocation_table, imports, image.exports_by_name,
            image.exports_by_ordinal)


def _undump(prepared: tuple, data: bytes, name: str) -> PEImage:
    """The PEImage of a prepared form and the file's bytes (ValueError if they do not go together)."""
    (extent, machine, image_base, size_of_image, size_of_headers, section_alignment, entry_rva, characteristics,
     subsystem, stack_reserve, stack_commit, sections, relocation_table, imports, by_name, by_ordinal) = prepared
    if len(data) != extent or not isinstance(by_name, dict) or not isinstance(by_ordinal, dict):
        raise ValueError("the file does not hold what the entry says")
    return PEImage(
        name=name, machine=machine, image_base=image_base, size_of_image=size_of_image,
        size_of_headers=size_of_headers, section_alignment=section_alignment, entry_rva=Rva(entry_rva),
        characteristics=characteristics, subsystem=subsystem, stack_reserve=stack_reserve,
        stack_commit=stack_commit, headers=data[:size_of_headers],
        sections=tuple(Section(sname, Rva(rva), vsize, data[start:start + used], ch)
                       for sname, rva, vsize, start, used, ch in sections),
        relocation_table=tuple(relocation_table),
        imports=tuple(ImportedDll(dll, tuple(Import(n, o, Rva(iat)) for n, o, iat in entries))
                      for dll, entries in imports),
        exports_by_name=by_name, exports_by_ordinal=by_ordinal)
