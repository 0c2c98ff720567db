"""The command line: `wow64emu run`, `wow64emu vad`, `wow64emu reg`, `wow64emu timeline`, `wow64emu syscalls`,
`wow64emu bench`.

Every failure of the emulator itself ends in one line `wow64emu: error: ...` and exit code 2; a Python traceback
is shown only when WOW64EMU_DEBUG is set. Option values and paths are checked before any work is done: a bad one
is one line and exit code 2 too. Output into a closed pipe (`wow64emu syscalls | head -1`) ends quietly; a closed
standard stream is, to the guest, a console handle whose reads end at once and whose writes fail.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import logging
import math
import os
import sys
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO, NoReturn, TextIO

from . import startup
from .emu.physical import DEFAULT_COMMIT_LIMIT
from .emu.trace import JsonlSink, Sink, TextSink, Tracer
from .errors import EmulatorError
from .kernel.console import StdStreams
from .nt.status import NTSTATUS

if TYPE_CHECKING:
    from .loader.environment import Environment

EXIT_EMULATOR_ERROR = 2
EXIT_INTERRUPTED = 130  # 128 + SIGINT, as a shell reports a program Ctrl-C ended
EXIT_BROKEN_PIPE = 141  # 128 + SIGPIPE, as a shell reports a program whose reader went away


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


@contextlib.contextmanager
def _guest_root(root: Path | None) -> Iterator[Path]:
    if root is not None:
        try:
            root.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise EmulatorError(f"--root {root}: {exc.strerror}") from None
        yield root
        return
    with tempfile.TemporaryDirectory(prefix="wow64emu-c-") as tmp:
        yield Path(tmp)


@contextlib.contextmanager
def _trace_stream(path: Path | None) -> Iterator[TextIO]:
    if path is None:
        yield sys.stderr
        return
    with open(path, "w", encoding="utf-8") as fh:
        yield fh


@contextlib.contextmanager
def _tracer(trace_format: str | None, out: TextIO) -> Iterator[Tracer | None]:
    """A tracer writing `out` in the format asked for (none if None), closed however the run ends: the trace is a
    whole file even when the run was interrupted or failed."""
    if trace_format is None:
        yield None
        return
    if trace_format == "chrome":
        from .emu.tracechrome import ChromeSink

        sink: Sink = ChromeSink(out)
    else:
        sink = JsonlSink(out) if trace_format == "jsonl" else TextSink(out)
    tracer = Tracer(sink)
    try:
        yield tracer
    finally:
        tracer.close()


def _check_program(program: Path) -> None:
    """The one-line error for a program that is not a regular file."""
    if not program.exists():
        raise EmulatorError(f"{program}: no such file")
    if program.is_dir():
        raise EmulatorError(f"{program}: is a folder, not a program")
    if not program.is_file():
        raise EmulatorError(f"{program}: not a regular file")


def _environment(ns: argparse.Namespace) -> Environment:
    """The first process's parent's block: the fresh session's, with --env-file's then --env's assignments."""
    from .loader.environment import apply_assignments, default_environment

    assignments = [a for file in ns.env_file for a in file] + ns.env
    return apply_assignments(default_environment(), assignments)


def end_of_startup() -> None:
    """What the command does only while it starts (startup.py) is over."""
    startup.end()


def cmd_run(ns: argparse.Namespace) -> int:
    from .machine import Machine

    if ns.trace and ns.trace_format == "chrome" and ns.trace_out is None:
        raise EmulatorError("--trace-format chrome writes a file: give it with --trace-out FILE")
    _check_program(ns.program)
    streams = _host_streams()
    with _guest_root(ns.root) as root, _trace_stream(ns.trace_out if ns.trace else None) as trace_out, \
            _tracer(ns.trace_format if ns.trace else None, trace_out) as tracer:
        if ns.registry:
            from .reg.command import seed

            seed(root, [blocks for _, blocks in ns.registry])
        machine = Machine(ns.program, ns.args, root=root, streams=streams, tracer=tracer,
                          trace=frozenset(ns.trace or ()), memory_limit=ns.memory_limit,
                          registry_reflection=ns.registry_reflection, environment=_environment(ns),
                          elevated=ns.elevated, virtualization=not ns.no_virtualization,
                          wait_children=not ns.no_wait_children)
        end_of_startup()
        if ns.seed is not None:
            machine.system.scheduler.seed(ns.seed)
        outcome = machine.run(max_insns=ns.max_insns, timeout=ns.timeout)
    if sys.stdout is not None:
        sys.stdout.flush()
    status = outcome.exit_status & 0xFFFFFFFF
    if outcome.fault is not None:
        print(f"wow64emu: {outcome.fault.describe()}", file=sys.stderr)
    if status > 0xFF:
        name = NTSTATUS.name_of(status)
        named = f" ({name})" if name.startswith("STATUS_") else ""
        print(f"wow64emu: exit status 0x{status:08X}{named}", file=sys.stderr)
    return status & 0xFF


