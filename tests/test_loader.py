"""The PE loader: parsing and validation, mapping, relocation, import binding, forwarders.

Fixtures are built in Python by tests/pebuild.py (recipe in its docstring); each test first asserts that its
fixture has the property under test. Memory is a real AddressSpace over a real Unicorn.
"""

from __future__ import annotations

import random
import struct
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.pebuild import (
    BSS,
    CODE,
    DATA,
    FILE_EXECUTABLE_IMAGE,
    FILE_RELOCS_STRIPPED,
    RDATA,
    REL_HIGH,
    REL_LOW,
    Built,
    PEBuilder,
)
from wow64emu.emu.cpu.backend import Access
from wow64emu.emu.cpu.unicorn import UnicornCpu
from wow64emu.emu.memory import AddressSpace, MemState, MemType, Prot
from wow64emu.emu.physical import PhysicalMemory
from wow64emu.errors import BadImage
from wow64emu.image.directories import Relocation
from wow64emu.image.mapping import LoadedModule, map_image
from wow64emu.image.pe import PEImage
from wow64emu.loader.linker import Linker

SYSWOW64 = Path(__file__).resolve().parents[1] / "wow64emu" / "sysroot" / "Windows" / "SysWOW64"


def new_space() -> AddressSpace:
    physical = PhysicalMemory()
    return AddressSpace(UnicornCpu(physical), physical)


@pytest.fixture
def space() -> AddressSpace:
    return new_space()


def ptr_fmt(is64: bool) -> str:
    return "<Q" if is64 else "<I"


def read_ptr(space: AddressSpace, addr: int, is64: bool) -> int:
    return struct.unpack(ptr_fmt(is64), space.peek(addr, 8 if is64 else 4))[0]


def assert_one_line(exc: pytest.ExceptionInfo[BadImage], name: str) -> str:
    msg = str(exc.value)
    assert "\n" not in msg and msg.startswith(f"{name}"), msg
    return msg


# ---- mapping ----------------------------------------------------------------------------------------------

def sample_exe(is64: bool = False) -> tuple[PEBuilder, dict[str, int]]:
    b = PEBuilder(is64=is64)
    rvas = {
        ".text": b.section(".text", bytes.fromhex("488918") + b"\xc3", CODE),  # mov [rax], rbx; ret
        ".rdata": b.section(".rdata", b"read only", RDATA),
        ".data": b.section(".data", b"\x11" * 0x10, DATA, virtual_size=0x2345),
        ".bss": b.section(".bss", b"", BSS, virtual_size=0x800),
    }
    b.entry = rvas[".text"]
    return b, rvas


@pytest.mark.parametrize("is64", [False, True], ids=["pe32", "pe32+"])
def test_sections_mapped_at_base_plus_rva_with_zero_fill(space: AddressSpace, is64: bool) -> None:
    b, rvas = sample_exe(is64)
    image = PEImage.parse(b.build().data, "app.exe")
    data = image.sections[2]
    assert data.name == ".data" and data.virtual_size > len(data.data)  # has an uninitialised tail
    assert image.sections[3].data == b""  # .bss has no file data
    # Dirty the range first, so the zero-fill is proven rather than inherited from fresh memory.
    dirty = space.map_committed(b.image_base, 0x10000, MemType.PRIVATE, Prot.READWRITE)
    space.poke(b.image_base, b"\xcc" * 0x10000)
    space.release(dirty)

    m = map_image(space, image, path="C:\\app\\app.exe")

    assert (m.name, m.base, m.is64, m.entry) == ("app.exe", b.image_base, is64, b.image_base + rvas[".text"])
    assert space.peek(m.base, 2) == b"MZ"
    assert space.peek(m.base + rvas[".text"], 4) == bytes.fromhex("488918c3")
    assert space.peek(m.base + rvas[".rdata"], 9) == b"read only"
    assert space.peek(m.base + rvas[".data"], 0x10) == b"\x11" * 0x10
    assert space.peek(m.base + rvas[".data"] + 0x200, 0x2345 - 0x200) == bytes(0x2345 - 0x200)
    assert space.peek(m.base + rvas[".bss"], 0x1000) == bytes(0x1000)


