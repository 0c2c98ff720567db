"""The registry redirector in wow64: NtCreateKey, NtOpenKey and NtOpenKeyEx of a 32-bit caller.

As Windows' wow64.dll does, the thunk works out the full name the caller means (the RootDirectory key's name plus
the relative name: for a handle of the 32-bit view, its name as that view knows it, without the `Wow6432Node` the
redirector put in), the view it asks for (KEY_WOW64_64KEY or KEY_WOW64_32KEY in the desired access, else the
view of the RootDirectory handle, else the 32-bit one), and where that key is stored (regredirect.py). When that is
not where the caller's own name leads, it gives the kernel an OBJECT_ATTRIBUTES of its own in the arena, with the
full stored name and no RootDirectory, and the trace shows a `redirect` event (kind `key`, before, after, why). The
view goes to the kernel in the desired access (KEY_WOW64_32KEY added when the caller gave neither flag), so the new
handle remembers it for the relative opens that start from it.

What the thunk asks the kernel about a RootDirectory handle (its key's full name and the view bits its opener
passed) is `ThunkContext.key_query`, Windows' NtQueryKey(KeyNameInformation) on the handle.
"""

from __future__ import annotations

from ..emu.trace import trace_redirect
from ..kernel.dirindex import upcase
from ..kernel.regredirect import (
    KEY_WOW64_32KEY,
    KEY_WOW64_64KEY,
    KEY_WOW64_RES,
    RULES_VISTA,
    RULES_WIN7,
    VIEW_32,
    logical_name,
    opened_name,
    why,
)
from ..nt.layouts import OBJECT_ATTRIBUTES, UNICODE_STRING
from .context import ThunkContext

_ROOT = OBJECT_ATTRIBUTES.names.index("RootDirectory")
_NAME = OBJECT_ATTRIBUTES.names.index("ObjectName")


def _name_of(ctx: ThunkContext, oa32: int) -> tuple[int, str] | None:
    """The RootDirectory and the name of the caller's OBJECT_ATTRIBUTES (None: no name the redirector reads)."""
    values = OBJECT_ATTRIBUTES.read(ctx.memory.read(oa32, OBJECT_ATTRIBUTES.size(32)), 32)
    if not values[_NAME]:
        return None
    length, _, buffer = UNICODE_STRING.read(ctx.memory.read(values[_NAME], UNICODE_STRING.size(32)), 32)
    if length % 2:
        return None  # the kernel refuses it
    return values[_ROOT], ctx.memory.read(buffer, length).decode("utf-16-le", "surrogatepass") if length else ""


def redirect_key_name(ctx: ThunkContext) -> None:
    """The special part of NtCreateKey, NtOpenKey and NtOpenKeyEx (see the module docstring)."""
    oa32 = ctx.arg32("ObjectAttributes")
    access = ctx.arg32("DesiredAccess")
    named = _name_of(ctx, oa32) if oa32 else None
    if named is None:
        return
    root, name = named
    rules = RULES_VISTA if ctx.registry_reflection else RULES_WIN7
    base = None
    if root:
        base = ctx.key_query(root | (0xFFFFFFFF00000000 if root & 0x80000000 else 0)) if ctx.key_query else None
        if base is None:
            return  # not a key handle: the kernel says what is wrong with it
    elif not upcase(name).startswith("\\REGISTRY"):
        return
    given, target, view = opened_name(base, name, access, VIEW_32, rules)
    if not access & KEY_WOW64_RES:
        ctx.set_arg64("DesiredAccess", access | (KEY_WOW64_32KEY if view == VIEW_32 else KEY_WOW64_64KEY))
    if upcase(target) == upcase(given):
        return
    encoded = target.encode("utf-16-le", "surrogatepass")
    buffer = ctx.alloc(encoded)
    string = ctx.alloc(UNICODE_STRING.write((len(encoded), len(encoded), buffer), 64))
    oa64 = ctx.arg64("ObjectAttributes")
    values = list(OBJECT_ATTRIBUTES.read(ctx.arena.slice(oa64, OBJECT_ATTRIBUTES.size(64), ctx.arena.buf), 64))
    values[_ROOT], values[_NAME] = 0, string
    ctx.set_arg64("ObjectAttributes", ctx.alloc(OBJECT_ATTRIBUTES.write(values, 64)))
    if ctx.tracer is not None:
        trace_redirect(ctx.tracer, "key", given, target, f"{why(logical_name(target, rules), rules)}, {view}-bit view")


SPECIALS = {"NtCreateKey": redirect_key_name, "NtOpenKey": redirect_key_name, "NtOpenKeyEx": redirect_key_name}
