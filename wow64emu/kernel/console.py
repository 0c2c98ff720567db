"""The console: its state (conhost's part), its File objects over the process's host streams, and the console
API requests that kernel32 sends through NtDeviceIoControlFile.

On Windows 10 console handles are File objects on \\Device\\ConDrv, so NtReadFile and NtWriteFile serve them
like files (files.py). What differs, following condrv and conhost:
- No file pointer: ByteOffset is read (a bad pointer still faults) and ignored.
- Reading an output handle, or writing the input handle: STATUS_INVALID_HANDLE (conhost checks the kind).
- A read returns at most one line (cooked mode: ReadFile on a console returns when Enter is pressed), at
  most Length bytes, without waiting for Length bytes; at the end of the host input: STATUS_END_OF_FILE.
  Bytes pass as they are: no code-page conversion and no "\\n" -> "\\r\\n" (the host stream is the user's
  terminal or file).
- A Ctrl-C the guest takes while a read (NtReadFile or ReadConsole) waits for a terminal's next line ends the read
  with STATUS_ALERTED, a success with nothing read: what conhost does to a cooked read at Ctrl-C (ReadFile then
  returns TRUE with 0 bytes, ReadConsole TRUE with 0 characters and ERROR_OPERATION_ABORTED), so that the control
  handlers run at once. A terminal is read a line at a time (its own line editing gives whole lines), through the
  console's buffer; other host input (a pipe, a file) is read to the end of its line whatever comes, as Windows
  reads redirected input: none of it is ever lost.
- The file-system requests (information classes but the file position, directory listings, volume information
  but the device type, flushes): STATUS_INVALID_DEVICE_REQUEST, what Windows 10 gives for console handles
  (GetFileSizeEx fails with ERROR_INVALID_FUNCTION; Wine's console tests check the same). The I/O manager
  answers FilePositionInformation (0 unless set) and FileFsDeviceInformation (FILE_DEVICE_CONSOLE) itself.

The console API (GetConsoleMode, WriteConsoleW...) is not file I/O: kernelbase sends each call as one
IOCTL_CONDRV_ISSUE_USER_IO request on the process's console connection (RTL_USER_PROCESS_PARAMETERS'
ConsoleHandle, \\Device\\ConDrv\\Connect), naming the console handle it is about inside the message; a handle
that is not a console's (a disk file) is the server's STATUS_INVALID_HANDLE, which C runtimes rely on to tell a
redirected handle. Windows' message layout is not documented: this one is the emulator's, the same bytes in both
widths (wow64 passes it unchanged), described in docs/console.md with the API numbers and each request's reply.
One Console per System holds what conhost keeps: the modes, the code pages, the title, the text attribute, the
cursor of the screen buffer (120 x 9001, a 120 x 30 window, as Windows 10's default console) and the input line
a ReadConsole left unread.
"""

from __future__ import annotations

import codecs
import os
import re
import struct
from dataclasses import dataclass
from typing import TYPE_CHECKING, BinaryIO

from ..errors import GuestFault
from ..interrupt import wait_for_input
from ..log import getLogger
from ..nt.status import NTSTATUS
from .errors import Alerted, NtError
from .fileobject import (
    FILE_DEVICE_CONSOLE,
    FILE_SYNCHRONOUS_IO_NONALERT,
    GENERIC_READ,
    GENERIC_WRITE,
    IoObject,
    map_generic,
)
from .handles import KernelObject, is_pseudo_handle

if TYPE_CHECKING:
    from ..emu.memory import AddressSpace
    from .process import Process
    from .threadobject import Thread

log = getLogger(__name__)

STD_ACCESS = map_generic(GENERIC_READ | GENERIC_WRITE)  # how kernelbase opens CONIN$ / CONOUT$

IOCTL_CONDRV_ISSUE_USER_IO = 0x00500016  # CTL_CODE(FILE_DEVICE_CONSOLE, 5, METHOD_OUT_DIRECT, FILE_ANY_ACCESS)

# CONSOLE_REQUEST (guest/include/nt/console.h): ApiNumber, Arguments[3], Object (a HANDLE as 64 bits), Data (an
# address as 64 bits), DataLength, Reserved.
REQUEST = struct.Struct("<4IQQII")

# The API numbers: layer in the high byte, as conhost numbers its messages; the values are the emulator's.
GET_CP, GET_MODE, SET_MODE, GET_NUMBER_OF_INPUT_EVENTS, READ_CONSOLE, WRITE_CONSOLE = (
    0x01000000, 0x01000001, 0x01000002, 0x01000003, 0x01000005, 0x01000006)
