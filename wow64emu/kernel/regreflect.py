"""Registry reflection, as Windows Vista and Server 2008 had it (`--registry-reflection`; Windows 7 removed it).

Under the reflected keys (`HKLM\\SOFTWARE\\Classes`, `HKLM\\SOFTWARE\\Microsoft\\COM3`, `...\\EventSystem`,
`...\\Ole`, `...\\Rpc` and each user's classes), which that table redirects (regredirect.RULES_VISTA), the two
views' copies are kept alike: when a handle of such a key is closed, the key's values are copied to the other
view's copy if the key was written after that copy was (last writer wins), the copy made if missing. Under `CLSID`
only out-of-process servers are reflected: a class whose key has `LocalServer32` and neither `InprocServer32` nor
`InprocHandler32` (the whole class key is copied then, with its subkeys). An empty `DllSurrogate` or
`DllSurrogateExecutable` under `AppID` is not reflected. A key whose reflection was switched off
(RegDisableReflectionKey: bit REFLECTION_DISABLED of its WoW64 flags, NtSetInformationKey(KeyWow64FlagsInformation)),
or that of a parent up to the reflected key, is left alone.
"""

from __future__ import annotations

from .dirindex import upcase
from .registry_store import KeyRecord, RegistryStore
from .regredirect import NODE, RULES_VISTA, VIEW_32, VIEW_64, Rule, logical_name, stored_name

REFLECTION_DISABLED = 0x1  # in a key's WoW64 flags (guest/advapi32's RegDisableReflectionKey sets it)

_SOFTWARE = "\\REGISTRY\\MACHINE\\SOFTWARE"
REFLECTED = (_SOFTWARE + "\\Classes", _SOFTWARE + "\\Microsoft\\COM3", _SOFTWARE + "\\Microsoft\\EventSystem",
             _SOFTWARE + "\\Microsoft\\Ole", _SOFTWARE + "\\Microsoft\\Rpc", "\\REGISTRY\\USER\\*\\Software\\Classes",
             "\\REGISTRY\\USER\\*_Classes")
_REFLECTED_RULES = tuple(Rule(tuple(upcase(p) for p in name.split("\\") if p), True) for name in REFLECTED)
_INPROC = ("INPROCSERVER32", "INPROCHANDLER32")
_SURROGATE = ("DLLSURROGATE", "DLLSURROGATEEXECUTABLE")


def _reflected_root(logical: str) -> int | None:
    """How many components of `logical` name the reflected key it is under; None when it is under none."""
    upper = [upcase(p) for p in logical.split("\\") if p]
    return next((len(rule.parts) for rule in _REFLECTED_RULES if rule.matches(upper)), None)


class Reflector:
    """Reflection over one store: `closed(key_id)` is called when a handle of that key is closed."""

    def __init__(self, store: RegistryStore) -> None:
        self.store = store

    def closed(self, key_id: int) -> None:
        stored = self.store.path(key_id)
        logical = logical_name(stored, RULES_VISTA)
        depth = _reflected_root(logical)
        if depth is None or self._disabled(key_id, len([p for p in stored.split("\\") if p]) - depth):
            return
        parts = [p for p in logical.split("\\") if p]
        view = VIEW_32 if logical != stored else VIEW_64
        other_view = VIEW_64 if view == VIEW_32 else VIEW_32
        clsid = len(parts) > depth and upcase(parts[depth]) == "CLSID" and upcase(parts[depth - 1]).endswith("CLASSES")
        if clsid and len(parts) > depth + 1:
            class_key = "\\" + "\\".join(parts[:depth + 2])
            source = self.store.find(stored_name(class_key, view, RULES_VISTA))
            if source is not None and self._out_of_process(source):
                self._copy_tree(source, stored_name(class_key, other_view, RULES_VISTA))
            return
        if clsid:
            return  # the CLSID key itself holds no registration
        source = self.store.key(key_id)
        if source is not None:
            self._copy(source, stored_name(logical, other_view, RULES_VISTA))

    def _disabled(self, key_id: int, levels: int) -> bool:
        """Whether reflection is off for the key or one of its parents up to `levels` above it."""
        record = self.store.key(key_id)
        for _ in range(levels + 1):
            if record is None:
                return False
            if record.user_flags & REFLECTION_DISABLED:
                return True
            record = self.store.key(record.parent) if record.parent is not None else None
        return False

    def _out_of_process(self, class_key: KeyRecord) -> bool:
        names = {upcase(sub.name) for sub in self.store.subkeys(class_key.id)}
        return "LOCALSERVER32" in names and not names & set(_INPROC)

    def _copy_tree(self, source: KeyRecord, target: str) -> None:
        self._copy(source, target)
        for sub in self.store.subkeys(source.id):
            if upcase(sub.name) != upcase(NODE):
                self._copy_tree(sub, f"{target}\\{sub.name}")

    def _copy(self, source: KeyRecord, target: str) -> None:
        """Make `target` hold what `source` holds, unless it was written after `source` (last writer wins)."""
        twin = self.store.find(target)
        if twin is not None and twin.written > source.written:
            return
        twin = twin or self.store.create_path(target)
        values = [v for v in self.store.values(source.id)
                  if not (upcase(v.name) in _SURROGATE and v.data in (b"", b"\0\0"))]
        wanted = {upcase(v.name) for v in values}
        for old in list(self.store.values(twin.id)):
            if upcase(old.name) not in wanted:
                self.store.delete_value(twin.id, old.name)
        for value in values:
            self.store.set_value(twin.id, value.name, value.type, value.data)
        self.store.set_written(twin.id, source.written)
