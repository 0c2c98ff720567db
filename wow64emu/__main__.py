"""`python -m wow64emu` (and the `wow64emu` script) is the `wow64emu` command."""

import gc
import sys

gc.disable()  # before the imports of start-up: begin() keeps it off, end() turns it on
from . import startup  # noqa: E402

# The commands that run guest code: their CPU and memory are begun in the background while the command starts.
_CPU_COMMANDS = frozenset({"run", "vad", "timeline"})


def main() -> int:
    startup.begin()  # until cli.end_of_startup(): see startup.py
    if sys.argv[1:2] and sys.argv[1] in _CPU_COMMANDS:
        from .emu import preload

        preload.start()
    from .cli import main as cli_main

    return cli_main()


if __name__ == "__main__":
    sys.exit(main())
