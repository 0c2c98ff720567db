"""The gauntlet (tests/gauntlet/README.md): ordinary C and C++ programs that include nothing of this repository,
built by the commands a user types with mingw-w64's toolchain, run under the emulator in both widths. Each program's
stdout must be the bytes Windows gives (NAME.out), its exit status the one declared, and the 32-bit and 64-bit
builds must agree with each other (the differential oracle)."""

from __future__ import annotations

import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.toolchain import COMPILERS, CXX_COMPILERS, Ran, run_program

GAUNTLET = Path(__file__).parent / "gauntlet"
WIDTHS = ("x86", "x64")
TRIPLETS = {"x86": "i686-w64-mingw32", "x64": "x86_64-w64-mingw32"}
# The toolchain's own run-time DLLs that a dynamically linked g++ program needs beside it.
GCC_DLLS = {"x86": ("libstdc++-6.dll", "libgcc_s_dw2-1.dll"), "x64": ("libstdc++-6.dll", "libgcc_s_seh-1.dll")}
RUN_TIMEOUT = 180.0
_DIRECTIVE = re.compile(r"^//\s*(build|status|needs):\s*(.*?)\s*$")
# What a `// needs:` directive names, and why the emulator does not have it yet: such a program is a strict expected
# failure, which turns into a failure of the suite the day the emulator gains it (remove the directive then).
MISSING: dict[str, str] = {}


@dataclass(frozen=True)
class Variant:
    """One way a program is built: its build line (`gcc`, `g++ -static`, ...)."""

    command: str

    @property
    def driver(self) -> str:
        return self.command.split()[0]

    @property
    def flags(self) -> tuple[str, ...]:
        return tuple(self.command.split()[1:])

    @property
    def label(self) -> str:
        words = (re.sub(r"[^A-Za-z0-9_-]", "", word.replace("+", "x")).lstrip("-") for word in self.command.split())
        return "-".join(words)

    @property
    def dynamic_libstdcxx(self) -> bool:
        """A g++ program linked against the toolchain's DLLs: libstdc++-6.dll and libgcc_s_*.dll go beside it."""
        return self.driver == "g++" and not {"-static", "-static-libstdc++"} & set(self.flags)

    def compiler(self, width: str) -> str:
        return (CXX_COMPILERS if self.driver == "g++" else COMPILERS)[width]


@dataclass(frozen=True)
class Program:
    """A program of tests/gauntlet and what goes with it."""

    source: Path

    @property
    def name(self) -> str:
        return self.source.stem

    def _directives(self, key: str) -> list[str]:
        found = []
        for line in self.source.read_text().splitlines():
            match = _DIRECTIVE.match(line)
            if match is None:
                break
            if match.group(1) == key:
                found.append(match.group(2))
        return found

    @property
    def variants(self) -> list[Variant]:
        return [Variant(c) for c in self._directives("build")] or [Variant("gcc")]

    @property
    def status(self) -> int:
        declared = self._directives("status")
        return int(declared[0]) if declared else 0

    @property
    def needs(self) -> list[str]:
        return self._directives("needs")

    @property
    def args(self) -> list[str]:
        path = self.source.with_suffix(".args")
        return path.read_text().split("\n")[:-1] if path.exists() else []

    @property
    def stdin(self) -> bytes:
        path = self.source.with_suffix(".stdin")
        return path.read_bytes() if path.exists() else b""

    @property
    def width_specific(self) -> bool:
        return self.source.with_suffix(".x86.out").exists()

    def expected(self, width: str) -> str:
        path = self.source.with_suffix(f".{width}.out") if self.width_specific else self.source.with_suffix(".out")
        return path.read_bytes().decode("latin-1")

    def expected_stderr(self) -> str | None:
        path = self.source.with_suffix(".err")
        return path.read_bytes().decode("latin-1") if path.exists() else None


def programs() -> list[Program]:
    return [Program(p) for p in sorted(GAUNTLET.iterdir()) if p.suffix in (".c", ".cpp")]


