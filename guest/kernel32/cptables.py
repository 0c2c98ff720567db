"""Generates guest/kernel32/cptables.c, the tables of kernel32's single-byte code pages, from Python's codecs.

`render()` gives the text of the C file; `python guest/kernel32/cptables.py` writes it. guest/build.sh runs it
before compiling kernel32, and tests/test_nls.py checks that the committed file equals what it renders. The
output depends only on the code below and on the Unicode data of the characters it names (stable across Python
versions): the same bytes on every run.

The code pages are Windows' ones:
- 1252 (ANSI, Western): Python's cp1252, with the five bytes Python leaves undefined (0x81, 0x8D, 0x8F, 0x90,
  0x9D) mapped to the C1 control of the same value, as Windows maps them (and back).
- 437 (OEM, United States): Python's cp437, and the glyphs of the control bytes that MB_USEGLYPHCHARS asks for.
- 20127 (US-ASCII): the bytes 0x80-0xFF read as their low seven bits, as Windows reads them; none of them
  round-trips.

For each one the file holds: the characters of the bytes 0x80-0xFF (the bytes below are the ASCII characters in
all three), the characters that convert back to a byte (sorted, for a binary search), the best-fit mappings
WideCharToMultiByte uses without WC_NO_BEST_FIT_CHARS, and the decompositions of its precomposed characters
(MB_COMPOSITE, WC_COMPOSITECHECK).

Best fit, the subset chosen: a character of U+00A0-U+017F the code page lacks maps to a letter when its
canonical decomposition is that ASCII letter followed by combining marks (Ā -> A, é -> e in 20127), and the
letters with a stroke or without a dot map to their base letter (Đ đ Ħ ħ ı Ł ł Ø ø Ŧ ŧ), as Windows' best-fit
tables map them. Windows' tables hold more (other Latin letters, fullwidth forms, punctuation); those characters
become the default character here.
"""

from __future__ import annotations

import sys
import unicodedata
from pathlib import Path

OUTPUT = Path(__file__).resolve().parent / "cptables.c"

STROKED = {0x0110: "D", 0x0111: "d", 0x0126: "H", 0x0127: "h", 0x0131: "i", 0x0141: "L", 0x0142: "l",
           0x00D8: "O", 0x00F8: "o", 0x0166: "T", 0x0167: "t"}
# The glyphs of code page 437's control bytes 0x01-0x1F, then of 0x7F (MB_USEGLYPHCHARS).
GLYPHS_437 = "☺☻♥♦♣♠•◘○◙♂♀♪♫☼►◄↕‼¶§▬↨↑↓→←∟↔▲▼⌂"


def high_half(code_page: int) -> list[int]:
    """The characters of the bytes 0x80-0xFF."""
    if code_page == 20127:
        return [b & 0x7F for b in range(0x80, 0x100)]
    out = []
    for b in range(0x80, 0x100):
        try:
            out.append(ord(bytes([b]).decode(f"cp{code_page}")))
        except UnicodeDecodeError:
            out.append(b)                                   # 1252's undefined bytes: the C1 control
    return out


def round_trips(code_page: int) -> dict[int, int]:
    """Character >= 0x80 -> the byte it converts back to."""
    if code_page == 20127:
        return {}
    return {c: 0x80 + i for i, c in enumerate(high_half(code_page)) if c >= 0x80}


def best_fit(code_page: int) -> dict[int, int]:
    exact = round_trips(code_page)
    out = {}
    for c in range(0xA0, 0x180):
        if c in exact:
            continue
        if c in STROKED:
            out[c] = ord(STROKED[c])
            continue
        nfd = unicodedata.normalize("NFD", chr(c))
        if len(nfd) > 1 and nfd[0].isascii() and nfd[0].isalpha() and all(
                unicodedata.category(m) == "Mn" for m in nfd[1:]):
            out[c] = ord(nfd[0])
    return out


def decompositions(code_page: int) -> list[tuple[int, int, int]]:
    """(byte, base, mark) for each byte whose character decomposes into two characters."""
    out = []
    for i, c in enumerate(high_half(code_page)):
        nfd = unicodedata.normalize("NFD", chr(c))
        if len(nfd) == 2:
            out.append((0x80 + i, ord(nfd[0]), ord(nfd[1])))
    return out


def _rows(values: list[str], per_line: int) -> str:
    return "\n".join("    " + ", ".join(values[i:i + per_line]) + ","
                     for i in range(0, len(values), per_line))


def _pairs(name: str, pairs: dict[int, int]) -> str:
    if not pairs:
        return ""
    items = [f"{{0x{c:04X}, 0x{b:02X}}}" for c, b in sorted(pairs.items())]
    return f"static const struct nls_pair {name}[] = {{\n{_rows(items, 6)}\n}};\n\n"


def _code_page(code_page: int, name: str) -> str:
    prefix = f"cp{code_page}"
    high = [f"0x{c:04X}" for c in high_half(code_page)]
    exact, fit, decomposed = round_trips(code_page), best_fit(code_page), decompositions(code_page)
    text = f"static const WCHAR {prefix}_high[128] = {{\n{_rows(high, 8)}\n}};\n\n"
    text += _pairs(f"{prefix}_exact", exact) + _pairs(f"{prefix}_best_fit", fit)
    if decomposed:
        items = [f"{{0x{b:02X}, 0x{base:04X}, 0x{mark:04X}}}" for b, base, mark in decomposed]
        text += f"static const struct nls_composite {prefix}_composites[] = {{\n{_rows(items, 4)}\n}};\n\n"
    glyphs = "NULL"
    if code_page == 437:
        values = [f"0x{ord(g):04X}" for g in GLYPHS_437]
        text += (f"/* MB_USEGLYPHCHARS: the bytes 0x01-0x1F, then 0x7F. */\n"
                 f"static const WCHAR {prefix}_glyphs[32] = {{\n{_rows(values, 8)}\n}};\n\n")
        glyphs = f"{prefix}_glyphs"

    def table(kind: str, items: dict[int, int] | list[tuple[int, int, int]]) -> str:
        return f"{prefix}_{kind}, {len(items)}" if items else "NULL, 0"

    return text + (
        f"const struct nls_sbcs nls_{prefix} = {{\n"
        f"    {code_page}, L\"{name}\", {prefix}_high, {glyphs},\n"
        f"    {table('exact', exact)}, {table('best_fit', fit)}, {table('composites', decomposed)},\n"
        f"}};\n")


CODE_PAGES = ((1252, "1252  (ANSI - Latin I)"), (437, "437   (OEM - United States)"), (20127, "20127 (US-ASCII)"))


def render() -> str:
    parts = ["/* generated by guest/kernel32/cptables.py, do not edit: kernel32's single-byte code pages. */\n"
             "#include \"k32nls.h\"\n"]
    parts += [_code_page(cp, name) for cp, name in CODE_PAGES]
    return "\n".join(parts)


def main() -> int:
    OUTPUT.write_text(render(), encoding="utf-8", newline="\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
