"""HKEY_CLASSES_ROOT as the merged view of the machine's and the user's classes, and the 32-bit view's Classes, from
guest programs in both widths (fixtures/src/regclasses.c through advapi32) on a root `wow64emu reg` seeded."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from wow64emu.cli import main as cli_main
from wow64emu.kernel.console import StdStreams
from wow64emu.kernel.registry_defaults import USER
from wow64emu.kernel.registry_store import RegistryStore
from wow64emu.machine import Machine
from wow64emu.reg.hive import store_path

BIN = Path(__file__).resolve().parent.parent / "fixtures" / "bin"
CLSID = "{6c1e5a1e-0000-4000-8000-0000000000cc}"
COMMON = [".both: user", "itself: machine root", "merged: m u count=ok", "create .usr\\new: 0 in the user's classes",
          "create .newmach: 5"]
EXPECTED = {
    "x86": ["classes: no WOW6432Node count=ok", "hkcr: .both .mach .usr count=ok", *COMMON,
            "clsid: hkcr 0, link 0"],
    "x64": ["classes: WOW6432Node count=ok", "hkcr: .both .mach .usr count=ok", *COMMON,
            "clsid: hkcr 2, link 0"],
}


def seed(root: Path) -> None:
    adds = [
        ["HKLM\\SOFTWARE\\Classes\\.both", "/ve", "/d", "machine"], ["HKLM\\SOFTWARE\\Classes\\.mach"],
        ["HKLM\\SOFTWARE\\Classes\\merged\\m"], ["HKLM\\SOFTWARE\\Classes", "/ve", "/d", "machine root"],
        ["HKCU\\Software\\Classes", "/ve", "/d", "user root"],
        ["HKCU\\Software\\Classes\\.both", "/ve", "/d", "user"], ["HKCU\\Software\\Classes\\.usr"],
        ["HKCU\\Software\\Classes\\merged\\u"],
        [f"HKLM\\SOFTWARE\\Classes\\CLSID\\{CLSID}", "/ve", "/d", "x86 server", "/reg:32"],
    ]
    for args in adds:
        assert cli_main(["reg", "--root", str(root), "add", *args, "/f"]) == 0


def run(root: Path, width: str) -> list[str]:
    streams = StdStreams(io.BytesIO(), io.BytesIO(), io.BytesIO())
    outcome = Machine(BIN / width / "regclasses.exe", [], root=root, streams=streams).run(timeout=60)
    assert outcome.exit_status == 0, streams.stderr.getvalue()
    return streams.stdout.getvalue().decode("latin-1").splitlines()


@pytest.mark.parametrize("width", ["x86", "x64"])
def test_hkey_classes_root_is_the_merged_view(tmp_path: Path, width: str, capsys: pytest.CaptureFixture[str]) -> None:
    seed(tmp_path)
    capsys.readouterr()
    assert run(tmp_path, width) == EXPECTED[width]
    store = RegistryStore.open(store_path(tmp_path))
    try:  # the key made below the user's own class is the user's; nothing reached the machine's classes
        assert store.find(f"{USER}_Classes\\.usr\\new") is not None
        assert store.find("\\REGISTRY\\MACHINE\\SOFTWARE\\Classes\\.newmach") is None
        assert store.find("\\REGISTRY\\MACHINE\\SOFTWARE\\Classes\\.usr") is None
    finally:
        store.close()


def test_the_kernel_ignores_a_handle_s_two_tag_bits(tmp_path: Path) -> None:
    """OBJ_HANDLE_TAGBITS: advapi32 marks the handles of HKCR's view with bit 1; every call takes them as the key."""
    from tests.test_kernel_objects import make_rig
    from tests.test_kernel_registry import RegRig
    from wow64emu.nt import registry as R
    from wow64emu.nt.status import NTSTATUS

    rig = RegRig(make_rig(tmp_path).thread)
    key = rig.open("\\Registry\\Machine\\Software\\Classes")
    for tagged in (key | 1, key | 2, key | 3):
        assert rig.query_key(tagged, R.KeyNameInformation)[0] == NTSTATUS.SUCCESS
    assert rig.call("NtClose", key | 2) == NTSTATUS.SUCCESS
    assert rig.call("NtClose", key) == NTSTATUS.INVALID_HANDLE
