"""The registry redirector's rules: a key's full NT name and the view it is opened in -> where the key is stored.

Microsoft's "Registry Keys Affected by WOW64" lists, for Windows 7 and later, which keys are redirected (a 32-bit
view sees them under a `Wow6432Node` child) and which are shared (one key for both views); a key not in the table
inherits from its nearest listed parent, and a key with no listed parent is shared. `RULES_WIN7` is that table;
`RULES_VISTA` is the Windows Vista / Server 2008 one, where `HKLM\\SOFTWARE\\Classes` and a few Microsoft keys were
redirected (and reflected: see regreflect.py), used with `--registry-reflection`.

Names are NT names, `\\REGISTRY\\MACHINE\\SOFTWARE\\...` (HKLM) and `\\REGISTRY\\USER\\<SID>\\...` (HKCU; its classes
are also `\\REGISTRY\\USER\\<SID>_Classes`). A name that already has a `Wow6432Node` component names the 32-bit copy
itself and is never rewritten; the 64-bit view is never rewritten. These functions are pure: wow64's thunks of a
32-bit caller (thunks/regthunk.py), registry reflection (regreflect.py) and `wow64emu reg /reg:32` apply them. They
live in the kernel's package so that all three can.
"""

from __future__ import annotations

from dataclasses import dataclass

from .dirindex import upcase

KEY_WOW64_64KEY = 0x0100
KEY_WOW64_32KEY = 0x0200
KEY_WOW64_RES = 0x0300
NODE = "Wow6432Node"

VIEW_32 = 32
VIEW_64 = 64

_HKLM_SOFTWARE = r"\REGISTRY\MACHINE\SOFTWARE"
# Under HKLM\SOFTWARE and under each user's classes: the class subkeys that have a 32-bit copy.
_CLASS_KEYS = ("CLSID", "DirectShow", "Interface", "Media Type", "MediaFoundation")
# The shared keys under HKLM\SOFTWARE (Windows 7 and later), from Microsoft's table.
_SHARED_WIN7 = (
    "Classes", "Classes\\Appid", "Classes\\HCP", "Clients",
    "Microsoft\\COM3", "Microsoft\\Cryptography\\Calais\\Current", "Microsoft\\Cryptography\\Calais\\Readers",
    "Microsoft\\Cryptography\\Services", "Microsoft\\CTF\\SystemShared", "Microsoft\\CTF\\TIP", "Microsoft\\DFS",
    "Microsoft\\Driver Signing", "Microsoft\\EnterpriseCertificates", "Microsoft\\EventSystem", "Microsoft\\MSMQ",
    "Microsoft\\Non-Driver Signing", "Microsoft\\Notepad\\DefaultFonts", "Microsoft\\OLE", "Microsoft\\RAS",
    "Microsoft\\RPC", "Microsoft\\SOFTWARE\\Microsoft\\Shared Tools\\MSInfo", "Microsoft\\SystemCertificates",
    "Microsoft\\TermServLicensing", "Microsoft\\Transaction Server",
    "Microsoft\\Windows\\CurrentVersion\\App Paths",
    "Microsoft\\Windows\\CurrentVersion\\Control Panel\\Cursors\\Schemes",
    "Microsoft\\Windows\\CurrentVersion\\Explorer\\AutoplayHandlers",
    "Microsoft\\Windows\\CurrentVersion\\Explorer\\DriveIcons",
    "Microsoft\\Windows\\CurrentVersion\\Explorer\\KindMap",
    "Microsoft\\Windows\\CurrentVersion\\Group Policy", "Microsoft\\Windows\\CurrentVersion\\Policies",
    "Microsoft\\Windows\\CurrentVersion\\PreviewHandlers", "Microsoft\\Windows\\CurrentVersion\\Setup",
    "Microsoft\\Windows\\CurrentVersion\\Telephony\\Locations",
    "Microsoft\\Windows NT\\CurrentVersion\\Console", "Microsoft\\Windows NT\\CurrentVersion\\FontDpi",
    "Microsoft\\Windows NT\\CurrentVersion\\FontLink", "Microsoft\\Windows NT\\CurrentVersion\\FontMapper",
    "Microsoft\\Windows NT\\CurrentVersion\\Fonts", "Microsoft\\Windows NT\\CurrentVersion\\FontSubstitutes",
    "Microsoft\\Windows NT\\CurrentVersion\\Gre_Initialize",
    "Microsoft\\Windows NT\\CurrentVersion\\Image File Execution Options",
    "Microsoft\\Windows NT\\CurrentVersion\\LanguagePack", "Microsoft\\Windows NT\\CurrentVersion\\NetworkCards",
    "Microsoft\\Windows NT\\CurrentVersion\\Perflib", "Microsoft\\Windows NT\\CurrentVersion\\Ports",
    "Microsoft\\Windows NT\\CurrentVersion\\Print", "Microsoft\\Windows NT\\CurrentVersion\\ProfileList",
    "Microsoft\\Windows NT\\CurrentVersion\\Time Zones", "Policies", "RegisteredApplications",
)
# Windows Vista / Server 2008: Classes and these were redirected (and reflected), the rest of the list shared.
_REFLECTED_VISTA = ("Classes", "Microsoft\\COM3", "Microsoft\\EventSystem", "Microsoft\\OLE", "Microsoft\\RPC")


@dataclass(frozen=True)
class Rule:
    """A key of the table: its name's components (upcased; `*` any component, `*_CLASSES` any ending so),
    whether it is redirected, and for a redirected key how many of those components come before `Wow6432Node`."""

    parts: tuple[str, ...]
    redirected: bool
    node_after: int = 0

    def matches(self, upper: list[str]) -> bool:
        if len(upper) < len(self.parts):
            return False
        for want, have in zip(self.parts, upper, strict=False):
            if want == "*" or (want.startswith("*") and have.endswith(want[1:])):
                continue
            if want != have:
                return False
        return True