def test_region_type_name_and_protections(space: AddressSpace) -> None:
    b, rvas = sample_exe()
    m = map_image(space, PEImage.parse(b.build().data, "app.exe"), path="C:\\app\\app.exe")
    expected = {0: Prot.READONLY, rvas[".text"]: Prot.EXECUTE_READ, rvas[".rdata"]: Prot.READONLY,
                rvas[".data"]: Prot.READWRITE, rvas[".bss"]: Prot.READWRITE}
    for rva, prot in expected.items():
        info = space.query(m.base + rva)
        assert (info.state, info.protect, info.type, info.allocation_base) == (
            MemState.COMMIT, prot, MemType.IMAGE, m.base), hex(rva)
    (region,) = [r for r in space.regions() if r.base == m.base]
    assert region.name == "C:\\app\\app.exe" and region.size == m.size == 0x7000


def test_cpu_faults_on_read_only_and_non_executable_sections(space: AddressSpace) -> None:
    b, rvas = sample_exe()
    m = map_image(space, PEImage.parse(b.build().data, "app.exe"), path="app.exe")
    cpu, text = space.cpu, m.base + rvas[".text"]
    regs = cpu.registers(["rax", "rbx"])
    regs.write((m.base + rvas[".data"], 0x1122334455667788))  # writable: the store lands
    assert cpu.run(text, until=text + 3).reason == "until"
    assert space.peek(m.base + rvas[".data"], 8) == struct.pack("<Q", 0x1122334455667788)

    for target in (m.base + rvas[".rdata"], m.base, text):  # .rdata, headers, .text: read-only to the CPU
        regs.write((target, 0))
        fault = cpu.run(text, until=text + 3).fault
        assert fault is not None and (fault.access, fault.address) == (Access.WRITE, target)
    fault = cpu.run(m.base + rvas[".data"], until=m.base + rvas[".data"] + 1).fault
    assert fault is not None and (fault.access, fault.address) == (Access.EXECUTE, m.base + rvas[".data"])


def test_low_alignment_image_is_mapped_whole_and_writable_executable(space: AddressSpace) -> None:
    b = PEBuilder(section_alignment=0x200, file_alignment=0x200)
    text = b.section(".text", b"\xc3" * 8, CODE)
    image = PEImage.parse(b.build().data, "tiny.exe")
    assert image.section_alignment < 0x1000
    m = map_image(space, image, path="tiny.exe")
    assert space.peek(m.base + text, 8) == b"\xc3" * 8
    assert space.query(m.base).protect == Prot.EXECUTE_READWRITE


# ---- relocation -------------------------------------------------------------------------------------------

@pytest.mark.parametrize("is64", [False, True], ids=["highlow", "dir64"])
def test_relocated_when_preferred_base_is_taken(space: AddressSpace, is64: bool) -> None:
    b = PEBuilder(is64=is64)
    fmt = ptr_fmt(is64)
    data = b.section(".data", struct.pack(fmt, b.image_base + 0x1234) + struct.pack(fmt, 0x55555555), DATA)
    b.reloc(data)
    image = PEImage.parse(b.build().data, "app.exe")
    assert Relocation(data, 10 if is64 else 3) in image.relocations
    space.reserve(b.image_base, 0x10000, MemType.PRIVATE, Prot.READWRITE)
    assert not space.is_free(image.image_base, image.size_of_image)

    m = map_image(space, image, path="app.exe")

    assert m.base != b.image_base and m.base % 0x10000 == 0
    assert read_ptr(space, m.base + data, is64) == m.base + 0x1234
    assert read_ptr(space, m.base + data + (8 if is64 else 4), is64) == 0x55555555  # not in the table


