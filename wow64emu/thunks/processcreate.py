"""What wow64.dll does by hand for NtCreateUserProcess: the three structures a 32-bit caller passes in its own
layout, rebuilt in 64 bits, and the answers narrowed back.

- RTL_USER_PROCESS_PARAMETERS32 -> 64 (nt/params.py), with its strings and its environment, in a block of the
  caller's address space that lives for the call (wow64.dll builds it in the 64-bit heap): too large for the
  per-call arena when the environment or the command line is long.
- PS_CREATE_INFO (0x48 bytes -> 0x58): the size, and the input state (InitFlags, AdditionalFileAccess); after the
  call the state and, on success, the addresses of the child's parameters and PEBs, in the 32-bit layout. A 32-bit
  Size other than 0x48 reaches the kernel as no valid size (STATUS_INVALID_PARAMETER).
- PS_ATTRIBUTE_LIST (16-byte attributes -> 32-byte ones): the image name, rewritten by the file system redirector
  (a 32-bit program that starts C:\\Windows\\System32\\x.exe gets SysWOW64's unless it disabled redirection on its
  thread); the client id and the TEB address the kernel writes, narrowed back; handle lists sign-extended; other
  values pass as they are. ReturnLength is not given back.
"""

from __future__ import annotations

import struct

from ..emu.memory import MemType, Prot, page_up
from ..nt.params import PARAMS32, PARAMS64, BlockWriter, read_params, write_params
from ..nt.status import NTSTATUS, is_success
from .context import ThunkContext
from .files import redirection

CREATE_INFO32_SIZE = 0x48
CREATE_INFO64_SIZE = 0x58
PS_CREATE_SUCCESS = 6
PS_CREATE_FAIL_ON_SECTION_CREATE = 2

PS_ATTRIBUTE_PARENT_PROCESS = 0x60000
PS_ATTRIBUTE_CLIENT_ID = 0x10003
PS_ATTRIBUTE_TEB_ADDRESS = 0x10004
PS_ATTRIBUTE_IMAGE_NAME = 0x20005
PS_ATTRIBUTE_HANDLE_LIST = 0x2000B
PS_ATTRIBUTE_JOB_LIST = 0x20013
_HANDLE_ARRAYS = (PS_ATTRIBUTE_HANDLE_LIST, PS_ATTRIBUTE_JOB_LIST)
MAX_ATTRIBUTES = 32
LIMIT_32 = 0x80000000  # where the block of 64-bit parameters goes: below 2 GB, as every WoW64 system structure


def _sign(value: int) -> int:
    return value | 0xFFFFFFFF00000000 if value & 0x80000000 else value


def _parameters(ctx: ThunkContext) -> None:
    ptr32 = ctx.arg32("ProcessParameters")
    if not ptr32:
        return
    params = read_params(ctx.memory, ptr32, PARAMS32)
    size = page_up(params.size(PARAMS64))
    space = ctx.memory
    base = space.find_free(size, high=LIMIT_32, top_down=True)
    if base is None:
        ctx.fail(NTSTATUS.NO_MEMORY)
        return
    region = space.map_committed(base, size, MemType.PRIVATE, Prot.READWRITE, "wow64: process parameters")
    block = BlockWriter(base, size)
    addr = write_params(block, PARAMS64, params)
    space.poke(base, bytes(block.buf[: block.top]))
    ctx.set_arg64("ProcessParameters", addr)
    if ctx.tracer is not None:
        ctx.tracer.emit("wow64", "struct", f"ProcessParameters: RTL_USER_PROCESS_PARAMETERS @0x{ptr32:08x} "
                        f"({PARAMS32.size} bytes) -> @0x{addr:08x} ({PARAMS64.size} bytes), command line "
                        f"{params.command_line!r}, {len(params.environment)} environment variables",
                        param="ProcessParameters", layout="RTL_USER_PROCESS_PARAMETERS", address32=ptr32,
                        address64=addr)

    def free(_: ThunkContext, status: int) -> int:
        space.release(region)
        return status

    ctx.after(free)


