"""Section services: section objects and their views."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from . import Kernel


class SectionServices:
    def __init__(self, kernel: Kernel) -> None:
        self.kernel = kernel