def cmd_vad(ns: argparse.Namespace) -> int:
    from .emu.trace import step_observer
    from .emu.vadview import render_json, render_svg, render_text
    from .kernel.system import System
    from .loader.process import create_process, step_names

    if ns.after is not None and ns.after not in step_names():
        raise EmulatorError(f"--after {ns.after}: no such step (the steps: {', '.join(step_names())})")
    _check_program(ns.program)
    streams = _host_streams()
    tracer = Tracer(TextSink(sys.stderr)) if ns.trace else None
    on_step = step_observer(tracer) if tracer else None
    with _guest_root(ns.root) as root:
        created = create_process(System(root, streams), ns.program, ns.args, on_step=on_step,
                                 stop_after=ns.after)
        rows = created.vad_rows()
    print(render_json(rows) if ns.json else render_text(rows))
    if ns.svg is not None:
        kind = "WoW64" if created.process.wow64 else "64-bit"
        after = f", after {ns.after}" if ns.after else ""
        ns.svg.write_text(render_svg(rows, title=f"{ns.program.name} ({kind}{after})"), encoding="utf-8")
    return 0


def cmd_timeline(ns: argparse.Namespace) -> int:
    from .emu.timeline import TraceError, render_svg

    try:
        trace = json.loads(ns.trace.read_bytes())
    except OSError as exc:
        raise EmulatorError(f"{ns.trace}: {exc.strerror}") from None
    except ValueError as exc:
        raise EmulatorError(f"{ns.trace}: not JSON ({exc})") from None
    try:
        picture = render_svg(trace, title=ns.title or ns.trace.name, window=ns.window)
    except TraceError as exc:
        raise EmulatorError(f"{ns.trace}: {exc}") from None
    ns.svg.write_text(picture, encoding="utf-8")
    return 0


def cmd_reg(ns: argparse.Namespace) -> int:
    from .reg.command import main as reg_main

    with _guest_root(ns.root) as root:
        return reg_main(root, ns.operation)


def cmd_syscalls(ns: argparse.Namespace) -> int:
    from .kernel.services import service_functions
    from .nt.syscalls import syscalls

    served = set(service_functions())
    rows = [{"name": s.name, "number": s.number, "arg_bytes": s.arg_bytes,
             "args": [{"name": p.name, "kind": p.kind.name} for p in s.params],
             "thunked": True, "served": s.name in served} for s in syscalls()]
    if ns.json:
        print(json.dumps(rows, indent=2))
        return 0
    print(f"{'number':<8} {'name':<32} {'bytes':>5}  {'thunked':<8} {'served':<7} arguments")
    for r in rows:
        kinds = ", ".join(f"{a['kind']} {a['name']}" for a in r["args"])
        print(f"0x{r['number']:04x}   {r['name']:<32} {r['arg_bytes']:>5}  {'yes' if r['thunked'] else 'no':<8} "
              f"{'yes' if r['served'] else 'no':<7} {kinds}")
    return 0


