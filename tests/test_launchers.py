"""The launchers that pip and setuptools install as a script's .exe, run as users run them: each starts the
interpreter named in the script's shebang as a child process (a 64-bit one from a 32-bit launcher: across the
WoW64 boundary), passes it the script and the user's arguments, waits for it, and exits with its exit code.

- distlib's t32.exe / t64.exe (vendored by pip), as distlib's ScriptMaker builds a script's .exe: the launcher, then
  the shebang line `#!<interpreter>`, then a zip archive holding `__main__.py`; the launcher finds the archive
  appended to itself, reads the shebang before it, puts the child in a job object that kills it on close, and runs
  `"<interpreter>" "<the .exe>" ARGS`.
- setuptools' cli-32.exe / cli-64.exe beside `<name>-script.py`: the launcher reads the script's shebang and runs
  `<interpreter> "<the script>" "ARG"...`.

The interpreter is fixtures/src/pyfake.c: it prints its width and its command line, and exits with the number that
ends it.
"""

from __future__ import annotations

import io
import shutil
import zipfile
from pathlib import Path

import pytest

from tests.test_real_programs import _site_file
from wow64emu.kernel.console import StdStreams
from wow64emu.machine import Machine

BIN = Path(__file__).resolve().parent.parent / "fixtures" / "bin"
INTERPRETERS = {"x64": "64-bit", "x86": "32-bit"}


def drive(root: Path, interpreter: str) -> Path:
    """C:\\Python\\python.exe: the stand-in interpreter of that width."""
    (root / "Python").mkdir(parents=True)
    shutil.copyfile(BIN / interpreter / "pyfake.exe", root / "Python" / "python.exe")
    return root


def run(program: Path, root: Path, *args: str) -> tuple[Machine, int, str, str]:
    streams = StdStreams(io.BytesIO(), io.BytesIO(), io.BytesIO())
    machine = Machine(program, list(args), root=root, streams=streams)
    outcome = machine.run(timeout=120)
    assert outcome.fault is None
    return machine, outcome.exit_status, streams.stdout.getvalue().decode(), streams.stderr.getvalue().decode()


def distlib_script(launcher: Path, target: Path) -> Path:
    """A script's .exe as distlib's ScriptMaker writes it: launcher + shebang + zip with __main__.py."""
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as z:
        z.writestr("__main__.py", "import sys\nsys.exit(0)\n")
    target.write_bytes(launcher.read_bytes() + b"#!C:\\Python\\python.exe\n" + archive.getvalue())
    return target


@pytest.mark.parametrize("interpreter", INTERPRETERS)
@pytest.mark.parametrize("launcher", ["t32.exe", "t64.exe"])
def test_distlibs_launcher_starts_the_interpreter_its_shebang_names(launcher: str, interpreter: str,
                                                                   tmp_path: Path) -> None:
    root = drive(tmp_path, interpreter)
    tool = distlib_script(_site_file("pip", f"_vendor/distlib/{launcher}"), root / "tool.exe")
    machine, status, out, err = run(tool, root, "hello", "two words", "7")
    assert (status, err) == (7, "")
    assert out.splitlines() == [f"pyfake: {INTERPRETERS[interpreter]}",
                                'pyfake: command line "C:\\Python\\python.exe"  "C:\\tool.exe" hello "two words" 7']
    child = machine.children[0].process
    assert (machine.process.wow64, child.wow64) == (launcher == "t32.exe", interpreter == "x86")
    assert child.job is not None and child.job is not machine.process.job  # the launcher's kill-on-close job


@pytest.mark.parametrize("interpreter", INTERPRETERS)
@pytest.mark.parametrize("launcher", ["cli-32.exe", "cli-64.exe"])
def test_setuptools_launcher_runs_the_script_beside_it(launcher: str, interpreter: str, tmp_path: Path) -> None:
    root = drive(tmp_path, interpreter)
    tool = root / "tool.exe"
    shutil.copyfile(_site_file("setuptools", launcher), tool)
    (root / "tool-script.py").write_text("#!C:\\Python\\python.exe\nimport sys\n")
    machine, status, out, err = run(tool, root, "hello", "two words", "9")
    assert (status, err) == (9, "")
    assert out.splitlines() == [f"pyfake: {INTERPRETERS[interpreter]}",
                                'pyfake: command line C:\\Python\\python.exe "\\\\?\\C:\\tool-script.py" "hello" '
                                '"two words" "9"']
    assert machine.children[0].process.wow64 == (interpreter == "x86")
