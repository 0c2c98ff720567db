"""Generates guest/kernel32/chartables.c, kernel32's character tables, from Python's unicodedata.

`render()` gives the text of the C file; `python guest/kernel32/chartables.py` writes it. guest/build.sh runs it
before compiling kernel32, and tests/test_nls.py checks that the committed file equals what it renders.

The tables cover the blocks listed in RANGES (Latin, Greek, Cyrillic, Armenian, Hebrew, general punctuation,
super- and subscripts, currency signs up to U+20BF, letterlike symbols and number forms, enclosed alphanumerics,
CJK symbols and kana, halfwidth and fullwidth forms): blocks whose characters have had the same properties in
every Unicode version since Python 3.8's, so that any Python renders the same file. stringtype.c gives the
characters outside them by rule.

- The types (GetStringTypeW): one (CT_CTYPE1, CT_CTYPE2, CT_CTYPE3) triple per character, as an index into the
  list of distinct triples. CT_CTYPE1 as Windows assigns it: C1_UPPER for Lu, Lt and the other uppercase characters,
  C1_LOWER for Ll, Lt and the other lowercase ones (ª º ⁱ ⁿ), C1_ALPHA for letters, C1_DIGIT for Nd and the
  Latin-1 superscripts ¹ ² ³, C1_SPACE for Z* and TAB, LF, VT, FF, CR, NEL, C1_BLANK for Zs and TAB, C1_PUNCT for
  P*, S* and No, C1_CNTRL for Cc and Cf, C1_XDIGIT for the hexadecimal digits (fullwidth too), C1_DEFINED for every
  assigned character. CT_CTYPE2 from the bidirectional class. CT_CTYPE3: C3_NONSPACING (Mn, Me), C3_DIACRITIC (Sk
  and the combining diacritical marks), C3_SYMBOL (P*, S*), C3_KATAKANA, C3_HIRAGANA, C3_HALFWIDTH (narrow and
  halfwidth characters), C3_FULLWIDTH (wide and fullwidth ones), C3_ALPHA (letters).
- The case mappings (LCMapString, CompareString): the simple one-to-one mappings, sorted for a binary search; İ
  lowers to i, as Windows maps it.
- The decompositions (sorting, NORM_IGNORENONSPACE): each precomposed letter as its base letter and its first
  combining mark.
"""

from __future__ import annotations

import sys
import unicodedata
from pathlib import Path

OUTPUT = Path(__file__).resolve().parent / "chartables.c"

RANGES = ((0x0000, 0x05FF), (0x1E00, 0x1FFF), (0x2000, 0x20BF), (0x2100, 0x218B), (0x2460, 0x24FF),
          (0x3000, 0x30FF), (0xFF00, 0xFFEF))

C1_UPPER, C1_LOWER, C1_DIGIT, C1_SPACE, C1_PUNCT, C1_CNTRL, C1_BLANK, C1_XDIGIT, C1_ALPHA, C1_DEFINED = (
    0x1, 0x2, 0x4, 0x8, 0x10, 0x20, 0x40, 0x80, 0x100, 0x200)
C3_NONSPACING, C3_DIACRITIC, C3_SYMBOL, C3_KATAKANA, C3_HIRAGANA, C3_HALFWIDTH, C3_FULLWIDTH, C3_ALPHA = (
    0x1, 0x2, 0x8, 0x10, 0x20, 0x40, 0x80, 0x8000)
BIDI = {"L": 1, "R": 2, "AL": 2, "EN": 3, "ES": 4, "ET": 5, "AN": 6, "CS": 7, "B": 8, "S": 9, "WS": 10,
        "ON": 11}
HEX = set("0123456789ABCDEFabcdef０１２３４５６７８９ＡＢＣＤＥＦａｂｃｄｅｆ")


def characters() -> list[int]:
    return [c for first, last in RANGES for c in range(first, last + 1)]


