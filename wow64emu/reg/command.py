"""`wow64emu reg`: reg.exe's QUERY, ADD, DELETE, IMPORT and EXPORT on a root's registry.

The syntax, messages and exit codes are reg.exe's (Windows 10): results on stdout, `ERROR: ...` on stderr, 0 on
success and 1 on failure. `/reg:32` and `/reg:64` choose the view as they do for reg.exe; without them the view is
the 64-bit one (the System32 reg.exe). A question reg.exe asks (overwrite? delete?) is read from stdin; anything
but `y`/`yes` answers no. An import stops at the first malformed line of the file, with one line naming it.
"""

from __future__ import annotations

import struct
import sys
from collections.abc import Callable
from pathlib import Path

from ..kernel.registry_store import KeyRecord
from ..kernel.regredirect import VIEW_32, VIEW_64
from . import regtypes as T
from .hive import BadKeyName, Hive, KeyName, key_name, open_hive
from .regfile import KeyBlock, RegFileError, Value, dump, parse

DONE = "The operation completed successfully."
NOT_FOUND = "ERROR: The system was unable to find the specified registry key or value."
NOT_SET = "(value not set)"
OPERATIONS = ("QUERY", "ADD", "DELETE", "IMPORT", "EXPORT")
FLAGS = {"/F", "/VE", "/VA", "/S", "/Y", "/REG:32", "/REG:64"}
WITH_ARGUMENT = {"/V", "/T", "/D", "/SE"}


class Usage(Exception):
    """`ERROR: Invalid syntax.` and where to look."""


class Failed(Exception):
    """One `ERROR: ...` line."""


def main(root: Path, argv: list[str], ask: Callable[[str], bool] | None = None) -> int:
    """Run one reg operation against the registry of `root`; the exit code."""
    if not argv or argv[0].upper() not in OPERATIONS:
        print("ERROR: Invalid syntax.\nType \"REG /?\" for usage.", file=sys.stderr)
        return 1
    operation = argv[0].upper()
    try:
        positional, options = _options(argv[1:])
        view = VIEW_32 if "/REG:32" in options else VIEW_64
        if "/REG:32" in options and "/REG:64" in options:
            raise Usage
        hive = open_hive(root, view)
        try:
            runner = {"QUERY": _query, "ADD": _add, "DELETE": _delete, "IMPORT": _import, "EXPORT": _export}
            runner[operation](hive, positional, options, ask or _ask)
        finally:
            hive.store.close()
    except Usage:
        print(f"ERROR: Invalid syntax.\nType \"REG {operation} /?\" for usage.", file=sys.stderr)
        return 1
    except BadKeyName:
        print(f"ERROR: Invalid key name.\nType \"REG {operation} /?\" for usage.", file=sys.stderr)
        return 1
    except Failed as exc:
        print(str(exc), file=sys.stderr)
        return 1
    return 0


def _options(args: list[str]) -> tuple[list[str], dict[str, str]]:
    positional: list[str] = []
    options: dict[str, str] = {}
    items = iter(args)
    for arg in items:
        flag = "/" + arg[1:].upper() if arg[:1] in ("/", "-") and len(arg) > 1 else None
        if flag in WITH_ARGUMENT:
            value = next(items, None)
            if value is None or flag in options:
                raise Usage
            options[flag] = value
        elif flag in FLAGS:
            if flag in options:
                raise Usage
            options[flag] = ""
        elif flag is not None and flag[1:].isalnum():  # an unknown switch (a host path like /tmp/x.reg is not)
            raise Usage
        else:
            positional.append(arg)
    return positional, options


def _ask(question: str) -> bool:
    print(question, end="", flush=True)
    answer = sys.stdin.readline() if sys.stdin is not None else ""
    return answer.strip().upper() in ("Y", "YES")


def _one_key(positional: list[str], count: int = 1) -> KeyName:
    if len(positional) != count:
        raise Usage
    return key_name(positional[0])


def _value_name(options: dict[str, str]) -> str | None:
    """The value `/v NAME` or `/ve` names (``""`` the default value); None when neither is given."""
    if "/V" in options and "/VE" in options:
        raise Usage
    if "/VE" in options:
        return ""
    return options.get("/V")


