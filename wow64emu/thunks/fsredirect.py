"""The file system redirector of wow64.dll: the rules, as pure functions of a name.

For a 32-bit caller, wow64.dll rewrites the object name of every call that opens or names a file before the 64-bit
call (Windows 7 and later, Windows 10 22H2 the same):

| name under %windir% (C:\\Windows)       | becomes                          | while redirection is disabled |
|----------------------------------------|----------------------------------|-------------------------------|
| System32, System32\\...                 | SysWOW64, SysWOW64\\...           | unchanged                     |
| System32\\ catroot, catroot2, driverstore, drivers\\etc, logfiles, spool (and below) | unchanged | unchanged  |
| lastgood\\system32\\...                  | lastgood\\SysWOW64\\...            | unchanged                     |
| regedit.exe                            | SysWOW64\\regedit.exe             | unchanged                     |
| Sysnative, Sysnative\\...               | System32, System32\\...           | the same: System32            |

Comparisons are case-insensitive (Windows' upcasing); the components that are not rewritten keep their case.
Only the NAME is rewritten, never what it leads to: a junction elsewhere that points at System32 gives the real
System32. The names are NT names on the C: drive (`\\??\\C:\\...`, also spelled `\\\\?\\`, `\\DosDevices\\`,
`\\GLOBAL??\\`; the prefix is kept). A name relative to a RootDirectory is judged by the directory's own name
joined with it, and a rewritten one comes back absolute. 64-bit processes have no wow64.dll: no redirection.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..kernel.dirindex import upcase
from ..kernel.volume import SYSTEM_VOLUME

WINDIR = ("C:", "WINDOWS")  # the process's %windir%, upcased components
_PREFIXES = ("\\??\\", "\\\\?\\", "\\DOSDEVICES\\", "\\GLOBAL??\\")
# Subfolders of System32 that stay System32's for 32-bit callers (upcased components)
EXEMPT = (("CATROOT",), ("CATROOT2",), ("DRIVERSTORE",), ("DRIVERS", "ETC"), ("LOGFILES",), ("SPOOL",))

SYSNATIVE = "Sysnative -> System32"
SYSTEM32 = "System32 -> SysWOW64"
LASTGOOD = "lastgood\\system32 -> lastgood\\SysWOW64"
REGEDIT = "regedit.exe -> SysWOW64\\regedit.exe"


@dataclass(frozen=True)
class Redirection:
    """A rewritten name and the rule that rewrote it."""

    name: str
    why: str


def redirect(name: str, enabled: bool = True) -> Redirection | None:
    """The name a 32-bit caller's absolute NT `name` becomes, or None when it stays as it is.

    `enabled` is the calling thread's switch (TEB64 TLS slot 8 clear); Sysnative is mapped whatever it says.
    """
    split = _split(name)
    if split is None:
        return None
    prefix, parts, trailing = split
    upper = [upcase(p) for p in parts]
    if upper[:2] != list(WINDIR) or len(parts) < 3:
        return None
    folder, rest = upper[2], upper[3:]
    if folder == "SYSNATIVE":
        return _rebuilt(prefix, parts, 2, "System32", trailing, SYSNATIVE)
    if not enabled:
        return None
    if folder == "SYSTEM32":
        if any(tuple(rest[:len(e)]) == e for e in EXEMPT):
            return None
        return _rebuilt(prefix, parts, 2, "SysWOW64", trailing, SYSTEM32)
    if folder == "LASTGOOD" and rest[:1] == ["SYSTEM32"]:
        return _rebuilt(prefix, parts, 3, "SysWOW64", trailing, LASTGOOD)
    if folder == "REGEDIT.EXE" and not rest:
        return Redirection(_join(prefix, [*parts[:2], "SysWOW64", parts[2]], trailing), REGEDIT)
    return None


def redirect_relative(root: str, name: str, enabled: bool = True) -> Redirection | None:
    """For a `name` relative to an open directory whose name is `root` (on the volume's device, as NtQueryObject
    gives it, `\\Device\\HarddiskVolume3\\Windows`, or `\\??\\C:\\Windows`): the absolute name the two make once
    rewritten, or None when it stays as it is (and the name stays relative to its directory)."""
    if name.startswith("\\"):
        return None  # the kernel refuses it: nothing to rewrite
    if upcase(root[:len(SYSTEM_VOLUME) + 1]) == upcase(SYSTEM_VOLUME + "\\"):
        root = "\\??\\C:" + root[len(SYSTEM_VOLUME):]
    joined = root.rstrip("\\") + ("\\" + name if name else "")
    return redirect(joined, enabled)


def _split(name: str) -> tuple[str, list[str], bool] | None:
    """(the prefix up to C:'s backslash excluded, the components from the drive on, a trailing backslash?)."""
    upper = name.upper()
    for prefix in _PREFIXES:
        if upper.startswith(prefix):
            body = name[len(prefix):]
            trailing = body.endswith("\\")
            return name[:len(prefix)], (body[:-1] if trailing else body).split("\\"), trailing
    return None


def _rebuilt(prefix: str, parts: list[str], index: int, folder: str, trailing: bool, why: str) -> Redirection:
    return Redirection(_join(prefix, [*parts[:index], folder, *parts[index + 1:]], trailing), why)


def _join(prefix: str, parts: list[str], trailing: bool) -> str:
    return prefix + "\\".join(parts) + ("\\" if trailing else "")
