"""The registry's two views from guest programs in both widths (fixtures/src/regviews.c through ntdll's key calls):
the 32-bit build through the whole WoW64 path, then the 64-bit build natively, on one root that `wow64emu reg`
seeded; then `wow64emu reg` (query and export in each view) agrees with what the programs wrote."""

from __future__ import annotations

import codecs
import io
from pathlib import Path

import pytest

from wow64emu.cli import main as cli_main
from wow64emu.kernel.console import StdStreams
from wow64emu.kernel.registry_defaults import USER
from wow64emu.machine import Machine

BIN = Path(__file__).resolve().parent.parent / "fixtures" / "bin"
CLSID = "HKCU\\Software\\Classes\\CLSID"
OWN32 = "{6c1e5a1e-0000-4000-8000-000000000032}"
OWN64 = "{6c1e5a1e-0000-4000-8000-000000000064}"
NOT_FOUND = "status 0xc0000034"  # STATUS_OBJECT_NAME_NOT_FOUND

EXPECTED = {
    "x86": ["default: 32", "64key: 64", "32key: 32", "explicit: 32", "relative64: 64", "relative: 32",
            "shared: shared", "listed: no WOW6432Node", "register: ok", "own clsid: server32",
            f"other clsid: {NOT_FOUND}"],
    "x64": ["default: 64", "64key: 64", "32key: 32", "explicit: 32", "relative64: 64", "relative: 64",
            "shared: shared", "listed: WOW6432Node", "register: ok", "own clsid: server64",
            f"other clsid: {NOT_FOUND}"],
}


def reg(root: Path, capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    code = cli_main(["reg", "--root", str(root), *args])
    return code, capsys.readouterr().out


def run(root: Path, width: str) -> list[str]:
    streams = StdStreams(io.BytesIO(), io.BytesIO(), io.BytesIO())
    outcome = Machine(BIN / width / "regviews.exe", [USER], root=root, streams=streams).run(timeout=60)
    assert outcome.exit_status == 0, streams.stderr.getvalue()
    return streams.stdout.getvalue().decode("latin-1").splitlines()


def test_both_widths_see_their_own_view_and_reg_agrees(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    for view, width in (("/reg:32", "32"), ("/reg:64", "64")):
        assert reg(tmp_path, capsys, "add", "HKLM\\SOFTWARE\\regviews", "/v", "Width", "/d", width, view)[0] == 0
    assert reg(tmp_path, capsys, "add", "HKLM\\SOFTWARE\\Policies\\regviews", "/v", "Width", "/d", "shared")[0] == 0
    assert run(tmp_path, "x86") == EXPECTED["x86"]
    assert run(tmp_path, "x64") == EXPECTED["x64"]
    # the 64-bit reg command sees each program's class in that program's view only
    assert reg(tmp_path, capsys, "query", f"{CLSID}\\{OWN32}", "/reg:32") == (
        0, f"\nHKEY_CURRENT_USER\\Software\\Classes\\CLSID\\{OWN32}\n    (Default)    REG_SZ    server32\n\n")
    assert reg(tmp_path, capsys, "query", f"{CLSID}\\{OWN32}")[0] == 1
    assert reg(tmp_path, capsys, "query", f"{CLSID}\\{OWN64}", "/reg:64")[1].endswith("REG_SZ    server64\n\n")
    assert reg(tmp_path, capsys, "query", f"{CLSID}\\{OWN64}", "/reg:32")[0] == 1
    # and exports each view's classes: the 32-bit program's under the name it used
    for view, mine, theirs in (("/reg:32", OWN32, OWN64), ("/reg:64", OWN64, OWN32)):
        out = tmp_path / f"clsid{view[-2:]}.reg"
        assert reg(tmp_path, capsys, "export", CLSID, str(out), view)[0] == 0
        text = out.read_bytes().removeprefix(codecs.BOM_UTF16_LE).decode("utf-16-le")
        assert f"[HKEY_CURRENT_USER\\Software\\Classes\\CLSID\\{mine}]\r\n@=\"server{view[-2:]}\"\r\n" in text
        assert theirs not in text