def _line(name: str, kind: int, data: bytes) -> str:
    return f"    {name or '(Default)'}    {T.TYPE_NAMES.get(kind, f'REG_0x{kind:x}')}    {T.show(kind, data)}"


# ---- QUERY ------------------------------------------------------------------------------------------------


def _query(hive: Hive, positional: list[str], options: dict[str, str], ask: Callable[[str], bool]) -> None:
    key = _one_key(positional)
    record = hive.find(key)
    if record is None:
        raise Failed(NOT_FOUND)
    wanted = _value_name(options)
    if wanted is not None:
        _query_value(hive, key, record, wanted, "/S" in options)
        return
    if "/S" in options:
        _query_tree(hive, key, record)
        return
    values = hive.values(record)
    print()
    if values:
        print(key.display)
        for value in values:
            print(_line(value.name, value.type, value.data))
        print()
    for child, _ in hive.subkeys(key):
        print(child.display)


def _query_value(hive: Hive, key: KeyName, record: KeyRecord, wanted: str, recurse: bool) -> None:
    found = 0
    for name, rec in [(key, record), *(_descendants(hive, key) if recurse else [])]:
        value = hive.store.value(rec.id, wanted)
        if value is None and wanted == "" and name == key and not recurse:
            print(f"\n{key.display}\n    (Default)    REG_SZ    {NOT_SET}\n")
            return
        if value is not None:
            print(f"\n{name.display}\n{_line(value.name, value.type, value.data)}")
            found += 1
    if not found:
        raise Failed(NOT_FOUND)
    print(f"\nEnd of search: {found} match(es) found." if recurse else "")


def _descendants(hive: Hive, key: KeyName) -> list[tuple[KeyName, KeyRecord]]:
    out = []
    for child, record in hive.subkeys(key):
        out.append((child, record))
        out.extend(_descendants(hive, child))
    return out


def _query_tree(hive: Hive, key: KeyName, record: KeyRecord) -> None:
    for name, rec in [(key, record), *_descendants(hive, key)]:
        print(f"\n{name.display}")
        for value in hive.values(rec):
            print(_line(value.name, value.type, value.data))


# ---- ADD --------------------------------------------------------------------------------------------------


def _data(kind: int, text: str, separator: str) -> bytes:
    """`/d DATA` of type `kind` as reg.exe converts it."""
    if kind in (T.REG_SZ, T.REG_EXPAND_SZ):
        return T.utf16z(text)
    if kind == T.REG_MULTI_SZ:
        return T.multi_sz([part for part in text.split(separator)] if text else [])
    if kind in (T.REG_DWORD, T.REG_DWORD_BIG_ENDIAN, T.REG_QWORD):
        try:
            number = int(text, 16) if text.lower().startswith("0x") else int(text or "0", 10)
        except ValueError:
            raise Failed("ERROR: Invalid syntax.\nSpecify valid numeric value for '/d'.") from None
        if kind == T.REG_QWORD:
            return struct.pack("<Q", number & (1 << 64) - 1)
        return struct.pack(">I" if kind == T.REG_DWORD_BIG_ENDIAN else "<I", number & 0xFFFFFFFF)
    try:
        return bytes.fromhex(text)
    except ValueError:
        raise Failed("ERROR: Invalid syntax.\nSpecify valid hexadecimal value for '/d'.") from None


def _add(hive: Hive, positional: list[str], options: dict[str, str], ask: Callable[[str], bool]) -> None:
    key = _one_key(positional)
    wanted = _value_name(options)
    kind = T.TYPES_BY_NAME.get(options.get("/T", "REG_SZ").upper())
    if kind is None or kind not in (T.REG_SZ, T.REG_EXPAND_SZ, T.REG_MULTI_SZ, T.REG_DWORD, T.REG_QWORD,
                                    T.REG_DWORD_BIG_ENDIAN, T.REG_BINARY, T.REG_NONE):
        raise Usage
    if wanted is None and ("/T" in options or "/D" in options):
        wanted = ""
    data = _data(kind, options.get("/D", ""), options.get("/SE", "\\0"))
    record = hive.ensure(key)
    if wanted is not None:
        if hive.store.value(record.id, wanted) is not None and "/F" not in options:
            if not ask(f"Value {wanted or '(Default)'} exists, overwrite(Yes/No)? "):
                raise Failed("The operation was canceled by the user.")
        hive.store.set_value(record.id, wanted, kind, data)
    print(DONE)