def ctypes(c: int) -> tuple[int, int, int]:
    ch = chr(c)
    cat = unicodedata.category(ch)
    if cat == "Cn":
        return 0, 0, 0
    c1 = C1_DEFINED
    if ch.isupper() or cat == "Lt":
        c1 |= C1_UPPER
    if ch.islower() or cat == "Lt":
        c1 |= C1_LOWER
    if ch.isalpha():
        c1 |= C1_ALPHA
    if cat == "Nd" or ch in "¹²³":
        c1 |= C1_DIGIT
    if cat[0] == "Z" or ch in "\t\n\v\f\r\x85":
        c1 |= C1_SPACE
    if cat == "Zs" or ch == "\t":
        c1 |= C1_BLANK
    if cat[0] in "PS" or cat == "No":
        c1 |= C1_PUNCT
    if cat in ("Cc", "Cf"):
        c1 |= C1_CNTRL
    if ch in HEX:
        c1 |= C1_XDIGIT
    c3 = 0
    if cat in ("Mn", "Me"):
        c3 |= C3_NONSPACING
    if cat == "Sk" or 0x0300 <= c <= 0x036F:
        c3 |= C3_DIACRITIC
    if cat[0] in "PS":
        c3 |= C3_SYMBOL
    name = unicodedata.name(ch, "")
    if "KATAKANA" in name:
        c3 |= C3_KATAKANA
    if "HIRAGANA" in name:
        c3 |= C3_HIRAGANA
    width = unicodedata.east_asian_width(ch)
    if width in ("Na", "H"):
        c3 |= C3_HALFWIDTH
    if width in ("F", "W"):
        c3 |= C3_FULLWIDTH
    if ch.isalpha():
        c3 |= C3_ALPHA
    return c1, BIDI.get(unicodedata.bidirectional(ch), 0), c3


def case_pairs() -> tuple[dict[int, int], dict[int, int]]:
    """(to upper, to lower): the one-to-one mappings that change a character."""
    upper, lower = {}, {}
    for c in characters():
        ch = chr(c)
        if len(ch.upper()) == 1 and ch.upper() != ch:
            upper[c] = ord(ch.upper())
        if len(ch.lower()) == 1 and ch.lower() != ch:
            lower[c] = ord(ch.lower())
    lower[0x0130] = ord("i")
    return upper, lower


def decompositions() -> dict[int, tuple[int, int]]:
    """Precomposed letter -> (base letter, first combining mark)."""
    out = {}
    for c in characters():
        nfd = unicodedata.normalize("NFD", chr(c))
        if len(nfd) > 1 and unicodedata.category(nfd[1]) == "Mn":
            out[c] = (ord(nfd[0]), ord(nfd[1]))
    return out


def _rows(values: list[str], per_line: int) -> str:
    return "\n".join("    " + ", ".join(values[i:i + per_line]) + "," for i in range(0, len(values), per_line))


def render() -> str:
    triples: dict[tuple[int, int, int], int] = {}
    out = ["/* generated by guest/kernel32/chartables.py, do not edit: kernel32's character tables. */\n"
           "#include \"k32nls.h\"\n"]
    range_rows = []
    for first, last in RANGES:
        index = [triples.setdefault(ctypes(c), len(triples)) for c in range(first, last + 1)]
        name = f"types_{first:04x}"
        out.append(f"static const BYTE {name}[{len(index)}] = {{\n{_rows([str(i) for i in index], 24)}\n}};\n")
        range_rows.append(f"{{0x{first:04X}, 0x{last:04X}, {name}}}")
    assert len(triples) <= 256
    values = [f"{{0x{c1:04X}, 0x{c2:04X}, 0x{c3:04X}}}" for c1, c2, c3 in triples]
    out.append(f"const WORD nls_types[{len(values)}][3] = {{\n{_rows(values, 4)}\n}};\n")
    out.append(f"const struct nls_type_range nls_type_ranges[{len(range_rows)}] = {{\n{_rows(range_rows, 3)}\n}};\n")
    upper, lower = case_pairs()
    for name, pairs in (("nls_to_upper", upper), ("nls_to_lower", lower)):
        items = [f"{{0x{a:04X}, 0x{b:04X}}}" for a, b in sorted(pairs.items())]
        out.append(f"const struct nls_char_map {name}[{len(items)}] = {{\n{_rows(items, 6)}\n}};\n")
    items = [f"{{0x{c:04X}, 0x{b:04X}, 0x{m:04X}}}" for c, (b, m) in sorted(decompositions().items())]
    out.append(f"const struct nls_decomposition nls_decompositions[{len(items)}] = {{\n{_rows(items, 4)}\n}};\n")
    counts = (f"const DWORD nls_type_range_count = {len(range_rows)}, nls_to_upper_count = {len(upper)},\n"
              f"            nls_to_lower_count = {len(lower)}, nls_decomposition_count = {len(items)};\n")
    out.append(counts)
    return "\n".join(out)


def main() -> int:
    OUTPUT.write_text(render(), encoding="utf-8", newline="\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