GENERATE_CTRL_EVENT, FLUSH_INPUT_BUFFER, SET_CP, GET_SCREEN_BUFFER_INFO, SET_TEXT_ATTRIBUTE, GET_TITLE, SET_TITLE = (
    0x02000001, 0x02000003, 0x02000004, 0x02000007, 0x0200000D, 0x02000014, 0x02000015)
GET_CONSOLE_WINDOW, GET_PROCESS_LIST = 0x03000008, 0x03000009

# Console modes (wincon.h).
ENABLE_PROCESSED_INPUT, ENABLE_LINE_INPUT, ENABLE_ECHO_INPUT = 0x1, 0x2, 0x4
ENABLE_MOUSE_INPUT, ENABLE_INSERT_MODE, ENABLE_QUICK_EDIT_MODE, ENABLE_EXTENDED_FLAGS = 0x10, 0x20, 0x40, 0x80
ENABLE_AUTO_POSITION = 0x100
VALID_INPUT_MODES = 0x3FF  # through ENABLE_VIRTUAL_TERMINAL_INPUT (0x200)
ENABLE_PROCESSED_OUTPUT, ENABLE_WRAP_AT_EOL_OUTPUT = 0x1, 0x2
VALID_OUTPUT_MODES = 0x1F  # through ENABLE_LVB_GRID_WORLDWIDE (0x10)
# What Windows 10's console gives a program started in it (GetConsoleMode: 0x1F7 and 0x3).
DEFAULT_INPUT_MODE = (ENABLE_PROCESSED_INPUT | ENABLE_LINE_INPUT | ENABLE_ECHO_INPUT | ENABLE_MOUSE_INPUT
                      | ENABLE_INSERT_MODE | ENABLE_QUICK_EDIT_MODE | ENABLE_EXTENDED_FLAGS | ENABLE_AUTO_POSITION)
DEFAULT_OUTPUT_MODE = ENABLE_PROCESSED_OUTPUT | ENABLE_WRAP_AT_EOL_OUTPUT

# The code pages a console accepts here (those installed on Windows 10 that Python converts), by codec.
CODE_PAGES = {437: "cp437", 737: "cp737", 775: "cp775", 850: "cp850", 852: "cp852", 855: "cp855", 857: "cp857",
              858: "cp858", 860: "cp860", 861: "cp861", 862: "cp862", 863: "cp863", 864: "cp864", 865: "cp865",
              866: "cp866", 869: "cp869", 874: "cp874", 932: "cp932", 936: "gbk", 949: "cp949", 950: "cp950",
              1250: "cp1250", 1251: "cp1251", 1252: "cp1252", 1253: "cp1253", 1254: "cp1254", 1255: "cp1255",
              1256: "cp1256", 1257: "cp1257", 1258: "cp1258", 20127: "ascii", 28591: "latin-1", 65001: "utf-8"}
OEM_CODE_PAGE = 437  # a console starts with the system's OEM code page (United States)

BUFFER_WIDTH, BUFFER_HEIGHT = 120, 9001
WINDOW_WIDTH, WINDOW_HEIGHT = 120, 30
MAXIMUM_WINDOW = (120, 63)  # the largest window a 1080p screen holds in the default font
DEFAULT_ATTRIBUTES = 0x07  # light grey on black
POPUP_ATTRIBUTES = 0xF5
# Windows 10's default colour table (Campbell), as COLORREFs (0x00BBGGRR).
COLOR_TABLE = (0x0C0C0C, 0xDA3700, 0x0EA113, 0xDD963A, 0x1F0FC5, 0x981788, 0x009CC1, 0xCCCCCC,
               0x767676, 0xFF783B, 0x0CC616, 0xD6D661, 0x5648E7, 0x9E00B4, 0xA5F1F9, 0xF2F2F2)
SCREEN_BUFFER_INFO = struct.Struct("<I2h2hH4h2hHI16I")  # CONSOLE_SCREEN_BUFFER_INFOEX, 0x60 bytes

CTRL_C_EVENT, CTRL_BREAK_EVENT = 0, 1
MAX_LINE = 1 << 16  # the most a ReadConsole takes from the host at once: a longer line is read in pieces
_TERMINAL_READ = 4096  # what one read of a terminal takes: a whole line in canonical mode (Linux's N_TTY: 4095 + \n)
MAX_TEXT = 1 << 20  # what a WriteConsole converts at a time
MAX_TITLE = 1 << 16  # bytes of a title read: a longer one is cut there


