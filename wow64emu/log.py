"""The emulator's loggers, which import the logging module only for a message that is let through.

Importing logging and setting up the command's handler cost some 4 ms of every start, and a run of a program that
asks for nothing the emulator lacks logs nothing. A Logger stands for logging.getLogger(name): a message below the
command's level (set by level()) is dropped here; the first one at or above it imports logging, runs the command's
set-up (cli.py's handler, each message once) and is handed over, as are all after it. Without a level (the
emulator used from Python, as the tests use it), every message goes to logging, which decides.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

INFO = 20  # logging.INFO and logging.WARNING, without importing logging
WARNING = 30

_level = 0  # the command's level: messages below it are dropped without logging
_set_up: Callable[[], object] | None = None  # run before the first message is handed to logging


def level(threshold: int, set_up: Callable[[], object] | None) -> None:
    """Drop the messages below `threshold` (0: none), and run `set_up` before the first one handed over."""
    global _level, _set_up
    _level, _set_up = threshold, set_up


class Logger:
    """logging.getLogger(name)'s info() and warning(), without logging until a message passes the level."""

    __slots__ = ("name",)

    def __init__(self, name: str) -> None:
        self.name = name

    def info(self, msg: str, *args: Any, **kwargs: Any) -> None:
        if INFO >= _level:
            _logger(self.name).info(msg, *args, stacklevel=2, **kwargs)

    def warning(self, msg: str, *args: Any, **kwargs: Any) -> None:
        if WARNING >= _level:
            _logger(self.name).warning(msg, *args, stacklevel=2, **kwargs)


def getLogger(name: str) -> Logger:  # noqa: N802 - as logging.getLogger
    return Logger(name)


def _logger(name: str) -> Any:
    global _set_up
    import logging

    if _set_up is not None:
        set_up, _set_up = _set_up, None
        set_up()
    return logging.getLogger(name)
