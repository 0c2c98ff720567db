"""System services: system, thread and token information."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from . import Kernel


class SystemServices:
    def __init__(self, kernel: Kernel) -> None:
        self.kernel = kernel