_RUNS = re.compile(r"[\n\r\b\t\a]|[^\n\r\b\t\a]+")  # processed output: a control character, or a run of others


@dataclass
class StdStreams:
    """The host streams behind the console: the emulator's own stdin, stdout and stderr, or a test's buffers."""

    stdin: BinaryIO
    stdout: BinaryIO
    stderr: BinaryIO


def _colour_escape(attributes: int) -> bytes:
    """SGR for a console attribute: red, green and blue bits reordered to ANSI's, intensity as the bright colours;
    the default attribute as the terminal's own colours."""
    if attributes & 0xFF == DEFAULT_ATTRIBUTES:
        return b"\x1b[0m"

    def ansi(bits: int) -> int:
        return (4 if bits & 1 else 0) | (2 if bits & 2 else 0) | (1 if bits & 4 else 0)

    fg = (90 if attributes & 0x08 else 30) + ansi(attributes)
    bg = (100 if attributes & 0x80 else 40) + ansi(attributes >> 4)
    return b"\x1b[%d;%dm" % (fg, bg)


class Console:
    """What conhost keeps for the console of the run."""

    def __init__(self, streams: StdStreams) -> None:
        self.streams = streams
        self.input_mode = DEFAULT_INPUT_MODE
        self.output_mode = DEFAULT_OUTPUT_MODE
        self.input_cp = self.output_cp = OEM_CODE_PAGE
        self.title = ""
        self.attributes = DEFAULT_ATTRIBUTES
        self.cursor = (0, 0)
        self.pending = b""  # what the last ReadConsole left of its line, host bytes
        self._typed = bytearray()  # what the terminal gave that no read has taken yet
        self._terminal: int | None = -1  # the file descriptor of the terminal the input is (None: not one; -1: unknown)
        self.attached: set[int] = set()  # the ids of the processes connected to it

    # ---- output --------------------------------------------------------------------------------------------

    def output(self, stream: BinaryIO, data: bytes) -> None:
        """Bytes in the output code page to the host stream; the cursor follows them."""
        try:
            stream.write(data)
            stream.flush()
        except (OSError, ValueError):
            raise NtError(NTSTATUS.UNSUCCESSFUL) from None
        # ASCII bytes move the cursor alike in every code page here (a character each, the same controls): no codec
        # to look up (its module's import) for them
        self._advance(data.decode("ascii") if data.isascii() else data.decode(CODE_PAGES[self.output_cp], "replace"))

    def _advance(self, text: str) -> None:
        """Move the cursor over written text, a run of ordinary characters at a time (each one column wide)."""
        x, y = self.cursor
        processed = self.output_mode & ENABLE_PROCESSED_OUTPUT
        for run in _RUNS.findall(text) if processed else (text,):
            if processed and run == "\n":
                x, y = 0, y + 1
            elif processed and run == "\r":
                x = 0
            elif processed and run == "\b":
                x = max(x - 1, 0)
            elif processed and run == "\t":
                x = min((x // 8 + 1) * 8, BUFFER_WIDTH - 1)
            elif processed and run == "\a":
                continue
            elif self.output_mode & ENABLE_WRAP_AT_EOL_OUTPUT:  # a full line moves the cursor to the next one
                y, x = y + (x + len(run)) // BUFFER_WIDTH, (x + len(run)) % BUFFER_WIDTH
            else:
                x = min(x + len(run), BUFFER_WIDTH - 1)
        self.cursor = (x, min(y, BUFFER_HEIGHT - 1))  # past the last line the buffer scrolls

    def screen_buffer_info(self) -> bytes:
        x, y = self.cursor
        top = max(0, y - WINDOW_HEIGHT + 1)
        return SCREEN_BUFFER_INFO.pack(SCREEN_BUFFER_INFO.size, BUFFER_WIDTH, BUFFER_HEIGHT, x, y, self.attributes,
                                       0, top, WINDOW_WIDTH - 1, top + WINDOW_HEIGHT - 1, *MAXIMUM_WINDOW,
                                       POPUP_ATTRIBUTES, 0, *COLOR_TABLE)

    def set_attributes(self, stream: BinaryIO, attributes: int) -> None:
        """The attribute of what is written next; a terminal sees it as a colour escape, a file or pipe not at
        all (its bytes are the program's output)."""
        self.attributes = attributes & 0xFFFF
        try:
            if stream.isatty():
                stream.write(_colour_escape(attributes))
                stream.flush()
        except (OSError, ValueError):
            pass

    # ---- input ---------------------------------------------------------------------------------------------

    def unread(self) -> int:
        """What the console holds of the input, read from the host but not by the guest: what a ReadConsole left of
        its line and what the terminal gave beyond the last read (the host's unread input cannot be counted without
        waiting for it)."""
        return len(self.pending) + len(self._typed)

    def flush_input(self) -> None:
        """FlushConsoleInputBuffer: what the console holds of the input goes."""
        self.pending = b""
        self._typed.clear()

    def host_line(self, limit: int) -> bytes:
        """A line of the host's input, at most `limit` bytes; b"" at its end (or a closed or broken stream).
        Alerted when the input is a terminal and a Ctrl-C the guest takes ends the wait for its next line."""
        stream = self.streams.stdin
        try:
            if self._terminal == -1:
                self._terminal = stream.fileno() if stream.isatty() else None
            if self._terminal is None:
                return stream.readline(limit)
            while b"\n" not in self._typed and len(self._typed) < limit:  # a line, as readline reads one
                if not wait_for_input(self._terminal):
                    raise Alerted  # what a terminal in raw mode gave of the line stays for the next read
                typed = os.read(self._terminal, _TERMINAL_READ)
                if not typed:
                    break  # the end of the input
                self._typed += typed
        except (OSError, ValueError):  # a closed or broken host stream is the end of the input
            return b""
        end = self._typed.find(b"\n") + 1 or len(self._typed)
        line = bytes(self._typed[:min(end, limit)])
        del self._typed[:len(line)]
        return line

    def read_line(self, room: int, unicode: bool) -> bytes:
        """At most `room` bytes of the input line, cooked: the host's "\\n" ends it as "\\r\\n"; what does not fit
        stays for the next read. UTF-16 when `unicode`, else the input code page's bytes (the host's)."""
        if not self.pending:
            line = self.host_line(MAX_LINE)
            if line.endswith(b"\n") and not line.endswith(b"\r\n"):
                line = line[:-1] + b"\r\n"
            self.pending = line
        if not unicode:
            taken, self.pending = self.pending[:room], self.pending[room:]
            return taken
        codec = CODE_PAGES[self.input_cp]
        text = self.pending.decode(codec, "replace")
        taken, rest = text[:room // 2], text[room // 2:]
        self.pending = rest.encode(codec, "replace")
        return taken.encode("utf-16-le", "surrogatepass")


class ConsoleObject(IoObject):
    """One standard stream of the console: input (readable) or output (writable)."""

    seekable = False
    device_type = FILE_DEVICE_CONSOLE

    def __init__(self, console: Console, stream: BinaryIO, is_input: bool, name: str,
                 access: int = STD_ACCESS) -> None:
        super().__init__(access, FILE_SYNCHRONOUS_IO_NONALERT)
        self.console = console
        self.stream = stream
        self.is_input = is_input
        self.name = name  # "stdin", "stdout", "stderr": for traces

    def describe(self) -> str:
        return f"Console {self.name}"

    def read(self, offset: int, length: int) -> bytes:
        if not self.is_input:
            raise NtError(NTSTATUS.INVALID_HANDLE)
        return self.console.host_line(length)

    def write(self, offset: int | None, data: bytes) -> int:
        if self.is_input:
            raise NtError(NTSTATUS.INVALID_HANDLE)
        self.console.output(self.stream, data)
        return 0

    def close(self) -> None:
        """The host streams belong to the emulator's user, not the guest: a close leaves them open."""


class ConsoleConnection(IoObject):
    """\\Device\\ConDrv\\Connect: the process's connection to its console, where the console API's requests go."""

    seekable = False
    device_type = FILE_DEVICE_CONSOLE

    def __init__(self, console: Console, pid: int) -> None:
        super().__init__(STD_ACCESS, FILE_SYNCHRONOUS_IO_NONALERT)
        self.console = console
        self.pid = pid
        console.attached.add(pid)

    def close(self) -> None:
        self.console.attached.discard(self.pid)

    def describe(self) -> str:
        return "\\Device\\ConDrv\\Connect"

    def device_control(self, thread: Thread, code: int, input_buffer: int, input_length: int, output_buffer: int,
                       output_length: int) -> int:
        if code != IOCTL_CONDRV_ISSUE_USER_IO:
            raise NtError(NTSTATUS.INVALID_DEVICE_REQUEST)
        if input_length != REQUEST.size:
            raise NtError(NTSTATUS.INVALID_PARAMETER)
        memory = thread.process.memory
        api, arg0, arg1, _, handle, data, data_length, _ = REQUEST.unpack(memory.read(input_buffer, REQUEST.size))
        memory.probe(output_buffer, output_length, write=True)
        request = _Request(self.console, thread, memory, handle, data, data_length, output_buffer, output_length)
        entry = _REQUESTS.get(api)
        if entry is None:
            raise NtError(NTSTATUS.INVALID_PARAMETER)
        return entry[1](request, arg0, arg1)


@dataclass
class _Request:
    """One console API request being served: what its handlers need."""

    console: Console
    thread: Thread
    memory: AddressSpace
    handle: int
    data: int
    data_length: int
    output: int
    output_length: int

    def target(self, is_input: bool | None = None) -> ConsoleObject:
        """The console handle the request names, of the kind asked for (None: either): STATUS_INVALID_HANDLE
        for anything else, a disk file or a pseudo handle among them."""
        if is_pseudo_handle(self.handle):
            raise NtError(NTSTATUS.INVALID_HANDLE)
        obj = self.thread.process.handles.get(self.handle, KernelObject)
        if not isinstance(obj, ConsoleObject) or is_input is not None and obj.is_input != is_input:
            raise NtError(NTSTATUS.INVALID_HANDLE)
        return obj

    def text(self, limit: int) -> bytes:
        """The request's data, at most `limit` bytes of it."""
        return self.memory.read(self.data, min(self.data_length, limit))

    def reply(self, data: bytes) -> None:
        self.memory.write(self.output, data[:self.output_length])


def _code_page(req: _Request, output: int, _: int) -> int:
    console = req.console
    return console.output_cp if output else console.input_cp


def _set_code_page(req: _Request, output: int, code_page: int) -> int:
    if code_page not in CODE_PAGES:
        raise NtError(NTSTATUS.INVALID_PARAMETER)
    if output:
        req.console.output_cp = code_page
    else:
        req.console.input_cp = code_page
    return 0


def _mode(req: _Request, _: int, __: int) -> int:
    console = req.console
    return console.input_mode if req.target().is_input else console.output_mode


def _set_mode(req: _Request, mode: int, _: int) -> int:
    console = req.console
    if req.target().is_input:
        if mode & ~VALID_INPUT_MODES:
            raise NtError(NTSTATUS.INVALID_PARAMETER)
        console.input_mode = mode
    else:
        if mode & ~VALID_OUTPUT_MODES:
            raise NtError(NTSTATUS.INVALID_PARAMETER)
        console.output_mode = mode
    return 0


def _number_of_input_events(req: _Request, _: int, __: int) -> int:
    req.target(is_input=True)
    return req.console.unread()


def _read(req: _Request, unicode: int, _: int) -> int:
    req.target(is_input=True)
    data = req.console.read_line(req.output_length, bool(unicode))
    req.reply(data)
    return len(data) // 2 if unicode else len(data)


def _write(req: _Request, unicode: int, _: int) -> int:
    """The text in pieces (the guest's length costs the host a piece at a time), UTF-16 converted to the output
    code page; the count is in characters (UTF-16 units, or bytes). Text the guest cannot read is
    STATUS_ACCESS_VIOLATION before anything is written."""
    obj = req.target(is_input=False)
    console = req.console
    length = req.data_length & ~1 if unicode else req.data_length
    req.memory.probe(req.data, length)
    decoder = codecs.getincrementaldecoder("utf-16-le")("replace")
    done = 0
    while done < length:
        if done:
            req.thread.process.system.check_deadline("WriteConsole")
        piece = req.memory.read(req.data + done, min(length - done, MAX_TEXT))
        done += len(piece)
        if unicode:
            text = decoder.decode(piece, final=done == length)
            piece = text.encode(CODE_PAGES[console.output_cp], "replace")
        console.output(obj.stream, piece)
    return length // 2 if unicode else length


def _flush_input(req: _Request, _: int, __: int) -> int:
    req.target(is_input=True)
    req.console.flush_input()
    return 0


def _generate_ctrl_event(req: _Request, event: int, group: int) -> int:
    if event not in (CTRL_C_EVENT, CTRL_BREAK_EVENT):
        raise NtError(NTSTATUS.INVALID_PARAMETER)
    req.thread.process.system.ctrl_event(event)  # the group is not looked at: every process of the console gets it
    req.thread.yielding = True  # the handlers' thread runs next, before the caller goes on
    return 0


def _screen_buffer_info(req: _Request, _: int, __: int) -> int:
    req.target(is_input=False)
    if req.output_length < SCREEN_BUFFER_INFO.size:
        raise NtError(NTSTATUS.BUFFER_TOO_SMALL)
    req.reply(req.console.screen_buffer_info())
    return SCREEN_BUFFER_INFO.size


def _set_text_attribute(req: _Request, attributes: int, _: int) -> int:
    req.console.set_attributes(req.target(is_input=False).stream, attributes)
    return 0


def _title(req: _Request, unicode: int, _: int) -> int:
    """As much of the title as the output holds (no NUL: kernel32 ends it); the count is the whole title's."""
    title = req.console.title
    data = title.encode("utf-16-le") if unicode else title.encode(CODE_PAGES[req.console.output_cp], "replace")
    req.reply(data)
    return len(title) if unicode else len(data)


def _set_title(req: _Request, unicode: int, _: int) -> int:
    data = req.text(MAX_TITLE)
    codec = "utf-16-le" if unicode else CODE_PAGES[req.console.output_cp]
    req.console.title = data.decode(codec, "replace")
    return 0


def _console_window(req: _Request, _: int, __: int) -> int:
    return 0  # no window: the host's terminal is the console's screen


def _process_list(req: _Request, _: int, __: int) -> int:
    """The ids of the processes attached to the console when the output holds them all (else none); the count is
    all of them."""
    pids = sorted(req.console.attached)
    if 4 * len(pids) <= req.output_length:
        req.reply(struct.pack(f"<{len(pids)}I", *pids))
    return len(pids)


# API number -> (the functions that send it, as a trace names them; the handler).
_REQUESTS = {
    GET_CP: ("GetConsoleCP/GetConsoleOutputCP", _code_page),
    GET_MODE: ("GetConsoleMode", _mode),
    SET_MODE: ("SetConsoleMode", _set_mode),
    GET_NUMBER_OF_INPUT_EVENTS: ("GetNumberOfConsoleInputEvents", _number_of_input_events),
    READ_CONSOLE: ("ReadConsole", _read),
    WRITE_CONSOLE: ("WriteConsole", _write),
    GENERATE_CTRL_EVENT: ("GenerateConsoleCtrlEvent", _generate_ctrl_event),
    FLUSH_INPUT_BUFFER: ("FlushConsoleInputBuffer", _flush_input),
    SET_CP: ("SetConsoleCP/SetConsoleOutputCP", _set_code_page),
    GET_SCREEN_BUFFER_INFO: ("GetConsoleScreenBufferInfo", _screen_buffer_info),
    SET_TEXT_ATTRIBUTE: ("SetConsoleTextAttribute", _set_text_attribute),
    GET_TITLE: ("GetConsoleTitle", _title),
    SET_TITLE: ("SetConsoleTitle", _set_title),
    GET_CONSOLE_WINDOW: ("GetConsoleWindow", _console_window),
    GET_PROCESS_LIST: ("GetConsoleProcessList", _process_list),
}


def describe_request(memory: AddressSpace, address: int, length: int) -> str:
    """What a trace says of a console request: the API it carries ("" when it is not one)."""
    if length != REQUEST.size:
        return ""
    try:
        api, *_ = REQUEST.unpack(memory.read(address, REQUEST.size))
    except GuestFault:
        return " (unreadable)"
    entry = _REQUESTS.get(api)
    return f" ({entry[0]})" if entry else f" (API 0x{api:x})"


def create_std_handles(process: Process) -> tuple[int, int, int]:
    """Insert the console's three standard streams into the handle table: (stdin, stdout, stderr)."""
    console = process.system.console
    streams = console.streams
    return (process.handles.insert(ConsoleObject(console, streams.stdin, True, "stdin")),
            process.handles.insert(ConsoleObject(console, streams.stdout, False, "stdout")),
            process.handles.insert(ConsoleObject(console, streams.stderr, False, "stderr")))


def connect(process: Process) -> int:
    """A handle to a new connection of the process to the console (the parameters' ConsoleHandle)."""
    return process.handles.insert(ConsoleConnection(process.system.console, process.pid))