def build_program(program: Program, variant: Variant, width: str, out_dir: Path) -> Path:
    """`gcc NAME.c -o NAME.exe` (the build line's driver and flags, for `width`'s triplet) into `out_dir`, with the
    toolchain's DLLs copied beside the program when it links against them; returns the program's path."""
    compiler = shutil.which(variant.compiler(width))
    if compiler is None:
        pytest.skip(f"{variant.compiler(width)} is not installed")
    out_dir.mkdir(parents=True, exist_ok=True)
    exe = out_dir / f"{program.name}.exe"
    done = subprocess.run([compiler, *variant.flags, str(program.source), "-o", str(exe)], capture_output=True,
                          text=True)
    if done.returncode != 0:
        raise AssertionError(f"{variant.command} {program.source.name} failed to build:\n{done.stderr}")
    if variant.dynamic_libstdcxx:
        for dll in GCC_DLLS[width]:
            shutil.copyfile(toolchain_dll(width, dll), out_dir / dll)
    return exe


def toolchain_dll(width: str, name: str) -> Path:
    """One of the toolchain's run-time DLLs (/usr/lib/gcc/TRIPLET/VERSION/NAME), asked of the compiler itself."""
    found = subprocess.run([CXX_COMPILERS[width], f"-print-file-name={name}"], capture_output=True, text=True,
                           check=True).stdout.strip()
    if not Path(found).is_absolute():
        pytest.skip(f"the toolchain has no {name}")
    return Path(found)


class Runs:
    """Each (program, variant, width) built and run once a session, on its own fresh C: drive."""

    def __init__(self, factory: pytest.TempPathFactory) -> None:
        self.factory = factory
        self.done: dict[tuple[str, str, str], Ran | BaseException] = {}

    def get(self, program: Program, variant: Variant, width: str) -> Ran | BaseException:
        key = (program.name, variant.label, width)
        if key not in self.done:
            try:
                root = self.factory.mktemp(f"{program.name}-{variant.label}-{width}")
                exe = build_program(program, variant, width, root)
                self.done[key] = run_program(exe, root, *program.args, stdin=program.stdin, timeout=RUN_TIMEOUT)
            except (pytest.skip.Exception, AssertionError):
                raise
            except Exception as exc:  # the emulator's own failure: kept for the other width's differential check
                self.done[key] = exc
        return self.done[key]


@pytest.fixture(scope="session")
def gauntlet_runs(tmp_path_factory: pytest.TempPathFactory) -> Runs:
    return Runs(tmp_path_factory)


def _marks(program: Program) -> list[pytest.MarkDecorator]:
    return [pytest.mark.xfail(reason=f"needs {need}: {MISSING[need]}", strict=True) for need in program.needs]


CASES = [pytest.param(p, v, w, id=f"{p.name}-{v.label}-{w}", marks=_marks(p))
         for p in programs() for v in p.variants for w in WIDTHS]


@pytest.mark.parametrize(("program", "variant", "width"), CASES)
def test_gauntlet(program: Program, variant: Variant, width: str, gauntlet_runs: Runs) -> None:
    ran = gauntlet_runs.get(program, variant, width)
    if isinstance(ran, BaseException):
        raise ran
    assert ran.stdout == program.expected(width)
    expected_stderr = program.expected_stderr()
    if expected_stderr is not None:
        assert ran.stderr == expected_stderr
    assert ran.status == program.status, f"exit status {ran.status}, expected {program.status}"
    if not program.width_specific:
        other_width = "x64" if width == "x86" else "x86"
        other = gauntlet_runs.get(program, variant, other_width)
        if isinstance(other, BaseException):
            pytest.fail(f"the {other_width} build failed under the emulator: {other!r}")
        assert (other.status, other.stdout) == (ran.status, ran.stdout), f"{width} and {other_width} differ"


def test_the_gauntlet_is_complete() -> None:
    """At least 40 programs; each with its expected output; every build variant the gauntlet promises."""
    found = programs()
    assert len(found) >= 40
    for program in found:
        assert program.source.with_suffix(".out").exists() or program.width_specific, program.name
    commands = {v.command for p in found for v in p.variants}
    assert {"gcc", "g++ -static", "g++ -static-libgcc -static-libstdc++", "g++"} <= commands