# ---- DELETE -----------------------------------------------------------------------------------------------


def _delete(hive: Hive, positional: list[str], options: dict[str, str], ask: Callable[[str], bool]) -> None:
    key = _one_key(positional)
    wanted = _value_name(options)
    if "/VA" in options and wanted is not None:
        raise Usage
    record = hive.find(key)
    if record is None:
        raise Failed(NOT_FOUND)
    force = "/F" in options
    if "/VA" in options:
        if force or ask(f"Delete all values under the registry key {key.display} (Yes/No)? "):
            for value in hive.values(record):
                hive.store.delete_value(record.id, value.name)
            print(DONE)
        return
    if wanted is not None:
        if hive.store.value(record.id, wanted) is None:
            raise Failed(NOT_FOUND)
        if force or ask(f"Delete the registry value {wanted or '(Default)'} (Yes/No)? "):
            hive.store.delete_value(record.id, wanted)
            print(DONE)
        return
    if "\\" not in key.display:  # a root key itself
        raise Failed("ERROR: Invalid key name.\nType \"REG DELETE /?\" for usage.")
    if force or ask(f"Permanently delete the registry key {key.display} (Yes/No)? "):
        hive.delete_tree(record)
        print(DONE)


# ---- IMPORT and EXPORT ------------------------------------------------------------------------------------


def _import(hive: Hive, positional: list[str], options: dict[str, str], ask: Callable[[str], bool]) -> None:
    if len(positional) != 1:
        raise Usage
    path = Path(positional[0])
    try:
        raw = path.read_bytes()
    except OSError:
        raise Failed("ERROR: Error opening the file. There may be a disk or file system error.") from None
    try:
        blocks = parse(raw, positional[0])
    except RegFileError as exc:
        raise Failed(f"ERROR: {exc}") from None
    apply(hive, blocks)
    print(DONE)


def apply(hive: Hive, blocks: list[KeyBlock]) -> None:
    """Write what a `.reg` file says into the registry (also `wow64emu run --registry FILE.reg`)."""
    for block in blocks:
        key = key_name(block.path)
        if block.delete:
            record = hive.find(key)
            if record is not None and "\\" in key.display:  # never a root key itself
                hive.delete_tree(record)
            continue
        record = hive.ensure(key)
        for value in block.values:
            if value.data is None:
                hive.store.delete_value(record.id, value.name)
            else:
                hive.store.set_value(record.id, value.name, value.kind, value.data)


def seed(root: Path, files: list[list[KeyBlock]]) -> None:
    """`wow64emu run --registry FILE.reg`: import files (already parsed) into a root's registry, 64-bit view."""
    hive = open_hive(root, VIEW_64)
    try:
        for blocks in files:
            apply(hive, blocks)
    finally:
        hive.store.close()


def blocks_of(hive: Hive, key: KeyName) -> list[KeyBlock]:
    """A key and its subtree as `.reg` blocks, in the order regedit exports them."""
    record = hive.find(key)
    if record is None:
        return []
    out = []
    for name, rec in [(key, record), *_descendants(hive, key)]:
        out.append(KeyBlock(name.display, values=[Value(v.name, v.type, v.data) for v in hive.values(rec)]))
    return out


def _export(hive: Hive, positional: list[str], options: dict[str, str], ask: Callable[[str], bool]) -> None:
    if len(positional) != 2:
        raise Usage
    key = key_name(positional[0])
    blocks = blocks_of(hive, key)
    if not blocks:
        raise Failed(NOT_FOUND)
    target = Path(positional[1])
    if target.exists() and "/Y" not in options and not ask(f"File {positional[1]} already exists. "
                                                              f"Overwrite (Yes/No)? "):
        raise Failed("The operation was canceled by the user.")
    try:
        target.write_bytes(dump(blocks))
    except OSError:
        raise Failed("ERROR: Error opening the file. There may be a disk or file system error.") from None
    print(DONE)
