"""regedit's `.reg` files: read (version 5 and REGEDIT4; UTF-16LE with BOM, UTF-8 or ANSI) and write (version 5,
UTF-16LE with BOM, as regedit and `reg export` write them).

A file is a header line, then blocks: `[HKEY_...\\path]` (or `[-HKEY_...\\path]`, delete the key and its subtree)
followed by value lines `"name"=DATA` or `@=DATA` (the default value), where DATA is `"string"` (with `\\\\` and
`\\"` escapes), `dword:XXXXXXXX`, `hex:bytes`, `hex(N):bytes` (N the type number in hex: 2 expand-sz, 7 multi-sz,
b qword...) or `-` (delete the value). A hex list may go on over lines that end with `\\`; `;` starts a comment.
Anything else is a `RegFileError` naming the file and the line.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass, field

from .regtypes import REG_BINARY, REG_DWORD, REG_EXPAND_SZ, REG_MULTI_SZ, REG_SZ, utf16z

HEADER_V5 = "Windows Registry Editor Version 5.00"
HEADER_V4 = "REGEDIT4"
ROOT_NAMES = ("HKEY_LOCAL_MACHINE", "HKEY_CURRENT_USER", "HKEY_CLASSES_ROOT", "HKEY_USERS", "HKEY_CURRENT_CONFIG")
WRAP_COLUMN = 76  # regedit ends a hex line with `\` once it has passed this column (25 bytes a continuation line)


class RegFileError(Exception):
    """A malformed `.reg` file: one line, `FILE, line N: what`."""

    def __init__(self, filename: str, line: int, message: str) -> None:
        super().__init__(f"{filename}, line {line}: {message}")
        self.line = line


@dataclass(frozen=True)
class Value:
    """One value line: `data` is None for a deletion (`"name"=-`); the default value's name is ``""``."""

    name: str
    kind: int
    data: bytes | None


@dataclass
class KeyBlock:
    """One `[key]` section: the key's path as written (`HKEY_LOCAL_MACHINE\\SOFTWARE\\...`), whether it is a
    deletion (`[-...]`), and its value lines in order."""

    path: str
    delete: bool = False
    values: list[Value] = field(default_factory=list)


def decode(raw: bytes) -> str:
    """The text of a file: UTF-16LE after its BOM, UTF-8 (with or without BOM), else the ANSI code page."""
    if raw.startswith(codecs.BOM_UTF16_LE):
        return raw[2:].decode("utf-16-le", "replace")
    if raw.startswith(codecs.BOM_UTF8):
        return raw[3:].decode("utf-8", "replace")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw.decode("cp1252", "replace")


def parse(raw: bytes, filename: str) -> list[KeyBlock]:
    """The blocks of a `.reg` file, or a RegFileError naming the first malformed line."""
    return _Reader(decode(raw), filename).blocks()


_VALUE_LINE = re.compile(r'^(@|"(?:[^"\\]|\\.)*")\s*=\s*(.*)$', re.DOTALL)
_STRING = re.compile(r'"((?:[^"\\]|\\.)*)"', re.DOTALL)
_HEX = re.compile(r"^hex(?:\(([0-9a-fA-F]{1,8})\))?:(.*)$", re.DOTALL)


