"""Synchronisation services: events, mutants, semaphores, and waiting on them."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from . import Kernel


class SyncServices:
    def __init__(self, kernel: Kernel) -> None:
        self.kernel = kernel
