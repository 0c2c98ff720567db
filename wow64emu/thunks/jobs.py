"""What wow64.dll does by hand for the calls about job objects.

The limit classes hold SIZE_T and ULONG_PTR fields (working-set sizes, the affinity, the memory limits): they are
converted by their declared layouts in both directions (JOBOBJECT_BASIC_LIMIT_INFORMATION 0x30 <-> 0x40,
JOBOBJECT_EXTENDED_LIMIT_INFORMATION 0x70 <-> 0x90), a 32-bit length other than the 32-bit size being refused by
the kernel as the wrong length. The accounting classes are the same bytes in both widths and pass through.

JOBOBJECT_BASIC_PROCESS_ID_LIST holds ULONG_PTR ids: the kernel answers into an arena list with room for as many
ids as the caller's buffer holds (at most VARIABLE_BUFFER_LIMIT bytes of it), and the ids are narrowed into the
caller's buffer, on success and on STATUS_BUFFER_OVERFLOW (the ids that fit); ReturnLength is the 32-bit length. A
32-bit buffer with no room for one id gets a 64-bit length with none either, which the kernel refuses.
"""

from __future__ import annotations

import struct

from ..nt.jobs import (
    JOBOBJECT_BASIC_LIMIT_INFORMATION,
    JOBOBJECT_EXTENDED_LIMIT_INFORMATION,
    PROCESS_ID_LIST_HEADER,
    JobObjectBasicLimitInformation,
    JobObjectBasicProcessIdList,
    JobObjectExtendedLimitInformation,
)
from ..nt.status import NTSTATUS
from . import infoclass as I
from .context import ThunkContext


def _process_id_list(ctx: ThunkContext, p: I.Params) -> None:
    length32 = ctx.arg32(p.length)
    room = max(length32 - PROCESS_ID_LIST_HEADER, 0) // 4
    length64 = min(PROCESS_ID_LIST_HEADER + room * 8, I.VARIABLE_BUFFER_LIMIT)
    buffer64 = ctx.alloc(bytes(length64))
    ctx.set_arg64(p.buffer, buffer64)
    ctx.set_arg64(p.length, length64)
    rl_addr = I.arena_return_length(ctx, p)

    def after(ctx: ThunkContext, status: int) -> int:
        if status not in (NTSTATUS.SUCCESS, NTSTATUS.BUFFER_OVERFLOW):
            return status
        assigned, listed = struct.unpack("<II", ctx.read_arena(buffer64, PROCESS_ID_LIST_HEADER))
        ids = struct.unpack(f"<{listed}Q", ctx.read_arena(buffer64 + PROCESS_ID_LIST_HEADER, 8 * listed))
        answer = struct.pack(f"<II{listed}I", assigned, listed, *(i & 0xFFFFFFFF for i in ids))
        ctx.write32(ctx.arg32(p.buffer), answer, "JOBOBJECT_BASIC_PROCESS_ID_LIST")
        if I.kernel_return_length(ctx, rl_addr) is not None:
            I.put_return_length(ctx, p, len(answer))
        return status

    ctx.after(after)


JOB_QUERY = I.special(
    I.Params("JobObjectInformationClass", "JobObjectInformation", "JobObjectInformationLength", "ReturnLength"), {
        JobObjectBasicLimitInformation: I.fixed(JOBOBJECT_BASIC_LIMIT_INFORMATION),
        JobObjectExtendedLimitInformation: I.fixed(JOBOBJECT_EXTENDED_LIMIT_INFORMATION),
        JobObjectBasicProcessIdList: _process_id_list,
    })

JOB_SET = I.special(
    I.Params("JobObjectInformationClass", "JobObjectInformation", "JobObjectInformationLength"), {
        JobObjectBasicLimitInformation: I.fixed_in(JOBOBJECT_BASIC_LIMIT_INFORMATION),
        JobObjectExtendedLimitInformation: I.fixed_in(JOBOBJECT_EXTENDED_LIMIT_INFORMATION),
    })

SPECIALS = {
    "NtQueryInformationJobObject": JOB_QUERY,
    "NtSetInformationJobObject": JOB_SET,
}