class _Reader:
    def __init__(self, text: str, filename: str) -> None:
        self.lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
        self.filename = filename
        self.ansi = False  # REGEDIT4: string data in hex(1)/hex(2)/hex(7) is ANSI, not UTF-16LE

    def fail(self, line: int, message: str) -> RegFileError:
        return RegFileError(self.filename, line, message)

    def blocks(self) -> list[KeyBlock]:
        blocks: list[KeyBlock] = []
        number = self._header()
        while number < len(self.lines):
            first = number + 1
            line, number = self._logical_line(number)
            stripped = line.strip()
            if not stripped or stripped.startswith(";"):
                continue
            if stripped.startswith("["):
                blocks.append(self._key(stripped, first))
            elif not blocks:
                raise self.fail(first, "a value before any [key] line")
            else:
                blocks[-1].values.append(self._value(stripped, first, blocks[-1]))
        return blocks

    def _header(self) -> int:
        for number, line in enumerate(self.lines):
            stripped = line.strip()
            if not stripped:
                continue
            if stripped == HEADER_V5:
                return number + 1
            if stripped == HEADER_V4:
                self.ansi = True
                return number + 1
            raise self.fail(number + 1, f"not a registry file: the first line must be '{HEADER_V5}' or "
                                        f"'{HEADER_V4}'")
        raise self.fail(1, f"not a registry file: no '{HEADER_V5}' line")

    def _logical_line(self, number: int) -> tuple[str, int]:
        """A line and the continuation lines after it (a line ending with `\\` goes on, without its indent)."""
        line = self.lines[number]
        number += 1
        while line.rstrip().endswith("\\") and not line.lstrip().startswith(("[", ";")) and number < len(self.lines):
            line = line.rstrip()[:-1] + self.lines[number].strip()
            number += 1
        return line, number

    def _key(self, text: str, number: int) -> KeyBlock:
        if not text.endswith("]"):
            raise self.fail(number, "a key line must end with ']'")
        path = text[1:-1].strip()
        delete = path.startswith("-")
        path = path[1:] if delete else path
        root = path.split("\\", 1)[0].upper()
        if root not in ROOT_NAMES:
            raise self.fail(number, f"unknown root key '{path.split(chr(92), 1)[0]}'")
        if any(not part for part in path.rstrip("\\").split("\\")):
            raise self.fail(number, "empty key name in the path")
        return KeyBlock(path.rstrip("\\"), delete)

    def _value(self, text: str, number: int, block: KeyBlock) -> Value:
        match = _VALUE_LINE.match(text)
        if match is None:
            raise self.fail(number, "expected '\"name\"=data' or '@=data'")
        name = "" if match.group(1) == "@" else self._unescape(match.group(1)[1:-1], number)
        data = match.group(2).strip()
        if block.delete:
            raise self.fail(number, "a value under a key being deleted")
        if data == "-":
            return Value(name, REG_SZ, None)
        if data.startswith('"'):
            quoted = _STRING.fullmatch(data)
            if quoted is None:
                raise self.fail(number, "bad string: it must end with '\"' and write a quote inside as \\\"")
            return Value(name, REG_SZ, utf16z(self._unescape(quoted.group(1), number)))
        if data.lower().startswith("dword:"):
            digits = data[6:].strip()
            if not re.fullmatch(r"[0-9a-fA-F]{1,8}", digits):
                raise self.fail(number, f"bad dword '{digits}': 1 to 8 hex digits")
            return Value(name, REG_DWORD, int(digits, 16).to_bytes(4, "little"))
        hexed = _HEX.match(data)
        if hexed is None:
            raise self.fail(number, f"bad value data '{data[:40]}'")
        kind = int(hexed.group(1), 16) if hexed.group(1) else REG_BINARY
        return Value(name, kind, self._hex_bytes(hexed.group(2), kind, number))

    def _hex_bytes(self, text: str, kind: int, number: int) -> bytes:
        items = [item.strip() for item in text.split(",")]
        if items == [""]:
            items = []
        if items and items[-1] == "":
            items.pop()  # a trailing comma, as some writers leave before a comment
        if any(not re.fullmatch(r"[0-9a-fA-F]{1,2}", item) for item in items):
            raise self.fail(number, "bad hex data: expected comma-separated bytes")
        data = bytes(int(item, 16) for item in items)
        if self.ansi and kind in (REG_SZ, REG_EXPAND_SZ, REG_MULTI_SZ):
            data = data.decode("cp1252", "replace").encode("utf-16-le")
        return data

    def _unescape(self, text: str, number: int) -> str:
        out = []
        chars = iter(text)
        for char in chars:
            if char == "\\":
                nxt = next(chars, "")
                if nxt not in ("\\", '"'):
                    raise self.fail(number, f"bad escape '\\{nxt}' in a string (only \\\\ and \\\" are allowed)")
                char = nxt
            out.append(char)
        return "".join(out)


def escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"')


def _is_plain_sz(data: bytes) -> bool:
    """REG_SZ data regedit writes as a quoted string: UTF-16LE ending in one NUL, none before, no line breaks."""
    if len(data) < 2 or len(data) % 2 or data[-2:] != b"\0\0":
        return False
    text = data[:-2].decode("utf-16-le", "replace")
    return "\0" not in text and "\n" not in text and "\r" not in text and "\ufffd" not in text


def format_value(name: str, kind: int, data: bytes) -> str:
    """One value line as regedit exports it (hex lists wrapped with `\\` and a two-space indent)."""
    head = "@=" if name == "" else f'"{escape(name)}"='
    if kind == REG_SZ and _is_plain_sz(data):
        return f'{head}"{escape(data[:-2].decode("utf-16-le"))}"'
    if kind == REG_DWORD and len(data) == 4:
        return f"{head}dword:{int.from_bytes(data, 'little'):08x}"
    head += "hex:" if kind == REG_BINARY else f"hex({kind:x}):"
    lines, line = [], head
    for index, byte in enumerate(data):
        line += f"{byte:02x}"
        if index + 1 < len(data):
            line += ","
            if len(line) > WRAP_COLUMN:
                lines.append(line + "\\")
                line = "  "
    lines.append(line)
    return "\r\n".join(lines)


def dump(blocks: list[KeyBlock]) -> bytes:
    """A version 5 file of these blocks (deletions included), in UTF-16LE with its BOM."""
    out = [HEADER_V5, ""]
    for block in blocks:
        out.append(f"[{'-' if block.delete else ''}{block.path}]")
        for value in block.values:
            if value.data is None:
                out.append("@=-" if value.name == "" else f'"{escape(value.name)}"=-')
            else:
                out.append(format_value(value.name, value.kind, value.data))
        out.append("")
    return codecs.BOM_UTF16_LE + ("\r\n".join(out) + "\r\n").encode("utf-16-le", "surrogatepass")