def test_high_and_low_relocations(space: AddressSpace) -> None:
    b = PEBuilder()
    data = b.section(".data", struct.pack("<HH", 0x0040, 0x1234), DATA)  # halves of 0x00401234
    b.reloc(data, REL_HIGH)
    b.reloc(data + 2, REL_LOW)
    image = PEImage.parse(b.build().data, "app.exe")
    assert {r.type for r in image.relocations} >= {REL_HIGH, REL_LOW}
    m = map_image(space, image, path="app.exe", base=0x1230000)  # delta 0xE30000
    assert struct.unpack("<HH", space.peek(m.base + data, 4)) == (0x0123, 0x1234)


def test_unknown_relocation_type_is_rejected_when_relocating(space: AddressSpace) -> None:
    b = PEBuilder()
    data = b.section(".data", bytes(8), DATA)
    b.reloc(data, 4)  # HIGHADJ: needs a second slot, not supported
    image = PEImage.parse(b.build().data, "app.exe")
    assert Relocation(data, 4) in image.relocations
    space.reserve(b.image_base, 0x10000, MemType.PRIVATE, Prot.READWRITE)
    with pytest.raises(BadImage, match="unsupported base relocation type 4") as exc:
        map_image(space, image, path="app.exe")
    assert_one_line(exc, "app.exe")
    assert len(space.regions()) == 1  # nothing left behind


def test_stripped_relocations_need_the_preferred_base(space: AddressSpace) -> None:
    b = PEBuilder(characteristics=FILE_EXECUTABLE_IMAGE | FILE_RELOCS_STRIPPED)
    b.section(".text", b"\xc3", CODE)
    image = PEImage.parse(b.build().data, "app.exe")
    assert image.relocs_stripped
    blocker = space.reserve(b.image_base, 0x10000, MemType.PRIVATE, Prot.READWRITE)
    with pytest.raises(BadImage, match="relocations are stripped") as exc:
        map_image(space, image, path="app.exe")
    assert_one_line(exc, "app.exe")
    space.release(blocker)
    assert map_image(space, image, path="app.exe").base == b.image_base


def test_relocated_below_limit(space: AddressSpace) -> None:
    b = PEBuilder(image_base=0x10000000)
    b.section(".data", bytes(4), DATA)
    b.reloc(0x1000)
    image = PEImage.parse(b.build().data, "app.exe")
    assert image.image_base > 0x800000
    m = map_image(space, image, path="app.exe", limit=0x7FFFFF)
    assert m.base + m.size - 1 <= 0x7FFFFF and m.base % 0x10000 == 0


# ---- linking ----------------------------------------------------------------------------------------------

def build_dlls(tmp: Path, is64: bool) -> dict[str, int]:
    """app.exe -> A.dll (names, ordinal, forwarders to B), app.exe -> b.dll; A.dll -> B.DLL. Returns RVAs."""
    bb = PEBuilder(is64=is64, dll=True, name="b.dll", image_base=0x20000000)
    btext = bb.section(".text", b"\xc3" * 16, CODE)
    bb.export("Bar", btext)
    bb.export("Baz", btext + 4, ordinal=3)
    bb.export(None, btext + 8, ordinal=7)
    bb.build().write(tmp / "b.dll")

    ab = PEBuilder(is64=is64, dll=True, name="A.dll", image_base=0x10000000)
    atext = ab.section(".text", b"\xc3" * 16, CODE)
    ab.export("Foo", atext, ordinal=1)
    ab.export("Two", atext + 2, ordinal=2)
    ab.export("FwdName", "B.Baz")
    ab.export("FwdOrd", "b.#7")
    ab.import_("B.DLL", "Bar")
    ab.build().write(tmp / "A.dll")

    app = PEBuilder(is64=is64, name="app.exe")
    app.entry = app.section(".text", b"\xc3", CODE)
    app.import_("a.dll", "Foo", 2, "FwdName", "FwdOrd")
    app.import_("b.dll", "Bar", 3)
    built = app.build()
    built.write(tmp / "app.exe")
    return {"atext": atext, "btext": btext, **{f"iat {d} {s}": rva for (d, s), rva in built.iat.items()}}


