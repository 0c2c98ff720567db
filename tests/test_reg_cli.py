"""`wow64emu reg`: reg.exe's operations on a root's registry, the two views, and `.reg` files in and out."""

import codecs
import subprocess
import sys
from pathlib import Path

import pytest

from wow64emu.cli import main as cli_main
from wow64emu.kernel.registry_defaults import USER
from wow64emu.kernel.registry_store import RegistryStore
from wow64emu.reg.hive import store_path
from wow64emu.reg.regtypes import REG_DWORD, REG_MULTI_SZ, REG_QWORD, REG_SZ, multi_sz, utf16z

SW = "\\REGISTRY\\MACHINE\\SOFTWARE"


def reg(root: Path, capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = cli_main(["reg", "--root", str(root), *args])
    out, err = capsys.readouterr()
    return code, out, err


def stored(root: Path, path: str, name: str) -> tuple[int, bytes] | None:
    store = RegistryStore.open(store_path(root))
    try:
        key = store.find(path)
        value = store.value(key.id, name) if key else None
        return (value.type, value.data) if value else None
    finally:
        store.close()


def test_add_and_query_in_each_view(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert reg(tmp_path, capsys, "add", "HKLM\\SOFTWARE\\Vendor", "/v", "Name", "/d", "thirty-two", "/reg:32") == \
        (0, "The operation completed successfully.\n", "")
    assert reg(tmp_path, capsys, "add", "HKLM\\SOFTWARE\\Vendor", "/v", "Name", "/d", "sixty-four")[0] == 0
    # where the kernel's store has them: the 32-bit one under WOW6432Node
    assert stored(tmp_path, SW + "\\WOW6432Node\\Vendor", "Name") == (REG_SZ, utf16z("thirty-two"))
    assert stored(tmp_path, SW + "\\Vendor", "Name") == (REG_SZ, utf16z("sixty-four"))
    code, out, _ = reg(tmp_path, capsys, "query", "HKLM\\SOFTWARE\\Vendor", "/reg:32")
    assert (code, out) == (0, "\nHKEY_LOCAL_MACHINE\\SOFTWARE\\Vendor\n    Name    REG_SZ    thirty-two\n\n")
    code, out, _ = reg(tmp_path, capsys, "query", "hklm\\software\\vendor", "/v", "name", "/reg:64")
    assert (code, out) == (0, "\nHKEY_LOCAL_MACHINE\\software\\vendor\n    Name    REG_SZ    sixty-four\n\n")
    # the 64-bit view sees the 32-bit key under its real name; the 32-bit view never lists Wow6432Node
    code, out, _ = reg(tmp_path, capsys, "query", "HKLM\\SOFTWARE\\WOW6432Node\\Vendor")
    assert "thirty-two" in out
    _, out64, _ = reg(tmp_path, capsys, "query", "HKLM\\SOFTWARE")
    _, out32, _ = reg(tmp_path, capsys, "query", "HKLM\\SOFTWARE", "/reg:32")
    assert "HKEY_LOCAL_MACHINE\\SOFTWARE\\WOW6432Node\n" in out64 and "WOW6432Node" not in out32


def test_shared_keys_are_one_key_for_both_views(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    reg(tmp_path, capsys, "add", "HKLM\\SOFTWARE\\Policies\\Vendor", "/v", "P", "/t", "REG_DWORD", "/d", "7",
        "/reg:32")
    assert stored(tmp_path, SW + "\\Policies\\Vendor", "P") == (REG_DWORD, (7).to_bytes(4, "little"))
    reg(tmp_path, capsys, "add", "HKCR\\CLSID\\{1}", "/ve", "/d", "x86 server", "/reg:32")
    assert stored(tmp_path, SW + "\\Classes\\Wow6432Node\\CLSID\\{1}", "") == (REG_SZ, utf16z("x86 server"))
    assert reg(tmp_path, capsys, "query", "HKCR\\CLSID\\{1}")[0] == 1  # invisible to the 64-bit view


def test_types_and_data(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    key = "HKCU\\Software\\T"
    for args in (["/v", "q", "/t", "REG_QWORD", "/d", "0x100000000"], ["/v", "m", "/t", "REG_MULTI_SZ", "/d",
                 "a\\0b"], ["/v", "b", "/t", "REG_BINARY", "/d", "0aff"], ["/ve", "/d", "def"]):
        assert reg(tmp_path, capsys, "add", key, *args, "/f")[0] == 0
    code, out, _ = reg(tmp_path, capsys, "query", key)
    assert out.splitlines()[2:6] == ["    q    REG_QWORD    0x100000000", "    m    REG_MULTI_SZ    a\\0b",
                                     "    b    REG_BINARY    0AFF", "    (Default)    REG_SZ    def"]
    assert stored(tmp_path, USER + "\\Software\\T", "m") == (REG_MULTI_SZ, multi_sz(["a", "b"]))
    assert stored(tmp_path, USER + "\\Software\\T", "q") == (REG_QWORD, (1 << 32).to_bytes(8, "little"))
    assert reg(tmp_path, capsys, "add", key, "/v", "n", "/t", "REG_DWORD", "/d", "zz")[0] == 1


def test_errors_are_reg_exe_s(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert reg(tmp_path, capsys, "query", "HKLM\\SOFTWARE\\Nothing") == \
        (1, "", "ERROR: The system was unable to find the specified registry key or value.\n")
    assert reg(tmp_path, capsys, "query", "HKXX\\Y")[2].startswith("ERROR: Invalid key name.")
    assert reg(tmp_path, capsys, "query")[2] == "ERROR: Invalid syntax.\nType \"REG QUERY /?\" for usage.\n"
    assert reg(tmp_path, capsys, "frob")[0] == 1
    assert reg(tmp_path, capsys, "query", "HKLM\\SOFTWARE", "/v", "NoSuchValue")[0] == 1
    assert reg(tmp_path, capsys, "query", "HKLM\\SOFTWARE", "/reg:32", "/reg:64")[2].startswith("ERROR: Invalid syn")


def test_delete(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    reg(tmp_path, capsys, "add", "HKLM\\SOFTWARE\\D\\Sub\\Deeper", "/v", "a", "/d", "1")
    reg(tmp_path, capsys, "add", "HKLM\\SOFTWARE\\D", "/v", "b", "/d", "2")
    assert reg(tmp_path, capsys, "delete", "HKLM\\SOFTWARE\\D", "/v", "b", "/f")[0] == 0
    assert stored(tmp_path, SW + "\\D", "b") is None
    assert reg(tmp_path, capsys, "delete", "HKLM\\SOFTWARE\\D", "/f") == (0, "The operation completed successfully.\n",
                                                                         "")
    assert reg(tmp_path, capsys, "query", "HKLM\\SOFTWARE\\D")[0] == 1
    assert reg(tmp_path, capsys, "delete", "HKLM\\SOFTWARE\\D", "/f")[0] == 1
    assert reg(tmp_path, capsys, "delete", "HKCU", "/f")[2].startswith("ERROR: Invalid key name.")
    assert reg(tmp_path, capsys, "query", "HKCU\\Software")[0] == 0


def test_export_then_import_across_views(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    reg(tmp_path, capsys, "add", "HKLM\\SOFTWARE\\E\\Sub", "/v", "s", "/d", "x", "/reg:32")
    reg(tmp_path, capsys, "add", "HKLM\\SOFTWARE\\E", "/v", "d", "/t", "REG_DWORD", "/d", "16", "/reg:32")
    out = tmp_path / "e.reg"
    assert reg(tmp_path, capsys, "export", "HKLM\\SOFTWARE\\E", str(out), "/reg:32")[0] == 0
    raw = out.read_bytes()
    assert raw.startswith(codecs.BOM_UTF16_LE)
    assert raw[2:].decode("utf-16-le") == (
        "Windows Registry Editor Version 5.00\r\n\r\n[HKEY_LOCAL_MACHINE\\SOFTWARE\\E]\r\n\"d\"=dword:00000010\r\n"
        "\r\n[HKEY_LOCAL_MACHINE\\SOFTWARE\\E\\Sub]\r\n\"s\"=\"x\"\r\n\r\n")
    assert reg(tmp_path, capsys, "export", "HKLM\\SOFTWARE\\E", str(out), "/y", "/reg:32")[0] == 0
    # the same file imported in the 64-bit view lands in the 64-bit key
    assert reg(tmp_path, capsys, "import", str(out)) == (0, "The operation completed successfully.\n", "")
    assert stored(tmp_path, SW + "\\E\\Sub", "s") == (REG_SZ, utf16z("x"))


def test_import_every_form_and_deletions(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    reg(tmp_path, capsys, "add", "HKCU\\Software\\Old", "/v", "x", "/d", "1")
    reg(tmp_path, capsys, "add", "HKCU\\Software\\Keep", "/v", "gone", "/d", "1")
    text = ("Windows Registry Editor Version 5.00\n\n[HKEY_CURRENT_USER\\Software\\New]\n\"m\"=hex(7):61,00,00,00,"
            "00,00\n\"q\"=hex(b):01,00,00,00,00,00,00,00\n\n[-HKEY_CURRENT_USER\\Software\\Old]\n\n"
            "[HKEY_CURRENT_USER\\Software\\Keep]\n\"gone\"=-\n")
    (tmp_path / "in.reg").write_text(text, encoding="utf-8")
    assert reg(tmp_path, capsys, "import", str(tmp_path / "in.reg"))[0] == 0
    assert reg(tmp_path, capsys, "query", "HKCU\\Software\\Old")[0] == 1
    assert reg(tmp_path, capsys, "query", "HKCU\\Software\\Keep", "/v", "gone")[0] == 1
    _, out, _ = reg(tmp_path, capsys, "query", "HKCU\\Software\\New")
    assert "    m    REG_MULTI_SZ    a\n" in out and "    q    REG_QWORD    0x1\n" in out


def test_a_malformed_file_is_one_line_naming_its_line(tmp_path: Path) -> None:
    bad = tmp_path / "bad.reg"
    bad.write_text("Windows Registry Editor Version 5.00\n\n[HKEY_CURRENT_USER\\Software\\B]\n\"a\"=dword:xyz\n")
    done = subprocess.run([sys.executable, "-m", "wow64emu", "reg", "--root", str(tmp_path), "import", str(bad)],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 1 and done.stdout == ""
    assert done.stderr == f"ERROR: {bad}, line 4: bad dword 'xyz': 1 to 8 hex digits\n"


def test_run_registry_seeds_the_root_and_a_bad_file_is_one_line(tmp_path: Path) -> None:
    seed = tmp_path / "seed.reg"
    seed.write_bytes(codecs.BOM_UTF16_LE + "Windows Registry Editor Version 5.00\r\n\r\n[HKEY_LOCAL_MACHINE\\SOFTWARE\\"
                     "Seeded]\r\n\"a\"=dword:00000001\r\n".encode("utf-16-le"))
    root = tmp_path / "c"
    hello = Path(__file__).resolve().parent.parent / "fixtures" / "bin" / "x86" / "hello.exe"
    done = subprocess.run([sys.executable, "-m", "wow64emu", "run", "--root", str(root), "--registry", str(seed),
                           str(hello)], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert stored(root, SW + "\\Seeded", "a") == (REG_DWORD, (1).to_bytes(4, "little"))
    seed.write_text("Windows Registry Editor Version 5.00\n[HKEY_LOCAL_MACHINE\\SOFTWARE\\X]\n@=hex:0\n\"b\"=\n")
    done = subprocess.run([sys.executable, "-m", "wow64emu", "run", "--root", str(root), "--registry", str(seed),
                           str(hello)], capture_output=True, text=True, timeout=120)
    assert done.returncode == 2 and done.stdout == ""
    assert done.stderr.splitlines() == [f"wow64emu run: error: argument --registry: {seed}, line 4: bad value data ''"]
