"""regedit's `.reg` files: what the reader takes, what the writer writes, and one line for each malformed form."""

import codecs

import pytest

from wow64emu.reg import regtypes as t
from wow64emu.reg.regfile import KeyBlock, RegFileError, Value, dump, format_value, parse
from wow64emu.reg.regtypes import REG_BINARY, REG_DWORD, REG_EXPAND_SZ, REG_MULTI_SZ, REG_SZ, multi_sz, utf16z

V5 = "Windows Registry Editor Version 5.00\r\n\r\n"


def utf16(text: str) -> bytes:
    return codecs.BOM_UTF16_LE + text.encode("utf-16-le")


def test_every_value_form_in_a_utf16_file() -> None:
    text = (V5 + "; a comment\r\n[HKEY_LOCAL_MACHINE\\SOFTWARE\\Test]\r\n"
            '@="default"\r\n"Path"="C:\\\\Program Files\\\\\\"x\\""\r\n"Count"=dword:0000002a\r\n'
            '"Blob"=hex:01,02,\\\r\n  ff\r\n"Big"=hex(b):00,00,00,00,01,00,00,00\r\n'
            '"Exp"=hex(2):25,00,41,00,25,00,00,00\r\n"Multi"=hex(7):61,00,00,00,62,00,00,00,00,00\r\n'
            '"Odd"=hex(100):aa\r\n"Gone"=-\r\n\r\n[-HKEY_CURRENT_USER\\Software\\Old]\r\n')
    blocks = parse(utf16(text), "t.reg")
    assert [b.path for b in blocks] == ["HKEY_LOCAL_MACHINE\\SOFTWARE\\Test", "HKEY_CURRENT_USER\\Software\\Old"]
    assert blocks[1].delete and not blocks[0].delete
    assert blocks[0].values == [
        Value("", REG_SZ, utf16z("default")),
        Value("Path", REG_SZ, utf16z('C:\\Program Files\\"x"')),
        Value("Count", REG_DWORD, (42).to_bytes(4, "little")),
        Value("Blob", REG_BINARY, b"\x01\x02\xff"),
        Value("Big", t.REG_QWORD, (1 << 32).to_bytes(8, "little")),
        Value("Exp", REG_EXPAND_SZ, utf16z("%A%")),
        Value("Multi", REG_MULTI_SZ, multi_sz(["a", "b"])),
        Value("Odd", 0x100, b"\xaa"),
        Value("Gone", REG_SZ, None),
    ]


def test_utf8_ansi_and_regedit4_inputs() -> None:
    utf8 = (V5 + '[HKEY_CURRENT_USER\\Software\\Ü]\n"n"="é"\n').encode("utf-8")
    assert parse(utf8, "u.reg")[0].values == [Value("n", REG_SZ, utf16z("é"))]
    assert parse(codecs.BOM_UTF8 + utf8, "u.reg")[0].path == "HKEY_CURRENT_USER\\Software\\Ü"
    ansi = (V5 + '[HKEY_CURRENT_USER\\Software\\A]\n"n"="é"\n').encode("cp1252")
    assert parse(ansi, "a.reg")[0].values == [Value("n", REG_SZ, utf16z("é"))]
    # REGEDIT4 writes the string types' hex data in ANSI: read as UTF-16LE
    old = b'REGEDIT4\r\n\r\n[HKEY_LOCAL_MACHINE\\SOFTWARE\\A]\r\n"e"=hex(2):25,41,25,00\r\n'
    assert parse(old, "4.reg")[0].values == [Value("e", REG_EXPAND_SZ, utf16z("%A%"))]