def _split(name: str) -> tuple[str, ...]:
    return tuple(upcase(p) for p in name.split("\\") if p)


def _class_rules(classes: str) -> list[Rule]:
    """The redirected class subkeys under one Classes key (their 32-bit copies under `Classes\\Wow6432Node`)."""
    base = _split(classes)
    return [Rule(base + _split(key), True, len(base)) for key in _CLASS_KEYS]


def _table(vista: bool) -> tuple[Rule, ...]:
    software = _split(_HKLM_SOFTWARE)
    rules = [Rule(software, True, len(software))]
    for key in _SHARED_WIN7:
        redirected = vista and key != "Classes\\HCP" and any(
            upcase(key) == upcase(r) or upcase(key).startswith(upcase(r) + "\\") for r in _REFLECTED_VISTA)
        rules.append(Rule(software + _split(key), redirected, len(software)))
    users = (r"\REGISTRY\USER\*\SOFTWARE\Classes", r"\REGISTRY\USER\*_CLASSES")
    if vista:  # each user's whole Classes key had its 32-bit copy in Classes\Wow6432Node
        rules += [Rule(_split(classes), True, len(_split(classes))) for classes in users]
    else:
        rules += _class_rules(_HKLM_SOFTWARE + "\\Classes") + _class_rules(users[0]) + _class_rules(users[1])
    # the longest listed parent decides
    return tuple(sorted(rules, key=lambda r: len(r.parts), reverse=True))


RULES_WIN7 = _table(vista=False)
RULES_VISTA = _table(vista=True)


def view_of(access: int, default: int) -> int:
    """The view a desired-access mask asks for: KEY_WOW64_64KEY or KEY_WOW64_32KEY, else `default`."""
    if access & KEY_WOW64_64KEY:
        return VIEW_64
    if access & KEY_WOW64_32KEY:
        return VIEW_32
    return default


def rule_for(name: str, rules: tuple[Rule, ...] = RULES_WIN7) -> Rule | None:
    """The table's entry that decides for a key: its nearest listed parent (or itself); None when shared."""
    upper = list(_split(name))
    return next((rule for rule in rules if rule.matches(upper)), None)


def stored_name(name: str, view: int, rules: tuple[Rule, ...] = RULES_WIN7) -> str:
    """Where the key `name`, opened in `view`, is stored: the name itself, or with `Wow6432Node` inserted."""
    if view != VIEW_32:
        return name
    parts = [p for p in name.split("\\") if p]
    if any(upcase(p) == upcase(NODE) for p in parts):
        return name
    rule = rule_for(name, rules)
    if rule is None or not rule.redirected:
        return name
    return "\\" + "\\".join(parts[:rule.node_after] + [NODE] + parts[rule.node_after:])


def logical_name(stored: str, rules: tuple[Rule, ...] = RULES_WIN7) -> str:
    """The name a 32-bit view knows a stored key by: `stored` without the `Wow6432Node` the redirector put there
    (a relative open from a handle to `HKLM\\SOFTWARE\\Wow6432Node` starts from `HKLM\\SOFTWARE` in that view)."""
    parts = [p for p in stored.split("\\") if p]
    for index, part in enumerate(parts):
        if upcase(part) == upcase(NODE):
            candidate = "\\" + "\\".join(parts[:index] + parts[index + 1:])
            if upcase(stored_name(candidate, VIEW_32, rules)) == upcase(stored):
                return candidate
            break
    return stored


def hides(child: str, view: int) -> bool:
    """Whether an enumeration in `view` leaves out the subkey `child`: the 32-bit view never lists a `Wow6432Node`
    (under a redirected key its handle is to that node already; under a shared one, such as the Classes roots, the
    node is the 32-bit copies' store, which that view reaches by the redirected names only). One rule for the
    kernel's NtEnumerateKey and NtQueryKey and for `wow64emu reg /reg:32`."""
    return view == VIEW_32 and upcase(child) == upcase(NODE)


def why(name: str, rules: tuple[Rule, ...] = RULES_WIN7) -> str:
    """The reason a trace gives for a rewrite: the table's key that decides for `name`."""
    rule = rule_for(name, rules)
    if rule is None:
        return "not under a redirected key"
    listed = "\\".join(p for p in name.split("\\") if p).split("\\")[:len(rule.parts)]
    return ("redirected key \\" if rule.redirected else "shared key \\") + "\\".join(listed)


def opened_name(base: tuple[str, int] | None, name: str, access: int, default_view: int,
                rules: tuple[Rule, ...] = RULES_WIN7) -> tuple[str, str, int]:
    """Where an open goes: (the name the caller's own words lead to, where the key it means is stored, the view).

    `base` is the RootDirectory key's full name and the KEY_WOW64_* bits its handle was opened with (None for an
    absolute `name`). The view is KEY_WOW64_64KEY / KEY_WOW64_32KEY of `access`, else the handle's, else
    `default_view` (the caller's width); a relative open in the 32-bit view starts from the name the handle's key
    has in that view (without the `Wow6432Node` the redirector put in)."""
    if base is None:
        view = view_of(access, default_view)
        return name, stored_name(name, view, rules), view
    path, bits = base
    base_view = view_of(bits, default_view)
    view = view_of(access, base_view)
    start = logical_name(path, rules) if base_view == VIEW_32 else path
    given = f"{path}\\{name}" if name else path
    return given, stored_name(f"{start}\\{name}" if name else start, view, rules), view
