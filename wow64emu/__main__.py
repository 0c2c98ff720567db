"""`python -m wow64emu` (and the `wow64emu` script) is the `wow64emu` command."""

import sys

from . import startup


def main() -> int:
    startup.begin()  # until cli.end_of_startup(): see startup.py
    from .cli import main as cli_main

    return cli_main()


if __name__ == "__main__":
    sys.exit(main())
