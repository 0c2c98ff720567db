"""What wow64.dll does by hand for the configuration manager's calls: NtQueryMultipleValueKey's entries.

Every other registry structure has the same bytes in both widths and passes through. KEY_VALUE_ENTRY holds a
pointer to a UNICODE_STRING, so the thunk rebuilds the array in the arena (each name's UNICODE_STRING widened
beside it) and, after the call, copies each entry's DataLength, DataOffset and Type back into the 32-bit array.
A bad pointer in the array or in a name is STATUS_ACCESS_VIOLATION; an array too big for the per-call arena
(about 1,600 entries) is STATUS_NO_MEMORY, as wow64's allocation of the copy would fail.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..nt.layouts import UNICODE_STRING
from ..nt.registry import KEY_VALUE_ENTRY
from ..nt.status import NTSTATUS

if TYPE_CHECKING:
    from .context import ThunkContext

_RESULT_FIELDS = KEY_VALUE_ENTRY.offset("DataLength", 32)  # DataLength, DataOffset, Type: 12 bytes in both widths


def _query_multiple(ctx: ThunkContext) -> None:
    count = ctx.arg32("EntryCount")
    entries32 = ctx.arg32("ValueEntries")
    size32 = KEY_VALUE_ENTRY.size(32)
    ctx.memory.probe(entries32, count * size32, write=True)
    entries64 = bytearray()
    for i in range(count):
        entry = KEY_VALUE_ENTRY.unpack(ctx.memory.read(entries32 + i * size32, size32), 32)
        name = UNICODE_STRING.unpack(ctx.memory.read(entry["ValueName"], UNICODE_STRING.size(32)), 32)
        entry["ValueName"] = ctx.alloc(UNICODE_STRING.pack(UNICODE_STRING.widen(name), 64))
        entries64 += KEY_VALUE_ENTRY.pack(KEY_VALUE_ENTRY.widen(entry), 64)
    address64 = ctx.alloc(bytes(entries64)) if count else 0
    ctx.set_arg64("ValueEntries", address64)

    def copy_back(ctx: ThunkContext, status: int) -> int:
        if status not in (NTSTATUS.SUCCESS, NTSTATUS.BUFFER_OVERFLOW):
            return status
        size64 = KEY_VALUE_ENTRY.size(64)
        offset64 = KEY_VALUE_ENTRY.offset("DataLength", 64)
        for i in range(count):
            results = ctx.read_arena(address64 + i * size64 + offset64, 12)
            ctx.write32(entries32 + i * size32 + _RESULT_FIELDS, results, f"ValueEntries[{i}]")
        return status

    ctx.after(copy_back)


SPECIALS = {"NtQueryMultipleValueKey": _query_multiple}
