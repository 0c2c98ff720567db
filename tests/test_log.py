"""The emulator's loggers (wow64emu/log.py): a message below the command's level is dropped without logging; the
first one let through runs the command's set-up once, then goes to logging as every later one does."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest

from wow64emu import log


@pytest.fixture(autouse=True)
def _propagating(monkeypatch: pytest.MonkeyPatch) -> None:
    """The emulator's root logger as before any command set it up (caplog sees what reaches the root)."""
    ours = logging.getLogger("wow64emu")
    monkeypatch.setattr(ours, "handlers", [])
    monkeypatch.setattr(ours, "propagate", True)


@pytest.fixture
def command_level() -> Iterator[list[str]]:
    set_up: list[str] = []
    log.level(log.WARNING, lambda: set_up.append("set up"))
    yield set_up
    log.level(0, None)


def test_below_the_level_nothing_is_logged_or_set_up(command_level: list[str], caplog: pytest.LogCaptureFixture,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(log, "_logger", lambda name: pytest.fail("logging reached"))
    log.getLogger("wow64emu.kernel.x").info("quiet %d", 1)
    assert command_level == [] and caplog.records == []


def test_the_first_message_let_through_sets_up_once(command_level: list[str],
                                                    caplog: pytest.LogCaptureFixture) -> None:
    logger = log.getLogger("wow64emu.kernel.x")
    logger.warning("first %s", "one")
    logger.warning("second")
    assert command_level == ["set up"]
    assert [(r.name, r.levelname, r.getMessage()) for r in caplog.records] == [
        ("wow64emu.kernel.x", "WARNING", "first one"), ("wow64emu.kernel.x", "WARNING", "second")]
    assert caplog.records[0].funcName == "test_the_first_message_let_through_sets_up_once"  # the caller's


def test_without_a_level_logging_decides(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level("INFO", logger="wow64emu"):
        log.getLogger("wow64emu.x").info("shown")
    assert [r.getMessage() for r in caplog.records] == ["shown"]
