"""The code of a package's modules served from one cached file (wow64emu/modulecache.py): only for the very source
it was compiled from, never stale, never when Python would import something else, never from a corrupt entry; and
the emulator's own start, whose second run imports its modules from the cache startup.py keeps."""

from __future__ import annotations

import importlib
import importlib.util
import inspect
import marshal
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from wow64emu import modulecache, usercache

HELLO = Path(__file__).resolve().parents[1] / "fixtures" / "bin" / "x86" / "hello.exe"
PACKAGE = "cachedpkg"


@pytest.fixture
def package(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A package with a module and a subpackage holding another, importable from sys.path."""
    folder = tmp_path / PACKAGE
    (folder / "sub").mkdir(parents=True)
    (folder / "__init__.py").write_text("")
    (folder / "a.py").write_text("VALUE = 1\n\n\ndef fails():\n    raise ValueError('from a')\n")
    (folder / "sub" / "__init__.py").write_text("KIND = 'package'\n")
    (folder / "sub" / "b.py").write_text("from .. import a\n\nVALUE = a.VALUE + 10\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    yield folder
    for name in [n for n in sys.modules if n == PACKAGE or n.startswith(PACKAGE + ".")]:
        del sys.modules[name]


def _import(folder: Path, entries: dict[str, modulecache.Entry], record: bool = True) -> modulecache.ModuleCache:
    """Import the package's modules afresh through a cache of `entries`."""
    for name in [n for n in sys.modules if n == PACKAGE or n.startswith(PACKAGE + ".")]:
        del sys.modules[name]
    importlib.invalidate_caches()
    cache = modulecache.ModuleCache(PACKAGE, str(folder), entries, record)
    sys.meta_path.insert(0, cache)
    try:
        importlib.import_module(f"{PACKAGE}.sub.b")
    finally:
        sys.meta_path.remove(cache)
    return cache


def _kept(folder: Path) -> dict[str, modulecache.Entry]:
    """The entries kept by a first import, read back."""
    first = _import(folder, {})
    assert first.served == 0 and set(first.recorded) == {f"{PACKAGE}.a", f"{PACKAGE}.sub", f"{PACKAGE}.sub.b"}
    return modulecache.load(modulecache.dump(first), str(folder))


def test_the_second_import_is_served_from_the_cache_as_from_the_source(package: Path) -> None:
    cache = _import(package, _kept(package), record=False)
    assert cache.served == 3 and sys.modules[f"{PACKAGE}.sub.b"].VALUE == 11
    a, sub = sys.modules[f"{PACKAGE}.a"], sys.modules[f"{PACKAGE}.sub"]
    assert a.__file__ == str(package / "a.py") and sub.__path__ == [str(package / "sub")] and sub.KIND == "package"
    assert a.__cached__ == importlib.util.cache_from_source(a.__file__)  # where Python would keep its bytecode
    assert "raise ValueError('from a')" in inspect.getsource(a.fails)  # a traceback shows the source
    with pytest.raises(ValueError) as raised:
        a.fails()
    assert raised.traceback[-1].path == package / "a.py" and raised.traceback[-1].lineno == 4


def test_a_source_changed_after_the_cache_was_written_is_imported_from_the_source(package: Path) -> None:
    entries = _kept(package)
    source = package / "a.py"
    st = source.stat()
    source.write_text(source.read_text().replace("VALUE = 1", "VALUE = 2"))  # the same size,
    os.utime(source, ns=(st.st_atime_ns, st.st_mtime_ns + 1000))  # within the same second: a .pyc would not see it
    cache = _import(package, entries)
    assert sys.modules[f"{PACKAGE}.sub.b"].VALUE == 12 and cache.served == 2
    assert set(cache.recorded) == {f"{PACKAGE}.a"}  # compiled again, for the next start
    again = _import(package, modulecache.load(modulecache.dump(cache), str(package)))
    assert again.served == 3 and sys.modules[f"{PACKAGE}.a"].VALUE == 2


def test_a_removed_source_is_not_imported_from_the_cache(package: Path) -> None:
    entries = _kept(package)
    (package / "a.py").unlink()
    with pytest.raises(ImportError):
        _import(package, entries)


def test_what_python_imports_before_the_source_is_imported_instead(package: Path) -> None:
    entries = _kept(package)
    (package / "a").mkdir()
    (package / "a" / "__init__.py").write_text("VALUE = 5\n")  # a package beside a.py: Python imports the package
    cache = _import(package, entries)
    assert sys.modules[f"{PACKAGE}.sub.b"].VALUE == 15 and cache.served == 2


def test_a_module_looked_for_in_another_folder_is_not_served(package: Path, tmp_path: Path) -> None:
    cache = modulecache.ModuleCache(PACKAGE, str(package), _kept(package), record=False)
    assert cache.find_spec(f"{PACKAGE}.a", [str(tmp_path)]) is None
    assert cache.find_spec("other.a", [str(package)]) is None and cache.find_spec(f"{PACKAGE}.a", None) is None
    assert cache.find_spec(f"{PACKAGE}.a", [str(package)]) is not None and cache.served == 1


def test_an_entry_whose_code_does_not_read_back_is_imported_from_the_source(package: Path) -> None:
    entries = _kept(package)
    name = f"{PACKAGE}.a"
    entries[name] = (*entries[name][:4], b"\xff garbage", entries[name][5])
    cache = _import(package, entries, record=False)
    assert cache.served == 3 and sys.modules[name].VALUE == 1


@pytest.mark.parametrize("data", [None, b"", b"garbage", marshal.dumps((1, "2.7", "/x", {})), marshal.dumps([1]),
                                  marshal.dumps((1, modulecache._COMPILER, "/elsewhere", {}))])
def test_a_corrupt_or_foreign_cache_file_keeps_nothing(package: Path, data: bytes | None) -> None:
    assert modulecache.load(data, str(package)) == {}


def _file(folder: Path, index: dict[str, tuple], code: bytes) -> bytes:
    return usercache.with_parts((modulecache._FORMAT, modulecache._COMPILER, str(folder), index), [code])


@pytest.mark.parametrize("entry", [("x.py", False, 1, "2", 0, 0, ""),  # a time that is not a number
                                   ("x.py", False, 1, 2, 0, 1 << 20, ""),  # code past the end of the file
                                   ("x.py", False, 1, 2, -1, 1, "")])
def test_a_cache_file_with_a_malformed_entry_keeps_nothing(package: Path, entry: tuple) -> None:
    entries = _kept(package)
    assert modulecache.load(modulecache.dump(_import(package, entries)), str(package)) == entries
    assert modulecache.load(_file(package, {"x": ("x.py", False, 1, 2, 0, 3, "")}, b"abc"), str(package))["x"][4] \
        == b"abc"
    assert modulecache.load(_file(package, {"x": entry}, b"abc"), str(package)) == {}


def test_the_code_is_read_from_the_file_as_it_is_imported_not_copied(package: Path) -> None:
    data = modulecache.dump(_import(package, {}))
    entries = modulecache.load(data, str(package))
    assert all(isinstance(entry[4], memoryview) and entry[4].obj is data for entry in entries.values())
    assert _import(package, entries, record=False).served == 3 and sys.modules[f"{PACKAGE}.sub.b"].VALUE == 11


def test_without_record_nothing_is_compiled_or_kept(package: Path) -> None:
    cache = _import(package, {}, record=False)
    assert cache.recorded == {} and sys.modules[f"{PACKAGE}.sub.b"].VALUE == 11


# The emulator's own start: a run with an empty user cache keeps its modules' code, the next imports them from it.
COUNT = """
import sys
from wow64emu import __main__ as entry, modulecache, startup
served = []
ended = startup.end
def end():
    served.extend(f.served for f in sys.meta_path if isinstance(f, modulecache.ModuleCache))
    ended()
startup.end = end
sys.argv = ["wow64emu", *sys.argv[1:]]
code = entry.main()
print(code, served, file=sys.stderr)
"""


def _served(cache: Path, write: bool = True) -> str:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["XDG_CACHE_HOME"] = str(cache)
    if not write:
        env["PYTHONDONTWRITEBYTECODE"] = "1"
    done = subprocess.run([sys.executable, "-c", COUNT, "run", str(HELLO)], capture_output=True, timeout=120, env=env)
    assert b"Hello" in done.stdout
    return done.stderr.decode().strip().splitlines()[-1]


def test_the_second_run_imports_the_emulator_from_the_cache(tmp_path: Path) -> None:
    assert _served(tmp_path) == "0 [0]"
    kept = list((tmp_path / "wow64emu").glob("modules-*.marshal"))
    assert len(kept) == 1
    code, served = _served(tmp_path).split(" ", 1)
    assert code == "0" and int(served.strip("[]")) > 80


def test_nothing_is_kept_under_pythondontwritebytecode(tmp_path: Path) -> None:
    assert _served(tmp_path, write=False) == "0 [0]"
    assert not list((tmp_path / "wow64emu").glob("modules-*"))