@pytest.mark.parametrize(("body", "line", "what"), [
    ("", 1, "no 'Windows Registry Editor Version 5.00' line"),
    ("\r\nREGEDIT5\r\n", 2, "the first line must be"),
    (V5 + '"a"="b"\r\n', 3, "a value before any [key] line"),
    (V5 + "[HKEY_LOCAL_MACHINE\\X\r\n", 3, "must end with ']'"),
    (V5 + "[HKLM\\X]\r\n", 3, "unknown root key 'HKLM'"),
    (V5 + "[HKEY_LOCAL_MACHINE\\\\X]\r\n", 3, "empty key name"),
    (V5 + "[HKEY_USERS\\X]\r\nnonsense\r\n", 4, "expected '\"name\"=data'"),
    (V5 + '[HKEY_USERS\\X]\r\n"a"="unterminated\r\n', 4, "bad string"),
    (V5 + '[HKEY_USERS\\X]\r\n"a"="a\\tb"\r\n', 4, "bad escape '\\t'"),
    (V5 + '[HKEY_USERS\\X]\r\n"a"=dword:123456789\r\n', 4, "bad dword '123456789'"),
    (V5 + '[HKEY_USERS\\X]\r\n"a"=dword:xyz\r\n', 4, "bad dword 'xyz'"),
    (V5 + '[HKEY_USERS\\X]\r\n\r\n"a"=hex:01,zz\r\n', 5, "bad hex data"),
    (V5 + '[HKEY_USERS\\X]\r\n"a"=hex:01,\\\r\n  0g\r\n', 4, "bad hex data"),
    (V5 + '[HKEY_USERS\\X]\r\n"a"=hex(2x):00\r\n', 4, "bad value data"),
    (V5 + '[HKEY_USERS\\X]\r\n"a"=string\r\n', 4, "bad value data 'string'"),
    (V5 + '[-HKEY_USERS\\X]\r\n"a"="b"\r\n', 4, "a value under a key being deleted"),
])
def test_each_malformed_form_is_one_line_naming_its_line(body: str, line: int, what: str) -> None:
    with pytest.raises(RegFileError) as info:
        parse(utf16(body), "bad.reg")
    message = str(info.value)
    assert "\n" not in message and message.startswith(f"bad.reg, line {line}: ") and what in message
    assert info.value.line == line


def test_the_writer_writes_what_regedit_writes() -> None:
    assert format_value("", REG_SZ, utf16z('a\\"b')) == '@="a\\\\\\"b"'
    assert format_value("n", REG_DWORD, (10).to_bytes(4, "little")) == '"n"=dword:0000000a'
    assert format_value("q", t.REG_QWORD, (1).to_bytes(8, "little")) == '"q"=hex(b):01,00,00,00,00,00,00,00'
    assert format_value("e", REG_EXPAND_SZ, utf16z("%A")) == '"e"=hex(2):25,00,41,00,00,00'
    assert format_value("s", REG_SZ, b"a\0b\0") == '"s"=hex(1):61,00,62,00'  # no terminating NUL
    # a long binary: 19 bytes after `"FailureActions"=hex:`, then 25 a line, as regedit wraps it
    lines = format_value("FailureActions", REG_BINARY, bytes(60)).split("\r\n")
    assert [len(x) for x in lines] == [79, 78, 49] and lines[1].startswith("  00,") and lines[0].endswith(",\\")
    raw = dump([KeyBlock("HKEY_LOCAL_MACHINE\\SOFTWARE\\A", values=[Value("v", REG_SZ, utf16z("x"))])])
    assert raw.startswith(codecs.BOM_UTF16_LE)
    assert raw[2:].decode("utf-16-le") == (V5 + '[HKEY_LOCAL_MACHINE\\SOFTWARE\\A]\r\n"v"="x"\r\n\r\n')


def test_round_trips() -> None:
    values = [Value("", REG_SZ, utf16z("d")), Value('q"uo\\te', REG_SZ, utf16z('"\\')),
              Value("b", REG_BINARY, bytes(range(200))), Value("m", REG_MULTI_SZ, multi_sz(["x", "yz"])),
              Value("n", 0, b""), Value("t", 0x12345, b"\x01"), Value("gone", REG_SZ, None)]
    blocks = [KeyBlock("HKEY_CURRENT_USER\\Software\\R", values=values), KeyBlock("HKEY_USERS\\D", delete=True)]
    assert parse(dump(blocks), "r.reg") == blocks