class _OncePerMessage(logging.Filter):
    """Lets each message through the first time only, and counts the repeats: a guest that asks a thousand times
    for what is not implemented gets one line, and a count at the end (summary()). Of the messages of one kind (one
    format and the same names, other numbers: a sweep of information classes) the first ten are shown, and the
    others counted; and at most a thousand kinds are kept, so that what is kept stays small whatever the guest
    does."""

    SHOWN_PER_KIND = 10
    KINDS = 1000

    def __init__(self) -> None:
        super().__init__()
        self.seen: dict[tuple[int, str], int] = {}  # (level, message) -> how many times, for the messages shown
        self._kinds: dict[tuple[int, str, tuple[str, ...]], list] = {}  # -> [shown, not shown, last shown]
        self._unkept = 0  # messages of kinds past KINDS

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        key = (record.levelno, message)
        if key in self.seen:
            self.seen[key] += 1
            return False
        args = record.args if isinstance(record.args, tuple) else ()
        kind_key = (record.levelno, str(record.msg), tuple(a for a in args if isinstance(a, str)))
        kind = self._kinds.get(kind_key)
        if kind is None:
            if len(self._kinds) >= self.KINDS:
                self._unkept += 1
                return False
            kind = self._kinds[kind_key] = [0, 0, ""]
        if kind[0] >= self.SHOWN_PER_KIND:
            kind[1] += 1
            return False
        kind[0] += 1
        kind[2] = message
        self.seen[key] = 1
        return True

    def summary(self) -> list[str]:
        lines = [f"wow64emu: {logging.getLevelName(level)}: {message} ({count} times in all)"
                 for (level, message), count in self.seen.items() if count > 1]
        lines += [f"wow64emu: {logging.getLevelName(level)}: {last}, and {hidden} more like it"
                  for (level, _, _), (_, hidden, last) in self._kinds.items() if hidden]
        if self._unkept:
            lines.append(f"wow64emu: WARNING: {self._unkept} more messages of other kinds not shown")
        return lines


def _setup_logging(verbose: bool) -> _OncePerMessage:
    """The emulator's own diagnostics (what it does not implement, host errors) go to stderr, marked as ours,
    each message once."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("wow64emu: %(levelname)s: %(message)s"))
    once = _OncePerMessage()
    handler.addFilter(once)
    root = logging.getLogger("wow64emu")
    root.handlers[:] = [handler]
    root.setLevel(logging.INFO if verbose else logging.WARNING)
    root.propagate = False
    return once


class _ClosedStream(io.RawIOBase):
    """A standard stream the emulator was started without (`>&-`): reads end at once, writes fail."""

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: object) -> int:
        return 0

    def write(self, data: object) -> int:
        raise OSError(9, "Bad file descriptor")


def _host_streams() -> StdStreams:
    def binary(stream: TextIO | None) -> BinaryIO:
        return stream.buffer if stream is not None else _ClosedStream()  # type: ignore[return-value]
    return StdStreams(binary(sys.stdin), binary(sys.stdout), binary(sys.stderr))


def main(argv: list[str] | None = None) -> int:
    if sys.stderr is None:  # started with stderr closed: our own messages go nowhere (print skips a None stdout)
        sys.stderr = open(os.devnull, "w", encoding="utf-8")  # noqa: SIM115 - lives as long as we do
    ns = build_parser().parse_args(argv)
    once = _setup_logging(getattr(ns, "verbose", False))
    try:
        return _command(ns)
    finally:
        for line in once.summary():
            print(line, file=sys.stderr)


def _command(ns: argparse.Namespace) -> int:
    if ns.command != "run":  # a run's start-up ends when its first process is made (cmd_run)
        end_of_startup()
    try:
        if ns.command == "run":
            return cmd_run(ns)
        if ns.command == "vad":
            return cmd_vad(ns)
        if ns.command == "reg":
            return cmd_reg(ns)
        if ns.command == "timeline":
            return cmd_timeline(ns)
        if ns.command == "bench":
            from .bench import main as bench_main

            return bench_main(ns.calls, ns.repeat, ns.json, ns.speakeasy)
        return cmd_syscalls(ns)
    except EmulatorError as exc:
        for line in str(exc).splitlines() or [""]:  # several problems (the imports a program lacks): a line each
            print(f"wow64emu: error: {line}", file=sys.stderr)
        return EXIT_EMULATOR_ERROR
    except KeyboardInterrupt:
        print("wow64emu: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    except BrokenPipeError:  # whoever read our output went away: nothing more to say, to anyone
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_BROKEN_PIPE
    except Exception as exc:  # the promise: no traceback reaches a user
        if os.environ.get("WOW64EMU_DEBUG"):
            raise
        print(f"wow64emu: error: internal error: {type(exc).__name__}: {exc}", file=sys.stderr)
        return EXIT_EMULATOR_ERROR


if __name__ == "__main__":
    sys.exit(main())
