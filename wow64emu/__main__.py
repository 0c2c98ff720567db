"""`python -m wow64emu` (and the `wow64emu` script) is the `wow64emu` command.

The cyclic garbage collector is off while the command starts: importing the emulator and making the first process
allocate a few hundred thousand objects that live as long as the run, and the collector went through them some
45 times (about 10 ms of a 200 ms start). The command turns it back on once its start-up is done
(cli.end_of_startup).
"""

import gc
import sys


def main() -> int:
    gc.disable()
    from .cli import main as cli_main

    return cli_main()


if __name__ == "__main__":
    sys.exit(main())
