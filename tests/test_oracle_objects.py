"""Differential oracle: the object manager, 32-bit through WoW64 against 64-bit native.

Lengths whose structures hold pointers (OBJECT_NAME_INFORMATION, OBJECT_TYPE_INFORMATION, the entries of
NtQueryDirectoryObject) are printed by the scenario less the sizes of those structures in its own width, and
buffer pointers as "where expected", so the two widths agree without normalisation; the buffer that holds two
directory entries is sized in each width's terms, so both see the same two entries and STATUS_MORE_ENTRIES.
"""

from pathlib import Path

from tests.oracle import Coverage, check


def test_objects_observe_the_same_in_both_widths(tmp_path: Path, oracle_coverage: Coverage) -> None:
    out = check("oracle_objects", tmp_path, oracle_coverage).stdout
    # The namespace.
    assert "NtCreateDirectoryObject in the root: status=0xc0000022\n" in out
    assert "NtCreateDirectoryObject permanent: status=0xc0000061\n" in out
    assert "NtOpenMutant other case: status=0xc0000034\n" in out
    assert "NtOpenSemaphore through the Local link: status=0x00000000\n" in out
    # Directory listings converted entry by entry.
    assert "NtQueryDirectoryObject room for two: status=0x00000105\n  alpha (Event)\n  Beta (Mutant)\n" in out
    assert "NtQueryDirectoryObject the next: status=0x00000105\n  gamma (Semaphore)\n  context=3\n" in out
    assert "NtQueryDirectoryObject no room: status=0xc0000023\n  return length less two entries=24\n" in out
    # NtQueryObject's UNICODE_STRING-headed classes rebuilt in 32-bit form.
    assert ('  name="\\BaseNamedObjects\\oracle_objects\\alpha" length=76 maximum=78 buffer where expected\n'
            "  return length less the header=78\n") in out
    assert '  type="Event" length=10 maximum=12 buffer where expected\n' in out
    assert "NtQueryObject name, no room for the NUL: status=0xc0000004\n" in out
    # Handles.
    assert "NtClose protected: status=0xc0000235\n" in out
    assert "NtDuplicateObject generic read: status=0x00000000\n  granted access=131073\n  attributes=2\n" in out
    assert "CompareObjectHandles different: FALSE\n  error=1656\n" in out
    assert "NtOpenEvent alpha after its last close: status=0xc0000034\n" in out
