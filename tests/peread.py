"""Reading the committed guest images in tests, with pefile, parsed once per path."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pefile


@cache
def parsed(path: Path) -> pefile.PE:
    return pefile.PE(str(path))


def exports(path: Path) -> dict[str, pefile.ExportData]:
    """Export name -> the export's entry (ordinal, address) of a committed image."""
    return {s.name.decode(): s for s in parsed(path).DIRECTORY_ENTRY_EXPORT.symbols if s.name}
