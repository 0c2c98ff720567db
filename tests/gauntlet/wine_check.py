"""A second opinion on the gauntlet's expected outputs: each program run under Wine (a second opinion only; Windows
decides, see README.md). Not a test: run it by hand where Wine is installed (`wine64` for the x86_64 builds; the x86
builds need Debian's wine32:i386 too):

    PYTHONPATH=. python tests/gauntlet/wine_check.py [--width x86|x64] [NAME...]

Each program is placed at C:\\NAME.exe of a scratch Wine prefix (with the toolchain's DLLs beside it when it links
against them) and run from C:\\ with TZ=UTC, its NAME.args and NAME.stdin; stdout, the exit status and stderr are
compared with NAME.out (or NAME.WIDTH.out), the status line and NAME.err. A program without an expected output yet
has Wine's printed."""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from tests.test_gauntlet import build_program, programs

WINE = {"x64": shutil.which("wine64") or "/usr/lib/wine/wine64", "x86": shutil.which("wine") or "/usr/bin/wine"}


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--width", choices=("x86", "x64"), default="x64")
    parser.add_argument("names", nargs="*")
    options = parser.parse_args()
    wine = WINE[options.width]
    prefix = Path(os.environ.get("WINEPREFIX", Path(tempfile.gettempdir()) / f"gauntlet-wine-{options.width}"))
    env = {**os.environ, "WINEPREFIX": str(prefix), "WINEDEBUG": "-all", "TZ": "UTC"}
    drive = prefix / "drive_c"
    if not drive.exists():
        subprocess.run([wine, "cmd", "/c", "exit"], env=env, capture_output=True, check=False)
    failures = 0
    with tempfile.TemporaryDirectory() as scratch:
        for program in programs():
            if options.names and program.name not in options.names:
                continue
            for variant in program.variants:
                built = build_program(program, variant, options.width, Path(scratch) / variant.label / program.name)
                before = set(os.listdir(drive))
                for file in built.parent.iterdir():
                    shutil.copyfile(file, drive / file.name)
                done = subprocess.run([wine, f"C:\\{program.name}.exe", *program.args], cwd=drive, env=env,
                                      input=program.stdin, capture_output=True, timeout=120, check=False)
                for entry in set(os.listdir(drive)) - before:
                    path = drive / entry
                    shutil.rmtree(path) if path.is_dir() else path.unlink()
                stdout = done.stdout.decode("latin-1")
                try:
                    expected = program.expected(options.width)
                except FileNotFoundError:  # a new program: show what Wine gives, to be read and kept as NAME.out
                    expected = None
                expected_stderr = program.expected_stderr()
                stderr = done.stderr.decode("latin-1")
                same = (stdout == expected and done.returncode == program.status
                        and (expected_stderr is None or stderr == expected_stderr))
                failures += not same
                print(f"{program.name:24} {variant.command:40} {'matches' if same else 'DIFFERS'}"
                      f" (status {done.returncode})")
                if not same:
                    print("    wine:    ", repr(stdout))
                    print("    expected:", repr(expected))
                    if expected_stderr is not None and stderr != expected_stderr:
                        print("    wine's stderr:    ", repr(stderr))
                        print("    expected stderr:", repr(expected_stderr))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
