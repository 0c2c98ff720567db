"""What the tests that press Ctrl-C in a child emulator share."""

from __future__ import annotations

import signal


def default_sigint() -> None:
    """The child's preexec_fn: SIGINT handled by default, as in a terminal. A test run started in the background
    (`pytest &` in a script) ignores SIGINT, its children with it, and an emulator started so ignores Ctrl-C as any
    program would."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)