@pytest.mark.parametrize("is64", [False, True], ids=["pe32", "pe32+"])
def test_imports_by_name_ordinal_and_forwarder_land_in_the_iat(space: AddressSpace, tmp_path: Path,
                                                               is64: bool) -> None:
    rvas = build_dlls(tmp_path, is64)
    app_image = PEImage.from_path(tmp_path / "app.exe")
    kinds = {(e.name is None) for dll in app_image.imports for e in dll.entries}
    assert kinds == {True, False}  # by name and by ordinal
    assert PEImage.from_path(tmp_path / "A.dll").exports_by_name["FwdName"] == "B.Baz"

    linker = Linker(space, [tmp_path], is64=is64, limit=None)
    app = linker.load(tmp_path / "app.exe")
    a, b = linker.module("A.DLL"), linker.module("b")
    assert a is not None and b is not None

    def iat(dll: str, sym: str | int) -> int:
        return read_ptr(space, app.base + rvas[f"iat {dll} {sym}"], is64)

    assert iat("a.dll", "Foo") == a.base + rvas["atext"]
    assert iat("a.dll", 2) == a.base + rvas["atext"] + 2
    assert iat("a.dll", "FwdName") == b.base + rvas["btext"] + 4
    assert iat("a.dll", "FwdOrd") == b.base + rvas["btext"] + 8
    assert iat("b.dll", "Bar") == b.base + rvas["btext"]
    assert iat("b.dll", 3) == b.base + rvas["btext"] + 4
    if not is64:  # the neighbouring slot is the 32-bit terminator, untouched by an 8-byte write
        assert read_ptr(space, app.base + rvas["iat b.dll 3"] + 4, False) == 0


def test_each_dll_loaded_once_in_load_order(space: AddressSpace, tmp_path: Path) -> None:
    build_dlls(tmp_path, False)
    assert [d.dll for d in PEImage.from_path(tmp_path / "A.dll").imports] == ["B.DLL"]  # a second spelling
    linker = Linker(space, [tmp_path], is64=False, limit=0x7FFEFFFF)
    app = linker.load(tmp_path / "app.exe")
    assert [m.name for m in linker.modules] == ["app.exe", "A.dll", "b.dll"]
    assert len([r for r in space.regions() if r.type == MemType.IMAGE]) == 3
    assert linker.load(tmp_path / "app.exe") is app
    assert linker.module("B.dll") is linker.modules[2]


def test_import_cycle_is_bound_both_ways(space: AddressSpace, tmp_path: Path) -> None:
    for me, other, base in (("x.dll", "y.dll", 0x10000000), ("y.dll", "x.dll", 0x20000000)):
        pb = PEBuilder(dll=True, name=me, image_base=base)
        pb.export("F", pb.section(".text", b"\xc3", CODE))
        pb.import_(other, "F")
        pb.build().write(tmp_path / me)
    assert PEImage.from_path(tmp_path / "y.dll").imports[0].dll == "x.dll"
    linker = Linker(space, [tmp_path], is64=False, limit=None)
    x = linker.load(tmp_path / "x.dll")
    y = linker.module("y.dll")
    assert y is not None and [m.name for m in linker.modules] == ["x.dll", "y.dll"]
    assert read_ptr(space, x.va(x.image.imports[0].entries[0].iat_rva), False) == y.exports["F"]
    assert read_ptr(space, y.va(y.image.imports[0].entries[0].iat_rva), False) == x.exports["F"]


def write_app(tmp: Path, *imports: tuple[str, list[str | int]], is64: bool = False) -> Path:
    app = PEBuilder(is64=is64, name="app.exe")
    app.section(".text", b"\xc3", CODE)
    for dll, syms in imports:
        app.import_(dll, *syms)
    return app.build().write(tmp / "app.exe")


