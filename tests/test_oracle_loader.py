"""Differential oracle: images and the loader, 32-bit through WoW64 against 64-bit native.

The scenario (fixtures/src/oracle_loader.c) needs DLLs in its C: drive, which tests/oracle.check does not put
there, so this test prepares each drive itself and compares the two observations as check does: the same exit
status, output and files, except the DLLs copied in, which are of each width. The one line that differs by width,
the system folder, is normalised by a rule that keeps the pairing: SysWOW64 for the 32-bit build, System32 for the
64-bit one.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from tests.oracle import FIXTURES, Coverage, Observation, observe

RULES = [(r"system folder=(SysWOW64 width=32|System32 width=64)", "system folder=<the width's>")]
OTHER = {"x86": "x64", "x64": "x86"}
COPIED = {"dll_plus.dll": "own", "dll_twin.dll": "own", "dll_fail.dll": "own", "dll_other.dll": "other"}


def prepared(tmp_path: Path, width: str) -> Path:
    """The C: drive of one run: the fixture DLL of the width under three names, the other width's as dll_other."""
    root = tmp_path / width
    root.mkdir()
    for name, which in COPIED.items():
        shutil.copy(FIXTURES / "bin" / (width if which == "own" else OTHER[width]) / "dll_plus.dll", root / name)
    return root


def without_copies(obs: Observation) -> dict[str, bytes]:
    return {name: data for name, data in obs.files.items() if name not in COPIED}


def test_images_and_the_loader_observe_the_same_in_both_widths(tmp_path: Path, oracle_coverage: Coverage) -> None:
    obs32, served = observe("x86", "oracle_loader", prepared(tmp_path, "x86"), [], RULES)
    obs64, _ = observe("x64", "oracle_loader", prepared(tmp_path, "x64"), [], RULES)
    assert obs32.exit_status == 0, obs32.stdout
    assert obs32.stdout.splitlines() == obs64.stdout.splitlines()
    assert (obs32.exit_status, obs32.stderr) == (obs64.exit_status, obs64.stderr)
    assert without_copies(obs32) == without_copies(obs64) == {"not_an_image.dll": b"just text, no MZ"}
    assert set(obs32.files) == set(obs64.files)
    oracle_coverage.add("oracle_loader", served)
    out = obs32.stdout
    assert "system folder=<the width's>\n" in out
    assert "NtMapViewOfSection again: status=0x40000003\n  elsewhere, 64 KB aligned=1\n" in out
    assert "NtCreateSection SEC_IMAGE of a text file: status=0xc000012f\n" in out
    assert "  plus_relocated()=1\n" in out and "  its plus_relocated()=1\n" in out
    assert "dll_plus: detach dll_plus.dll\n  FreeLibrary 3: ok\n" in out
    assert "  LoadLibraryA dll_other.dll (the other width): failed error=193\n" in out
    assert ("dll_plus: attach dll_fail.dll\ndll_plus: detach dll_fail.dll\n"
            "  LoadLibraryA dll_fail.dll (DllMain says FALSE): failed error=1114\n") in out
    assert "  GetProcAddress no_such_export: failed error=127\n" in out
    assert "  LoadLibraryA no_such.dll: failed error=126\n" in out
    assert "  LoadLibraryA not_an_image.dll: failed error=193\n" in out
