"""What a test made on a C: drive: a root's entries without the standard folders every volume makes
(wow64emu.kernel.volume.STANDARD_FOLDERS: Program Files, ProgramData, Users, Windows...)."""

from __future__ import annotations

from pathlib import Path

from wow64emu.kernel.volume import STANDARD_FOLDERS

STANDARD_TOP = frozenset(folder.split("\\")[0] for folder in STANDARD_FOLDERS)
# Every folder the volume makes, as a relative POSIX path: "Program Files", "Program Files/Common Files", ...
STANDARD_PATHS = frozenset("/".join(folder.split("\\")[:n]) for folder in STANDARD_FOLDERS
                           for n in range(1, folder.count("\\") + 2))


def own_entries(root: Path) -> list[str]:
    """The names of a drive's root, sorted, but for the standard folders' (as the volume made them)."""
    return sorted(p.name for p in root.iterdir() if p.name not in STANDARD_TOP)


def without_standard(names: list[str]) -> list[str]:
    """A listing of a drive's root (as a guest got it), without the standard folders' names."""
    return [name for name in names if name not in STANDARD_TOP]
