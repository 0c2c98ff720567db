"""Differential oracle: the registry through ntdll, 32-bit through WoW64 against 64-bit native
(fixtures/src/oracle_registry.c).

The scenario prints statuses, counts, types, names and data, never a time or a handle, so both widths must print
exactly the same; the database's folder, which no guest can open, is left out of the drive's comparison.
"""

import subprocess
import sys
from pathlib import Path

from tests.oracle import FIXTURES, Coverage, check


def test_registry_observes_the_same_in_both_widths(tmp_path: Path, oracle_coverage: Coverage) -> None:
    out = check("oracle_registry", tmp_path, oracle_coverage).stdout
    # The default contents, through the CurrentControlSet link.
    assert "NtQueryValueKey CurrentBuild: status=0x00000000\n  type=1\n  data length=12\n" in out
    assert "  text=19045\n" in out and "  text=22H2\n" in out and "  dword=10\n" in out
    assert "  name=\\REGISTRY\\MACHINE\\SYSTEM\\ControlSet001\\Control\\Session Manager\\Environment\n" in out
    assert "NtOpenKeyEx the link itself: status=0x00000000\n" in out
    # Short buffers: nothing, or the fixed part and the partial data.
    assert "NtQueryValueKey ProductName too small: status=0xc0000023\n  result length=42\n  untouched=1\n" in out
    assert "NtQueryValueKey ProductName overflow: status=0x80000005\n  data length=30\n  partial=Wind\n" \
           "  past the buffer untouched=1\n" in out
    assert "NtQueryValueKey ProductName full: status=0x00000000\n  data offset=48\n" in out
    # The standard user cannot write the machine's keys; access is checked on each handle.
    assert "NtCreateKey in HKLM: status=0xc0000022\n" in out
    assert "NtSetValueKey through KEY_READ: status=0xc0000022\n" in out
    assert "NtCreateKey below a read-only handle: status=0x00000000\n  disposition=1\n" in out
    assert "NtCreateKey existing: status=0x00000000\n  disposition=2\n" in out
    # Values: kept as given, in the order made; several at once (KEY_VALUE_ENTRY rebuilt by wow64).
    assert "NtQueryValueKey Odd: status=0x00000000\n  type=30583\n  data length=3\n" in out
    assert "NtEnumerateValueKey end: status=0x8000001a\n  count=9\n" in out
    assert "NtQueryMultipleValueKey: status=0x00000000\n  entry length=5\n  entry offset=0\n  entry type=3\n" \
           "  entry length=4\n  entry offset=8\n  entry type=4\n  buffer length=12\n  required=12\n" in out
    assert "NtQueryMultipleValueKey short: status=0x80000005\n  required=12\n" in out
    # Keys: sorted subkeys, deletion, renaming, volatile rules.
    assert "  subkey=Alpha\n  subkey=zeta\nNtEnumerateKey end: status=0x8000001a\n" in out
    assert "NtDeleteKey with subkeys: status=0xc0000121\n" in out
    assert "NtQueryKey deleted: status=0xc000017c\n" in out
    assert "NtRenameKey onto a sibling: status=0xc0000035\n" in out
    assert "NtCreateKey stable under volatile: status=0xc0000181\n" in out
    # Notification: the event set by a change, the status in the caller's IO_STATUS_BLOCK.
    assert "NtNotifyChangeKey: status=0x00000103\n  not yet: status=0x00000102\n  after a change: status=0x00000000\n" \
           "  iosb: status=0x0000010c\n" in out
    assert "NtNotifyChangeMultipleKeys: status=0x00000103\n  not yet: status=0x00000102\n" \
           "NtCreateKey below the other key: status=0x00000000\n  disposition=1\n" \
           "  after a change: status=0x00000000\n" in out
    assert "  iosb after close: status=0x0000010b\n" in out


def test_a_second_run_on_the_same_drive_sees_the_first_ones_keys(tmp_path: Path) -> None:
    """The scenario leaves its key behind (it still has a subkey when deleted): a second run on the same --root,
    through the command line and the other width, opens it instead of making it; its volatile keys are gone."""
    runs = []
    for width in ("x86", "x64"):
        done = subprocess.run([sys.executable, "-m", "wow64emu", "run", "--root", str(tmp_path),
                               str(FIXTURES / "bin" / width / "oracle_registry.exe")], capture_output=True, timeout=120)
        assert done.returncode == 0, done.stderr
        runs.append(done.stdout.decode())
    assert "NtCreateKey below a read-only handle: status=0x00000000\n  disposition=1\n" in runs[0]
    assert "NtCreateKey below a read-only handle: status=0x00000000\n  disposition=2\n" in runs[1]
    assert "NtCreateKey watched: status=0x00000000\n  disposition=1\n" in runs[1]  # volatile: not kept
    assert (tmp_path / "System Volume Information" / "wow64emu-registry.sqlite3").is_file()


def test_a_drive_whose_registry_is_no_database_ends_the_run_with_one_line(tmp_path: Path) -> None:
    folder = tmp_path / "System Volume Information"
    folder.mkdir()
    (folder / "wow64emu-registry.sqlite3").write_bytes(b"garbage" * 100)
    done = subprocess.run([sys.executable, "-m", "wow64emu", "run", "--root", str(tmp_path),
                           str(FIXTURES / "bin" / "x86" / "oracle_registry.exe")], capture_output=True, timeout=120)
    assert done.returncode == 2
    assert done.stderr.decode().splitlines() == [
        f"wow64emu: error: the registry database {folder / 'wow64emu-registry.sqlite3'} cannot be used: "
        "file is not a database"]
