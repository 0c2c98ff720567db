"""The loader's module lists in the PEB (PEB->Ldr) for the modules process creation loads, in either width.

PEB_LDR_DATA heads three lists of LDR_DATA_TABLE_ENTRY: load order (the image first), memory order (the same
order here) and initialisation order (DLLs only, each after the DLLs it imports). The guest's own loader
(guest/ntdll/ldr.c) keeps these lists from then on, with the same layouts and the same conventions:
- the load count is in ObsoleteLoadCount (Windows 8 and later keep it in a DdagNode, which is not made here:
  DdagNode is NULL); 0xFFFF pins a module, as for everything loaded at start-up;
- Flags: ImageDll (DLLs), ProcessStaticImport (start-up DLLs), InLegacyLists, EntryProcessed, and
  ProcessAttachCalled once DllMain has been called. In the lists of the program's own width, the image and ntdll
  are written EntryProcessed and the other DLLs not yet: the guest's ntdll initialises them (guest/ntdll/ldrinit.c,
  from RtlUserThreadStart) in initialisation order before the program's entry point, marking each EntryProcessed,
  and ProcessAttachCalled when it calls its DllMain. The 64-bit list of a WoW64 process is written as Windows' 64-bit
  ntdll leaves it before the first 32-bit instruction: every entry EntryProcessed (its DLLs, wow64.dll,
  wow64win.dll and wow64cpu.dll, have no DllMain here);
- the hash links, the index nodes and the load time are not kept (zero).
"""

from __future__ import annotations

import struct
from dataclasses import dataclass
from pathlib import PureWindowsPath

from ..image.mapping import LoadedModule
from ..nt.params import unicode_string
from .linker import module_key


@dataclass(frozen=True)
class LdrDataLayout:
    """PEB_LDR_DATA: its size and the three list heads (LIST_ENTRY)."""

    size: int
    in_load_order: int
    in_memory_order: int
    in_initialization_order: int
    ptr: str  # struct code of a pointer

    @property
    def heads(self) -> tuple[int, int, int]:
        return self.in_load_order, self.in_memory_order, self.in_initialization_order


@dataclass(frozen=True)
class LdrEntryLayout:
    """LDR_DATA_TABLE_ENTRY (Windows 10): its size and the offsets of the fields written here."""

    size: int
    in_load_order: int  # the three LIST_ENTRY links
    in_memory_order: int
    in_initialization_order: int
    dll_base: int
    entry_point: int
    size_of_image: int
    full_dll_name: int  # UNICODE_STRING
    base_dll_name: int
    flags: int
    obsolete_load_count: int  # USHORT
    original_base: int
    load_reason: int
    reference_count: int
    ptr: str

    @property
    def links(self) -> tuple[int, int, int]:
        return self.in_load_order, self.in_memory_order, self.in_initialization_order


LDR_DATA32 = LdrDataLayout(0x30, 0x0C, 0x14, 0x1C, "I")
LDR_DATA64 = LdrDataLayout(0x58, 0x10, 0x20, 0x30, "Q")
LDR_ENTRY32 = LdrEntryLayout(0xA8, 0x00, 0x08, 0x10, 0x18, 0x1C, 0x20, 0x24, 0x2C, 0x34, 0x38, 0x80, 0x94, 0x9C, "I")
LDR_ENTRY64 = LdrEntryLayout(0x120, 0x00, 0x10, 0x20, 0x30, 0x38, 0x40, 0x48, 0x58, 0x68, 0x6C, 0xF8, 0x10C, 0x114,
                             "Q")
LAYOUTS = {32: (LDR_DATA32, LDR_ENTRY32), 64: (LDR_DATA64, LDR_ENTRY64)}

# LDR_DATA_TABLE_ENTRY.Flags
LDRP_IMAGE_DLL = 0x00000004
LDRP_PROCESS_STATIC_IMPORT = 0x00000020
LDRP_IN_LEGACY_LISTS = 0x00000040
LDRP_ENTRY_PROCESSED = 0x00004000
LDRP_PROCESS_ATTACH_CALLED = 0x00080000

PINNED = 0xFFFF  # ObsoleteLoadCount of a module that is never unloaded
LOAD_REASON_STATIC_DEPENDENCY = 0


