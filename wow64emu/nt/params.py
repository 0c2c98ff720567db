"""RTL_USER_PROCESS_PARAMETERS in both widths (Windows 10 22H2): its layout, and the parameters read from guest
memory or laid out into it.

Three parties use it: process creation writes a new process's parameters (loader/process.py), wow64.dll rebuilds a
32-bit caller's parameters for NtCreateUserProcess in 64 bits (thunks/processcreate.py), and the kernel reads
them from the 64-bit call (kernel/processcreate.py).

A block is *normalized* (RTL_USER_PROC_PARAMS_NORMALIZED in Flags) when its strings' Buffer fields are addresses;
a denormalized one (as RtlCreateProcessParameters(Ex) gives without the flag) holds offsets from the block's start
there instead. The environment is a separate block whose address is always absolute; EnvironmentSize (Windows
Vista and later) gives its length, or it ends at the first empty string.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass, field


@dataclass(frozen=True)
class ParamsLayout:
    """Offsets of RTL_USER_PROCESS_PARAMETERS' fields in one width."""

    console_handle: int
    standard_input: int
    current_directory: int  # CURDIR: UNICODE_STRING DosPath, HANDLE Handle
    dll_path: int
    image_path_name: int
    command_line: int
    environment: int
    starting_x: int  # then StartingY, CountX, CountY, CountCharsX, CountCharsY, FillAttribute, WindowFlags,
    # ShowWindowFlags: nine ULONGs
    window_title: int  # then DesktopInfo, ShellInfo and RuntimeData: UNICODE_STRINGs one after the other
    environment_size: int
    size: int
    ptr: str

    @property
    def pointer_size(self) -> int:
        return struct.calcsize("<" + self.ptr)

    @property
    def string_size(self) -> int:
        return 8 if self.ptr == "I" else 16

    @property
    def console_flags(self) -> int:
        return self.console_handle + self.pointer_size

    @property
    def desktop_info(self) -> int:
        return self.window_title + self.string_size

    @property
    def shell_info(self) -> int:
        return self.window_title + 2 * self.string_size

    @property
    def runtime_data(self) -> int:
        return self.window_title + 3 * self.string_size


PARAMS32 = ParamsLayout(0x10, 0x18, 0x24, 0x30, 0x38, 0x40, 0x48, 0x4C, 0x70, 0x290, 0x2C0, "I")
PARAMS64 = ParamsLayout(0x10, 0x20, 0x38, 0x50, 0x60, 0x70, 0x80, 0x88, 0xB0, 0x3F0, 0x440, "Q")

RTL_USER_PROC_PARAMS_NORMALIZED = 0x1
# STARTUPINFO.dwFlags as the parameters keep them (WindowFlags)
STARTF_USESTDHANDLES = 0x100
# Bytes of the current directory's buffer: MAX_PATH characters, as Windows gives it, which SetCurrentDirectory
# rewrites in place (guest/kernel32/dospath.c).
CURRENT_DIRECTORY_CAPACITY = 260 * 2
MAX_ENVIRONMENT = 1 << 22  # bytes of an environment block looked through for its end without EnvironmentSize


@dataclass
class ProcessParameters:
    """What a block of RTL_USER_PROCESS_PARAMETERS says, in either width."""

    image_path: str = ""
    command_line: str = ""
    current_directory: str = ""
    dll_path: str = ""
    environment: list[str] = field(default_factory=list)
    window_title: str = ""
    desktop: str = ""
    shell_info: str = ""
    runtime_data: bytes = b""
    console_handle: int = 0
    console_flags: int = 0
    std_handles: tuple[int, int, int] = (0, 0, 0)
    # StartingX, StartingY, CountX, CountY, CountCharsX, CountCharsY, FillAttribute, WindowFlags, ShowWindowFlags
    window: tuple[int, ...] = (0,) * 9
    debug_flags: int = 0

    @property
    def window_flags(self) -> int:
        return self.window[7]

    def size(self, layout: ParamsLayout) -> int:
        """Bytes write_params takes for it in a block (with the alignment it may need)."""
        strings = (self.current_directory, self.dll_path, self.image_path, self.command_line, self.window_title,
                   self.desktop, self.shell_info)
        text = sum(2 * len(s) + 2 + 8 for s in strings) + len(self.runtime_data) + 8
        return layout.size + text + CURRENT_DIRECTORY_CAPACITY + len(environment_block(self.environment)) + 32


def environment_block(variables: list[str]) -> bytes:
    """The UTF-16 block: each NAME=VALUE NUL-terminated, an empty string at the end."""
    return ("".join(v + "\0" for v in variables) + "\0").encode("utf-16-le", "surrogatepass")


def unicode_string(layout_ptr: str, length: int, buffer: int, maximum: int = 0) -> bytes:
    """UNICODE_STRING with MaximumLength = `maximum`, or by default Length + the terminating NUL."""
    maximum = maximum or length + 2
    if layout_ptr == "I":
        return struct.pack("<HHI", length, maximum, buffer)
    return struct.pack("<HH4xQ", length, maximum, buffer)


class BlockWriter:
    """Lays strings and structures out in one block of guest memory, built in Python and written once."""

    def __init__(self, base: int, size: int) -> None:
        self.base = base
        self.buf = bytearray(size)
        self.top = 0

    def alloc(self, size: int, align: int = 8) -> int:
        self.top = (self.top + align - 1) & ~(align - 1)
        addr = self.base + self.top
        self.top += size
        if self.top > len(self.buf):
            raise ValueError("block too small")
        return addr

    def put(self, addr: int, data: bytes) -> None:
        off = addr - self.base
        self.buf[off: off + len(data)] = data

    def wstr(self, text: str, capacity: int = 0) -> tuple[int, int]:
        """A NUL-terminated UTF-16 string in a buffer of at least `capacity` bytes; returns (address, length in
        bytes without the NUL)."""
        data = text.encode("utf-16-le", "surrogatepass")
        addr = self.alloc(max(len(data) + 2, capacity), 2)
        self.put(addr, data + b"\0\0")
        return addr, len(data)