def write_dll(path: Path, *, is64: bool = False, exports: dict[str, int | str] | None = None) -> Path:
    pb = PEBuilder(is64=is64, dll=True, name=path.name)
    text = pb.section(".text", b"\xc3" * 8, CODE)
    for name, target in (exports or {"Bar": 0}).items():
        pb.export(name, text + target if isinstance(target, int) else target)
    path.parent.mkdir(parents=True, exist_ok=True)
    return pb.build().write(path)


def test_search_dirs_in_order_skipping_the_wrong_bitness(space: AddressSpace, tmp_path: Path) -> None:
    write_dll(tmp_path / "d1" / "b.dll", is64=True)
    write_dll(tmp_path / "d2" / "B.DLL", exports={"Bar": 4})
    write_dll(tmp_path / "d3" / "b.dll", exports={"Bar": 0})
    app = write_app(tmp_path, ("b.dll", ["Bar"]))
    assert PEImage.from_path(tmp_path / "d1" / "b.dll").is64
    linker = Linker(space, [tmp_path / "d1", tmp_path / "d2", tmp_path / "d3"], is64=False, limit=None)
    linker.load(app)
    b = linker.module("b.dll")
    assert b is not None and b.path.endswith("B.DLL") and b.exports["Bar"] == b.base + 0x1004


LinkCase = tuple[Callable[[Path], Path], str]

LINK_ERRORS: dict[str, LinkCase] = {
    "dll-not-found": (
        lambda t: write_app(t, ("missing.dll", ["X"])),
        "app.exe: imports missing.dll, which was not found (STATUS_DLL_NOT_FOUND)"),
    "procedure-not-found": (
        lambda t: (write_dll(t / "b.dll"), write_app(t, ("b.dll", ["Nope"])))[1],
        "b.dll!Nope: procedure not found (STATUS_ENTRYPOINT_NOT_FOUND)"),
    "ordinal-not-found": (
        lambda t: (write_dll(t / "b.dll"), write_app(t, ("b.dll", [99])))[1],
        "b.dll!#99: ordinal not found (STATUS_ORDINAL_NOT_FOUND)"),
    "dll-wrong-bitness": (
        lambda t: (write_dll(t / "b.dll", is64=True), write_app(t, ("b.dll", ["Bar"])))[1],
        "app.exe: imports b.dll, which is a 64-bit image (STATUS_INVALID_IMAGE_FORMAT)"),
    "exe-wrong-bitness": (
        lambda t: write_app(t, is64=True),
        "app.exe: is a 64-bit image, expected 32-bit (STATUS_INVALID_IMAGE_FORMAT)"),
    "forwarder-loop": (
        lambda t: (write_dll(t / "b.dll", exports={"Bar": "B.Bar"}), write_app(t, ("b.dll", ["Bar"])))[1],
        "b.dll!Bar: forwarder chain is too long or circular"),
    "forwarder-to-missing-dll": (
        lambda t: (write_dll(t / "b.dll", exports={"Bar": "gone.Bar"}), write_app(t, ("b.dll", ["Bar"])))[1],
        "b.dll: imports gone, which was not found (STATUS_DLL_NOT_FOUND)"),
}


@pytest.mark.parametrize("case", LINK_ERRORS.values(), ids=LINK_ERRORS.keys())
def test_link_errors_are_one_line(space: AddressSpace, tmp_path: Path, case: LinkCase) -> None:
    make, message = case
    app = make(tmp_path)
    assert app.exists()
    with pytest.raises(BadImage) as exc:
        Linker(space, [tmp_path], is64=False, limit=None).load(app)
    assert str(exc.value) == message


