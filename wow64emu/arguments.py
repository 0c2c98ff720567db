"""The command line's parser (argparse) and the checks of its option values: a bad value is one line and exit code
2, before any work is done. cli.py reads a plain `run PROGRAM [ARGS...]` itself and imports this module for any other
command line (argparse and its first parser cost some 5 ms of every start)."""

from __future__ import annotations

import argparse
import math
import os
from collections.abc import Callable
from pathlib import Path
from typing import NoReturn

from .emu.physical import DEFAULT_COMMIT_LIMIT
from .errors import EXIT_EMULATOR_ERROR


class _Parser(argparse.ArgumentParser):
    """argparse, with its errors in one line (without the usage that argparse prints before them)."""

    def error(self, message: str) -> NoReturn:
        self.exit(EXIT_EMULATOR_ERROR, f"{self.prog}: error: {message}\n")


def _seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not math.isfinite(value) or value < 0:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of seconds, 0 or more")
    return value


def _count(minimum: int) -> Callable[[str], int]:
    def parse(text: str) -> int:
        try:
            value = int(text, 0)
        except ValueError:
            value = minimum - 1
        if value < minimum:
            raise argparse.ArgumentTypeError(f"{text!r} is not a whole number of {minimum} or more")
        return value
    return parse


_UNITS = {"": 1, "K": 1 << 10, "M": 1 << 20, "G": 1 << 30, "T": 1 << 40}
MIN_MEMORY_LIMIT = 64 << 20  # room for a process and its system DLLs


def _memory_size(text: str) -> int:
    """A size in bytes, or with a unit: 512M, 2G, 1T."""
    number, unit = text.rstrip("KMGTkmgt"), text[len(text.rstrip("KMGTkmgt")):].upper()
    try:
        value = int(number) * _UNITS[unit]
    except (ValueError, KeyError):
        value = -1
    if value < MIN_MEMORY_LIMIT:
        raise argparse.ArgumentTypeError(f"{text!r} is not a size of {MIN_MEMORY_LIMIT >> 20}M or more "
                                         "(bytes, or with K, M, G or T)")
    return value


def _output_file(text: str) -> Path:
    """A file to write: its folder must exist, so that nothing fails after the work is done."""
    path = Path(text)
    if path.is_dir():
        raise argparse.ArgumentTypeError(f"{text}: is a folder")
    if not path.resolve().parent.is_dir():
        raise argparse.ArgumentTypeError(f"{text}: no such folder {str(path.parent)!r}")
    return path


def _window(text: str) -> tuple[float, float]:
    """FROM:TO, milliseconds, 0 <= FROM < TO."""
    start, _, end = text.partition(":")
    try:
        window = (float(start), float(end))
    except ValueError:
        window = (-1.0, -1.0)
    if not (math.isfinite(window[1]) and 0 <= window[0] < window[1]):
        raise argparse.ArgumentTypeError(f"{text!r} is not FROM:TO, in milliseconds, with 0 <= FROM < TO")
    return window


def _root_folder(text: str) -> Path:
    path = Path(text)
    if path.exists() and not path.is_dir():
        raise argparse.ArgumentTypeError(f"{text}: not a folder")
    return path


