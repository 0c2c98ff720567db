"""What wow64 writes by hand for the token's groups: TOKEN_GROUPS rebuilt in the 32-bit layout.

The 64-bit answer is the count (padded to 8 bytes), SID_AND_ATTRIBUTES of 16 bytes each, then the SIDs; the 32-bit
one the count, entries of 8 bytes, then the same SIDs, each entry's pointer moved with them. The kernel answers into
an arena buffer big enough for any token of this emulator; the 32-bit length decides between success and
STATUS_BUFFER_TOO_SMALL (ReturnLength = the length needed), as the kernel's own answer would.
"""

from __future__ import annotations

import struct

from ..nt.status import NTSTATUS
from . import infoclass as I
from .context import ThunkContext


def narrow_token_groups(data: bytes, base64: int, base32: int) -> bytes:
    """TOKEN_GROUPS at `base64` in the 64-bit layout -> the same at `base32` in the 32-bit layout."""
    (count,) = struct.unpack_from("<I", data)
    header64, header32 = 8 + 16 * count, 4 + 8 * count
    out = struct.pack("<I", count)
    for i in range(count):
        sid, attributes = struct.unpack_from("<QI", data, 8 + 16 * i)
        out += struct.pack("<II", sid - base64 - header64 + base32 + header32, attributes)
    return out + data[header64:]


def token_groups(ctx: ThunkContext, p: I.Params) -> None:
    I.rebuilt(ctx, p, narrow_token_groups, NTSTATUS.BUFFER_TOO_SMALL, "TOKEN_GROUPS")