def test_every_unresolved_import_is_named_a_line_each(space: AddressSpace, tmp_path: Path) -> None:
    # Two missing exports of a DLL that is there, a missing DLL, and a missing export of a DLL that DLL imports:
    # the binding goes on past each and names them all, in the order met, once each.
    write_dll(tmp_path / "c.dll", exports={"Here": 0})
    b = PEBuilder(dll=True, name="b.dll")
    b.export("Bar", b.section(".text", b"\xc3" * 8, CODE))
    b.import_("c.dll", "Here", "Gone")
    b.build().write(tmp_path / "b.dll")
    app = write_app(tmp_path, ("b.dll", ["Bar", "Nope", 7]), ("missing.dll", ["X", "Y"]), ("B.DLL", ["Nope"]))
    with pytest.raises(BadImage) as exc:
        Linker(space, [tmp_path], is64=False, limit=None).load(app)
    assert str(exc.value).splitlines() == [
        "c.dll!Gone: procedure not found (STATUS_ENTRYPOINT_NOT_FOUND)",
        "b.dll!Nope: procedure not found (STATUS_ENTRYPOINT_NOT_FOUND)",
        "b.dll!#7: ordinal not found (STATUS_ORDINAL_NOT_FOUND)",
        "app.exe: imports missing.dll, which was not found (STATUS_DLL_NOT_FOUND)",
    ]


def test_api_set_names_bind_to_their_host_by_the_schema_rule(space: AddressSpace, tmp_path: Path) -> None:
    write_dll(tmp_path / "kernel32.dll", exports={"Sleep": 0})
    write_dll(tmp_path / "ucrtbase.dll", exports={"malloc": 4})
    # Any case, with or without ".dll", any last version number of a contract level the schema holds.
    app = write_app(tmp_path, ("API-MS-Win-Core-Synch-L1-2-0.dll", ["Sleep"]), ("api-ms-win-core-synch-l1-2-1",
                    ["Sleep"]), ("api-ms-win-crt-heap-l1-1-0.dll", ["malloc"]))
    linker = Linker(space, [tmp_path], is64=False, limit=None)
    linker.load(app)
    assert [m.name.lower() for m in linker.modules] == ["app.exe", "kernel32.dll", "ucrtbase.dll"]
    assert linker.module("api-ms-win-core-synch-l1-2-0") is linker.module("kernel32.dll")
    # A level the schema does not hold, or an api-/ext- name it does not know, is no DLL, whatever the folders hold.
    write_dll(tmp_path / "api-ms-win-core-synch-l9-9-0.dll")
    app = write_app(tmp_path, ("api-ms-win-core-synch-l9-9-0.dll", ["Bar"]), ("ext-ms-win-nope-l1-1-0", ["X"]))
    with pytest.raises(BadImage) as exc:
        Linker(space, [tmp_path], is64=False, limit=None).load(app)
    assert str(exc.value).splitlines() == [
        "app.exe: imports api-ms-win-core-synch-l9-9-0.dll, an API set this system does not define "
        "(STATUS_DLL_NOT_FOUND)",
        "app.exe: imports ext-ms-win-nope-l1-1-0, an API set this system does not define (STATUS_DLL_NOT_FOUND)",
    ]


def test_preload_maps_a_system_dll_at_its_base_of_either_bitness(space: AddressSpace, tmp_path: Path) -> None:
    pb = PEBuilder(is64=True, dll=True, name="ntdll.dll", image_base=0x7FFF_FED4_0000)
    pb.export("NtClose", pb.section(".text", b"\xc3", CODE))
    pb.import_("nothere.dll", "X")  # preload binds nothing, so this never matters
    (tmp_path / "System32").mkdir()
    ntdll64 = pb.build().write(tmp_path / "System32" / "ntdll.dll")
    write_dll(tmp_path / "SysWOW64" / "ntdll.dll", exports={"NtClose": 0})
    app = write_app(tmp_path, ("ntdll.dll", ["NtClose"]))

    linker = Linker(space, [tmp_path / "SysWOW64"], is64=False, limit=0x7FFEFFFF)
    n64 = linker.preload(ntdll64)
    assert n64.base == 0x7FFF_FED4_0000 and n64.is64
    assert linker.module("ntdll.dll") is None and linker.module("NTDLL.DLL", is64=True) is n64
    linker.load(app)
    n32 = linker.module("ntdll.dll")
    assert n32 is not None and not n32.is64 and n32.base < 0x7FFEFFFF
    with pytest.raises(BadImage, match="not a free") as exc:
        Linker(space, [], is64=True, limit=None).preload(ntdll64)
    assert_one_line(exc, "ntdll.dll")


