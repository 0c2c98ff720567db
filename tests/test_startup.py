"""What the `wow64emu` command does only while it starts (wow64emu/startup.py): the cyclic garbage collector off
until the first process is made, and the dataclasses' generated methods run from code compiled at an earlier start
(kept in the user's cache, one file per interpreter), never stale, never in the way when missing or corrupt."""

from __future__ import annotations

import dataclasses
import gc
import marshal
import os
import subprocess
import sys
import types
import typing
from pathlib import Path

import pytest

from wow64emu import startup, usercache

HELLO = Path(__file__).resolve().parents[1] / "fixtures" / "bin" / "x86" / "hello.exe"

WATCH = """
import dataclasses, gc, sys
from wow64emu import __main__ as entry, startup
states, compiled = [], []
began, ended = startup.begin, startup.end
def begin():  # the emulator's modules are imported after it, as in a real start
    began()
    from wow64emu import machine
    made, ran = machine.Machine.__init__, machine.Machine.run
    def init(self, *args, **kwargs):
        states.append(gc.isenabled())
        made(self, *args, **kwargs)
    def run(self, *args, **kwargs):
        states.append(gc.isenabled())
        return ran(self, *args, **kwargs)
    machine.Machine.__init__, machine.Machine.run = init, run
def end():
    compiled.append(vars(dataclasses)["exec"].compiled)
    ended()
startup.begin, startup.end = begin, end
sys.argv = ["wow64emu", *sys.argv[1:]]
code = entry.main()
print(states, code, gc.isenabled(), "exec" in vars(dataclasses), compiled[0] > 0, file=sys.stderr)
"""


def _watch(cache: Path, *args: str, write: bool = True) -> str:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["XDG_CACHE_HOME"] = str(cache)
    if not write:
        env["PYTHONDONTWRITEBYTECODE"] = "1"
    done = subprocess.run([sys.executable, "-c", WATCH, *args], capture_output=True, timeout=120, env=env)
    return done.stderr.decode().strip().splitlines()[-1]


def test_the_collector_is_off_while_the_first_process_is_made_and_on_while_the_guest_runs(tmp_path: Path) -> None:
    assert _watch(tmp_path, "run", str(HELLO)).startswith("[False, True] 0 True False")


def test_it_is_on_at_once_for_the_other_commands(tmp_path: Path) -> None:
    assert _watch(tmp_path, "syscalls", "--json").startswith("[] 0 True False")


def test_the_second_start_compiles_no_dataclass_method(tmp_path: Path) -> None:
    assert _watch(tmp_path, "run", str(HELLO)).endswith(" True")  # compiled, and kept
    cache = tmp_path / "wow64emu" / f"dataclass-code-{sys.implementation.cache_tag}.marshal"
    read = usercache.head_and_parts(cache.read_bytes())
    assert read is not None
    (compiler, where), code = read
    assert compiler == f"{sys.version} -O0" and len(where) > 200
    assert all(isinstance(marshal.loads(code[at:at + size]), types.CodeType) for at, size in where.values())
    assert _watch(tmp_path, "run", str(HELLO)).endswith(" False")  # all of it from the cache


def test_nothing_is_kept_under_pythondontwritebytecode(tmp_path: Path) -> None:
    assert _watch(tmp_path, "run", str(HELLO), write=False).endswith(" True")
    assert not list((tmp_path / "wow64emu").glob("dataclass-code-*"))


@pytest.fixture
def cache_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    monkeypatch.setattr(sys, "dont_write_bytecode", False)
    return tmp_path / "wow64emu"


def _point_class(compiles: int) -> type:
    """A frozen dataclass made during a start-up, `compiles` of its six methods compiled (the others from the
    cache)."""
    startup.begin()
    try:
        @dataclasses.dataclass(frozen=True)
        class Point:
            x: int
            y: int = 2
        return Point
    finally:
        compiled = vars(dataclasses)["exec"].compiled
        startup.end()
        gc.unfreeze()
        assert compiled == compiles  # of __init__, __repr__, __eq__, __hash__, __setattr__, __delattr__


def test_a_dataclass_made_from_cached_code_is_the_same_dataclass(cache_home: Path) -> None:
    first = _point_class(6)
    second = _point_class(0)
    assert first(1) == first(1, 2) and repr(second(1)) == "_point_class.<locals>.Point(x=1, y=2)"
    with pytest.raises(dataclasses.FrozenInstanceError):
        second(1).x = 3
    assert hash(second(3, 4)) == hash(second(3, 4)) and second(1) != second(2)
    assert "exec" not in vars(dataclasses) and gc.isenabled()