def _create_info(ctx: ThunkContext) -> None:
    ptr32 = ctx.arg32("CreateInfo")
    if not ptr32:
        return
    size32, _, init_flags, access = struct.unpack("<IIII", ctx.memory.read(ptr32, 16))
    image = bytearray(CREATE_INFO64_SIZE)
    struct.pack_into("<Q", image, 0, CREATE_INFO64_SIZE if size32 == CREATE_INFO32_SIZE else 0)
    struct.pack_into("<II", image, 0x10, init_flags, access)
    addr64 = ctx.alloc(bytes(image))
    ctx.set_arg64("CreateInfo", addr64)

    def narrow(c: ThunkContext, status: int) -> int:
        out = c.read_arena(addr64, CREATE_INFO64_SIZE)
        state = struct.unpack_from("<I", out, 8)[0]
        answer = struct.pack("<I", state)
        if state == PS_CREATE_SUCCESS:
            (flags, file, section, params64, params32, param_flags, peb64, peb32, manifest,
             manifest_size) = struct.unpack_from("<I4xQQQIIQI4xQI", out, 0x10)
            answer += struct.pack("<III4xQIIQI4xQI", flags, file & 0xFFFFFFFF, section & 0xFFFFFFFF, params64,
                                  params32, param_flags, peb64, peb32 & 0xFFFFFFFF, manifest, manifest_size)
        elif state == PS_CREATE_FAIL_ON_SECTION_CREATE:
            answer += struct.pack("<I", struct.unpack_from("<Q", out, 0x10)[0] & 0xFFFFFFFF)
        c.write32(ptr32 + 4, answer, "CreateInfo")
        return status

    ctx.after(narrow)


def _attributes(ctx: ThunkContext) -> None:
    ptr32 = ctx.arg32("AttributeList")
    if not ptr32:
        return
    total = struct.unpack("<I", ctx.memory.read(ptr32, 4))[0]
    count = (total - 4) // 16
    if total < 4 or (total - 4) % 16 or count > MAX_ATTRIBUTES:
        ctx.fail(NTSTATUS.INVALID_PARAMETER)
        return
    entries = [struct.unpack_from("<IIII", ctx.memory.read(ptr32 + 4, count * 16), 16 * i) for i in range(count)]
    out: list[tuple[int, int, int]] = []  # (attribute, size, value) in 64 bits
    for number, size, value, _ in entries:
        if number == PS_ATTRIBUTE_CLIENT_ID and value:
            out.append((number, 16, _answer(ctx, value, 16, 8, size, "<QQ", "<II", "ClientId")))
        elif number == PS_ATTRIBUTE_TEB_ADDRESS and value:
            out.append((number, 8, _answer(ctx, value, 8, 4, size, "<Q", "<I", "TebAddress")))
        elif number == PS_ATTRIBUTE_IMAGE_NAME and value and size and not size & 1:
            name = ctx.memory.read(value, size).decode("utf-16-le", "replace")
            found = redirection(ctx, name, 0)
            data = found.name.encode("utf-16-le") if found is not None else b""
            out.append((number, len(data), ctx.alloc(data)) if data else (number, size, value))
        elif number in _HANDLE_ARRAYS and value:
            handles = struct.unpack(f"<{size // 4}I", ctx.memory.read(value, size // 4 * 4))
            wide = struct.pack(f"<{len(handles)}Q", *map(_sign, handles))
            out.append((number, len(wide), ctx.alloc(wide)))
        elif number == PS_ATTRIBUTE_PARENT_PROCESS:
            out.append((number, 8, _sign(value)))
        else:
            out.append((number, size, value))
    data = struct.pack("<Q", 8 + 32 * len(out)) + b"".join(struct.pack("<QQQQ", n, s, v, 0) for n, s, v in out)
    ctx.set_arg64("AttributeList", ctx.alloc(data))


def _answer(ctx: ThunkContext, ptr32: int, size64: int, size32: int, given: int, fmt64: str, fmt32: str,
            what: str) -> int:
    """Room in the arena for a value the kernel writes; after the call it is narrowed into the 32-bit buffer
    (when the caller gave room for it)."""
    addr64 = ctx.alloc(bytes(size64))

    def narrow(c: ThunkContext, status: int) -> int:
        if is_success(status) and given >= size32:
            values = struct.unpack(fmt64, c.read_arena(addr64, size64))
            c.write32(ptr32, struct.pack(fmt32, *(v & 0xFFFFFFFF for v in values)), what)
        return status

    ctx.after(narrow)
    return addr64


def _create_user_process(ctx: ThunkContext) -> None:
    _attributes(ctx)
    if ctx.status is None:
        _create_info(ctx)
        _parameters(ctx)


SPECIALS = {"NtCreateUserProcess": _create_user_process}
