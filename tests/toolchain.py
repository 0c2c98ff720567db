"""Programs built at test time by the standard mingw-w64 toolchain, exactly as a user builds them: its own gcc, its
own import libraries (libkernel32.a, ...), no header or library of this repository. A test that needs one is skipped
when the compiler is absent (CI installs it)."""

from __future__ import annotations

import io
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest

from wow64emu.kernel.console import StdStreams
from wow64emu.machine import Machine

COMPILERS = {"x86": "i686-w64-mingw32-gcc", "x64": "x86_64-w64-mingw32-gcc"}
CXX_COMPILERS = {"x86": "i686-w64-mingw32-g++", "x64": "x86_64-w64-mingw32-g++"}
# A program without the C runtime (which comes with a later issue): its own entry point, gcc's loop-to-memset
# rewriting off (there is no memset to call).
NO_CRT = ("-O2", "-nostdlib", "-fno-tree-loop-distribute-patterns")


def build(source: str, out: Path, width: str, *, flags: tuple[str, ...] = NO_CRT,
          libs: tuple[str, ...] = ("kernel32",), cxx: bool = False) -> Path:
    """Compile and link C (C++ with `cxx`) `source` into `out` for `width` with mingw-w64's gcc (g++); entry point
    `start` with NO_CRT."""
    name = (CXX_COMPILERS if cxx else COMPILERS)[width]
    compiler = shutil.which(name)
    if compiler is None:
        pytest.skip(f"{name} is not installed")
    src = out.with_suffix(".cpp" if cxx else ".c")
    src.write_text(source)
    entry = ["-e", "_start" if width == "x86" else "start"] if "-nostdlib" in flags else []
    subprocess.run([compiler, *flags, *entry, str(src), "-o", str(out), *(f"-l{lib}" for lib in libs)],
                   check=True, capture_output=True)
    return out


@dataclass(frozen=True)
class Ran:
    """What a program run under the emulator gave: its exit status and its standard output and error."""

    status: int
    stdout: str
    stderr: str


def run_program(program: Path, root: Path, *args: str, stdin: bytes = b"", timeout: float = 60,
                elevated: bool = False) -> Ran:
    """Runs `program` with `args` on the C: drive `root`, the standard streams in buffers (`elevated`: as
    `--elevated` does)."""
    streams = StdStreams(io.BytesIO(stdin), io.BytesIO(), io.BytesIO())
    status = Machine(program, list(args), root=root, streams=streams, elevated=elevated).run(
        timeout=timeout).exit_status
    return Ran(status, streams.stdout.getvalue().decode("latin-1"), streams.stderr.getvalue().decode("latin-1"))


def build_and_run(source: str, tmp_path: Path, width: str, *args: str, name: str = "prog", cxx: bool = False,
                  flags: tuple[str, ...] = ("-O2",), stdin: bytes = b"") -> Ran:
    """A program that uses the C runtime, built as a user builds it (`gcc prog.c -o prog.exe`, no library or
    header of this repository), run on a fresh C: drive under tmp_path."""
    root = tmp_path / f"c_{width}"
    root.mkdir(exist_ok=True)
    program = build(source, tmp_path / f"{name}_{width}.exe", width, flags=flags, libs=(), cxx=cxx)
    return run_program(program, root, *args, stdin=stdin)
