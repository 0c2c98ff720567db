"""UAC registry virtualization: where the configuration manager puts what a virtualized process may not write.

Windows Vista and later virtualize a process whose token has TokenVirtualizationEnabled (a standard user's 32-bit
interactive process without a `requestedExecutionLevel` in its manifest; token.py's `Token.virtualization`, set at
process creation). Microsoft's "Registry Virtualization" says what happens, and the kernel here does it as the
configuration manager does, before any access check:
- Keys under `HKLM\\SOFTWARE` are virtualized, but for `Classes`, `Microsoft\\Windows`, `Microsoft\\Windows NT` and
  everything below them. A key's copy is in the user's virtual store,
  `HKCU\\Software\\Classes\\VirtualStore\\MACHINE\\SOFTWARE\\...` (the user's classes hive: `virtual_name`); a 32-bit
  view's key keeps its `Wow6432Node` there.
- An open or create of a virtualized key finds its copy first when the virtual store has one (so what the process
  wrote is what it reads back). Otherwise a new key the real parent's security refuses is made in the virtual store
  (with the keys on the way), and an existing key opened with a write right its security refuses is copied there
  as an empty key opened in its place: the handle's values are the copy's, and a value the copy lacks is read from
  the real key (`KeyObject.real_id`); a name relative to the handle starts from the real key, and is virtualized in
  its turn.
- Each such open is a `redirect` event of the kernel layer in the trace, kind `virtualize`.
Not done: the merged enumerations (NtEnumerateKey and NtEnumerateValueKey of a virtualized handle list the copy's
subkeys and values only) and the key flags (REG_KEY_DONT_VIRTUALIZE...) of NtSetInformationKey.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .dirindex import upcase
from .errors import NtError
from .handles import GENERIC_ALL, GENERIC_WRITE
from .registry_defaults import USER
from .registry_keys import KEY_CREATE_LINK, KEY_CREATE_SUB_KEY, KEY_SET_VALUE, MAX_DEPTH, Resolved

if TYPE_CHECKING:
    from .registry_keys import Registry
    from .threadobject import Thread

_SOFTWARE = "\\REGISTRY\\MACHINE\\SOFTWARE"
VIRTUAL_STORE = f"{USER}_Classes\\VirtualStore\\MACHINE\\SOFTWARE"
_EXCLUDED = ("CLASSES", "MICROSOFT\\WINDOWS", "MICROSOFT\\WINDOWS NT")
DELETE, WRITE_DAC, WRITE_OWNER = 0x00010000, 0x00040000, 0x00080000
WRITE_RIGHTS = KEY_SET_VALUE | KEY_CREATE_SUB_KEY | KEY_CREATE_LINK | DELETE | WRITE_DAC | WRITE_OWNER | (
    GENERIC_WRITE | GENERIC_ALL)


def virtual_name(path: str) -> str | None:
    """The name of a key's copy in the virtual store; None for a key that is not virtualized."""
    up = upcase(path.rstrip("\\"))
    if up != _SOFTWARE and not up.startswith(_SOFTWARE + "\\"):
        return None
    rest = path.rstrip("\\")[len(_SOFTWARE):].lstrip("\\")
    upper_rest = upcase(rest)
    if any(upper_rest == key or upper_rest.startswith(key + "\\") for key in _EXCLUDED):
        return None
    return VIRTUAL_STORE + ("\\" + rest if rest else "")


def _trace(thread: Thread, real: str, virtual: str) -> None:
    tracer = thread.process.tracer
    if tracer is not None:
        tracer.emit("kernel", "redirect", f"virtualize {real} -> {virtual} (UAC virtualization)", kind="virtualize",
                    before=real, after=virtual, why="UAC virtualization")


def virtualized(registry: Registry, thread: Thread, full: str, real: Resolved | None, desired: int,
                granted: int, create: bool) -> tuple[Resolved, int | None] | None:
    """Where a virtualized open or create of the key named `full` goes instead of `real` (where the name leads,
    None when a key on the way is missing), with the real key to read missing values from; None: no virtualization.
    `granted` is what the real key's (or, for a new key, its parent's) security grants the caller."""
    if not thread.effective_token().virtualization:
        return None
    virtual = virtual_name(full)
    depth = len([part for part in (virtual or "").split("\\") if part]) - 1  # levels below \REGISTRY
    if virtual is None or depth + 1 > MAX_DEPTH:
        return None  # a copy deeper than the registry allows: the real key's answer stands
    try:
        copy = registry.resolve(None, virtual, False)
    except NtError:
        copy = None
    real_id = real.key.id if real is not None and real.key is not None else None
    if copy is not None and copy.key is not None:
        _trace(thread, full, virtual)
        return copy, real_id
    if real is None:
        return None
    if real.key is None:
        if not create or granted & KEY_CREATE_SUB_KEY:
            return None
        parent = registry.store.create_path(virtual.rsplit("\\", 1)[0])
        _trace(thread, full, virtual)
        return Resolved(None, parent, real.name, depth), None
    if not desired & WRITE_RIGHTS & ~granted:
        return None
    copy_record = registry.store.create_path(virtual)
    _trace(thread, full, virtual)
    return Resolved(copy_record, None, "", depth), real_id
