"""Differential oracle: the memory manager, 32-bit through WoW64 against 64-bit native.

The scenarios print addresses as offsets from allocations they made (and the one absolute address they print,
a requested base, is the same in both widths), so no line needs a normalisation rule: the sizes, states,
protections, types, alignments and distances are compared as they are.
"""

from pathlib import Path

from tests.oracle import Coverage, check

PAGE_FILE_VIEW = ("query the view: status=0x00000000\n  return length is the structure's=1\n  base=+0x0\n"
                  "  allocation base=+0x0\n  size=0x13000\n  state=0x1000\n  protect=0x4\n  allocation protect=0x4\n"
                  "  type=0x40000\n")


def test_virtual_memory_observes_the_same_in_both_widths(tmp_path: Path, oracle_coverage: Coverage) -> None:
    out = check("oracle_memory", tmp_path, oracle_coverage).stdout
    # A committed run inside a reservation, seen from its middle: Windows scans forward from the page.
    assert "query +0x3800 (inside the run): status=0x00000000\n  return length is the structure's=1\n" \
           "  base=+0x3000\n  allocation base=+0x0\n  size=0x2000\n  state=0x1000\n  protect=0x4\n" in out
    assert "NtProtectVirtualMemory reserved page: status=0xc000002d" in out
    assert "NtQueryVirtualMemory past the user range: status=0xc000000d" in out
    assert "NtQueryVirtualMemory short buffer: status=0xc0000004" in out
    assert "NtReadVirtualMemory into the reserved page: status=0x8000000d\n  read=10\n" in out
    assert "WriteProcessMemory into code: TRUE" in out and "  protect still=0x20\n" in out
    assert "WriteProcessMemory into read-only memory: FALSE\n  last error=998\n" in out
    assert "query the released 1 MB: status=0x00000000" in out and "  state=0x10000\n  protect=0x1\n" in out


def test_sections_observe_the_same_in_both_widths(tmp_path: Path, oracle_coverage: Coverage) -> None:
    obs = check("oracle_memory_sections", tmp_path, oracle_coverage)
    out = obs.stdout
    assert PAGE_FILE_VIEW in out
    assert '  second view reads="shared bytes"' in out and '  the view outlives its handle="shared bytes"' in out
    assert "first view +0x1000: status=0x00000000\n  return length is the structure's=1\n  base=+0x1000\n" \
           "  allocation base=+0x0\n  size=0x1000\n  state=0x1000\n  protect=0x4\n" in out
    assert "NtCreateSection the same name, OBJ_OPENIF: status=0x40000000" in out
    assert '  bytes 4990..="yzabcdefgh"' in out and "  attributes=0x800000\n  maximum size=0x1388" in out
    assert '  a copy-on-write view wrote="C"\n  the shared view still reads="W"' in out
    data = bytes(ord("a") + i % 26 for i in range(5000))
    assert obs.files == {
        "empty.bin": b"",
        "mapped.bin": b"AB" + data[2:] + bytes(999) + b"!",  # extended to 6000, written back by flush and unmap
        "win32 mapped.txt": b"Through kernel32",
    }