def write_params(block: BlockWriter, layout: ParamsLayout, p: ProcessParameters) -> int:
    """RTL_USER_PROCESS_PARAMETERS (normalized: Buffers are addresses) in one width, with its strings and its
    environment in the same block; returns its address."""
    addr = block.alloc(layout.size)
    block.put(addr, struct.pack("<IIII", layout.size, layout.size, RTL_USER_PROC_PARAMS_NORMALIZED, p.debug_flags))
    ptr = "<" + layout.ptr
    block.put(addr + layout.console_handle, struct.pack(ptr, p.console_handle))
    block.put(addr + layout.console_flags, struct.pack("<I", p.console_flags))
    for i, handle in enumerate(p.std_handles):
        block.put(addr + layout.standard_input + i * layout.pointer_size,
                  struct.pack(ptr, handle & ((1 << 8 * layout.pointer_size) - 1)))
    block.put(addr + layout.starting_x, struct.pack("<9I", *p.window))
    for offset, text, capacity in ((layout.current_directory, p.current_directory, CURRENT_DIRECTORY_CAPACITY),
                                   (layout.dll_path, p.dll_path, 0), (layout.image_path_name, p.image_path, 0),
                                   (layout.command_line, p.command_line, 0), (layout.window_title, p.window_title, 0),
                                   (layout.desktop_info, p.desktop, 0), (layout.shell_info, p.shell_info, 0)):
        if offset == layout.shell_info and not text:
            continue  # no ShellInfo: a NULL string, as STARTUPINFO.lpReserved is
        buf, length = block.wstr(text, capacity)
        block.put(addr + offset, unicode_string(layout.ptr, length, buf, max(capacity, length + 2)))
    if p.runtime_data:
        data = block.alloc(len(p.runtime_data), 2)
        block.put(data, p.runtime_data)
        size = len(p.runtime_data)
        block.put(addr + layout.runtime_data, unicode_string(layout.ptr, size, data, size))
    env = environment_block(p.environment)
    env_addr = block.alloc(len(env), 16)
    block.put(env_addr, env)
    block.put(addr + layout.environment, struct.pack(ptr, env_addr))
    block.put(addr + layout.environment_size, struct.pack(ptr, len(env)))
    return addr


class Reader:
    """What read_params needs of memory: read(address, size) -> bytes (raising GuestFault when it cannot)."""

    def read(self, addr: int, size: int) -> bytes: ...


def read_params(memory: Reader, addr: int, layout: ParamsLayout) -> ProcessParameters:
    """The parameters at `addr` in that layout, normalized or not (GuestFault on memory that cannot be read)."""
    raw = memory.read(addr, layout.size)
    _, _, flags, debug_flags = struct.unpack_from("<IIII", raw)
    ptr = "<" + layout.ptr
    base = 0 if flags & RTL_USER_PROC_PARAMS_NORMALIZED else addr

    def field_(offset: int) -> int:
        return struct.unpack_from(ptr, raw, offset)[0]

    def data(offset: int) -> bytes:
        length = struct.unpack_from("<H", raw, offset)[0]
        buffer = struct.unpack_from(ptr, raw, offset + layout.pointer_size)[0]
        if not buffer or not length:
            return b""
        return memory.read(base + buffer, length & ~1 if offset != layout.runtime_data else length)

    def text(offset: int) -> str:
        return data(offset).decode("utf-16-le", "surrogatepass")

    return ProcessParameters(
        image_path=text(layout.image_path_name), command_line=text(layout.command_line),
        current_directory=text(layout.current_directory), dll_path=text(layout.dll_path),
        environment=read_environment(memory, field_(layout.environment), field_(layout.environment_size)),
        window_title=text(layout.window_title), desktop=text(layout.desktop_info), shell_info=text(layout.shell_info),
        runtime_data=data(layout.runtime_data), console_handle=field_(layout.console_handle),
        console_flags=struct.unpack_from("<I", raw, layout.console_flags)[0],
        std_handles=tuple(field_(layout.standard_input + i * layout.pointer_size) for i in range(3)),  # type: ignore[arg-type]
        window=struct.unpack_from("<9I", raw, layout.starting_x), debug_flags=debug_flags)


def read_environment(memory: Reader, addr: int, size: int) -> list[str]:
    """The NAME=VALUE strings of an environment block: `size` bytes, or up to its empty string (read a page at a
    time, so that a block at the end of its region is read as far as it goes)."""
    if not addr:
        return []
    if size:
        raw = memory.read(addr, min(size, MAX_ENVIRONMENT))
    else:
        raw = b""
        while len(raw) < MAX_ENVIRONMENT and _end(raw) is None:
            raw += memory.read(addr + len(raw), 0x1000 - (addr + len(raw)) % 0x1000)
    end = _end(raw)
    text = raw[: end if end is not None else len(raw) & ~1].decode("utf-16-le", "surrogatepass")
    return [v for v in text.split("\0") if v]


def _end(raw: bytes) -> int | None:
    """Where the block's empty string ends (after an even offset of four zero bytes), if it is in `raw`."""
    if raw[:2] == b"\0\0":
        return 0
    at = raw.find(b"\0\0\0\0")
    while at != -1 and at % 2:
        at = raw.find(b"\0\0\0\0", at + 1)
    if at == -1:
        return None
    return at + 2