@pytest.mark.skipif(not (SYSWOW64 / "kernel32.dll").exists() or not (SYSWOW64 / "ntdll.dll").exists(),
                    reason="sysroot SysWOW64 DLLs not built")
def test_sysroot_kernel32_loads_with_its_ntdll(space: AddressSpace) -> None:
    kernel32 = PEImage.from_path(SYSWOW64 / "kernel32.dll")
    assert not kernel32.is64 and any(d.dll.lower() == "ntdll.dll" for d in kernel32.imports)
    linker = Linker(space, [SYSWOW64], is64=False, limit=0x7FFEFFFF)
    k32 = linker.load(SYSWOW64 / "kernel32.dll")
    ntdll = linker.module("ntdll.dll")
    assert ntdll is not None and k32.exports
    for imported in k32.image.imports:
        for entry in imported.entries:
            assert read_ptr(space, k32.va(entry.iat_rva), False) != 0


# ---- malformed images -------------------------------------------------------------------------------------

def good() -> Built:
    b = PEBuilder()
    b.entry = b.section(".text", b"\xc3" * 16, CODE)
    b.section(".data", b"\x01" * 16, DATA)
    return b.build()


def _section_past_eof(b: Built) -> bytes:
    return b.set_section(1, "PointerToRawData", len(b.data)).data


def _cleared(b: Built, field: str, bits: int) -> bytes:
    return b.set(field, b.get(field) & ~bits).data


MALFORMED: dict[str, tuple[Callable[[Built], bytes], str]] = {
    "empty": (lambda b: b"", "empty file"),
    "truncated-dos-header": (lambda b: b.data[:40], "truncated file"),
    "truncated-headers": (lambda b: b.data[:0x100], "truncated file"),
    "truncated-section-data": (lambda b: b.data[:-0x100], "past the end of the file"),
    "bad-mz": (lambda b: b.set("e_magic", 0x4D5A).data, "no MZ signature"),
    "e_lfanew-out-of-range": (lambda b: b.set("e_lfanew", 0x10000).data, "e_lfanew 0x10000 is out of range"),
    "bad-pe-signature": (lambda b: b.set("Signature", 0x4E45).data, "bad PE signature"),
    "unsupported-machine": (lambda b: b.set("Machine", 0x1C4).data, "unsupported machine 0x1c4"),
    "bad-magic": (lambda b: b.set("Magic", 0x10C).data, "magic 0x10c is neither PE32 nor PE32+"),
    "magic-machine-mismatch": (lambda b: b.set("Magic", 0x20B).data, "does not match machine i386"),
    "optional-header-too-small": (lambda b: b.set("SizeOfOptionalHeader", 0x60).data, "too small"),
    "not-executable": (lambda b: _cleared(b, "Characteristics", FILE_EXECUTABLE_IMAGE),
                       "not an executable image"),
    "size-of-image-zero": (lambda b: b.set("SizeOfImage", 0).data, "SizeOfImage is 0"),
    "size-of-image-absurd": (lambda b: b.set("SizeOfImage", 0x9000_0000).data, "absurd"),
    "section-alignment": (lambda b: b.set("SectionAlignment", 0x1800).data, "SectionAlignment 0x1800"),
    "file-alignment-zero": (lambda b: b.set("FileAlignment", 0).data, "FileAlignment 0x0"),
    "file-alignment-too-big": (lambda b: b.set("FileAlignment", 0x2000).data, "exceeds SectionAlignment"),
    "image-base-unaligned": (lambda b: b.set("ImageBase", 0x401000).data, "multiple of 64 KB"),
    "size-of-headers-zero": (lambda b: b.set("SizeOfHeaders", 0).data, "does not cover the section table"),
    "too-many-sections": (lambda b: b.set("NumberOfSections", 0xFFFF).data, "truncated file"),
    "section-raw-past-eof": (_section_past_eof, "past the end of the file"),
    "section-outside-image": (lambda b: b.set_section(1, "VirtualSize", 0x100000).data,
                              "outside SizeOfImage"),
    "sections-overlap": (lambda b: b.set_section(1, "VirtualAddress", 0x1000).data, "overlaps"),
    "section-unaligned": (lambda b: b.set_section(1, "VirtualAddress", 0x2100).data, "not aligned"),
    "entry-outside-image": (lambda b: b.set("AddressOfEntryPoint", 0x100000).data, "entry point 0x100000"),
}


