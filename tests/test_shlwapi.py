"""shlwapi.dll (guest/shlwapi/): the string and path functions real programs import at start-up, each on its edge
cases, in both widths (fixtures/src/strpath.c prints one result a line: the offset of a returned pointer, the string
written, the BOOL returned); and the names it exports."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from tests.peread import exports
from wow64emu.kernel.console import StdStreams
from wow64emu.machine import Machine

ROOT = Path(__file__).resolve().parent.parent
BIN = ROOT / "fixtures" / "bin"
SYSROOT = ROOT / "wow64emu" / "sysroot" / "Windows"

# What distlib's launchers (pip's t32.exe, t64.exe) import from shlwapi, and the rest of what the DLL offers.
LAUNCHER_IMPORTS = {"StrStrIW", "PathRemoveFileSpecW", "PathCombineW"}

EXPECTED = r"""StrStrIW [C:\Python\Scripts\pip.exe] [SCRIPTS] -> +10
StrStrIW [C:\Python\Scripts\pip.exe] [PIP.EXE] -> +18
StrStrIW [C:\Python\Scripts\pip.exe] [] -> (null)
StrStrIW (null) [a] -> (null)
StrStrIW [C:\Python\Scripts\pip.exe] (null) -> (null)
StrStrW [C:\Python\Scripts\pip.exe] [SCRIPTS] -> (null)
StrStrW [C:\Python\Scripts\pip.exe] [Scripts] -> +10
StrStrA [abcabc] [ca] -> +2
StrStrIA [abcABC] [CAB] -> +2
StrStrIA [abc] [abcd] -> (null)
StrChrW [C:\Python\Scripts\pip.exe] '\' -> +2
StrChrW [C:\Python\Scripts\pip.exe] 0 -> (null)
StrChrW (null) 'a' -> (null)
StrChrA [a.b.c] '.' -> +1
StrChrA [a.b.c] 'x' -> (null)
StrRChrW [C:\Python\Scripts\pip.exe] (null) '\' -> +17
StrRChrW [C:\Python\Scripts\pip.exe] +10 '\' -> +9
StrRChrW [C:\Python\Scripts\pip.exe] (null) 'z' -> (null)
StrCmpW [abc] [abc] -> 0
StrCmpIW [abc] [abc] -> 0
StrCmpW [abc] [ABC] -> -1
StrCmpIW [abc] [ABC] -> 0
StrCmpW [ABC] [abc] -> 1
StrCmpIW [ABC] [abc] -> 0
StrCmpW [a] [B] -> -1
StrCmpIW [a] [B] -> -1
StrCmpW [B] [a] -> 1
StrCmpIW [B] [a] -> 1
StrCmpW [abc] [abcd] -> -1
StrCmpIW [abc] [abcd] -> -1
StrCmpW [] [] -> 0
StrCmpIW [] [] -> 0
StrCmpW [_] [a] -> -1
StrCmpIW [_] [a] -> -1
StrCmpW [1] [a] -> -1
StrCmpIW [1] [a] -> -1
StrCmpNIW [abcX] [ABCy] 3 -> 0
StrCmpNIW [abcX] [ABCy] 4 -> -1
StrCmpNIW [a] [b] 0 -> 0
StrCpyW [pip] -> +0 [pip]
StrCatW [pip] [.exe] -> +0 [pip.exe]
StrCatW [pip.exe] (null) -> +0 [pip.exe]
PathCombineW [C:\dir] [file] -> +0 [C:\dir\file]
PathCombineW [C:\dir\] [file] -> +0 [C:\dir\file]
PathCombineW [C:\dir] [\file] -> +0 [C:\file]
PathCombineW [C:\dir] [D:\x] -> +0 [D:\x]
PathCombineW [C:\dir] [..\x] -> +0 [C:\x]
PathCombineW [C:\] [..] -> +0 [C:\]
PathCombineW [C:] [one\two\three] -> +0 [C:\one\two\three]
PathCombineW [C:\] [\one\two\three\] -> +0 [C:\one\two\three\]
PathCombineW [C:\/\/] [\one\two\three\] -> +0 [C:\one\two\three\]
PathCombineW [C:\] [one\..\two\.\three] -> +0 [C:\two\three]
PathCombineW [../../../one/two/] [*] -> +0 [../../../one/two/\*]
PathCombineW [\\server\share\dir] [\file] -> +0 [\\server\share\file]
PathCombineW [C:\dir] [\\server\share\f] -> +0 [\\server\share\f]
PathCombineW [relative\dir] [\one] -> (null) []
PathCombineW [C:\] (null) -> +0 [C:\]
PathCombineW [C:\] [] -> +0 [C:\]
PathCombineW [] [] -> +0 [\]
PathCombineW (null) [one\two\three] -> +0 [one\two\three]
PathCombineW (null) [] -> +0 [\]
PathCombineW (null) (null) -> (null) []
PathCombineW [C:\] [<long>] -> (null) []
PathCombineW [<long>] [one] -> (null) []
PathCombineW [<long>] [<long>] -> (null) []
PathCombineW 128+129 chars -> +0 length=258
PathCombineW (null dst) -> (null)
PathCanonicalizeW [] -> 1 [\] error=0
PathCanonicalizeW [C:\] -> 1 [C:\] error=0
PathCanonicalizeW [ ] -> 1 [ ] error=0
PathCanonicalizeW [one\two] -> 1 [one\two] error=0
PathCanonicalizeW [C:\one\.\..\two\three\..] -> 1 [C:\two] error=0
PathCanonicalizeW [C:\one/two/three\four/five\six] -> 1 [C:\one/two/three\four/five\six] error=0
PathCanonicalizeW [C:\one/.\two] -> 1 [C:\one/.\two] error=0
PathCanonicalizeW [../../one/two/] -> 1 [../../one/two/] error=0
PathCanonicalizeW [C:\one/.\..\two/three\..\four/.five] -> 1 [C:\four/.five] error=0
PathCanonicalizeW [C:\..] -> 1 [C:\] error=0
PathCanonicalizeW [C:\a\b\..\] -> 1 [C:\a\] error=0
PathCanonicalizeW [C:] -> 1 [C:\] error=0
PathCanonicalizeW [\\server\share\a\..\..\b] -> 1 [\\server\share\b] error=0
PathCanonicalizeW [C:\a\.\b\.\.\c] -> 1 [C:\a\b\c] error=0
PathCanonicalizeW (null) -> 0 [] error=87
PathCanonicalizeW [<long>] -> 0 [] error=206
PathCanonicalizeW (null dst) -> 0 error=87
PathRemoveFileSpecW [C:\dir\file] -> 1 [C:\dir]
PathRemoveFileSpecW [C:\file] -> 1 [C:\]
PathRemoveFileSpecW [C:\] -> 0 [C:\]
PathRemoveFileSpecW [C:] -> 0 [C:]
PathRemoveFileSpecW [file] -> 1 []
PathRemoveFileSpecW [] -> 0 []
PathRemoveFileSpecW [\file] -> 1 [\]
PathRemoveFileSpecW [\\server\share] -> 1 [\\server]
PathRemoveFileSpecW [\\server] -> 1 [\\]
PathRemoveFileSpecW [C:\dir\] -> 1 [C:\dir]
PathRemoveFileSpecW (null) -> 0
PathStripToRootW [\] -> 1 [\]
PathStripToRootW [C:\] -> 1 [C:\]
PathStripToRootW [C:] -> 0 [C:]
PathStripToRootW [C:\dir] -> 1 [C:\]
PathStripToRootW [\\server] -> 1 [\\server]
PathStripToRootW [\\server\share] -> 1 [\\server\share]
PathStripToRootW [\\server\share\] -> 1 [\\server\share]
PathStripToRootW [\dir] -> 1 [\]
PathStripToRootW [] -> 0 []
PathFindFileNameW [C:\dir\file.txt] -> [file.txt]
PathFindExtensionW [C:\dir\file.txt] -> [.txt]
PathFindFileNameW [C:\dir\] -> [dir\]
PathFindExtensionW [C:\dir\] -> []
PathFindFileNameW [file] -> [file]
PathFindExtensionW [file] -> []
PathFindFileNameW [C:file] -> [file]
PathFindExtensionW [C:file] -> []
PathFindFileNameW [dir/file] -> [file]
PathFindExtensionW [dir/file] -> []
PathFindFileNameW [\\server\share] -> [share]
PathFindExtensionW [\\server\share] -> []
PathFindFileNameW [] -> []
PathFindExtensionW [] -> []
PathFindExtensionW [a.b\c] [my file.txt] [a. b] -> [] [.txt] []
PathFindFileNameW (null) -> (null)
PathFindExtensionW (null) -> (null)
PathIsRootW [\] -> 1
PathIsRelativeW [\] -> 0
PathSkipRootW [\] -> (null)
PathIsRootW [C:\] -> 1
PathIsRelativeW [C:\] -> 0
PathSkipRootW [C:\] -> []
PathIsRootW [C:] -> 0
PathIsRelativeW [C:] -> 0
PathSkipRootW [C:] -> (null)
PathIsRootW [C:\dir] -> 0
PathIsRelativeW [C:\dir] -> 0
PathSkipRootW [C:\dir] -> [dir]
PathIsRootW [\\server] -> 1
PathIsRelativeW [\\server] -> 0
PathSkipRootW [\\server] -> (null)
PathIsRootW [\\server\share] -> 1
PathIsRelativeW [\\server\share] -> 0
PathSkipRootW [\\server\share] -> (null)
PathIsRootW [\\server\share\] -> 0
PathIsRelativeW [\\server\share\] -> 0
PathSkipRootW [\\server\share\] -> []
PathIsRootW [\dir] -> 0
PathIsRelativeW [\dir] -> 0
PathSkipRootW [\dir] -> (null)
PathIsRootW [] -> 0
PathIsRelativeW [] -> 1
PathSkipRootW [] -> (null)
PathIsRelativeW (null) [dir\file] -> 1 1
PathAppendW [C:\one] (null) -> 0 [C:\one]
PathAppendW [C:\one] [] -> 1 [C:\one]
PathAppendW [C:\one] [\two\three] -> 1 [C:\one\two\three]
PathAppendW [...] [..\..\x\] -> 1 [C:\one\x\]
PathAppendW [] [] -> 1 [\]
PathAppendW [C:\one] <long> -> 0 []
PathAddBackslashW [one\two] -> +8 [one\two\]
PathAddBackslashW [one\two\] -> +8 [one\two\]
PathAddBackslashW [] -> +0
PathAddBackslashW <259 chars> <260 chars> (null) -> (null) (null) (null)
PathRemoveBackslashW [C:\dir\] -> +6 [C:\dir]
PathRemoveBackslashW [C:\dir] -> +5 [C:\dir]
PathRemoveBackslashW [C:\] -> +2 [C:\]
PathRemoveBackslashW [\] -> +0 [\]
PathRemoveBackslashW [] -> +0 []
PathRemoveExtensionW [C:\dir\file.txt] -> [C:\dir\file]
PathRenameExtensionW [C:\dir\file.txt] [.exe] -> 1 [C:\dir\file.exe]
PathRemoveExtensionW [C:\dir.d\file] -> [C:\dir.d\file]
PathRenameExtensionW [C:\dir.d\file] [.exe] -> 1 [C:\dir.d\file.exe]
PathRemoveExtensionW [file.tar.gz] -> [file.tar]
PathRenameExtensionW [file.tar.gz] [.exe] -> 1 [file.tar.exe]
PathRenameExtensionW <257 chars> [.exe] -> 0 length=257
PathStripPathW [C:\dir\file.txt] -> [file.txt]
PathStripPathW [C:\dir\] -> [dir\]
PathStripPathW [file] -> [file]
PathStripPathW [\\server\share] -> [share]
PathQuoteSpacesW [C:\Program Files\p.exe] -> 1 ["C:\Program Files\p.exe"]
PathUnquoteSpacesW [C:\Program Files\p.exe] -> 0 [C:\Program Files\p.exe]
PathQuoteSpacesW [C:\p.exe] -> 0 [C:\p.exe]
PathUnquoteSpacesW [C:\p.exe] -> 0 [C:\p.exe]
PathQuoteSpacesW ["C:\a b"] -> 1 [""C:\a b""]
PathUnquoteSpacesW ["C:\a b"] -> 1 [C:\a b]
PathQuoteSpacesW ["] -> 0 ["]
PathUnquoteSpacesW ["] -> 1 []
PathQuoteSpacesW ["a] -> 0 ["a]
PathUnquoteSpacesW ["a] -> 0 ["a]
PathGetArgsW [prog.exe a b] -> [a b]
PathRemoveArgsW [prog.exe a b] -> [prog.exe]
PathGetArgsW ["C:\Program Files\p.exe" -x] -> [-x]
PathRemoveArgsW ["C:\Program Files\p.exe" -x] -> ["C:\Program Files\p.exe"]
PathGetArgsW [prog.exe] -> []
PathRemoveArgsW [prog.exe] -> [prog.exe]
PathGetArgsW [prog.exe ] -> []
PathRemoveArgsW [prog.exe ] -> [prog.exe]
PathGetArgsW (null) -> (null)
PathCombineA [C:\dir] [..\x.txt] -> [C:\x.txt]
PathCanonicalizeA [C:\a\..\b] -> 1 [C:\b]
PathRemoveFileSpecA [C:\dir\file] -> 1 [C:\dir]
PathAppendA [C:\dir] [x] -> 1 [C:\dir\x]
PathAddBackslashA [C:\dir\x] -> [\]
PathRemoveBackslashA [C:\dir\x\] -> [C:\dir\x]
PathFindFileNameA [C:\dir\f.c] -> [f.c]
PathFindExtensionA [C:\dir\f.c] -> [.c]
PathRenameExtensionA [C:\dir\f.c] [.o] -> 1 [C:\dir\f.o]
PathRemoveExtensionA [C:\dir\f.o] -> [C:\dir\f]
PathStripPathA [C:\dir\f] -> [f]
PathIsRelativeA [f] [C:\f] -> 1 0
PathFileExistsW [C:\] -> 1
PathIsDirectoryW [C:\] -> 16
PathFileExistsW [C:\sp dir] -> 1
PathIsDirectoryW [C:\sp dir] -> 16
PathFileExistsW [C:\sp dir\f.txt] -> 1
PathIsDirectoryW [C:\sp dir\f.txt] -> 0
PathFileExistsW [C:\missing] -> 0
PathIsDirectoryW [C:\missing] -> 0
PathFileExistsW [C:\sp dir\f.txt\x] -> 0
PathIsDirectoryW [C:\sp dir\f.txt\x] -> 0
PathFileExistsA [C:\sp dir\F.TXT] (null) -> 1 0
PathIsDirectoryA [C:\SP DIR] (null) -> 16 0
"""


@pytest.mark.parametrize("width", ["x86", "x64"])
def test_string_and_path_functions(width: str, tmp_path: Path) -> None:
    root = tmp_path / "c"
    root.mkdir()
    streams = StdStreams(io.BytesIO(), io.BytesIO(), io.BytesIO())
    outcome = Machine(BIN / width / "strpath.exe", [], root=root, streams=streams).run(timeout=60)
    assert streams.stderr.getvalue() == b""
    assert outcome.exit_status == 0
    assert streams.stdout.getvalue().decode().splitlines() == EXPECTED.splitlines()


@pytest.mark.parametrize("sysdir", ["SysWOW64", "System32"])
def test_shlwapi_exports_what_launchers_import(sysdir: str) -> None:
    names = set(exports(SYSROOT / sysdir / "shlwapi.dll"))
    assert LAUNCHER_IMPORTS <= names
    for name in ("PathCombine", "PathCanonicalize", "PathAppend", "StrStrI", "StrChr", "PathFileExists"):
        assert {name + "A", name + "W"} <= names
