"""Programs built at test time by the standard mingw-w64 toolchain, exactly as a user builds them: its own gcc, its
own import libraries (libkernel32.a, ...), no header or library of this repository. A test that needs one is skipped
when the compiler is absent (CI installs it)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

COMPILERS = {"x86": "i686-w64-mingw32-gcc", "x64": "x86_64-w64-mingw32-gcc"}
# A program without the C runtime (which comes with a later issue): its own entry point, gcc's loop-to-memset
# rewriting off (there is no memset to call).
NO_CRT = ("-O2", "-nostdlib", "-fno-tree-loop-distribute-patterns")


def build(source: str, out: Path, width: str, *, flags: tuple[str, ...] = NO_CRT,
          libs: tuple[str, ...] = ("kernel32",)) -> Path:
    """Compile and link C `source` into `out` for `width` with mingw-w64's gcc; entry point `start` with NO_CRT."""
    compiler = shutil.which(COMPILERS[width])
    if compiler is None:
        pytest.skip(f"{COMPILERS[width]} is not installed")
    src = out.with_suffix(".c")
    src.write_text(source)
    entry = ["-e", "_start" if width == "x86" else "start"] if "-nostdlib" in flags else []
    subprocess.run([compiler, *flags, *entry, str(src), "-o", str(out), *(f"-l{lib}" for lib in libs)],
                   check=True, capture_output=True)
    return out