def test_baseline_for_malformed_cases_is_loadable(space: AddressSpace) -> None:
    image = PEImage.parse(good().data, "bad.exe")
    assert [s.name for s in image.sections] == [".text", ".data"]
    map_image(space, image, path="bad.exe")


@pytest.mark.parametrize("case", MALFORMED.values(), ids=MALFORMED.keys())
def test_malformed_image_is_rejected_in_one_line(case: tuple[Callable[[Built], bytes], str]) -> None:
    mutate, reason = case
    baseline = good()
    data = bytes(mutate(good()))
    assert data != bytes(baseline.data)  # the fixture really differs from the loadable baseline
    with pytest.raises(BadImage) as exc:
        PEImage.parse(data, "bad.exe")
    msg = assert_one_line(exc, "bad.exe: ")
    assert reason in msg


@pytest.mark.parametrize("kind", ["missing", "directory"])
def test_from_path_rejects_what_is_not_a_readable_file(tmp_path: Path, kind: str) -> None:
    path = tmp_path / "app.exe"
    if kind == "directory":
        path.mkdir()
    assert not path.is_file()
    with pytest.raises(BadImage, match="cannot read the file") as exc:
        PEImage.from_path(path)
    assert_one_line(exc, "app.exe: ")


def rich_image() -> bytes:
    b = PEBuilder(dll=True)
    text = b.section(".text", b"\xc3" * 64, CODE)
    data = b.section(".data", struct.pack("<II", 0x401000, 0x402000), DATA)
    b.import_("kernel32.dll", "ExitProcess", 7)
    b.export("Foo", text)
    b.export("Fwd", "ntdll.RtlFoo")
    b.reloc(data)
    b.reloc(data + 4)
    return bytes(b.build().data)


def test_corrupt_and_truncated_images_never_leak_other_exceptions() -> None:
    """Truncations and seeded random byte flips either load or give one BadImage line: pefile never leaks."""
    data = rich_image()
    variants = [data[:n] for n in range(0, len(data), 37)]
    rng = random.Random(1234)
    for _ in range(300):
        mutated = bytearray(data)
        for _ in range(rng.randint(1, 8)):
            mutated[rng.randrange(0x400)] = rng.randrange(256)  # the headers, where parsing decisions are
        variants.append(bytes(mutated))
    rejected = 0
    for variant in variants:
        try:
            image = PEImage.parse(variant, "fuzz.dll")
        except BadImage as exc:
            assert "\n" not in str(exc) and str(exc).startswith("fuzz.dll: ")
            rejected += 1
            continue
        try:
            map_image(new_space(), image, path="fuzz.dll")
        except BadImage as exc:
            assert "\n" not in str(exc)
    assert 0 < rejected < len(variants)


def test_loaded_module_exposes_absolute_exports(space: AddressSpace) -> None:
    image = PEImage.parse(rich_image(), "rich.dll")
    assert image.is_dll and image.exports_by_name["Fwd"] == "ntdll.RtlFoo"
    m: LoadedModule = map_image(space, image, path="C:\\Windows\\SysWOW64\\rich.dll")
    assert m.name == "rich.dll"
    assert m.exports["Foo"] == m.base + image.exports_by_name["Foo"]
    assert m.exports_by_ordinal[2] == "ntdll.RtlFoo" and m.export(1) == m.exports["Foo"]