@dataclass(frozen=True)
class StartupModule:
    """A module process creation loaded, with the path the guest knows it by."""

    module: LoadedModule
    path: str  # C:\\Windows\\SysWOW64\\kernel32.dll, C:\\program.exe

    @property
    def is_dll(self) -> bool:
        return self.module.image.is_dll


def block_size(width: int, modules: list[StartupModule]) -> int:
    """The bytes the lists of these modules take: PEB_LDR_DATA, the entries, the names."""
    data, entry = LAYOUTS[width]
    names = sum(_align(len(m.path.encode("utf-16-le")) + 2) for m in modules)
    return _align(data.size) + len(modules) * _align(entry.size) + names


def build_block(base: int, width: int, modules: list[StartupModule], *, initialised: bool) -> bytes:
    """PEB_LDR_DATA at `base`, then one entry per module (load order), then their names, as one block.
    `initialised`: the list is written with every entry processed (nothing left for the guest to initialise)."""
    data, layout = LAYOUTS[width]
    pair = "<" + 2 * layout.ptr  # Flink, Blink
    out = bytearray(block_size(width, modules))
    entries = [_align(data.size) + i * _align(layout.size) for i in range(len(modules))]  # offsets in the block
    orders = (entries, entries, [entries[i] for i in _initialisation_order(modules)])
    struct.pack_into("<IB", out, 0, data.size, 1)  # Length, Initialized
    for head, link, order in zip(data.heads, layout.links, orders, strict=True):
        nodes = [head, *(e + link for e in order)]  # the circular list, as offsets of its LIST_ENTRYs
        for i, node in enumerate(nodes):
            struct.pack_into(pair, out, node, base + nodes[(i + 1) % len(nodes)], base + nodes[i - 1])
    name_at = entries[-1] + _align(layout.size) if entries else _align(data.size)
    for at, startup in zip(entries, modules, strict=True):
        _write_entry(out, at, layout, startup, base + name_at, initialised)
        name = startup.path.encode("utf-16-le")
        out[name_at:name_at + len(name)] = name
        name_at += _align(len(name) + 2)
    return bytes(out)


def _write_entry(out: bytearray, at: int, layout: LdrEntryLayout, startup: StartupModule, name: int,
                 initialised: bool) -> None:
    """The fields of one entry but its links; `name` is the address of its full path."""
    module = startup.module
    ptr = "<" + layout.ptr
    full = len(startup.path.encode("utf-16-le"))
    base_name = len(PureWindowsPath(startup.path).name.encode("utf-16-le"))
    flags = LDRP_IN_LEGACY_LISTS
    if startup.is_dll:
        flags |= LDRP_IMAGE_DLL | LDRP_PROCESS_STATIC_IMPORT
    if initialised or not startup.is_dll or module_key(module.name) == "ntdll.dll":
        flags |= LDRP_ENTRY_PROCESSED
    struct.pack_into(ptr, out, at + layout.dll_base, module.base)
    struct.pack_into(ptr, out, at + layout.entry_point, module.entry)
    struct.pack_into("<I", out, at + layout.size_of_image, module.image.size_of_image)
    for offset, string in ((layout.full_dll_name, unicode_string(layout.ptr, full, name)),
                           (layout.base_dll_name, unicode_string(layout.ptr, base_name, name + full - base_name))):
        out[at + offset:at + offset + len(string)] = string
    struct.pack_into("<I", out, at + layout.flags, flags)
    struct.pack_into("<H", out, at + layout.obsolete_load_count, PINNED)
    struct.pack_into(ptr, out, at + layout.original_base, module.image.image_base)
    struct.pack_into("<I", out, at + layout.load_reason, LOAD_REASON_STATIC_DEPENDENCY)
    struct.pack_into("<I", out, at + layout.reference_count, 1)


def _initialisation_order(modules: list[StartupModule]) -> list[int]:
    """Indexes of the DLLs in the order their initialisation runs: each after the DLLs it imports."""
    index = {module_key(m.module.name): i for i, m in enumerate(modules)}
    seen: set[int] = set()
    order: list[int] = []

    def visit(i: int) -> None:
        if i in seen:
            return
        seen.add(i)
        for imported in modules[i].module.image.imports:
            dep = index.get(module_key(imported.dll))
            if dep is not None:
                visit(dep)
        order.append(i)

    for i in range(len(modules)):
        visit(i)
    return [i for i in order if modules[i].is_dll]


def _align(n: int) -> int:
    return (n + 7) & ~7
