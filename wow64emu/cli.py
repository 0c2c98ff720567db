"""The command line: `wow64emu run`, `wow64emu vad`, `wow64emu reg`, `wow64emu timeline`, `wow64emu syscalls`,
`wow64emu bench`.

Every failure of the emulator itself ends in one line `wow64emu: error: ...` and exit code 2; a Python traceback
is shown only when WOW64EMU_DEBUG is set. Option values and paths are checked before any work is done: a bad one
is one line and exit code 2 too. Output into a closed pipe (`wow64emu syscalls | head -1`) ends quietly; a closed
standard stream is, to the guest, a console handle whose reads end at once and whose writes fail.
"""

from __future__ import annotations

import contextlib
import io
import os
import sys
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace
from typing import TYPE_CHECKING, BinaryIO, TextIO

from . import log, startup
from .emu.physical import DEFAULT_COMMIT_LIMIT
from .errors import EXIT_EMULATOR_ERROR, EmulatorError
from .kernel.console import StdStreams
from .nt.status import NTSTATUS

if TYPE_CHECKING:
    import logging
    from argparse import Namespace

    from .emu.trace import Tracer
    from .loader.environment import Environment

EXIT_INTERRUPTED = 130  # 128 + SIGINT, as a shell reports a program Ctrl-C ended
EXIT_BROKEN_PIPE = 141  # 128 + SIGPIPE, as a shell reports a program whose reader went away


@contextlib.contextmanager
def _guest_root(root: Path | None) -> Iterator[Path]:
    if root is not None:
        try:
            root.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise EmulatorError(f"--root {root}: {exc.strerror}") from None
        yield root
        return
    folder = _temporary_folder("wow64emu-c-")
    try:
        yield Path(folder)
    finally:
        _remove_folder(folder)


def _temporary_folder(prefix: str) -> str:
    """A new folder of the user's alone in the first of the host's temporary folders where one can be made (TMPDIR,
    TEMP, TMP, then the system's), as tempfile.mkdtemp makes it, without importing tempfile (which imports shutil,
    random and their compression modules: some 5 ms of a start)."""
    for base in (os.environ.get("TMPDIR"), os.environ.get("TEMP"), os.environ.get("TMP"), "/tmp", "/var/tmp"):
        for _ in range(8) if base else ():
            folder = os.path.join(base, prefix + os.urandom(6).hex())
            try:
                os.mkdir(folder, 0o700)
            except FileExistsError:
                continue
            except OSError:
                break
            return os.path.abspath(folder)
    import tempfile  # a host without those (Windows): the module knows its folders

    return tempfile.mkdtemp(prefix=prefix)


def _remove_folder(folder: str) -> None:
    """Remove the run's temporary drive: an empty folder when its program never used it, else with all it holds."""
    try:
        os.rmdir(folder)
    except OSError:
        import shutil

        shutil.rmtree(folder)


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
    from .emu.trace import Sink, TextSink, Tracer  # here: a run without a trace imports none of it

    if trace_format == "chrome":
        from .emu.tracechrome import ChromeSink

        sink: Sink = ChromeSink(out)
    elif trace_format == "jsonl":
        from .emu.tracejsonl import JsonlSink

        sink = JsonlSink(out)
    else:
        sink = TextSink(out)
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


def _environment(ns: Namespace) -> Environment:
    """The first process's parent's block: the fresh session's, with --env-file's then --env's assignments."""
    from .loader.environment import apply_assignments, default_environment

    assignments = [a for file in ns.env_file for a in file] + ns.env
    return apply_assignments(default_environment(), assignments)


def end_of_startup() -> None:
    """What the command does only while it starts (startup.py) is over."""
    startup.end()


def cmd_run(ns: Namespace) -> int:
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
                          wait_children=not ns.no_wait_children, drive_on_demand=ns.root is None)
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


def cmd_vad(ns: Namespace) -> int:
    from .emu.trace import TextSink, Tracer, step_observer
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


def cmd_timeline(ns: Namespace) -> int:
    import json

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


def cmd_reg(ns: Namespace) -> int:
    from .reg.command import main as reg_main

    with _guest_root(ns.root) as root:
        return reg_main(root, ns.operation)


def cmd_syscalls(ns: Namespace) -> int:
    import json

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


class _OncePerMessage:
    """Lets each message through the first time only, and counts the repeats: a guest that asks a thousand times
    for what is not implemented gets one line, and a count at the end (summary()). Of the messages of one kind (one
    format and the same names, other numbers: a sweep of information classes) the first ten are shown, and the
    others counted; and at most a thousand kinds are kept, so that what is kept stays small whatever the guest
    does."""

    SHOWN_PER_KIND = 10
    KINDS = 1000

    def __init__(self) -> None:
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
        import logging

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
    import logging

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
    ns = parse_args(sys.argv[1:] if argv is None else argv)
    verbose = getattr(ns, "verbose", False)
    once: list[_OncePerMessage] = []  # set up with the first message let through (log.py)
    log.level(log.INFO if verbose else log.WARNING, lambda: once.append(_setup_logging(verbose)))
    try:
        return _command(ns)
    finally:
        log.level(0, None)
        for line in once[0].summary() if once else ():
            print(line, file=sys.stderr)


# The options of `run` as argparse leaves those not given (arguments.py; a test holds the two to the same values).
RUN_DEFAULTS = {"root": None, "trace": None, "trace_format": "text", "trace_out": None, "max_insns": 0,
                "timeout": 60.0, "seed": None, "memory_limit": DEFAULT_COMMIT_LIMIT, "verbose": False,
                "registry": None, "registry_reflection": False, "env": [], "env_file": [], "elevated": False,
                "no_wait_children": False, "no_virtualization": False}


def parse_args(argv: list[str]) -> Namespace:
    """The command line: a plain `run PROGRAM [ARGS...]`, the form of nearly every run, read here (everything after
    the program is its own, as argparse reads it); any other by argparse (arguments.py)."""
    if len(argv) >= 2 and argv[0] == "run" and not argv[1].startswith("-"):
        return SimpleNamespace(command="run", **{**RUN_DEFAULTS, "env": [], "env_file": []},  # type: ignore[return-value]
                               program=Path(argv[1]), args=argv[2:])
    from .arguments import build_parser

    return build_parser().parse_args(argv)


def _command(ns: Namespace) -> int:
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
