"""The prepared form of the system DLLs (loader/prepared.py): a DLL is parsed once and then built from the user's
cache, to the same PEImage; a DLL changed since, or a cache that is corrupt, is parsed afresh."""

from __future__ import annotations

import marshal
import os
import shutil
from pathlib import Path

import pytest

from wow64emu import usercache
from wow64emu.image.pe import PEImage
from wow64emu.kernel.paths import SYSROOT
from wow64emu.loader import prepared

KERNEL32 = SYSROOT / "SysWOW64" / "kernel32.dll"


@pytest.fixture
def sysroot(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A sysroot of one DLL (a copy of the 32-bit kernel32.dll), with a cache of its own, read afresh."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    root = tmp_path / "Windows"
    (root / "SysWOW64").mkdir(parents=True)
    shutil.copyfile(KERNEL32, root / "SysWOW64" / "kernel32.dll")
    monkeypatch.setattr(prepared, "SYSROOT", root)
    return root


@pytest.fixture
def parses(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The names of the images parsed from their bytes."""
    parsed: list[str] = []
    parse = PEImage.parse.__func__  # type: ignore[attr-defined]

    def counting(cls: type[PEImage], data: bytes, name: str) -> PEImage:
        parsed.append(name)
        return parse(cls, data, name)
    monkeypatch.setattr(PEImage, "parse", classmethod(counting))
    return parsed


def test_a_system_dll_is_parsed_once_then_built_from_the_cache_as_the_same_image(
        sysroot: Path, parses: list[str]) -> None:
    dll = sysroot / "SysWOW64" / "kernel32.dll"
    first = prepared.read_image(dll)
    assert parses == ["kernel32.dll"]
    again = prepared.read_image(dll)
    assert parses == ["kernel32.dll"]  # not parsed again
    assert again == first == PEImage.from_path(dll)
    assert again.relocations == first.relocations and "CreateFileW" in again.exports_by_name


def test_another_file_is_parsed_each_time(tmp_path: Path, sysroot: Path, parses: list[str]) -> None:
    program = tmp_path / "kernel32.dll"
    shutil.copyfile(KERNEL32, program)
    prepared.read_image(program)
    prepared.read_image(program)
    assert parses == ["kernel32.dll", "kernel32.dll"]


@pytest.mark.parametrize("size", ["same", "other"])
def test_a_dll_changed_after_caching_is_parsed_afresh(sysroot: Path, parses: list[str], size: str) -> None:
    dll = sysroot / "SysWOW64" / "kernel32.dll"
    prepared.read_image(dll)
    data = dll.read_bytes()
    assert data.count(b"CreateFileW\0") == 1
    changed = data.replace(b"CreateFileW\0", b"CreateFileX\0")
    dll.write_bytes(changed if size == "same" else changed + bytes(0x200))
    st = dll.stat()
    os.utime(dll, ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000))
    image = prepared.read_image(dll)
    assert parses == ["kernel32.dll", "kernel32.dll"]
    assert "CreateFileX" in image.exports_by_name and "CreateFileW" not in image.exports_by_name
    assert prepared.read_image(dll) == image and len(parses) == 2  # the new form was kept
    assert image == PEImage.from_path(dll)


@pytest.mark.parametrize("damage", ["garbage", "truncated", "entry"])
def test_a_corrupt_cache_is_never_used(sysroot: Path, parses: list[str], damage: str) -> None:
    dll = sysroot / "SysWOW64" / "kernel32.dll"
    first = prepared.read_image(dll)
    (cache,) = usercache.cache_folder().glob("system-dll-kernel32.dll-*.marshal")
    data = cache.read_bytes()
    if damage == "garbage":
        cache.write_bytes(b"\x00not marshal" + data[12:])
    elif damage == "truncated":
        cache.write_bytes(data[: len(data) // 2])
    else:  # an entry for the file as it is, that is not what the module writes
        key, _ = marshal.loads(data)
        cache.write_bytes(marshal.dumps((key, (1, 2, 3))))
    assert prepared.read_image(dll) == first
    assert parses == ["kernel32.dll", "kernel32.dll"]
