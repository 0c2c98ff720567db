"""What wow64.dll does by hand for the calls of synchronisation.

NtWaitForMultipleObjects takes an array of handles, 4 bytes each from a 32-bit caller; the thunk copies it into
the arena as sign-extended 64-bit handles (so -1 and -2 stay the pseudo handles). It refuses more than
MAXIMUM_WAIT_OBJECTS handles itself, with the status the kernel would give, rather than copy an array of any
length.
"""

from __future__ import annotations

import struct

from ..nt.status import NTSTATUS
from ..nt.sync import MAXIMUM_WAIT_OBJECTS
from .context import ThunkContext


def _widen_handle_array(ctx: ThunkContext) -> None:
    count = ctx.arg32("Count")
    if count > MAXIMUM_WAIT_OBJECTS:
        ctx.fail(NTSTATUS.INVALID_PARAMETER_1)
        return
    handles = struct.unpack(f"<{count}i", ctx.memory.read(ctx.arg32("Handles"), 4 * count))
    ctx.set_arg64("Handles", ctx.alloc(struct.pack(f"<{count}q", *handles)))


SPECIALS = {"NtWaitForMultipleObjects": _widen_handle_array}