def _pair_class(cached: bool) -> type:
    """A NamedTuple whose fields' types are text (as in a module with `from __future__ import annotations`), made
    during a start-up: typing compiles each as a forward reference, or takes its code from the cache."""
    startup.begin()
    try:
        class Pair(typing.NamedTuple):  # the fields' types are text here (the module's __future__ import)
            left: int
            right: list[str]
    finally:
        compiled = vars(dataclasses)["exec"].compiled
        startup.end()
        gc.unfreeze()
    assert compiled == (0 if cached else 2)
    assert "compile" not in vars(typing)
    return Pair


def test_typings_forward_references_are_compiled_once(cache_home: Path) -> None:
    _pair_class(cached=False)
    pair = _pair_class(cached=True)
    assert typing.get_type_hints(pair) == {"left": int, "right": list[str]} and pair(1, ["a"]).right == ["a"]


def test_end_without_begin_changes_nothing() -> None:  # cli.main called from Python, as the tests do
    assert gc.isenabled()
    startup.end()
    assert gc.isenabled() and gc.get_freeze_count() == 0


@pytest.mark.parametrize("content", [
    b"", b"garbage", marshal.dumps((startup._COMPILER, {})),  # not the format
    usercache.with_parts(("2.7", {}), []), usercache.with_parts((sys.version, {}), []),  # another interpreter's
    usercache.with_parts((startup._COMPILER, [1]), []),
    usercache.with_parts((startup._COMPILER, {"def f(): pass": (0, 99)}), [b"short"]),  # a part past the end
    usercache.with_parts((startup._COMPILER, {"def f(): pass": (0, -1)}), [b""]),
])
def test_a_corrupt_or_foreign_cache_is_ignored_and_replaced(cache_home: Path, content: bytes) -> None:
    cache_home.mkdir()
    cache = cache_home / f"dataclass-code-{sys.implementation.cache_tag}.marshal"
    cache.write_bytes(content)
    point = _point_class(6)
    read = usercache.head_and_parts(cache.read_bytes())
    assert point(5).x == 5 and read is not None and read[0][0] == startup._COMPILER


def test_a_cached_text_whose_code_does_not_read_back_is_compiled(cache_home: Path) -> None:
    _point_class(6)
    cache = cache_home / f"dataclass-code-{sys.implementation.cache_tag}.marshal"
    read = usercache.head_and_parts(cache.read_bytes())
    assert read is not None
    (compiler, where), code = read
    parts = [bytes(code[at:at + size]) for at, size in where.values()]
    parts[0] = b"not marshal data"
    cache.write_bytes(usercache.with_parts((compiler, dict(zip(where, usercache.spans(parts), strict=True))), parts))
    point = _point_class(1)
    assert point(1) == point(1, 2)


INSPECT_AT_FIRST_USE = """
import sys
from wow64emu import startup
startup.begin()
import dataclasses
before = "inspect" in sys.modules
@dataclasses.dataclass
class Documented:
    '''Has its docstring.'''
    x: int
documented = "inspect" in sys.modules
@dataclasses.dataclass
class Bare:
    x: int
import inspect
print(before, documented, "inspect" in sys.modules, Bare.__doc__, Documented.__doc__, type(inspect).__name__)
"""


def test_inspect_is_imported_at_its_first_use_by_dataclasses_and_is_the_real_module_to_everyone() -> None:
    done = subprocess.run([sys.executable, "-c", INSPECT_AT_FIRST_USE], capture_output=True, timeout=60, text=True)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["False", "False", "True", "Bare(x:", "int)", "Has", "its", "docstring.", "module"]


EXIT_AT_ONCE = """
import atexit, sys, threading, time
from wow64emu import __main__ as entry
LOG = sys.argv[1]
def note(text):
    with open(LOG, "a") as log:
        log.write(text + "\\n")
atexit.register(note, "atexit ran")
threading.Thread(target=lambda: (time.sleep(0.2), note("thread ended"))).start()
sys.stdout.write("buffered, not yet flushed: ")
sys.argv = ["wow64emu", "run", sys.argv[2], "300"]
entry.command()
print("never here")
"""


def test_the_command_exits_at_once_after_its_atexit_callbacks_threads_and_streams(tmp_path: Path) -> None:
    exitcode = Path(__file__).resolve().parents[1] / "fixtures" / "bin" / "x86" / "exitcode.exe"
    done = subprocess.run([sys.executable, "-c", EXIT_AT_ONCE, str(tmp_path / "log"), str(exitcode)],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 300 & 0xFF  # what exit() makes of the status, as sys.exit would
    assert done.stdout == "buffered, not yet flushed: " and "never here" not in done.stdout
    assert (tmp_path / "log").read_text() == "thread ended\natexit ran\n"  # the threads first, as Python does
