"""`python -m wow64emu` is the `wow64emu` command."""

import sys

from .cli import main

sys.exit(main())