def _registry_file(text: str) -> tuple[Path, list]:
    """A `.reg` file, read and checked before any work: a malformed one is one line naming its line."""
    from .reg.regfile import RegFileError, parse

    try:
        raw = Path(text).read_bytes()
    except OSError as exc:
        raise argparse.ArgumentTypeError(f"{text}: {exc.strerror}") from None
    try:
        return Path(text), parse(raw, text)
    except RegFileError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _env_assignment(text: str) -> tuple[str, str]:
    from .loader.environment import EnvSyntaxError, parse_assignment

    try:
        return parse_assignment(text)
    except EnvSyntaxError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _env_file(text: str) -> list[tuple[str, str]]:
    """An --env-file, read and checked before any work: a malformed line is one line naming its number."""
    from .loader.environment import EnvSyntaxError, parse_env_file

    try:
        raw = Path(text).read_bytes()
    except OSError as exc:
        raise argparse.ArgumentTypeError(f"{text}: {exc.strerror}") from None
    try:
        return parse_env_file(raw.decode("utf-8-sig"), text)
    except UnicodeDecodeError:
        raise argparse.ArgumentTypeError(f"{text}: not UTF-8 text") from None
    except EnvSyntaxError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="wow64emu", description="Run 32-bit Windows programs through an "
                                     "emulated WoW64 layer, and watch each system call cross it.")
    sub = parser.add_subparsers(dest="command", required=True)
    run = sub.add_parser("run", help="run a PE program (32-bit through WoW64, 64-bit natively)")
    run.add_argument("--root", type=_root_folder, help="the directory that is the guest's C: drive "
                     "(default: a new temporary directory, removed afterwards)")
    run.add_argument("--trace", choices=["syscalls", "exceptions", "process"], action="append",
                     help="trace each system call layer by layer (syscalls, which includes exceptions), each "
                          "exception from the CPU fault to the handler (exceptions), or the steps of process "
                          "creation (process); give it more than once for several")
    run.add_argument("--trace-format", choices=["text", "jsonl", "chrome"], default="text",
                     help="text for reading, jsonl for one JSON object per event, chrome for the Trace Event Format "
                          "that Perfetto and chrome://tracing open (needs --trace-out)")
    run.add_argument("--trace-out", type=_output_file, help="write the trace here (default: stderr)")
    run.add_argument("--max-insns", type=_count(0), default=0, metavar="N",
                     help="stop the guest after N instructions (default: no limit)")
    run.add_argument("--timeout", type=_seconds, default=60.0, metavar="SECONDS",
                     help="stop the guest after this wall-clock time (default: 60; 0 = none)")
    run.add_argument("--seed", type=int, metavar="N",
                     help="interleave threads in another order, drawn from a generator seeded with N (default: the "
                          "next thread in creation order; either way the same program runs the same way every time)")
    run.add_argument("--memory-limit", type=_memory_size, default=DEFAULT_COMMIT_LIMIT, metavar="SIZE",
                     help="the most memory the guest may commit, as Windows' commit limit (default: 4G); past it "
                          "the guest gets STATUS_COMMITMENT_LIMIT")
    run.add_argument("-v", "--verbose", action="store_true", help="also log what the emulator does not implement "
                     "quietly")
    run.add_argument("--registry", type=_registry_file, metavar="FILE.reg", action="append",
                     help="import this regedit file into the root's registry before the run (as `wow64emu reg "
                          "import`); give it more than once for several")
    run.add_argument("--registry-reflection", action="store_true",
                     help="Windows Vista / Server 2008's registry: HKLM\\SOFTWARE\\Classes redirected, and the "
                          "reflected keys copied between the two views when a key is closed")
    run.add_argument("--env", type=_env_assignment, action="append", default=[], metavar="NAME=VALUE",
                     help="set a variable in the program's environment (a fresh Windows session's, not the host's); "
                          "NAME= removes it; give it more than once for several")
    run.add_argument("--env-file", type=_env_file, action="append", default=[], metavar="FILE",
                     help="set the variables of FILE's NAME=VALUE lines (# starts a comment line), before --env's")
    run.add_argument("--elevated", action="store_true",
                     help="run as an administrator after UAC elevation (the Administrators group, high integrity, "
                          "the administrator's privileges): HKLM and the protected folders are writable")
    run.add_argument("--no-wait-children", action="store_true",
                     help="end the run when the program's own process ends, not when every process it started has")
    run.add_argument("--no-virtualization", action="store_true",
                     help="no UAC virtualization for a 32-bit program without an execution level in its manifest "
                          "(by default its writes to HKLM\\SOFTWARE go to the user's VirtualStore, as on Windows)")
    run.add_argument("program", type=Path)
    run.add_argument("args", nargs=argparse.REMAINDER)
    reg = sub.add_parser("reg", help="reg.exe's query, add, delete, import and export on a root's registry")
    reg.add_argument("--root", type=_root_folder, help="the guest's C: drive whose registry to use "
                     "(default: a temporary directory)")
    reg.add_argument("operation", nargs=argparse.REMAINDER, metavar="OPERATION [ARGS...]",
                     help="as for reg.exe: query KEY [/v NAME | /ve] [/s], add KEY [/v NAME | /ve] [/t TYPE] "
                     "[/d DATA] [/f], delete KEY [/v NAME | /ve | /va] [/f], import FILE, export KEY FILE [/y]; "
                     "each with /reg:32 or /reg:64")
    calls = sub.add_parser("syscalls", help="list the system-call table")
    calls.add_argument("--json", action="store_true")
    vad = sub.add_parser("vad", help="the address space of a new process, as WinDbg's !vad lists it")
    vad.add_argument("--json", action="store_true", help="a list of objects instead of the listing")
    vad.add_argument("--svg", type=_output_file, metavar="FILE", help="also draw the address space into FILE")
    vad.add_argument("--after", metavar="STEP", help="stop process creation after this step (see --trace process)")
    vad.add_argument("--trace", choices=["process"], help="narrate the creation steps on stderr")
    vad.add_argument("--root", type=_root_folder, help="the guest's C: drive (default: a temporary directory)")
    vad.add_argument("program", type=Path)
    vad.add_argument("args", nargs=argparse.REMAINDER)
    timeline = sub.add_parser("timeline", help="draw a Chrome trace (--trace-format chrome) as an SVG timeline")
    timeline.add_argument("trace", type=Path, metavar="TRACE.json")
    timeline.add_argument("--svg", type=_output_file, metavar="FILE", required=True, help="the picture to write")
    timeline.add_argument("--title", help="the picture's title (default: the trace's file name)")
    timeline.add_argument("--window", type=_window, metavar="FROM:TO", help="draw only this part of the run, in "
                          "milliseconds from its first event (default: all of it)")
    bench = sub.add_parser("bench", help="measure the cost of the WoW64 path against the native one")
    bench.add_argument("--calls", type=_count(1), default=20000, metavar="N", help="system calls per measurement")
    bench.add_argument("--repeat", type=_count(1), default=3, metavar="R", help="keep the best of R runs")
    bench.add_argument("--json", type=_output_file, metavar="FILE", help="also write the figures as JSON")
    bench.add_argument("--speakeasy", metavar="PYTHON", default=os.environ.get("WOW64EMU_SPEAKEASY_PYTHON"),
                       help="a Python interpreter with speakeasy installed: compare against it "
                            "(default: $WOW64EMU_SPEAKEASY_PYTHON)")
    return parser
