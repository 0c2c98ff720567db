"""`python -m wow64emu` (and the `wow64emu` script) is the `wow64emu` command."""

import atexit
import gc
import os
import sys
import threading

gc.disable()  # before the imports of start-up: begin() keeps it off, end() turns it on
from . import startup  # noqa: E402

# The commands that run guest code: their CPU's library and first engine are made in the background as they start.
_CPU_COMMANDS = frozenset({"run", "vad", "timeline"})


def main() -> int:
    startup.begin()  # until cli.end_of_startup(): see startup.py
    if sys.argv[1:2] and sys.argv[1] in _CPU_COMMANDS:
        from .emu import preload

        preload.start()
    from .cli import main as cli_main

    return cli_main()


def command() -> None:
    """The command (`python -m wow64emu`, the `wow64emu` script): main(), then the process ends at once."""
    _exit_at_once(main())


def _exit_at_once(status: int) -> None:
    """End the process as a normal exit ends it, but without the interpreter's teardown of its objects and modules
    one by one (2-3 ms of every run, and the process's memory goes whole anyway): the threads that are not daemons
    are waited for, the atexit callbacks run, the standard streams are flushed; a file object left open unflushed
    would lose what its buffer holds (the command leaves none). Nothing of the run is left to teardown: guest files
    are written through descriptors, the registry commits each change, and the trace and the temporary drive are
    closed and removed before the command returns."""
    for thread in threading.enumerate():
        if thread is not threading.current_thread() and not thread.daemon:
            thread.join()
    atexit._run_exitfuncs()
    for stream in (sys.stdout, sys.stderr):
        try:
            if stream is not None:  # None: the stream was closed when the command started
                stream.flush()
        except (OSError, ValueError):  # a reader gone, a stream closed: nothing more can reach it
            pass
    os._exit(status & 0xFF)  # what exit() makes of the status, as sys.exit would


if __name__ == "__main__":
    command()
