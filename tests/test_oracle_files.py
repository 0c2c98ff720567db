"""Differential oracle: files and directories, 32-bit through WoW64 against 64-bit native.

No normalisation rule is needed: the scenarios print no pointer, handle, time or index number, only facts about
them (set, ordered, equal to another), and the structures they read have the same bytes in both widths but
FILE_RENAME_INFORMATION, whose conversion is what the rename lines check.
"""

import re
from pathlib import Path

import pytest

from tests.oracle import Coverage, check
from tests.peread import exports

ROOT = Path(__file__).resolve().parents[1]

# scenario -> (lines its output holds, the files it leaves in C:)
SCENARIOS = {
    "oracle_files": ((
        "supersede existing: status=0x00000000\n  iosb=0x00000000,0\n",
        "overwrite missing: status=0xc0000034\n",
        "read 7 at 8: status=0x00000000\n  iosb=0x00000000,7\n89<end>\n",
        "name in 8 bytes: status=0x80000005\n  iosb=0x80000005,8\n  name length=22\n",
        "all without room for the name: status=0x80000005\n  iosb=0x80000005,104\n",
        "  creation=0x1d6dfd10c358000\n",
        "rename onto an existing file: status=0xc0000035\n",
        "rename onto it, replacing: status=0x00000000\n",
        "rename with a name past the buffer: status=0xc000000d\n",
        "rename with a short buffer: status=0xc0000004\n",
        "NtDeleteFile of a non-empty directory: status=0xc0000101\n",
        "no match on the first call: status=0xc000000f\n",
        "a first entry cut short: status=0x80000005\n  iosb=0x80000005,96\n  next=0\n  name length=12\n",
        "  .. attributes=16 size=0 times\n  A.txt attributes=32 size=6 times\n  B.TXT attributes=32 size=0 times\n",
        "NtQueryAttributesFile of the root: status=0x00000000\n  attributes=22\n",
        "  NTFS\n",
        "device of the console: status=0x00000000\n  type=80\n",
        "output code page: status=0x00000000\n  iosb=0x00000000,437\n",
        "screen buffer: status=0x00000000\n  iosb=0x00000000,96\n  buffer width=120\n",
        "screen buffer, short output: status=0xc0000023\nscreen buffer, bad output: status=0xc0000005\n"
        "short request: status=0xc000000d\nunknown API: status=0xc000000d\n"
        "mode of a bad handle: status=0xc0000008\nmode of a disk file: status=0xc0000008\n"
        "a disk file: status=0xc0000010\nan unknown code: status=0xc0000010\na bad handle: status=0xc0000008\n",
    ), {
        "tree": b"<dir>", "tree/A.txt": b"alpha!", "tree/B.TXT": b"", "tree/disp.txt": b"x",
        "tree/io.bin": b"0123AB6789<e", "tree/m3.txt": b"", "tree/m4.txt": b"", "tree/sub": b"<dir>",
        "tree/sub/inner.txt": b""}),
    "oracle_files_k32": ((
        "GetFullPathNameW: ret=12 err=61166\n  C:\\k32\\x.txt part=x.txt\n",
        "CreateDirectoryW, existing: ret=0 err=183\n",
        "RemoveDirectoryA, not empty: ret=0 err=145\n",
        "SetFilePointer before the start: ret=4294967295 err=131\n",
        "GetFileType, console: ret=2 err=61166\n",
        "  now: ret=3 err=61166\nDeleteFileW, read-only: ret=0 err=5\n",
        "  . attributes=16 size=0 times\n  .. attributes=16 size=0 times\n  attr.txt attributes=128 size=10 times\n",
        "FindNextFileW at the end: ret=0 err=18\n",
        "MoveFileA onto an existing file: ret=0 err=183\n",
        "DeleteFileA, a directory: ret=0 err=5\n",
        "GetVolumeInformationW, no backslash: ret=0 err=123\n",
        "-- pipes\nCreatePipe: ret=1 err=61166\nGetFileType, pipe: ret=3 err=61166\n"
        "WriteFile, pipe: ret=1 err=61166\n  written=5\nReadFile, pipe: ret=1 err=61166\n  read=3\n"
        "ReadFile, the rest: ret=1 err=61166\n  read=2\nReadFile, writer closed: ret=0 err=109\n"
        "WriteFile, reader closed: ret=0 err=232\n"
        "NtCreateNamedPipeFile, no name: status=0xc0000033\n"
        "NtCreateNamedPipeFile, message mode: status=0xc00000bb\n",
    ), {
        "k32": b"<dir>", "k32/attr.txt": b"attributes", "k32/data.bin": b"012345", "k32/moved": b"<dir>",
        "k32/moved/inner.txt": b"inner", "k32/moved/two.txt": b"one"}),
}


@pytest.mark.parametrize("program", sorted(SCENARIOS))
def test_file_scenarios_observe_the_same_in_both_widths(program: str, tmp_path: Path,
                                                    oracle_coverage: Coverage) -> None:
    lines, files = SCENARIOS[program]
    obs = check(program, tmp_path, oracle_coverage)
    for line in lines:
        assert line in obs.stdout, line
    assert obs.files == files


@pytest.mark.parametrize("sysdir", ["SysWOW64", "System32"])
def test_the_file_functions_keep_their_ordinals(sysdir: str) -> None:
    fixed = {m[1]: int(m[2]) for m in re.finditer(r"^ +(\w+)@\d+ @(\d+)$",
                                                  (ROOT / "guest/kernel32/exports/files.def").read_text(), re.M)}
    assert len(fixed) == 36 and all(100 <= n < 200 for n in fixed.values())
    built = exports(ROOT / "wow64emu/sysroot/Windows" / sysdir / "kernel32.dll")
    assert {name: built[name].ordinal for name in fixed} == fixed
